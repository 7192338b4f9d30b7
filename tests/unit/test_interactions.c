/*
 * test_interactions.c: distinct triples, the weighted matrix (dedup, sums,
 * weights of 0, rows and columns in id order), and a matrix written with
 * matrix_save read back with matrix_load.
 */
#include <stdlib.h>
#include <unistd.h>

#include "interactions.h"
#include "matrix.h"
#include "t.h"

/* users 30, 10, 20 and items 700, 500, 600, first seen in that order. */
static const struct { uint64_t user, item; int type; } evs[] = {
	{30, 700, EV_VIEW},
	{30, 700, EV_VIEW},             /* repeated: counts once */
	{30, 700, EV_ADDTOCART},        /* same cell, other type: adds */
	{10, 500, EV_VIEW},
	{20, 600, EV_TRANSACTION},      /* only a transaction: weight 0 */
	{10, 700, EV_ADDTOCART},
	{10, 700, EV_ADDTOCART},
	{30, 500, EV_VIEW},
	{10, 500, EV_TRANSACTION},      /* weight 0: cell unchanged */
};
#define NEVS (sizeof evs / sizeof evs[0])

static void
fill(interactions_set *s)
{
	rs_err e = {0};
	size_t k;

	CHECK(interactions_init(s, &e) == 0);
	for (k = 0; k < NEVS; k++)
		CHECK(interactions_add(s, evs[k].user, evs[k].item, evs[k].type, &e) ==
		    0);
	CHECK(interactions_finish(s, &e) == 0);
}

