/*
 * fuzz_model.c: the ALS model loader (als_model_load).  The input, after
 * its first byte, is the file; when that byte is odd the CRCs are fixed
 * first (fuzz_crc.h) so the structure checks behind them are reached.  A
 * model that loads is walked whole: every id and factor it promised is in
 * bounds.
 */
#include "fuzz_common.h"
#include "fuzz_crc.h"

#include "als.h"

static volatile float fuzz_sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	uint8_t *copy;
	rs_err e = {0};
	als_model m;
	int fd;

	if (size < 1 || (copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 1)
		fix_crcs(copy, size - 1);
	fd = fuzz_memfile(copy, size - 1, path, sizeof path);
	free(copy);
	memset(&m, 0, sizeof m);
	if (als_model_load(&m, path, &e) == 0) {
		size_t i;

		for (i = 0; i < m.users * m.factors; i++)
			fuzz_sink += m.user_factors[i];
		for (i = 0; i < m.items * m.factors; i++)
			fuzz_sink += m.item_factors[i];
		for (i = 0; i < m.users; i++)
			fuzz_sink += (float)(m.user_ids[i] & 1);
		for (i = 0; i < m.items; i++)
			fuzz_sink += (float)(m.item_ids[i] & 1);
		als_model_free(&m);
	} else if (e.code == 0 || e.msg[0] == '\0') {
		abort();   /* a failure must say what is wrong */
	}
	close(fd);
	return 0;
}
