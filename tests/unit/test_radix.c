/* test_radix.c: the radix sort against qsort on varied keys. */
#include <stdint.h>
#include <stdlib.h>

#include "radix.h"
#include "t.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Sorts n keys drawn with mask; checks order, and that vals followed. */
static void
trial(size_t n, uint64_t mask)
{
	uint64_t *k = malloc((n + 1) * sizeof *k), *ref = malloc((n + 1) *
	    sizeof *ref), *orig = malloc((n + 1) * sizeof *orig);
	uint32_t *v = malloc((n + 1) * sizeof *v);
	size_t i;
	int ok = 1, stable = 1;

	for (i = 0; i < n; i++) {
		orig[i] = ref[i] = k[i] = next() & mask;
		v[i] = (uint32_t)i;
	}
	CHECK(radix_sort_u64(k, v, n) == 0);
	qsort(ref, n, sizeof *ref, cmp_u64);
	for (i = 0; i < n; i++) {
		ok &= k[i] == ref[i] && orig[v[i]] == k[i];
		if (i > 0 && k[i] == k[i - 1])
			stable &= v[i] > v[i - 1];
	}
	CHECK(ok);
	CHECK(stable);
	/* Without values too. */
	for (i = 0; i < n; i++)
		k[i] = orig[i];
	CHECK(radix_sort_u64(k, NULL, n) == 0);
	for (i = 0; i < n; i++)
		ok &= k[i] == ref[i];
	CHECK(ok);
	free(k);
	free(ref);
	free(orig);
	free(v);
}

int
main(void)
{
	trial(0, ~0ULL);
	trial(1, ~0ULL);
	trial(2, ~0ULL);
	trial(1000, 0);                   /* all equal: every pass skipped */
	trial(1000, 0xff);                /* one pass */
	trial(5000, 0xf0f0);              /* a skipped byte in between */
	trial(100000, ~0ULL);
	trial(100000, 0xffffffffffULL);   /* 40-bit, like matrix keys */
	trial(3000, 0xff00000000000000ULL);
	return t_done();
}
