/* interactions.c: see interactions.h. */
#include "interactions.h"

#include <stdlib.h>
#include <string.h>

#include "radix.h"
#include "tsv.h"
#include "util.h"

const char *const interactions_triple_cols[3] = {"user", "item", "value"};

int
interactions_init(interactions_set *s, rs_err *e)
{
	(void)e;
	memset(s, 0, sizeof *s);
	return 0;
}

void
interactions_free(interactions_set *s)
{
	free(s->user_ids);
	free(s->item_ids);
	free(s->keys);
	free(s->ev_items);
	free(s->types);
	memset(s, 0, sizeof *s);
}

int
interactions_add(interactions_set *s, uint64_t user, uint64_t item, int type, rs_err *e)
{
	if (s->finished || type < 0 || type >= EV_NTYPES)
		return rs_errf(e, EX_SOFTWARE, "interactions_add: bad call");
	if (s->n == s->cap) {
		/* Ranks are uint32 during interactions_finish. */
		size_t ncap = util_next_cap(s->cap, 65536,
		    (size_t)UINT32_MAX + 1);

		if (ncap == s->cap)
			return rs_errf(e, EX_SOFTWARE, "more than %zu events",
			    ncap);
		if (util_resize(&s->keys, ncap, sizeof *s->keys) ||
		    util_resize(&s->ev_items, ncap, sizeof *s->ev_items) ||
		    util_resize(&s->types, ncap, sizeof *s->types))
			return rs_oom(e);
		s->cap = ncap;
	}
	s->keys[s->n] = user;
	s->ev_items[s->n] = item;
	s->types[s->n] = (uint8_t)type;
	s->n++;
	s->added++;
	return 0;
}

/*
 * Replaces each of ids[0..n-1] by its rank among the distinct values, and
 * returns those values, ascending, in *distinct (allocated) and *nd.  The
 * radix sort carries each id's position, so writing the ranks back is one
 * pass.  -1 when out of memory (ids unchanged).
 */
static int
rank_ids(uint64_t *ids, size_t n, uint64_t **distinct, size_t *nd)
{
	uint64_t *sorted = malloc((n ? n : 1) * sizeof *sorted), *p;
	uint32_t *pos = malloc((n ? n : 1) * sizeof *pos);
	size_t k, r = 0;

	if (sorted == NULL || pos == NULL)
		goto fail;
	for (k = 0; k < n; k++) {
		sorted[k] = ids[k];
		pos[k] = (uint32_t)k;
	}
	if (radix_sort_u64(sorted, pos, n) != 0)
		goto fail;
	for (k = 0; k < n; k++) {
		if (k > 0 && sorted[k] != sorted[r])
			sorted[++r] = sorted[k];
		ids[pos[k]] = r;
	}
	free(pos);
	*nd = n != 0 ? r + 1 : 0;
	if ((p = realloc(sorted, (*nd ? *nd : 1) * sizeof *p)) != NULL)
		sorted = p;
	*distinct = sorted;
	return 0;
fail:
	free(sorted);
	free(pos);
	return -1;
}

int
interactions_finish(interactions_set *s, rs_err *e)
{
	size_t k, out;

	if (s->finished)
		return rs_errf(e, EX_SOFTWARE, "interactions_finish: called twice");
	if (rank_ids(s->keys, s->n, &s->user_ids, &s->nusers) != 0)
		return rs_oom(e);
	if (rank_ids(s->ev_items, s->n, &s->item_ids, &s->nitems) != 0)
		return rs_oom(e);
	if (s->nitems != 0 && s->nusers > UINT64_MAX / EV_NTYPES / s->nitems)
		return rs_errf(e, EX_SOFTWARE, "too many users x items "
		    "(%zu x %zu)", s->nusers, s->nitems);
	for (k = 0; k < s->n; k++)
		s->keys[k] = (s->keys[k] * s->nitems + s->ev_items[k]) *
		    EV_NTYPES + s->types[k];
	free(s->ev_items);
	free(s->types);
	s->ev_items = NULL;
	s->types = NULL;
	if (radix_sort_u64(s->keys, NULL, s->n) != 0)
		return rs_oom(e);
	for (k = 0, out = 0; k < s->n; k++)
		if (out == 0 || s->keys[k] != s->keys[out - 1])
			s->keys[out++] = s->keys[k];
	s->n = out;
	s->finished = 1;
	return 0;
}

