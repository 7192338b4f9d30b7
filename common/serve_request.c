/* serve_request.c: validation of a /recs request (see serve_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "num.h"
#include "serve_int.h"

#define JSON_STACK_NODES 256

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

void
recs_req_keep_last(recs_req *q, uint64_t item)
{
	if (q->n_last == STORE_MAX_LAST) {
		memmove(q->last, q->last + 1,
		    (STORE_MAX_LAST - 1) * sizeof *q->last);
		q->n_last--;
	}
	q->last[q->n_last++] = item;
}

int
recs_req_body(recs_req *q, http_span body, size_t max_n, const char **why,
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
					recs_req_keep_last(q, item);
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

void
recs_req_query(recs_req *q, http_span query, size_t max_n)
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
				recs_req_keep_last(q, item);
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

