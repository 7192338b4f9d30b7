/*
 * als_kern.h: the per-row and per-tile solvers, the Gram matrix of a block
 * of rows and the recommendation tile of the ALS module, written once and
 * compiled three times (included by als_kernels.c only): with KSUF=avx2
 * under target("avx2,fma"), where KFMA is one fused multiply-add
 * instruction; with KSUF=avx512 the same plus KWIDE, which gives the
 * micro-tiles of symv_tile and gram_block 16-wide vectors (KFMA16) with
 * the same chain per element, so the same bits as avx2; and with
 * KSUF=generic for any x86-64 or other CPU, where KFMA is a multiply then
 * an add.
 *
 * Vectors have length fp, a multiple of 8, are 32-byte aligned and hold
 * zeros past the f real factors; fp x fp matrices are row-major with zero
 * padding.  Every reduction runs in a fixed order, so a row's result does
 * not depend on which thread computes it.
 */

#define KCAT2(a, b) a##_##b
#define KCAT(a, b) KCAT2(a, b)
#define KF(name) KCAT(name, KSUF)
#define KV(p) (*(v8f *)(void *)(p))
#define KCV(p) (*(const v8f *)(const void *)(p))

static inline float
KF(dot)(const float *a, const float *b, size_t fp)
{
	v8f s0 = {0}, s1 = {0};
	size_t k = 0;

#ifdef KWIDE
	/* s0 and s1 side by side in one 16-wide vector: lanes 0-7 are s0's
	 * chain, lanes 8-15 s1's, the same operations in the same order. */
	v16f w = {0};

	for (; k + 16 <= fp; k += 16)
		w = KFMA16((v16f)_mm512_loadu_ps(a + k),
		    (v16f)_mm512_loadu_ps(b + k), w);
	s0 = (v8f)_mm512_castps512_ps256((__m512)w);
	s1 = (v8f)_mm256_castpd_ps(_mm512_extractf64x4_pd(
	    _mm512_castps_pd((__m512)w), 1));
#else
	for (; k + 16 <= fp; k += 16) {
		s0 = KFMA(KCV(a + k), KCV(b + k), s0);
		s1 = KFMA(KCV(a + k + 8), KCV(b + k + 8), s1);
	}
#endif
	if (k < fp)
		s0 = KFMA(KCV(a + k), KCV(b + k), s0);
	s0 += s1;
	return ((s0[0] + s0[4]) + (s0[1] + s0[5])) +
	    ((s0[2] + s0[6]) + (s0[3] + s0[7]));
}

/* y = s*m + c, element by element (fused; fp a multiple of 8), so 16 at
 * a time where KWIDE gives the same bits; y may be m or c. */
static inline void
KF(fmav)(float s, const float *m, const float *c, float *y, size_t fp)
{
	v8f vs = {s, s, s, s, s, s, s, s};
	size_t k = 0;

#ifdef KWIDE
	v16f ws = (v16f)_mm512_set1_ps(s);

	for (; k + 16 <= fp; k += 16)
		_mm512_storeu_ps(y + k, (__m512)KFMA16(ws,
		    (v16f)_mm512_loadu_ps(m + k), (v16f)_mm512_loadu_ps(c + k)));
#endif
	for (; k < fp; k += 8)
		KV(y + k) = KFMA(vs, KCV(m + k), KCV(c + k));
}

/* y += a*x */
static inline void
KF(axpy)(float a, const float *x, float *y, size_t fp)
{
	KF(fmav)(a, x, y, y, fp);
}

/*
 * Columns j0 .. j0+8nb-1 of y = A x, nb <= 8 vectors held in named
 * accumulators: called with a constant nb, so the tests on nb fold away
 * and the accumulators stay in registers (an array of them would not).
 */
