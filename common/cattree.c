/* cattree.c: see cattree.h. */
#include "cattree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "num.h"
#include "util.h"

const char *const cattree_cols[2] = {"categoryid", "parentid"};

/* Longest chain shown in a cycle message before "...". */
#define CYCLE_SHOW 8

void
cattree_free(cattree *t)
{
	free(t->id);
	free(t->root);
	idmap_free(&t->map);
	memset(t, 0, sizeof *t);
}

/* "a -> b -> ... -> a" for the cycle through index start, cut after
 * CYCLE_SHOW steps. */
static void
show_cycle(char *buf, size_t sz, const uint64_t *ids, const int64_t *par,
    int64_t start)
{
	size_t used;
	int64_t j = start;
	int hops;

	used = (size_t)snprintf(buf, sz, "%llu", (unsigned long long)ids[start]);
	for (hops = 0; hops < CYCLE_SHOW && used < sz; hops++) {
		j = par[j];
		used += (size_t)snprintf(buf + used, sz - used, " -> %llu",
		    (unsigned long long)ids[j]);
		if (j == start)
			return;
	}
	if (used < sz)
		snprintf(buf + used, sz - used, " -> ...");
}

int
cattree_build(cattree *t, const cattree_rec *rec, size_t n, const char *file,
    rs_err *e)
{
	int64_t *par = NULL, *stack = NULL;
	unsigned char *state = NULL;     /* 0 new, 1 on the walk, 2 done */
	size_t i;
	int rc = 0;

	memset(t, 0, sizeof *t);
	if (n == 0)
		return rs_errf(e, EX_DATAERR, "%s: no categories", file);
	t->id = malloc(n * sizeof *t->id);
	t->root = malloc(n * sizeof *t->root);
	par = malloc(n * sizeof *par);
	stack = malloc(n * sizeof *stack);
	state = calloc(n, 1);
	if (t->id == NULL || t->root == NULL || par == NULL ||
	    stack == NULL || state == NULL || idmap_init(&t->map, n) != 0) {
		rc = rs_oom(e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		int added;
		int64_t k = idmap_put(&t->map, rec[i].id, &added);

		if (k < 0) {
			rc = rs_oom(e);
			goto out;
		}
		if (!added) {
			rc = rs_errf(e, EX_DATAERR, "%s:%llu: category %llu: "
			    "duplicate (first at line %llu)", file,
			    (unsigned long long)rec[i].line,
			    (unsigned long long)rec[i].id,
			    (unsigned long long)rec[k].line);
			goto out;
		}
		t->id[i] = rec[i].id;
	}
	t->n = n;
	for (i = 0; i < n; i++) {
		par[i] = rec[i].has_parent ? idmap_get(&t->map,
		    rec[i].parent) : -1;
		if (rec[i].has_parent && par[i] < 0) {
			rc = rs_errf(e, EX_DATAERR, "%s:%llu: category %llu: "
			    "parent %llu is not in the tree", file,
			    (unsigned long long)rec[i].line,
			    (unsigned long long)rec[i].id,
			    (unsigned long long)rec[i].parent);
			goto out;
		}
		t->nroots += !rec[i].has_parent;
	}
	/*
	 * Walk up from each unresolved category, marking the walk, until a
	 * root or a resolved category gives the answer for the whole walk;
	 * meeting a category of the walk itself is a cycle.  Each category
	 * is walked once: O(n).
	 */
	for (i = 0; i < n; i++) {
		size_t sp = 0;
		int64_t j = (int64_t)i;
		uint64_t root;

		if (state[i] == 2)
			continue;
		for (;;) {
			if (state[j] == 2) {
				root = t->root[j];
				break;
			}
			if (state[j] == 1) {
				char chain[256];

				show_cycle(chain, sizeof chain, t->id, par, j);
				rc = rs_errf(e, EX_DATAERR, "%s:%llu: category "
				    "%llu: cycle in the tree: %s", file,
				    (unsigned long long)rec[j].line,
				    (unsigned long long)t->id[j], chain);
				goto out;
			}
			state[j] = 1;
			stack[sp++] = j;
			if (par[j] < 0) {
				root = t->id[j];
				break;
			}
			j = par[j];
		}
		while (sp > 0) {
			j = stack[--sp];
			t->root[j] = root;
			state[j] = 2;
		}
	}
out:
	free(par);
	free(stack);
	free(state);
	if (rc != 0)
		cattree_free(t);
	return rc;
}

int
cattree_load(cattree *t, const char *path, rs_err *e)
{
	cattree_rec *rec = NULL;
	size_t n = 0, cap = 0;
	csv_reader *c;
	char **f;
	int rc;

	memset(t, 0, sizeof *t);
	if ((c = csv_reader_open(path, e)) == NULL)
		return e->code;
	if ((rc = csv_reader_header(c, cattree_cols, 2, e)) != 0)
		goto out;
	while ((rc = csv_reader_next(c, &f, e)) == 1) {
		cattree_rec *r;
		const char *why;

		cattree_rec *nr = util_grow(rec, &cap, n + 1, sizeof *rec);

		if (nr == NULL) {
			rc = rs_oom(e);
			goto out;
		}
		rec = nr;
		r = &rec[n];
		r->line = csv_reader_lineno(c);
		if ((why = num_u64(f[0], &r->id)) != NULL) {
			rc = rs_field_err(e, csv_reader_name(c), r->line, 1,
			    cattree_cols[0], why, f[0]);
			goto out;
		}
		r->has_parent = f[1][0] != '\0';
		r->parent = 0;
		if (r->has_parent && (why = num_u64(f[1], &r->parent)) != NULL) {
			rc = rs_field_err(e, csv_reader_name(c), r->line, 2,
			    cattree_cols[1], why, f[1]);
			goto out;
		}
		n++;
	}
	if (rc == 0)
		rc = cattree_build(t, rec, n, csv_reader_name(c), e);
out:
	csv_reader_close(c);
	free(rec);
	return rc;
}

int
cattree_root(const cattree *t, uint64_t cat, uint64_t *root)
{
	int64_t k = idmap_get(&t->map, cat);

	if (k < 0)
		return -1;
	*root = t->root[k];
	return 0;
}
