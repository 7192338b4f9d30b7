/*
 * rec-eval: the original system's offline metrics (precision@k, recall@k
 * over the test carts, coverage@k2 of the catalogue) for the global
 * popular list and for per-user recommendation lists, as one report; or,
 * with --replay, hit@k of what the served blend would have answered at
 * every test cart.  The definitions are in common/eval.h,
 * common/replay.h and rec-eval(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "cli.h"
#include "rs_err.h"
#include "eval.h"
#include "items.h"
#include "itemsim.h"
#include "popular_tsv.h"
#include "replay.h"
#include "store.h"
#include "table.h"
#include "weights.h"

#define USAGE \
	"usage: rec-eval [-v] [-n K] [--coverage-k K2] [--count-duplicates]\n" \
	"                [--format tsv|table] [-o FILE] --train TRAIN.tsv\n" \
	"                --test TEST.tsv --items ITEMS.tsv\n" \
	"                [--popular POPULAR.tsv] [--recs NAME=RECS.tsv ...]\n" \
	"                [--similar SIMS.bin] [--curves FILE]\n" \
	"       rec-eval [-v] [-n K] [--format tsv|table] [-o FILE]\n" \
	"                --train TRAIN.tsv --test TEST.tsv --items ITEMS.tsv\n" \
	"                --replay [NAME=]RECS.db ...\n"

#define MAX_K 10000
/* The precision and recall curves run over k = 1..CURVE_K. */
#define CURVE_K 20
#define MAX_LISTS 64

/* A named input: a --recs list or a --replay store. */
struct named {
	const char *name;
	const char *path;
};

struct opts {
	size_t k, coverage_k;
	int count_dups, table, verbose;
	const char *train, *test, *items, *popular, *similar, *out, *curves;
	FILE *curves_fp;       /* open while the rows are evaluated */
	int coverage_k_set;
	struct named recs[MAX_LISTS], replay[MAX_LISTS];
	size_t nrecs, nreplay;
};

/*
 * The two reports' columns, declared once: the header names (a "%zu" is
 * -k, or --coverage-k for the metrics' coverage) and the cell indexes.
 */
enum { M_MODEL, M_GROUP, M_USERS, M_PRECISION, M_RECALL, M_COVERAGE,
    M_NCOLS };
static const char *const metrics_cols[M_NCOLS] = {
	"model", "group", "users", "precision_at_%zu", "recall_at_%zu",
	"coverage_at_%zu"
};
enum { R_MODEL, R_GROUP, R_CARTS, R_HITS, R_HIT, R_COVERAGE, R_NCOLS };
static const char *const replay_cols[R_NCOLS] = {
	"model", "group", "carts", "hits", "hit_at_%zu", "coverage_at_%zu"
};

enum {
	OPT_COVERAGE_K = 256, OPT_COUNT_DUPS, OPT_FORMAT, OPT_TRAIN, OPT_TEST,
	OPT_ITEMS, OPT_POPULAR, OPT_RECS, OPT_REPLAY, OPT_SIMILAR, OPT_CURVES
};