static inline __attribute__((always_inline)) void
KF(symv_cols)(const float *A, const float *x, float *y, size_t f, size_t fp,
    size_t j0, size_t nb)
{
	v8f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
	v8f a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
	size_t k;

	for (k = 0; k < f; k++) {
		const float *r = A + k * fp + j0;
		float s = x[k];
		v8f b = {s, s, s, s, s, s, s, s};

		a0 = KFMA(b, KCV(r), a0);
		if (nb > 1) a1 = KFMA(b, KCV(r + 8), a1);
		if (nb > 2) a2 = KFMA(b, KCV(r + 16), a2);
		if (nb > 3) a3 = KFMA(b, KCV(r + 24), a3);
		if (nb > 4) a4 = KFMA(b, KCV(r + 32), a4);
		if (nb > 5) a5 = KFMA(b, KCV(r + 40), a5);
		if (nb > 6) a6 = KFMA(b, KCV(r + 48), a6);
		if (nb > 7) a7 = KFMA(b, KCV(r + 56), a7);
	}
	KV(y + j0) = a0;
	if (nb > 1) KV(y + j0 + 8) = a1;
	if (nb > 2) KV(y + j0 + 16) = a2;
	if (nb > 3) KV(y + j0 + 24) = a3;
	if (nb > 4) KV(y + j0 + 32) = a4;
	if (nb > 5) KV(y + j0 + 40) = a5;
	if (nb > 6) KV(y + j0 + 48) = a6;
	if (nb > 7) KV(y + j0 + 56) = a7;
}

/*
 * y = A x for a symmetric A: y is the sum of x[k] times row k, up to
 * eight vectors of y held in registers per pass, so no horizontal sums.
 */
static inline void
KF(symv)(const float *A, const float *x, float *y, size_t f, size_t fp)
{
	size_t j0;

	for (j0 = 0; j0 < fp; j0 += 64) {
		switch ((fp - j0) / 8 < 8 ? (fp - j0) / 8 : 8) {
		case 8: KF(symv_cols)(A, x, y, f, fp, j0, 8); break;
		case 7: KF(symv_cols)(A, x, y, f, fp, j0, 7); break;
		case 6: KF(symv_cols)(A, x, y, f, fp, j0, 6); break;
		case 5: KF(symv_cols)(A, x, y, f, fp, j0, 5); break;
		case 4: KF(symv_cols)(A, x, y, f, fp, j0, 4); break;
		case 3: KF(symv_cols)(A, x, y, f, fp, j0, 3); break;
		case 2: KF(symv_cols)(A, x, y, f, fp, j0, 2); break;
		default: KF(symv_cols)(A, x, y, f, fp, j0, 1); break;
		}
	}
}

/*
 * d[j] = y_j . v for four rows at once: four independent chains keep the
 * FMA units busy where one dot would wait on its own latency.
 */
static inline void
KF(dot4)(const float *const y[4], const float *v, size_t fp, float d[4])
{
	v8f s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
	size_t k, j;

	for (k = 0; k < fp; k += 8) {
		v8f b = KCV(v + k);

		s0 = KFMA(KCV(y[0] + k), b, s0);
		s1 = KFMA(KCV(y[1] + k), b, s1);
		s2 = KFMA(KCV(y[2] + k), b, s2);
		s3 = KFMA(KCV(y[3] + k), b, s3);
	}
	{
		v8f s[4] = {s0, s1, s2, s3};

		for (j = 0; j < 4; j++)
			d[j] = ((s[j][0] + s[j][4]) + (s[j][1] + s[j][5])) +
			    ((s[j][2] + s[j][6]) + (s[j][3] + s[j][7]));
	}
}

/* v += a[0] y_0 + a[1] y_1 + a[2] y_2 + a[3] y_3, in that order. */
static inline void
KF(axpy4)(const float a[4], const float *const y[4], float *v, size_t fp)
{
	v8f a0 = {a[0], a[0], a[0], a[0], a[0], a[0], a[0], a[0]};
	v8f a1 = {a[1], a[1], a[1], a[1], a[1], a[1], a[1], a[1]};
	v8f a2 = {a[2], a[2], a[2], a[2], a[2], a[2], a[2], a[2]};
	v8f a3 = {a[3], a[3], a[3], a[3], a[3], a[3], a[3], a[3]};
	size_t k = 0;

#ifdef KWIDE
	v16f w0 = (v16f)_mm512_set1_ps(a[0]), w1 = (v16f)_mm512_set1_ps(a[1]);
	v16f w2 = (v16f)_mm512_set1_ps(a[2]), w3 = (v16f)_mm512_set1_ps(a[3]);

	for (; k + 16 <= fp; k += 16) {
		v16f t = (v16f)_mm512_loadu_ps(v + k);

		t = KFMA16(w0, (v16f)_mm512_loadu_ps(y[0] + k), t);
		t = KFMA16(w1, (v16f)_mm512_loadu_ps(y[1] + k), t);
		t = KFMA16(w2, (v16f)_mm512_loadu_ps(y[2] + k), t);
		t = KFMA16(w3, (v16f)_mm512_loadu_ps(y[3] + k), t);
		_mm512_storeu_ps(v + k, (__m512)t);
	}
#endif
	for (; k < fp; k += 8) {
		v8f t = KCV(v + k);

		t = KFMA(a0, KCV(y[0] + k), t);
		t = KFMA(a1, KCV(y[1] + k), t);
		t = KFMA(a2, KCV(y[2] + k), t);
		t = KFMA(a3, KCV(y[3] + k), t);
		KV(v + k) = t;
	}
}

