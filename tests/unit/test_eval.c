/* test_eval.c: the metrics of common/eval.c and the table of table.c on
 * cases small enough to compute by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "table.h"
#include "t.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-12)

/* Carts: user 1 carts 10 twice and 13; user 2 carts 99; user 3 carts 11.
 * History: users 1 and 2 (user 5 is no test user). */
static void
build(eval_truth *t)
{
	CHECK(eval_truth_init(t) == 0);
	CHECK(eval_truth_add_cart(t, 3, 11) == 0);
	CHECK(eval_truth_add_cart(t, 1, 10) == 0);
	CHECK(eval_truth_add_cart(t, 2, 99) == 0);
	CHECK(eval_truth_add_cart(t, 1, 13) == 0);
	CHECK(eval_truth_add_cart(t, 1, 10) == 0);
	CHECK(eval_truth_finish(t) == 0);
	eval_truth_mark_history(t, 1);
	eval_truth_mark_history(t, 2);
	eval_truth_mark_history(t, 2);
	eval_truth_mark_history(t, 5);
}

static void
test_truth(void)
{
	eval_truth t;

	build(&t);
	CHECK(t.nusers == 3);
	CHECK(t.ncarts == 5);
	CHECK(t.nhistory == 2);
	CHECK(t.user[0] == 1 && t.user[1] == 2 && t.user[2] == 3);
	CHECK(t.off[0] == 0 && t.off[1] == 2 && t.off[2] == 3 &&
	    t.off[3] == 4);
	CHECK(t.item[0] == 10 && t.rows[0] == 2);
	CHECK(t.item[1] == 13 && t.rows[1] == 1);
	CHECK(t.history[0] == 1 && t.history[1] == 1 && t.history[2] == 0);
	CHECK(eval_truth_find(&t, 3) == 2);
	CHECK(eval_truth_find(&t, 5) == -1);
	eval_truth_free(&t);

	/* No carts at all: an empty but usable truth. */
	CHECK(eval_truth_init(&t) == 0);
	CHECK(eval_truth_finish(&t) == 0);
	CHECK(t.nusers == 0 && eval_truth_find(&t, 1) == -1);
	eval_truth_mark_history(&t, 1);
	CHECK(t.nhistory == 0);
	eval_truth_free(&t);
}

/* The worked example of rec-eval(1): list 10 11 12 14 15 at k = 5 for a
 * user who carted 10 twice and 13 once. */
static void
test_match(void)
{
	eval_truth t;
	eval_hits h;
	const uint64_t list[5] = {10, 11, 12, 14, 15};
	const uint64_t both[2] = {13, 10};

	build(&t);
	eval_match(&t, 0, list, 5, &h);
	CHECK(h.listed == 5 && h.distinct == 1 && h.rows == 2);
	CHECK(h.relevant == 2 && h.relevant_rows == 3);
	CHECK(NEAR(eval_precision(&h, 0), 1.0 / 5));
	CHECK(NEAR(eval_recall(&h, 0), 1.0 / 2));
	CHECK(NEAR(eval_precision(&h, 1), 2.0 / 6));
	CHECK(NEAR(eval_recall(&h, 1), 2.0 / 3));

	eval_match(&t, 0, both, 2, &h);
	CHECK(NEAR(eval_precision(&h, 0), 1.0));
	CHECK(NEAR(eval_recall(&h, 0), 1.0));
	/* tp 3 over 2 listed + 1 extra match: still every row a hit. */
	CHECK(NEAR(eval_precision(&h, 1), 1.0));
	CHECK(NEAR(eval_recall(&h, 1), 1.0));

	eval_match(&t, 1, list, 5, &h);
	CHECK(h.distinct == 0 && h.rows == 0);
	CHECK(eval_precision(&h, 1) == 0 && eval_recall(&h, 1) == 0);
	eval_truth_free(&t);
}

