/*
 * csvr.h: reading the raw Retailrocket CSV files.
 *
 * Fields are comma-separated; a line with a double quote goes through
 * libcsv, so quoted fields (with commas, doubled quotes or line breaks
 * inside) are read as RFC 4180 says; lines without one are split directly,
 * which is the common case and the fast path.  CRLF line ends and a UTF-8
 * byte order mark before the header are accepted; a NUL byte is an error (a
 * binary file, or a field that C strings would cut short).  Every record
 * must have as many fields as the header; a record that does not is an
 * error naming the file and line.
 */
#ifndef RS_CSVR_H
#define RS_CSVR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "rd.h"

typedef struct csvr csvr;

/* Opens path ("-" is stdin), plain or gzip. */
csvr *csvr_open(const char *path, rs_err *e);
/* Wraps an open reader; the csvr owns it from then on. */
csvr *csvr_from_rd(rd *r, rs_err *e);
void csvr_close(csvr *c);

/*
 * Reads the header record and checks it is exactly expect[0..n-1]; sets
 * the field count every later record must have.  EX_DATAERR naming the
 * expected and the found header, or "empty input".
 */
int csvr_header(csvr *c, const char *const *expect, size_t n, rs_err *e);

/*
 * Next record: 1 with *fields pointing at NUL-terminated field strings
 * (valid until the next call), 0 at end of input, or an error status.
 */
int csvr_next(csvr *c, char ***fields, rs_err *e);

/* Line on which the current record starts, and the file's name. */
uint64_t csvr_lineno(const csvr *c);
const char *csvr_name(const csvr *c);
rd *csvr_rd(csvr *c);

#endif