/* y . v with one accumulator chain: dot4's order for a single row. */
static inline float
KF(dot1)(const float *y, const float *v, size_t fp)
{
	v8f s0 = {0};
	size_t k;

	for (k = 0; k < fp; k += 8)
		s0 = KFMA(KCV(y + k), KCV(v + k), s0);
	return ((s0[0] + s0[4]) + (s0[1] + s0[5])) +
	    ((s0[2] + s0[6]) + (s0[3] + s0[7]));
}

/* The coefficient of an entry's row in sparse_av (see there). */
static inline float
KF(sparse_coef)(float c, float d, int resid)
{
	if (resid && c > 0)
		return c - (c - 1) * d;
	c = c < 0 ? -c : c;
	return (resid ? -(c - 1) : (c - 1)) * d;
}

/*
 * The sparse part of A v for one row, added to out: for each entry
 * (c-1) (y.v) y, or with resid set the residual's b - (A - YtY) v terms:
 * c - (c-1) (y.v) for a positive value, -(c-1) (y.v) otherwise, where
 * c = |alpha*value|.  Entries go four at a time (dot4, axpy4), the rest
 * one by one.
 */
static inline void
KF(sparse_av)(const float *Y, size_t fp, const uint32_t *idx,
    const float *val, size_t nnz, float alpha, const float *v, float *out,
    int resid)
{
	size_t i, j, k;

	for (i = 0; i + 4 <= nnz; i += 4) {
		const float *y[4];
		float d[4], coef[4];

		for (j = 0; j < 4; j++)
			y[j] = Y + (size_t)idx[i + j] * fp;
		for (j = i + 4; j < nnz && j < i + 8; j++) {
			const float *n = Y + (size_t)idx[j] * fp;

			for (k = 0; k < fp; k += 16)
				__builtin_prefetch(n + k);
			__builtin_prefetch(n + fp - 1);
		}
		KF(dot4)(y, v, fp, d);
		for (j = 0; j < 4; j++)
			coef[j] = KF(sparse_coef)(alpha * val[i + j], d[j],
			    resid);
		KF(axpy4)(coef, y, out, fp);
	}
	/* The last one to three entries one by one, in the same order of
	 * operations as above (one chain per dot, axpys in entry order). */
	for (; i < nnz; i++) {
		const float *y = Y + (size_t)idx[i] * fp;

		KF(axpy)(KF(sparse_coef)(alpha * val[i], KF(dot1)(y, v, fp),
		    resid), y, out, fp);
	}
}

/*
 * The micro-tiles of symv_tile, gram_block and rec_tile: for rows r < 6
 * and columns j < 8, 16 or 48, out[r][j] = the sum over k = 0, 1, ... n-1,
 * in that order, of x[r][k ldx] * B[k ldb + j] (fused), in accumulators
 * held in registers.  With acc set the chain starts from out[r][j]
 * instead of 0: a chain cut in pieces (gram_block's rows in chunks) is
 * the chain done at once.  Two rows of out may be the same row when
 * their x are the same: both store the same values.
 */