static const cli_option options[] = {
	{'n', "n-recs", "K", "precision and recall at K (default 5)"},
	{'k', NULL, "K", "deprecated: same as -n"},
	{OPT_COVERAGE_K, "coverage-k", "K2", "coverage of the top-K2 lists "
	    "(default 50)"},
	{OPT_COUNT_DUPS, "count-duplicates", NULL, "count every cart row, as "
	    "the seed notebook did"},
	{OPT_FORMAT, "format", "tsv|table", "report as TSV (default) or "
	    "aligned for people"},
	{OPT_TRAIN, "train", "FILE", "training events TSV (who has history)"},
	{OPT_TEST, "test", "FILE", "test events TSV (the carts are the "
	    "relevant set)"},
	{OPT_ITEMS, "items", "FILE", "catalogue snapshot (items TSV), for "
	    "coverage"},
	{OPT_POPULAR, "popular", "FILE", "popular TSV: rows "
	    "top_popular/all_test_users\nand top_popular/with_history"},
	{OPT_RECS, "recs", "NAME=FILE", "recs TSV: row NAME/with_history "
	    "(repeatable)"},
	{OPT_CURVES, "curves", "FILE", "also write precision@k and recall@k "
	    "for k = 1..20\nof every row to FILE (TSV)"},
	{OPT_SIMILAR, "similar", "FILE", "item-sim neighbours: row "
	    "item_sim/with_history,\neach user's training items' neighbours"},
	{OPT_REPLAY, "replay", "[NAME=]FILE", "replay every test cart against "
	    "the store FILE\n(rec-blend) through the served blend: hit@K,\n"
	    "rows NAME/... (default blend; repeatable)"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = USAGE,
	.options = options,
	.output_help = "write the report to FILE atomically",
	.verbose_help = "counts on standard error",
};

static void parse_args(int, char **, struct opts *);
static size_t list_k(const struct opts *);
static void curve_init(const struct opts *, eval_curve *);
static void curve_rows(const struct opts *, eval_curve *, const char *,
    const char *);
static void add_named(struct named *, size_t *, const char *, char *,
    const char *);
static void check_args(const struct opts *);
static void warn_periods(const eval_truth *, const struct opts *);
static void table_start(table *, const char *const *, size_t, size_t,
    size_t);
static void report_metrics(const struct opts *, const eval_truth *,
    const items *, table *);
static void report_replay(const struct opts *, const eval_truth *,
    const items *, table *);
static void replay_store(const struct opts *, const struct named *,
    replay_events *, const eval_truth *, const items *, table *);
static void fmt_pct(char *, size_t, double);
static void add_row(table *, const char *, const char *, const eval_acc *,
    const items *, const char *);
static void eval_popular(const struct opts *, const eval_truth *,
    const items *, table *);
static void eval_recs(const struct opts *, const struct named *,
    const eval_truth *, const items *, table *);
static void eval_similar(const struct opts *, const eval_truth *,
    const items *, table *);
static void score_lists(const struct opts *, const char *,
    const eval_lists *, const eval_truth *, const items *, table *,
    const char *);

int
main(int argc, char **argv)
{
	struct opts o;
	eval_truth truth;
	items catalogue;
	rs_err e = {0};
	table tab;
	outfile out, curves;

	cli_init(argc, argv, &program);
	parse_args(argc, argv, &o);
	/* Opened first, so an output that cannot be created fails at once;
	 * any later failure removes the temporary file. */
	if (outfile_open(&out, o.out, &e) != 0)
		rs_die_err(&e);
	o.curves_fp = NULL;
	if (o.curves != NULL) {
		if (outfile_open(&curves, o.curves, &e) != 0)
			rs_die_err(&e);
		o.curves_fp = curves.fp;
		fputs("model\tgroup\tk\tprecision\trecall\n", curves.fp);
	}

	if (items_load(&catalogue, o.items, &e) != 0)
		rs_die_err(&e);
	if (catalogue.n == 0)
		rs_die(EX_DATAERR, "%s: no items in the catalogue snapshot "
		    "(coverage would divide by zero)", o.items);
	if (eval_truth_load(&truth, o.test, o.train, &e) != 0)
		rs_die_err(&e);
	if (o.verbose)
		rs_warnx("%llu test carts, %zu test users, %zu with history, "
		    "%zu catalogue items", (unsigned long long)truth.ncarts,
		    truth.nusers, truth.nhistory, catalogue.n);
	if (truth.nusers == 0)
		rs_warnx("%s: no addtocart event in the test period: every "
		    "group is empty", o.test);
	warn_periods(&truth, &o);

	if (o.nreplay > 0)
		report_replay(&o, &truth, &catalogue, &tab);
	else
		report_metrics(&o, &truth, &catalogue, &tab);

	table_write(&tab, out.fp, o.table);
	if (o.curves != NULL && outfile_commit(&curves, &e) != 0)
		rs_die_err(&e);
	if (outfile_commit(&out, &e) != 0)
		rs_die_err(&e);
	table_free(&tab);
	eval_truth_free(&truth);
	items_free(&catalogue);
	cli_exit_ok();
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	cli_common cc = {0};
	int c;

	memset(o, 0, sizeof *o);
	o->k = 5;
	o->coverage_k = 50;
	while ((c = cli_getopt(argc, argv, &cc)) != -1) {
		switch (c) {
		case 'n':
		case 'k':
			o->k = (size_t)cli_u64(c == 'n' ? "-n" : "-k", optarg,
			    1, MAX_K);
			break;
		case OPT_COVERAGE_K:
			o->coverage_k = (size_t)cli_u64("--coverage-k", optarg,
			    1, MAX_K);
			o->coverage_k_set = 1;
			break;
		case OPT_COUNT_DUPS:
			o->count_dups = 1;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "tsv") == 0)
				o->table = 0;
			else if (strcmp(optarg, "table") == 0)
				o->table = 1;
			else
				cli_usage_error(USAGE, "--format: \"%s\": "
				    "expected tsv or table", optarg);
			break;
		case OPT_TRAIN:
			o->train = optarg;
			break;
		case OPT_TEST:
			o->test = optarg;
			break;
		case OPT_ITEMS:
			o->items = optarg;
			break;
		case OPT_POPULAR:
			if (o->popular != NULL)
				cli_usage_error(USAGE, "--popular given twice");
			o->popular = optarg;
			break;
		case OPT_RECS:
			if (strchr(optarg, '=') == NULL)
				cli_usage_error(USAGE, "--recs: \"%s\": expected "
				    "NAME=FILE", optarg);
			add_named(o->recs, &o->nrecs, "--recs", optarg, NULL);
			break;
		case OPT_CURVES:
			o->curves = optarg;
			break;
		case OPT_SIMILAR:
			if (o->similar != NULL)
				cli_usage_error(USAGE, "--similar given twice");
			o->similar = optarg;
			break;
		case OPT_REPLAY:
			add_named(o->replay, &o->nreplay, "--replay", optarg,
			    "blend");
			break;
		}
	}
	o->out = cc.output;
	o->verbose = cc.verbose;
	if (optind < argc)
		cli_usage_error(USAGE, "unexpected operand \"%s\"",
		    argv[optind]);
	check_args(o);
}

