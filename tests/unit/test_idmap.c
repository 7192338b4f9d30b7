/* test_idmap.c: millions of ids, dense indices in insertion order, the
 * extremes 0 and UINT64_MAX, absent keys, memory per id. */
#include <stdint.h>
#include <stdlib.h>

#include "idmap.h"
#include "t.h"

/* A bijection of uint64 (splitmix64's finaliser): distinct ids that look
 * random, so both sequential and scattered keys are exercised. */
static uint64_t
scatter(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

#define N 2000000u

/* The i-th test id: 0, UINT64_MAX, then alternately sequential and
 * scattered values (never 0 or UINT64_MAX again). */
static uint64_t
key_of(uint64_t i)
{
	uint64_t k;

	if (i == 0)
		return 0;
	if (i == 1)
		return UINT64_MAX;
	k = i % 2 ? 1000000 + i : scatter(i);
	return k == 0 || k == UINT64_MAX ? 424242424242ULL + i : k;
}

int
main(void)
{
	idmap m;
	uint64_t i;
	int added = -1;
	size_t bad = 0;

	/* Empty map. */
	CHECK(idmap_init(&m, 0) == 0);
	CHECK(m.len == 0 && m.cap >= 64);
	CHECK(idmap_get(&m, 0) == -1);
	CHECK(idmap_get(&m, UINT64_MAX) == -1);
	/* 0 and UINT64_MAX are ordinary keys. */
	CHECK(idmap_put(&m, UINT64_MAX, &added) == 0 && added == 1);
	CHECK(idmap_put(&m, 0, &added) == 1 && added == 1);
	CHECK(idmap_put(&m, UINT64_MAX, &added) == 0 && added == 0);
	CHECK(idmap_put(&m, 0, NULL) == 1);
	CHECK(idmap_get(&m, 0) == 1 && idmap_get(&m, UINT64_MAX) == 0);
	CHECK(idmap_get(&m, 1) == -1);
	idmap_free(&m);
	CHECK(m.keys == NULL && m.cap == 0);

	/* Millions of ids, grown from the smallest table. */
	CHECK(idmap_init(&m, 0) == 0);
	for (i = 0; i < N; i++) {
		int64_t got = idmap_put(&m, key_of(i), &added);

		if (got != (int64_t)i || added != 1)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(m.len == N);
	/* At most 70% full, and the table is no bigger than it must be. */
	CHECK(m.len * 10 <= m.cap * 7);
	CHECK(m.cap * (sizeof *m.keys + sizeof *m.vals) <= 34 * (size_t)N);
	/* Every id finds its dense index; re-putting changes nothing. */
	bad = 0;
	for (i = 0; i < N; i++)
		if (idmap_get(&m, key_of(i)) != (int64_t)i)
			bad++;
	CHECK(bad == 0);
	bad = 0;
	for (i = 0; i < N; i += 7)
		if (idmap_put(&m, key_of(i), &added) != (int64_t)i ||
		    added != 0)
			bad++;
	CHECK(bad == 0);
	CHECK(m.len == N);
	/* Absent ids (neighbours of present sequential ones, scattered). */
	bad = 0;
	for (i = 0; i < 100000; i++) {
		if (idmap_get(&m, 1000000 + 2 * N + i) != -1)
			bad++;
		if (idmap_get(&m, scatter(N + 1 + 2 * i)) != -1)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(idmap_get(&m, 1) == -1);
	CHECK(idmap_get(&m, UINT64_MAX - 1) == -1);
	idmap_free(&m);

	/* A size hint avoids growing: the table is allocated once. */
	CHECK(idmap_init(&m, 100000) == 0);
	{
		size_t cap = m.cap;

		CHECK(cap * 7 / 10 >= 100000);
		for (i = 0; i < 100000; i++)
			idmap_put(&m, scatter(i), NULL);
		CHECK(m.cap == cap && m.len == 100000);
	}
	idmap_free(&m);
	return t_done();
}
