/* eval.c: see eval.h. */
#include "eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_reader.h"
#include "event_reader.h"
#include "events.h"
#include "itemsim.h"
#include "num.h"
#include "recs.h"
#include "tsv.h"
#include "util.h"

int
eval_truth_init(eval_truth *t)
{
	memset(t, 0, sizeof *t);
	return idmap_init(&t->map, 0);
}

void
eval_truth_free(eval_truth *t)
{
	free(t->user);
	free(t->off);
	free(t->item);
	free(t->rows);
	free(t->history);
	free(t->pairs);
	idmap_free(&t->map);
	memset(t, 0, sizeof *t);
}

int
eval_truth_add_cart(eval_truth *t, uint64_t user, uint64_t item)
{
	if (t->npairs == t->cappairs) {
		size_t cap = t->cappairs ? t->cappairs * 2 : 1024;
		uint64_t *p = realloc(t->pairs, cap * 2 * sizeof *p);

		if (p == NULL)
			return -1;
		t->pairs = p;
		t->cappairs = cap;
	}
	t->pairs[2 * t->npairs] = user;
	t->pairs[2 * t->npairs + 1] = item;
	t->npairs++;
	t->ncarts++;
	return 0;
}

static int
cmp_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] < y[1] ? -1 : 1;
	return 0;
}

/*
 * Sorts the pairs by (user, item) and packs them into one run of distinct
 * items per user with their row counts.
 */
int
eval_truth_finish(eval_truth *t)
{
	size_t i, nu = 0, ni = 0;

	if (t->npairs > 0)
		qsort(t->pairs, t->npairs, 2 * sizeof *t->pairs, cmp_pair);
	for (i = 0; i < t->npairs; i++) {
		if (i == 0 || t->pairs[2 * i] != t->pairs[2 * i - 2])
			nu++;
		if (i == 0 || cmp_pair(t->pairs + 2 * i,
		    t->pairs + 2 * i - 2) != 0)
			ni++;
	}
	t->user = malloc((nu ? nu : 1) * sizeof *t->user);
	t->off = malloc((nu + 1) * sizeof *t->off);
	t->item = malloc((ni ? ni : 1) * sizeof *t->item);
	t->rows = malloc((ni ? ni : 1) * sizeof *t->rows);
	t->history = calloc(nu ? nu : 1, 1);
	if (t->user == NULL || t->off == NULL || t->item == NULL ||
	    t->rows == NULL || t->history == NULL)
		return -1;
	idmap_free(&t->map);
	if (idmap_init(&t->map, nu) != 0)
		return -1;
	nu = ni = 0;
	for (i = 0; i < t->npairs; i++) {
		uint64_t u = t->pairs[2 * i], it = t->pairs[2 * i + 1];

		if (nu == 0 || t->user[nu - 1] != u) {
			t->off[nu] = ni;
			t->user[nu] = u;
			if (idmap_put(&t->map, u, NULL) < 0)
				return -1;
			nu++;
		} else if (t->item[ni - 1] == it) {
			t->rows[ni - 1]++;
			continue;
		}
		t->item[ni] = it;
		t->rows[ni] = 1;
		ni++;
	}
	t->off[nu] = ni;
	t->nusers = nu;
	free(t->pairs);
	t->pairs = NULL;
	t->npairs = t->cappairs = 0;
	return 0;
}

int64_t
eval_truth_find(const eval_truth *t, uint64_t user)
{
	return idmap_get(&t->map, user);
}

void
eval_truth_mark_history(eval_truth *t, uint64_t user)
{
	int64_t u = idmap_get(&t->map, user);

	if (u >= 0 && !t->history[u]) {
		t->history[u] = 1;
		t->nhistory++;
	}
}

/* Widens [*first, *last] to hold ts. */
static void
span_add(int64_t *first, int64_t *last, int64_t ts)
{
	if (ts < *first)
		*first = ts;
	if (ts > *last)
		*last = ts;
}

