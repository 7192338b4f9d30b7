/*
 * radix.h: LSD radix sort of 64-bit keys, for the millions of interaction
 * keys the matrix and popularity builders sort (several times faster than
 * qsort, and stable).
 */
#ifndef RS_RADIX_H
#define RS_RADIX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sorts keys[0..n-1] ascending.  When vals is not NULL, vals[i] moves with
 * keys[i] (the sort is stable, so equal keys keep their input order).
 * It works on 11-bit digits, and skips a digit that every key shares, so
 * keys that use only their low 40 bits cost 4 passes, and 21-bit ids 2.
 * Uses O(n) scratch memory; returns 0, or -1 when out of memory (keys and
 * vals unchanged).
 */
int radix_sort_u64(uint64_t *keys, uint32_t *vals, size_t n);

#endif
