/* catalog.c: see catalog.h. */
#include "catalog.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "items.h"
#include "num.h"
#include "radix.h"
#include "infile.h"
#include "tsv.h"

const char *const props_cols[4] = {
	"timestamp", "itemid", "property", "value"
};

int
catalog_init(catalog *s, int64_t at_ms, rs_err *e)
{
	memset(s, 0, sizeof *s);
	s->at_ms = at_ms;
	if (idmap_init(&s->map, 0) != 0)
		return rs_oom(e);
	return 0;
}

void
catalog_free(catalog *s)
{
	idmap_free(&s->map);
	free(s->it);
	memset(s, 0, sizeof *s);
}

/* The record of item, created empty on first sight; NULL when out of
 * memory. */
static catalog_item *
slot(catalog *s, uint64_t item)
{
	int added;
	int64_t k;

	/* The files list an item's records together: most records are for
	 * the item of the record before. */
	if (s->n > 0 && s->it[s->last].item == item)
		return &s->it[s->last];
	if ((k = idmap_put(&s->map, item, &added)) < 0)
		return NULL;
	if (added) {
		if (s->n == s->cap) {
			size_t nc = s->cap ? s->cap * 2 : 1 << 16;
			catalog_item *ni = realloc(s->it, nc * sizeof *ni);

			if (ni == NULL)
				return NULL;
			s->it = ni;
			s->cap = nc;
		}
		memset(&s->it[k], 0, sizeof s->it[k]);
		s->it[k].item = item;
		s->it[k].avail = ITEM_AVAIL_UNKNOWN;
		s->n++;
	}
	s->last = (size_t)k;
	return &s->it[k];
}

/*
 * Takes a valid categoryid (is_cat, value the category) or available
 * (value 0 or 1) record of item at ts.
 */
static int
keep(catalog *s, int64_t ts, uint64_t item, int is_cat, uint64_t value,
    rs_err *e)
{
	catalog_item *it;

	if (ts >= s->at_ms) {
		s->rows_late++;
		return 0;
	}
	if ((it = slot(s, item)) == NULL)
		return rs_oom(e);
	/* ">=": of two records at the same time the later row wins. */
	if (is_cat) {
		s->rows_category++;
		if (!it->has_cat || ts >= it->cat_ts) {
			it->has_cat = 1;
			it->category = value;
			it->cat_ts = ts;
		}
	} else {
		s->rows_available++;
		if (it->avail == ITEM_AVAIL_UNKNOWN || ts >= it->avail_ts) {
			it->avail = (int8_t)value;
			it->avail_ts = ts;
		}
	}
	return 0;
}

/* catalog_add's body; padded (a constant) says that the fields are
 * csv_reader's, after which num_u64_padded may read. */
static inline int
add_row(catalog *s, char *const *f, const char *file,
    unsigned long long line, rs_err *e, int padded)
{
	uint64_t ts, item, cat = 0;
	const char *why;
	int is_cat, avail = 0;

#define U64(s, v) (padded ? num_u64_padded((s), (v)) : num_u64((s), (v)))
	/* Most rows hold other properties, whose names are numbers: their
	 * timestamp and item id need checking but not converting.  Plain
	 * ones (up to 18 and 19 digits: in range) are settled here; any
	 * other goes the long way, which says what is wrong. */
	if (padded && f[2][0] != 'c' && f[2][0] != 'a') {
		size_t n0 = num_count_digits(f[0]), n1 = num_count_digits(f[1]);

		if (n0 - 1 < 18 && f[0][n0] == '\0' && n1 - 1 < 19 &&
		    f[1][n1] == '\0')
			return 0;
	}

	if ((why = U64(f[0], &ts)) != NULL || ts > INT64_MAX)
		return rs_field_err(e, file, line, 1, props_cols[0],
		    why == NULL ? "bad timestamp (out of range)" :
		    strcmp(why, "negative") == 0 ? "bad timestamp (negative)" :
		    "bad timestamp", f[0]);
	if ((why = U64(f[1], &item)) != NULL)
		return rs_field_err(e, file, line, 2, props_cols[1], why, f[1]);
	/* Most rows hold other properties, whose names are numbers: the
	 * first byte settles them. */
	if (f[2][0] == 'c' && strcmp(f[2], "categoryid") == 0)
		is_cat = 1;
	else if (f[2][0] == 'a' && strcmp(f[2], "available") == 0)
		is_cat = 0;
	else
		return 0;
	if (is_cat && (why = U64(f[3], &cat)) != NULL)
		return rs_field_err(e, file, line, 4, props_cols[3],
		    strcmp(why, "empty") == 0 ? "empty category id" : why, f[3]);
	if (!is_cat) {
		if ((f[3][0] != '0' && f[3][0] != '1') || f[3][1] != '\0')
			return rs_field_err(e, file, line, 4, props_cols[3],
			    "available must be 0 or 1", f[3]);
		avail = f[3][0] - '0';
	}
#undef U64
	return keep(s, (int64_t)ts, item, is_cat, is_cat ? cat : (uint64_t)avail,
	    e);
}

