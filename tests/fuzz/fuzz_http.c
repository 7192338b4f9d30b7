/*
 * fuzz_http.c: libFuzzer harness for the HTTP request parser and the
 * whole protocol engine behind it.
 *
 * The input is parsed with http_parse at every prefix length a reader
 * could have seen (bounded), checking that spans stay inside the buffer;
 * then it is fed, split at an input-chosen point, to a connection of the
 * real engine (common/serve*.c) over a small store built at start, so the JSON
 * body parser, validation, the blend and the line protocol are reached
 * too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "serve.h"
#include "store.h"

static server S;
static int ready;

static void
check_span(http_span s, const char *buf, size_t len)
{
	if (s.n > 0 && (s.p < buf || s.p + s.n > buf + len))
		abort();
}

/* Writes text to a new temporary file named in path (its own buffer,
 * which lives as long as the program); returns path. */
static char *
temp_with(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/fuzz_http.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		abort();

	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

/* The store of the rec-blend test fixtures, built once. */
static void
setup(void)
{
	static char ip[32], pp[32], rp[32], sp[32];
	store_build_opts o = {
		.items_path = temp_with(ip, "item\tcategory\troot\tavailable\tts\n"
		    "101\t10\t1\t1\t0\n102\t10\t1\t1\t0\n201\t20\t1\t1\t0\n"
		    "301\t30\t1\t1\t0\n401\t40\t1\t1\t0\n501\t50\t1\t1\t0\n"
		    "502\t50\t1\t1\t0\n"),
		.popular_path = temp_with(pp, "item\tcategory\tcount\tscore\n"
		    "501\t50\t9\t1\n502\t50\t8\t0.9\n101\t10\t7\t0.8\n"
		    "201\t20\t6\t0.7\n102\t10\t5\t0.6\n301\t30\t4\t0.5\n"
		    "9\t\t1\t0.1\n"),
		.personal_path = temp_with(rp, "user\trank\titem\tscore\n"
		    "7\t1\t102\t1\n7\t2\t501\t1\n3\t1\t9\t1\n"),
		.list_len = 6, .last_items = 3, .built_ms = 0
	};
	char *path = temp_with(sp, "");
	rs_err e = {0}, se = {0};

	if (store_build(&o, path, &e) != 0) {
		fprintf(stderr, "fuzz_http: %s\n", e.msg);
		abort();
	}
	unlink(o.items_path);
	unlink(o.popular_path);
	unlink(o.personal_path);
	S.timeout_ms = 1000;
	S.idle_ms = 1000;
	if (serve_init(&S, path, NULL, &se, &e) != 0 || !S.have_store)
		abort();
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *why;
	size_t cut, i, room;
	http_req r;
	conn c;
	long n;

	if (!ready)
		setup();
	for (i = 0; i <= size && i < 4096; i += i < 64 ? 1 : 61) {
		n = http_parse(buf, i, &r, &why);
		if (n > (long)i)
			abort();
		if (n < 0 && why == NULL)
			abort();
		if (n > 0) {
			check_span(r.method, buf, i);
			check_span(r.target, buf, i);
			check_span(r.body, buf, i);
			check_span(r.query, buf, i);
		}
	}
	n = http_parse(buf, size, &r, &why);
	if (n > (long)size)
		abort();

	/* The engine, the input in two reads. */
	cut = size > 0 ? data[0] % (size + 1) : 0;
	conn_init(&c, &S);
	for (i = 0; i < 2 && !c.closing; i++) {
		size_t a = i == 0 ? 0 : cut, b = i == 0 ? cut : size, k = 0;

		while (a + k < b && !c.closing) {
			char *p = conn_rbuf(&c, &room);
			size_t take = b - a - k < room ? b - a - k : room;

			if (room == 0) {
				conn_process(&c, 0, 0);   /* paused */
				c.out.len = 0;
				continue;
			}
			memcpy(p, buf + a + k, take);
			k += take;
			conn_process(&c, take, 0);
			c.out.len = 0;
		}
	}
	if (!c.closing)
		conn_process(&c, 0, 1);
	while (c.paused) {
		c.out.len = 0;
		conn_process(&c, 0, 1);
	}
	conn_timeout(&c);
	conn_free(&c);
	return 0;
}
