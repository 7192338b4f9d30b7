/*
 * rec-blend: packs what serving needs into one recs.db store.
 *
 * Reads the catalogue snapshot (items TSV), the popular TSV and optionally
 * the personal recommendations (recs TSV), and writes the mmap-able store
 * rec-serve and rec-eval --replay blend from: item -> category, the global
 * and per-category popular lists, each user's personal list, the blend
 * parameters and the sources' checksums.  See rec-blend(1) and
 * recsys-recsdb(5).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "rs_err.h"
#include "num.h"
#include "store.h"
#include "util.h"

static const char usage_text[] =
    "usage: rec-blend [-v] -i ITEMS.tsv -p POPULAR.tsv [-r RECS.tsv] "
    "[-k N] [-n N]\n"
    "                 [-c CUTOFF] -o FILE\n";

static const cli_option options[] = {
	{'i', "items", "FILE", "catalogue snapshot (items TSV)"},
	{'p', "popular", "FILE", "popular TSV (pop-rank)"},
	{'r', "personal", "FILE", "personal recommendations (recs TSV)"},
	{'k', "last-items", "N", "newest viewed items the blend uses\n"
	    "(default 3, 1-16)"},
	{'n', "n-recs", "N", "longest list kept, the largest n_recs served\n"
	    "(default 50, 1-1000)"},
	{'n', "list-len", "N", "deprecated: same as --n-recs"},
	{'c', "cutoff", "TEXT", "training cutoff, recorded for the metrics"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_help = "the store (atomic; - is standard output)",
	.verbose_help = "counts on standard error",
};

static int64_t build_time_ms(void);

int
main(int argc, char **argv)
{
	store_build_opts o = { .list_len = 50, .last_items = 3 };
	const char *out;
	rs_err e = {0};
	int verbose, c;
	cli_common cc = {0};

	cli_init(argc, argv, &program);
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'i':
			o.items_path = optarg;
			break;
		case 'p':
			o.popular_path = optarg;
			break;
		case 'r':
			o.personal_path = optarg;
			break;
		case 'k':
			o.last_items = (size_t)cli_u64("-k", optarg, 1,
			    STORE_MAX_LAST);
			break;
		case 'n':
			o.list_len = (size_t)cli_u64("-n", optarg, 1,
			    STORE_MAX_LIST);
			break;
		case 'c':
			if (strlen(optarg) >= sizeof ((store *)0)->cutoff ||
			    strchr(optarg, '\n') != NULL)
				cli_usage_error(usage_text, "-c: \"%s\": at most "
				    "39 bytes on one line", optarg);
			o.cutoff = optarg;
			break;
		}
	out = cc.output;
	verbose = cc.verbose;
	if (optind != argc)
		cli_usage_error(usage_text, "unexpected operand \"%s\"",
		    argv[optind]);
	if (o.items_path == NULL)
		cli_usage_error(usage_text, "-i ITEMS.tsv is required");
	if (o.popular_path == NULL)
		cli_usage_error(usage_text, "-p POPULAR.tsv is required");
	if (out == NULL)
		cli_usage_error(usage_text, "-o FILE is required");

	o.built_ms = build_time_ms();
	if (store_build(&o, out, &e) != 0)
		rs_die_err(&e);
	if (verbose)
		rs_warnx("%zu items in %zu categories, %zu popular items, "
		    "%zu users with %zu personal rows; lists of at most %zu, "
		    "last %zu items", o.n_items, o.n_cats, o.n_popular,
		    o.n_users, o.n_personal, o.list_len, o.last_items);
	cli_exit_ok();
}

/* Now, or SOURCE_DATE_EPOCH (seconds) for reproducible builds. */
static int64_t
build_time_ms(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t s;

	if (sde != NULL && *sde != '\0') {
		if (num_u64_range(sde, 0, INT64_MAX / 1000, &s) != NULL)
			rs_die(EX_USAGE, "SOURCE_DATE_EPOCH: \"%s\": not a "
			    "number of seconds", sde);
		return (int64_t)s * 1000;
	}
	return util_real_ms();
}