int
catalog_add(catalog *s, char *const *f, const char *file,
    unsigned long long line, rs_err *e)
{
	return add_row(s, f, file, line, e, 0);
}

/* Counts a row read, telling progress every CATSNAP_PROGRESS_ROWS. */
static inline void
count_row(catalog *s, csv_reader *c, catalog_progress *progress, void *arg)
{
	s->rows++;
	if (progress != NULL && s->rows % CATSNAP_PROGRESS_ROWS == 0)
		progress(arg, csv_reader_name(c), s->rows,
		    infile_raw_bytes(csv_reader_rd(c)));
}

int
catalog_read(catalog *s, const char *path, skip_bad *bad,
    catalog_progress *progress, void *arg, rs_err *e)
{
	csv_reader *c;
	char **f;
	int rc;

	if ((c = csv_reader_open(path, e)) == NULL)
		return e->code;
	if ((rc = csv_reader_header(c, props_cols, 4, e)) != 0)
		goto out;
	while ((rc = csv_reader_next(c, &f, e)) != 0) {
		if (rc != 1 && infile_failed(csv_reader_rd(c)))
			goto out;
		count_row(s, c, progress, arg);
		if (rc == 1)
			rc = add_row(s, f, csv_reader_name(c),
			    (unsigned long long)csv_reader_lineno(c), e, 1);
		if (rc != 0 && (rc = skip_bad_take(bad, e)) != 0)
			goto out;
	}
out:
	csv_reader_close(c);
	return rc;
}

/* One thread's share of catalog_read_all: files paths[0..n-1] into snap. */
typedef struct catalog_job {
	catalog *snap;
	char *const *paths;
	size_t n;
	skip_bad *bad;
	rs_err e;
	int rc;
} catalog_job;

static void *
run_job(void *arg)
{
	catalog_job *j = arg;
	size_t i;

	for (i = 0; i < j->n && j->rc == 0; i++)
		j->rc = catalog_read(j->snap, j->paths[i], j->bad, NULL, NULL,
		    &j->e);
	return NULL;
}

/* Takes into s what a later reading of the same at_ms found: on equal
 * times the later wins, as for rows of one file. */
static int
merge_later(catalog *s, const catalog *later, rs_err *e)
{
	size_t i;

	for (i = 0; i < later->n; i++) {
		const catalog_item *b = &later->it[i];
		catalog_item *it = slot(s, b->item);

		if (it == NULL)
			return rs_oom(e);
		if (b->has_cat && (!it->has_cat || b->cat_ts >= it->cat_ts)) {
			it->has_cat = 1;
			it->category = b->category;
			it->cat_ts = b->cat_ts;
		}
		if (b->avail != ITEM_AVAIL_UNKNOWN &&
		    (it->avail == ITEM_AVAIL_UNKNOWN ||
		    b->avail_ts >= it->avail_ts)) {
			it->avail = b->avail;
			it->avail_ts = b->avail_ts;
		}
	}
	s->rows += later->rows;
	s->rows_category += later->rows_category;
	s->rows_available += later->rows_available;
	s->rows_late += later->rows_late;
	return 0;
}

