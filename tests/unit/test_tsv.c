/* test_tsv.c: the TSV reader (header, CRLF, field counts, messages) and
 * the writers. */
#include "tsv.h"
#include "t.h"
#include "tutil.h"

static const char *const COLS[] = {"ts", "user", "event", "item", "txn"};

/* Opens text with the events header check; NULL and e filled on error. */
static tsv_reader *
open5(const char *name, const char *text, rs_err *e)
{
	return tsv_reader_open(t_text(name, text), COLS, 5, e);
}

/* The message after the scratch path, for exact comparisons. */
static const char *
tail(const rs_err *e, const char *name)
{
	const char *p = t_path(name);

	return strncmp(e->msg, p, strlen(p)) == 0 ? e->msg + strlen(p) :
	    e->msg;
}

int
main(void)
{
	rs_err e = {0};
	tsv_reader *t;
	char **f;

	/* Good rows, an empty last field, last line without LF. */
	t = open5("ok.tsv", "ts\tuser\tevent\titem\ttxn\n"
	    "1\t2\tview\t4\t\n"
	    "5\t6\ttransaction\t8\t9", &e);
	CHECK(t != NULL);
	CHECK(tsv_reader_next(t, &f, &e) == 1);
	CHECK_STR(f[0], "1");
	CHECK_STR(f[2], "view");
	CHECK_STR(f[4], "");
	CHECK(tsv_reader_lineno(t) == 2);
	CHECK(tsv_reader_next(t, &f, &e) == 1);
	CHECK_STR(f[4], "9");
	CHECK(tsv_reader_lineno(t) == 3);
	CHECK(tsv_reader_next(t, &f, &e) == 0);
	CHECK_STR(tsv_reader_name(t), t_path("ok.tsv"));
	tsv_reader_close(t);
	tsv_reader_close(NULL);

	/* Header only: no rows, no error. */
	t = open5("hdr.tsv", "ts\tuser\tevent\titem\ttxn\n", &e);
	CHECK(t != NULL && tsv_reader_next(t, &f, &e) == 0);
	tsv_reader_close(t);

	/* Header mismatch: expected and found, TABs made visible. */
	CHECK(open5("h1.tsv", "ts\tuser\tevent\titem\n1\t2\t3\t4\n", &e) ==
	    NULL);
	CHECK(e.code == EX_DATAERR);
	CHECK_STR(tail(&e, "h1.tsv"), ":1: expected header "
	    "\"ts\\tuser\\tevent\\titem\\ttxn\", found "
	    "\"ts\\tuser\\tevent\\titem\"");
	CHECK(open5("h2.tsv", "ts\tuser\tevent\titem\ttxn\textra\n", &e) ==
	    NULL);
	CHECK_STR(tail(&e, "h2.tsv"), ":1: expected header "
	    "\"ts\\tuser\\tevent\\titem\\ttxn\", found "
	    "\"ts\\tuser\\tevent\\titem\\ttxn\\textra\"");
	CHECK(open5("h3.tsv", "item\tcategory\troot\tavailable\tts\n", &e) ==
	    NULL);
	CHECK_HAS(e.msg, "found \"item\\tcategory\\troot\\tavailable\\tts\"");
	CHECK(open5("h4.tsv", "ts user event item txn\n", &e) == NULL);
	CHECK_HAS(e.msg, "found \"ts user event item txn\"");
	CHECK(open5("h5.tsv", "ts\tuser\tevent\titem\ttxnx\n", &e) == NULL);
	CHECK_HAS(e.msg, "found \"ts\\tuser\\tevent\\titem\\ttxnx\"");
	CHECK(open5("h6.tsv", "tsx\tuser\tevent\titem\ttxn\n", &e) == NULL);
	CHECK_HAS(e.msg, "h6.tsv:1: expected header");
	CHECK(open5("h7.tsv", "1\t2\tview\t4\t\n", &e) == NULL);
	CHECK_HAS(e.msg, "found \"1\\t2\\tview\\t4\\t\"");
	/* A raw CSV given where TSV is expected. */
	CHECK(open5("h8.tsv", "timestamp,visitorid,event,itemid,"
	    "transactionid\n", &e) == NULL);
	CHECK_HAS(e.msg, "found \"timestamp,visitorid,event,itemid,"
	    "transactionid\"");
	/* Empty input. */
	CHECK(open5("empty.tsv", "", &e) == NULL);
	CHECK(e.code == EX_DATAERR);
	CHECK_STR(tail(&e, "empty.tsv"), ": empty input (expected header "
	    "\"ts\\tuser\\tevent\\titem\\ttxn\")");

	/* CRLF refused, in the header and in a row, with a hint. */
	CHECK(open5("crlf1.tsv", "ts\tuser\tevent\titem\ttxn\r\n", &e) ==
	    NULL);
	CHECK(e.code == EX_DATAERR);
	CHECK_STR(tail(&e, "crlf1.tsv"), ":1: CRLF line end (TSV files use "
	    "LF; convert with: tr -d '\\r')");
	t = open5("crlf2.tsv", "ts\tuser\tevent\titem\ttxn\n"
	    "1\t2\tview\t4\t\n1\t2\tview\t4\t\r\n", &e);
	CHECK(tsv_reader_next(t, &f, &e) == 1);
	CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
	CHECK_STR(tail(&e, "crlf2.tsv"), ":3: CRLF line end (TSV files use "
	    "LF; convert with: tr -d '\\r')");
	tsv_reader_close(t);

	/* Field counts: too few, too many (counted), empty line. */
	t = open5("count.tsv", "ts\tuser\tevent\titem\ttxn\n"
	    "1\t2\tview\t4\n"
	    "1\t2\tview\t4\t\t\n"
	    "1\t2\tview\t4\t5\t6\t7\n"
	    "\n"
	    "1\n"
	    "1\t2\tview\t4\t\n", &e);
	CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
	CHECK_STR(tail(&e, "count.tsv"), ":2: expected 5 fields, found 4");
	CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
	CHECK_STR(tail(&e, "count.tsv"), ":3: expected 5 fields, found 6");
	CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
	CHECK_STR(tail(&e, "count.tsv"), ":4: expected 5 fields, found 7");
	CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
	CHECK_STR(tail(&e, "count.tsv"), ":5: expected 5 fields, found 1");
	CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
	CHECK_STR(tail(&e, "count.tsv"), ":6: expected 5 fields, found 1");
	CHECK(tsv_reader_next(t, &f, &e) == 1);       /* the reader goes on */
	CHECK(tsv_reader_lineno(t) == 7);
	tsv_reader_close(t);

	/* A NUL byte would cut a field short ("4<NUL>x" read as 4): the
	 * line is refused, in a row or in the header. */
	{
		static const char txt[] = "ts\tuser\tevent\titem\ttxn\n"
		    "1\t2\tview\t4\0x\t\n1\t2\tview\t4\t\n";
		static const char hdr[] = "ts\tuser\tevent\titem\ttxn\0junk\n";

		t = tsv_reader_open(t_file("nul.tsv", txt, sizeof txt - 1), COLS, 5,
		    &e);
		CHECK(t != NULL);
		CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
		CHECK_STR(tail(&e, "nul.tsv"), ":2: NUL byte in line (not a "
		    "text file?)");
		CHECK(tsv_reader_next(t, &f, &e) == 1);      /* the reader goes on */
		tsv_reader_close(t);
		CHECK(tsv_reader_open(t_file("nulh.tsv", hdr, sizeof hdr - 1), COLS,
		    5, &e) == NULL);
		CHECK(e.code == EX_DATAERR);
		CHECK_STR(tail(&e, "nulh.tsv"), ":1: NUL byte in line (not a "
		    "text file?)");
	}

	/* One column: an empty line is one empty field. */
	{
		static const char *const one[] = {"user"};

		t = tsv_reader_open(t_text("one.tsv", "user\n7\n\n"), one, 1, &e);
		CHECK(t != NULL);
		CHECK(tsv_reader_next(t, &f, &e) == 1 && strcmp(f[0], "7") == 0);
		CHECK(tsv_reader_next(t, &f, &e) == 1 && strcmp(f[0], "") == 0);
		CHECK(tsv_reader_next(t, &f, &e) == 0);
		tsv_reader_close(t);
		t = tsv_reader_open(t_text("one2.tsv", "user\n7\t8\n"), one, 1, &e);
		CHECK(tsv_reader_next(t, &f, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "one2.tsv:2: expected 1 fields, found 2");
		tsv_reader_close(t);
	}

	/* tsv_reader_field_err: the one shape of a bad-field message. */
	t = open5("field.tsv", "ts\tuser\tevent\titem\ttxn\n"
	    "1\t2\tclick\t4\t\n", &e);
	CHECK(tsv_reader_next(t, &f, &e) == 1);
	CHECK(tsv_reader_field_err(t, &e, 2, "unknown event type") == EX_DATAERR);
	CHECK(e.code == EX_DATAERR);
	CHECK_STR(tail(&e, "field.tsv"), ":2: field 3 (event): unknown event "
	    "type: \"click\"");
	tsv_reader_field_err(t, &e, 0, "bad timestamp");
	CHECK_STR(tail(&e, "field.tsv"), ":2: field 1 (ts): bad timestamp: "
	    "\"1\"");
	tsv_reader_close(t);

	/* gzip input and stdin naming. */
	{
		static const char txt[] = "ts\tuser\tevent\titem\ttxn\n"
		    "1\t2\tview\t4\t\n";
		size_t zlen;
		unsigned char *z = t_gzip(txt, sizeof txt - 1, &zlen);
		int saved = dup(0), fd;

		t = tsv_reader_open(t_file("z.tsv", z, zlen), COLS, 5, &e);
		CHECK(t != NULL && tsv_reader_next(t, &f, &e) == 1);
		tsv_reader_close(t);
		fd = open(t_path("z.tsv"), O_RDONLY);
		dup2(fd, 0);
		close(fd);
		t = tsv_reader_open("-", COLS, 5, &e);
		CHECK(t != NULL);
		CHECK_STR(tsv_reader_name(t), "<stdin>");
		CHECK(tsv_reader_next(t, &f, &e) == 1);
		tsv_reader_field_err(t, &e, 3, "not in the catalogue");
		CHECK_STR(e.msg, "<stdin>:2: field 4 (item): not in the "
		    "catalogue: \"4\"");
		tsv_reader_close(t);
		dup2(saved, 0);
		close(saved);
		free(z);
	}

	/* Cannot open. */
	CHECK(tsv_reader_open(t_path("absent.tsv"), COLS, 5, &e) == NULL);
	CHECK(e.code == EX_NOINPUT);
	CHECK_HAS(e.msg, "absent.tsv: No such file or directory");

	/* Writers. */
	{
		FILE *fp = fopen(t_path("w.tsv"), "w");
		char *got;

		tsv_write_header(fp, COLS, 5);
		tsv_put_u64(fp, 0);
		tsv_put_ch(fp, '\t');
		tsv_put_u64(fp, UINT64_MAX);
		tsv_put_ch(fp, '\t');
		tsv_put_str(fp, "view");
		tsv_put_ch(fp, '\n');
		fclose(fp);
		got = t_slurp(t_path("w.tsv"), NULL);
		CHECK_STR(got, "ts\tuser\tevent\titem\ttxn\n"
		    "0\t18446744073709551615\tview\n");
		free(got);
	}
	return t_done();
}
