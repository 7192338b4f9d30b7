/*
 * table.h: a small report table written as TSV (header line, TAB between
 * fields) or aligned for people (columns padded with spaces, the first
 * nleft columns left-aligned and the others, numbers, right-aligned).
 * An empty cell (a figure that does not exist) shows as "-" when aligned.
 * Cells are copied; rows come out in the order they were added.
 */
#ifndef RS_TABLE_H
#define RS_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct table {
	size_t ncols, nleft;
	size_t nlines, cap;    /* lines held, the header included */
	char **cells;          /* nlines * ncols, line 0 the header */
	size_t *width;         /* widest cell per column */
} table;

/* 0, or -1 when out of memory. */
int table_init(table *t, const char *const *header, size_t ncols,
    size_t nleft);
int table_add(table *t, const char *const *cells);
void table_write(const table *t, FILE *fp, int aligned);
void table_free(table *t);

#endif
