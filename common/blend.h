/*
 * blend.h: the original service's blend of online and personal lists, the
 * one implementation used by rec-serve and by rec-eval --replay.
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

/* "popular", "online", "personal". */
extern const char *const blend_source_name[BLEND_NSOURCES];

/*
 * Writes the blended list for the request into out (room for n_recs
 * items) and returns its length, at most n_recs (less when the lists run
 * short).  n_recs above s->list_len is served as s->list_len (rec-serve
 * refuses such requests before calling).  src (may be NULL) is set to the
 * source.  Pure: no allocation, no I/O, safe from many threads at once.
 */
size_t blend_recs(const store *s, uint64_t user, size_t n_recs,
    const uint64_t *last_items, size_t n_last, uint64_t *out,
    enum blend_source *src);

#endif
