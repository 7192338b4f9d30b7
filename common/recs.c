/* recs.c: see recs.h. */
#include "recs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infile.h"
#include "num.h"
#include "tsv.h"
#include "util.h"

const char *const recs_cols[4] = { "user", "rank", "item", "score" };

struct recs_reader {
	tsv_reader *t;
	uint64_t user, rank;     /* of the last row; rank 0: no row yet */
	/* the items of the current user's list, for the "listed twice"
	 * rule: open addressing, a slot in use when its stamp is gen, so a
	 * new user empties the set by gen++ */
	uint64_t *key;
	uint32_t *stamp;
	size_t cap, used;        /* cap: a power of two */
	uint32_t gen;
	/* the fast path: a block of whole lines (infile_lines), the next one
	 * at cur; the lines taken from it not yet given back (settle) */
	char *blk, *cur, *end;
	uint64_t taken;
};

recs_reader *
recs_reader_open(const char *path, rs_err *e)
{
	recs_reader *r = calloc(1, sizeof *r);

	if (r == NULL) {
		rs_oom(e);
		return NULL;
	}
	if ((r->t = tsv_reader_open(path, recs_cols, 4, e)) == NULL) {
		free(r);
		return NULL;
	}
	r->gen = 1;
	return r;
}

void
recs_reader_close(recs_reader *r)
{
	if (r == NULL)
		return;
	tsv_reader_close(r->t);
	free(r->key);
	free(r->stamp);
	free(r);
}

uint64_t
recs_reader_lineno(const recs_reader *r)
{
	return tsv_reader_lineno(r->t) + r->taken;
}

const char *
recs_reader_name(const recs_reader *r)
{
	return tsv_reader_name(r->t);
}

int
recs_reader_scattered(const recs_reader *r, rs_err *e, uint64_t user,
    uint64_t first_line, uint64_t line)
{
	return rs_errf(e, EX_DATAERR, "%s:%llu: user %llu: rows not grouped "
	    "by user (first seen at line %llu)", tsv_reader_name(r->t),
	    (unsigned long long)line, (unsigned long long)user,
	    (unsigned long long)first_line);
}

