/* evin.c: see evin.h. */
#include "evin.h"

#include <stdlib.h>
#include <string.h>

#include "csvr.h"
#include "rd.h"
#include "tsv.h"

struct evin {
	char *const *paths;
	size_t npaths, next;       /* next: index of the file after cur */
	badrows *bad;
	uint64_t rows;
	rd *r;                     /* the current file's reader, owned by */
	csvr *csv;                 /* ... one of these two */
	tsvr *tsv;
};

/* 1 when the first line of r holds a TAB (our TSV), 0 if not, -1 on error. */
static int
looks_tsv(rd *r, rs_err *e)
{
	const char *p, *nl;
	long n = rd_peek(r, 4096, &p, e);

	if (n < 0)
		return -1;
	nl = memchr(p, '\n', (size_t)n);
	return memchr(p, '\t', nl != NULL ? (size_t)(nl - p) : (size_t)n) !=
	    NULL;
}

static void
close_cur(evin *r)
{
	csvr_close(r->csv);
	tsvr_close(r->tsv);
	r->csv = NULL;
	r->tsv = NULL;
	r->r = NULL;
}

/* Opens path as the current file and checks its header. */
static int
open_file(evin *r, const char *path, rs_err *e)
{
	rd *in = rd_open(path, e);
	int tsv;

	if (in == NULL)
		return e->code;
	if ((tsv = looks_tsv(in, e)) < 0) {
		rd_close(in);
		return e->code;
	}
	r->r = in;
	if (tsv) {
		if ((r->tsv = tsvr_from_rd(in, ev_tsv_cols, 5, e)) == NULL)
			goto fail;
	} else {
		if ((r->csv = csvr_from_rd(in, e)) == NULL)
			goto fail;
		if (csvr_header(r->csv, ev_csv_cols, 5, e) != 0)
			goto fail;
	}
	return 0;
fail:
	close_cur(r);          /* the csvr/tsvr has closed or owns in */
	return e->code;
}

evin *
evin_open(char *const *paths, size_t npaths, badrows *bad, rs_err *e)
{
	evin *r = calloc(1, sizeof *r);

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

int
evin_next(evin *r, event *ev, rs_err *e)
{
	char **f;
	int rc;

	for (;;) {
		if (r->csv != NULL)
			rc = csvr_next(r->csv, &f, e);
		else
			rc = tsvr_next(r->tsv, &f, e);
		if (rc == 1) {
			r->rows++;
			if (r->csv != NULL)
				rc = ev_parse(f, ev_csv_cols,
				    csvr_name(r->csv),
				    (unsigned long long)csvr_lineno(r->csv),
				    ev, e);
			else
				rc = ev_parse(f, ev_tsv_cols,
				    tsvr_name(r->tsv),
				    (unsigned long long)tsvr_lineno(r->tsv),
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
			if (rd_failed(r->r))
				return rc;
			r->rows++;
		}
		if ((rc = badrows_take(r->bad, e)) != 0)
			return rc;
	}
}

uint64_t
evin_rows(const evin *r)
{
	return r->rows;
}

void
evin_close(evin *r)
{
	if (r == NULL)
		return;
	close_cur(r);
	free(r);
}
