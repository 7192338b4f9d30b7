/*
 * fuzz_csv_diff.c: the differential harness of csv_reader.  The same bytes
 * are read with the fast path and with libcsv reading every line
 * (csv_reader_libcsv_only); the two must give identical records, fields,
 * line numbers, empty-line counts and errors (status and message).  The
 * first byte picks the column count (1 to 6) of the header "c1,c2,...",
 * which is written before the rest of the input, so that most inputs get
 * past the header to the records.
 */
#include "fuzz_common.h"

#include "../unit/csv_diff.h"

static const char *const cols[] = {"c1", "c2", "c3", "c4", "c5", "c6"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], *buf;
	uint64_t recs, slow;
	const char *why;
	size_t ncols, hl = 0, i;
	int fd;

	if (size < 1)
		return 0;
	ncols = 1 + data[0] % 6;
	if ((buf = malloc(size + 32)) == NULL)
		abort();
	for (i = 0; i < ncols; i++)
		hl += (size_t)sprintf(buf + hl, "%s%s", i ? "," : "", cols[i]);
	buf[hl++] = '\n';
	memcpy(buf + hl, data + 1, size - 1);
	fd = fuzz_memfile((const uint8_t *)buf, hl + size - 1, path,
	    sizeof path);
	free(buf);
	why = csv_diff(path, cols, ncols, &recs, &slow);
	close(fd);
	if (why != NULL) {
		fprintf(stderr, "fast path and libcsv differ: %s\n", why);
		abort();
	}
	return 0;
}
