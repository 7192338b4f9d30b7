/*
 * blend.h: the blend rules, the one implementation used by rec-serve and
 * by rec-eval --replay: the original service's (the seed rule, steps 1-3,
 * the only rule of version 2 stores) and the session rule (S1-S4).
 *
 * Request: user, n_recs, last_items (oldest first).
 *  1. G = the first n_recs of the global popular list.
 *  2. Online: the newest s->last_items (3) of last_items, newest first, are
 *     mapped to categories; unknown items and repeated categories are
 *     dropped.  For each category its popular list (first n_recs), then G,
 *     are interleaved round-robin by position (exhausted lists skipped),
 *     duplicates dropped keeping the first, cut to n_recs.  With no usable
 *     last item, online = G.
 *  3. A user without a personal list gets online.  Otherwise P = the first
 *     n_recs of the personal list; online and P are interleaved online
 *     first (o0 p0 o1 p1 ..., then the rest of the longer), duplicates
 *     dropped keeping the first, cut to n_recs.
 * Categories with zero or one popular item are short lists, never errors.
 *
 * The session rule (rule BLEND_RULE_SESSION, rec-blend's default; store
 * version 3, neighbour lists from item-sim, none without rec-blend -s),
 * for the same request:
 *  S1. Recent: last_items newest first, repeats dropped, at most
 *      s->recent_max of them (the visitor's "recently viewed").
 *  S2. Similar: the neighbour lists of the newest s->last_items distinct
 *      items of last_items (each list cut to BLEND_MAX_NBR), the j-th
 *      newest weighing 2^-j: an item's score is the sum over the lists
 *      that hold it of that weight times its neighbour score; best first
 *      (equal scores: smaller id first).
 *  S3. Personal: the user's personal list.
 *  S4. Fallback: the online list of step 2 above (the viewed categories'
 *      popular lists interleaved with G), which ends with G.
 *  The answer takes, in this order, up to round(share x n_recs) items of
 *  S1, S2 and S3 (the shares recorded in the store), then fills what is
 *  left from S2, S3 and S4 in turn; an item already taken is skipped
 *  (no item twice); n_recs items unless every source runs out.
 * The source reported is as for the seed rule: personal when the user has
 * a personal list, else online when a last item is known, else popular.
 */
#ifndef RS_BLEND_H
#define RS_BLEND_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Which source served a request (the rec-serve metric's label). */
enum blend_source {
	BLEND_POPULAR = 0,   /* no personal list, no usable last item: G */
	BLEND_ONLINE = 1,    /* no personal list, >= 1 known last item */
	BLEND_PERSONAL = 2   /* personal list interleaved with online */
};
#define BLEND_NSOURCES 3

/* The rules a store can hold (its "rule" parameter). */
enum blend_rule {
	BLEND_RULE_SEED = 0,     /* steps 1-3: the original service */
	BLEND_RULE_SESSION = 1   /* steps S1-S4 */
};
#define BLEND_NRULES 2
/* "seed", "session". */
extern const char *const blend_rule_name[BLEND_NRULES];

/* Neighbours of one recent item the session rule looks at, at most. */
#define BLEND_MAX_NBR 64

/* "popular", "online", "personal". */
extern const char *const blend_source_name[BLEND_NSOURCES];

/*
 * Writes the blended list for the request into out (room for n_recs
 * items) and returns its length, at most n_recs (less when the lists run
 * short), by the rule the store holds.  n_recs above s->list_len is
 * served as s->list_len (rec-serve refuses such requests before
 * calling).  src (may be NULL) is set to the source.  Pure: no allocation, no I/O, safe from many threads at once.
 */
size_t blend_recs(const store *s, uint64_t user, size_t n_recs,
    const uint64_t *last_items, size_t n_last, uint64_t *out,
    enum blend_source *src);

#endif
