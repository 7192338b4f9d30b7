/* items.c: see items.h. */
#include "items.h"

#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "tsv.h"
#include "util.h"

const char *const items_cols[5] = {
	"item", "category", "root", "available", "ts"
};

static int
grow(items *it, size_t cap)
{
	return util_resize(&it->item, cap, sizeof *it->item) ||
	    util_resize(&it->category, cap, sizeof *it->category) ||
	    util_resize(&it->root, cap, sizeof *it->root) ||
	    util_resize(&it->available, cap, sizeof *it->available) ||
	    util_resize(&it->ts_ms, cap, sizeof *it->ts_ms) ? -1 : 0;
}

int
items_load(items *it, const char *path, rs_err *e)
{
	size_t cap = 0;
	tsv_reader *t;
	char **f;
	int rc;

	memset(it, 0, sizeof *it);
	if (idmap_init(&it->map, 0) != 0)
		return rs_oom(e);
	if ((t = tsv_reader_open(path, items_cols, 5, e)) == NULL) {
		items_free(it);
		return e != NULL ? e->code : EX_NOINPUT;
	}
	while ((rc = tsv_reader_next(t, &f, e)) == 1) {
		uint64_t id, cat, root;
		int64_t ts;
		const char *why;
		size_t i = it->n;

		if ((why = num_u64(f[0], &id)) != NULL) {
			rc = tsv_reader_field_err(t, e, 0, why);
			break;
		}
		if (i > 0 && id <= it->item[i - 1]) {
			rc = tsv_reader_field_err(t, e, 0, id == it->item[i - 1] ?
			    "duplicate item" : "items not sorted by id");
			break;
		}
		if ((why = num_u64(f[1], &cat)) != NULL) {
			rc = tsv_reader_field_err(t, e, 1, why);
			break;
		}
		if ((why = num_u64(f[2], &root)) != NULL) {
			rc = tsv_reader_field_err(t, e, 2, why);
			break;
		}
		if (strcmp(f[3], "0") != 0 && strcmp(f[3], "1") != 0 &&
		    f[3][0] != '\0') {
			rc = tsv_reader_field_err(t, e, 3, "expected 0, 1 or empty");
			break;
		}
		if ((why = num_i64(f[4], &ts)) != NULL) {
			rc = tsv_reader_field_err(t, e, 4, why);
			break;
		}
		if (i == cap) {
			cap = cap ? cap * 2 : 1024;
			if (grow(it, cap) != 0) {
				rc = rs_oom(e);
				break;
			}
		}
		it->item[i] = id;
		it->category[i] = cat;
		it->root[i] = root;
		it->available[i] = f[3][0] == '\0' ? ITEM_AVAIL_UNKNOWN :
		    f[3][0] - '0';
		it->ts_ms[i] = ts;
		if (idmap_put(&it->map, id, NULL) < 0) {
			rc = rs_oom(e);
			break;
		}
		it->n++;
	}
	tsv_reader_close(t);
	if (rc != 0) {
		items_free(it);
		return rc;
	}
	return 0;
}

void
items_free(items *it)
{
	free(it->item);
	free(it->category);
	free(it->root);
	free(it->available);
	free(it->ts_ms);
	idmap_free(&it->map);
	memset(it, 0, sizeof *it);
}

int64_t
items_find(const items *it, uint64_t item)
{
	return it->map.cap != 0 ? idmap_get(&it->map, item) : -1;
}
