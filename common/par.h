/*
 * par.h: a tiny thread pool for the library's data-parallel loops: one run
 * per call, the range cut into chunks that the threads take in turn.
 * Which thread takes which chunk varies from run to run, so callers make
 * each chunk's result independent of that (write per-row or per-chunk
 * results, never accumulate across chunks in arrival order).
 */
#ifndef RS_PAR_H
#define RS_PAR_H

#include <stddef.h>

#define PAR_MAX_THREADS 256

/*
 * Calls fn(ctx, lo, hi, tid) over [0, n) in chunks of chunk on up to
 * threads threads (tid < threads, at most PAR_MAX_THREADS) and returns
 * when all chunks are done.  If a thread cannot be started the others (at
 * least the calling one) do its share.
 */
void par_run(unsigned threads, size_t n, size_t chunk,
    void (*fn)(void *ctx, size_t lo, size_t hi, unsigned tid), void *ctx);

#endif
