/* event_reader.c: see event_reader.h. */
#include "event_reader.h"

#include <stdlib.h>
#include <string.h>

#include "bytemask.h"
#include "csv_reader.h"
#include "num.h"
#include "infile.h"
#include "tsv.h"

/*
 * Two paths read the rows.  The fast one takes a block of whole lines from
 * the reader's buffer (infile_lines) and parses each line in place, accepting
 * only the plain form of a valid row: canonical numbers that fit, a known
 * type, the txn rule kept, no quote, nothing else.  A line it does not
 * accept is left to the general path (csv_reader or tsv_reader, then ev_parse), which
 * reads it the same way it reads every line of a file without a fast path:
 * so every message, line number and --skip-bad decision stays its own.
 */
struct event_reader {
	char *const *paths;
	size_t npaths, next;       /* next: index of the file after cur */
	skip_bad *bad;
	uint64_t rows, blank;
	infile *r;                     /* the current file's reader, owned by */
	csv_reader *csv;                 /* ... one of these two */
	tsv_reader *tsv;
	char sep;                  /* ',' (CSV) or '\t' (TSV) */
	/* the fast path's block: lines [cur, end) still to parse; taken:
	 * lines parsed since blk, not yet consumed from the reader */
	const char *blk, *cur, *end;
	uint64_t taken;
	/* the last row's text when the fast path read it (see event_reader_fmt_tsv) */
	const char *text;
	size_t text_len;
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
	r->sep = tsv ? '\t' : ',';
	r->blk = r->cur = r->end = NULL;
	r->taken = 0;
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
		rs_errf(e, EX_SOFTWARE, "out of memory");
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

/*
 * The unsigned number at *pp, written canonically (no leading zero) in
 * 1..maxd digits and followed by sep: its value, *pp moved past the sep.
 * -1 when it is not so.
 */
static inline int
canon_u64(const char **pp, char sep, size_t maxd, uint64_t *v)
{
	const char *p = *pp;
	size_t n = num_scan_u64(p, v);

	if (n - 1 >= maxd || (p[0] == '0' && n > 1) || p[n] != sep)
		return -1;
	*pp = p + n + 1;
	return 0;
}

/*
 * Parses the line at p (whole, ending in LF, INFILE_PAD readable after it) in
 * its plain form; returns the byte after its LF and sets r->text, or NULL
 * when the line is for the general path.  CSV allows CRLF; TSV refuses it,
 * so there a CR is for the general path to report.
 */
static const char *
fast_row(event_reader *r, const char *p, event *ev)
{
	const char *line = p;
	char sep = r->sep;
	uint64_t ts;

	/* 18 digits: always below INT64_MAX */
	if (canon_u64(&p, sep, 18, &ts) != 0 ||
	    canon_u64(&p, sep, 19, &ev->user) != 0)
		return NULL;
	ev->ts_ms = (int64_t)ts;
	if (memcmp(p, "view", 4) == 0 && p[4] == sep) {
		ev->type = EV_VIEW;
		p += 5;
	} else if (memcmp(p, "addtocart", 9) == 0 && p[9] == sep) {
		ev->type = EV_ADDTOCART;
		p += 10;
	} else if (memcmp(p, "transaction", 11) == 0 && p[11] == sep) {
		ev->type = EV_TRANSACTION;
		p += 12;
	} else {
		return NULL;
	}
	if (canon_u64(&p, sep, 19, &ev->item) != 0)
		return NULL;
	ev->txn = 0;
	ev->has_txn = 0;
	if (*p != '\n' && *p != '\r') {
		size_t n = num_scan_u64(p, &ev->txn);

		if (n - 1 >= 19 || (p[0] == '0' && n > 1))
			return NULL;
		p += n;
		ev->has_txn = 1;
	}
	if (ev->has_txn != (ev->type == EV_TRANSACTION))
		return NULL;
	r->text = line;
	r->text_len = (size_t)(p - line);
	if (*p == '\r' && sep == ',')
		p++;
	if (*p != '\n')
		return NULL;
	return p + 1;
}

/* Gives back to the reader the lines the fast path has taken. */
static void
settle(event_reader *r)
{
	if (r->blk != NULL)
		infile_skip(r->r, (size_t)(r->cur - r->blk), r->taken);
	r->blk = r->cur = r->end = NULL;
	r->taken = 0;
}

/* 1 when the line at p (whole, ending in LF) is empty: "\n", or "\r\n" in
 * CSV (in TSV a CR is for the general path to refuse). */
static inline int
blank_line(const event_reader *r, const char *p)
{
	return p[0] == '\n' || (r->sep == ',' && p[0] == '\r' && p[1] == '\n');
}

/*
 * The next row by the fast path: 1 with ev filled, 0 when the next line is
 * for the general path (or there is none left), or an error of the input
 * itself (then infile_failed is set).  Empty lines are skipped and counted
 * here; every line reaches the fast path first, so none gets past it.
 */
static int
fast_next(event_reader *r, event *ev, rs_err *e)
{
	const char *next;

	for (;;) {
		if (r->cur == r->end) {
			long n;

			settle(r);
			if ((n = infile_lines(r->r, &r->blk, e)) <= 0)
				return n < 0 ? e->code : 0;
			r->cur = r->blk;
			r->end = r->blk + n;
		}
		if (!blank_line(r, r->cur))
			break;
		r->cur = (const char *)memchr(r->cur, '\n',
		    (size_t)(r->end - r->cur)) + 1;
		r->taken++;
		r->blank++;
	}
	if ((next = fast_row(r, r->cur, ev)) == NULL) {
		settle(r);
		return 0;
	}
	r->cur = next;
	r->taken++;
	return 1;
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
	for (;;) {
		if ((rc = fast_next(r, ev, e)) == 1) {
			r->rows++;
			return 1;
		}
		if (rc != 0)
			return rc;
		r->text = NULL;
		if (r->csv != NULL)
			rc = csv_reader_next(r->csv, &f, e);
		else
			rc = tsv_reader_next(r->tsv, &f, e);
		if (rc == 1) {
			r->rows++;
			if (r->csv != NULL)
				rc = ev_parse(f, ev_csv_cols,
				    csv_reader_name(r->csv),
				    (unsigned long long)csv_reader_lineno(r->csv),
				    ev, e);
			else
				rc = ev_parse(f, ev_tsv_cols,
				    tsv_reader_name(r->tsv),
				    (unsigned long long)tsv_reader_lineno(r->tsv),
				    ev, e);
			if (rc == 0)
				return 1;
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
	const char *s = r->text;
	size_t n = r->text_len, i = 0;

	if (s == NULL)
		return ev_fmt_tsv(buf, ev);
	if (r->sep == '\t') {
		memcpy(buf, s, n);
		i = n;
	}
#ifdef __SSE2__
	/* 16 bytes a step, commas turned to TABs by xor where a byte equals
	 * ','.  A plain row is at most 91 bytes, so the last step ends within
	 * EV_TSV_ROW_MAX (96) of buf, and reads within INFILE_PAD of the line. */
	if (i < n) {
		const __m128i comma = _mm_set1_epi8(','),
		    flip = _mm_set1_epi8(',' ^ '\t');

		for (; i < n; i += 16) {
			__m128i v = bytemask_load16(s + i);

			v = _mm_xor_si128(v, _mm_and_si128(flip,
			    _mm_cmpeq_epi8(v, comma)));
			_mm_storeu_si128((__m128i *)(void *)(buf + i), v);
		}
	}
#endif
	for (; i < n; i++)
		buf[i] = s[i] == ',' ? '\t' : s[i];
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
	return r->blank;
}

void
event_reader_close(event_reader *r)
{
	if (r == NULL)
		return;
	close_cur(r);
	free(r);
}
