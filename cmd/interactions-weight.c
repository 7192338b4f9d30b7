/*
 * interactions-weight: the weighted user x item matrix of an event stream.
 *
 * Keeps one row per (user, event type, item), weighs it by its event type
 * (weight 0 drops it), sums the weights per (user, item) and writes the CSR
 * matrix (recsys-container(5), kind "matrix") that als-fit reads, or with
 * --tsv "user item value" triples.  See interactions-weight(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "outfile.h"
#include "cli.h"
#include "rs_err.h"
#include "event_reader.h"
#include "events.h"
#include "interactions.h"
#include "matrix.h"
#include "weights.h"

#define DEFAULT_WEIGHTS WEIGHTS_DEFAULT

static const char usage_text[] =
    "usage: interactions-weight [-v] [-w WEIGHTS] -o MATRIX [EVENTS.tsv ...]\n"
    "       interactions-weight [-v] [-w WEIGHTS] --tsv [-o FILE] "
    "[EVENTS.tsv ...]\n";

static const char help_text[] =
    "  -w, --weights SPEC  weight per event type (default "
    DEFAULT_WEIGHTS ")\n"
    "  -t, --tsv           write \"user item value\" triples, not a matrix\n"
    "  -o, --output FILE   output file (atomic); required for a matrix\n"
    "  -v, --verbose       counts on standard error\n"
    "  -h, --help          this help\n";

static const struct option longopts[] = {
	{"weights", required_argument, NULL, 'w'},
	{"tsv", no_argument, NULL, 't'},
	{"output", required_argument, NULL, 'o'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

int
main(int argc, char **argv)
{
	const char *spec = DEFAULT_WEIGHTS, *out = NULL;
	int tsv = 0, verbose = 0, c, rc;
	unsigned long long nev = 0;
	ev_weights w;
	rs_err e = {0};
	interactions_set set;
	event ev;
	event_reader *r;
	csr m;

	cli_init(argc, argv);
	while ((c = getopt_long(argc, argv, "w:to:vh", longopts, NULL)) != -1)
		switch (c) {
		case 'w':
			spec = optarg;
			break;
		case 't':
			tsv = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			cli_help(usage_text, help_text);
		default:
			cli_bad_option(usage_text);
		}
	if (weights_parse(spec, &w, &e) != 0)
		cli_usage_error(usage_text, "-w: %s", e.msg);
	if (out == NULL && !tsv)
		cli_usage_error(usage_text, "-o MATRIX is required (or --tsv)");

	if ((r = event_reader_open(argv + optind, (size_t)(argc - optind), NULL, &e)) == NULL)
		rs_die_err(&e);
	if (interactions_init(&set, &e) != 0)
		rs_die_err(&e);
	while ((rc = event_reader_next(r, &ev, &e)) == 1) {
		nev++;
		if (w.w[ev.type] > 0 &&
		    interactions_add(&set, ev.user, ev.item, ev.type, &e) != 0)
			rs_die_err(&e);
	}
	if (rc != 0)
		rs_die_err(&e);
	if (verbose && event_reader_blank_lines(r) > 0)
		rs_warnx("empty lines skipped: %llu",
		    (unsigned long long)event_reader_blank_lines(r));
	event_reader_close(r);
	if (interactions_finish(&set, &e) != 0 || interactions_csr(&set, &w, &m, &e) != 0)
		rs_die_err(&e);
	if (verbose)
		rs_warnx("%llu events, %zu weighted, %zu distinct "
		    "(user, event, item); matrix %zu users x %zu items, "
		    "%zu nonzeros", nev, set.added, set.n, m.rows, m.cols,
		    m.nnz);
	interactions_free(&set);

	if (tsv) {
		outfile o;

		if (outfile_open(&o, out, &e) != 0)
			rs_die_err(&e);
		interactions_csr_write_tsv(o.fp, &m);
		if (outfile_commit(&o, &e) != 0)
			rs_die_err(&e);
	} else {
		char buf[256];
		const char *kv[2] = {"weights", buf};

		if (weights_fmt(&w, buf, sizeof buf) < 0)
			rs_die(EX_SOFTWARE, "weights do not fit");
		if (matrix_save(&m, out, kv, 1, &e) != 0)
			rs_die_err(&e);
	}
	interactions_csr_free(&m);
	cli_exit_ok();
}
