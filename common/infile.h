/*
 * infile.h: reading one input file, plain or gzip, line by line.
 *
 * "-" (or NULL) is standard input.  Whether the input is gzip is decided by
 * its first two bytes (1f 8b), never by its name; multi-member gzip files are
 * read whole, and a truncated or corrupt gzip stream is an error (EX_DATAERR)
 * rather than a silently short read.  Lines are returned without their LF,
 * NUL-terminated, in a buffer the caller may modify until the next call.
 * A final line without LF is returned as a line.  After every line's NUL,
 * and after every block of infile_lines, at least INFILE_PAD more bytes
 * can be read (their values unspecified), so word-at-a-time scans of a
 * line need no bounds check.
 */
#ifndef RS_INFILE_H
#define RS_INFILE_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

typedef struct infile infile;

/* Opens path ("-" or NULL: stdin).  EX_NOINPUT when it cannot be opened. */
infile *infile_open(const char *path, rs_err *e);
void infile_close(infile *r);

/*
 * Next line: 1 with line and len set, 0 at end of input, or the error status
 * (EX_IOERR, EX_DATAERR for bad gzip) with e filled.  Lines longer than
 * 64 MiB are refused as bad data.
 */
int infile_line(infile *r, char **line, size_t *len, rs_err *e);

/*
 * Makes at least min bytes (or all that remain) of decoded input visible
 * without consuming them; returns the count and sets *p.  Negative on error.
 */
long infile_peek(infile *r, size_t min, const char **p, rs_err *e);

/*
 * The complete lines buffered, for readers that scan many lines at once:
 * sets *p to the start of the next line and returns the number of bytes
 * up to and including the last LF buffered, reading more when not even one
 * whole line is buffered.  0 when no LF is left (at the end of the input,
 * where a last line without LF is left for infile_line), negative on error
 * (as infile_line's, and infile_failed is then set).  Nothing is consumed: the
 * caller says with infile_skip how much it took, and may change the
 * bytes of the lines it takes (as those of a line of infile_line's).  At least INFILE_PAD bytes after
 * the block can be read (their values are unspecified), so word-at-a-time
 * scans need no bounds check until the last LF.  The block is valid until
 * the next call of any reading function.
 */
#define INFILE_PAD 64
long infile_lines(infile *r, char **p, rs_err *e);

/* Consumes n bytes holding nlines lines from a block of infile_lines (n at
 * the start of a line), counting them for infile_lineno. */
void infile_skip(infile *r, size_t n, uint64_t nlines);

/*
 * Raw read of decoded bytes (for binary inputs): returns the count read,
 * 0 at end, negative on error.
 */
long infile_read(infile *r, void *buf, size_t n, rs_err *e);

/* The name used in messages ("-" shown as "<stdin>") and the 1-based number
 * of the line last returned by infile_line. */
const char *infile_name(const infile *r);
uint64_t infile_lineno(const infile *r);
/* Bytes of the underlying file consumed so far (compressed if gzip). */
uint64_t infile_raw_bytes(const infile *r);
int infile_is_gzip(const infile *r);

/*
 * Nonzero once reading the input itself failed (I/O error, corrupt or
 * truncated gzip, over-long line): nothing more can be read from it.  Lets
 * a caller that skips bad rows tell a bad row, after which reading goes on,
 * from a broken stream, after which it cannot.
 */
int infile_failed(const infile *r);

#endif
