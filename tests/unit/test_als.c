/* test_als.c: unit tests of common/als (fitting, model files, top-N). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "als.h"
#include "als_impl.h"
#include "matrix.h"
#include "t.h"

/* A matrix held in the test: rows x cols, dense values (0 = no entry). */
typedef struct dense {
	size_t rows, cols;
	const float *v;
} dense;

static uint64_t ids_buf[2][64];

static void
to_csr(const dense *d, csr *m, uint64_t *indptr, uint32_t *indices,
    float *data)
{
	size_t i, j, nnz = 0;

	memset(m, 0, sizeof *m);
	for (i = 0; i < d->rows; i++) {
		indptr[i] = nnz;
		for (j = 0; j < d->cols; j++)
			if (d->v[i * d->cols + j] != 0) {
				indices[nnz] = (uint32_t)j;
				data[nnz++] = d->v[i * d->cols + j];
			}
	}
	indptr[d->rows] = nnz;
	for (i = 0; i < 64; i++) {
		ids_buf[0][i] = 100 + 10 * i;
		ids_buf[1][i] = 5000 + 7 * i;
	}
	m->rows = d->rows;
	m->cols = d->cols;
	m->nnz = nnz;
	m->row_ids = ids_buf[0];
	m->col_ids = ids_buf[1];
	m->indptr = indptr;
	m->indices = indices;
	m->data = data;
}

/* A pseudo-random sparse matrix with some empty rows and columns. */
static void
random_matrix(size_t rows, size_t cols, unsigned seed, float *v)
{
	size_t i;

	srand(seed);
	for (i = 0; i < rows * cols; i++) {
		int r = rand() % 10;

		v[i] = r < 7 ? 0 : (float)(rand() % 8 + 1) * 0.25f;
		if (r == 9)
			v[i] = -v[i];           /* some "not liked" entries */
	}
	for (i = 0; i < cols; i++)
		v[3 * cols + i] = 0;            /* row 3 empty */
	for (i = 0; i < rows; i++)
		v[i * cols + 5] = 0;            /* column 5 empty */
}

static void
params(als_params *p, unsigned f, unsigned iters)
{
	als_params_default(p);
	p->factors = f;
	p->iterations = iters;
	p->reg = 0.1;
	p->alpha = 2;
	p->seed = 7;
}

static void
test_params(void)
{
	als_params p;

	als_params_default(&p);
	CHECK(als_check_params(&p) == NULL);
	CHECK(p.factors == 50 && p.iterations == 50 && p.reg == 0.05 &&
	    p.alpha == 1 && p.cg_steps == 3 && p.seed == 123);
	p.factors = 0;
	CHECK_HAS(als_check_params(&p), "factors");
	als_params_default(&p);
	p.alpha = 0;
	CHECK_HAS(als_check_params(&p), "alpha");
	als_params_default(&p);
	p.reg = -1;
	CHECK_HAS(als_check_params(&p), "regularization");
	als_params_default(&p);
	p.cg_steps = 0;
	CHECK_HAS(als_check_params(&p), "CG steps");
	p.solver = ALS_CHOLESKY;        /* steps do not matter then */
	CHECK(als_check_params(&p) == NULL);
	als_params_default(&p);
	p.threads = 0;
	CHECK_HAS(als_check_params(&p), "threads");
}

/*
 * By hand: one user, one item, value r, f = 1.  At the fixed point
 * x = y = z with (c z^2 + reg) z = c z, so z^2 = 1 - reg/c.  With c = 2,
 * reg = 0.5: the score x*y is 0.75 and x = y = sqrt(0.75).  A negative
 * value has preference 0: the factors go to exactly 0.
 */
static void
test_hand_checked(void)
{
	static const float one[1] = {2}, neg[1] = {-2};
	dense d = {1, 1, one};
	uint64_t ptr[2];
	uint32_t idx[1];
	float val[1];
	als_params p;
	als_model mod;
	rs_err e = {0};
	csr m;
	int s;

	for (s = 0; s < 2; s++) {
		to_csr(&d, &m, ptr, idx, val);
		als_params_default(&p);
		p.factors = 1;
		p.iterations = 60;
		p.reg = 0.5;
		p.alpha = 1;
		p.solver = s == 0 ? ALS_CHOLESKY : ALS_CG;
		CHECK(als_fit(&m, &p, &mod, NULL, NULL, &e) == 0);
		CHECK(fabs(mod.user_factors[0] - sqrt(0.75)) < 1e-5);
		CHECK(fabs(mod.item_factors[0] - sqrt(0.75)) < 1e-5);
		CHECK(fabs(mod.user_factors[0] * mod.item_factors[0] - 0.75)
		    < 1e-5);
		als_model_free(&mod);
	}
	d.v = neg;
	to_csr(&d, &m, ptr, idx, val);
	p.solver = ALS_CHOLESKY;
	CHECK(als_fit(&m, &p, &mod, NULL, NULL, &e) == 0);
	CHECK(mod.user_factors[0] == 0 && mod.item_factors[0] == 0);
	als_model_free(&mod);
}

