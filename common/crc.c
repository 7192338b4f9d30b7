/* crc.c: CRC-32 with carry-less multiplication where the CPU has it; see
 * crc.h. */
#include "crc.h"

#include <zlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CRC_CLMUL 1
#endif

uint32_t
crc_update_zlib(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n > 0) {
		uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;

		crc = (uint32_t)crc32(crc, b, k);
		b += k;
		n -= k;
	}
	return crc;
}

#ifdef CRC_CLMUL
/*
 * The reflected CRC register c (no inversions) over n bytes at p, n >= 64
 * and a multiple of 16, by folding (Gopal et al., "Fast CRC computation
 * for generic polynomials using PCLMULQDQ", Intel, 2009): four 128-bit
 * lanes are each multiplied by x^(512+-32) and x^(512+32) mod P and
 * added to the next 64 bytes, then folded into one lane, which takes the
 * remaining 16-byte blocks; then 128 -> 64 -> 32 bits and a Barrett
 * reduction.  The constants are those powers of x mod P (P = 0x104c11db7,
 * bit-reflected), and floor(x^64 / P) for Barrett.
 */
__attribute__((target("pclmul,sse4.1"))) static uint32_t
crc_clmul(uint32_t c, const unsigned char *p, size_t n)
{
	const __m128i k12 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL);
	const __m128i k34 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL);
	const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124LL);
	const __m128i pu = _mm_set_epi64x(0x1f7011641LL, 0x1db710641LL);
	const __m128i lo32 = _mm_set_epi32(0, 0, 0, -1);
	__m128i x0, x1, x2, x3, t;

#define LOAD(q) _mm_loadu_si128((const __m128i *)(const void *)(q))
/* x times the constants of k, lane by lane, plus d. */
#define FOLD(x, k, d) (t = _mm_clmulepi64_si128((x), (k), 0x00), \
	(x) = _mm_clmulepi64_si128((x), (k), 0x11), \
	(x) = _mm_xor_si128(_mm_xor_si128((x), t), (d)))
	x0 = _mm_xor_si128(LOAD(p), _mm_cvtsi32_si128((int)c));
	x1 = LOAD(p + 16);
	x2 = LOAD(p + 32);
	x3 = LOAD(p + 48);
	for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
		FOLD(x0, k12, LOAD(p));
		FOLD(x1, k12, LOAD(p + 16));
		FOLD(x2, k12, LOAD(p + 32));
		FOLD(x3, k12, LOAD(p + 48));
	}
	FOLD(x0, k34, x1);
	FOLD(x0, k34, x2);
	FOLD(x0, k34, x3);
	for (; n >= 16; p += 16, n -= 16)
		FOLD(x0, k34, LOAD(p));
#undef FOLD
#undef LOAD
	/* 128 -> 64 bits (and 32 zero bits appended). */
	t = _mm_clmulepi64_si128(k34, x0, 0x01);
	x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), t);
	/* 64 -> 32. */
	t = _mm_srli_si128(x0, 4);
	x0 = _mm_clmulepi64_si128(_mm_and_si128(x0, lo32), k5, 0x00);
	x0 = _mm_xor_si128(x0, t);
	/* Barrett reduction. */
	t = x0;
	x0 = _mm_clmulepi64_si128(_mm_and_si128(x0, lo32), pu, 0x10);
	x0 = _mm_clmulepi64_si128(_mm_and_si128(x0, lo32), pu, 0x00);
	x0 = _mm_xor_si128(x0, t);
	return (uint32_t)_mm_extract_epi32(x0, 1);
}
#endif

int
crc_has_clmul(void)
{
#ifdef CRC_CLMUL
	static int has = -1;

	if (has < 0) {
		__builtin_cpu_init();
		has = __builtin_cpu_supports("pclmul") &&
		    __builtin_cpu_supports("sse4.1");
	}
	return has;
#else
	return 0;
#endif
}

uint32_t
crc_update(uint32_t crc, const void *p, size_t n)
{
#ifdef CRC_CLMUL
	if (n >= 64 && crc_has_clmul()) {
		size_t bulk = n & ~(size_t)15;

		/* zlib's crc is the register inverted before and after. */
		crc = ~crc_clmul(~crc, p, bulk);
		return crc_update_zlib(crc, (const unsigned char *)p + bulk,
		    n - bulk);
	}
#endif
	return crc_update_zlib(crc, p, n);
}
