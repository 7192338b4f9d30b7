/* test_ledger.c: the run ledger's loader, lookups and helpers. */
#include <stdlib.h>

#include "ledger.h"
#include "t.h"
#include "tutil.h"

int
main(void)
{
	const ledger_row **rows, *r;
	const char **names;
	rs_err e = {0};
	size_t n, k;
	ledger l;
	double x;

	CHECK(ledger_load(&l, t_text("l.tsv",
	    "run=2015-09-01-aaaa\tparam.F=50\tmetric.m=1.5\n"
	    "run=2015-09-01-bbbb\tparam.F=32\tmetric.m=1.6\tparam.G=x\n"
	    "run=2015-09-01-aaaa\tparam.F=50\tmetric.m=1.7\n"), &e) == 0);
	CHECK(l.n == 3);
	CHECK_STR(ledger_id(&l.rows[1]), "2015-09-01-bbbb");
	CHECK_STR(ledger_get(&l.rows[1], "param.G"), "x");
	CHECK(ledger_get(&l.rows[0], "param.G") == NULL);
	CHECK(!ledger_is_latest(&l, 0));
	CHECK(ledger_is_latest(&l, 1) && ledger_is_latest(&l, 2));
	/* Exact ids, id prefixes and key prefixes; the latest row. */
	CHECK((r = ledger_find(&l, "2015-09-01-aaaa", &e)) == &l.rows[2]);
	CHECK(ledger_find(&l, "bb", &e) == &l.rows[1]);
	CHECK(ledger_find(&l, "2015-09-01-a", &e) == &l.rows[2]);
	CHECK(ledger_find(&l, "2015", &e) == NULL);
	CHECK_HAS(e.msg, "ambiguous");
	CHECK(ledger_find(&l, "", &e) == NULL);
	CHECK(ledger_find(&l, "cc", &e) == NULL);
	CHECK_HAS(e.msg, "no run \"cc\"");
	/* Rows, latest only, names in order of first appearance, variation. */
	rows = ledger_rows(&l, 1, &n);
	CHECK(n == 2 && rows[0] == &l.rows[1] && rows[1] == &l.rows[2]);
	names = ledger_names(rows, n, "param.", &k);
	CHECK(k == 2);
	CHECK_STR(names[0], "param.F");
	CHECK_STR(names[1], "param.G");
	CHECK(ledger_differs(rows, n, "param.F"));
	CHECK(ledger_differs(rows, n, "param.G"));
	CHECK(!ledger_differs(rows, 1, "param.F"));
	free(names);
	free(rows);
	ledger_free(&l);

	CHECK(ledger_number("1.25", &x) == 0 && x == 1.25);
	CHECK(ledger_number("", &x) != 0);
	CHECK(ledger_number("12ab", &x) != 0);
	CHECK(ledger_number("inf", &x) != 0);

	/* Malformed rows name their place. */
	CHECK(ledger_load(&l, t_text("bad.tsv", "run=a\nrun=b\tx\n"), &e) ==
	    EX_DATAERR);
	CHECK_HAS(e.msg, "bad.tsv:2: field 2: no \"=\"");
	CHECK(ledger_load(&l, t_text("bad.tsv", "run=a\tx=1\tx=2\n"), &e) ==
	    EX_DATAERR);
	CHECK_HAS(e.msg, "bad.tsv:1: field 3: a name given twice");
	CHECK(ledger_load(&l, t_text("bad.tsv", "x=1\n"), &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "field 1: a row starts with run=ID");
	CHECK(ledger_load(&l, t_path("none.tsv"), &e) == EX_NOINPUT);
	return t_done();
}
