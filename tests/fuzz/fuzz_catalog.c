/*
 * fuzz_catalog.c: arbitrary bytes as a category tree and a property file
 * (split at the first "\n--\n"; no split: the same bytes for both).  The
 * tree either fails with a message or resolves every category to a root
 * that is one; the snapshot either fails with a message or gives items in
 * strictly ascending order whose categories are in the tree, with their
 * roots.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "catalog.h"

/* A /proc path to a memory file holding data[0..size). */
static int
mem_file(const uint8_t *data, size_t size, char *path, size_t pathsz)
{
	int fd = memfd_create("fuzz_catalog", 0);

	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}

static void
check_tree(const cattree *t)
{
	uint64_t root, rr;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (cattree_root(t, t->id[i], &root) != 0 ||
		    cattree_root(t, root, &rr) != 0 || rr != root)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memmem(data, size, "\n--\n", 4);
	size_t tsize = sep != NULL ? (size_t)(sep - data) + 1 : size;
	const uint8_t *props = sep != NULL ? sep + 4 : data;
	size_t psize = sep != NULL ? size - tsize - 3 : size;
	char tpath[64], ppath[64];
	int tfd, pfd;
	skip_bad bad = {1, 0, {0, ""}};
	catalog_stats st;
	catalog s;
	cattree t;
	rs_err e = {0};
	size_t i;

	if ((tfd = mem_file(data, tsize, tpath, sizeof tpath)) < 0)
		return 0;
	if ((pfd = mem_file(props, psize, ppath, sizeof ppath)) < 0) {
		close(tfd);
		return 0;
	}
	if (cattree_load(&t, tpath, &e) != 0) {
		if (e.code == 0 || e.msg[0] == '\0')
			abort();
		goto out;
	}
	check_tree(&t);
	if (catalog_init(&s, INT64_MAX, &e) != 0)
		abort();
	if (catalog_read(&s, ppath, &bad, NULL, NULL, &e) != 0) {
		if (e.code == 0 || e.msg[0] == '\0')
			abort();
	} else if (catalog_finish(&s, &t, &st, &e) == 0) {
		for (i = 0; i < s.n; i++) {
			uint64_t root;

			if ((i > 0 && s.it[i - 1].item >= s.it[i].item) ||
			    cattree_root(&t, s.it[i].category, &root) != 0 ||
			    root != s.it[i].root)
				abort();
		}
	}
	catalog_free(&s);
	cattree_free(&t);
out:
	close(tfd);
	close(pfd);
	return 0;
}
