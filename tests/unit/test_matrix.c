/* test_matrix.c: the matrix container: save/load round trip and every
 * structural corruption the loader must refuse. */
#include <math.h>
#include <stdint.h>

#include "matrix.h"
#include "t.h"
#include "tutil.h"

/* The reference 3 x 4 matrix:
 *   user 10: item 100 = 0.25, item 300 = 1.0
 *   user 20: (empty row)
 *   user 35: item 200 = 0.75, item 300 = 0.25, item 400 = 2.0 */
static uint64_t rows[3] = {10, 20, 35};
static uint64_t cols[4] = {100, 200, 300, 400};
static uint64_t indptr[4] = {0, 2, 2, 5};
static uint32_t indices[5] = {0, 2, 1, 2, 3};
static float data[5] = {0.25f, 1.0f, 0.75f, 0.25f, 2.0f};

static csr
ref(void)
{
	csr m;

	memset(&m, 0, sizeof m);
	m.rows = 3;
	m.cols = 4;
	m.nnz = 5;
	m.row_ids = rows;
	m.col_ids = cols;
	m.indptr = indptr;
	m.indices = indices;
	m.data = data;
	return m;
}

/* Saves m under name and loads it back; returns matrix_load's status. */
static int
save_load(csr *m, const char *name, rs_err *e)
{
	csr back;
	int rc;

	CHECK(matrix_save(m, t_path(name), NULL, 0, e) == 0);
	memset(e, 0, sizeof *e);
	rc = matrix_load(&back, t_path(name), e);
	if (rc == 0)
		matrix_close(&back);
	else
		CHECK(back.file.base == NULL && back.indptr == NULL);
	return rc;
}

/* The message after "path: ". */
static const char *
why(const rs_err *e, const char *name)
{
	const char *p = t_path(name);
	size_t n = strlen(p);

	return strncmp(e->msg, p, n) == 0 && e->msg[n] == ':' ?
	    e->msg + n + 2 : e->msg;
}

/* Writes a "matrix" container by hand: params as given, the five
 * sections with the given sizes in bytes (data taken from the
 * reference arrays, which are long enough). */
