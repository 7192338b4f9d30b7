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
static double now_s(void);

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
	double t0 = now_s();

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
		fprintf(stderr, "ev-synth: seed %llu, %llu events, %s\n",
		    (unsigned long long)o.seed,
		    (unsigned long long)o.events,
		    o.all_props ? "all properties" :
		    "categoryid and available only");
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

	if (verbose) {
		double dt = now_s() - t0, mb = 0;

		for (i = 0; i < SYNTH_NFILES; i++) {
			fprintf(stderr, "ev-synth: %s/%s: %llu rows, %llu "
			    "bytes\n", dir, synth_file_names[i],
			    (unsigned long long)st.rows[i],
			    (unsigned long long)st.bytes[i]);
			mb += (double)st.bytes[i] / 1e6;
		}
		fprintf(stderr, "ev-synth: %llu visitors, %llu transactions, "
		    "%llu of %llu items in the catalogue, %llu event items "
		    "without properties\n",
		    (unsigned long long)st.visitors,
		    (unsigned long long)st.transactions,
		    (unsigned long long)st.items_in_catalogue,
		    (unsigned long long)st.item_ids,
		    (unsigned long long)st.event_items_without_props);
		fprintf(stderr, "ev-synth: %.1f s, %.0f MB, %.0f MB/s\n", dt,
		    mb, dt > 0 ? mb / dt : 0.0);
	}
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
		return rs_errf(e, EX_SOFTWARE, "out of memory");
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
	fprintf(stderr, "ev-synth: %s\n", line);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
