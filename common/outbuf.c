/* outbuf.c: see outbuf.h. */
#include "outbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "num.h"

int
outbuf_reserve(outbuf *b, size_t n)
{
	size_t ncap;
	char *np;

	if (b->cap - b->len >= n)
		return 0;
	ncap = b->cap ? b->cap : 4096;
	while (ncap - b->len < n) {
		if (ncap > SIZE_MAX / 2) {
			b->failed = 1;
			return -1;
		}
		ncap *= 2;
	}
	if ((np = realloc(b->p, ncap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

void
outbuf_free(outbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void
outbuf_consume(outbuf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

int
outbuf_printf(outbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p != NULL ? b->p + b->len : NULL,
	    b->p != NULL ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return -1;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (outbuf_reserve(b, (size_t)n + 1) != 0)
			return -1;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

void
outbuf_u64(outbuf *b, uint64_t v)
{
	char d[24];

	outbuf_add(b, d, (size_t)num_fmt_u64(d, v));
}
