/* util.c: see util.h. */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void *
util_grow(void *p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;
	void *q;

	if (need <= *cap)
		return p;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if (elsize != 0 && ncap > SIZE_MAX / elsize)
		return NULL;
	if ((q = realloc(p, ncap * elsize)) == NULL)
		return NULL;
	*cap = ncap;
	return q;
}

int
util_resize(void *pp, size_t n, size_t elsize)
{
	void *p;

	/* memcpy, not a cast to void **: the pointer at pp is a T *. */
	memcpy(&p, pp, sizeof p);
	if (elsize != 0 && n > SIZE_MAX / elsize)
		return -1;
	if ((p = realloc(p, n * elsize)) == NULL)
		return -1;
	memcpy(pp, &p, sizeof p);
	return 0;
}

double
util_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t
util_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
util_real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
