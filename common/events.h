/*
 * events.h: the event record shared by every stage, and the events TSV.
 *
 * Events TSV columns: ts user event item txn (see recsys-tsv(5)); the raw
 * Retailrocket events.csv has the same five fields in the same order
 * (timestamp,visitorid,event,itemid,transactionid), so one validator serves
 * both.  txn is present on transactions only.
 */
#ifndef RS_EVENTS_H
#define RS_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

enum ev_type { EV_VIEW, EV_ADDTOCART, EV_TRANSACTION, EV_NTYPES };

extern const char *const ev_type_names[EV_NTYPES];
extern const char *const ev_tsv_cols[5];     /* ts user event item txn */
extern const char *const ev_csv_cols[5];     /* timestamp,visitorid,... */

typedef struct event {
	int64_t ts_ms;
	uint64_t user;
	uint64_t item;
	uint64_t txn;        /* valid when has_txn */
	int type;            /* enum ev_type */
	int has_txn;
} event;

/* The type called name, or -1. */
int ev_type_parse(const char *name);

/*
 * Validates the five fields of one row (f[0..4], in the order above) into
 * ev.  cols names the columns for messages; file and line place them.
 * EX_DATAERR: "file:line: field N (name): why: \"value\"".
 * The timestamp must be a non-negative integer of epoch milliseconds.
 */
int ev_parse(char *const *f, const char *const *cols, const char *file,
    unsigned long long line, event *ev, rs_err *e);
/* ev_parse for fields after each of whose NULs at least 7 more bytes can
 * be read (those of csv_reader and tsv_reader): the same answers, faster. */
int ev_parse_padded(char *const *f, const char *const *cols,
    const char *file, unsigned long long line, event *ev, rs_err *e);

/* Reading events: see event_reader.h, the one reader of event streams. */

/* Writes one events TSV row. */
#include <stdio.h>
void ev_write_tsv(FILE *fp, const event *ev);

/*
 * Formats one events TSV row, LF included, into buf (at least
 * EV_TSV_ROW_MAX bytes, no NUL added) and returns its length: for writers
 * that gather many rows before one write.
 */
#define EV_TSV_ROW_MAX (4 * 20 + 11 + 5)
size_t ev_fmt_tsv(char *buf, const event *ev);

#endif
