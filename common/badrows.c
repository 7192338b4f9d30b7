/* badrows.c: see badrows.h. */
#include "badrows.h"

#include <stdio.h>
#include <string.h>

int
badrows_take(badrows *b, rs_err *e)
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
badrows_summary(const badrows *b, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "skipped %llu bad row%s; first: %s",
	    (unsigned long long)b->n, b->n == 1 ? "" : "s", b->first.msg);
}
