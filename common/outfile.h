/*
 * outfile.h: atomic output for "-o FILE".
 *
 * The data goes to a temporary file in FILE's directory (".FILE.XXXXXX"),
 * which outfile_commit() flushes, fsyncs and renames over FILE; FILE is never
 * seen half-written.  outfile_abort() and any rs_die() remove the temporary
 * file, and so does a SIGINT, SIGTERM, SIGHUP or SIGPIPE, so a failing or
 * interrupted run leaves FILE untouched.  (Only SIGKILL can leave a
 * temporary file behind; it never has FILE's name.)
 *
 * "-" or NULL means standard output: commit then flushes it and checks for
 * errors, so ENOSPC and EPIPE are never silent.
 */
#ifndef RS_OUTFILE_H
#define RS_OUTFILE_H

#include <stdio.h>

#include "rs_err.h"

typedef struct outfile {
	FILE *fp;            /* write here */
	char *path;          /* final name, NULL for stdout */
	char *tmp;           /* temporary name, NULL for stdout */
	int registered;
	struct outfile *next;
} outfile;

/* EX_CANTCREAT when the temporary file cannot be created. */
int outfile_open(outfile *o, const char *path, rs_err *e);
/* EX_IOERR when writing, syncing or renaming failed (temp removed). */
int outfile_commit(outfile *o, rs_err *e);
void outfile_abort(outfile *o);
/* Removes the temporary files of every open outfile (signal-safe enough:
 * only unlink(2)). */
void outfile_abort_all(void);

/*
 * Flushes and closes stdout, reporting an error (EX_IOERR) if any write to
 * it failed; main calls it (through cli_exit) before returning 0.
 */
int outfile_close_stdout(rs_err *e);

#endif
