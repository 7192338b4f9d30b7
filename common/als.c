/* als.c: see als.h. */
#include "als.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows per unit of work handed to a thread: small enough to balance the
 * load, large enough that taking one costs nothing. */
#define ROW_CHUNK 64
/* Recommendation: users per unit of work (a multiple of 6), and the bytes
 * of item panels scored before moving on, to stay in a 512 KiB L2. */
#define REC_BLOCK 96
#define REC_CHUNK_BYTES (192 * 1024)
#define REC_HEAP_BYTES ((size_t)256 << 20)

typedef float v8f __attribute__((vector_size(32)));

/* ---- kernels: AVX2+FMA and portable builds of als_kern.h ---- */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#if defined(__clang__)   /* clang ignores GCC's target pragma */
#pragma clang attribute push (__attribute__((target("avx2,fma"))), \
	apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#define KSUF avx2
#define KFMA(a, b, c) ((v8f)_mm256_fmadd_ps((__m256)(a), (__m256)(b), \
	(__m256)(c)))
#define KANYGE(a, t) (_mm256_movemask_ps(_mm256_cmp_ps((__m256)(a), \
	(__m256)(t), _CMP_GE_OQ)) != 0)
#include "als_kern.h"
#undef KSUF
#undef KFMA
#undef KANYGE
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#define HAVE_AVX2_KERNELS 1
#endif

/* A macro, not a function: passing a 32-byte vector by value to a
 * function built without AVX changes the ABI (clang warns, -Wpsabi). */
#define any_ge(a, t) __extension__ ({ \
	v8f a_ = (a), t_ = (t); \
	int r_ = 0, j_; \
	for (j_ = 0; j_ < 8; j_++) \
		r_ |= a_[j_] >= t_[j_]; \
	r_; })

#define KSUF generic
#define KFMA(a, b, c) ((a) * (b) + (c))
#define KANYGE(a, t) any_ge(a, t)
#include "als_kern.h"
#undef KSUF
#undef KFMA
#undef KANYGE

static int portable_only;

void
als_portable_kernels(int on)
{
	portable_only = on;
}

static int
use_avx2(void)
{
#ifdef HAVE_AVX2_KERNELS
	if (portable_only)
		return 0;
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
	return 0;
#endif
}

const char *
als_kernels_info(void)
{
#ifdef HAVE_AVX2_KERNELS
	return use_avx2() ? "avx2+fma and portable compiled in; this CPU: "
	    "avx2+fma" : "avx2+fma and portable compiled in; this CPU: "
	    "portable";
#else
	return "portable only (no avx2+fma kernels compiled in)";
#endif
}

/* ---- parameters ---- */

void
als_params_default(als_params *p)
{
	memset(p, 0, sizeof *p);
	p->factors = 50;
	p->reg = 0.05;
	p->alpha = 1;
	p->iterations = 50;
	p->solver = ALS_CG;
	p->cg_steps = 3;
	p->seed = 123;
	p->threads = 1;
}

const char *
als_check_params(const als_params *p)
{
	if (p->factors < 1 || p->factors > ALS_MAX_FACTORS)
		return "the number of factors must be 1 to 1024";
	if (!(p->reg >= 0) || !isfinite(p->reg))
		return "the regularization must be a finite number >= 0";
	if (!(p->alpha > 0) || !isfinite(p->alpha))
		return "alpha must be a finite number > 0";
	if (p->iterations > 100000)
		return "the number of iterations must be 0 to 100000";
	if (p->solver != ALS_CG && p->solver != ALS_CHOLESKY)
		return "unknown solver";
	if (p->solver == ALS_CG && (p->cg_steps < 1 || p->cg_steps > 1000))
		return "the number of CG steps must be 1 to 1000";
	if (p->threads < 1 || p->threads > ALS_MAX_THREADS)
		return "the number of threads must be 1 to 256";
	return NULL;
}

/* ---- a tiny thread pool: one run per call, chunks taken in turn ---- */

typedef struct par {
	void (*fn)(void *ctx, size_t lo, size_t hi, unsigned tid);
	void *ctx;
	size_t n, chunk;
	atomic_size_t next;
	unsigned tid_next;
	pthread_mutex_t mu;
} par;

