/*
 * als_impl.h: what the parts of the ALS module (als_kernels.c, als_fit.c,
 * als_model.c, als_recommend.c) share, and nobody else includes: the
 * per-row kernels of als_kern.h behind one table chosen at run time, and
 * 64-byte aligned zeroed float arrays.  The contracts of the kernels are
 * in als_kern.h.
 */
#ifndef RS_ALS_IMPL_H
#define RS_ALS_IMPL_H

#include <stddef.h>
#include <stdint.h>

/* Rows solved together by cg_tile: the symv tile of als_kern.h is six
 * vectors wide. */
#define ALS_TILE 6

/* A tile's rows: their entries (other side's row, value) and factors. */
typedef struct als_tile {
	const uint32_t *idx[ALS_TILE];
	const float *val[ALS_TILE];
	size_t nnz[ALS_TILE];
	float *x[ALS_TILE];
} als_tile;

typedef struct als_kernels {
	void (*cg_tile)(const float *YtY, const float *lam, const float *Y,
	    size_t f, size_t fp, const als_tile *t, size_t n, float alpha,
	    unsigned steps, float *sc);
	int (*chol_row)(const float *YtY, const float *Y, size_t f, size_t fp,
	    const uint32_t *idx, const float *val, size_t nnz, float alpha,
	    float *x, float *U, float *b);
	unsigned (*rec_tile)(const float *X, const float *panel, size_t f,
	    const float *thr, float *out);
	void (*gram_block)(const float *Y, size_t n, size_t f, size_t fp,
	    float *G);
	void (*rotate)(const float *Q, float *X, size_t n, size_t f,
	    size_t fp, float *sc);
} als_kernels;

/* The AVX-512 kernels, else the AVX2+FMA ones, where the CPU has them and
 * als_portable_kernels / als_avx2_kernels do not forbid them, else the
 * portable ones. */
const als_kernels *als_kernels_pick(void);

/* n floats, zeroed, 64-byte aligned (free with free()); NULL when out of
 * memory. */
float *als_falloc(size_t n);

#endif
