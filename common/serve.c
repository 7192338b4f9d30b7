/* serve.c: see serve.h; the API is rec-serve(8). */
#include "serve.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blend.h"
#include "http.h"
#include "json.h"
#include "num.h"

#define IN_MAX (HTTP_MAX_HEAD + HTTP_MAX_BODY > SRV_MAX_LINE ? \
    HTTP_MAX_HEAD + HTTP_MAX_BODY : SRV_MAX_LINE)
#define JSON_STACK_NODES 256

static const char health_body[] = "\"Service appears to be up and running.\"";
static const char line_header[] = "user_id\tn_recs\tlast_items";

int64_t
serve_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the store ---- */

static int
same_file(const server *s, const struct stat *st)
{
	return st->st_dev == s->dev && st->st_ino == s->ino &&
	    st->st_size == s->size && st->st_mtim.tv_sec == s->mtime.tv_sec &&
	    st->st_mtim.tv_nsec == s->mtime.tv_nsec;
}

/*
 * Opens the file now at the store path.  The identity is taken from an
 * fstat-equivalent stat before the open, so a rename between the two
 * only makes the next check reopen once more.
 */
static int
open_store(server *s, const struct stat *st)
{
	rs_err e = {0};
	store nst;

	if (store_open(&nst, s->store_path, 0, &e) != 0) {
		if (strcmp(e.msg, s->store_err) != 0 || s->verbose)
			rs_warnx("%s", e.msg);
		memcpy(s->store_err, e.msg, sizeof s->store_err);
		return 0;
	}
	if (s->have_store) {
		store_close(&s->st);
		serve_metrics_add(&s->mt.m->store_reloads, 1);
		if (s->verbose)
			rs_warnx("%s: reopened (a new store)", s->store_path);
	}
	s->st = nst;
	s->have_store = 1;
	s->store_err[0] = '\0';
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtime = st->st_mtim;
	return 1;
}

int
serve_check_store(server *s)
{
	struct stat st;
	int64_t now = serve_now_ms();

	if (s->have_store && now - s->checked_ms < SRV_CHECK_MS)
		return 1;
	s->checked_ms = now;
	if (stat(s->store_path, &st) != 0) {
		if (!s->have_store)
			snprintf(s->store_err, sizeof s->store_err, "%s: %s",
			    s->store_path, strerror(errno));
		return s->have_store;
	}
	if (!s->have_store || !same_file(s, &st))
		open_store(s, &st);
	return s->have_store;
}

int
serve_init(server *s, const char *store_path, const char *metrics_path,
    rs_err *store_e, rs_err *e)
{
	int rc;

	s->store_path = store_path;
	s->have_store = 0;
	s->store_err[0] = '\0';
	s->cpu_reported_ns = 0;
	if ((rc = serve_metrics_open(&s->mt, metrics_path, e)) != 0)
		return rc;
	{
		/* The first open reports its error to the caller, not the
		 * log. */
		int verbose = s->verbose;
		struct stat st;

		s->verbose = 0;
		if (stat(store_path, &st) != 0)
			rs_errf(store_e, EX_NOINPUT, "%s: %s", store_path,
			    strerror(errno));
		else if (store_open(&s->st, store_path, 0, store_e) == 0) {
			s->have_store = 1;
			s->dev = st.st_dev;
			s->ino = st.st_ino;
			s->size = st.st_size;
			s->mtime = st.st_mtim;
		}
		if (!s->have_store)
			memcpy(s->store_err, store_e->msg,
			    sizeof s->store_err);
		s->verbose = verbose;
	}
	return 0;
}

void
serve_fini(server *s)
{
	serve_account_cpu(s);
	if (s->have_store)
		store_close(&s->st);
	s->have_store = 0;
	serve_metrics_close(&s->mt);
}

void
serve_account_cpu(server *s)
{
	uint64_t now = serve_metrics_self_cpu_ns();

	if (now > s->cpu_reported_ns) {
		serve_metrics_add(&s->mt.m->cpu_ns, now - s->cpu_reported_ns);
		s->cpu_reported_ns = now;
	}
}

