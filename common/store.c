/* store.c: see store.h; the layout is recsys-recsdb(5). */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "items.h"
#include "num.h"
#include "poptsv.h"
#include "recs.h"

/* ---- opening ---- */

static int
open_idx(const store *s, store_idx *ix, const char *ids, const char *bkt,
    unsigned shift, rs_err *e)
{
	const void *p;

	if (container_array(&s->c, ids, 8, SIZE_MAX, &p, &ix->n, e) != 0)
		return EX_DATAERR;
	ix->id = p;
	if (container_array(&s->c, bkt, 4, STORE_BUCKETS + 1, &p, NULL, e) != 0)
		return EX_DATAERR;
	ix->bucket = p;
	ix->shift = shift;
	if (ix->bucket[STORE_BUCKETS] != ix->n)
		return rs_errf(e, EX_DATAERR, "%s: section \"%s\" does not end "
		    "at %zu ids", s->c.path, bkt, ix->n);
	return 0;
}

static int
param_range(const store *s, const char *key, uint64_t min, uint64_t max,
    uint64_t *v, rs_err *e)
{
	if (container_param_u64(&s->c, key, v, e) != 0)
		return EX_DATAERR;
	if (*v < min || *v > max)
		return rs_errf(e, EX_DATAERR, "%s: parameter %s=%llu out of "
		    "range (%llu to %llu)", s->c.path, key,
		    (unsigned long long)*v, (unsigned long long)min,
		    (unsigned long long)max);
	return 0;
}

/* The linear checks of STORE_VERIFY: sorted ids, monotone offsets. */
static int
verify_layout(const store *s, rs_err *e)
{
	const store_idx *ix[2] = { &s->items, &s->users };
	size_t i, k;

	for (k = 0; k < 2; k++) {
		for (i = 1; i < ix[k]->n; i++)
			if (ix[k]->id[i] <= ix[k]->id[i - 1])
				return rs_errf(e, EX_DATAERR, "%s: %s ids not "
				    "ascending at %zu", s->c.path,
				    k ? "user" : "item", i);
		for (i = 0; i < STORE_BUCKETS; i++)
			if (ix[k]->bucket[i] > ix[k]->bucket[i + 1] ||
			    (ix[k]->bucket[i] < ix[k]->n &&
			    ix[k]->id[ix[k]->bucket[i]] >> ix[k]->shift < i))
				return rs_errf(e, EX_DATAERR, "%s: %s bucket "
				    "%zu inconsistent", s->c.path,
				    k ? "user" : "item", i);
	}
	for (i = 0; i < s->items.n; i++)
		if (s->item_cat[i] >= s->n_cats)
			return rs_errf(e, EX_DATAERR, "%s: item %zu: category "
			    "index out of range", s->c.path, i);
	for (i = 0; i < s->n_cats; i++)
		if (s->cat_off[i] > s->cat_off[i + 1] ||
		    s->cat_off[i + 1] - s->cat_off[i] > s->list_len)
			return rs_errf(e, EX_DATAERR, "%s: category %zu: bad "
			    "list offsets", s->c.path, i);
	for (i = 0; i < s->users.n; i++)
		if (s->user_off[i] > s->user_off[i + 1] ||
		    s->user_off[i + 1] - s->user_off[i] > s->list_len)
			return rs_errf(e, EX_DATAERR, "%s: user %zu: bad "
			    "list offsets", s->c.path, i);
	return 0;
}

int
store_open(store *s, const char *path, int flags, rs_err *e)
{
	uint64_t v, ishift, ushift;
	const void *p;
	size_t n;
	char built[64];
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = container_open(&s->c, path, STORE_KIND, STORE_VERSION,
	    (flags & STORE_VERIFY) ? CONTAINER_VERIFY : 0, e)) != 0)
		return rc;
	if (param_range(s, "list_len", 1, STORE_MAX_LIST, &v, e) != 0)
		goto bad;
	s->list_len = (size_t)v;
	if (param_range(s, "last_items", 1, STORE_MAX_LAST, &v, e) != 0)
		goto bad;
	s->last_items = (size_t)v;
	if (param_range(s, "item_shift", 0, 48, &ishift, e) != 0 ||
	    param_range(s, "user_shift", 0, 48, &ushift, e) != 0)
		goto bad;
	if (open_idx(s, &s->items, "item_id", "item_bkt", (unsigned)ishift,
	    e) != 0)
		goto bad;
	if (container_array(&s->c, "item_cat", 4, s->items.n, &p, NULL, e) != 0)
		goto bad;
	s->item_cat = p;
	if (container_array(&s->c, "cat_id", 8, SIZE_MAX, &p, &s->n_cats, e) != 0)
		goto bad;
	s->cat_id = p;
	if (container_array(&s->c, "cat_off", 4, s->n_cats + 1, &p, NULL, e) != 0)
		goto bad;
	s->cat_off = p;
	if (container_array(&s->c, "cat_pop", 8, SIZE_MAX, &p, &s->n_cat_pop,
	    e) != 0)
		goto bad;
	s->cat_pop = p;
	if (container_array(&s->c, "global", 8, SIZE_MAX, &p, &n, e) != 0)
		goto bad;
	s->global = p;
	s->n_global = n < s->list_len ? n : s->list_len;
	if (open_idx(s, &s->users, "user_id", "user_bkt", (unsigned)ushift,
	    e) != 0)
		goto bad;
	if (container_array(&s->c, "user_off", 8, s->users.n + 1, &p, NULL,
	    e) != 0)
		goto bad;
	s->user_off = p;
	if (container_array(&s->c, "user_rec", 8, SIZE_MAX, &p, &s->n_user_rec,
	    e) != 0)
		goto bad;
	s->user_rec = p;
	if (container_param(&s->c, "built_ms", built, sizeof built) != 0 ||
	    num_i64(built, &s->built_ms) != NULL) {
		rs_errf(e, EX_DATAERR, "%s: parameter \"built_ms\" missing or "
		    "bad", path);
		goto bad;
	}
	if (container_param(&s->c, "cutoff", s->cutoff, sizeof s->cutoff) != 0)
		s->cutoff[0] = '\0';
	if ((flags & STORE_VERIFY) && verify_layout(s, e) != 0)
		goto bad;
	return 0;
