/*
 * http.h: an HTTP/1.x request parser, a pure function over bytes.
 *
 * http_parse looks at the bytes received so far on a connection and says
 * whether they start with a whole request (and how many bytes it takes),
 * need more bytes, or can never be a valid request (and which status to
 * answer).  It keeps no state between calls, allocates nothing and reads
 * only buf[0..len), so it can be fuzzed directly and called again after
 * every read.  Everything is bounded: the request line, the head (request
 * line plus header fields), the number of fields and the body.
 *
 * What it accepts (RFC 9112, strictly): optional empty lines, then
 * "METHOD SP origin-form SP HTTP/1.x", CRLF or bare LF line ends, header
 * fields "name: value" with a token name and no whitespace before the colon
 * (no obsolete line folding), no control bytes anywhere but HTAB in values,
 * a body given by one Content-Length (several equal values tolerated).
 * Transfer-Encoding (chunked) is refused with 501, HTTP/1.1 without Host
 * with 400, other major versions with 505.
 */
#ifndef RS_HTTP_H
#define RS_HTTP_H

#include <stddef.h>

#define HTTP_MAX_LINE 8192      /* request line, bytes (414 above) */
#define HTTP_MAX_HEAD 16384     /* request line + fields (431 above) */
#define HTTP_MAX_FIELDS 64      /* header fields (431 above) */
#define HTTP_MAX_BODY 65536     /* body bytes (413 above) */

typedef struct http_span {
	const char *p;
	size_t n;
} http_span;

typedef struct http_req {
	http_span method;       /* e.g. "GET" */
	http_span target;       /* origin-form, e.g. "/recs?user_id=1" */
	http_span path;         /* target up to '?' */
	http_span query;        /* after '?', empty when none */
	http_span body;         /* Content-Length bytes after the head */
	int minor;              /* HTTP/1.minor: 0 or 1 */
	int keep_alive;         /* 1.1 unless "close", 1.0 only "keep-alive" */
	int expect_continue;    /* "Expect: 100-continue" was sent */
	size_t head_len;        /* bytes of request line + fields + blank */
	size_t content_length;
} http_req;

/*
 * Parses the request at the start of buf[0..len).  Returns:
 *   > 0  a whole request: that many bytes (head + body); *r is filled
 *   0    not complete yet; read more.  If the head is complete and only
 *        the body is missing, r->head_len > 0 and r->expect_continue say
 *        whether to send "100 Continue".
 *   < 0  -status of the error answer (400, 413, 414, 431, 501, 505); *why
 *        is a short static reason for the log and the response detail.
 * The spans in *r point into buf.
 */
long http_parse(const char *buf, size_t len, http_req *r, const char **why);

/* Case-insensitive comparison of a span with a NUL-terminated string. */
int http_span_eq(http_span s, const char *lit);
/* The same, case-sensitive. */
int http_span_is(http_span s, const char *lit);

/* The reason phrase of a status ("Not Found"), "Unknown" if none. */
const char *http_reason(int status);

/*
 * The value of query parameter name (first occurrence is overwritten by
 * later ones: the last wins, as Starlette does), percent-decoded into
 * buf (bufsz bytes, NUL-terminated).  Returns 1 when present, 0 when
 * absent, -1 when the value is too long or badly encoded.
 */
int http_query_param(http_span query, const char *name, char *buf,
    size_t bufsz);

#endif
