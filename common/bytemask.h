/*
 * bytemask.h: which of 16 bytes are of a kind, as the bits of an unsigned
 * (bit i for byte i at p), for the readers that scan lines a block at a
 * time.  SSE2 only (every x86-64): callers keep a byte-at-a-time path for
 * other machines, under the same #ifdef.  Each reads 16 bytes at p,
 * unaligned, which the caller guarantees readable (see INFILE_PAD).
 */
#ifndef RS_BYTEMASK_H
#define RS_BYTEMASK_H

#ifdef __SSE2__
#include <emmintrin.h>

static inline __m128i
bytemask_load16(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* Bytes equal to c. */
static inline unsigned
bytemask_eq16(const char *p, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bytemask_load16(p),
	    _mm_set1_epi8(c)));
}

/* The bytes that end or break an unquoted CSV field: comma, double quote
 * and NUL. */
static inline unsigned
bytemask_csv16(const char *p)
{
	__m128i v = bytemask_load16(p);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
	    _mm_cmpeq_epi8(v, _mm_setzero_si128())));
}

/* Bytes that are not decimal digits. */
static inline unsigned
bytemask_nondigit16(const char *p)
{
	__m128i v = bytemask_load16(p);

	/* signed: bytes from 0x80 up are below '0' */
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_cmplt_epi8(v, _mm_set1_epi8('0')),
	    _mm_cmpgt_epi8(v, _mm_set1_epi8('9'))));
}
#endif

#endif
