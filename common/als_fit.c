/* als_fit.c: fitting and the training loss; see als.h. */
#include "als.h"
#include "als_impl.h"
#include "par.h"
#include "util.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Rows per unit of work handed to a thread: small enough to balance the
 * load, large enough that taking one costs nothing. */
#define ROW_CHUNK 64

/*
 * Rows per partial Gram matrix.  Y'Y is the sum of the blocks' Y_b'Y_b in
 * block order, whichever rank or thread computed each block, so the
 * factors do not depend on -t or on the number of ranks.  Part of the
 * numerics: changing it changes the last bits of every model.
 */
#define GRAM_ROWS 4096

/* CG in the eigenbasis up to this many factors: see sym_eig. */
#define EIG_MAX_F 256

/* ---- fitting ---- */

/* One side of the problem: this rank's stripe of rows (users or items)
 * with their entries; row u of the stripe is row lo + u of the side. */
typedef struct side {
	size_t lo, rows;
	const uint64_t *indptr;
	const uint32_t *indices;
	const float *data;
} side;

/*
 * The training loss's correction on the stored entries (see fit_loss) is
 * summed per row, each row's sum rounded to a multiple of 2^-LOSS_FRAC and
 * added up as integers: integer sums do not depend on the order, so the
 * value is the same for any -t and any number of ranks.
 */
#define LOSS_FRAC 48

__extension__ typedef __int128 loss_fixed;

/* One stored entry's share of the loss: the (pref - d)^2 of its pair
 * with confidence c, minus the 1 d^2 that x'(Y'Y)x counted for it; adds
 * c to *conf.  d = x.y, c = alpha*value, pref 1 for a positive value,
 * else 0 with c = |alpha*value|. */
static inline double
entry_loss(double alpha, float value, double d, double *conf)
{
	double c = alpha * value, pref = 1;

	if (!(c > 0)) {
		pref = 0;
		c = -c;
	}
	*conf += c;
	return (c - 1) * d * d - 2 * c * pref * d + c * pref;
}

typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));

/* x.y in double over f factors: four chains (chain j takes the factors
 * k = j mod 4, a product then a sum each, in vector lanes), then
 * (0+1)+(2+3). */
static inline double
ddot(const float *x, const float *y, size_t f)
{
	v4d s = {0, 0, 0, 0};
	double t[4];
	size_t k;

	for (k = 0; k + 4 <= f; k += 4) {
		v4f a, b;

		memcpy(&a, x + k, sizeof a);
		memcpy(&b, y + k, sizeof b);
		s += __builtin_convertvector(a, v4d) *
		    __builtin_convertvector(b, v4d);
	}
	memcpy(t, &s, sizeof t);
	for (; k < f; k++)
		t[k & 3] += (double)x[k] * y[k];
	return (t[0] + t[1]) + (t[2] + t[3]);
}

/* v as a multiple of 2^-LOSS_FRAC (toward zero); *bad set when v is not
 * finite or too large. */
static loss_fixed
to_fixed(double v, int *bad)
{
	double s = ldexp(v, LOSS_FRAC);

	if (!(fabs(s) < 0x1p120)) {
		*bad = 1;
		return 0;
	}
	return (loss_fixed)s;
}

/* Per thread (and, gathered, per rank): the correction and the
 * confidence as integers; bad when a row's sum did not fit. */
typedef struct loss_acc {
	loss_fixed sum, conf;
	int64_t bad;
} loss_acc;

/* One half-sweep: solve every row of s given the other side's factors. */
typedef struct sweep {
	const side *s;
	float *X;               /* the stripe's rows x fp, solved */
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
	atomic_size_t bad_row;  /* the first such row (of the stripe) */
	loss_acc *corr;         /* per thread, or NULL: see row_corr */
	double alpha_d;
	const float *Q;         /* the eigenbasis of YtY, or NULL: see below */
	const float *lam;       /* its eigenvalues (reg included) */
} sweep;

/* Everything a fit holds between its steps. */
typedef struct fit {
	const csr *m;
	const comm *c;
	const als_params *p;
	size_t f, fp;
	side users, items;      /* this rank's stripes */
	size_t *ubounds, *ibounds;      /* every rank's stripes: size + 1 */
	size_t *counts;         /* scratch: size */
	float *X, *Y;           /* all users x fp, all items x fp */
	float *YtY;             /* fp x fp */
	float *part;            /* partial Gram blocks, fp x fp each */
	const float *part_of;   /* the factors whose blocks part holds */
	float *gx, *gy;         /* --loss: X'X and Y'Y, fp x fp, no reg */
	loss_acc *corr;         /* --loss: per thread, of the items' half */
	int gy_ready;           /* gy is the Gram of the current Y */
	float *scratch;
	void *tmem;             /* the item-major stripe */
	int rot;                /* CG in the eigenbasis (see half_sweep) */
	float *Q, *lam;         /* this half's basis change and eigenvalues */
	double *R;              /* f x f: the product of every Q applied */
	double *ew;             /* 2 f x f doubles of work for sym_eig */
	sweep w;
	als_dist_stats *st;
} fit;

static size_t
sweep_scratch_floats(size_t fp)
{
	/* chol_row: U, r; cg_tile: r, p, ap of each row, a zero vector */
	size_t chol = fp * fp + fp, cg = (3 * ALS_TILE + 1) * fp;

	return chol > cg ? chol : cg;
}

