/* comm.c: see comm.h. */
#include "comm.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

unsigned
comm_rank(const comm *c)
{
	return c != NULL ? c->rank : 0;
}

unsigned
comm_size(const comm *c)
{
	return c != NULL ? c->size : 1;
}

int
comm_allgather(const comm *c, void *all, const size_t *counts, size_t elsize)
{
	if (c == NULL || c->size < 2)
		return 0;
	return c->allgather(c->ctx, all, counts, elsize);
}

int
comm_alltoall(const comm *c, const void *send, const size_t *scounts,
    void *recv, const size_t *rcounts, size_t elsize)
{
	if (c == NULL || c->size < 2) {
		if (scounts[0] > 0)
			memcpy(recv, send, scounts[0] * elsize);
		return 0;
	}
	return c->alltoall(c->ctx, send, scounts, recv, rcounts, elsize);
}

int
comm_sum_u64(const comm *c, uint64_t *v, size_t n)
{
	if (c == NULL || c->size < 2)
		return 0;
	return c->sum_u64(c->ctx, v, n);
}

int
comm_agree(const comm *c, int rc, unsigned *who)
{
	size_t *counts;
	int *all;
	unsigned r, size = comm_size(c);

	if (who != NULL)
		*who = comm_rank(c);
	if (size < 2)
		return rc;
	counts = malloc(size * sizeof *counts);
	all = calloc(size, sizeof *all);
	if (counts == NULL || all == NULL) {
		free(counts);
		free(all);
		return -1;
	}
	for (r = 0; r < size; r++)
		counts[r] = 1;
	all[c->rank] = rc;
	if (c->allgather(c->ctx, all, counts, sizeof *all) != 0) {
		free(counts);
		free(all);
		return -1;
	}
	rc = 0;
	for (r = 0; r < size && rc == 0; r++)
		if (all[r] != 0) {
			rc = all[r];
			if (who != NULL)
				*who = r;
		}
	free(counts);
	free(all);
	return rc;
}

int
comm_fail(const comm *c, int rc, rs_err *e)
{
	unsigned who;
	int agreed = comm_agree(c, rc, &who);

	if (agreed < 0)
		return rs_errf(e, EX_SOFTWARE, "communication failed");
	if (agreed != 0 && who != comm_rank(c)) {
		e->code = agreed;
		e->msg[0] = '\0';
	}
	return agreed;
}

void
comm_split(const uint64_t *ptr, size_t n, unsigned parts, size_t *bounds)
{
	uint64_t total = ptr[n];
	unsigned r;

	bounds[0] = 0;
	for (r = 1; r < parts; r++) {
		/* The first row whose starting offset reaches the target
		 * (unsigned __int128: total * r must not wrap). */
		uint64_t want = (uint64_t)((unsigned __int128)total * r / parts);
		size_t lo = bounds[r - 1];

		bounds[r] = lo + util_u64_lower_bound(ptr + lo, n - lo, want);
	}
	bounds[parts] = n;
}
