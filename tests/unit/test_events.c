/* test_events.c: ev_parse's every error, the events TSV reader over
 * several files, and the writer. */
#include <stdint.h>

#include "event_reader.h"
#include "events.h"
#include "t.h"
#include "tutil.h"

/* Parses one row given as five strings; returns the status, e filled. */
static int
parse(const char *ts, const char *user, const char *type, const char *item,
    const char *txn, event *ev, rs_err *e)
{
	char *f[5];
	int rc;

	f[0] = strdup(ts);
	f[1] = strdup(user);
	f[2] = strdup(type);
	f[3] = strdup(item);
	f[4] = strdup(txn);
	memset(e, 0, sizeof *e);
	rc = ev_parse(f, ev_tsv_cols, "ev.tsv", 12, ev, e);
	free(f[0]);
	free(f[1]);
	free(f[2]);
	free(f[3]);
	free(f[4]);
	return rc;
}

#define BAD(f0, f1, f2, f3, f4, want) do { \
		CHECK(parse(f0, f1, f2, f3, f4, &ev, &e) == EX_DATAERR); \
		CHECK(e.code == EX_DATAERR); \
		CHECK_STR(e.msg, want); \
	} while (0)

static const char HDR[] = "ts\tuser\tevent\titem\ttxn\n";