int
eval_truth_load(eval_truth *t, const char *test, const char *train,
    rs_err *e)
{
	char *path[1];
	event_reader *r;
	event ev;
	int rc;

	if (eval_truth_init(t) != 0)
		return rs_oom(e);
	t->test_first_ms = t->train_first_ms = INT64_MAX;
	t->test_last_ms = t->train_last_ms = INT64_MIN;
	path[0] = (char *)test;
	if ((r = event_reader_open(path, 1, NULL, e)) == NULL)
		goto fail;
	while ((rc = event_reader_next(r, &ev, e)) == 1)
		if (span_add(&t->test_first_ms, &t->test_last_ms, ev.ts_ms),
		    ev.type == EV_ADDTOCART &&
		    eval_truth_add_cart(t, ev.user, ev.item) != 0) {
			rc = rs_oom(e);
			break;
		}
	event_reader_close(r);
	if (rc != 0)
		goto fail;
	if (eval_truth_finish(t) != 0) {
		rs_oom(e);
		goto fail;
	}
	path[0] = (char *)train;
	if ((r = event_reader_open(path, 1, NULL, e)) == NULL)
		goto fail;
	while ((rc = event_reader_next(r, &ev, e)) == 1) {
		span_add(&t->train_first_ms, &t->train_last_ms, ev.ts_ms);
		if (ev.type == EV_VIEW || ev.type == EV_ADDTOCART)
			eval_truth_mark_history(t, ev.user);
	}
	event_reader_close(r);
	if (rc != 0)
		goto fail;
	return 0;
fail:
	eval_truth_free(t);
	return e != NULL && e->code ? e->code : EX_SOFTWARE;
}

/* The index of item among user u's carted items, or -1. */
static int64_t
find_cart(const eval_truth *t, size_t u, uint64_t item)
{
	int64_t i = util_u64_find(t->item + t->off[u],
	    (size_t)(t->off[u + 1] - t->off[u]), item);

	return i < 0 ? -1 : (int64_t)t->off[u] + i;
}

void
eval_match(const eval_truth *t, size_t u, const uint64_t *list, size_t n,
    eval_hits *h)
{
	size_t i;

	memset(h, 0, sizeof *h);
	h->listed = (uint32_t)n;
	h->relevant = (uint32_t)(t->off[u + 1] - t->off[u]);
	for (i = t->off[u]; i < t->off[u + 1]; i++)
		h->relevant_rows += t->rows[i];
	for (i = 0; i < n; i++) {
		int64_t j = find_cart(t, u, list[i]);

		if (j >= 0) {
			h->distinct++;
			h->rows += t->rows[j];
		}
	}
}

double
eval_precision(const eval_hits *h, int count_dups)
{
	if (count_dups)
		return (double)h->rows /
		    ((double)h->listed + h->rows - h->distinct);
	return (double)h->distinct / h->listed;
}

double
eval_recall(const eval_hits *h, int count_dups)
{
	if (count_dups)
		return (double)h->rows / (double)h->relevant_rows;
	return (double)h->distinct / h->relevant;
}

int
eval_cover_init(eval_cover *c)
{
	c->covered = 0;
	return idmap_init(&c->seen, 0);
}

int
eval_cover_add(eval_cover *c, const uint64_t *list, size_t n,
    const items *catalogue)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int added;

		if (idmap_put(&c->seen, list[i], &added) < 0)
			return -1;
		if (added && items_find(catalogue, list[i]) >= 0)
			c->covered++;
	}
	return 0;
}

void
eval_cover_free(eval_cover *c)
{
	idmap_free(&c->seen);
}

int
eval_acc_init(eval_acc *a, size_t k, size_t coverage_k, int count_dups)
{
	memset(a, 0, sizeof *a);
	a->k = k;
	a->coverage_k = coverage_k;
	a->count_dups = count_dups;
	return eval_cover_init(&a->cover);
}

void
eval_acc_free(eval_acc *a)
{
	eval_cover_free(&a->cover);
}

int
eval_acc_add(eval_acc *a, const eval_truth *t, size_t u,
    const uint64_t *list, size_t n, const items *catalogue)
{
	eval_hits h;

	eval_match(t, u, list, n < a->k ? n : a->k, &h);
	a->users++;
	a->sum_precision += eval_precision(&h, a->count_dups);
	a->sum_recall += eval_recall(&h, a->count_dups);
	return eval_cover_add(&a->cover, list,
	    n < a->coverage_k ? n : a->coverage_k, catalogue);
}

