/* http.c: see http.h. */
#include "http.h"

#include <string.h>

/* RFC 9110 tchar: the bytes of a token (method, field name). */
static const unsigned char tchar[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1, ['|'] = 1, ['~'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

#define MAX_LEADING_EMPTY 8     /* empty lines tolerated before a request */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int
http_span_eq(http_span s, const char *lit)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (lit[i] == '\0' || lower((unsigned char)s.p[i]) !=
		    lower((unsigned char)lit[i]))
			return 0;
	return lit[i] == '\0';
}

int
http_span_is(http_span s, const char *lit)
{
	return strlen(lit) == s.n && memcmp(s.p, lit, s.n) == 0;
}

static long
fail(const char **why, int status, const char *reason)
{
	*why = reason;
	return -status;
}

/* A field value is a comma-separated list; does it hold token tok? */
static int
list_has(http_span v, const char *tok)
{
	size_t i = 0;

	while (i < v.n) {
		size_t a, b;

		while (i < v.n && (v.p[i] == ' ' || v.p[i] == '\t' ||
		    v.p[i] == ','))
			i++;
		a = i;
		while (i < v.n && v.p[i] != ',')
			i++;
		b = i;
		while (b > a && (v.p[b - 1] == ' ' || v.p[b - 1] == '\t'))
			b--;
		if (b > a && http_span_eq((http_span){ v.p + a, b - a }, tok))
			return 1;
	}
	return 0;
}

/* Content-Length: "digits" or a list of equal "digits" (RFC 9110 8.6). */
static long
content_length(http_span v, size_t *out, int *seen, const char **why)
{
	size_t i = 0;

	while (i < v.n) {
		size_t n = 0, digits = 0;

		while (i < v.n && (v.p[i] == ' ' || v.p[i] == '\t'))
			i++;
		for (; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++) {
			if (n > HTTP_MAX_BODY)
				return fail(why, 413, "body too large");
			n = n * 10 + (size_t)(v.p[i] - '0');
			digits++;
		}
		while (i < v.n && (v.p[i] == ' ' || v.p[i] == '\t'))
			i++;
		if (digits == 0 || (i < v.n && v.p[i] != ','))
			return fail(why, 400, "bad Content-Length");
		if (*seen && n != *out)
			return fail(why, 400, "conflicting Content-Length");
		if (n > HTTP_MAX_BODY)
			return fail(why, 413, "body too large");
		*out = n;
		*seen = 1;
		if (i < v.n)
			i++;   /* the comma */
	}
	if (!*seen)
		return fail(why, 400, "bad Content-Length");
	return 0;
}

/* The end of the line starting at p (its LF), or NULL when not in buf. */
static const char *
line_end(const char *p, const char *end)
{
	return memchr(p, '\n', (size_t)(end - p));
}

/* Length of the line [p, nl) without a final CR. */
static size_t
line_len(const char *p, const char *nl)
{
	size_t n = (size_t)(nl - p);

	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

static long
parse_request_line(const char *p, size_t n, http_req *r, const char **why)
{
	size_t i = 0, a;

	while (i < n && tchar[(unsigned char)p[i]])
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return fail(why, 400, "bad request line");
	r->method = (http_span){ p, i };
	a = ++i;
	while (i < n && (unsigned char)p[i] > 0x20 &&
	    (unsigned char)p[i] < 0x7f)
		i++;
	if (i == a || i >= n || p[i] != ' ')
		return fail(why, 400, "bad request line");
	if (p[a] != '/')
		return fail(why, 400, "request target is not a path");
	r->target = (http_span){ p + a, i - a };
	i++;
	if (n - i != 8 || memcmp(p + i, "HTTP/", 5) != 0 ||
	    p[i + 5] < '0' || p[i + 5] > '9' || p[i + 6] != '.' ||
	    p[i + 7] < '0' || p[i + 7] > '9')
		return fail(why, 400, "bad request line");
	if (p[i + 5] != '1')
		return fail(why, 505, "HTTP version not supported");
	r->minor = p[i + 7] == '0' ? 0 : 1;
	{
		const char *q = memchr(r->target.p, '?', r->target.n);

		if (q == NULL) {
			r->path = r->target;
			r->query = (http_span){ r->target.p + r->target.n, 0 };
		} else {
			r->path = (http_span){ r->target.p,
			    (size_t)(q - r->target.p) };
			r->query = (http_span){ q + 1, r->target.n -
			    r->path.n - 1 };
		}
	}
	return 0;
}

/* What the header fields say, gathered while they are read. */
struct fields {
	int hosts;
	int have_cl;
	int conn_close, conn_keep;
};

/* One header field "name: value" (the line p[0..n), without its end). */
static long
header_field(const char *p, size_t n, http_req *r, struct fields *f,
    const char **why)
{
	http_span name, value;
	size_t i;

	for (i = 0; i < n && tchar[(unsigned char)p[i]]; i++)
		;
	if (i == 0 || i == n || p[i] != ':')
		return fail(why, 400, i == 0 && (p[0] == ' ' ||
		    p[0] == '\t') ? "obsolete line folding" :
		    "bad header field");
	name = (http_span){ p, i };
	for (i++; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	value.p = p + i;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(why, 400, "control byte in a header field");
	}
	value.n = (size_t)(p + n - value.p);
	while (value.n > 0 && (value.p[value.n - 1] == ' ' ||
	    value.p[value.n - 1] == '\t'))
		value.n--;

	switch (lower((unsigned char)name.p[0])) {
	case 'c':
		if (http_span_eq(name, "content-length"))
			return content_length(value, &r->content_length,
			    &f->have_cl, why);
		if (http_span_eq(name, "connection")) {
			f->conn_close |= list_has(value, "close");
			f->conn_keep |= list_has(value, "keep-alive");
		}
		break;
	case 'e':
		if (http_span_eq(name, "expect") &&
		    http_span_eq(value, "100-continue"))
			r->expect_continue = 1;
		break;
	case 'h':
		if (http_span_eq(name, "host"))
			f->hosts++;
		break;
	case 't':
		if (http_span_eq(name, "transfer-encoding"))
			return r->minor == 0 ?
			    fail(why, 400, "Transfer-Encoding in HTTP/1.0") :
			    fail(why, 501, "Transfer-Encoding not supported "
			    "(send Content-Length)");
		break;
	}
	return 0;
}

/*
 * The header fields from p up to and including the empty line; start is
 * where the request line began (the head's size is bounded from there).
 * Returns 0 with *pp after the empty line, 1 when they are not all here
 * yet, or -status.
 */
static long
header_fields(const char **pp, const char *start, const char *end,
    http_req *r, struct fields *f, const char **why)
{
	const char *p = *pp, *nl;
	size_t nfields = 0, n;
	long rc;

	for (;;) {
		if ((nl = line_end(p, end)) == NULL)
			return (size_t)(end - start) > HTTP_MAX_HEAD ?
			    fail(why, 431, "request header too large") : 1;
		if ((size_t)(nl + 1 - start) > HTTP_MAX_HEAD)
			return fail(why, 431, "request header too large");
		n = line_len(p, nl);
		if (n == 0) {
			*pp = nl + 1;
			return 0;
		}
		if (++nfields > HTTP_MAX_FIELDS)
			return fail(why, 431, "too many header fields");
		if ((rc = header_field(p, n, r, f, why)) != 0)
			return rc;
		p = nl + 1;
	}
}

/*
 * A request line not yet ended by LF: refuse garbage (a TLS handshake,
 * binary) now, not after a timeout, since the method must be a token.
 * Returns 0 (wait for more) or -status.
 */
static long
partial_request_line(const char *p, const char *end, const char **why)
{
	const char *q = p;

	while (q < end && tchar[(unsigned char)*q])
		q++;
	if (q < end && (*q != ' ' || q == p) && *q != '\r')
		return fail(why, 400, "bad request line");
	if ((size_t)(end - p) > HTTP_MAX_LINE)
		return fail(why, 414, "request line too long");
	return 0;
}

long
http_parse(const char *buf, size_t len, http_req *r, const char **why)
{
	const char *end = buf + len, *p = buf, *start, *nl;
	struct fields f = { 0, 0, 0, 0 };
	int skipped;
	long rc;

	memset(r, 0, sizeof *r);
	*why = NULL;
	/* Empty lines before a request are ignored (RFC 9112 2.2). */
	for (skipped = 0; p < end && (*p == '\n' || (*p == '\r' &&
	    p + 1 < end && p[1] == '\n')); skipped++) {
		if (skipped == MAX_LEADING_EMPTY)
			return fail(why, 400, "too many empty lines");
		p += *p == '\n' ? 1 : 2;
	}
	if (p < end && *p == '\r' && p + 1 == end)
		return 0;
	start = p;

	if ((nl = line_end(p, end)) == NULL)
		return partial_request_line(p, end, why);
	if ((size_t)(nl - p) > HTTP_MAX_LINE)
		return fail(why, 414, "request line too long");
	if ((rc = parse_request_line(p, line_len(p, nl), r, why)) != 0)
		return rc;
	p = nl + 1;
	if ((rc = header_fields(&p, start, end, r, &f, why)) != 0)
		return rc > 0 ? 0 : rc;

	if (r->minor == 1 && f.hosts != 1)
		return fail(why, 400, f.hosts == 0 ? "missing Host header" :
		    "more than one Host header");
	r->keep_alive = r->minor == 1 ? !f.conn_close :
	    f.conn_keep && !f.conn_close;
	r->head_len = (size_t)(p - buf);
	if ((size_t)(end - p) < r->content_length)
		return 0;
	r->body = (http_span){ p, r->content_length };
	return (long)(r->head_len + r->content_length);
}

const char *
http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 422: return "Unprocessable Entity";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
http_query_param(http_span query, const char *name, char *buf,
    size_t bufsz)
{
	size_t i = 0, nlen = strlen(name);
	int found = 0;

	while (i < query.n) {
		size_t a = i, eq, e;

		while (i < query.n && query.p[i] != '&')
			i++;
		e = i;
		if (i < query.n)
			i++;
		for (eq = a; eq < e && query.p[eq] != '='; eq++)
			;
		if (eq - a != nlen || memcmp(query.p + a, name, nlen) != 0)
			continue;
		{
			size_t k, o = 0;

			for (k = eq < e ? eq + 1 : e; k < e; k++) {
				int c = (unsigned char)query.p[k];

				if (c == '%') {
					int h, l;

					if (e - k < 3)
						return -1;
					h = hexval((unsigned char)query.p[k + 1]);
					l = hexval((unsigned char)query.p[k + 2]);
					if (h < 0 || l < 0)
						return -1;
					c = h * 16 + l;
					k += 2;
					if (c == 0)
						return -1;
				} else if (c == '+') {
					c = ' ';
				}
				if (o + 1 >= bufsz)
					return -1;
				buf[o++] = (char)c;
			}
			buf[o] = '\0';
			found = 1;
		}
	}
	return found;
}
