/*
 * pop-rank: the top-popular list of an event stream.
 *
 * Counts the addtocart events per item (or a weighted sum over event types
 * with -w, or distinct users with --distinct-users), and writes every item
 * with a count above 0 as popular TSV "item category count score", sorted by
 * count descending then item id ascending.  See pop-rank(1).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "outfile.h"
#include "cli.h"
#include "rs_err.h"
#include "event_reader.h"
#include "events.h"
#include "items.h"
#include "popular.h"
#include "weights.h"

#define DEFAULT_WEIGHTS "view=0,addtocart=1,transaction=0"

static const char usage_text[] =
    "usage: pop-rank [-v] [-w WEIGHTS] [--distinct-users] [--since TIME] "
    "[-n N]\n"
    "                -i ITEMS.tsv [-o FILE] [EVENTS.tsv ...]\n";

static const cli_option options[] = {
	{'w', "weights", "SPEC", "weight per event type\n(default "
	    DEFAULT_WEIGHTS ")"},
	{'u', "distinct-users", NULL, "count users, not events"},
	{'S', "since", "TIME", "only events at or after TIME"},
	{'n', "n-recs", "N", "only the first N items"},
	{'n', "top", "N", "deprecated: same as --n-recs"},
	{'i', "items", "FILE", "catalogue snapshot (items TSV), for categories"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_help = "output file (atomic), default standard output",
	.verbose_help = "counts on standard error",
};

int
main(int argc, char **argv)
{
	const char *spec = DEFAULT_WEIGHTS, *items_path = NULL;
	int64_t since_ms = INT64_MIN;
	int distinct = 0, c, rc;
	unsigned long long nev = 0;
	size_t n_recs = 0, n;
	cli_common cc = {0};
	ev_weights w;
	popular_counter pc;
	popular_entry *list;
	rs_err e = {0};
	items it;
	event ev;
	outfile o;
	event_reader *r;

	cli_init(argc, argv, &program);
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'w':
			spec = optarg;
			break;
		case 'u':
			distinct = 1;
			break;
		case 'S':
			since_ms = cli_time_ms("--since", optarg);
			break;
		case 'n':
			n_recs = (size_t)cli_u64("-n", optarg, 1, SIZE_MAX);
			break;
		case 'i':
			items_path = optarg;
			break;
		}
	if (weights_parse(spec, &w, &e) != 0)
		cli_usage_error(usage_text, "-w: %s", e.msg);
	if (items_path == NULL)
		cli_usage_error(usage_text, "-i ITEMS.tsv is required");

	if (items_load(&it, items_path, &e) != 0)
		rs_die_err(&e);
	if (popular_init(&pc, &w, distinct, since_ms, &e) != 0)
		rs_die_err(&e);
	cli_stdin_notice(argv + optind, (size_t)(argc - optind), "events");
	if ((r = event_reader_open(argv + optind, (size_t)(argc - optind), NULL, &e)) == NULL)
		rs_die_err(&e);
	while ((rc = event_reader_next(r, &ev, &e)) == 1) {
		nev++;
		if (popular_add(&pc, &ev, &e) != 0)
			rs_die_err(&e);
	}
	if (rc != 0)
		rs_die_err(&e);
	cli_read_notes(event_reader_blank_lines(r), NULL, cc.verbose);
	event_reader_close(r);
	if (popular_rank(&pc, &list, &n, &e) != 0)
		rs_die_err(&e);
	if (cc.verbose)
		rs_warnx("%llu events, %zu counted, %zu items ranked, "
		    "%zu in the catalogue snapshot", nev, pc.counted, n, it.n);
	popular_free(&pc);

	if (outfile_open(&o, cc.output, &e) != 0)
		rs_die_err(&e);
	popular_tsv_write(o.fp, list, n, n_recs, &it);
	if (outfile_commit(&o, &e) != 0)
		rs_die_err(&e);
	free(list);
	items_free(&it);
	cli_exit_ok();
}
