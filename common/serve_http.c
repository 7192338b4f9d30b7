/* serve_http.c: HTTP/1.x answers and the route table's dispatch (see
 * serve_int.h and serve_routes.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blend.h"
#include "serve_int.h"
#include "serve_routes.h"

static const char health_body[] = "\"Service appears to be up and running.\"";
static const char json_type[] = "application/json";

static void
respond(conn *c, int status, const char *ctype, const char *body,
    size_t blen, int head_only, const char *extra)
{
	outbuf *o = &c->out;

	outbuf_str(o, "HTTP/1.1 ");
	outbuf_u64(o, (uint64_t)status);
	outbuf_add(o, " ", 1);
	outbuf_str(o, http_reason(status));
	outbuf_str(o, "\r\nserver: rec-serve\r\ncontent-type: ");
	outbuf_str(o, ctype);
	outbuf_str(o, "\r\ncontent-length: ");
	outbuf_u64(o, blen);
	if (extra != NULL)
		outbuf_str(o, extra);
	if (c->closing)
		outbuf_str(o, "\r\nconnection: close");
	else if (c->ka10)
		outbuf_str(o, "\r\nconnection: keep-alive");
	outbuf_str(o, "\r\n\r\n");
	if (!head_only)
		outbuf_add(o, body, blen);
}

/* {"detail":"text"}; text holds no quote or backslash. */
static void
respond_detail(conn *c, int status, const char *text, const char *extra)
{
	char body[256];
	int n = snprintf(body, sizeof body, "{\"detail\":\"%s\"}", text);

	if (n < 0 || (size_t)n >= sizeof body)
		n = (int)strlen(strcpy(body, "{\"detail\":\"error\"}"));
	respond(c, status, json_type, body, (size_t)n, 0, extra);
}

/* Serves a valid request: the blend, as {"recs":[...]}.  0, 500 (out of
 * memory) or 503 (a damaged part of the store was met). */
static int
serve_recs(conn *c, const recs_req *q, int head_only)
{
	uint64_t out[STORE_MAX_LIST];
	long got;
	size_t n, i;
	outbuf *o;
	char hdr[192];
	size_t start, body;
	int hl;

	if ((got = serve_blend(c->s, q->user_id, (size_t)q->n_recs, q->last,
	    q->n_last, out)) < 0)
		return 503;
	n = (size_t)got;
	/* The body first, then the header that gives its length is
	 * slipped in front of it. */
	o = &c->out;
	start = o->len;
	outbuf_str(o, "{\"recs\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			outbuf_add(o, ",", 1);
		outbuf_u64(o, out[i]);
	}
	outbuf_str(o, "]}");
	if (o->failed) {
		o->len = start;
		return 500;
	}
	body = o->len - start;
	hl = snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nserver: rec-serve"
	    "\r\ncontent-type: application/json\r\ncontent-length: %zu%s"
	    "\r\n\r\n", body, c->closing ? "\r\nconnection: close" :
	    c->ka10 ? "\r\nconnection: keep-alive" : "");
	if (outbuf_reserve(o, (size_t)hl) != 0) {
		o->len = start;
		return 500;
	}
	memmove(o->p + start + hl, o->p + start, body);
	memcpy(o->p + start, hdr, (size_t)hl);
	o->len += (size_t)hl;
	if (head_only)
		o->len -= body;
	return 0;
}

/* POST /recs and GET /recs.  Returns the status answered. */
static int
handle_recs(conn *c, const http_req *r, int method)
{
	recs_req q;
	const char *why = NULL;
	size_t at = 0;
	int st;

	memset(&q, 0, sizeof q);
	q.n_recs = SRV_DEFAULT_N_RECS;
	if (!serve_check_store(c->s)) {
		serve_metrics_add(&c->s->mt.m->exceptions, 1);
		respond_detail(c, 503, "recommendation store unavailable",
		    NULL);
		return 503;
	}
	if (method == MM_POST) {
		if ((st = recs_req_body(&q, r->body, c->s->st.list_len, &why,
		    &at)) != 0) {
			char msg[96];

			outbuf_free(&q.err);
			if (st == 500) {
				serve_metrics_add(&c->s->mt.m->exceptions, 1);
				respond_detail(c, 500, "Internal Server Error",
				    NULL);
				return 500;
			}
			snprintf(msg, sizeof msg, "malformed JSON at byte %zu: %s",
			    at, why);
			respond_detail(c, 400, msg, NULL);
			return 400;
		}
	} else {
		recs_req_query(&q, r->query, c->s->st.list_len);
	}
	if (q.nerr > 0 || q.err.failed) {
		outbuf body = {0};

		outbuf_str(&body, "{\"detail\":[");
		outbuf_add(&body, q.err.p, q.err.len);
		outbuf_str(&body, "]}");
		respond(c, 422, json_type, body.p, body.len, method == MM_HEAD,
		    NULL);
		outbuf_free(&body);
		outbuf_free(&q.err);
		return 422;
	}
	outbuf_free(&q.err);
	if ((st = serve_recs(c, &q, method == MM_HEAD)) == 503) {
		serve_metrics_add(&c->s->mt.m->exceptions, 1);
		respond_detail(c, 503, c->s->have_store ?
		    "recommendation store damaged" :
		    "recommendation store unavailable", NULL);
		return 503;
	}
	if (st != 0) {
		serve_metrics_add(&c->s->mt.m->exceptions, 1);
		respond_detail(c, 500, "Internal Server Error", NULL);
		return 500;
	}
	return 200;
}

