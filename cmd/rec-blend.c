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
#include "blend.h"
#include "store.h"
#include "util.h"

#define DEFAULT_RECENT "3"
#define DEFAULT_SHARES "recent=0.4,similar=0.6,personal=0"

static const char usage_text[] =
    "usage: rec-blend [-v] -i ITEMS.tsv -p POPULAR.tsv [-r RECS.tsv] "
    "[-k N] [-n N]\n"
    "                 [--rule seed|session] [-s SIMS.bin] [--recent N]\n"
    "                 [--shares SPEC] [-c CUTOFF] -o FILE\n";

enum { OPT_RULE = 256, OPT_RECENT, OPT_SHARES };

static const cli_option options[] = {
	{'i', "items", "FILE", "catalogue snapshot (items TSV)"},
	{'p', "popular", "FILE", "popular TSV (pop-rank)"},
	{'r', "personal", "FILE", "personal recommendations (recs TSV)"},
	{'k', "last-items", "N", "newest viewed items the blend uses\n"
	    "(default 3, 1-16)"},
	{'n', "n-recs", "N", "longest list kept, the largest n_recs served\n"
	    "(default 50, 1-1000)"},
	{'n', "list-len", "N", "deprecated: same as --n-recs"},
	{OPT_RULE, "rule", "seed|session", "the blend rule (default session;\n"
	    "seed: the original service's)"},
	{'s', "similar", "FILE", "item-sim neighbours for the session rule"},
	{OPT_RECENT, "recent", "N", "recently viewed items shown at most\n"
	    "(default " DEFAULT_RECENT ", 1-16)"},
	{OPT_SHARES, "shares", "SPEC", "the session rule's shares of n_recs\n"
	    "(default " DEFAULT_SHARES ")"},
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
static void parse_shares(const char *, store_build_opts *);

int
main(int argc, char **argv)
{
	store_build_opts o = { .list_len = 50, .last_items = 3,
	    .rule = BLEND_RULE_SESSION };
	const char *out;
	rs_err e = {0};
	int verbose, c;
	cli_common cc = {0};

	cli_init(argc, argv, &program);
	o.recent_max = (size_t)cli_u64("--recent", DEFAULT_RECENT, 1,
	    STORE_MAX_LAST);
	parse_shares(DEFAULT_SHARES, &o);
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case OPT_RULE:
			if (strcmp(optarg, "seed") == 0)
				o.rule = BLEND_RULE_SEED;
			else if (strcmp(optarg, "session") == 0)
				o.rule = BLEND_RULE_SESSION;
			else
				cli_usage_error(usage_text, "--rule: \"%s\": "
				    "expected seed or session", optarg);
			break;
		case 's':
			o.sims_path = optarg;
			break;
		case OPT_RECENT:
			o.recent_max = (size_t)cli_u64("--recent", optarg, 1,
			    STORE_MAX_LAST);
			break;
		case OPT_SHARES:
			parse_shares(optarg, &o);
			break;
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
	if (o.rule == BLEND_RULE_SEED && o.sims_path != NULL)
		cli_usage_error(usage_text, "-s: the seed rule does not use "
		    "neighbours (--rule session)");

	o.built_ms = build_time_ms();
	if (store_build(&o, out, &e) != 0)
		rs_die_err(&e);
	if (verbose)
		rs_warnx("%zu items in %zu categories, %zu popular items, "
		    "%zu users with %zu personal rows; lists of at most %zu, "
		    "last %zu items; rule %s, %zu items with neighbours",
		    o.n_items, o.n_cats, o.n_popular, o.n_users, o.n_personal,
		    o.list_len, o.last_items, blend_rule_name[o.rule],
		    o.n_sims);
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

/*
 * --shares "recent=R,similar=S,personal=P": each 0 to 1, their sum at
 * most 1; a source not named keeps its share.
 */
static void
parse_shares(const char *spec, store_build_opts *o)
{
	char buf[256], *save = NULL, *tok;

	if (strlen(spec) >= sizeof buf)
		cli_usage_error(usage_text, "--shares: too long");
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		double *v;

		if (eq == NULL)
			cli_usage_error(usage_text, "--shares: \"%s\": "
			    "expected SOURCE=SHARE", tok);
		*eq = '\0';
		if (strcmp(tok, "recent") == 0)
			v = &o->share_recent;
		else if (strcmp(tok, "similar") == 0)
			v = &o->share_similar;
		else if (strcmp(tok, "personal") == 0)
			v = &o->share_personal;
		else
			cli_usage_error(usage_text, "--shares: unknown source "
			    "\"%s\" (recent, similar or personal)", tok);
		*v = cli_double("--shares", eq + 1, 0, 1);
	}
	if (o->share_recent + o->share_similar + o->share_personal > 1 + 1e-9)
		cli_usage_error(usage_text, "--shares: \"%s\": the shares add "
		    "up to more than 1", spec);
}
