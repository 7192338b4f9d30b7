/*
 * event_reader.h: the one reader of event streams, for every program that
 * reads events (ev-filter, pop-rank, interactions-weight, rec-eval, ...).
 *
 * Several files are read one after the other, each with its own header; no
 * file means standard input.  Each file may be plain or gzip (by magic) and
 * its format is decided by its first line: a line holding a TAB is an
 * events TSV header ("ts user event item txn", checked exactly, CRLF
 * refused with a hint), anything else is read as the raw Retailrocket CSV
 * with the header "timestamp,visitorid,event,itemid,transactionid" (CRLF
 * and a UTF-8 BOM accepted, quoted fields read by libcsv).  Both carry the
 * same five fields in the same order, validated by ev_parse().
 *
 * Empty lines (a CRLF alone too, in CSV) are skipped, as pandas skips them,
 * and counted (event_reader_blank_lines) so that a program can report them
 * under -v; they are neither rows nor bad rows.
 */
#ifndef RS_EVENT_READER_H
#define RS_EVENT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "skip_bad.h"
#include "rs_err.h"
#include "events.h"

typedef struct event_reader event_reader;

/*
 * Opens the first of paths[0..npaths-1] (npaths 0: standard input) and
 * checks its header; the later files are opened when reached.  bad (may be
 * NULL: the first bad row is an error) decides what happens to bad rows
 * (see skip_bad.h) and must outlive the reader.  EX_NOINPUT when a file
 * cannot be opened, EX_DATAERR for a missing or wrong header, naming the
 * file.
 */
event_reader *event_reader_open(char *const *paths, size_t npaths,
    skip_bad *bad, rs_err *e);

/*
 * Next valid event: 1 with *ev filled, 0 after the last file, or an error
 * status with e filled ("file:line: field N (name): why: \"value\"").
 * Bad rows that bad lets through are skipped and counted there.  Without
 * bad, a caller may go on after a bad row (the next call reads the next
 * row), but not after a file that failed to open or a broken stream
 * (EX_SOFTWARE, then).
 */
int event_reader_next(event_reader *r, event *ev, rs_err *e);

/*
 * Formats the event event_reader_next last returned (ev) as an events TSV
 * row, LF included, into buf (EV_TSV_ROW_MAX bytes, which it may all
 * write) and returns its length: the bytes of ev_fmt_tsv(buf, ev), copied
 * from the input line when it was in plain form (which is faster than
 * formatting the numbers again).
 */
size_t event_reader_fmt_tsv(const event_reader *r, const event *ev,
    char *buf);

/* Data rows read so far, good and bad (headers and empty lines not
 * counted). */
uint64_t event_reader_rows(const event_reader *r);

/* Empty lines skipped so far. */
uint64_t event_reader_blank_lines(const event_reader *r);

void event_reader_close(event_reader *r);

#endif
