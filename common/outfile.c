/* outfile.c: see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* As many symbolic links as Linux follows in one path before ELOOP. */
#define MAX_LINKS 40

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

/* "dir/base", malloc'd; NULL when out of memory. */
static char *
join(const char *dir, const char *base)
{
	size_t n = strlen(dir) + strlen(base) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", base);
	return p;
}

/* The directory part (dirname(3)) or the last component (basename(3)) of
 * path, malloc'd: both work on a copy, which they may modify. */
static char *
path_part(const char *path, int want_dir)
{
	char *c = strdup(path), *part;

	if (c == NULL)
		return NULL;
	part = strdup(want_dir ? dirname(c) : basename(c));
	free(c);
	return part;
}

#define dir_of(p) path_part((p), 1)
#define base_of(p) path_part((p), 0)

/*
 * Follows path the way open(2) would, except that the last name need not
 * exist: every directory is resolved with realpath(3), and a symbolic link
 * in the last place is read and followed (a chain too, up to MAX_LINKS).
 * On success *out is the absolute name that will really be written
 * (malloc'd), *st its lstat (st_mode 0 when it does not exist yet), and
 * *proc is set when it is a /proc magic link (/dev/stdout, /dev/fd/N,
 * /proc/self/fd/N), whose text names no file that could be replaced.
 * Returns 0 or an errno value.
 */
static int
resolve(const char *path, char **out, struct stat *st, int *proc)
{
	char *cur, *dir, *rdir, *base, *next;
	int hops = 0, err = 0;

	*out = NULL;
	*proc = 0;
	if ((cur = strdup(path)) == NULL)
		return ENOMEM;
	for (;;) {
		dir = dir_of(cur);
		base = base_of(cur);
		rdir = dir != NULL ? realpath(dir, NULL) : NULL;
		if (dir == NULL || base == NULL)
			err = ENOMEM;
		else if (rdir == NULL)
			err = errno;
		next = err == 0 ? join(rdir, base) : NULL;
		if (err == 0 && next == NULL)
			err = ENOMEM;
		free(dir);
		free(base);
		free(rdir);
		free(cur);
		cur = next;
		if (err != 0)
			break;
		if (lstat(cur, st) != 0) {
			if (errno != ENOENT)
				err = errno;
			memset(st, 0, sizeof *st);
			break;
		}
		if (!S_ISLNK(st->st_mode))
			break;
		if (strncmp(cur, "/proc/", 6) == 0) {
			*proc = 1;
			break;
		}
		if (++hops > MAX_LINKS) {
			err = ELOOP;
			break;
		}
		{
			char buf[PATH_MAX];
			ssize_t n = readlink(cur, buf, sizeof buf - 1);

			if (n < 0) {
				err = errno;
				break;
			}
			buf[n] = '\0';
			if (buf[0] == '/') {
				next = strdup(buf);
			} else {
				dir = dir_of(cur);
				next = dir != NULL ? join(dir, buf) : NULL;
				free(dir);
			}
			free(cur);
			if ((cur = next) == NULL)
				return ENOMEM;
		}
	}
	if (err != 0) {
		free(cur);
		return err;
	}
	*out = cur;
	return 0;
}

/* A stream socket's listener, connected to like any other writer. */
static int
connect_unix(const char *name)
{
	struct sockaddr_un sa;
	int fd, err;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(name) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, name);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * The descriptor of a direct output: our own /proc/PID/fd/N is N itself
 * (duplicated, so that an appending or shared stdout keeps its offset and
 * is never truncated); a socket is connected to; anything else is opened
 * for writing like a shell's ">" would.
 */
