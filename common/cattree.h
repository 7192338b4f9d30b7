/*
 * cattree.h: the category tree of the Retailrocket dump.
 *
 * category_tree.csv, "categoryid,parentid" (an empty parent marks a root),
 * is loaded whole, checked (no duplicate category, no unknown parent, no
 * cycle) and every category resolved to its top ancestor, so that
 * cattree_root answers in one lookup.  The catalogue snapshot (catalog.h)
 * files each item under the root of its category.
 */
#ifndef RS_CATTREE_H
#define RS_CATTREE_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"
#include "idmap.h"

extern const char *const cattree_cols[2];   /* categoryid,parentid */

typedef struct cattree {
	size_t n;            /* categories */
	size_t nroots;
	uint64_t *id;        /* in file order */
	uint64_t *root;      /* top ancestor of id[i]; id[i] for a root */
	idmap map;           /* category id -> index into id[] and root[] */
} cattree;

/* One record of the tree file. */
typedef struct cattree_rec {
	uint64_t id;
	uint64_t parent;     /* when has_parent */
	uint64_t line;       /* where it was read, for messages */
	int has_parent;      /* 0: a root */
} cattree_rec;

/*
 * Builds the tree from the n records of file rec[].  EX_DATAERR naming the
 * file, line and category for a duplicate category, a parent that is not
 * in the tree, or a cycle (the message shows it: "7 -> 9 -> 7").  No
 * record at all is an error too.
 */
int cattree_build(cattree *t, const cattree_rec *rec, size_t n,
    const char *file, rs_err *e);

/*
 * Reads category_tree.csv (plain or gzip) and builds the tree.  Bad rows
 * are errors naming file and line: the tree is small, and a tree with a
 * hole would silently drop or misfile items.
 */
int cattree_load(cattree *t, const char *path, rs_err *e);

/* Sets *root to the top ancestor of cat and returns 0, or -1 when cat is
 * not in the tree. */
int cattree_root(const cattree *t, uint64_t cat, uint64_t *root);

void cattree_free(cattree *t);

#endif
