/*
 * ledger.h: the run ledger of pipeline.mk, build/runs.tsv (recsys-pipeline(7),
 * rec-runs(1)).
 *
 * One line per completed run, TAB-separated NAME=VALUE fields, "run=ID"
 * first; the other names are "start", "end", "version", "param.NAME",
 * "input.FILE[.bytes|.md5]", "metric.FILE.MODEL.GROUP.COLUMN",
 * "stage.STAGE.{wall_s,cpu_s,max_rss_kb}", "artifact.FILE[.md5]".  The
 * loader is strict: a field without "=", an empty name, a name twice in a
 * row, or a row not starting with a non-empty run= is an error
 * (EX_DATAERR, "file:line: field N: why").  A run built again (a program
 * changed) appends a second row with the same id; the later one is the
 * run's current state.
 */
#ifndef RS_LEDGER_H
#define RS_LEDGER_H

#include <stddef.h>

#include "rs_err.h"

typedef struct ledger_field {
	const char *name, *value;    /* into the row's line */
} ledger_field;

typedef struct ledger_row {
	char *line;                  /* owns the text the fields point into */
	ledger_field *f;
	size_t n;
	unsigned long long lineno;
} ledger_row;

typedef struct ledger {
	ledger_row *rows;            /* in file order */
	size_t n;
} ledger;

/* Loads path ("-": stdin; plain or gzip).  EX_NOINPUT when it cannot be
 * opened, EX_DATAERR on a malformed row. */
int ledger_load(ledger *l, const char *path, rs_err *e);
void ledger_free(ledger *l);

/* The value of name in row r, or NULL. */
const char *ledger_get(const ledger_row *r, const char *name);

/* The row's run id (its first field). */
const char *ledger_id(const ledger_row *r);

/* 1 when row i is the last row of its run id (the run's current state). */
int ledger_is_latest(const ledger *l, size_t i);

/*
 * The latest row of the run named by ref: a run id, or a prefix of exactly
 * one run id or of exactly one run's key (the id's part after its last
 * "-", the hash).  EX_DATAERR naming the candidates when ref is ambiguous or
 * matches nothing.
 */
const ledger_row *ledger_find(const ledger *l, const char *ref, rs_err *e);

/*
 * The rows as an array of pointers, in file order: all of them, or with
 * latest set only the last row of each run id.  NULL when out of memory
 * (free() the array).
 */
const ledger_row **ledger_rows(const ledger *l, int latest, size_t *n);

/*
 * The names starting with prefix in any of the n rows, each once, in order
 * of first appearance; *k is their count.  The strings are the rows'.
 * NULL with *k 0 when there are none or memory ran out (free() the array).
 */
const char **ledger_names(const ledger_row *const *rows, size_t n,
    const char *prefix, size_t *k);

/* 1 when name's value (or its absence) is not the same in all n rows. */
int ledger_differs(const ledger_row *const *rows, size_t n, const char *name);

/* Parses value as a finite number: 0 and *v, or -1 when it is not one. */
int ledger_number(const char *value, double *v);

#endif
