/* matrix.c: see matrix.h. */
#include "matrix.h"

#include <math.h>
#include <string.h>

int
csr_save(const csr *m, const char *path, const char *const *kv, size_t nkv,
    rs_err *e)
{
	ctrw *w = ctrw_new(MATRIX_KIND, MATRIX_VERSION);
	size_t i;
	int rc;

	if (w == NULL)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	ctrw_param(w, "rows", "%zu", m->rows);
	ctrw_param(w, "cols", "%zu", m->cols);
	ctrw_param(w, "nnz", "%zu", m->nnz);
	for (i = 0; i < nkv; i++)
		ctrw_param(w, kv[2 * i], "%s", kv[2 * i + 1]);
	ctrw_section(w, "user_ids", m->row_ids, m->rows * sizeof(uint64_t));
	ctrw_section(w, "item_ids", m->col_ids, m->cols * sizeof(uint64_t));
	ctrw_section(w, "indptr", m->indptr, (m->rows + 1) * sizeof(uint64_t));
	ctrw_section(w, "indices", m->indices, m->nnz * sizeof(uint32_t));
	ctrw_section(w, "data", m->data, m->nnz * sizeof(float));
	rc = ctrw_write(w, path, e);
	ctrw_free(w);
	return rc;
}

static int
structure_err(csr *m, rs_err *e, const char *what, size_t where)
{
	rs_errf(e, EX_DATAERR, "%s: corrupt matrix: %s (at %zu)",
	    m->file.path, what, where);
	csr_close(m);
	return EX_DATAERR;
}

int
csr_load(csr *m, const char *path, rs_err *e)
{
	uint64_t rows, cols, nnz;
	const void *p;
	size_t i, n;
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = ctr_open(&m->file, path, MATRIX_KIND, MATRIX_VERSION,
	    CTR_VERIFY, e)) != 0)
		return rc;
	if ((rc = ctr_param_u64(&m->file, "rows", &rows, e)) != 0 ||
	    (rc = ctr_param_u64(&m->file, "cols", &cols, e)) != 0 ||
	    (rc = ctr_param_u64(&m->file, "nnz", &nnz, e)) != 0)
		goto fail;
	m->rows = rows;
	m->cols = cols;
	m->nnz = nnz;
	if (cols > UINT32_MAX)
		return structure_err(m, e, "too many columns", cols);
	/* SIZE_MAX would mean "any length" to ctr_array, and rows + 1
	 * must not wrap: no real file comes near these bounds. */
	if (rows >= SIZE_MAX / 8)
		return structure_err(m, e, "too many rows", rows);
	if (nnz >= SIZE_MAX / 8)
		return structure_err(m, e, "too many values", nnz);
	if ((rc = ctr_array(&m->file, "user_ids", 8, rows, &p, &n, e)) != 0)
		goto fail;
	m->row_ids = p;
	if ((rc = ctr_array(&m->file, "item_ids", 8, cols, &p, &n, e)) != 0)
		goto fail;
	m->col_ids = p;
	if ((rc = ctr_array(&m->file, "indptr", 8, rows + 1, &p, &n, e)) != 0)
		goto fail;
	m->indptr = p;
	if ((rc = ctr_array(&m->file, "indices", 4, nnz, &p, &n, e)) != 0)
		goto fail;
	m->indices = p;
	if ((rc = ctr_array(&m->file, "data", 4, nnz, &p, &n, e)) != 0)
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
	csr_close(m);
	return rc;
}

void
csr_close(csr *m)
{
	ctr_close(&m->file);
	memset(m, 0, sizeof *m);
}
