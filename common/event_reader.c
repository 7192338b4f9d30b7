/* event_reader.c: see event_reader.h. */
#include "event_reader.h"

#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "infile.h"
#include "tsv.h"

/*
 * Each file is read by csv_reader (CSV, with its fast path and libcsv) or
 * tsv_reader (TSV), and each row validated by ev_parse: there is no other
 * path, so every message, line number and --skip-bad decision is the same
 * whichever way a line was split.
 */
struct event_reader {
	char *const *paths;
	size_t npaths, next;       /* next: index of the file after cur */
	skip_bad *bad;
	uint64_t rows, blank;      /* blank: of the files closed, and TSV's */
	infile *r;                 /* the current file's reader, owned by */
	csv_reader *csv;           /* ... one of these two */
	tsv_reader *tsv;
	/* the last row's fields when every number in them was canonical
	 * (see event_reader_fmt_tsv); NULL if not */
	char *const *canon;
};

/* 1 when the first line of r holds a TAB (our TSV), 0 if not, -1 on error. */
static int
looks_tsv(infile *r, rs_err *e)
{
	const char *p, *nl;
	long n = infile_peek(r, 4096, &p, e);

	if (n < 0)
		return -1;
	nl = memchr(p, '\n', (size_t)n);
	return memchr(p, '\t', nl != NULL ? (size_t)(nl - p) : (size_t)n) !=
	    NULL;
}

static void
close_cur(event_reader *r)
{
	if (r->csv != NULL)
		r->blank += csv_reader_blank_lines(r->csv);
	csv_reader_close(r->csv);
	tsv_reader_close(r->tsv);
	r->csv = NULL;
	r->tsv = NULL;
	r->r = NULL;
}

/* Opens path as the current file and checks its header. */
static int
open_file(event_reader *r, const char *path, rs_err *e)
{
	infile *in = infile_open(path, e);
	int tsv;

	if (in == NULL)
		return e->code;
	if ((tsv = looks_tsv(in, e)) < 0) {
		infile_close(in);
		return e->code;
	}
	r->r = in;
	if (tsv) {
		if ((r->tsv = tsv_reader_from_rd(in, ev_tsv_cols, 5, e)) == NULL)
			goto fail;
	} else {
		if ((r->csv = csv_reader_from_rd(in, e)) == NULL)
			goto fail;
		if (csv_reader_header(r->csv, ev_csv_cols, 5, e) != 0)
			goto fail;
	}
	return 0;
fail:
	close_cur(r);          /* the csv_reader/tsv_reader has closed or owns in */
	return e->code;
}

event_reader *
event_reader_open(char *const *paths, size_t npaths, skip_bad *bad, rs_err *e)
{
	event_reader *r = calloc(1, sizeof *r);

	if (r == NULL) {
		rs_oom(e);
		return NULL;
	}
	r->paths = paths;
	r->npaths = npaths;
	r->bad = bad;
	if (open_file(r, npaths > 0 ? paths[0] : "-", e) != 0) {
		free(r);
		return NULL;
	}
	r->next = 1;
	return r;
}

/* The next row of the TSV, its empty lines skipped and counted. */
static int
tsv_row(event_reader *r, char ***f, rs_err *e)
{
	const char *p;
	char *line;
	size_t len;
	long n;

	while ((n = infile_peek(r->r, 1, &p, e)) > 0 && p[0] == '\n') {
		if (infile_line(r->r, &line, &len, e) != 1)
			break;
		r->blank++;
	}
	if (n < 0)
		return e != NULL && e->code ? e->code : EX_IOERR;
	return tsv_reader_next(r->tsv, f, e);
}

/* 1 when the number field s is written canonically: no leading zero. */
static inline int
canon(const char *s)
{
	return s[0] != '0' || s[1] == '\0';
}

int
event_reader_next(event_reader *r, event *ev, rs_err *e)
{
	char **f;
	int rc;

	/* A later file that failed to open left no reader; a caller that
	 * goes on after an error must get an error, not a crash. */
	if (r->r == NULL)
		return rs_errf(e, EX_SOFTWARE, "%s: cannot go on after "
		    "failing to open it (internal error)",
		    r->paths[r->next - 1]);
	r->canon = NULL;
	for (;;) {
		if (r->csv != NULL)
			rc = csv_reader_next(r->csv, &f, e);
		else
			rc = tsv_row(r, &f, e);
		if (rc == 1) {
			r->rows++;
			if (r->csv != NULL)
				rc = ev_parse_padded(f, ev_csv_cols,
				    csv_reader_name(r->csv),
				    (unsigned long long)csv_reader_lineno(r->csv),
				    ev, e);
			else
				rc = ev_parse_padded(f, ev_tsv_cols,
				    tsv_reader_name(r->tsv),
				    (unsigned long long)tsv_reader_lineno(r->tsv),
				    ev, e);
			if (rc == 0) {
				if (canon(f[0]) && canon(f[1]) && canon(f[3]) &&
				    canon(f[4]))
					r->canon = f;
				return 1;
			}
		} else if (rc == 0) {
			if (r->next >= r->npaths)
				return 0;
			close_cur(r);
			if ((rc = open_file(r, r->paths[r->next++], e)) != 0)
				return rc;
			continue;
		} else {
			/* A broken stream cannot be skipped past. */
			if (infile_failed(r->r))
				return rc;
			r->rows++;
		}
		if ((rc = skip_bad_take(r->bad, e)) != 0)
			return rc;
	}
}

size_t
event_reader_fmt_tsv(const event_reader *r, const event *ev, char *buf)
{
	char *const *f = r->canon;
	size_t n;

	if (f == NULL)
		return ev_fmt_tsv(buf, ev);
	/* The fields lie one after the other, each ended by a NUL (see
	 * csv_reader.h, tsv.h): one copy, then TABs for the NULs.  Canonical
	 * numbers and a known type fit EV_TSV_ROW_MAX as ev_fmt_tsv's do. */
	n = (size_t)(f[4] - f[0]) + strlen(f[4]);
	memcpy(buf, f[0], n);
	buf[f[1] - f[0] - 1] = '\t';
	buf[f[2] - f[0] - 1] = '\t';
	buf[f[3] - f[0] - 1] = '\t';
	buf[f[4] - f[0] - 1] = '\t';
	buf[n] = '\n';
	return n + 1;
}

uint64_t
event_reader_rows(const event_reader *r)
{
	return r->rows;
}

uint64_t
event_reader_blank_lines(const event_reader *r)
{
	return r->blank + (r->csv != NULL ? csv_reader_blank_lines(r->csv) : 0);
}

void
event_reader_close(event_reader *r)
{
	if (r == NULL)
		return;
	close_cur(r);
	free(r);
}
