/* events.c: see events.h. */
#include "events.h"

#include <stdlib.h>
#include <string.h>

#include "num.h"

const char *const ev_type_names[EV_NTYPES] = {
	"view", "addtocart", "transaction"
};
/* strlen of each name, for the writer */
static const unsigned char ev_type_len[EV_NTYPES] = {4, 9, 11};
const char *const ev_tsv_cols[5] = {"ts", "user", "event", "item", "txn"};
const char *const ev_csv_cols[5] = {
	"timestamp", "visitorid", "event", "itemid", "transactionid"
};

int
ev_type_parse(const char *name)
{
	/* The first byte tells the three apart: one strcmp, not three. */
	switch (name[0]) {
	case 'v':
		return strcmp(name, "view") == 0 ? EV_VIEW : -1;
	case 'a':
		return strcmp(name, "addtocart") == 0 ? EV_ADDTOCART : -1;
	case 't':
		return strcmp(name, "transaction") == 0 ? EV_TRANSACTION : -1;
	default:
		return -1;
	}
}

/* ev_parse and ev_parse_padded: one body, the number parser chosen by
 * padded (a constant, so each is compiled with its own). */
static inline int
parse_row(char *const *f, const char *const *cols, const char *file,
    unsigned long long line, event *ev, rs_err *e, int padded)
{
	const char *why;
	uint64_t ts;

#define U64(s, v) (padded ? num_u64_padded((s), (v)) : num_u64((s), (v)))
	if ((why = U64(f[0], &ts)) != NULL || ts > INT64_MAX)
		return rs_field_err(e, file, line, 1, cols[0],
		    why == NULL || strcmp(why, "out of range") == 0 ?
		    "bad timestamp (out of range)" :
		    strcmp(why, "negative") == 0 ?
		    "bad timestamp (negative)" : "bad timestamp", f[0]);
	ev->ts_ms = (int64_t)ts;
	if ((why = U64(f[1], &ev->user)) != NULL)
		return rs_field_err(e, file, line, 2, cols[1], why, f[1]);
	if ((ev->type = ev_type_parse(f[2])) < 0)
		return rs_field_err(e, file, line, 3, cols[2],
		    "unknown event type (expected view, addtocart or "
		    "transaction)", f[2]);
	if ((why = U64(f[3], &ev->item)) != NULL)
		return rs_field_err(e, file, line, 4, cols[3], why, f[3]);
	ev->has_txn = f[4][0] != '\0';
	ev->txn = 0;
	if (ev->has_txn) {
		if (ev->type != EV_TRANSACTION)
			return rs_field_err(e, file, line, 5, cols[4],
			    ev->type == EV_VIEW ? "transaction id on a view" :
			    "transaction id on an addtocart", f[4]);
		if ((why = U64(f[4], &ev->txn)) != NULL)
			return rs_field_err(e, file, line, 5, cols[4], why,
			    f[4]);
	} else if (ev->type == EV_TRANSACTION) {
		return rs_field_err(e, file, line, 5, cols[4],
		    "transaction without a transaction id", f[4]);
	}
#undef U64
	return 0;
}

int
ev_parse(char *const *f, const char *const *cols, const char *file,
    unsigned long long line, event *ev, rs_err *e)
{
	return parse_row(f, cols, file, line, ev, e, 0);
}

int
ev_parse_padded(char *const *f, const char *const *cols, const char *file,
    unsigned long long line, event *ev, rs_err *e)
{
	return parse_row(f, cols, file, line, ev, e, 1);
}

size_t
ev_fmt_tsv(char *buf, const event *ev)
{
	size_t tl = ev_type_len[ev->type];
	char *p = buf;

	p += num_fmt_u64(p, (uint64_t)ev->ts_ms);
	*p++ = '\t';
	p += num_fmt_u64(p, ev->user);
	*p++ = '\t';
	memcpy(p, ev_type_names[ev->type], tl);
	p += tl;
	*p++ = '\t';
	p += num_fmt_u64(p, ev->item);
	*p++ = '\t';
	if (ev->has_txn)
		p += num_fmt_u64(p, ev->txn);
	*p++ = '\n';
	return (size_t)(p - buf);
}

void
ev_write_tsv(FILE *fp, const event *ev)
{
	/* Formatted in a buffer and written with one call, which is several
	 * times cheaper than a stdio call per field. */
	char row[EV_TSV_ROW_MAX];

	fwrite_unlocked(row, 1, ev_fmt_tsv(row, ev), fp);
}
