/*
 * item-sim: item-to-item neighbours ("often viewed together") from the
 * co-occurrence of items in visitors' sessions of a training events TSV,
 * written as sims.bin (recsys-itemsim(5)) or as TSV.  The model is in
 * common/itemsim.h; see item-sim(1).
 */
#include <getopt.h>
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
    "                [--half-life DAYS] (-o SIMS.bin | --tsv [-o FILE])\n"
    "                [EVENTS.tsv ...]\n";

static const char help_text[] =
    "  -w, --weights SPEC   weight per event type (default "
    WEIGHTS_DEFAULT ")\n"
    "  -n, --top K          neighbours kept per item (default 50)\n"
    "  --score S            count, damped (c(i,j)/n(j)^beta) or cosine\n"
    "                       (default cosine)\n"
    "  --beta B             damped's exponent, 0 to 2 (default 0.5)\n"
    "  --min-support N      sessions a pair needs (default 2)\n"
    "  --session-gap MIN    a gap of more minutes starts a session\n"
    "                       (default 30)\n"
    "  --scope session|user a visitor's sessions, or their whole history\n"
    "  --session-cap N      a longer session keeps its last N events\n"
    "                       (default 100)\n"
    "  --half-life DAYS     weigh older sessions down (default 0: off)\n"
    "  -t, --threads N      threads (default: all cores; same output)\n"
    "  --tsv                write \"item neighbour rank score\" rows\n"
    "  -o, --output FILE    output file (atomic); required without --tsv\n"
    "  -v, --verbose        counts on standard error\n"
    "  -h, --help           this help\n";

struct opts {
	itemsim_params p;
	const char *out;
	int tsv, verbose;
};

enum {
	OPT_SCORE = 256, OPT_BETA, OPT_MIN_SUPPORT, OPT_SESSION_GAP,
	OPT_SCOPE, OPT_SESSION_CAP, OPT_HALF_LIFE, OPT_TSV
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

	cli_init(argc, argv);
	parse_args(argc, argv, &o);
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
	static const struct option longopts[] = {
		{"weights", required_argument, NULL, 'w'},
		{"top", required_argument, NULL, 'n'},
		{"score", required_argument, NULL, OPT_SCORE},
		{"beta", required_argument, NULL, OPT_BETA},
		{"min-support", required_argument, NULL, OPT_MIN_SUPPORT},
		{"session-gap", required_argument, NULL, OPT_SESSION_GAP},
		{"scope", required_argument, NULL, OPT_SCOPE},
		{"session-cap", required_argument, NULL, OPT_SESSION_CAP},
		{"half-life", required_argument, NULL, OPT_HALF_LIFE},
		{"threads", required_argument, NULL, 't'},
		{"tsv", no_argument, NULL, OPT_TSV},
		{"output", required_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	rs_err e = {0};
	int c, i;

	memset(o, 0, sizeof *o);
	itemsim_params_init(&o->p);
	o->p.threads = (unsigned)cli_ncpu();
	while ((c = getopt_long(argc, argv, "w:n:t:o:vh", longopts, NULL)) !=
	    -1)
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
		case 'o':
			o->out = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			cli_help(usage_text, help_text);
		default:
			cli_bad_option(usage_text);
		}
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
