/*
 * interactions-weight: the weighted user x item matrix of an event stream.
 *
 * Keeps one row per (user, event type, item), weighs it by its event type
 * (weight 0 drops it), sums the weights per (user, item) and writes the CSR
 * matrix (recsys-container(5), kind "matrix") that als-fit reads, or with
 * --tsv "user item value" triples.  See interactions-weight(1).
 */
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

static const cli_option options[] = {
	{'w', "weights", "SPEC", "weight per event type\n(default "
	    DEFAULT_WEIGHTS ")"},
	{'t', "tsv", NULL, "write \"user item value\" triples, not a matrix"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_help = "output file (atomic); required for a matrix",
	.verbose_help = "counts on standard error",
};

int
main(int argc, char **argv)
{
	const char *spec = DEFAULT_WEIGHTS, *out;
	int tsv = 0, c, rc;
	cli_common cc = {0};
	unsigned long long nev = 0;
	ev_weights w;
	rs_err e = {0};
	interactions_set set;
	event ev;
	event_reader *r;
	csr m;

	cli_init(argc, argv, &program);
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'w':
			spec = optarg;
			break;
		case 't':
			tsv = 1;
			break;
		}
	out = cc.output;
	if (weights_parse(spec, &w, &e) != 0)
		cli_usage_error(usage_text, "-w: %s", e.msg);
	if (out == NULL && !tsv)
		cli_usage_error(usage_text, "-o MATRIX is required (or --tsv)");

	cli_stdin_notice(argv + optind, (size_t)(argc - optind), "events");
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
	cli_read_notes(event_reader_blank_lines(r), NULL, cc.verbose);
	event_reader_close(r);
	if (interactions_finish(&set, &e) != 0 || interactions_csr(&set, &w, &m, &e) != 0)
		rs_die_err(&e);
	if (cc.verbose)
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