static int
open_direct(const char *path, const char *target, const struct stat *st,
    int proc)
{
	if (proc) {
		int pid, fdno, used = 0;

		if (sscanf(target, "/proc/%d/fd/%d%n", &pid, &fdno, &used) ==
		    2 && target[used] == '\0' && pid == (int)getpid())
			return fcntl(fdno, F_DUPFD_CLOEXEC, 0);
	} else if (S_ISSOCK(st->st_mode)) {
		return connect_unix(target);
	}
	return open(path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
}

int
outfile_open(outfile *o, const char *path, rs_err *e)
{
	struct stat st;
	char *dir = NULL, *base = NULL;
	size_t len;
	int fd, proc, err;

	memset(o, 0, sizeof *o);
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return 0;
	}
	if ((o->path = strdup(path)) == NULL)
		goto oom;
	if ((err = resolve(path, &o->target, &st, &proc)) != 0) {
		if (err == ENOMEM)
			goto oom;
		rs_errf(e, EX_CANTCREAT, "%s: cannot create: %s", path,
		    strerror(err));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		rs_errf(e, EX_CANTCREAT, "%s: cannot create: %s", path,
		    strerror(EISDIR));
		goto fail;
	}
	if (proc || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
	    S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
		/* Not a file that can be replaced: write where it leads. */
		if ((fd = open_direct(path, o->target, &st, proc)) < 0) {
			rs_errf(e, EX_CANTCREAT, "%s: cannot write: %s", path,
			    strerror(errno));
			goto fail;
		}
		o->direct = 1;
	} else {
		/* A regular file, existing or not, perhaps behind symlinks:
		 * a temporary file beside the final target, renamed over it
		 * at commit, so the links stay links. */
		dir = dir_of(o->target);
		base = base_of(o->target);
		if (dir == NULL || base == NULL)
			goto oom;
		len = strlen(dir) + strlen(base) + 16;
		if ((o->tmp = malloc(len)) == NULL)
			goto oom;
		snprintf(o->tmp, len, "%s/.%s.XXXXXX",
		    strcmp(dir, "/") == 0 ? "" : dir, base);
		set_handlers();
		if ((fd = mkstemp(o->tmp)) < 0) {
			rs_errf(e, EX_CANTCREAT, "%s: cannot create: %s", path,
			    strerror(errno));
			goto fail;
		}
		/* mkstemp makes 0600; outputs are ordinary files, so honour
		 * the umask. */
		{
			mode_t um = umask(0);

			umask(um);
			fchmod(fd, 0666 & ~um);
		}
	}
	o->fp = fdopen(fd, "w");
	if (o->fp == NULL) {
		close(fd);
		if (o->tmp != NULL)
			unlink(o->tmp);
		rs_errf(e, EX_CANTCREAT, "%s: %s", path, strerror(errno));
		goto fail;
	}
	setvbuf(o->fp, NULL, _IOFBF, 1 << 20);
	if (o->tmp != NULL) {
		o->next = open_list;
		open_list = o;
		o->registered = 1;
	}
	free(dir);
	free(base);
	return 0;
oom:
	rs_oom(e);
fail:
	free(dir);
	free(base);
	free(o->path);
	free(o->target);
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
	free(o->target);
	free(o->tmp);
	o->path = o->target = o->tmp = NULL;
	o->fp = NULL;
	o->direct = 0;
}

/* Flushes and closes o->fp, syncing it when it is a regular file; returns
 * 0 or an errno value. */
static int
finish_stream(outfile *o)
{
	struct stat st;
	int err = 0;

	if (fflush(o->fp) != 0 || ferror(o->fp))
		err = errno ? errno : EIO;
	else if (fstat(fileno(o->fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    fsync(fileno(o->fp)) != 0)
		err = errno;
	if (fclose(o->fp) != 0 && err == 0)
		err = errno;
	o->fp = NULL;
	return err;
}

int
outfile_commit(outfile *o, rs_err *e)
{
	int err;

	if (o->fp == NULL)
		return rs_errf(e, EX_SOFTWARE, "outfile_commit: not open");
	if (o->path == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout))
			return rs_errf(e, EX_IOERR, "stdout: write error: %s",
			    strerror(errno));
		o->fp = NULL;
		return 0;
	}
	err = finish_stream(o);
	if (err == 0 && o->tmp != NULL && rename(o->tmp, o->target) != 0)
		err = errno;
	if (err != 0) {
		if (o->tmp != NULL)
			unlink(o->tmp);
		rs_errf(e, EX_IOERR, "%s: write error: %s", o->path,
		    strerror(err));
		release(o);
		return EX_IOERR;
	}
	/* Make the rename itself durable. */
	if (o->tmp != NULL) {
		char *d = dir_of(o->target);
		int dfd = d != NULL ? open(d, O_RDONLY | O_DIRECTORY) : -1;

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
	if (o->path != NULL && o->fp != NULL)
		fclose(o->fp);
	if (o->tmp != NULL)
		unlink(o->tmp);
	release(o);
}

int
outfile_write(outfile *o, const void *p, size_t n, rs_err *e)
{
	if (n == 0)
		return 0;
	errno = 0;
	if (fwrite(p, 1, n, o->fp) != n)
		return rs_errf(e, EX_IOERR, "%s: write error: %s",
		    o->path != NULL ? o->path : "stdout",
		    strerror(errno != 0 ? errno : EIO));
	return 0;
}

char *
outfile_block_room(outfile_block *b, size_t need, rs_err *e)
{
	if (need > sizeof b->buf - b->used &&
	    outfile_block_flush(b, e) != 0)
		return NULL;
	return b->buf + b->used;
}

int
outfile_block_flush(outfile_block *b, rs_err *e)
{
	size_t n = b->used;

	b->used = 0;
	return outfile_write(b->out, b->buf, n, e);
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
