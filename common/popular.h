/*
 * popular.h: counting and ranking the top-popular list (pop-rank); the
 * popular TSV it is written as is popular_tsv.h's.
 *
 * The count of an item is sum over event types t of w[t] * n[t], where n[t]
 * is the number of events of type t on the item (or, counting distinct
 * users, the number of users with at least one such event).  It is computed
 * from the integer n[t] in event type order, so it does not depend on the
 * order of the input, and ties are exact.  The list holds every item with
 * a count above 0, sorted by count descending then item id ascending.  The
 * per-category lists the blend uses are this list filtered by category, in
 * the same order.
 */
#ifndef RS_POPULAR_H
#define RS_POPULAR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rs_err.h"
#include "events.h"
#include "interactions.h"
#include "popular_tsv.h"
#include "weights.h"


typedef struct popular_counter {
	ev_weights w;
	int distinct_users;
	int64_t since_ms;
	size_t counted;            /* events that counted */
	/*
	 * Counting rows: the item id and type of every counted event, ranked
	 * by a radix sort in popular_rank (no hashing: at millions of events a
	 * hash table misses the cache on every probe).
	 */
	uint64_t *ev_items;
	uint32_t *ev_types;
	size_t cap;
	/* Counting distinct users: the distinct (user, type, item). */
	interactions_set set;
} popular_counter;

/*
 * Prepares a counter.  Events with a type of weight 0 or a timestamp before
 * since_ms (INT64_MIN: no limit) do not count.  EX_SOFTWARE when out of
 * memory, as every function here.
 */
int popular_init(popular_counter *p, const ev_weights *w, int distinct_users,
    int64_t since_ms, rs_err *e);
void popular_free(popular_counter *p);

int popular_add(popular_counter *p, const event *ev, rs_err *e);

/* The sorted list (allocated, free() it) into *list and *n.  Ends the
 * counting: no popular_add after it. */
int popular_rank(popular_counter *p, popular_entry **list, size_t *n, rs_err *e);

#endif
