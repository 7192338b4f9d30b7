/* json.c: see json.h. */
#include "json.h"

#include <string.h>

struct parser {
	const char *s;
	size_t len, pos;
	json_node *node;
	size_t cap, n;
	const char *why;
};

static int
err(struct parser *p, const char *why)
{
	p->why = why;
	return -1;
}

static void
ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' ||
	    p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	    p->s[p->pos] == '\r'))
		p->pos++;
}

static long
new_node(struct parser *p, int type)
{
	json_node *n;

	if (p->n == p->cap)
		return err(p, "too many values");
	n = &p->node[p->n];
	n->type = (uint8_t)type;
	n->off = (uint32_t)p->pos;
	n->len = 0;
	n->count = 0;
	n->next = 0;
	return (long)p->n++;
}

static int
hex4(const char *s, unsigned *v)
{
	unsigned i, x = 0;

	for (i = 0; i < 4; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		x = x * 16 + (unsigned)d;
	}
	*v = x;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (< end), or 0. */
static size_t
utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0], cp, i, n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static int
string(struct parser *p)
{
	const unsigned char *s = (const unsigned char *)p->s;
	long i = new_node(p, JSON_STRING);
	size_t start;

	if (i < 0)
		return -1;
	start = ++p->pos;   /* the opening quote */
	p->node[i].off = (uint32_t)start;
	for (;;) {
		unsigned c;
		size_t n;

		if (p->pos >= p->len)
			return err(p, "unterminated string");
		c = s[p->pos];
		if (c == '"')
			break;
		if (c < 0x20)
			return err(p, "control character in a string");
		if (c == '\\') {
			unsigned v;

			if (p->pos + 1 >= p->len)
				return err(p, "unterminated string");
			c = s[p->pos + 1];
			if (c == 'u') {
				if (p->len - p->pos < 6 ||
				    hex4(p->s + p->pos + 2, &v) != 0)
					return err(p, "bad \\u escape");
				p->pos += 6;
			} else if (strchr("\"\\/bfnrt", (int)c) != NULL &&
			    c != '\0') {
				p->pos += 2;
			} else {
				return err(p, "bad escape");
			}
			continue;
		}
		if ((n = utf8_len(s + p->pos, s + p->len)) == 0)
			return err(p, "invalid UTF-8");
		p->pos += n;
	}
	p->node[i].len = (uint32_t)(p->pos - start);
	p->pos++;
	p->node[i].next = (uint32_t)p->n;
	return 0;
}

static int
digits(struct parser *p)
{
	size_t a = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos > a ? 0 : -1;
}

static int
number(struct parser *p)
{
	long i = new_node(p, JSON_NUMBER);
	size_t start = p->pos;

	if (i < 0)
		return -1;
	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (digits(p) != 0)
		return err(p, "bad number");
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (digits(p) != 0)
			return err(p, "bad number");
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' ||
		    p->s[p->pos] == '-'))
			p->pos++;
		if (digits(p) != 0)
			return err(p, "bad number");
	}
	if (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		return err(p, "leading zero");
	p->node[i].len = (uint32_t)(p->pos - start);
	p->node[i].next = (uint32_t)p->n;
	return 0;
}

static int
literal(struct parser *p, const char *word, int type)
{
	size_t n = strlen(word);
	long i;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return err(p, "unexpected character");
	if ((i = new_node(p, type)) < 0)
		return -1;
	p->pos += n;
	p->node[i].len = (uint32_t)n;
	p->node[i].next = (uint32_t)p->n;
	return 0;
}

static int value(struct parser *p, int depth);

/* An array or an object, p->pos at its opening bracket. */
static int
container(struct parser *p, int depth, int is_object)
{
	char close = is_object ? '}' : ']';
	long i;

	if (depth >= JSON_MAX_DEPTH)
		return err(p, "nested too deeply");
	if ((i = new_node(p, is_object ? JSON_OBJECT : JSON_ARRAY)) < 0)
		return -1;
	p->pos++;
	ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->node[i].next = (uint32_t)p->n;
		return 0;
	}
	for (;;) {
		if (is_object) {
			ws(p);
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return err(p, "expected a member name");
			if (string(p) != 0)
				return -1;
			ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return err(p, "expected ':'");
			p->pos++;
		}
		if (value(p, depth + 1) != 0)
			return -1;
		p->node[i].count++;
		ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			break;
		}
		return err(p, is_object ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
	p->node[i].next = (uint32_t)p->n;
	return 0;
}

