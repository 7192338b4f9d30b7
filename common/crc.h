/*
 * crc.h: CRC-32 (zlib's: the IEEE polynomial, reflected, pre- and
 * post-inverted), as every container, store and lineage checksum is.
 *
 * crc_update(crc, p, n) is zlib's crc32(crc, p, n) for any n (no 4 GiB
 * limit), with the same result; start from 0.  Where the CPU has
 * carry-less multiplication (PCLMULQDQ, with SSE4.1) whole 16-byte blocks
 * of inputs of 64 bytes or more are folded with it, several times faster
 * than zlib's tables; the rest, and every input on other CPUs, goes to
 * zlib.
 */
#ifndef RS_CRC_H
#define RS_CRC_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc_update(uint32_t crc, const void *p, size_t n);

/* 1 when crc_update folds with PCLMULQDQ on this CPU (for tests and -v). */
int crc_has_clmul(void);

/* zlib's path alone, whatever the CPU (for tests). */
uint32_t crc_update_zlib(uint32_t crc, const void *p, size_t n);

#endif
