/* test_outfile.c: atomic output: commit renames, abort and failures leave
 * nothing, rs_die and signals remove the temporary file, stdout checks;
 * symlinks keep their link and have their target replaced; devices, FIFOs,
 * sockets and /proc descriptors are written in place, never replaced. */
#include <signal.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include "outfile.h"
#include "t.h"
#include "tutil.h"

/* A fresh empty subdirectory of the scratch directory. */
static const char *
subdir(const char *name)
{
	const char *d = t_path(name);

	mkdir(d, 0700);
	return d;
}

static char outpath[1024];

static void
die_after_open(void *arg)
{
	outfile o;
	rs_err e = {0};

	(void)arg;
	rs_setprog("als-fit");
	if (outfile_open(&o, outpath, &e) != 0)
		_exit(99);
	fputs("half", o.fp);
	fflush(o.fp);
	rs_die(EX_DATAERR, "bad input");
}

static void
signal_after_open(void *arg)
{
	outfile o;
	rs_err e = {0};

	if (outfile_open(&o, outpath, &e) != 0)
		_exit(99);
	fputs("half", o.fp);
	fflush(o.fp);
	raise(*(int *)arg);
	_exit(98);
}

static void
stdout_full(void *arg)
{
	rs_err e = {0};
	int rc;

	(void)arg;
	if (freopen("/dev/full", "w", stdout) == NULL)
		_exit(99);
	printf("data that cannot be written\n");
	rc = outfile_close_stdout(&e);
	fprintf(stderr, "%s", e.msg);
	_exit(rc);
}

static void
stdout_ok(void *arg)
{
	rs_err e = {0};
	int rc;

	(void)arg;
	if (freopen("/dev/null", "w", stdout) == NULL)
		_exit(99);
	printf("fine\n");
	rc = outfile_close_stdout(&e);
	_exit(rc);
}

static void
commit_stdout_full(void *arg)
{
	outfile o;
	rs_err e = {0};
	int rc;

	(void)arg;
	if (freopen("/dev/full", "w", stdout) == NULL)
		_exit(99);
	outfile_open(&o, "-", &e);
	fputs("x\n", o.fp);
	rc = outfile_commit(&o, &e);
	fprintf(stderr, "%s", e.msg);
	_exit(rc);
}

/* Writes "new\n" through -o NAME where NAME (arg) leads to this process's
 * descriptor 5 or 1, opened in append mode on a file holding "old\n". */
static void
write_via_fd(void *arg)
{
	const char *name = arg;
	outfile o;
	rs_err e = {0};
	int fd = open(t_path("fd-target"), O_WRONLY | O_APPEND);

	if (fd < 0 || dup2(fd, 5) < 0 || dup2(fd, 1) < 0)
		_exit(99);
	close(fd);
	if (outfile_open(&o, name, &e) != 0) {
		fprintf(stderr, "%s", e.msg);
		_exit(e.code);
	}
	fputs("new\n", o.fp);
	if (outfile_commit(&o, &e) != 0) {
		fprintf(stderr, "%s", e.msg);
		_exit(e.code);
	}
	/* Descriptor 5 is still ours and still appends. */
	if (write(5, "end\n", 4) != 4)
		_exit(97);
	_exit(0);
}

/* Is path still the same kind of file (S_IFMT bits)? */
static int
kind_is(const char *path, mode_t kind)
{
	struct stat st;

	return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == kind;
}

/* Writes text through -o path and commits; 0 or the rs_err status. */
static int
write_out(const char *path, const char *text, rs_err *e)
{
	outfile o;
	int rc;

	if ((rc = outfile_open(&o, path, e)) != 0)
		return rc;
	fputs(text, o.fp);
	return outfile_commit(&o, e);
}

