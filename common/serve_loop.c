/* serve_loop.c: the epoll worker of --listen (see serve.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve_int.h"
#include "util.h"

/*
 * Fair accept.  Every worker waits on the one listening socket (with
 * EPOLLEXCLUSIVE, a new connection wakes one waiter), but a worker only
 * waits on it while it should take new connections:
 *   - while it holds no more than ACCEPT_SLACK connections above the least
 *     loaded worker, so that idle connections spread across workers instead
 *     of piling onto the first one awake (the least loaded worker always
 *     qualifies, so someone always accepts);
 *   - never while it is at its cap, unless every worker is at its cap: then
 *     it accepts and closes its oldest idle connection to make room, and
 *     refuses (closes) the new one only when none of its connections is
 *     idle.
 * Each wake-up accepts at most ACCEPT_BATCH connections, so one burst is
 * shared with the workers that the next arrivals wake.  The counts live in
 * a shared mapping (serve_load) that each worker updates for itself and
 * reads for the others, without locks: a stale count costs at most one
 * batch of imbalance.
 */
#define ACCEPT_SLACK 8
#define ACCEPT_BATCH 16

struct econn {
	conn c;
	int fd;
	int want_out;             /* registered for EPOLLOUT */
	int64_t wdeadline;        /* while output waits on the client */
	struct econn *prev, *next;
};

struct eloop {
	server *s;
	int ep;
	int lfd;
	int listening;            /* lfd is in the epoll set */
	int max_conns;
	struct econn *list;       /* newest first */
	int nconns;
	serve_load *load;         /* NULL: a lone worker */
	int self;                 /* this worker's index in load */
};

/* Publishes this worker's connection count. */
static void
eloop_count(struct eloop *l, int delta)
{
	l->nconns += delta;
	if (l->load != NULL)
		__atomic_store_n(&l->load->conns[l->self], (uint32_t)l->nconns,
		    __ATOMIC_RELAXED);
}

/* Whether every worker is at its cap. */
static int
all_full(const struct eloop *l)
{
	int i;

	if (l->load == NULL)
		return 1;
	for (i = 0; i < l->load->nworkers; i++)
		if (__atomic_load_n(&l->load->conns[i], __ATOMIC_RELAXED) <
		    (uint32_t)l->max_conns)
			return 0;
	return 1;
}

/* Whether this worker should take new connections now (see above). */
static int
should_accept(const struct eloop *l)
{
	uint32_t least = UINT32_MAX;
	int i;

	if (l->nconns >= l->max_conns)
		return all_full(l);
	if (l->load == NULL)
		return 1;
	for (i = 0; i < l->load->nworkers; i++) {
		uint32_t n = __atomic_load_n(&l->load->conns[i],
		    __ATOMIC_RELAXED);

		if (i != l->self && n < least)
			least = n;
	}
	return least == UINT32_MAX || (uint32_t)l->nconns <= least +
	    ACCEPT_SLACK;
}

/* Adds or removes the listening socket from the epoll set as
 * should_accept says. */
static void
eloop_listen(struct eloop *l)
{
	struct epoll_event ev;
	int want = should_accept(l);

	if (want == l->listening)
		return;
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ev.data.ptr = NULL;
	if (epoll_ctl(l->ep, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, l->lfd,
	    want ? &ev : NULL) == 0)
		l->listening = want;
}

static void
econn_close(struct eloop *l, struct econn *e)
{
	epoll_ctl(l->ep, EPOLL_CTL_DEL, e->fd, NULL);
	close(e->fd);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		l->list = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	conn_free(&e->c);
	free(e);
	eloop_count(l, -1);
}

/* After progress: write, resume a paused connection, re-arm epoll for
 * what comes next, or close. */
static void
econn_step(struct eloop *l, struct econn *e)
{
	struct epoll_event ev;
	int want_out;

	for (;;) {
		if (conn_flush(&e->c, e->fd) != 0) {
			econn_close(l, e);
			return;
		}
		if (e->c.out.len > 0 || !e->c.paused)
			break;
		conn_process(&e->c, 0, 0);
	}
	if (e->c.closing && e->c.out.len == 0) {
		econn_close(l, e);
		return;
	}
	want_out = e->c.out.len > 0;
	if (want_out != e->want_out) {
		ev.events = want_out ? EPOLLOUT : EPOLLIN;
		ev.data.ptr = e;
		epoll_ctl(l->ep, EPOLL_CTL_MOD, e->fd, &ev);
		e->want_out = want_out;
	}
	if (want_out)
		e->wdeadline = util_mono_ms() + l->s->timeout_ms;
}

/* A connection waiting for its next request: nothing received of it,
 * nothing left to send. */
static int
econn_idle(const struct econn *e)
{
	return e->c.in_len == 0 && e->c.out.len == 0 && !e->want_out;
}

/* Closes the idle connection whose last activity is oldest; 0 if none. */
static int
eloop_evict(struct eloop *l)
{
	struct econn *x, *old = NULL;
	int64_t old_ms = 0;

	for (x = l->list; x != NULL; x = x->next) {
		int64_t t = x->c.served > 0 ? x->c.last_ms : x->c.start_ms;

		if (econn_idle(x) && (old == NULL || t <= old_ms)) {
			old = x;
			old_ms = t;
		}
	}
	if (old == NULL)
		return 0;
	econn_close(l, old);
	serve_metrics_add(&l->s->mt.m->evictions, 1);
	return 1;
}

