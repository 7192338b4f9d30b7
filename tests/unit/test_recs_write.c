/* test_recs_write.c: recs TSV rows as als-recommend writes them, read
 * back by recs_load; a failed stream is EX_IOERR. */
#include "recs.h"
#include "tsv.h"
#include "t.h"
#include "tutil.h"

int
main(void)
{
	static const uint64_t item_ids[] = {100, 200, 300, 400};
	static const uint32_t a_items[] = {3, 0, 2};
	static const float a_scores[] = {2.5f, 0.1234565f, -0.0000001f};
	static const uint32_t b_items[] = {1};
	static const float b_scores[] = {1e-7f};
	const char *p = t_path("recs.tsv");
	rs_err e = {0};
	char *got;
	recs r;
	FILE *fp;

	fp = fopen(p, "w");
	tsv_write_header(fp, recs_cols, 4);
	CHECK(recs_write_rows(fp, 7, item_ids, a_items, a_scores, 3, &e) ==
	    0);
	CHECK(recs_write_rows(fp, 9, item_ids, b_items, b_scores, 1, &e) ==
	    0);
	CHECK(recs_write_rows(fp, 11, item_ids, b_items, b_scores, 0, &e) ==
	    0);
	fclose(fp);
	got = t_slurp(p, NULL);
	CHECK_STR(got, "user\trank\titem\tscore\n"
	    "7\t1\t400\t2.500000\n"
	    "7\t2\t100\t0.123457\n"
	    "7\t3\t300\t0.000000\n"
	    "9\t1\t200\t0.000000\n");
	free(got);
	CHECK(recs_load(&r, p, 0, &e) == 0);
	CHECK(r.n_users == 2 && r.user[0] == 7 && r.off[1] == 3 &&
	    r.item[0] == 400 && r.item[3] == 200);
	recs_free(&r);

	/* A full device: the error is reported, not lost. */
	fp = fopen("/dev/full", "w");
	CHECK(fp != NULL);
	if (fp != NULL) {
		static uint32_t many[8192];
		static float sc[8192];

		CHECK(recs_write_rows(fp, 1, item_ids, many, sc, 8192, &e) ==
		    EX_IOERR);
		CHECK_STR(e.msg, "write error: No space left on device");
		fclose(fp);
	}
	return t_done();
}