int
main(void)
{
	rs_err e = {0};
	event ev;
	event_reader *r;

	/* Type names. */
	CHECK(ev_type_parse("view") == EV_VIEW);
	CHECK(ev_type_parse("addtocart") == EV_ADDTOCART);
	CHECK(ev_type_parse("transaction") == EV_TRANSACTION);
	CHECK(ev_type_parse("View") == -1);
	CHECK(ev_type_parse("") == -1);
	CHECK(ev_type_parse("view ") == -1);

	/* Good rows. */
	CHECK(parse("1433193132535", "1134473", "view", "396045", "", &ev,
	    &e) == 0);
	CHECK(ev.ts_ms == 1433193132535LL && ev.user == 1134473 &&
	    ev.type == EV_VIEW && ev.item == 396045 && !ev.has_txn &&
	    ev.txn == 0);
	CHECK(parse("0", "0", "addtocart", "0", "", &ev, &e) == 0);
	CHECK(ev.type == EV_ADDTOCART && ev.ts_ms == 0);
	CHECK(parse("9223372036854775807", "18446744073709551615",
	    "transaction", "18446744073709551615", "18446744073709551615",
	    &ev, &e) == 0);
	CHECK(ev.ts_ms == INT64_MAX && ev.user == UINT64_MAX &&
	    ev.item == UINT64_MAX && ev.has_txn && ev.txn == UINT64_MAX &&
	    ev.type == EV_TRANSACTION);

	/* Field 1: the timestamp. */
	BAD("abc", "1", "view", "2", "",
	    "ev.tsv:12: field 1 (ts): bad timestamp: \"abc\"");
	BAD("", "1", "view", "2", "",
	    "ev.tsv:12: field 1 (ts): bad timestamp: \"\"");
	BAD("1433193132535.0", "1", "view", "2", "",
	    "ev.tsv:12: field 1 (ts): bad timestamp: \"1433193132535.0\"");
	BAD("-5", "1", "view", "2", "",
	    "ev.tsv:12: field 1 (ts): bad timestamp (negative): \"-5\"");
	BAD("9223372036854775808", "1", "view", "2", "",
	    "ev.tsv:12: field 1 (ts): bad timestamp (out of range): "
	    "\"9223372036854775808\"");
	BAD("18446744073709551616", "1", "view", "2", "",
	    "ev.tsv:12: field 1 (ts): bad timestamp (out of range): "
	    "\"18446744073709551616\"");
	BAD("2015-06-01", "1", "view", "2", "",
	    "ev.tsv:12: field 1 (ts): bad timestamp: \"2015-06-01\"");
	/* Field 2: the user. */
	BAD("1", "x", "view", "2", "",
	    "ev.tsv:12: field 2 (user): not a number: \"x\"");
	BAD("1", "-1", "view", "2", "",
	    "ev.tsv:12: field 2 (user): negative: \"-1\"");
	BAD("1", "18446744073709551616", "view", "2", "",
	    "ev.tsv:12: field 2 (user): out of range: "
	    "\"18446744073709551616\"");
	BAD("1", "", "view", "2", "",
	    "ev.tsv:12: field 2 (user): empty: \"\"");
	BAD("1", " 7", "view", "2", "",
	    "ev.tsv:12: field 2 (user): not a number: \" 7\"");
	/* Field 3: the type. */
	BAD("1", "2", "click", "3", "",
	    "ev.tsv:12: field 3 (event): unknown event type (expected view, "
	    "addtocart or transaction): \"click\"");
	BAD("1", "2", "", "3", "",
	    "ev.tsv:12: field 3 (event): unknown event type (expected view, "
	    "addtocart or transaction): \"\"");
	/* Field 4: the item. */
	BAD("1", "2", "view", "99999999999999999999", "",
	    "ev.tsv:12: field 4 (item): out of range: "
	    "\"99999999999999999999\"");
	BAD("1", "2", "view", "3x", "",
	    "ev.tsv:12: field 4 (item): not a number: \"3x\"");
	BAD("1", "2", "view", "-3", "",
	    "ev.tsv:12: field 4 (item): negative: \"-3\"");
	/* Field 5: the transaction id, on transactions only. */
	BAD("1", "2", "view", "3", "4",
	    "ev.tsv:12: field 5 (txn): transaction id on a view: \"4\"");
	BAD("1", "2", "addtocart", "3", "4",
	    "ev.tsv:12: field 5 (txn): transaction id on an addtocart: "
	    "\"4\"");
	BAD("1", "2", "transaction", "3", "",
	    "ev.tsv:12: field 5 (txn): transaction without a transaction id: "
	    "\"\"");
	BAD("1", "2", "transaction", "3", "8693.0",
	    "ev.tsv:12: field 5 (txn): not a number: \"8693.0\"");
	BAD("1", "2", "transaction", "3", "18446744073709551616",
	    "ev.tsv:12: field 5 (txn): out of range: "
	    "\"18446744073709551616\"");
	BAD("1", "2", "transaction", "3", "-4",
	    "ev.tsv:12: field 5 (txn): negative: \"-4\"");
	/* The CSV column names appear when the caller passes them. */
	{
		char *f[5] = {"1", "2", "view", "3", "x"};

		CHECK(ev_parse(f, ev_csv_cols, "events.csv", 2, &ev, &e) ==
		    EX_DATAERR);
		CHECK_STR(e.msg, "events.csv:2: field 5 (transactionid): "
		    "transaction id on a view: \"x\"");
	}

	/* event_reader over events TSV: several files one after the other, each with its header,
	 * plain or gzip; errors name the file and line. */
	{
		static const char f2[] = "ts\tuser\tevent\titem\ttxn\n"
		    "3\t30\ttransaction\t300\t3000\n";
		size_t zlen;
		unsigned char *z = t_gzip(f2, sizeof f2 - 1, &zlen);
		char p1[1024], p2[1024], p3[1024];
		char *paths[3] = {p1, p2, p3};

		snprintf(p1, sizeof p1, "%s", t_text("e1.tsv", "ts\tuser\t"
		    "event\titem\ttxn\n1\t10\tview\t100\t\n"
		    "2\t20\taddtocart\t200\t\n"));
		snprintf(p2, sizeof p2, "%s", t_file("e2.tsv.gz", z, zlen));
		snprintf(p3, sizeof p3, "%s", t_text("e3.tsv", HDR));
		free(z);
		r = event_reader_open(paths, 3, NULL, &e);
		CHECK(r != NULL);
		CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 1 &&
		    ev.user == 10 && ev.type == EV_VIEW && ev.item == 100);
		CHECK(event_reader_next(r, &ev, &e) == 1 && ev.type == EV_ADDTOCART);
		CHECK(event_reader_next(r, &ev, &e) == 1 && ev.type == EV_TRANSACTION &&
		    ev.txn == 3000 && ev.has_txn);
		CHECK(event_reader_next(r, &ev, &e) == 0);
		event_reader_close(r);

		/* A bad row: the file and line, and the reader goes on. */
		snprintf(p2, sizeof p2, "%s", t_text("bad.tsv", "ts\tuser\t"
		    "event\titem\ttxn\n5\t1\tview\t7\t\n6\t1\tclick\t7\t\n"
		    "7\t1\tview\t7\t\n"));
		r = event_reader_open(paths + 1, 1, NULL, &e);
		CHECK(event_reader_next(r, &ev, &e) == 1);
		CHECK(event_reader_next(r, &ev, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "bad.tsv:3: field 3 (event): unknown event "
		    "type");
		CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 7);
		event_reader_close(r);

		/* A later file that is missing: EX_NOINPUT, then a clean
		 * error (not a crash) when called again. */
		snprintf(p2, sizeof p2, "%s", t_path("missing.tsv"));
		r = event_reader_open(paths, 3, NULL, &e);
		CHECK(event_reader_next(r, &ev, &e) == 1);
		CHECK(event_reader_next(r, &ev, &e) == 1);
		CHECK(event_reader_next(r, &ev, &e) == EX_NOINPUT);
		CHECK_HAS(e.msg, "missing.tsv: No such file or directory");
		CHECK(event_reader_next(r, &ev, &e) == EX_SOFTWARE);
		CHECK_HAS(e.msg, "missing.tsv: cannot go on after failing to "
		    "open it (internal error)");
		event_reader_close(r);
		/* A later file with the wrong header. */
		snprintf(p2, sizeof p2, "%s", t_text("items.tsv", "item\t"
		    "category\troot\tavailable\tts\n"));
		r = event_reader_open(paths, 2, NULL, &e);
		CHECK(event_reader_next(r, &ev, &e) == 1);
		CHECK(event_reader_next(r, &ev, &e) == 1);
		CHECK(event_reader_next(r, &ev, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "items.tsv:1: expected header \"ts\\tuser\\t"
		    "event\\titem\\ttxn\", found \"item\\tcategory\\troot\\t"
		    "available\\tts\"");
		CHECK(event_reader_next(r, &ev, &e) == EX_SOFTWARE);
		event_reader_close(r);
		/* The first file missing: event_reader_open fails. */
		CHECK(event_reader_open(paths + 1, 1, NULL, &e) == NULL);
		CHECK(e.code == EX_DATAERR);
		snprintf(p1, sizeof p1, "%s", t_path("nothere.tsv"));
		CHECK(event_reader_open(paths, 1, NULL, &e) == NULL);
		CHECK(e.code == EX_NOINPUT);
		event_reader_close(NULL);
	}

	/* No paths: standard input. */
	{
		int saved = dup(0), fd;

		fd = open(t_text("in.tsv", "ts\tuser\tevent\titem\ttxn\n"
		    "9\t8\tview\t7\t\n"), O_RDONLY);
		dup2(fd, 0);
		close(fd);
		r = event_reader_open(NULL, 0, NULL, &e);
		CHECK(r != NULL);
		CHECK(event_reader_next(r, &ev, &e) == 1 && ev.ts_ms == 9);
		CHECK(event_reader_next(r, &ev, &e) == 0);
		event_reader_close(r);
		dup2(saved, 0);
		close(saved);
	}

	/* Writer round trip. */
	{
		FILE *fp = fopen(t_path("out.tsv"), "w");
		event w[3] = {
			{1433193132535LL, 1134473, 396045, 0, EV_VIEW, 0},
			{0, UINT64_MAX, 0, 0, EV_ADDTOCART, 0},
			{5, 6, 7, 8693, EV_TRANSACTION, 1},
		};
		char *got, *paths[1];
		int k;

		fputs(HDR, fp);
		for (k = 0; k < 3; k++)
			ev_write_tsv(fp, &w[k]);
		fclose(fp);
		got = t_slurp(t_path("out.tsv"), NULL);
		CHECK_STR(got, "ts\tuser\tevent\titem\ttxn\n"
		    "1433193132535\t1134473\tview\t396045\t\n"
		    "0\t18446744073709551615\taddtocart\t0\t\n"
		    "5\t6\ttransaction\t7\t8693\n");
		free(got);
		paths[0] = (char *)t_path("out.tsv");
		r = event_reader_open(paths, 1, NULL, &e);
		for (k = 0; k < 3; k++) {
			CHECK(event_reader_next(r, &ev, &e) == 1);
			CHECK(ev.ts_ms == w[k].ts_ms && ev.user == w[k].user &&
			    ev.item == w[k].item && ev.type == w[k].type &&
			    ev.has_txn == w[k].has_txn && ev.txn == w[k].txn);
		}
		CHECK(event_reader_next(r, &ev, &e) == 0);
		event_reader_close(r);
	}
	return t_done();
}
