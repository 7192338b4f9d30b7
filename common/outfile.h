/*
 * outfile.h: atomic output for "-o FILE".
 *
 * What happens depends on what FILE is (symbolic links followed, a chain
 * too):
 *  - a regular file, or a name that does not exist yet: the data goes to a
 *    temporary file (".NAME.XXXXXX") in the directory of the file finally
 *    named, which outfile_commit() flushes, fsyncs and renames over it; it
 *    is never seen half-written.  A symbolic link given as FILE stays a
 *    link: its final target is replaced.  outfile_abort() and any rs_die()
 *    remove the temporary file, and so does a SIGINT, SIGTERM, SIGHUP or
 *    SIGPIPE, so a failing or interrupted run leaves FILE untouched.  (Only
 *    SIGKILL can leave a temporary file behind; it never has FILE's name.)
 *  - a character or block device, a FIFO, a socket (connected to as a
 *    stream), or a descriptor named through /proc (/dev/stdout, /dev/fd/N,
 *    /proc/self/fd/N): written directly, never replaced nor renamed; our own
 *    descriptor N is duplicated, so an appending stdout is not truncated.
 *    Commit flushes and checks for errors; what was written before a
 *    failure has been received.
 *  - a directory: EX_CANTCREAT.
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
	char *path;          /* the name given, NULL for stdout */
	char *target;        /* the name really written (links followed) */
	char *tmp;           /* temporary name, NULL unless replacing */
	int direct;          /* written in place: device, FIFO, socket, fd */
	int registered;
	struct outfile *next;
} outfile;

/* EX_CANTCREAT when the temporary file cannot be created, or a direct
 * output cannot be opened. */
int outfile_open(outfile *o, const char *path, rs_err *e);
/* EX_IOERR when writing, syncing or renaming failed (temp removed). */
int outfile_commit(outfile *o, rs_err *e);
void outfile_abort(outfile *o);
/* Removes the temporary files of every open outfile (signal-safe enough:
 * only unlink(2)). */
void outfile_abort_all(void);

/*
 * Writes n bytes to o now, checked: EX_IOERR "NAME: write error: why"
 * (NAME as given, or "stdout") at the first failure, so that a full disk
 * or a closed pipe stops a run where it happens.  The temporary file is
 * left for outfile_abort or rs_die to remove.
 */
int outfile_write(outfile *o, const void *p, size_t n, rs_err *e);

/*
 * A block in front of an outfile, for rows formatted in place: a stdio
 * call per row costs as much as formatting it, so rows are gathered and
 * written a block at a time through outfile_write (so every write is
 * checked).  Usage:
 *
 *	outfile_block b = { .out = &o };
 *	while (...) {
 *		if ((p = outfile_block_room(&b, ROW_MAX, &e)) == NULL)
 *			fail;
 *		b.used += format_row(p, ...);   (at most ROW_MAX bytes)
 *	}
 *	if (outfile_block_flush(&b, &e) != 0)
 *		fail;
 */
#define OUTFILE_BLOCK (1 << 16)
typedef struct outfile_block {
	outfile *out;
	size_t used;
	char buf[OUTFILE_BLOCK];
} outfile_block;

/* Where up to need (<= OUTFILE_BLOCK) more bytes go, writing the block
 * out first when they would not fit; NULL and EX_IOERR if that failed. */
char *outfile_block_room(outfile_block *b, size_t need, rs_err *e);
/* Writes what the block holds; 0 or EX_IOERR. */
int outfile_block_flush(outfile_block *b, rs_err *e);

/*
 * Flushes and closes stdout, reporting an error (EX_IOERR) if any write to
 * it failed; main calls it (through cli_exit) before returning 0.
 */
int outfile_close_stdout(rs_err *e);

#endif
