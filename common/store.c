/* store.c: see store.h; the layout is recsys-recsdb(5). */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blend.h"
#include "crc.h"
#include "items.h"
#include "itemsim.h"
#include "num.h"
#include "popular_tsv.h"
#include "recs.h"
#include "util.h"

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
	const store_idx *ix[3] = { &s->items, &s->users, &s->sims };
	static const char *const what[3] = { "item", "user", "sim" };
	size_t i, k;

	for (k = 0; k < 3; k++) {
		if (ix[k]->id == NULL)
			continue;
		for (i = 1; i < ix[k]->n; i++)
			if (ix[k]->id[i] <= ix[k]->id[i - 1])
				return rs_errf(e, EX_DATAERR, "%s: %s ids not "
				    "ascending at %zu", s->c.path, what[k], i);
		for (i = 0; i < STORE_BUCKETS; i++)
			if (ix[k]->bucket[i] > ix[k]->bucket[i + 1] ||
			    (ix[k]->bucket[i] < ix[k]->n &&
			    ix[k]->id[ix[k]->bucket[i]] >> ix[k]->shift < i))
				return rs_errf(e, EX_DATAERR, "%s: %s bucket "
				    "%zu inconsistent", s->c.path, what[k], i);
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
	for (i = 0; i < s->sims.n; i++)
		if (s->sim_off[i] > s->sim_off[i + 1] ||
		    s->sim_off[i + 1] > s->n_sim_nbr)
			return rs_errf(e, EX_DATAERR, "%s: neighbours of item "
			    "%zu: bad list offsets", s->c.path, i);
	return 0;
}

/* A share parameter, 0 to 1. */
static int
param_share(const store *s, const char *key, double *v, rs_err *e)
{
	if (container_param_double(&s->c, key, v, e) != 0)
		return EX_DATAERR;
	if (!(*v >= 0 && *v <= 1))
		return rs_errf(e, EX_DATAERR, "%s: parameter %s out of range "
		    "(0 to 1)", s->c.path, key);
	return 0;
}

/* Version 3: the rule, its parameters and the neighbour lists. */
static int
open_rule(store *s, rs_err *e)
{
	char rule[16];
	uint64_t v, shift;
	const void *p;

	if (container_param(&s->c, "rule", rule, sizeof rule) != 0)
		return rs_errf(e, EX_DATAERR, "%s: parameter \"rule\" missing",
		    s->c.path);
	for (s->rule = 0; s->rule < BLEND_NRULES &&
	    strcmp(rule, blend_rule_name[s->rule]) != 0; s->rule++)
		;
	if (s->rule == BLEND_NRULES)
		return rs_errf(e, EX_DATAERR, "%s: unknown rule \"%s\"",
		    s->c.path, rule);
	if (param_range(s, "recent_max", 1, STORE_MAX_LAST, &v, e) != 0 ||
	    param_share(s, "share_recent", &s->share_recent, e) != 0 ||
	    param_share(s, "share_similar", &s->share_similar, e) != 0 ||
	    param_share(s, "share_personal", &s->share_personal, e) != 0 ||
	    param_range(s, "sim_shift", 0, 48, &shift, e) != 0)
		return EX_DATAERR;
	s->recent_max = (size_t)v;
	if (open_idx(s, &s->sims, "sim_id", "sim_bkt", (unsigned)shift, e) != 0)
		return EX_DATAERR;
	if (container_array(&s->c, "sim_off", 8, s->sims.n + 1, &p, NULL,
	    e) != 0)
		return EX_DATAERR;
	s->sim_off = p;
	if (container_array(&s->c, "sim_nbr", 8, SIZE_MAX, &p, &s->n_sim_nbr,
	    e) != 0)
		return EX_DATAERR;
	s->sim_nbr = p;
	if (container_array(&s->c, "sim_score", 4, s->n_sim_nbr, &p, NULL,
	    e) != 0)
		return EX_DATAERR;
	s->sim_score = p;
	return 0;
}

/*
 * STORE_VERIFY's part of "block_crc": every block CRC matches its block.
 * The section CRCs alone (checked by then) would pass a table of wrong
 * block CRCs whose own section CRC is right, and the processes that
 * check blocks (inetd, pipes) would then refuse what --listen served.
 */
