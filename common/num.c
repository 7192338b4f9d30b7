/* num.c: see num.h. */
#include "num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

const char *
num_u64(const char *s, uint64_t *out)
{
	const unsigned char *q = (const unsigned char *)s;
	uint64_t v = 0;
	const char *p;
	unsigned d;

	/* The hot path of every reader: digits up to the first non-digit,
	 * with no overflow test; up to 19 digits cannot overflow, so then
	 * only the end needs checking.  Anything else takes the careful
	 * loop below, from the start. */
	for (;;) {          /* two digits a step: q[1] exists if q[0] is one */
		unsigned d2;

		if ((d = (unsigned)q[0] - '0') > 9)
			break;
		if ((d2 = (unsigned)q[1] - '0') > 9) {
			v = v * 10 + d;
			q++;
			break;
		}
		v = v * 100 + d * 10 + d2;
		q += 2;
	}
	if (*q == '\0' && q != (const unsigned char *)s &&
	    q - (const unsigned char *)s <= 19) {
		*out = v;
		return NULL;
	}
	if (*s == '\0')
		return "empty";
	v = 0;
	p = s;
	for (; *p != '\0'; p++) {
		d = (unsigned char)*p - '0';
		if (d > 9)
			return *s == '-' ? "negative" : "not a number";
		if (v > (UINT64_MAX - d) / 10)
			goto range;
		v = v * 10 + d;
	}
	*out = v;
	return NULL;
range:
	for (; *p != '\0'; p++)
		if ((unsigned)((unsigned char)*p - '0') > 9)
			return "not a number";
	return "out of range";
}

const char *
num_u64_range(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	const char *why = num_u64(s, &v);

	if (why != NULL)
		return why;
	if (v < min || v > max)
		return "out of range";
	*out = v;
	return NULL;
}

const char *
num_i64(const char *s, int64_t *out)
{
	uint64_t mag;
	const char *why;
	int neg = *s == '-';

	why = num_u64(s + neg, &mag);
	if (why != NULL)
		return why[0] == 'n' && why[1] == 'e' ? "not a number" : why;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return "out of range";
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return "out of range";
		*out = (int64_t)mag;
	}
	return NULL;
}

const char *
num_double(const char *s, double *out)
{
	const char *p;
	char *end;
	double v;

	if (*s == '\0')
		return "empty";
	/*
	 * Fast path for the plain decimals our own files hold ("-12.345678"):
	 * with at most 15 digits the mantissa is exact in a double and 10^k
	 * (k <= 15) is exact too, so one division is correctly rounded and
	 * equals strtod's result.  Anything else takes strtod below.
	 */
	{
		uint64_t mant = 0;
		unsigned ndig = 0, nfrac = 0;
		static const double pow10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5,
		    1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

		p = s + (*s == '-');
		for (; (unsigned)(*p - '0') <= 9 && ndig < 16; p++, ndig++)
			mant = mant * 10 + (uint64_t)(*p - '0');
		if (ndig > 0 && *p == '.' && (unsigned)(p[1] - '0') <= 9) {
			for (p++; (unsigned)(*p - '0') <= 9 && ndig < 16;
			    p++, ndig++, nfrac++)
				mant = mant * 10 + (uint64_t)(*p - '0');
		}
		if (ndig > 0 && ndig <= 15 && *p == '\0') {
			v = (double)mant / pow10[nfrac];
			*out = *s == '-' ? -v : v;
			return NULL;
		}
	}
	/* Refuse what strtod would accept but a data file should not hold. */
	for (p = s; *p != '\0'; p++)
		if (strchr("0123456789+-.eE", *p) == NULL)
			return "not a number";
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return "not a number";
	if (errno == ERANGE || !isfinite(v))
		return "out of range";
	*out = v;
	return NULL;
}

int64_t
num_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil algorithm. */
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

