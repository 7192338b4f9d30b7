/* serve_line.c: the TSV line protocol (see serve_int.h, rec-serve(8)). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "blend.h"
#include "num.h"
#include "serve_int.h"

const char serve_line_header[] = "user_id\tn_recs\tlast_items";

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
	size_t nf = 1, n_last = 0, i;
	long got;
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
			recs_req_keep_last(&q, id);
			if (comma == NULL)
				break;
			item = comma + 1;
		}
	}
	memcpy(last, q.last, q.n_last * sizeof *last);
	n_last = q.n_last;
	if ((got = serve_blend(c->s, user, (size_t)n, last, n_last, out)) < 0) {
		serve_metrics_add(&c->s->mt.m->exceptions, 1);
		line_error(c, "recommendation store %s", c->s->have_store ?
		    "damaged" : "unavailable");
		return;
	}
	outbuf_u64(&c->out, user);
	outbuf_add(&c->out, "\t", 1);
	for (i = 0; i < (size_t)got; i++) {
		if (i > 0)
			outbuf_add(&c->out, ",", 1);
		outbuf_u64(&c->out, out[i]);
	}
	outbuf_add(&c->out, "\n", 1);
}

/*
 * One limit whatever the input: a line longer than SRV_MAX_LINE bytes
 * (before its LF) is answered with an error line, whether it arrived
 * whole (from a file, in one read) or is still arriving (a pipe); its
 * bytes are skipped up to its LF and the lines after it are answered.
 */
size_t
line_process(conn *c)
{
	size_t used = 0;

	while (!c->closing && used < c->in_len) {
		char *line = c->in + used, *nl;
		size_t len;

		nl = memchr(line, '\n', c->in_len - used);
		if (c->skip_line) {
			/* The rest of an over-long line, already answered. */
			if (nl == NULL)
				return c->in_len;
			used += (size_t)(nl - line) + 1;
			c->skip_line = 0;
			continue;
		}
		if (nl == NULL) {
			if (c->in_len - used > SRV_MAX_LINE) {
				c->lineno++;
				line_error(c, "line longer than %d bytes",
				    SRV_MAX_LINE);
				c->skip_line = 1;
				return c->in_len;
			}
			if (!c->eof)
				break;
			/* The last line, without LF: terminate it in
			 * place (the buffer has room: in_len < cap). */
			nl = c->in + c->in_len;
		}
		len = (size_t)(nl - line);
		used += len + (nl < c->in + c->in_len ? 1 : 0);
		c->lineno++;
		if (len > SRV_MAX_LINE) {
			line_error(c, "line longer than %d bytes",
			    SRV_MAX_LINE);
			continue;
		}
		*nl = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (c->lineno == 1 && strcmp(line, serve_line_header) == 0) {
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
