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

#include "fuzz_serve.h"
#include "http.h"

static void
check_span(http_span s, const char *buf, size_t len)
{
	if (s.n > 0 && (s.p < buf || s.p + s.n > buf + len))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *why;
	size_t i;
	http_req r;
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
	fuzz_conn(buf, size, size > 0 ? data[0] % (size + 1) : 0);
	return 0;
}
