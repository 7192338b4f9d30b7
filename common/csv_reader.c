/* csv_reader.c: see csv_reader.h. */
#include "csv_reader.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "bytemask.h"
#include "util.h"

/*
 * Two paths read a record, with one set of rules around them.  Both see
 * the same lines: a final CR taken off (CRLF), empty lines skipped and
 * counted, a BOM taken off the header, a NUL refused.
 *
 * The fast path takes a block of whole lines from the reader's buffer
 * (infile_lines) and splits each line in place at its commas, provided it
 * can prove the line plain: no double quote and no NUL.  On such a line
 * libcsv (strict, no space trimming, LF the only terminator) would give the
 * same fields, which tests/fuzz/fuzz_csv_diff.c checks byte for byte.  Any
 * other line is given back to the reader untouched and read by libcsv,
 * which is also what reads the header and every line when
 * csv_reader_libcsv_only is set (RS_CSV_LIBCSV_ONLY=1 in the environment).
 */
struct csv_reader {
	infile *r;
	size_t ncols;            /* 0 until the header is read */
	uint64_t lineno;         /* line the current record starts on */
	uint64_t blank;          /* empty lines skipped */
	uint64_t by_libcsv;      /* records libcsv read */
	int libcsv_only;
	char **fields;
	size_t nfields, fcap;
	/* the fast path's block: lines [cur, end) still to read; taken:
	 * lines read since blk, not yet consumed from the reader */
	char *blk, *cur, *end;
	uint64_t taken;
	/* libcsv: fields copied into arena, one after the other */
	struct csv_parser p;
	char *arena;
	size_t alen, acap;
	size_t *offs;            /* field offsets into arena */
	size_t ocap;
	int record_done;
	int oom;
};

/* libcsv trims spaces and tabs around unquoted fields by default; the fast
 * path keeps them, so libcsv must too (and then strict mode refuses a space
 * between a closing quote and the comma, as RFC 4180 does). */
static int
no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

/* libcsv ends a record at a CR too; a lone CR inside a line is data to the
 * fast path (lines end at LF; a CR before it is taken off first), so only
 * LF ends a record here. */
static int
lf_term(unsigned char ch)
{
	return ch == '\n';
}

static int
parser_init(csv_reader *c)
{
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_space_func(&c->p, no_space);
	csv_set_term_func(&c->p, lf_term);
	return 0;
}

csv_reader *
csv_reader_from_rd(infile *r, rs_err *e)
{
	csv_reader *c = calloc(1, sizeof *c);
	const char *only = getenv("RS_CSV_LIBCSV_ONLY");

	if (c == NULL || parser_init(c) != 0) {
		free(c);
		infile_close(r);
		rs_oom(e);
		return NULL;
	}
	c->r = r;
	c->libcsv_only = only != NULL && strcmp(only, "1") == 0;
	return c;
}

csv_reader *
csv_reader_open(const char *path, rs_err *e)
{
	infile *r = infile_open(path, e);

	return r == NULL ? NULL : csv_reader_from_rd(r, e);
}

