/* weights.c: see weights.h. */
#include "weights.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

/*
 * Records a usage error about one item of the spec; a malformed item also
 * gets a reminder of the syntax.
 */
static int
item_err(rs_err *e, const char *item, size_t len, const char *why)
{
	int syntax = strcmp(why, "empty item") == 0 ||
	    strcmp(why, "missing \"=\"") == 0 ||
	    strcmp(why, "unknown event type") == 0;

	return rs_errf(e, EX_USAGE, "bad weights \"%.*s\": %s%s",
	    (int)(len > 80 ? 80 : len), item, why, syntax ? " (expected "
	    "TYPE=WEIGHT with TYPE view, addtocart or transaction)" : "");
}

int
weights_parse(const char *spec, ev_weights *w, rs_err *e)
{
	int seen[EV_NTYPES] = {0};
	const char *p = spec;
	int t, any = 0;

	memset(w, 0, sizeof *w);
	if (*spec == '\0')
		return rs_errf(e, EX_USAGE, "bad weights \"\": empty "
		    "(expected TYPE=WEIGHT[,TYPE=WEIGHT...])");
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		char name[32], num[64];
		const char *why;
		double v;
		size_t nlen;

		if (len == 0)
			return item_err(e, p, len, "empty item");
		if (eq == NULL)
			return item_err(e, p, len, "missing \"=\"");
		nlen = (size_t)(eq - p);
		if (nlen >= sizeof name)
			return item_err(e, p, len, "unknown event type");
		memcpy(name, p, nlen);
		name[nlen] = '\0';
		if ((t = ev_type_parse(name)) < 0)
			return item_err(e, p, len, "unknown event type");
		if (seen[t])
			return item_err(e, p, len, "event type given twice");
		seen[t] = 1;
		if (len - nlen - 1 >= sizeof num)
			return item_err(e, p, len, "not a number");
		memcpy(num, eq + 1, len - nlen - 1);
		num[len - nlen - 1] = '\0';
		if ((why = num_double(num, &v)) != NULL)
			return item_err(e, p, len, why);
		if (signbit(v) && v != 0)
			return item_err(e, p, len, "negative weight");
		v = fabs(v);    /* "-0" is 0 */
		if (v != 0 && (v < WEIGHT_MIN || v > WEIGHT_MAX))
			return item_err(e, p, len, "out of range (0, or 1e-06 "
			    "to 1e+06)");
		w->w[t] = v;
		any |= v > 0;
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (!any)
		return rs_errf(e, EX_USAGE, "bad weights \"%.80s\": every "
		    "weight is 0, nothing would be counted", spec);
	return 0;
}

int
weights_fmt(const ev_weights *w, char *buf, size_t bufsz)
{
	size_t len = 0;
	int t;

	for (t = 0; t < EV_NTYPES; t++) {
		char num[32];
		int n;

		if (weights_fmt_double(w->w[t], num, sizeof num) < 0)
			return -1;
		n = snprintf(buf + len, bufsz - len, "%s%s=%s",
		    t > 0 ? "," : "", ev_type_names[t], num);
		if (n < 0 || (size_t)n >= bufsz - len)
			return -1;
		len += (size_t)n;
	}
	return (int)len;
}

int
weights_fmt_double(double v, char *buf, size_t bufsz)
{
	int prec, n = -1;

	/* Counts are mostly whole numbers: print them without a detour. */
	if (v >= 0 && v < 9007199254740992.0 && v == floor(v)) {
		char tmp[24];

		n = num_fmt_u64(tmp, (uint64_t)v);
		if ((size_t)n >= bufsz)
			return -1;
		memcpy(buf, tmp, (size_t)n);
		buf[n] = '\0';
		return n;
	}
	/*
	 * A value whose shortest round-trip form has k <= 15 digits lies so
	 * close to that k-digit decimal that rounding it to 15 digits gives the
	 * same decimal (%g drops the trailing zeros), so one try at 15 covers
	 * the common case; 17 digits always round-trip.
	 */
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, bufsz, "%.*g", prec, v);
		if (n < 0 || (size_t)n >= bufsz)
			return -1;
		if (strtod(buf, NULL) == v)
			break;
	}
	return n;
}

int
weights_fmt_float(float v, char *buf, size_t bufsz)
{
	int prec, n = -1;

	for (prec = 6; prec <= 9; prec++) {
		n = snprintf(buf, bufsz, "%.*g", prec, (double)v);
		if (n < 0 || (size_t)n >= bufsz)
			return -1;
		if (strtof(buf, NULL) == v)
			break;
	}
	return n;
}
