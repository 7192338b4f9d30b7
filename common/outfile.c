/* outfile.c: see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static outfile *open_list;
static int handlers_set;

static void
unregister(outfile *o)
{
	outfile **pp;

	for (pp = &open_list; *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	o->registered = 0;
}

void
outfile_abort_all(void)
{
	outfile *o;

	for (o = open_list; o != NULL; o = o->next)
		if (o->tmp != NULL)
			unlink(o->tmp);
}

static void
on_signal(int sig)
{
	outfile_abort_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
set_handlers(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	struct sigaction sa;
	size_t i;

	if (handlers_set)
		return;
	handlers_set = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;

		/* Keep an inherited "ignore" (nohup, inetd) as it is. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	rs_cleanup_hook = outfile_abort_all;
}

int
outfile_open(outfile *o, const char *path, rs_err *e)
{
	char *dcopy = NULL, *bcopy = NULL;
	size_t len;
	int fd;

	memset(o, 0, sizeof *o);
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return 0;
	}
	o->path = strdup(path);
	dcopy = strdup(path);
	bcopy = strdup(path);
	if (o->path == NULL || dcopy == NULL || bcopy == NULL)
		goto oom;
	len = strlen(path) + 16;
	if ((o->tmp = malloc(len)) == NULL)
		goto oom;
	snprintf(o->tmp, len, "%s/.%s.XXXXXX", dirname(dcopy),
	    basename(bcopy));
	free(dcopy);
	free(bcopy);
	dcopy = bcopy = NULL;
	set_handlers();
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		rs_errf(e, EX_CANTCREAT, "%s: cannot create: %s", path,
		    strerror(errno));
		goto fail;
	}
	/* mkstemp makes 0600; outputs are ordinary files, so honour umask. */
	{
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	o->fp = fdopen(fd, "w");
	if (o->fp == NULL) {
		close(fd);
		unlink(o->tmp);
		rs_errf(e, EX_CANTCREAT, "%s: %s", path, strerror(errno));
		goto fail;
	}
	setvbuf(o->fp, NULL, _IOFBF, 1 << 20);
	o->next = open_list;
	open_list = o;
	o->registered = 1;
	return 0;
oom:
	rs_errf(e, EX_SOFTWARE, "out of memory");
fail:
	free(dcopy);
	free(bcopy);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
	return e != NULL ? e->code : EX_CANTCREAT;
}

static void
release(outfile *o)
{
	if (o->registered)
		unregister(o);
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	o->fp = NULL;
}

int
outfile_commit(outfile *o, rs_err *e)
{
	int err = 0;

	if (o->fp == NULL)
		return rs_errf(e, EX_SOFTWARE, "outfile_commit: not open");
	if (o->tmp == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout))
			return rs_errf(e, EX_IOERR, "stdout: write error: %s",
			    strerror(errno));
		o->fp = NULL;
		return 0;
	}
	if (fflush(o->fp) != 0 || ferror(o->fp))
		err = errno ? errno : EIO;
	else if (fsync(fileno(o->fp)) != 0)
		err = errno;
	if (fclose(o->fp) != 0 && err == 0)
		err = errno;
	o->fp = NULL;
	if (err == 0 && rename(o->tmp, o->path) != 0)
		err = errno;
	if (err != 0) {
		unlink(o->tmp);
		rs_errf(e, EX_IOERR, "%s: write error: %s", o->path,
		    strerror(err));
		release(o);
		return EX_IOERR;
	}
	/* Make the rename itself durable. */
	{
		char *d = strdup(o->path);
		int dfd = d != NULL ? open(dirname(d), O_RDONLY | O_DIRECTORY)
		    : -1;

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(d);
	}
	release(o);
	return 0;
}

void
outfile_abort(outfile *o)
{
	if (o->tmp != NULL) {
		if (o->fp != NULL)
			fclose(o->fp);
		unlink(o->tmp);
	}
	release(o);
}

int
outfile_close_stdout(rs_err *e)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int err = errno;

		fclose(stdout);
		return rs_errf(e, EX_IOERR, "stdout: write error: %s",
		    strerror(err ? err : EIO));
	}
	if (fclose(stdout) != 0)
		return rs_errf(e, EX_IOERR, "stdout: %s", strerror(errno));
	return 0;
}
