/* matrix.c: see matrix.h. */
#include "matrix.h"

#include <math.h>
#include <string.h>

int
matrix_save(const csr *m, const char *path, const char *const *kv, size_t nkv,
    rs_err *e)
{
	container_writer *w = container_writer_new(MATRIX_KIND, MATRIX_VERSION);
	size_t i;
	int rc;

	if (w == NULL)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	container_writer_param(w, "rows", "%zu", m->rows);
	container_writer_param(w, "cols", "%zu", m->cols);
	container_writer_param(w, "nnz", "%zu", m->nnz);
	for (i = 0; i < nkv; i++)
		container_writer_param(w, kv[2 * i], "%s", kv[2 * i + 1]);
	container_writer_section(w, "user_ids", m->row_ids, m->rows * sizeof(uint64_t));
	container_writer_section(w, "item_ids", m->col_ids, m->cols * sizeof(uint64_t));
	container_writer_section(w, "indptr", m->indptr, (m->rows + 1) * sizeof(uint64_t));
	container_writer_section(w, "indices", m->indices, m->nnz * sizeof(uint32_t));
	container_writer_section(w, "data", m->data, m->nnz * sizeof(float));
	rc = container_writer_write(w, path, e);
	container_writer_free(w);
	return rc;
}

static int
structure_err(csr *m, rs_err *e, const char *what, size_t where)
{
	rs_errf(e, EX_DATAERR, "%s: corrupt matrix: %s (at %zu)",
	    m->file.path, what, where);
	matrix_close(m);
	return EX_DATAERR;
}

int
matrix_load(csr *m, const char *path, rs_err *e)
{
	uint64_t rows, cols, nnz;
	const void *p;
	size_t i, n;
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = container_open(&m->file, path, MATRIX_KIND, MATRIX_VERSION,
	    CONTAINER_VERIFY, e)) != 0)
		return rc;
	if ((rc = container_param_u64(&m->file, "rows", &rows, e)) != 0 ||
	    (rc = container_param_u64(&m->file, "cols", &cols, e)) != 0 ||
	    (rc = container_param_u64(&m->file, "nnz", &nnz, e)) != 0)
		goto fail;
	m->rows = rows;
	m->cols = cols;
	m->nnz = nnz;
	if (cols > UINT32_MAX)
		return structure_err(m, e, "too many columns", cols);
	/* SIZE_MAX would mean "any length" to container_array, and rows + 1
	 * must not wrap: no real file comes near these bounds. */
	if (rows >= SIZE_MAX / 8)
		return structure_err(m, e, "too many rows", rows);
	if (nnz >= SIZE_MAX / 8)
		return structure_err(m, e, "too many values", nnz);
	if ((rc = container_array(&m->file, "user_ids", 8, rows, &p, &n, e)) != 0)
		goto fail;
	m->row_ids = p;
	if ((rc = container_array(&m->file, "item_ids", 8, cols, &p, &n, e)) != 0)
		goto fail;
	m->col_ids = p;
	if ((rc = container_array(&m->file, "indptr", 8, rows + 1, &p, &n, e)) != 0)
		goto fail;
	m->indptr = p;
	if ((rc = container_array(&m->file, "indices", 4, nnz, &p, &n, e)) != 0)
		goto fail;
	m->indices = p;
	if ((rc = container_array(&m->file, "data", 4, nnz, &p, &n, e)) != 0)
		goto fail;
	m->data = p;
	for (i = 1; i < rows; i++)
		if (m->row_ids[i] <= m->row_ids[i - 1])
			return structure_err(m, e, "user ids not ascending", i);
	for (i = 1; i < cols; i++)
		if (m->col_ids[i] <= m->col_ids[i - 1])
			return structure_err(m, e, "item ids not ascending", i);
	if (m->indptr[0] != 0 || m->indptr[rows] != nnz)
		return structure_err(m, e, "row offsets do not span the values",
		    0);
	for (i = 0; i < rows; i++) {
		uint64_t k;

		if (m->indptr[i + 1] < m->indptr[i])
			return structure_err(m, e, "row offsets decrease", i);
		/* Checked before the row is walked: an offset past nnz
		 * would read beyond the indices and data sections. */
		if (m->indptr[i + 1] > nnz)
			return structure_err(m, e, "row offset past the "
			    "values", i + 1);
		for (k = m->indptr[i]; k < m->indptr[i + 1]; k++) {
			if (m->indices[k] >= cols)
				return structure_err(m, e, "column out of "
				    "range", k);
			if (k > m->indptr[i] &&
			    m->indices[k] <= m->indices[k - 1])
				return structure_err(m, e, "columns not "
				    "ascending within a row", k);
			if (!isfinite(m->data[k]))
				return structure_err(m, e, "value not finite",
				    k);
		}
	}
	return 0;
fail:
	matrix_close(m);
	return rc;
}

void
matrix_close(csr *m)
{
	container_close(&m->file);
	memset(m, 0, sizeof *m);
}
