/* test_outfile.c: atomic output: commit renames, abort and failures leave
 * nothing, rs_die and signals remove the temporary file, stdout checks. */
#include <signal.h>

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
	CHECK(o.fp != NULL && o.tmp != NULL);
	CHECK(strncmp(o.tmp, d, strlen(d)) == 0);
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

	/* A commit that fails (rename onto a directory): EX_IOERR, the
	 * temp file removed. */
	d = subdir("renamefail");
	snprintf(outpath, sizeof outpath, "%s/target", d);
	mkdir(outpath, 0700);
	{
		char inner[1100];

		snprintf(inner, sizeof inner, "%s/keep", outpath);
		t_file("renamefail/target/keep", "k", 1);
		CHECK(outfile_open(&o, outpath, &e) == 0);
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
	return t_done();
}
