/* serve_conn.c: a connection and the one-connection driver (see serve.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve_int.h"
#include "util.h"

void
conn_init(conn *c, server *s)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->start_ms = util_mono_ms();
	serve_metrics_add(&s->mt.m->connections, 1);
}

void
conn_free(conn *c)
{
	free(c->in);
	outbuf_free(&c->out);
	memset(c, 0, sizeof *c);
}

char *
conn_rbuf(conn *c, size_t *room)
{
	if (c->in_cap - c->in_len < 4096 && c->in_cap < SRV_IN_MAX) {
		size_t ncap = c->in_cap ? c->in_cap * 2 : 16384;
		char *p;

		if (ncap > SRV_IN_MAX)
			ncap = SRV_IN_MAX;
		if ((p = realloc(c->in, ncap)) != NULL) {
			c->in = p;
			c->in_cap = ncap;
		}
	}
	/* One byte stays free for the NUL after a last line without LF. */
	*room = c->in_cap > c->in_len ? c->in_cap - c->in_len - 1 : 0;
	return c->in + c->in_len;
}

void
conn_process(conn *c, size_t n, int eof)
{
	size_t used;

	c->in_len += n;
	c->eof |= eof;
	c->paused = 0;
	if (c->mode == CONN_NEW && c->in_len > 0) {
		size_t hl = strlen(serve_line_header);
		int digit = c->in[0] >= '0' && c->in[0] <= '9';
		int header = memcmp(c->in, serve_line_header,
		    c->in_len < hl ? c->in_len : hl) == 0;

		if (header && c->in_len < hl && !c->eof)
			return;   /* could still be the header */
		c->mode = digit || header ? CONN_LINE : CONN_HTTP;
	}
	if (c->mode == CONN_NEW) {
		c->closing |= c->eof;
		return;
	}
	used = c->mode == CONN_HTTP ? http_process(c) : line_process(c);
	if (used > 0) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		c->last_ms = util_mono_ms();
		c->req_ms = 0;
	}
	if (c->in_len > 0 && c->req_ms == 0)
		c->req_ms = util_mono_ms();
	if (c->eof && !c->paused)
		c->closing = 1;
}

int64_t
conn_deadline(const conn *c)
{
	const server *s = c->s;

	if (c->in_len > 0)
		return c->req_ms + s->timeout_ms;
	if (c->served == 0)
		return c->start_ms + s->timeout_ms;
	return c->last_ms + s->idle_ms;
}

void
conn_timeout(conn *c)
{
	if (c->mode != CONN_LINE && (c->in_len > 0 || c->served == 0)) {
		c->closing = 1;
		http_timeout(c);
	}
	c->closing = 1;
}

int
conn_flush(conn *c, int fd)
{
	while (c->out.len > 0) {
		ssize_t w = write(fd, c->out.p, c->out.len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		outbuf_consume(&c->out, (size_t)w);
	}
	return 0;
}

int
serve_run_fd(server *s, int rfd, int wfd, int timeouts, rs_err *e)
{
	int bad;
	conn c;

	e->code = 0;

	conn_init(&c, s);
	for (;;) {
		struct pollfd pf;
		size_t room;
		ssize_t n;
		char *b;
		int t = -1;

		if (c.out.len > 0) {
			/* Write everything out, within the timeout when the
			 * peer is a socket. */
			int64_t wdeadline = util_mono_ms() + s->timeout_ms;

			pf.fd = wfd;
			pf.events = POLLOUT;
			while (c.out.len > 0) {
				if (conn_flush(&c, wfd) != 0) {
					rs_errf(e, EX_IOERR, "write error: %s",
					    strerror(errno));
					goto out;
				}
				if (c.out.len == 0)
					break;
				if (timeouts && (t = (int)(wdeadline -
				    util_mono_ms())) <= 0)
					goto out;
				if (poll(&pf, 1, timeouts ? t : -1) < 0 &&
				    errno != EINTR)
					goto out;
			}
		}
		if (c.paused) {
			conn_process(&c, 0, 0);
			continue;
		}
		if (c.closing)
			break;
		pf.fd = rfd;
		pf.events = POLLIN;
		if (timeouts) {
			int64_t left = conn_deadline(&c) - util_mono_ms();

			t = left < 0 ? 0 : left > INT32_MAX ? INT32_MAX :
			    (int)left;
		}
		n = poll(&pf, 1, t);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0) {
			conn_timeout(&c);
			continue;
		}
		if (n < 0)
			continue;
		b = conn_rbuf(&c, &room);
		n = read(rfd, b, room);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			rs_errf(e, EX_IOERR, "read error: %s", strerror(errno));
			break;
		}
		conn_process(&c, (size_t)n, n == 0);
	}
out:
	bad = c.line_errors > 0;
	conn_free(&c);
	serve_account_cpu(s);
	return bad;
}