static void
symlinks(void)
{
	rs_err e = {0};
	outfile o;
	const char *d;
	char real[1024], link1[1024], link2[1024], buf[1024], rd[1024];
	char dbuf[1024];
	char *got;
	ssize_t n;

	/* A link to a regular file: the link stays, the target is replaced,
	 * and the temporary file is made beside the target, not the link.
	 * (t_path's buffers rotate: keep the directory's name.) */
	d = strcpy(dbuf, subdir("links"));
	mkdir(t_path("links/data"), 0700);
	snprintf(real, sizeof real, "%s/data/current.tsv", d);
	snprintf(link1, sizeof link1, "%s/current.tsv", d);
	t_text("links/data/current.tsv", "old\n");
	CHECK(symlink("data/current.tsv", link1) == 0);
	CHECK(outfile_open(&o, link1, &e) == 0);
	CHECK(o.tmp != NULL && !o.direct);
	CHECK(realpath(t_path("links/data"), rd) != NULL);
	CHECK(strncmp(o.tmp, rd, strlen(rd)) == 0);
	CHECK_HAS(o.tmp, "/.current.tsv.");
	CHECK(t_count_files(t_path("links/data")) == 2);
	fputs("new\n", o.fp);
	CHECK(outfile_commit(&o, &e) == 0);
	CHECK(kind_is(link1, S_IFLNK));
	n = readlink(link1, buf, sizeof buf - 1);
	CHECK(n == (ssize_t)strlen("data/current.tsv"));
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "data/current.tsv");
	got = t_slurp(real, NULL);
	CHECK_STR(got, "new\n");
	free(got);
	CHECK(t_count_files(d) == 2);
	CHECK(t_count_files(t_path("links/data")) == 1);

	/* A chain (absolute then relative) to a name that does not exist yet:
	 * the final name is created, both links stay. */
	snprintf(link2, sizeof link2, "%s/chain", d);
	snprintf(real, sizeof real, "%s/data/later.tsv", d);
	CHECK(symlink("data/later-link", link2) == 0);
	CHECK(symlink(real, t_path("links/data/later-link")) == 0);
	CHECK(write_out(link2, "made\n", &e) == 0);
	CHECK(kind_is(link2, S_IFLNK));
	CHECK(kind_is(t_path("links/data/later-link"), S_IFLNK));
	CHECK(kind_is(real, S_IFREG));
	got = t_slurp(link2, NULL);
	CHECK_STR(got, "made\n");
	free(got);

	/* Abort through a link: target untouched, nothing left. */
	CHECK(outfile_open(&o, link1, &e) == 0);
	fputs("never\n", o.fp);
	outfile_abort(&o);
	got = t_slurp(link1, NULL);
	CHECK_STR(got, "new\n");
	free(got);
	CHECK(t_count_files(t_path("links/data")) == 3);

	/* A link into a missing directory, and a loop: EX_CANTCREAT, the
	 * links untouched. */
	CHECK(symlink("nowhere/x.tsv", t_path("links/dangling")) == 0);
	CHECK(write_out(t_path("links/dangling"), "x", &e) == EX_CANTCREAT);
	CHECK_HAS(e.msg, "links/dangling: cannot create: No such file or "
	    "directory");
	CHECK(symlink("loop-b", t_path("links/loop-a")) == 0);
	CHECK(symlink("loop-a", t_path("links/loop-b")) == 0);
	CHECK(write_out(t_path("links/loop-a"), "x", &e) == EX_CANTCREAT);
	CHECK_HAS(e.msg, "links/loop-a: cannot create: Too many levels of "
	    "symbolic links");
	CHECK(kind_is(t_path("links/loop-a"), S_IFLNK));
	CHECK(kind_is(t_path("links/dangling"), S_IFLNK));
	CHECK(t_count_files(d) == 6);

	/* A directory, directly or through a link: refused at open. */
	CHECK(write_out(t_path("links/data"), "x", &e) == EX_CANTCREAT);
	CHECK_HAS(e.msg, "links/data: cannot create: Is a directory");
	CHECK(symlink("data", t_path("links/dirlink")) == 0);
	CHECK(write_out(t_path("links/dirlink"), "x", &e) == EX_CANTCREAT);
	CHECK(kind_is(t_path("links/dirlink"), S_IFLNK));
}

