/* matrix.c: see matrix.h. */
#include "matrix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int
matrix_save(const csr *m, const char *path, const char *const *kv, size_t nkv,
    rs_err *e)
{
	container_writer *w = container_writer_new(MATRIX_KIND, MATRIX_VERSION);
	size_t i;
	int rc;

	if (w == NULL)
		return rs_oom(e);
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

/* Opens the container (checking every CRC with flags CONTAINER_VERIFY)
 * and sets m's sizes and arrays, reading none of them. */
static int
matrix_open(csr *m, const char *path, int flags, rs_err *e)
{
	uint64_t rows, cols, nnz;
	const void *p;
	size_t n;
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = container_open(&m->file, path, MATRIX_KIND, MATRIX_VERSION,
	    flags, e)) != 0)
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
	return 0;
fail:
	matrix_close(m);
	return rc;
}

/* Ids [lo, hi) strictly ascending (and above id lo-1). */
static int
check_ids(csr *m, const uint64_t *ids, size_t lo, size_t hi,
    const char *what, rs_err *e)
{
	size_t i;

	for (i = lo > 0 ? lo : 1; i < hi; i++)
		if (ids[i] <= ids[i - 1])
			return structure_err(m, e, what, i);
	return 0;
}

/* Rows [lo, hi): offsets monotone and within the values, columns in range
 * and ascending within a row, values finite. */
