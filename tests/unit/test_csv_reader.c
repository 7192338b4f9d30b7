/* test_csv_reader.c: the raw CSV reader: header, BOM, CRLF, quoting, counts. */
#include "csv_reader.h"
#include "t.h"
#include "tutil.h"

static const char *const AB[] = {"a", "b"};
static const char *const EVC[] = {
	"timestamp", "visitorid", "event", "itemid", "transactionid"
};

/* Opens text as a CSV file and checks the two-column header a,b. */
static csv_reader *
open_ab(const char *name, const char *text, rs_err *e)
{
	csv_reader *c = csv_reader_open(t_text(name, text), e);

	CHECK(c != NULL);
	CHECK(csv_reader_header(c, AB, 2, e) == 0);
	return c;
}

/* Next record as "f0|f1" (or the status as a string) for comparisons. */
static const char *
next2(csv_reader *c, rs_err *e)
{
	static char buf[256];
	char **f;
	int rc = csv_reader_next(c, &f, e);

	if (rc == 1)
		snprintf(buf, sizeof buf, "%s|%s", f[0], f[1]);
	else
		snprintf(buf, sizeof buf, "rc=%d", rc);
	return buf;
}

/* The status and message of checking the header a,b of text. */
static int
header_of(const char *name, const char *text, rs_err *e)
{
	csv_reader *c = csv_reader_open(t_text(name, text), e);
	int rc = csv_reader_header(c, AB, 2, e);

	csv_reader_close(c);
	return rc;
}

/*
 * Every expectation below is checked twice: with the fast path, and with
 * libcsv reading every line (RS_CSV_LIBCSV_ONLY=1), so the two paths are
 * held to one set of answers.
 */
