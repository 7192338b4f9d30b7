/* test_rs_err.c: rs_err messages, the field-error shape, rs_die's exit status,
 * stderr text and cleanup hook. */
#include "rs_err.h"
#include "t.h"
#include "tutil.h"

static void
hook(void)
{
	/* Runs in the child: leave a mark the parent can see. */
	t_text("hook-ran", "yes");
}

static void
die65(void *arg)
{
	(void)arg;
	rs_setprog("/usr/bin/ev-filter");
	rs_cleanup_hook = hook;
	rs_die(EX_DATAERR, "%s:%d: bad", "x.tsv", 3);
}

static void
die_err0(void *arg)
{
	rs_err e = {0};

	(void)arg;
	rs_setprog("prog");
	rs_errf(&e, 0, "no code recorded");
	rs_die_err(&e);
}

static void
die_err74(void *arg)
{
	rs_err e = {0};

	(void)arg;
	rs_setprog("prog");
	rs_errf(&e, EX_IOERR, "out.tsv: write error: %s", "No space left");
	rs_die_err(&e);
}

static void
warn(void *arg)
{
	(void)arg;
	rs_setprog("pop-rank");
	rs_warnx("skipped %d rows", 3);
}

int
main(void)
{
	rs_err e = {0};
	char longv[200], big[2 * RS_ERR_MSG];
	const char *err;
	char *mark;

	/* rs_errf records code and message and returns the code. */
	CHECK(rs_errf(&e, EX_NOINPUT, "%s: %s", "a.csv", "No such file") ==
	    EX_NOINPUT);
	CHECK(e.code == EX_NOINPUT);
	CHECK_STR(e.msg, "a.csv: No such file");
	CHECK(rs_errf(NULL, EX_USAGE, "ignored") == EX_USAGE);

	/* A message longer than the buffer is cut, still terminated. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	rs_errf(&e, EX_DATAERR, "%s", big);
	CHECK(strlen(e.msg) == RS_ERR_MSG - 1);

	/* rs_err_prefix adds context in front and keeps the code. */
	rs_errf(&e, EX_DATAERR, "line 3: bad");
	CHECK(rs_err_prefix(&e, "%s", "items.tsv") == EX_DATAERR);
	CHECK_STR(e.msg, "items.tsv: line 3: bad");
	CHECK(e.code == EX_DATAERR);
	CHECK(rs_err_prefix(NULL, "x") == 0);
	rs_errf(&e, EX_DATAERR, "tail");
	rs_err_prefix(&e, "%s", big);     /* prefix alone fills the buffer */
	CHECK(strlen(e.msg) == RS_ERR_MSG - 1);

	/* The one shape of a bad-field message. */
	CHECK(rs_field_err(&e, "ev.csv", 1043, 3, "event", "unknown event "
	    "type", "clik") == EX_DATAERR);
	CHECK_STR(e.msg, "ev.csv:1043: field 3 (event): unknown event type: "
	    "\"clik\"");
	rs_field_err(&e, "<stdin>", 2, 1, NULL, "not a number", "x");
	CHECK_STR(e.msg, "<stdin>:2: field 1: not a number: \"x\"");
	CHECK(e.code == EX_DATAERR);
	/* The value is cut at 64 bytes. */
	memset(longv, 'v', sizeof longv - 1);
	longv[sizeof longv - 1] = '\0';
	rs_field_err(&e, "f", 1, 2, "user", "not a number", longv);
	CHECK_HAS(e.msg, "field 2 (user): not a number: \"vvvv");
	CHECK(strlen(strchr(e.msg, '"')) == 64 + 2);

	/* Program name: the last path component of argv[0]. */
	rs_setprog("/usr/local/bin/als-fit");
	CHECK_STR(rs_prog(), "als-fit");
	rs_setprog("rec-eval");
	CHECK_STR(rs_prog(), "rec-eval");

	/* rs_die: "prog: message" on stderr, the status, the cleanup hook. */
	CHECK(t_child(die65, NULL, &err) == EX_DATAERR);
	CHECK_STR(err, "ev-filter: x.tsv:3: bad\n");
	mark = t_slurp(t_path("hook-ran"), NULL);
	CHECK(mark != NULL && strcmp(mark, "yes") == 0);
	free(mark);

	/* rs_die_err: the recorded code, or 70 when none was recorded. */
	CHECK(t_child(die_err0, NULL, &err) == EX_SOFTWARE);
	CHECK_STR(err, "prog: no code recorded\n");
	CHECK(t_child(die_err74, NULL, &err) == EX_IOERR);
	CHECK_STR(err, "prog: out.tsv: write error: No space left\n");

	CHECK(t_child(warn, NULL, &err) == 0);
	CHECK_STR(err, "pop-rank: skipped 3 rows\n");

	/* The statuses are the sysexits values the man pages document. */
	CHECK(EX_USAGE == 64 && EX_DATAERR == 65 && EX_NOINPUT == 66 &&
	    EX_SOFTWARE == 70 && EX_CANTCREAT == 73 && EX_IOERR == 74);
	return t_done();
}
