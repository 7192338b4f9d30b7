/* test_catalog.c: the snapshot rules (latest before at, ties to the later
 * record, drops) of common/catalog.c; the tree is test_cattree.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "items.h"
#include "t.h"

static cattree_rec
rec(uint64_t id, int has_parent, uint64_t parent, uint64_t line)
{
	cattree_rec r = {id, parent, line, has_parent};

	return r;
}

/* Feeds one property row to s. */
static int
add(catalog *s, const char *ts, const char *item, const char *prop,
    const char *value, rs_err *e)
{
	char a[32], b[32], c[32], d[64];
	char *f[4] = {a, b, c, d};

	snprintf(a, sizeof a, "%s", ts);
	snprintf(b, sizeof b, "%s", item);
	snprintf(c, sizeof c, "%s", prop);
	snprintf(d, sizeof d, "%s", value);
	return catalog_add(s, f, "p.csv", 9, e);
}

static void
test_snapshot(void)
{
	cattree_rec r[] = {rec(1, 0, 0, 2), rec(2, 1, 1, 3), rec(3, 1, 2, 4)};
	cattree t;
	catalog s;
	catalog_stats st;
	rs_err e = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	CHECK(cattree_build(&t, r, 3, "t.csv", &e) == 0);
	CHECK(catalog_init(&s, 1000, &e) == 0);
	CHECK(add(&s, "100", "7", "categoryid", "2", &e) == 0);
	CHECK(add(&s, "500", "7", "categoryid", "3", &e) == 0);
	CHECK(add(&s, "400", "7", "categoryid", "1", &e) == 0);  /* older */
	CHECK(add(&s, "1000", "7", "categoryid", "1", &e) == 0); /* at: out */
	CHECK(add(&s, "200", "7", "available", "1", &e) == 0);
	CHECK(add(&s, "200", "7", "available", "0", &e) == 0);   /* tie */
	CHECK(add(&s, "300", "5", "categoryid", "1", &e) == 0);
	CHECK(add(&s, "300", "5", "categoryid", "2", &e) == 0);  /* tie */
	CHECK(add(&s, "300", "6", "categoryid", "99", &e) == 0); /* no tree */
	CHECK(add(&s, "300", "8", "available", "1", &e) == 0);   /* no cat */
	CHECK(add(&s, "300", "9", "888", "n1.000 x", &e) == 0);  /* ignored */
	CHECK(s.rows_category == 6 && s.rows_available == 3);
	CHECK(s.rows_late == 1);
	CHECK(catalog_finish(&s, &t, &st, &e) == 0);
	CHECK(st.items == 2 && st.not_in_tree == 1 && st.no_category == 1);
	CHECK(st.missing_categories == 1);
	fp = open_memstream(&buf, &len);
	catalog_write(&s, fp);
	fclose(fp);
	CHECK_STR(buf, "item\tcategory\troot\tavailable\tts\n"
	    "5\t2\t1\t\t300\n"
	    "7\t3\t1\t0\t500\n");
	free(buf);
	catalog_free(&s);
	cattree_free(&t);
}

