/*
 * skip_bad.h: the --skip-bad bookkeeping shared by the programs that read
 * raw rows.
 *
 * A bad row is one whose fields are wrong (count, number, type, ...) while
 * the input around it can still be read.  Without --skip-bad it stops the
 * run; with it, the row is counted, its message is kept if it is the first,
 * and reading goes on.  Errors of the input itself (cannot open, I/O,
 * corrupt gzip, wrong header) are never skipped.
 */
#ifndef RS_SKIP_BAD_H
#define RS_SKIP_BAD_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

typedef struct skip_bad {
	int skip;            /* --skip-bad was given */
	uint64_t n;          /* rows skipped so far */
	rs_err first;        /* message of the first one skipped */
} skip_bad;

/*
 * Decides about the row-level error in e.  With skip set and e a data
 * error (EX_DATAERR), counts it, keeps its message if it is the first,
 * clears e and returns 0: the caller goes on with the next row.  Otherwise
 * returns e's status unchanged.  b may be NULL (nothing is skipped).
 */
int skip_bad_take(skip_bad *b, rs_err *e);

/*
 * "skipped N bad row(s); first: MESSAGE" into buf, for the one line a
 * program prints on stderr when anything was skipped.
 */
void skip_bad_summary(const skip_bad *b, char *buf, size_t bufsz);

#endif
