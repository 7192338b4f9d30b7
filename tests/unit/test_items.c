/* test_items.c: loading the catalogue snapshot (items TSV) and every
 * error a bad one gets. */
#include <stdint.h>

#include "items.h"
#include "t.h"
#include "tutil.h"

static const char HDR[] = "item\tcategory\troot\tavailable\tts\n";

/* Loads HDR + rows from a scratch file; returns the status. */
static int
load(const char *name, const char *rows, items *it, rs_err *e)
{
	char text[4096];

	snprintf(text, sizeof text, "%s%s", HDR, rows);
	memset(e, 0, sizeof *e);
	return items_load(it, t_text(name, text), e);
}

/* The message after the scratch path. */
static const char *
tail(const rs_err *e, const char *name)
{
	const char *p = t_path(name);

	return strncmp(e->msg, p, strlen(p)) == 0 ? e->msg + strlen(p) :
	    e->msg;
}

#define BAD(rows, want) do { \
		CHECK(load("bad.tsv", rows, &it, &e) == EX_DATAERR); \
		CHECK(e.code == EX_DATAERR); \
		CHECK_STR(tail(&e, "bad.tsv"), want); \
		CHECK(it.n == 0 && it.item == NULL); \
	} while (0)

int
main(void)
{
	rs_err e = {0};
	items it;

	/* A good snapshot. */
	CHECK(load("ok.tsv", "6\t1016\t213\t1\t1431226800000\n"
	    "17\t809\t250\t0\t1433041200000\n"
	    "466772\t1\t1\t\t-5\n"
	    "18446744073709551615\t0\t0\t1\t0\n", &it, &e) == 0);
	CHECK(it.n == 4);
	CHECK(it.item[0] == 6 && it.category[0] == 1016 && it.root[0] == 213 &&
	    it.available[0] == 1 && it.ts_ms[0] == 1431226800000LL);
	CHECK(it.available[1] == 0);
	CHECK(it.available[2] == ITEM_AVAIL_UNKNOWN && it.ts_ms[2] == -5);
	CHECK(it.item[3] == UINT64_MAX);
	CHECK(items_find(&it, 6) == 0);
	CHECK(items_find(&it, 466772) == 2);
	CHECK(items_find(&it, UINT64_MAX) == 3);
	CHECK(items_find(&it, 7) == -1);
	CHECK(items_find(&it, 0) == -1);
	items_free(&it);
	CHECK(it.n == 0 && it.item == NULL);
	CHECK(items_find(&it, 6) == -1);     /* freed: finds nothing */

	/* Header only: an empty catalogue. */
	CHECK(load("empty.tsv", "", &it, &e) == 0);
	CHECK(it.n == 0);
	CHECK(items_find(&it, 1) == -1);
	items_free(&it);

	/* Growth past the first allocation, gzip. */
	{
		size_t cap = 64 + 3000 * 40, used, k;
		char *text = malloc(cap), *z;
		size_t zlen;

		used = (size_t)sprintf(text, "%s", HDR);
		for (k = 0; k < 3000; k++)
			used += (size_t)sprintf(text + used,
			    "%zu\t%zu\t%zu\t%s\t%zu\n", 10 + 3 * k, k % 50,
			    k % 7,
			    k % 3 == 0 ? "" : k % 3 == 1 ? "0" : "1", k);
		z = (char *)t_gzip(text, used, &zlen);
		CHECK(items_load(&it, t_file("big.tsv.gz", z, zlen), &e) == 0);
		CHECK(it.n == 3000);
		CHECK(items_find(&it, 10 + 3 * 2999) == 2999);
		CHECK(items_find(&it, 11) == -1);
		CHECK(it.category[1234] == 1234 % 50);
		items_free(&it);
		free(text);
		free(z);
	}

	/* Every bad field. */
	BAD("x\t1\t1\t1\t0\n",
	    ":2: field 1 (item): not a number: \"x\"");
	BAD("5\t1\t1\t1\t0\n5\t1\t1\t1\t0\n",
	    ":3: field 1 (item): duplicate item: \"5\"");
	BAD("5\t1\t1\t1\t0\n4\t1\t1\t1\t0\n",
	    ":3: field 1 (item): items not sorted by id: \"4\"");
	BAD("5\t-1\t1\t1\t0\n",
	    ":2: field 2 (category): negative: \"-1\"");
	BAD("5\t\t1\t1\t0\n",
	    ":2: field 2 (category): empty: \"\"");
	BAD("5\t1\t18446744073709551616\t1\t0\n",
	    ":2: field 3 (root): out of range: \"18446744073709551616\"");
	BAD("5\t1\t1\t2\t0\n",
	    ":2: field 4 (available): expected 0, 1 or empty: \"2\"");
	BAD("5\t1\t1\t01\t0\n",
	    ":2: field 4 (available): expected 0, 1 or empty: \"01\"");
	BAD("5\t1\t1\ttrue\t0\n",
	    ":2: field 4 (available): expected 0, 1 or empty: \"true\"");
	BAD("5\t1\t1\t1\t2015-06-01\n",
	    ":2: field 5 (ts): not a number: \"2015-06-01\"");
	BAD("5\t1\t1\t1\t\n",
	    ":2: field 5 (ts): empty: \"\"");
	BAD("5\t1\t1\t1\t9223372036854775808\n",
	    ":2: field 5 (ts): out of range: \"9223372036854775808\"");
	/* Row shape and header. */
	BAD("5\t1\t1\t1\n", ":2: expected 5 fields, found 4");
	BAD("5\t1\t1\t1\t0\r\n", ":2: CRLF line end (TSV files use LF; "
	    "convert with: tr -d '\\r')");
	memset(&e, 0, sizeof e);
	CHECK(items_load(&it, t_text("hdr.tsv", "ts\tuser\tevent\titem\ttxn\n"),
	    &e) == EX_DATAERR);
	CHECK_STR(tail(&e, "hdr.tsv"), ":1: expected header \"item\\tcategory"
	    "\\troot\\tavailable\\tts\", found \"ts\\tuser\\tevent\\titem\\t"
	    "txn\"");
	CHECK(it.n == 0 && it.item == NULL);
	CHECK(items_load(&it, t_text("nothing.tsv", ""), &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "nothing.tsv: empty input (expected header");
	CHECK(items_load(&it, t_path("absent.tsv"), &e) == EX_NOINPUT);
	CHECK_HAS(e.msg, "absent.tsv: No such file or directory");
	return t_done();
}
