/* als_fit.c: fitting and the training loss; see als.h. */
#include "als.h"
#include "als_impl.h"
#include "par.h"

#include <cblas.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Rows per unit of work handed to a thread: small enough to balance the
 * load, large enough that taking one costs nothing. */
#define ROW_CHUNK 64

/* ---- fitting ---- */

/* One side of the problem: rows (users or items) with their entries. */
typedef struct side {
	size_t rows;
	const uint64_t *indptr;
	const uint32_t *indices;
	const float *data;
} side;

/* One half-sweep: solve every row of s given the other side's factors. */
typedef struct sweep {
	const side *s;
	float *X;               /* rows x fp, solved */
	const float *Y;         /* the other side, fixed */
	const float *YtY;       /* fp x fp, reg on the diagonal */
	size_t f, fp;
	float alpha;
	unsigned steps;
	enum als_solver solver;
	const als_kernels *k;
	float *scratch;         /* per thread: see sweep_scratch_floats */
	size_t scratch_floats;
	atomic_int bad;         /* a row was not positive definite */
	atomic_size_t bad_row;  /* the first such row */
} sweep;

/* Everything a fit holds between its steps. */
typedef struct fit {
	const csr *m;
	const als_params *p;
	size_t f, fp;
	side users, items;
	float *X, *Y;           /* users x fp, items x fp */
	float *YtY;             /* fp x fp */
	float *scratch;
	void *tmem;             /* the item-major copy */
	sweep w;
} fit;

static size_t
sweep_scratch_floats(size_t fp)
{
	return fp * fp + 3 * fp;       /* U, r, p, ap */
}

static void
sweep_chunk(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	sweep *w = ctx;
	float *sc = w->scratch + (size_t)tid * w->scratch_floats;
	float *U = sc, *r = sc + w->fp * w->fp, *p = r + w->fp;
	float *ap = p + w->fp;
	size_t u;

	for (u = lo; u < hi; u++) {
		uint64_t a = w->s->indptr[u], z = w->s->indptr[u + 1];
		const uint32_t *idx = w->s->indices + a;
		const float *val = w->s->data + a;
		float *x = w->X + u * w->fp;

		if (w->solver == ALS_CG)
			w->k->cg_row(w->YtY, w->Y, w->f, w->fp, idx, val,
			    z - a, w->alpha, w->steps, x, r, p, ap);
		else if (w->k->chol_row(w->YtY, w->Y, w->f, w->fp, idx, val,
		    z - a, w->alpha, x, U, r) != 0) {
			/* Keep the first bad row, whichever thread finds
			 * it, so the message does not depend on -t. */
			size_t cur = atomic_load(&w->bad_row);

			while (u < cur && !atomic_compare_exchange_weak(
			    &w->bad_row, &cur, u))
				;
			atomic_store(&w->bad, 1);
		}
	}
}

/* YtY = Y'Y + reg*I over the f real factors (single-threaded OpenBLAS). */
static void
gram(const float *Y, size_t n, size_t f, size_t fp, double reg, float *YtY)
{
	size_t i, j;

	memset(YtY, 0, fp * fp * sizeof *YtY);
	if (n > 0)
		cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)fp,
		    (int)n, 1.0f, Y, (int)fp, 0.0f, YtY, (int)fp);
	for (i = 0; i < fp; i++)
		for (j = 0; j < i; j++)
			YtY[i * fp + j] = YtY[j * fp + i];
	for (i = 0; i < f; i++)
		YtY[i * fp + i] += (float)reg;
}

/* The item-major copy of m (rows ascending within each item). */
static int
transpose(const csr *m, side *t, void **mem)
{
	uint64_t *ptr;
	uint32_t *idx;
	float *val;
	size_t u, i;
	char *buf;

	buf = malloc((m->cols + 1) * sizeof *ptr + m->nnz * (sizeof *idx +
	    sizeof *val) + 16);
	if (buf == NULL)
		return -1;
	ptr = (uint64_t *)(void *)buf;
	val = (float *)(void *)(ptr + m->cols + 1);
	idx = (uint32_t *)(void *)(val + m->nnz);
	memset(ptr, 0, (m->cols + 1) * sizeof *ptr);
	for (i = 0; i < m->nnz; i++)
		ptr[m->indices[i] + 1]++;
	for (i = 0; i < m->cols; i++)
		ptr[i + 1] += ptr[i];
	for (u = 0; u < m->rows; u++) {
		uint64_t k;

		for (k = m->indptr[u]; k < m->indptr[u + 1]; k++) {
			uint32_t c = m->indices[k];
			uint64_t at = ptr[c]++;

			idx[at] = (uint32_t)u;
			val[at] = m->data[k];
		}
	}
	for (i = m->cols; i > 0; i--)
		ptr[i] = ptr[i - 1];
	ptr[0] = 0;
	t->rows = m->cols;
	t->indptr = ptr;
	t->indices = idx;
	t->data = val;
	*mem = buf;
	return 0;
}

