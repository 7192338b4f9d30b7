/* blend.c: see blend.h. */
#include "blend.h"

#include <string.h>

const char *const blend_source_name[BLEND_NSOURCES] = {
	"popular", "online", "personal"
};

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

size_t
blend_recs(const store *s, uint64_t user, size_t n_recs,
    const uint64_t *last_items, size_t n_last, uint64_t *out,
    enum blend_source *src)
{
	struct list l[STORE_MAX_LAST + 1];
	uint64_t online[STORE_MAX_LIST];
	int64_t cats[STORE_MAX_LAST];
	struct seen seen;
	const uint64_t *g, *p;
	size_t ng, np, nl = 0, nc = 0, n_online, i, k, first;

	if (n_recs > s->list_len)
		n_recs = s->list_len;
	if (n_recs > STORE_MAX_LIST)
		n_recs = STORE_MAX_LIST;
	ng = min_sz(store_global_list(s, &g), n_recs);

	/* Online: the newest last_items, newest first, one list per new
	 * known category, then G. */
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
	l[nl].v = g;
	l[nl].n = ng;
	nl++;

	np = min_sz(store_personal_list(s, user, &p), n_recs);
	if (np == 0) {
		if (src != NULL)
			*src = nc > 0 ? BLEND_ONLINE : BLEND_POPULAR;
		return interleave(l, nl, n_recs, out, &seen);
	}
	n_online = interleave(l, nl, n_recs, online, &seen);
	l[0].v = online;
	l[0].n = n_online;
	l[1].v = p;
	l[1].n = np;
	if (src != NULL)
		*src = BLEND_PERSONAL;
	return interleave(l, 2, n_recs, out, &seen);
}
