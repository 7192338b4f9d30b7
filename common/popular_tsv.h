/*
 * popular_tsv.h: the popular TSV "item category count score", its one
 * writer (pop-rank's) and its one reader (rec-blend's and rec-eval's).  It
 * depends on no counting and no store: the format alone.
 *
 * Rows are in rank order (best first); the order is the file's and is kept
 * as is.  count is a non-negative decimal (a weighted count may have a
 * fraction), score a finite decimal; an item appears at most once.
 * category is empty for an item missing from the catalogue snapshot: such
 * an item is in the global list but in no category's list.
 */
#ifndef RS_POPULAR_TSV_H
#define RS_POPULAR_TSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "items.h"
#include "rs_err.h"

extern const char *const popular_tsv_cols[4];  /* item category count score */

/* Digits after the point of the score column (count / max count). */
#define POPULAR_TSV_SCORE_DIGITS 6

/* A ranked item, as the writer takes it. */
typedef struct popular_entry {
	uint64_t item;
	double count;
} popular_entry;

/*
 * Writes the popular TSV (header, then the first limit entries of list, all
 * when limit is 0): category from it (empty when the item is not in the
 * snapshot), count as weights_fmt_double prints it, score = count / the
 * first entry's count with POPULAR_TSV_SCORE_DIGITS decimals.  Errors are the
 * stream's (check with ferror or at commit).
 */
void popular_tsv_write(FILE *fp, const popular_entry *list, size_t n, size_t limit,
    const items *it);

/* The reader. */
#define POPULAR_TSV_NO_CATEGORY UINT64_MAX

typedef struct popular_tsv {
	size_t n;
	uint64_t *item;       /* in rank order */
	uint64_t *category;   /* POPULAR_TSV_NO_CATEGORY when empty */
	double *count;
	double *score;
} popular_tsv;

/* Loads a popular TSV ("-" is stdin); EX_DATAERR names file, line, field. */
int popular_tsv_load(popular_tsv *p, const char *path, rs_err *e);
void popular_tsv_free(popular_tsv *p);

#endif
