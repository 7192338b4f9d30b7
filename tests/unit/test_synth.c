/*
 * test_synth.c: the generator's contract, read back through the same
 * readers the other programs use (csv_reader + ev_parse): the files parse, have
 * the promised size, are deterministic, and carry the planted taste (the
 * test carts of returning visitors fall on the items and categories of
 * their own history far more often than on another visitor's, the more so
 * for the categories they carted in, and a recommender of the visitor's
 * own history beats popularity).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_reader.h"
#include "events.h"
#include "num.h"
#include "synth.h"
#include "t.h"

#define NEVENTS 200000

typedef struct pair {
	uint64_t a, b;
} pair;

static int
pair_cmp(const void *x, const void *y)
{
	const pair *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return 0;
}

static int
has_pair(const pair *v, size_t n, uint64_t a, uint64_t b)
{
	pair k = {a, b};

	return bsearch(&k, v, n, sizeof *v, pair_cmp) != NULL;
}

static int
has_user(const pair *v, size_t n, uint64_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].a < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].a == a;
}

static char *
file_in(const char *dir, const char *name)
{
	static char path[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
	return path[k];
}

static int
same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa != NULL && fb != NULL, ca, cb;

	while (same) {
		ca = getc(fa);
		cb = getc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF)
			break;
	}
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	return same;
}

static void
rm_dir(const char *dir)
{
	int f;

	for (f = 0; f < SYNTH_NFILES; f++)
		unlink(file_in(dir, synth_file_names[f]));
	rmdir(dir);
}

/* Item -> category from the categoryid rows of both property files. */
static uint64_t *
load_categories(const char *dir, uint64_t nitems)
{
	static const char *const cols[4] = {
		"timestamp", "itemid", "property", "value"
	};
	uint64_t *cat = malloc(nitems * sizeof *cat);
	int part, bad = 0;

	for (uint64_t i = 0; i < nitems; i++)
		cat[i] = UINT64_MAX;
	for (part = 1; part <= 2; part++) {
		rs_err e = {0};
		char **f;
		csv_reader *c = csv_reader_open(file_in(dir, part == 1 ?
		    "item_properties_part1.csv" : "item_properties_part2.csv"),
		    &e);
		int rc;

		CHECK(c != NULL);
		if (c == NULL)
			continue;
		CHECK(csv_reader_header(c, cols, 4, &e) == 0);
		while ((rc = csv_reader_next(c, &f, &e)) == 1) {
			uint64_t item, v;

			if (num_u64(f[1], &item) != NULL || item >= nitems)
				bad = 1;
			else if (strcmp(f[2], "categoryid") == 0 &&
			    num_u64(f[3], &v) == NULL && item < nitems)
				cat[item] = v;
		}
		CHECK(rc == 0);
		csv_reader_close(c);
	}
	CHECK(!bad);
	return cat;
}