/* Starts loading the other side's rows of entries [a, z) (at most the
 * first PREFETCH_ENTRIES), every cache line of each: the tile solved next
 * then finds them in cache instead of waiting on memory for each. */
#define PREFETCH_ENTRIES 24

/* Starts loading the n floats at y, every cache line.  Always inlined:
 * GCC 12 finds a function of prefetches alone "looping const" and drops
 * the calls (the prefetches then never ran). */
static inline __attribute__((always_inline)) void
prefetch_row(const float *y, size_t n)
{
	size_t k;

	for (k = 0; k < n; k += 16)
		__builtin_prefetch(y + k);
	__builtin_prefetch(y + n - 1);
}

static inline __attribute__((always_inline)) void
prefetch_rows(const sweep *w, uint64_t a, uint64_t z)
{
	if (z - a > PREFETCH_ENTRIES)
		z = a + PREFETCH_ENTRIES;
	for (; a < z; a++)
		prefetch_row(w->Y + (size_t)w->s->indices[a] * w->fp, w->fp);
}

/*
 * --loss: the correction of the stored entries of row r of the stripe,
 * just solved, each against the other side's row, added to *acc.  Done in
 * the items' half, where both sides are the iteration's final factors and
 * the users' rows are still in cache from the row's solve (a pass of its
 * own over the users' entries took a tenth of an iteration at 10x, most of
 * it waiting on memory).
 */
static inline void
row_corr(const sweep *w, size_t r, loss_acc *acc)
{
	const float *y = w->X + r * w->fp;
	uint64_t q, z = w->s->indptr[r + 1];
	double sum = 0, conf = 0;
	int bad = 0;

	for (q = w->s->indptr[r]; q < z; q++)
		sum += entry_loss(w->alpha_d, w->s->data[q], ddot(w->Y +
		    (size_t)w->s->indices[q] * w->fp, y, w->f), &conf);
	acc->sum += to_fixed(sum, &bad);
	acc->conf += to_fixed(conf, &bad);
	acc->bad |= bad;
}

/* Rows [lo, hi) of the stripe: CG a tile of ALS_TILE rows at a time
 * (the next tile's rows of the other side prefetched), Cholesky row by
 * row. */
static void
sweep_chunk(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	sweep *w = ctx;
	const uint64_t *ptr = w->s->indptr;
	float *sc = w->scratch + (size_t)tid * w->scratch_floats;
	als_tile t;
	size_t u, n, b;

	for (u = lo; u < hi && w->solver == ALS_CG; u += n) {
		n = hi - u < ALS_TILE ? hi - u : ALS_TILE;
		if (u + n < hi)
			prefetch_rows(w, ptr[u + n], ptr[u + n +
			    (hi - u - n < ALS_TILE ? hi - u - n : ALS_TILE)]);
		for (b = 0; b < n; b++) {
			t.idx[b] = w->s->indices + ptr[u + b];
			t.val[b] = w->s->data + ptr[u + b];
			t.nnz[b] = ptr[u + b + 1] - ptr[u + b];
			t.x[b] = w->X + (u + b) * w->fp;
		}
		if (w->Q != NULL)
			w->k->rotate(w->Q, w->X + u * w->fp, n, w->f, w->fp,
			    sc);
		w->k->cg_tile(w->YtY, w->lam, w->Y, w->f, w->fp, &t, n,
		    w->alpha, w->steps, sc);
		for (b = 0; b < n && w->corr != NULL; b++)
			row_corr(w, u + b, &w->corr[tid]);
	}
	for (u = lo; u < hi && w->solver == ALS_CHOLESKY; u++) {
		uint64_t a = ptr[u], z = ptr[u + 1];

		if (w->k->chol_row(w->YtY, w->Y, w->f, w->fp,
		    w->s->indices + a, w->s->data + a, z - a, w->alpha,
		    w->X + u * w->fp, sc, sc + w->fp * w->fp) != 0) {
			/* Keep the first bad row, whichever thread finds
			 * it, so the message does not depend on -t. */
			size_t cur = atomic_load(&w->bad_row);

			while (u < cur && !atomic_compare_exchange_weak(
			    &w->bad_row, &cur, u))
				;
			atomic_store(&w->bad, 1);
		} else if (w->corr != NULL)
			row_corr(w, u, &w->corr[tid]);
	}
}

/* A single process's half-sweep, a Gram block of rows at a time: the
 * block's rows solved, then their Gram block computed while they are in
 * cache (the next gram() of these factors then only sums the blocks):
 * the same rows, blocks and operations as sweep_chunk and gram_chunk
 * apart, so the same bits. */
static void
sweep_gram_chunk(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	fit *ft = ctx;
	size_t b, n = ft->w.s->rows;

	for (b = lo; b < hi; b++) {
		size_t r0 = b * GRAM_ROWS, r1 = r0 + GRAM_ROWS < n ?
		    r0 + GRAM_ROWS : n;

		sweep_chunk(&ft->w, r0, r1, tid);
		ft->w.k->gram_block(ft->w.X + r0 * ft->fp, r1 - r0, ft->f,
		    ft->fp, ft->part + b * ft->fp * ft->fp);
	}
}

/* Partial Gram blocks [lo, hi) of Y (n rows): block b is Y_b'Y_b, upper
 * triangle, in part + b fp^2 (the kernels' gram_block). */
typedef struct gramctx {
	const float *Y;
	size_t n, f, fp, b0;    /* b0: this rank's first block */
	float *part;
	const als_kernels *k;
} gramctx;

