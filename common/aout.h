/*
 * aout.h: atomic output for "-o FILE".
 *
 * The data goes to a temporary file in FILE's directory (".FILE.XXXXXX"),
 * which aout_commit() flushes, fsyncs and renames over FILE; FILE is never
 * seen half-written.  aout_abort() and any rs_die() remove the temporary
 * file, and so does a SIGINT, SIGTERM, SIGHUP or SIGPIPE, so a failing or
 * interrupted run leaves FILE untouched.  (Only SIGKILL can leave a
 * temporary file behind; it never has FILE's name.)
 *
 * "-" or NULL means standard output: commit then flushes it and checks for
 * errors, so ENOSPC and EPIPE are never silent.
 */
#ifndef RS_AOUT_H
#define RS_AOUT_H

#include <stdio.h>

#include "err.h"

typedef struct aout {
	FILE *fp;            /* write here */
	char *path;          /* final name, NULL for stdout */
	char *tmp;           /* temporary name, NULL for stdout */
	int registered;
	struct aout *next;
} aout;

/* EX_CANTCREAT when the temporary file cannot be created. */
int aout_open(aout *o, const char *path, rs_err *e);
/* EX_IOERR when writing, syncing or renaming failed (temp removed). */
int aout_commit(aout *o, rs_err *e);
void aout_abort(aout *o);
/* Removes the temporary files of every open aout (signal-safe enough:
 * only unlink(2)). */
void aout_abort_all(void);

/*
 * Flushes and closes stdout, reporting an error (EX_IOERR) if any write to
 * it failed; main calls it (through cli_exit) before returning 0.
 */
int aout_close_stdout(rs_err *e);

#endif