static int
check_rows(csr *m, size_t lo, size_t hi, rs_err *e)
{
	size_t i;

	for (i = lo; i < hi; i++) {
		uint64_t k;

		if (m->indptr[i + 1] < m->indptr[i])
			return structure_err(m, e, "row offsets decrease", i);
		/* Checked before the row is walked: an offset past nnz
		 * would read beyond the indices and data sections. */
		if (m->indptr[i + 1] > m->nnz)
			return structure_err(m, e, "row offset past the "
			    "values", i + 1);
		for (k = m->indptr[i]; k < m->indptr[i + 1]; k++) {
			if (m->indices[k] >= m->cols)
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
}

int
matrix_load(csr *m, const char *path, rs_err *e)
{
	int rc;

	if ((rc = matrix_open(m, path, CONTAINER_VERIFY, e)) != 0 ||
	    (rc = check_ids(m, m->row_ids, 0, m->rows,
	    "user ids not ascending", e)) != 0 ||
	    (rc = check_ids(m, m->col_ids, 0, m->cols,
	    "item ids not ascending", e)) != 0)
		return rc;
	if (m->indptr[0] != 0 || m->indptr[m->rows] != m->nnz)
		return structure_err(m, e, "row offsets do not span the values",
		    0);
	return check_rows(m, 0, m->rows, e);
}

/* The bytes [lo, hi) of section name hashed by this rank, clamped to the
 * section. */
typedef struct share {
	const char *name;
	uint64_t lo, hi;        /* elements */
	size_t elsize;
} share;

/*
 * Every section's CRC-32 over the ranks: each hashes its share, the
 * (crc, length) pairs are gathered and combined in rank order, and each
 * rank compares with the section table in table order, so every rank
 * reaches the same verdict (reported by rank 0).
 */
static int
check_crcs_part(csr *m, const comm *c, const share *sh, size_t nsh, rs_err *e)
{
	unsigned size = comm_size(c), rank = comm_rank(c), r;
	uint64_t *all = calloc((size_t)size * nsh * 2, sizeof *all);
	size_t *counts = malloc(size * sizeof *counts), i;
	int rc = 0;

	if (all == NULL || counts == NULL) {
		free(all);
		free(counts);
		return rs_oom(e);
	}
	for (r = 0; r < size; r++)
		counts[r] = nsh * 2;
	for (i = 0; i < nsh; i++) {
		size_t bytes;
		const unsigned char *base = container_section(&m->file,
		    sh[i].name, &bytes);
		uint64_t lo = sh[i].lo * sh[i].elsize;
		uint64_t hi = sh[i].hi * sh[i].elsize;

		if (hi > bytes)
			hi = bytes;
		if (lo > hi)
			lo = hi;
		all[(rank * nsh + i) * 2] = crc32_z(0, base + lo, hi - lo);
		all[(rank * nsh + i) * 2 + 1] = hi - lo;
	}
	if (comm_allgather(c, all, counts, sizeof *all) != 0)
		rc = rs_errf(e, EX_SOFTWARE, "communication failed");
	for (i = 0; i < nsh && rc == 0; i++) {
		uLong crc = 0;
		uint32_t want;

		for (r = 0; r < size; r++)
			crc = crc32_combine(crc, (uLong)all[(r * nsh + i) * 2],
			    (z_off_t)all[(r * nsh + i) * 2 + 1]);
		if (container_section_crc(&m->file, sh[i].name, &want) != 0 ||
		    (uint32_t)crc != want)
			rc = rs_errf(e, EX_DATAERR, "%s: section \"%s\": "
			    "checksum mismatch (corrupt)", m->file.path,
			    sh[i].name);
	}
	free(all);
	free(counts);
	return rc;
}

int
matrix_load_part(csr *m, const char *path, const comm *c, size_t *lo,
    size_t *hi, rs_err *e)
{
	unsigned size = comm_size(c), rank = comm_rank(c);
	size_t *bounds = NULL, ilo, ihi;
	share sh[5];
	int rc;

	*lo = *hi = 0;
	rc = matrix_open(m, path, 0, e);
	if ((rc = comm_fail(c, rc, e)) != 0)
		goto fail;
	if ((bounds = malloc((size + 1) * sizeof *bounds)) == NULL)
		rc = rs_oom(e);
	if ((rc = comm_fail(c, rc, e)) != 0)
		goto fail;
	comm_split(m->indptr, m->rows, size, bounds);
	*lo = bounds[rank];
	*hi = bounds[rank + 1];
	ilo = m->cols * rank / size;
	ihi = m->cols * (rank + 1) / size;
	sh[0] = (share){"user_ids", *lo, *hi, 8};
	sh[1] = (share){"item_ids", ilo, ihi, 8};
	sh[2] = (share){"indptr", *lo, *hi + (rank + 1 == size), 8};
	sh[3] = (share){"indices", m->indptr[*lo], m->indptr[*hi], 4};
	sh[4] = (share){"data", m->indptr[*lo], m->indptr[*hi], 4};
	if (rank > 0)   /* the first rank hashes from 0, whatever indptr says */
		sh[3].lo = sh[4].lo = m->indptr[*lo];
	else
		sh[3].lo = sh[4].lo = 0;
	if (rank + 1 == size)
		sh[3].hi = sh[4].hi = m->nnz;
	rc = check_crcs_part(m, c, sh, 5, e);
	if (rc == 0 && rank != 0)
		memset(e, 0, sizeof *e);        /* rank 0 reports */
	if ((rc = comm_fail(c, rank == 0 ? rc : 0, e)) != 0)
		goto fail;
	if ((rank == 0 && m->indptr[0] != 0) ||
	    (rank + 1 == size && m->indptr[m->rows] != m->nnz))
		rc = structure_err(m, e, "row offsets do not span the values",
		    0);
	else if ((rc = check_ids(m, m->row_ids, *lo, *hi,
	    "user ids not ascending", e)) == 0 &&
	    (rc = check_ids(m, m->col_ids, ilo, ihi,
	    "item ids not ascending", e)) == 0)
		rc = check_rows(m, *lo, *hi, e);
	if ((rc = comm_fail(c, rc, e)) != 0)
		goto fail;
	free(bounds);
	return 0;
fail:
	free(bounds);
	if (m->file.base != NULL)
		matrix_close(m);
	return rc;
}

void
matrix_close(csr *m)
{
	container_close(&m->file);
	memset(m, 0, sizeof *m);
}
