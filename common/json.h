/*
 * json.h: a small strict JSON parser (RFC 8259) for request bodies.
 *
 * json_parse turns a whole text into a flat array of nodes in document
 * order (pre-order): an array or object node is followed by its children,
 * and every node knows the index just past its subtree, so siblings are
 * walked without recursion.  Object children alternate key (a string node)
 * and value.  Nothing is copied: nodes hold offsets into the text.
 *
 * Strict: exactly one value with optional whitespace around it; no
 * comments, trailing commas, single quotes, leading zeros, NaN or Infinity;
 * strings are valid UTF-8 with no raw control bytes and only the escapes
 * of RFC 8259.  Nesting is bounded (JSON_MAX_DEPTH) and so is the number of
 * nodes (the caller's array), so any input is handled in bounded time and
 * memory.
 */
#ifndef RS_JSON_H
#define RS_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT
};

typedef struct json_node {
	uint8_t type;        /* enum json_type */
	uint32_t off;        /* byte offset of the value in the text; for a
	                      * string, of its first byte after the quote */
	uint32_t len;        /* bytes: a number's literal, a string's raw
	                      * (still escaped) content */
	uint32_t count;      /* array elements, object members (pairs) */
	uint32_t next;       /* index of the node after this subtree */
} json_node;

typedef struct json_doc {
	const char *text;
	size_t len;
	json_node *node;     /* node[0] is the top value */
	size_t n;
} json_doc;

/*
 * Parses text[0..len) into nodes[0..cap).  Returns 0, or -1 with *why a
 * short static reason and *at the byte offset of the problem ("too many
 * values" when cap is exhausted).  Texts over 4 GiB are refused.
 */
int json_parse(json_doc *d, const char *text, size_t len, json_node *nodes,
    size_t cap, const char **why, size_t *at);

/* The value of the last member of object node o whose key equals key,
 * or -1 (the last wins, as in Python's json). */
long json_member(const json_doc *d, size_t o, const char *key);

/*
 * A number node as a signed integer: 0 when it is an integer literal (no
 * fraction, no exponent) within int64, 1 when it is an integer literal
 * outside int64 (*v set to INT64_MIN or INT64_MAX by sign), -1 when it is
 * not an integer literal.
 */
int json_int(const json_doc *d, size_t i, int64_t *v);

/* A number node as an unsigned integer: 0 ok, 1 out of uint64 range or
 * negative, -1 not an integer literal. */
int json_u64(const json_doc *d, size_t i, uint64_t *v);

#endif
