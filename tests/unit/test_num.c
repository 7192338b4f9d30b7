/* test_num.c: whole-token number parsing, ranges, and every TIME form. */
#include <stdint.h>

#include <math.h>

#include "num.h"
#include "t.h"

/* The reason num_u64 gives for s ("ok" when it parses). */
static const char *
u64_why(const char *s, uint64_t *v)
{
	const char *why = num_u64(s, v);

	return why != NULL ? why : "ok";
}

static const char *
i64_why(const char *s, int64_t *v)
{
	const char *why = num_i64(s, v);

	return why != NULL ? why : "ok";
}

static const char *
dbl_why(const char *s, double *v)
{
	const char *why = num_double(s, v);

	return why != NULL ? why : "ok";
}

static const char *
time_why(const char *s, int64_t *ms)
{
	const char *why = num_time_ms(s, ms);

	return why != NULL ? why : "ok";
}

#define BADFORM "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] or @MILLIS"

int
main(void)
{
	uint64_t u = 7;
	int64_t i = 7, ms = 7;
	double d = 7;
	char buf[64], b21[21];
	int n;

	/* num_u64: digits only, the whole token, 0..UINT64_MAX. */
	CHECK_STR(u64_why("0", &u), "ok");
	CHECK(u == 0);
	CHECK_STR(u64_why("1407175", &u), "ok");
	CHECK(u == 1407175);
	CHECK_STR(u64_why("007", &u), "ok");
	CHECK(u == 7);
	CHECK_STR(u64_why("18446744073709551615", &u), "ok");
	CHECK(u == UINT64_MAX);
	u = 42;
	CHECK_STR(u64_why("18446744073709551616", &u), "out of range");
	CHECK(u == 42);     /* untouched on failure: no silent 0 */
	CHECK_STR(u64_why("99999999999999999999999", &u), "out of range");
	CHECK_STR(u64_why("184467440737095516150", &u), "out of range");
	CHECK_STR(u64_why("99999999999999999999x", &u), "not a number");
	CHECK_STR(u64_why("", &u), "empty");
	CHECK_STR(u64_why("-1", &u), "negative");
	CHECK_STR(u64_why("+1", &u), "not a number");
	CHECK_STR(u64_why(" 1", &u), "not a number");
	CHECK_STR(u64_why("1 ", &u), "not a number");
	CHECK_STR(u64_why("12abc", &u), "not a number");
	CHECK_STR(u64_why("8693.0", &u), "not a number");
	CHECK_STR(u64_why("0x10", &u), "not a number");
	CHECK_STR(u64_why("1e3", &u), "not a number");
	CHECK(u == 42);

	/* num_u64_range: bounds inclusive. */
	CHECK(num_u64_range("5", 1, 5, &u) == NULL && u == 5);
	CHECK(num_u64_range("1", 1, 5, &u) == NULL && u == 1);
	CHECK_STR(num_u64_range("0", 1, 5, &u), "out of range");
	CHECK_STR(num_u64_range("6", 1, 5, &u), "out of range");
	CHECK(u == 1);
	CHECK_STR(num_u64_range("x", 1, 5, &u), "not a number");
	CHECK_STR(num_u64_range("-3", 1, 5, &u), "negative");

	/* num_i64: one optional "-", INT64_MIN..INT64_MAX. */
	CHECK_STR(i64_why("-5", &i), "ok");
	CHECK(i == -5);
	CHECK_STR(i64_why("9223372036854775807", &i), "ok");
	CHECK(i == INT64_MAX);
	CHECK_STR(i64_why("-9223372036854775808", &i), "ok");
	CHECK(i == INT64_MIN);
	CHECK_STR(i64_why("-0", &i), "ok");
	CHECK(i == 0);
	i = 9;
	CHECK_STR(i64_why("9223372036854775808", &i), "out of range");
	CHECK_STR(i64_why("-9223372036854775809", &i), "out of range");
	CHECK_STR(i64_why("18446744073709551616", &i), "out of range");
	CHECK_STR(i64_why("--5", &i), "not a number");
	CHECK_STR(i64_why("+5", &i), "not a number");
	CHECK_STR(i64_why("5-", &i), "not a number");
	CHECK_STR(i64_why("", &i), "empty");
	CHECK_STR(i64_why("-", &i), "empty");
	CHECK(i == 9);

	/* num_double: decimal and exponent forms, finite only. */
	CHECK_STR(dbl_why("0.25", &d), "ok");
	CHECK(d == 0.25);
	CHECK_STR(dbl_why("-1.5e-3", &d), "ok");
	CHECK(d == -1.5e-3);
	CHECK_STR(dbl_why("1E3", &d), "ok");
	CHECK(d == 1000);
	CHECK_STR(dbl_why("7", &d), "ok");
	CHECK(d == 7);
	CHECK_STR(dbl_why(".5", &d), "ok");
	CHECK(d == 0.5);
	CHECK_STR(dbl_why("+2", &d), "ok");
	CHECK(d == 2);
	d = 3;
	CHECK_STR(dbl_why("", &d), "empty");
	CHECK_STR(dbl_why("abc", &d), "not a number");
	CHECK_STR(dbl_why("inf", &d), "not a number");
	CHECK_STR(dbl_why("nan", &d), "not a number");
	CHECK_STR(dbl_why("infinity", &d), "not a number");
	CHECK_STR(dbl_why("0x1p3", &d), "not a number");
	CHECK_STR(dbl_why("1.5 ", &d), "not a number");
	CHECK_STR(dbl_why(" 1.5", &d), "not a number");
	CHECK_STR(dbl_why("1.5.2", &d), "not a number");
	CHECK_STR(dbl_why("e5", &d), "not a number");
	CHECK_STR(dbl_why("-", &d), "not a number");
	CHECK_STR(dbl_why("1e", &d), "not a number");
	CHECK_STR(dbl_why("1e999", &d), "out of range");
	CHECK_STR(dbl_why("-1e999", &d), "out of range");
	CHECK(d == 3);

	/* TIME: YYYY-MM-DD is midnight UTC. */
	CHECK_STR(time_why("1970-01-01", &ms), "ok");
	CHECK(ms == 0);
	CHECK_STR(time_why("2015-09-01", &ms), "ok");
	CHECK(ms == 1441065600000LL);
	CHECK_STR(time_why("2015-05-03", &ms), "ok");
	CHECK(ms == 1430611200000LL);
	/* YYYY-MM-DDTHH:MM:SS with and without Z: the same instant (UTC). */
	CHECK_STR(time_why("2015-09-18T01:16:00", &ms), "ok");
	CHECK(ms == 1442538960000LL);
	CHECK_STR(time_why("2015-09-18T01:16:00Z", &ms), "ok");
	CHECK(ms == 1442538960000LL);
	CHECK_STR(time_why("1969-12-31T23:59:59Z", &ms), "ok");
	CHECK(ms == -1000);
	CHECK_STR(time_why("2000-02-29", &ms), "ok");     /* 400-year leap */
	CHECK(ms == 951782400000LL);
	CHECK_STR(time_why("2016-02-29T23:59:59", &ms), "ok");
	CHECK(ms == 1456790399000LL);
	CHECK_STR(time_why("9999-12-31T23:59:59Z", &ms), "ok");
	CHECK(ms == 253402300799000LL);
	CHECK_STR(time_why("0000-01-01", &ms), "ok");
	CHECK(ms == -62167219200000LL);
	/* @MILLIS, negative allowed. */
	CHECK_STR(time_why("@1433193132535", &ms), "ok");
	CHECK(ms == 1433193132535LL);
	CHECK_STR(time_why("@-1", &ms), "ok");
	CHECK(ms == -1);
	CHECK_STR(time_why("@0", &ms), "ok");
	CHECK(ms == 0);
	ms = 5;
	CHECK_STR(time_why("@", &ms), "bad @MILLIS time");
	CHECK_STR(time_why("@12x", &ms), "bad @MILLIS time");
	CHECK_STR(time_why("@+1", &ms), "bad @MILLIS time");
	CHECK_STR(time_why("@9223372036854775808", &ms), "bad @MILLIS time");
	/* Invalid calendar dates and times of day. */
	CHECK_STR(time_why("2015-02-30", &ms), "day out of range");
	CHECK_STR(time_why("2015-02-29", &ms), "day out of range");
	CHECK_STR(time_why("1900-02-29", &ms), "day out of range");
	CHECK_STR(time_why("2015-04-31", &ms), "day out of range");
	CHECK_STR(time_why("2015-01-00", &ms), "day out of range");
	CHECK_STR(time_why("2015-01-32", &ms), "day out of range");
	CHECK_STR(time_why("2015-13-01", &ms), "month out of range");
	CHECK_STR(time_why("2015-00-10", &ms), "month out of range");
	CHECK_STR(time_why("2015-09-01T24:00:00", &ms), "time of day out of "
	    "range");
	CHECK_STR(time_why("2015-09-01T23:60:00", &ms), "time of day out of "
	    "range");
	CHECK_STR(time_why("2015-09-01T23:59:60Z", &ms), "time of day out of "
	    "range");
	/* Malformed forms. */
	CHECK_STR(time_why("", &ms), BADFORM);
	CHECK_STR(time_why("2015-9-01", &ms), BADFORM);
	CHECK_STR(time_why("2015/09/01", &ms), BADFORM);
	CHECK_STR(time_why("15-09-01", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01Z", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01T", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01 01:02:03", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01T01:02", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01T01:02:03.000Z", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01T01:02:03+00:00", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01T01:02:03z", &ms), BADFORM);
	CHECK_STR(time_why("2015-09-01x", &ms), BADFORM);
	CHECK_STR(time_why(" 2015-09-01", &ms), BADFORM);
	CHECK_STR(time_why("1433193132535", &ms), BADFORM);
	CHECK(ms == 5);

	/* Round trip with num_fmt_time_ms. */
	CHECK_STR(num_fmt_time_ms(0, buf, sizeof buf),
	    "1970-01-01T00:00:00.000Z");
	CHECK_STR(num_fmt_time_ms(1433193132535LL, buf, sizeof buf),
	    "2015-06-01T21:12:12.535Z");
	CHECK_STR(num_fmt_time_ms(-1, buf, sizeof buf),
	    "1969-12-31T23:59:59.999Z");
	CHECK_STR(num_fmt_time_ms(-86400000, buf, sizeof buf),
	    "1969-12-31T00:00:00.000Z");
	CHECK_STR(num_fmt_time_ms(951782400000LL, buf, sizeof buf),
	    "2000-02-29T00:00:00.000Z");
	{
		static const char *const forms[] = {
			"1970-01-01T00:00:00", "2015-09-01T00:00:00",
			"2016-02-29T12:34:56", "1969-07-20T20:17:40",
			"2100-03-01T00:00:01", "1600-02-29T23:59:59",
			"9999-12-31T23:59:59", "0001-01-01T00:00:00",
		};
		size_t k;

		for (k = 0; k < sizeof forms / sizeof forms[0]; k++) {
			char want[40];
			int64_t back;

			CHECK(num_time_ms(forms[k], &ms) == NULL);
			num_fmt_time_ms(ms, buf, sizeof buf);
			snprintf(want, sizeof want, "%s.000Z", forms[k]);
			CHECK_STR(buf, want);
			/* and back: the formatted form without millis */
			buf[19] = 'Z';
			buf[20] = '\0';
			CHECK(num_time_ms(buf, &back) == NULL && back == ms);
		}
	}
	/* Every day for 1200 years: parse(format(t)) == t. */
	{
		int64_t t, back, bad = 0;

		for (t = -62135596800000LL; t < 253402300799000LL;
		    t += 86400000LL * 97 + 3723000) {
			num_fmt_time_ms(t, buf, sizeof buf);
			buf[19] = '\0';
			if (num_time_ms(buf, &back) != NULL || back != t / 1000
			    * 1000 - (t % 1000 < 0 ? 1000 : 0))
				bad++;
		}
		CHECK(bad == 0);
	}
	/* The extremes format without overflow (whatever the year). */
	num_fmt_time_ms(INT64_MIN, buf, sizeof buf);
	CHECK(strlen(buf) > 20);
	num_fmt_time_ms(INT64_MAX, buf, sizeof buf);
	CHECK(strlen(buf) > 20);

	/* num_days_from_civil. */
	CHECK(num_days_from_civil(1970, 1, 1) == 0);
	CHECK(num_days_from_civil(1969, 12, 31) == -1);
	CHECK(num_days_from_civil(2000, 3, 1) == 11017);

	/* num_fmt_u64: no NUL, returns the length. */
	memset(b21, '#', sizeof b21);
	n = num_fmt_u64(b21, 0);
	CHECK(n == 1 && b21[0] == '0' && b21[1] == '#');
	n = num_fmt_u64(b21, UINT64_MAX);
	CHECK(n == 20 && memcmp(b21, "18446744073709551615", 20) == 0);
	n = num_fmt_u64(b21, 1407175);
	CHECK(n == 7 && memcmp(b21, "1407175", 7) == 0);

	/* num_scan_u64: the digits up to the first non-digit, whatever it
	 * is (the bytes next to '0' and '9', high bytes that carry), with
	 * padding after them as a bulk reader has. */
	{
		static const char ends[] = {',', '\n', '\0', '/', ':', '?',
		    '\x80', '\xfa', '\xff', 'a'};
		static const char *const nums[] = {"0", "7", "1407175",
		    "12345678", "123456789", "1430622003304",
		    "9999999999999999999", "0000000000000000001"};
		size_t k, j, len;
		uint64_t v, w;

		for (k = 0; k < sizeof nums / sizeof nums[0]; k++)
			for (j = 0; j < sizeof ends; j++) {
				len = strlen(nums[k]);
				memset(buf, '9', sizeof buf);
				memcpy(buf, nums[k], len);
				buf[len] = ends[j];
				CHECK(num_scan_u64(buf, &v) == len);
				buf[len] = '\0';
				CHECK(num_u64(buf, &w) == NULL && v == w);
			}
		memset(buf, 'x', sizeof buf);
		CHECK(num_scan_u64(buf, &v) == 0);
		memcpy(buf, "18446744073709551615,", 21);
		CHECK(num_scan_u64(buf, &v) == 20);   /* for num_u64 */
	}

	/* num_fmt_fixed6: printf's "%.6f" for float scores (what it
	 * formats), exact halves aside; no sign on a rounded zero. */
	{
		static const double fixed[] = {0, 1, -1, 0.5, 1.25, -2.75,
		    0.0000005001, 123456.654321, 999999.9999996, 1e11,
		    -0.0000004, 3.4028234663852886e+38, 1e12, -1e15};
		static const char *const want[] = {"0.000000", "1.000000",
		    "-1.000000", "0.500000", "1.250000", "-2.750000",
		    "0.000001", "123456.654321", "1000000.000000",
		    "100000000000.000000", "0.000000",
		    "340282346638528859811704183484516925440.000000",
		    "1000000000000.000000", "-1000000000000000.000000"};
		char p[NUM_FIXED6_MAX];
		unsigned long long x = 88172645463325252ULL;
		size_t k, same = 0, n = 200000;
		int len;

		for (k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
			len = num_fmt_fixed6(buf, fixed[k]);
			CHECK(len == (int)strlen(want[k]) &&
			    memcmp(buf, want[k], (size_t)len) == 0);
		}
		for (k = 0; k < n; k++) {
			union { uint32_t u; float f; } r;
			double v;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* scores as a model gives them: |v| in 1e-6..1e4 */
			r.u = (uint32_t)(x >> 32);
			v = (double)r.f;
			if (!(fabs(v) < 1e4) || fabs(v) < 1e-6) {
				same++;
				continue;
			}
			len = num_fmt_fixed6(buf, v);
			snprintf(p, sizeof p, "%.6f", v);
			same += len == (int)strlen(p) &&
			    memcmp(buf, p, (size_t)len) == 0;
		}
		CHECK(same == n);
	}
	return t_done();
}