static void *
par_worker(void *arg)
{
	par *pr = arg;
	unsigned tid;
	size_t lo;

	pthread_mutex_lock(&pr->mu);
	tid = pr->tid_next++;
	pthread_mutex_unlock(&pr->mu);
	while ((lo = atomic_fetch_add(&pr->next, pr->chunk)) < pr->n) {
		size_t hi = lo + pr->chunk < pr->n ? lo + pr->chunk : pr->n;

		pr->fn(pr->ctx, lo, hi, tid);
	}
	return NULL;
}

/*
 * Calls fn(ctx, lo, hi, tid) over [0, n) in chunks of chunk on threads
 * threads (tid < threads).  Which thread takes which chunk varies; callers
 * make each chunk's result independent of that.  If a thread cannot be
 * started the others (at least the calling one) do its share.
 */
static void
par_run(unsigned threads, size_t n, size_t chunk,
    void (*fn)(void *, size_t, size_t, unsigned), void *ctx)
{
	pthread_t th[ALS_MAX_THREADS];
	unsigned started = 0, t;
	par pr;

	pr.fn = fn;
	pr.ctx = ctx;
	pr.n = n;
	pr.chunk = chunk;
	atomic_init(&pr.next, 0);
	pr.tid_next = 0;
	pthread_mutex_init(&pr.mu, NULL);
	if (threads > 1 && n > chunk)
		for (t = 1; t < threads; t++) {
			if (pthread_create(&th[started], NULL, par_worker,
			    &pr) != 0)
				break;
			started++;
		}
	par_worker(&pr);
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&pr.mu);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- fitting ---- */

/* One side of the problem: rows (users or items) with their entries. */
typedef struct side {
	size_t rows;
	const uint64_t *indptr;
	const uint32_t *indices;
	const float *data;
} side;

