/* test_blend.c: store_build/store_open and the blend on a hand-made store
 * (tests/fixtures/rec-blend), against lists worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blend.h"
#include "store.h"
#include "t.h"

#define FX "tests/fixtures/rec-blend/"

static store st;

/* The blend as "a,b,c" plus its source name. */
static const char *
run(uint64_t user, size_t n, const uint64_t *last, size_t nlast)
{
	static char buf[1024];
	uint64_t out[STORE_MAX_LIST];
	enum blend_source src;
	size_t k, got = blend_recs(&st, user, n, last, nlast, out, &src);
	int len = 0;

	for (k = 0; k < got; k++)
		len += snprintf(buf + len, sizeof buf - len, "%s%llu",
		    k ? "," : "", (unsigned long long)out[k]);
	snprintf(buf + len, sizeof buf - len, " %s", blend_source_name[src]);
	return buf;
}

int
main(void)
{
	char path[] = "/tmp/test_blend.XXXXXX";
	store_build_opts o = {
		.items_path = FX "items.tsv", .popular_path = FX "popular.tsv",
		.personal_path = FX "recs.tsv", .list_len = 6, .last_items = 3,
		.cutoff = "2015-06-01", .built_ms = 1433116800000LL
	};
	rs_err e = {0};
	int fd = mkstemp(path);
	const uint64_t *l;

	CHECK(fd >= 0);
	close(fd);
	CHECK(store_build(&o, path, &e) == 0);
	CHECK(o.n_items == 13 && o.n_cats == 5 && o.n_popular == 13);
	CHECK(o.n_users == 2 && o.n_personal == 5);
	CHECK(store_open(&st, path, STORE_VERIFY, &e) == 0);
	CHECK(st.list_len == 6 && st.last_items == 3);
	CHECK_STR(st.cutoff, "2015-06-01");
	CHECK(st.built_ms == 1433116800000LL);

	/* An id index answers only from the query's own bucket: here the
	 * one id sits in bucket 7's range but reads 4 (id 7 damaged into
	 * 4); bucket 4 is empty, and the id just past it must not answer. */
	{
		static uint32_t bkt[STORE_BUCKETS + 1];
		static const uint64_t ids[] = {4};
		store_idx ix = {ids, 1, bkt, 0};
		size_t b;

		for (b = 0; b <= STORE_BUCKETS; b++)
			bkt[b] = b > 7;
		CHECK(store_idx_find(&st, &ix, 4) == -1);
		bkt[4] = 0;
		for (b = 5; b <= STORE_BUCKETS; b++)
			bkt[b] = 1;
		CHECK(store_idx_find(&st, &ix, 4) == 0);
	}

	/* Lookups. */
	CHECK(store_item_category(&st, 999) == -1);
	CHECK(store_item_category(&st, 0) == -1);
	CHECK(store_item_category(&st, UINT64_MAX) == -1);
	CHECK(st.cat_id[store_item_category(&st, 301)] == 30);
	CHECK(store_category_list(&st, store_item_category(&st, 401), &l) == 0);
	CHECK(store_category_list(&st, store_item_category(&st, 301), &l) == 1
	    && l[0] == 301);
	CHECK(store_category_list(&st, store_item_category(&st, 103), &l) == 4
	    && l[3] == 104);
	CHECK(store_global_list(&st, &l) == 6 && l[5] == 101);
	CHECK(store_personal_list(&st, 3, &l) == 2 && l[1] == 203);
	CHECK(store_personal_list(&st, 7, &l) == 3 && l[0] == 104);
	CHECK(store_personal_list(&st, 4, &l) == 0 && l == NULL);

	/* Cold user: G. */
	CHECK_STR(run(999, 5, NULL, 0), "501,502,503,504,505 popular");
	CHECK_STR(run(999, 1, NULL, 0), "501 popular");
	CHECK_STR(run(999, 0, NULL, 0), " popular");
	/* n_recs above list_len is served as list_len. */
	CHECK_STR(run(999, 50, NULL, 0), "501,502,503,504,505,101 popular");
	{
		uint64_t one[] = { 101 }, two[] = { 101, 201 },
		    three[] = { 301, 201, 101 }, four[] = { 102, 301, 201, 101 },
		    same[] = { 101, 102 }, unknown[] = { 999999 },
		    empty[] = { 401 }, cat50[] = { 505 };

		CHECK_STR(run(999, 5, one, 1), "101,501,102,502,103 online");
		CHECK_STR(run(999, 5, two, 2), "201,101,501,202,102 online");
		CHECK_STR(run(999, 6, three, 3),
		    "101,201,301,501,102,202 online");
		CHECK_STR(run(999, 5, four, 4), "101,201,301,501,102 online");
		CHECK_STR(run(999, 5, same, 2), "101,501,102,502,103 online");
		CHECK_STR(run(999, 3, unknown, 1), "501,502,503 popular");
		CHECK_STR(run(999, 3, empty, 1), "501,502,503 online");
		/* Category list = G: duplicates dropped. */
		CHECK_STR(run(999, 4, cat50, 1), "501,502,503,504 online");
		/* Personal: online first, alternated. */
		CHECK_STR(run(7, 5, NULL, 0), "501,104,502,503,301 personal");
		CHECK_STR(run(7, 5, two + 1, 1),
		    "201,104,501,202,301 personal");
		CHECK_STR(run(3, 2, NULL, 0), "501,202 personal");
		CHECK_STR(run(3, 6, NULL, 0),
		    "501,202,502,203,503,504 personal");
	}
	store_close(&st);

	/* Per-block checks: a byte of "global" flipped in the file is met
	 * by the lookup that reads it, which answers nothing and names the
	 * section; the other lists are still read. */
	{
		FILE *fp = fopen(path, "r+b");
		const unsigned char *g;
		size_t gsz, blk = 99;
		long at;

		CHECK(store_open(&st, path, 0, &e) == 0 && st.guard != NULL);
		CHECK(store_global_list(&st, &l) == 6);
		CHECK(store_damage(&st, NULL) == NULL);
		g = container_section(&st.c, "global", &gsz);
		at = (long)(g - st.c.base) + 3;
		store_close(&st);
		CHECK(fp != NULL && fseek(fp, at, SEEK_SET) == 0);
		CHECK(fputc(0x5a, fp) != EOF && fclose(fp) == 0);
		CHECK(store_open(&st, path, 0, &e) == 0);
		CHECK(store_personal_list(&st, 7, &l) == 3);
		CHECK(store_damage(&st, NULL) == NULL);
		CHECK(store_global_list(&st, &l) == 0);
		CHECK_STR(store_damage(&st, &blk), "global");
		CHECK(blk == 0);
		store_damage_clear(&st);
		CHECK(store_damage(&st, NULL) == NULL);
		CHECK_STR(run(999, 3, NULL, 0), " popular");
		CHECK_STR(store_damage(&st, NULL), "global");
		store_close(&st);
		/* The whole verification refuses it. */
		CHECK(store_open(&st, path, STORE_VERIFY, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "section \"global\": checksum mismatch");
		(void)gsz;
	}

	/* A wrong kind of file is refused with a reason. */
	CHECK(store_open(&st, FX "items.tsv", 0, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "bad magic");
	CHECK(store_open(&st, "/nonexistent/recs.db", 0, &e) == EX_NOINPUT);
	unlink(path);
	return t_done();
}
