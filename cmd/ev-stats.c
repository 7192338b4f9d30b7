/*
 * ev-stats: the profile of an event stream in one pass (the original
 * system's EDA): counts by type, visitors, items, sessions; events per day
 * by type; the view -> addtocart -> transaction funnel per visitor and per
 * item; the activity and popularity distributions; session lengths; repeat
 * carts.  One TSV of "section name value" lines; see ev-stats(1).
 */
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "event_reader.h"
#include "events.h"
#include "evstats.h"
#include "outfile.h"
#include "rs_err.h"
#include "skip_bad.h"

static const char usage_text[] =
    "usage: ev-stats [-v] [-g MINUTES] [--skip-bad] [-o FILE] [FILE ...]\n";

enum { OPT_SKIP_BAD = 256 };

static const cli_option options[] = {
	{'g', "session-gap", "MINUTES", "a longer gap between a visitor's "
	    "events starts\na new session (default 30)"},
	{OPT_SKIP_BAD, "skip-bad", NULL, "skip and count bad rows instead of "
	    "stopping"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.about = "Profiles events.csv or events TSV (plain or gzip; none or - "
	    "is stdin)\nin one pass: TSV lines \"section name value\".",
	.options = options,
	.output_help = "output file (atomic), default standard output",
	.verbose_help = "counts on standard error",
};

int
main(int argc, char **argv)
{
	uint64_t gap_min = 30;
	int c, rc;
	cli_common cc = {0};
	skip_bad bad = {0};
	event_reader *r;
	rs_err e = {0};
	evstats s;
	outfile o;
	event ev;

	cli_init(argc, argv, &program);
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'g':
			gap_min = cli_u64("-g", optarg, 1, 525600);
			break;
		case OPT_SKIP_BAD:
			bad.skip = 1;
			break;
		}

	if (evstats_init(&s, (int64_t)gap_min * 60000, &e) != 0)
		rs_die_err(&e);
	cli_stdin_notice(argv + optind, (size_t)(argc - optind), "events");
	if ((r = event_reader_open(argv + optind, (size_t)(argc - optind), &bad,
	    &e)) == NULL)
		rs_die_err(&e);
	while ((rc = event_reader_next(r, &ev, &e)) == 1)
		if (evstats_add(&s, &ev, &e) != 0)
			rs_die_err(&e);
	if (rc != 0)
		rs_die_err(&e);
	if (evstats_finish(&s, &e) != 0)
		rs_die_err(&e);
	if (outfile_open(&o, cc.output, &e) != 0)
		rs_die_err(&e);
	evstats_write_tsv(&s, o.fp);
	if (outfile_commit(&o, &e) != 0)
		rs_die_err(&e);
	if (cc.verbose)
		rs_warnx("%llu rows read, %llu events, %llu visitors, %llu items, "
		    "%llu sessions", (unsigned long long)event_reader_rows(r),
		    (unsigned long long)s.events,
		    (unsigned long long)s.visitors,
		    (unsigned long long)s.items,
		    (unsigned long long)s.sessions);
	cli_read_notes(event_reader_blank_lines(r), &bad, cc.verbose);
	event_reader_close(r);
	evstats_free(&s);
	cli_exit_ok();
}