static void
gram_chunk(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	gramctx *g = ctx;
	size_t b;

	(void)tid;
	for (b = g->b0 + lo; b < g->b0 + hi; b++) {
		size_t r0 = b * GRAM_ROWS, r1 = r0 + GRAM_ROWS < g->n ?
		    r0 + GRAM_ROWS : g->n;

		g->k->gram_block(g->Y + r0 * g->fp, r1 - r0, g->f, g->fp,
		    g->part + b * g->fp * g->fp);
	}
}

/*
 * G = Y'Y (fp x fp, symmetric, no reg), Y having n rows.  The ranks share
 * out the blocks of GRAM_ROWS rows (each its threads; none when the sweep
 * that solved Y left them in ft->part), gather them all and sum them in
 * block order.  A collective.
 */
static int
gram(fit *ft, const float *Y, size_t n, float *G, rs_err *e)
{
	size_t fp = ft->fp, nb = (n + GRAM_ROWS - 1) / GRAM_ROWS;
	unsigned size = comm_size(ft->c), rank = comm_rank(ft->c), r;
	size_t b0 = nb * rank / size, b1 = nb * (rank + 1) / size, b, i, j;
	gramctx g = {Y, n, ft->f, fp, b0, ft->part, ft->w.k};

	if (ft->part_of != Y)
		par_run(ft->p->threads, b1 - b0, 1, gram_chunk, &g);
	ft->part_of = Y;
	for (r = 0; r < size; r++)
		ft->counts[r] = nb * (r + 1) / size - nb * r / size;
	if (comm_allgather(ft->c, ft->part, ft->counts,
	    fp * fp * sizeof(float)) != 0)
		return rs_errf(e, EX_SOFTWARE, "communication failed");
	if (ft->st != NULL)
		ft->st->gram_bytes += (nb - (b1 - b0)) * fp * fp *
		    sizeof(float);
	memset(G, 0, fp * fp * sizeof *G);
	for (b = 0; b < nb; b++) {
		const float *pb = ft->part + b * fp * fp;

		for (i = 0; i < fp; i++)
			for (j = i; j < fp; j++)
				G[i * fp + j] += pb[i * fp + j];
	}
	for (i = 0; i < fp; i++)
		for (j = 0; j < i; j++)
			G[i * fp + j] = G[j * fp + i];
	return 0;
}

/* The item-major copy of the whole of m (rows ascending within each
 * item): the items' stripe of a single process. */
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
	t->lo = 0;
	t->rows = m->cols;
	t->indptr = ptr;
	t->indices = idx;
	t->data = val;
	*mem = buf;
	return 0;
}

/* An entry on its way from the rank that holds its user to the rank that
 * holds its item. */
typedef struct entry {
	uint32_t item, user;
	float value;
} entry;

/*
 * The items' stripes of several ranks, from the users' stripes: the
 * column counts summed over the ranks cut the items into stripes of about
 * equal entries (comm_split), then every entry goes to its item's rank.
 * Entries arrive in rank order, users ascending within a rank, and a
 * stable counting sort keeps that order: within an item the users ascend,
 * as in transpose().  A collective; the status is agreed.
 */
