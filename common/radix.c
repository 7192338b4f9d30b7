/* radix.c: see radix.h. */
#include "radix.h"

#include <stdlib.h>
#include <string.h>

/*
 * 11-bit digits: six passes cover 64 bits, and the 2048 counters of a pass
 * (and the write positions they stand for) still fit in the L1 cache.
 */
#define BITS 11
#define NDIG 6
#define NBUCKET (1u << BITS)
#define MASK (NBUCKET - 1)

int
radix_sort_u64(uint64_t *keys, uint32_t *vals, size_t n)
{
	size_t (*count)[NBUCKET];
	uint64_t *ktmp, *ksrc = keys, *kdst;
	uint32_t *vtmp = NULL, *vsrc = vals, *vdst;
	uint64_t any = 0;
	size_t i;
	int d, ndig = 0;

	if (n < 2)
		return 0;
	/* Digits above the highest bit any key has are all 0: not counted. */
	for (i = 0; i < n; i++)
		any |= keys[i];
	while (ndig < NDIG && (any >> (BITS * ndig)) != 0)
		ndig++;
	if ((count = calloc(NDIG, sizeof *count)) == NULL)
		return -1;
	if ((ktmp = malloc(n * sizeof *ktmp)) == NULL ||
	    (vals != NULL && (vtmp = malloc(n * sizeof *vtmp)) == NULL)) {
		free(ktmp);
		free(count);
		return -1;
	}
	/* One pass counts all the digits. */
	for (i = 0; i < n; i++) {
		uint64_t k = keys[i];

		for (d = 0; d < ndig; d++)
			count[d][(k >> (BITS * d)) & MASK]++;
	}
	kdst = ktmp;
	vdst = vtmp;
	for (d = 0; d < ndig; d++) {
		size_t sum = 0, c, b;
		uint64_t *kt;
		uint32_t *vt;
		int shift = BITS * d;

		if (count[d][(ksrc[0] >> shift) & MASK] == n)
			continue;       /* every key has this digit: no-op */
		for (b = 0; b < NBUCKET; b++) {
			c = count[d][b];
			count[d][b] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			size_t at = count[d][(ksrc[i] >> shift) & MASK]++;

			kdst[at] = ksrc[i];
			if (vals != NULL)
				vdst[at] = vsrc[i];
		}
		kt = ksrc, ksrc = kdst, kdst = kt;
		vt = vsrc, vsrc = vdst, vdst = vt;
	}
	if (ksrc != keys) {
		memcpy(keys, ksrc, n * sizeof *keys);
		if (vals != NULL)
			memcpy(vals, vsrc, n * sizeof *vals);
	}
	free(vtmp);
	free(ktmp);
	free(count);
	return 0;
}