static int
verify_blocks(const store *s, const unsigned char *crc, rs_err *e)
{
	size_t at = 0, size, off;
	const unsigned char *p;
	const char *name;
	uint32_t i;

	for (i = 0; i + 1 < s->c.nsec; i++) {
		p = container_section_at(&s->c, i, &name, &size);
		for (off = 0; off < size; off += STORE_BLOCK, at++) {
			size_t n = size - off < STORE_BLOCK ? size - off :
			    STORE_BLOCK;

			if (crc_update(0, p + off, n) != util_le_get32(crc +
			    at * 4))
				return rs_errf(e, EX_DATAERR, "%s: section "
				    "\"%s\" block %zu: checksum mismatch",
				    s->c.path, name, off / STORE_BLOCK);
		}
	}
	return 0;
}

/*
 * The per-block checks: every section but "block_crc" (which must be the
 * last, of the size its blocks give) with the index of its first CRC.
 */
static int
open_guard(store *s, int flags, rs_err *e)
{
	store_guard *g;
	const void *crc;
	size_t ncrc = 0, size;
	const char *name;
	uint32_t i;

	if (s->c.nsec == 0 || (crc = container_section_at(&s->c, s->c.nsec - 1,
	    &name, &size), strcmp(name, "block_crc") != 0))
		return rs_errf(e, EX_DATAERR, "%s: section \"block_crc\" "
		    "missing or not last", s->c.path);
	for (i = 0; i + 1 < s->c.nsec; i++) {
		size_t n;

		container_section_at(&s->c, i, &name, &n);
		ncrc += (n + STORE_BLOCK - 1) / STORE_BLOCK;
	}
	if (size != ncrc * 4)
		return rs_errf(e, EX_DATAERR, "%s: section \"block_crc\" has "
		    "%zu bytes, expected %zu", s->c.path, size, ncrc * 4);
	if (flags & STORE_VERIFY)
		return verify_blocks(s, crc, e);
	if ((g = calloc(1, sizeof *g)) == NULL ||
	    (g->ok = calloc(ncrc / 8 + 1, 1)) == NULL) {
		free(g);
		return rs_oom(e);
	}
	g->crc = crc;
	g->ncrc = ncrc;
	g->nsec = s->c.nsec - 1;
	for (i = 0, ncrc = 0; i < g->nsec; i++) {
		g->sec[i].p = container_section_at(&s->c, i, &g->sec[i].name,
		    &g->sec[i].size);
		g->sec[i].crc0 = ncrc;
		ncrc += (g->sec[i].size + STORE_BLOCK - 1) / STORE_BLOCK;
	}
	s->guard = g;
	return 0;
}

