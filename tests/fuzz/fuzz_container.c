/*
 * fuzz_container.c: the container loader (container_open with
 * CONTAINER_VERIFY) and the matrix loader on top of it.  The input, after
 * its first byte, is the file.  Random bytes rarely carry valid CRC-32s,
 * so when the first byte is odd the harness recomputes the header CRC and
 * every section CRC it can find before writing the file: that lets the
 * fuzzer reach the section table checks and the matrix structure checks
 * behind them.
 *
 * The CRC the loader checks with (crc_update, folded with PCLMULQDQ where
 * the CPU has it) must equal zlib's crc32 on every input: whole, from a
 * start CRC the input gives, and in two pieces cut where it says.
 */
#include "fuzz_common.h"
#include "fuzz_crc.h"

#include <string.h>

#include "container.h"
#include "crc.h"
#include "matrix.h"

/* Where the matrix walk stores what it reads, so nothing is elided. */
static volatile uint64_t fuzz_sink;

static void
check_crc(const uint8_t *data, size_t size)
{
	uint32_t z = (uint32_t)crc32(0, data, (uInt)size);
	uint32_t start = size >= 4 ? rd32(data) : 0;
	size_t cut = size > 0 ? data[0] % (size + 1) : 0;

	if (crc_update(0, data, size) != z ||
	    crc_update(crc_update(0, data, cut), data + cut, size - cut) != z ||
	    crc_update(start, data, size) != (uint32_t)crc32(start, data,
	    (uInt)size))
		abort();   /* a checksum that is not zlib's */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], buf[256];
	uint8_t *copy;
	rs_err e = {0};
	container c;
	csr m;
	int fd;

	check_crc(data, size);
	if (size < 1)
		return 0;
	if ((copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 1)
		fix_crcs(copy, size - 1);
	fd = fuzz_memfile(copy, size - 1, path, sizeof path);
	free(copy);

	if (container_open(&c, path, NULL, 0, CONTAINER_VERIFY, &e) == 0) {
		uint64_t u;
		double d;
		size_t sz;
		const void *p;
		uint32_t i;

		/* Everything a consumer would touch. */
		(void)container_param(&c, "rows", buf, sizeof buf);
		(void)container_param_u64(&c, "nnz", &u, &e);
		(void)container_param_double(&c, "alpha", &d, &e);
		for (i = 0; i < c.nsec; i++) {
			const char *name = (const char *)c.base + 64 + 48 * i;

			p = container_section(&c, name, &sz);
			if (p == NULL || (const uint8_t *)p + sz >
			    c.base + c.size)
				abort();
			if (sz > 0 && ((const uint8_t *)p)[sz - 1] == 0x5a)
				buf[0] ^= 1;   /* touch the last byte */
			(void)container_array(&c, name, 4, SIZE_MAX, &p, &sz, &e);
		}
		container_id(&c, buf);
		container_close(&c);
	} else if (e.code == 0 || e.msg[0] == '\0') {
		abort();   /* a failure must say what is wrong */
	}
	if (matrix_load(&m, path, &e) == 0) {
		size_t r;

		/* Walk the whole matrix as als-fit would: every access the
		 * loader promised is in bounds. */
		for (r = 0; r < m.rows; r++) {
			uint64_t k;

			for (k = m.indptr[r]; k < m.indptr[r + 1]; k++) {
				fuzz_sink += m.col_ids[m.indices[k]] +
				    m.row_ids[r] + (m.data[k] != 0);
			}
		}
		matrix_close(&m);
	}
	close(fd);
	return 0;
}
