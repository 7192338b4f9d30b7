/* als_recommend.c: top-N lists from a model; see als.h. */
#include "als.h"
#include "als_impl.h"
#include "outbuf.h"
#include "par.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Users per unit of work (a multiple of 6), and the bytes of item panels
 * scored before moving on, to stay in a 512 KiB L2. */
#define REC_BLOCK 96
#define REC_CHUNK_BYTES (192 * 1024)
/* A round's candidates and formatted rows at most (for long lists). */
#define REC_ROUND_BYTES ((size_t)256 << 20)

/* ---- recommendation ---- */

/*
 * A candidate as one integer that orders as the lists do: the score's bits
 * made monotone (negative floats reversed; -0 taken as +0 first, as float
 * comparison does) above the item id complemented, so a larger key is a
 * better candidate (higher score, or equal score and lower id).
 */
typedef uint64_t cand;
_Static_assert(sizeof(cand) == sizeof(als_rec), "lists are sorted in place");

static cand
cand_key(float sc, uint32_t it)
{
	uint32_t b;

	sc += 0.0f;
	memcpy(&b, &sc, sizeof b);
	b = b & 0x80000000u ? ~b : b | 0x80000000u;
	return (uint64_t)b << 32 | (uint32_t)~it;
}

static float
cand_score(cand c)
{
	uint32_t b = (uint32_t)(c >> 32);
	float sc;

	b = b & 0x80000000u ? b & 0x7fffffffu : ~b;
	memcpy(&sc, &b, sizeof sc);
	return sc;
}

static void
cand_swap(cand *a, size_t i, size_t j)
{
	cand t = a[i];

	a[i] = a[j];
	a[j] = t;
}

