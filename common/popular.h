/*
 * popular.h: the popular TSV "item category count score", as pop-rank
 * writes it and rec-blend reads it.
 *
 * Rows are in rank order (best first); the order is the file's and is kept
 * as is.  count is a non-negative decimal (a weighted count may have a
 * fraction), score a finite decimal; an item appears at most once.
 */
#ifndef RS_POPULAR_H
#define RS_POPULAR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

extern const char *const popular_cols[4];

typedef struct popular {
	size_t n;
	uint64_t *item;       /* in rank order */
	uint64_t *category;
	double *count;
	double *score;
} popular;

/* Loads a popular TSV ("-" is stdin); EX_DATAERR names file, line, field. */
int popular_load(popular *p, const char *path, rs_err *e);
void popular_free(popular *p);

#endif