int
eval_acc_row(const eval_acc *a, size_t ncatalogue, eval_row *r)
{
	memset(r, 0, sizeof *r);
	r->users = a->users;
	if (a->users == 0)
		return 0;
	r->precision_pct = 100.0 * a->sum_precision / (double)a->users;
	r->recall_pct = 100.0 * a->sum_recall / (double)a->users;
	r->coverage_pct = 100.0 * (double)a->cover.covered /
	    (double)ncatalogue;
	r->outside = a->cover.seen.len - a->cover.covered;
	return 1;
}

void
eval_lists_free(eval_lists *l)
{
	free(l->item);
	free(l->len);
	memset(l, 0, sizeof *l);
}

/* Empty lists of K items for t's users; -1 (l freed) when out of
 * memory. */
static int
lists_alloc(eval_lists *l, const eval_truth *t, size_t K)
{
	memset(l, 0, sizeof *l);
	l->K = K;
	l->nusers = t->nusers;
	l->item = malloc((t->nusers ? t->nusers : 1) * K * sizeof *l->item);
	l->len = calloc(t->nusers ? t->nusers : 1, sizeof *l->len);
	if (l->item == NULL || l->len == NULL) {
		eval_lists_free(l);
		return -1;
	}
	return 0;
}

int
eval_lists_read(eval_lists *l, const eval_truth *t, const char *path,
    size_t K, int only_history, rs_err *e)
{
	int64_t u = -1;         /* the current user's index, -1: skipped */
	uint64_t *first = NULL; /* line of each selected user's first row */
	recs_reader *r;
	recs_row row;
	int rc;

	if (lists_alloc(l, t, K) != 0)
		return rs_oom(e);
	if ((first = calloc(t->nusers ? t->nusers : 1, sizeof *first)) ==
	    NULL) {
		eval_lists_free(l);
		return rs_oom(e);
	}
	if ((r = recs_reader_open(path, e)) == NULL) {
		eval_lists_free(l);
		free(first);
		return e != NULL ? e->code : EX_NOINPUT;
	}
	while ((rc = recs_reader_next(r, &row, e)) == 1) {
		l->rows++;
		/* A user's rows are contiguous: look the user up once, at
		 * rank 1.  Only the selected users are remembered, so only
		 * theirs are checked for being split. */
		if (row.rank == 1) {
			u = idmap_get(&t->map, row.user);
			if (u >= 0 && only_history && !t->history[u])
				u = -1;
			if (u >= 0 && first[u] != 0) {
				rc = recs_reader_scattered(r, e, row.user,
				    first[u], recs_reader_lineno(r));
				break;
			}
			if (u >= 0)
				first[u] = recs_reader_lineno(r);
		}
		if (u < 0 || row.rank > K)
			continue;
		if (row.rank == 1)
			l->users_listed++;
		l->item[(size_t)u * K + l->len[u]++] = row.item;
	}
	recs_reader_close(r);
	free(first);
	if (rc != 0)
		eval_lists_free(l);
	return rc;
}

struct hist_ev {
	uint32_t u;
	uint64_t item;
	double w;
};