/* Deterministic uniform floats on [0, 1): splitmix64. */
static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
init_factors(float *X, size_t rows, size_t f, size_t fp, uint64_t *state)
{
	size_t i, k;

	for (i = 0; i < rows; i++)
		for (k = 0; k < f; k++)
			X[i * fp + k] = (float)(splitmix64(state) >> 40) *
			    (1.0f / 16777216.0f) * 0.01f;
}

/* Allocates the factors (seeded), the Gram matrix, the scratch and the
 * item-major copy, and sets up the sweep. */
static int
fit_start(fit *ft, const csr *m, const als_params *p, rs_err *e)
{
	uint64_t rng;

	memset(ft, 0, sizeof *ft);
	ft->m = m;
	ft->p = p;
	ft->f = p->factors;
	ft->fp = (ft->f + 7) & ~(size_t)7;
	ft->users.rows = m->rows;
	ft->users.indptr = m->indptr;
	ft->users.indices = m->indices;
	ft->users.data = m->data;
	ft->X = als_falloc(m->rows * ft->fp);
	ft->Y = als_falloc(m->cols * ft->fp);
	ft->YtY = als_falloc(ft->fp * ft->fp);
	ft->scratch = als_falloc(p->threads * sweep_scratch_floats(ft->fp));
	if (ft->X == NULL || ft->Y == NULL || ft->YtY == NULL ||
	    ft->scratch == NULL || transpose(m, &ft->items, &ft->tmem) != 0)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	rng = p->seed;
	init_factors(ft->X, m->rows, ft->f, ft->fp, &rng);
	init_factors(ft->Y, m->cols, ft->f, ft->fp, &rng);
	ft->w.f = ft->f;
	ft->w.fp = ft->fp;
	ft->w.alpha = (float)p->alpha;
	ft->w.steps = p->cg_steps;
	ft->w.solver = p->solver;
	ft->w.k = als_kernels_pick();
	ft->w.scratch = ft->scratch;
	ft->w.scratch_floats = sweep_scratch_floats(ft->fp);
	ft->w.YtY = ft->YtY;
	return 0;
}

static void
fit_free(fit *ft)
{
	free(ft->X);
	free(ft->Y);
	free(ft->YtY);
	free(ft->scratch);
	free(ft->tmem);
}

/* Half 0 solves the users given the items, half 1 the items given the
 * users.  EX_DATAERR naming the first row whose system is singular. */
static int
half_sweep(fit *ft, int half, rs_err *e)
{
	const csr *m = ft->m;
	sweep *w = &ft->w;

	w->s = half == 0 ? &ft->users : &ft->items;
	w->X = half == 0 ? ft->X : ft->Y;
	w->Y = half == 0 ? ft->Y : ft->X;
	gram(w->Y, half == 0 ? m->cols : m->rows, ft->f, ft->fp, ft->p->reg,
	    ft->YtY);
	atomic_init(&w->bad, 0);
	atomic_init(&w->bad_row, SIZE_MAX);
	par_run(ft->p->threads, w->s->rows, ROW_CHUNK, sweep_chunk, w);
	if (atomic_load(&w->bad)) {
		size_t row = atomic_load(&w->bad_row);

		return rs_errf(e, EX_DATAERR, "%s %llu: the system is not "
		    "positive definite (regularization %g is too small)",
		    half == 0 ? "user" : "item", (unsigned long long)(half == 0 ?
		    m->row_ids[row] : m->col_ids[row]), ft->p->reg);
	}
	return 0;
}

/* X (rows x fp) as rows x f, for als_loss and the model; NULL when out
 * of memory. */
static float *
compact(const float *X, size_t rows, size_t f, size_t fp, float *to)
{
	size_t i;

	if (to == NULL)
		to = als_falloc(rows * f);
	if (to != NULL)
		for (i = 0; i < rows; i++)
			memcpy(to + i * f, X + i * fp, f * sizeof *to);
	return to;
}

/* The training loss of the current factors, NaN when out of memory. */
static double
fit_loss(const fit *ft)
{
	const csr *m = ft->m;
	float *cx = compact(ft->X, m->rows, ft->f, ft->fp, NULL);
	float *cy = compact(ft->Y, m->cols, ft->f, ft->fp, NULL);
	double loss = NAN;

	if (cx != NULL && cy != NULL)
		loss = als_loss(m, cx, cy, ft->f, ft->p->reg, ft->p->alpha,
		    ft->p->threads);
	free(cx);
	free(cy);
	return loss;
}

/* The model: ids and compact factors in one allocation. */
static int
fit_model(const fit *ft, als_model *out, rs_err *e)
{
	const csr *m = ft->m;
	size_t f = ft->f;
	char *buf = malloc((m->rows + m->cols) * (sizeof(uint64_t) +
	    f * sizeof(float)));

	if (buf == NULL)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	out->own = buf;
	out->users = m->rows;
	out->items = m->cols;
	out->factors = f;
	memcpy(buf, m->row_ids, m->rows * sizeof(uint64_t));
	out->user_ids = (const uint64_t *)(void *)buf;
	buf += m->rows * sizeof(uint64_t);
	memcpy(buf, m->col_ids, m->cols * sizeof(uint64_t));
	out->item_ids = (const uint64_t *)(void *)buf;
	buf += m->cols * sizeof(uint64_t);
	out->user_factors = compact(ft->X, m->rows, f, ft->fp,
	    (float *)(void *)buf);
	buf += m->rows * f * sizeof(float);
	out->item_factors = compact(ft->Y, m->cols, f, ft->fp,
	    (float *)(void *)buf);
	out->params = *ft->p;
	container_id(&m->file, out->source);
	out->source_nnz = m->nnz;
	return 0;
}