static int
exchange_items(fit *ft, rs_err *e)
{
	const csr *m = ft->m;
	const side *us = &ft->users;
	unsigned size = comm_size(ft->c), rank = comm_rank(ft->c), r;
	size_t *scounts, *rcounts, *ones, *at, nrecv = 0, nloc, u, i;
	uint64_t *ptr, *iptr = NULL, k, lo = us->indptr[0];
	uint64_t hi = us->indptr[us->rows];
	uint32_t *owner, *idx;
	entry *send, *recv = NULL;
	float *val;
	char *buf = NULL;
	int rc = 0;

	ptr = calloc(m->cols + 1, sizeof *ptr);
	owner = malloc((m->cols + 1) * sizeof *owner);
	scounts = calloc(4 * (size_t)size + 1, sizeof *scounts);
	send = malloc((hi - lo + 1) * sizeof *send);
	rcounts = scounts + size;
	ones = rcounts + size;
	at = ones + size;
	if (ptr == NULL || owner == NULL || scounts == NULL || send == NULL)
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
	if ((rc = comm_fail(ft->c, rc, e)) != 0)
		goto done;
	for (k = lo; k < hi; k++)
		ptr[m->indices[k] + 1]++;
	if (comm_sum_u64(ft->c, ptr + 1, m->cols) != 0) {
		rc = rs_errf(e, EX_SOFTWARE, "communication failed");
		goto done;
	}
	for (i = 0; i < m->cols; i++)
		ptr[i + 1] += ptr[i];
	comm_split(ptr, m->cols, size, ft->ibounds);
	for (r = 0; r < size; r++)
		for (i = ft->ibounds[r]; i < ft->ibounds[r + 1]; i++)
			owner[i] = r;
	for (k = lo; k < hi; k++)
		scounts[owner[m->indices[k]]]++;
	for (r = 0; r < size; r++) {
		at[r + 1] = at[r] + scounts[r];
		ones[r] = 1;
	}
	for (u = 0; u < us->rows; u++)
		for (k = us->indptr[u]; k < us->indptr[u + 1]; k++) {
			entry *en = &send[at[owner[m->indices[k]]]++];

			en->item = m->indices[k];
			en->user = (uint32_t)(us->lo + u);
			en->value = m->data[k];
		}
	if (comm_alltoall(ft->c, scounts, ones, rcounts, ones,
	    sizeof *scounts) != 0) {
		rc = rs_errf(e, EX_SOFTWARE, "communication failed");
		goto done;
	}
	for (r = 0; r < size; r++)
		nrecv += rcounts[r];
	nloc = ft->ibounds[rank + 1] - ft->ibounds[rank];
	recv = malloc((nrecv + 1) * sizeof *recv);
	buf = malloc((nloc + 1) * sizeof *iptr + nrecv * (sizeof *idx +
	    sizeof *val) + 16);
	rc = recv == NULL || buf == NULL ? rs_errf(e, EX_SOFTWARE,
	    "out of memory") : 0;
	if ((rc = comm_fail(ft->c, rc, e)) != 0)
		goto done;
	if (comm_alltoall(ft->c, send, scounts, recv, rcounts,
	    sizeof *send) != 0) {
		rc = rs_errf(e, EX_SOFTWARE, "communication failed");
		goto done;
	}
	if (ft->st != NULL)
		ft->st->setup_bytes += (nrecv - rcounts[rank]) * sizeof *recv;
	iptr = (uint64_t *)(void *)buf;
	val = (float *)(void *)(iptr + nloc + 1);
	idx = (uint32_t *)(void *)(val + nrecv);
	memset(iptr, 0, (nloc + 1) * sizeof *iptr);
	for (i = 0; i < nrecv; i++)
		iptr[recv[i].item - ft->ibounds[rank] + 1]++;
	for (i = 0; i < nloc; i++)
		iptr[i + 1] += iptr[i];
	for (i = 0; i < nrecv; i++) {
		uint64_t to = iptr[recv[i].item - ft->ibounds[rank]]++;

		idx[to] = recv[i].user;
		val[to] = recv[i].value;
	}
	for (i = nloc; i > 0; i--)
		iptr[i] = iptr[i - 1];
	iptr[0] = 0;
	ft->items.lo = ft->ibounds[rank];
	ft->items.rows = nloc;
	ft->items.indptr = iptr;
	ft->items.indices = idx;
	ft->items.data = val;
	ft->tmem = buf;
	buf = NULL;
done:
	free(ptr);
	free(owner);
	free(scounts);
	free(send);
	free(recv);
	free(buf);
	return rc;
}

/* Deterministic uniform floats on [0, 1): splitmix64, whose n-th draw
 * (n = 1, 2, ...) from seed s is mix(s + n * golden), so any stretch of
 * the sequence can be drawn without the ones before it. */
#define SPLITMIX_GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += SPLITMIX_GOLDEN);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Rows of X drawn in row order from the sequence at state0: row i, factor
 * k is draw i f + k + 1. */
typedef struct initctx {
	float *X;
	size_t f, fp;
	uint64_t state0;
} initctx;

static void
init_chunk(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	initctx *in = ctx;
	uint64_t state = in->state0 + (uint64_t)(lo * in->f) *
	    SPLITMIX_GOLDEN;
	size_t i, k;

	(void)tid;
	for (i = lo; i < hi; i++)
		for (k = 0; k < in->f; k++)
			in->X[i * in->fp + k] = (float)(splitmix64(&state) >>
			    40) * (1.0f / 16777216.0f) * 0.01f;
}

/* The rows x f factors of X from *state, on threads; *state moves on past
 * them as if drawn one by one. */
static void
init_factors(float *X, size_t rows, size_t f, size_t fp, unsigned threads,
    uint64_t *state)
{
	initctx in = {X, f, fp, *state};

	par_run(threads, rows, 4096, init_chunk, &in);
	*state += (uint64_t)(rows * f) * SPLITMIX_GOLDEN;
}

/* Rows of the other side that the stripe s refers to but this rank does
 * not solve (other side's stripe [olo, ohi) of n rows): what an
 * owner-to-needer exchange would have to bring it. */
static size_t
needed_rows(const side *s, size_t n, size_t olo, size_t ohi)
{
	unsigned char *seen = calloc(n + 1, 1);
	size_t count = 0, u;
	uint64_t k;

	if (seen == NULL)
		return 0;
	for (u = 0; u < s->rows; u++)
		for (k = s->indptr[u]; k < s->indptr[u + 1]; k++) {
			size_t o = s->indices[k];

			if ((o < olo || o >= ohi) && !seen[o]) {
				seen[o] = 1;
				count++;
			}
		}
	free(seen);
	return count;
}

/*
 * Allocates the factors (seeded: every rank draws all of them, in the
 * same order), the Gram blocks, the scratch and the items' stripe, and
 * sets up the sweep.  A collective; the status is agreed.
 */