bad:
	store_close(s);
	return EX_DATAERR;
}

void
store_close(store *s)
{
	container_close(&s->c);
	memset(s, 0, sizeof *s);
}

/* ---- building ---- */

/* Smallest shift that maps every id up to max into STORE_BUCKETS. */
static unsigned
bucket_shift(uint64_t max)
{
	unsigned bits = 0;

	while (bits < 64 && (max >> bits) != 0)
		bits++;
	return bits > 16 ? bits - 16 : 0;
}

static void
bucket_fill(const uint64_t *id, size_t n, unsigned shift, uint32_t *bkt)
{
	size_t b, i = 0;

	for (b = 0; b <= STORE_BUCKETS; b++) {
		while (i < n && (id[i] >> shift) < b)
			i++;
		bkt[b] = (uint32_t)i;
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Position of v in the sorted unique array a[0..n), which holds it. */
static size_t
find_u64(const uint64_t *a, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * CRC-32 and size of an input file, recorded as its lineage; stdin cannot
 * be read twice and is recorded as such.
 */
static int
file_crc(container_writer *w, const char *key, const char *path, rs_err *e)
{
	unsigned char buf[1 << 16];
	uLong crc = crc32(0, NULL, 0);
	unsigned long long size = 0;
	size_t n;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return container_writer_param(w, key, "stdin");
	if ((fp = fopen(path, "rb")) == NULL)
		return rs_errf(e, EX_NOINPUT, "%s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		crc = crc32(crc, buf, (uInt)n);
		size += n;
	}
	if (ferror(fp)) {
		fclose(fp);
		return rs_errf(e, EX_IOERR, "%s: read error", path);
	}
	fclose(fp);
	container_writer_param(w, key, "crc32:%08lx size=%llu", crc, size);
	return 0;
}

int
store_build(store_build_opts *o, const char *out, rs_err *e)
{
	items it = {0};
	poptsv pop = {0};
	recs rc_ = {0};
	uint64_t *cats = NULL, *cat_pop = NULL, zero_off = 0;
	uint32_t *item_cat = NULL, *cat_off = NULL, *ibkt = NULL, *ubkt = NULL;
	size_t ncat = 0, i, k, nglobal;
	unsigned ishift, ushift;
	char tbuf[40];
	container_writer *w = NULL;
	int rc;

	if (o->list_len < 1 || o->list_len > STORE_MAX_LIST ||
	    o->last_items < 1 || o->last_items > STORE_MAX_LAST)
		return rs_errf(e, EX_SOFTWARE, "store_build: bad parameters");
	if ((rc = items_load(&it, o->items_path, e)) != 0)
		return rc;
	if ((rc = poptsv_load(&pop, o->popular_path, e)) != 0)
		goto done;
	if (o->personal_path != NULL &&
	    (rc = recs_load(&rc_, o->personal_path, o->list_len, e)) != 0)
		goto done;

	/* Every category of the catalogue or of the popular table. */
	rc = EX_SOFTWARE;
	if ((cats = malloc((it.n + pop.n + 1) * sizeof *cats)) == NULL)
		goto oom;
	memcpy(cats, it.category, it.n * sizeof *cats);
	k = it.n;
	for (i = 0; i < pop.n; i++)
		if (pop.category[i] != POPTSV_NO_CATEGORY)
			cats[k++] = pop.category[i];
	qsort(cats, k, sizeof *cats, cmp_u64);
	for (i = 0; i < k; i++)
		if (ncat == 0 || cats[i] != cats[ncat - 1])
			cats[ncat++] = cats[i];

	if ((item_cat = malloc((it.n + 1) * sizeof *item_cat)) == NULL)
		goto oom;
	for (i = 0; i < it.n; i++)
		item_cat[i] = (uint32_t)find_u64(cats, ncat, it.category[i]);

	/* Per category the popular table filtered, in the same order, cut at
	 * list_len: count, offsets, then fill. */
	if ((cat_off = calloc(ncat + 1, sizeof *cat_off)) == NULL ||
	    (cat_pop = malloc((pop.n + 1) * sizeof *cat_pop)) == NULL)
		goto oom;
	for (i = 0; i < pop.n; i++) {
		if (pop.category[i] == POPTSV_NO_CATEGORY)
			continue;
		k = find_u64(cats, ncat, pop.category[i]);
		if (cat_off[k + 1] < o->list_len)
			cat_off[k + 1]++;
	}
	for (k = 0; k < ncat; k++)
		cat_off[k + 1] += cat_off[k];
	{
		uint32_t *fill = calloc(ncat + 1, sizeof *fill);

		if (fill == NULL)
			goto oom;
		for (i = 0; i < pop.n; i++) {
			if (pop.category[i] == POPTSV_NO_CATEGORY)
				continue;
			k = find_u64(cats, ncat, pop.category[i]);
			if (fill[k] < cat_off[k + 1] - cat_off[k])
				cat_pop[cat_off[k] + fill[k]++] = pop.item[i];
		}
		free(fill);
	}
	nglobal = pop.n < o->list_len ? pop.n : o->list_len;

	ishift = bucket_shift(it.n ? it.item[it.n - 1] : 0);
	ushift = bucket_shift(rc_.n_users ? rc_.user[rc_.n_users - 1] : 0);
	if ((ibkt = malloc((STORE_BUCKETS + 1) * sizeof *ibkt)) == NULL ||
	    (ubkt = malloc((STORE_BUCKETS + 1) * sizeof *ubkt)) == NULL)
		goto oom;
	bucket_fill(it.item, it.n, ishift, ibkt);
	bucket_fill(rc_.user, rc_.n_users, ushift, ubkt);

	if ((w = container_writer_new(STORE_KIND, STORE_VERSION)) == NULL)
		goto oom;
	container_writer_param(w, "list_len", "%zu", o->list_len);
	container_writer_param(w, "last_items", "%zu", o->last_items);
	container_writer_param(w, "item_shift", "%u", ishift);
	container_writer_param(w, "user_shift", "%u", ushift);
	container_writer_param(w, "built_ms", "%lld", (long long)o->built_ms);
	container_writer_param(w, "built", "%s", num_fmt_time_ms(o->built_ms, tbuf,
	    sizeof tbuf));
	if (o->cutoff != NULL)
		container_writer_param(w, "cutoff", "%s", o->cutoff);
	container_writer_param(w, "items", "%zu", it.n);
	container_writer_param(w, "categories", "%zu", ncat);
	container_writer_param(w, "popular", "%zu", pop.n);
	container_writer_param(w, "users", "%zu", rc_.n_users);
	container_writer_param(w, "items_path", "%s", o->items_path);
	container_writer_param(w, "popular_path", "%s", o->popular_path);
	if (o->personal_path != NULL)
		container_writer_param(w, "personal_path", "%s", o->personal_path);
	if ((rc = file_crc(w, "items_src", o->items_path, e)) != 0 ||
	    (rc = file_crc(w, "popular_src", o->popular_path, e)) != 0 ||
	    (o->personal_path != NULL && (rc = file_crc(w, "personal_src",
	    o->personal_path, e)) != 0))
		goto done;
	container_writer_section(w, "item_id", it.item, it.n * 8);
	container_writer_section(w, "item_cat", item_cat, it.n * 4);
	container_writer_section(w, "item_bkt", ibkt, (STORE_BUCKETS + 1) * 4);
	container_writer_section(w, "cat_id", cats, ncat * 8);
	container_writer_section(w, "cat_off", cat_off, (ncat + 1) * 4);
	container_writer_section(w, "cat_pop", cat_pop, (size_t)cat_off[ncat] * 8);
	container_writer_section(w, "global", pop.item, nglobal * 8);
	container_writer_section(w, "user_id", rc_.user, rc_.n_users * 8);
	container_writer_section(w, "user_bkt", ubkt, (STORE_BUCKETS + 1) * 4);
	container_writer_section(w, "user_off", rc_.off != NULL ? rc_.off : &zero_off,
	    (rc_.n_users + 1) * 8);
	container_writer_section(w, "user_rec", rc_.item,
	    rc_.n_users ? rc_.off[rc_.n_users] * 8 : 0);
	rc = container_writer_write(w, out, e);
	o->n_items = it.n;
	o->n_cats = ncat;
	o->n_popular = pop.n;
	o->n_users = rc_.n_users;
	o->n_personal = rc_.n_rows;
	goto done;
oom:
	rc = rs_errf(e, EX_SOFTWARE, "out of memory");
done:
	container_writer_free(w);
	free(cats);
	free(item_cat);
	free(cat_off);
	free(cat_pop);
	free(ibkt);
	free(ubkt);
	items_free(&it);
	poptsv_free(&pop);
	recs_free(&rc_);
	return rc;
}
