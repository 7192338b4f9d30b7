/*
 * idmap.h: uint64 id -> dense uint32 index, for millions of ids.
 *
 * Open addressing with linear probing over two parallel arrays (8-byte key,
 * 4-byte value), kept at most 70% full: about 17-34 bytes per id.  Indices
 * are handed out densely, 0, 1, 2, ... in order of first insertion, so the
 * caller can keep per-id data in plain arrays indexed by them.
 */
#ifndef RS_IDMAP_H
#define RS_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct idmap {
	uint64_t *keys;
	uint32_t *vals;      /* UINT32_MAX marks an empty slot */
	size_t cap;          /* power of two */
	size_t len;          /* ids held = next index to hand out */
} idmap;

/* 0, or -1 when out of memory.  hint: expected number of ids (may be 0). */
int idmap_init(idmap *m, size_t hint);
void idmap_free(idmap *m);

/* The index of key, inserting it with index m->len if absent; -1 when out
 * of memory or when 2^32-1 ids are already held.  *added (may be NULL) is
 * set to 1 when the key was new. */
int64_t idmap_put(idmap *m, uint64_t key, int *added);
/* The index of key, or -1. */
int64_t idmap_get(const idmap *m, uint64_t key);

#endif
