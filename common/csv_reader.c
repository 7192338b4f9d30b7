/* csv_reader.c: see csv_reader.h. */
#include "csv_reader.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "bytemask.h"

struct csv_reader {
	infile *r;
	size_t ncols;            /* 0 until the header is read */
	uint64_t lineno;
	char **fields;
	size_t nfields, fcap;
	/* libcsv slow path: fields copied into arena */
	struct csv_parser p;
	char *arena;
	size_t alen, acap;
	size_t *offs;            /* field offsets into arena */
	size_t ocap;
	int record_done;
	int oom;
};

/* libcsv trims spaces and tabs around unquoted fields by default; the fast
 * path keeps them, so the slow path must too (and then strict mode refuses
 * a space between a closing quote and the comma, as RFC 4180 does). */
static int
no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

static int
parser_init(csv_reader *c)
{
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_space_func(&c->p, no_space);
	return 0;
}

csv_reader *
csv_reader_from_rd(infile *r, rs_err *e)
{
	csv_reader *c = calloc(1, sizeof *c);

	if (c == NULL || parser_init(c) != 0) {
		free(c);
		infile_close(r);
		rs_errf(e, EX_SOFTWARE, "out of memory");
		return NULL;
	}
	c->r = r;
	return c;
}

csv_reader *
csv_reader_open(const char *path, rs_err *e)
{
	infile *r = infile_open(path, e);

	return r == NULL ? NULL : csv_reader_from_rd(r, e);
}

void
csv_reader_close(csv_reader *c)
{
	if (c == NULL)
		return;
	csv_free(&c->p);
	infile_close(c->r);
	free(c->fields);
	free(c->arena);
	free(c->offs);
	free(c);
}

uint64_t
csv_reader_lineno(const csv_reader *c)
{
	return c->lineno;
}

const char *
csv_reader_name(const csv_reader *c)
{
	return infile_name(c->r);
}

infile *
csv_reader_rd(csv_reader *c)
{
	return c->r;
}

static int
grow_fields(csv_reader *c)
{
	size_t ncap = c->fcap ? c->fcap * 2 : 16;
	char **nf = realloc(c->fields, ncap * sizeof *nf);

	if (nf == NULL)
		return -1;
	c->fields = nf;
	c->fcap = ncap;
	return 0;
}

static inline int
push_field(csv_reader *c, char *f)
{
	if (c->nfields == c->fcap && grow_fields(c) < 0)
		return -1;
	c->fields[c->nfields++] = f;
	return 0;
}

static void
cb_field(void *s, size_t len, void *data)
{
	csv_reader *c = data;

	if (c->oom)
		return;
	if (c->alen + len + 1 > c->acap) {
		size_t ncap = (c->alen + len + 1) * 2;
		char *na = realloc(c->arena, ncap);

		if (na == NULL) {
			c->oom = 1;
			return;
		}
		c->arena = na;
		c->acap = ncap;
	}
	if (c->nfields == c->ocap) {
		size_t ncap = c->ocap ? c->ocap * 2 : 16;
		size_t *no = realloc(c->offs, ncap * sizeof *no);

		if (no == NULL) {
			c->oom = 1;
			return;
		}
		c->offs = no;
		c->ocap = ncap;
	}
	if (len > 0)
		memcpy(c->arena + c->alen, s, len);
	c->arena[c->alen + len] = '\0';
	c->offs[c->nfields++] = c->alen;
	c->alen += len + 1;
}

static void
cb_record(int term, void *data)
{
	(void)term;
	((csv_reader *)data)->record_done = 1;
}

/*
 * After a malformed record libcsv is left mid-field; a fresh parser lets a
 * caller that skips bad rows go on with the next line.  Returns e's code.
 */
static int
reset_parser(csv_reader *c, rs_err *e)
{
	csv_free(&c->p);
	if (parser_init(c) != 0)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	return e != NULL ? e->code : EX_DATAERR;
}

/* Parses a record that starts with line (which holds a quote) via libcsv,
 * reading further lines while a quoted field stays open. */
static int
slow_record(csv_reader *c, char *line, size_t len, rs_err *e)
{
	size_t i;
	int rc;

	c->nfields = 0;
	c->alen = 0;
	c->record_done = 0;
	for (;;) {
		if (csv_parse(&c->p, line, len, cb_field, cb_record, c) != len ||
		    csv_parse(&c->p, "\n", 1, cb_field, cb_record, c) != 1) {
			rs_errf(e, EX_DATAERR, "%s:%llu: malformed CSV "
			    "quoting: %s", infile_name(c->r),
			    (unsigned long long)infile_lineno(c->r),
			    csv_strerror(csv_error(&c->p)));
			return reset_parser(c, e);
		}
		if (c->oom)
			return rs_errf(e, EX_SOFTWARE, "out of memory");
		if (c->record_done)
			break;
		rc = infile_line(c->r, &line, &len, e);
		if (rc == 0) {
			rs_errf(e, EX_DATAERR, "%s:%llu: unterminated "
			    "quoted field at end of input", infile_name(c->r),
			    (unsigned long long)c->lineno);
			return reset_parser(c, e);
		}
		if (rc != 1)
			return rc;
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
	}
	/* The record callback fired; the parser may have been left in a
	 * state expecting the next record, which is what we want. */
	{
		size_t n = c->nfields;

		c->nfields = 0;
		for (i = 0; i < n; i++)
			if (push_field(c, c->arena + c->offs[i]) < 0)
				return rs_errf(e, EX_SOFTWARE, "out of memory");
	}
	return 1;
}

