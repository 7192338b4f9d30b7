/*
 * serve_metrics.h: rec-serve's counters, shared by every server process.
 *
 * Under inetd every connection is a new process, so counters cannot live
 * in one process's memory: they live in a small file (-m FILE) that every
 * process maps shared and updates with relaxed atomic adds, so nothing is
 * lost and nothing locks.  Without a file the block is an anonymous shared
 * mapping, shared by the workers forked after it (rec-serve --listen).
 *
 * The file (native byte order and alignment; it never leaves the machine)
 * starts with the 8 bytes METRICS_MAGIC, which names the layout version:
 * a file of another version or size is refused, not misread.  Creating it
 * is race-free: a process takes an exclusive flock, sizes a new file and
 * writes the magic last.
 *
 * serve_metrics_render writes the Prometheus text exposition format (0.0.4):
 * the counters, the latency histogram, the store's description and the
 * process_* metrics of the rendering process.
 */
#ifndef RS_SERVE_METRICS_H
#define RS_SERVE_METRICS_H

#include <stdint.h>

#include "blend.h"
#include "rs_err.h"
#include "outbuf.h"
#include "serve_routes.h"
#include "store.h"

#define METRICS_MAGIC "RSMETR02"

/* Label values; the *_OTHER entries catch the rest.  The handler labels
 * are the routes of serve_routes.h (N_ROUTES of them, "none" last). */
enum { MM_GET, MM_POST, MM_HEAD, MM_PUT, MM_DELETE, MM_PATCH, MM_OPTIONS,
	MM_OTHER, M_METHODS };
#define M_STATUSES 14
#define M_BUCKETS 14     /* 13 bounds and +Inf */

typedef struct serve_metrics_shm {
	char magic[8];
	int64_t created_ms;
	uint64_t requests[N_ROUTES][M_METHODS][M_STATUSES];
	uint64_t bucket[N_ROUTES][M_METHODS][M_BUCKETS];  /* not cumulative */
	uint64_t sum_ns[N_ROUTES][M_METHODS];
	uint64_t exceptions;
	uint64_t recs[BLEND_NSOURCES];
	uint64_t line_requests;
	uint64_t line_errors;
	uint64_t connections;
	uint64_t store_reloads;
	uint64_t store_rejected;  /* stores refused: damaged or unreadable */
	uint64_t store_damaged;   /* requests that met a damaged part */
	uint64_t store_truncated; /* SIGBUS: the mapped file shrank */
	uint64_t evictions;       /* idle connections closed to make room */
	uint64_t refused;         /* connections closed: no room at all */
	uint64_t cpu_ns;          /* CPU time of every server process */
} serve_metrics_shm;

typedef struct serve_metrics {
	serve_metrics_shm *m;
	int shared_file;          /* backed by a file (-m) */
} serve_metrics;

/* Maps path (created when missing), or an anonymous block if NULL.
 * EX_CANTCREAT / EX_DATAERR with a message on failure. */
int serve_metrics_open(serve_metrics *mt, const char *path, rs_err *e);
void serve_metrics_close(serve_metrics *mt);

int serve_metrics_method(const char *p, size_t n);
/* The index of status in the label table (500 for unknown ones). */
int serve_metrics_status(int status);

static inline void
serve_metrics_add(uint64_t *c, uint64_t v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

/* Counts one HTTP request and its duration. */
void serve_metrics_request(serve_metrics *mt, int route, int method, int status,
    uint64_t ns);

/*
 * Renders everything.  s (may be NULL) and store_path describe the store
 * in use; the process_* figures are this process's, and own_cpu_ns is
 * this process's CPU time not yet added to the shared total.
 */
void serve_metrics_render(const serve_metrics *mt, const store *s,
    const char *store_path, uint64_t own_cpu_ns, outbuf *out);

/* This process's CPU time (user + system) in nanoseconds. */
uint64_t serve_metrics_self_cpu_ns(void);

#endif
