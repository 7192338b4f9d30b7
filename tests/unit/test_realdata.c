/*
 * test_realdata.c: the real Retailrocket slice read through csv_reader and
 * ev_parse, plain and gzip-compressed, with the figures its SOURCE.md
 * records.  The data lives in $RS_REAL_DATA, by default
 * ../shared/data/retailrocket relative to the repository top (where
 * scripts/run-tests.sh runs the tests); without it the test says "skipped"
 * and passes.
 */
#include <stdint.h>

#include "csv_diff.h"
#include "csv_reader.h"
#include "events.h"
#include "idmap.h"
#include "num.h"
#include "t.h"
#include "tutil.h"

struct tally {
	uint64_t rows, type[EV_NTYPES], bad;
	size_t users, items;
	int64_t ts_min, ts_max;
	uint64_t user_min, user_max, item_min, item_max, txn_min, txn_max;
};

/* Reads an events CSV through csv_reader + ev_parse into t. */
static int
tally_events(const char *path, struct tally *t, rs_err *e)
{
	csv_reader *c = csv_reader_open(path, e);
	idmap users, items;
	char **f;
	event ev;
	int rc;

	memset(t, 0, sizeof *t);
	t->ts_min = INT64_MAX;
	t->user_min = t->item_min = t->txn_min = UINT64_MAX;
	if (c == NULL)
		return e->code;
	if ((rc = csv_reader_header(c, ev_csv_cols, 5, e)) != 0) {
		csv_reader_close(c);
		return rc;
	}
	idmap_init(&users, 0);
	idmap_init(&items, 0);
	while ((rc = csv_reader_next(c, &f, e)) == 1) {
		if (ev_parse(f, ev_csv_cols, csv_reader_name(c), csv_reader_lineno(c), &ev,
		    e) != 0) {
			fprintf(stderr, "%s\n", e->msg);
			t->bad++;
			continue;
		}
		t->rows++;
		t->type[ev.type]++;
		idmap_put(&users, ev.user, NULL);
		idmap_put(&items, ev.item, NULL);
#define MINMAX(lo, hi, v) do { if ((v) < (lo)) (lo) = (v); \
		if ((v) > (hi)) (hi) = (v); } while (0)
		MINMAX(t->ts_min, t->ts_max, ev.ts_ms);
		MINMAX(t->user_min, t->user_max, ev.user);
		MINMAX(t->item_min, t->item_max, ev.item);
		if (ev.has_txn)
			MINMAX(t->txn_min, t->txn_max, ev.txn);
	}
	t->users = users.len;
	t->items = items.len;
	idmap_free(&users);
	idmap_free(&items);
	csv_reader_close(c);
	return rc;
}

static void
check_tally(const struct tally *t)
{
	char lo[32], hi[32];

	CHECK(t->bad == 0);
	CHECK(t->rows == 9385);
	CHECK(t->type[EV_VIEW] == 9076);
	CHECK(t->type[EV_ADDTOCART] == 263);
	CHECK(t->type[EV_TRANSACTION] == 46);
	CHECK(t->users == 5000);
	CHECK(t->items == 6610);
	CHECK(t->user_min == 340 && t->user_max == 1407175);
	CHECK(t->item_min == 6 && t->item_max == 466772);
	CHECK(t->txn_min == 259 && t->txn_max == 16995);
	/* "from 2015-05-03 03:02 to 2015-09-18 01:16 UTC" */
	num_fmt_time_ms(t->ts_min, lo, sizeof lo);
	num_fmt_time_ms(t->ts_max, hi, sizeof hi);
	CHECK(strncmp(lo, "2015-05-03T03:02", 16) == 0);
	CHECK(strncmp(hi, "2015-09-18T01:16", 16) == 0);
	printf("events: %llu rows (%llu view, %llu addtocart, %llu "
	    "transaction), %zu visitors, %zu items, %s .. %s\n",
	    (unsigned long long)t->rows,
	    (unsigned long long)t->type[EV_VIEW],
	    (unsigned long long)t->type[EV_ADDTOCART],
	    (unsigned long long)t->type[EV_TRANSACTION], t->users, t->items,
	    lo, hi);
}

int
main(void)
{
	static const char *const tree_cols[] = {"categoryid", "parentid"};
	const char *dir = getenv("RS_REAL_DATA");
	char evpath[1024], treepath[1024];
	struct tally t;
	rs_err e = {0};
	csv_reader *c;
	char **f;
	int rc;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/data/retailrocket";
	snprintf(evpath, sizeof evpath, "%s/events_sample_5000_visitors.csv",
	    dir);
	snprintf(treepath, sizeof treepath, "%s/category_tree.csv", dir);
	if (access(evpath, R_OK) != 0) {
		printf("skipped: real Retailrocket slice not present (%s)\n",
		    evpath);
		return t_done();
	}

	/* events_sample_5000_visitors.csv, as it is. */
	CHECK(tally_events(evpath, &t, &e) == 0);
	check_tally(&t);

	/* csv_reader's fast path and libcsv read the slice alike: every
	 * record, field and line number; the fast path leaves no record of
	 * it to libcsv (none is quoted), which reads only the header. */
	{
		uint64_t recs, slow;
		const char *d = csv_diff(evpath, ev_csv_cols, 5, &recs, &slow);

		CHECK_STR(d != NULL ? d : "same", "same");
		CHECK(recs == 9385 && slow == 0);
		d = csv_diff(treepath, tree_cols, 2, &recs, &slow);
		CHECK_STR(d != NULL ? d : "same", "same");
		CHECK(recs == 1669 && slow == 0);
	}

	/* The same bytes gzip-compressed and with CRLF line ends: the same
	 * figures. */
	{
		size_t len, zlen, i, j;
		char *raw = t_slurp(evpath, &len), *crlf;
		unsigned char *z;

		CHECK(raw != NULL);
		crlf = malloc(2 * len + 1);
		for (i = j = 0; i < len; i++) {
			if (raw[i] == '\n')
				crlf[j++] = '\r';
			crlf[j++] = raw[i];
		}
		z = t_gzip(crlf, j, &zlen);
		CHECK(tally_events(t_file("events-crlf.csv.gz", z, zlen), &t,
		    &e) == 0);
		check_tally(&t);
		free(raw);
		free(crlf);
		free(z);
	}

	/* category_tree.csv: 1669 categories, 25 roots (empty parent). */
	c = csv_reader_open(treepath, &e);
	CHECK(c != NULL);
	if (c != NULL) {
		uint64_t rows = 0, roots = 0, bad = 0, id, parent;
		idmap ids;

		idmap_init(&ids, 0);
		CHECK(csv_reader_header(c, tree_cols, 2, &e) == 0);
		while ((rc = csv_reader_next(c, &f, &e)) == 1) {
			rows++;
			if (num_u64(f[0], &id) != NULL)
				bad++;
			else
				idmap_put(&ids, id, NULL);
			if (f[1][0] == '\0')
				roots++;
			else if (num_u64(f[1], &parent) != NULL)
				bad++;
		}
		CHECK(rc == 0);
		CHECK(rows == 1669);
		CHECK(roots == 25);
		CHECK(bad == 0);
		CHECK(ids.len == 1669);        /* category ids are unique */
		printf("category_tree: %llu rows, %llu roots\n",
		    (unsigned long long)rows, (unsigned long long)roots);
		idmap_free(&ids);
		csv_reader_close(c);
	}
	return t_done();
}