/*
 * Adds arg, "NAME=FILE" (or "FILE", named dflt, when dflt is not NULL),
 * to the list of option opt; a bad or repeated name is a usage error.
 */
static void
add_named(struct named *list, size_t *n, const char *opt, char *arg,
    const char *dflt)
{
	char *eq = strchr(arg, '=');
	const char *name = dflt, *path = arg, *p;
	size_t i;

	if (eq != NULL) {
		if (eq == arg || eq[1] == '\0')
			cli_usage_error(USAGE, "%s: \"%s\": expected NAME=FILE",
			    opt, arg);
		for (p = arg; p < eq; p++)
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *p) ==
			    NULL)
				cli_usage_error(USAGE, "%s: \"%s\": NAME may "
				    "hold letters, digits, '_', '.' and '-' "
				    "only", opt, arg);
		*eq = '\0';
		name = arg;
		path = eq + 1;
	}
	if (*n == MAX_LISTS)
		cli_usage_error(USAGE, "%s: at most %d of them", opt, MAX_LISTS);
	for (i = 0; i < *n; i++)
		if (strcmp(list[i].name, name) == 0)
			cli_usage_error(USAGE, "%s: name \"%s\" given twice",
			    opt, name);
	if (strcmp(name, "top_popular") == 0)
		cli_usage_error(USAGE, "%s: the name top_popular is "
		    "--popular's", opt);
	list[*n].name = name;
	list[*n].path = path;
	(*n)++;
}

/* The options that do not go together, and standard input read once. */
static void
check_args(const struct opts *o)
{
	size_t i, stdin_uses = 0;

	if (o->train == NULL || o->test == NULL || o->items == NULL)
		cli_usage_error(USAGE, "--train, --test and --items are "
		    "required");
	stdin_uses += strcmp(o->train, "-") == 0;
	stdin_uses += strcmp(o->test, "-") == 0;
	stdin_uses += strcmp(o->items, "-") == 0;
	stdin_uses += o->popular != NULL && strcmp(o->popular, "-") == 0;
	for (i = 0; i < o->nrecs; i++)
		stdin_uses += strcmp(o->recs[i].path, "-") == 0;
	if (stdin_uses > 1)
		cli_usage_error(USAGE, "only one input can be standard input "
		    "(-)");
	if (o->similar != NULL && strcmp(o->train, "-") == 0)
		cli_usage_error(USAGE, "--train cannot be standard input with "
		    "--similar (it is read twice)");
	if (o->nreplay > 0) {
		if (strcmp(o->test, "-") == 0)
			cli_usage_error(USAGE, "--test cannot be standard "
			    "input with --replay (it is read twice)");
		if (o->popular != NULL || o->nrecs > 0 || o->similar != NULL)
			cli_usage_error(USAGE, "--replay makes a report of its "
			    "own: it does not mix with --popular, --recs or "
			    "--similar");
		if (o->count_dups)
			cli_usage_error(USAGE, "--count-duplicates does not "
			    "apply to --replay (every cart is one request)");
		if (o->coverage_k_set)
			cli_usage_error(USAGE, "--coverage-k does not apply to "
			    "--replay (coverage is of the served -n lists)");
		if (o->curves != NULL)
			cli_usage_error(USAGE, "--curves does not apply to "
			    "--replay");
	} else if (o->popular == NULL && o->nrecs == 0 && o->similar == NULL) {
		cli_usage_error(USAGE, "nothing to evaluate: give --popular, "
		    "--recs or --similar, or --replay");
	}
}

