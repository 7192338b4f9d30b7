/*
 * outbuf.h: a growable output byte buffer, the response assembly area of
 * rec-serve.  Appends never fail silently: on out of memory the buffer
 * stays as it was and ->failed is set, which the caller checks once.
 */
#ifndef RS_OUTBUF_H
#define RS_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct outbuf {
	char *p;
	size_t len, cap;
	int failed;
} outbuf;

/* Makes room for n more bytes; 0, or -1 (and failed set). */
int outbuf_reserve(outbuf *b, size_t n);
void outbuf_free(outbuf *b);
/* Drops the first n bytes (already written out). */
void outbuf_consume(outbuf *b, size_t n);
int outbuf_printf(outbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void
outbuf_add(outbuf *b, const void *s, size_t n)
{
	if (b->cap - b->len < n && outbuf_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void
outbuf_str(outbuf *b, const char *s)
{
	outbuf_add(b, s, strlen(s));
}

/* Appends v in decimal. */
void outbuf_u64(outbuf *b, uint64_t v);

#endif
