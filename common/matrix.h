/*
 * matrix.h: the weighted user x item matrix (container kind "matrix",
 * version 1), written by interactions-weight and read by als-fit and
 * als-recommend --filter-seen.
 *
 * Sections:
 *   user_ids  u64[rows]     user ids, strictly ascending (row order)
 *   item_ids  u64[cols]     item ids, strictly ascending (column order)
 *   indptr    u64[rows+1]   CSR row offsets, indptr[0]=0, indptr[rows]=nnz
 *   indices   u32[nnz]      column of each value, ascending within a row
 *   data      f32[nnz]      the values
 * Parameters: rows, cols, nnz, and whatever the writer adds (the weights).
 */
#ifndef RS_MATRIX_H
#define RS_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "comm.h"
#include "container.h"
#include "rs_err.h"

#define MATRIX_KIND "matrix"
#define MATRIX_VERSION 1

typedef struct csr {
	size_t rows, cols, nnz;
	const uint64_t *row_ids;
	const uint64_t *col_ids;
	const uint64_t *indptr;
	const uint32_t *indices;
	const float *data;
	container file;            /* when loaded: the mapping the arrays point into */
} csr;

/*
 * Writes m atomically to path; kv holds nkv key/value pairs
 * (kv[2i], kv[2i+1]) recorded as extra parameters.
 */
int matrix_save(const csr *m, const char *path, const char *const *kv,
    size_t nkv, rs_err *e);

/*
 * Maps and validates a matrix file: container checks (with every section's
 * CRC), then the structure (sizes agree, offsets monotone, columns in range
 * and ascending within each row, ids strictly ascending, values finite).
 */
int matrix_load(csr *m, const char *path, rs_err *e);
void matrix_close(csr *m);

/*
 * The part of a matrix file that rank comm_rank(c) of a distributed run
 * reads (a collective: every rank of c calls it).  The rows are cut into
 * comm_size(c) stripes of about equal numbers of entries (comm_split over
 * indptr); this rank's is [*lo, *hi).  m is set as by matrix_load, but the
 * rank reads (touches the pages of) only its stripe of indptr, indices,
 * data and user_ids, and one share of item_ids: no rank needs the whole
 * matrix in memory.  The checks are matrix_load's, shared out: every
 * section's CRC-32 is combined from the ranks' shares, and each rank checks
 * the structure of its stripe.  On failure every rank returns the same
 * status and only the rank that found the error has a message (see
 * comm_fail); m is then closed.
 */
int matrix_load_part(csr *m, const char *path, const comm *c, size_t *lo,
    size_t *hi, rs_err *e);

#endif