static int
fit_start(fit *ft, const csr *m, const comm *c, const als_params *p,
    als_dist_stats *st, rs_err *e)
{
	unsigned size = comm_size(c), rank = comm_rank(c);
	size_t nbmax = ((m->rows > m->cols ? m->rows : m->cols) + GRAM_ROWS -
	    1) / GRAM_ROWS;
	uint64_t rng;
	size_t i;
	int rc = 0;

	memset(ft, 0, sizeof *ft);
	ft->m = m;
	ft->c = c;
	ft->p = p;
	ft->st = st;
	ft->f = p->factors;
	ft->fp = (ft->f + 7) & ~(size_t)7;
	ft->ubounds = malloc((2 * (size_t)size + 2) * sizeof *ft->ubounds);
	ft->counts = malloc(size * sizeof *ft->counts);
	ft->X = als_falloc(m->rows * ft->fp);
	ft->Y = als_falloc(m->cols * ft->fp);
	ft->YtY = als_falloc(ft->fp * ft->fp);
	ft->part = als_falloc((nbmax > 0 ? nbmax : 1) * ft->fp * ft->fp);
	ft->scratch = als_falloc(p->threads * sweep_scratch_floats(ft->fp));
	ft->rot = p->solver == ALS_CG && ft->f <= EIG_MAX_F && !p->first_basis;
	if (ft->rot) {
		ft->Q = als_falloc(ft->fp * ft->fp);
		ft->lam = als_falloc(ft->fp);
		ft->R = calloc(3 * ft->f * ft->f, sizeof *ft->R);
		ft->ew = ft->R + ft->f * ft->f;
	}
	if (p->loss) {
		ft->gx = als_falloc(ft->fp * ft->fp);
		ft->gy = als_falloc(ft->fp * ft->fp);
		ft->corr = calloc(p->threads, sizeof *ft->corr);
	}
	if (ft->ubounds == NULL || ft->counts == NULL || ft->X == NULL ||
	    ft->Y == NULL || ft->YtY == NULL || ft->part == NULL ||
	    ft->scratch == NULL || (p->loss && (ft->gx == NULL ||
	    ft->gy == NULL || ft->corr == NULL)) || (ft->rot &&
	    (ft->Q == NULL || ft->lam == NULL || ft->R == NULL)))
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
	if ((rc = comm_fail(c, rc, e)) != 0)
		return rc;
	ft->ibounds = ft->ubounds + size + 1;
	comm_split(m->indptr, m->rows, size, ft->ubounds);
	ft->users.lo = ft->ubounds[rank];
	ft->users.rows = ft->ubounds[rank + 1] - ft->ubounds[rank];
	ft->users.indptr = m->indptr + ft->users.lo;
	ft->users.indices = m->indices;
	ft->users.data = m->data;
	if (size == 1) {
		ft->ibounds[0] = 0;
		ft->ibounds[1] = m->cols;
		if (transpose(m, &ft->items, &ft->tmem) != 0)
			return rs_errf(e, EX_SOFTWARE, "out of memory");
	} else if ((rc = exchange_items(ft, e)) != 0)
		return rc;
	if (st != NULL) {
		st->user_lo = ft->users.lo;
		st->user_hi = ft->users.lo + ft->users.rows;
		st->item_lo = ft->items.lo;
		st->item_hi = ft->items.lo + ft->items.rows;
		st->user_nnz = ft->users.indptr[ft->users.rows] -
		    ft->users.indptr[0];
		st->item_nnz = ft->items.indptr[ft->items.rows];
		st->needed_bytes = (needed_rows(&ft->users, m->cols,
		    st->item_lo, st->item_hi) + needed_rows(&ft->items,
		    m->rows, st->user_lo, st->user_hi)) * ft->fp *
		    sizeof(float);
	}
	rng = p->seed;
	init_factors(ft->X, m->rows, ft->f, ft->fp, p->threads, &rng);
	init_factors(ft->Y, m->cols, ft->f, ft->fp, p->threads, &rng);
	ft->w.f = ft->f;
	ft->w.fp = ft->fp;
	ft->w.alpha = (float)p->alpha;
	ft->w.alpha_d = p->alpha;
	ft->w.steps = p->cg_steps;
	ft->w.solver = p->solver;
	ft->w.k = als_kernels_pick();
	ft->w.scratch = ft->scratch;
	ft->w.scratch_floats = sweep_scratch_floats(ft->fp);
	ft->w.YtY = ft->YtY;
	for (i = 0; ft->rot && i < ft->f; i++)
		ft->R[i * ft->f + i] = 1;
	return 0;
}

static void
fit_free(fit *ft)
{
	free(ft->ubounds);
	free(ft->counts);
	free(ft->X);
	free(ft->Y);
	free(ft->YtY);
	free(ft->part);
	free(ft->scratch);
	free(ft->gx);
	free(ft->gy);
	free(ft->corr);
	free(ft->tmem);
	free(ft->Q);
	free(ft->lam);
	free(ft->R);
}

/*
 * CG in the eigenbasis, for the users' half.  Each CG step multiplies by
 * Y'Y, an f x f matrix: four products per row (the residual, then one per
 * step), at 10x the default data a third of a fit's time, most of it in
 * the users' half (six users to an item).  In the basis of Y'Y's
 * eigenvectors Y'Y is diagonal and each product costs f, not f^2; CG's
 * steps are the same in exact arithmetic in any orthonormal basis (every
 * inner product and norm is kept), so the fit is the same but for
 * rounding.  Both sides must be in that basis: at the start of the users'
 * half the item rows (read by the entries) are turned into it, and each
 * user row just before its CG (its warm start); the solved rows stay in
 * it, and the items' half then works in that basis as it is (its Gram
 * X'X is computed there), with the plain products.  Per iteration a
 * user row costs one f x f product where it cost four, and an item row
 * five where it cost four (its turn into the basis, then the items'
 * half's four); at 10x there are six users to an item.  The model X Y' does not depend on the basis; R, the product of
 * every Q, turns the factors back into the first basis at the end, so
 * the model is that of the plain CG up to rounding.
 *
 * The eigenvectors come from the cyclic Jacobi method in double, which
 * is plain arithmetic in a fixed order: every rank computes the same Q
 * from the same YtY, so the model still does not depend on -t or -np.
 * Its cost grows as f^3 per half-sweep; above EIG_MAX_F factors (and for
 * --cholesky, which forms each row's matrix anyway) the fit stays in
 * the first basis.
 */

