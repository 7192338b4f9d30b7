/* interactions.c: see interactions.h. */
#include "interactions.h"

#include <stdlib.h>
#include <string.h>

#include "radix.h"

static int
oom(rs_err *e)
{
	return rs_errf(e, EX_SOFTWARE, "out of memory");
}

int
ia_init(ia_set *s, rs_err *e)
{
	memset(s, 0, sizeof *s);
	if (idmap_init(&s->users, 1024) != 0 ||
	    idmap_init(&s->items, 1024) != 0) {
		ia_free(s);
		return oom(e);
	}
	return 0;
}

void
ia_free(ia_set *s)
{
	idmap_free(&s->users);
	idmap_free(&s->items);
	free(s->user_ids);
	free(s->item_ids);
	free(s->keys);
	free(s->types);
	memset(s, 0, sizeof *s);
}

/* Grows *ids (capacity *cap) to hold index at. */
static int
grow_ids(uint64_t **ids, size_t *cap, size_t at)
{
	size_t ncap;
	uint64_t *p;

	if (at < *cap)
		return 0;
	ncap = *cap != 0 ? *cap * 2 : 1024;
	if ((p = realloc(*ids, ncap * sizeof *p)) == NULL)
		return -1;
	*ids = p;
	*cap = ncap;
	return 0;
}

/* The dense index of id in map, recording new ids in *ids. */
static int64_t
dense(idmap *map, uint64_t **ids, size_t *cap, uint64_t id)
{
	int added;
	int64_t i = idmap_put(map, id, &added);

	if (i < 0)
		return -1;
	if (added) {
		if (grow_ids(ids, cap, (size_t)i) != 0)
			return -1;
		(*ids)[i] = id;
	}
	return i;
}

int
ia_add(ia_set *s, uint64_t user, uint64_t item, int type, rs_err *e)
{
	int64_t u, i;

	if (s->finished || type < 0 || type >= EV_NTYPES)
		return rs_errf(e, EX_SOFTWARE, "ia_add: bad call");
	if ((u = dense(&s->users, &s->user_ids, &s->ucap, user)) < 0 ||
	    (i = dense(&s->items, &s->item_ids, &s->icap, item)) < 0)
		return oom(e);
	if (s->n == s->cap) {
		size_t ncap = s->cap != 0 ? s->cap * 2 : 65536;
		uint64_t *k = realloc(s->keys, ncap * sizeof *k);
		uint8_t *t;

		if (k == NULL)
			return oom(e);
		s->keys = k;
		if ((t = realloc(s->types, ncap)) == NULL)
			return oom(e);
		s->types = t;
		s->cap = ncap;
	}
	s->keys[s->n] = (uint64_t)u << 32 | (uint64_t)i;
	s->types[s->n] = (uint8_t)type;
	s->n++;
	s->added++;
	return 0;
}

/*
 * Sorts ids[0..n-1] ascending and returns rank[dense index] = position in
 * the sorted order, or NULL when out of memory.
 */
static uint32_t *
sort_ids(uint64_t *ids, size_t n)
{
	uint32_t *perm = malloc((n ? n : 1) * sizeof *perm);
	uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
	size_t r;

	if (perm == NULL || rank == NULL)
		goto fail;
	for (r = 0; r < n; r++)
		perm[r] = (uint32_t)r;
	if (radix_sort_u64(ids, perm, n) != 0)
		goto fail;
	for (r = 0; r < n; r++)
		rank[perm[r]] = (uint32_t)r;
	free(perm);
	return rank;
fail:
	free(perm);
	free(rank);
	return NULL;
}

int
ia_finish(ia_set *s, rs_err *e)
{
	uint32_t *urank = NULL, *irank = NULL;
	size_t k, out;

	if (s->finished)
		return rs_errf(e, EX_SOFTWARE, "ia_finish: called twice");
	s->nusers = s->users.len;
	s->nitems = s->items.len;
	/* The hash maps are done with: give their memory back first. */
	idmap_free(&s->users);
	idmap_free(&s->items);
	if (s->nitems != 0 && s->nusers > UINT64_MAX / EV_NTYPES / s->nitems)
		return rs_errf(e, EX_SOFTWARE, "too many users x items "
		    "(%zu x %zu)", s->nusers, s->nitems);
	if ((urank = sort_ids(s->user_ids, s->nusers)) == NULL ||
	    (irank = sort_ids(s->item_ids, s->nitems)) == NULL) {
		free(urank);
		return oom(e);
	}
	for (k = 0; k < s->n; k++) {
		uint64_t key = s->keys[k];

		s->keys[k] = ((uint64_t)urank[key >> 32] * s->nitems +
		    irank[key & UINT32_MAX]) * EV_NTYPES + s->types[k];
	}
	free(urank);
	free(irank);
	free(s->types);
	s->types = NULL;
	if (radix_sort_u64(s->keys, NULL, s->n) != 0)
		return oom(e);
	for (k = 0, out = 0; k < s->n; k++)
		if (out == 0 || s->keys[k] != s->keys[out - 1])
			s->keys[out++] = s->keys[k];
	s->n = out;
	s->finished = 1;
	return 0;
}

int
ia_csr(const ia_set *s, const ev_weights *w, csr *m, rs_err *e)
{
	uint64_t *indptr = NULL, *row_ids = NULL, *col_ids = NULL;
	uint32_t *indices = NULL, *colmap = NULL;
	float *data = NULL;
	size_t k, nnz = 0, rows = 0, cols = 0, r, c;

	memset(m, 0, sizeof *m);
	if (!s->finished)
		return rs_errf(e, EX_SOFTWARE, "ia_csr: set not finished");
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
	return oom(e);
}

void
ia_csr_free(csr *m)
{
	free((void *)m->row_ids);
	free((void *)m->col_ids);
	free((void *)m->indptr);
	free((void *)m->indices);
	free((void *)m->data);
	memset(m, 0, sizeof *m);
}