/* M(row, its accumulator) for six rows whose accumulators are c0..c5 */
#ifndef KSIX
#define KSIX(M) M(0, c0) M(1, c1) M(2, c2) M(3, c3) M(4, c4) M(5, c5)
#endif
static inline __attribute__((always_inline)) void
KF(tile6x8)(const float *const x[6], size_t ldx, const float *B, size_t ldb,
    size_t n, float *const out[6], int acc)
{
	v8f c0 = {0}, c1 = {0}, c2 = {0}, c3 = {0}, c4 = {0}, c5 = {0};
	size_t k;

	if (acc) {
		c0 = KCV(out[0]); c1 = KCV(out[1]); c2 = KCV(out[2]);
		c3 = KCV(out[3]); c4 = KCV(out[4]); c5 = KCV(out[5]);
	}
	for (k = 0; k < n; k++) {
		v8f a0 = KCV(B + ldb * k);
		float s;

#define KROW(r, c) \
		s = x[r][k * ldx]; \
		c = KFMA(((v8f){s, s, s, s, s, s, s, s}), a0, c);
		KSIX(KROW)
#undef KROW
	}
#define KOUT(r, c) KV(out[r]) = c;
	KSIX(KOUT)
#undef KOUT
}

static inline __attribute__((always_inline)) void
KF(tile6x16)(const float *const x[6], size_t ldx, const float *B, size_t ldb,
    size_t n, float *const out[6], int acc)
{
	v8f c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0};
	v8f c30 = {0}, c31 = {0}, c40 = {0}, c41 = {0}, c50 = {0}, c51 = {0};
	size_t k;

/* M(row, its two accumulators) for the six rows */
#define KROWS16(M) M(0, c00, c01) M(1, c10, c11) M(2, c20, c21) \
	M(3, c30, c31) M(4, c40, c41) M(5, c50, c51)
#define KIN(r, a0, a1) a0 = KCV(out[r]); a1 = KCV(out[r] + 8);
	if (acc) {
		KROWS16(KIN)
	}
#undef KIN
	for (k = 0; k < n; k++) {
		v8f p0 = KCV(B + ldb * k), p1 = KCV(B + ldb * k + 8);
		float s;
		v8f b;

#define KROW(r, a0, a1) \
		s = x[r][k * ldx]; \
		b = (v8f){s, s, s, s, s, s, s, s}; \
		a0 = KFMA(b, p0, a0); \
		a1 = KFMA(b, p1, a1);
		KROWS16(KROW)
#undef KROW
	}
#define KOUT(r, a0, a1) KV(out[r]) = a0; KV(out[r] + 8) = a1;
	KROWS16(KOUT)
#undef KOUT
#undef KROWS16
}

#ifdef KWIDE
/* tile6x16 on 48 columns in 16-wide vectors (AVX-512): out[r][j] the same
 * chain over k; rows of B and out need not be 64-byte aligned. */
static inline __attribute__((always_inline)) void
KF(tile6x48)(const float *const x[6], size_t ldx, const float *B, size_t ldb,
    size_t n, float *const out[6], int acc)
{
	v16f c00 = {0}, c01 = {0}, c02 = {0}, c10 = {0}, c11 = {0}, c12 = {0};
	v16f c20 = {0}, c21 = {0}, c22 = {0}, c30 = {0}, c31 = {0}, c32 = {0};
	v16f c40 = {0}, c41 = {0}, c42 = {0}, c50 = {0}, c51 = {0}, c52 = {0};
	size_t k;

/* M(row, its three accumulators) for the six rows */
#define KROWS48(M) M(0, c00, c01, c02) M(1, c10, c11, c12) \
	M(2, c20, c21, c22) M(3, c30, c31, c32) M(4, c40, c41, c42) \
	M(5, c50, c51, c52)
#define KIN(r, a0, a1, a2) \
	a0 = (v16f)_mm512_loadu_ps(out[r]); \
	a1 = (v16f)_mm512_loadu_ps(out[r] + 16); \
	a2 = (v16f)_mm512_loadu_ps(out[r] + 32);
	if (acc) {
		KROWS48(KIN)
	}
#undef KIN
	for (k = 0; k < n; k++) {
		v16f p0 = (v16f)_mm512_loadu_ps(B + ldb * k);
		v16f p1 = (v16f)_mm512_loadu_ps(B + ldb * k + 16);
		v16f p2 = (v16f)_mm512_loadu_ps(B + ldb * k + 32);
		v16f b;

#define KROW(r, a0, a1, a2) \
		b = (v16f)_mm512_set1_ps(x[r][k * ldx]); \
		a0 = KFMA16(b, p0, a0); \
		a1 = KFMA16(b, p1, a1); \
		a2 = KFMA16(b, p2, a2);
		KROWS48(KROW)
#undef KROW
	}
#define KOUT(r, a0, a1, a2) \
	_mm512_storeu_ps(out[r], (__m512)a0); \
	_mm512_storeu_ps(out[r] + 16, (__m512)a1); \
	_mm512_storeu_ps(out[r] + 32, (__m512)a2);
	KROWS48(KOUT)
#undef KOUT
#undef KROWS48
}
#endif