typedef struct sweep {
	const side *s;
	float *X;               /* rows x fp, solved */
	const float *Y;         /* the other side, fixed */
	const float *YtY;       /* fp x fp, reg on the diagonal */
	size_t f, fp;
	float alpha;
	unsigned steps;
	enum als_solver solver;
	int avx2;
	float *scratch;         /* per thread: see sweep_scratch_floats */
	size_t scratch_floats;
	atomic_int bad;         /* a row was not positive definite */
	atomic_size_t bad_row;  /* the first such row */
} sweep;

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
		int rc = 0;

		if (w->solver == ALS_CG) {
#ifdef HAVE_AVX2_KERNELS
			if (w->avx2)
				cg_row_avx2(w->YtY, w->Y, w->f, w->fp, idx,
				    val, z - a, w->alpha, w->steps, x, r, p,
				    ap);
			else
#endif
				cg_row_generic(w->YtY, w->Y, w->f, w->fp, idx,
				    val, z - a, w->alpha, w->steps, x, r, p,
				    ap);
		} else {
#ifdef HAVE_AVX2_KERNELS
			if (w->avx2)
				rc = chol_row_avx2(w->YtY, w->Y, w->f, w->fp,
				    idx, val, z - a, w->alpha, x, U, r);
			else
#endif
				rc = chol_row_generic(w->YtY, w->Y, w->f,
				    w->fp, idx, val, z - a, w->alpha, x, U, r);
		}
		if (rc != 0) {
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

static float *
falloc(size_t n)
{
	size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
	float *p = aligned_alloc(64, bytes > 0 ? bytes : 64);

	if (p != NULL)
		memset(p, 0, bytes);
	return p;
}

int
als_fit(const csr *m, const als_params *p, als_model *out,
    als_progress_fn progress, void *arg, rs_err *e)
{
	const char *why = als_check_params(p);
	size_t f = p->factors, fp = (f + 7) & ~(size_t)7, i, k;
	float *X = NULL, *Y = NULL, *YtY = NULL, *scratch = NULL;
	uint64_t rng;
	void *tmem = NULL;
	side users, items;
	sweep w;
	char *buf;
	unsigned it;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (why != NULL)
		return rs_errf(e, EX_USAGE, "%s", why);
	/* BLAS takes int dimensions; item-side rows are u32 user indices. */
	if (m->rows > INT32_MAX || m->cols > INT32_MAX)
		return rs_errf(e, EX_DATAERR, "%s: %zu x %zu: too many rows "
		    "or columns (at most %d)", m->file.path != NULL ?
		    m->file.path : "matrix", m->rows, m->cols, INT32_MAX);
	/* Parallelism is ours, over rows; a threaded BLAS inside each
	 * thread would oversubscribe the cores (about 10x slower).  The
	 * reference BLAS (config.mk BLAS=netlib) has no threads. */
#ifndef RS_BLAS_NETLIB
	openblas_set_num_threads(1);
#endif
	users.rows = m->rows;
	users.indptr = m->indptr;
	users.indices = m->indices;
	users.data = m->data;
	X = falloc(m->rows * fp);
	Y = falloc(m->cols * fp);
	YtY = falloc(fp * fp);
	scratch = falloc(p->threads * sweep_scratch_floats(fp));
	if (X == NULL || Y == NULL || YtY == NULL || scratch == NULL ||
	    transpose(m, &items, &tmem) != 0) {
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
		goto done;
	}
	rng = p->seed;
	init_factors(X, m->rows, f, fp, &rng);
	init_factors(Y, m->cols, f, fp, &rng);

	memset(&w, 0, sizeof w);
	w.f = f;
	w.fp = fp;
	w.alpha = (float)p->alpha;
	w.steps = p->cg_steps;
	w.solver = p->solver;
	w.avx2 = use_avx2();
	w.scratch = scratch;
	w.scratch_floats = sweep_scratch_floats(fp);
	w.YtY = YtY;
	for (it = 0; it < p->iterations; it++) {
		double t0 = now_s();
		als_progress pr;
		int half;

		for (half = 0; half < 2; half++) {
			const side *s = half == 0 ? &users : &items;

			w.s = s;
			w.X = half == 0 ? X : Y;
			w.Y = half == 0 ? Y : X;
			gram(w.Y, half == 0 ? m->cols : m->rows, f, fp,
			    p->reg, YtY);
			atomic_init(&w.bad, 0);
			atomic_init(&w.bad_row, SIZE_MAX);
			par_run(p->threads, s->rows, ROW_CHUNK, sweep_chunk,
			    &w);
			if (atomic_load(&w.bad)) {
				size_t row = atomic_load(&w.bad_row);

				rc = rs_errf(e, EX_DATAERR, "%s %llu: the "
				    "system is not positive definite "
				    "(regularization %g is too small)",
				    half == 0 ? "user" : "item",
				    (unsigned long long)(half == 0 ?
				    m->row_ids[row] : m->col_ids[row]),
				    p->reg);
				goto done;
			}
		}
		if (progress != NULL) {
			pr.iteration = it + 1;
			pr.iterations = p->iterations;
			pr.seconds = now_s() - t0;
			pr.loss = NAN;
			if (p->loss) {
				/* als_loss wants stride f: compact copies. */
				float *cx = falloc(m->rows * f);
				float *cy = falloc(m->cols * f);

				if (cx != NULL && cy != NULL) {
					for (i = 0; i < m->rows; i++)
						memcpy(cx + i * f, X + i * fp,
						    f * sizeof *cx);
					for (i = 0; i < m->cols; i++)
						memcpy(cy + i * f, Y + i * fp,
						    f * sizeof *cy);
					pr.loss = als_loss(m, cx, cy, f,
					    p->reg, p->alpha, p->threads);
				}
				free(cx);
				free(cy);
			}
			progress(&pr, arg);
		}
	}

	/* The model: ids and compact factors in one allocation. */
	buf = malloc((m->rows + m->cols) * (sizeof(uint64_t) +
	    f * sizeof(float)));
	if (buf == NULL) {
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
		goto done;
	}
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
	for (i = 0; i < m->rows; i++)
		for (k = 0; k < f; k++)
			((float *)(void *)buf)[i * f + k] = X[i * fp + k];
	out->user_factors = (const float *)(void *)buf;
	buf += m->rows * f * sizeof(float);
	for (i = 0; i < m->cols; i++)
		for (k = 0; k < f; k++)
			((float *)(void *)buf)[i * f + k] = Y[i * fp + k];
	out->item_factors = (const float *)(void *)buf;
	out->params = *p;
	container_id(&m->file, out->source);
	out->source_nnz = m->nnz;
done:
	free(X);
	free(Y);
	free(YtY);
	free(scratch);
	free(tmem);
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

/* ---- model files ---- */

/* The shortest of %.15g..%.17g that reads back as v. */
static void
fmt_double(char *buf, size_t size, double v)
{
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, size, "%.17g", v);
}

int
als_model_save(const als_model *mod, const char *path, rs_err *e)
{
	char reg[32], alpha[32];
	container_writer *w = container_writer_new(ALS_KIND, ALS_VERSION);
	const als_params *p = &mod->params;
	int rc;

	if (w == NULL)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	container_writer_param(w, "users", "%zu", mod->users);
	container_writer_param(w, "items", "%zu", mod->items);
	container_writer_param(w, "factors", "%zu", mod->factors);
	fmt_double(reg, sizeof reg, p->reg);
	fmt_double(alpha, sizeof alpha, p->alpha);
	container_writer_param(w, "regularization", "%s", reg);
	container_writer_param(w, "alpha", "%s", alpha);
	container_writer_param(w, "iterations", "%u", p->iterations);
	container_writer_param(w, "solver", "%s", p->solver == ALS_CG ? "cg" : "cholesky");
	container_writer_param(w, "cg_steps", "%u", p->solver == ALS_CG ? p->cg_steps : 0);
	container_writer_param(w, "seed", "%llu", (unsigned long long)p->seed);
	container_writer_param(w, "source", "%s", mod->source);
	container_writer_param(w, "source_nnz", "%llu",
	    (unsigned long long)mod->source_nnz);
	container_writer_section(w, "user_ids", mod->user_ids,
	    mod->users * sizeof(uint64_t));
	container_writer_section(w, "item_ids", mod->item_ids,
	    mod->items * sizeof(uint64_t));
	container_writer_section(w, "user_factors", mod->user_factors,
	    mod->users * mod->factors * sizeof(float));
	container_writer_section(w, "item_factors", mod->item_factors,
	    mod->items * mod->factors * sizeof(float));
	rc = container_writer_write(w, path, e);
	container_writer_free(w);
	return rc;
}

static int
model_bad(als_model *mod, rs_err *e, const char *fmt, const char *what,
    size_t where)
{
	char msg[256];

	snprintf(msg, sizeof msg, fmt, what, where);
	rs_errf(e, EX_DATAERR, "%s: corrupt model: %s", mod->file.path, msg);
	als_model_free(mod);
	return EX_DATAERR;
}

int
als_model_load(als_model *mod, const char *path, rs_err *e)
{
	uint64_t users, items, factors, v;
	const void *q;
	char solver[16];
	size_t n, i;
	int rc;

	memset(mod, 0, sizeof *mod);
	if ((rc = container_open(&mod->file, path, ALS_KIND, ALS_VERSION,
	    CONTAINER_VERIFY, e)) != 0)
		return rc;
	mod->mapped = 1;
	if ((rc = container_param_u64(&mod->file, "users", &users, e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "items", &items, e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "factors", &factors, e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "iterations", &v, e)) != 0)
		goto fail;
	if (factors < 1 || factors > ALS_MAX_FACTORS)
		return model_bad(mod, e, "%s: %zu", "bad number of factors",
		    (size_t)factors);
	if (items > UINT32_MAX || users > UINT32_MAX)
		return model_bad(mod, e, "%s (%zu)", "too many rows",
		    (size_t)(items > users ? items : users));
	mod->params.iterations = (unsigned)v;
	if ((rc = container_param_u64(&mod->file, "seed", &mod->params.seed,
	    e)) != 0 ||
	    (rc = container_param_double(&mod->file, "regularization",
	    &mod->params.reg, e)) != 0 ||
	    (rc = container_param_double(&mod->file, "alpha", &mod->params.alpha,
	    e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "cg_steps", &v, e)) != 0)
		goto fail;
	mod->params.cg_steps = (unsigned)v;
	if (container_param(&mod->file, "solver", solver, sizeof solver) != 0 ||
	    (strcmp(solver, "cg") != 0 && strcmp(solver, "cholesky") != 0))
		return model_bad(mod, e, "%s%zu", "no valid solver parameter",
		    0);
	mod->params.solver = solver[0] == 'c' && solver[1] == 'g' ?
	    ALS_CG : ALS_CHOLESKY;
	mod->params.factors = (unsigned)factors;
	mod->params.threads = 1;
	if (container_param(&mod->file, "source", mod->source,
	    sizeof mod->source) != 0)
		mod->source[0] = '\0';
	mod->users = users;
	mod->items = items;
	mod->factors = factors;
	if ((rc = container_array(&mod->file, "user_ids", 8, users, &q, &n,
	    e)) != 0)
		goto fail;
	mod->user_ids = q;
	if ((rc = container_array(&mod->file, "item_ids", 8, items, &q, &n,
	    e)) != 0)
		goto fail;
	mod->item_ids = q;
	if ((rc = container_array(&mod->file, "user_factors", 4, users * factors,
	    &q, &n, e)) != 0)
		goto fail;
	mod->user_factors = q;
	if ((rc = container_array(&mod->file, "item_factors", 4, items * factors,
	    &q, &n, e)) != 0)
		goto fail;
	mod->item_factors = q;
	for (i = 1; i < users; i++)
		if (mod->user_ids[i] <= mod->user_ids[i - 1])
			return model_bad(mod, e, "%s (at %zu)",
			    "user ids not ascending", i);
	for (i = 1; i < items; i++)
		if (mod->item_ids[i] <= mod->item_ids[i - 1])
			return model_bad(mod, e, "%s (at %zu)",
			    "item ids not ascending", i);
	for (i = 0; i < users * factors; i++)
		if (!isfinite(mod->user_factors[i]))
			return model_bad(mod, e, "%s (at %zu)",
			    "user factor not finite", i);
	for (i = 0; i < items * factors; i++)
		if (!isfinite(mod->item_factors[i]))
			return model_bad(mod, e, "%s (at %zu)",
			    "item factor not finite", i);
	return 0;
fail:
	als_model_free(mod);
	return rc;
}

void
als_model_free(als_model *mod)
{
	if (mod->mapped)
		container_close(&mod->file);
	free(mod->own);
	memset(mod, 0, sizeof *mod);
}

int64_t
als_find_id(const uint64_t *ids, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? (int64_t)lo : -1;
}

/* ---- recommendation ---- */

/* A candidate: the heap keeps the worst of the best n at its root. */
typedef struct cand {
	float score;
	uint32_t item;
} cand;

/* a is worse than b: lower score, or equal score and larger item id. */
static int
worse(const cand *a, const cand *b)
{
	return a->score < b->score ||
	    (a->score == b->score && a->item > b->item);
}

static void
sift_down(cand *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, w = i;
		cand t;

		if (l < n && worse(&h[l], &h[w]))
			w = l;
		if (l + 1 < n && worse(&h[l + 1], &h[w]))
			w = l + 1;
		if (w == i)
			return;
		t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void
sift_up(cand *h, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		cand t;

		if (!worse(&h[i], &h[parent]))
			return;
		t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

typedef struct recctx {
	const als_model *mod;
	const uint32_t *users;  /* this round's users */
	size_t n;               /* list length wanted (<= items) */
	const float *panels;    /* item factors in panels of 16 items */
	const uint32_t *perm;   /* panel slot -> item, by norm descending */
	const double *pnorm;    /* per panel: the largest item norm, padded */
	size_t npanels, chunk;  /* panels per cache-sized chunk */
	const csr *seen;
	const int64_t *seen_row;        /* per round user: row or -1 */
	const uint32_t *seen_col;       /* seen column -> model item */
	unsigned (*tile)(const float *, const float *, size_t, const float *,
	    float *);
	cand *heaps;            /* per round user: n */
	size_t *counts;         /* per round user */
	int *zero;              /* per round user: all-zero factors */
	atomic_size_t filtered;
	atomic_size_t scored;   /* tiles (6 users x 16 items) scored */
	atomic_size_t tiles;    /* tiles there would be without pruning */
	atomic_int oom;
} recctx;

/* The heap of user ru takes item it with score sc; returns the new
 * threshold (the worst score held once full, else -inf). */
static float
rec_push(recctx *r, size_t ru, uint32_t it, float sc)
{
	cand *h = r->heaps + ru * r->n;
	size_t cnt = r->counts[ru];

	if (cnt < r->n) {
		h[cnt].score = sc;
		h[cnt].item = it;
		sift_up(h, cnt);
		r->counts[ru] = ++cnt;
		return cnt == r->n ? h[0].score : -INFINITY;
	}
	h[0].score = sc;
	h[0].item = it;
	sift_down(h, cnt, 0);
	return h[0].score;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Item it is in the ascending list s[0..n-1] (only asked of the few
 * candidates that would enter a list). */
static int
in_sorted(const uint32_t *s, size_t n, uint32_t it)
{
	return n > 0 && bsearch(&it, s, n, sizeof *s, u32_cmp) != NULL;
}

/*
 * One block of users [lo, hi) of the round: panels in cache-sized chunks,
 * users six at a time against each panel of 16 items.  Panels come in
 * descending order of item norm, so by Cauchy-Schwarz no item of panel p
 * or later can score above |x| pnorm[p]: once that bound is below the
 * user's worst held score the user is done, and a group of six stops when
 * all six are.  An item enters a heap when it is better than the worst
 * held (higher score, or equal score and lower id), so the result is the
 * exact top-n whatever the order of the items.
 */
static void
rec_block(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	recctx *r = ctx;
	const als_model *mod = r->mod;
	size_t f = mod->factors, nb = hi - lo, nbp = (nb + 5) / 6 * 6;
	size_t b, j, p0, mb, nseen = 0, filtered = 0, scored = 0;
	float *X, *thr, out[96] __attribute__((aligned(32)));
	double *xnorm;
	uint32_t *seen = NULL;
	size_t *sbeg, *send;
	unsigned char *done;
	char *mem;

	(void)tid;
	if (r->seen_row != NULL)
		for (b = 0; b < nb; b++)
			if (r->seen_row[lo + b] >= 0)
				nseen += r->seen->indptr[r->seen_row[lo + b] +
				    1] - r->seen->indptr[r->seen_row[lo + b]];
	mem = aligned_alloc(64, ((nbp * f + nbp) * sizeof(float) +
	    nbp * sizeof(double) + 2 * nbp * sizeof(size_t) +
	    nseen * sizeof(uint32_t) + nbp + 63) & ~(size_t)63);
	if (mem == NULL) {
		atomic_store(&r->oom, 1);
		return;
	}
	X = (float *)(void *)mem;
	thr = X + nbp * f;
	xnorm = (double *)(void *)(thr + nbp + (nbp & 1));
	sbeg = (size_t *)(void *)(xnorm + nbp);
	send = sbeg + nbp;
	seen = (uint32_t *)(void *)(send + nbp);
	done = (unsigned char *)(seen + nseen);
	memset(X, 0, nbp * f * sizeof *X);
	nseen = 0;
	for (b = 0; b < nbp; b++) {
		size_t ru = lo + b;
		const float *x;
		double nn = 0;

		sbeg[b] = send[b] = nseen;
		thr[b] = INFINITY;
		xnorm[b] = 0;
		done[b] = 1;            /* padding and zero users */
		if (b >= nb)
			continue;
		x = mod->user_factors + (size_t)r->users[ru] * f;
		memcpy(X + b * f, x, f * sizeof *X);
		r->counts[ru] = 0;
		for (j = 0; j < f; j++)
			nn += (double)x[j] * x[j];
		r->zero[ru] = nn == 0;
		if (r->zero[ru])
			continue;
		xnorm[b] = sqrt(nn);
		thr[b] = -INFINITY;
		done[b] = 0;
		if (r->seen_row != NULL && r->seen_row[ru] >= 0) {
			const csr *m = r->seen;
			uint64_t q;

			/* Ascending: the id maps are monotone. */
			for (q = m->indptr[r->seen_row[ru]];
			    q < m->indptr[r->seen_row[ru] + 1]; q++)
				if (r->seen_col[m->indices[q]] != UINT32_MAX)
					seen[nseen++] =
					    r->seen_col[m->indices[q]];
			send[b] = nseen;
			filtered += send[b] - sbeg[b];
		}
	}
	for (p0 = 0; p0 < r->npanels; p0 += r->chunk) {
		size_t p1 = p0 + r->chunk < r->npanels ? p0 + r->chunk :
		    r->npanels;

		for (mb = 0; mb < nbp; mb += 6) {
			size_t p;

			for (p = p0; p < p1; p++) {
				unsigned mask, alive = 0, u;

				for (u = 0; u < 6; u++) {
					size_t bu = mb + u;

					if (!done[bu] && thr[bu] > xnorm[bu] *
					    r->pnorm[p])
						done[bu] = 1;
					alive |= !done[bu];
				}
				if (!alive)
					break;
				scored++;
				mask = r->tile(X + mb * f,
				    r->panels + p * f * 16, f, thr + mb, out);
				while (mask != 0) {
					size_t bu;

					u = (unsigned)__builtin_ctz(mask);
					bu = mb + u;
					mask &= mask - 1;
					for (j = 0; j < 16; j++) {
						uint32_t it = r->perm[p * 16 +
						    j];
						float sc = out[u * 16 + j];
						cand c = {sc, it};
						const cand *h = r->heaps +
						    (lo + bu) * r->n;

						if (it == UINT32_MAX ||
						    !(sc >= thr[bu]) ||
						    (r->counts[lo + bu] ==
						    r->n && !worse(h, &c)))
							continue;
						if (in_sorted(seen + sbeg[bu],
						    send[bu] - sbeg[bu], it))
							continue;
						thr[bu] = rec_push(r, lo + bu,
						    it, sc);
					}
				}
			}
		}
	}
	free(mem);
	atomic_fetch_add(&r->filtered, filtered);
	atomic_fetch_add(&r->scored, scored);
	atomic_fetch_add(&r->tiles, nbp / 6 * r->npanels);
}

/* Sorts item indices by norm descending, then index ascending. */
static const double *sort_norms;

static int
norm_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (sort_norms[x] != sort_norms[y])
		return sort_norms[x] > sort_norms[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

int
als_recommend(const als_model *mod, const uint32_t *users, size_t nusers,
    size_t n, const csr *seen, unsigned threads, als_rec_sink sink,
    void *arg, als_rec_stats *st, rs_err *e)
{
	size_t round = (size_t)threads * 8 * REC_BLOCK, f = mod->factors;
	size_t r0, i, j, k;
	uint32_t *seen_col = NULL, *items = NULL;
	int64_t *seen_row = NULL;
	float *scores = NULL, *panels = NULL;
	double *norms = NULL, *pnorm = NULL;
	uint32_t *perm = NULL;
	recctx r;
	int rc = 0;

	memset(st, 0, sizeof *st);
	memset(&r, 0, sizeof r);
	if (threads < 1 || threads > ALS_MAX_THREADS)
		return rs_errf(e, EX_USAGE, "the number of threads must be "
		    "1 to 256");
	if (n > mod->items)
		n = mod->items;
	if (n == 0 || nusers == 0)
		return 0;
	/* A round holds a heap of n per user: keep it within REC_HEAP_BYTES
	 * when lists are long (at the cost of parallelism: at least one
	 * block per round). */
	while (round > REC_BLOCK && round * n * sizeof(cand) > REC_HEAP_BYTES)
		round /= 2;
	round = (round + REC_BLOCK - 1) / REC_BLOCK * REC_BLOCK;
	r.mod = mod;
	r.n = n;
	r.seen = seen;
	r.npanels = (mod->items + 15) / 16;
	r.chunk = REC_CHUNK_BYTES / (f * 16 * sizeof(float));
	if (r.chunk < 1)
		r.chunk = 1;
#ifdef HAVE_AVX2_KERNELS
	r.tile = use_avx2() ? rec_tile_avx2 : rec_tile_generic;
#else
	r.tile = rec_tile_generic;
#endif
	panels = falloc(r.npanels * f * 16);
	norms = malloc(mod->items * sizeof *norms);
	pnorm = malloc(r.npanels * sizeof *pnorm);
	perm = malloc(r.npanels * 16 * sizeof *perm);
	r.heaps = malloc(round * n * sizeof *r.heaps);
	r.counts = malloc(round * sizeof *r.counts);
	r.zero = malloc(round * sizeof *r.zero);
	items = malloc(n * sizeof *items);
	scores = malloc(n * sizeof *scores);
	if (seen != NULL) {
		seen_col = malloc((seen->cols + 1) * sizeof *seen_col);
		seen_row = malloc(round * sizeof *seen_row);
	}
	if (panels == NULL || norms == NULL || pnorm == NULL || perm == NULL ||
	    r.heaps == NULL || r.counts == NULL ||
	    r.zero == NULL || items == NULL || scores == NULL ||
	    (seen != NULL && (seen_col == NULL || seen_row == NULL))) {
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
		goto done;
	}
	/*
	 * Panels hold the items by norm descending (panel p: slots 16p to
	 * 16p+15, factor by factor); empty slots are zeros with item
	 * UINT32_MAX.  pnorm[p] bounds every score in panels p and later per
	 * unit of user norm, padded for the float rounding of a dot product
	 * of length f (at most about f ulps of |x||y|).
	 */
	for (i = 0; i < mod->items; i++) {
		double nn = 0;

		for (k = 0; k < f; k++)
			nn += (double)mod->item_factors[i * f + k] *
			    mod->item_factors[i * f + k];
		norms[i] = sqrt(nn);
		perm[i] = (uint32_t)i;
	}
	sort_norms = norms;
	qsort(perm, mod->items, sizeof *perm, norm_cmp);
	for (i = mod->items; i < r.npanels * 16; i++)
		perm[i] = UINT32_MAX;
	for (i = 0; i < mod->items; i++)
		for (k = 0; k < f; k++)
			panels[(i / 16 * f + k) * 16 + i % 16] =
			    mod->item_factors[(size_t)perm[i] * f + k];
	for (i = 0; i < r.npanels; i++)
		pnorm[i] = norms[perm[16 * i]] * (1 + 4.0 * (double)f *
		    FLT_EPSILON) + 1e-30;
	r.perm = perm;
	r.pnorm = pnorm;
	r.panels = panels;
	if (seen != NULL) {
		/* Both id arrays ascend: one merge maps the columns. */
		for (i = 0, j = 0; i < seen->cols; i++) {
			while (j < mod->items && mod->item_ids[j] <
			    seen->col_ids[i])
				j++;
			seen_col[i] = j < mod->items && mod->item_ids[j] ==
			    seen->col_ids[i] ? (uint32_t)j : UINT32_MAX;
		}
		r.seen_col = seen_col;
		r.seen_row = seen_row;
	}
	atomic_init(&r.filtered, 0);
	atomic_init(&r.scored, 0);
	atomic_init(&r.tiles, 0);
	atomic_init(&r.oom, 0);
	for (r0 = 0; r0 < nusers; r0 += round) {
		size_t nr = nusers - r0 < round ? nusers - r0 : round;

		r.users = users + r0;
		if (seen != NULL)
			for (i = 0; i < nr; i++)
				seen_row[i] = als_find_id(seen->row_ids,
				    seen->rows, mod->user_ids[users[r0 + i]]);
		par_run(threads, nr, REC_BLOCK, rec_block, &r);
		if (atomic_load(&r.oom)) {
			rc = rs_errf(e, EX_SOFTWARE, "out of memory");
			goto done;
		}
		for (i = 0; i < nr; i++) {
			cand *h = r.heaps + i * n;
			size_t cnt = r.counts[i];

			if (r.zero[i]) {
				st->zero_users++;
				continue;
			}
			qsort(h, cnt, sizeof *h, cand_cmp);
			for (k = 0; k < cnt; k++) {
				items[k] = h[k].item;
				scores[k] = h[k].score;
			}
			st->lists++;
			if ((rc = sink(arg, users[r0 + i], items, scores, cnt,
			    e)) != 0)
				goto done;
		}
	}
	st->filtered = atomic_load(&r.filtered);
	st->scored = atomic_load(&r.scored);
	st->tiles = atomic_load(&r.tiles);
done:
	free(panels);
	free(norms);
	free(pnorm);
	free(perm);
	free(r.heaps);
	free(r.counts);
	free(r.zero);
	free(items);
	free(scores);
	free(seen_col);
	free(seen_row);
	return rc;
}
