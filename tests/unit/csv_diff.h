/*
 * csv_diff.h: reads one CSV file twice, once with csv_reader's fast path
 * and once with libcsv reading every line, and says where the two differ
 * (records, fields, line numbers, blank-line counts, error statuses and
 * messages).  Shared by test_realdata.c and tests/fuzz/fuzz_csv_diff.c.
 */
#ifndef RS_TEST_CSV_DIFF_H
#define RS_TEST_CSV_DIFF_H

#include <stdio.h>
#include <string.h>

#include "csv_reader.h"
#include "infile.h"

/*
 * NULL when the two readings of path (header cols[0..n-1]) agree, else the
 * first difference, in a static buffer.  *records: the records both read;
 * *by_libcsv: how many of them the fast reading left to libcsv.
 */
static const char *
csv_diff(const char *path, const char *const *cols, size_t n,
    uint64_t *records, uint64_t *by_libcsv)
{
	static char why[2 * RS_ERR_MSG + 128];
	csv_reader *c[2];
	rs_err e[2] = {{0, ""}, {0, ""}};
	char **f[2];
	int rc[2], k;
	size_t i;

	*records = *by_libcsv = 0;
	why[0] = '\0';
	for (k = 0; k < 2; k++) {
		if ((c[k] = csv_reader_open(path, &e[k])) == NULL)
			return "cannot open";
		csv_reader_libcsv_only(c[k], k);
		rc[k] = csv_reader_header(c[k], cols, n, &e[k]);
	}
	if (rc[0] != rc[1] || strcmp(e[0].msg, e[1].msg) != 0) {
		snprintf(why, sizeof why, "header: %d \"%s\" vs %d \"%s\"",
		    rc[0], e[0].msg, rc[1], e[1].msg);
		goto out;
	}
	if (rc[0] != 0)
		goto out;
	for (;;) {
		for (k = 0; k < 2; k++) {
			e[k].msg[0] = '\0';
			rc[k] = csv_reader_next(c[k], &f[k], &e[k]);
		}
		if (rc[0] != rc[1] || strcmp(e[0].msg, e[1].msg) != 0 ||
		    csv_reader_lineno(c[0]) != csv_reader_lineno(c[1])) {
			snprintf(why, sizeof why, "record %llu: %d \"%s\" line "
			    "%llu vs %d \"%s\" line %llu",
			    (unsigned long long)*records, rc[0], e[0].msg,
			    (unsigned long long)csv_reader_lineno(c[0]), rc[1],
			    e[1].msg, (unsigned long long)csv_reader_lineno(c[1]));
			goto out;
		}
		if (rc[0] == 1) {
			for (i = 0; i < n; i++)
				if (strcmp(f[0][i], f[1][i]) != 0) {
					snprintf(why, sizeof why, "line %llu "
					    "field %zu: \"%s\" vs \"%s\"",
					    (unsigned long long)
					    csv_reader_lineno(c[0]), i + 1,
					    f[0][i], f[1][i]);
					goto out;
				}
			++*records;
		} else if (rc[0] == 0 || infile_failed(csv_reader_rd(c[0]))) {
			break;
		}
	}
	if (csv_reader_blank_lines(c[0]) != csv_reader_blank_lines(c[1]))
		snprintf(why, sizeof why, "blank lines: %llu vs %llu",
		    (unsigned long long)csv_reader_blank_lines(c[0]),
		    (unsigned long long)csv_reader_blank_lines(c[1]));
	*by_libcsv = csv_reader_libcsv_records(c[0]) - 1;   /* not the header */
out:
	csv_reader_close(c[0]);
	csv_reader_close(c[1]);
	return why[0] != '\0' ? why : NULL;
}

#endif