enum { SPLIT_OK, SPLIT_QUOTE, SPLIT_NUL, SPLIT_NOMEM };

/* Takes the special byte at q: a comma ends a field. */
static inline int
split_at(csv_reader *c, char *q)
{
	if (*q == ',') {
		*q = '\0';
		return push_field(c, q + 1) < 0 ? SPLIT_NOMEM : SPLIT_OK;
	}
	return *q == '"' ? SPLIT_QUOTE : SPLIT_NUL;
}


/*
 * Splits a line at its commas.  With SSE2 it looks at 16 bytes a step
 * (the special bytes of a block found at once, then taken lowest first;
 * the last partial block is read as the 16 bytes that end the line, the
 * bytes already seen masked off), else at one byte a step.  SPLIT_QUOTE
 * when the line holds a double quote (its commas then put back, for
 * libcsv), SPLIT_NUL for a NUL byte.
 */
static int
split_fast(csv_reader *c, char *line, size_t len)
{
	char *p = line, *end = line + len;
	int rc = SPLIT_OK;
	size_t i;

	c->nfields = 0;
	if (push_field(c, line) < 0)
		return SPLIT_NOMEM;
#ifdef __SSE2__
	{
		unsigned m;

		for (; end - p >= 16 && rc == SPLIT_OK; p += 16)
			for (m = bytemask_csv16(p); m != 0 && rc == SPLIT_OK;
			    m &= m - 1)
				rc = split_at(c, p + __builtin_ctz(m));
		if (rc == SPLIT_OK && p < end && len >= 16) {
			char *q = end - 16;

			m = bytemask_csv16(q) & (~0u << (p - q));
			for (; m != 0 && rc == SPLIT_OK; m &= m - 1)
				rc = split_at(c, q + __builtin_ctz(m));
			p = end;
		}
	}
#endif
	for (; p < end && rc == SPLIT_OK; p++)
		if (*p == ',' || *p == '"' || *p == '\0')
			rc = split_at(c, p);
	if (rc == SPLIT_QUOTE)
		for (i = 1; i < c->nfields; i++)
			c->fields[i][-1] = ',';
	return rc;
}

/* Reads one record into c->fields / c->nfields. */
static int
read_record(csv_reader *c, rs_err *e)
{
	char *line;
	size_t len;
	int rc;

	rc = infile_line(c->r, &line, &len, e);
	if (rc != 1)
		return rc;
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	c->lineno = infile_lineno(c->r);
	if (c->ncols == 0 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	switch (split_fast(c, line, len)) {
	case SPLIT_OK:
		return 1;
	case SPLIT_QUOTE:
		return slow_record(c, line, len, e);
	case SPLIT_NUL:
		return rs_errf(e, EX_DATAERR, "%s:%llu: NUL byte in line (not "
		    "a text file?)", infile_name(c->r),
		    (unsigned long long)c->lineno);
	default:
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	}
}

static void
join_fields(char *buf, size_t sz, char *const *f, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < sz; i++)
		used += (size_t)snprintf(buf + used, sz - used, "%s%s",
		    i ? "," : "", f[i]);
}

int
csv_reader_header(csv_reader *c, const char *const *expect, size_t n, rs_err *e)
{
	char want[256], got[256];
	size_t i;
	int rc = read_record(c, e);

	join_fields(want, sizeof want, (char *const *)expect, n);
	if (rc == 0)
		return rs_errf(e, EX_DATAERR, "%s: empty input (expected "
		    "header \"%s\")", infile_name(c->r), want);
	if (rc != 1)
		return rc;
	for (i = 0; i < n && i < c->nfields; i++)
		if (strcmp(c->fields[i], expect[i]) != 0)
			break;
	if (i < n || c->nfields != n) {
		join_fields(got, sizeof got, c->fields, c->nfields);
		return rs_errf(e, EX_DATAERR, "%s:%llu: expected header "
		    "\"%s\", found \"%s\"", infile_name(c->r),
		    (unsigned long long)c->lineno, want, got);
	}
	c->ncols = n;
	return 0;
}

int
csv_reader_next(csv_reader *c, char ***fields, rs_err *e)
{
	int rc = read_record(c, e);

	if (rc != 1)
		return rc;
	if (c->nfields != c->ncols)
		return rs_errf(e, EX_DATAERR, "%s:%llu: expected %zu fields, "
		    "found %zu", infile_name(c->r), (unsigned long long)c->lineno,
		    c->ncols, c->nfields);
	*fields = c->fields;
	return 1;
}
