/* recs.c: see recs.h. */
#include "recs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "tsv.h"

const char *const recs_cols[4] = { "user", "rank", "item", "score" };

/* One user's rows as read: where its items start in the read order. */
struct group {
	uint64_t user;
	uint64_t start, len;
	uint64_t line;        /* of its first row, for the message */
};

static int
by_user(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return (x->user > y->user) - (x->user < y->user);
}

static void *
grow(void *p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;
	void *q;

	if (need <= *cap)
		return p;
	ncap = *cap ? *cap * 2 : 4096;
	while (ncap < need)
		ncap *= 2;
	if ((q = realloc(p, ncap * elsize)) == NULL)
		return NULL;
	*cap = ncap;
	return q;
}

static int
oom(rs_err *e)
{
	return rs_errf(e, EX_SOFTWARE, "out of memory");
}

int
recs_load(recs *r, const char *path, size_t max_rank, rs_err *e)
{
	struct group *g = NULL;
	size_t ng = 0, gcap = 0, icap = 0, i, sorted = 1;
	uint64_t *items = NULL, ni = 0, prev_rank = 0;
	const char *name;
	tsv_reader *t;
	char **f;
	int rc;

	memset(r, 0, sizeof *r);
	if ((t = tsv_reader_open(path, recs_cols, 4, e)) == NULL)
		return e != NULL ? e->code : EX_NOINPUT;
	while ((rc = tsv_reader_next(t, &f, e)) == 1) {
		uint64_t user, rank, item;
		double score;
		const char *why;

		r->n_rows++;
		if ((why = num_u64(f[0], &user)) != NULL) {
			rc = tsv_reader_field_err(t, e, 0, why);
			break;
		}
		if ((why = num_u64(f[1], &rank)) != NULL) {
			rc = tsv_reader_field_err(t, e, 1, why);
			break;
		}
		if ((why = num_u64(f[2], &item)) != NULL) {
			rc = tsv_reader_field_err(t, e, 2, why);
			break;
		}
		if ((why = num_double(f[3], &score)) != NULL) {
			rc = tsv_reader_field_err(t, e, 3, why);
			break;
		}
		if (ng == 0 || g[ng - 1].user != user) {
			if ((g = grow(g, &gcap, ng + 1, sizeof *g)) == NULL) {
				rc = oom(e);
				break;
			}
			if (ng > 0 && user < g[ng - 1].user)
				sorted = 0;
			g[ng].user = user;
			g[ng].start = ni;
			g[ng].len = 0;
			g[ng].line = tsv_reader_lineno(t);
			ng++;
			prev_rank = 0;
		}
		if (rank != prev_rank + 1) {
			rc = tsv_reader_field_err(t, e, 1, prev_rank == 0 ?
			    "a user's first rank must be 1" :
			    "rank does not follow the previous rank");
			break;
		}
		prev_rank = rank;
		if (max_rank != 0 && rank > max_rank)
			continue;
		if ((items = grow(items, &icap, ni + 1, sizeof *items)) ==
		    NULL) {
			rc = oom(e);
			break;
		}
		items[ni++] = item;
		g[ng - 1].len++;
	}
	name = tsv_reader_name(t);
	if (rc == 0 && !sorted)
		qsort(g, ng, sizeof *g, by_user);
	for (i = 1; rc == 0 && i < ng; i++)
		if (g[i].user == g[i - 1].user)
			rc = rs_errf(e, EX_DATAERR, "%s:%llu: user %llu: rows "
			    "not grouped by user (first seen at line %llu)",
			    name, (unsigned long long)(g[i].line > g[i - 1].line ?
			    g[i].line : g[i - 1].line),
			    (unsigned long long)g[i].user,
			    (unsigned long long)(g[i].line < g[i - 1].line ?
			    g[i].line : g[i - 1].line));
	if (rc == 0) {
		r->user = malloc((ng ? ng : 1) * sizeof *r->user);
		r->off = malloc((ng + 1) * sizeof *r->off);
		r->item = sorted && items != NULL ? items :
		    malloc((ni ? ni : 1) * sizeof *items);
		if (r->user == NULL || r->off == NULL || r->item == NULL)
			rc = oom(e);
	}
	if (rc == 0) {
		uint64_t o = 0;

		for (i = 0; i < ng; i++) {
			r->user[i] = g[i].user;
			r->off[i] = o;
			if (!sorted)
				memcpy(r->item + o, items + g[i].start,
				    g[i].len * sizeof *items);
			o += g[i].len;
		}
		r->off[ng] = o;
		r->n_users = ng;
	}
	tsv_reader_close(t);
	free(g);
	if (rc != 0) {
		if (r->item != items)
			free(r->item);
		r->item = NULL;
		free(items);
		recs_free(r);
		return rc;
	}
	if (!sorted)
		free(items);
	return 0;
}

void
recs_free(recs *r)
{
	free(r->user);
	free(r->off);
	free(r->item);
	memset(r, 0, sizeof *r);
}

int
recs_write_rows(FILE *fp, uint64_t user, const uint64_t *item_ids,
    const uint32_t *items, const float *scores, size_t n, rs_err *e)
{
	char num[NUM_FIXED6_MAX];
	size_t k;
	int len;

	for (k = 0; k < n; k++) {
		len = num_fmt_fixed6(num, scores[k]);
		tsv_put_u64(fp, user);
		tsv_put_ch(fp, '\t');
		tsv_put_u64(fp, k + 1);
		tsv_put_ch(fp, '\t');
		tsv_put_u64(fp, item_ids[items[k]]);
		tsv_put_ch(fp, '\t');
		fwrite_unlocked(num, 1, (size_t)len, fp);
		tsv_put_ch(fp, '\n');
	}
	if (ferror(fp))
		return rs_errf(e, EX_IOERR, "write error: %s",
		    strerror(errno != 0 ? errno : EIO));
	return 0;
}