/* ---- connections ---- */

void
conn_init(conn *c, server *s)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->start_ms = serve_now_ms();
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
	if (c->in_cap - c->in_len < 4096 && c->in_cap < IN_MAX) {
		size_t ncap = c->in_cap ? c->in_cap * 2 : 16384;
		char *p;

		if (ncap > IN_MAX)
			ncap = IN_MAX;
		if ((p = realloc(c->in, ncap)) != NULL) {
			c->in = p;
			c->in_cap = ncap;
		}
	}
	/* One byte stays free for the NUL after a last line without LF. */
	*room = c->in_cap > c->in_len ? c->in_cap - c->in_len - 1 : 0;
	return c->in + c->in_len;
}

/* ---- HTTP responses ---- */

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

static const char json_type[] = "application/json";

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

/* ---- request validation, as pydantic 1 reports it ---- */

typedef struct recs_req {
	uint64_t user_id;
	uint64_t n_recs;
	uint64_t last[STORE_MAX_LAST];  /* the newest, oldest first */
	size_t n_last;                  /* kept (<= STORE_MAX_LAST) */
	outbuf err;                       /* detail entries, comma-separated */
	int nerr;
} recs_req;

/* One pydantic error entry; idx < 0: no index in loc. */
static void
verr(recs_req *q, const char *where, const char *field, long idx,
    const char *msg, const char *type, const char *ctx)
{
	outbuf *o = &q->err;

	if (q->nerr++ > 0)
		outbuf_add(o, ",", 1);
	outbuf_printf(o, "{\"loc\":[\"%s\"", where);
	if (field != NULL)
		outbuf_printf(o, ",\"%s\"", field);
	if (idx >= 0)
		outbuf_printf(o, ",%ld", idx);
	outbuf_printf(o, "],\"msg\":\"%s\",\"type\":\"%s\"", msg, type);
	if (ctx != NULL)
		outbuf_printf(o, ",\"ctx\":%s", ctx);
	outbuf_add(o, "}", 1);
}

static void
err_int(recs_req *q, const char *where, const char *field, long idx)
{
	verr(q, where, field, idx, "value is not a valid integer",
	    "type_error.integer", NULL);
}

static void
err_ge0(recs_req *q, const char *where, const char *field, long idx)
{
	verr(q, where, field, idx,
	    "ensure this value is greater than or equal to 0",
	    "value_error.number.not_ge", "{\"limit_value\":0}");
}

static void
check_n_recs(recs_req *q, const char *where, int64_t v, int over,
    size_t max)
{
	char ctx[64];

	if (v <= 0) {
		verr(q, where, "n_recs", -1, "ensure this value is greater "
		    "than 0", "value_error.number.not_gt",
		    "{\"limit_value\":0}");
	} else if (over || (uint64_t)v > max) {
		char msg[80];

		snprintf(msg, sizeof msg, "ensure this value is less than or "
		    "equal to %zu", max);
		snprintf(ctx, sizeof ctx, "{\"limit_value\":%zu}", max);
		verr(q, where, "n_recs", -1, msg, "value_error.number.not_le",
		    ctx);
	} else {
		q->n_recs = (uint64_t)v;
	}
}

/* Keeps the newest STORE_MAX_LAST items of the list as it goes by. */
static void
keep_last(recs_req *q, uint64_t item)
{
	if (q->n_last == STORE_MAX_LAST) {
		memmove(q->last, q->last + 1,
		    (STORE_MAX_LAST - 1) * sizeof *q->last);
		q->n_last--;
	}
	q->last[q->n_last++] = item;
}

/* The JSON body of POST /recs.  Returns 0, or the status (400, with
 * *why and the byte offset *at of the problem; 500). */