static void
test_acc(void)
{
	eval_truth t;
	eval_acc a;
	eval_row r;
	items cat;
	const uint64_t pop[3] = {10, 11, 99};
	uint64_t ids[4] = {10, 11, 12, 13};
	size_t u;

	build(&t);
	memset(&cat, 0, sizeof cat);
	cat.n = 4;
	cat.item = ids;
	CHECK(idmap_init(&cat.map, 4) == 0);
	for (u = 0; u < 4; u++)
		CHECK(idmap_put(&cat.map, ids[u], NULL) == (int64_t)u);

	/* Empty group: no figures, never a division by zero. */
	CHECK(eval_acc_init(&a, 2, 3, 0) == 0);
	CHECK(eval_acc_row(&a, cat.n, &r) == 0);
	CHECK(r.users == 0 && r.precision_pct == 0 && r.coverage_pct == 0);

	/* k = 2 over 10 11; coverage over 10 11 99 (99 not in catalogue). */
	for (u = 0; u < t.nusers; u++)
		CHECK(eval_acc_add(&a, &t, u, pop, 3, &cat) == 0);
	CHECK(eval_acc_row(&a, cat.n, &r) == 1);
	CHECK(r.users == 3);
	/* precisions 1/2, 0, 1/2; recalls 1/2, 0, 1 */
	CHECK(NEAR(r.precision_pct, 100.0 / 3));
	CHECK(NEAR(r.recall_pct, 50.0));
	CHECK(NEAR(r.coverage_pct, 50.0));
	CHECK(r.outside == 1);
	eval_acc_free(&a);

	/* The same with every cart row: user 1 precision 2/3, recall 2/3. */
	CHECK(eval_acc_init(&a, 2, 3, 1) == 0);
	for (u = 0; u < t.nusers; u++)
		CHECK(eval_acc_add(&a, &t, u, pop, 3, &cat) == 0);
	CHECK(eval_acc_row(&a, cat.n, &r) == 1);
	CHECK(NEAR(r.precision_pct, 100.0 * (2.0 / 3 + 0.5) / 3));
	CHECK(NEAR(r.recall_pct, 100.0 * (2.0 / 3 + 1) / 3));
	eval_acc_free(&a);

	/* A list shorter than k: precision over the items listed. */
	CHECK(eval_acc_init(&a, 5, 5, 0) == 0);
	CHECK(eval_acc_add(&a, &t, 2, pop + 1, 1, &cat) == 0);
	CHECK(eval_acc_row(&a, cat.n, &r) == 1);
	CHECK(NEAR(r.precision_pct, 100.0) && NEAR(r.recall_pct, 100.0));
	CHECK(NEAR(r.coverage_pct, 25.0));
	eval_acc_free(&a);

	idmap_free(&cat.map);
	eval_truth_free(&t);
}

static void
test_tabout(void)
{
	static const char *const head[3] = {"model", "users", "p"};
	static const char *const r1[3] = {"top_popular", "4", "25.0000"};
	static const char *const r2[3] = {"als", "12", ""};
	char *buf = NULL;
	size_t sz = 0;
	FILE *fp;
	table t;

	CHECK(table_init(&t, head, 3, 1) == 0);
	CHECK(table_add(&t, r1) == 0);
	CHECK(table_add(&t, r2) == 0);
	fp = open_memstream(&buf, &sz);
	table_write(&t, fp, 0);
	fclose(fp);
	CHECK_STR(buf, "model\tusers\tp\ntop_popular\t4\t25.0000\n"
	    "als\t12\t\n");
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &sz);
	table_write(&t, fp, 1);
	fclose(fp);
	CHECK_STR(buf, "model        users        p\n"
	    "top_popular      4  25.0000\n"
	    "als             12        -\n");
	free(buf);
	table_free(&t);
}

int
main(void)
{
	test_truth();
	test_match();
	test_acc();
	test_tabout();
	return t_done();
}