/*
 * A test period that starts before the training period ends is most
 * often --train and --test swapped: the report is still made (a split
 * may overlap on purpose), with a warning.
 */
static void
warn_periods(const eval_truth *t, const struct opts *o)
{
	if (t->test_first_ms > t->test_last_ms ||
	    t->train_first_ms > t->train_last_ms ||
	    t->test_first_ms >= t->train_last_ms)
		return;
	rs_warnx("warning: the test period (%s, from %lld) is not after the "
	    "training period (%s, until %lld): are --train and --test "
	    "swapped?", o->test, (long long)t->test_first_ms, o->train,
	    (long long)t->train_last_ms);
}

/* Starts a report of the columns cols, "%zu" in a name read as k, or as
 * k2 in the last column. */
static void
table_start(table *tab, const char *const *cols, size_t ncols, size_t k,
    size_t k2)
{
	char names[8][40];
	const char *header[8];
	size_t i;

	for (i = 0; i < ncols && i < 8; i++) {
		snprintf(names[i], sizeof names[i], cols[i],
		    i == ncols - 1 ? k2 : k);
		header[i] = names[i];
	}
	if (table_init(tab, header, ncols, 2) != 0)
		rs_die(EX_SOFTWARE, "out of memory");
}

/* How many items of each list the rows need. */
static size_t
list_k(const struct opts *o)
{
	size_t K = o->k > o->coverage_k ? o->k : o->coverage_k;

	return o->curves != NULL && K < CURVE_K ? CURVE_K : K;
}

static void
curve_init(const struct opts *o, eval_curve *c)
{
	if (eval_curve_init(c, CURVE_K, o->count_dups) != 0)
		rs_die(EX_SOFTWARE, "out of memory");
}

/* Writes the curve of one row (none when it has no user) and frees it. */
static void
curve_rows(const struct opts *o, eval_curve *c, const char *model,
    const char *group)
{
	size_t k;

	for (k = 1; c->users > 0 && k <= CURVE_K; k++)
		fprintf(o->curves_fp, "%s\t%s\t%zu\t%.4f\t%.4f\n", model,
		    group, k, eval_curve_precision_pct(c, k),
		    eval_curve_recall_pct(c, k));
	eval_curve_free(c);
}

/* The seed's table: top popular for everyone and for users with history,
 * then every --recs list for users with history. */
static void
report_metrics(const struct opts *o, const eval_truth *t,
    const items *catalogue, table *tab)
{
	size_t i;

	table_start(tab, metrics_cols, M_NCOLS, o->k, o->coverage_k);
	if (o->popular != NULL)
		eval_popular(o, t, catalogue, tab);
	for (i = 0; i < o->nrecs; i++)
		eval_recs(o, &o->recs[i], t, catalogue, tab);
	if (o->similar != NULL)
		eval_similar(o, t, catalogue, tab);
}

/* Every --replay store, replayed at every test cart. */
static void
report_replay(const struct opts *o, const eval_truth *t,
    const items *catalogue, table *tab)
{
	replay_events ev;
	rs_err e = {0};
	size_t i;

	table_start(tab, replay_cols, R_NCOLS, o->k, o->k);
	if (replay_events_load(&ev, t, o->test, &e) != 0)
		rs_die_err(&e);
	for (i = 0; i < o->nreplay; i++)
		replay_store(o, &o->replay[i], &ev, t, catalogue, tab);
	replay_events_free(&ev);
}

