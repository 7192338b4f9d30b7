/*
 * tsv.h: our own text streams (see recsys-tsv(5)).
 *
 * UTF-8, LF line ends, TAB-separated, no quoting; the first line is a header
 * of fixed column names that the reader checks exactly.  A CR before the LF
 * is refused with a hint (the file was probably edited on Windows), since a
 * silently kept CR would end up inside the last field.  Several files given
 * to one program each carry their own header.
 */
#ifndef RS_TSV_H
#define RS_TSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rs_err.h"
#include "infile.h"

typedef struct tsv_reader tsv_reader;

/* Opens path ("-" is stdin), plain or gzip, and checks its header against
 * expect[0..n-1]; EX_DATAERR names the expected and the found header. */
tsv_reader *tsv_reader_open(const char *path, const char *const *expect, size_t n,
    rs_err *e);
/* The same over an open reader (the tsv_reader owns it from then on). */
tsv_reader *tsv_reader_from_rd(infile *r, const char *const *expect, size_t n, rs_err *e);
void tsv_reader_close(tsv_reader *t);

/*
 * Next row: 1 with *fields set to n NUL-terminated strings (valid until the
 * next call), 0 at end, or an error status: a wrong field count, a CR, or
 * an I/O error, each naming file and line.  The fields are the line split
 * in place, so they lie one after the other, each ended by its NUL.
 */
int tsv_reader_next(tsv_reader *t, char ***fields, rs_err *e);

/*
 * The same for a line the caller read itself from the reader's infile
 * (tsv_reader_rd) with infile_line: for a reader of one format that takes
 * the plain form of its rows without splitting them, and leaves the other
 * rows to this, so that every message stays the TSV reader's.
 */
int tsv_reader_split(tsv_reader *t, char *line, size_t len, char ***fields,
    rs_err *e);
infile *tsv_reader_rd(tsv_reader *t);

uint64_t tsv_reader_lineno(const tsv_reader *t);
const char *tsv_reader_name(const tsv_reader *t);

/*
 * Records a bad field of the current row (i is 0-based) as
 * "file:line: field N (name): why: \"value\"", status EX_DATAERR.
 */
int tsv_reader_field_err(const tsv_reader *t, rs_err *e, size_t i, const char *why);

/* Writes the header line "a\tb\tc\n". */
void tsv_write_header(FILE *fp, const char *const *cols, size_t n);

/* Fast unlocked writers for the hot loops of our programs. */
static inline void
tsv_put_u64(FILE *fp, uint64_t v)
{
	extern int num_fmt_u64(char *, uint64_t);
	char b[24];
	int n = num_fmt_u64(b, v);

	fwrite_unlocked(b, 1, (size_t)n, fp);
}

static inline void
tsv_put_str(FILE *fp, const char *s)
{
	fputs_unlocked(s, fp);
}

static inline void
tsv_put_ch(FILE *fp, int c)
{
	putc_unlocked(c, fp);
}

#endif
