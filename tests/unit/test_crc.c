/* test_crc.c: crc_update gives zlib's crc32 for every length, alignment
 * and starting value, on the folding path and on zlib's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crc.h"
#include "t.h"

/* zlib's crc32 over n bytes (n < 4 GiB here). */
static uint32_t
ref(uint32_t crc, const unsigned char *p, size_t n)
{
	return (uint32_t)crc32(crc, p, (uInt)n);
}

int
main(void)
{
	static unsigned char buf[70000];
	size_t n, off, bad = 0, i;
	uint32_t c;

	srand(7);
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)rand();
	/* Known values: the standard check value and an empty input. */
	CHECK(crc_update(0, "123456789", 9) == 0xcbf43926u);
	CHECK(crc_update(0, buf, 0) == 0 && crc_update(5, NULL, 0) == 5);
	/* Every length to 1100 (the folding path starts at 64, then the
	 * 16-byte blocks and a tail of 0 to 15), at 0 to 15 bytes of
	 * misalignment, from a random register. */
	for (n = 0; n <= 1100; n++)
		for (off = 0; off < 16; off++) {
			uint32_t c0 = (uint32_t)rand() * 2654435761u;

			if (crc_update(c0, buf + off, n) != ref(c0, buf + off,
			    n) || crc_update_zlib(c0, buf + off, n) !=
			    ref(c0, buf + off, n))
				bad++;
		}
	CHECK(bad == 0);
	/* A long input, in one call and in uneven pieces. */
	c = 0;
	for (off = 0; off < sizeof buf; off += n) {
		n = (off * 7 + 13) % 3001;
		if (n > sizeof buf - off)
			n = sizeof buf - off;
		c = crc_update(c, buf + off, n);
	}
	CHECK(c == ref(0, buf, sizeof buf));
	CHECK(crc_update(0, buf, sizeof buf) == ref(0, buf, sizeof buf));
	/* Every bit matters. */
	buf[40000] ^= 0x10;
	CHECK(crc_update(0, buf, sizeof buf) != c);
	if (!crc_has_clmul())
		fprintf(stderr, "test_crc: no PCLMULQDQ here: zlib's path "
		    "only\n");
	return t_done();
}
