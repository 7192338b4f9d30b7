/*
 * evin.h: reading events from the raw Retailrocket events.csv or from our
 * events TSV, whichever each input file is.
 *
 * Several files are read one after the other, each with its own header; no
 * file means standard input.  Each file may be plain or gzip (by magic) and
 * its format is decided by its first line: a line holding a TAB is an
 * events TSV header ("ts user event item txn", checked exactly, CRLF
 * refused with a hint), anything else is read as CSV with the header
 * "timestamp,visitorid,event,itemid,transactionid" (CRLF and a UTF-8 BOM
 * accepted, quoted fields read by libcsv).  Both carry the same five fields
 * in the same order, validated by ev_parse().
 */
#ifndef RS_EVIN_H
#define RS_EVIN_H

#include <stddef.h>
#include <stdint.h>

#include "skip_bad.h"
#include "rs_err.h"
#include "events.h"

typedef struct evin evin;

/*
 * Opens the first of paths[0..npaths-1] (npaths 0: standard input) and
 * checks its header; the later files are opened when reached.  bad (may be
 * NULL) decides what happens to bad rows (see skip_bad.h) and must outlive
 * the reader.  EX_NOINPUT when a file cannot be opened, EX_DATAERR for a
 * missing or wrong header, naming the file.
 */
evin *evin_open(char *const *paths, size_t npaths, skip_bad *bad, rs_err *e);

/*
 * Next valid event: 1 with *ev filled, 0 after the last file, or an error
 * status with e filled ("file:line: field N (name): why: \"value\"").
 * Bad rows that bad lets through are skipped and counted there.
 */
int evin_next(evin *r, event *ev, rs_err *e);

/*
 * Formats the event evin_next last returned (ev) as an events TSV row, LF
 * included, into buf (EV_TSV_ROW_MAX bytes, which it may all write) and
 * returns its length: the bytes of ev_fmt_tsv(buf, ev), copied from the
 * input line when it was in plain form (which is faster than formatting
 * the numbers again).
 */
size_t evin_fmt_tsv(const evin *r, const event *ev, char *buf);

/* Data rows read so far, good and bad (headers not counted). */
uint64_t evin_rows(const evin *r);

void evin_close(evin *r);

#endif
