/*
 * evfilter.h: which events ev-filter keeps.
 *
 * An event is kept when its time is in [from, until), its type is one of
 * the chosen types and, when a catalogue snapshot is given, its item is in
 * the snapshot.  The first test that fails is the reason it is dropped, in
 * the order of enum evfilter_verdict, so the per-reason counts add up to the
 * rows dropped.
 */
#ifndef RS_EVFILTER_H
#define RS_EVFILTER_H

#include <stdint.h>

#include "rs_err.h"
#include "events.h"
#include "items.h"

enum evfilter_verdict {
	EVFILTER_KEEP,
	EVFILTER_BEFORE_FROM,     /* ts < from */
	EVFILTER_NOT_BEFORE_UNTIL,/* ts >= until */
	EVFILTER_TYPE,            /* type not chosen */
	EVFILTER_ITEM,            /* item not in the snapshot */
	EVFILTER_NVERDICTS
};

/* Short names of the verdicts, for counts: "kept", "before --from", ... */
extern const char *const evfilter_verdict_names[EVFILTER_NVERDICTS];

typedef struct evfilter {
	int has_from, has_until;
	int64_t from_ms;     /* inclusive, when has_from */
	int64_t until_ms;    /* exclusive, when has_until */
	unsigned types;      /* bit 1 << type set: keep that type */
	const items *items;  /* NULL: any item */
} evfilter;

/* Keeps everything: no time bounds, all types, any item. */
void evfilter_init(evfilter *f);

/*
 * Parses a comma-separated list of event type names ("view,addtocart")
 * into a mask of 1 << type.  EX_USAGE naming the unknown or empty name.
 */
int evfilter_parse_types(const char *list, unsigned *mask, rs_err *e);

/* The verdict on one event. */
static inline enum evfilter_verdict
evfilter_judge(const evfilter *f, const event *ev)
{
	if (f->has_from && ev->ts_ms < f->from_ms)
		return EVFILTER_BEFORE_FROM;
	if (f->has_until && ev->ts_ms >= f->until_ms)
		return EVFILTER_NOT_BEFORE_UNTIL;
	if (!(f->types & 1u << ev->type))
		return EVFILTER_TYPE;
	if (f->items != NULL && items_find(f->items, ev->item) < 0)
		return EVFILTER_ITEM;
	return EVFILTER_KEEP;
}

#endif
