/*
 * rd.h: reading one input file, plain or gzip, line by line.
 *
 * "-" (or NULL) is standard input.  Whether the input is gzip is decided by
 * its first two bytes (1f 8b), never by its name; multi-member gzip files are
 * read whole, and a truncated or corrupt gzip stream is an error (EX_DATAERR)
 * rather than a silently short read.  Lines are returned without their LF,
 * NUL-terminated, in a buffer the caller may modify until the next call.
 * A final line without LF is returned as a line.
 */
#ifndef RS_RD_H
#define RS_RD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct rd rd;

/* Opens path ("-" or NULL: stdin).  EX_NOINPUT when it cannot be opened. */
rd *rd_open(const char *path, rs_err *e);
void rd_close(rd *r);

/*
 * Next line: 1 with line and len set, 0 at end of input, or the error status
 * (EX_IOERR, EX_DATAERR for bad gzip) with e filled.  Lines longer than
 * 64 MiB are refused as bad data.
 */
int rd_line(rd *r, char **line, size_t *len, rs_err *e);

/*
 * Makes at least min bytes (or all that remain) of decoded input visible
 * without consuming them; returns the count and sets *p.  Negative on error.
 */
long rd_peek(rd *r, size_t min, const char **p, rs_err *e);

/*
 * The complete lines buffered, for readers that scan many lines at once:
 * sets *p to the start of the next line and returns the number of bytes
 * up to and including the last LF buffered, reading more when not even one
 * whole line is buffered.  0 when no LF is left (at the end of the input,
 * where a last line without LF is left for rd_line), negative on error
 * (as rd_line's, and rd_failed is then set).  Nothing is consumed: the
 * caller says with rd_skip how much it took.  At least RD_PAD bytes after
 * the block can be read (their values are unspecified), so word-at-a-time
 * scans need no bounds check until the last LF.  The block is valid until
 * the next call of any reading function.
 */
#define RD_PAD 64
long rd_lines(rd *r, const char **p, rs_err *e);

/* Consumes n bytes holding nlines lines from a block of rd_lines (n at
 * the start of a line), counting them for rd_lineno. */
void rd_skip(rd *r, size_t n, uint64_t nlines);

/*
 * Raw read of decoded bytes (for binary inputs): returns the count read,
 * 0 at end, negative on error.
 */
long rd_read(rd *r, void *buf, size_t n, rs_err *e);

/* The name used in messages ("-" shown as "<stdin>") and the 1-based number
 * of the line last returned by rd_line. */
const char *rd_name(const rd *r);
uint64_t rd_lineno(const rd *r);
/* Bytes of the underlying file consumed so far (compressed if gzip). */
uint64_t rd_raw_bytes(const rd *r);
int rd_is_gzip(const rd *r);

/*
 * Nonzero once reading the input itself failed (I/O error, corrupt or
 * truncated gzip, over-long line): nothing more can be read from it.  Lets
 * a caller that skips bad rows tell a bad row, after which reading goes on,
 * from a broken stream, after which it cannot.
 */
int rd_failed(const rd *r);

#endif
