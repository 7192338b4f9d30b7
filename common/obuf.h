/*
 * obuf.h: a growable output byte buffer, the response assembly area of
 * rec-serve.  Appends never fail silently: on out of memory the buffer
 * stays as it was and ->failed is set, which the caller checks once.
 */
#ifndef RS_OBUF_H
#define RS_OBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct obuf {
	char *p;
	size_t len, cap;
	int failed;
} obuf;

/* Makes room for n more bytes; 0, or -1 (and failed set). */
int obuf_reserve(obuf *b, size_t n);
void obuf_free(obuf *b);
/* Drops the first n bytes (already written out). */
void obuf_consume(obuf *b, size_t n);
int obuf_printf(obuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void
obuf_add(obuf *b, const void *s, size_t n)
{
	if (b->cap - b->len < n && obuf_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void
obuf_str(obuf *b, const char *s)
{
	obuf_add(b, s, strlen(s));
}

/* Appends v in decimal. */
void obuf_u64(obuf *b, uint64_t v);

#endif
