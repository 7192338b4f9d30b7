/*
 * fuzz_eval_recs.c: the recs rows of rec-eval (eval_lists_read, with its
 * one-pass fast path and its fallback) on arbitrary bytes after a valid
 * header.  Every input is either read, with lists that keep their
 * invariants, or refused as bad data with a message; never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "eval.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char head[] = "user\trank\titem\tscore\n";
	static eval_truth t;
	static int ready;
	char path[64];
	eval_lists l;
	rs_err e = {0};
	size_t u, i, j;
	int fd, rc;

	if (!ready) {
		/* Test users 1, 2 and 3; 1 and 3 have history. */
		if (eval_truth_init(&t) != 0 ||
		    eval_truth_add_cart(&t, 1, 10) != 0 ||
		    eval_truth_add_cart(&t, 2, 11) != 0 ||
		    eval_truth_add_cart(&t, 3, 12) != 0 ||
		    eval_truth_finish(&t) != 0)
			abort();
		eval_truth_mark_history(&t, 1);
		eval_truth_mark_history(&t, 3);
		ready = 1;
	}
	if ((fd = memfd_create("recs", 0)) < 0)
		abort();
	if (write(fd, head, sizeof head - 1) != (ssize_t)(sizeof head - 1) ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	rc = eval_lists_read(&l, &t, path, 3, size % 2, &e);
	close(fd);
	if (rc != 0) {
		if (rc != EX_DATAERR || e.msg[0] == '\0')
			abort();
		return 0;
	}
	for (u = 0; u < l.nusers; u++) {
		if (l.len[u] > l.K)
			abort();
		for (i = 0; i < l.len[u]; i++)
			for (j = 0; j < i; j++)
				if (l.item[u * l.K + i] == l.item[u * l.K + j])
					abort();
	}
	eval_lists_free(&l);
	return 0;
}
