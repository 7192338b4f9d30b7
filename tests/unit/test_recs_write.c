/* test_recs_write.c: recs TSV rows as als-recommend formats them, read
 * back by recs_load; the longest row fits RECS_ROW_MAX. */
#include "recs.h"
#include "tsv.h"
#include "t.h"
#include "tutil.h"

#include <float.h>

/* Writes user's rows: items[k] with scores[k], ranks from 1. */
static void
put(FILE *fp, uint64_t user, const uint64_t *items, const float *scores,
    size_t n)
{
	char u[20], it[20], row[RECS_ROW_MAX];
	size_t ulen = (size_t)num_fmt_u64(u, user), k;

	for (k = 0; k < n; k++)
		fwrite(row, 1, recs_format_row(row, u, ulen, k + 1, it,
		    (size_t)num_fmt_u64(it, items[k]), scores[k]), fp);
}

int
main(void)
{
	static const uint64_t a_items[] = {400, 100, 300};
	static const float a_scores[] = {2.5f, 0.1234565f, -0.0000001f};
	static const uint64_t b_items[] = {200};
	static const float b_scores[] = {1e-7f};
	const char *p = t_path("recs.tsv");
	char row[RECS_ROW_MAX + 1], u[20], it[20];
	size_t len;
	rs_err e = {0};
	char *got;
	recs r;
	FILE *fp;

	fp = fopen(p, "w");
	tsv_write_header(fp, recs_cols, 4);
	put(fp, 7, a_items, a_scores, 3);
	put(fp, 9, b_items, b_scores, 1);
	put(fp, 11, b_items, b_scores, 0);
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

	/* The longest row: 20-digit ids and rank, the most negative float
	 * (printf's digits). */
	memset(row, 'x', sizeof row);
	len = recs_format_row(row, u, (size_t)num_fmt_u64(u, UINT64_MAX),
	    SIZE_MAX, it, (size_t)num_fmt_u64(it, UINT64_MAX), -FLT_MAX);
	CHECK(len <= RECS_ROW_MAX && row[RECS_ROW_MAX] == 'x');
	CHECK(len > 3 * 20 + 40 && row[len - 1] == '\n');
	return t_done();
}