/*
 * Columns [j0, j1) (multiples of 8) of six rows of out, each element the
 * micro-tiles' chain over k, in the widest micro-tiles that fit (48
 * columns where KWIDE, else 16, then 8): the tiling changes the speed,
 * never the bits.
 */
static inline __attribute__((always_inline)) void
KF(tile6)(const float *const x[6], size_t ldx, const float *B, size_t ldb,
    size_t n, float *const out[6], int acc, size_t j0, size_t j1)
{
	float *o[6];
	size_t w;
	unsigned r;

	for (; j0 < j1; j0 += w) {
		for (r = 0; r < 6; r++)
			o[r] = out[r] + j0;
#ifdef KWIDE
		if (j0 + 48 <= j1) {
			KF(tile6x48)(x, ldx, B + j0, ldb, n, o, acc);
			w = 48;
			continue;
		}
#endif
		if (j0 + 16 <= j1) {
			KF(tile6x16)(x, ldx, B + j0, ldb, n, o, acc);
			w = 16;
		} else {
			KF(tile6x8)(x, ldx, B + j0, ldb, n, o, acc);
			w = 8;
		}
	}
}

/*
 * y_b = A' x_b for the ALS_TILE vectors of a tile (A x_b for the symmetric
 * YtY; rotate uses it with a basis change Q, which is not): every element
 * is the chain of symv_cols (x_b[k] times row k of A, k = 0 .. f-1,
 * fused), so the result is symv's, bit for bit, with A's columns loaded
 * once for six vectors instead of once each.
 */
static inline void
KF(symv_tile)(const float *A, const float *const xv[ALS_TILE],
    float *const yv[ALS_TILE], size_t f, size_t fp)
{
	KF(tile6)(xv, 1, A, fp, f, yv, 0, 0, fp);
}

/*
 * y_b = G v_b for the tile's six vectors: symv_tile with G = YtY, or,
 * with lam (the eigenvalues of G, in the basis of its eigenvectors, zero
 * past f), the diagonal product lam * v_b, element by element.
 */
static inline void
KF(gmul)(const float *YtY, const float *lam, const float *const xv[ALS_TILE],
    float *const yv[ALS_TILE], size_t f, size_t fp)
{
	unsigned b;
	size_t k;

	if (lam == NULL) {
		KF(symv_tile)(YtY, xv, yv, f, fp);
		return;
	}
	for (b = 0; b < ALS_TILE; b++)
		for (k = 0; k < fp; k += 8)
			KV(yv[b] + k) = KCV(lam + k) * KCV(xv[b] + k);
}

/*
 * The n rows of X (fp floats each, zero past f) times Q (fp x fp, zero
 * past f), in place: row x becomes x Q, each element the chain of
 * symv_tile.  sc: ALS_TILE vectors of scratch.
 */
static void
KF(rotate)(const float *Q, float *X, size_t n, size_t f, size_t fp, float *sc)
{
	const float *xv[ALS_TILE];
	float *yv[ALS_TILE];
	size_t i, m;
	unsigned b;

	for (i = 0; i < n; i += m) {
		m = n - i < ALS_TILE ? n - i : ALS_TILE;
		/* A short tile repeats its last row into its last slot. */
		for (b = 0; b < ALS_TILE; b++) {
			unsigned s = b < m ? b : (unsigned)m - 1;

			xv[b] = X + (i + s) * fp;
			yv[b] = sc + s * fp;
		}
		KF(symv_tile)(Q, xv, yv, f, fp);
		memcpy(X + i * fp, sc, m * fp * sizeof *X);
	}
}

/* Rows of Y per pass of gram_block: about 24 KB of them, which stay in
 * the level-1 cache while every micro-tile goes over them. */
#define KGRAM_BYTES 24576

