/* tsv.c: see tsv.h. */
#include "tsv.h"

#include <stdlib.h>
#include <string.h>

#include "bytemask.h"
#include "num.h"

struct tsv_reader {
	infile *r;
	size_t n;
	const char *const *cols;
	char **fields;
};

static void
join_cols(char *buf, size_t sz, const char *const *cols, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < sz; i++)
		used += (size_t)snprintf(buf + used, sz - used, "%s%s",
		    i ? "\\t" : "", cols[i]);
}

/* Shows a found header with TABs made visible, cut to fit. */
static void
show_line(char *buf, size_t sz, const char *line)
{
	size_t used = 0;

	for (; *line != '\0' && used + 3 < sz; line++) {
		if (*line == '\t') {
			buf[used++] = '\\';
			buf[used++] = 't';
		} else if (*line == '\r') {
			buf[used++] = '\\';
			buf[used++] = 'r';
		} else {
			buf[used++] = *line;
		}
	}
	buf[used] = '\0';
}

/*
 * A NUL byte would end a field early as C strings see it, so "12<NUL>x"
 * would read as 12: refuse the line (a binary file, or a damaged one).
 */
static int
nul_err(const infile *r, const char *line, size_t len, rs_err *e)
{
	if (memchr(line, '\0', len) == NULL)
		return 0;
	return rs_errf(e, EX_DATAERR, "%s:%llu: NUL byte in line (not a text "
	    "file?)", infile_name(r), (unsigned long long)infile_lineno(r));
}

tsv_reader *
tsv_reader_from_rd(infile *r, const char *const *expect, size_t n, rs_err *e)
{
	char want[256], got[256];
	tsv_reader *t = calloc(1, sizeof *t);
	char *line;
	size_t len, i;
	int rc;

	if (t == NULL || (t->fields = calloc(n, sizeof *t->fields)) == NULL) {
		free(t);
		infile_close(r);
		rs_oom(e);
		return NULL;
	}
	t->r = r;
	t->n = n;
	t->cols = expect;
	join_cols(want, sizeof want, expect, n);
	rc = infile_line(r, &line, &len, e);
	if (rc == 0) {
		rs_errf(e, EX_DATAERR, "%s: empty input (expected header "
		    "\"%s\")", infile_name(r), want);
		goto fail;
	}
	if (rc != 1)
		goto fail;
	if (len > 0 && line[len - 1] == '\r') {
		rs_errf(e, EX_DATAERR, "%s:1: CRLF line end (TSV files use LF; "
		    "convert with: tr -d '\\r')", infile_name(r));
		goto fail;
	}
	if (nul_err(r, line, len, e) != 0)
		goto fail;
	{
		char *p = line;

		for (i = 0; i < n; i++) {
			size_t l = strlen(expect[i]);

			if (strncmp(p, expect[i], l) != 0 ||
			    p[l] != (i + 1 < n ? '\t' : '\0'))
				break;
			p += l + 1;
		}
	}
	if (i < n) {
		show_line(got, sizeof got, line);
		rs_errf(e, EX_DATAERR, "%s:1: expected header \"%s\", found "
		    "\"%s\"", infile_name(r), want, got);
		goto fail;
	}
	return t;
fail:
	tsv_reader_close(t);
	return NULL;
}

tsv_reader *
tsv_reader_open(const char *path, const char *const *expect, size_t n, rs_err *e)
{
	infile *r = infile_open(path, e);

	return r == NULL ? NULL : tsv_reader_from_rd(r, expect, n, e);
}

void
tsv_reader_close(tsv_reader *t)
{
	if (t == NULL)
		return;
	infile_close(t->r);
	free(t->fields);
	free(t);
}

uint64_t
tsv_reader_lineno(const tsv_reader *t)
{
	return infile_lineno(t->r);
}

const char *
tsv_reader_name(const tsv_reader *t)
{
	return infile_name(t->r);
}

/*
 * Splits line[0..len) at its TABs in place, into t->fields when it has
 * t->n fields; returns the count of fields, or 0 when the line holds a
 * NUL.  One pass, the TABs and NULs of 16 bytes found at once with SSE2
 * (INFILE_PAD readable after every line; bits past its end masked off):
 * fields are short, so a memchr call per field would cost more than the
 * bytes it scans.
 */
static size_t
split_tabs(tsv_reader *t, char *line, size_t len)
{
	char *p = line, *end = line + len, *q;
	size_t n = 1;

	t->fields[0] = line;
#ifdef __SSE2__
	for (; p < end; p += 16) {
		unsigned m = bytemask_eq16(p, '\t') | bytemask_eq16(p, '\0');

		if (end - p < 16)
			m &= (1u << (end - p)) - 1;
		for (; m != 0; m &= m - 1) {
			q = p + __builtin_ctz(m);
#else
	for (; p < end; p++) {
		{
			q = p;
			if (*q != '\t' && *q != '\0')
				continue;
#endif
			if (*q == '\0')
				return 0;
			if (n < t->n) {
				*q = '\0';
				t->fields[n] = q + 1;
			}
			n++;
		}
	}
	return n;
}

int
tsv_reader_split(tsv_reader *t, char *line, size_t len, char ***fields,
    rs_err *e)
{
	size_t n;

	if (len > 0 && line[len - 1] == '\r')
		return rs_errf(e, EX_DATAERR, "%s:%llu: CRLF line end (TSV "
		    "files use LF; convert with: tr -d '\\r')", infile_name(t->r),
		    (unsigned long long)infile_lineno(t->r));
	if ((n = split_tabs(t, line, len)) == 0)
		return nul_err(t->r, line, len, e);
	if (n != t->n)
		return rs_errf(e, EX_DATAERR, "%s:%llu: expected %zu fields, "
		    "found %zu", infile_name(t->r),
		    (unsigned long long)infile_lineno(t->r), t->n, n);
	*fields = t->fields;
	return 1;
}

int
tsv_reader_next(tsv_reader *t, char ***fields, rs_err *e)
{
	char *line;
	size_t len;
	int rc = infile_line(t->r, &line, &len, e);

	return rc != 1 ? rc : tsv_reader_split(t, line, len, fields, e);
}

infile *
tsv_reader_rd(tsv_reader *t)
{
	return t->r;
}

int
tsv_reader_field_err(const tsv_reader *t, rs_err *e, size_t i, const char *why)
{
	return rs_field_err(e, infile_name(t->r),
	    (unsigned long long)infile_lineno(t->r), (unsigned)i + 1,
	    i < t->n ? t->cols[i] : NULL, why,
	    i < t->n ? t->fields[i] : "");
}

void
tsv_write_header(FILE *fp, const char *const *cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fputs(cols[i], fp);
		fputc(i + 1 < n ? '\t' : '\n', fp);
	}
}
