/*
 * fuzz_weights.c: weights_parse on arbitrary bytes must either fail with a
 * message or give weights that print (weights_fmt) and parse back to the
 * same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "weights.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = malloc(size + 1), buf[256];
	ev_weights w, back;
	rs_err e = {0};
	int t;

	if (spec == NULL)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (weights_parse(spec, &w, &e) == 0) {
		if (weights_fmt(&w, buf, sizeof buf) < 0 ||
		    weights_parse(buf, &back, &e) != 0)
			abort();
		for (t = 0; t < EV_NTYPES; t++)
			if (back.w[t] != w.w[t])
				abort();
	} else if (e.msg[0] == '\0') {
		abort();
	}
	free(spec);
	return 0;
}
