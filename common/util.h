/*
 * util.h: the small helpers every module would otherwise write again: a
 * growing array, clocks, little-endian bytes, and search in a sorted
 * uint64 array.  Each exists here once.
 */
#ifndef RS_UTIL_H
#define RS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Makes room for need elements of elsize bytes in the array p of *cap
 * elements, doubling (from 16): p itself when it is big enough, the
 * reallocated array (and *cap updated), or NULL when out of memory or
 * when the size would not fit a size_t (p is then still valid and still
 * the caller's).
 */
void *util_grow(void *p, size_t *cap, size_t need, size_t elsize);

/*
 * The next capacity of an array that doubles: first when cap is 0, else
 * twice cap, never above max; cap itself when it is max already (the
 * array is full).
 */
static inline size_t
util_next_cap(size_t cap, size_t first, size_t max)
{
	size_t n = cap == 0 ? first : cap > max / 2 ? max : cap * 2;

	return n > max ? max : n;
}

/*
 * Resizes the array whose pointer is at pp (a T ** for any object type T)
 * to n elements of elsize bytes: 0, or -1 when out of memory or n * elsize
 * would not fit a size_t (the array is then as it was).  For the readers that keep a row's columns in parallel
 * arrays and grow them together.
 */
int util_resize(void *pp, size_t n, size_t elsize);

/* Monotonic time (for durations and deadlines) in seconds and in
 * milliseconds, and wall-clock time in epoch milliseconds. */
double util_mono_s(void);
int64_t util_mono_ms(void);
int64_t util_real_ms(void);

/* Little-endian integers at p (any alignment). */
static inline void
util_le_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline void
util_le_put64(unsigned char *p, uint64_t v)
{
	util_le_put32(p, (uint32_t)v);
	util_le_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t
util_le_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
util_le_get64(const unsigned char *p)
{
	return (uint64_t)util_le_get32(p) | (uint64_t)util_le_get32(p + 4) << 32;
}

/* The first position in the ascending a[0..n) whose value is >= v (n when
 * there is none). */
static inline size_t
util_u64_lower_bound(const uint64_t *a, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The position of v in the ascending a[0..n), or -1. */
static inline int64_t
util_u64_find(const uint64_t *a, size_t n, uint64_t v)
{
	size_t i = util_u64_lower_bound(a, n, v);

	return i < n && a[i] == v ? (int64_t)i : -1;
}

#endif
