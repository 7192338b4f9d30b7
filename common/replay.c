/* replay.c: see replay.h. */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

#include "event_reader.h"
#include "events.h"

const char *const replay_group_name[REPLAY_NGROUPS] = {
	"all_test_carts", "with_history", "personal", "online_only", "cold",
	"resurfaced", "discovery"
};

void
replay_events_init(replay_events *r)
{
	memset(r, 0, sizeof *r);
}

void
replay_events_free(replay_events *r)
{
	free(r->ev);
	memset(r, 0, sizeof *r);
}

int
replay_events_add(replay_events *r, uint64_t user, int type, uint64_t item,
    int64_t ts_ms)
{
	struct replay_ev *x;

	if (type != EV_VIEW && type != EV_ADDTOCART)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		void *p = realloc(r->ev, cap * sizeof *r->ev);

		if (p == NULL)
			return -1;
		r->ev = p;
		r->cap = cap;
	}
	x = &r->ev[r->n];
	x->user = user;
	x->item = item;
	x->ts_ms = ts_ms;
	x->seq = r->n;
	x->is_cart = type == EV_ADDTOCART;
	r->n++;
	return 0;
}

int
replay_events_load(replay_events *r, const eval_truth *t, const char *test,
    rs_err *e)
{
	char *path[1];
	event_reader *in;
	event ev;
	int rc;

	replay_events_init(r);
	path[0] = (char *)test;
	if ((in = event_reader_open(path, 1, NULL, e)) == NULL)
		return e != NULL ? e->code : EX_NOINPUT;
	while ((rc = event_reader_next(in, &ev, e)) == 1)
		if (eval_truth_find(t, ev.user) >= 0 &&
		    replay_events_add(r, ev.user, ev.type, ev.item,
		    ev.ts_ms) != 0) {
			rc = rs_oom(e);
			break;
		}
	event_reader_close(in);
	if (rc != 0)
		replay_events_free(r);
	return rc;
}

/* By user, then time, then input order. */
static int
cmp_ev(const void *a, const void *b)
{
	const struct replay_ev *x = a, *y = b;

	if (x->user != y->user)
		return x->user < y->user ? -1 : 1;
	if (x->ts_ms != y->ts_ms)
		return x->ts_ms < y->ts_ms ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
replay_result_free(replay_result *res)
{
	size_t g;

	for (g = 0; g < REPLAY_NGROUPS; g++)
		eval_cover_free(&res->g[g].served);
	memset(res, 0, sizeof *res);
}

static int
tally(replay_tally *g, const uint64_t *out, size_t n, int hit,
    const items *catalogue)
{
	g->carts++;
	g->hits += hit != 0;
	return eval_cover_add(&g->served, out, n, catalogue);
}

int
replay_run(replay_result *res, replay_events *r, const store *s, size_t k,
    const eval_truth *t, const items *catalogue, rs_err *e)
{
	uint64_t out[STORE_MAX_LIST], *views = NULL;
	size_t i, nviews = 0, capviews = 0, g;
	int rc = 0;

	memset(res, 0, sizeof *res);
	res->k = k;
	for (g = 0; g < REPLAY_NGROUPS; g++)
		if (eval_cover_init(&res->g[g].served) != 0)
			goto oom;
	if (r->n > 0)
		qsort(r->ev, r->n, sizeof *r->ev, cmp_ev);
	for (i = 0; i < r->n; i++) {
		const struct replay_ev *x = &r->ev[i];
		enum blend_source src;
		size_t n, j;
		int hit, which;

		if (i == 0 || x->user != r->ev[i - 1].user)
			nviews = 0;
		if (!x->is_cart) {
			if (nviews == capviews) {
				size_t cap = capviews ? capviews * 2 : 64;
				void *p = realloc(views, cap * sizeof *views);

				if (p == NULL)
					goto oom;
				views = p;
				capviews = cap;
			}
			views[nviews++] = x->item;
			continue;
		}
		n = blend_recs(s, x->user, k, views, nviews, out, &src);
		for (j = 0; j < n && out[j] != x->item; j++)
			;
		hit = j < n;
		which = src == BLEND_PERSONAL ? REPLAY_PERSONAL :
		    src == BLEND_ONLINE ? REPLAY_ONLINE : REPLAY_COLD;
		if (tally(&res->g[REPLAY_ALL], out, n, hit, catalogue) != 0 ||
		    tally(&res->g[which], out, n, hit, catalogue) != 0)
			goto oom;
		for (j = 0; j < nviews && views[j] != x->item; j++)
			;
		which = j < nviews ? REPLAY_RESURFACED : REPLAY_DISCOVERY;
		if (tally(&res->g[which], out, n, hit, catalogue) != 0)
			goto oom;
		{
			int64_t u = eval_truth_find(t, x->user);

			if (u >= 0 && t->history[u] &&
			    tally(&res->g[REPLAY_HISTORY], out, n, hit,
			    catalogue) != 0)
				goto oom;
		}
	}
	free(views);
	return 0;
oom:
	free(views);
	replay_result_free(res);
	rc = rs_oom(e);
	return rc;
}

int
replay_figures(const replay_tally *g, size_t ncatalogue, double *hit_pct,
    double *coverage_pct)
{
	*hit_pct = *coverage_pct = 0;
	if (g->carts == 0)
		return 0;
	*hit_pct = 100.0 * (double)g->hits / (double)g->carts;
	*coverage_pct = ncatalogue == 0 ? 0 :
	    100.0 * (double)g->served.covered / (double)ncatalogue;
	return 1;
}