void
csv_reader_libcsv_only(csv_reader *c, int on)
{
	c->libcsv_only = on;
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

uint64_t
csv_reader_blank_lines(const csv_reader *c)
{
	return c->blank;
}

uint64_t
csv_reader_libcsv_records(const csv_reader *c)
{
	return c->by_libcsv;
}

static int
grow_fields(csv_reader *c)
{
	char **nf = util_grow(c->fields, &c->fcap, c->fcap + 1, sizeof *nf);

	if (nf == NULL)
		return -1;
	c->fields = nf;
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

/* ---- libcsv ----------------------------------------------------------- */

static void
cb_field(void *s, size_t len, void *data)
{
	csv_reader *c = data;

	if (c->oom)
		return;
	if (c->alen + len + 1 > c->acap) {
		size_t ncap = (c->alen + len + 1) * 2;
		/* padded as infile's lines are (see csv_reader.h) */
		char *na = realloc(c->arena, ncap + INFILE_PAD);

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
		return rs_oom(e);
	return e != NULL ? e->code : EX_DATAERR;
}

/* Takes the CR of a CRLF off the line. */
static inline void
chop_cr(char *line, size_t *len)
{
	if (*len > 0 && line[*len - 1] == '\r')
		line[--*len] = '\0';
}

static int
nul_err(csv_reader *c, rs_err *e)
{
	return rs_errf(e, EX_DATAERR, "%s:%llu: NUL byte in line (not a text "
	    "file?)", infile_name(c->r),
	    (unsigned long long)infile_lineno(c->r));
}

/* Parses the record that starts with line (not empty, no NUL) via libcsv,
 * reading further lines while a quoted field stays open. */
static int
libcsv_record(csv_reader *c, char *line, size_t len, rs_err *e)
{
	size_t i, n;
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
			return rs_oom(e);
		if (c->record_done)
			break;
		/* Within a quoted field: its next line. */
		rc = infile_line(c->r, &line, &len, e);
		if (rc == 0) {
			rs_errf(e, EX_DATAERR, "%s:%llu: unterminated "
			    "quoted field at end of input", infile_name(c->r),
			    (unsigned long long)c->lineno);
			return reset_parser(c, e);
		}
		if (rc != 1)
			return rc;
		chop_cr(line, &len);
		if (memchr(line, '\0', len) != NULL) {
			nul_err(c, e);
			return reset_parser(c, e);
		}
	}
	n = c->nfields;
	c->nfields = 0;
	for (i = 0; i < n; i++)
		if (push_field(c, c->arena + c->offs[i]) < 0)
			return rs_oom(e);
	c->by_libcsv++;
	return 1;
}

/* The next record by libcsv, from the reader's next line on. */
static int
general_record(csv_reader *c, rs_err *e)
{
	char *line;
	size_t len;
	int rc;

	for (;;) {
		if ((rc = infile_line(c->r, &line, &len, e)) != 1)
			return rc;
		chop_cr(line, &len);
		if (c->ncols == 0 && len >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			len -= 3;
		}
		if (len > 0)
			break;
		c->blank++;
	}
	c->lineno = infile_lineno(c->r);
	if (memchr(line, '\0', len) != NULL)
		return nul_err(c, e);
	return libcsv_record(c, line, len, e);
}

/* ---- the fast path ---------------------------------------------------- */

/* Gives back to the reader the lines the fast path has taken. */
static void
settle(csv_reader *c)
{
	if (c->blk != NULL)
		infile_skip(c->r, (size_t)(c->cur - c->blk), c->taken);
	c->blk = c->cur = c->end = NULL;
	c->taken = 0;
}

enum { PLAIN, NOT_PLAIN, NO_MEMORY };

/*
 * Splits the line at p (whole, ending in LF, INFILE_PAD readable after the
 * block) at its commas, in place: PLAIN with c->fields set and *lf at its
 * LF, or NOT_PLAIN (a double quote or a NUL) with the line as it was.
 * With SSE2 it looks at 16 bytes a step, the special bytes of a step found
 * at once and taken lowest first.
 */
static int
split_plain(csv_reader *c, char *p, char **lf)
{
	char **f = c->fields, *q;
	size_t n = 1, cap = c->fcap, i;

	if (cap < 2) {
		if (grow_fields(c) < 0)
			return NO_MEMORY;
		f = c->fields;
		cap = c->fcap;
	}
	f[0] = p;
#ifdef __SSE2__
	for (;; p += 16) {
		unsigned m = bytemask_csv16(p) | bytemask_eq16(p, '\n');

		for (; m != 0; m &= m - 1) {
			q = p + __builtin_ctz(m);
#else
	for (;; p++) {
		{
			q = p;
			if (*q != ',' && *q != '\n' && *q != '"' && *q != '\0')
				continue;
#endif
			if (*q == '\n') {
				*lf = q;
				c->nfields = n;
				return PLAIN;
			}
			if (*q != ',')
				goto not_plain;
			*q = '\0';
			if (n == cap) {
				c->nfields = n;
				if (grow_fields(c) < 0)
					return NO_MEMORY;
				f = c->fields;
				cap = c->fcap;
			}
			f[n++] = q + 1;
		}
	}
not_plain:
	for (i = 1; i < n; i++)
		f[i][-1] = ',';
	c->nfields = 0;
	return NOT_PLAIN;
}

/*
 * The next record by the fast path: 1 with c->fields set, 0 when the next
 * line is for libcsv (or there is none left), or an error of the input
 * itself.
 */
static int
fast_record(csv_reader *c, rs_err *e)
{
	char *line, *lf;

	for (;;) {
		if (c->cur == c->end) {
			long n;

			settle(c);
			if ((n = infile_lines(c->r, &c->blk, e)) <= 0)
				return n < 0 ? (e != NULL && e->code ? e->code :
				    EX_IOERR) : 0;
			c->cur = c->blk;
			c->end = c->blk + n;
		}
		switch (split_plain(c, c->cur, &lf)) {
		case PLAIN:
			break;
		case NOT_PLAIN:
			settle(c);
			return 0;
		default:
			return rs_oom(e);
		}
		line = c->cur;
		c->cur = lf + 1;
		c->taken++;
		*lf = '\0';
		if (lf > line && lf[-1] == '\r')
			*--lf = '\0';
		if (lf > line || c->nfields > 1) {
			c->lineno = infile_lineno(c->r) + c->taken;
			return 1;
		}
		c->blank++;             /* an empty line */
	}
}

/* Reads one record into c->fields / c->nfields. */
static int
read_record(csv_reader *c, rs_err *e)
{
	int rc;

	if (c->ncols != 0 && !c->libcsv_only &&
	    (rc = fast_record(c, e)) != 0)
		return rc;
	return general_record(c, e);
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