/* a (f x f, symmetric) = V diag(a) V': on return a's diagonal holds the
 * eigenvalues and the columns of v (f x f) the eigenvectors. */
static void
sym_eig(double *a, double *v, size_t f)
{
	size_t i, j, k;
	unsigned sweep;

	for (i = 0; i < f; i++)
		for (j = 0; j < f; j++)
			v[i * f + j] = i == j;
	for (sweep = 0; sweep < 64; sweep++) {
		double off = 0, tot = 0;

		for (i = 0; i < f; i++)
			for (j = 0; j < f; j++) {
				double x = a[i * f + j] * a[i * f + j];

				tot += x;
				if (i != j)
					off += x;
			}
		if (!(off > 1e-24 * tot))
			break;
		for (i = 0; i < f; i++)
			for (j = i + 1; j < f; j++) {
				double apq = a[i * f + j], th, t, c, sn;

				if (fabs(apq) < 1e-300)
					continue;
				th = (a[j * f + j] - a[i * f + i]) / (2 * apq);
				t = fabs(th) > 1e150 ? 0.5 / th : (th >= 0 ? 1 :
				    -1) / (fabs(th) + sqrt(th * th + 1));
				c = 1 / sqrt(t * t + 1);
				sn = t * c;
				for (k = 0; k < f; k++) {
					double kp = a[k * f + i], kq = a[k * f + j];

					a[k * f + i] = c * kp - sn * kq;
					a[k * f + j] = sn * kp + c * kq;
				}
				for (k = 0; k < f; k++) {
					double pk = a[i * f + k], qk = a[j * f + k];

					a[i * f + k] = c * pk - sn * qk;
					a[j * f + k] = sn * pk + c * qk;
				}
				for (k = 0; k < f; k++) {
					double kp = v[k * f + i], kq = v[k * f + j];

					v[k * f + i] = c * kp - sn * kq;
					v[k * f + j] = sn * kp + c * kq;
				}
			}
	}
}

/* M (rows x fp) times the fit's Q, in place, on the fit's threads. */
typedef struct rotctx {
	const fit *ft;
	float *M;
} rotctx;

static void
rotate_chunk(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	rotctx *rc = ctx;
	const fit *ft = rc->ft;

	ft->w.k->rotate(ft->Q, rc->M + lo * ft->fp, hi - lo, ft->f, ft->fp,
	    ft->scratch + (size_t)tid * ft->w.scratch_floats);
}

static void
rotate_rows(fit *ft, float *M, size_t rows)
{
	rotctx rc = {ft, M};

	par_run(ft->p->threads, rows, 1024, rotate_chunk, &rc);
}

/* The eigenbasis of G (fp x fp, reg included) into ft->Q and ft->lam,
 * and R = R Q. */
static void
eigenbasis(fit *ft, const float *G)
{
	size_t f = ft->f, fp = ft->fp, i, j, k;
	double *a = ft->ew, *v = ft->ew + f * f;

	for (i = 0; i < f; i++)
		for (j = 0; j < f; j++)
			a[i * f + j] = G[i * fp + j];
	sym_eig(a, v, f);
	for (i = 0; i < f; i++) {
		ft->lam[i] = (float)a[i * f + i];
		for (j = 0; j < f; j++)
			ft->Q[i * fp + j] = (float)v[i * f + j];
	}
	/* R Q, with Q as applied (in float); a is free again. */
	for (i = 0; i < f; i++)
		for (j = 0; j < f; j++) {
			double x = 0;

			for (k = 0; k < f; k++)
				x += ft->R[i * f + k] * ft->Q[k * fp + j];
			a[i * f + j] = x;
		}
	memcpy(ft->R, a, f * f * sizeof *a);
}

/* Both sides back into the first basis: times R's inverse (Gauss-Jordan
 * in double, partial pivoting), the rows of X and Y that rank 0 writes. */
static int
leave_eigenbasis(fit *ft, rs_err *e)
{
	size_t f = ft->f, fp = ft->fp, i, j, k, piv;
	double *a = ft->ew, *b = ft->ew + f * f;

	memcpy(a, ft->R, f * f * sizeof *a);
	for (i = 0; i < f; i++)
		for (j = 0; j < f; j++)
			b[i * f + j] = i == j;
	for (k = 0; k < f; k++) {
		double d;

		for (piv = k, i = k + 1; i < f; i++)
			if (fabs(a[i * f + k]) > fabs(a[piv * f + k]))
				piv = i;
		if (!(fabs(a[piv * f + k]) > 1e-12))
			return rs_errf(e, EX_SOFTWARE, "the factors' basis "
			    "change is singular");
		for (j = 0; piv != k && j < f; j++) {
			double x = a[k * f + j], y = b[k * f + j];

			a[k * f + j] = a[piv * f + j];
			a[piv * f + j] = x;
			b[k * f + j] = b[piv * f + j];
			b[piv * f + j] = y;
		}
		d = a[k * f + k];
		for (j = 0; j < f; j++) {
			a[k * f + j] /= d;
			b[k * f + j] /= d;
		}
		for (i = 0; i < f; i++) {
			double m = a[i * f + k];

			if (i == k || m == 0)
				continue;
			for (j = 0; j < f; j++) {
				a[i * f + j] -= m * a[k * f + j];
				b[i * f + j] -= m * b[k * f + j];
			}
		}
	}
	for (i = 0; i < f; i++)
		for (j = 0; j < f; j++)
			ft->Q[i * fp + j] = (float)b[i * f + j];
	rotate_rows(ft, ft->X, ft->m->rows);
	rotate_rows(ft, ft->Y, ft->m->cols);
	return 0;
}