static int
forge(const char *name, const char *params, size_t ub, size_t ib, size_t pb,
    size_t xb, size_t db, const char *kind, rs_err *e)
{
	static unsigned char big[4096];
	container_writer *w = container_writer_new(kind, MATRIX_VERSION);
	char buf[256], *tok, *save = NULL;
	csr back;
	int rc;

	snprintf(buf, sizeof buf, "%s", params);
	for (tok = strtok_r(buf, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		*eq = '\0';
		container_writer_param(w, tok, "%s", eq + 1);
	}
	memcpy(big, indptr, sizeof indptr);   /* a valid indptr prefix */
	container_writer_section(w, "user_ids", big, ub);
	container_writer_section(w, "item_ids", big, ib);
	container_writer_section(w, "indptr", big, pb);
	container_writer_section(w, "indices", big, xb);
	container_writer_section(w, "data", big, db);
	CHECK(container_writer_write(w, t_path(name), e) == 0);
	container_writer_free(w);
	memset(e, 0, sizeof *e);
	rc = matrix_load(&back, t_path(name), e);
	if (rc == 0)
		matrix_close(&back);
	return rc;
}

int
main(void)
{
	rs_err e = {0};
	csr m = ref(), back;
	char buf[64];

	/* Round trip, with the writer's extra parameters. */
	{
		static const char *const kv[] = {
			"view_weight", "0.25", "cart_weight", "0.75"
		};
		size_t i;

		CHECK(matrix_save(&m, t_path("m.bin"), kv, 2, &e) == 0);
		CHECK(matrix_load(&back, t_path("m.bin"), &e) == 0);
		CHECK(back.rows == 3 && back.cols == 4 && back.nnz == 5);
		CHECK(memcmp(back.row_ids, rows, sizeof rows) == 0);
		CHECK(memcmp(back.col_ids, cols, sizeof cols) == 0);
		CHECK(memcmp(back.indptr, indptr, sizeof indptr) == 0);
		CHECK(memcmp(back.indices, indices, sizeof indices) == 0);
		for (i = 0; i < 5; i++)
			CHECK(back.data[i] == data[i]);
		CHECK(((uintptr_t)back.indices & 63) == 0);
		CHECK(((uintptr_t)back.data & 63) == 0);
		CHECK(container_param(&back.file, "view_weight", buf, sizeof buf) ==
		    0);
		CHECK_STR(buf, "0.25");
		CHECK(container_param(&back.file, "nnz", buf, sizeof buf) == 0);
		CHECK_STR(buf, "5");
		CHECK_STR(back.file.kind, "matrix");
		CHECK(back.file.version == 1);
		matrix_close(&back);
		CHECK(back.file.base == NULL && back.data == NULL);
	}
	/* The empty matrix. */
	{
		csr z;
		uint64_t zp[1] = {0};

		memset(&z, 0, sizeof z);
		z.indptr = zp;
		CHECK(save_load(&z, "zero.bin", &e) == 0);
	}

	/* Structural corruptions written by a (buggy) writer. */
#define BADM(name, want) do { \
		CHECK(save_load(&m, name, &e) == EX_DATAERR); \
		CHECK(e.code == EX_DATAERR); \
		CHECK_STR(why(&e, name), want); \
		m = ref(); \
	} while (0)
	{
		uint64_t r2[3] = {10, 10, 35}, c2[4] = {100, 300, 200, 400};
		uint64_t p0[4] = {1, 2, 2, 5}, pn[4] = {0, 2, 2, 4};
		uint64_t pd[4] = {0, 2, 1, 5}, pover[4] = {0, 100, 2, 5};
		uint32_t xr[5] = {0, 2, 1, 2, 4}, xa[5] = {0, 2, 2, 1, 3};
		float nan_[5] = {0.25f, 1.0f, NAN, 0.25f, 2.0f};
		float inf_[5] = {0.25f, 1.0f, 0.75f, 0.25f, -INFINITY};

		m.row_ids = r2;
		BADM("r.bin", "corrupt matrix: user ids not ascending (at 1)");
		m.col_ids = c2;
		BADM("c.bin", "corrupt matrix: item ids not ascending (at 2)");
		m.indptr = p0;
		BADM("p0.bin", "corrupt matrix: row offsets do not span the "
		    "values (at 0)");
		m.indptr = pn;
		BADM("pn.bin", "corrupt matrix: row offsets do not span the "
		    "values (at 0)");
		m.indptr = pd;
		BADM("pd.bin", "corrupt matrix: row offsets decrease (at 1)");
		m.indptr = pover;
		BADM("pover.bin", "corrupt matrix: row offset past the values "
		    "(at 1)");
		m.indices = xr;
		BADM("xr.bin", "corrupt matrix: column out of range (at 4)");
		m.indices = xa;
		BADM("xa.bin", "corrupt matrix: columns not ascending within a "
		    "row (at 3)");
		m.data = nan_;
		BADM("nan.bin", "corrupt matrix: value not finite (at 2)");
		m.data = inf_;
		BADM("inf.bin", "corrupt matrix: value not finite (at 4)");
	}

	/* Parameters and sections that disagree (hand-forged files). */
	/* The baseline gets past every size check (its ids are the indptr
	 * bytes, so the structure check is what stops it). */
	CHECK(forge("f0.bin", "rows=3 cols=4 nnz=5", 24, 32, 32, 20, 20,
	    "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f0.bin"), "corrupt matrix: user ids not ascending "
	    "(at 2)");
	CHECK(forge("f1.bin", "cols=4 nnz=5", 24, 32, 32, 20, 20, "matrix",
	    &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f1.bin"), "parameter \"rows\" missing");
	CHECK(forge("f2.bin", "rows=3 nnz=5", 24, 32, 32, 20, 20, "matrix",
	    &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f2.bin"), "parameter \"cols\" missing");
	CHECK(forge("f3.bin", "rows=3 cols=4 nnz=five", 24, 32, 32, 20, 20,
	    "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f3.bin"), "parameter nnz=\"five\": not a number");
	CHECK(forge("f4.bin", "rows=4 cols=4 nnz=5", 24, 32, 32, 20, 20,
	    "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f4.bin"), "section \"user_ids\" has 24 bytes, "
	    "expected 4 elements of 8 bytes");
	CHECK(forge("f5.bin", "rows=3 cols=4 nnz=5", 24, 31, 32, 20, 20,
	    "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f5.bin"), "section \"item_ids\" has 31 bytes, "
	    "expected 4 elements of 8 bytes");
	CHECK(forge("f6.bin", "rows=3 cols=4 nnz=5", 24, 32, 24, 20, 20,
	    "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f6.bin"), "section \"indptr\" has 24 bytes, "
	    "expected 4 elements of 8 bytes");
	CHECK(forge("f7.bin", "rows=3 cols=4 nnz=5", 24, 32, 32, 16, 20,
	    "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f7.bin"), "section \"indices\" has 16 bytes, "
	    "expected 5 elements of 4 bytes");
	CHECK(forge("f8.bin", "rows=3 cols=4 nnz=5", 24, 32, 32, 20, 24,
	    "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f8.bin"), "section \"data\" has 24 bytes, "
	    "expected 5 elements of 4 bytes");
	CHECK(forge("f9.bin", "rows=3 cols=4294967296 nnz=5", 24, 32, 32, 20,
	    20, "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f9.bin"), "corrupt matrix: too many columns (at "
	    "4294967296)");
	CHECK(forge("f10.bin", "rows=18446744073709551615 cols=4 nnz=5", 24,
	    32, 32, 20, 20, "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f10.bin"), "corrupt matrix: too many rows (at "
	    "18446744073709551615)");
	CHECK(forge("f12.bin", "rows=3 cols=4 nnz=18446744073709551615", 24,
	    32, 32, 20, 20, "matrix", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f12.bin"), "corrupt matrix: too many values (at "
	    "18446744073709551615)");
	CHECK(forge("f11.bin", "rows=3 cols=4 nnz=5", 24, 32, 32, 20, 20,
	    "alsmodel", &e) == EX_DATAERR);
	CHECK_STR(why(&e, "f11.bin"), "container of kind \"alsmodel\", "
	    "expected \"matrix\"");

	/* A flipped byte in a section: the CRC catches it. */
	{
		size_t len;
		char *b = t_slurp(t_path("m.bin"), &len);

		b[len - 1] ^= 0x40;        /* the last value */
		t_file("flip.bin", b, len);
		free(b);
		CHECK(matrix_load(&back, t_path("flip.bin"), &e) == EX_DATAERR);
		CHECK_STR(why(&e, "flip.bin"), "section \"data\": checksum "
		    "mismatch (corrupt)");
	}
	CHECK(matrix_load(&back, t_path("absent.bin"), &e) == EX_NOINPUT);
	CHECK_STR(why(&e, "absent.bin"), "No such file or directory");
	return t_done();
}
