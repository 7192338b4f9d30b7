/*
 * csv_reader.h: reading the raw Retailrocket CSV files.
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
#ifndef RS_CSV_READER_H
#define RS_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"
#include "infile.h"

typedef struct csv_reader csv_reader;

/* Opens path ("-" is stdin), plain or gzip. */
csv_reader *csv_reader_open(const char *path, rs_err *e);
/* Wraps an open reader; the csv_reader owns it from then on. */
csv_reader *csv_reader_from_rd(infile *r, rs_err *e);
void csv_reader_close(csv_reader *c);

/*
 * Reads the header record and checks it is exactly expect[0..n-1]; sets
 * the field count every later record must have.  EX_DATAERR naming the
 * expected and the found header, or "empty input".
 */
int csv_reader_header(csv_reader *c, const char *const *expect, size_t n, rs_err *e);

/*
 * Next record: 1 with *fields pointing at NUL-terminated field strings
 * (valid until the next call), 0 at end of input, or an error status.
 */
int csv_reader_next(csv_reader *c, char ***fields, rs_err *e);

/* Line on which the current record starts, and the file's name. */
uint64_t csv_reader_lineno(const csv_reader *c);
const char *csv_reader_name(const csv_reader *c);
infile *csv_reader_rd(csv_reader *c);

#endif