/* One store's rows. */
static void
replay_store(const struct opts *o, const struct named *db, replay_events *ev,
    const eval_truth *t, const items *catalogue, table *tab)
{
	static const char *const why_empty[REPLAY_NGROUPS] = {
		"no addtocart event in the test period",
		"no test user has history in the training events",
		"no cart of a user with a personal list",
		"no cart of a user served from viewed categories only",
		"no cart of a user served the global list only",
		"no cart of an item viewed before it in the test period",
		"no cart of an item not viewed before it in the test period"
	};
	char carts[24], hits[24], hp[32], cp[32];
	const char *cells[R_NCOLS];
	replay_result res;
	rs_err e = {0};
	store st;
	size_t g;

	if (store_open(&st, db->path, STORE_VERIFY, &e) != 0)
		rs_die_err(&e);
	if (o->k > st.list_len)
		rs_die(EX_USAGE, "-n %zu: the store %s holds lists of %zu "
		    "items at most", o->k, db->path, st.list_len);
	if (replay_run(&res, ev, &st, o->k, t, catalogue, &e) != 0)
		rs_die_err(&e);
	if (o->verbose)
		rs_warnx("%s: %zu test views and carts of test users "
		    "replayed", db->path, ev->n);
	for (g = 0; g < REPLAY_NGROUPS; g++) {
		const replay_tally *r = &res.g[g];
		double h, c;

		snprintf(carts, sizeof carts, "%llu",
		    (unsigned long long)r->carts);
		snprintf(hits, sizeof hits, "%llu",
		    (unsigned long long)r->hits);
		if (replay_figures(r, catalogue->n, &h, &c)) {
			fmt_pct(hp, sizeof hp, h);
			fmt_pct(cp, sizeof cp, c);
		} else {
			rs_warnx("%s/%s: no cart to replay (%s)", db->name,
			    replay_group_name[g], why_empty[g]);
			hp[0] = cp[0] = '\0';
		}
		cells[R_MODEL] = db->name;
		cells[R_GROUP] = replay_group_name[g];
		cells[R_CARTS] = carts;
		cells[R_HITS] = hits;
		cells[R_HIT] = hp;
		cells[R_COVERAGE] = cp;
		if (table_add(tab, cells) != 0)
			rs_die(EX_SOFTWARE, "out of memory");
	}
	replay_result_free(&res);
	store_close(&st);
}

/* Formats a percentage with the report's fixed precision. */
static void
fmt_pct(char *buf, size_t sz, double pct)
{
	snprintf(buf, sz, "%.4f", pct);
}

/*
 * Adds one report row.  An empty group has no figures: its row keeps the
 * user count 0 with empty fields ("-" in the table) and a warning says
 * why, so no NaN ever reaches a report.
 */
static void
add_row(table *tab, const char *model, const char *group,
    const eval_acc *acc, const items *catalogue, const char *why_empty)
{
	char users[24], p[32], r[32], c[32];
	const char *cells[M_NCOLS];
	eval_row row;

	snprintf(users, sizeof users, "%llu",
	    (unsigned long long)acc->users);
	if (eval_acc_row(acc, catalogue->n, &row)) {
		fmt_pct(p, sizeof p, row.precision_pct);
		fmt_pct(r, sizeof r, row.recall_pct);
		fmt_pct(c, sizeof c, row.coverage_pct);
		if (row.outside > 0)
			rs_warnx("%s/%s: items recommended but not in the "
			    "catalogue snapshot: %llu (not counted in "
			    "coverage)", model, group,
			    (unsigned long long)row.outside);
	} else {
		rs_warnx("%s/%s: no user to evaluate (%s)", model, group,
		    why_empty);
		p[0] = r[0] = c[0] = '\0';
	}
	cells[M_MODEL] = model;
	cells[M_GROUP] = group;
	cells[M_USERS] = users;
	cells[M_PRECISION] = p;
	cells[M_RECALL] = r;
	cells[M_COVERAGE] = c;
	if (table_add(tab, cells) != 0)
		rs_die(EX_SOFTWARE, "out of memory");
}

/* The global popular list given to every test user, then to those with
 * history. */