static int
parse_body(recs_req *q, http_span body, size_t max_n, const char **why,
    size_t *at)
{
	json_node stack[JSON_STACK_NODES], *nodes = stack;
	json_doc d;
	long v;
	int rc;

	if (body.n == 0) {
		verr(q, "body", NULL, -1, "field required",
		    "value_error.missing", NULL);
		return 0;
	}
	rc = json_parse(&d, body.p, body.n, nodes, JSON_STACK_NODES, why,
	    at);
	if (rc != 0 && strcmp(*why, "too many values") == 0) {
		size_t cap = body.n / 2 + 2;

		if ((nodes = malloc(cap * sizeof *nodes)) == NULL) {
			*why = "out of memory";
			return 500;
		}
		rc = json_parse(&d, body.p, body.n, nodes, cap, why, at);
	}
	if (rc != 0) {
		if (nodes != stack)
			free(nodes);
		return 400;
	}
	if (d.node[0].type != JSON_OBJECT) {
		verr(q, "body", NULL, -1, "value is not a valid dict",
		    "type_error.dict", NULL);
		goto done;
	}
	/* user_id: required, integer >= 0 */
	if ((v = json_member(&d, 0, "user_id")) < 0) {
		verr(q, "body", "user_id", -1, "field required",
		    "value_error.missing", NULL);
	} else if (d.node[v].type == JSON_NULL) {
		verr(q, "body", "user_id", -1, "none is not an allowed value",
		    "type_error.none.not_allowed", NULL);
	} else {
		int r = json_u64(&d, (size_t)v, &q->user_id);
		int64_t iv;

		if (r < 0)
			err_int(q, "body", "user_id", -1);
		else if (r > 0 && json_int(&d, (size_t)v, &iv) >= 0 && iv < 0)
			err_ge0(q, "body", "user_id", -1);
		else if (r > 0)
			err_int(q, "body", "user_id", -1);
	}
	/* n_recs: optional, integer in 1..max */
	if ((v = json_member(&d, 0, "n_recs")) >= 0) {
		int64_t iv;
		int r;

		if (d.node[v].type == JSON_NULL)
			verr(q, "body", "n_recs", -1, "none is not an allowed "
			    "value", "type_error.none.not_allowed", NULL);
		else if ((r = json_int(&d, (size_t)v, &iv)) < 0)
			err_int(q, "body", "n_recs", -1);
		else
			check_n_recs(q, "body", iv, r > 0 && iv > 0, max_n);
	}
	/* last_items: optional, list of integers >= 0 */
	if ((v = json_member(&d, 0, "last_items")) >= 0) {
		if (d.node[v].type == JSON_NULL) {
			verr(q, "body", "last_items", -1, "none is not an "
			    "allowed value", "type_error.none.not_allowed",
			    NULL);
		} else if (d.node[v].type != JSON_ARRAY) {
			verr(q, "body", "last_items", -1, "value is not a "
			    "valid list", "type_error.list", NULL);
		} else {
			size_t i = (size_t)v + 1, k;

			for (k = 0; k < d.node[v].count; k++) {
				uint64_t item;
				int64_t iv;
				int r = json_u64(&d, i, &item);

				if (r == 0)
					keep_last(q, item);
				else if (r > 0 && json_int(&d, i, &iv) >= 0 &&
				    iv < 0)
					err_ge0(q, "body", "last_items",
					    (long)k);
				else
					err_int(q, "body", "last_items",
					    (long)k);
				i = d.node[i].next;
			}
		}
	}
done:
	if (nodes != stack)
		free(nodes);
	return 0;
}

/* A decimal query value: 0 ok, -1 not an integer, 1 negative,
 * 2 too large. */
static int
query_num(const char *s, int64_t *v)
{
	uint64_t u;

	if (s[0] == '-') {
		if (num_i64(s, v) != NULL)
			return s[1] >= '0' && s[1] <= '9' &&
			    strspn(s + 1, "0123456789") == strlen(s + 1) ?
			    1 : -1;
		return *v < 0 ? 1 : 0;
	}
	if (num_u64(s, &u) != NULL)
		return s[0] != '\0' && strspn(s, "0123456789") == strlen(s) ?
		    2 : -1;
	*v = u > INT64_MAX ? INT64_MAX : (int64_t)u;
	return u > INT64_MAX ? 2 : 0;
}

