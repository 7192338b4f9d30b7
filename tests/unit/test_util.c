/* test_util.c: common/util.c's helpers: the growing and resized arrays,
 * the capped doubling of a capacity, the clocks, little-endian bytes and
 * the search in a sorted uint64 array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "t.h"

static void
test_grow(void)
{
	size_t cap = 0, i;
	int *a = NULL, *q;

	/* From nothing: 16, then doubling past what is needed. */
	CHECK((q = util_grow(a, &cap, 1, sizeof *a)) != NULL && cap == 16);
	a = q;
	CHECK(util_grow(a, &cap, 16, sizeof *a) == a && cap == 16);
	CHECK((q = util_grow(a, &cap, 17, sizeof *a)) != NULL && cap == 32);
	a = q;
	CHECK((q = util_grow(a, &cap, 200, sizeof *a)) != NULL && cap == 256);
	a = q;
	for (i = 0; i < 200; i++)
		a[i] = (int)i;
	CHECK(a[199] == 199);
	/* Sizes past a size_t: NULL before any allocation. */
	CHECK(util_grow(a, &cap, SIZE_MAX, sizeof *a) == NULL && cap == 256);
	CHECK(util_grow(a, &cap, SIZE_MAX / 2, sizeof *a) == NULL &&
	    cap == 256 && a[199] == 199);
#ifndef __SANITIZE_ADDRESS__   /* ASan aborts on such a request */
	/* Out of memory: NULL, the array and its capacity unchanged. */
	CHECK(util_grow(a, &cap, SIZE_MAX / 8, sizeof *a) == NULL &&
	    cap == 256 && a[199] == 199);
#endif
	free(a);
}

static void
test_resize(void)
{
	uint64_t *k = NULL;
	uint8_t *t = NULL;

	CHECK(util_resize(&k, 4, sizeof *k) == 0 && k != NULL);
	CHECK(util_resize(&t, 4, sizeof *t) == 0 && t != NULL);
	k[3] = UINT64_MAX;
	t[3] = 7;
	CHECK(util_resize(&k, 1000, sizeof *k) == 0 && k[3] == UINT64_MAX);
	CHECK(util_resize(&t, 1000, sizeof *t) == 0 && t[3] == 7);
	CHECK(util_resize(&k, SIZE_MAX / 4, sizeof *k) == -1 &&
	    k[3] == UINT64_MAX);
#ifndef __SANITIZE_ADDRESS__
	/* Out of memory: -1, the array as it was. */
	CHECK(util_resize(&k, SIZE_MAX / 16, sizeof *k) == -1 &&
	    k[3] == UINT64_MAX);
#endif
	free(k);
	free(t);
}

static void
test_next_cap(void)
{
	CHECK(util_next_cap(0, 4096, 1u << 20) == 4096);
	CHECK(util_next_cap(4096, 4096, 1u << 20) == 8192);
	/* Never above the cap; at the cap, the cap itself (full). */
	CHECK(util_next_cap(3 << 18, 4096, 1u << 20) == 1u << 20);
	CHECK(util_next_cap(1u << 20, 4096, 1u << 20) == 1u << 20);
	CHECK(util_next_cap(0, 4096, 100) == 100);
	CHECK(util_next_cap(SIZE_MAX / 2 + 1, 16, SIZE_MAX) == SIZE_MAX);
}

static void
test_clocks(void)
{
	double s0 = util_mono_s(), s1;
	int64_t m0 = util_mono_ms(), m1;

	s1 = util_mono_s();
	m1 = util_mono_ms();
	CHECK(s1 >= s0 && m1 >= m0);
	/* 2020-01-01 < now < 2100-01-01, in epoch milliseconds. */
	CHECK(util_real_ms() > 1577836800000LL &&
	    util_real_ms() < 4102444800000LL);
}

static void
test_le(void)
{
	unsigned char b[8];
	const unsigned char want[8] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03,
	    0x02, 0x01};

	util_le_put64(b, 0x0102030405060708ULL);
	CHECK(memcmp(b, want, 8) == 0);
	CHECK(util_le_get64(b) == 0x0102030405060708ULL);
	CHECK(util_le_get32(b + 4) == 0x01020304u);
	util_le_put32(b, 0xdeadbeefu);
	CHECK(b[0] == 0xef && b[3] == 0xde && util_le_get32(b) == 0xdeadbeefu);
}

static void
test_search(void)
{
	const uint64_t a[] = {2, 4, 4, 9, UINT64_MAX};

	CHECK(util_u64_lower_bound(a, 5, 0) == 0);
	CHECK(util_u64_lower_bound(a, 5, 4) == 1);
	CHECK(util_u64_lower_bound(a, 5, 5) == 3);
	CHECK(util_u64_lower_bound(a, 5, UINT64_MAX) == 4);
	CHECK(util_u64_lower_bound(a, 0, 1) == 0);
	CHECK(util_u64_find(a, 5, 9) == 3);
	CHECK(util_u64_find(a, 5, UINT64_MAX) == 4);
	CHECK(util_u64_find(a, 5, 3) == -1);
	CHECK(util_u64_find(a, 4, UINT64_MAX) == -1);
}

int
main(void)
{
	test_grow();
	test_resize();
	test_next_cap();
	test_clocks();
	test_le();
	test_search();
	return t_done();
}
