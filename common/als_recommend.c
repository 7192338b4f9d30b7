/* als_recommend.c: top-N lists from a model; see als.h. */
#include "als.h"
#include "als_impl.h"
#include "par.h"

#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Users per unit of work (a multiple of 6), and the bytes of item panels
 * scored before moving on, to stay in a 512 KiB L2. */
#define REC_BLOCK 96
#define REC_CHUNK_BYTES (192 * 1024)
#define REC_HEAP_BYTES ((size_t)256 << 20)

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

/* Offers the scores out[u*16 + j] of panel p to user u of the six at mb
 * for every u in mask. */
static void
block_take(recctx *r, block *bk, size_t mb, size_t p, unsigned mask,
    const float *out)
{
	while (mask != 0) {
		unsigned u = (unsigned)__builtin_ctz(mask);
		size_t bu = mb + u, ru = bk->lo + bu, j;
		const cand *h = r->heaps + ru * r->n;

		mask &= mask - 1;
		for (j = 0; j < 16; j++) {
			uint32_t it = r->perm[p * 16 + j];
			float sc = out[u * 16 + j];
			cand c = {sc, it};

			if (it == UINT32_MAX || !(sc >= bk->thr[bu]) ||
			    (r->counts[ru] == r->n && !worse(h, &c)))
				continue;
			if (in_sorted(bk->seen + bk->sbeg[bu], bk->send[bu] -
			    bk->sbeg[bu], it))
				continue;
			bk->thr[bu] = rec_push(r, ru, it, sc);
		}
	}
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
	size_t f = r->mod->factors, p0, mb, scored = 0;
	float out[96] __attribute__((aligned(32)));
	block bk;

	(void)tid;
	if (block_load(r, &bk, lo, hi - lo) != 0) {
		atomic_store(&r->oom, 1);
		return;
	}
	for (p0 = 0; p0 < r->npanels; p0 += r->chunk) {
		size_t p1 = p0 + r->chunk < r->npanels ? p0 + r->chunk :
		    r->npanels;

		for (mb = 0; mb < bk.nbp; mb += 6) {
			size_t p;

			for (p = p0; p < p1; p++) {
				unsigned alive = 0, u;

				for (u = 0; u < 6; u++) {
					size_t bu = mb + u;

					if (!bk.done[bu] && bk.thr[bu] >
					    bk.xnorm[bu] * r->pnorm[p])
						bk.done[bu] = 1;
					alive |= !bk.done[bu];
				}
				if (!alive)
					break;
				scored++;
				block_take(r, &bk, mb, p, r->tile(bk.X + mb * f,
				    r->panels + p * f * 16, f, bk.thr + mb, out),
				    out);
			}
		}
	}
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

static int
cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
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

/* Hands the nr lists of the round starting at users[r0] to sink, in
 * order, sorted best first. */
static int
rec_emit(recctx *r, const uint32_t *users, size_t r0, size_t nr,
    uint32_t *items, float *scores, als_rec_sink sink, void *arg,
    als_rec_stats *st, rs_err *e)
{
	size_t i, k;
	int rc;

	for (i = 0; i < nr; i++) {
		cand *h = r->heaps + i * r->n;
		size_t cnt = r->counts[i];

		if (r->zero[i]) {
			st->zero_users++;
			continue;
		}
		qsort(h, cnt, sizeof *h, cand_cmp);
		for (k = 0; k < cnt; k++) {
			items[k] = h[k].item;
			scores[k] = h[k].score;
		}
		st->lists++;
		if ((rc = sink(arg, users[r0 + i], items, scores, cnt, e)) != 0)
			return rc;
	}
	return 0;
}

int
als_recommend(const als_model *mod, const uint32_t *users, size_t nusers,
    size_t n, const csr *seen, unsigned threads, als_rec_sink sink,
    void *arg, als_rec_stats *st, rs_err *e)
{
	size_t round = (size_t)threads * 8 * REC_BLOCK, f = mod->factors;
	size_t r0, i;
	uint32_t *seen_col = NULL, *items = NULL;
	int64_t *seen_row = NULL;
	float *scores = NULL;
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
	r.tile = als_kernels_pick()->rec_tile;
	r.heaps = malloc(round * n * sizeof *r.heaps);
	r.counts = malloc(round * sizeof *r.counts);
	r.zero = malloc(round * sizeof *r.zero);
	items = malloc(n * sizeof *items);
	scores = malloc(n * sizeof *scores);
	if (seen != NULL) {
		seen_col = malloc((seen->cols + 1) * sizeof *seen_col);
		seen_row = malloc(round * sizeof *seen_row);
	}
	if (rec_panels(&r, mod) != 0 || r.heaps == NULL || r.counts == NULL ||
	    r.zero == NULL || items == NULL || scores == NULL ||
	    (seen != NULL && (seen_col == NULL || seen_row == NULL))) {
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
		goto done;
	}
	if (seen != NULL) {
		rec_map_seen(mod, seen, seen_col);
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
		if ((rc = rec_emit(&r, users, r0, nr, items, scores, sink, arg,
		    st, e)) != 0)
			goto done;
	}
	st->filtered = atomic_load(&r.filtered);
	st->scored = atomic_load(&r.scored);
	st->tiles = atomic_load(&r.tiles);
done:
	free((void *)r.panels);
	free((void *)r.pnorm);
	free((void *)r.perm);
	free(r.heaps);
	free(r.counts);
	free(r.zero);
	free(items);
	free(scores);
	free(seen_col);
	free(seen_row);
	return rc;
}
