/* test_json.c: the strict JSON parser and its accessors. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "t.h"

static json_node nodes[64];
static json_doc d;
static const char *why;
static size_t at;

static int
J(const char *s)
{
	return json_parse(&d, s, strlen(s), nodes, 64, &why, &at);
}

int
main(void)
{
	int64_t v;
	uint64_t u;
	long m;
	static const char *bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "-",
		"1.", ".5", "1e", "+1", "NaN", "Infinity", "[1 2]", "{\"a\" 1}",
		"{1:2}", "\"a\\x\"", "\"\\u12G4\"", "\"a\tb\"", "\"\xc3\"",
		"\"\xed\xa0\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xc0\xaf\"",
		"tru", "nul", "true false", "{} x", "/* c */ 1", "[\"a\"",
	};
	size_t i;
	char deep[200];

	CHECK(J(" {\"user_id\": 7, \"n_recs\": 5, \"last_items\": [1, 2, 3],"
	    " \"x\": {\"y\": [null, true, false, \"s\"]}} ") == 0);
	CHECK(d.node[0].type == JSON_OBJECT && d.node[0].count == 4);
	CHECK((m = json_member(&d, 0, "user_id")) > 0);
	CHECK(json_int(&d, (size_t)m, &v) == 0 && v == 7);
	CHECK((m = json_member(&d, 0, "last_items")) > 0);
	CHECK(d.node[m].type == JSON_ARRAY && d.node[m].count == 3);
	CHECK(json_int(&d, (size_t)m + 3, &v) == 0 && v == 3);
	CHECK(json_member(&d, 0, "y") == -1);
	CHECK(d.node[d.node[0].next - 1].type == JSON_STRING);
	/* The last of duplicate keys wins; escaped keys match. */
	CHECK(J("{\"a\":1,\"\\u0061\":2}") == 0);
	CHECK(json_int(&d, (size_t)json_member(&d, 0, "a"), &v) == 0 &&
	    v == 2);
	CHECK(J("{\"\\u00e9t\\u00e9\":1, \"\\ud83d\\ude00\":2}") == 0);
	CHECK(json_member(&d, 0, "\xc3\xa9t\xc3\xa9") > 0);
	CHECK(json_member(&d, 0, "\xf0\x9f\x98\x80") > 0);
	/* Integers. */
	CHECK(J("[-0, 18446744073709551615, 18446744073709551616, 1.0, 1e2,"
	    " -9223372036854775808, -9223372036854775809, -5]") == 0);
	CHECK(json_u64(&d, 1, &u) == 0 && u == 0);
	CHECK(json_u64(&d, 2, &u) == 0 && u == UINT64_MAX);
	CHECK(json_u64(&d, 3, &u) == 1);
	CHECK(json_u64(&d, 4, &u) == -1 && json_int(&d, 4, &v) == -1);
	CHECK(json_u64(&d, 5, &u) == -1);
	CHECK(json_int(&d, 6, &v) == 0 && v == INT64_MIN);
	CHECK(json_int(&d, 7, &v) == 1 && v == INT64_MIN);
	CHECK(json_u64(&d, 8, &u) == 1 && json_int(&d, 8, &v) == 0 && v == -5);
	CHECK(json_int(&d, 2, &v) == 1 && v == INT64_MAX);
	/* Refused texts. */
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		int rc = J(bad[i]);

		CHECK(rc == -1);
		if (rc == 0)
			fprintf(stderr, "accepted: %s\n", bad[i]);
	}
	CHECK(J("[1, 2") == -1);
	CHECK_STR(why, "expected ',' or ']'");
	CHECK(J("\"\xf0\x9f\x98\x80 ok\"") == 0);
	/* Bounded: depth and node count. */
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	CHECK(J(deep) == -1);
	CHECK_STR(why, "nested too deeply");
	CHECK(J("[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
	    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
	    "0]") == -1);
	CHECK_STR(why, "too many values");
	return t_done();
}
