/*
 * fuzz_num.c: the number and TIME parsers.  The input is cut into tokens
 * at NUL and LF; each goes through every parser, and what parses must
 * survive a round trip through the matching formatter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

static void
one(const char *s)
{
	uint64_t u, u2;
	int64_t i, ms, back;
	double d;
	char buf[64];
	int n;

	if (num_u64(s, &u) == NULL) {
		n = num_fmt_u64(buf, u);
		buf[n] = '\0';
		if (num_u64(buf, &u2) != NULL || u2 != u)
			abort();
	}
	(void)num_u64_range(s, 5, 1000, &u);
	if (num_i64(s, &i) == NULL && s[0] != '-' && (num_u64(s, &u) != NULL ||
	    u != (uint64_t)i))
		abort();
	if (num_double(s, &d) == NULL && (d != d || d - d != 0))
		abort();   /* NaN or infinity let through */
	if (num_time_ms(s, &ms) == NULL) {
		num_fmt_time_ms(ms, buf, sizeof buf);
		/* Years 0000..9999 (what the parser accepts) round trip
		 * to the second. */
		if (ms >= -62167219200000LL && ms <= 253402300799999LL) {
			buf[19] = '\0';
			if (num_time_ms(buf, &back) != NULL ||
			    back != ms - (ms % 1000 + 1000) % 1000)
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *p;
	size_t k;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (k = 0; k < size; k++)
		if (s[k] == '\n')
			s[k] = '\0';
	for (p = s; p <= s + size; p += strlen(p) + 1)
		one(p);
	free(s);
	return 0;
}