/*
 * CG with as many steps as factors is exact in exact arithmetic; in float
 * the factors after a few iterations agree with Cholesky's to 1e-4 of
 * their largest magnitude (measured: 1.4e-5 with AVX2+FMA).
 */
static void
test_cg_converges(void)
{
	enum { R = 40, C = 30, F = 8 };
	static float v[R * C], val[R * C];
	static uint64_t ptr[R + 1];
	static uint32_t idx[R * C];
	dense d = {R, C, v};
	als_model a, b;
	als_params p;
	rs_err e = {0};
	double maxabs = 0, maxdiff = 0;
	size_t i;
	csr m;

	random_matrix(R, C, 1, v);
	to_csr(&d, &m, ptr, idx, val);
	params(&p, F, 4);
	p.solver = ALS_CHOLESKY;
	CHECK(als_fit(&m, &p, &a, NULL, NULL, &e) == 0);
	p.solver = ALS_CG;
	p.cg_steps = 40;
	CHECK(als_fit(&m, &p, &b, NULL, NULL, &e) == 0);
	for (i = 0; i < R * F; i++) {
		if (fabs(a.user_factors[i]) > maxabs)
			maxabs = fabs(a.user_factors[i]);
		if (fabs(a.user_factors[i] - b.user_factors[i]) > maxdiff)
			maxdiff = fabs(a.user_factors[i] - b.user_factors[i]);
	}
	for (i = 0; i < C * F; i++)
		if (fabs(a.item_factors[i] - b.item_factors[i]) > maxdiff)
			maxdiff = fabs(a.item_factors[i] - b.item_factors[i]);
	CHECK(maxabs > 0.1);
	CHECK(maxdiff <= 1e-4 * maxabs);
	/* The empty row 3 and column 5 have zero factors. */
	for (i = 0; i < F; i++) {
		CHECK(a.user_factors[3 * F + i] == 0);
		CHECK(b.item_factors[5 * F + i] == 0);
	}
	als_model_free(&a);
	als_model_free(&b);
}

static double losses[64];
static unsigned nlosses;

static void
record_loss(const als_progress *pr, void *arg)
{
	(void)arg;
	if (nlosses < 64)
		losses[nlosses++] = pr->loss;
}

/* Each exact half-step minimises the objective: it never increases. */
static void
test_loss_decreases(void)
{
	enum { R = 40, C = 30 };
	static float v[R * C], val[R * C];
	static uint64_t ptr[R + 1];
	static uint32_t idx[R * C];
	dense d = {R, C, v};
	als_params p;
	als_model a;
	rs_err e = {0};
	unsigned i, ok = 1;
	csr m;

	random_matrix(R, C, 2, v);
	to_csr(&d, &m, ptr, idx, val);
	params(&p, 6, 20);
	p.solver = ALS_CHOLESKY;
	p.loss = 1;
	nlosses = 0;
	CHECK(als_fit(&m, &p, &a, record_loss, NULL, &e) == 0);
	CHECK(nlosses == 20);
	for (i = 1; i < nlosses; i++)
		if (!(losses[i] <= losses[i - 1] * (1 + 1e-6)))
			ok = 0;
	CHECK(ok);
	CHECK(losses[nlosses - 1] < losses[0]);
	/* The reported loss is als_loss of the final factors, to float
	 * precision: the fit takes x'(Y'Y)x over all users as <X'X, Y'Y> of
	 * its float Gram matrices, als_loss sums it row by row in double. */
	{
		double ref = als_loss(&m, a.user_factors, a.item_factors, 6,
		    p.reg, p.alpha, 1);

		CHECK(fabs(ref - losses[nlosses - 1]) < 1e-6 * ref);
	}
	als_model_free(&a);
}

/* The fit of m with p gives the same model, bit for bit, with the best
 * kernels of this CPU and with the AVX2+FMA ones. */
