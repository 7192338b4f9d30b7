/*
 * fuzz_csv.c: the raw CSV reader (infile + csv_reader, plain or gzip) and the event
 * validator.  The first byte picks the expected header (events, category
 * tree, or a generic two-column one); the rest is the file.  Bad records
 * are skipped as --skip-bad would, so the reader's recovery after an error
 * is exercised too, and a reader that stops making progress is a finding.
 */
#include "fuzz_common.h"

#include "csv_reader.h"
#include "events.h"

static const char *const tree_cols[] = {"categoryid", "parentid"};
static const char *const ab_cols[] = {"a", "b"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *cols;
	size_t ncols;
	char path[64], **f;
	rs_err e = {0};
	csv_reader *c;
	event ev;
	int fd, rc;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		cols = ev_csv_cols;
		ncols = 5;
		break;
	case 1:
		cols = tree_cols;
		ncols = 2;
		break;
	default:
		cols = ab_cols;
		ncols = 2;
		break;
	}
	fd = fuzz_memfile(data + 1, size - 1, path, sizeof path);
	c = csv_reader_open(path, &e);
	if (c == NULL)
		abort();
	if (csv_reader_header(c, cols, ncols, &e) == 0) {
		for (;;) {
			uint64_t before = csv_reader_lineno(c);

			rc = csv_reader_next(c, &f, &e);
			if (rc == 0)
				break;
			if (rc == 1) {
				if (ncols == 5)
					(void)ev_parse(f, cols, csv_reader_name(c),
					    csv_reader_lineno(c), &ev, &e);
				continue;
			}
			if (rc != EX_DATAERR || e.msg[0] == '\0')
				break;
			/* A gzip or line-length error does not go away. */
			if (strstr(e.msg, "gzip") != NULL ||
			    strstr(e.msg, "longer than") != NULL)
				break;
			/* A bad record is skipped, as --skip-bad does: the
			 * reader must have moved on (to a record starting on
			 * a later line). */
			if (csv_reader_lineno(c) <= before)
				abort();
		}
	}
	csv_reader_close(c);
	close(fd);
	return 0;
}
