/* test_recs.c: the one recs TSV reader (recs_reader) and recs_load over
 * it: every rule and its message, long lists, users out of order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recs.h"
#include "t.h"
#include "tutil.h"

#define HDR "user\trank\titem\tscore\n"

/* Reads every row of text; the status of the first failure (or 0) and the
 * rows read before it. */
static int
read_all(const char *name, const char *text, uint64_t *rows, rs_err *e)
{
	recs_reader *r = recs_reader_open(t_text(name, text), e);
	recs_row row;
	int rc;

	*rows = 0;
	if (r == NULL)
		return e->code;
	while ((rc = recs_reader_next(r, &row, e)) == 1)
		++*rows;
	recs_reader_close(r);
	return rc;
}

int
main(void)
{
	rs_err e = {0};
	uint64_t rows;
	recs rc;

	CHECK(read_all("ok.tsv", HDR "7\t1\t10\t0.5\n7\t2\t11\t-1\n8\t1\t10\t3.\n"
	    "9\t1\t12\t1e-3\n", &rows, &e) == 0 && rows == 4);
	CHECK(read_all("r1.tsv", HDR "7\t2\t10\t0.5\n", &rows, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "r1.tsv:2: field 2 (rank): expected rank 1 (the user's "
	    "first row): \"2\"");
	CHECK(read_all("r2.tsv", HDR "7\t1\t10\t0.5\n7\t3\t11\t0.5\n", &rows,
	    &e) == EX_DATAERR && rows == 1);
	CHECK_HAS(e.msg, "r2.tsv:3: field 2 (rank): expected rank 2: \"3\"");
	CHECK(read_all("r3.tsv", HDR "7\t1\t10\t0.5\n7\t1\t11\t0.5\n", &rows,
	    &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "r3.tsv:3: field 2 (rank): expected rank 2: \"1\"");
	CHECK(read_all("d.tsv", HDR "7\t1\t10\t0.5\n7\t2\t10\t0.5\n", &rows,
	    &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "d.tsv:3: field 3 (item): item listed twice for the "
	    "user: \"10\"");
	/* The same item for another user is fine. */
	CHECK(read_all("d2.tsv", HDR "7\t1\t10\t0.5\n8\t1\t10\t0.5\n", &rows,
	    &e) == 0);
	CHECK(read_all("n.tsv", HDR "x\t1\t10\t0.5\n", &rows, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "n.tsv:2: field 1 (user): not a number: \"x\"");
	CHECK(read_all("s.tsv", HDR "7\t1\t10\tinf\n", &rows, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "s.tsv:2: field 4 (score):");
	CHECK(read_all("h.tsv", "user\titem\trank\tscore\n", &rows, &e) ==
	    EX_DATAERR);
	CHECK_HAS(e.msg, "h.tsv:1: expected header");

	/* A long list (the repeat set grows) and many users (it is emptied
	 * per user): the last row repeats the first item of the long list. */
	{
		size_t cap = 1 << 20, used = 0;
		char *text = malloc(cap);
		int k, u;

		used += (size_t)snprintf(text + used, cap - used, HDR);
		for (k = 1; k <= 500; k++)
			used += (size_t)snprintf(text + used, cap - used,
			    "1\t%d\t%d\t0.1\n", k, 1000 + k);
		for (u = 2; u < 2000; u++)
			for (k = 1; k <= 3; k++)
				used += (size_t)snprintf(text + used,
				    cap - used, "%d\t%d\t%d\t0.1\n", u, k, k);
		CHECK(read_all("long.tsv", text, &rows, &e) == 0 &&
		    rows == 500 + 1998 * 3);
		used += (size_t)snprintf(text + used, cap - used,
		    "5000\t1\t1\t0.1\n5000\t2\t2\t0.1\n5000\t3\t1\t0.1\n");
		CHECK(read_all("long2.tsv", text, &rows, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "field 3 (item): item listed twice");
		free(text);
	}

	/* Plain rows (read straight from blocks of lines) and rows that are
	 * not (read line by line) mixed over several blocks of input: the
	 * errors name the right line, and so does a split user's message. */
	{
		size_t cap = 8 << 20, used = 0;
		char *text = malloc(cap);
		int u;

		used += (size_t)snprintf(text + used, cap - used, HDR);
		for (u = 1; u <= 150000; u++)
			used += (size_t)snprintf(text + used, cap - used,
			    u % 1000 == 0 ? "%d\t1\t%d\t1e-3\n" :
			    "%d\t1\t%d\t0.25\n", u, u);
		CHECK(read_all("mix.tsv", text, &rows, &e) == 0 &&
		    rows == 150000);
		/* the rows above, then tail */
#define TAIL(tail) (strcpy(text + used, tail), text)
		/* line 150002: a repeated item after a plain row */
		CHECK(read_all("mix2.tsv", TAIL("150000\t2\t150000\t0.1\n"),
		    &rows, &e) == EX_DATAERR && rows == 150000);
		CHECK_HAS(e.msg, "mix2.tsv:150002: field 3 (item): item listed "
		    "twice for the user: \"150000\"");
		/* line 150003: a rank out of order, after a row that is not
		 * plain (line 150002) */
		CHECK(read_all("mix3.tsv", TAIL("150001\t1\t5\t1E2\n"
		    "150001\t3\t6\t0.1\n"), &rows, &e) == EX_DATAERR &&
		    rows == 150001);
		CHECK_HAS(e.msg, "mix3.tsv:150003: field 2 (rank): expected "
		    "rank 2: \"3\"");
		/* the last line without its LF */
		CHECK(read_all("mix4.tsv", TAIL("150001\t1\t5\t0.5"), &rows,
		    &e) == 0 && rows == 150001);
		/* user 77 again at line 150002, first seen at line 78 */
		CHECK(recs_load(&rc, t_text("mix5.tsv", TAIL("77\t1\t5\t0.5\n")),
		    0, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "mix5.tsv:150002: user 77: rows not grouped by "
		    "user (first seen at line 78)");
#undef TAIL
		free(text);
	}

	/* recs_load: users sorted, lists cut at max_rank, split users
	 * refused with both lines. */
	CHECK(recs_load(&rc, t_text("l.tsv", HDR "9\t1\t90\t1\n9\t2\t91\t1\n"
	    "3\t1\t30\t1\n"), 1, &e) == 0);
	CHECK(rc.n_users == 2 && rc.user[0] == 3 && rc.user[1] == 9 &&
	    rc.item[rc.off[1]] == 90 && rc.off[2] - rc.off[1] == 1 &&
	    rc.n_rows == 3);
	recs_free(&rc);
	CHECK(recs_load(&rc, t_text("g.tsv", HDR "1\t1\t5\t1\n2\t1\t5\t1\n"
	    "1\t1\t6\t1\n"), 0, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "g.tsv:4: user 1: rows not grouped by user (first "
	    "seen at line 2)");
	return t_done();
}