int
main(void)
{
	ev_weights w = {{0.25, 0.75, 0}};
	char path[] = "/tmp/test_interactions.XXXXXX";
	rs_err e = {0};
	size_t u, i;
	interactions_set s;
	csr m, l;
	int t, fd;

	fill(&s);
	CHECK(s.added == NEVS);
	CHECK(s.nusers == 3 && s.nitems == 3);
	CHECK(s.user_ids[0] == 10 && s.user_ids[1] == 20 &&
	    s.user_ids[2] == 30);
	CHECK(s.item_ids[0] == 500 && s.item_ids[1] == 600 &&
	    s.item_ids[2] == 700);
	/* Distinct triples, by user, item, type. */
	CHECK(s.n == 7);
	interactions_triple(&s, 0, &u, &i, &t);
	CHECK(u == 0 && i == 0 && t == EV_VIEW);
	interactions_triple(&s, 1, &u, &i, &t);
	CHECK(u == 0 && i == 0 && t == EV_TRANSACTION);
	interactions_triple(&s, 2, &u, &i, &t);
	CHECK(u == 0 && i == 2 && t == EV_ADDTOCART);
	interactions_triple(&s, 3, &u, &i, &t);
	CHECK(u == 1 && i == 1 && t == EV_TRANSACTION);
	interactions_triple(&s, 6, &u, &i, &t);
	CHECK(u == 2 && i == 2 && t == EV_ADDTOCART);
	CHECK(interactions_add(&s, 1, 1, EV_VIEW, &e) == EX_SOFTWARE);
	CHECK(interactions_finish(&s, &e) == EX_SOFTWARE);

	/* User 20 and item 600 have only a 0-weight cell: both dropped. */
	CHECK(interactions_csr(&s, &w, &m, &e) == 0);
	CHECK(m.rows == 2 && m.cols == 2 && m.nnz == 4);
	CHECK(m.row_ids[0] == 10 && m.row_ids[1] == 30);
	CHECK(m.col_ids[0] == 500 && m.col_ids[1] == 700);
	CHECK(m.indptr[0] == 0 && m.indptr[1] == 2 && m.indptr[2] == 4);
	CHECK(m.indices[0] == 0 && m.data[0] == 0.25f);   /* 10,500 */
	CHECK(m.indices[1] == 1 && m.data[1] == 0.75f);   /* 10,700 */
	CHECK(m.indices[2] == 0 && m.data[2] == 0.25f);   /* 30,500 */
	CHECK(m.indices[3] == 1 && m.data[3] == 1.0f);    /* 30,700 */

	/* Written and read back through the container. */
	CHECK((fd = mkstemp(path)) >= 0);
	close(fd);
	{
		const char *kv[2] = {"weights",
		    "view=0.25,addtocart=0.75,transaction=0"};
		char buf[64];

		CHECK(matrix_save(&m, path, kv, 1, &e) == 0);
		CHECK(matrix_load(&l, path, &e) == 0);
		CHECK(l.rows == 2 && l.cols == 2 && l.nnz == 4);
		CHECK(l.row_ids[0] == 10 && l.row_ids[1] == 30);
		CHECK(l.col_ids[0] == 500 && l.col_ids[1] == 700);
		CHECK(l.indptr[1] == 2 && l.indptr[2] == 4);
		CHECK(memcmp(l.indices, m.indices, 4 * sizeof *l.indices) ==
		    0);
		CHECK(memcmp(l.data, m.data, 4 * sizeof *l.data) == 0);
		CHECK(container_param(&l.file, "weights", buf, sizeof buf) == 0);
		CHECK_STR(buf, kv[1]);
		matrix_close(&l);
	}
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);

		CHECK(fp != NULL);
		interactions_csr_write_tsv(fp, &m);
		fclose(fp);
		CHECK_STR(buf, "user\titem\tvalue\n10\t500\t0.25\n"
		    "10\t700\t0.75\n30\t500\t0.25\n30\t700\t1\n");
		free(buf);
	}
	interactions_csr_free(&m);

	/* Transactions weighed too: user 20 and item 600 come back. */
	w.w[EV_TRANSACTION] = 2;
	CHECK(interactions_csr(&s, &w, &m, &e) == 0);
	CHECK(m.rows == 3 && m.cols == 3 && m.nnz == 5);
	CHECK(m.data[0] == 2.25f && m.indptr[2] == 3 && m.indices[2] == 1 &&
	    m.data[2] == 2.0f);
	interactions_csr_free(&m);
	interactions_free(&s);

	/* Nothing added: an empty matrix that saves and loads. */
	CHECK(interactions_init(&s, &e) == 0);
	CHECK(interactions_finish(&s, &e) == 0);
	CHECK(interactions_csr(&s, &w, &m, &e) == 0);
	CHECK(m.rows == 0 && m.cols == 0 && m.nnz == 0 && m.indptr[0] == 0);
	CHECK(matrix_save(&m, path, NULL, 0, &e) == 0);
	CHECK(matrix_load(&l, path, &e) == 0);
	CHECK(l.rows == 0 && l.cols == 0 && l.nnz == 0);
	matrix_close(&l);
	interactions_csr_free(&m);
	interactions_free(&s);

	/* Many users and items, first seen in descending order. */
	CHECK(interactions_init(&s, &e) == 0);
	t = 0;
	for (u = 0; u < 20000; u++)
		t |= interactions_add(&s, 1000000 - u, 5000 - u % 4000, EV_VIEW, &e);
	CHECK(t == 0);
	CHECK(interactions_finish(&s, &e) == 0);
	CHECK(s.nusers == 20000 && s.nitems == 4000 && s.n == 20000);
	CHECK(interactions_csr(&s, &w, &m, &e) == 0);
	CHECK(m.rows == 20000 && m.row_ids[0] == 1000000 - 19999 &&
	    m.col_ids[0] == 1001 && m.col_ids[3999] == 5000);
	/* user 1000000 - u holds item 5000 - u % 4000. */
	CHECK(m.indptr[20000] == 20000 &&
	    m.col_ids[m.indices[19999]] == 5000);
	CHECK(matrix_save(&m, path, NULL, 0, &e) == 0);
	CHECK(matrix_load(&l, path, &e) == 0);
	CHECK(l.rows == 20000 && l.cols == 4000);
	matrix_close(&l);
	interactions_csr_free(&m);
	interactions_free(&s);
	unlink(path);
	return t_done();
}
