/*
 * synth.h: a Retailrocket-shaped synthetic dataset (what ev-synth writes).
 *
 * synth_write() fills a directory with the four files of the Retailrocket
 * dump, in its exact schemas:
 *
 *   events.csv                 timestamp,visitorid,event,itemid,transactionid
 *   item_properties_part1.csv  timestamp,itemid,property,value
 *   item_properties_part2.csv  (the same, the second part of the rows)
 *   category_tree.csv          categoryid,parentid
 *
 * The files are a pure function of (seed, events, all_props): the same
 * options give byte-identical files, whatever the number of threads.
 * Every random choice is drawn from a counter-based stream keyed by the
 * seed and by what is drawn (a visitor, an item, a property version), so
 * the category and availability rows are the same with or without the
 * other properties, and each output file can be written by its own thread.
 *
 * The model, at the default scale of 2,756,101 events (everything but the
 * category tree scales with the number of events):
 *   - a category tree of 1669 nodes and 25 roots with the level sizes and
 *     fan-out of the real one (25/174/702/665/90/13 nodes per depth); the
 *     30 ids of 0..1698 left over are categories missing from the tree,
 *     which a few items carry;
 *   - ~467k item ids, each in one category, with a Zipf-like popularity
 *     (weight (u + 0.0008)^-1.3 for u uniform; below the default scale
 *     the head stays ~373 items wide, so best sellers keep their share),
 *     so about half of them are ever seen; ~80% of the items seen in
 *     events and ~99% of the others are in the catalogue (the property
 *     files);
 *   - ~1.4M visitors: most have a single view; the others have one or more
 *     sessions of views ~1 minute apart, over days or weeks, with a stable
 *     taste: a home category they buy in, a second one they mostly browse,
 *     the items they saw and carted before; carts are drawn by an appeal
 *     to buyers (popularity times a log-normal factor), not by views, so
 *     past carts predict future carts better than past views: the
 *     structure weighted ALS finds and popularity does not;
 *   - a session browses a "product line": most views and carts are of
 *     items near its first one among its category's items;
 *   - shoppers' sessions view 2-7 items and end with a cart: of the item
 *     just viewed half the time, otherwise of one carted straight from a
 *     listing (mostly new to the visitor, sometimes seen in an earlier
 *     session, sometimes carted before, from the basket), so that ~57% of
 *     carts are of an item among the last 3 views and ~63% of one viewed
 *     before, as in the real slice; sometimes a purchase follows a few
 *     minutes later (one transaction id per purchase, ~1.2 items each);
 *   - times over 2015-05-03 03:00 .. 2015-09-18 03:00 UTC with the real
 *     daily and weekly cycle; weekly property snapshots at 03:00 UTC from
 *     2015-05-10 to 2015-09-13, where categoryid, available and hashed
 *     numeric properties ("790" prices, "888" token lists like
 *     "n552.000 639502") are recorded when they are set or change.
 */
#ifndef RS_SYNTH_H
#define RS_SYNTH_H

#include <stdint.h>

#include "rs_err.h"
#include "events.h"

#define SYNTH_DEFAULT_EVENTS 2756101ULL
#define SYNTH_MAX_EVENTS 100000000ULL
#define SYNTH_DEFAULT_SEED 1ULL

/* Span of the data (epoch ms, UTC). */
#define SYNTH_EVENTS_FROM_MS 1430622000000LL     /* 2015-05-03T03:00:00Z */
#define SYNTH_EVENTS_UNTIL_MS 1442545200000LL    /* 2015-09-18T03:00:00Z */
#define SYNTH_SNAP0_MS 1431226800000LL           /* 2015-05-10T03:00:00Z */
#define SYNTH_NSNAPS 19                          /* weekly to 2015-09-13 */

/* The output files, in this order in the arrays below. */
enum synth_file {
	SYNTH_EVENTS, SYNTH_PROPS1, SYNTH_PROPS2, SYNTH_TREE, SYNTH_NFILES
};
extern const char *const synth_file_names[SYNTH_NFILES];

typedef struct synth_opts {
	uint64_t seed;
	uint64_t events;      /* exact number of event rows, 1..MAX_EVENTS */
	/*
	 * 1: every property; 0: only the categoryid and available rows
	 * (the ones catalog-snapshot reads), the same rows as with 1.
	 */
	int all_props;
	/*
	 * Called now and then from the calling thread with a line of
	 * progress (no newline); may be NULL.  How ev-synth -v prints.
	 */
	void (*progress)(void *arg, const char *line);
	void *progress_arg;
} synth_opts;

typedef struct synth_stats {
	uint64_t visitors;
	uint64_t events[EV_NTYPES];
	uint64_t transactions;          /* distinct transaction ids */
	uint64_t item_ids;              /* size of the item id space */
	uint64_t items_in_events;
	uint64_t items_in_catalogue;
	uint64_t event_items_without_props;
	uint64_t categories;            /* nodes of the tree */
	uint64_t rows[SYNTH_NFILES];    /* data rows, header excluded */
	uint64_t bytes[SYNTH_NFILES];
} synth_stats;

/* Fills o with the defaults: seed 1, 2,756,101 events, all properties. */
void synth_opts_init(synth_opts *o);

/*
 * Writes the four files into the existing directory dir, each atomically
 * (outfile.h): on failure none of them is left, not even in part.  st may be
 * NULL.  EX_USAGE for options out of range, EX_CANTCREAT when a file
 * cannot be created, EX_IOERR on a write error, EX_SOFTWARE when out of
 * memory.
 */
int synth_write(const synth_opts *o, const char *dir, synth_stats *st,
    rs_err *e);

/*
 * The report of a run (ev-synth -v), a line at a time through line(arg,
 * text), without program name or newline, as o->progress gets them:
 * synth_report_start the seed, the events and which properties;
 * synth_report_done each file's rows and bytes (named under dir), the
 * dataset's counts, then the time, size and rate over seconds.
 */
typedef void synth_line_fn(void *arg, const char *line);
void synth_report_start(const synth_opts *o, synth_line_fn *line, void *arg);
void synth_report_done(const synth_stats *st, const char *dir,
    double seconds, synth_line_fn *line, void *arg);

#endif