static inline size_t
slot_of(uint64_t item, size_t mask)
{
	return (size_t)((item * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

/* Adds item to the current list's set: 1 if it was new, 0 if already
 * there, -1 when out of memory. */
static int
add_item(recs_reader *r, uint64_t item)
{
	size_t i;

	if (2 * (r->used + 1) > r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 64, k;
		uint64_t *nk = malloc(ncap * sizeof *nk);
		uint32_t *ns = calloc(ncap, sizeof *ns);

		if (nk == NULL || ns == NULL) {
			free(nk);
			free(ns);
			return -1;
		}
		for (k = 0; k < r->cap; k++)
			if (r->stamp[k] == r->gen) {
				for (i = slot_of(r->key[k], ncap - 1);
				    ns[i] == 1; i = (i + 1) & (ncap - 1))
					;
				nk[i] = r->key[k];
				ns[i] = 1;
			}
		free(r->key);
		free(r->stamp);
		r->key = nk;
		r->stamp = ns;
		r->cap = ncap;
		r->gen = 1;
	}
	for (i = slot_of(item, r->cap - 1); r->stamp[i] == r->gen;
	    i = (i + 1) & (r->cap - 1))
		if (r->key[i] == item)
			return 0;
	r->key[i] = item;
	r->stamp[i] = r->gen;
	r->used++;
	return 1;
}

/* Starts a new user's list: the set emptied. */
static void
new_list(recs_reader *r)
{
	r->used = 0;
	if (++r->gen == 0) {         /* wrapped: stamps must be cleared */
		if (r->stamp != NULL)
			memset(r->stamp, 0, r->cap * sizeof *r->stamp);
		r->gen = 1;
	}
}

/*
 * The end of the plain decimal at s ("0.25", "-1", "3."): sign, digits, a
 * point, digits, 1 to 299 digits in all, which num_double always takes as
 * a finite number; NULL when s does not start with one.
 */
static const char *
plain_decimal(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	size_t digits = 0;

	for (; (unsigned)((unsigned char)*p - '0') < 10; p++)
		digits++;
	if (*p == '.')
		for (p++; (unsigned)((unsigned char)*p - '0') < 10; p++)
			digits++;
	return digits > 0 && digits < 300 ? p : NULL;
}

/* The unsigned number at *pp of 1 to 19 digits followed by a TAB: its
 * value, *pp moved past the TAB; -1 when it is not so. */
static inline int
plain_u64(const char **pp, uint64_t *v)
{
	size_t n = num_scan_u64(*pp, v);

	if (n - 1 >= 19 || (*pp)[n] != '\t')
		return -1;
	*pp += n + 1;
	return 0;
}

/*
 * A recs file holds tens of millions of rows: one in its plain form (three
 * numbers of up to 19 digits, a plain decimal score, nothing else) is read
 * in one pass, without splitting; any other line goes to tsv_reader_split
 * and the checked parsers, which word every error.  A plain row is one
 * they would accept with the same values.
 */
static const char *
plain_fields(const char *p, recs_row *row)
{
	return plain_u64(&p, &row->user) == 0 &&
	    plain_u64(&p, &row->rank) == 0 &&
	    plain_u64(&p, &row->item) == 0 ? plain_decimal(p) : NULL;
}

static int
plain_row(const char *line, size_t len, recs_row *row)
{
	const char *p = plain_fields(line, row);

	return p != NULL && p == line + len;
}

enum { TAKEN, BAD_RANK, REPEATED, NO_MEMORY };

/*
 * Takes row into the current list when its rank follows the last row's
 * (*expect: the rank it must have) and its item is new to the list:
 * TAKEN; else the rule it breaks (or NO_MEMORY), the reader's state as it
 * was.
 */
static int
take_row(recs_reader *r, const recs_row *row, uint64_t *expect)
{
	int rc;

	*expect = r->rank > 0 && row->user == r->user ? r->rank + 1 : 1;
	if (row->rank != *expect)
		return BAD_RANK;
	if (*expect == 1)
		new_list(r);    /* an empty list: its first item is new */
	if ((rc = add_item(r, row->item)) <= 0)
		return rc < 0 ? NO_MEMORY : REPEATED;
	r->user = row->user;
	r->rank = row->rank;
	return TAKEN;
}

/* Gives back to the input the lines the fast path has taken. */
static void
settle(recs_reader *r)
{
	if (r->blk != NULL)
		infile_skip(tsv_reader_rd(r->t), (size_t)(r->cur - r->blk),
		    r->taken);
	r->blk = r->cur = r->end = NULL;
	r->taken = 0;
}

/*
 * The next row by the fast path: straight from a block of whole lines,
 * without finding each line's end first, when the row is plain and passes
 * every check: 1 with row set; 0 (the lines taken given back) when the
 * next line is for recs_reader_next's own reading, which words any error;
 * or an error of the input.
 */
static int
fast_row(recs_reader *r, recs_row *row, rs_err *e)
{
	const char *p;
	uint64_t expect;

	if (r->cur == r->end) {
		long n;

		settle(r);
		if ((n = infile_lines(tsv_reader_rd(r->t), &r->blk, e)) <= 0)
			return n < 0 ? (e != NULL && e->code ? e->code :
			    EX_IOERR) : 0;
		r->cur = r->blk;
		r->end = r->blk + n;
	}
	if ((p = plain_fields(r->cur, row)) != NULL && *p == '\n')
		switch (take_row(r, row, &expect)) {
		case TAKEN:
			r->cur = (char *)p + 1;
			r->taken++;
			return 1;
		case NO_MEMORY:
			return rs_oom(e);
		}
	/* for the line-by-line reading, the state as it was */
	settle(r);
	return 0;
}

int
recs_reader_next(recs_reader *r, recs_row *row, rs_err *e)
{
	uint64_t *v[3] = {&row->user, &row->rank, &row->item}, expect;
	const char *why;
	double score;
	char *line, **f;
	size_t len;
	int rc, i, split = 0;

	if ((rc = fast_row(r, row, e)) != 0)
		return rc;
	if ((rc = infile_line(tsv_reader_rd(r->t), &line, &len, e)) != 1)
		return rc;
	if (!plain_row(line, len, row)) {
		if ((rc = tsv_reader_split(r->t, line, len, &f, e)) != 1)
			return rc;
		split = 1;
		for (i = 0; i < 3; i++)
			if ((why = num_u64_padded(f[i], v[i])) != NULL)
				return tsv_reader_field_err(r->t, e, (size_t)i,
				    why);
		if ((why = num_double(f[3], &score)) != NULL)
			return tsv_reader_field_err(r->t, e, 3, why);
	}
	switch (take_row(r, row, &expect)) {
	case TAKEN:
		return 1;
	case NO_MEMORY:
		return rs_oom(e);
	case BAD_RANK: {
		char msg[64];

		snprintf(msg, sizeof msg, "expected rank %llu%s",
		    (unsigned long long)expect, expect == 1 ?
		    " (the user's first row)" : "");
		/* the message shows the field as written */
		if (!split)
			(void)tsv_reader_split(r->t, line, len, &f, e);
		return tsv_reader_field_err(r->t, e, 1, msg);
	}
	default:        /* REPEATED */
		if (!split)
			(void)tsv_reader_split(r->t, line, len, &f, e);
		return tsv_reader_field_err(r->t, e, 2,
		    "item listed twice for the user");
	}
}

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

int
recs_load(recs *r, const char *path, size_t max_rank, rs_err *e)
{
	struct group *g = NULL;
	size_t ng = 0, gcap = 0, icap = 0, i, sorted = 1;
	uint64_t *items = NULL, ni = 0;
	recs_reader *rd;
	recs_row row;
	int rc;

	memset(r, 0, sizeof *r);
	if ((rd = recs_reader_open(path, e)) == NULL)
		return e != NULL ? e->code : EX_NOINPUT;
	while ((rc = recs_reader_next(rd, &row, e)) == 1) {
		r->n_rows++;
		if (row.rank == 1) {
			if ((g = util_grow(g, &gcap, ng + 1, sizeof *g)) ==
			    NULL) {
				rc = rs_oom(e);
				break;
			}
			if (ng > 0 && row.user < g[ng - 1].user)
				sorted = 0;
			g[ng].user = row.user;
			g[ng].start = ni;
			g[ng].len = 0;
			g[ng].line = recs_reader_lineno(rd);
			ng++;
		}
		if (max_rank != 0 && row.rank > max_rank)
			continue;
		if ((items = util_grow(items, &icap, ni + 1, sizeof *items)) ==
		    NULL) {
			rc = rs_oom(e);
			break;
		}
		items[ni++] = row.item;
		g[ng - 1].len++;
	}
	if (rc == 0 && !sorted)
		qsort(g, ng, sizeof *g, by_user);
	for (i = 1; rc == 0 && i < ng; i++)
		if (g[i].user == g[i - 1].user)
			rc = recs_reader_scattered(rd, e, g[i].user,
			    g[i].line < g[i - 1].line ? g[i].line : g[i - 1].line,
			    g[i].line > g[i - 1].line ? g[i].line : g[i - 1].line);
	if (rc == 0) {
		r->user = malloc((ng ? ng : 1) * sizeof *r->user);
		r->off = malloc((ng + 1) * sizeof *r->off);
		r->item = sorted && items != NULL ? items :
		    malloc((ni ? ni : 1) * sizeof *items);
		if (r->user == NULL || r->off == NULL || r->item == NULL)
			rc = rs_oom(e);
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
	recs_reader_close(rd);
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

size_t
recs_format_row(char *buf, const char *user, size_t ulen, size_t rank,
    const char *item, size_t ilen, float score)
{
	size_t len = ulen;

	memcpy(buf, user, ulen);
	buf[len++] = '\t';
	len += (size_t)num_fmt_u64(buf + len, rank);
	buf[len++] = '\t';
	memcpy(buf + len, item, ilen);
	len += ilen;
	buf[len++] = '\t';
	len += (size_t)num_fmt_fixed6(buf + len, score);
	buf[len++] = '\n';
	return len;
}
