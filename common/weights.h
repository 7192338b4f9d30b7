/*
 * weights.h: per-event-type weights, as pop-rank --weights and
 * interactions-weight -w take them, and exact printing of the numbers that
 * result from them.
 *
 * A spec is a comma-separated list of TYPE=WEIGHT, for example
 * "view=0.25,addtocart=0.75,transaction=0".  TYPE is an event type name
 * (ev_type_names); each may appear at most once; a type the spec does not
 * name weighs 0, so a spec states every weight it uses.  A WEIGHT is a
 * decimal number that is 0 or between WEIGHT_MIN and WEIGHT_MAX, so sums of
 * weights stay far from float32 underflow and overflow.  At least one
 * weight must be positive: a spec that counts nothing is a mistake.
 */
#ifndef RS_WEIGHTS_H
#define RS_WEIGHTS_H

#include <stddef.h>

#include "rs_err.h"
#include "events.h"

/* The weights interactions-weight and item-sim use by default. */
#define WEIGHTS_DEFAULT "view=0.25,addtocart=0.75,transaction=0"

#define WEIGHT_MIN 1e-6
#define WEIGHT_MAX 1e6

typedef struct ev_weights {
	double w[EV_NTYPES];     /* indexed by enum ev_type */
} ev_weights;

/*
 * Parses spec into *w.  On error returns EX_USAGE with a message that quotes
 * the offending item and says why (unknown event type, duplicate, not a
 * number, negative, out of range, missing "=", empty, all zero); *w is then
 * unspecified.
 */
int weights_parse(const char *spec, ev_weights *w, rs_err *e);

/*
 * Writes the canonical spec of w ("view=0.25,addtocart=0.75,transaction=0":
 * every type, in enum order, each number as weights_fmt_double prints it)
 * into buf; returns the length, or -1 when bufsz is too small.  Parsing the
 * result gives back w exactly.
 */
int weights_fmt(const ev_weights *w, char *buf, size_t bufsz);

/*
 * The shortest decimal (printf %g style, at most 17 significant digits)
 * that strtod reads back as exactly v; integers below 2^53 print as plain
 * digits.  Returns the length, or -1 when bufsz is too small (32 is always
 * enough).  v must be finite.
 */
int weights_fmt_double(double v, char *buf, size_t bufsz);

/* The same for a float32: the shortest decimal that strtof reads back as
 * exactly v (at most 9 significant digits). */
int weights_fmt_float(float v, char *buf, size_t bufsz);

#endif
