/*
 * ev-synth: writes a Retailrocket-shaped synthetic dataset (events.csv,
 * item_properties_part1.csv, item_properties_part2.csv, category_tree.csv)
 * into a directory, so that the whole pipeline runs without the real data.
 * The generator is common/synth.c; this file is option parsing and glue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "rs_err.h"
#include "synth.h"
#include "util.h"

static const char usage_text[] =
    "usage: ev-synth [-v] [-s SEED] [--events N] [--no-props] -o DIR\n";

enum { OPT_EVENTS = 256, OPT_NO_PROPS };

static const cli_option options[] = {
	{'s', "seed", "SEED", "random seed (default 1); same seed, same bytes"},
	{OPT_EVENTS, "events", "N", "number of event rows (default 2756101)"},
	{OPT_NO_PROPS, "no-props", NULL, "property files with only the "
	    "categoryid and\navailable rows (about a tenth of the size)"},
	{0, NULL, NULL, NULL}
};

/* -o names a directory here: the dataset is four files. */
static const cli_program program = {
	.usage = usage_text,
	.about = "Writes a synthetic Retailrocket dataset into DIR.\n",
	.options = options,
	.output_arg = "DIR",
	.output_help = "directory to write the four CSV files into\n"
	    "(created if missing)",
	.verbose_help = "progress and counts on stderr",
};

static int make_dirs(const char *dir, char ***created, size_t *ncreated,
    rs_err *e);
static void remove_dirs(char **created, size_t n);
static void print_line(void *arg, const char *line);

int
main(int argc, char **argv)
{
	synth_opts o;
	synth_stats st;
	rs_err e = {0};
	const char *dir = NULL;
	char **created = NULL;
	size_t ncreated = 0, i;
	int verbose, c, rc;
	cli_common cc = {0};
	double t0 = util_mono_s();

	cli_init(argc, argv, &program);
	synth_opts_init(&o);
	while ((c = cli_getopt(argc, argv, &cc)) != -1) {
		switch (c) {
		case 's':
			o.seed = cli_u64("-s", optarg, 0, UINT64_MAX);
			break;
		case OPT_EVENTS:
			o.events = cli_u64("--events", optarg, 1,
			    SYNTH_MAX_EVENTS);
			break;
		case OPT_NO_PROPS:
			o.all_props = 0;
			break;
		}
	}
	dir = cc.output;
	verbose = cc.verbose;
	if (optind < argc)
		cli_usage_error(usage_text, "unexpected operand \"%s\"",
		    argv[optind]);
	if (dir == NULL || *dir == '\0')
		cli_usage_error(usage_text, "-o DIR is required");
	if (verbose) {
		o.progress = print_line;
		synth_report_start(&o, print_line, NULL);
	}

	if (make_dirs(dir, &created, &ncreated, &e) != 0)
		rs_die_err(&e);
	if ((rc = synth_write(&o, dir, &st, &e)) != 0) {
		remove_dirs(created, ncreated);
		rs_die_err(&e);
	}
	for (i = 0; i < ncreated; i++)
		free(created[i]);
	free(created);

	if (verbose)
		synth_report_done(&st, dir, util_mono_s() - t0, print_line,
		    NULL);
	cli_exit_ok();
}

/*
 * mkdir -p dir; the directories it made are listed in *created (outermost
 * first) so that a failed run can take them away again.
 */
static int
make_dirs(const char *dir, char ***created, size_t *ncreated, rs_err *e)
{
	char *path = strdup(dir), *p;
	struct stat sb;

	if (path == NULL)
		return rs_oom(e);
	for (p = path + 1;; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, 0777) == 0) {
			char **nc = realloc(*created,
			    (*ncreated + 1) * sizeof *nc);

			if (nc == NULL || (nc[*ncreated] = strdup(path)) ==
			    NULL) {
				if (nc != NULL)
					*created = nc;
				free(path);
				return rs_errf(e, EX_SOFTWARE,
				    "out of memory");
			}
			*created = nc;
			(*ncreated)++;
		} else if (errno != EEXIST) {
			rs_errf(e, EX_CANTCREAT, "%s: cannot create "
			    "directory: %s", path, strerror(errno));
			free(path);
			remove_dirs(*created, *ncreated);
			return EX_CANTCREAT;
		}
		if (last)
			break;
		*p = '/';
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rs_errf(e, EX_CANTCREAT, "%s: not a directory", dir);
		free(path);
		remove_dirs(*created, *ncreated);
		return EX_CANTCREAT;
	}
	free(path);
	return 0;
}

/* Removes the directories make_dirs made, innermost first. */
static void
remove_dirs(char **created, size_t n)
{
	while (n > 0) {
		rmdir(created[n - 1]);
		free(created[--n]);
	}
}

static void
print_line(void *arg, const char *line)
{
	(void)arg;
	rs_warnx("%s", line);
}
