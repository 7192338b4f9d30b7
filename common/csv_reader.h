/*
 * csv_reader.h: reading the raw Retailrocket CSV files (events.csv,
 * item_properties_part*.csv, category_tree.csv): the one CSV parser of the
 * project, libcsv, behind one fast path.
 *
 * Fields are comma-separated and may be quoted as RFC 4180 says (commas,
 * doubled quotes or line breaks inside); spaces are data, never trimmed.
 * Lines end at LF, and a CR before it is taken off (CRLF); a CR elsewhere is
 * data.  A UTF-8 byte order mark before the header is taken off.  Empty
 * lines are skipped, as pandas skips them, and counted.  A NUL byte is an
 * error (a binary file, or a field that C strings would cut short).  Every
 * record must have as many fields as the header; a record that does not is
 * an error naming the file and line.
 *
 * libcsv reads the header and every line that holds a double quote; the
 * other lines, which libcsv would split at their commas, are split at
 * their commas by a fast path that gives the same fields
 * (tests/fuzz/fuzz_csv_diff.c and test_csv_reader check that the two
 * agree).  RS_CSV_LIBCSV_ONLY=1 in the environment, or
 * csv_reader_libcsv_only(), sends every line through libcsv: for the
 * benchmark and the differential tests.
 *
 * The fields of a record lie one after the other, each ended by its NUL:
 * fields[i + 1] == fields[i] + strlen(fields[i]) + 1, whichever path read
 * it, so a caller can copy a whole record at once; and after the last
 * NUL at least INFILE_PAD more bytes can be read, so word-at-a-time number
 * parsers (num_u64_padded) need no bounds check.
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

/* Empty lines skipped so far, and records read by libcsv (the header
 * included). */
uint64_t csv_reader_blank_lines(const csv_reader *c);
uint64_t csv_reader_libcsv_records(const csv_reader *c);

/* With on set, every later record is read by libcsv. */
void csv_reader_libcsv_only(csv_reader *c, int on);

#endif
