/* test_event_reader.c: the event input (CSV or TSV sniffed per file, --skip-bad
 * bookkeeping), the ev-filter predicate, and the fast paths it relies on:
 * csv_reader's block splitter and num's u64 parser and formatter. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skip_bad.h"
#include "csv_reader.h"
#include "events.h"
#include "evfilter.h"
#include "event_reader.h"
#include "num.h"
#include "t.h"

static char tmpdir[] = "/tmp/test_event_reader.XXXXXX";

/* Writes text to a new file in tmpdir; returns its path (static buffer
 * per slot). */
static char *
file(int slot, const char *text, size_t len)
{
	static char paths[4][256];
	FILE *fp;

	snprintf(paths[slot], sizeof paths[slot], "%s/f%d", tmpdir, slot);
	fp = fopen(paths[slot], "w");
	fwrite(text, 1, len, fp);
	fclose(fp);
	return paths[slot];
}

#define FILE_S(slot, s) file(slot, s, sizeof(s) - 1)

static void
test_event_reader_formats(void)
{
	char *paths[2];
	rs_err e = {0};
	event ev;
	event_reader *r;

	paths[0] = FILE_S(0, "timestamp,visitorid,event,itemid,transactionid\r\n"
	    "5,1,view,2,\r\n6,1,transaction,3,44\r\n");
	paths[1] = FILE_S(1, "ts\tuser\tevent\titem\ttxn\n7\t2\taddtocart\t4\t\n");
	r = event_reader_open(paths, 2, NULL, &e);
	CHECK(r != NULL);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 5 && ev.item == 2 &&
	    ev.type == EV_VIEW && !ev.has_txn);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.type == EV_TRANSACTION &&
	    ev.has_txn && ev.txn == 44);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 7 && ev.user == 2 &&
	    ev.type == EV_ADDTOCART);
	CHECK(event_reader_next(r, &ev, &e) == 0);
	CHECK(event_reader_rows(r) == 3);
	event_reader_close(r);
}

static void
test_event_reader_skip(void)
{
	char *path;
	skip_bad bad = {0};
	rs_err e = {0};
	char line[RS_ERR_MSG + 64];
	event ev;
	event_reader *r;

	path = FILE_S(0, "timestamp,visitorid,event,itemid,transactionid\n"
	    "5,1,view,2,\nx,1,view,2,\n6,1,view\n7,1,click,2,\n8,1,view,3,\n");
	/* Without skip: the first bad row stops. */
	r = event_reader_open(&path, 1, &bad, &e);
	CHECK(event_reader_next(r, &ev, &e) == 1);
	CHECK(event_reader_next(r, &ev, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "f0:3: field 1 (timestamp): bad timestamp: \"x\"");
	event_reader_close(r);
	/* With skip: counted, the first kept, reading goes on. */
	bad.skip = 1;
	r = event_reader_open(&path, 1, &bad, &e);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 5);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 8);
	CHECK(event_reader_next(r, &ev, &e) == 0);
	CHECK(bad.n == 3 && event_reader_rows(r) == 5);
	skip_bad_summary(&bad, line, sizeof line);
	CHECK_HAS(line, "skipped 3 bad rows; first: ");
	CHECK_HAS(line, "f0:3: field 1 (timestamp)");
	event_reader_close(r);
	/* A header is never skipped. */
	path = FILE_S(0, "a,b,c,d,e\n5,1,view,2,\n");
	CHECK(event_reader_open(&path, 1, &bad, &e) == NULL && e.code == EX_DATAERR);
	/* Non-data errors are not taken. */
	e.code = EX_IOERR;
	CHECK(skip_bad_take(&bad, &e) == EX_IOERR);
	CHECK(skip_bad_take(NULL, &e) == EX_IOERR);
}

/* Empty lines (LF alone; CRLF alone in CSV) are skipped and counted,
 * wherever they are; a CR alone in TSV is still refused. */