/*
 * Half 0 solves the users given the items, half 1 the items given the
 * users: the Gram matrix of the other side, this rank's stripe solved on
 * its threads, then every rank's new rows gathered by every rank.
 * EX_DATAERR naming the first row whose system is singular (the lowest
 * rank's, so the first row of all).  A collective; the status is agreed.
 */
static int
half_sweep(fit *ft, int half, rs_err *e)
{
	const csr *m = ft->m;
	sweep *w = &ft->w;
	const size_t *bounds = half == 0 ? ft->ubounds : ft->ibounds;
	float *X = half == 0 ? ft->X : ft->Y;
	unsigned size = comm_size(ft->c), r;
	size_t i;
	int rc;

	w->s = half == 0 ? &ft->users : &ft->items;
	w->X = X + w->s->lo * ft->fp;
	w->Y = half == 0 ? ft->Y : ft->X;
	if (half == 0 && ft->gy_ready)
		memcpy(ft->YtY, ft->gy, ft->fp * ft->fp * sizeof *ft->YtY);
	else if ((rc = gram(ft, w->Y, half == 0 ? m->cols : m->rows, ft->YtY,
	    e)) != 0)
		return rc;
	/* The loss needs X'X of the X that stays: the one solved in half 0,
	 * whose Gram half 1 has just computed. */
	if (half == 1 && ft->gx != NULL)
		memcpy(ft->gx, ft->YtY, ft->fp * ft->fp * sizeof *ft->gx);
	ft->gy_ready = 0;
	for (i = 0; i < ft->f; i++)
		ft->YtY[i * ft->fp + i] += (float)ft->p->reg;
	w->Q = w->lam = NULL;
	if (ft->rot && half == 0) {
		/* Every rank turns every item row (it holds them all), and
		 * its own users' rows as it solves them. */
		eigenbasis(ft, ft->YtY);
		rotate_rows(ft, ft->Y, m->cols);
		ft->part_of = NULL;
		w->Q = ft->Q;
		w->lam = ft->lam;
	}
	atomic_init(&w->bad, 0);
	atomic_init(&w->bad_row, SIZE_MAX);
	w->corr = half == 1 ? ft->corr : NULL;
	if (w->corr != NULL)
		memset(w->corr, 0, ft->p->threads * sizeof *w->corr);
	if (size == 1) {
		par_run(ft->p->threads, (w->s->rows + GRAM_ROWS - 1) /
		    GRAM_ROWS, 1, sweep_gram_chunk, ft);
		ft->part_of = X;
	} else {
		par_run(ft->p->threads, w->s->rows, ROW_CHUNK, sweep_chunk, w);
		ft->part_of = NULL;
	}
	if (atomic_load(&w->bad)) {
		size_t row = w->s->lo + atomic_load(&w->bad_row);

		rc = rs_errf(e, EX_DATAERR, "%s %llu: the system is not "
		    "positive definite (regularization %g is too small)",
		    half == 0 ? "user" : "item", (unsigned long long)(half == 0 ?
		    m->row_ids[row] : m->col_ids[row]), ft->p->reg);
	}
	if (ft->p->solver == ALS_CHOLESKY &&
	    (rc = comm_fail(ft->c, rc, e)) != 0)
		return rc;
	for (r = 0; r < size; r++)
		ft->counts[r] = bounds[r + 1] - bounds[r];
	if (comm_allgather(ft->c, X, ft->counts, ft->fp * sizeof *X) != 0)
		return rs_errf(e, EX_SOFTWARE, "communication failed");
	if (ft->st != NULL && size > 1)
		ft->st->factor_bytes += ((half == 0 ? m->rows : m->cols) -
		    w->s->rows) * ft->fp * sizeof *X;
	return 0;
}

/*
 * The training loss of the current factors, without copying them.  Summed
 * over all users, x'(Y'Y)x is the Frobenius product of the two Gram
 * matrices, <X'X, Y'Y>, an f x f sum (ft->gx is the Gram of X; the Gram of
 * Y is computed here and kept for the next half 0); the stored entries
 * correct it (entry_loss, summed by the items' half-sweep: row_corr), and
 * the regularization is reg times the traces.  The Gram matrices are the
 * fit's own (float, in its block order); the rest is summed in double.
 * NaN when it does not fit.  A collective: every rank gets the value.
 */
