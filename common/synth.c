/*
 * synth.c: see synth.h.
 *
 * Layout: random streams; the category tree; the items (category,
 * popularity, samplers); times; the visitor simulation that makes the
 * events; the catalogue and its property rows; the writers, which run on
 * two threads (part 1 of the properties on one; events, tree and part 2
 * on the other) over read-only shared state, so the bytes written do not
 * depend on the scheduling.
 */
#include "synth.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outfile.h"
#include "num.h"

const char *const synth_file_names[SYNTH_NFILES] = {
	"events.csv", "item_properties_part1.csv",
	"item_properties_part2.csv", "category_tree.csv"
};

/* ---------------------------------------------------------------- streams */

/*
 * Every random draw comes from a splitmix64 stream whose start is a hash
 * of (seed, stream kind, a, b): a visitor, an item, a property version.
 * Nothing depends on the order in which streams are used, which is what
 * makes the output independent of threads and of --no-props.
 */
enum {
	ST_TREE = 1, ST_CATSIZE, ST_ITEM, ST_VISITOR, ST_CATALOGUE,
	ST_CATROWS, ST_AVAIL, ST_PROPS, ST_VALUE, ST_ROWKEY, ST_ORDER,
	ST_PROPIDS
};

typedef struct rng {
	uint64_t s;
} rng;

static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t
hash4(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b)
{
	uint64_t h = mix64(seed ^ 0x6a09e667f3bcc909ULL);

	h = mix64(h ^ (stream * 0x9e3779b97f4a7c15ULL));
	h = mix64(h ^ a);
	return mix64(h ^ (b * 0xd1b54a32d192ed03ULL));
}

static inline rng
rng_at(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b)
{
	rng r = {hash4(seed, stream, a, b)};

	return r;
}

static inline uint64_t
rng_next(rng *r)
{
	return mix64(r->s += 0x9e3779b97f4a7c15ULL);
}