/*
 * G = Y'Y for the n rows of Y (fp floats each, zero past f), the upper
 * triangle: G[i][j] for i <= j < fp, i < f, is the sum over the rows
 * k = 0, 1, ... n-1, in that order, of Y[k][i] * Y[k][j] (fused), whatever
 * the build's tiling (so zero for j >= f); the rows from f are zero; left
 * of the diagonal's group of 8 a row holds zeros or values never to be
 * read.  Six rows of G at a time, the columns from the group of 8 of their
 * diagonal, over the rows of Y in chunks that stay in cache.
 */
static void
KF(gram_block)(const float *Y, size_t n, size_t f, size_t fp, float *G)
{
	size_t kc = KGRAM_BYTES / (fp * sizeof *Y), k0, i0, m;
	const float *x[6];
	float *o[6];
	unsigned r;

	if (kc < 8)
		kc = 8;
	memset(G, 0, fp * fp * sizeof *G);
	for (k0 = 0; k0 < n; k0 += m) {
		const float *Yk = Y + k0 * fp;

		m = n - k0 < kc ? n - k0 : kc;
		for (i0 = 0; i0 < f; i0 += 6) {
			/* A row past f repeats row i0 (same values, same
			 * place): no read past Y's row, no padding row. */
			for (r = 0; r < 6; r++) {
				size_t i = i0 + r < f ? i0 + r : i0;

				x[r] = Yk + i;
				o[r] = G + i * fp;
			}
			KF(tile6)(x, fp, Yk, fp, m, o, 1, i0 & ~(size_t)7, fp);
		}
	}
}

/* d[j] = y_j . v_j for four (row, vector) pairs: dot4 with a vector per
 * row, each dot in dot1's order. */
static inline void
KF(dot4v)(const float *const y[4], const float *const v[4], size_t fp,
    float d[4])
{
	v8f s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
	size_t k, j;

	for (k = 0; k < fp; k += 8) {
		s0 = KFMA(KCV(y[0] + k), KCV(v[0] + k), s0);
		s1 = KFMA(KCV(y[1] + k), KCV(v[1] + k), s1);
		s2 = KFMA(KCV(y[2] + k), KCV(v[2] + k), s2);
		s3 = KFMA(KCV(y[3] + k), KCV(v[3] + k), s3);
	}
	{
		v8f s[4] = {s0, s1, s2, s3};

		for (j = 0; j < 4; j++)
			d[j] = ((s[j][0] + s[j][4]) + (s[j][1] + s[j][5])) +
			    ((s[j][2] + s[j][6]) + (s[j][3] + s[j][7]));
	}
}

/*
 * sparse_av for the live rows of a tile (bit b of live: row b), vectors
 * v[b] into out[b]: each row's groups of four entries as sparse_av does
 * them, then the one to three entries left of every row: their dots four
 * at a time across the rows (dot4v: independent chains where a row of one
 * entry would wait on its own), and their axpys row by row in entry
 * order.  Each out[b] gets sparse_av's operations in sparse_av's order.
 */
static inline void
KF(sparse_tile)(const als_tile *t, const float *Y, size_t fp, float alpha,
    unsigned live, const float *const v[ALS_TILE], float *const out[ALS_TILE],
    int resid)
{
	const float *ly[3 * ALS_TILE + 3], *lv[3 * ALS_TILE + 3];
	float lval[3 * ALS_TILE], d[3 * ALS_TILE + 3];
	unsigned lrow[3 * ALS_TILE], b;
	size_t nl = 0, i, full;

	for (b = 0; b < ALS_TILE; b++) {
		if (!(live >> b & 1))
			continue;
		full = t->nnz[b] & ~(size_t)3;
		KF(sparse_av)(Y, fp, t->idx[b], t->val[b], full, alpha, v[b],
		    out[b], resid);
		for (i = full; i < t->nnz[b]; i++) {
			ly[nl] = Y + (size_t)t->idx[b][i] * fp;
			lv[nl] = v[b];
			lval[nl] = t->val[b][i];
			lrow[nl++] = b;
		}
	}
	for (i = 0; i + 4 <= nl; i += 4)
		KF(dot4v)(ly + i, lv + i, fp, d + i);
	for (; i < nl; i++)
		d[i] = KF(dot1)(ly[i], lv[i], fp);
	for (i = 0; i < nl; i++)
		KF(axpy)(KF(sparse_coef)(alpha * lval[i], d[i], resid), ly[i],
		    out[lrow[i]], fp);
}