static int
fit_loss(fit *ft, double *loss, rs_err *e)
{
	const csr *m = ft->m;
	unsigned size = comm_size(ft->c), rank = comm_rank(ft->c), r, t;
	size_t fp = ft->fp, f = ft->f, i, j;
	double gram_term = 0, xnorm = 0, ynorm = 0, sum, conf;
	loss_acc *acc, tot = {0, 0, 0};
	int rc;

	if ((rc = gram(ft, ft->Y, m->cols, ft->gy, e)) != 0)
		return rc;
	ft->gy_ready = 1;
	acc = calloc(size, sizeof *acc);
	rc = acc == NULL ? rs_errf(e, EX_SOFTWARE, "out of memory") : 0;
	if ((rc = comm_fail(ft->c, rc, e)) != 0) {
		free(acc);
		return rc;
	}
	for (t = 0; t < ft->p->threads; t++) {
		acc[rank].sum += ft->corr[t].sum;
		acc[rank].conf += ft->corr[t].conf;
		acc[rank].bad |= ft->corr[t].bad;
	}
	for (r = 0; r < size; r++)
		ft->counts[r] = 1;
	if (comm_allgather(ft->c, acc, ft->counts, sizeof *acc) != 0) {
		free(acc);
		return rs_errf(e, EX_SOFTWARE, "communication failed");
	}
	for (r = 0; r < size; r++) {
		tot.sum += acc[r].sum;
		tot.conf += acc[r].conf;
		tot.bad |= acc[r].bad;
	}
	free(acc);
	for (i = 0; i < f; i++) {
		for (j = 0; j < f; j++)
			gram_term += (double)ft->gx[i * fp + j] *
			    ft->gy[i * fp + j];
		xnorm += ft->gx[i * fp + i];
		ynorm += ft->gy[i * fp + i];
	}
	sum = ldexp((double)tot.sum, -LOSS_FRAC);
	conf = ldexp((double)tot.conf, -LOSS_FRAC) + (double)m->rows *
	    (double)m->cols - (double)m->nnz;
	*loss = gram_term + sum + ft->p->reg * (xnorm + ynorm);
	if (tot.bad)
		*loss = NAN;
	else if (conf > 0)
		*loss /= conf;
	return 0;
}

/* X (rows x fp) as rows x f, in place: row i moves down to i f, never
 * past a row not yet moved. */
static float *
compact_in_place(float *X, size_t rows, size_t f, size_t fp)
{
	size_t i;

	for (i = 1; i < rows && f < fp; i++)
		memmove(X + i * f, X + i * fp, f * sizeof *X);
	return X;
}

/* The model: the ids, and the factors compacted in place and handed
 * over (the fit's largest arrays are not copied: at 10x the default data
 * that copy was a third of the fit's peak memory). */
static int
fit_model(fit *ft, als_model *out, rs_err *e)
{
	const csr *m = ft->m;
	size_t f = ft->f;
	uint64_t *ids = malloc((m->rows + m->cols + 1) * sizeof *ids);

	if (ids == NULL)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	memcpy(ids, m->row_ids, m->rows * sizeof *ids);
	memcpy(ids + m->rows, m->col_ids, m->cols * sizeof *ids);
	out->own[0] = ids;
	out->own[1] = compact_in_place(ft->X, m->rows, f, ft->fp);
	out->own[2] = compact_in_place(ft->Y, m->cols, f, ft->fp);
	ft->X = ft->Y = NULL;
	out->users = m->rows;
	out->items = m->cols;
	out->factors = f;
	out->user_ids = ids;
	out->item_ids = ids + m->rows;
	out->user_factors = out->own[1];
	out->item_factors = out->own[2];
	out->params = *ft->p;
	container_id(&m->file, out->source);
	out->source_nnz = m->nnz;
	return 0;
}

int
als_fit_part(const csr *m, const comm *c, const als_params *p,
    als_model *out, als_progress_fn progress, void *arg,
    als_dist_stats *st, rs_err *e)
{
	const char *why = als_check_params(p);
	unsigned it;
	int rc = 0, half;
	fit ft;

	memset(out, 0, sizeof *out);
	if (st != NULL)
		memset(st, 0, sizeof *st);
	if (why != NULL)
		rc = rs_errf(e, EX_USAGE, "%s", why);
	/* Item-side rows are u32 user indices. */
	else if (m->rows > INT32_MAX || m->cols > INT32_MAX)
		rc = rs_errf(e, EX_DATAERR, "%s: %zu x %zu: too many rows "
		    "or columns (at most %d)", m->file.path != NULL ?
		    m->file.path : "matrix", m->rows, m->cols, INT32_MAX);
	if ((rc = comm_fail(c, rc, e)) != 0)
		return rc;
	if ((rc = fit_start(&ft, m, c, p, st, e)) != 0)
		goto done;
	for (it = 0; it < p->iterations; it++) {
		double t0 = util_mono_s();
		als_progress pr;

		for (half = 0; half < 2; half++)
			if ((rc = half_sweep(&ft, half, e)) != 0)
				goto done;
		pr.seconds = util_mono_s() - t0;
		pr.loss = NAN;
		if (p->loss && (rc = fit_loss(&ft, &pr.loss, e)) != 0)
			goto done;
		if (progress != NULL) {
			pr.iteration = it + 1;
			pr.iterations = p->iterations;
			progress(&pr, arg);
		}
	}
	if (comm_rank(c) == 0 && ft.rot)
		rc = leave_eigenbasis(&ft, e);
	if (comm_rank(c) == 0 && rc == 0)
		rc = fit_model(&ft, out, e);
done:
	fit_free(&ft);
	return rc;
}

int
als_fit(const csr *m, const als_params *p, als_model *out,
    als_progress_fn progress, void *arg, rs_err *e)
{
	return als_fit_part(m, NULL, p, out, progress, arg, NULL, e);
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
			double d = 0;

			for (k = 0; k < f; k++)
				d += (double)x[k] * y[k];
			part[0] += entry_loss(l->alpha, l->m->data[q], d,
			    &part[1]);
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

