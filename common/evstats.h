/*
 * evstats.h: the profile of an event stream (the original system's EDA
 * notebook), gathered in one streaming pass and written as one TSV of
 * "section name value" lines (ev-stats(1), recsys-tsv(5)).
 *
 * evstats_add() takes the events in any order.  It counts per type and per
 * UTC day, and keeps, per event, the visitor's and the item's numbers, the
 * time and the type (17 bytes), and per add-to-cart the visitor-item pair
 * (8 more).  evstats_finish() sorts the events by visitor then time, and
 * by item (LSD radix sorts, which touch memory in order: counting in
 * per-visitor arrays as the events come costs a cache miss per event and
 * was twice as slow), and derives every distribution from the sorted runs;
 * evstats_write_tsv() writes the sections.  Sessions are cut on times
 * taken to the second.
 *
 * A session is a visitor's run of events with no gap longer than
 * gap_ms between consecutive ones (the usual 30 minutes by default).
 */
#ifndef RS_EVSTATS_H
#define RS_EVSTATS_H

#include <stdint.h>
#include <stdio.h>

#include "events.h"
#include "idmap.h"
#include "rs_err.h"

/* The longest span of days the per-day counts hold (about 2,700 years). */
#define EVSTATS_MAX_DAYS 1000000

/*
 * Visitors and items are numbered for sorting: an id below EVSTATS_DIRECT
 * (Retailrocket's and ev-synth's all are) is its own number, with no hash
 * lookup; a larger one is EVSTATS_DIRECT plus its index in an idmap.
 */
#define EVSTATS_DIRECT (UINT64_C(1) << 22)

/* A distribution of counts: quantiles, the top 1% share, the histogram. */
typedef struct evstats_dist {
	uint64_t n;            /* things counted (visitors, items, sessions) */
	uint64_t total;        /* sum of their counts */
	uint64_t *vals;        /* their counts, ascending (n) */
} evstats_dist;

typedef struct evstats {
	int64_t gap_ms;
	uint64_t events, by_type[EV_NTYPES];
	idmap big_visitors, big_items;     /* the ids >= EVSTATS_DIRECT */
	uint64_t visitors, items;
	/* Per UTC day, from day0 (days since the epoch) on. */
	int64_t day0;
	uint64_t (*day)[EV_NTYPES];
	size_t ndays;
	/* Per event: its visitor's and item's numbers, time and type. */
	uint32_t *ev_user, *ev_item;
	int64_t *ev_ts;
	uint8_t *ev_type;
	uint64_t *carts;        /* visitor number << 32 | item number */
	size_t nev_cap, ncarts, carts_cap;
	/* Results, after evstats_finish. */
	evstats_dist activity, popularity, session_events;
	uint64_t *session_ms;   /* session durations, ascending */
	uint64_t sessions, cart_pairs, repeat_pairs, repeat_carts;
	uint64_t reach_v[EV_NTYPES], reach_i[EV_NTYPES];
	uint64_t step_v[EV_NTYPES - 1], step_i[EV_NTYPES - 1];
} evstats;

/* 0, or EX_SOFTWARE when out of memory.  gap_ms > 0. */
int evstats_init(evstats *s, int64_t gap_ms, rs_err *e);
void evstats_free(evstats *s);

/* Counts one event.  EX_SOFTWARE out of memory; EX_DATAERR when the
 * events span more than EVSTATS_MAX_DAYS days. */
int evstats_add(evstats *s, const event *ev, rs_err *e);

/* Derives the distributions; call once, after the last event. */
int evstats_finish(evstats *s, rs_err *e);

/* The sections, in the order of ev-stats(1), header "section name value". */
void evstats_write_tsv(const evstats *s, FILE *fp);

#endif
