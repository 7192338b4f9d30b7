/* blend.c: see blend.h. */
#include "blend.h"

#include <math.h>
#include <string.h>

#include "itemsim.h"

const char *const blend_source_name[BLEND_NSOURCES] = {
	"popular", "online", "personal"
};

const char *const blend_rule_name[BLEND_NRULES] = { "seed", "session" };

/*
 * The set of items already emitted, for "drop duplicates keeping the
 * first".  It never holds more than n_recs <= STORE_MAX_LIST items, so a
 * table of twice that, on the stack, is never more than half full; only
 * the part in use is cleared, so a 10-item request clears 32 bytes.
 */
#define SEEN_CAP 2048
struct seen {
	uint64_t key[SEEN_CAP];
	unsigned char used[SEEN_CAP];
	size_t mask;
};

static void
seen_init(struct seen *s, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	s->mask = cap - 1;
	memset(s->used, 0, cap);
}

/* 1 when item was new (and is now held), 0 when already seen. */
static int
seen_add(struct seen *s, uint64_t item)
{
	uint64_t h = item * 0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 40) & s->mask;

	while (s->used[i]) {
		if (s->key[i] == item)
			return 0;
		i = (i + 1) & s->mask;
	}
	s->used[i] = 1;
	s->key[i] = item;
	return 1;
}

struct list {
	const uint64_t *v;
	size_t n;
};

/*
 * Interleaves lists round-robin by position, skipping exhausted ones,
 * keeping the first of duplicates, into out until n items; returns the
 * count.
 */
static size_t
interleave(const struct list *l, size_t nl, size_t n, uint64_t *out,
    struct seen *seen)
{
	size_t pos, k, got = 0, longest = 0;

	seen_init(seen, n);
	for (k = 0; k < nl; k++)
		if (l[k].n > longest)
			longest = l[k].n;
	for (pos = 0; pos < longest && got < n; pos++)
		for (k = 0; k < nl && got < n; k++)
			if (pos < l[k].n && seen_add(seen, l[k].v[pos]))
				out[got++] = l[k].v[pos];
	return got;
}

static size_t
min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t seed_recs(const store *, uint64_t, size_t,
    const uint64_t *, size_t, uint64_t *, enum blend_source *);
static size_t session_recs(const store *, uint64_t, size_t,
    const uint64_t *, size_t, uint64_t *, enum blend_source *);

size_t
blend_recs(const store *s, uint64_t user, size_t n_recs,
    const uint64_t *last_items, size_t n_last, uint64_t *out,
    enum blend_source *src)
{
	if (n_recs > s->list_len)
		n_recs = s->list_len;
	if (n_recs > STORE_MAX_LIST)
		n_recs = STORE_MAX_LIST;
	if (s->rule == BLEND_RULE_SESSION)
		return session_recs(s, user, n_recs, last_items, n_last, out,
		    src);
	return seed_recs(s, user, n_recs, last_items, n_last, out, src);
}

/*
 * Step 2 of blend.h: the online list into out (room for n_recs); *ncats
 * is set to the number of known categories it used.
 */
static size_t
online_recs(const store *s, size_t n_recs, const uint64_t *last_items,
    size_t n_last, uint64_t *out, size_t *ncats, struct seen *seen)
{
	struct list l[STORE_MAX_LAST + 1];
	int64_t cats[STORE_MAX_LAST];
	const uint64_t *g;
	size_t nl = 0, nc = 0, i, k, first;

	/* The newest last_items, newest first, one list per new known
	 * category, then G. */
	first = n_last > s->last_items ? n_last - s->last_items : 0;
	for (i = n_last; i > first; i--) {
		int64_t c = store_item_category(s, last_items[i - 1]);

		if (c < 0)
			continue;
		for (k = 0; k < nc && cats[k] != c; k++)
			;
		if (k < nc)
			continue;
		cats[nc++] = c;
		l[nl].n = min_sz(store_category_list(s, (size_t)c, &l[nl].v),
		    n_recs);
		nl++;
	}
	l[nl].n = min_sz(store_global_list(s, &g), n_recs);
	l[nl].v = g;
	nl++;
	*ncats = nc;
	return interleave(l, nl, n_recs, out, seen);
}

/* Steps 1-3 of blend.h. */
static size_t
seed_recs(const store *s, uint64_t user, size_t n_recs,
    const uint64_t *last_items, size_t n_last, uint64_t *out,
    enum blend_source *src)
{
	uint64_t online[STORE_MAX_LIST];
	struct list l[2];
	struct seen seen;
	const uint64_t *p;
	size_t np, nc, n_online;

