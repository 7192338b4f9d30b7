/* test_cli.c: the option-value helpers main() uses: each bad value exits
 * 64 with "prog: OPT: \"VALUE\": why". */
#include <math.h>

#include "cli.h"
#include "t.h"
#include "tutil.h"

static const char *arg_opt, *arg_val;

static void
run_u64(void *unused)
{
	(void)unused;
	rs_setprog("pop-rank");
	if (cli_u64(arg_opt, arg_val, 1, 1000) != 1000)
		_exit(3);
	if (freopen("/dev/null", "w", stdout) == NULL)
		_exit(99);
	cli_exit_ok();
}

static void
run_double(void *unused)
{
	(void)unused;
	rs_setprog("als-fit");
	cli_double(arg_opt, arg_val, 0, 1);
	if (freopen("/dev/null", "w", stdout) == NULL)
		_exit(99);
	cli_exit_ok();
}

static void
run_time(void *unused)
{
	(void)unused;
	rs_setprog("ev-filter");
	cli_time_ms(arg_opt, arg_val);
	if (freopen("/dev/null", "w", stdout) == NULL)
		_exit(99);
	cli_exit_ok();
}

static void
run_usage(void *unused)
{
	(void)unused;
	rs_setprog("rec-eval");
	cli_usage_error("usage: rec-eval [-v] file\n", "unknown option %s",
	    "-q");
}

static void
run_help(void *unused)
{
	(void)unused;
	if (freopen("/dev/null", "w", stdout) == NULL)
		_exit(99);
	cli_help("usage: x\n", "  -h  this help\n");
}

static void
run_bad_option(void *unused)
{
	(void)unused;
	rs_setprog("x");
	cli_bad_option("usage: x [-v]\n");
}

static void
run_help_full(void *unused)
{
	(void)unused;
	if (freopen("/dev/full", "w", stdout) == NULL)
		_exit(99);
	rs_setprog("x");
	cli_help("usage: x\n", "  -h  this help\n");
}

/* Runs fn with OPT VALUE; returns the status, *err the stderr text. */
static int
run(void (*fn)(void *), const char *opt, const char *val, const char **err)
{
	arg_opt = opt;
	arg_val = val;
	return t_child(fn, NULL, err);
}

int
main(int argc, char **argv)
{
	const char *err;
	char *av0 = "/usr/bin/ev-synth";

	(void)argc;
	(void)argv;
	/* Values that pass, in and out of a child (nothing on stderr). */
	CHECK(cli_u64("-n", "5", 1, 1000) == 5);
	CHECK(cli_double("-a", "0.5", 0, 1) == 0.5);
	CHECK(cli_time_ms("--from", "2015-09-01") == 1441065600000LL);
	CHECK(run(run_u64, "-n", "1000", &err) == 0);
	CHECK_STR(err, "");
	CHECK(run(run_time, "--until", "@0", &err) == 0);

	/* Each bad value: status 64 and the message. */
	CHECK(run(run_u64, "-n", "0", &err) == EX_USAGE);
	CHECK_STR(err, "pop-rank: -n: \"0\": out of range (1 to 1000)\n");
	CHECK(run(run_u64, "-n", "1001", &err) == EX_USAGE);
	CHECK_STR(err, "pop-rank: -n: \"1001\": out of range (1 to 1000)\n");
	CHECK(run(run_u64, "-n", "abc", &err) == EX_USAGE);
	CHECK_STR(err, "pop-rank: -n: \"abc\": not a number\n");
	CHECK(run(run_u64, "-n", "", &err) == EX_USAGE);
	CHECK_STR(err, "pop-rank: -n: \"\": empty\n");
	CHECK(run(run_u64, "-n", "-5", &err) == EX_USAGE);
	CHECK_STR(err, "pop-rank: -n: \"-5\": negative\n");
	CHECK(run(run_u64, "--top", "99999999999999999999", &err) ==
	    EX_USAGE);
	CHECK_STR(err, "pop-rank: --top: \"99999999999999999999\": out of "
	    "range\n");
	CHECK(run(run_double, "-r", "1.5", &err) == EX_USAGE);
	CHECK_STR(err, "als-fit: -r: \"1.5\": out of range (0 to 1)\n");
	CHECK(run(run_double, "-r", "nan", &err) == EX_USAGE);
	CHECK_STR(err, "als-fit: -r: \"nan\": not a number\n");
	CHECK(run(run_double, "-r", "0,5", &err) == EX_USAGE);
	CHECK_STR(err, "als-fit: -r: \"0,5\": not a number\n");
	CHECK(run(run_time, "--from", "2015-02-30", &err) == EX_USAGE);
	CHECK_STR(err, "ev-filter: --from: \"2015-02-30\": day out of range\n");
	CHECK(run(run_time, "--until", "yesterday", &err) == EX_USAGE);
	CHECK_STR(err, "ev-filter: --until: \"yesterday\": expected "
	    "YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] or @MILLIS\n");

	/* Usage errors print the usage after the message. */
	CHECK(t_child(run_usage, NULL, &err) == EX_USAGE);
	CHECK_STR(err, "rec-eval: unknown option -q\nusage: rec-eval [-v] "
	    "file\n");
	/* --help: stdout, status 0; a failing stdout is reported (74). */
	CHECK(t_child(run_help, NULL, &err) == 0);
	CHECK(t_child(run_help_full, NULL, &err) == EX_IOERR);
	CHECK_STR(err, "x: stdout: write error: No space left on device\n");
	/* After getopt's own message: only the usage, status 64. */
	CHECK(t_child(run_bad_option, NULL, &err) == EX_USAGE);
	CHECK_STR(err, "usage: x [-v]\n");

	cli_init(1, &av0);
	CHECK_STR(rs_prog(), "ev-synth");
	CHECK(cli_ncpu() >= 1);
	return t_done();
}
