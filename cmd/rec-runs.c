/*
 * rec-runs: the run ledger of pipeline.mk (build/runs.tsv): lists the
 * runs, shows one, compares two, picks the best by a metric, and exports
 * the ledger to MLflow's file store or to an HTML comparison page.  See
 * rec-runs(1); the ledger's format is in recsys-pipeline(7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ledger.h"
#include "outfile.h"
#include "rs_err.h"
#include "runs_export.h"

#define DEFAULT_LEDGER "build/runs.tsv"
#define MAX_METRICS 32

static const char usage_text[] =
    "usage: rec-runs [-l LEDGER] [-o FILE] [-m METRIC ...] [list]\n"
    "       rec-runs [-l LEDGER] [-o FILE] show RUN\n"
    "       rec-runs [-l LEDGER] [-o FILE] compare RUN1 RUN2\n"
    "       rec-runs [-l LEDGER] [-o FILE] [--lowest] best METRIC\n"
    "       rec-runs [-l LEDGER] --mlflow DIR\n"
    "       rec-runs [-l LEDGER] [-o FILE] --html\n";

enum { OPT_LOWEST = 256, OPT_MLFLOW, OPT_HTML };

static const cli_option options[] = {
	{'l', "ledger", "FILE", "the ledger (default " DEFAULT_LEDGER ")"},
	{'m', "metric", "NAME", "a metric column of list (repeatable)"},
	{OPT_LOWEST, "lowest", NULL, "best is the lowest value, not the highest"},
	{OPT_MLFLOW, "mlflow", "DIR", "export to DIR in MLflow's file-store "
	    "layout"},
	{OPT_HTML, "html", NULL, "an HTML page comparing the runs"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_help = "output file (atomic), default standard output",
	.verbose_help = "the number of rows and runs on standard error",
	.notes = "RUN is a run id or a prefix of exactly one id or key; METRIC a\n"
	    "ledger name, \"metric.\" optional, such as\n"
	    "report.weighted_als.with_history.precision_at_5.\n",
};

/* The headline figures of a run: the original's metric for the weighted
 * model, and the session rule's replay hit rate (the pipeline replays
 * both rules; the session rule is the default). */
static const char *const default_metrics[] = {
	"metric.report.weighted_als.with_history.precision_at_5",
	"metric.replay.session.all_test_carts.hit_at_5",
};

/* A metric as the user names it: "metric." is implied unless the name
 * already starts with a section of the ledger. */
static const char *
metric_name(const char *arg, char *buf, size_t cap)
{
	if (strncmp(arg, "metric.", 7) == 0 || strncmp(arg, "stage.", 6) == 0
	    || strncmp(arg, "param.", 6) == 0 || strncmp(arg, "input.", 6) == 0)
		return arg;
	snprintf(buf, cap, "metric.%s", arg);
	return buf;
}

/* A TAB, then the cell (empty when the row lacks it). */
static void
put_cell(FILE *fp, const char *v)
{
	fputc('\t', fp);
	fputs(v ? v : "", fp);
}

static void
cmd_list(FILE *fp, const ledger *l, const char **metrics, size_t nm)
{
	const ledger_row **rows;
	const char **names;
	size_t n, k, np = 0, i, j;

	if ((rows = ledger_rows(l, 0, &n)) == NULL)
		rs_die(EX_SOFTWARE, "out of memory");
	/* The parameters that tell the runs apart, in ledger order. */
	names = ledger_names(rows, n, "param.", &k);
	for (j = 0; j < k; j++)
		if (ledger_differs(rows, n, names[j]))
			names[np++] = names[j];
	fputs("run\tend\tversion", fp);
	for (j = 0; j < np; j++)
		fprintf(fp, "\t%s", names[j] + 6);
	for (j = 0; j < nm; j++)
		fprintf(fp, "\t%s", strncmp(metrics[j], "metric.", 7) == 0 ?
		    metrics[j] + 7 : metrics[j]);
	fputc('\n', fp);
	for (i = 0; i < n; i++) {
		fputs(ledger_id(rows[i]), fp);
		put_cell(fp, ledger_get(rows[i], "end"));
		put_cell(fp, ledger_get(rows[i], "version"));
		for (j = 0; j < np; j++)
			put_cell(fp, ledger_get(rows[i], names[j]));
		for (j = 0; j < nm; j++)
			put_cell(fp, ledger_get(rows[i], metrics[j]));
		fputc('\n', fp);
	}
	free(names);
	free(rows);
}

static void
cmd_show(FILE *fp, const ledger_row *r)
{
	size_t j;

	fputs("name\tvalue\n", fp);
	for (j = 0; j < r->n; j++)
		fprintf(fp, "%s\t%s\n", r->f[j].name, r->f[j].value);
}

/* One line of compare for name: parameters and inputs only when they
 * differ; figures always, with B - A when both are numbers. */
static void
compare_line(FILE *fp, const ledger_row *a, const ledger_row *b,
    const char *name)
{
	const char *va = ledger_get(a, name), *vb = ledger_get(b, name);
	const char *dot = strchr(name, '.');
	double xa, xb;
	int figure = strncmp(name, "metric.", 7) == 0 ||
	    strncmp(name, "stage.", 6) == 0;

	if (!figure && va != NULL && vb != NULL && strcmp(va, vb) == 0)
		return;
	fprintf(fp, "%.*s\t%s\t%s\t%s\t", (int)(dot - name), name, dot + 1,
	    va ? va : "", vb ? vb : "");
	if (figure && va && vb && ledger_number(va, &xa) == 0 &&
	    ledger_number(vb, &xb) == 0)
		fprintf(fp, "%+.4f\n", xb - xa);
	else
		fputs("\n", fp);
}

