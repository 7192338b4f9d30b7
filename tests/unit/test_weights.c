/* test_weights.c: weights specs and exact number printing. */
#include <stdlib.h>

#include "t.h"
#include "weights.h"

static int
bad(const char *spec, const char *why)
{
	ev_weights w;
	rs_err e = {0};
	int rc = weights_parse(spec, &w, &e);

	CHECK(rc == EX_USAGE);
	CHECK_HAS(e.msg, why);
	return rc;
}

static void
roundtrip(double v, const char *want)
{
	char buf[32];

	CHECK(weights_fmt_double(v, buf, sizeof buf) == (int)strlen(want));
	CHECK_STR(buf, want);
	CHECK(strtod(buf, NULL) == v);
}

int
main(void)
{
	ev_weights w;
	rs_err e = {0};
	char buf[128];

	CHECK(weights_parse("view=0.25,addtocart=0.75,transaction=0", &w,
	    &e) == 0);
	CHECK(w.w[EV_VIEW] == 0.25 && w.w[EV_ADDTOCART] == 0.75 &&
	    w.w[EV_TRANSACTION] == 0);
	CHECK(weights_fmt(&w, buf, sizeof buf) > 0);
	CHECK_STR(buf, "view=0.25,addtocart=0.75,transaction=0");
	CHECK(weights_fmt(&w, buf, 10) == -1);

	/* Unnamed types weigh 0; any order; "-0" is 0; exponents. */
	CHECK(weights_parse("addtocart=1", &w, &e) == 0);
	CHECK(w.w[EV_VIEW] == 0 && w.w[EV_ADDTOCART] == 1 &&
	    w.w[EV_TRANSACTION] == 0);
	CHECK(weights_parse("transaction=2e0,view=-0", &w, &e) == 0);
	CHECK(w.w[EV_TRANSACTION] == 2 && w.w[EV_VIEW] == 0);
	CHECK(weights_fmt(&w, buf, sizeof buf) > 0);
	CHECK_STR(buf, "view=0,addtocart=0,transaction=2");
	CHECK(weights_parse("view=0.1", &w, &e) == 0);
	CHECK(weights_fmt(&w, buf, sizeof buf) > 0);
	CHECK_STR(buf, "view=0.1,addtocart=0,transaction=0");

	bad("", "empty");
	bad("view=1,", "empty item");
	bad(",view=1", "empty item");
	bad("view", "missing \"=\"");
	bad("click=1", "unknown event type");
	bad("View=1", "unknown event type");
	bad("=1", "unknown event type");
	bad("averyveryverylongeventtypenamethatisnotthere=1",
	    "unknown event type");
	bad("view=1,view=2", "given twice");
	bad("view=-0.5", "negative weight");
	bad("view=abc", "not a number");
	bad("view=", "empty");
	bad("view=nan", "not a number");
	bad("view=1e400", "out of range");
	bad("view=1e7", "out of range");
	bad("view=1e-9", "out of range");
	bad("view=0,addtocart=0", "every weight is 0");
	bad("view=0.5 ", "not a number");
	bad("view=1,click=2", "\"click=2\"");

	roundtrip(0, "0");
	roundtrip(12, "12");
	roundtrip(1234567, "1234567");
	roundtrip(12.75, "12.75");
	roundtrip(0.1, "0.1");
	roundtrip(0.1 * 3, "0.30000000000000004");
	roundtrip(1e-6, "1e-06");
	roundtrip(9007199254740992.0 * 4, "3.602879701896397e+16");

	CHECK(weights_fmt_float(0.25f, buf, sizeof buf) == 4);
	CHECK_STR(buf, "0.25");
	CHECK(weights_fmt_float(1.0f, buf, sizeof buf) == 1);
	CHECK_STR(buf, "1");
	CHECK(weights_fmt_float(0.1f, buf, sizeof buf) > 0);
	CHECK_STR(buf, "0.1");
	CHECK(weights_fmt_float(1.1f + 0.2f, buf, sizeof buf) > 0);
	CHECK(strtof(buf, NULL) == 1.1f + 0.2f);
	CHECK(weights_fmt_float(16777217.0f, buf, sizeof buf) > 0);
	CHECK_STR(buf, "16777216");
	return t_done();
}