/*
 * The users' CG in the eigenbasis of Y'Y (the default) is the plain CG up
 * to rounding: the same factors in the same basis (so R, the basis change
 * undone at the end, is right), every one within 1e-3 of the largest, and
 * the same loss to 1e-5.  A wrong eigenvector, eigenvalue or inverse
 * moves them by far more.
 */
static void
eig_vs_plain(const csr *m, unsigned f, unsigned iterations)
{
	als_params p;
	als_model a, b;
	rs_err e = {0};
	double big = 0, worst = 0, la, lb;
	size_t i, n;

	params(&p, f, iterations);
	p.threads = 2;
	CHECK(als_fit(m, &p, &a, NULL, NULL, &e) == 0);
	p.first_basis = 1;
	CHECK(als_fit(m, &p, &b, NULL, NULL, &e) == 0);
	for (n = 0; n < 2; n++) {
		const float *x = n == 0 ? a.user_factors : a.item_factors;
		const float *y = n == 0 ? b.user_factors : b.item_factors;

		for (i = 0; i < (n == 0 ? m->rows : m->cols) * f; i++) {
			if (fabs(y[i]) > big)
				big = fabs(y[i]);
			if (fabs(x[i] - y[i]) > worst)
				worst = fabs(x[i] - y[i]);
		}
	}
	CHECK(big > 0.01);
	CHECK(worst <= 1e-3 * big);
	la = als_loss(m, a.user_factors, a.item_factors, f, p.reg, p.alpha, 2);
	lb = als_loss(m, b.user_factors, b.item_factors, f, p.reg, p.alpha, 2);
	CHECK(fabs(la - lb) <= 1e-5 * lb);
	als_model_free(&a);
	als_model_free(&b);
}

static void
same_under_avx2(const csr *m, const als_params *p)
{
	als_model a, b;
	rs_err e = {0};

	CHECK(als_fit(m, p, &a, NULL, NULL, &e) == 0);
	als_avx2_kernels(1);
	CHECK(als_fit(m, p, &b, NULL, NULL, &e) == 0);
	als_avx2_kernels(0);
	CHECK(memcmp(a.user_factors, b.user_factors, m->rows * p->factors *
	    sizeof(float)) == 0);
	CHECK(memcmp(a.item_factors, b.item_factors, m->cols * p->factors *
	    sizeof(float)) == 0);
	als_model_free(&a);
	als_model_free(&b);
}

/*
 * Several Gram blocks on both sides (9000 users, 5000 items, 1-5 entries a
 * row, some negative): the fit's loss is als_loss of the factors to float
 * precision, and exactly the same on 1 and 3 threads; where the CPU has
 * AVX-512, its kernels and the AVX2+FMA ones give the same model, bit for
 * bit.
 */
static void
test_loss_blocks(void)
{
	enum { R = 9000, C = 5000, MAXNNZ = 5 };
	static uint64_t ptr[R + 1], ids[R + C];
	static uint32_t idx[R * MAXNNZ];
	static float val[R * MAXNNZ];
	double l1, l3;
	als_params p;
	als_model a, b;
	rs_err e = {0};
	size_t i, nnz = 0;
	csr m;

	srand(11);
	for (i = 0; i < R; i++) {
		size_t k, n = 1 + (size_t)rand() % MAXNNZ;
		uint32_t c = (uint32_t)(rand() % (C - MAXNNZ));

		ptr[i] = nnz;
		for (k = 0; k < n; k++) {
			c += 1 + (uint32_t)(rand() % 3);
			idx[nnz] = c;
			val[nnz++] = (float)(rand() % 8 - 2) + 0.5f;
		}
		if (c >= C)
			nnz = ptr[i];           /* ran off the end: row empty */
	}
	ptr[R] = nnz;
	for (i = 0; i < R + C; i++)
		ids[i] = 1000 + i;
	memset(&m, 0, sizeof m);
	m.rows = R;
	m.cols = C;
	m.nnz = nnz;
	m.row_ids = ids;
	m.col_ids = ids + R;
	m.indptr = ptr;
	m.indices = idx;
	m.data = val;
	params(&p, 12, 3);
	p.loss = 1;
	nlosses = 0;
	CHECK(als_fit(&m, &p, &a, record_loss, NULL, &e) == 0);
	CHECK(nlosses == 3);
	l1 = losses[2];
	{
		double ref = als_loss(&m, a.user_factors, a.item_factors, 12,
		    p.reg, p.alpha, 2);

		CHECK(fabs(ref - l1) < 1e-6 * ref);
	}
	p.threads = 3;
	nlosses = 0;
	CHECK(als_fit(&m, &p, &b, record_loss, NULL, &e) == 0);
	l3 = losses[2];
	CHECK(l1 == l3);
	als_model_free(&b);
	als_model_free(&a);
	same_under_avx2(&m, &p);
	/* 50 factors (padded to 56: 48 + 8 columns in the wide build) */
	params(&p, 50, 2);
	p.threads = 2;
	same_under_avx2(&m, &p);
	eig_vs_plain(&m, 12, 10);
	eig_vs_plain(&m, 50, 5);
}

