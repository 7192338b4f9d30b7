/*
 * items.h: the catalogue snapshot (items TSV), as catalog-snapshot writes
 * it and pop-rank, ev-filter --items, rec-blend and rec-eval read it.
 *
 * Columns: item category root available ts.  Sorted by item id, ids unique;
 * available is "0", "1" or empty (no record before the snapshot time); ts is
 * the epoch-ms timestamp of the category record used.
 */
#ifndef RS_ITEMS_H
#define RS_ITEMS_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"
#include "idmap.h"

extern const char *const items_cols[5];

#define ITEM_AVAIL_UNKNOWN (-1)

typedef struct items {
	size_t n;
	uint64_t *item;      /* ascending */
	uint64_t *category;
	uint64_t *root;
	int8_t *available;   /* 0, 1 or ITEM_AVAIL_UNKNOWN */
	int64_t *ts_ms;
	idmap map;           /* item id -> index into the arrays */
} items;

/* Loads an items TSV; rows must be in ascending unique item order. */
int items_load(items *it, const char *path, rs_err *e);
void items_free(items *it);
/* Index of item id, or -1 when the item is not in the snapshot. */
int64_t items_find(const items *it, uint64_t item);

#endif