int
store_guard_check(const store *s, const void *p, size_t len)
{
	store_guard *g = s->guard;
	const unsigned char *b = p;
	uint32_t i;

	for (i = 0; i < g->nsec; i++) {
		const struct store_guard_sec *sec = &g->sec[i];
		size_t first, last, k;

		if (b < sec->p || b >= sec->p + sec->size)
			continue;
		if (len > (size_t)(sec->p + sec->size - b))
			break;   /* runs past its section: a bug, refuse */
		first = (size_t)(b - sec->p) / STORE_BLOCK;
		last = (size_t)(b + len - 1 - sec->p) / STORE_BLOCK;
		for (k = first; k <= last; k++) {
			size_t at = sec->crc0 + k, off = k * STORE_BLOCK;
			size_t n = sec->size - off < STORE_BLOCK ?
			    sec->size - off : STORE_BLOCK;
			const unsigned char *c = g->crc + at * 4;

			if (g->ok[at / 8] & (1u << (at % 8)))
				continue;
			if (crc_update(0, sec->p + off, n) != ((uint32_t)c[0] |
			    (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
			    (uint32_t)c[3] << 24)) {
				if (g->bad_sec == NULL) {
					g->bad_sec = sec->name;
					g->bad_block = k;
				}
				return 0;
			}
			g->ok[at / 8] |= (unsigned char)(1u << (at % 8));
		}
		return 1;
	}
	if (g->bad_sec == NULL) {
		g->bad_sec = "(outside every section)";
		g->bad_block = 0;
	}
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
	/* Any kind, then ours in one of the versions this program reads. */
	if ((rc = container_open(&s->c, path, NULL, 0,
	    (flags & STORE_VERIFY) ? CONTAINER_VERIFY : 0, e)) != 0)
		return rc;
	if (strcmp(s->c.kind, STORE_KIND) != 0) {
		rs_errf(e, EX_DATAERR, "%s: a \"%s\" container, not a store "
		    "(\"%s\")", path, s->c.kind, STORE_KIND);
		goto bad;
	}
	if (s->c.version < STORE_VERSION_MIN || s->c.version > STORE_VERSION) {
		rs_errf(e, EX_DATAERR, "%s: %s version %u, this program reads "
		    "versions %d to %d: rebuild it with this rec-blend", path,
		    STORE_KIND, s->c.version, STORE_VERSION_MIN, STORE_VERSION);
		goto bad;
	}
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
	if (s->c.version >= 3 && open_rule(s, e) != 0)
		goto bad;
	if ((flags & STORE_VERIFY) && verify_layout(s, e) != 0)
		goto bad;
	if (open_guard(s, flags, e) != 0)
		goto bad;
	return 0;
bad:
	store_close(s);
	return EX_DATAERR;
}

void
store_close(store *s)
{
	if (s->guard != NULL) {
		free(s->guard->ok);
		free(s->guard);
	}
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

/*
 * CRC-32 and size of an input file, recorded as its lineage; stdin cannot
 * be read twice and is recorded as such.
 */
static int
file_crc(container_writer *w, const char *key, const char *path, rs_err *e)
{
	unsigned char buf[1 << 16];
	uint32_t crc = 0;
	unsigned long long size = 0;
	size_t n;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return container_writer_param(w, key, "stdin");
	if ((fp = fopen(path, "rb")) == NULL)
		return rs_errf(e, EX_NOINPUT, "%s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		crc = crc_update(crc, buf, n);
		size += n;
	}
	if (ferror(fp)) {
		fclose(fp);
		return rs_errf(e, EX_IOERR, "%s: read error", path);
	}
	fclose(fp);
	container_writer_param(w, key, "crc32:%08lx size=%llu",
	    (unsigned long)crc, size);
	return 0;
}

/* What store_build computes from its inputs, before writing. */
struct build {
	items it;
	popular_tsv pop;
	recs pers;
	uint64_t *cats;           /* every category id, ascending */
	size_t ncat;
	uint32_t *item_cat;       /* per item its index into cats */
	uint32_t *cat_off;        /* ncat + 1 offsets into cat_pop */
	uint64_t *cat_pop;
	size_t nglobal;
	unsigned ishift, ushift, sshift;
	uint32_t *ibkt, *ubkt, *sbkt;
	itemsim_file sims;        /* open when sims_path is given */
	int have_sims;
};

static void
build_free(struct build *b)
{
	free(b->cats);
	free(b->item_cat);
	free(b->cat_off);
	free(b->cat_pop);
	free(b->ibkt);
	free(b->ubkt);
	free(b->sbkt);
	if (b->have_sims)
		itemsim_close(&b->sims);
	items_free(&b->it);
	popular_tsv_free(&b->pop);
	recs_free(&b->pers);
}

/* Every category of the catalogue or of the popular table, and per item
 * the index of its category.  0 or -1 (out of memory). */
static int
build_categories(struct build *b)
{
	size_t i, k;

	if ((b->cats = malloc((b->it.n + b->pop.n + 1) * sizeof *b->cats)) ==
	    NULL)
		return -1;
	memcpy(b->cats, b->it.category, b->it.n * sizeof *b->cats);
	k = b->it.n;
	for (i = 0; i < b->pop.n; i++)
		if (b->pop.category[i] != POPULAR_TSV_NO_CATEGORY)
			b->cats[k++] = b->pop.category[i];
	qsort(b->cats, k, sizeof *b->cats, cmp_u64);
	for (i = 0; i < k; i++)
		if (b->ncat == 0 || b->cats[i] != b->cats[b->ncat - 1])
			b->cats[b->ncat++] = b->cats[i];
	if ((b->item_cat = malloc((b->it.n + 1) * sizeof *b->item_cat)) == NULL)
		return -1;
	for (i = 0; i < b->it.n; i++)
		b->item_cat[i] = (uint32_t)util_u64_lower_bound(b->cats, b->ncat,
		    b->it.category[i]);
	return 0;
}

/* Per category the popular table filtered, in the same order, cut at
 * list_len: count, offsets, then fill.  0 or -1 (out of memory). */
static int
build_category_lists(struct build *b, size_t list_len)
{
	const popular_tsv *pop = &b->pop;
	uint32_t *fill;
	size_t i, k;

	if ((b->cat_off = calloc(b->ncat + 1, sizeof *b->cat_off)) == NULL ||
	    (b->cat_pop = malloc((pop->n + 1) * sizeof *b->cat_pop)) == NULL ||
	    (fill = calloc(b->ncat + 1, sizeof *fill)) == NULL)
		return -1;
	for (i = 0; i < pop->n; i++) {
		if (pop->category[i] == POPULAR_TSV_NO_CATEGORY)
			continue;
		k = util_u64_lower_bound(b->cats, b->ncat, pop->category[i]);
		if (b->cat_off[k + 1] < list_len)
			b->cat_off[k + 1]++;
	}
	for (k = 0; k < b->ncat; k++)
		b->cat_off[k + 1] += b->cat_off[k];
	for (i = 0; i < pop->n; i++) {
		if (pop->category[i] == POPULAR_TSV_NO_CATEGORY)
			continue;
		k = util_u64_lower_bound(b->cats, b->ncat, pop->category[i]);
		if (fill[k] < b->cat_off[k + 1] - b->cat_off[k])
			b->cat_pop[b->cat_off[k] + fill[k]++] = pop->item[i];
	}
	free(fill);
	b->nglobal = pop->n < list_len ? pop->n : list_len;
	return 0;
}

/*
 * Opens the neighbour lists and checks that they are of this catalogue:
 * most of their items must be in it (the rest left the catalogue since),
 * or they were made from other data.
 */
static int
build_sims(struct build *b, const char *path, rs_err *e)
{
	size_t i, unknown = 0;
	int rc;

	if ((rc = itemsim_open(&b->sims, path, e)) != 0)
		return rc;
	b->have_sims = 1;
	for (i = 0; i < b->sims.l.n; i++)
		unknown += util_u64_find(b->it.item, b->it.n,
		    b->sims.l.item[i]) < 0;
	if (b->sims.l.n > 0 && 2 * unknown > b->sims.l.n)
		return rs_errf(e, EX_DATAERR, "%s: %zu of its %zu items are "
		    "not in the catalogue snapshot: neighbours of other data?",
		    path, unknown, b->sims.l.n);
	b->sshift = bucket_shift(b->sims.l.n ?
	    b->sims.l.item[b->sims.l.n - 1] : 0);
	if ((b->sbkt = malloc((STORE_BUCKETS + 1) * sizeof *b->sbkt)) == NULL)
		return rs_oom(e);
	bucket_fill(b->sims.l.item, b->sims.l.n, b->sshift, b->sbkt);
	return 0;
}

/* The bucket indexes of the item and user ids.  0 or -1. */
static int
build_buckets(struct build *b)
{
	b->ishift = bucket_shift(b->it.n ? b->it.item[b->it.n - 1] : 0);
	b->ushift = bucket_shift(b->pers.n_users ?
	    b->pers.user[b->pers.n_users - 1] : 0);
	if ((b->ibkt = malloc((STORE_BUCKETS + 1) * sizeof *b->ibkt)) == NULL ||
	    (b->ubkt = malloc((STORE_BUCKETS + 1) * sizeof *b->ubkt)) == NULL)
		return -1;
	bucket_fill(b->it.item, b->it.n, b->ishift, b->ibkt);
	bucket_fill(b->pers.user, b->pers.n_users, b->ushift, b->ubkt);
	return 0;
}

/* The parameters: the blend's, the sizes, and the inputs' lineage. */
static int
build_params(container_writer *w, const store_build_opts *o,
    const struct build *b, rs_err *e)
{
	char tbuf[40];
	int rc;

	container_writer_param(w, "list_len", "%zu", o->list_len);
	container_writer_param(w, "last_items", "%zu", o->last_items);
	container_writer_param(w, "item_shift", "%u", b->ishift);
	container_writer_param(w, "user_shift", "%u", b->ushift);
	container_writer_param(w, "built_ms", "%lld", (long long)o->built_ms);
	container_writer_param(w, "built", "%s", num_fmt_time_ms(o->built_ms,
	    tbuf, sizeof tbuf));
	if (o->cutoff != NULL)
		container_writer_param(w, "cutoff", "%s", o->cutoff);
	container_writer_param(w, "rule", "%s", blend_rule_name[o->rule]);
	container_writer_param(w, "recent_max", "%zu",
	    o->recent_max > 0 ? o->recent_max : 1);
	container_writer_param(w, "share_recent", "%.6g", o->share_recent);
	container_writer_param(w, "share_similar", "%.6g", o->share_similar);
	container_writer_param(w, "share_personal", "%.6g", o->share_personal);
	container_writer_param(w, "sim_shift", "%u", b->sshift);
	container_writer_param(w, "similar", "%zu", b->sims.l.n);
	container_writer_param(w, "items", "%zu", b->it.n);
	container_writer_param(w, "categories", "%zu", b->ncat);
	container_writer_param(w, "popular", "%zu", b->pop.n);
	container_writer_param(w, "users", "%zu", b->pers.n_users);
	container_writer_param(w, "items_path", "%s", o->items_path);
	container_writer_param(w, "popular_path", "%s", o->popular_path);
	if (o->personal_path != NULL)
		container_writer_param(w, "personal_path", "%s",
		    o->personal_path);
	if (o->sims_path != NULL) {
		char id[16];

		container_id(&b->sims.c, id);
		container_writer_param(w, "sims_path", "%s", o->sims_path);
		container_writer_param(w, "sims_src", "%s", id);
	}
	if ((rc = file_crc(w, "items_src", o->items_path, e)) != 0 ||
	    (rc = file_crc(w, "popular_src", o->popular_path, e)) != 0 ||
	    (o->personal_path != NULL && (rc = file_crc(w, "personal_src",
	    o->personal_path, e)) != 0))
		return rc;
	return 0;
}

/* The sections, in the order of recsys-recsdb(5). */
static void
build_sections(container_writer *w, const struct build *b)
{
	static const uint64_t zero_off = 0;
	const recs *p = &b->pers;

	container_writer_section(w, "item_id", b->it.item, b->it.n * 8);
	container_writer_section(w, "item_cat", b->item_cat, b->it.n * 4);
	container_writer_section(w, "item_bkt", b->ibkt,
	    (STORE_BUCKETS + 1) * 4);
	container_writer_section(w, "cat_id", b->cats, b->ncat * 8);
	container_writer_section(w, "cat_off", b->cat_off, (b->ncat + 1) * 4);
	container_writer_section(w, "cat_pop", b->cat_pop,
	    (size_t)b->cat_off[b->ncat] * 8);
	container_writer_section(w, "global", b->pop.item, b->nglobal * 8);
	container_writer_section(w, "user_id", p->user, p->n_users * 8);
	container_writer_section(w, "user_bkt", b->ubkt,
	    (STORE_BUCKETS + 1) * 4);
	container_writer_section(w, "user_off", p->off != NULL ? p->off :
	    &zero_off, (p->n_users + 1) * 8);
	container_writer_section(w, "user_rec", p->item,
	    p->n_users ? p->off[p->n_users] * 8 : 0);
	container_writer_section(w, "sim_id", b->sims.l.item,
	    b->sims.l.n * 8);
	container_writer_section(w, "sim_bkt", b->sbkt,
	    (STORE_BUCKETS + 1) * 4);
	container_writer_section(w, "sim_off", b->sims.l.off != NULL ?
	    b->sims.l.off : &zero_off, (b->sims.l.n + 1) * 8);
	container_writer_section(w, "sim_nbr", b->sims.l.nbr,
	    b->sims.l.pairs * 8);
	container_writer_section(w, "sim_score", b->sims.l.score,
	    b->sims.l.pairs * 4);
}

int
store_build(store_build_opts *o, const char *out, rs_err *e)
{
	struct build b;
	container_writer *w = NULL;
	int rc;

	memset(&b, 0, sizeof b);
	if (o->list_len < 1 || o->list_len > STORE_MAX_LIST ||
	    o->last_items < 1 || o->last_items > STORE_MAX_LAST ||
	    o->recent_max > STORE_MAX_LAST ||
	    o->rule < 0 || o->rule >= BLEND_NRULES)
		return rs_errf(e, EX_SOFTWARE, "store_build: bad parameters");
	if ((rc = items_load(&b.it, o->items_path, e)) != 0 ||
	    (rc = popular_tsv_load(&b.pop, o->popular_path, e)) != 0 ||
	    (o->personal_path != NULL && (rc = recs_load(&b.pers,
	    o->personal_path, o->list_len, e)) != 0))
		goto done;
	if (o->sims_path != NULL && (rc = build_sims(&b, o->sims_path, e)) != 0)
		goto done;
	if (b.sbkt == NULL && (b.sbkt = calloc(STORE_BUCKETS + 1,
	    sizeof *b.sbkt)) == NULL) {
		rc = rs_oom(e);
		goto done;
	}
	if (build_categories(&b) != 0 ||
	    build_category_lists(&b, o->list_len) != 0 ||
	    build_buckets(&b) != 0 ||
	    (w = container_writer_new(STORE_KIND, STORE_VERSION)) == NULL) {
		rc = rs_oom(e);
		goto done;
	}
	if ((rc = build_params(w, o, &b, e)) != 0)
		goto done;
	build_sections(w, &b);
	container_writer_block_crcs(w, "block_crc", STORE_BLOCK);
	rc = container_writer_write(w, out, e);
	o->n_items = b.it.n;
	o->n_cats = b.ncat;
	o->n_popular = b.pop.n;
	o->n_users = b.pers.n_users;
	o->n_personal = b.pers.n_rows;
	o->n_sims = b.sims.l.n;
done:
	container_writer_free(w);
	build_free(&b);
	return rc;
}