/*
 * Accepts up to ACCEPT_BATCH connections.  Called between batches of
 * epoll events, never inside one, since an eviction frees a connection
 * that a later event of the batch may name.
 */
static void
eloop_accept(struct eloop *l)
{
	struct epoll_event ev;
	struct econn *x;
	int fd, k;

	for (k = 0; k < ACCEPT_BATCH; k++) {
		if ((fd = accept4(l->lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC)) < 0)
			break;
		if ((l->nconns >= l->max_conns && !eloop_evict(l)) ||
		    (x = calloc(1, sizeof *x)) == NULL) {
			serve_metrics_add(&l->s->mt.m->refused, 1);
			close(fd);
			continue;
		}
		conn_init(&x->c, l->s);
		x->fd = fd;
		ev.events = EPOLLIN;
		ev.data.ptr = x;
		if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			conn_free(&x->c);
			free(x);
			close(fd);
			continue;
		}
		x->next = l->list;
		if (l->list != NULL)
			l->list->prev = x;
		l->list = x;
		eloop_count(l, 1);
		if (l->nconns >= l->max_conns && !all_full(l))
			break;
	}
}

static void
eloop_read(struct eloop *l, struct econn *e)
{
	size_t room;
	char *b = conn_rbuf(&e->c, &room);
	ssize_t r;

	if (room == 0)
		return;
	r = read(e->fd, b, room);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	conn_process(&e->c, r > 0 ? (size_t)r : 0, r <= 0);
	econn_step(l, e);
}

/* Closes or times out the connections past their deadline. */
static void
eloop_sweep(struct eloop *l)
{
	int64_t now = util_mono_ms();
	struct econn *x, *nx;

	for (x = l->list; x != NULL; x = nx) {
		nx = x->next;
		if (x->want_out) {
			if (now >= x->wdeadline)
				econn_close(l, x);
		} else if (now >= conn_deadline(&x->c)) {
			conn_timeout(&x->c);
			econn_step(l, x);
		}
	}
}

/* SIGTERM: closes the idle connections; 1 when none is left. */
static int
eloop_drain(struct eloop *l)
{
	struct econn *x, *nx;

	for (x = l->list; x != NULL; x = nx) {
		nx = x->next;
		if (econn_idle(x))
			econn_close(l, x);
	}
	return l->list == NULL;
}

int
serve_run_listener(server *s, int lfd, int max_conns, serve_load *load,
    int self, volatile sig_atomic_t *stop, rs_err *e)
{
	struct epoll_event evs[64];
	struct eloop l;
	int64_t next_sweep = util_mono_ms() + 100, drain_until = 0;
	int i, n, rc = 0, accept_now;

	memset(&l, 0, sizeof l);
	l.s = s;
	l.lfd = lfd;
	l.max_conns = max_conns;
	l.load = load;
	l.self = self;
	if ((l.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return rs_errf(e, EX_OSERR, "epoll_create1: %s",
		    strerror(errno));
	eloop_count(&l, 0);
	eloop_listen(&l);
	if (!l.listening && should_accept(&l)) {
		close(l.ep);
		return rs_errf(e, EX_OSERR, "epoll_ctl: %s", strerror(errno));
	}
	for (;;) {
		if (*stop && drain_until == 0) {
			/* Stop taking connections; answer what is in
			 * flight within the request timeout, then exit. */
			if (l.listening)
				epoll_ctl(l.ep, EPOLL_CTL_DEL, lfd, NULL);
			l.listening = 0;
			drain_until = util_mono_ms() + s->timeout_ms;
		}
		if (drain_until != 0 && (eloop_drain(&l) ||
		    util_mono_ms() >= drain_until))
			break;
		n = epoll_wait(l.ep, evs, 64, drain_until ? 10 : 100);
		if (n < 0 && errno != EINTR) {
			rc = rs_errf(e, EX_OSERR, "epoll_wait: %s",
			    strerror(errno));
			break;
		}
		accept_now = 0;
		for (i = 0; i < n; i++) {
			struct econn *c = evs[i].data.ptr;

			if (c == NULL)
				accept_now = 1;
			else if (c->want_out)
				econn_step(&l, c);
			else
				eloop_read(&l, c);
		}
		if (accept_now && drain_until == 0)
			eloop_accept(&l);
		if (drain_until == 0)
			eloop_listen(&l);
		if (util_mono_ms() >= next_sweep) {
			next_sweep = util_mono_ms() + 100;
			eloop_sweep(&l);
			serve_account_cpu(s);
		}
	}
	while (l.list != NULL)
		econn_close(&l, l.list);
	close(l.ep);
	serve_account_cpu(s);
	return rc;
}

serve_load *
serve_load_new(int nworkers)
{
	size_t sz = sizeof(serve_load) + (size_t)nworkers * sizeof(uint32_t);
	serve_load *ld = mmap(NULL, sz, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (ld == MAP_FAILED)
		return NULL;
	ld->nworkers = nworkers;
	return ld;
}

void
serve_load_free(serve_load *ld)
{
	if (ld != NULL)
		munmap(ld, sizeof(serve_load) + (size_t)ld->nworkers *
		    sizeof(uint32_t));
}
