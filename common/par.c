/* par.c: see par.h. */
#include "par.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

typedef struct par {
	void (*fn)(void *ctx, size_t lo, size_t hi, unsigned tid);
	void *ctx;
	size_t n, chunk;
	atomic_size_t next;
	unsigned tid_next;
	pthread_mutex_t mu;
} par;

static void *
par_worker(void *arg)
{
	par *pr = arg;
	unsigned tid;
	size_t lo;

	pthread_mutex_lock(&pr->mu);
	tid = pr->tid_next++;
	pthread_mutex_unlock(&pr->mu);
	while ((lo = atomic_fetch_add(&pr->next, pr->chunk)) < pr->n) {
		size_t hi = lo + pr->chunk < pr->n ? lo + pr->chunk : pr->n;

		pr->fn(pr->ctx, lo, hi, tid);
	}
	return NULL;
}

void
par_run(unsigned threads, size_t n, size_t chunk,
    void (*fn)(void *, size_t, size_t, unsigned), void *ctx)
{
	pthread_t th[PAR_MAX_THREADS];
	unsigned started = 0, t;
	par pr;

	pr.fn = fn;
	pr.ctx = ctx;
	pr.n = n;
	pr.chunk = chunk;
	atomic_init(&pr.next, 0);
	pr.tid_next = 0;
	pthread_mutex_init(&pr.mu, NULL);
	if (threads > 1 && n > chunk)
		for (t = 1; t < threads; t++) {
			if (pthread_create(&th[started], NULL, par_worker,
			    &pr) != 0)
				break;
			started++;
		}
	par_worker(&pr);
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&pr.mu);
}