/* Sorts a[lo, hi) best first, by insertion (short ranges). */
static void
cand_isort(cand *a, size_t lo, size_t hi)
{
	size_t i, j;

	for (i = lo + 1; i < hi; i++) {
		cand t = a[i];

		for (j = i; j > lo && a[j - 1] < t; j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

/* Partitions a[lo, hi) (more than two) around the median of three: the
 * better ones first, then the pivot, whose index it returns, then the
 * worse (keys are distinct). */
static size_t
cand_partition(cand *a, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2, i, j;
	cand p;

	if (a[mid] > a[lo])
		cand_swap(a, mid, lo);
	if (a[hi - 1] > a[lo])
		cand_swap(a, hi - 1, lo);
	if (a[hi - 1] > a[mid])
		cand_swap(a, hi - 1, mid);
	/* a[lo] >= a[mid] >= a[hi - 1]: the median to the end. */
	cand_swap(a, mid, hi - 1);
	p = a[hi - 1];
	/* Lomuto's scheme without a branch on the data (random keys would
	 * mispredict half the time): every element is swapped with a[i],
	 * and i moves past it when it is better than the pivot. */
	for (i = j = lo; j < hi - 1; j++) {
		cand v = a[j];

		a[j] = a[i];
		a[i] = v;
		i += v > p;
	}
	cand_swap(a, i, hi - 1);
	return i;
}

/* Moves the k best of a[0, len) to a[0, k) (in no order). */
static void
cand_select(cand *a, size_t len, size_t k)
{
	size_t lo = 0, hi = len;

	while (hi - lo > 16) {
		size_t i = cand_partition(a, lo, hi);

		if (i == k || i + 1 == k)
			return;
		if (k < i)
			hi = i;
		else
			lo = i + 1;
	}
	cand_isort(a, lo, hi);
}

/* Sorts a[0, len) best first. */
static void
cand_sort(cand *a, size_t len)
{
	size_t lo = 0, hi = len;

	/* Recurse into the shorter side, loop on the longer. */
	while (hi - lo > 16) {
		size_t i = cand_partition(a, lo, hi);

		if (i - lo < hi - i - 1) {
			cand_sort(a + lo, i - lo);
			lo = i + 1;
		} else {
			cand_sort(a + i + 1, hi - i - 1);
			hi = i;
		}
	}
	cand_isort(a, lo, hi);
}

/* The worst of a[0, len). */
static cand
cand_min(const cand *a, size_t len)
{
	cand m = a[0];
	size_t i;

	for (i = 1; i < len; i++)
		m = a[i] < m ? a[i] : m;
	return m;
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
	cand *cands;            /* per round user: 2n candidates */
	size_t *counts;         /* per round user: candidates held */
	cand *floor;            /* per round user: the n-th best so far */
	int *zero;              /* per round user: all-zero factors */
	const als_rec_sink *sink;
	outbuf *out;            /* per block of the round: its rows */
	atomic_size_t lists;
	atomic_size_t filtered;
	atomic_size_t scored;   /* tiles (6 users x 16 items) scored */
	atomic_size_t tiles;    /* tiles there would be without pruning */
	atomic_int oom;
} recctx;

/*
 * User ru takes candidate c, better than its floor.  Candidates collect in
 * a buffer of 2n; once n are held their worst is the floor (no candidate
 * below it can be in the list), and when the buffer is full the n best are
 * kept and the floor rises to their worst.  Returns the floor's score
 * (-inf while fewer than n are held).
 */
static float
rec_push(recctx *r, size_t ru, cand c)
{
	cand *h = r->cands + 2 * ru * r->n;
	size_t cnt = r->counts[ru];

	h[cnt++] = c;
	if (cnt == 2 * r->n) {
		cand_select(h, cnt, r->n);
		cnt = r->n;
		r->floor[ru] = cand_min(h, cnt);
	} else if (cnt == r->n)
		r->floor[ru] = cand_min(h, cnt);
	r->counts[ru] = cnt;
	return cnt >= r->n ? cand_score(r->floor[ru]) : -INFINITY;
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

/* A block's working set: its users' factors (padded to a multiple of
 * six), thresholds, norms, seen lists and done flags, in one allocation. */
typedef struct block {
	size_t lo, nb, nbp;
	float *X, *thr;
	double *xnorm;
	size_t *sbeg, *send;    /* seen[sbeg[b] .. send[b]) for user b */
	uint32_t *seen;
	unsigned char *done;
	char *mem;
	size_t filtered;
} block;

/* Loads users [lo, lo+nb) of the round into b; -1 when out of memory. */
static int
block_load(recctx *r, block *bk, size_t lo, size_t nb)
{
	size_t f = r->mod->factors, nbp = (nb + 5) / 6 * 6, nseen = 0, b, j;

	memset(bk, 0, sizeof *bk);
	if (r->seen_row != NULL)
		for (b = 0; b < nb; b++)
			if (r->seen_row[lo + b] >= 0)
				nseen += r->seen->indptr[r->seen_row[lo + b] +
				    1] - r->seen->indptr[r->seen_row[lo + b]];
	bk->mem = aligned_alloc(64, ((nbp * f + nbp) * sizeof(float) +
	    nbp * sizeof(double) + 2 * nbp * sizeof(size_t) +
	    nseen * sizeof(uint32_t) + nbp + 63) & ~(size_t)63);
	if (bk->mem == NULL)
		return -1;
	bk->lo = lo;
	bk->nb = nb;
	bk->nbp = nbp;
	bk->X = (float *)(void *)bk->mem;
	bk->thr = bk->X + nbp * f;
	bk->xnorm = (double *)(void *)(bk->thr + nbp + (nbp & 1));
	bk->sbeg = (size_t *)(void *)(bk->xnorm + nbp);
	bk->send = bk->sbeg + nbp;
	bk->seen = (uint32_t *)(void *)(bk->send + nbp);
	bk->done = (unsigned char *)(bk->seen + nseen);
	memset(bk->X, 0, nbp * f * sizeof *bk->X);
	nseen = 0;
	for (b = 0; b < nbp; b++) {
		size_t ru = lo + b;
		const float *x;
		double nn = 0;

		bk->sbeg[b] = bk->send[b] = nseen;
		bk->thr[b] = INFINITY;
		bk->xnorm[b] = 0;
		bk->done[b] = 1;        /* padding and zero users */
		if (b >= nb)
			continue;
		x = r->mod->user_factors + (size_t)r->users[ru] * f;
		memcpy(bk->X + b * f, x, f * sizeof *bk->X);
		r->counts[ru] = 0;
		r->floor[ru] = 0;
		for (j = 0; j < f; j++)
			nn += (double)x[j] * x[j];
		r->zero[ru] = nn == 0;
		if (r->zero[ru])
			continue;
		bk->xnorm[b] = sqrt(nn);
		bk->thr[b] = -INFINITY;
		bk->done[b] = 0;
		if (r->seen_row != NULL && r->seen_row[ru] >= 0) {
			const csr *m = r->seen;
			uint64_t q;

			/* Ascending: the id maps are monotone. */
			for (q = m->indptr[r->seen_row[ru]];
			    q < m->indptr[r->seen_row[ru] + 1]; q++)
				if (r->seen_col[m->indices[q]] != UINT32_MAX)
					bk->seen[nseen++] =
					    r->seen_col[m->indices[q]];
			bk->send[b] = nseen;
			bk->filtered += bk->send[b] - bk->sbeg[b];
		}
	}
	return 0;
}

/* The bit mask of the 16 scores at o that are at or above t (a NaN is
 * not). */
static inline unsigned
slots_at_or_above(const float *o, float t)
{
	unsigned above = 0, j;
#ifdef __SSE2__
	__m128 tv = _mm_set1_ps(t);

	for (j = 0; j < 16; j += 4)
		above |= (unsigned)_mm_movemask_ps(_mm_cmpge_ps(_mm_loadu_ps(o +
		    j), tv)) << j;
#else
	for (j = 0; j < 16; j++)
		above |= (unsigned)(o[j] >= t) << j;
#endif
	return above;
}

/* Offers the scores out[u*16 + j] of panel p to user u of the six at mb
 * for every u in mask. */
static void
block_take(recctx *r, block *bk, size_t mb, size_t p, unsigned mask,
    const float *out)
{
	while (mask != 0) {
		unsigned u = (unsigned)__builtin_ctz(mask), above, j;
		size_t bu = mb + u, ru = bk->lo + bu;

		mask &= mask - 1;
		/* The slots at or above the user's threshold. */
		above = slots_at_or_above(out + u * 16, bk->thr[bu]);
		while (above != 0) {
			uint32_t it;
			cand c;

			j = (unsigned)__builtin_ctz(above);
			above &= above - 1;
			it = r->perm[p * 16 + j];
			if (it == UINT32_MAX)
				continue;
			c = cand_key(out[u * 16 + j], it);
			if (r->counts[ru] >= r->n && c <= r->floor[ru])
				continue;
			if (in_sorted(bk->seen + bk->sbeg[bu], bk->send[bu] -
			    bk->sbeg[bu], it))
				continue;
			bk->thr[bu] = rec_push(r, ru, c);
		}
	}
}

/* The block's lists, best first (each user's n best sorted, then
 * rewritten in place as als_rec entries), formatted by the sink into the
 * block's buffer (kept from round to round); -1 when out of memory. */
static int
block_format(recctx *r, const block *bk)
{
	outbuf *ob = r->out + bk->lo / REC_BLOCK;
	size_t b, k, lists = 0;

	ob->len = 0;
	for (b = 0; b < bk->nb; b++) {
		size_t ru = bk->lo + b, cnt = r->counts[ru];
		cand *h = r->cands + 2 * ru * r->n;

		if (r->zero[ru])
			continue;
		if (cnt > r->n) {
			cand_select(h, cnt, r->n);
			cnt = r->n;
		}
		cand_sort(h, cnt);
		for (k = 0; k < cnt; k++) {
			als_rec a = {cand_score(h[k]), (uint32_t)~h[k]};

			memcpy(&h[k], &a, sizeof a);
		}
		if (outbuf_reserve(ob, cnt * r->sink->row_max) != 0)
			return -1;
		ob->len += r->sink->format(r->sink->arg, r->users[ru],
		    (const als_rec *)(void *)h, cnt, ob->p + ob->len);
		lists++;
	}
	atomic_fetch_add(&r->lists, lists);
	return 0;
}

/*
 * One block of users [lo, hi) of the round: panels in cache-sized chunks,
 * users six at a time against each panel of 16 items.  Panels come in
 * descending order of item norm, so by Cauchy-Schwarz no item of panel p
 * or later can score above |x| pnorm[p]: once that bound is below the
 * user's worst held score the user is done, and a group of six stops when
 * all six are, for this chunk and every later one; the block stops when
 * all its groups are.  An item is a candidate when it is better than the
 * worst held (higher score, or equal score and lower id), so the result
 * is the exact top-n whatever the order of the items.  Then the block's
 * lists are sorted and formatted.
 */
static void
rec_block(void *ctx, size_t lo, size_t hi, unsigned tid)
{
	recctx *r = ctx;
	size_t f = r->mod->factors, p0, mb, scored = 0, groups;
	float out[96] __attribute__((aligned(32)));
	unsigned char gdone[REC_BLOCK / 6];
	block bk;

	(void)tid;
	if (block_load(r, &bk, lo, hi - lo) != 0) {
		atomic_store(&r->oom, 1);
		return;
	}
	groups = bk.nbp / 6;
	memset(gdone, 0, sizeof gdone);
	for (p0 = 0; p0 < r->npanels && groups > 0; p0 += r->chunk) {
		size_t p1 = p0 + r->chunk < r->npanels ? p0 + r->chunk :
		    r->npanels;

		for (mb = 0; mb < bk.nbp; mb += 6) {
			size_t p;

			if (gdone[mb / 6])
				continue;
			for (p = p0; p < p1; p++) {
				unsigned alive = 0, u;

				for (u = 0; u < 6; u++) {
					size_t bu = mb + u;

					if (!bk.done[bu] && bk.thr[bu] >
					    bk.xnorm[bu] * r->pnorm[p])
						bk.done[bu] = 1;
					alive |= !bk.done[bu];
				}
				if (!alive) {
					gdone[mb / 6] = 1;
					groups--;
					break;
				}
				scored++;
				block_take(r, &bk, mb, p, r->tile(bk.X + mb * f,
				    r->panels + p * f * 16, f, bk.thr + mb, out),
				    out);
			}
		}
	}
	if (block_format(r, &bk) != 0)
		atomic_store(&r->oom, 1);
	free(bk.mem);
	atomic_fetch_add(&r->filtered, bk.filtered);
	atomic_fetch_add(&r->scored, scored);
	atomic_fetch_add(&r->tiles, bk.nbp / 6 * r->npanels);
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

/*
 * Sets r's item panels: the items by norm descending (panel p: slots 16p
 * to 16p+15, factor by factor); empty slots are zeros with item
 * UINT32_MAX.  pnorm[p] bounds every score in panels p and later per unit
 * of user norm, padded for the float rounding of a dot product of length
 * f (at most about f ulps of |x||y|).  -1 when out of memory.
 */
static int
rec_panels(recctx *r, const als_model *mod)
{
	size_t f = mod->factors, i, k;
	float *panels = als_falloc(r->npanels * f * 16);
	double *norms = malloc(mod->items * sizeof *norms);
	double *pnorm = malloc(r->npanels * sizeof *pnorm);
	uint32_t *perm = malloc(r->npanels * 16 * sizeof *perm);

	r->panels = panels;
	r->pnorm = pnorm;
	r->perm = perm;
	if (panels == NULL || norms == NULL || pnorm == NULL || perm == NULL) {
		free(norms);
		return -1;
	}
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
	for (i = mod->items; i < r->npanels * 16; i++)
		perm[i] = UINT32_MAX;
	for (i = 0; i < mod->items; i++)
		for (k = 0; k < f; k++)
			panels[(i / 16 * f + k) * 16 + i % 16] =
			    mod->item_factors[(size_t)perm[i] * f + k];
	for (i = 0; i < r->npanels; i++)
		pnorm[i] = norms[perm[16 * i]] * (1 + 4.0 * (double)f *
		    FLT_EPSILON) + 1e-30;
	free(norms);
	return 0;
}

/*
 * The rows of a round are written by a thread of their own while the
 * workers compute the next round into the other set of block buffers:
 * the sink's writes (a round's rows copied into a pipe or the page cache)
 * no longer leave the workers' cores idle between rounds.
 */
typedef struct writer {
	const als_rec_sink *sink;
	const outbuf *out;
	size_t nb;              /* blocks of the round */
	int rc;
	rs_err e;
	pthread_t th;
	int running;
} writer;

static void *
writer_run(void *arg)
{
	writer *w = arg;
	size_t b;

	for (b = 0; b < w->nb && w->rc == 0; b++)
		if (w->out[b].len > 0)
			w->rc = w->sink->write(w->sink->arg, w->out[b].p,
			    w->out[b].len, &w->e);
	return NULL;
}

/* Waits for the round being written (if any); its status, its error in
 * *e. */
static int
writer_wait(writer *w, rs_err *e)
{
	int rc;

	if (w->running)
		pthread_join(w->th, NULL);
	w->running = 0;
	rc = w->rc;
	w->rc = 0;
	if (rc != 0 && e != NULL)
		*e = w->e;
	return rc;
}

/* Starts writing the nb blocks of out (in this thread if no thread can
 * be started). */
static void
writer_start(writer *w, const outbuf *out, size_t nb)
{
	w->out = out;
	w->nb = nb;
	w->running = pthread_create(&w->th, NULL, writer_run, w) == 0;
	if (!w->running)
		writer_run(w);
}

/* seen_col[c]: the model item of the seen matrix's column c, or
 * UINT32_MAX.  Both id arrays ascend: one merge maps the columns. */
static void
rec_map_seen(const als_model *mod, const csr *seen, uint32_t *seen_col)
{
	size_t i, j;

	for (i = 0, j = 0; i < seen->cols; i++) {
		while (j < mod->items && mod->item_ids[j] < seen->col_ids[i])
			j++;
		seen_col[i] = j < mod->items && mod->item_ids[j] ==
		    seen->col_ids[i] ? (uint32_t)j : UINT32_MAX;
	}
}

int
als_recommend(const als_model *mod, const uint32_t *users, size_t nusers,
    size_t n, const csr *seen, unsigned threads, const als_rec_sink *sink,
    als_rec_stats *st, rs_err *e)
{
	size_t round = (size_t)threads * 32 * REC_BLOCK, f = mod->factors;
	size_t r0, i, b, nbuf;
	outbuf *bufs;
	writer wr;
	unsigned k = 0;
	uint32_t *seen_col = NULL;
	int64_t *seen_row = NULL;
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
	/* A round holds 2n candidates per user and its formatted rows: keep
	 * them within REC_ROUND_BYTES when lists are long (at the cost of
	 * parallelism: at least one block per round). */
	while (round > REC_BLOCK && round * n * (2 * sizeof(cand) +
	    sink->row_max) > REC_ROUND_BYTES)
		round /= 2;
	round = (round + REC_BLOCK - 1) / REC_BLOCK * REC_BLOCK;
	r.mod = mod;
	r.n = n;
	r.seen = seen;
	r.sink = sink;
	r.npanels = (mod->items + 15) / 16;
	r.chunk = REC_CHUNK_BYTES / (f * 16 * sizeof(float));
	if (r.chunk < 1)
		r.chunk = 1;
	r.tile = als_kernels_pick()->rec_tile;
	r.cands = malloc(round * 2 * n * sizeof *r.cands);
	r.floor = malloc(round * sizeof *r.floor);
	r.counts = malloc(round * sizeof *r.counts);
	r.zero = malloc(round * sizeof *r.zero);
	nbuf = round / REC_BLOCK;
	bufs = calloc(2 * nbuf, sizeof *bufs);
	memset(&wr, 0, sizeof wr);
	wr.sink = sink;
	if (seen != NULL) {
		seen_col = malloc((seen->cols + 1) * sizeof *seen_col);
		seen_row = malloc(round * sizeof *seen_row);
	}
	if (rec_panels(&r, mod) != 0 || r.cands == NULL || r.floor == NULL ||
	    r.counts == NULL ||
	    r.zero == NULL || bufs == NULL ||
	    (seen != NULL && (seen_col == NULL || seen_row == NULL))) {
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
		goto done;
	}
	if (seen != NULL) {
		rec_map_seen(mod, seen, seen_col);
		r.seen_col = seen_col;
		r.seen_row = seen_row;
	}
	atomic_init(&r.lists, 0);
	atomic_init(&r.filtered, 0);
	atomic_init(&r.scored, 0);
	atomic_init(&r.tiles, 0);
	atomic_init(&r.oom, 0);
	for (r0 = 0; r0 < nusers; r0 += round, k++) {
		size_t nr = nusers - r0 < round ? nusers - r0 : round;

		r.users = users + r0;
		r.out = bufs + (k & 1) * nbuf;
		if (seen != NULL)
			for (i = 0; i < nr; i++)
				seen_row[i] = als_find_id(seen->row_ids,
				    seen->rows, mod->user_ids[users[r0 + i]]);
		par_run(threads, nr, REC_BLOCK, rec_block, &r);
		if ((rc = writer_wait(&wr, e)) != 0)
			goto done;
		if (atomic_load(&r.oom)) {
			rc = rs_errf(e, EX_SOFTWARE, "out of memory");
			goto done;
		}
		writer_start(&wr, r.out, (nr + REC_BLOCK - 1) / REC_BLOCK);
	}
	if ((rc = writer_wait(&wr, e)) != 0)
		goto done;
	st->lists = atomic_load(&r.lists);
	st->zero_users = nusers - st->lists;
	st->filtered = atomic_load(&r.filtered);
	st->scored = atomic_load(&r.scored);
	st->tiles = atomic_load(&r.tiles);
done:
	(void)writer_wait(&wr, NULL);   /* a round in flight on an error */
	if (bufs != NULL)
		for (b = 0; b < 2 * nbuf; b++)
			outbuf_free(&bufs[b]);
	free(bufs);
	free((void *)r.panels);
	free((void *)r.pnorm);
	free((void *)r.perm);
	free(r.cands);
	free(r.floor);
	free(r.counts);
	free(r.zero);
	free(seen_col);
	free(seen_row);
	return rc;
}
