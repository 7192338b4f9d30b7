/*
 * serve_int.h: what the parts of the rec-serve engine share among
 * themselves (not part of its API, which is serve.h).
 *
 *   serve.c          the server: the store handle (open, reopen on swap)
 *                    and the process's CPU account
 *   serve_conn.c     a connection: its buffers, protocol detection,
 *                    timeouts, and the one-connection driver (inetd, pipes)
 *   serve_http.c     HTTP/1.x: responses, the route table's dispatch and
 *                    the handlers
 *   serve_request.c  validation of a /recs request (query or JSON body),
 *                    with errors as pydantic 1 reports them
 *   serve_line.c     the TSV line protocol
 *   serve_loop.c     the epoll worker of --listen
 */
#ifndef RS_SERVE_INT_H
#define RS_SERVE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "outbuf.h"
#include "serve.h"

/* The most input a connection holds: a whole HTTP request or one line. */
#define SRV_IN_MAX (HTTP_MAX_HEAD + HTTP_MAX_BODY > SRV_MAX_LINE ? \
    HTTP_MAX_HEAD + HTTP_MAX_BODY : SRV_MAX_LINE)

/* The optional first line of the line protocol. */
extern const char serve_line_header[];

/* Monotonic nanoseconds. */
uint64_t serve_now_ns(void);

/*
 * The blend of rec-serve: blend_recs under serve_guard, then the damage
 * check, the source counted.  Returns the number of items in out, -1 when
 * the store's file shrank under it, -2 when it met a damaged part (both
 * logged and counted; the answer must be an error).
 */
long serve_blend(server *s, uint64_t user, size_t n, const uint64_t *last,
    size_t n_last, uint64_t *out);

/* Writes as much of c->out as fd takes now; -1 on a write error. */
int conn_flush(conn *c, int fd);

/* A /recs request, valid once nerr == 0 and !err.failed. */
typedef struct recs_req {
	uint64_t user_id;
	uint64_t n_recs;
	uint64_t last[STORE_MAX_LAST];  /* the newest, oldest first */
	size_t n_last;                  /* kept (<= STORE_MAX_LAST) */
	outbuf err;                     /* detail entries, comma-separated */
	int nerr;
} recs_req;

/* Keeps the newest STORE_MAX_LAST items of the list as it goes by. */
void recs_req_keep_last(recs_req *q, uint64_t item);

/*
 * The JSON body of POST /recs into q (validation errors go to q->err).
 * Returns 0, or the status when the body is no JSON (400, with *why and
 * the byte offset *at of the problem) or memory ran out (500).
 */
int recs_req_body(recs_req *q, http_span body, size_t max_n,
    const char **why, size_t *at);

/* The query of GET /recs?user_id=&n_recs=&last_items=a,b into q. */
void recs_req_query(recs_req *q, http_span query, size_t max_n);

/* Answer the whole requests at the start of c->in; return the bytes
 * consumed.  They stop early with c->paused when c->out is full. */
size_t http_process(conn *c);
size_t line_process(conn *c);

/* The HTTP answer to a timeout: 408 and its metric. */
void http_timeout(conn *c);

#endif
