/*
 * t.h: the smallest test harness that does the job.  CHECK records a
 * failure with its place and goes on; main() returns t_done(), which prints
 * "N passed, N failed" (the closing line scripts/run-tests.sh reads).
 */
#ifndef RS_T_H
#define RS_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond) do { \
	if (cond) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: CHECK(%s) failed\n", \
	    __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", \
	    __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } \
	} while (0)

/* The message contains the substring. */
#define CHECK_HAS(msg, sub) do { const char *m_ = (msg), *s_ = (sub); \
	if (m_ != NULL && strstr(m_, s_) != NULL) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: \"%s\" lacks \"%s\"\n", \
	    __FILE__, __LINE__, m_ ? m_ : "(null)", s_); } } while (0)

static inline int
t_done(void)
{
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail != 0;
}

#endif