static void
test_taste(const char *dir, const synth_stats *st)
{
	rs_err e = {0};
	csv_reader *c = csv_reader_open(file_in(dir, "events.csv"), &e);
	int64_t cutoff, last_ts = 0;
	pair *train_items = NULL, *train_cats = NULL, *test_carts = NULL;
	pair *cart_cats = NULL;
	size_t ntr = 0, ntc = 0, ncc = 0, cap = 0, tcap = 0, ccap = 0, i;
	uint64_t n = 0, ntypes[EV_NTYPES] = {0}, *cat, *cart_count;
	int sorted = 1, in_span = 1, rc;
	char **f;

	CHECK(num_time_ms("2015-09-01", &cutoff) == NULL);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK(csv_reader_header(c, ev_csv_cols, 5, &e) == 0);
	cat = load_categories(dir, st->item_ids);
	cart_count = calloc(st->item_ids, sizeof *cart_count);
	while ((rc = csv_reader_next(c, &f, &e)) == 1) {
		event ev;

		if (ev_parse(f, ev_csv_cols, csv_reader_name(c), csv_reader_lineno(c),
		    &ev, &e) != 0) {
			CHECK_STR(e.msg, "");
			break;
		}
		n++;
		ntypes[ev.type]++;
		sorted &= ev.ts_ms >= last_ts;
		last_ts = ev.ts_ms;
		in_span &= ev.ts_ms >= SYNTH_EVENTS_FROM_MS &&
		    ev.ts_ms < SYNTH_EVENTS_UNTIL_MS;
		if (ev.item >= st->item_ids || ev.user >= st->visitors) {
			CHECK(ev.item < st->item_ids && ev.user < st->visitors);
			break;
		}
		if (ev.ts_ms < cutoff && ev.type != EV_TRANSACTION) {
			if (ntr + 1 > cap) {
				cap = cap ? 2 * cap : 4096;
				train_items = realloc(train_items,
				    cap * sizeof *train_items);
				train_cats = realloc(train_cats,
				    cap * sizeof *train_cats);
			}
			train_items[ntr].a = ev.user;
			train_items[ntr].b = ev.item;
			train_cats[ntr].a = ev.user;
			train_cats[ntr].b = cat[ev.item];
			ntr++;
			if (ev.type == EV_ADDTOCART) {
				cart_count[ev.item]++;
				if (ncc + 1 > ccap) {
					ccap = ccap ? 2 * ccap : 1024;
					cart_cats = realloc(cart_cats,
					    ccap * sizeof *cart_cats);
				}
				cart_cats[ncc].a = ev.user;
				cart_cats[ncc].b = cat[ev.item];
				ncc++;
			}
		} else if (ev.ts_ms >= cutoff && ev.type == EV_ADDTOCART) {
			if (ntc + 1 > tcap) {
				tcap = tcap ? 2 * tcap : 1024;
				test_carts = realloc(test_carts,
				    tcap * sizeof *test_carts);
			}
			test_carts[ntc].a = ev.user;
			test_carts[ntc].b = ev.item;
			ntc++;
		}
	}
	CHECK(rc == 0);
	csv_reader_close(c);
	CHECK(n == NEVENTS);
	CHECK(sorted);
	CHECK(in_span);
	for (i = 0; i < EV_NTYPES; i++)
		CHECK(ntypes[i] == st->events[i]);

	qsort(train_items, ntr, sizeof *train_items, pair_cmp);
	qsort(train_cats, ntr, sizeof *train_cats, pair_cmp);
	qsort(test_carts, ntc, sizeof *test_carts, pair_cmp);
	qsort(cart_cats, ncc, sizeof *cart_cats, pair_cmp);
	{
		/*
		 * Returning carters: test carts of users with a train
		 * history.  Each is scored against its own history and
		 * against the history of the next returning user (a
		 * stranger), which is what chance looks like.
		 */
		uint64_t *users = malloc((ntc + 1) * sizeof *users);
		size_t nu = 0, k, ncarts = 0;
		size_t own_item = 0, own_cat = 0, other_item = 0,
		    other_cat = 0, own_ccat = 0, other_ccat = 0;
		uint64_t top[5] = {0};
		double p_pop = 0, p_hist = 0;

		for (i = 0; i < ntc; i++)
			if (has_user(train_items, ntr, test_carts[i].a) &&
			    (nu == 0 || users[nu - 1] != test_carts[i].a))
				users[nu++] = test_carts[i].a;
		/* The five most carted items of the train period. */
		for (k = 0; k < 5; k++) {
			int found = 0;

			for (i = 0; i < st->item_ids; i++) {
				size_t j;

				for (j = 0; j < k && top[j] != i; j++)
					;
				if (j == k && (!found ||
				    cart_count[i] > cart_count[top[k]])) {
					top[k] = i;
					found = 1;
				}
			}
		}
		for (k = 0; k < nu; k++) {
			uint64_t u = users[k], o = users[(k + 1) % nu];
			size_t hits_pop = 0, hits_hist = 0;

			for (i = 0; i < ntc; i++) {
				uint64_t it = test_carts[i].b;
				size_t j;

				if (test_carts[i].a != u)
					continue;
				ncarts++;
				own_item += has_pair(train_items, ntr, u, it);
				other_item += has_pair(train_items, ntr, o, it);
				own_cat += has_pair(train_cats, ntr, u,
				    cat[it]);
				other_cat += has_pair(train_cats, ntr, o,
				    cat[it]);
				own_ccat += has_pair(cart_cats, ncc, u, cat[it]);
				other_ccat += has_pair(cart_cats, ncc, o,
				    cat[it]);
				for (j = 0; j < 5; j++)
					hits_pop += top[j] == it;
				hits_hist += has_pair(train_items, ntr, u, it);
			}
			p_pop += (double)(hits_pop > 5 ? 5 : hits_pop) / 5;
			p_hist += (double)(hits_hist > 5 ? 5 : hits_hist) / 5;
		}
		fprintf(stderr, "test_synth: %zu returning carters, %zu "
		    "carts: own items %zu / stranger's %zu, own categories "
		    "%zu / stranger's %zu, own cart categories %zu / "
		    "stranger's %zu; hits of top-5 popular %.3f, of "
		    "own history %.3f per user\n", nu, ncarts, own_item,
		    other_item, own_cat, other_cat, own_ccat, other_ccat,
		    p_pop / (double)nu,
		    p_hist / (double)nu);
		CHECK(nu >= 30);
		/* The planted structure, far above chance. */
		CHECK(own_item * 10 >= ncarts);
		CHECK(own_item >= 4 * other_item + 5);
		CHECK(own_cat * 3 >= ncarts);
		CHECK(own_cat >= 2 * other_cat);
		/*
		 * Buying is narrower than browsing: the categories a visitor
		 * carted in lift the next carts above a stranger's more than
		 * all the categories seen do (what makes weighting carts
		 * above views pay).
		 */
		CHECK(own_ccat >= 2 * other_ccat + 5);
		CHECK(own_ccat * other_cat > own_cat * other_ccat);
		/* History beats popularity for users with history. */
		CHECK(p_hist >= 2 * p_pop);
		free(users);
	}
	free(train_items);
	free(train_cats);
	free(test_carts);
	free(cart_cats);
	free(cat);
	free(cart_count);
}