/* GET / (the health check). */
static int
handle_root(conn *c, const http_req *r, int method)
{
	(void)r;
	respond(c, 200, json_type, health_body, sizeof health_body - 1,
	    method == MM_HEAD, NULL);
	return 200;
}

static void
render_metrics(server *s, void *body)
{
	serve_metrics_render(&s->mt, s->have_store ? &s->st : NULL,
	    s->store_path, serve_metrics_self_cpu_ns() - s->cpu_reported_ns,
	    body);
}

/* GET /metrics.  The store's description is read from its mapping, so
 * under serve_guard. */
static int
handle_metrics(conn *c, const http_req *r, int method)
{
	outbuf body = {0};
	server *s = c->s;

	(void)r;
	serve_check_store(s);
	if (serve_guard(s, render_metrics, &body) != 0) {
		/* The store went away under it: render without it. */
		outbuf_free(&body);
		render_metrics(s, &body);
	}
	if (body.failed) {
		outbuf_free(&body);
		respond_detail(c, 500, "Internal Server Error", NULL);
		return 500;
	}
	respond(c, 200, "text/plain; version=0.0.4; charset=utf-8", body.p,
	    body.len, method == MM_HEAD, NULL);
	outbuf_free(&body);
	return 200;
}

/* The routes of serve_routes.h, in its order (index = ROUTE_*). */
typedef int route_fn(conn *c, const http_req *r, int method);

#define ROUTE_ENTRY(id, path, label, allow, methods, fn) \
	{ path, "\r\nallow: " allow, (methods), fn },
static const struct route {
	const char *path;
	const char *allow;        /* the extra header of a 405 */
	unsigned methods;         /* ROUTE_M(MM_*) bits; HEAD goes with GET */
	route_fn *fn;
} routes[] = { SERVE_ROUTES(ROUTE_ENTRY) };
#undef ROUTE_ENTRY

/* Routes one whole request; returns the status answered and sets *route
 * (ROUTE_NONE when no path matched). */
static int
dispatch(conn *c, const http_req *r, int method, int *route)
{
	size_t i;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		int m = method == MM_HEAD ? MM_GET : method;

		if (!http_span_is(r->path, rt->path))
			continue;
		*route = (int)i;
		if (!(rt->methods & ROUTE_M(m))) {
			respond_detail(c, 405, "Method Not Allowed",
			    rt->allow);
			return 405;
		}
		return rt->fn(c, r, method);
	}
	*route = ROUTE_NONE;
	respond_detail(c, 404, "Not Found", NULL);
	return 404;
}

size_t
http_process(conn *c)
{
	size_t used = 0;

	while (!c->closing && used < c->in_len) {
		http_req r;
		const char *why;
		long n = http_parse(c->in + used, c->in_len - used, &r, &why);
		uint64_t t0 = serve_now_ns();
		int route = ROUTE_NONE, method, status;

		if (n == 0) {
			if (c->eof) {
				/* A request cut short by the client. */
				c->closing = 1;
				respond_detail(c, 400, "incomplete request",
				    NULL);
				serve_metrics_request(&c->s->mt, ROUTE_NONE, MM_OTHER,
				    400, serve_now_ns() - t0);
			} else if (r.head_len > 0 && r.expect_continue &&
			    !c->sent_continue) {
				outbuf_str(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
				c->sent_continue = 1;
			}
			break;
		}
		if (n < 0) {
			/* The stream cannot be resynchronised: answer and
			 * close. */
			c->closing = 1;
			respond_detail(c, (int)-n, why, NULL);
			serve_metrics_request(&c->s->mt, ROUTE_NONE, MM_OTHER, (int)-n,
			    serve_now_ns() - t0);
			used = c->in_len;
			break;
		}
		c->sent_continue = 0;
		if (!r.keep_alive)
			c->closing = 1;
		c->ka10 = r.minor == 0 && r.keep_alive;
		method = serve_metrics_method(r.method.p, r.method.n);
		status = dispatch(c, &r, method, &route);
		serve_metrics_request(&c->s->mt, route, method, status,
		    serve_now_ns() - t0);
		c->served++;
		used += (size_t)n;
		if (c->out.len > SRV_MAX_OUT) {
			c->paused = 1;
			break;
		}
	}
	return used;
}


void
http_timeout(conn *c)
{
	respond_detail(c, 408, "Request Timeout", NULL);
	serve_metrics_request(&c->s->mt, ROUTE_NONE, MM_OTHER, 408, 0);
}