/* The query of GET /recs?user_id=&n_recs=&last_items=a,b. */
static void
parse_query(recs_req *q, http_span query, size_t max_n)
{
	char buf[SRV_MAX_LINE];
	int64_t v;
	int r;

	r = http_query_param(query, "user_id", buf, sizeof buf);
	if (r == 0) {
		verr(q, "query", "user_id", -1, "field required",
		    "value_error.missing", NULL);
	} else if (r < 0) {
		err_int(q, "query", "user_id", -1);
	} else if (buf[0] == '-' && query_num(buf, &v) == 1) {
		err_ge0(q, "query", "user_id", -1);
	} else if (num_u64(buf, &q->user_id) != NULL) {
		err_int(q, "query", "user_id", -1);
	}
	r = http_query_param(query, "n_recs", buf, sizeof buf);
	if (r < 0) {
		err_int(q, "query", "n_recs", -1);
	} else if (r > 0) {
		int k = query_num(buf, &v);

		if (k < 0)
			err_int(q, "query", "n_recs", -1);
		else
			check_n_recs(q, "query", k == 1 ? -1 : v, k == 2,
			    max_n);
	}
	r = http_query_param(query, "last_items", buf, sizeof buf);
	if (r < 0) {
		err_int(q, "query", "last_items", 0);
	} else if (r > 0 && buf[0] != '\0') {
		char *p = buf, *comma;
		long k = 0;

		for (;; k++) {
			uint64_t item;

			if ((comma = strchr(p, ',')) != NULL)
				*comma = '\0';
			if (num_u64(p, &item) == NULL)
				keep_last(q, item);
			else if (query_num(p, &v) == 1)
				err_ge0(q, "query", "last_items", k);
			else
				err_int(q, "query", "last_items", k);
			if (comma == NULL)
				break;
			p = comma + 1;
		}
	}
}