/*
 * Conjugate gradient, as implicit 0.7 does it, for the n <= ALS_TILE rows of
 * a tile in lockstep: each x (warm start, updated in place) approaches the
 * solution of
 *   (YtY + sum over entries of (c-1) y y') x = sum over entries with
 *   positive value of c y,
 * where YtY already holds reg on its diagonal; or, with lam, the same in
 * the basis of YtY's eigenvectors, where YtY is the diagonal lam (the
 * caller has turned x and the other side's rows into that basis: see
 * als_fit.c).  Every row goes through
 * exactly the operations, in the order, that it would alone (a row of
 * no entries gets x = 0, a row stops when its residual vanishes: it
 * leaves the live set), so each row's result does not depend on its
 * tile-mates.  sc: 3 ALS_TILE + 1 vectors of scratch.
 */
static void
KF(cg_tile)(const float *YtY, const float *lam, const float *Y, size_t f,
    size_t fp, const als_tile *t, size_t n, float alpha, unsigned steps,
    float *sc)
{
	const float *in[ALS_TILE];
	float *r[ALS_TILE], *p[ALS_TILE], *ap[ALS_TILE], *zero = sc + 3 * ALS_TILE * fp;
	float rsold[ALS_TILE], rsnew, a;
	unsigned live = 0, b, it;
	size_t k;

	memset(zero, 0, fp * sizeof *zero);
	for (b = 0; b < ALS_TILE; b++) {
		r[b] = sc + b * fp;
		p[b] = sc + (ALS_TILE + b) * fp;
		ap[b] = sc + (2 * ALS_TILE + b) * fp;
		if (b < n && t->nnz[b] == 0)
			memset(t->x[b], 0, fp * sizeof *t->x[b]);
		else if (b < n)
			live |= 1u << b;
		in[b] = live >> b & 1 ? t->x[b] : zero;
	}
	if (live == 0)
		return;
	/* r = b - A x, with A never formed. */
	KF(gmul)(YtY, lam, in, r, f, fp);
	for (b = 0; b < ALS_TILE; b++)
		if (live >> b & 1)
			for (k = 0; k < fp; k += 8)
				KV(r[b] + k) = -KCV(r[b] + k);
	KF(sparse_tile)(t, Y, fp, alpha, live, in, r, 1);
	for (b = 0; b < ALS_TILE; b++) {
		if (!(live >> b & 1))
			continue;
		memcpy(p[b], r[b], fp * sizeof *p[b]);
		rsold[b] = KF(dot)(r[b], r[b], fp);
		if (rsold[b] < 1e-20f)
			live &= ~(1u << b);
	}
	for (it = 0; it < steps && live != 0; it++) {
		for (b = 0; b < ALS_TILE; b++)
			in[b] = live >> b & 1 ? p[b] : zero;
		KF(gmul)(YtY, lam, in, ap, f, fp);
		KF(sparse_tile)(t, Y, fp, alpha, live, in, ap, 0);
		for (b = 0; b < ALS_TILE; b++) {
			if (!(live >> b & 1))
				continue;
			a = rsold[b] / KF(dot)(p[b], ap[b], fp);
			KF(axpy)(a, p[b], t->x[b], fp);
			KF(axpy)(-a, ap[b], r[b], fp);
			rsnew = KF(dot)(r[b], r[b], fp);
			if (rsnew < 1e-20f) {
				live &= ~(1u << b);
				continue;
			}
			KF(fmav)(rsnew / rsold[b], p[b], r[b], p[b], fp);
			rsold[b] = rsnew;
		}
	}
}

/*
 * The exact solve for one row: builds A = YtY + sum (c-1) y y' (upper
 * triangle, in the fp x fp scratch U) and b, factors A = U'U in place
 * (right-looking, so every update is an axpy along a row) and solves.
 * Returns -1 when A is not positive definite.  x and b have length fp.
 */
