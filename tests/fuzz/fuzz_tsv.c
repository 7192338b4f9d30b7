/*
 * fuzz_tsv.c: the TSV reader (infile + tsv_reader, plain or gzip) with the events
 * validator, and the items loader.  The first byte picks which; the rest
 * is the file.  Bad rows are skipped as --skip-bad would.
 */
#include "fuzz_common.h"

#include <string.h>

#include "events.h"
#include "items.h"
#include "tsv.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], **f;
	rs_err e = {0};
	event ev;
	int fd, rc;

	if (size < 1)
		return 0;
	fd = fuzz_memfile(data + 1, size - 1, path, sizeof path);
	if (data[0] & 1) {
		items it;

		if (items_load(&it, path, &e) == 0) {
			size_t i;

			for (i = 0; i < it.n; i++)
				if (items_find(&it, it.item[i]) != (int64_t)i)
					abort();
			items_free(&it);
		} else if (e.msg[0] == '\0') {
			abort();   /* an error must say what is wrong */
		}
	} else {
		tsv_reader *t = tsv_reader_open(path, ev_tsv_cols, 5, &e);

		if (t != NULL) {
			for (;;) {
				uint64_t before = tsv_reader_lineno(t);

				rc = tsv_reader_next(t, &f, &e);
				if (rc == 0)
					break;
				if (rc == 1) {
					if (ev_parse(f, ev_tsv_cols,
					    tsv_reader_name(t), tsv_reader_lineno(t), &ev,
					    &e) != 0)
						(void)tsv_reader_field_err(t, &e, 4,
						    "x");
					continue;
				}
				if (rc != EX_DATAERR ||
				    strstr(e.msg, "gzip") != NULL ||
				    strstr(e.msg, "longer than") != NULL)
					break;
				/* A bad row is skipped, as --skip-bad
				 * does: the reader must have moved on. */
				if (tsv_reader_lineno(t) == before)
					abort();
			}
			tsv_reader_close(t);
		}
	}
	close(fd);
	return 0;
}
