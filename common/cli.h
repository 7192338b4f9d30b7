/*
 * cli.h: glue for main() only.  These helpers print a diagnostic and exit
 * (EX_USAGE, 64, on a bad option or value), so they are not for library
 * code.  Option names are passed as the user typed them ("-f", "--from").
 *
 * One convention for every program in cmd/: a program describes its own
 * options once, as a cli_option table inside its cli_program; cli_getopt()
 * builds the getopt_long table, the short-option string and the --help
 * text from it, followed by the common options every program has
 * (cli_common_options: -o/--output, -v/--verbose, -h/--help, --version).
 * A program cannot forget one, nor describe it differently.  The help
 * layout is: the usage (= the man page SYNOPSIS), the optional about text,
 * "options:" and one row per option, then the optional notes.
 */
#ifndef RS_CLI_H
#define RS_CLI_H

#include <getopt.h>        /* optarg, optind */
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "rs_err.h"
#include "skip_bad.h"

/*
 * One option.  val is the short letter, or a code >= 256 for a long-only
 * option (what cli_getopt returns).  name is the long name without "--"
 * (NULL: short only); arg names the argument in the help (NULL: none).
 * help is the help text, lines separated by '\n'.  A deprecated spelling
 * is a row of its own with the same val and help "deprecated: same as
 * --NEW", so that it is documented where the option is.
 */
typedef struct cli_option {
	int val;
	const char *name;
	const char *arg;
	const char *help;
} cli_option;

/*
 * A program: usage is "usage: prog ...\n" (continuation lines included),
 * the man page's SYNOPSIS; about (optional) a paragraph printed after it;
 * options its own options ending with a {0} row; output_arg and
 * output_help what -o names ("FILE", "output file (atomic) ..."); verbose
 * what -v adds; notes (optional) text printed after the options; mpi
 * what --version says of MPI (NULL: "no"; only als-fit is built with it).
 */
typedef struct cli_program {
	const char *usage;
	const char *about;
	const cli_option *options;
	const char *output_arg;
	const char *output_help;
	const char *verbose_help;
	const char *notes;
	const char *mpi;
} cli_program;

/* The common options' values, filled by cli_getopt. */
typedef struct cli_common {
	const char *output;     /* -o FILE, NULL if absent */
	int verbose;            /* times -v was given */
} cli_common;

/* The common options' vals (cli_getopt handles them, never returns them). */
enum { CLI_OPT_VERSION = 0x10000 };
extern const cli_option cli_common_options[];

/*
 * Sets the program name from argv[0] (shortened to its last component,
 * also in argv[0] so that getopt's own messages use it) and the program's
 * description.  p must outlive the program.
 */
void cli_init(int argc, char **argv, const cli_program *p);

/*
 * getopt_long over the program's options and the common ones.  Handles
 * -o (into c->output), -v (c->verbose++), -h (the help on stdout, exit 0),
 * --version (exit 0) and a bad option (usage on stderr, exit 64) itself;
 * returns a program option's val (optarg set as by getopt), or -1 at the
 * end of the options.  Aborts if the program redefines a common option.
 */
int cli_getopt(int argc, char **argv, cli_common *c);

uint64_t cli_u64(const char *opt, const char *arg, uint64_t min,
    uint64_t max);
double cli_double(const char *opt, const char *arg, double min, double max);
int64_t cli_time_ms(const char *opt, const char *arg);

/* "prog: message\nusage: ...\n" on stderr and exit 64. */
noreturn void cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints the help of p (the layout above) on stdout and exits 0 (after
 * checking stdout; 74 if it failed). */
noreturn void cli_help(const cli_program *p);

/* Prints the version line and the build's options on stdout, exits 0. */
noreturn void cli_version(void);

/*
 * When the program is about to read standard input (npaths is 0, or one
 * of paths is "-" or NULL) and standard input is a terminal, says "prog:
 * reading WHAT from the terminal (stdin); see --help" on stderr, so that a
 * user who forgot an operand is not left waiting in silence.
 */
void cli_stdin_notice(char *const *paths, size_t npaths, const char *what);

/*
 * The notes on standard error after reading rows: with verbose, the empty
 * lines skipped (when any); and whenever rows were skipped by --skip-bad
 * (bad may be NULL), skip_bad_summary()'s one line.
 */
void cli_read_notes(uint64_t blank_lines, const skip_bad *bad, int verbose);

/* Checks stdout (EX_IOERR on failure, with cleanup) and exits with 0. */
noreturn void cli_exit_ok(void);

/* Number of online CPUs, at least 1. */
int cli_ncpu(void);

#endif