static int
KF(chol_row)(const float *YtY, const float *Y, size_t f, size_t fp,
    const uint32_t *idx, const float *val, size_t nnz, float alpha,
    float *x, float *U, float *b)
{
	size_t i, j, k;

	if (nnz == 0) {
		memset(x, 0, fp * sizeof *x);
		return 0;
	}
	memcpy(U, YtY, fp * fp * sizeof *U);
	memset(b, 0, fp * sizeof *b);
	for (i = 0; i < nnz; i++) {
		const float *y = Y + (size_t)idx[i] * fp;
		float c = alpha * val[i];

		if (c > 0)
			KF(axpy)(c, y, b, fp);
		else
			c = -c;
		/* Row j from its aligned start: the columns before j land in
		 * the lower triangle, which is never read. */
		for (j = 0; j < f; j++) {
			size_t s = j & ~(size_t)7;

			KF(axpy)((c - 1) * y[j], y + s, U + j * fp + s,
			    fp - s);
		}
	}
	for (k = 0; k < f; k++) {
		float *uk = U + k * fp;
		float d = uk[k];

		if (!(d > 0))
			return -1;
		d = sqrtf(d);
		uk[k] = d;
		for (j = k + 1; j < f; j++)
			uk[j] /= d;
		for (i = k + 1; i < f; i++) {
			size_t s = i & ~(size_t)7;

			KF(axpy)(-uk[i], uk + s, U + i * fp + s, fp - s);
		}
	}
	/* U'z = b (z overwrites b), then U x = z. */
	for (k = 0; k < f; k++) {
		const float *uk = U + k * fp;

		b[k] /= uk[k];
		for (j = k + 1; j < f; j++)
			b[j] -= b[k] * uk[j];
	}
	for (k = f; k-- > 0;) {
		const float *uk = U + k * fp;
		float s = b[k];

		for (j = k + 1; j < f; j++)
			s -= uk[j] * x[j];
		x[k] = s / uk[k];
	}
	for (k = f; k < fp; k++)
		x[k] = 0;
	return 0;
}

/*
 * Recommendation micro-tile: the scores of 6 users (rows of X, stride f)
 * against one panel of 16 items (panel[k*16 + j] is factor k of item j),
 * out[r*16 + j] = the sum over k = 0, 1, ... f-1, in that order, of
 * X[r][k]*panel[k][j].  Every score is the same chain of operations
 * wherever its item sits, so equal factors give exactly equal scores and
 * ties are real.  Returns a mask with bit r set when some score of user r
 * is at least thr[r].
 */
static unsigned
KF(rec_tile)(const float *X, const float *panel, size_t f, const float *thr,
    float *out)
{
	const float *x[6] = {X, X + f, X + 2 * f, X + 3 * f, X + 4 * f,
	    X + 5 * f};
	float *o[6] = {out, out + 16, out + 32, out + 48, out + 64, out + 80};
	unsigned mask = 0, r;

#ifdef KWIDE
	/* A row's 16 scores in one 16-wide vector: half the multiply-adds
	 * of two 8-wide ones, the same chain per score. */
	v16f c0 = {0}, c1 = {0}, c2 = {0}, c3 = {0}, c4 = {0}, c5 = {0};
	size_t k;

	for (k = 0; k < f; k++) {
		v16f pk = (v16f)_mm512_loadu_ps(panel + 16 * k);

#define KROW(r, c) \
		c = KFMA16((v16f)_mm512_set1_ps(x[r][k]), pk, c);
		KSIX(KROW)
#undef KROW
	}
#define KOUT(r, c) \
	_mm512_storeu_ps(o[r], (__m512)c); \
	mask |= (unsigned)(_mm512_cmp_ps_mask((__m512)c, \
	    _mm512_set1_ps(thr[r]), _CMP_GE_OQ) != 0) << r;
	KSIX(KOUT)
#undef KOUT
	return mask;
#endif
	KF(tile6x16)(x, 1, panel, 16, f, o, 0);
	for (r = 0; r < 6; r++) {
		v8f t = {thr[r], thr[r], thr[r], thr[r], thr[r], thr[r],
		    thr[r], thr[r]};

		if (KANYGE(KCV(out + 16 * r), t) || KANYGE(KCV(out + 16 * r + 8),
		    t))
			mask |= 1u << r;
	}
	return mask;
}

#undef KF
#undef KCAT
#undef KCAT2
#undef KV
#undef KCV
