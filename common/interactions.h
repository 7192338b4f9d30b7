/*
 * interactions.h: the distinct (user, event type, item) triples of an event
 * stream, and the weighted user x item matrix built from them (the original
 * system's interaction matrix: one row per (user, event, item) before
 * weighting, weights summed per (user, item)).
 *
 * Use: interactions_init, interactions_add for every event that should count, interactions_finish, then
 * read the triples (interactions_triple) or build the matrix (interactions_csr).  There is no
 * hashing: the events are kept as they come (17 bytes each) and interactions_finish
 * ranks the ids and drops repeated triples with radix sorts, which touch
 * memory in order; it needs about 24 more bytes per event while it runs.
 */
#ifndef RS_INTERACTIONS_H
#define RS_INTERACTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rs_err.h"
#include "matrix.h"
#include "weights.h"

typedef struct interactions_set {
	/*
	 * Before interactions_finish: keys[k] is the user id of the k-th event,
	 * ev_items[k] its item id and types[k] its type.  After: user_ids and
	 * item_ids hold the distinct ids, ascending, and keys the distinct
	 * triples, ascending, each (user rank * nitems + item rank) *
	 * EV_NTYPES + type.
	 */
	uint64_t *user_ids, *item_ids;
	size_t nusers, nitems;
	uint64_t *keys;
	size_t n;            /* keys held (after interactions_finish: distinct ones) */
	size_t added;        /* interactions_add calls */
	uint64_t *ev_items;
	uint8_t *types;
	size_t cap;
	int finished;
} interactions_set;

/* EX_SOFTWARE when out of memory (as every function here). */
int interactions_init(interactions_set *s, rs_err *e);
void interactions_free(interactions_set *s);

/* Records one event; type is an enum ev_type.  Not after interactions_finish. */
int interactions_add(interactions_set *s, uint64_t user, uint64_t item, int type, rs_err *e);

/* Sorts the ids and the triples and drops repeated triples. */
int interactions_finish(interactions_set *s, rs_err *e);

/* The k-th distinct triple (k < s->n, after interactions_finish), as ranks into
 * user_ids and item_ids. */
static inline void
interactions_triple(const interactions_set *s, size_t k, size_t *user, size_t *item, int *type)
{
	uint64_t cell = s->keys[k] / EV_NTYPES;

	*type = (int)(s->keys[k] % EV_NTYPES);
	*user = (size_t)(cell / s->nitems);
	*item = (size_t)(cell % s->nitems);
}

/*
 * Builds the matrix of a finished set: cell (user, item) = the sum of
 * w[type] over its distinct triples, added in event type order in double
 * and rounded once to float32.  Cells that come to 0 are left out, and so
 * are users and items left without a cell; rows and columns are in
 * ascending id order.  The arrays are allocated (free with interactions_csr_free);
 * m->file is unused.
 */
int interactions_csr(const interactions_set *s, const ev_weights *w, csr *m, rs_err *e);
void interactions_csr_free(csr *m);

extern const char *const interactions_triple_cols[3];   /* user item value */

/*
 * Writes m as TSV triples "user item value" (header first), in row then
 * column order, each value as the shortest decimal that reads back as the
 * same float32 (weights_fmt_float).  Errors are the stream's.
 */
void interactions_csr_write_tsv(FILE *fp, const csr *m);

#endif
