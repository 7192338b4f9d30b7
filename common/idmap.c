/* idmap.c: see idmap.h. */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY UINT32_MAX

static size_t
slot_of(uint64_t key, size_t cap)
{
	/* A 64-bit mix (from splitmix64) so sequential ids spread out. */
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebULL;
	key ^= key >> 31;
	return (size_t)key & (cap - 1);
}

static int
alloc_table(idmap *m, size_t cap)
{
	m->keys = malloc(cap * sizeof *m->keys);
	m->vals = malloc(cap * sizeof *m->vals);
	if (m->keys == NULL || m->vals == NULL) {
		free(m->keys);
		free(m->vals);
		return -1;
	}
	memset(m->vals, 0xff, cap * sizeof *m->vals);
	m->cap = cap;
	return 0;
}

int
idmap_init(idmap *m, size_t hint)
{
	size_t cap = 64;

	memset(m, 0, sizeof *m);
	while (cap * 7 / 10 < hint)
		cap *= 2;
	return alloc_table(m, cap);
}

void
idmap_free(idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static int
grow(idmap *m)
{
	idmap old = *m;
	size_t i;

	if (alloc_table(m, old.cap * 2) != 0) {
		*m = old;
		return -1;
	}
	for (i = 0; i < old.cap; i++) {
		size_t s;

		if (old.vals[i] == EMPTY)
			continue;
		s = slot_of(old.keys[i], m->cap);
		while (m->vals[s] != EMPTY)
			s = (s + 1) & (m->cap - 1);
		m->keys[s] = old.keys[i];
		m->vals[s] = old.vals[i];
	}
	free(old.keys);
	free(old.vals);
	return 0;
}

int64_t
idmap_put(idmap *m, uint64_t key, int *added)
{
	size_t s;

	if (added != NULL)
		*added = 0;
	if ((m->len + 1) * 10 > m->cap * 7 && grow(m) != 0)
		return -1;
	s = slot_of(key, m->cap);
	while (m->vals[s] != EMPTY) {
		if (m->keys[s] == key)
			return m->vals[s];
		s = (s + 1) & (m->cap - 1);
	}
	if (m->len >= EMPTY)
		return -1;
	m->keys[s] = key;
	m->vals[s] = (uint32_t)m->len;
	if (added != NULL)
		*added = 1;
	return (int64_t)m->len++;
}

int64_t
idmap_get(const idmap *m, uint64_t key)
{
	size_t s = slot_of(key, m->cap);

	while (m->vals[s] != EMPTY) {
		if (m->keys[s] == key)
			return m->vals[s];
		s = (s + 1) & (m->cap - 1);
	}
	return -1;
}
