/*
 * replay.h: what the live service would have served (rec-eval --replay).
 *
 * For every test cart, the request the service would have received is
 * rebuilt: the user's id, n_recs = k, and as last_items the items the user
 * viewed in the test period before that cart, oldest first.  "Before" is
 * by timestamp, and for equal timestamps by input order, so a view logged
 * in the same millisecond just before the cart counts.  The request goes
 * through blend_recs() over the store, the function rec-serve calls, and
 * the cart is a hit when its item is in the answer (hit@k).  Carts are
 * tallied overall, for users with history, and by the blend's source:
 * personal (the user has a personal list), online only (no personal list,
 * at least one viewed item of a known category among the newest the blend
 * looks at) and cold (neither: the global popular list); and by what was
 * carted: resurfaced (an item among the request's last_items, a view
 * earlier in the test period) or discovery (any other item).
 */
#ifndef RS_REPLAY_H
#define RS_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "blend.h"
#include "rs_err.h"
#include "eval.h"
#include "items.h"
#include "store.h"

/* One group's carts. */
typedef struct replay_tally {
	uint64_t carts, hits;
	eval_cover served;    /* the items served to the group */
} replay_tally;

enum {
	REPLAY_ALL, REPLAY_HISTORY,
	REPLAY_PERSONAL, REPLAY_ONLINE, REPLAY_COLD,
	REPLAY_RESURFACED, REPLAY_DISCOVERY,
	REPLAY_NGROUPS
};

/* "all_test_carts", "with_history", "personal", "online_only", "cold",
 * "resurfaced", "discovery". */
extern const char *const replay_group_name[REPLAY_NGROUPS];

/* The test views and carts of the test users, in replay order. */
typedef struct replay_events {
	size_t n, cap;
	struct replay_ev {
		uint64_t user, item;
		int64_t ts_ms;
		uint64_t seq;          /* input order */
		int is_cart;
	} *ev;
} replay_events;

void replay_events_init(replay_events *r);
/* Adds a view or a cart (other types are ignored); -1 when out of memory. */
int replay_events_add(replay_events *r, uint64_t user, int type,
    uint64_t item, int64_t ts_ms);
void replay_events_free(replay_events *r);

/*
 * Reads the test events TSV keeping the views and carts of the test users
 * in t (the users with a cart).
 */
int replay_events_load(replay_events *r, const eval_truth *t,
    const char *test, rs_err *e);

typedef struct replay_result {
	size_t k;
	replay_tally g[REPLAY_NGROUPS];
} replay_result;

/*
 * Replays every cart of r (sorted here) against s with n_recs = k
 * (1..s->list_len); t says who has history, catalogue what coverage
 * counts.  0, or EX_SOFTWARE when out of memory.
 */
int replay_run(replay_result *res, replay_events *r, const store *s,
    size_t k, const eval_truth *t, const items *catalogue, rs_err *e);
void replay_result_free(replay_result *res);

/* hit@k and coverage of one group in percent; 0 when it has no cart (the
 * figures are then undefined), 1 otherwise. */
int replay_figures(const replay_tally *g, size_t ncatalogue, double *hit_pct,
    double *coverage_pct);

#endif