/* The kernels of build 0 (portable), 1 (AVX2+FMA) or 2 (the widest this
 * CPU runs), and whether their multiply-adds are fused. */
static const als_kernels *
pick_build(int build, int *fused)
{
	if (build == 0)
		als_portable_kernels(1);
	else
		als_avx2_kernels(build == 1);
	*fused = strstr(als_kernels_info(), "this CPU: portable") == NULL;
	return als_kernels_pick();
}

/*
 * gram_block of each build this CPU runs: every element of the upper
 * triangle is exactly the chain over the rows in row order (fused in the
 * AVX2 and AVX-512 builds, a multiply then an add in the portable one);
 * the padding columns and rows are zero.  Row counts around the kernel's
 * chunk of rows, factor counts around its tiles (6 rows; 8, 16 and 48
 * columns).
 */
static void
test_gram_block(void)
{
	static const size_t fs[] = {1, 5, 6, 8, 12, 50, 56, 61, 100};
	static const size_t ns[] = {0, 1, 7, 200, 1000};
	size_t a, c, i, j, k, bad;
	int build;

	srand(5);
	for (build = 0; build < 3; build++) {
		int fused;
		const als_kernels *kern = pick_build(build, &fused);

		for (a = 0; a < sizeof fs / sizeof *fs; a++)
			for (c = 0; c < sizeof ns / sizeof *ns; c++) {
				size_t f = fs[a], n = ns[c], fp = (f + 7) & ~7u;
				float *Y = als_falloc(n * fp + 1);
				float *G = als_falloc(fp * fp);

				for (k = 0; k < n; k++)
					for (i = 0; i < f; i++)
						Y[k * fp + i] = (float)(rand() %
						    2001 - 1000) / 997.0f;
				for (i = 0; i < fp * fp; i++)
					G[i] = NAN;
				kern->gram_block(Y, n, f, fp, G);
				bad = 0;
				for (i = 0; i < fp; i++)
					for (j = i; j < fp; j++) {
						float s = 0;

						for (k = 0; k < n && i < f; k++)
							s = fused ? fmaf(Y[k *
							    fp + i], Y[k * fp +
							    j], s) : s + Y[k *
							    fp + i] * Y[k * fp
							    + j];
						bad += memcmp(&s, &G[i * fp +
						    j], sizeof s) != 0;
					}
				CHECK(bad == 0);
				free(Y);
				free(G);
			}
	}
	als_portable_kernels(0);
}

/* Same seed, same model, bit for bit, whatever the thread count. */
static void
test_threads_identical(void)
{
	enum { R = 300, C = 50, F = 12 };
	static float v[R * C], val[R * C];
	static uint64_t ptr[R + 1];
	static uint32_t idx[R * C];
	static uint64_t ids[R];
	dense d = {R, C, v};
	als_model mod[3];
	als_params p;
	rs_err e = {0};
	int t, s;
	csr m;

	random_matrix(R, C, 3, v);
	to_csr(&d, &m, ptr, idx, val);
	for (t = 0; t < R; t++)
		ids[t] = 3 * (uint64_t)t + 1;
	m.row_ids = ids;
	for (s = 0; s < 2; s++) {
		for (t = 0; t < 3; t++) {
			params(&p, F, 3);
			p.solver = s == 0 ? ALS_CG : ALS_CHOLESKY;
			p.threads = (unsigned)t + 1;
			CHECK(als_fit(&m, &p, &mod[t], NULL, NULL, &e) == 0);
		}
		for (t = 1; t < 3; t++) {
			CHECK(memcmp(mod[0].user_factors, mod[t].user_factors,
			    R * F * sizeof(float)) == 0);
			CHECK(memcmp(mod[0].item_factors, mod[t].item_factors,
			    C * F * sizeof(float)) == 0);
		}
		for (t = 0; t < 3; t++)
			als_model_free(&mod[t]);
	}
	/* A different seed gives a different model. */
	params(&p, F, 3);
	CHECK(als_fit(&m, &p, &mod[0], NULL, NULL, &e) == 0);
	p.seed = 8;
	CHECK(als_fit(&m, &p, &mod[1], NULL, NULL, &e) == 0);
	CHECK(memcmp(mod[0].user_factors, mod[1].user_factors,
	    R * F * sizeof(float)) != 0);
	als_model_free(&mod[0]);
	als_model_free(&mod[1]);
}

