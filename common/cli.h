/*
 * cli.h: glue for main() only.  These helpers print a diagnostic and exit
 * with EX_USAGE (64) on a bad option value, so they are not for library
 * code.  Option names are passed as the user typed them ("-f", "--from").
 */
#ifndef RS_CLI_H
#define RS_CLI_H

#include <stdint.h>
#include <stdnoreturn.h>

#include "rs_err.h"

/* Sets the program name and makes "--help"/"--version" handling uniform. */
void cli_init(int argc, char **argv);

uint64_t cli_u64(const char *opt, const char *arg, uint64_t min,
    uint64_t max);
double cli_double(const char *opt, const char *arg, double min, double max);
int64_t cli_time_ms(const char *opt, const char *arg);

/* "prog: message\nusage: ...\n" on stderr and exit 64. */
noreturn void cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints usage then help on stdout and exits 0 (after checking stdout). */
noreturn void cli_help(const char *usage, const char *help);

/* After getopt has reported a bad option: usage on stderr, exit 64. */
noreturn void cli_bad_option(const char *usage);

/* Checks stdout (EX_IOERR on failure, with cleanup) and exits with 0. */
noreturn void cli_exit_ok(void);

/* Number of online CPUs, at least 1. */
int cli_ncpu(void);

#endif
