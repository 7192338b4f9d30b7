/*
 * fuzz_serve.h: what the harnesses of the serving side share: a small
 * store built at start from the rec-blend fixtures' shape (lists of 6),
 * and a server S over it (serve_init), ready for conn_* calls.
 */
#ifndef RS_FUZZ_SERVE_H
#define RS_FUZZ_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve.h"
#include "store.h"

static server S;
static int ready;

/* Writes text to a new temporary file named in path (its own buffer,
 * which lives as long as the program); returns path. */
static char *
temp_with(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/fuzz_serve.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		abort();

	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

/* The store of the rec-blend test fixtures, built once; path in
 * fuzz_store_path. */
static char fuzz_store_path[32];

static void
setup(void)
{
	static char ip[32], pp[32], rp[32];
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
	char *path = temp_with(fuzz_store_path, "");
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


/* Feeds data to a new connection of S in two reads split at cut, as the
 * drivers would, discarding the output; then end of input and a timeout. */
static void
fuzz_conn(const char *buf, size_t size, size_t cut)
{
	size_t i, room;
	conn c;

	/* The counters start at zero for every input, as in a new server:
	 * an input does the same work whatever ran before it (a crash
	 * reproduces from its input alone), and /metrics does not grow
	 * with the campaign (once every label set had a count, each
	 * /metrics answer printed the whole histogram, and the http
	 * harness fell from ~4,000 to ~115 inputs a second). */
	memset((char *)S.mt.m + offsetof(serve_metrics_shm, requests), 0,
	    sizeof *S.mt.m - offsetof(serve_metrics_shm, requests));
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
}

#endif
