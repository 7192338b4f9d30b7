/* test_als_users.c: als-recommend's --users list read against a model's
 * user ids: file order, unknown ids counted and the first ones kept with
 * their line, repeated ids once, bad ids and headers named, gzip, stdin. */
#include "als.h"
#include "t.h"
#include "tutil.h"

static const uint64_t uids[] = {3, 7, 10, 42, 1000};

static const char *
put(const char *name, const char *text)
{
	return t_file(name, text, strlen(text));
}

static void
model(als_model *mod)
{
	memset(mod, 0, sizeof *mod);
	mod->users = sizeof uids / sizeof uids[0];
	mod->user_ids = uids;
}

int
main(void)
{
	als_user_list ul;
	als_model mod;
	rs_err e = {0};
	const char *p;
	char big[4096];
	size_t n = 0, i;

	model(&mod);
	p = put("u.tsv", "user\n42\n3\n99\n42\n1000\n5\n");
	CHECK(als_user_list_read(&ul, p, &mod, &e) == 0);
	CHECK(ul.n == 3 && ul.rows[0] == 3 && ul.rows[1] == 0 &&
	    ul.rows[2] == 4);
	CHECK(ul.unknown == 2 && ul.dups == 1 && ul.nshown == 2);
	CHECK(ul.shown[0].line == 4 && ul.shown[0].id == 99);
	CHECK(ul.shown[1].line == 7 && ul.shown[1].id == 5);
	CHECK_HAS(ul.name, "u.tsv");
	als_user_list_free(&ul);
	CHECK(ul.rows == NULL && ul.name == NULL);

	/* More unknown ids than are kept: all counted, the first 10 kept. */
	n = (size_t)snprintf(big, sizeof big, "user\n");
	for (i = 0; i < 25; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "%zu\n",
		    2000 + i);
	n += (size_t)snprintf(big + n, sizeof big - n, "7\n");
	p = t_file("many.tsv", big, n);
	CHECK(als_user_list_read(&ul, p, &mod, &e) == 0);
	CHECK(ul.n == 1 && ul.rows[0] == 1);
	CHECK(ul.unknown == 25 && ul.nshown == ALS_USERS_SHOWN);
	CHECK(ul.shown[9].line == 11 && ul.shown[9].id == 2009);
	als_user_list_free(&ul);

	/* gzip is recognised; an empty list is a list. */
	{
		size_t zlen;
		unsigned char *z = t_gzip("user\n10\n", 8, &zlen);

		p = t_file("u.tsv.gz", z, zlen);
		free(z);
	}
	CHECK(als_user_list_read(&ul, p, &mod, &e) == 0);
	CHECK(ul.n == 1 && ul.rows[0] == 2);
	als_user_list_free(&ul);
	p = put("empty.tsv", "user\n");
	CHECK(als_user_list_read(&ul, p, &mod, &e) == 0 && ul.n == 0);
	als_user_list_free(&ul);

	/* Errors: a bad id names file, line and field; a wrong header; a
	 * missing file.  Nothing is left allocated. */
	p = put("bad.tsv", "user\n7\nx7\n");
	CHECK(als_user_list_read(&ul, p, &mod, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "bad.tsv:3: field 1");
	CHECK_HAS(e.msg, "\"x7\"");
	CHECK(ul.rows == NULL && ul.n == 0);
	p = put("hdr.tsv", "visitor\n7\n");
	CHECK(als_user_list_read(&ul, p, &mod, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, "hdr.tsv:1:");
	CHECK(als_user_list_read(&ul, t_path("none.tsv"), &mod, &e) ==
	    EX_NOINPUT);
	CHECK_HAS(e.msg, "none.tsv");
	return t_done();
}
