/*
 * als-bench-helper: two small jobs for scripts/bench-als.sh, built by it
 * against obj/libcommon.a (not installed).
 *
 *   als-bench-helper import PREFIX MATRIX
 *       turns PREFIX.indptr.i32, PREFIX.indices.i32 and PREFIX.data.f32
 *       (int32/int32/float32 little-endian CSR, the anchor's format) into
 *       our matrix container; user and item ids are the row and column
 *       numbers.
 *   als-bench-helper sgemm M N K REPEAT
 *       times REPEAT single-threaded sgemm (M x K)(K x N) and prints
 *       "seconds gflops cpu_gflops" of the best one (wall time, then CPU
 *       time of the thread, which a loaded machine disturbs less): the
 *       machine anchor of the run.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rs_err.h"
#include "matrix.h"
#include "num.h"

static void *
slurp(const char *prefix, const char *suffix, size_t *len)
{
	char path[4096];
	FILE *fp;
	long n;
	void *buf;

	snprintf(path, sizeof path, "%s%s", prefix, suffix);
	if ((fp = fopen(path, "rb")) == NULL)
		rs_die(EX_NOINPUT, "%s: cannot open", path);
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0)
		rs_die(EX_IOERR, "%s: cannot seek", path);
	if ((buf = malloc((size_t)n + 1)) == NULL)
		rs_die(EX_SOFTWARE, "out of memory");
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		rs_die(EX_IOERR, "%s: short read", path);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static int
import(const char *prefix, const char *out)
{
	size_t lp, li, ld, i, maxcol = 0;
	int32_t *ip = slurp(prefix, ".indptr.i32", &lp);
	int32_t *ix = slurp(prefix, ".indices.i32", &li);
	float *dv = slurp(prefix, ".data.f32", &ld);
	rs_err e = {0};
	uint64_t *ptr, *rid, *cid;
	uint32_t *idx;
	csr m;

	memset(&m, 0, sizeof m);
	if (lp < 4 || lp % 4 || li % 4 || ld != li)
		rs_die(EX_DATAERR, "%s: sizes do not agree", prefix);
	m.rows = lp / 4 - 1;
	m.nnz = li / 4;
	for (i = 0; i < m.nnz; i++) {
		if (ix[i] < 0)
			rs_die(EX_DATAERR, "%s: negative column", prefix);
		if ((size_t)ix[i] + 1 > maxcol)
			maxcol = (size_t)ix[i] + 1;
	}
	m.cols = maxcol;
	ptr = malloc((m.rows + 1) * sizeof *ptr);
	rid = malloc(m.rows * sizeof *rid);
	cid = malloc(m.cols * sizeof *cid);
	idx = malloc(m.nnz * sizeof *idx);
	if (!ptr || !rid || !cid || !idx)
		rs_die(EX_SOFTWARE, "out of memory");
	for (i = 0; i <= m.rows; i++)
		ptr[i] = (uint64_t)ip[i];
	for (i = 0; i < m.rows; i++)
		rid[i] = i;
	for (i = 0; i < m.cols; i++)
		cid[i] = i;
	for (i = 0; i < m.nnz; i++)
		idx[i] = (uint32_t)ix[i];
	m.indptr = ptr;
	m.row_ids = rid;
	m.col_ids = cid;
	m.indices = idx;
	m.data = dv;
	if (matrix_save(&m, out, NULL, 0, &e) != 0)
		rs_die_err(&e);
	return 0;
}

static double
now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
sgemm(size_t m, size_t n, size_t k, unsigned repeat)
{
	float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
	float *c = malloc(m * n * sizeof *c);
	double best = 1e30, best_cpu = 1e30;
	size_t i;

	if (!a || !b || !c)
		rs_die(EX_SOFTWARE, "out of memory");
	for (i = 0; i < m * k; i++)
		a[i] = (float)(i % 7) * 0.01f;
	for (i = 0; i < k * n; i++)
		b[i] = (float)(i % 5) * 0.01f;
	openblas_set_num_threads(1);
	while (repeat-- > 0) {
		double t = now_s(CLOCK_MONOTONIC);
		double u = now_s(CLOCK_THREAD_CPUTIME_ID);

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m,
		    (int)n, (int)k, 1.0f, a, (int)k, b, (int)k, 0.0f, c,
		    (int)n);
		t = now_s(CLOCK_MONOTONIC) - t;
		u = now_s(CLOCK_THREAD_CPUTIME_ID) - u;
		if (t < best)
			best = t;
		if (u < best_cpu)
			best_cpu = u;
	}
	printf("%.4f %.1f %.1f\n", best, 2.0 * m * n * k / best / 1e9,
	    2.0 * m * n * k / best_cpu / 1e9);
	free(a);
	free(b);
	free(c);
	return 0;
}

static size_t
arg_size(const char *s)
{
	uint64_t v;

	if (num_u64_range(s, 1, 1u << 30, &v) != NULL)
		rs_die(EX_USAGE, "bad number \"%s\"", s);
	return (size_t)v;
}

int
main(int argc, char **argv)
{
	rs_setprog(argv[0]);
	if (argc == 4 && strcmp(argv[1], "import") == 0)
		return import(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "sgemm") == 0)
		return sgemm(arg_size(argv[2]), arg_size(argv[3]),
		    arg_size(argv[4]), (unsigned)arg_size(argv[5]));
	fprintf(stderr, "usage: als-bench-helper import PREFIX MATRIX\n"
	    "       als-bench-helper sgemm M N K REPEAT\n");
	return EX_USAGE;
}
