/* test_cattree.c: the category tree of common/cattree.c: roots, a
 * duplicate, a missing parent, cycles (and how they are shown), and the
 * file reader's header and field errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cattree.h"
#include "t.h"

static cattree_rec
rec(uint64_t id, int has_parent, uint64_t parent, uint64_t line)
{
	cattree_rec r = {id, parent, line, has_parent};

	return r;
}

static void
test_tree(void)
{
	/* Children before parents, two roots, a chain of three. */
	cattree_rec r[] = {
		rec(6, 1, 3, 2), rec(1, 0, 0, 3), rec(2, 1, 1, 4),
		rec(3, 1, 2, 5), rec(4, 0, 0, 6), rec(5, 1, 4, 7)
	};
	cattree t;
	rs_err e = {0};
	uint64_t root = 0;

	CHECK(cattree_build(&t, r, 6, "t.csv", &e) == 0);
	CHECK(t.n == 6 && t.nroots == 2);
	CHECK(cattree_root(&t, 6, &root) == 0 && root == 1);
	CHECK(cattree_root(&t, 3, &root) == 0 && root == 1);
	CHECK(cattree_root(&t, 1, &root) == 0 && root == 1);
	CHECK(cattree_root(&t, 5, &root) == 0 && root == 4);
	CHECK(cattree_root(&t, 7, &root) == -1);
	cattree_free(&t);
}

static void
test_tree_errors(void)
{
	cattree_rec dup[] = {rec(1, 0, 0, 2), rec(2, 1, 1, 3), rec(2, 0, 0, 4)};
	cattree_rec orphan[] = {rec(1, 0, 0, 2), rec(3, 1, 42, 3)};
	cattree_rec cyc[] = {rec(1, 0, 0, 2), rec(7, 1, 9, 3), rec(8, 1, 7, 4),
	    rec(9, 1, 8, 5), rec(10, 1, 7, 6)};
	cattree_rec self[] = {rec(5, 1, 5, 2)};
	cattree_rec ring[12];
	cattree t;
	rs_err e = {0};
	int i;

	CHECK(cattree_build(&t, dup, 3, "t.csv", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "t.csv:4: category 2: duplicate (first at line 3)");
	CHECK(cattree_build(&t, orphan, 2, "t.csv", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "t.csv:3: category 3: parent 42 is not in the tree");
	CHECK(cattree_build(&t, cyc, 5, "t.csv", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "t.csv:3: category 7: cycle in the tree: "
	    "7 -> 9 -> 8 -> 7");
	CHECK(cattree_build(&t, self, 1, "t.csv", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "t.csv:2: category 5: cycle in the tree: 5 -> 5");
	/* A long cycle is cut in the message. */
	for (i = 0; i < 12; i++)
		ring[i] = rec(100 + i, 1, 100 + (i + 1) % 12, 2 + i);
	CHECK(cattree_build(&t, ring, 12, "t.csv", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "t.csv:2: category 100: cycle in the tree: 100 -> "
	    "101 -> 102 -> 103 -> 104 -> 105 -> 106 -> 107 -> 108 -> ...");
	CHECK(cattree_build(&t, ring, 0, "t.csv", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "t.csv: no categories");
}

/* cattree_load of text written to a temporary file: its status, and the
 * message with the file's name cut off. */
static int
load(const char *text, cattree *t, rs_err *e)
{
	char path[] = "/tmp/test_cattree.XXXXXX";
	int fd = mkstemp(path), rc;

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	rc = cattree_load(t, path, e);
	unlink(path);
	/* Messages name the file: keep only what follows it. */
	if (rc != 0 && strncmp(e->msg, path, strlen(path)) == 0)
		memmove(e->msg, e->msg + strlen(path),
		    strlen(e->msg + strlen(path)) + 1);
	return rc;
}

static void
test_load(void)
{
	cattree t;
	rs_err e = {0};
	uint64_t root = 0;

	CHECK(load("categoryid,parentid\r\n5,1\n1,\n\n7,5\n", &t, &e) == 0);
	CHECK(t.n == 3 && t.nroots == 1);
	CHECK(cattree_root(&t, 7, &root) == 0 && root == 1);
	cattree_free(&t);
	CHECK(load("categoryid,parent\n1,\n", &t, &e) == EX_DATAERR);
	CHECK(strstr(e.msg, "parentid") != NULL);
	CHECK(load("categoryid,parentid\n1,\nx2,1\n", &t, &e) == EX_DATAERR);
	CHECK(strncmp(e.msg, ":3: field 1 (categoryid): ", 26) == 0);
	CHECK(load("categoryid,parentid\n1,\n2,-1\n", &t, &e) == EX_DATAERR);
	CHECK(strncmp(e.msg, ":3: field 2 (parentid): ", 24) == 0);
	CHECK(load("categoryid,parentid\n2,1\n", &t, &e) == EX_DATAERR);
	CHECK_STR(e.msg, ":2: category 2: parent 1 is not in the tree");
	CHECK(load("categoryid,parentid\n", &t, &e) == EX_DATAERR);
	CHECK_STR(e.msg, ": no categories");
}

int
main(void)
{
	test_tree();
	test_tree_errors();
	test_load();
	return t_done();
}
