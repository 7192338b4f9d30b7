/*
 * catalog.h: the catalogue as of a time, from the raw Retailrocket files.
 *
 * The category tree is cattree.h's; each item is filed under the root of
 * its category.  The item properties (item_properties_part*.csv,
 * "timestamp,itemid,property,value") are streamed: only "categoryid" and
 * "available" rows older than the snapshot time matter, and per item only
 * the latest of each is kept, so memory grows with the number of items, not
 * with the ~20M rows.  The result is the items TSV of items.h.
 */
#ifndef RS_CATALOG_H
#define RS_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "skip_bad.h"
#include "rs_err.h"
#include "idmap.h"
#include "cattree.h"

extern const char *const props_cols[4];     /* timestamp,itemid,... */

/* What the snapshot keeps of one item. */
typedef struct catalog_item {
	uint64_t item;
	uint64_t category;   /* of the latest categoryid record, if has_cat */
	uint64_t root;       /* set by catalog_finish */
	int64_t cat_ts;      /* its time */
	int64_t avail_ts;    /* time of the latest available record */
	int8_t avail;        /* its value, or ITEM_AVAIL_UNKNOWN (items.h) */
	uint8_t has_cat;
} catalog_item;

typedef struct catalog {
	int64_t at_ms;       /* records with ts < at_ms count */
	idmap map;           /* item id -> index into it[] */
	catalog_item *it;
	size_t n, cap;
	size_t last;         /* index of the item last looked up */
	/* counts of data rows */
	uint64_t rows;             /* read, every property, good or bad */
	uint64_t rows_category;    /* categoryid rows before at_ms */
	uint64_t rows_available;   /* available rows before at_ms */
	uint64_t rows_late;        /* categoryid/available rows at or after */
} catalog;

/* What catalog_finish did with the items seen. */
typedef struct catalog_stats {
	size_t items;              /* written */
	size_t no_category;        /* only available records before at_ms */
	size_t not_in_tree;        /* category missing from the tree */
	size_t missing_categories; /* distinct such categories */
} catalog_stats;

/* 0, or EX_SOFTWARE when out of memory. */
int catalog_init(catalog *s, int64_t at_ms, rs_err *e);
void catalog_free(catalog *s);

/*
 * Takes one property record (the four fields of a row, as read from line
 * of file): validates timestamp and item id of every row, the value of
 * categoryid ("unsigned id") and available ("0" or "1") rows, and keeps
 * the record if it is the item's latest before at_ms.  Equal times: the
 * later record wins.  EX_DATAERR "file:line: field N (name): why".
 */
int catalog_add(catalog *s, char *const *f, const char *file,
    unsigned long long line, rs_err *e);

/* Called every CATSNAP_PROGRESS_ROWS rows when given to catalog_read. */
#define CATSNAP_PROGRESS_ROWS (1u << 22)
typedef void catalog_progress(void *arg, const char *file, uint64_t rows,
    uint64_t bytes);

/*
 * Streams one property file (path, "-" for stdin; plain or gzip) into s:
 * checks its header, then catalog_add for each row.  Bad rows go through
 * bad (may be NULL; see skip_bad.h).  progress may be NULL.
 */
int catalog_read(catalog *s, const char *path, skip_bad *bad,
    catalog_progress *progress, void *arg, rs_err *e);

/*
 * catalog_read of each of paths[0..n-1] in turn, with the same snapshot,
 * counts, bad rows and first error, but the files split between two
 * threads when there are several: the second half is read into a snapshot
 * of its own and merged in after the first, so a later file still wins on
 * equal times.  With progress, or with "-" given twice, the files are read
 * one after the other.
 */
int catalog_read_all(catalog *s, char *const *paths, size_t n, skip_bad *bad,
    catalog_progress *progress, void *arg, rs_err *e);

/*
 * Ends the snapshot: drops items without a category record and items whose
 * category is not in t (counted in st), sets each root, and sorts the rest
 * by item id.  After it only catalog_write and catalog_free may be called.
 */
int catalog_finish(catalog *s, const cattree *t, catalog_stats *st,
    rs_err *e);

/* Writes the items TSV (header and rows) of a finished snapshot. */
void catalog_write(const catalog *s, FILE *fp);

#endif
