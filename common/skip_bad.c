/* skip_bad.c: see skip_bad.h. */
#include "skip_bad.h"

#include <stdio.h>
#include <string.h>

int
skip_bad_take(skip_bad *b, rs_err *e)
{
	int code = e != NULL && e->code != 0 ? e->code : EX_SOFTWARE;

	if (b == NULL || !b->skip || code != EX_DATAERR)
		return code;
	if (b->n++ == 0)
		b->first = *e;
	e->code = 0;
	e->msg[0] = '\0';
	return 0;
}

void
skip_bad_summary(const skip_bad *b, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "skipped %llu bad row%s; first: %s",
	    (unsigned long long)b->n, b->n == 1 ? "" : "s", b->first.msg);
}