	np = min_sz(store_personal_list(s, user, &p), n_recs);
	if (np == 0) {
		n_online = online_recs(s, n_recs, last_items, n_last, out, &nc,
		    &seen);
		if (src != NULL)
			*src = nc > 0 ? BLEND_ONLINE : BLEND_POPULAR;
		return n_online;
	}
	n_online = online_recs(s, n_recs, last_items, n_last, online, &nc,
	    &seen);
	l[0].v = online;
	l[0].n = n_online;
	l[1].v = p;
	l[1].n = np;
	if (src != NULL)
		*src = BLEND_PERSONAL;
	return interleave(l, 2, n_recs, out, &seen);
}

/*
 * S2: the first n_recs of the merged neighbours of recent[0..nr) (newest
 * first, distinct), into out (room for n_recs); returns the count.  No
 * more can be served: every item S2 gives or skips is in the answer.
 */
static size_t
similar_list(const store *s, const uint64_t *recent, size_t nr,
    size_t n_recs, uint64_t *out)
{
	struct itemsim_cand c[STORE_MAX_LAST * BLEND_MAX_NBR];
	size_t nc = 0, i, k;

	if (nr > s->last_items)
		nr = s->last_items;
	for (i = 0; i < nr; i++) {
		const uint64_t *nbr;
		const float *sc;
		size_t n = store_similar_list(s, recent[i], &nbr, &sc);
		/* 2^-i, exact (i < STORE_MAX_LAST); no libm for rec-serve. */
		double w = 1.0 / (double)(1u << i);

		if (n > BLEND_MAX_NBR)
			n = BLEND_MAX_NBR;
		for (k = 0; k < n; k++) {
			c[nc].item = nbr[k];
			c[nc].score = w * sc[k];
			nc++;
		}
	}
	return itemsim_merge(c, nc, n_recs, out);
}

/* Appends up to quota items of l[*at..] not yet seen; returns the new
 * count. */
static size_t
take(const struct list *l, size_t *at, size_t quota, uint64_t *out,
    size_t got, size_t n, struct seen *seen)
{
	size_t limit = got + quota < n ? got + quota : n;

	while (got < limit && *at < l->n) {
		uint64_t x = l->v[(*at)++];

		if (seen_add(seen, x))
			out[got++] = x;
	}
	return got;
}

static size_t
share_of(double share, size_t n)
{
	return (size_t)floor(share * (double)n + 0.5);
}

/* Steps S1-S4 of blend.h. */
static size_t
session_recs(const store *s, uint64_t user, size_t n_recs,
    const uint64_t *last_items, size_t n_last, uint64_t *out,
    enum blend_source *src)
{
	uint64_t recent[STORE_MAX_LAST], fallback[STORE_MAX_LIST];
	uint64_t similar[STORE_MAX_LIST];
	struct list l[4];
	size_t at[4] = {0, 0, 0, 0}, nr = 0, i, k, got = 0, known = 0;
	struct seen seen;

	/* S1: newest first, without repeats. */
	for (i = n_last; i > 0 && nr < STORE_MAX_LAST; i--) {
		for (k = 0; k < nr && recent[k] != last_items[i - 1]; k++)
			;
		if (k == nr)
			recent[nr++] = last_items[i - 1];
	}
	l[0].v = recent;
	l[0].n = nr < s->recent_max ? nr : s->recent_max;
	l[1].v = similar;
	l[1].n = similar_list(s, recent, nr, n_recs, similar);
	l[2].n = store_personal_list(s, user, &l[2].v);
	if (l[2].n > n_recs)
		l[2].n = n_recs;
	/* S4: the seed rule's online list. */
	l[3].v = fallback;
	l[3].n = online_recs(s, n_recs, last_items, n_last, fallback, &known,
	    &seen);
	if (src != NULL)
		*src = l[2].n > 0 ? BLEND_PERSONAL :
		    known ? BLEND_ONLINE : BLEND_POPULAR;
	seen_init(&seen, n_recs);
	got = take(&l[0], &at[0], share_of(s->share_recent, n_recs), out,
	    got, n_recs, &seen);
	got = take(&l[1], &at[1], share_of(s->share_similar, n_recs), out,
	    got, n_recs, &seen);
	got = take(&l[2], &at[2], share_of(s->share_personal, n_recs), out,
	    got, n_recs, &seen);
	for (i = 1; i < 4; i++)
		got = take(&l[i], &at[i], n_recs, out, got, n_recs, &seen);
	return got;
}
