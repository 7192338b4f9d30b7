/* cli.c: see cli.h. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "outfile.h"
#include "num.h"

void
cli_init(int argc, char **argv)
{
	(void)argc;
	rs_setprog(argv[0]);
}

uint64_t
cli_u64(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;
	const char *why = num_u64(arg, &v);

	if (why == NULL && (v < min || v > max))
		rs_die(EX_USAGE, "%s: \"%s\": out of range (%llu to %llu)",
		    opt, arg, (unsigned long long)min,
		    (unsigned long long)max);
	if (why != NULL)
		rs_die(EX_USAGE, "%s: \"%s\": %s", opt, arg, why);
	return v;
}

double
cli_double(const char *opt, const char *arg, double min, double max)
{
	double v;
	const char *why = num_double(arg, &v);

	if (why != NULL)
		rs_die(EX_USAGE, "%s: \"%s\": %s", opt, arg, why);
	if (v < min || v > max)
		rs_die(EX_USAGE, "%s: \"%s\": out of range (%g to %g)", opt,
		    arg, min, max);
	return v;
}

int64_t
cli_time_ms(const char *opt, const char *arg)
{
	int64_t ms;
	const char *why = num_time_ms(arg, &ms);

	if (why != NULL)
		rs_die(EX_USAGE, "%s: \"%s\": %s", opt, arg, why);
	return ms;
}

noreturn void
cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", rs_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	exit(EX_USAGE);
}

noreturn void
cli_help(const char *usage, const char *help)
{
	fputs(usage, stdout);
	fputs(help, stdout);
	cli_exit_ok();
}

noreturn void
cli_bad_option(const char *usage)
{
	fputs(usage, stderr);
	exit(EX_USAGE);
}

noreturn void
cli_exit_ok(void)
{
	rs_err e = {0};

	if (outfile_close_stdout(&e) != 0)
		rs_die_err(&e);
	exit(0);
}

int
cli_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (int)n;
}