int
interactions_csr(const interactions_set *s, const ev_weights *w, csr *m, rs_err *e)
{
	uint64_t *indptr = NULL, *row_ids = NULL, *col_ids = NULL;
	uint32_t *indices = NULL, *colmap = NULL;
	float *data = NULL;
	size_t k, nnz = 0, rows = 0, cols = 0, r, c;

	memset(m, 0, sizeof *m);
	if (!s->finished)
		return rs_errf(e, EX_SOFTWARE, "interactions_csr: set not finished");
	/* Sized for the worst case; at most one cell per triple. */
	if ((indptr = calloc(s->nusers + 1, sizeof *indptr)) == NULL ||
	    (colmap = calloc(s->nitems ? s->nitems : 1, sizeof *colmap)) ==
	    NULL ||
	    (indices = malloc((s->n ? s->n : 1) * sizeof *indices)) == NULL ||
	    (data = malloc((s->n ? s->n : 1) * sizeof *data)) == NULL)
		goto oom;
	/*
	 * One pass over the sorted triples: a cell is a run of equal
	 * key / EV_NTYPES, its types ascending within the run.  indices hold
	 * item ranks for now, and indptr[u + 1] the cells of user rank u.
	 */
	for (k = 0; k < s->n;) {
		uint64_t cell = s->keys[k] / EV_NTYPES;
		double sum = 0;
		float v;

		for (; k < s->n && s->keys[k] / EV_NTYPES == cell; k++)
			sum += w->w[s->keys[k] % EV_NTYPES];
		if ((v = (float)sum) == 0)
			continue;
		indices[nnz] = (uint32_t)(cell % s->nitems);
		data[nnz++] = v;
		indptr[cell / s->nitems + 1]++;
		colmap[cell % s->nitems] = 1;
	}
	/* Number the columns in use, in item id order. */
	if ((col_ids = malloc((s->nitems ? s->nitems : 1) * sizeof *col_ids))
	    == NULL ||
	    (row_ids = malloc((s->nusers ? s->nusers : 1) * sizeof *row_ids))
	    == NULL)
		goto oom;
	for (c = 0; c < s->nitems; c++)
		if (colmap[c]) {
			col_ids[cols] = s->item_ids[c];
			colmap[c] = (uint32_t)cols++;
		}
	for (k = 0; k < nnz; k++)
		indices[k] = colmap[indices[k]];
	/* Keep the rows with a cell; indptr becomes their prefix sums. */
	for (r = 0; r < s->nusers; r++)
		if (indptr[r + 1] != 0) {
			row_ids[rows] = s->user_ids[r];
			indptr[rows + 1] = indptr[rows] + indptr[r + 1];
			rows++;
		}
	free(colmap);
	m->rows = rows;
	m->cols = cols;
	m->nnz = nnz;
	m->row_ids = row_ids;
	m->col_ids = col_ids;
	m->indptr = indptr;
	m->indices = indices;
	m->data = data;
	return 0;
oom:
	free(indptr);
	free(colmap);
	free(indices);
	free(data);
	free(col_ids);
	free(row_ids);
	return rs_oom(e);
}

void
interactions_csr_free(csr *m)
{
	free((void *)m->row_ids);
	free((void *)m->col_ids);
	free((void *)m->indptr);
	free((void *)m->indices);
	free((void *)m->data);
	memset(m, 0, sizeof *m);
}

void
interactions_csr_write_tsv(FILE *fp, const csr *m)
{
	size_t i;
	uint64_t k;

	tsv_write_header(fp, interactions_triple_cols, 3);
	for (i = 0; i < m->rows; i++)
		for (k = m->indptr[i]; k < m->indptr[i + 1]; k++) {
			char num[32];

			weights_fmt_float(m->data[k], num, sizeof num);
			tsv_put_u64(fp, m->row_ids[i]);
			tsv_put_ch(fp, '\t');
			tsv_put_u64(fp, m->col_ids[m->indices[k]]);
			tsv_put_ch(fp, '\t');
			tsv_put_str(fp, num);
			tsv_put_ch(fp, '\n');
		}
}