int
catalog_read_all(catalog *s, char *const *paths, size_t n, skip_bad *bad,
    catalog_progress *progress, void *arg, rs_err *e)
{
	catalog_job first, second;
	catalog later;
	skip_bad bad2 = {0};
	pthread_t th;
	size_t i, stdin_uses = 0, k = (n + 1) / 2;
	int rc, threaded;

	for (i = 0; i < n; i++)
		stdin_uses += strcmp(paths[i], "-") == 0;
	/* Progress is told in file order, and stdin can be read once. */
	if (n < 2 || progress != NULL || stdin_uses > 1) {
		for (i = 0; i < n; i++)
			if ((rc = catalog_read(s, paths[i], bad, progress, arg,
			    e)) != 0)
				return rc;
		return 0;
	}
	if (catalog_init(&later, s->at_ms, e) != 0)
		return e->code;
	bad2.skip = bad != NULL && bad->skip;
	first = (catalog_job){s, paths, k, bad, {0}, 0};
	second = (catalog_job){&later, paths + k, n - k, bad != NULL ? &bad2 :
	    NULL, {0}, 0};
	threaded = pthread_create(&th, NULL, run_job, &second) == 0;
	run_job(&first);
	if (threaded)
		pthread_join(th, NULL);
	/* What reading the files one after the other would have said: the
	 * first half's error stops before the second half begins. */
	if (first.rc != 0) {
		*e = first.e;
		rc = first.rc;
		goto out;
	}
	if (!threaded)
		run_job(&second);
	if (bad != NULL) {
		if (bad->n == 0 && bad2.n > 0)
			bad->first = bad2.first;
		bad->n += bad2.n;
	}
	if (second.rc != 0) {
		*e = second.e;
		rc = second.rc;
		goto out;
	}
	rc = merge_later(s, &later, e);
out:
	catalog_free(&later);
	return rc;
}

/*
 * Sorts the items by id (unique, so the order is total): a radix sort of
 * the ids carrying their places, then the records gathered in that order,
 * which beats qsort on the ~400k records of the real catalogue.
 */
static int
sort_by_item(catalog *s, rs_err *e)
{
	uint64_t *keys = malloc(s->n * sizeof *keys);
	uint32_t *at = malloc(s->n * sizeof *at);
	catalog_item *sorted = malloc(s->n * sizeof *sorted);
	size_t i;
	int rc = 0;

	if (s->n < 2)
		goto out;
	if (keys == NULL || at == NULL || sorted == NULL) {
		rc = rs_oom(e);
		goto out;
	}
	for (i = 0; i < s->n; i++) {
		keys[i] = s->it[i].item;
		at[i] = (uint32_t)i;
	}
	if (radix_sort_u64(keys, at, s->n) != 0) {
		rc = rs_oom(e);
		goto out;
	}
	for (i = 0; i < s->n; i++)
		sorted[i] = s->it[at[i]];
	free(s->it);
	s->it = sorted;
	s->cap = s->n;
	sorted = NULL;
out:
	free(keys);
	free(at);
	free(sorted);
	return rc;
}

int
catalog_finish(catalog *s, const cattree *t, catalog_stats *st, rs_err *e)
{
	idmap missing;
	size_t i, out = 0;

	memset(st, 0, sizeof *st);
	if (idmap_init(&missing, 0) != 0)
		return rs_oom(e);
	for (i = 0; i < s->n; i++) {
		catalog_item *it = &s->it[i];
		int added;

		if (!it->has_cat) {
			st->no_category++;
			continue;
		}
		if (cattree_root(t, it->category, &it->root) != 0) {
			st->not_in_tree++;
			if (idmap_put(&missing, it->category, &added) < 0) {
				idmap_free(&missing);
				return rs_oom(e);
			}
			continue;
		}
		s->it[out++] = *it;
	}
	st->missing_categories = missing.len;
	idmap_free(&missing);
	s->n = out;
	st->items = out;
	idmap_free(&s->map);
	return sort_by_item(s, e);
}

void
catalog_write(const catalog *s, FILE *fp)
{
	/* Rows are formatted into buf and written a block at a time: a
	 * stdio call per field costs more than formatting it. */
	char buf[1 << 16];
	size_t i, used = 0;

	tsv_write_header(fp, items_cols, 5);
	for (i = 0; i < s->n; i++) {
		const catalog_item *it = &s->it[i];
		char *p = buf + used;

		p += num_fmt_u64(p, it->item);
		*p++ = '\t';
		p += num_fmt_u64(p, it->category);
		*p++ = '\t';
		p += num_fmt_u64(p, it->root);
		*p++ = '\t';
		if (it->avail != ITEM_AVAIL_UNKNOWN)
			*p++ = (char)('0' + it->avail);
		*p++ = '\t';
		p += num_fmt_u64(p, (uint64_t)it->cat_ts);
		*p++ = '\n';
		used = (size_t)(p - buf);
		/* a row is at most 4 numbers of 20 digits and 6 bytes */
		if (used > sizeof buf - (4 * 20 + 6)) {
			fwrite_unlocked(buf, 1, used, fp);
			used = 0;
		}
	}
	fwrite_unlocked(buf, 1, used, fp);
}