/* Collects report lines, one per '\n'. */
static char report[2048];

static void
collect(void *arg, const char *line)
{
	size_t n = strlen(report);

	(void)arg;
	snprintf(report + n, sizeof report - n, "%s\n", line);
}

static void
report_lines(void)
{
	synth_opts o;
	synth_stats st;

	synth_opts_init(&o);
	o.seed = 9;
	o.events = 1000;
	o.all_props = 0;
	memset(&st, 0, sizeof st);
	st.visitors = 5;
	st.transactions = 2;
	st.items_in_catalogue = 7;
	st.item_ids = 8;
	st.event_items_without_props = 1;
	st.rows[SYNTH_EVENTS] = 1000;
	st.bytes[SYNTH_EVENTS] = 2000000;
	st.bytes[SYNTH_PROPS1] = 1000000;
	st.bytes[SYNTH_PROPS2] = 1000000;
	report[0] = '\0';
	synth_report_start(&o, collect, NULL);
	synth_report_done(&st, "d", 2.0, collect, NULL);
	CHECK_STR(report, "seed 9, 1000 events, categoryid and available "
	    "only\n"
	    "d/events.csv: 1000 rows, 2000000 bytes\n"
	    "d/item_properties_part1.csv: 0 rows, 1000000 bytes\n"
	    "d/item_properties_part2.csv: 0 rows, 1000000 bytes\n"
	    "d/category_tree.csv: 0 rows, 0 bytes\n"
	    "5 visitors, 2 transactions, 7 of 8 items in the catalogue, 1 "
	    "event items without properties\n"
	    "2.0 s, 4 MB, 2 MB/s\n");
}

int
main(void)
{
	char d1[] = "/tmp/test_synth.XXXXXX", d2[] = "/tmp/test_synth.XXXXXX";
	synth_opts o;
	synth_stats st, st2;
	rs_err e = {0};
	int f;

	CHECK(mkdtemp(d1) != NULL);
	CHECK(mkdtemp(d2) != NULL);
	synth_opts_init(&o);
	CHECK(o.events == SYNTH_DEFAULT_EVENTS && o.all_props == 1);
	o.seed = 11;
	o.events = NEVENTS;
	o.all_props = 0;
	CHECK(synth_write(&o, d1, &st, &e) == 0);
	CHECK_STR(e.msg, "");
	CHECK(st.events[EV_VIEW] + st.events[EV_ADDTOCART] +
	    st.events[EV_TRANSACTION] == NEVENTS);
	CHECK(st.rows[SYNTH_EVENTS] == NEVENTS);
	CHECK(st.rows[SYNTH_TREE] == 1669 && st.categories == 1669);
	test_taste(d1, &st);

	/* Same options, same bytes. */
	CHECK(synth_write(&o, d2, &st2, &e) == 0);
	for (f = 0; f < SYNTH_NFILES; f++)
		CHECK(same_file(file_in(d1, synth_file_names[f]),
		    file_in(d2, synth_file_names[f])));
	/* Another seed, other bytes. */
	o.seed = 12;
	o.events = 1000;
	CHECK(synth_write(&o, d2, &st2, &e) == 0);
	CHECK(!same_file(file_in(d1, "events.csv"),
	    file_in(d2, "events.csv")));
	CHECK(st2.rows[SYNTH_EVENTS] == 1000);

	/* Errors: out-of-range options; a directory that is not there. */
	o.events = 0;
	CHECK(synth_write(&o, d2, NULL, &e) == EX_USAGE);
	CHECK_HAS(e.msg, "out of range");
	o.events = 10;
	CHECK(synth_write(&o, "/nonexistent/dir", NULL, &e) == EX_CANTCREAT);
	CHECK_HAS(e.msg, "/nonexistent/dir/");
	CHECK(access("/nonexistent/dir", F_OK) != 0);

	rm_dir(d1);
	rm_dir(d2);
	report_lines();
	return t_done();
}
