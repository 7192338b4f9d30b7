/*
 * poptsv.h: reading the popular TSV "item category count score", which
 * pop-rank writes (popular.h; its popular_cols names the columns) and
 * rec-blend reads.
 *
 * Rows are in rank order (best first); the order is the file's and is kept
 * as is.  count is a non-negative decimal (a weighted count may have a
 * fraction), score a finite decimal; an item appears at most once.
 * category is empty for an item missing from the catalogue snapshot: such
 * an item is in the global list but in no category's list.
 */
#ifndef RS_POPTSV_H
#define RS_POPTSV_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

#define POPTSV_NO_CATEGORY UINT64_MAX

typedef struct poptsv {
	size_t n;
	uint64_t *item;       /* in rank order */
	uint64_t *category;   /* POPTSV_NO_CATEGORY when empty */
	double *count;
	double *score;
} poptsv;

/* Loads a popular TSV ("-" is stdin); EX_DATAERR names file, line, field. */
int poptsv_load(poptsv *p, const char *path, rs_err *e);
void poptsv_free(poptsv *p);

#endif