static int
cmp_hist(const void *a, const void *b)
{
	const struct hist_ev *x = a, *y = b;

	if (x->u != y->u)
		return x->u < y->u ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

int
eval_lists_similar(eval_lists *l, const eval_truth *t, const char *train,
    const itemsim_lists *sims, const ev_weights *w, size_t K, rs_err *e)
{
	struct hist_ev *h = NULL;
	struct itemsim_cand *scratch = NULL;
	size_t nh = 0, caph = 0, i, j, scap = 0, maxrun = 0;
	uint64_t *items = NULL;
	double *wts = NULL;
	char *path[1];
	event_reader *r;
	event ev;
	int rc;

	if (lists_alloc(l, t, K) != 0)
		return rs_oom(e);
	path[0] = (char *)train;
	if ((r = event_reader_open(path, 1, NULL, e)) == NULL) {
		eval_lists_free(l);
		return e != NULL ? e->code : EX_NOINPUT;
	}
	while ((rc = event_reader_next(r, &ev, e)) == 1) {
		int64_t u = eval_truth_find(t, ev.user);

		if (u < 0 || !t->history[u] || w->w[ev.type] <= 0)
			continue;
		if (nh == caph) {
			size_t cap = caph ? caph * 2 : 4096;
			void *p = realloc(h, cap * sizeof *h);

			if (p == NULL) {
				event_reader_close(r);
				goto oom;
			}
			h = p;
			caph = cap;
		}
		h[nh++] = (struct hist_ev){ (uint32_t)u, ev.item,
		    w->w[ev.type] };
	}
	event_reader_close(r);
	if (rc != 0) {
		free(h);
		eval_lists_free(l);
		return rc;
	}
	if (nh > 0)
		qsort(h, nh, sizeof *h, cmp_hist);
	/* Distinct items per user, each with its largest weight. */
	for (i = 0, j = 0; i < nh; i++) {
		if (j > 0 && h[j - 1].u == h[i].u &&
		    h[j - 1].item == h[i].item) {
			if (h[i].w > h[j - 1].w)
				h[j - 1].w = h[i].w;
			continue;
		}
		h[j++] = h[i];
	}
	nh = j;
	for (i = 0; i < nh; i = j) {
		for (j = i; j < nh && h[j].u == h[i].u; j++)
			;
		if (j - i > maxrun)
			maxrun = j - i;
	}
	items = malloc((maxrun ? maxrun : 1) * sizeof *items);
	wts = malloc((maxrun ? maxrun : 1) * sizeof *wts);
	if (items == NULL || wts == NULL)
		goto oom;
	for (i = 0; i < nh; i = j) {
		long n;

		for (j = i; j < nh && h[j].u == h[i].u; j++) {
			items[j - i] = h[j].item;
			wts[j - i] = h[j].w;
		}
		n = itemsim_recommend(sims, items, wts, j - i, K,
		    l->item + (size_t)h[i].u * K, &scratch, &scap);
		if (n < 0)
			goto oom;
		l->len[h[i].u] = (uint32_t)n;
		l->users_listed += n > 0;
	}
	free(h);
	free(items);
	free(wts);
	free(scratch);
	return 0;
oom:
	free(h);
	free(items);
	free(wts);
	free(scratch);
	eval_lists_free(l);
	return rs_oom(e);
}

int
eval_curve_init(eval_curve *c, size_t kmax, int count_dups)
{
	memset(c, 0, sizeof *c);
	c->kmax = kmax;
	c->count_dups = count_dups;
	c->sum_precision = calloc(kmax, sizeof *c->sum_precision);
	c->sum_recall = calloc(kmax, sizeof *c->sum_recall);
	if (c->sum_precision == NULL || c->sum_recall == NULL) {
		eval_curve_free(c);
		return -1;
	}
	return 0;
}

void
eval_curve_free(eval_curve *c)
{
	free(c->sum_precision);
	free(c->sum_recall);
	c->sum_precision = c->sum_recall = NULL;
}

void
eval_curve_add(eval_curve *c, const eval_truth *t, size_t u,
    const uint64_t *list, size_t n)
{
	eval_hits h;
	size_t k;

	c->users++;
	for (k = 1; k <= c->kmax; k++) {
		eval_match(t, u, list, n < k ? n : k, &h);
		c->sum_precision[k - 1] += eval_precision(&h, c->count_dups);
		c->sum_recall[k - 1] += eval_recall(&h, c->count_dups);
	}
}

double
eval_curve_precision_pct(const eval_curve *c, size_t k)
{
	return c->users ? 100.0 * c->sum_precision[k - 1] / (double)c->users :
	    0.0;
}

double
eval_curve_recall_pct(const eval_curve *c, size_t k)
{
	return c->users ? 100.0 * c->sum_recall[k - 1] / (double)c->users : 0.0;
}
