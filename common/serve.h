/*
 * serve.h: the rec-serve protocol engine, apart from how bytes arrive.
 *
 * A server holds what every connection shares in one process: the store
 * (reopened when the file at its path changes), the shared metrics and the
 * limits.  A conn is one client: bytes read are appended to its input,
 * conn_process answers every whole request found there into its output,
 * and the caller writes that out.  The first byte of a connection picks
 * the protocol: a digit or the header "user_id\t..." is the TSV line
 * protocol, anything else HTTP/1.x.  Two drivers move the bytes: one
 * connection over a pair of descriptors (inetd, pipes, forked workers) and
 * an epoll loop over a listening socket (pre-forked --listen workers).
 */
#ifndef RS_SERVE_H
#define RS_SERVE_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "rs_err.h"
#include "serve_metrics.h"
#include "outbuf.h"
#include "store.h"

#define SRV_DEFAULT_N_RECS 10
#define SRV_MAX_LINE 65536      /* a line of the line protocol, bytes
                                   before its LF */
#define SRV_MAX_OUT (1 << 20)   /* output held before reading stops */
#define SRV_CHECK_MS 1          /* least time between two looks at the store */

/* A file's identity: a file renamed over or rewritten has another. */
typedef struct serve_file_id {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
} serve_file_id;

typedef struct server {
	const char *store_path;
	store st;
	int have_store;
	int verify;               /* check a whole store before using it */
	serve_file_id id;         /* of the open store file */
	serve_file_id rejected;   /* of the last file refused (not retried) */
	char store_err[RS_ERR_MSG];   /* why no store, when have_store == 0 */
	int64_t checked_ms;           /* last look at the store path */
	serve_metrics mt;
	uint64_t cpu_reported_ns;     /* own CPU already added to serve_metrics */
	int timeout_ms;           /* to receive a whole request */
	int idle_ms;              /* between requests on a connection */
	int verbose;
} server;

/*
 * Opens the metrics (file or anonymous) and the store.  With s->verify
 * set (--listen) every store, the first and each new one, is verified
 * whole (STORE_VERIFY) before it is used; else each request checks the
 * blocks it reads (see store.h).  A store that cannot
 * be opened is not fatal here: requests get 503 until it can (e says why;
 * the caller decides whether to go on).  Returns 0, or EX_* for metrics.
 */
int serve_init(server *s, const char *store_path, const char *metrics_path,
    rs_err *store_e, rs_err *e);
void serve_fini(server *s);

/*
 * Reopens the store when the file its path names now has another identity
 * (rename over it, a switched symlink).  Called before every request; it
 * looks (one stat(2)) when SRV_CHECK_MS have passed since the last look,
 * so a swap is seen within a millisecond while a stream of pipelined
 * requests does not pay a system call each.  On failure the old store
 * stays in use, the failure is logged and counted once, and that same
 * file is not tried again.  Returns have_store.
 */
int serve_check_store(server *s);

/*
 * Runs fn(s, arg), which reads the store, guarded against SIGBUS (the
 * store's file shrank under its mapping: overwritten in place or
 * truncated).  Returns 0, or -1 after such a fault: fn was cut short, the
 * store is closed (logged, counted) and the next serve_check_store
 * reopens the file at the path.  Installed by serve_init; one guarded
 * call at a time (the server is single-threaded).
 */
int serve_guard(server *s, void (*fn)(server *, void *), void *arg);

/*
 * After a lookup in the store: 1 when it met a damaged block (logged with
 * the section's name, counted), so the answer must be an error; 0 when
 * all it read was good.
 */
int serve_store_damaged(server *s);

/* Adds this process's CPU time not yet counted to the shared metric. */
void serve_account_cpu(server *s);

enum conn_mode { CONN_NEW, CONN_HTTP, CONN_LINE };

typedef struct conn {
	server *s;
	enum conn_mode mode;
	char *in;
	size_t in_len, in_cap;
	outbuf out;
	int closing;              /* close once out is written */
	int eof;                  /* no more input will come */
	int paused;               /* stopped answering until out is written */
	int sent_continue;        /* "100 Continue" sent for this request */
	int ka10;                 /* HTTP/1.0 request asked for keep-alive */
	int served;               /* requests answered so far */
	int64_t start_ms;         /* connection accepted */
	int64_t req_ms;           /* first byte of the pending request */
	int64_t last_ms;          /* last request answered */
	uint64_t lineno;          /* line protocol: lines read */
	int skip_line;            /* skipping an over-long line to its LF */
	uint64_t line_errors;
} conn;

void conn_init(conn *c, server *s);
void conn_free(conn *c);

/* Room to read into (0 only while paused). */
char *conn_rbuf(conn *c, size_t *room);

/*
 * Answers every whole request in the input (the n bytes just read
 * were appended at conn_rbuf), appends responses to c->out, sets
 * c->closing when the connection must end.  eof: no more input will come.
 * When the output grows past SRV_MAX_OUT it stops with c->paused set:
 * the driver writes the output out and calls it again with n = 0.
 */
void conn_process(conn *c, size_t n, int eof);

/* When the connection times out if nothing more arrives (monotonic ms):
 * the pending request's timeout, or the idle timeout between requests. */
int64_t conn_deadline(const conn *c);

/*
 * The client was too slow or idle: with a request partly received (or
 * nothing at all on a new connection) answers 408; then closing.
 */
void conn_timeout(conn *c);

/*
 * Serves one connection on rfd/wfd until it ends; timeouts apply when
 * timeouts is set (sockets), not to pipes and files.  Returns 0, or 1 if
 * some line-protocol request was invalid (the line protocol's exit 65).
 * A read or write that fails ends it with e->code EX_IOERR and e->msg
 * "read error: REASON" or "write error: REASON" (the caller names the
 * file); e->code is 0 otherwise.
 */
int serve_run_fd(server *s, int rfd, int wfd, int timeouts, rs_err *e);

/*
 * What the workers of --listen share to spread connections (see
 * serve_loop.c): each worker's connection count.  A shared anonymous
 * mapping made before the workers are forked.
 */
typedef struct serve_load {
	int nworkers;
	uint32_t conns[];         /* per worker, written by that worker */
} serve_load;

/* NULL (errno set) when the mapping fails. */
serve_load *serve_load_new(int nworkers);
void serve_load_free(serve_load *ld);

/*
 * A worker of --listen: accepts on the non-blocking listening socket lfd
 * and serves up to max_conns connections at once with epoll, until
 * *stop becomes non-zero.  load (may be NULL for a lone worker) and self
 * (this worker's index in it) spread connections across workers; when all
 * are at max_conns the oldest idle connection makes room for a new one.
 * When *stop is set it stops accepting, closes its idle connections, and
 * returns as soon as the requests in flight are answered, or after
 * s->timeout_ms at most.  Returns 0, or EX_OSERR if epoll fails.
 */
int serve_run_listener(server *s, int lfd, int max_conns, serve_load *load,
    int self, volatile sig_atomic_t *stop, rs_err *e);

#endif