static void
test_event_reader_blank(void)
{
	char *paths[2];
	rs_err e = {0};
	event ev;
	event_reader *r;

	paths[0] = FILE_S(0, "timestamp,visitorid,event,itemid,transactionid\n"
	    "\n5,1,view,2,\r\n\r\n\n6,1,view,3,\n\n");
	paths[1] = FILE_S(1, "ts\tuser\tevent\titem\ttxn\n\n7\t2\tview\t4\t\n"
	    "\n");
	r = event_reader_open(paths, 2, NULL, &e);
	CHECK(r != NULL);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 5);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 6);
	CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 7);
	CHECK(event_reader_next(r, &ev, &e) == 0);
	CHECK(event_reader_rows(r) == 3 && event_reader_blank_lines(r) == 6);
	event_reader_close(r);
	/* Line numbers count the empty lines. */
	paths[0] = FILE_S(0, "timestamp,visitorid,event,itemid,transactionid\n"
	    "\n\n5,1,click,2,\n");
	r = event_reader_open(paths, 1, NULL, &e);
	CHECK(event_reader_next(r, &ev, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "f0:4: field 3 (event): unknown event type");
	event_reader_close(r);
	paths[1] = FILE_S(1, "ts\tuser\tevent\titem\ttxn\n\r\n");
	r = event_reader_open(paths + 1, 1, NULL, &e);
	CHECK(event_reader_next(r, &ev, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "f1:2: CRLF line end");
	event_reader_close(r);
}

/* A later file that cannot be opened: its error, then a clean error (not
 * a crash) for a caller that goes on. */
static void
test_event_reader_later_file(void)
{
	char *paths[2];
	skip_bad bad = {1, 0, {0, ""}};
	rs_err e = {0};
	event ev;
	event_reader *r;

	paths[0] = FILE_S(0, "timestamp,visitorid,event,itemid,transactionid\n"
	    "5,1,view,2,\n");
	paths[1] = (char *)"/nonexistent/events.csv";
	r = event_reader_open(paths, 2, &bad, &e);
	CHECK(event_reader_next(r, &ev, &e) == 1);
	CHECK(event_reader_next(r, &ev, &e) == EX_NOINPUT);
	CHECK(event_reader_next(r, &ev, &e) == EX_SOFTWARE);
	CHECK_HAS(e.msg, "/nonexistent/events.csv: cannot go on after failing "
	    "to open it");
	event_reader_close(r);
}

static void
test_event_reader_broken_gzip(void)
{
	/* A gzip member cut short: the stream error ends the run even with
	 * --skip-bad (it would repeat forever otherwise). */
	static const unsigned char gz[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0x2b, 0x29, 0xcd, 0x4d
	};
	skip_bad bad = {1, 0, {0, ""}};
	rs_err e = {0};
	char *path = file(2, (const char *)gz, sizeof gz);
	event_reader *r = event_reader_open(&path, 1, &bad, &e);

	CHECK(r == NULL && e.code == EX_DATAERR);
	CHECK_HAS(e.msg, "truncated gzip");
}

static void
test_filter(void)
{
	evfilter f;
	event ev = {100, 1, 5, 0, EV_VIEW, 0};
	rs_err e = {0};
	unsigned mask;

	evfilter_init(&f);
	CHECK(evfilter_judge(&f, &ev) == EVFILTER_KEEP);
	f.has_from = 1;
	f.from_ms = 100;
	CHECK(evfilter_judge(&f, &ev) == EVFILTER_KEEP);       /* inclusive */
	f.from_ms = 101;
	CHECK(evfilter_judge(&f, &ev) == EVFILTER_BEFORE_FROM);
	f.from_ms = 0;
	f.has_until = 1;
	f.until_ms = 100;
	CHECK(evfilter_judge(&f, &ev) == EVFILTER_NOT_BEFORE_UNTIL); /* exclusive */
	f.until_ms = 101;
	CHECK(evfilter_judge(&f, &ev) == EVFILTER_KEEP);
	CHECK(evfilter_parse_types("addtocart,transaction", &mask, &e) == 0);
	CHECK(mask == (1u << EV_ADDTOCART | 1u << EV_TRANSACTION));
	f.types = mask;
	CHECK(evfilter_judge(&f, &ev) == EVFILTER_TYPE);
	CHECK(evfilter_parse_types("view", &mask, &e) == 0 && mask == 1u);
	CHECK(evfilter_parse_types("view,views", &mask, &e) == EX_USAGE);
	CHECK_STR(e.msg, "unknown event type \"views\" (expected view, "
	    "addtocart or transaction)");
	CHECK(evfilter_parse_types("", &mask, &e) == EX_USAGE);
	CHECK_STR(e.msg, "empty event type in \"\"");
	CHECK(evfilter_parse_types("view,,addtocart", &mask, &e) == EX_USAGE);
}

/* csv_reader's block splitter against a plain split, on lines of every length
 * from 0 to 70 with commas, quotes-free, at random places. */
static void
test_csvr_split(void)
{
	static const char *cols[] = {"a", "b", "c", "d", "e"};
	enum { NL = 3000 };
	char *text = malloc(NL * 80 + 16), *p = text, **want = calloc(NL, sizeof *want);
	rs_err e = {0};
	char **f;
	csv_reader *c;
	int i, bad = 0, rc;

	srand(7);
	p += sprintf(p, "a,b,c,d,e\n");
	for (i = 0; i < NL; i++) {
		int len = 4 + rand() % 67, j, commas = 0;
		char *l = malloc((size_t)len + 1);

		for (j = 0; j < len; j++)
			l[j] = (char)('a' + rand() % 26);
		l[len] = '\0';
		while (commas < 4) {
			j = rand() % len;
			if (l[j] != ',') {
				l[j] = ',';
				commas++;
			}
		}
		want[i] = l;
		p += sprintf(p, "%s%s", l, i % 3 == 0 ? "\r\n" : "\n");
	}
	c = csv_reader_open(file(3, text, (size_t)(p - text)), &e);
	CHECK(csv_reader_header(c, cols, 5, &e) == 0);
	for (i = 0; (rc = csv_reader_next(c, &f, &e)) == 1; i++) {
		char got[128];

		snprintf(got, sizeof got, "%s,%s,%s,%s,%s", f[0], f[1], f[2],
		    f[3], f[4]);
		bad += i >= NL || strcmp(got, want[i]) != 0;
	}
	CHECK(rc == 0 && i == NL && bad == 0);
	csv_reader_close(c);
	for (i = 0; i < NL; i++)
		free(want[i]);
	free(want);
	free(text);
}

/* A quote anywhere in a long line sends it, commas intact, to libcsv. */
static void
test_csvr_quote_late(void)
{
	static const char *cols[] = {"a", "b", "c"};
	rs_err e = {0};
	char **f;
	csv_reader *c = csv_reader_open(FILE_S(0, "a,b,c\n"
	    "0123456789012345678901234567890,x,\"q,\"\"r\"\"\"\n"
	    "1,2,3\n"), &e);

	CHECK(csv_reader_header(c, cols, 3, &e) == 0);
	CHECK(csv_reader_next(c, &f, &e) == 1);
	CHECK_STR(f[0], "0123456789012345678901234567890");
	CHECK_STR(f[1], "x");
	CHECK_STR(f[2], "q,\"r\"");
	CHECK(csv_reader_next(c, &f, &e) == 1);
	CHECK_STR(f[2], "3");
	csv_reader_close(c);
}

static void
test_num(void)
{
	static const char *bad[][2] = {
		{"", "empty"}, {"-1", "negative"}, {"1-", "not a number"},
		{"18446744073709551616", "out of range"},
		{"99999999999999999999x", "not a number"},
		{"12a", "not a number"}, {"1a2", "not a number"},
		{" 1", "not a number"}, {"+1", "not a number"},
	};
	uint64_t v, x;
	char buf[32], ref[32];
	size_t i;
	int n, wrong = 0;

	CHECK(num_u64("0", &v) == NULL && v == 0);
	CHECK(num_u64("7", &v) == NULL && v == 7);
	CHECK(num_u64("42", &v) == NULL && v == 42);
	CHECK(num_u64("123", &v) == NULL && v == 123);
	CHECK(num_u64("007", &v) == NULL && v == 7);
	CHECK(num_u64("1441065600000", &v) == NULL && v == 1441065600000ULL);
	CHECK(num_u64("9999999999999999999", &v) == NULL &&
	    v == 9999999999999999999ULL);
	CHECK(num_u64("18446744073709551615", &v) == NULL && v == UINT64_MAX);
	CHECK(num_u64("00000000000000000000000042", &v) == NULL && v == 42);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_STR(num_u64(bad[i][0], &v), bad[i][1]);
	/* The formatter against printf around every power of ten. */
	for (x = 1, i = 0; i < 20; i++, x *= 10) {
		uint64_t t[] = {x - 1, x, x + 1, x * 3 + 7};
		size_t k;

		for (k = 0; k < 4; k++) {
			n = num_fmt_u64(buf, t[k]);
			buf[n] = '\0';
			snprintf(ref, sizeof ref, "%" PRIu64, t[k]);
			wrong += strcmp(buf, ref) != 0;
			wrong += num_u64(buf, &v) != NULL || v != t[k];
		}
		if (i == 19)
			break;
	}
	n = num_fmt_u64(buf, UINT64_MAX);
	buf[n] = '\0';
	CHECK_STR(buf, "18446744073709551615");
	CHECK(wrong == 0);
}

/* The longest row fits EV_TSV_ROW_MAX; rows are what ev_write_tsv writes. */
static void
test_fmt(void)
{
	event big = {INT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
	    EV_TRANSACTION, 1};
	event view = {0, 0, 0, 0, EV_VIEW, 0};
	char buf[EV_TSV_ROW_MAX + 1];
	size_t n;

	n = ev_fmt_tsv(buf, &big);
	CHECK(n == EV_TSV_ROW_MAX - 1);
	buf[n] = '\0';
	CHECK_STR(buf, "9223372036854775807\t18446744073709551615\t"
	    "transaction\t18446744073709551615\t18446744073709551615\n");
	n = ev_fmt_tsv(buf, &view);
	buf[n] = '\0';
	CHECK_STR(buf, "0\t0\tview\t0\t\n");
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 2;
	test_event_reader_formats();
	test_event_reader_skip();
	test_event_reader_broken_gzip();
	test_event_reader_blank();
	test_event_reader_later_file();
	test_filter();
	test_csvr_split();
	test_csvr_quote_late();
	test_num();
	test_fmt();
	for (int i = 0; i < 4; i++) {
		char p[300];

		snprintf(p, sizeof p, "%s/f%d", tmpdir, i);
		unlink(p);
	}
	rmdir(tmpdir);
	return t_done();
}