int
als_fit(const csr *m, const als_params *p, als_model *out,
    als_progress_fn progress, void *arg, rs_err *e)
{
	const char *why = als_check_params(p);
	unsigned it;
	int rc, half;
	fit ft;

	memset(out, 0, sizeof *out);
	if (why != NULL)
		return rs_errf(e, EX_USAGE, "%s", why);
	/* BLAS takes int dimensions; item-side rows are u32 user indices. */
	if (m->rows > INT32_MAX || m->cols > INT32_MAX)
		return rs_errf(e, EX_DATAERR, "%s: %zu x %zu: too many rows "
		    "or columns (at most %d)", m->file.path != NULL ?
		    m->file.path : "matrix", m->rows, m->cols, INT32_MAX);
	/* Parallelism is ours, over rows; a threaded BLAS inside each
	 * thread would oversubscribe the cores (about 10x slower). */
	openblas_set_num_threads(1);
	if ((rc = fit_start(&ft, m, p, e)) != 0)
		goto done;
	for (it = 0; it < p->iterations; it++) {
		double t0 = par_now_s();
		als_progress pr;

		for (half = 0; half < 2; half++)
			if ((rc = half_sweep(&ft, half, e)) != 0)
				goto done;
		if (progress != NULL) {
			pr.iteration = it + 1;
			pr.iterations = p->iterations;
			pr.seconds = par_now_s() - t0;
			pr.loss = p->loss ? fit_loss(&ft) : NAN;
			progress(&pr, arg);
		}
	}
	rc = fit_model(&ft, out, e);
done:
	fit_free(&ft);
	return rc;
}

/* ---- loss ---- */

typedef struct lossctx {
	const csr *m;
	const float *X, *Y;
	double *YtY;            /* f x f, double, no reg */
	size_t f;
	double alpha;
	double *part;           /* per chunk: [loss, confidence, |x|^2] */
} lossctx;

static void
loss_chunk(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	lossctx *l = ctx;
	size_t f = l->f, u, j, k;
	double *part = l->part + 3 * (lo / ROW_CHUNK);

	(void)tid;
	part[0] = part[1] = part[2] = 0;
	for (u = lo; u < hi; u++) {
		const float *x = l->X + u * f;
		uint64_t q;

		/* x' YtY x: every pair counted with confidence 1 ... */
		for (j = 0; j < f; j++) {
			double s = 0;

			for (k = 0; k < f; k++)
				s += l->YtY[j * f + k] * x[k];
			part[0] += s * x[j];
			part[2] += (double)x[j] * x[j];
		}
		/* ... then corrected on the stored entries. */
		for (q = l->m->indptr[u]; q < l->m->indptr[u + 1]; q++) {
			const float *y = l->Y + (size_t)l->m->indices[q] * f;
			double c = l->alpha * l->m->data[q], pref = 1, d = 0;

			if (!(c > 0)) {
				pref = 0;
				c = -c;
			}
			for (k = 0; k < f; k++)
				d += (double)x[k] * y[k];
			part[0] += (c - 1) * d * d - 2 * c * pref * d +
			    c * pref;
			part[1] += c;
		}
	}
}

double
als_loss(const csr *m, const float *X, const float *Y, size_t f,
    double reg, double alpha, unsigned threads)
{
	size_t nchunks = (m->rows + ROW_CHUNK - 1) / ROW_CHUNK, i, j, k;
	double loss = 0, conf = 0, xnorm = 0, ynorm = 0;
	lossctx l;

	l.YtY = calloc(f * f, sizeof *l.YtY);
	l.part = calloc(3 * (nchunks + 1), sizeof *l.part);
	if (l.YtY == NULL || l.part == NULL) {
		free(l.YtY);
		free(l.part);
		return NAN;
	}
	for (i = 0; i < m->cols; i++) {
		const float *y = Y + i * f;

		for (j = 0; j < f; j++) {
			ynorm += (double)y[j] * y[j];
			for (k = 0; k < f; k++)
				l.YtY[j * f + k] += (double)y[j] * y[k];
		}
	}
	l.m = m;
	l.X = X;
	l.Y = Y;
	l.f = f;
	l.alpha = alpha;
	par_run(threads < 1 ? 1 : threads, m->rows, ROW_CHUNK, loss_chunk,
	    &l);
	for (i = 0; i < nchunks; i++) {
		loss += l.part[3 * i];
		conf += l.part[3 * i + 1];
		xnorm += l.part[3 * i + 2];
	}
	free(l.YtY);
	free(l.part);
	loss += reg * (xnorm + ynorm);
	conf += (double)m->rows * (double)m->cols - (double)m->nnz;
	return conf > 0 ? loss / conf : loss;
}

