/*
 * fuzz_line.c: the TSV line protocol of rec-serve (serve_line.c) over the
 * fuzz_serve.h store.  The input follows a first request line "7\n", so
 * the connection is always in line mode, and is split into two reads at
 * a point its first byte chooses.
 */
#include "fuzz_serve.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;

	if (!ready)
		setup();
	if ((buf = malloc(size + 2)) == NULL)
		return 0;
	buf[0] = '7';
	buf[1] = '\n';
	memcpy(buf + 2, data, size);
	fuzz_conn(buf, size + 2, size > 0 ? 2 + data[0] % (size + 1) : 2);
	free(buf);
	return 0;
}
