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

#include <stdint.h>

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

#endif
