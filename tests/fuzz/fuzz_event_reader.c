/*
 * fuzz_event_reader.c: arbitrary bytes as an events file (CSV or TSV, plain or
 * gzip), read by event_reader with and without --skip-bad.  Every failure must
 * carry a message; skipping must end; every event returned must format
 * (ev_fmt_tsv) to a TSV row that ev_parse reads back to the same event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "event_reader.h"

/* Reads the whole file; aborts on a broken contract. */
static void
read_all(char *path, int skip)
{
	skip_bad bad = {0};
	rs_err e = {0};
	event ev, back;
	event_reader *r;
	int rc;

	bad.skip = skip;
	if ((r = event_reader_open(&path, 1, &bad, &e)) == NULL) {
		if (e.code == 0 || e.msg[0] == '\0')
			abort();
		return;
	}
	while ((rc = event_reader_next(r, &ev, &e)) == 1) {
		char row[EV_TSV_ROW_MAX + 1], *f[5], *p = row;
		size_t n = ev_fmt_tsv(row, &ev);
		int i;

		if (n == 0 || n > EV_TSV_ROW_MAX || row[n - 1] != '\n')
			abort();
		row[n - 1] = '\0';
		for (i = 0; i < 5; i++) {
			f[i] = p;
			p += strcspn(p, "\t");
			if (*p != '\0')
				*p++ = '\0';
		}
		if (ev_parse(f, ev_tsv_cols, "row", 1, &back, &e) != 0 ||
		    back.ts_ms != ev.ts_ms || back.user != ev.user ||
		    back.item != ev.item || back.type != ev.type ||
		    back.has_txn != ev.has_txn || back.txn != ev.txn)
			abort();
	}
	if (rc != 0 && (e.code == 0 || e.msg[0] == '\0'))
		abort();
	if (skip && rc == EX_DATAERR && bad.n > 0 && bad.first.msg[0] == '\0')
		abort();
	event_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz_event_reader", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	read_all(path, 0);
	read_all(path, 1);
	close(fd);
	return 0;
}