static int
value(struct parser *p, int depth)
{
	ws(p);
	if (p->pos >= p->len)
		return err(p, "expected a value");
	switch (p->s[p->pos]) {
	case '{':
		return container(p, depth, 1);
	case '[':
		return container(p, depth, 0);
	case '"':
		return string(p);
	case 't':
		return literal(p, "true", JSON_TRUE);
	case 'f':
		return literal(p, "false", JSON_FALSE);
	case 'n':
		return literal(p, "null", JSON_NULL);
	default:
		if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' &&
		    p->s[p->pos] <= '9'))
			return number(p);
		return err(p, "unexpected character");
	}
}

int
json_parse(json_doc *d, const char *text, size_t len, json_node *nodes,
    size_t cap, const char **why, size_t *at)
{
	struct parser p = { text, len, 0, nodes, cap, 0, NULL };

	d->text = text;
	d->len = len;
	d->node = nodes;
	d->n = 0;
	if (len > UINT32_MAX) {
		*why = "text too large";
		*at = 0;
		return -1;
	}
	if (value(&p, 0) == 0) {
		ws(&p);
		if (p.pos != len)
			err(&p, "extra data after the value");
	}
	if (p.why != NULL) {
		*why = p.why;
		*at = p.pos;
		return -1;
	}
	d->n = p.n;
	return 0;
}

/* Encodes code point cp as UTF-8 into b; returns the length. */
static size_t
utf8_put(unsigned cp, unsigned char *b)
{
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (unsigned char)(0xf0 | cp >> 18);
	b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Does the (escaped) string node equal key once unescaped? */
static int
str_eq(const json_doc *d, const json_node *n, const char *key)
{
	const char *s = d->text + n->off, *end = s + n->len;
	size_t k = 0, klen = strlen(key);

	if (memchr(s, '\\', n->len) == NULL)
		return n->len == klen && memcmp(s, key, klen) == 0;
	while (s < end) {
		unsigned char b[4];
		size_t bl;

		if (*s != '\\') {
			b[0] = (unsigned char)*s++;
			bl = 1;
		} else if (s[1] == 'u') {
			unsigned cp, lo;

			hex4(s + 2, &cp);
			s += 6;
			if (cp >= 0xd800 && cp < 0xdc00 && end - s >= 6 &&
			    s[0] == '\\' && s[1] == 'u' &&
			    hex4(s + 2, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 6;
			}
			bl = utf8_put(cp, b);
		} else {
			static const char from[] = "\"\\/bfnrt",
			    to[] = "\"\\/\b\f\n\r\t";

			b[0] = (unsigned char)to[strchr(from, s[1]) - from];
			bl = 1;
			s += 2;
		}
		if (k + bl > klen || memcmp(key + k, b, bl) != 0)
			return 0;
		k += bl;
	}
	return k == klen;
}

long
json_member(const json_doc *d, size_t o, const char *key)
{
	const json_node *obj = &d->node[o];
	size_t i = o + 1, m;
	long found = -1;

	if (obj->type != JSON_OBJECT)
		return -1;
	for (m = 0; m < obj->count; m++) {
		size_t v = d->node[i].next;

		if (str_eq(d, &d->node[i], key))
			found = (long)v;
		i = d->node[v].next;
	}
	return found;
}

int
json_int(const json_doc *d, size_t i, int64_t *v)
{
	const json_node *n = &d->node[i];
	const char *s = d->text + n->off, *end = s + n->len;
	uint64_t mag = 0, lim;
	int neg = 0, over = 0;

	if (n->type != JSON_NUMBER)
		return -1;
	if (memchr(s, '.', n->len) != NULL || memchr(s, 'e', n->len) !=
	    NULL || memchr(s, 'E', n->len) != NULL)
		return -1;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; s < end; s++) {
		unsigned dg = (unsigned)(*s - '0');

		if (mag > (lim - dg) / 10)
			over = 1;
		else
			mag = mag * 10 + dg;
	}
	if (over) {
		*v = neg ? INT64_MIN : INT64_MAX;
		return 1;
	}
	*v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

int
json_u64(const json_doc *d, size_t i, uint64_t *v)
{
	const json_node *n = &d->node[i];
	const char *s = d->text + n->off, *end = s + n->len;
	uint64_t mag = 0;

	if (n->type != JSON_NUMBER || memchr(s, '.', n->len) != NULL ||
	    memchr(s, 'e', n->len) != NULL || memchr(s, 'E', n->len) != NULL)
		return -1;
	if (*s == '-') {
		*v = 0;
		return n->len == 2 && s[1] == '0' ? 0 : 1;   /* -0 is 0 */
	}
	for (; s < end; s++) {
		unsigned dg = (unsigned)(*s - '0');

		if (mag > (UINT64_MAX - dg) / 10)
			return 1;
		mag = mag * 10 + dg;
	}
	*v = mag;
	return 0;
}