static void
run_all(int libcsv_only)
{
	rs_err e = {0};
	csv_reader *c;
	char **f;
	const char *p;

	/* Plain records, last line without LF, empty fields kept. */
	c = open_ab("plain.csv", "a,b\n1,2\n,\nx,\n,y\n3,4", &e);
	CHECK_STR(next2(c, &e), "1|2");
	CHECK(csv_reader_lineno(c) == 2);
	CHECK_STR(next2(c, &e), "|");
	CHECK_STR(next2(c, &e), "x|");
	CHECK_STR(next2(c, &e), "|y");
	CHECK_STR(next2(c, &e), "3|4");
	CHECK(csv_reader_lineno(c) == 6);
	CHECK_STR(next2(c, &e), "rc=0");
	CHECK_STR(csv_reader_name(c), t_path("plain.csv"));
	CHECK(csv_reader_rd(c) != NULL);
	csv_reader_close(c);
	csv_reader_close(NULL);

	/* Header: BOM and CRLF accepted; CRLF rows too. */
	c = open_ab("bom.csv", "\xef\xbb\xbf" "a,b\r\n1,2\r\n3,4\r\n", &e);
	CHECK_STR(next2(c, &e), "1|2");
	CHECK_STR(next2(c, &e), "3|4");
	CHECK_STR(next2(c, &e), "rc=0");
	csv_reader_close(c);
	c = open_ab("bomq.csv", "\xef\xbb\xbf\"a\",\"b\"\n1,2\n", &e);
	CHECK_STR(next2(c, &e), "1|2");
	csv_reader_close(c);
	/* A BOM is only skipped before the header: later it is data. */
	c = open_ab("bom2.csv", "a,b\n\xef\xbb\xbfx,y\n", &e);
	CHECK_STR(next2(c, &e), "\xef\xbb\xbfx|y");
	csv_reader_close(c);

	/* Header errors name the expected and the found header. */
	CHECK(header_of("h1.csv", "a,c\n1,2\n", &e) == EX_DATAERR);
	CHECK_STR(e.msg + strlen(t_path("h1.csv")),
	    ":1: expected header \"a,b\", found \"a,c\"");
	CHECK(header_of("h2.csv", "a,b,c\n", &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "h2.csv:1: expected header \"a,b\", found \"a,b,c\"");
	CHECK(header_of("h3.csv", "a\n", &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "h3.csv:1: expected header \"a,b\", found \"a\"");
	CHECK(header_of("h4.csv", "b,a\n", &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "h4.csv:1: expected header \"a,b\", found \"b,a\"");
	CHECK(header_of("h5.csv", "A,B\n", &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "found \"A,B\"");
	CHECK(header_of("h6.csv", "\xef\xbb\xbf\xef\xbb\xbf" "a,b\n", &e) ==
	    EX_DATAERR);
	CHECK_HAS(e.msg, "found \"\xef\xbb\xbf" "a,b\"");
	/* Empty lines are skipped before the header too (as pandas does). */
	CHECK(header_of("h7.csv", "\n", &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "h7.csv: empty input (expected header \"a,b\")");
	CHECK(header_of("h8.csv", "\n\r\na,b\n", &e) == 0);
	/* Empty input. */
	CHECK(header_of("empty.csv", "", &e) == EX_DATAERR);
	CHECK_STR(e.msg + strlen(t_path("empty.csv")),
	    ": empty input (expected header \"a,b\")");
	/* The events header, the real one. */
	c = csv_reader_open(t_text("ev.csv", "timestamp,visitorid,event,itemid,"
	    "transactionid\n1433193132535,1134473,view,396045,\n"), &e);
	CHECK(csv_reader_header(c, EVC, 5, &e) == 0);
	CHECK(csv_reader_next(c, &f, &e) == 1);
	CHECK_STR(f[2], "view");
	CHECK_STR(f[4], "");
	csv_reader_close(c);
	c = csv_reader_open(t_text("ev2.csv", "timestamp,visitorid,event,itemid,"
	    "transactionid,datetime\n"), &e);
	CHECK(csv_reader_header(c, EVC, 5, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "ev2.csv:1: expected header \"timestamp,visitorid,"
	    "event,itemid,transactionid\", found \"timestamp,visitorid,event,"
	    "itemid,transactionid,datetime\"");
	csv_reader_close(c);

	/* Quoted fields: commas, doubled quotes, line breaks, empty. */
	c = open_ab("q.csv", "a,b\n"
	    "\"x,y\",2\n"
	    "\"say \"\"hi\"\"\",3\n"
	    "\"two\nlines\",4\n"
	    "\"\",\"\"\n"
	    "\"crlf\r\ninside\",5\r\n"
	    " sp ,\" q \"\n"
	    " sp , q \n"
	    "last,1\n", &e);
	CHECK_STR(next2(c, &e), "x,y|2");
	CHECK(csv_reader_lineno(c) == 2);
	CHECK_STR(next2(c, &e), "say \"hi\"|3");
	CHECK_STR(next2(c, &e), "two\nlines|4");
	CHECK(csv_reader_lineno(c) == 4);       /* the line the record starts on */
	CHECK_STR(next2(c, &e), "|");
	CHECK(csv_reader_lineno(c) == 6);
	CHECK_STR(next2(c, &e), "crlf\ninside|5");
	CHECK(csv_reader_lineno(c) == 7);
	/* Spaces are data on both paths (libcsv would trim them). */
	CHECK_STR(next2(c, &e), " sp | q ");
	CHECK_STR(next2(c, &e), " sp | q ");
	CHECK_STR(next2(c, &e), "last|1");
	CHECK(csv_reader_lineno(c) == 11);
	CHECK_STR(next2(c, &e), "rc=0");
	csv_reader_close(c);

	/* Wrong column count: the line number and both counts. */
	c = open_ab("cols.csv", "a,b\n1,2\n1,2,3\n1\n\n\"q\",\"r\",\"s\"\n"
	    "\"m\nn\"\n5,6\n", &e);
	CHECK_STR(next2(c, &e), "1|2");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_STR(e.msg + strlen(t_path("cols.csv")),
	    ":3: expected 2 fields, found 3");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "cols.csv:4: expected 2 fields, found 1");
	/* line 5, empty, is skipped */
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "cols.csv:6: expected 2 fields, found 3");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "cols.csv:7: expected 2 fields, found 1");
	CHECK_STR(next2(c, &e), "5|6");            /* and it goes on */
	CHECK(csv_reader_lineno(c) == 9);
	csv_reader_close(c);

	/* Malformed quoting: the line, then the reader goes on cleanly. */
	c = open_ab("badq.csv", "a,b\n\"x\"y,1\n\"p\" ,q\n\"m\",2\nab\"c,3\n"
	    "ok,4\n", &e);
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "badq.csv:2: malformed CSV quoting: ");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "badq.csv:3: malformed CSV quoting: ");
	CHECK_STR(next2(c, &e), "m|2");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "badq.csv:5: malformed CSV quoting: ");
	CHECK_STR(next2(c, &e), "ok|4");
	csv_reader_close(c);

	/* A quoted field still open at the end of input. */
	c = open_ab("open.csv", "a,b\n1,2\n\"never\nclosed,3\n", &e);
	CHECK_STR(next2(c, &e), "1|2");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "open.csv:3: unterminated quoted field at end of "
	    "input");
	csv_reader_close(c);

	/* gzip input, detected by magic. */
	{
		static const char txt[] = "a,b\n\"g,z\",1\n";
		size_t zlen;
		unsigned char *z = t_gzip(txt, sizeof txt - 1, &zlen);

		c = csv_reader_open(t_file("z.csv", z, zlen), &e);
		free(z);
		CHECK(csv_reader_header(c, AB, 2, &e) == 0);
		CHECK_STR(next2(c, &e), "g,z|1");
		csv_reader_close(c);
	}

	/* Cannot open. */
	p = t_path("absent.csv");
	CHECK(csv_reader_open(p, &e) == NULL);
	CHECK(e.code == EX_NOINPUT);
	CHECK_HAS(e.msg, "absent.csv: No such file or directory");

	/* Many fields (the field array grows). */
	{
		static const char *const cols[40] = {
			"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8",
			"c9", "c10", "c11", "c12", "c13", "c14", "c15", "c16",
			"c17", "c18", "c19", "c20", "c21", "c22", "c23", "c24",
			"c25", "c26", "c27", "c28", "c29", "c30", "c31", "c32",
			"c33", "c34", "c35", "c36", "c37", "c38", "c39"
		};
		char txt[2048];
		size_t used = 0;
		int k;

		for (k = 0; k < 40; k++)
			used += (size_t)sprintf(txt + used, "%s%s",
			    k ? "," : "", cols[k]);
		used += (size_t)sprintf(txt + used, "\n");
		for (k = 0; k < 40; k++)
			used += (size_t)sprintf(txt + used, "%s\"%d\"",
			    k ? "," : "", k);
		sprintf(txt + used, "\n");
		c = csv_reader_open(t_text("wide.csv", txt), &e);
		CHECK(csv_reader_header(c, cols, 40, &e) == 0);
		CHECK(csv_reader_next(c, &f, &e) == 1);
		CHECK_STR(f[39], "39");
		csv_reader_close(c);
	}
	/* Empty lines (CRLF too) are skipped anywhere and counted; a CR
	 * inside a line is data; line numbers count every line. */
	c = open_ab("blank.csv", "a,b\n\n1,2\r\n\r\n\n3\r4,5\n\n\"q\n\nr\",6\n"
	    "7,8\r\r\n", &e);
	CHECK_STR(next2(c, &e), "1|2");
	CHECK(csv_reader_lineno(c) == 3);
	CHECK_STR(next2(c, &e), "3\r4|5");
	CHECK(csv_reader_lineno(c) == 6);
	CHECK_STR(next2(c, &e), "q\n\nr|6");      /* empty inside quotes: data */
	CHECK(csv_reader_lineno(c) == 8);
	CHECK_STR(next2(c, &e), "7|8\r");          /* only one CR is the line end's */
	CHECK_STR(next2(c, &e), "rc=0");
	CHECK(csv_reader_blank_lines(c) == 4);
	/* Which path read what: libcsv the header and the quoted record, or
	 * everything. */
	CHECK(csv_reader_libcsv_records(c) == (libcsv_only ? 5u : 2u));
	csv_reader_close(c);

	/* A NUL byte: an error on either path, in a quoted record too. */
	c = csv_reader_open(t_file("nul.csv", "a,b\n1,2\n3\0,4\n\"x\ny\0\",5\n"
	    "6,7\n", 26), &e);
	CHECK(csv_reader_header(c, AB, 2, &e) == 0);
	CHECK_STR(next2(c, &e), "1|2");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "nul.csv:3: NUL byte in line (not a text file?)");
	CHECK(csv_reader_next(c, &f, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "nul.csv:5: NUL byte in line (not a text file?)");
	CHECK_STR(next2(c, &e), "6|7");
	csv_reader_close(c);
}

int
main(void)
{
	run_all(0);
	setenv("RS_CSV_LIBCSV_ONLY", "1", 1);
	run_all(1);
	return t_done();
}
