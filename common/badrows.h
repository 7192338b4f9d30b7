/*
 * badrows.h: the --skip-bad bookkeeping shared by the programs that read
 * raw rows.
 *
 * A bad row is one whose fields are wrong (count, number, type, ...) while
 * the input around it can still be read.  Without --skip-bad it stops the
 * run; with it, the row is counted, its message is kept if it is the first,
 * and reading goes on.  Errors of the input itself (cannot open, I/O,
 * corrupt gzip, wrong header) are never skipped.
 */
#ifndef RS_BADROWS_H
#define RS_BADROWS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct badrows {
	int skip;            /* --skip-bad was given */
	uint64_t n;          /* rows skipped so far */
	rs_err first;        /* message of the first one skipped */
} badrows;

/*
 * Decides about the row-level error in e.  With skip set and e a data
 * error (EX_DATAERR), counts it, keeps its message if it is the first,
 * clears e and returns 0: the caller goes on with the next row.  Otherwise
 * returns e's status unchanged.  b may be NULL (nothing is skipped).
 */
int badrows_take(badrows *b, rs_err *e);

/*
 * "skipped N bad row(s); first: MESSAGE" into buf, for the one line a
 * program prints on stderr when anything was skipped.
 */
void badrows_summary(const badrows *b, char *buf, size_t bufsz);

#endif
