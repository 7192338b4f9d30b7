/*
 * store.h: recs.db, the serving store (container kind "recsdb", version 3,
 * specified byte by byte in recsys-recsdb(5)).
 *
 * One file holds everything the blend needs, laid out so that it is used in
 * place from a read-only mmap: opening costs O(1) whatever the size (only
 * the header and section table are checked, not the sections' CRCs, unless
 * STORE_VERIFY), so rec-serve can reopen it on every connection, and many
 * processes share one copy in the page cache.
 *
 *   item -> category      sorted item ids with a bucket index, and per item
 *                         the index of its category
 *   category -> popular   per category its popular items, best first, at
 *                         most list_len (zero or one item is a short list)
 *   global popular        the first list_len rows of the popular table
 *   user -> personal      sorted user ids with a bucket index, and per user
 *                         the first list_len items of the personal list
 *   item -> neighbours    (version 3) sorted item ids with a bucket index,
 *                         and per item its item-sim neighbours and scores
 *
 * Ids are found by a 65,536-bucket index on their high bits followed by a
 * binary search inside one bucket: a handful of probes among millions, a
 * few tens of nanoseconds when warm.
 *
 * Damage.  Besides each section's CRC (checked only by STORE_VERIFY, in
 * time linear in the size), the section "block_crc" holds the CRC-32 of
 * every 1 KiB block of every other section.  A store opened without
 * STORE_VERIFY checks, before it uses them, the blocks that a lookup
 * reads (each block once per process): a one-request process pays for a
 * dozen blocks, not for the file.  A lookup that meets a damaged block
 * returns an empty list and records the damage (store_damage); the caller
 * must then answer an error, not the blend.  A store opened with
 * STORE_VERIFY checks nothing more per lookup.  Code that reads a new
 * section goes through store_readable first.
 */
#ifndef RS_STORE_H
#define RS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "container.h"
#include "rs_err.h"

#define STORE_KIND "recsdb"
/*
 * Version 3 adds the blend rule, its shares and the neighbour lists of
 * item-sim; a version 2 store is still opened, and holds the seed rule.
 */
#define STORE_VERSION 3
#define STORE_VERSION_MIN 2
#define STORE_BLOCK 1024        /* bytes per block of "block_crc" */

/* Upper bound of rec-blend --list-len, hence of any n_recs ever served. */
#define STORE_MAX_LIST 1000
/* Upper bound of rec-blend --last-items. */
#define STORE_MAX_LAST 16
/* Buckets of the id indexes (entries: STORE_BUCKETS + 1). */
#define STORE_BUCKETS 65536

/* A sorted id array with its bucket index (see store_idx_find). */
typedef struct store_idx {
	const uint64_t *id;       /* ascending, unique */
	size_t n;
	const uint32_t *bucket;   /* STORE_BUCKETS + 1 positions into id */
	unsigned shift;           /* bucket of x is x >> shift */
} store_idx;

/* The per-block checks of a store opened without STORE_VERIFY. */
typedef struct store_guard {
	const unsigned char *crc; /* section "block_crc": u32 per block */
	size_t ncrc;
	uint32_t nsec;            /* sections covered, in table order */
	struct store_guard_sec {
		const unsigned char *p;
		size_t size;
		size_t crc0;          /* index of its first block in crc */
		const char *name;
	} sec[CONTAINER_MAX_SECTIONS];
	unsigned char *ok;        /* bit per block: checked and good */
	const char *bad_sec;      /* the first damage met, NULL: none */
	size_t bad_block;
} store_guard;

typedef struct store {
	container c;
	store_guard *guard;       /* NULL when opened with STORE_VERIFY */
	/* Blend parameters recorded by rec-blend. */
	size_t list_len;          /* longest list kept: the largest n_recs */
	size_t last_items;        /* newest last_items the blend looks at */
	/* item -> category index (into cat_id) */
	store_idx items;
	const uint32_t *item_cat;
	/* category index -> its popular list */
	const uint64_t *cat_id;   /* ascending */
	size_t n_cats;
	const uint32_t *cat_off;  /* n_cats + 1 offsets into cat_pop */
	const uint64_t *cat_pop;
	size_t n_cat_pop;
	/* global popular list */
	const uint64_t *global;
	size_t n_global;
	/* user -> personal list */
	store_idx users;
	const uint64_t *user_off; /* n_users + 1 offsets into user_rec */
	const uint64_t *user_rec;
	size_t n_user_rec;
	/*
	 * The blend rule (enum blend_rule, 0 in version 2 stores) and the
	 * session rule's parameters: the recent items shown at most, and the
	 * shares of n_recs of its recent, similar and personal sources.
	 */
	int rule;
	size_t recent_max;
	double share_recent, share_similar, share_personal;
	/* item -> its neighbours, best first (empty without --similar) */
	store_idx sims;
	const uint64_t *sim_off;  /* sims.n + 1 offsets into sim_nbr */
	const uint64_t *sim_nbr;
	const float *sim_score;
	size_t n_sim_nbr;
	/* Provenance, for logs and metrics ("" when not recorded). */
	int64_t built_ms;         /* build time, epoch ms */
	char cutoff[40];          /* the training cutoff, as given */
} store;

enum {
	STORE_VERIFY = 1          /* also check every section's CRC-32 */
};

/*
 * Maps path and checks the container (see container_open), the parameters and
 * every section's presence and size, in time that does not depend on the
 * store's size.  The lookups below bounds-check what they read, so even a
 * store corrupted in a way the header does not reveal never makes them
 * read outside the file.  STORE_VERIFY also checks every section's CRC
 * and that ids are sorted and offsets monotone (time linear in the size).
 * EX_NOINPUT when path cannot be opened, EX_DATAERR saying what is wrong
 * otherwise.
 */
