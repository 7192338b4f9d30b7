/*
 * err.h: errors and diagnostics shared by every program.
 *
 * Library code never prints and never exits: it fills an rs_err with an exit
 * status (sysexits) and a message that already names the place ("file:line:
 * field N: ..."), and returns the status.  Only main() turns an rs_err into a
 * diagnostic on stderr and an exit status, through rs_die_err().
 *
 * Exit statuses (documented in every man page):
 *   0 ok, 64 usage, 65 bad input data, 66 cannot open input,
 *   70 internal error, 73 cannot create output, 74 I/O error.
 */
#ifndef RS_RS_ERR_H
#define RS_RS_ERR_H

#include <stdarg.h>
#include <stdnoreturn.h>
#include <sysexits.h>

#define RS_ERR_MSG 1024

typedef struct rs_err {
	int code;               /* 0 while no error has been recorded */
	char msg[RS_ERR_MSG];   /* without the program name, no trailing newline */
} rs_err;

/* Records an error in e (when e is not NULL) and returns code. */
int rs_errf(rs_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int rs_verrf(rs_err *e, int code, const char *fmt, va_list ap);

/* "out of memory", EX_SOFTWARE: the one wording of every allocation
 * failure. */
int rs_oom(rs_err *e);

/* Prefixes the message already in e with "prefix: " (adds context). */
int rs_err_prefix(rs_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The program name used in diagnostics; set once from argv[0] by main. */
void rs_setprog(const char *argv0);
const char *rs_prog(void);

/*
 * The one shape of a bad-field message:
 * "file:line: field N (name): why: \"value\"" (value cut at 64 bytes),
 * status EX_DATAERR.  fieldno is 1-based; name may be NULL.
 */
int rs_field_err(rs_err *e, const char *file, unsigned long long line,
    unsigned fieldno, const char *name, const char *why, const char *value);

/* "prog: message" on stderr. */
void rs_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print "prog: message" and exit with code.  Before exiting, every atomic
 * output still open is removed (see outfile.h), so a failing run leaves nothing
 * half-written behind.
 */
noreturn void rs_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
noreturn void rs_die_err(const rs_err *e);

/* Hook called by rs_die before exit; outfile.c installs its cleanup here. */
extern void (*rs_cleanup_hook)(void);

#endif
