/*
 * als_kernels.c: the builds of als_kern.h (AVX2+FMA, the same with wider
 * micro-tiles on AVX-512, and portable) and the run-time choice between
 * them, for als_fit.c and als_recommend.c.
 */
#include "als.h"
#include "als_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* als_falloc: arrays of at least HUGE_FROM bytes start on a HUGE_PAGE
 * boundary and ask for transparent huge pages. */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_FROM ((size_t)8 << 20)

typedef float v8f __attribute__((vector_size(32)));

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#if defined(__clang__)   /* clang ignores GCC's target pragma */
#pragma clang attribute push (__attribute__((target("avx2,fma"))), \
	apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#define KSUF avx2
#define KFMA(a, b, c) ((v8f)_mm256_fmadd_ps((__m256)(a), (__m256)(b), \
	(__m256)(c)))
#define KANYGE(a, t) (_mm256_movemask_ps(_mm256_cmp_ps((__m256)(a), \
	(__m256)(t), _CMP_GE_OQ)) != 0)
#include "als_kern.h"
#undef KSUF
#undef KFMA
#undef KANYGE
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#define HAVE_AVX2_KERNELS 1

/* The AVX2 kernels again where AVX-512 is there too: the micro-tiles of
 * symv_tile and gram_block (KWIDE) take 48 columns at a time in 16-wide
 * vectors, the same fused chain per element, so the same bits. */
typedef float v16f __attribute__((vector_size(64)));
#if defined(__clang__)
#pragma clang attribute push (__attribute__((target("avx512f,avx2,fma"))), \
	apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
#endif
#define KSUF avx512
#define KFMA(a, b, c) ((v8f)_mm256_fmadd_ps((__m256)(a), (__m256)(b), \
	(__m256)(c)))
#define KFMA16(a, b, c) ((v16f)_mm512_fmadd_ps((__m512)(a), (__m512)(b), \
	(__m512)(c)))
#define KANYGE(a, t) (_mm256_movemask_ps(_mm256_cmp_ps((__m256)(a), \
	(__m256)(t), _CMP_GE_OQ)) != 0)
#define KWIDE 1
#include "als_kern.h"
#undef KSUF
#undef KFMA
#undef KFMA16
#undef KANYGE
#undef KWIDE
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

/* A macro, not a function: passing a 32-byte vector by value to a
 * function built without AVX changes the ABI (clang warns, -Wpsabi). */
#define any_ge(a, t) __extension__ ({ \
	v8f a_ = (a), t_ = (t); \
	int r_ = 0, j_; \
	for (j_ = 0; j_ < 8; j_++) \
		r_ |= a_[j_] >= t_[j_]; \
	r_; })

#define KSUF generic
#define KFMA(a, b, c) ((a) * (b) + (c))
#define KANYGE(a, t) any_ge(a, t)
#include "als_kern.h"
#undef KSUF
#undef KFMA
#undef KANYGE

/* The widest kernels allowed: 2 AVX-512, 1 AVX2+FMA, 0 portable. */
static int widest = 2;

void
als_portable_kernels(int on)
{
	widest = on ? 0 : 2;
}

void
als_avx2_kernels(int on)
{
	widest = on ? 1 : 2;
}

static int
use_avx2(void)
{
#ifdef HAVE_AVX2_KERNELS
	if (widest < 1)
		return 0;
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
	return 0;
#endif
}

static int
use_avx512(void)
{
#ifdef HAVE_AVX2_KERNELS
	return widest >= 2 && use_avx2() && __builtin_cpu_supports("avx512f");
#else
	return 0;
#endif
}

const char *
als_kernels_info(void)
{
#ifdef HAVE_AVX2_KERNELS
	return use_avx512() ? "avx512f, avx2+fma and portable compiled in; "
	    "this CPU: avx512f" : use_avx2() ? "avx512f, avx2+fma and "
	    "portable compiled in; this CPU: avx2+fma" : "avx512f, avx2+fma "
	    "and portable compiled in; this CPU: portable";
#else
	return "portable only (no avx2+fma kernels compiled in)";
#endif
}

_Static_assert(ALS_TILE == 6, "symv_tile and tile6x16 are six rows wide");

static const als_kernels generic = {
	cg_tile_generic, chol_row_generic, rec_tile_generic, gram_block_generic,
	rotate_generic
};
#ifdef HAVE_AVX2_KERNELS
static const als_kernels avx2 = {
	cg_tile_avx2, chol_row_avx2, rec_tile_avx2, gram_block_avx2,
	rotate_avx2
};
static const als_kernels avx512 = {
	cg_tile_avx512, chol_row_avx512, rec_tile_avx512, gram_block_avx512,
	rotate_avx512
};
#endif

const als_kernels *
als_kernels_pick(void)
{
#ifdef HAVE_AVX2_KERNELS
	if (use_avx512())
		return &avx512;
	if (use_avx2())
		return &avx2;
#endif
	return &generic;
}

float *
als_falloc(size_t n)
{
	size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
	float *p;

	if (bytes < HUGE_FROM) {
		p = aligned_alloc(64, bytes > 0 ? bytes : 64);
		if (p != NULL)
			memset(p, 0, bytes);
		return p;
	}
	/* Factors read at random rows (the other side's, once per entry):
	 * on 2 MB pages a row costs a cache miss, not also a page walk. */
	bytes = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, bytes);
	if (p != NULL) {
#ifdef MADV_HUGEPAGE
		(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
		memset(p, 0, bytes);
	}
	return p;
}
