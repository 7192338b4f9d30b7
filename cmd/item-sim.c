/*
 * item-sim: item-to-item neighbours ("often viewed together") from the
 * co-occurrence of items in visitors' sessions of a training events TSV,
 * written as sims.bin (recsys-itemsim(5)) or as TSV.  The model is in
 * common/itemsim.h; see item-sim(1).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "event_reader.h"
#include "itemsim.h"
#include "outfile.h"
#include "rs_err.h"
#include "weights.h"

static const char usage_text[] =
    "usage: item-sim [-v] [-t THREADS] [-w WEIGHTS] [-n K] [--score S]\n"
    "                [--beta B] [--min-support N] [--session-gap MIN]\n"
    "                [--scope session|user] [--session-cap N]\n"
    "                [--half-life DAYS] -o SIMS.bin [EVENTS.tsv ...]\n"
    "       item-sim [options] --tsv [-o FILE] [EVENTS.tsv ...]\n";

struct opts {
	itemsim_params p;
	const char *out;
	int tsv, verbose;
};

enum {
	OPT_SCORE = 256, OPT_BETA, OPT_MIN_SUPPORT, OPT_SESSION_GAP,
	OPT_SCOPE, OPT_SESSION_CAP, OPT_HALF_LIFE, OPT_TSV
};

static const cli_option options[] = {
	{'w', "weights", "SPEC", "weight per event type\n(default "
	    WEIGHTS_DEFAULT ")"},
	{'n', "n-recs", "K", "neighbours kept per item (default 50)"},
	{OPT_SCORE, "score", "S", "count, damped (c(i,j)/n(j)^beta) or cosine\n"
	    "(default count)"},
	{OPT_BETA, "beta", "B", "damped's exponent, 0 to 2 (default 0.5)"},
	{OPT_MIN_SUPPORT, "min-support", "N", "sessions a pair needs "
	    "(default 1)"},
	{OPT_SESSION_GAP, "session-gap", "MIN", "a gap of more minutes starts "
	    "a session\n(default 30)"},
	{OPT_SCOPE, "scope", "session|user", "a visitor's sessions, or their "
	    "whole history"},
	{OPT_SESSION_CAP, "session-cap", "N", "a longer session keeps its "
	    "last N events\n(default 100)"},
	{OPT_HALF_LIFE, "half-life", "DAYS", "weigh older sessions down "
	    "(default 0: off)"},
	{'t', "threads", "N", "threads (default: all cores; same output)"},
	{OPT_TSV, "tsv", NULL, "write \"item neighbour rank score\" rows"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_help = "output file (atomic); required without --tsv",
	.verbose_help = "counts on standard error",
};

static void parse_args(int, char **, struct opts *);
static void write_output(const struct opts *, const itemsim *);

int
main(int argc, char **argv)
{
	struct opts o;
	rs_err e = {0};
	event_reader *r;
	itemsim *s;
	event ev;
	int rc;

	cli_init(argc, argv, &program);
	parse_args(argc, argv, &o);
	cli_stdin_notice(argv + optind, (size_t)(argc - optind), "events");
	if ((r = event_reader_open(argv + optind, (size_t)(argc - optind),
	    NULL, &e)) == NULL)
		rs_die_err(&e);
	if ((s = itemsim_new(&o.p)) == NULL)
		rs_die(EX_SOFTWARE, "out of memory");
	while ((rc = event_reader_next(r, &ev, &e)) == 1)
		if (itemsim_add(s, ev.user, ev.item, ev.type, ev.ts_ms) != 0)
			rs_die(EX_SOFTWARE, "out of memory");
	if (rc != 0)
		rs_die_err(&e);
	event_reader_close(r);
	if (itemsim_build(s, &e) != 0)
		rs_die_err(&e);
	if (o.verbose) {
		const itemsim_lists *l = itemsim_result(s);

		rs_warnx("%llu weighted events, %llu sessions (%llu capped), "
		    "%llu items, %zu with neighbours, %llu pairs kept",
		    (unsigned long long)l->events,
		    (unsigned long long)l->sessions,
		    (unsigned long long)l->capped,
		    (unsigned long long)l->items, l->n,
		    (unsigned long long)l->pairs);
	}
	write_output(&o, s);
	itemsim_free(s);
	cli_exit_ok();
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	cli_common cc = {0};
	rs_err e = {0};
	int c, i;

	memset(o, 0, sizeof *o);
	itemsim_params_init(&o->p);
	o->p.threads = (unsigned)cli_ncpu();
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'w':
			if (weights_parse(optarg, &o->p.weights, &e) != 0)
				cli_usage_error(usage_text, "-w: %s", e.msg);
			break;
		case 'n':
			o->p.top_k = (size_t)cli_u64("-n", optarg, 1,
			    ITEMSIM_MAX_K);
			break;
		case OPT_SCORE:
			for (i = 0; i < ITEMSIM_NSCORES &&
			    strcmp(optarg, itemsim_score_name[i]) != 0; i++)
				;
			if (i == ITEMSIM_NSCORES)
				cli_usage_error(usage_text, "--score: \"%s\": "
				    "expected count, damped or cosine", optarg);
			o->p.score = (enum itemsim_score)i;
			break;
		case OPT_BETA:
			o->p.beta = cli_double("--beta", optarg, 0, 2);
			break;
		case OPT_MIN_SUPPORT:
			o->p.min_support = (uint32_t)cli_u64("--min-support",
			    optarg, 1, 1000000);
			break;
		case OPT_SESSION_GAP:
			o->p.session_gap_ms = 60000 * (int64_t)cli_u64(
			    "--session-gap", optarg, 1, 525600);
			break;
		case OPT_SCOPE:
			if (strcmp(optarg, "session") == 0)
				o->p.scope_user = 0;
			else if (strcmp(optarg, "user") == 0)
				o->p.scope_user = 1;
			else
				cli_usage_error(usage_text, "--scope: \"%s\": "
				    "expected session or user", optarg);
			break;
		case OPT_SESSION_CAP:
			o->p.session_cap = (size_t)cli_u64("--session-cap",
			    optarg, 1, ITEMSIM_MAX_CAP);
			break;
		case OPT_HALF_LIFE:
			o->p.half_life_days = cli_double("--half-life", optarg,
			    0, 36500);
			break;
		case 't':
			o->p.threads = (unsigned)cli_u64("-t", optarg, 1,
			    ITEMSIM_MAX_THREADS);
			break;
		case OPT_TSV:
			o->tsv = 1;
			break;
		}
	o->out = cc.output;
	o->verbose = cc.verbose;
	if (o->out == NULL && !o->tsv)
		cli_usage_error(usage_text, "-o SIMS.bin is required (or "
		    "--tsv)");
	if (o->p.threads > ITEMSIM_MAX_THREADS)
		o->p.threads = ITEMSIM_MAX_THREADS;
}

static void
write_output(const struct opts *o, const itemsim *s)
{
	rs_err e = {0};
	outfile out;

	if (!o->tsv) {
		if (itemsim_save(s, o->out, &e) != 0)
			rs_die_err(&e);
		return;
	}
	if (outfile_open(&out, o->out, &e) != 0)
		rs_die_err(&e);
	if (itemsim_write_tsv(itemsim_result(s), out.fp) != 0)
		rs_die(EX_IOERR, "%s: write error", o->out ? o->out : "stdout");
	if (outfile_commit(&out, &e) != 0)
		rs_die_err(&e);
}
