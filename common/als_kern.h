/*
 * als_kern.h: the per-row solvers and the recommendation tile of the ALS
 * module, written once and compiled twice (included by als_kernels.c
 * only): with KSUF=avx2 under target("avx2,fma"), where KFMA is one fused
 * multiply-add instruction, and with KSUF=generic for any x86-64 or other
 * CPU, where KFMA is a multiply then an add.
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

	for (; k + 16 <= fp; k += 16) {
		s0 = KFMA(KCV(a + k), KCV(b + k), s0);
		s1 = KFMA(KCV(a + k + 8), KCV(b + k + 8), s1);
	}
	if (k < fp)
		s0 = KFMA(KCV(a + k), KCV(b + k), s0);
	s0 += s1;
	return ((s0[0] + s0[4]) + (s0[1] + s0[5])) +
	    ((s0[2] + s0[6]) + (s0[3] + s0[7]));
}

/* y += a*x */
static inline void
KF(axpy)(float a, const float *x, float *y, size_t fp)
{
	v8f va = {a, a, a, a, a, a, a, a};
	size_t k;

	for (k = 0; k < fp; k += 8)
		KV(y + k) = KFMA(va, KCV(x + k), KCV(y + k));
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
	size_t k;

	for (k = 0; k < fp; k += 8) {
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
	size_t i, j;

	for (i = 0; i + 4 <= nnz; i += 4) {
		const float *y[4];
		float d[4], coef[4];

		for (j = 0; j < 4; j++)
			y[j] = Y + (size_t)idx[i + j] * fp;
		for (j = i + 4; j < nnz && j < i + 8; j++)
			__builtin_prefetch(Y + (size_t)idx[j] * fp);
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
 * Conjugate gradient for one row, as implicit 0.7 does it: x (warm start,
 * updated in place) approaches the solution of
 *   (YtY + sum over entries of (c-1) y y') x = sum over entries with
 *   positive value of c y,
 * where YtY already holds reg on its diagonal.  r, p, ap are scratch.
 */
static void
KF(cg_row)(const float *YtY, const float *Y, size_t f, size_t fp,
    const uint32_t *idx, const float *val, size_t nnz, float alpha,
    unsigned steps, float *x, float *r, float *p, float *ap)
{
	float rsold, rsnew, a;
	size_t k;
	unsigned it;

	if (nnz == 0) {
		memset(x, 0, fp * sizeof *x);
		return;
	}
	/* r = b - A x, with A never formed. */
	KF(symv)(YtY, x, r, f, fp);
	for (k = 0; k < fp; k += 8)
		KV(r + k) = -KCV(r + k);
	KF(sparse_av)(Y, fp, idx, val, nnz, alpha, x, r, 1);
	memcpy(p, r, fp * sizeof *p);
	rsold = KF(dot)(r, r, fp);
	if (rsold < 1e-20f)
		return;
	for (it = 0; it < steps; it++) {
		KF(symv)(YtY, p, ap, f, fp);
		KF(sparse_av)(Y, fp, idx, val, nnz, alpha, p, ap, 0);
		a = rsold / KF(dot)(p, ap, fp);
		KF(axpy)(a, p, x, fp);
		KF(axpy)(-a, ap, r, fp);
		rsnew = KF(dot)(r, r, fp);
		if (rsnew < 1e-20f)
			break;
		a = rsnew / rsold;
		for (k = 0; k < fp; k += 8) {
			v8f s = {a, a, a, a, a, a, a, a};

			KV(p + k) = KFMA(s, KCV(p + k), KCV(r + k));
		}
		rsold = rsnew;
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
	v8f c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0};
	v8f c30 = {0}, c31 = {0}, c40 = {0}, c41 = {0}, c50 = {0}, c51 = {0};
	unsigned mask = 0, r;
	size_t k;

	for (k = 0; k < f; k++) {
		v8f p0 = KCV(panel + 16 * k), p1 = KCV(panel + 16 * k + 8);
		float s;
		v8f b;

#define KROW(r, a0, a1) \
		s = X[(r) * f + k]; \
		b = (v8f){s, s, s, s, s, s, s, s}; \
		a0 = KFMA(b, p0, a0); \
		a1 = KFMA(b, p1, a1);
		KROW(0, c00, c01)
		KROW(1, c10, c11)
		KROW(2, c20, c21)
		KROW(3, c30, c31)
		KROW(4, c40, c41)
		KROW(5, c50, c51)
#undef KROW
	}
	KV(out) = c00; KV(out + 8) = c01;
	KV(out + 16) = c10; KV(out + 24) = c11;
	KV(out + 32) = c20; KV(out + 40) = c21;
	KV(out + 48) = c30; KV(out + 56) = c31;
	KV(out + 64) = c40; KV(out + 72) = c41;
	KV(out + 80) = c50; KV(out + 88) = c51;
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