static void
test_snapshot_errors(void)
{
	catalog s;
	rs_err e = {0};

	CHECK(catalog_init(&s, 1000, &e) == 0);
	CHECK(add(&s, "1x", "7", "888", "v", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "p.csv:9: field 1 (timestamp): bad timestamp: \"1x\"");
	CHECK(add(&s, "9223372036854775808", "7", "888", "v", &e) ==
	    EX_DATAERR);
	CHECK_HAS(e.msg, "bad timestamp (out of range)");
	CHECK(add(&s, "1", "", "888", "v", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "p.csv:9: field 2 (itemid): empty: \"\"");
	CHECK(add(&s, "1", "7", "categoryid", "-2", &e) == EX_DATAERR);
	CHECK_STR(e.msg, "p.csv:9: field 4 (value): negative: \"-2\"");
	CHECK(add(&s, "1", "7", "available", "01", &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "available must be 0 or 1: \"01\"");
	CHECK(add(&s, "1", "7", "available", "", &e) == EX_DATAERR);
	/* Names are compared whole. */
	CHECK(add(&s, "1", "7", "categoryidx", "junk", &e) == 0);
	CHECK(add(&s, "1", "7", "availabl", "junk", &e) == 0);
	CHECK(s.n == 0);
	catalog_free(&s);
}

/* Writes text to dir/name and returns the path (static buffer per slot). */
static const char *
put_file(const char *dir, const char *name, const char *text, int slot)
{
	static char paths[4][256];
	FILE *fp;

	snprintf(paths[slot], sizeof paths[slot], "%s/%s", dir, name);
	fp = fopen(paths[slot], "w");
	fputs(text, fp);
	fclose(fp);
	return paths[slot];
}

/* Reads files into a finished snapshot's TSV, one after the other
 * (all 0) or through catalog_read_all; returns the status. */
static int
snap_tsv(char *const *files, size_t n, int all, skip_bad *bad, char **out,
    catalog *s, rs_err *e)
{
	cattree_rec r[] = {rec(1, 0, 0, 2), rec(2, 1, 1, 3), rec(3, 1, 2, 4)};
	cattree t;
	catalog_stats st;
	size_t i, len = 0;
	FILE *fp;
	int rc = 0;

	*out = NULL;
	CHECK(cattree_build(&t, r, 3, "t.csv", e) == 0);
	CHECK(catalog_init(s, 1000, e) == 0);
	if (all)
		rc = catalog_read_all(s, files, n, bad, NULL, NULL, e);
	else
		for (i = 0; i < n && rc == 0; i++)
			rc = catalog_read(s, files[i], bad, NULL, NULL, e);
	if (rc == 0 && catalog_finish(s, &t, &st, e) == 0) {
		fp = open_memstream(out, &len);
		catalog_write(s, fp);
		fclose(fp);
	}
	cattree_free(&t);
	return rc;
}

static void
test_read_all(void)
{
	char dir[] = "/tmp/test_catalog.XXXXXX";
	const char *hdr = "timestamp,itemid,property,value\n";
	char text[3][512];
	char *files[3], *seq, *par;
	catalog s1, s2;
	skip_bad b1 = {1, 0, {0}}, b2 = {1, 0, {0}};
	rs_err e1 = {0}, e2 = {0};

	CHECK(mkdtemp(dir) != NULL);
	/* Ties across files (the later file wins), a quoted row and CRLF
	 * for the general path, rows at or after --at, bad rows. */
	snprintf(text[0], sizeof text[0], "%s100,7,categoryid,2\n"
	    "200,7,available,1\n300,5,categoryid,1\n"
	    "300,5,\"888\",\"a,b\"\n300,8,categoryid,x\n"
	    "1000,9,categoryid,3\n", hdr);
	snprintf(text[1], sizeof text[1], "%s100,7,categoryid,3\r\n"
	    "200,7,available,0\n250,6,available,1\n1,2\n", hdr);
	snprintf(text[2], sizeof text[2], "%s300,5,categoryid,2\n"
	    "50,6,categoryid,1\n7,7,888,q\n", hdr);
	files[0] = (char *)put_file(dir, "a.csv", text[0], 0);
	files[1] = (char *)put_file(dir, "b.csv", text[1], 1);
	files[2] = (char *)put_file(dir, "c.csv", text[2], 2);
	CHECK(snap_tsv(files, 3, 0, &b1, &seq, &s1, &e1) == 0);
	CHECK(snap_tsv(files, 3, 1, &b2, &par, &s2, &e2) == 0);
	CHECK(seq != NULL && par != NULL);
	CHECK_STR(par, seq);
	CHECK_STR(par, "item\tcategory\troot\tavailable\tts\n"
	    "5\t2\t1\t\t300\n6\t1\t1\t1\t50\n7\t3\t1\t0\t100\n");
	CHECK(s1.rows == s2.rows && s2.rows == 13);
	CHECK(s1.rows_category == s2.rows_category &&
	    s1.rows_available == s2.rows_available &&
	    s1.rows_late == s2.rows_late && s2.rows_late == 1);
	CHECK(b1.n == 2 && b2.n == 2);
	CHECK_STR(b2.first.msg, b1.first.msg);
	CHECK_HAS(b2.first.msg, "a.csv:6: field 4 (value)");
	free(seq);
	free(par);
	catalog_free(&s1);
	catalog_free(&s2);

	/* Without --skip-bad the first file's error wins, though the
	 * second half fails too (here: cannot be opened). */
	files[2] = "/nonexistent/c.csv";
	CHECK(snap_tsv(files, 3, 1, NULL, &par, &s2, &e2) == EX_DATAERR);
	CHECK_HAS(e2.msg, "a.csv:6: field 4 (value)");
	free(par);
	catalog_free(&s2);
	files[0] = (char *)put_file(dir, "a.csv", hdr, 0);
	CHECK(snap_tsv(files, 3, 1, NULL, &par, &s2, &e2) == EX_DATAERR);
	CHECK_HAS(e2.msg, "b.csv:5: expected 4 fields, found 2");
	free(par);
	catalog_free(&s2);
	files[1] = (char *)put_file(dir, "b.csv", hdr, 1);
	CHECK(snap_tsv(files, 3, 1, NULL, &par, &s2, &e2) == EX_NOINPUT);
	CHECK_HAS(e2.msg, "/nonexistent/c.csv");
	free(par);
	catalog_free(&s2);
	remove(files[0]);
	remove(files[1]);
	remove(put_file(dir, "c.csv", "", 2));
	rmdir(dir);
}

int
main(void)
{
	test_read_all();
	test_snapshot();
	test_snapshot_errors();
	return t_done();
}