static int
in_row(const ledger_row *r, const char *name)
{
	return ledger_get(r, name) != NULL;
}

static void
cmd_compare(FILE *fp, const ledger_row *a, const ledger_row *b)
{
	static const char *const kinds[] = {"param.", "input.", "metric.",
	    "stage."};
	size_t k, j;

	fprintf(fp, "kind\tname\t%s\t%s\tdelta\n", ledger_id(a), ledger_id(b));
	for (k = 0; k < 4; k++) {
		size_t len = strlen(kinds[k]);

		for (j = 0; j < a->n; j++)
			if (strncmp(a->f[j].name, kinds[k], len) == 0)
				compare_line(fp, a, b, a->f[j].name);
		for (j = 0; j < b->n; j++)
			if (strncmp(b->f[j].name, kinds[k], len) == 0 &&
			    !in_row(a, b->f[j].name))
				compare_line(fp, a, b, b->f[j].name);
	}
}

static int
cmd_best(FILE *fp, const ledger *l, const char *metric, int lowest,
    rs_err *e)
{
	const ledger_row *best = NULL;
	double bx = 0, x;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const char *v = ledger_get(&l->rows[i], metric);

		if (!ledger_is_latest(l, i) || v == NULL ||
		    ledger_number(v, &x) != 0)
			continue;
		if (best == NULL || (lowest ? x < bx : x > bx)) {
			best = &l->rows[i];
			bx = x;
		}
	}
	if (best == NULL)
		return rs_errf(e, EX_DATAERR, "no run has the metric \"%s\"",
		    metric);
	fprintf(fp, "run\t%s\n%s\t%s\n", metric, ledger_id(best),
	    ledger_get(best, metric));
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = DEFAULT_LEDGER, *mlflow = NULL;
	const char *metrics[MAX_METRICS], *cmd;
	char mbuf[MAX_METRICS][256], bbuf[256];
	size_t nm = 0, nargs;
	int c, lowest = 0, html = 0;
	const ledger_row *a, *b;
	cli_common cc = {0};
	rs_err e = {0};
	ledger l;
	outfile o;

	cli_init(argc, argv, &program);
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'l':
			path = optarg;
			break;
		case 'm':
			if (nm == MAX_METRICS)
				cli_usage_error(usage_text, "-m: at most %d "
				    "metrics", MAX_METRICS);
			metrics[nm] = metric_name(optarg, mbuf[nm],
			    sizeof mbuf[nm]);
			nm++;
			break;
		case OPT_LOWEST:
			lowest = 1;
			break;
		case OPT_MLFLOW:
			mlflow = optarg;
			break;
		case OPT_HTML:
			html = 1;
			break;
		}
	cmd = optind < argc ? argv[optind] : "list";
	nargs = optind < argc ? (size_t)(argc - optind - 1) : 0;
	if ((mlflow != NULL) + html > 1 || ((mlflow || html) && optind < argc))
		cli_usage_error(usage_text, "--mlflow and --html take no "
		    "command and exclude each other");
	if (mlflow != NULL && cc.output != NULL)
		cli_usage_error(usage_text, "--mlflow writes DIR, not -o");
	if (!mlflow && !html) {
		size_t want = strcmp(cmd, "list") == 0 ? 0 :
		    strcmp(cmd, "show") == 0 ? 1 :
		    strcmp(cmd, "compare") == 0 ? 2 :
		    strcmp(cmd, "best") == 0 ? 1 : (size_t)-1;

		if (want == (size_t)-1)
			cli_usage_error(usage_text, "unknown command \"%s\"",
			    cmd);
		if (nargs != want)
			cli_usage_error(usage_text, "%s takes %zu argument%s",
			    cmd, want, want == 1 ? "" : "s");
		if (nm > 0 && strcmp(cmd, "list") != 0)
			cli_usage_error(usage_text, "-m is for list");
		if (lowest && strcmp(cmd, "best") != 0)
			cli_usage_error(usage_text, "--lowest is for best");
	}

	if (ledger_load(&l, path, &e) != 0)
		rs_die_err(&e);
	if (cc.verbose) {
		size_t nrun;
		const ledger_row **rows = ledger_rows(&l, 1, &nrun);

		rs_warnx("%s: %zu rows, %zu runs", path, l.n, nrun);
		free(rows);
	}
	if (mlflow != NULL) {
		if (runs_mlflow_write(&l, mlflow, &e) != 0)
			rs_die_err(&e);
		ledger_free(&l);
		cli_exit_ok();
	}
	if (outfile_open(&o, cc.output, &e) != 0)
		rs_die_err(&e);
	if (html)
		runs_html_write(o.fp, &l, "recsys-ecom runs");
	else if (strcmp(cmd, "list") == 0) {
		if (nm == 0)
			for (; nm < 2; nm++)
				metrics[nm] = default_metrics[nm];
		cmd_list(o.fp, &l, metrics, nm);
	} else if (strcmp(cmd, "show") == 0) {
		if ((a = ledger_find(&l, argv[optind + 1], &e)) == NULL)
			rs_die_err(&e);
		cmd_show(o.fp, a);
	} else if (strcmp(cmd, "compare") == 0) {
		if ((a = ledger_find(&l, argv[optind + 1], &e)) == NULL ||
		    (b = ledger_find(&l, argv[optind + 2], &e)) == NULL)
			rs_die_err(&e);
		cmd_compare(o.fp, a, b);
	} else if (cmd_best(o.fp, &l, metric_name(argv[optind + 1], bbuf,
	    sizeof bbuf), lowest, &e) != 0)
		rs_die_err(&e);
	if (outfile_commit(&o, &e) != 0)
		rs_die_err(&e);
	ledger_free(&l);
	cli_exit_ok();
}