static void
in_place(void)
{
	rs_err e = {0};
	outfile o;
	const char *d, *p, *err;
	char buf[64], dbuf[1024], pbuf[1024];
	int rfd, lfd, cfd;
	ssize_t n;
	char *got;

	/* A FIFO (with a reader already there) receives the data and stays
	 * a FIFO; no temporary file, no rename. */
	d = strcpy(dbuf, subdir("fifo"));
	p = strcpy(pbuf, t_path("fifo/pipe"));
	CHECK(mkfifo(p, 0600) == 0);
	rfd = open(p, O_RDONLY | O_NONBLOCK);
	CHECK(rfd >= 0);
	CHECK(outfile_open(&o, p, &e) == 0);
	CHECK(o.direct && o.tmp == NULL);
	fputs("through the pipe\n", o.fp);
	CHECK(outfile_commit(&o, &e) == 0);
	n = read(rfd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "through the pipe\n");
	close(rfd);
	CHECK(kind_is(p, S_IFIFO));
	CHECK(t_count_files(d) == 1);
	/* A link to the FIFO: written through, both stay what they were. */
	CHECK(symlink("pipe", t_path("fifo/link")) == 0);
	rfd = open(p, O_RDONLY | O_NONBLOCK);
	CHECK(write_out(t_path("fifo/link"), "via link\n", &e) == 0);
	n = read(rfd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "via link\n");
	close(rfd);
	CHECK(kind_is(t_path("fifo/link"), S_IFLNK) && kind_is(p, S_IFIFO));

	/* A listening stream socket is connected to and written. */
	d = strcpy(dbuf, subdir("sock"));
	{
		struct sockaddr_un sa;

		p = strcpy(pbuf, t_path("sock/s"));
		memset(&sa, 0, sizeof sa);
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", p);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		CHECK(lfd >= 0);
		CHECK(bind(lfd, (struct sockaddr *)&sa, sizeof sa) == 0);
		CHECK(listen(lfd, 1) == 0);
		CHECK(write_out(p, "to the socket\n", &e) == 0);
		cfd = accept(lfd, NULL, NULL);
		CHECK(cfd >= 0);
		n = read(cfd, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = '\0';
		CHECK_STR(buf, "to the socket\n");
		close(cfd);
		close(lfd);
		CHECK(kind_is(p, S_IFSOCK));
		/* Nobody listening: an error, and still a socket. */
		CHECK(write_out(p, "x", &e) == EX_CANTCREAT);
		CHECK_HAS(e.msg, "sock/s: cannot write: Connection refused");
		CHECK(kind_is(p, S_IFSOCK));
	}

	/* /proc/self/fd/N, /dev/fd/N and /dev/stdout are our own
	 * descriptors: written through them, appending, never truncated. */
	{
		static const char *names[] = {"/proc/self/fd/5", "/dev/fd/5",
		    "/dev/stdout"};
		size_t k;

		for (k = 0; k < 3; k++) {
			t_text("fd-target", "old\n");
			CHECK(t_child(write_via_fd, (void *)names[k], &err) ==
			    0);
			CHECK_STR(err, "");
			got = t_slurp(t_path("fd-target"), NULL);
			CHECK_STR(got, "old\nnew\nend\n");
			free(got);
		}
	}

	/* Devices: only root can make them.  (1,3) is null, (1,7) is full. */
	if (geteuid() != 0)
		return;
	d = strcpy(dbuf, subdir("dev"));
	p = strcpy(pbuf, t_path("dev/null"));
	CHECK(mknod(p, S_IFCHR | 0666, makedev(1, 3)) == 0);
	CHECK(outfile_open(&o, p, &e) == 0);
	CHECK(o.direct && o.tmp == NULL);
	fputs("gone\n", o.fp);
	CHECK(outfile_commit(&o, &e) == 0);
	CHECK(kind_is(p, S_IFCHR));
	CHECK(t_count_files(d) == 1);
	/* A full device: the write error is EX_IOERR at commit, and the
	 * device stays a device. */
	p = strcpy(pbuf, t_path("dev/full"));
	CHECK(mknod(p, S_IFCHR | 0666, makedev(1, 7)) == 0);
	CHECK(write_out(p, "no room\n", &e) == EX_IOERR);
	CHECK_HAS(e.msg, "dev/full: write error: No space left on device");
	CHECK(kind_is(p, S_IFCHR));
	CHECK(t_count_files(d) == 2);
}

/* outfile_write and the block writer: bytes in order, each write
 * checked, the first failure named by file and reason. */
static void
block_writes(void)
{
	static outfile_block b;
	static char big[OUTFILE_BLOCK];
	rs_err e = {0};
	outfile o;
	char path[1024], *row, *got;
	size_t i, len;

	snprintf(path, sizeof path, "%s/blocks.tsv", subdir("blocks"));
	CHECK(outfile_open(&o, path, &e) == 0);
	b.out = &o;
	CHECK(outfile_write(&o, "head\n", 5, &e) == 0);
	/* 20000 rows of 8 bytes: several blocks, in order. */
	for (i = 0; i < 20000; i++) {
		if ((row = outfile_block_room(&b, 9, &e)) == NULL)
			break;
		/* 7 digits and '\n'; snprintf's NUL (room for 9 asked)
		 * is past used. */
		b.used += (size_t)snprintf(row, 9, "%07zu\n", i);
	}
	CHECK(i == 20000);
	CHECK(outfile_block_flush(&b, &e) == 0 && b.used == 0);
	/* A block's worth in one go, after a partly filled block. */
	row = outfile_block_room(&b, 3, &e);
	memcpy(row, "ab\n", 3);
	b.used += 3;
	memset(big, 'x', sizeof big);
	CHECK(outfile_block_room(&b, sizeof big, &e) == b.buf);
	memcpy(b.buf, big, sizeof big);
	b.used = sizeof big;
	CHECK(outfile_block_flush(&b, &e) == 0);
	CHECK(outfile_commit(&o, &e) == 0);
	got = t_slurp(path, &len);
	CHECK(got != NULL && len == 5 + 20000 * 8 + 3 + sizeof big);
	if (got != NULL && len == 5 + 20000 * 8 + 3 + sizeof big) {
		CHECK(memcmp(got, "head\n0000000\n0000001\n", 21) == 0);
		CHECK(memcmp(got + 5 + 19999 * 8, "0019999\nab\nxx", 13) ==
		    0);
	}
	free(got);

	/* A full device: the first block that reaches it fails, named. */
	CHECK(outfile_open(&o, "/dev/full", &e) == 0 && o.direct);
	b.out = &o;
	b.used = 0;
	for (i = 0; i < 4 * OUTFILE_BLOCK / 8; i++) {
		if ((row = outfile_block_room(&b, 8, &e)) == NULL)
			break;
		memcpy(row, "1234567\n", 8);
		b.used += 8;
	}
	CHECK(row == NULL);
	CHECK(e.code == EX_IOERR);
	CHECK_STR(e.msg, "/dev/full: write error: No space left on device");
	outfile_abort(&o);
	memset(&e, 0, sizeof e);
	CHECK(outfile_open(&o, "/dev/full", &e) == 0);
	CHECK(outfile_write(&o, big, sizeof big, &e) == EX_IOERR);
	CHECK_STR(e.msg, "/dev/full: write error: No space left on device");
	outfile_abort(&o);
}

int
main(void)
{
	rs_err e = {0};
	outfile o;
	const char *d, *p;
	char *got;
	struct stat st;
	int sig;

	/* Commit: FILE appears only at commit, the temp file is gone. */
	d = subdir("commit");
	snprintf(outpath, sizeof outpath, "%s/out.tsv", d);
	CHECK(outfile_open(&o, outpath, &e) == 0);
	CHECK(o.fp != NULL && o.tmp != NULL && !o.direct);
	{
		char rd[1024];

		CHECK(realpath(d, rd) != NULL);
		CHECK(strncmp(o.tmp, rd, strlen(rd)) == 0);
	}
	CHECK_HAS(o.tmp, "/.out.tsv.");
	fputs("hello\n", o.fp);
	CHECK(access(outpath, F_OK) != 0);     /* not yet visible */
	CHECK(t_count_files(d) == 1);           /* only the temp file */
	CHECK(outfile_commit(&o, &e) == 0);
	got = t_slurp(outpath, NULL);
	CHECK_STR(got, "hello\n");
	free(got);
	CHECK(t_count_files(d) == 1);           /* only out.tsv */
	CHECK(o.fp == NULL && o.tmp == NULL && o.path == NULL);

	/* It honours the umask like an ordinary file. */
	{
		mode_t old = umask(027);

		CHECK(outfile_open(&o, outpath, &e) == 0);
		fputs("v2\n", o.fp);
		CHECK(outfile_commit(&o, &e) == 0);
		umask(old);
		CHECK(stat(outpath, &st) == 0 && (st.st_mode & 0777) == 0640);
	}
	/* Commit replaces an existing file. */
	got = t_slurp(outpath, NULL);
	CHECK_STR(got, "v2\n");
	free(got);

	/* Abort: the existing FILE is untouched and nothing is left. */
	CHECK(outfile_open(&o, outpath, &e) == 0);
	fputs("never\n", o.fp);
	outfile_abort(&o);
	got = t_slurp(outpath, NULL);
	CHECK_STR(got, "v2\n");
	free(got);
	CHECK(t_count_files(d) == 1);
	/* Abort of a new file leaves the directory empty. */
	d = subdir("abort");
	snprintf(outpath, sizeof outpath, "%s/new.bin", d);
	CHECK(outfile_open(&o, outpath, &e) == 0);
	outfile_abort(&o);
	CHECK(t_count_files(d) == 0);
	/* outfile_abort_all removes every open temp file. */
	{
		outfile a, b;
		char p2[1100];

		snprintf(p2, sizeof p2, "%s/other.bin", d);
		CHECK(outfile_open(&a, outpath, &e) == 0);
		CHECK(outfile_open(&b, p2, &e) == 0);
		CHECK(t_count_files(d) == 2);
		outfile_abort_all();
		CHECK(t_count_files(d) == 0);
		outfile_abort(&a);
		outfile_abort(&b);
	}

	/* Cannot create: EX_CANTCREAT naming FILE and why; nothing left. */
	p = t_path("no-such-dir/out.tsv");
	CHECK(outfile_open(&o, p, &e) == EX_CANTCREAT);
	CHECK(e.code == EX_CANTCREAT);
	CHECK_HAS(e.msg, "no-such-dir/out.tsv: cannot create: No such file "
	    "or directory");
	CHECK(o.fp == NULL && o.tmp == NULL);
	t_text("plainfile", "x");
	CHECK(outfile_open(&o, t_path("plainfile/out.tsv"), &e) == EX_CANTCREAT);
	CHECK_HAS(e.msg, "plainfile/out.tsv: cannot create: Not a directory");
	if (geteuid() != 0) {   /* root writes anywhere: only as a user */
		d = subdir("ro");
		chmod(d, 0500);
		snprintf(outpath, sizeof outpath, "%s/out.tsv", d);
		CHECK(outfile_open(&o, outpath, &e) == EX_CANTCREAT);
		CHECK_HAS(e.msg, "ro/out.tsv: cannot create: Permission "
		    "denied");
		chmod(d, 0700);
		CHECK(t_count_files(d) == 0);
	}

	/* A commit whose rename fails (the name became a non-empty
	 * directory meanwhile): EX_IOERR, the temp file removed. */
	d = subdir("renamefail");
	snprintf(outpath, sizeof outpath, "%s/target", d);
	{
		char inner[1100];

		snprintf(inner, sizeof inner, "%s/keep", outpath);
		CHECK(outfile_open(&o, outpath, &e) == 0);
		mkdir(outpath, 0700);
		t_file("renamefail/target/keep", "k", 1);
		fputs("data", o.fp);
		CHECK(outfile_commit(&o, &e) == EX_IOERR);
		CHECK(e.code == EX_IOERR);
		CHECK_HAS(e.msg, "renamefail/target: write error: ");
		CHECK(t_count_files(d) == 1);   /* only the directory */
		CHECK(access(inner, F_OK) == 0);
		unlink(inner);
	}
	/* Commit of something never opened. */
	memset(&o, 0, sizeof o);
	CHECK(outfile_commit(&o, &e) == EX_SOFTWARE);
	CHECK_HAS(e.msg, "not open");

	/* rs_die removes the temp file of an open output. */
	d = subdir("die");
	snprintf(outpath, sizeof outpath, "%s/model.bin", d);
	{
		const char *err;

		CHECK(t_child(die_after_open, NULL, &err) == EX_DATAERR);
		CHECK_STR(err, "als-fit: bad input\n");
		CHECK(t_count_files(d) == 0);
	}
	/* So does a signal (SIGTERM, SIGINT, SIGHUP, SIGPIPE), and the
	 * process still dies of it. */
	{
		static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE};
		size_t k;

		for (k = 0; k < 4; k++) {
			sig = sigs[k];
			CHECK(t_child(signal_after_open, &sig, NULL) ==
			    128 + sig);
			CHECK(t_count_files(d) == 0);
		}
	}

	/* Standard output: "-" and NULL. */
	CHECK(outfile_open(&o, "-", &e) == 0);
	CHECK(o.fp == stdout && o.tmp == NULL && o.path == NULL);
	CHECK(outfile_open(&o, NULL, &e) == 0 && o.fp == stdout);
	{
		const char *err;

		CHECK(t_child(stdout_full, NULL, &err) == EX_IOERR);
		CHECK_STR(err, "stdout: write error: No space left on device");
		CHECK(t_child(stdout_ok, NULL, NULL) == 0);
		CHECK(t_child(commit_stdout_full, NULL, &err) == EX_IOERR);
		CHECK_STR(err, "stdout: write error: No space left on device");
	}
	symlinks();
	in_place();
	block_writes();
	return t_done();
}
