/*
 * ev-filter: selects events by time, type and catalogue from the raw
 * Retailrocket events.csv or from events TSV (plain or gzip), and writes
 * them as events TSV in input order.  The train/test split of the pipeline
 * is "--until CUTOFF" and "--from CUTOFF".
 */
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

enum { OPT_FROM = 256, OPT_UNTIL, OPT_TYPES, OPT_ITEMS, OPT_SKIP_BAD };

static const cli_option options[] = {
	{OPT_FROM, "from", "TIME", "keep events at or after TIME"},
	{OPT_UNTIL, "until", "TIME", "keep events before TIME"},
	{OPT_TYPES, "types", "LIST", "keep these event types "
	    "(view,addtocart,transaction)"},
	{OPT_ITEMS, "items", "ITEMS.tsv", "keep events whose item is in this "
	    "catalogue snapshot"},
	{OPT_SKIP_BAD, "skip-bad", NULL, "skip and count bad rows instead of "
	    "stopping"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.about = "Reads events.csv or events TSV (plain or gzip; none or - is "
	    "stdin) and\nwrites the events kept as events TSV (ts user event "
	    "item txn).\n",
	.options = options,
	.output_help = "write to FILE atomically (default stdout)",
	.verbose_help = "print counts on stderr",
	.notes = "TIME is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] (UTC) or "
	    "@MILLIS.\n",
};

static void report(const uint64_t *count, uint64_t rows, const skip_bad *bad);

int
main(int argc, char **argv)
{
	static outfile_block blk;
	char *row;
	const char *items_path = NULL;
	uint64_t count[EVFILTER_NVERDICTS] = {0};
	skip_bad bad = {0};
	evfilter flt;
	items cat;
	rs_err e = {0};
	outfile out;
	event_reader *in;
	event ev;
	int ch, rc;
	cli_common cc = {0};

	cli_init(argc, argv, &program);
	evfilter_init(&flt);
	while ((ch = cli_getopt(argc, argv, &cc)) != -1) {
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
	cli_stdin_notice(argv + optind, (size_t)(argc - optind), "events");
	if ((in = event_reader_open(argv + optind, (size_t)(argc - optind), &bad,
	    &e)) == NULL)
		rs_die_err(&e);
	if (outfile_open(&out, cc.output, &e) != 0)
		rs_die_err(&e);

	tsv_write_header(out.fp, ev_tsv_cols, 5);
	blk.out = &out;
	while ((rc = event_reader_next(in, &ev, &e)) == 1) {
		enum evfilter_verdict v = evfilter_judge(&flt, &ev);

		count[v]++;
		if (v != EVFILTER_KEEP)
			continue;
		if ((row = outfile_block_room(&blk, EV_TSV_ROW_MAX, &e)) ==
		    NULL)
			rs_die_err(&e);
		blk.used += event_reader_fmt_tsv(in, &ev, row);
	}
	if (rc != 0 || outfile_block_flush(&blk, &e) != 0)
		rs_die_err(&e);
	if (outfile_commit(&out, &e) != 0)
		rs_die_err(&e);

	if (cc.verbose)
		report(count, event_reader_rows(in), &bad);
	cli_read_notes(event_reader_blank_lines(in), &bad, cc.verbose);
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