const char *
num_time_ms(const char *s, int64_t *ms)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31};
	unsigned y, mo, d, h = 0, mi = 0, se = 0, dim;
	size_t len = strlen(s);

	if (s[0] == '@') {
		const char *why = num_i64(s + 1, ms);

		return why != NULL ? "bad @MILLIS time" : NULL;
	}
	if (len < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] or @MILLIS";
	if (len > 10) {
		if ((len != 19 && !(len == 20 && s[19] == 'Z')) ||
		    s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' ||
		    digits(s + 14, 2, &mi) || s[16] != ':' ||
		    digits(s + 17, 2, &se))
			return "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] or @MILLIS";
	}
	if (mo < 1 || mo > 12)
		return "month out of range";
	dim = mdays[mo - 1] + (mo == 2 && (y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)));
	if (d < 1 || d > dim)
		return "day out of range";
	if (h > 23 || mi > 59 || se > 59)
		return "time of day out of range";
	*ms = ((num_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 +
	    (int64_t)se * 1000;
	return NULL;
}

char *
num_fmt_time_ms(int64_t ms, char *buf, unsigned long bufsz)
{
	/* Floor division, with no intermediate that overflows at INT64_MIN. */
	int64_t days = ms / 86400000 - (ms % 86400000 < 0);
	int64_t rem = ms % 86400000 + (ms % 86400000 < 0 ? 86400000 : 0);
	/* civil_from_days, the inverse of num_days_from_civil. */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	y += m <= 2;
	snprintf(buf, bufsz, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
	    (long long)y, m, d, (unsigned)(rem / 3600000),
	    (unsigned)(rem / 60000 % 60), (unsigned)(rem / 1000 % 60),
	    (unsigned)(rem % 1000));
	return buf;
}

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930"
    "31323334353637383940414243444546474849505152535455565758596061"
    "62636465666768697071727374757677787980818283848586878889909192"
    "93949596979899";

/* The two digits of r < 100 at p. */
static inline void
put2(char *p, unsigned r)
{
	memcpy(p, digit_pairs + 2 * r, 2);
}

/* Exactly eight digits of v < 10^8 at p, leading zeros included. */
static inline void
put8(char *p, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;

	put2(p, hi / 100);
	put2(p + 2, hi % 100);
	put2(p + 4, lo / 100);
	put2(p + 6, lo % 100);
}

int
num_fmt_u64(char *buf, uint64_t v)
{
	static const uint64_t pow10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL
	};
	uint32_t w;
	char *p;
	int n;

	/*
	 * Count the digits (from the bit length: log10(2) ~ 1233/4096, then
	 * one comparison), then write them from the end: eight at a time
	 * while more than eight remain (one 64-bit division, the rest in
	 * 32 bits), then two at a time.  No copy, no library call.
	 */
	n = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	n += v >= pow10[n];
	n += n == 0;
	p = buf + n;
	while (v >= 100000000) {
		uint64_t q = v / 100000000;

		p -= 8;
		put8(p, (uint32_t)(v - q * 100000000));
		v = q;
	}
	for (w = (uint32_t)v; w >= 100; w /= 100) {
		p -= 2;
		put2(p, w % 100);
	}
	if (w >= 10)
		put2(p - 2, w);
	else
		p[-1] = (char)('0' + w);
	return n;
}

int
num_fmt_fixed6(char *buf, double v)
{
	double a = fabs(v);
	unsigned long long q;
	unsigned frac, k;
	int n = 0;

	if (!(a < 1e12))
		return snprintf(buf, NUM_FIXED6_MAX, "%.6f", v);
	/* Exact for a float v (24 + 20 bits), and ties to even as printf
	 * rounds them. */
	q = (unsigned long long)nearbyint(a * 1e6);
	if (v < 0 && q != 0)
		buf[n++] = '-';
	n += num_fmt_u64(buf + n, q / 1000000);
	buf[n++] = '.';
	frac = (unsigned)(q % 1000000);
	for (k = 6; k-- > 0; frac /= 10)
		buf[n + k] = (char)('0' + frac % 10);
	return n + 6;
}
