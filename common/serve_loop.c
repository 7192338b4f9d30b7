/* serve_loop.c: the epoll worker of --listen (see serve.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve_int.h"

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
	struct econn *list;
	int nconns;
};

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
	l->nconns--;
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
		e->wdeadline = serve_now_ms() + l->s->timeout_ms;
}

static void
eloop_accept(struct eloop *l, int lfd, int max_conns)
{
	struct epoll_event ev;
	struct econn *x;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC))
	    >= 0) {
		if (l->nconns >= max_conns || (x = calloc(1, sizeof *x)) ==
		    NULL) {
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
		l->nconns++;
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
	int64_t now = serve_now_ms();
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

int
serve_run_listener(server *s, int lfd, int max_conns, volatile sig_atomic_t *stop,
    rs_err *e)
{
	struct epoll_event ev, evs[64];
	struct eloop l = { s, -1, NULL, 0 };
	int64_t next_sweep = serve_now_ms() + 100;
	int i, n, rc = 0;

	if ((l.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return rs_errf(e, EX_OSERR, "epoll_create1: %s",
		    strerror(errno));
	/* EPOLLEXCLUSIVE: a new connection wakes one worker, not all. */
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ev.data.ptr = NULL;
	if (epoll_ctl(l.ep, EPOLL_CTL_ADD, lfd, &ev) != 0) {
		close(l.ep);
		return rs_errf(e, EX_OSERR, "epoll_ctl: %s", strerror(errno));
	}
	while (!*stop) {
		n = epoll_wait(l.ep, evs, 64, 100);
		if (n < 0 && errno != EINTR) {
			rc = rs_errf(e, EX_OSERR, "epoll_wait: %s",
			    strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct econn *c = evs[i].data.ptr;

			if (c == NULL)
				eloop_accept(&l, lfd, max_conns);
			else if (c->want_out)
				econn_step(&l, c);
			else
				eloop_read(&l, c);
		}
		if (serve_now_ms() >= next_sweep) {
			next_sweep = serve_now_ms() + 100;
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
