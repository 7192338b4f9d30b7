/*
 * num.h: checked parsing of numbers and TIME values.
 *
 * Every parser takes a whole NUL-terminated token: no leading or trailing
 * space, no sign where none is allowed, nothing left over, no silent 0.  On
 * failure it returns a short reason ("not a number", "out of range", ...)
 * that the caller places in a message; on success it returns NULL.
 */
#ifndef RS_NUM_H
#define RS_NUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Unsigned decimal, digits only, 0..UINT64_MAX. */
const char *num_u64(const char *s, uint64_t *out);
/* Unsigned decimal within [min, max]. */
const char *num_u64_range(const char *s, uint64_t min, uint64_t max,
    uint64_t *out);
/* Signed decimal ("-" allowed), INT64_MIN..INT64_MAX. */
const char *num_i64(const char *s, int64_t *out);
/* A finite decimal or exponent floating-point number (no inf, nan, hex). */
const char *num_double(const char *s, double *out);

/*
 * TIME argument in UTC: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" with an
 * optional trailing "Z", or "@MILLIS" (epoch milliseconds, may be negative).
 * Calendar fields are range-checked (2015-02-30 is refused).
 */
const char *num_time_ms(const char *s, int64_t *ms);

/* Formats epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (buf >= 32). */
char *num_fmt_time_ms(int64_t ms, char *buf, unsigned long bufsz);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range checks). */
int64_t num_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Writes v in decimal into buf (at least 21 bytes) without a NUL and
 * returns the number of bytes: the fast path of every TSV writer.
 */
int num_fmt_u64(char *buf, uint64_t v);

/*
 * Writes v with six digits after the point ("-1.250000") into buf (at
 * least NUM_FIXED6_MAX bytes) without a NUL and returns the number of
 * bytes: the score column of recs TSV, tens of millions of rows for a
 * whole catalogue, several times faster than printf.  |v| below 1e12 is
 * rounded from v * 1e6, ties to even: for a float v the product is exact,
 * so the digits are printf's "%.6f" (for a double, within an ulp of a tie
 * they may differ in the last digit); a value that rounds to zero has no
 * sign ("0.000000", where printf writes "-0.000000").  Beyond 1e12,
 * infinities and NaN go through printf.
 */
#define NUM_FIXED6_MAX 48
int num_fmt_fixed6(char *buf, double v);

/*
 * The value of the k (1..8) decimal digits in the low bytes of x (x as
 * loaded from memory on a little-endian machine, first digit lowest):
 * moved to the top bytes (leading zeros below), then pairs, quads and the
 * eight combined.  Bytes above the k-th are ignored.
 */
static inline uint64_t
num_swar8(uint64_t x, unsigned k)
{
	uint64_t d = (x & 0x0f0f0f0f0f0f0f0full) << (8 * (8 - k));

	d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ffull;
	d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffffull;
	return (d * 10000 + (d >> 32)) & 0xffffffffull;
}

/*
 * The fast path of the bulk readers: the decimal digits at s up to the
 * first non-digit, eight at a time.  Returns their count and sets *v to
 * their value when the count is 1..19 (which cannot overflow); with no
 * digit or more than 19, *v is meaningless and the field is for num_u64 to
 * judge.  Reads whole 8-byte words: up to 7 bytes after the first
 * non-digit must be readable (see INFILE_PAD).
 */
static inline size_t
num_scan_u64(const char *s, uint64_t *v)
{
	static const uint64_t pow10[9] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
	};
	uint64_t acc = 0;
	size_t n = 0;

	for (;;) {
		uint64_t x, bad, k;

		memcpy(&x, s + n, 8);
		/* A byte is a digit when its high nibble is 3 and its low
		 * nibble plus 6 stays below 16 (no carry can cross bytes);
		 * the lowest bit set in bad is in the first non-digit. */
		bad = ((x & 0xf0f0f0f0f0f0f0f0ull) ^ 0x3030303030303030ull) |
		    (((x & 0x0f0f0f0f0f0f0f0full) + 0x0606060606060606ull) &
		    0x1010101010101010ull);
		k = bad != 0 ? (uint64_t)__builtin_ctzll(bad) >> 3 : 8;
		if (k < 8) {
			/* The usual end: an id of a few digits ends in the
			 * first word, with nothing before it to scale. */
			if (k > 0)
				acc = n == 0 ? num_swar8(x, (unsigned)k) :
				    acc * pow10[k] + num_swar8(x, (unsigned)k);
			*v = acc;
			return n + k;
		}
		acc = acc * 100000000 + num_swar8(x, 8);
		n += 8;
	}
}

/*
 * The count of decimal digits at s up to the first non-digit, eight bytes
 * a step, without their value: for a reader that must check a number it
 * does not use.  Up to 7 bytes after the first non-digit must be readable.
 */
static inline size_t
num_count_digits(const char *s)
{
	size_t n = 0;

	for (;; n += 8) {
		uint64_t x, bad;

		memcpy(&x, s + n, 8);
		bad = ((x & 0xf0f0f0f0f0f0f0f0ull) ^ 0x3030303030303030ull) |
		    (((x & 0x0f0f0f0f0f0f0f0full) + 0x0606060606060606ull) &
		    0x1010101010101010ull);
		if (bad != 0)
			return n + ((size_t)__builtin_ctzll(bad) >> 3);
	}
}

/*
 * num_u64 for a token after whose NUL at least 7 more bytes can be read
 * (the fields of csv_reader and tsv_reader, see INFILE_PAD): the same
 * answers, the common case (1 to 19 digits) read eight digits at a time.
 */
static inline const char *
num_u64_padded(const char *s, uint64_t *out)
{
	uint64_t v;
	size_t n = num_scan_u64(s, &v);

	if (n - 1 < 19 && s[n] == '\0') {
		*out = v;
		return NULL;
	}
	return num_u64(s, out);
}

#endif
