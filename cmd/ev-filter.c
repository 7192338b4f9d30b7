/*
 * ev-filter: selects events by time, type and catalogue from the raw
 * Retailrocket events.csv or from events TSV (plain or gzip), and writes
 * them as events TSV in input order.  The train/test split of the pipeline
 * is "--until CUTOFF" and "--from CUTOFF".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "outfile.h"
#include "skip_bad.h"
#include "cli.h"
#include "rs_err.h"
#include "events.h"
#include "evfilter.h"
#include "event_reader.h"
#include "items.h"
#include "tsv.h"

static const char usage_text[] =
    "usage: ev-filter [-v] [--from TIME] [--until TIME] [--types LIST]\n"
    "                 [--items ITEMS.tsv] [--skip-bad] [-o FILE] [FILE ...]\n";

static const char help_text[] =
    "\n"
    "Reads events.csv or events TSV (plain or gzip; none or - is stdin) and\n"
    "writes the events kept as events TSV (ts user event item txn).\n"
    "\n"
    "  --from TIME        keep events at or after TIME\n"
    "  --until TIME       keep events before TIME\n"
    "  --types LIST       keep these event types (view,addtocart,transaction)\n"
    "  --items ITEMS.tsv  keep events whose item is in this catalogue snapshot\n"
    "  --skip-bad         skip and count bad rows instead of stopping\n"
    "  -o FILE            write to FILE atomically (default stdout)\n"
    "  -v                 print counts on stderr\n"
    "  -h, --help         print this help\n"
    "\n"
    "TIME is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] (UTC) or @MILLIS.\n";

enum { OPT_FROM = 256, OPT_UNTIL, OPT_TYPES, OPT_ITEMS, OPT_SKIP_BAD };

static const struct option longopts[] = {
	{"from", required_argument, NULL, OPT_FROM},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"types", required_argument, NULL, OPT_TYPES},
	{"items", required_argument, NULL, OPT_ITEMS},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

static void report(const uint64_t *count, uint64_t rows, const skip_bad *bad);

int
main(int argc, char **argv)
{
	static char buf[1 << 16];
	size_t used = 0;
	const char *out_path = NULL, *items_path = NULL;
	uint64_t count[EVFILTER_NVERDICTS] = {0};
	skip_bad bad = {0};
	evfilter flt;
	items cat;
	rs_err e = {0};
	outfile out;
	event_reader *in;
	event ev;
	int verbose = 0, ch, rc;

	cli_init(argc, argv);
	evfilter_init(&flt);
	while ((ch = getopt_long(argc, argv, "ho:v", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_FROM:
			flt.has_from = 1;
			flt.from_ms = cli_time_ms("--from", optarg);
			break;
		case OPT_UNTIL:
			flt.has_until = 1;
			flt.until_ms = cli_time_ms("--until", optarg);
			break;
		case OPT_TYPES:
			if (evfilter_parse_types(optarg, &flt.types, &e) != 0)
				cli_usage_error(usage_text, "--types: %s",
				    e.msg);
			break;
		case OPT_ITEMS:
			items_path = optarg;
			break;
		case OPT_SKIP_BAD:
			bad.skip = 1;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			cli_help(usage_text, help_text);
		default:            /* getopt has said what is wrong */
			cli_bad_option(usage_text);
		}
	}
	if (flt.has_from && flt.has_until && flt.from_ms >= flt.until_ms)
		cli_usage_error(usage_text, "--from must be before --until "
		    "(the interval [from, until) would be empty)");

	if (items_path != NULL) {
		if (items_load(&cat, items_path, &e) != 0)
			rs_die_err(&e);
		flt.items = &cat;
	}
	if ((in = event_reader_open(argv + optind, (size_t)(argc - optind), &bad,
	    &e)) == NULL)
		rs_die_err(&e);
	if (outfile_open(&out, out_path, &e) != 0)
		rs_die_err(&e);

	tsv_write_header(out.fp, ev_tsv_cols, 5);
	/* Rows are gathered in buf and written a block at a time: a stdio
	 * call per row costs as much as formatting it. */
	while ((rc = event_reader_next(in, &ev, &e)) == 1) {
		enum evfilter_verdict v = evfilter_judge(&flt, &ev);

		count[v]++;
		if (v != EVFILTER_KEEP)
			continue;
		used += event_reader_fmt_tsv(in, &ev, buf + used);
		if (used > sizeof buf - EV_TSV_ROW_MAX) {
			fwrite(buf, 1, used, out.fp);
			used = 0;
		}
	}
	if (rc != 0)
		rs_die_err(&e);
	fwrite(buf, 1, used, out.fp);
	if (outfile_commit(&out, &e) != 0)
		rs_die_err(&e);

	if (verbose)
		report(count, event_reader_rows(in), &bad);
	if (verbose && event_reader_blank_lines(in) > 0)
		rs_warnx("empty lines skipped: %llu",
		    (unsigned long long)event_reader_blank_lines(in));
	if (bad.n > 0) {
		char line[RS_ERR_MSG + 64];

		skip_bad_summary(&bad, line, sizeof line);
		rs_warnx("%s", line);
	}
	event_reader_close(in);
	if (flt.items != NULL)
		items_free(&cat);
	cli_exit_ok();
}

/* The -v counts: rows read and kept, then the dropped ones by reason. */
static void
report(const uint64_t *count, uint64_t rows, const skip_bad *bad)
{
	int v;

	rs_warnx("%llu rows read, %llu kept, %llu dropped",
	    (unsigned long long)rows, (unsigned long long)count[EVFILTER_KEEP],
	    (unsigned long long)(rows - count[EVFILTER_KEEP]));
	for (v = EVFILTER_KEEP + 1; v < EVFILTER_NVERDICTS; v++)
		rs_warnx("dropped %llu: %s", (unsigned long long)count[v],
		    evfilter_verdict_names[v]);
	rs_warnx("dropped %llu: bad row (--skip-bad)",
	    (unsigned long long)bad->n);
}
