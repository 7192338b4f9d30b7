/* popular.c: see popular.h. */
#include "popular.h"

#include <stdlib.h>
#include <string.h>

#include "radix.h"
#include "util.h"

int
popular_init(popular_counter *p, const ev_weights *w, int distinct_users,
    int64_t since_ms, rs_err *e)
{
	memset(p, 0, sizeof *p);
	p->w = *w;
	p->distinct_users = distinct_users;
	p->since_ms = since_ms;
	if (distinct_users)
		return interactions_init(&p->set, e);
	return 0;
}

void
popular_free(popular_counter *p)
{
	if (p->distinct_users)
		interactions_free(&p->set);
	free(p->ev_items);
	free(p->ev_types);
	memset(p, 0, sizeof *p);
}

int
popular_add(popular_counter *p, const event *ev, rs_err *e)
{
	if (p->w.w[ev->type] == 0 || ev->ts_ms < p->since_ms)
		return 0;
	if (p->distinct_users) {
		p->counted++;
		return interactions_add(&p->set, ev->user, ev->item, ev->type, e);
	}
	if (p->counted == p->cap) {
		size_t ncap = util_next_cap(p->cap, 4096,
		    (size_t)UINT32_MAX + 1);

		if (ncap == p->cap)
			return rs_errf(e, EX_SOFTWARE, "more than %zu events",
			    ncap);
		if (util_resize(&p->ev_items, ncap, sizeof *p->ev_items) ||
		    util_resize(&p->ev_types, ncap, sizeof *p->ev_types))
			return rs_oom(e);
		p->cap = ncap;
	}
	p->ev_items[p->counted] = ev->item;
	p->ev_types[p->counted] = (uint32_t)ev->type;
	p->counted++;
	return 0;
}

static int
by_count_then_item(const void *a, const void *b)
{
	const popular_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

/* sum over t of w[t] * n[t], in type order (see popular.h). */
static double
weighted(const ev_weights *w, const uint64_t *n)
{
	double sum = 0;
	int t;

	for (t = 0; t < EV_NTYPES; t++)
		sum += w->w[t] * (double)n[t];
	return sum;
}

int
popular_rank(popular_counter *p, popular_entry **list, size_t *n, rs_err *e)
{
	popular_entry *v;
	size_t i, len;

	*list = NULL;
	*n = 0;
	if (p->distinct_users) {
		uint64_t (*cnt)[EV_NTYPES];
		size_t k, u, it;
		int t;

		if (interactions_finish(&p->set, e) != 0)
			return e != NULL ? e->code : EX_SOFTWARE;
		len = p->set.nitems;
		if ((cnt = calloc(len ? len : 1, sizeof *cnt)) == NULL)
			return rs_oom(e);
		/* Triples are distinct, so each is one user. */
		for (k = 0; k < p->set.n; k++) {
			interactions_triple(&p->set, k, &u, &it, &t);
			cnt[it][t]++;
		}
		if ((v = malloc((len ? len : 1) * sizeof *v)) == NULL) {
			free(cnt);
			return rs_oom(e);
		}
		for (i = 0; i < len; i++) {
			v[i].item = p->set.item_ids[i];
			v[i].count = weighted(&p->w, cnt[i]);
		}
		free(cnt);
	} else {
		uint64_t n_t[EV_NTYPES];
		size_t k, j;

		/* Sorted by item, each item's events are one run. */
		if (radix_sort_u64(p->ev_items, p->ev_types, p->counted) != 0)
			return rs_oom(e);
		for (k = 0, len = 0; k < p->counted; k++)
			len += k == 0 || p->ev_items[k] != p->ev_items[k - 1];
		if ((v = malloc((len ? len : 1) * sizeof *v)) == NULL)
			return rs_oom(e);
		for (k = 0, i = 0; k < p->counted; k = j, i++) {
			memset(n_t, 0, sizeof n_t);
			for (j = k; j < p->counted &&
			    p->ev_items[j] == p->ev_items[k]; j++)
				n_t[p->ev_types[j]]++;
			v[i].item = p->ev_items[k];
			v[i].count = weighted(&p->w, n_t);
		}
	}
	qsort(v, len, sizeof *v, by_count_then_item);
	*list = v;
	*n = len;
	return 0;
}