/* Uniform in [0, 1). */
static inline double
rng_unif(rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

/* Uniform in [0, n), n > 0. */
static inline uint64_t
rng_below(rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* Exponential with the given mean. */
static inline double
rng_exp(rng *r, double mean)
{
	return -mean * log1p(-rng_unif(r));
}

/* Log-normal with the given median and log-space deviation. */
static double
rng_lognormal(rng *r, double median, double sigma)
{
	double u1 = 1.0 - rng_unif(r), u2 = rng_unif(r);
	double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);

	return median * exp(sigma * z);
}

/* ------------------------------------------------------ the category tree */

/*
 * The real tree's shape, as facts: nodes per depth, and how many nodes of
 * each depth have children.  Which node hangs where is drawn from the seed.
 */
#define NCATIDS 1699            /* category ids 0..1698 */
#define NTREE 1669
#define NMISSING (NCATIDS - NTREE)
#define NLEVELS 6
static const int level_nodes[NLEVELS] = {25, 174, 702, 665, 90, 13};
static const int level_parents[NLEVELS - 1] = {24, 124, 177, 33, 4};

typedef struct tree {
	int id[NTREE];          /* category id of node n (level order) */
	int parent[NTREE];      /* node index, -1 for roots */
	int nchild[NTREE];
	int missing[NMISSING];  /* ids absent from the tree */
	int order[NTREE];       /* the order rows are written in */
} tree;

static void
shuffle_ints(int *a, int n, rng *r)
{
	int i;

	for (i = n - 1; i > 0; i--) {
		int j = (int)rng_below(r, (uint64_t)i + 1), t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

static void
tree_build(tree *t, uint64_t seed)
{
	rng r = rng_at(seed, ST_TREE, 0, 0);
	int ids[NCATIDS], idx[NTREE];
	double w[NTREE];
	int d, i, off = 0;

	for (i = 0; i < NCATIDS; i++)
		ids[i] = i;
	shuffle_ints(ids, NCATIDS, &r);
	for (i = 0; i < NTREE; i++) {
		t->id[i] = ids[i];
		t->parent[i] = -1;
		t->nchild[i] = 0;
	}
	for (i = 0; i < NMISSING; i++)
		t->missing[i] = ids[NTREE + i];
	/*
	 * Level d's nodes go to level_parents[d-1] chosen parents of level
	 * d-1: one each, the rest in proportion to a heavy-tailed weight, so
	 * a few nodes get many children, as in the real tree.
	 */
	for (d = 1; d < NLEVELS; d++) {
		int pn = level_nodes[d - 1], poff = off, np = level_parents[d - 1];
		int coff = off + pn, k;
		double tot = 0;

		for (i = 0; i < pn; i++)
			idx[i] = poff + i;
		shuffle_ints(idx, pn, &r);
		for (i = 0; i < np; i++)
			tot += w[i] = pow(1.0 - rng_unif(&r), -1.2);
		for (k = 0; k < level_nodes[d]; k++) {
			int p;

			if (k < np) {
				p = idx[k];
			} else {
				double x = rng_unif(&r) * tot, acc = 0;

				for (i = 0; i < np - 1; i++)
					if ((acc += w[i]) > x)
						break;
				p = idx[i];
			}
			t->parent[coff + k] = p;
			t->nchild[p]++;
		}
		off += pn;
	}
	for (i = 0; i < NTREE; i++)
		t->order[i] = i;
	shuffle_ints(t->order, NTREE, &r);
}

/* ------------------------------------------------------------- the items */

/*
 * Item popularity: weight (u + shift)^-POP_EXP for u uniform, where the
 * shift is POP_SHIFT or POP_HEAD / items if that is more: a flat head of
 * at least POP_HEAD items, so that the best sellers take about the same
 * share of the events at any --events up to the default, and top popular
 * is no easier a baseline on a small dataset.  (On a small dataset more
 * of the items are seen: 80% at 100k events, half at the default.)
 */
#define POP_EXP 1.3
#define POP_SHIFT 0.0008
#define POP_HEAD 373.0
/*
 * What makes a viewer cart: an item's cart appeal is its popularity times
 * a log-normal factor of this deviation, so the items carted most are not
 * simply the ones viewed most.
 */
#define CART_APPEAL_SIGMA 2.0
/*
 * A carting session is in the visitor's buy category with this
 * probability at the default scale.  Smaller scales have as many
 * categories but fewer items in each, which makes a category's carts
 * easier to guess, so the pull of the buy category weakens with the
 * fourth root of the item count: ALS finds about as much at 300k events
 * as at the default scale.
 */
#define P_HOME_CART 0.6
#define P_HOME_CART_MAX 0.9
#define REAL_EVENTS 2756101.0
#define REAL_ITEM_IDS 466867.0
#define MIN_ITEM_IDS 2000

typedef struct world {
	uint64_t seed, nevents;
	int all_props;
	tree t;
	uint32_t nitems;
	uint16_t *item_node;    /* tree node of each item */
	float *weight;          /* popularity of each item */
	uint32_t *by_node;      /* items grouped by node */
	uint32_t node_start[NTREE + 1];
	double *cum;            /* cumulative weight along by_node */
	double *ccum;           /* cumulative cart appeal along by_node */
	double node_cum[NTREE]; /* cumulative node weight (end of each node) */
	double p_home_cart;     /* P_HOME_CART at this scale */
	uint8_t *seen;          /* item appears in the events */
	uint8_t *in_catalogue;
	/* events, sorted by time */
	struct sev *ev;
	uint64_t nev;
	synth_stats st;
} world;

static int
items_build(world *w, rs_err *e)
{
	double catw[NTREE], tot = 0, shift;
	uint32_t *fill;
	uint32_t i;
	int n;
	rng r = rng_at(w->seed, ST_CATSIZE, 0, 0);

	w->nitems = (uint32_t)llround(REAL_ITEM_IDS * (double)w->nevents /
	    REAL_EVENTS);
	if (w->nitems < MIN_ITEM_IDS)
		w->nitems = MIN_ITEM_IDS;
	w->p_home_cart = fmin(P_HOME_CART_MAX, P_HOME_CART *
	    pow(w->nitems / REAL_ITEM_IDS, 0.25));
	w->item_node = malloc(w->nitems * sizeof *w->item_node);
	w->by_node = malloc(w->nitems * sizeof *w->by_node);
	w->cum = malloc(w->nitems * sizeof *w->cum);
	w->ccum = malloc(w->nitems * sizeof *w->ccum);
	w->weight = malloc(w->nitems * sizeof *w->weight);
	w->seen = calloc(w->nitems, 1);
	w->in_catalogue = calloc(w->nitems, 1);
	fill = calloc(NTREE + 1, sizeof *fill);
	if (w->item_node == NULL || w->by_node == NULL || w->cum == NULL ||
	    w->ccum == NULL || w->weight == NULL || w->seen == NULL || w->in_catalogue == NULL ||
	    fill == NULL) {
		free(fill);
		return rs_oom(e);
	}
	/* Category sizes: heavy-tailed, items mostly in leaves. */
	for (n = 0; n < NTREE; n++) {
		double x = pow(1.0 - rng_unif(&r), -0.8);

		catw[n] = w->t.nchild[n] == 0 ? x : 0.05 * x;
		tot += catw[n];
		catw[n] = tot;
	}
	for (i = 0; i < w->nitems; i++) {
		rng ir = rng_at(w->seed, ST_ITEM, i, 0);
		double x = rng_unif(&ir) * tot;
		int lo = 0, hi = NTREE - 1;

		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (catw[mid] > x)
				hi = mid;
			else
				lo = mid + 1;
		}
		w->item_node[i] = (uint16_t)lo;
		fill[lo + 1]++;
	}
	for (n = 0; n < NTREE; n++)
		fill[n + 1] += fill[n];
	memcpy(w->node_start, fill, sizeof w->node_start);
	for (i = 0; i < w->nitems; i++)
		w->by_node[fill[w->item_node[i]]++] = i;
	free(fill);
	/* Popularity, accumulated along by_node. */
	shift = fmax(POP_SHIFT, POP_HEAD / w->nitems);
	tot = 0;
	for (i = 0; i < w->nitems; i++) {
		uint32_t it = w->by_node[i];
		rng ir = rng_at(w->seed, ST_ITEM, it, 1);
		double x = pow(rng_unif(&ir) + shift, -POP_EXP);

		w->weight[it] = (float)x;
		tot += x;
		w->cum[i] = tot;
	}
	{
		double ctot = 0;

		for (i = 0; i < w->nitems; i++) {
			uint32_t it = w->by_node[i];
			rng ir = rng_at(w->seed, ST_ITEM, it, 2);

			ctot += w->weight[it] * rng_lognormal(&ir, 1.0,
			    CART_APPEAL_SIGMA);
			w->ccum[i] = ctot;
		}
	}
	for (n = 0; n < NTREE; n++)
		w->node_cum[n] = w->node_start[n + 1] > 0 ?
		    w->cum[w->node_start[n + 1] - 1] :
		    (n > 0 ? w->node_cum[n - 1] : 0);
	return 0;
}

/* Index of the first cum[lo..hi) above x (hi > lo). */
static uint32_t
cum_search(const double *cum, uint32_t lo, uint32_t hi, double x)
{
	hi--;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* A node in proportion to the popularity of its items. */
static int
sample_node(const world *w, rng *r)
{
	double x = rng_unif(r) * w->node_cum[NTREE - 1];
	int lo = 0, hi = NTREE - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (w->node_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * An item of node n (which has items) in proportion to its share of cum:
 * w->cum (popularity, what is viewed) or w->ccum (cart appeal).
 */
static uint32_t
sample_in(const world *w, const double *cum, int n, rng *r)
{
	uint32_t s = w->node_start[n], e = w->node_start[n + 1];
	double base = s > 0 ? cum[s - 1] : 0;
	double x = base + rng_unif(r) * (cum[e - 1] - base);

	return w->by_node[cum_search(cum, s, e, x)];
}

static uint32_t
sample_item(const world *w, rng *r)
{
	double x = rng_unif(r) * w->cum[w->nitems - 1];

	return w->by_node[cum_search(w->cum, 0, w->nitems, x)];
}

/* ------------------------------------------------------------------ times */

#define MS_HOUR 3600000LL
#define MS_DAY (24 * MS_HOUR)

/* Share of events by UTC hour and by weekday (Monday first), as observed. */
static const double hour_w[24] = {
	476, 498, 546, 524, 514, 407, 240, 163, 93, 59, 83, 97,
	98, 185, 323, 453, 539, 631, 593, 543, 604, 630, 588, 498
};
static const double wday_w[7] = {1.00, 0.98, 0.85, 0.94, 0.74, 0.66, 0.66};

static int64_t
time_of_day_ms(rng *r)
{
	static const double tot = 9386;    /* sum of hour_w */
	double x = rng_unif(r) * tot;
	int h;

	for (h = 0; h < 23; h++)
		if ((x -= hour_w[h]) < 0)
			break;
	return h * MS_HOUR + (int64_t)rng_below(r, MS_HOUR);
}

/* A time in [lo, hi) following the daily and weekly cycle. */
static int64_t
sample_time(rng *r, int64_t lo, int64_t hi)
{
	int64_t d0 = lo / MS_DAY, nd = (hi - 1) / MS_DAY - d0 + 1;

	for (;;) {
		int64_t day = d0 + (int64_t)rng_below(r, (uint64_t)nd);
		int64_t t = day * MS_DAY + time_of_day_ms(r);
		/* 1970-01-01 was a Thursday: weekday 3 when Monday is 0. */
		int wd = (int)((day + 3) % 7);

		if (rng_unif(r) < wday_w[wd] && t >= lo && t < hi)
			return t;
	}
}

/* ----------------------------------------------------------- the visitors */

/*
 * Parameters of the visitor model, tuned so that the default scale shows
 * the real figures (see synth.h and the tests).
 */
#define P_SINGLE 0.67          /* visitors with one view and nothing else */
#define P_MULTI_SESSION 0.45   /* others with more than one session */
#define P_MORE_SESSIONS 0.55   /* each further session */
#define MAX_SESSIONS 400
#define P_HEAVY 0.005          /* visitors with very many sessions */
#define P_SHOPPER 0.10         /* visitors who cart at all */
#define P_SHOPPER_HEAVY 0.5
#define P_CART_FIRST 0.85      /* ...most often in the first session */
#define P_CART_AGAIN 0.08      /* a shopper's other sessions cart too */
#define P_CART_AGAIN_HEAVY 0.5
#define P_MORE_CARTS 0.12      /* another cart in the same session */
#define P_MORE_CARTS_HEAVY 0.65
#define P_CART_UNSEEN 0.5      /* a re-carted item is carted unviewed */
#define P_BUY 0.35             /* a carting session ends in a purchase */
#define P_BUY_MORE 0.6         /* each further carted item is bought too */
/*
 * Not every cart follows a view of its item: a shopper carts from a
 * listing, a search or a recommendation widget ("discovery"), or comes
 * back for an item seen in an earlier session.  Tuned so that, as in the
 * real slice, ~57% of carts are of an item among the visitor's last 3
 * views before the cart and ~63% of an item viewed at any time before
 * (scripts/bench-discovery.sh prints both).
 */
#define P_CART_DIRECT 0.50     /* a carted item is not viewed just before */
#define P_CART_SEEN 0.18       /* ...and is one seen in an earlier session */
/*
 * A session browses around one item: a view or a cart is, this often, of
 * an item of the same "product line" (within LINE positions of the first
 * view among its category's items), which is what makes items viewed
 * together predict each other better than their category's best sellers.
 */
#define P_LINE 0.9
#define LINE 12
/*
 * Taste: a visitor buys in one home category and browses more widely,
 * mostly in a second one; returning shoppers sometimes cart again what
 * they carted before, and otherwise explore new items.  So past carts
 * predict future carts better than past views do, which is why weighting
 * carts above views helps ALS, as on the real data.
 */
#define P_HOME_BROWSE 0.6      /* a browsing session stays in the taste */
#define P_SECOND_HOME 0.85     /* ...in the browsing category */
#define P_REVISIT 0.30         /* a returning session re-views a seen item */
#define P_RECART 0.10          /* a carting session re-carts an old cart */
#define CHIST 8                /* carted items a visitor remembers */
#define P_REPEAT 0.08          /* a view repeats the previous item */
#define P_MORE_VIEWS 0.28      /* browsing sessions: each further view */
#define P_SHORT_GAP 0.35       /* next session the same day */
#define LONG_GAP_DAYS 9.0
#define HIST 32                /* items a visitor remembers */
#define MAX_VIEWS 60

struct sev {
	int64_t ts_ms;
	uint32_t user, item, txn;
	uint8_t type;
};

typedef struct vis {
	rng r;
	int64_t t;
	uint32_t hist[HIST];
	int nhist, hpos;
	uint32_t chist[CHIST];  /* items carted before */
	int nchist, cpos;
	int heavy;              /* one of the very active visitors */
	struct sev *buf;        /* this visitor's events */
	size_t n, cap;
	uint32_t *next_txn;
	int oom;
} vis;

static void
vis_emit(vis *v, int type, uint32_t item, uint32_t txn)
{
	if (v->t < SYNTH_EVENTS_FROM_MS || v->t >= SYNTH_EVENTS_UNTIL_MS)
		return;
	if (v->n == v->cap) {
		size_t nc = v->cap ? 2 * v->cap : 256;
		struct sev *nb = realloc(v->buf, nc * sizeof *nb);

		if (nb == NULL) {
			v->oom = 1;
			return;
		}
		v->buf = nb;
		v->cap = nc;
	}
	v->buf[v->n].ts_ms = v->t;
	v->buf[v->n].item = item;
	v->buf[v->n].txn = txn;
	v->buf[v->n].type = (uint8_t)type;
	v->n++;
}

/*
 * Adds item to a ring of the cap items last remembered (n of them so far,
 * the oldest at *pos once full), unless it is there already.
 */
static void
remember(uint32_t *ring, int *n, int *pos, int cap, uint32_t item)
{
	int i;

	for (i = 0; i < *n; i++)
		if (ring[i] == item)
			return;
	if (*n < cap) {
		ring[(*n)++] = item;
	} else {
		ring[*pos] = item;
		*pos = (*pos + 1) % cap;
	}
}

/* Seconds between two clicks: median ~50 s, a long tail. */
static void
vis_click_gap(vis *v)
{
	double s = rng_lognormal(&v->r, 50.0, 0.9);

	v->t += 1000 + (int64_t)(s * 1000.0);
}

/*
 * A position of node n's items near position at (within LINE of it on
 * either side, inside the node) in proportion to cum: the items of one
 * "product line", which a session browses together.
 */
static uint32_t
sample_near(const world *w, const double *cum, int n, uint32_t at, rng *r)
{
	uint32_t s = w->node_start[n], e = w->node_start[n + 1];
	uint32_t lo = at > s + LINE ? at - LINE : s;
	uint32_t hi = at + LINE + 1 < e ? at + LINE + 1 : e;
	double base = lo > 0 ? cum[lo - 1] : 0;
	double x = base + rng_unif(r) * (cum[hi - 1] - base);

	return w->by_node[cum_search(cum, lo, hi, x)];
}

/* The position in by_node of an item of node n drawn by popularity. */
static uint32_t
sample_pos(const world *w, int n, rng *r)
{
	uint32_t s = w->node_start[n], e = w->node_start[n + 1];
	double base = s > 0 ? w->cum[s - 1] : 0;
	double x = base + rng_unif(r) * (w->cum[e - 1] - base);

	return cum_search(w->cum, s, e, x);
}

/* An item of node: near anchor P_LINE of the time, else anywhere. */
static uint32_t
pick(const world *w, const double *cum, int node, uint32_t anchor, rng *r)
{
	if (rng_unif(r) < P_LINE)
		return sample_near(w, cum, node, anchor, r);
	return sample_in(w, cum, node, r);
}

/*
 * The item of a direct cart (one that does not follow a view of it): a
 * new one drawn by cart appeal in node, sometimes one seen in an earlier
 * session.
 */
static uint32_t
direct_or_new(const world *w, vis *v, int node, uint32_t anchor,
    const uint32_t *seen, int nseen)
{
	uint32_t item;
	int tries, i;

	if (v->nhist > 0 && rng_unif(&v->r) < P_CART_SEEN)
		return v->hist[rng_below(&v->r, (uint64_t)v->nhist)];
	/* Not one of this session's views (a few draws at most). */
	for (tries = 0; ; tries++) {
		item = pick(w, w->ccum, node, anchor, &v->r);
		for (i = 0; i < nseen && seen[i] != item; i++)
			;
		if (i == nseen || tries == 7)
			return item;
	}
}

/* One session: views in one category, maybe a cart and a purchase. */
static void
vis_session(const world *w, vis *v, int home1, int home2, int carting,
    int first)
{
	rng *r = &v->r;
	int node, nviews, revisit_at = -1, i, ncart = 0, nseen = 0;
	int cart_unseen = 0, direct = 0;
	uint32_t item = 0, reitem = 0, carted[8], seen[MAX_VIEWS + 8], anchor;

	if (carting)
		node = rng_unif(r) < w->p_home_cart ? home1 :
		    sample_node(w, r);
	else if (rng_unif(r) < P_HOME_BROWSE)
		node = rng_unif(r) < P_SECOND_HOME ? home2 : home1;
	else
		node = sample_node(w, r);
	if (carting) {
		nviews = 2 + (int)rng_below(r, 6);
	} else {
		/* A visitor of several events has at least two at first. */
		nviews = first ? 2 : 1;
		while (nviews < MAX_VIEWS && rng_unif(r) < P_MORE_VIEWS)
			nviews++;
	}
	/*
	 * A returning shopper may cart again an item carted before, often
	 * straight from the basket page (unviewed); otherwise the carted
	 * item is new, drawn by cart appeal.  A returning browser may view
	 * again an item seen before.
	 */
	if (carting) {
		if (rng_unif(r) < P_RECART && v->nchist > 0) {
			revisit_at = nviews - 1;
			reitem = v->chist[rng_below(r, (uint64_t)v->nchist)];
			cart_unseen = rng_unif(r) < P_CART_UNSEEN;
		} else {
			direct = rng_unif(r) < P_CART_DIRECT;
		}
	} else if (v->nhist > 0 && rng_unif(r) < P_REVISIT) {
		revisit_at = (int)rng_below(r, (uint64_t)nviews);
		reitem = v->hist[rng_below(r, (uint64_t)v->nhist)];
	}
	anchor = sample_pos(w, node, r);
	for (i = 0; i < nviews; i++) {
		if (i > 0)
			vis_click_gap(v);
		if (i == revisit_at)
			item = reitem;
		else if (carting && i == nviews - 1 && !direct)
			item = pick(w, w->ccum, node, anchor, r);
		else if (i == 0)
			item = w->by_node[anchor];
		else if (rng_unif(r) >= P_REPEAT)
			item = pick(w, w->cum, node, anchor, r);
		if (i == revisit_at && cart_unseen)
			break;
		vis_emit(v, EV_VIEW, item, 0);
		seen[nseen++] = item;
	}
	if (carting) {
		/* A direct cart follows views of other items. */
		if (direct)
			item = direct_or_new(w, v, node, anchor, seen, nseen);
		v->t += 5000 + (int64_t)rng_below(r, 55000);
		vis_emit(v, EV_ADDTOCART, item, 0);
		carted[ncart++] = item;
		while (ncart < 8 && rng_unif(r) < (v->heavy ?
		    P_MORE_CARTS_HEAVY : P_MORE_CARTS)) {
			vis_click_gap(v);
			direct = rng_unif(r) < P_CART_DIRECT;
			item = pick(w, direct ? w->cum : w->ccum, node, anchor,
			    r);
			vis_emit(v, EV_VIEW, item, 0);
			seen[nseen++] = item;
			if (direct)
				item = direct_or_new(w, v, node, anchor, seen,
				    nseen);
			v->t += 5000 + (int64_t)rng_below(r, 55000);
			vis_emit(v, EV_ADDTOCART, item, 0);
			carted[ncart++] = item;
		}
		if (rng_unif(r) < P_BUY) {
			uint32_t txn = (*v->next_txn)++;

			v->t += 60000 + (int64_t)rng_exp(r, 300000.0);
			vis_emit(v, EV_TRANSACTION, carted[0], txn);
			for (i = 1; i < ncart; i++)
				if (rng_unif(r) < P_BUY_MORE) {
					v->t += (int64_t)rng_below(r, 3000);
					vis_emit(v, EV_TRANSACTION, carted[i],
					    txn);
				}
		}
	}
	/* Remembered after the session: revisits are of earlier ones. */
	for (i = 0; i < nseen; i++)
		remember(v->hist, &v->nhist, &v->hpos, HIST, seen[i]);
	for (i = 0; i < ncart; i++)
		remember(v->chist, &v->nchist, &v->cpos, CHIST, carted[i]);
}

/*
 * Visitor k's events into v->buf (chronological; only those inside the
 * data's span are kept).
 */
static void
vis_generate(const world *w, vis *v, uint64_t k)
{
	rng *r = &v->r;
	int s, nsess, home1, home2, shopper, heavy, cart_sess;

	v->r = rng_at(w->seed, ST_VISITOR, k, 0);
	v->n = 0;
	v->nhist = v->hpos = 0;
	v->nchist = v->cpos = 0;
	if (rng_unif(r) < P_SINGLE) {
		v->t = sample_time(r, SYNTH_EVENTS_FROM_MS,
		    SYNTH_EVENTS_UNTIL_MS);
		vis_emit(v, EV_VIEW, sample_item(w, r), 0);
		return;
	}
	nsess = 1;
	heavy = v->heavy = rng_unif(r) < P_HEAVY;
	if (heavy) {
		nsess = 10 + (int)fmin(rng_lognormal(r, 30.0, 1.0),
		    MAX_SESSIONS - 10);
	} else if (rng_unif(r) < P_MULTI_SESSION) {
		nsess = 2;
		while (nsess < MAX_SESSIONS && rng_unif(r) < P_MORE_SESSIONS)
			nsess++;
	}
	home1 = sample_node(w, r);
	home2 = sample_node(w, r);
	shopper = rng_unif(r) < (heavy ? P_SHOPPER_HEAVY : P_SHOPPER);
	/* A shopper carts in one session at least, any of them. */
	cart_sess = !shopper ? -1 : rng_unif(r) < P_CART_FIRST ? 0 :
	    (int)rng_below(r, (uint64_t)nsess);
	/* Start up to a month early: visitors seen returning on day one. */
	v->t = sample_time(r, SYNTH_EVENTS_FROM_MS - 30 * MS_DAY,
	    SYNTH_EVENTS_UNTIL_MS);
	for (s = 0; s < nsess && v->t < SYNTH_EVENTS_UNTIL_MS; s++) {
		if (s > 0) {
			if (rng_unif(r) < P_SHORT_GAP) {
				v->t += 30 * 60000 + (int64_t)rng_exp(r,
				    3.0 * MS_HOUR);
			} else {
				int64_t days = 1 + (int64_t)rng_exp(r,
				    LONG_GAP_DAYS);

				v->t = (v->t / MS_DAY + days) * MS_DAY +
				    time_of_day_ms(r);
			}
		}
		vis_session(w, v, home1, home2, s == cart_sess || (shopper &&
		    rng_unif(r) < (heavy ? P_CART_AGAIN_HEAVY : P_CART_AGAIN)),
		    s == 0);
	}
}

/* Stable LSD radix sort of the events by time (3 passes of 12 bits). */
static int
sort_events(struct sev *ev, size_t n)
{
	struct sev *tmp = malloc(n * sizeof *tmp), *a = ev, *b = tmp;
	size_t *cnt;
	int pass;

	cnt = malloc(4096 * sizeof *cnt);
	if (tmp == NULL || cnt == NULL) {
		free(tmp);
		free(cnt);
		return -1;
	}
	for (pass = 0; pass < 3; pass++) {
		int sh = 12 * pass;
		size_t i, sum = 0;

		memset(cnt, 0, 4096 * sizeof *cnt);
		for (i = 0; i < n; i++)
			cnt[((uint64_t)(a[i].ts_ms - SYNTH_EVENTS_FROM_MS) >>
			    sh) & 4095]++;
		for (i = 0; i < 4096; i++) {
			size_t c = cnt[i];

			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[cnt[((uint64_t)(a[i].ts_ms - SYNTH_EVENTS_FROM_MS) >>
			    sh) & 4095]++] = a[i];
		{
			struct sev *t = a;

			a = b;
			b = t;
		}
	}
	/* Three passes: the sorted data is in tmp. */
	memcpy(ev, a, n * sizeof *ev);
	free(tmp);
	free(cnt);
	return 0;
}

static int
events_generate(world *w, rs_err *e)
{
	vis v;
	uint32_t next_txn = 0;
	uint64_t k, user = 0;
	size_t i;

	memset(&v, 0, sizeof v);
	v.next_txn = &next_txn;
	w->nev = 0;
	w->ev = malloc(w->nevents * sizeof *w->ev);
	if (w->ev == NULL)
		return rs_oom(e);
	for (k = 0; w->nev < w->nevents; k++) {
		vis_generate(w, &v, k);
		if (v.oom) {
			free(v.buf);
			return rs_oom(e);
		}
		if (v.n == 0)
			continue;
		/* The last visitor is cut to the exact number of events. */
		if (v.n > w->nevents - w->nev)
			v.n = w->nevents - w->nev;
		for (i = 0; i < v.n; i++) {
			struct sev *s = &w->ev[w->nev++];

			*s = v.buf[i];
			s->user = (uint32_t)user;
			w->st.events[s->type]++;
			w->seen[s->item] = 1;
		}
		user++;
	}
	free(v.buf);
	w->st.visitors = user;
	if (sort_events(w->ev, w->nev) != 0)
		return rs_oom(e);
	/* Distinct transaction ids that made it into the data. */
	{
		uint8_t *txn_seen = calloc((size_t)next_txn + 1, 1);

		if (txn_seen == NULL)
			return rs_oom(e);
		for (i = 0; i < w->nev; i++)
			if (w->ev[i].type == EV_TRANSACTION &&
			    !txn_seen[w->ev[i].txn]) {
				txn_seen[w->ev[i].txn] = 1;
				w->st.transactions++;
			}
		free(txn_seen);
	}
	return 0;
}

/* ----------------------------------------------------------- the catalogue */

#define P_CATALOGUE_SEEN 0.80
#define P_CATALOGUE_UNSEEN 0.988
#define P_LATE_ENTRY 0.10       /* item enters at a later snapshot */
#define P_MISSING_CAT 0.003     /* recorded category absent from tree */
#define P_CAT_CHANGE 0.06
#define P_CAT_RERECORD 0.05
#define P_AVAILABLE 0.55
#define P_AVAIL_FLIP 0.15
#define NPROPS 1104             /* hashed property ids 0..1103 */
#define NCOMMON 12
#define P_VOLATILE 0.12
#define P_PRICE_CHANGE 0.22     /* "790", the price */
#define P_888_CHANGE 0.40
#define P_PROP_CHANGE 0.30
#define SHARE_PART1 0.5425      /* rows in part 1, as in the real split */
#define PROP_CATEGORYID 0xFFFE
#define PROP_AVAILABLE 0xFFFF
#define MAX_ITEM_PROPS 64
#define MAX_ROWS (SYNTH_NSNAPS * (MAX_ITEM_PROPS + 2))

/* The most common hashed properties, and how often an item has them. */
static const uint16_t common_prop[NCOMMON] = {
	888, 790, 364, 283, 159, 112, 917, 6, 776, 678, 764, 839
};
static const double common_p[NCOMMON] = {
	0.95, 0.97, 0.9, 0.85, 0.8, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5
};

enum { K_IDS, K_ID, K_NUM, K_MIXED, K_PRICE };

typedef struct prow {
	uint64_t key;           /* order within the item; top bits: file */
	uint16_t prop;          /* hashed id, or PROP_CATEGORYID/AVAILABLE */
	uint8_t snap;
	uint32_t val;           /* category id or 0/1 */
} prow;

typedef struct propset {
	uint16_t rank_id[NPROPS];  /* property id of each popularity rank */
	uint8_t kind[NPROPS];      /* value kind of each property id */
	double log_vocab[NPROPS];  /* log of its token vocabulary's size */
} propset;

static void
propset_build(propset *ps, uint64_t seed)
{
	rng r = rng_at(seed, ST_PROPIDS, 0, 0);
	uint8_t used[NPROPS] = {0};
	int ids[NPROPS], n = 0, i;

	for (i = 0; i < NCOMMON; i++) {
		ps->rank_id[i] = common_prop[i];
		used[common_prop[i]] = 1;
	}
	for (i = 0; i < NPROPS; i++)
		if (!used[i])
			ids[n++] = i;
	shuffle_ints(ids, n, &r);
	for (i = 0; i < n; i++)
		ps->rank_id[NCOMMON + i] = (uint16_t)ids[i];
	for (i = 0; i < NPROPS; i++) {
		uint64_t h = hash4(seed, ST_PROPIDS, (uint64_t)i, 1);

		ps->kind[i] = (uint8_t)((h % 10) < 4 ? K_IDS : (h % 10) < 6 ?
		    K_ID : (h % 10) < 8 ? K_NUM : K_MIXED);
		ps->log_vocab[i] = log((double)(10 + (h >> 32) % 400000));
	}
	ps->kind[790] = K_PRICE;
	ps->kind[888] = K_MIXED;
	ps->log_vocab[888] = log(400000.0);
}

static void
catalogue_build(world *w)
{
	uint32_t i;

	for (i = 0; i < w->nitems; i++) {
		rng r = rng_at(w->seed, ST_CATALOGUE, i, 0);
		double u = rng_unif(&r);

		w->in_catalogue[i] = w->seen[i] ? u < P_CATALOGUE_SEEN :
		    u < P_CATALOGUE_UNSEEN;
		w->st.items_in_events += w->seen[i];
		w->st.items_in_catalogue += w->in_catalogue[i];
		w->st.event_items_without_props += w->seen[i] &&
		    !w->in_catalogue[i];
	}
}

static void
add_row(prow *rows, int *n, const world *w, uint32_t item, uint16_t prop,
    int snap, uint32_t val)
{
	prow *p = &rows[(*n)++];

	p->key = hash4(w->seed, ST_ROWKEY, item, (uint64_t)prop << 8 |
	    (uint64_t)snap);
	p->prop = prop;
	p->snap = (uint8_t)snap;
	p->val = val;
}

/* A category near node n for an item that moves: a sibling if any. */
static int
moved_node(const world *w, int n, rng *r)
{
	int p = w->t.parent[n], i, k;

	if (p >= 0 && w->t.nchild[p] > 1) {
		k = (int)rng_below(r, (uint64_t)w->t.nchild[p] - 1);
		for (i = 0; i < NTREE; i++)
			if (w->t.parent[i] == p && i != n && k-- == 0)
				return i;
	}
	return sample_node(w, r);
}

/*
 * Every property row of a catalogue item, in the order they are written.
 * The categoryid and available rows come from their own streams, so they
 * are the same whether the other properties are made or not.
 */
static int
item_rows(const world *w, const propset *ps, uint32_t item, prow *rows)
{
	rng r = rng_at(w->seed, ST_CATROWS, item, 0);
	int n = 0, k, k0, change_at = -1, cat, i, j;
	int node = w->item_node[item];

	k0 = rng_unif(&r) < P_LATE_ENTRY ?
	    1 + (int)rng_below(&r, SYNTH_NSNAPS - 1) : 0;
	cat = rng_unif(&r) < P_MISSING_CAT ?
	    w->t.missing[rng_below(&r, NMISSING)] : w->t.id[node];
	if (rng_unif(&r) < P_CAT_CHANGE && k0 < SYNTH_NSNAPS - 1)
		change_at = k0 + 1 + (int)rng_below(&r,
		    (uint64_t)(SYNTH_NSNAPS - 1 - k0));
	for (k = k0; k < SYNTH_NSNAPS; k++) {
		int rerecord = rng_unif(&r) < P_CAT_RERECORD;

		if (k == change_at)
			cat = w->t.id[moved_node(w, node, &r)];
		if (k == k0 || k == change_at || rerecord)
			add_row(rows, &n, w, item, PROP_CATEGORYID, k,
			    (uint32_t)cat);
	}
	r = rng_at(w->seed, ST_AVAIL, item, 0);
	{
		uint32_t avail = rng_unif(&r) < P_AVAILABLE;

		for (k = k0; k < SYNTH_NSNAPS; k++) {
			if (k > k0 && rng_unif(&r) < P_AVAIL_FLIP)
				avail ^= 1;
			else if (k > k0)
				continue;
			add_row(rows, &n, w, item, PROP_AVAILABLE, k, avail);
		}
	}
	if (w->all_props) {
		uint16_t props[MAX_ITEM_PROPS];
		int np = 0, extra;

		r = rng_at(w->seed, ST_PROPS, item, 0);
		for (i = 0; i < NCOMMON; i++)
			if (rng_unif(&r) < common_p[i])
				props[np++] = ps->rank_id[i];
		extra = (int)rng_exp(&r, 15.0);
		for (j = 0; j < extra && np < MAX_ITEM_PROPS; j++) {
			/* Zipf-like over the less common properties. */
			uint64_t rank = NCOMMON + (uint64_t)(exp(rng_unif(&r) *
			    log((double)(NPROPS - NCOMMON))) - 1.0);
			uint16_t id = ps->rank_id[rank];

			for (i = 0; i < np && props[i] != id; i++)
				;
			if (i == np)
				props[np++] = id;
		}
		for (i = 0; i < np; i++) {
			double vol = props[i] == 790 ? P_PRICE_CHANGE :
			    props[i] == 888 ? P_888_CHANGE :
			    rng_unif(&r) < P_VOLATILE ? P_PROP_CHANGE : 0;

			add_row(rows, &n, w, item, props[i], k0, 0);
			for (k = k0 + 1; k < SYNTH_NSNAPS; k++)
				if (vol > 0 && rng_unif(&r) < vol)
					add_row(rows, &n, w, item, props[i],
					    k, 0);
		}
	}
	/* Insertion sort by key: a few dozen rows. */
	for (i = 1; i < n; i++) {
		prow t = rows[i];

		for (j = i; j > 0 && rows[j - 1].key > t.key; j--)
			rows[j] = rows[j - 1];
		rows[j] = t;
	}
	return n;
}

/* Which part a row goes to: 1 or 2. */
static inline int
row_part(const prow *p)
{
	return (double)(p->key >> 11) * 0x1p-53 < SHARE_PART1 ? 1 : 2;
}

/* ---------------------------------------------------------------- writers */

typedef struct wbuf {
	FILE *fp;
	char *b;
	size_t n;
	uint64_t bytes, rows;
	int err;
} wbuf;

#define WBUF_SIZE (1 << 20)
#define WBUF_ROOM 4096          /* longest row we ever format, and more */

static void
wbuf_flush(wbuf *w)
{
	if (w->n > 0 && !w->err && fwrite(w->b, 1, w->n, w->fp) != w->n)
		w->err = errno ? errno : EIO;
	w->bytes += w->n;
	w->n = 0;
}

static inline char *
wbuf_room(wbuf *w)
{
	if (w->n + WBUF_ROOM > WBUF_SIZE)
		wbuf_flush(w);
	return w->b + w->n;
}

static inline char *
put_u64(char *p, uint64_t v)
{
	return p + num_fmt_u64(p, v);
}

static inline char *
put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static void
wbuf_puts(wbuf *w, const char *s)
{
	char *p = wbuf_room(w);

	w->n += (size_t)(put_str(p, s) - p);
}

/* "n1234.500": numbers in the real data carry three decimals. */
static char *
put_num(char *p, rng *r, double scale)
{
	uint64_t ip = (uint64_t)exp(rng_unif(r) * log(scale));
	unsigned frac = rng_unif(r) < 0.7 ? 0 :
	    (unsigned)rng_below(r, 5) * 200;

	*p++ = 'n';
	p = put_u64(p, ip);
	*p++ = '.';
	*p++ = (char)('0' + frac / 100);
	*p++ = (char)('0' + frac / 10 % 10);
	*p++ = '0';
	return p;
}

/* An id-like token from the property's vocabulary (log-uniform rank). */
static char *
put_token(char *p, rng *r, uint64_t seed, int prop, double log_vocab)
{
	uint64_t j = (uint64_t)exp(rng_unif(r) * log_vocab);

	return put_u64(p, hash4(seed, ST_VALUE, (uint64_t)prop, j) % 1400000);
}

static char *
put_value(char *p, const world *w, const propset *ps, uint32_t item,
    const prow *row)
{
	rng r;
	int k, n, i;

	if (row->prop == PROP_CATEGORYID || row->prop == PROP_AVAILABLE)
		return put_u64(p, row->val);
	r = rng_at(w->seed, ST_VALUE, item, (uint64_t)row->prop << 8 |
	    row->snap);
	k = ps->kind[row->prop];
	switch (k) {
	case K_PRICE:
		*p++ = 'n';
		p = put_u64(p, 12 * (uint64_t)(1 + rng_lognormal(&r, 40.0,
		    1.3)));
		return put_str(p, ".000");
	case K_NUM:
		return put_num(p, &r, 5000.0);
	case K_ID:
		return put_token(p, &r, w->seed, row->prop,
		    ps->log_vocab[row->prop]);
	case K_IDS:
	case K_MIXED:
	default:
		n = 1 + (int)rng_below(&r, row->prop == 888 ? 9 : 5);
		for (i = 0; i < n; i++) {
			if (i > 0)
				*p++ = ' ';
			if (k == K_MIXED && rng_unif(&r) < 0.35)
				p = put_num(p, &r, 2000.0);
			else
				p = put_token(p, &r, w->seed, row->prop,
				    ps->log_vocab[row->prop]);
		}
		return p;
	}
}

/* Bijective shuffle of [0, n): a Feistel network with cycle walking. */
typedef struct perm {
	uint64_t n, seed;
	int half;
} perm;

static void
perm_init(perm *pm, uint64_t n, uint64_t seed)
{
	int bits = 2;

	while ((1ULL << bits) < n)
		bits += 2;
	pm->n = n;
	pm->seed = seed;
	pm->half = bits / 2;
}

static uint64_t
perm_at(const perm *pm, uint64_t x)
{
	uint64_t mask = (1ULL << pm->half) - 1;

	do {
		uint64_t l = x >> pm->half, rr = x & mask;
		int round;

		for (round = 0; round < 4; round++) {
			uint64_t t = l ^ (hash4(pm->seed, ST_ORDER,
			    (uint64_t)round, rr) & mask);

			l = rr;
			rr = t;
		}
		x = l << pm->half | rr;
	} while (x >= pm->n);
	return x;
}

typedef struct job {
	const world *w;
	const propset *ps;
	outfile *out[SYNTH_NFILES];
	wbuf wb[SYNTH_NFILES];
	int part;                   /* which property part this job writes */
	int with_events;            /* also events and tree */
	_Atomic uint64_t done;      /* items processed, for progress */
	int err;
} job;

static void
write_events(job *j)
{
	const world *w = j->w;
	wbuf *b = &j->wb[SYNTH_EVENTS];
	uint64_t i;

	wbuf_puts(b, "timestamp,visitorid,event,itemid,transactionid\n");
	for (i = 0; i < w->nev; i++) {
		const struct sev *s = &w->ev[i];
		char *p0 = wbuf_room(b), *p = p0;

		p = put_u64(p, (uint64_t)s->ts_ms);
		*p++ = ',';
		p = put_u64(p, s->user);
		*p++ = ',';
		p = put_str(p, ev_type_names[s->type]);
		*p++ = ',';
		p = put_u64(p, s->item);
		*p++ = ',';
		if (s->type == EV_TRANSACTION)
			p = put_u64(p, s->txn);
		*p++ = '\n';
		b->n += (size_t)(p - p0);
	}
	b->rows = w->nev;
	wbuf_flush(b);
}

static void
write_tree(job *j)
{
	const tree *t = &j->w->t;
	wbuf *b = &j->wb[SYNTH_TREE];
	int i;

	wbuf_puts(b, "categoryid,parentid\n");
	for (i = 0; i < NTREE; i++) {
		int n = t->order[i];
		char *p0 = wbuf_room(b), *p = p0;

		p = put_u64(p, (uint64_t)t->id[n]);
		*p++ = ',';
		if (t->parent[n] >= 0)
			p = put_u64(p, (uint64_t)t->id[t->parent[n]]);
		*p++ = '\n';
		b->n += (size_t)(p - p0);
	}
	b->rows = NTREE;
	wbuf_flush(b);
}

static void
write_props(job *j)
{
	const world *w = j->w;
	int fi = j->part == 1 ? SYNTH_PROPS1 : SYNTH_PROPS2;
	wbuf *b = &j->wb[fi];
	prow *rows = malloc(MAX_ROWS * sizeof *rows);
	perm pm;
	uint64_t k;
	/* The fields that repeat are formatted once: snapshot times, the
	 * item id of the item at hand, property names. */
	char snap[SYNTH_NSNAPS][24], itemf[24];
	size_t snaplen[SYNTH_NSNAPS], itemlen;
	int s;

	for (s = 0; s < SYNTH_NSNAPS; s++) {
		char *p = put_u64(snap[s], (uint64_t)(SYNTH_SNAP0_MS +
		    s * 7 * MS_DAY));

		*p++ = ',';
		snaplen[s] = (size_t)(p - snap[s]);
	}

	if (rows == NULL) {
		j->err = ENOMEM;
		return;
	}
	perm_init(&pm, w->nitems, w->seed);
	wbuf_puts(b, "timestamp,itemid,property,value\n");
	for (k = 0; k < w->nitems && !b->err; k++) {
		uint32_t item = (uint32_t)perm_at(&pm, k);
		int n, i;

		if ((k & 1023) == 0)
			atomic_store(&j->done, k);
		if (!w->in_catalogue[item])
			continue;
		n = item_rows(w, j->ps, item, rows);
		{
			char *p = put_u64(itemf, item);

			*p++ = ',';
			itemlen = (size_t)(p - itemf);
		}
		for (i = 0; i < n; i++) {
			const prow *row = &rows[i];
			char *p0, *p;

			if (row_part(row) != j->part)
				continue;
			p0 = p = wbuf_room(b);
			memcpy(p, snap[row->snap], snaplen[row->snap]);
			p += snaplen[row->snap];
			memcpy(p, itemf, itemlen);
			p += itemlen;
			if (row->prop == PROP_CATEGORYID) {
				memcpy(p, "categoryid,", 11);
				p += 11;
			} else if (row->prop == PROP_AVAILABLE) {
				memcpy(p, "available,", 10);
				p += 10;
			} else {
				p = put_u64(p, row->prop);
				*p++ = ',';
			}
			p = put_value(p, w, j->ps, item, row);
			*p++ = '\n';
			b->n += (size_t)(p - p0);
			b->rows++;
		}
	}
	atomic_store(&j->done, w->nitems);
	wbuf_flush(b);
	free(rows);
}

static void *
job_run(void *arg)
{
	job *j = arg;

	if (j->with_events) {
		write_events(j);
		write_tree(j);
	}
	write_props(j);
	return NULL;
}

/* ------------------------------------------------------------------ main */

void
synth_opts_init(synth_opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = SYNTH_DEFAULT_SEED;
	o->events = SYNTH_DEFAULT_EVENTS;
	o->all_props = 1;
}

static void
progress(const synth_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
progress(const synth_opts *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (o->progress == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	o->progress(o->progress_arg, line);
}

static void
world_free(world *w)
{
	free(w->item_node);
	free(w->by_node);
	free(w->cum);
	free(w->ccum);
	free(w->weight);
	free(w->seen);
	free(w->in_catalogue);
	free(w->ev);
}

/* Runs the two writer jobs; reports progress while they run. */
static int
run_jobs(const synth_opts *o, job *jobs, rs_err *e)
{
	pthread_t th[2];
	int started[2] = {0, 0}, i, done = 0;
	uint64_t total = 2 * (uint64_t)jobs[0].w->nitems;
	time_t last = time(NULL);

	for (i = 0; i < 2; i++) {
		if (pthread_create(&th[i], NULL, job_run, &jobs[i]) != 0) {
			job_run(&jobs[i]);      /* no thread: do it here */
			continue;
		}
		started[i] = 1;
	}
	while (!done) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		uint64_t d = atomic_load(&jobs[0].done) +
		    atomic_load(&jobs[1].done);

		done = d >= total;
		if (!done) {
			nanosleep(&ts, NULL);
			if (time(NULL) - last >= 2) {
				last = time(NULL);
				progress(o, "properties: %.0f%%",
				    100.0 * (double)d / (double)total);
			}
		}
	}
	for (i = 0; i < 2; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++)
		if (jobs[i].err)
			return rs_oom(e);
	return 0;
}

int
synth_write(const synth_opts *o, const char *dir, synth_stats *st,
    rs_err *e)
{
	world *w;
	propset *ps;
	job *jobs;
	outfile out[SYNTH_NFILES];
	int nopen = 0, f, rc = 0;

	if (o->events < 1 || o->events > SYNTH_MAX_EVENTS)
		return rs_errf(e, EX_USAGE, "events: %llu: out of range "
		    "(1 to %llu)", (unsigned long long)o->events,
		    (unsigned long long)SYNTH_MAX_EVENTS);
	w = calloc(1, sizeof *w);
	ps = calloc(1, sizeof *ps);
	jobs = calloc(2, sizeof *jobs);
	if (w == NULL || ps == NULL || jobs == NULL) {
		rc = rs_oom(e);
		goto out;
	}
	w->seed = o->seed;
	w->nevents = o->events;
	w->all_props = o->all_props;
	tree_build(&w->t, w->seed);
	propset_build(ps, w->seed);
	if ((rc = items_build(w, e)) != 0)
		goto out;
	progress(o, "seed %llu: %u item ids in %d categories",
	    (unsigned long long)o->seed, w->nitems, NTREE);
	if ((rc = events_generate(w, e)) != 0)
		goto out;
	catalogue_build(w);
	progress(o, "%llu events (%llu view, %llu addtocart, %llu "
	    "transaction) from %llu visitors over %llu items",
	    (unsigned long long)w->nev,
	    (unsigned long long)w->st.events[EV_VIEW],
	    (unsigned long long)w->st.events[EV_ADDTOCART],
	    (unsigned long long)w->st.events[EV_TRANSACTION],
	    (unsigned long long)w->st.visitors,
	    (unsigned long long)w->st.items_in_events);

	for (f = 0; f < SYNTH_NFILES; f++, nopen++) {
		char path[4096];

		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		    synth_file_names[f]) >= sizeof path) {
			rc = rs_errf(e, EX_CANTCREAT, "%s: path too long",
			    dir);
			goto out;
		}
		if ((rc = outfile_open(&out[f], path, e)) != 0)
			goto out;
	}
	for (f = 0; f < 2; f++) {
		int k;

		jobs[f].w = w;
		jobs[f].ps = ps;
		jobs[f].part = f == 0 ? 1 : 2;
		jobs[f].with_events = f == 1;
		for (k = 0; k < SYNTH_NFILES; k++) {
			jobs[f].wb[k].fp = out[k].fp;
			jobs[f].wb[k].b = malloc(WBUF_SIZE);
			if (jobs[f].wb[k].b == NULL) {
				rc = rs_oom(e);
				goto out;
			}
		}
	}
	if ((rc = run_jobs(o, jobs, e)) != 0)
		goto out;
	{
		/* Which job wrote which file. */
		static const int owner[SYNTH_NFILES] = {1, 0, 1, 1};

		for (f = 0; f < SYNTH_NFILES; f++) {
			wbuf *b = &jobs[owner[f]].wb[f];

			if (b->err) {
				rc = rs_errf(e, EX_IOERR, "%s: write error: "
				    "%s", out[f].path, strerror(b->err));
				goto out;
			}
			w->st.rows[f] = b->rows;
			w->st.bytes[f] = b->bytes;
		}
	}
	/* Commit only when every file is complete; nothing half-done. */
	for (f = 0; f < SYNTH_NFILES; f++) {
		if ((rc = outfile_commit(&out[f], e)) != 0) {
			int g;

			for (g = 0; g < f; g++) {
				char path[4096];

				snprintf(path, sizeof path, "%s/%s", dir,
				    synth_file_names[g]);
				remove(path);
			}
			nopen = 0;
			for (g = f + 1; g < SYNTH_NFILES; g++)
				outfile_abort(&out[g]);
			goto out;
		}
	}
	nopen = 0;
	w->st.item_ids = w->nitems;
	w->st.categories = NTREE;
	if (st != NULL)
		*st = w->st;
out:
	for (f = 0; f < nopen; f++)
		outfile_abort(&out[f]);
	if (jobs != NULL)
		for (f = 0; f < 2; f++) {
			int k;

			for (k = 0; k < SYNTH_NFILES; k++)
				free(jobs[f].wb[k].b);
		}
	if (w != NULL)
		world_free(w);
	free(w);
	free(ps);
	free(jobs);
	return rc;
}

void
synth_report_start(const synth_opts *o, synth_line_fn *line, void *arg)
{
	char buf[160];

	snprintf(buf, sizeof buf, "seed %llu, %llu events, %s",
	    (unsigned long long)o->seed, (unsigned long long)o->events,
	    o->all_props ? "all properties" :
	    "categoryid and available only");
	line(arg, buf);
}

void
synth_report_done(const synth_stats *st, const char *dir, double seconds,
    synth_line_fn *line, void *arg)
{
	char buf[PATH_MAX + 160];
	double mb = 0;
	size_t i;

	for (i = 0; i < SYNTH_NFILES; i++) {
		snprintf(buf, sizeof buf, "%s/%s: %llu rows, %llu bytes", dir,
		    synth_file_names[i], (unsigned long long)st->rows[i],
		    (unsigned long long)st->bytes[i]);
		line(arg, buf);
		mb += (double)st->bytes[i] / 1e6;
	}
	snprintf(buf, sizeof buf, "%llu visitors, %llu transactions, %llu of "
	    "%llu items in the catalogue, %llu event items without "
	    "properties", (unsigned long long)st->visitors,
	    (unsigned long long)st->transactions,
	    (unsigned long long)st->items_in_catalogue,
	    (unsigned long long)st->item_ids,
	    (unsigned long long)st->event_items_without_props);
	line(arg, buf);
	snprintf(buf, sizeof buf, "%.1f s, %.0f MB, %.0f MB/s", seconds, mb,
	    seconds > 0 ? mb / seconds : 0.0);
	line(arg, buf);
}
