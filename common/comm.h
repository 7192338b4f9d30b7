/*
 * comm.h: the few collectives a computation spread over several processes
 * needs (als-fit under mpirun), supplied by the caller so that the library
 * never depends on MPI: cmd/als-fit.c wires them to MPI.
 *
 * Every rank calls the same collectives in the same order with the same
 * counts; a call returns when its data has arrived.  Counts are in
 * elements of elsize bytes.  A hook returns 0, or non-zero when the
 * communication failed (an MPI implementation usually ends the job
 * instead).  Failures of the computation itself are agreed on with
 * comm_agree, so that every rank stops at the same step.
 *
 * A NULL comm means one process: rank 0 of 1, every collective a no-op.
 */
#ifndef RS_COMM_H
#define RS_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

typedef struct comm {
	unsigned rank, size;
	void *ctx;
	/*
	 * In place: rank r's counts[r] elements already sit in all at element
	 * offset counts[0] + ... + counts[r-1]; on return all holds every
	 * rank's, in rank order.
	 */
	int (*allgather)(void *ctx, void *all, const size_t *counts,
	    size_t elsize);
	/*
	 * Rank r sends scounts[q] elements to rank q (send holds them in rank
	 * order) and receives rcounts[q] from q (into recv, in rank order).
	 */
	int (*alltoall)(void *ctx, const void *send, const size_t *scounts,
	    void *recv, const size_t *rcounts, size_t elsize);
	/* v[0..n-1] summed element by element over the ranks, in place. */
	int (*sum_u64)(void *ctx, uint64_t *v, size_t n);
} comm;

/* The rank and size of c (0 and 1 when c is NULL). */
unsigned comm_rank(const comm *c);
unsigned comm_size(const comm *c);

/*
 * After a step that may fail on some ranks: every rank passes its own
 * status and gets the status of the lowest rank whose status is not 0 (0
 * when none), with *who set to that rank (when who is not NULL).  The
 * rank equal to *who reports the error; the others end quietly with the
 * same status.  -1 when the communication itself failed.
 */
int comm_agree(const comm *c, int rc, unsigned *who);

/*
 * comm_agree for a step that fills e when it fails: returns the agreed
 * status.  The reporting rank's e is left as the step filled it; on every
 * other rank e gets the same status and an empty message, so that exactly
 * one rank prints.
 */
int comm_fail(const comm *c, int rc, rs_err *e);

/* allgather and alltoall through c, or nothing when c is NULL or of size
 * 1 (alltoall then copies scounts[0] elements). */
int comm_allgather(const comm *c, void *all, const size_t *counts,
    size_t elsize);
int comm_alltoall(const comm *c, const void *send, const size_t *scounts,
    void *recv, const size_t *rcounts, size_t elsize);
int comm_sum_u64(const comm *c, uint64_t *v, size_t n);

/* bounds[0..parts]: [bounds[r], bounds[r+1]) is part r of the n rows whose
 * offsets are ptr[0..n] (ascending, like a CSR indptr): cut where the
 * offset first reaches ptr[n] * r / parts, so parts hold about equal
 * numbers of entries, not of rows.  Reads only O(parts log n) offsets. */
void comm_split(const uint64_t *ptr, size_t n, unsigned parts,
    size_t *bounds);

#endif