static void
corrupt_at(const char *path, long off)
{
	FILE *fp = fopen(path, "r+b");
	int c;

	fseek(fp, off, SEEK_SET);
	c = fgetc(fp);
	fseek(fp, off, SEEK_SET);
	fputc(c ^ 0x40, fp);
	fclose(fp);
}

/* Save, load back, and refuse damaged files with a clear message. */
static void
test_model_files(void)
{
	enum { R = 20, C = 10 };
	static float v[R * C], val[R * C];
	static uint64_t ptr[R + 1];
	static uint32_t idx[R * C];
	char path[] = "/tmp/test_als.XXXXXX", mpath[64];
	dense d = {R, C, v};
	als_model mod, back;
	als_params p;
	rs_err e = {0};
	long size;
	csr m, mm;
	int fd;

	random_matrix(R, C, 4, v);
	to_csr(&d, &m, ptr, idx, val);
	params(&p, 5, 2);
	CHECK(als_fit(&m, &p, &mod, NULL, NULL, &e) == 0);
	fd = mkstemp(path);
	close(fd);
	CHECK(als_model_save(&mod, path, &e) == 0);
	CHECK(als_model_load(&back, path, &e) == 0);
	CHECK(back.users == R && back.items == C && back.factors == 5);
	CHECK(back.params.reg == 0.1 && back.params.alpha == 2 &&
	    back.params.seed == 7 && back.params.iterations == 2 &&
	    back.params.solver == ALS_CG && back.params.cg_steps == 3);
	CHECK_STR(back.source, mod.source);
	CHECK(memcmp(back.user_factors, mod.user_factors,
	    R * 5 * sizeof(float)) == 0);
	CHECK(memcmp(back.item_ids, mod.item_ids, C * 8) == 0);
	size = (long)back.file.size;
	als_model_free(&back);

	/* A flipped bit in the item factors (the last section). */
	corrupt_at(path, size - 3);
	CHECK(als_model_load(&back, path, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, path);
	CHECK_HAS(e.msg, "item_factors");
	/* Truncated. */
	CHECK(als_model_save(&mod, path, &e) == 0);
	CHECK(truncate(path, size - 100) == 0);
	e.code = 0;
	CHECK(als_model_load(&back, path, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "size");
	/* A matrix is not a model, and the other way round. */
	snprintf(mpath, sizeof mpath, "%s.m", path);
	CHECK(matrix_save(&m, mpath, NULL, 0, &e) == 0);
	CHECK(als_model_load(&back, mpath, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "kind");
	CHECK(als_model_save(&mod, path, &e) == 0);
	CHECK(matrix_load(&mm, path, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "kind");
	/* A truncated matrix. */
	CHECK(truncate(mpath, 200) == 0);
	CHECK(matrix_load(&mm, mpath, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, mpath);
	CHECK(als_model_load(&back, "/nonexistent/model", &e) == EX_NOINPUT);
	unlink(path);
	unlink(mpath);
	als_model_free(&mod);
}

typedef struct got {
	size_t user[64], count[64], n;
	uint32_t items[64][64];
	float scores[64][64];
} got;

/* The sink of the tests: each list formatted as a binary record (user,
 * count, the entries), decoded again by the writer. */
static size_t
pack(const void *arg, size_t user, const als_rec *list, size_t count,
    char *buf)
{
	(void)arg;
	memcpy(buf, &user, sizeof user);
	memcpy(buf + sizeof user, &count, sizeof count);
	memcpy(buf + 2 * sizeof user, list, count * sizeof *list);
	return 2 * sizeof user + count * sizeof *list;
}

static int
unpack(void *arg, const char *buf, size_t len, rs_err *e)
{
	got *g = arg;
	size_t at = 0, k;

	(void)e;
	while (at < len) {
		als_rec r;

		memcpy(&g->user[g->n], buf + at, sizeof(size_t));
		memcpy(&g->count[g->n], buf + at + sizeof(size_t),
		    sizeof(size_t));
		at += 2 * sizeof(size_t);
		for (k = 0; k < g->count[g->n]; k++, at += sizeof r) {
			memcpy(&r, buf + at, sizeof r);
			g->items[g->n][k] = r.item;
			g->scores[g->n][k] = r.score;
		}
		g->n++;
	}
	return 0;
}

#define SINK(g) (&(als_rec_sink){pack, unpack, sizeof(als_rec) + \
    2 * sizeof(size_t), (g)})

/* A model built by hand: 4 users x 6 items, f = 2. */
static const float hand_u[4 * 2] = {
	1, 0,           /* likes dimension 0 */
	0, 1,           /* likes dimension 1 */
	0, 0,           /* no entries: zero factors */
	1, 1,
};
static const float hand_i[6 * 2] = {
	0.5f, 0,        /* item 0 */
	0.9f, 0.1f,     /* item 1 */
	0.5f, 0.2f,     /* item 2 */
	0, 0.9f,        /* item 3 */
	0.5f, 0,        /* item 4, ties item 0 for user 0 */
	-1, -1,         /* item 5 */
};
static const uint64_t hand_uid[4] = {10, 20, 30, 40};
static const uint64_t hand_iid[6] = {1, 2, 3, 4, 5, 6};

static void
hand_model(als_model *mod)
{
	memset(mod, 0, sizeof *mod);
	mod->users = 4;
	mod->items = 6;
	mod->factors = 2;
	mod->user_ids = hand_uid;
	mod->item_ids = hand_iid;
	mod->user_factors = hand_u;
	mod->item_factors = hand_i;
}

static void
test_recommend(void)
{
	static const uint32_t all[4] = {0, 1, 2, 3}, some[2] = {3, 0};
	/* The seen matrix: user 10 saw item id 2; user 40 saw ids 2 and 4
	 * and 99, which the model does not know; user 77 is unknown. */
	static const uint64_t s_uid[3] = {10, 40, 77}, s_iid[4] = {2, 4, 5, 99};
	static const uint64_t s_ptr[4] = {0, 1, 4, 5};
	static const uint32_t s_idx[5] = {0, 0, 1, 3, 2};
	static const float s_val[5] = {1, 1, 1, 1, 1};
	als_rec_stats st;
	als_model mod;
	rs_err e = {0};
	csr seen;
	got g;

	hand_model(&mod);
	/* N larger than the items: every item, ties by id. */
	memset(&g, 0, sizeof g);
	CHECK(als_recommend(&mod, all, 4, 100, NULL, 2, SINK(&g), &st,
	    &e) == 0);
	CHECK(g.n == 3 && st.lists == 3 && st.zero_users == 1);
	CHECK(g.user[0] == 0 && g.user[1] == 1 && g.user[2] == 3);
	CHECK(g.count[0] == 6);
	/* user 0: 0.9 (item 1), 0.5 items 0, 2, 4 by id, 0 item 3, -1 */
	CHECK(g.items[0][0] == 1 && g.items[0][1] == 0 &&
	    g.items[0][2] == 2 && g.items[0][3] == 4 &&
	    g.items[0][4] == 3 && g.items[0][5] == 5);
	CHECK(g.scores[0][0] == 0.9f && g.scores[0][5] == -1);
	/* user 3 (1,1): item 1 1.0, item 3 0.9, item 2 0.7, 0 and 4 0.5 */
	CHECK(g.items[2][0] == 1 && g.items[2][1] == 3 && g.items[2][2] == 2
	    && g.items[2][3] == 0 && g.items[2][4] == 4);

	/* Top 2 of a chosen subset, in the order asked. */
	memset(&g, 0, sizeof g);
	CHECK(als_recommend(&mod, some, 2, 2, NULL, 1, SINK(&g), &st,
	    &e) == 0);
	CHECK(g.n == 2 && g.user[0] == 3 && g.user[1] == 0);
	CHECK(g.count[0] == 2 && g.items[0][0] == 1 && g.items[0][1] == 3);
	CHECK(g.count[1] == 2 && g.items[1][0] == 1 && g.items[1][1] == 0);

	/* Filtering the seen items, matched by id. */
	memset(&seen, 0, sizeof seen);
	seen.rows = 3;
	seen.cols = 4;
	seen.nnz = 5;
	seen.row_ids = s_uid;
	seen.col_ids = s_iid;
	seen.indptr = s_ptr;
	seen.indices = s_idx;
	seen.data = s_val;
	memset(&g, 0, sizeof g);
	CHECK(als_recommend(&mod, all, 4, 100, &seen, 3, SINK(&g), &st,
	    &e) == 0);
	CHECK(st.filtered == 3);
	/* user 10 without id 2 (index 1) */
	CHECK(g.count[0] == 5 && g.items[0][0] == 0 && g.items[0][1] == 2 &&
	    g.items[0][2] == 4 && g.items[0][3] == 3 && g.items[0][4] == 5);
	/* user 40 without ids 2 and 4 (indices 1 and 3) */
	CHECK(g.count[2] == 4 && g.items[2][0] == 2 && g.items[2][1] == 0 &&
	    g.items[2][2] == 4 && g.items[2][3] == 5);
	/* user 20 untouched */
	CHECK(g.count[1] == 6 && g.items[1][0] == 3);
}

/* Lists in g agree with a brute-force ranking of every item; returns the
 * number of disagreements. */
static size_t
brute_check(const got *g, const float *uf, const float *itf, size_t items,
    size_t f)
{
	size_t u, i, k, bad = 0;

	for (u = 0; u < g->n; u++) {
		const float *x = uf + g->user[u] * f;
		float last = INFINITY;
		uint32_t lastid = 0;

		for (k = 0; k < g->count[u]; k++) {
			uint32_t it = g->items[u][k];
			float s = g->scores[u][k];
			size_t better = 0;

			/* ordered by score desc, then id asc */
			if (s > last || (s == last && it <= lastid))
				bad++;
			last = s;
			lastid = it;
			/* exactly k items beat it (score, then id) */
			for (i = 0; i < items; i++) {
				double d = 0;
				size_t j;

				for (j = 0; j < f; j++)
					d += (double)x[j] * itf[i * f + j];
				if (d > s || (d == s && i < it))
					better++;
			}
			if (better != k) {
				bad++;
				fprintf(stderr, "user %zu rank %zu item %u "
				    "score %g: %zu better\n", g->user[u], k,
				    (unsigned)it, s, better);
			}
		}
	}
	return bad;
}

/*
 * Random models: the lists agree with a brute-force ranking, with many
 * ties, and when a few items have large norms, so that the norm bound
 * prunes most of the catalogue.
 */
static void
test_recommend_brute(void)
{
	enum { U = 50, I = 5000, F = 7, N = 13 };
	static float uf[U * F], itf[I * F];
	static uint64_t uid[U], iid[I];
	static uint32_t users[U];
	static got g;
	als_rec_stats st;
	als_model mod;
	rs_err e = {0};
	size_t u, i;

	srand(9);
	/* Multiples of 1/8 and 1/4: every score is exact in float, so
	 * the brute force in double sees the same values and ties. */
	for (i = 0; i < U * F; i++)
		uf[i] = (float)(rand() % 9 - 4) * 0.125f;
	for (i = 0; i < I * F; i++)
		itf[i] = (float)(rand() % 5) * 0.25f;  /* many ties */
	for (u = 0; u < U; u++) {
		uid[u] = u;
		users[u] = (uint32_t)u;
	}
	for (i = 0; i < I; i++)
		iid[i] = i;
	memset(&mod, 0, sizeof mod);
	mod.users = U;
	mod.items = I;
	mod.factors = F;
	mod.user_ids = uid;
	mod.item_ids = iid;
	mod.user_factors = uf;
	mod.item_factors = itf;
	memset(&g, 0, sizeof g);
	CHECK(als_recommend(&mod, users, U, N, NULL, 2, SINK(&g), &st,
	    &e) == 0);
	CHECK(g.n == U);
	CHECK(brute_check(&g, uf, itf, I, F) == 0);
	/* One item (a buffer of two), and lists long enough that the
	 * candidates are partitioned many times. */
	for (i = 1; i <= 64; i += 63) {
		memset(&g, 0, sizeof g);
		CHECK(als_recommend(&mod, users, U, i, NULL, 2, SINK(&g), &st,
		    &e) == 0);
		CHECK(g.n == U && g.count[0] == i);
		CHECK(brute_check(&g, uf, itf, I, F) == 0);
	}

	/* Users who like every dimension, and one item in 40 eight times
	 * longer (still exact): most users find their lists among those
	 * and stop early. */
	for (i = 0; i < U * F; i++)
		uf[i] = (float)(rand() % 5) * 0.125f;
	for (i = 0; i < I; i += 40) {
		size_t j;

		for (j = 0; j < F; j++)
			itf[i * F + j] *= 8;
	}
	memset(&g, 0, sizeof g);
	CHECK(als_recommend(&mod, users, U, 5, NULL, 3, SINK(&g), &st,
	    &e) == 0);
	CHECK(g.n == U);
	CHECK(brute_check(&g, uf, itf, I, F) == 0);
	CHECK(st.tiles == 9 * ((I + 15) / 16));
	CHECK(st.scored < st.tiles / 2);
}

/*
 * The portable kernels: the same lists as the brute force, factors close
 * to those of the AVX2 kernels (not equal: FMA rounds once, not twice).
 * Measured gaps after 3 iterations, relative to the largest factor:
 * 2.4e-4 for CG-3 (unconverged, so it carries rounding along), 6e-6 for
 * Cholesky; the bounds are 1e-3 and 1e-4.
 */
/*
 * rec_tile in every build: each score is the chain over the factors in
 * order (fused where the build fuses), so the AVX-512 build's 16-wide
 * rows give the AVX2 build's bits; bit r of the mask is set when some
 * score of row r is at or above thr[r].
 */
static void
test_rec_tile(void)
{
	static const size_t fs[] = {1, 5, 12, 50, 64};
	float X[6 * 64], panel[64 * 16] __attribute__((aligned(64)));
	float out[96] __attribute__((aligned(64))), thr[6];
	size_t a, i, j, k, bad;
	int build, t;

	srand(9);
	for (build = 0; build < 3; build++) {
		int fused;
		const als_kernels *kern = pick_build(build, &fused);

		for (a = 0; a < sizeof fs / sizeof *fs; a++)
			for (t = 0; t < 20; t++) {
				size_t f = fs[a];
				unsigned mask, want = 0;

				for (i = 0; i < 6 * f; i++)
					X[i] = (float)(rand() % 2001 - 1000) /
					    997.0f;
				for (i = 0; i < 16 * f; i++)
					panel[i] = (float)(rand() % 2001 -
					    1000) / 991.0f;
				for (i = 0; i < 6; i++)
					thr[i] = (float)(rand() % 41 - 20) /
					    7.0f;
				mask = kern->rec_tile(X, panel, f, thr, out);
				bad = 0;
				for (i = 0; i < 6; i++)
					for (j = 0; j < 16; j++) {
						float s = 0;

						for (k = 0; k < f; k++)
							s = fused ? fmaf(X[i *
							    f + k], panel[k *
							    16 + j], s) : s +
							    X[i * f + k] *
							    panel[k * 16 + j];
						bad += memcmp(&s, &out[i * 16 +
						    j], sizeof s) != 0;
						if (s >= thr[i])
							want |= 1u << i;
					}
				CHECK(bad == 0);
				CHECK(mask == want);
			}
	}
	als_portable_kernels(0);
}

static void
test_portable_kernels(void)
{
	enum { R = 40, C = 30, F = 12 };
	static float v[R * C], val[R * C];
	static uint64_t ptr[R + 1];
	static uint32_t idx[R * C];
	dense d = {R, C, v};
	als_model a, b;
	als_params p;
	rs_err e = {0};
	double maxdiff, maxabs;
	size_t i;
	int s;
	csr m;

	random_matrix(R, C, 5, v);
	to_csr(&d, &m, ptr, idx, val);
	for (s = 0; s < 2; s++) {
		params(&p, F, 3);
		p.solver = s == 0 ? ALS_CG : ALS_CHOLESKY;
		als_portable_kernels(0);
		CHECK(als_fit(&m, &p, &a, NULL, NULL, &e) == 0);
		als_portable_kernels(1);
		CHECK(als_fit(&m, &p, &b, NULL, NULL, &e) == 0);
		maxdiff = maxabs = 0;
		for (i = 0; i < R * F; i++)
			if (fabs(a.user_factors[i]) > maxabs)
				maxabs = fabs(a.user_factors[i]);
		for (i = 0; i < R * F; i++)
			if (fabs(a.user_factors[i] - b.user_factors[i]) > maxdiff)
				maxdiff = fabs(a.user_factors[i] -
				    b.user_factors[i]);
		CHECK(maxdiff < (s == 0 ? 1e-3 : 1e-4) * maxabs);
		als_model_free(&a);
		als_model_free(&b);
	}
	test_recommend();
	test_recommend_brute();
	als_portable_kernels(0);
}

int
main(void)
{
	test_params();
	test_hand_checked();
	test_cg_converges();
	test_loss_decreases();
	test_loss_blocks();
	test_gram_block();
	test_rec_tile();
	test_threads_identical();
	test_model_files();
	test_recommend();
	test_recommend_brute();
	test_portable_kernels();
	return t_done();
}
