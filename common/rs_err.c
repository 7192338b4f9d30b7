/* rs_err.c: see err.h. */
#include "rs_err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void (*rs_cleanup_hook)(void);
static const char *progname = "recsys";

int
rs_verrf(rs_err *e, int code, const char *fmt, va_list ap)
{
	if (e != NULL) {
		e->code = code;
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	}
	return code;
}

int
rs_errf(rs_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rs_verrf(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int
rs_err_prefix(rs_err *e, const char *fmt, ...)
{
	char old[RS_ERR_MSG];
	size_t used;
	va_list ap;

	if (e == NULL)
		return 0;
	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	used = strlen(e->msg);
	if (used + 2 < sizeof e->msg) {
		memcpy(e->msg + used, ": ", 3);
		used += 2;
		strncat(e->msg + used, old, sizeof e->msg - used - 1);
	}
	return e->code;
}

int
rs_oom(rs_err *e)
{
	return rs_errf(e, EX_SOFTWARE, "out of memory");
}

int
rs_field_err(rs_err *e, const char *file, unsigned long long line,
    unsigned fieldno, const char *name, const char *why, const char *value)
{
	if (name != NULL)
		return rs_errf(e, EX_DATAERR, "%s:%llu: field %u (%s): %s: "
		    "\"%.64s\"", file, line, fieldno, name, why, value);
	return rs_errf(e, EX_DATAERR, "%s:%llu: field %u: %s: \"%.64s\"",
	    file, line, fieldno, why, value);
}

void
rs_setprog(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash != NULL ? slash + 1 : argv0;
}

const char *
rs_prog(void)
{
	return progname;
}

void
rs_warnx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

noreturn void
rs_die(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (rs_cleanup_hook != NULL)
		rs_cleanup_hook();
	exit(code);
}

noreturn void
rs_die_err(const rs_err *e)
{
	rs_die(e->code != 0 ? e->code : EX_SOFTWARE, "%s", e->msg);
}
