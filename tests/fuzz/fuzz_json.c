/*
 * fuzz_json.c: libFuzzer harness for the strict JSON parser: any input is
 * accepted or refused in bounded time, node offsets stay in the text,
 * subtrees nest properly, and the accessors never read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_node nodes[4096];
	const char *why;
	json_doc d;
	size_t at, i;

	if (json_parse(&d, (const char *)data, size, nodes, 4096, &why,
	    &at) != 0) {
		if (why == NULL || at > size)
			abort();
		return 0;
	}
	if (d.n == 0 || d.node[0].next != d.n)
		abort();
	for (i = 0; i < d.n; i++) {
		const json_node *n = &d.node[i];
		int64_t v;
		uint64_t u;

		if ((size_t)n->off + n->len > size || n->next <= i ||
		    n->next > d.n)
			abort();
		if (n->type == JSON_NUMBER) {
			json_int(&d, i, &v);
			json_u64(&d, i, &u);
		}
		if (n->type == JSON_OBJECT) {
			json_member(&d, i, "user_id");
			json_member(&d, i, "\xc3\xa9");
		}
	}
	return 0;
}
