/* test_cli.c: the option-value helpers main() uses: each bad value exits
 * 64 with "prog: OPT: \"VALUE\": why". */
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

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

enum { OPT_LONG = 256 };

static const cli_option t_options[] = {
	{'n', "n-recs", "N", "list length"},
	{'n', "count", "N", "deprecated: same as --n-recs"},
	{OPT_LONG, "long-only", NULL, "a long option\non two lines"},
	{'k', NULL, "K", "deprecated: same as -n"},
	{0, NULL, NULL, NULL}
};

static const cli_program t_program = {
	.usage = "usage: x [-v] [-n N] [-o FILE]\n",
	.about = "About x.\n",
	.options = t_options,
	.output_arg = "DIR",
	.output_help = "where to write",
	.verbose_help = "say more",
	.notes = "Notes.\n",
};

/* A program option that takes -o: a bug caught when options are read. */
static const cli_option t_clash[] = {
	{'o', "other", "X", "clashes with -o"},
	{0, NULL, NULL, NULL}
};
static const cli_program t_clash_program = {
	.usage = "usage: y\n",
	.options = t_clash,
};

static char *g_argv[32];
static int g_argc;
static char g_seen[64];

/* Parses g_argv with t_program; prints what it saw on stdout. */
static void
run_getopt(void *arg)
{
	const cli_program *p = arg != NULL ? arg : &t_program;
	cli_common cc = {0};
	size_t n = 0;
	int c;

	optind = 1;
	cli_init(g_argc, g_argv, p);
	while ((c = cli_getopt(g_argc, g_argv, &cc)) != -1)
		n += (size_t)snprintf(g_seen + n, sizeof g_seen - n, "%c=%s ",
		    c < 256 ? c : 'L', optarg != NULL ? optarg : "-");
	printf("%so=%s v=%d argv0=%s\n", g_seen, cc.output != NULL ?
	    cc.output : "-", cc.verbose, g_argv[0]);
	cli_exit_ok();
}

/* Runs run_getopt on the arguments (NULL-terminated); its stdout in
 * *out, its stderr in *err. */
static int
getopt_child(const cli_program *p, const char **out, const char **err,
    ...)
{
	static char outbuf[4096];
	const char *op = t_path("child.stdout");
	va_list ap;
	char *got;
	int st, saved = dup(1), fd;

	g_argc = 0;
	va_start(ap, err);
	while (g_argc < 31 && (g_argv[g_argc] = va_arg(ap, char *)) != NULL)
		g_argc++;
	va_end(ap);
	fflush(stdout);
	fd = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	close(fd);
	st = t_child(run_getopt, (void *)p, err);
	dup2(saved, 1);
	close(saved);
	got = t_slurp(op, NULL);
	snprintf(outbuf, sizeof outbuf, "%s", got != NULL ? got : "");
	free(got);
	*out = outbuf;
	return st;
}

/* Standard input a terminal (a pseudo-terminal), then the notice. */
static void
run_notice(void *arg)
{
	char *paths[2] = {"a.tsv", arg};
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;

	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 ||
	    (s = open(ptsname(m), O_RDWR | O_NOCTTY)) < 0)
		_exit(77);
	dup2(s, 0);
	rs_setprog("ev-filter");
	cli_stdin_notice(paths, arg != NULL ? 2 : 1, "events");
	cli_stdin_notice(paths, 0, "events");
}

static void
run_help_full(void *unused)
{
	(void)unused;
	if (freopen("/dev/full", "w", stdout) == NULL)
		_exit(99);
	rs_setprog("x");
	cli_help(&t_program);
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
	const char *err, *out;
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
	/* The common options in every program; aliases; argv[0] short. */
	CHECK(getopt_child(NULL, &out, &err, "/usr/bin/x", "-v", "--verbose",
	    "--output", "d", "-n", "3", "--count", "4", "--long-only", "-k",
	    "5", "rest", NULL) == 0);
	CHECK_STR(out, "n=3 n=4 L=- k=5 o=d v=2 argv0=x\n");
	CHECK_STR(err, "");
	CHECK(getopt_child(NULL, &out, &err, "x", "-o", "f", "-n3", NULL) ==
	    0);
	CHECK_STR(out, "n=3 o=f v=0 argv0=x\n");
	/* --help: the one layout, generated from the table. */
	CHECK(getopt_child(NULL, &out, &err, "./x", "--help", NULL) == 0);
	CHECK_STR(out, "usage: x [-v] [-n N] [-o FILE]\n"
	    "\n"
	    "About x.\n"
	    "\n"
	    "options:\n"
	    "  -n, --n-recs N      list length\n"
	    "      --count N       deprecated: same as --n-recs\n"
	    "      --long-only     a long option\n"
	    "                      on two lines\n"
	    "  -k K                deprecated: same as -n\n"
	    "  -o, --output DIR    where to write\n"
	    "  -v, --verbose       say more\n"
	    "  -h, --help          this help\n"
	    "      --version       version and build options\n"
	    "\n"
	    "Notes.\n");
	CHECK(getopt_child(NULL, &out, &err, "x", "-h", "--bogus", NULL) ==
	    0);
	/* --version: name, package, version; the build's options. */
	CHECK(getopt_child(NULL, &out, &err, "/a/b/x", "--version", NULL) ==
	    0);
	CHECK(strncmp(out, "x (recsys-ecom) ", 16) == 0);
	CHECK_HAS(out, "\ncompiler: ");
	CHECK_HAS(out, "\ncflags: ");
	CHECK_HAS(out, "\nals kernels: ");
	CHECK_HAS(out, "\nmpi: ");
	/* A bad option: getopt's message with the short name, the usage. */
	CHECK(getopt_child(NULL, &out, &err, "/usr/bin/x", "-q", NULL) ==
	    EX_USAGE);
	CHECK_STR(err, "x: invalid option -- 'q'\nusage: x [-v] [-n N] "
	    "[-o FILE]\n");
	CHECK(getopt_child(NULL, &out, &err, "x", "--output", NULL) ==
	    EX_USAGE);
	CHECK_HAS(err, "x: option '--output' requires an argument\n");
	/* A program that redefines a common option cannot run. */
	CHECK(getopt_child(&t_clash_program, &out, &err, "y", NULL) ==
	    EX_SOFTWARE);
	CHECK_STR(err, "y: internal: option -o defined twice\n");
	/* --help: a failing stdout is reported (74). */
	CHECK(t_child(run_help_full, NULL, &err) == EX_IOERR);
	CHECK_STR(err, "x: stdout: write error: No space left on device\n");
	/* Reading a terminal: said once, only when stdin is read. */
	CHECK(t_child(run_notice, "-", &err) == 0);
	CHECK_STR(err, "ev-filter: reading events from the terminal (stdin); "
	    "see --help\nev-filter: reading events from the terminal "
	    "(stdin); see --help\n");
	CHECK(t_child(run_notice, NULL, &err) == 0);
	CHECK_STR(err, "ev-filter: reading events from the terminal (stdin); "
	    "see --help\n");

	cli_init(1, &av0, &t_program);
	CHECK_STR(rs_prog(), "ev-synth");
	CHECK(cli_ncpu() >= 1);
	return t_done();
}