static void
eval_popular(const struct opts *o, const eval_truth *t,
    const items *catalogue, table *tab)
{
	size_t K = list_k(o);
	eval_acc all, hist;
	eval_curve call, chist;
	popular_tsv pop;
	const uint64_t *list;
	size_t n, u;
	rs_err e = {0};

	if (popular_tsv_load(&pop, o->popular, &e) != 0)
		rs_die_err(&e);
	list = pop.item;
	n = pop.n < K ? pop.n : K;
	if (n == 0)
		rs_warnx("%s: the popular list is empty", o->popular);
	if (eval_acc_init(&all, o->k, o->coverage_k, o->count_dups) != 0 ||
	    eval_acc_init(&hist, o->k, o->coverage_k, o->count_dups) != 0)
		rs_die(EX_SOFTWARE, "out of memory");
	if (o->curves_fp != NULL) {
		curve_init(o, &call);
		curve_init(o, &chist);
	}
	for (u = 0; n > 0 && u < t->nusers; u++) {
		if (eval_acc_add(&all, t, u, list, n, catalogue) != 0 ||
		    (t->history[u] &&
		    eval_acc_add(&hist, t, u, list, n, catalogue) != 0))
			rs_die(EX_SOFTWARE, "out of memory");
		if (o->curves_fp != NULL) {
			eval_curve_add(&call, t, u, list, n);
			if (t->history[u])
				eval_curve_add(&chist, t, u, list, n);
		}
	}
	if (o->curves_fp != NULL) {
		curve_rows(o, &call, "top_popular", "all_test_users");
		curve_rows(o, &chist, "top_popular", "with_history");
	}
	add_row(tab, "top_popular", "all_test_users", &all, catalogue,
	    n == 0 ? "the popular list is empty" : "no test user");
	add_row(tab, "top_popular", "with_history", &hist, catalogue,
	    n == 0 ? "the popular list is empty" :
	    "no test user has history in the training events");
	eval_acc_free(&all);
	eval_acc_free(&hist);
	popular_tsv_free(&pop);
}

/* One per-user list file, for the test users with history. */
static void
eval_recs(const struct opts *o, const struct named *ra,
    const eval_truth *t, const items *catalogue, table *tab)
{
	size_t K = list_k(o);
	eval_lists l;
	rs_err e = {0};

	if (eval_lists_read(&l, t, ra->path, K, 1, &e) != 0)
		rs_die_err(&e);
	if (o->verbose)
		rs_warnx("%s: %llu rows, %llu of %zu test users with history "
		    "have a list", ra->path, (unsigned long long)l.rows,
		    (unsigned long long)l.users_listed, t->nhistory);
	score_lists(o, ra->name, &l, t, catalogue, tab, "no test user with "
	    "history has recommendations in the file");
	eval_lists_free(&l);
}

/* The item_sim row: each test user's training items' neighbours. */
static void
eval_similar(const struct opts *o, const eval_truth *t,
    const items *catalogue, table *tab)
{
	size_t K = list_k(o);
	char spec[256];
	ev_weights w;
	itemsim_file f;
	eval_lists l;
	rs_err e = {0};

	if (itemsim_open(&f, o->similar, &e) != 0)
		rs_die_err(&e);
	if (container_param(&f.c, "weights", spec, sizeof spec) != 0 ||
	    weights_parse(spec, &w, &e) != 0)
		rs_die(EX_DATAERR, "%s: no valid weights parameter",
		    o->similar);
	if (eval_lists_similar(&l, t, o->train, &f.l, &w, K, &e) != 0)
		rs_die_err(&e);
	if (o->verbose)
		rs_warnx("%s: %llu of %zu test users with history have "
		    "neighbours", o->similar,
		    (unsigned long long)l.users_listed, t->nhistory);
	score_lists(o, "item_sim", &l, t, catalogue, tab, "no test user's "
	    "training items have neighbours");
	eval_lists_free(&l);
	itemsim_close(&f);
}

/* The row of lists l (K = the larger of -k and --coverage-k per user). */
static void
score_lists(const struct opts *o, const char *name, const eval_lists *l,
    const eval_truth *t, const items *catalogue, table *tab,
    const char *why_none)
{
	eval_acc acc;
	eval_curve cur;
	size_t u;

	if (eval_acc_init(&acc, o->k, o->coverage_k, o->count_dups) != 0)
		rs_die(EX_SOFTWARE, "out of memory");
	if (o->curves_fp != NULL)
		curve_init(o, &cur);
	for (u = 0; u < t->nusers; u++) {
		if (l->len[u] == 0)
			continue;
		if (eval_acc_add(&acc, t, u, l->item + u * l->K, l->len[u],
		    catalogue) != 0)
			rs_die(EX_SOFTWARE, "out of memory");
		if (o->curves_fp != NULL)
			eval_curve_add(&cur, t, u, l->item + u * l->K,
			    l->len[u]);
	}
	if (o->curves_fp != NULL)
		curve_rows(o, &cur, name, "with_history");
	add_row(tab, name, "with_history", &acc, catalogue,
	    t->nhistory == 0 ? "no test user has history in the training "
	    "events" : why_none);
	eval_acc_free(&acc);
}
