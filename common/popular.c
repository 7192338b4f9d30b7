/* popular.c: see popular.h. */
#include "popular.h"

#include <stdlib.h>
#include <string.h>

#include "tsv.h"

const char *const pop_cols[4] = {"item", "category", "count", "score"};

static int
oom(rs_err *e)
{
	return rs_errf(e, EX_SOFTWARE, "out of memory");
}

int
pop_init(pop_counter *p, const ev_weights *w, int distinct_users,
    int64_t since_ms, rs_err *e)
{
	memset(p, 0, sizeof *p);
	p->w = *w;
	p->distinct_users = distinct_users;
	p->since_ms = since_ms;
	if (distinct_users)
		return ia_init(&p->set, e);
	if (idmap_init(&p->items, 1024) != 0)
		return oom(e);
	return 0;
}

void
pop_free(pop_counter *p)
{
	if (p->distinct_users)
		ia_free(&p->set);
	idmap_free(&p->items);
	free(p->item_ids);
	free(p->n);
	memset(p, 0, sizeof *p);
}

int
pop_add(pop_counter *p, const event *ev, rs_err *e)
{
	int64_t i;
	int added;

	if (p->w.w[ev->type] == 0 || ev->ts_ms < p->since_ms)
		return 0;
	p->counted++;
	if (p->distinct_users)
		return ia_add(&p->set, ev->user, ev->item, ev->type, e);
	if ((i = idmap_put(&p->items, ev->item, &added)) < 0)
		return oom(e);
	if (added) {
		if ((size_t)i == p->cap) {
			size_t ncap = p->cap ? p->cap * 2 : 1024;
			uint64_t *ids = realloc(p->item_ids,
			    ncap * sizeof *ids);
			uint64_t (*n)[EV_NTYPES];

			if (ids == NULL)
				return oom(e);
			p->item_ids = ids;
			if ((n = realloc(p->n, ncap * sizeof *n)) == NULL)
				return oom(e);
			p->n = n;
			p->cap = ncap;
		}
		p->item_ids[i] = ev->item;
		memset(p->n[i], 0, sizeof p->n[i]);
	}
	p->n[i][ev->type]++;
	return 0;
}

static int
by_count_then_item(const void *a, const void *b)
{
	const pop_entry *x = a, *y = b;

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
pop_rank(pop_counter *p, pop_entry **list, size_t *n, rs_err *e)
{
	pop_entry *v;
	size_t i, len;

	*list = NULL;
	*n = 0;
	if (p->distinct_users) {
		uint64_t (*cnt)[EV_NTYPES];
		size_t k, u, it;
		int t;

		if (ia_finish(&p->set, e) != 0)
			return e != NULL ? e->code : EX_SOFTWARE;
		len = p->set.nitems;
		if ((cnt = calloc(len ? len : 1, sizeof *cnt)) == NULL)
			return oom(e);
		/* Triples are distinct, so each is one user. */
		for (k = 0; k < p->set.n; k++) {
			ia_triple(&p->set, k, &u, &it, &t);
			cnt[it][t]++;
		}
		if ((v = malloc((len ? len : 1) * sizeof *v)) == NULL) {
			free(cnt);
			return oom(e);
		}
		for (i = 0; i < len; i++) {
			v[i].item = p->set.item_ids[i];
			v[i].count = weighted(&p->w, cnt[i]);
		}
		free(cnt);
	} else {
		len = p->items.len;
		if ((v = malloc((len ? len : 1) * sizeof *v)) == NULL)
			return oom(e);
		for (i = 0; i < len; i++) {
			v[i].item = p->item_ids[i];
			v[i].count = weighted(&p->w, p->n[i]);
		}
	}
	qsort(v, len, sizeof *v, by_count_then_item);
	*list = v;
	*n = len;
	return 0;
}

void
pop_write_tsv(FILE *fp, const pop_entry *list, size_t n, size_t limit,
    const items *it)
{
	size_t i;

	tsv_write_header(fp, pop_cols, 4);
	if (limit != 0 && limit < n)
		n = limit;
	for (i = 0; i < n; i++) {
		char num[40];
		int64_t at = it != NULL ? items_find(it, list[i].item) : -1;

		tsv_put_u64(fp, list[i].item);
		tsv_put_ch(fp, '\t');
		if (at >= 0)
			tsv_put_u64(fp, it->category[at]);
		tsv_put_ch(fp, '\t');
		weights_fmt_double(list[i].count, num, sizeof num);
		tsv_put_str(fp, num);
		tsv_put_ch(fp, '\t');
		snprintf(num, sizeof num, "%.*f", POP_SCORE_DIGITS,
		    list[i].count / list[0].count);
		tsv_put_str(fp, num);
		tsv_put_ch(fp, '\n');
	}
}
