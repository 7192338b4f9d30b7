/* test_http.c: the HTTP request parser, byte by byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "t.h"

static http_req r;
static const char *why;

static long
P(const char *s)
{
	return http_parse(s, strlen(s), &r, &why);
}

int
main(void)
{
	const char *get = "GET /recs?user_id=1&n_recs=2 HTTP/1.1\r\n"
	    "Host: x\r\n\r\n";
	const char *post = "POST /recs HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\n\r\nhello" "GET / HTTP/1.1\r\n";
	char buf[128], *big;
	size_t i;

	CHECK(P(get) == (long)strlen(get));
	CHECK(http_span_is(r.method, "GET") && http_span_is(r.path, "/recs"));
	CHECK(http_span_is(r.query, "user_id=1&n_recs=2"));
	CHECK(r.minor == 1 && r.keep_alive == 1 && r.body.n == 0);
	/* Every proper prefix needs more bytes. */
	for (i = 0; i < strlen(get); i++)
		CHECK(http_parse(get, i, &r, &why) == 0);
	/* A body, and the next (pipelined) request left alone. */
	CHECK(P(post) == (long)strlen(post) - 16);
	CHECK(http_span_is(r.body, "hello") && r.content_length == 5);
	CHECK(P("POST /recs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "Expect: 100-continue\r\n\r\nhel") == 0);
	CHECK(r.head_len > 0 && r.expect_continue);
	/* Bare LF, leading empty lines, HTTP/1.0 keep-alive and close. */
	CHECK(P("\r\n\nGET / HTTP/1.0\n\n") > 0 && r.keep_alive == 0);
	CHECK(P("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") > 0 &&
	    r.keep_alive == 1 && r.minor == 0);
	CHECK(P("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n")
	    > 0 && r.keep_alive == 0);
	/* Errors, each with its status. */
	CHECK(P("GET / HTTP/1.1\r\n\r\n") == -400);
	CHECK_STR(why, "missing Host header");
	CHECK(P("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == -400);
	CHECK(P("GET / HTTP/2.0\r\n\r\n") == -505);
	CHECK(P("GET / HTTP/1.1 \r\n\r\n") == -400);
	CHECK(P("GET  / HTTP/1.1\r\n\r\n") == -400);
	CHECK(P("GET http://x/ HTTP/1.1\r\n\r\n") == -400);
	CHECK(P("G\x01T / HTTP/1.1\r\n\r\n") == -400);
	{
		/* A TLS ClientHello (binary, with NULs). */
		static const char tls[] = "\x16\x03\x01\x02\x00\x01\x00"
		    "\x01\xfc\x03\x03\n";

		CHECK(http_parse(tls, sizeof tls - 1, &r, &why) == -400);
		CHECK(http_parse(tls, 5, &r, &why) == -400);
	}
	CHECK(P("GET / HTTP/1.1\r\nHost : x\r\n\r\n") == -400);
	CHECK(P("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n") == -400);
	CHECK_STR(why, "obsolete line folding");
	CHECK(P("GET / HTTP/1.1\r\nHost: x\x7f\r\n\r\n") == -400);
	CHECK(P("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
	    == -400);
	CHECK(P("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n") == -400);
	CHECK(P("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc")
	    > 0 && r.body.n == 3);
	CHECK(P("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n")
	    == -413);
	CHECK(P("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: "
	    "99999999999999999999999999\r\n\r\n") == -413);
	CHECK(P("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n") == -501);
	CHECK(P("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nGET") == -400);
	/* Limits: request line, head, number of fields. */
	big = malloc(HTTP_MAX_HEAD + 100);
	memset(big, 'a', HTTP_MAX_HEAD + 100);
	memcpy(big, "GET /", 5);
	CHECK(http_parse(big, HTTP_MAX_LINE + 1, &r, &why) == -414);
	CHECK(http_parse(big, HTTP_MAX_LINE - 10, &r, &why) == 0);
	memcpy(big, "GET / HTTP/1.1\r\nX-A: ", 21);
	CHECK(http_parse(big, HTTP_MAX_HEAD + 100, &r, &why) == -431);
	free(big);
	{
		char many[4096] = "GET / HTTP/1.1\r\nHost: x\r\n";

		for (i = 0; i < HTTP_MAX_FIELDS; i++)
			strcat(many, "A: b\r\n");
		strcat(many, "\r\n");
		CHECK(P(many) == -431);
	}
	/* Query parameters. */
	{
		http_span q = { "a=1&user_id=5&last_items=1%2C2&user_id=7&x",
			42 };

		CHECK(http_query_param(q, "user_id", buf, sizeof buf) == 1);
		CHECK_STR(buf, "7");
		CHECK(http_query_param(q, "last_items", buf, sizeof buf) == 1);
		CHECK_STR(buf, "1,2");
		CHECK(http_query_param(q, "x", buf, sizeof buf) == 1);
		CHECK_STR(buf, "");
		CHECK(http_query_param(q, "n_recs", buf, sizeof buf) == 0);
		q = (http_span){ "a=%2", 4 };
		CHECK(http_query_param(q, "a", buf, sizeof buf) == -1);
		q = (http_span){ "a=%00", 5 };
		CHECK(http_query_param(q, "a", buf, sizeof buf) == -1);
		q = (http_span){ "a=12345", 7 };
		CHECK(http_query_param(q, "a", buf, 4) == -1);
	}
	CHECK_STR(http_reason(422), "Unprocessable Entity");
	return t_done();
}