/* Serves a valid request: the blend, as {"recs":[...]}.  0 or 503. */
static int
serve_recs(conn *c, const recs_req *q, int head_only)
{
	uint64_t out[STORE_MAX_LIST];
	enum blend_source src;
	size_t n, i;
	outbuf *o;
	char hdr[192];
	size_t start, body;
	int hl;

	n = blend_recs(&c->s->st, q->user_id, (size_t)q->n_recs, q->last,
	    q->n_last, out, &src);
	serve_metrics_add(&c->s->mt.m->recs[src], 1);
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
		if ((st = parse_body(&q, r->body, c->s->st.list_len, &why,
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
		parse_query(&q, r->query, c->s->st.list_len);
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
	if ((st = serve_recs(c, &q, method == MM_HEAD)) != 0) {
		serve_metrics_add(&c->s->mt.m->exceptions, 1);
		respond_detail(c, 500, "Internal Server Error", NULL);
		return 500;
	}
	return 200;
}

static int
handle_metrics(conn *c, int head_only)
{
	outbuf body = {0};
	server *s = c->s;

	serve_check_store(s);
	serve_metrics_render(&s->mt, s->have_store ? &s->st : NULL, s->store_path,
	    serve_metrics_self_cpu_ns() - s->cpu_reported_ns, &body);
	if (body.failed) {
		outbuf_free(&body);
		respond_detail(c, 500, "Internal Server Error", NULL);
		return 500;
	}
	respond(c, 200, "text/plain; version=0.0.4; charset=utf-8", body.p,
	    body.len, head_only, NULL);
	outbuf_free(&body);
	return 200;
}

/* Routes one whole request; returns the status answered. */
static int
route(conn *c, const http_req *r, int method, int *handler)
{
	int head = method == MM_HEAD;

	if (http_span_is(r->path, "/")) {
		*handler = MH_ROOT;
		if (method != MM_GET && !head) {
			respond_detail(c, 405, "Method Not Allowed",
			    "\r\nallow: GET, HEAD");
			return 405;
		}
		respond(c, 200, json_type, health_body,
		    sizeof health_body - 1, head, NULL);
		return 200;
	}
	if (http_span_is(r->path, "/recs")) {
		*handler = MH_RECS;
		if (method != MM_GET && method != MM_POST && !head) {
			respond_detail(c, 405, "Method Not Allowed",
			    "\r\nallow: GET, HEAD, POST");
			return 405;
		}
		return handle_recs(c, r, method);
	}
	if (http_span_is(r->path, "/metrics")) {
		*handler = MH_METRICS;
		if (method != MM_GET && !head) {
			respond_detail(c, 405, "Method Not Allowed",
			    "\r\nallow: GET, HEAD");
			return 405;
		}
		return handle_metrics(c, head);
	}
	*handler = MH_NONE;
	respond_detail(c, 404, "Not Found", NULL);
	return 404;
}

/* Answers the whole requests at the start of the input; returns the
 * bytes consumed. */
static size_t
process_http(conn *c)
{
	size_t used = 0;

	while (!c->closing && used < c->in_len) {
		http_req r;
		const char *why;
		long n = http_parse(c->in + used, c->in_len - used, &r, &why);
		uint64_t t0 = now_ns();
		int handler = MH_NONE, method, status;

		if (n == 0) {
			if (c->eof) {
				/* A request cut short by the client. */
				c->closing = 1;
				respond_detail(c, 400, "incomplete request",
				    NULL);
				serve_metrics_request(&c->s->mt, MH_NONE, MM_OTHER,
				    400, now_ns() - t0);
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
			serve_metrics_request(&c->s->mt, MH_NONE, MM_OTHER, (int)-n,
			    now_ns() - t0);
			used = c->in_len;
			break;
		}
		c->sent_continue = 0;
		if (!r.keep_alive)
			c->closing = 1;
		c->ka10 = r.minor == 0 && r.keep_alive;
		method = serve_metrics_method(r.method.p, r.method.n);
		status = route(c, &r, method, &handler);
		serve_metrics_request(&c->s->mt, handler, method, status,
		    now_ns() - t0);
		c->served++;
		used += (size_t)n;
		if (c->out.len > SRV_MAX_OUT) {
			c->paused = 1;
			break;
		}
	}
	return used;
}

/* ---- the line protocol ---- */

static void
line_error(conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
line_error(conn *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->line_errors++;
	serve_metrics_add(&c->s->mt.m->line_errors, 1);
	outbuf_printf(&c->out, "error\tline %llu: %s\n",
	    (unsigned long long)c->lineno, msg);
	if (c->s->verbose)
		rs_warnx("line %llu: %s", (unsigned long long)c->lineno, msg);
}

/* One request line "user_id[\tn_recs[\titem,item,...]]". */
static void
line_request(conn *c, char *line)
{
	char *f[3] = { line, NULL, NULL }, *p;
	uint64_t user, n = SRV_DEFAULT_N_RECS, out[STORE_MAX_LIST];
	uint64_t last[STORE_MAX_LAST];
	size_t nf = 1, n_last = 0, got, i;
	enum blend_source src;
	const char *why;
	recs_req q;

	serve_metrics_add(&c->s->mt.m->line_requests, 1);
	for (p = line; (p = strchr(p, '\t')) != NULL; ) {
		*p++ = '\0';
		if (nf == 3) {
			line_error(c, "expected at most 3 fields");
			return;
		}
		f[nf++] = p;
	}
	if ((why = num_u64(f[0], &user)) != NULL) {
		line_error(c, "field 1 (user_id): %s: \"%.64s\"", why, f[0]);
		return;
	}
	if (!serve_check_store(c->s)) {
		serve_metrics_add(&c->s->mt.m->exceptions, 1);
		line_error(c, "recommendation store unavailable");
		return;
	}
	if (nf > 1 && f[1][0] != '\0' && (why = num_u64_range(f[1], 1,
	    c->s->st.list_len, &n)) != NULL) {
		line_error(c, "field 2 (n_recs): %s (1 to %zu): \"%.64s\"",
		    why, c->s->st.list_len, f[1]);
		return;
	}
	memset(&q, 0, sizeof q);
	if (nf > 2 && f[2][0] != '\0') {
		char *item = f[2], *comma;

		for (;;) {
			uint64_t id;

			if ((comma = strchr(item, ',')) != NULL)
				*comma = '\0';
			if ((why = num_u64(item, &id)) != NULL) {
				line_error(c, "field 3 (last_items): %s: "
				    "\"%.64s\"", why, item);
				return;
			}
			keep_last(&q, id);
			if (comma == NULL)
				break;
			item = comma + 1;
		}
	}
	memcpy(last, q.last, q.n_last * sizeof *last);
	n_last = q.n_last;
	got = blend_recs(&c->s->st, user, (size_t)n, last, n_last, out, &src);
	serve_metrics_add(&c->s->mt.m->recs[src], 1);
	outbuf_u64(&c->out, user);
	outbuf_add(&c->out, "\t", 1);
	for (i = 0; i < got; i++) {
		if (i > 0)
			outbuf_add(&c->out, ",", 1);
		outbuf_u64(&c->out, out[i]);
	}
	outbuf_add(&c->out, "\n", 1);
}

static size_t
process_lines(conn *c)
{
	size_t used = 0;

	while (!c->closing && used < c->in_len) {
		char *line = c->in + used, *nl;
		size_t len;

		nl = memchr(line, '\n', c->in_len - used);
		if (nl == NULL) {
			if (!c->eof && c->in_len - used < SRV_MAX_LINE)
				break;
			if (c->in_len - used >= SRV_MAX_LINE) {
				c->lineno++;
				line_error(c, "line longer than %d bytes",
				    SRV_MAX_LINE);
				c->closing = 1;
				return c->in_len;
			}
			/* The last line, without LF: terminate it in
			 * place (the buffer has room: in_len < cap). */
			nl = c->in + c->in_len;
		}
		len = (size_t)(nl - line);
		used += len + (nl < c->in + c->in_len ? 1 : 0);
		*nl = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		c->lineno++;
		if (c->lineno == 1 && strcmp(line, line_header) == 0) {
			outbuf_str(&c->out, "user_id\trecs\n");
			continue;
		}
		if (len == 0)
			continue;
		line_request(c, line);
		c->served++;
		if (c->out.len > SRV_MAX_OUT) {
			c->paused = 1;
			break;
		}
	}
	return used;
}

/* ---- driving a connection ---- */

void
conn_process(conn *c, size_t n, int eof)
{
	size_t used;

	c->in_len += n;
	c->eof |= eof;
	c->paused = 0;
	if (c->mode == CONN_NEW && c->in_len > 0) {
		size_t hl = sizeof line_header - 1;
		int digit = c->in[0] >= '0' && c->in[0] <= '9';
		int header = memcmp(c->in, line_header,
		    c->in_len < hl ? c->in_len : hl) == 0;

		if (header && c->in_len < hl && !c->eof)
			return;   /* could still be the header */
		c->mode = digit || header ? CONN_LINE : CONN_HTTP;
	}
	if (c->mode == CONN_NEW) {
		c->closing |= c->eof;
		return;
	}
	used = c->mode == CONN_HTTP ? process_http(c) : process_lines(c);
	if (used > 0) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		c->last_ms = serve_now_ms();
		c->req_ms = 0;
	}
	if (c->in_len > 0 && c->req_ms == 0)
		c->req_ms = serve_now_ms();
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
		respond_detail(c, 408, "Request Timeout", NULL);
		serve_metrics_request(&c->s->mt, MH_NONE, MM_OTHER, 408, 0);
	}
	c->closing = 1;
}

/* Writes as much of c->out as fd takes now; -1 on a write error. */
static int
flush_some(conn *c, int fd)
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
serve_run_fd(server *s, int rfd, int wfd, int timeouts)
{
	int bad;
	conn c;

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
			int64_t wdeadline = serve_now_ms() + s->timeout_ms;

			pf.fd = wfd;
			pf.events = POLLOUT;
			while (c.out.len > 0) {
				if (flush_some(&c, wfd) != 0)
					goto out;
				if (c.out.len == 0)
					break;
				if (timeouts && (t = (int)(wdeadline -
				    serve_now_ms())) <= 0)
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
			int64_t left = conn_deadline(&c) - serve_now_ms();

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

/* ---- the epoll worker of --listen ---- */

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
		if (flush_some(&e->c, e->fd) != 0) {
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