int store_open(store *s, const char *path, int flags, rs_err *e);
void store_close(store *s);

/* Checks the blocks of [p, p+len) against "block_crc"; 1 when all are
 * good, else 0 with the damage recorded.  See store_readable. */
int store_guard_check(const store *s, const void *p, size_t len);

/* Whether the len bytes at p (inside one section) may be used. */
static inline int
store_readable(const store *s, const void *p, size_t len)
{
	return s->guard == NULL || len == 0 || store_guard_check(s, p, len);
}

/* The damage met since store_damage_clear: the section's name and the
 * block, or NULL. */
static inline const char *
store_damage(const store *s, size_t *block)
{
	if (s->guard == NULL || s->guard->bad_sec == NULL)
		return NULL;
	if (block != NULL)
		*block = s->guard->bad_block;
	return s->guard->bad_sec;
}

static inline void
store_damage_clear(const store *s)
{
	if (s->guard != NULL)
		s->guard->bad_sec = NULL;
}

/* Position of id in ix, or -1 (also when a block read is damaged). */
static inline int64_t
store_idx_find(const store *s, const store_idx *ix, uint64_t id)
{
	uint64_t b = id >> ix->shift;
	size_t lo, hi, end;

	if (b >= STORE_BUCKETS || !store_readable(s, ix->bucket + b, 8))
		return -1;
	lo = ix->bucket[b];
	hi = end = ix->bucket[b + 1];
	if (hi > ix->n || lo > hi ||
	    !store_readable(s, ix->id + lo, (hi - lo) * 8))
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Only the bucket's own ids, which were checked: past its end (an
	 * empty bucket, or an id above all of it) is the next bucket's, and
	 * a damaged id there must not answer for this one. */
	return lo < end && ix->id[lo] == id ? (int64_t)lo : -1;
}

/* The category index of item (into s->cat_id), or -1 when unknown. */
static inline int64_t
store_item_category(const store *s, uint64_t item)
{
	int64_t i = store_idx_find(s, &s->items, item);

	if (i < 0 || !store_readable(s, s->item_cat + i, 4) ||
	    s->item_cat[i] >= s->n_cats)
		return -1;
	return (int64_t)s->item_cat[i];
}

/* The popular list of category index c (< n_cats); returns its length. */
static inline size_t
store_category_list(const store *s, size_t c, const uint64_t **list)
{
	size_t a, b;

	*list = s->cat_pop;
	if (!store_readable(s, s->cat_off + c, 8))
		return 0;
	a = s->cat_off[c];
	b = s->cat_off[c + 1];
	if (b < a || b > s->n_cat_pop || b - a > s->list_len ||
	    !store_readable(s, s->cat_pop + a, (b - a) * 8))
		return 0;
	*list = s->cat_pop + a;
	return b - a;
}

/* The global popular list; returns its length. */
static inline size_t
store_global_list(const store *s, const uint64_t **list)
{
	*list = s->global;
	return store_readable(s, s->global, s->n_global * 8) ? s->n_global :
	    0;
}

/* The personal list of user; returns its length, 0 when it has none. */
static inline size_t
store_personal_list(const store *s, uint64_t user, const uint64_t **list)
{
	int64_t i = store_idx_find(s, &s->users, user);
	uint64_t a, b;

	*list = NULL;
	if (i < 0 || !store_readable(s, s->user_off + i, 16))
		return 0;
	a = s->user_off[i];
	b = s->user_off[i + 1];
	if (b < a || b > s->n_user_rec || b - a > s->list_len ||
	    !store_readable(s, s->user_rec + a, (b - a) * 8))
		return 0;
	*list = s->user_rec + a;
	return (size_t)(b - a);
}

/* The neighbours of item and their scores; returns their number, 0 when
 * it has none. */
static inline size_t
store_similar_list(const store *s, uint64_t item, const uint64_t **nbr,
    const float **score)
{
	int64_t i = s->sims.n ? store_idx_find(s, &s->sims, item) : -1;
	uint64_t a, b;

	if (i < 0 || !store_readable(s, s->sim_off + i, 16))
		return 0;
	a = s->sim_off[i];
	b = s->sim_off[i + 1];
	if (b < a || b > s->n_sim_nbr ||
	    !store_readable(s, s->sim_nbr + a, (b - a) * 8) ||
	    !store_readable(s, s->sim_score + a, (b - a) * 4))
		return 0;
	*nbr = s->sim_nbr + a;
	*score = s->sim_score + a;
	return (size_t)(b - a);
}

/*
 * Building (rec-blend).  Inputs are the items TSV (items.h), the popular
 * TSV "item category count score" (popular.h) and optionally the recs TSV
 * "user rank item score" (rows grouped by user, ranks 1, 2, ... per user).
 */
typedef struct store_build_opts {
	const char *items_path;
	const char *popular_path;
	const char *personal_path;   /* NULL: no personal lists */
	size_t list_len;             /* 1..STORE_MAX_LIST */
	size_t last_items;           /* 1..STORE_MAX_LAST */
	const char *cutoff;          /* recorded as given; NULL: none */
	int rule;                    /* enum blend_rule */
	const char *sims_path;       /* item-sim's sims.bin; NULL: none */
	size_t recent_max;           /* 1..STORE_MAX_LAST */
	double share_recent, share_similar, share_personal;  /* 0..1 */
	int64_t built_ms;            /* recorded build time */
	/* Filled by store_build: counts for -v. */
	size_t n_items, n_cats, n_popular, n_users, n_personal, n_sims;
} store_build_opts;

/* Reads the inputs and writes the store atomically to out ("-": stdout). */
int store_build(store_build_opts *o, const char *out, rs_err *e);

#endif
