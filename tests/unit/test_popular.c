/* test_popular.c: counting, weighting, distinct users, --since, order. */
#include <stdint.h>
#include <stdlib.h>

#include "popular.h"
#include "t.h"

static const event evs[] = {
	/* ts, user, item, txn, type, has_txn */
	{100, 1, 50, 0, EV_ADDTOCART, 0},
	{101, 1, 50, 0, EV_ADDTOCART, 0},    /* same user again */
	{102, 2, 50, 0, EV_ADDTOCART, 0},
	{103, 3, 40, 0, EV_ADDTOCART, 0},
	{104, 4, 40, 0, EV_ADDTOCART, 0},
	{105, 4, 40, 0, EV_VIEW, 0},
	{106, 5, 60, 0, EV_ADDTOCART, 0},
	{107, 5, 70, 0, EV_VIEW, 0},
	{108, 5, 60, 9, EV_TRANSACTION, 1},
};
#define NEVS (sizeof evs / sizeof evs[0])

/* Ranks evs with the given settings into *list. */
static size_t
rank(const char *spec, int distinct, int64_t since, popular_entry **list)
{
	ev_weights w;
	popular_counter p;
	rs_err e = {0};
	size_t k, n = 0;

	CHECK(weights_parse(spec, &w, &e) == 0);
	CHECK(popular_init(&p, &w, distinct, since, &e) == 0);
	for (k = 0; k < NEVS; k++)
		CHECK(popular_add(&p, &evs[k], &e) == 0);
	CHECK(popular_rank(&p, list, &n, &e) == 0);
	popular_free(&p);
	return n;
}

int
main(void)
{
	popular_entry *v;
	size_t n;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	/* Cart rows: 50 has 3, 40 has 2, 60 has 1. */
	n = rank("addtocart=1", 0, INT64_MIN, &v);
	CHECK(n == 3);
	CHECK(v[0].item == 50 && v[0].count == 3);
	CHECK(v[1].item == 40 && v[1].count == 2);
	CHECK(v[2].item == 60 && v[2].count == 1);
	free(v);

	/* Distinct users: 50 and 40 tie at 2, the smaller id first. */
	n = rank("addtocart=1", 1, INT64_MIN, &v);
	CHECK(n == 3);
	CHECK(v[0].item == 40 && v[0].count == 2);
	CHECK(v[1].item == 50 && v[1].count == 2);
	CHECK(v[2].item == 60 && v[2].count == 1);
	free(v);

	/* Weighted: 40 = 2 + 0.5; 60 = 1 + 2; 70 = 0.5; 50 = 3. */
	n = rank("view=0.5,addtocart=1,transaction=2", 0, INT64_MIN, &v);
	CHECK(n == 4);
	CHECK(v[0].item == 50 && v[0].count == 3);
	CHECK(v[1].item == 60 && v[1].count == 3);
	CHECK(v[2].item == 40 && v[2].count == 2.5);
	CHECK(v[3].item == 70 && v[3].count == 0.5);

	/* The TSV: category from the snapshot, empty when unknown. */
	{
		items it = {0};

		CHECK(idmap_init(&it.map, 4) == 0);
		it.n = 1;
		it.item = (uint64_t[]){60};
		it.category = (uint64_t[]){1234};
		CHECK(idmap_put(&it.map, 60, NULL) == 0);
		CHECK((fp = open_memstream(&buf, &len)) != NULL);
		popular_tsv_write(fp, v, n, 0, &it);
		fclose(fp);
		CHECK_STR(buf, "item\tcategory\tcount\tscore\n"
		    "50\t\t3\t1.000000\n"
		    "60\t1234\t3\t1.000000\n"
		    "40\t\t2.5\t0.833333\n"
		    "70\t\t0.5\t0.166667\n");
		free(buf);
		CHECK((fp = open_memstream(&buf, &len)) != NULL);
		popular_tsv_write(fp, v, n, 2, &it);
		fclose(fp);
		CHECK_STR(buf, "item\tcategory\tcount\tscore\n"
		    "50\t\t3\t1.000000\n"
		    "60\t1234\t3\t1.000000\n");
		free(buf);
		idmap_free(&it.map);
	}
	free(v);

	/* Since 104 (inclusive): carts of 40 (user 4) and 60. */
	n = rank("addtocart=1", 0, 104, &v);
	CHECK(n == 2);
	CHECK(v[0].item == 40 && v[0].count == 1);
	CHECK(v[1].item == 60 && v[1].count == 1);
	free(v);

	/* Nothing counted: an empty list, and a header-only TSV. */
	n = rank("addtocart=1", 1, 1000, &v);
	CHECK(n == 0);
	CHECK((fp = open_memstream(&buf, &len)) != NULL);
	popular_tsv_write(fp, v, n, 0, NULL);
	fclose(fp);
	CHECK_STR(buf, "item\tcategory\tcount\tscore\n");
	free(buf);
	free(v);
	return t_done();
}
