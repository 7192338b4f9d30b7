/* tsv.c: see tsv.h. */
#include "tsv.h"

#include <stdlib.h>
#include <string.h>

#include "num.h"

struct tsvr {
	rd *r;
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
nul_err(const rd *r, const char *line, size_t len, rs_err *e)
{
	if (memchr(line, '\0', len) == NULL)
		return 0;
	return rs_errf(e, EX_DATAERR, "%s:%llu: NUL byte in line (not a text "
	    "file?)", rd_name(r), (unsigned long long)rd_lineno(r));
}

tsvr *
tsvr_from_rd(rd *r, const char *const *expect, size_t n, rs_err *e)
{
	char want[256], got[256];
	tsvr *t = calloc(1, sizeof *t);
	char *line;
	size_t len, i;
	int rc;

	if (t == NULL || (t->fields = calloc(n, sizeof *t->fields)) == NULL) {
		free(t);
		rd_close(r);
		rs_errf(e, EX_SOFTWARE, "out of memory");
		return NULL;
	}
	t->r = r;
	t->n = n;
	t->cols = expect;
	join_cols(want, sizeof want, expect, n);
	rc = rd_line(r, &line, &len, e);
	if (rc == 0) {
		rs_errf(e, EX_DATAERR, "%s: empty input (expected header "
		    "\"%s\")", rd_name(r), want);
		goto fail;
	}
	if (rc != 1)
		goto fail;
	if (len > 0 && line[len - 1] == '\r') {
		rs_errf(e, EX_DATAERR, "%s:1: CRLF line end (TSV files use LF; "
		    "convert with: tr -d '\\r')", rd_name(r));
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
		    "\"%s\"", rd_name(r), want, got);
		goto fail;
	}
	return t;
fail:
	tsvr_close(t);
	return NULL;
}

tsvr *
tsvr_open(const char *path, const char *const *expect, size_t n, rs_err *e)
{
	rd *r = rd_open(path, e);

	return r == NULL ? NULL : tsvr_from_rd(r, expect, n, e);
}

void
tsvr_close(tsvr *t)
{
	if (t == NULL)
		return;
	rd_close(t->r);
	free(t->fields);
	free(t);
}

uint64_t
tsvr_lineno(const tsvr *t)
{
	return rd_lineno(t->r);
}

const char *
tsvr_name(const tsvr *t)
{
	return rd_name(t->r);
}

int
tsvr_next(tsvr *t, char ***fields, rs_err *e)
{
	char *line, *p, *tab = NULL;
	size_t len, i;
	int rc = rd_line(t->r, &line, &len, e);

	if (rc != 1)
		return rc;
	if (len > 0 && line[len - 1] == '\r')
		return rs_errf(e, EX_DATAERR, "%s:%llu: CRLF line end (TSV "
		    "files use LF; convert with: tr -d '\\r')", rd_name(t->r),
		    (unsigned long long)rd_lineno(t->r));
	if (nul_err(t->r, line, len, e) != 0)
		return EX_DATAERR;
	p = line;
	for (i = 0; i < t->n; i++) {
		t->fields[i] = p;
		tab = memchr(p, '\t', (size_t)(line + len - p));
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	if (i + 1 != t->n || tab != NULL) {
		size_t found = i + 1;

		if (tab != NULL)   /* count the extra fields */
			for (found = t->n + 1; (tab = memchr(p, '\t',
			    (size_t)(line + len - p))) != NULL; found++)
				p = tab + 1;
		return rs_errf(e, EX_DATAERR, "%s:%llu: expected %zu fields, "
		    "found %zu", rd_name(t->r),
		    (unsigned long long)rd_lineno(t->r), t->n, found);
	}
	*fields = t->fields;
	return 1;
}

int
tsvr_field_err(const tsvr *t, rs_err *e, size_t i, const char *why)
{
	return rs_field_err(e, rd_name(t->r),
	    (unsigned long long)rd_lineno(t->r), (unsigned)i + 1,
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
