/*
 * fuzz_crc.h: for the harnesses of container-based loaders.  Random bytes
 * rarely carry valid CRC-32s, so fix_crcs recomputes the header CRC, the
 * recorded file size and every section CRC it can find: that lets the
 * fuzzer reach the checks behind the checksums.
 */
#ifndef RS_FUZZ_CRC_H
#define RS_FUZZ_CRC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "container.h"

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Makes the checksums of b[0..n) right where the layout allows it, and
 * the recorded file size too. */
static void
fix_crcs(uint8_t *b, size_t n)
{
	uint32_t nsec, plen, i;
	size_t hlen;

	if (n < 64)
		return;
	b[24] = (uint8_t)n;
	b[25] = (uint8_t)(n >> 8);
	b[26] = (uint8_t)(n >> 16);
	b[27] = (uint8_t)(n >> 24);
	memset(b + 28, 0, 4);
	nsec = rd32(b + 20);
	plen = rd32(b + 32);
	if (nsec > CONTAINER_MAX_SECTIONS)
		return;
	hlen = 64 + 48 * (size_t)nsec + plen;
	if (hlen > n)
		return;
	for (i = 0; i < nsec; i++) {
		uint8_t *ent = b + 64 + 48 * i;
		uint64_t off = rd64(ent + 24), sz = rd64(ent + 32);

		if (off <= n && sz <= n - off)
			wr32(ent + 40, (uint32_t)crc32(0, b + off, (uInt)sz));
	}
	wr32(b + 36, 0);
	wr32(b + 36, (uint32_t)crc32(0, b, (uInt)hlen));
}

#endif
