/* evalm.c: see evalm.h. */
#include "evalm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "num.h"
#include "recs.h"
#include "tsv.h"

int
evalm_truth_init(evalm_truth *t)
{
	memset(t, 0, sizeof *t);
	return idmap_init(&t->map, 0);
}

void
evalm_truth_free(evalm_truth *t)
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
evalm_truth_add_cart(evalm_truth *t, uint64_t user, uint64_t item)
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
evalm_truth_finish(evalm_truth *t)
{
	size_t i, nu = 0, ni = 0;

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
evalm_truth_find(const evalm_truth *t, uint64_t user)
{
	return idmap_get(&t->map, user);
}

void
evalm_truth_mark_history(evalm_truth *t, uint64_t user)
{
	int64_t u = idmap_get(&t->map, user);

	if (u >= 0 && !t->history[u]) {
		t->history[u] = 1;
		t->nhistory++;
	}
}

int
evalm_truth_load(evalm_truth *t, const char *test, const char *train,
    rs_err *e)
{
	char *path[1];
	evr *r;
	event ev;
	int rc;

	if (evalm_truth_init(t) != 0)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	path[0] = (char *)test;
	if ((r = evr_open(path, 1, e)) == NULL)
		goto fail;
	while ((rc = evr_next(r, &ev, e)) == 1)
		if (ev.type == EV_ADDTOCART &&
		    evalm_truth_add_cart(t, ev.user, ev.item) != 0) {
			rc = rs_errf(e, EX_SOFTWARE, "out of memory");
			break;
		}
	evr_close(r);
	if (rc != 0)
		goto fail;
	if (evalm_truth_finish(t) != 0) {
		rs_errf(e, EX_SOFTWARE, "out of memory");
		goto fail;
	}
	path[0] = (char *)train;
	if ((r = evr_open(path, 1, e)) == NULL)
		goto fail;
	while ((rc = evr_next(r, &ev, e)) == 1)
		if (ev.type == EV_VIEW || ev.type == EV_ADDTOCART)
			evalm_truth_mark_history(t, ev.user);
	evr_close(r);
	if (rc != 0)
		goto fail;
	return 0;
fail:
	evalm_truth_free(t);
	return e != NULL && e->code ? e->code : EX_SOFTWARE;
}

/* The index of item among user u's carted items, or -1. */
static int64_t
find_cart(const evalm_truth *t, size_t u, uint64_t item)
{
	size_t lo = t->off[u], hi = t->off[u + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->item[mid] == item)
			return (int64_t)mid;
		if (t->item[mid] < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void
evalm_match(const evalm_truth *t, size_t u, const uint64_t *list, size_t n,
    evalm_hits *h)
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
evalm_precision(const evalm_hits *h, int count_dups)
{
	if (count_dups)
		return (double)h->rows /
		    ((double)h->listed + h->rows - h->distinct);
	return (double)h->distinct / h->listed;
}

double
evalm_recall(const evalm_hits *h, int count_dups)
{
	if (count_dups)
		return (double)h->rows / (double)h->relevant_rows;
	return (double)h->distinct / h->relevant;
}

int
evalm_acc_init(evalm_acc *a, size_t k, size_t coverage_k, int count_dups)
{
	memset(a, 0, sizeof *a);
	a->k = k;
	a->coverage_k = coverage_k;
	a->count_dups = count_dups;
	return idmap_init(&a->seen, coverage_k);
}

void
evalm_acc_free(evalm_acc *a)
{
	idmap_free(&a->seen);
}

int
evalm_acc_add(evalm_acc *a, const evalm_truth *t, size_t u,
    const uint64_t *list, size_t n, const items *catalogue)
{
	evalm_hits h;
	size_t i;

	evalm_match(t, u, list, n < a->k ? n : a->k, &h);
	a->users++;
	a->sum_precision += evalm_precision(&h, a->count_dups);
	a->sum_recall += evalm_recall(&h, a->count_dups);
	for (i = 0; i < n && i < a->coverage_k; i++) {
		int added;

		if (idmap_put(&a->seen, list[i], &added) < 0)
			return -1;
		if (added && items_find(catalogue, list[i]) >= 0)
			a->covered++;
	}
	return 0;
}

int
evalm_acc_row(const evalm_acc *a, size_t ncatalogue, evalm_row *r)
{
	memset(r, 0, sizeof *r);
	r->users = a->users;
	if (a->users == 0)
		return 0;
	r->precision_pct = 100.0 * a->sum_precision / (double)a->users;
	r->recall_pct = 100.0 * a->sum_recall / (double)a->users;
	r->coverage_pct = 100.0 * (double)a->covered / (double)ncatalogue;
	r->outside = a->seen.len - a->covered;
	return 1;
}

void
evalm_lists_free(evalm_lists *l)
{
	free(l->item);
	free(l->len);
	memset(l, 0, sizeof *l);
}

int
evalm_lists_read(evalm_lists *l, const evalm_truth *t, const char *path,
    size_t K, int only_history, rs_err *e)
{
	uint64_t prev_user = 0, prev_rank = 0;
	tsvr *r;
	char **f;
	int rc;

	memset(l, 0, sizeof *l);
	l->K = K;
	l->nusers = t->nusers;
	l->item = malloc((t->nusers ? t->nusers : 1) * K * sizeof *l->item);
	l->len = calloc(t->nusers ? t->nusers : 1, sizeof *l->len);
	if (l->item == NULL || l->len == NULL) {
		evalm_lists_free(l);
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	}
	if ((r = tsvr_open(path, recs_cols, 4, e)) == NULL) {
		evalm_lists_free(l);
		return e != NULL ? e->code : EX_NOINPUT;
	}
	while ((rc = tsvr_next(r, &f, e)) == 1) {
		uint64_t user, rank, item, expect, *list;
		double score;
		const char *why;
		int64_t u;
		size_t i;

		if ((why = num_u64(f[0], &user)) != NULL) {
			rc = tsvr_field_err(r, e, 0, why);
			break;
		}
		if ((why = num_u64(f[1], &rank)) != NULL) {
			rc = tsvr_field_err(r, e, 1, why);
			break;
		}
		expect = l->rows > 0 && user == prev_user ? prev_rank + 1 : 1;
		if (rank != expect) {
			char msg[64];

			snprintf(msg, sizeof msg, "expected rank %llu%s",
			    (unsigned long long)expect, expect == 1 ?
			    " (the user's first row)" : "");
			rc = tsvr_field_err(r, e, 1, msg);
			break;
		}
		if ((why = num_u64(f[2], &item)) != NULL) {
			rc = tsvr_field_err(r, e, 2, why);
			break;
		}
		if ((why = num_double(f[3], &score)) != NULL) {
			rc = tsvr_field_err(r, e, 3, why);
			break;
		}
		l->rows++;
		prev_user = user;
		prev_rank = rank;
		if (rank > K || (u = idmap_get(&t->map, user)) < 0 ||
		    (only_history && !t->history[u]))
			continue;
		list = l->item + (size_t)u * K;
		if (rank == 1 && l->len[u] > 0) {
			rc = tsvr_field_err(r, e, 0, "the user's rows are not "
			    "contiguous");
			break;
		}
		for (i = 0; i < l->len[u]; i++)
			if (list[i] == item)
				break;
		if (i < l->len[u]) {
			rc = tsvr_field_err(r, e, 2, "item listed twice for "
			    "the user");
			break;
		}
		if (rank == 1)
			l->users_listed++;
		list[l->len[u]++] = item;
	}
	tsvr_close(r);
	if (rc != 0)
		evalm_lists_free(l);
	return rc;
}
