/* evstats.c: see evstats.h. */
#include "evstats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "radix.h"
#include "util.h"

#define DAY_MS 86400000LL

/* GROW(ptr, cap, need): grows the array ptr, or returns out of memory. */
#define GROW(ptr, cap, need) do { \
	void *np_ = util_grow((ptr), &(cap), (need), sizeof *(ptr)); \
	if (np_ == NULL) \
		return rs_oom(e); \
	(ptr) = np_; \
} while (0)

/* The number of id (see evstats.h), or -1 when out of memory. */
static int64_t
id_number(idmap *big, uint64_t id)
{
	int64_t i;

	if (id < EVSTATS_DIRECT)
		return (int64_t)id;
	if ((i = idmap_put(big, id, NULL)) < 0 ||
	    (uint64_t)i >= UINT32_MAX - EVSTATS_DIRECT)
		return -1;
	return (int64_t)(EVSTATS_DIRECT + (uint64_t)i);
}

int
evstats_init(evstats *s, int64_t gap_ms, rs_err *e)
{
	memset(s, 0, sizeof *s);
	s->gap_ms = gap_ms;
	if (idmap_init(&s->big_visitors, 0) != 0)
		return rs_oom(e);
	if (idmap_init(&s->big_items, 0) != 0) {
		idmap_free(&s->big_visitors);
		return rs_oom(e);
	}
	return 0;
}

void
evstats_free(evstats *s)
{
	idmap_free(&s->big_visitors);
	idmap_free(&s->big_items);
	free(s->day);
	free(s->ev_user);
	free(s->ev_item);
	free(s->ev_ts);
	free(s->ev_type);
	free(s->carts);
	free(s->activity.vals);
	free(s->popularity.vals);
	free(s->session_events.vals);
	free(s->session_ms);
	memset(s, 0, sizeof *s);
}

/* Makes day d (days since the epoch) one of the per-day counts. */
static int
add_day(evstats *s, int64_t d, rs_err *e)
{
	uint64_t (*nd)[EV_NTYPES];
	size_t n, front;

	if (s->ndays == 0) {
		if ((s->day = calloc(1, sizeof *s->day)) == NULL)
			return rs_oom(e);
		s->day0 = d;
		s->ndays = 1;
		return 0;
	}
	if (d >= s->day0 && d < s->day0 + (int64_t)s->ndays)
		return 0;
	front = d < s->day0 ? (size_t)(s->day0 - d) : 0;
	n = d < s->day0 ? s->ndays + front : (size_t)(d - s->day0) + 1;
	if (n > EVSTATS_MAX_DAYS)
		return rs_errf(e, EX_DATAERR, "the events span more than %d "
		    "days", EVSTATS_MAX_DAYS);
	if ((nd = realloc(s->day, n * sizeof *nd)) == NULL)
		return rs_oom(e);
	if (front > 0) {
		memmove(nd + front, nd, s->ndays * sizeof *nd);
		memset(nd, 0, front * sizeof *nd);
		s->day0 = d;
	} else
		memset(nd + s->ndays, 0, (n - s->ndays) * sizeof *nd);
	s->day = nd;
	s->ndays = n;
	return 0;
}

int
evstats_add(evstats *s, const event *ev, rs_err *e)
{
	int64_t d = ev->ts_ms / DAY_MS, vi, ii;
	size_t cap;

	if ((vi = id_number(&s->big_visitors, ev->user)) < 0 ||
	    (ii = id_number(&s->big_items, ev->item)) < 0)
		return rs_oom(e);
	if (add_day(s, d, e) != 0)
		return e->code;
	s->day[d - s->day0][ev->type]++;
	if (s->events == s->nev_cap) {
		cap = s->nev_cap;
		GROW(s->ev_user, cap, s->events + 1);
		cap = s->nev_cap;
		GROW(s->ev_item, cap, s->events + 1);
		cap = s->nev_cap;
		GROW(s->ev_ts, cap, s->events + 1);
		cap = s->nev_cap;
		GROW(s->ev_type, cap, s->events + 1);
		s->nev_cap = cap;
	}
	s->ev_user[s->events] = (uint32_t)vi;
	s->ev_item[s->events] = (uint32_t)ii;
	s->ev_ts[s->events] = ev->ts_ms;
	s->ev_type[s->events] = (uint8_t)ev->type;
	if (ev->type == EV_ADDTOCART) {
		GROW(s->carts, s->carts_cap, s->ncarts + 1);
		s->carts[s->ncarts++] = (uint64_t)vi << 32 | (uint64_t)ii;
	}
	s->events++;
	s->by_type[ev->type]++;
	return 0;
}

/* The number of bits that hold v. */
static int
bits(uint64_t v)
{
	int b = 0;

	while (v > 0) {
		b++;
		v >>= 1;
	}
	return b;
}

/* Adds one thing (a visitor or an item) with its counts per type to the
 * distribution d and the funnel. */
static void
dist_add(const uint64_t *c, evstats_dist *d, uint64_t *reach, uint64_t *step)
{
	uint64_t sum = 0;
	int t;

	for (t = 0; t < EV_NTYPES; t++) {
		sum += c[t];
		if (c[t] > 0)
			reach[t]++;
	}
	for (t = 0; t + 1 < EV_NTYPES; t++)
		if (c[t] > 0 && c[t + 1] > 0)
			step[t]++;
	d->vals[d->n++] = sum;
	d->total += sum;
}

static int
dist_alloc(evstats_dist *d, size_t n)
{
	d->n = d->total = 0;
	d->vals = malloc((n ? n : 1) * sizeof *d->vals);
	return d->vals == NULL ? -1 : 0;
}

typedef struct uts {
	uint32_t user;
	int64_t ts;
	int type;
} uts;

static int
cmp_uts(const void *a, const void *b)
{
	const uts *x = a, *y = b;

	if (x->user != y->user)
		return x->user < y->user ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->type > y->type) - (x->type < y->type);
}

/* Sorts vals[0..n-1] ascending: the few events of one visitor. */
static void
insertion_sort(uint32_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * Sorts the events by visitor, then time (to the second), then type, and
 * walks the visitors: their counts (activity, funnel) and their sessions.
 * When the seconds since the first event fit in 30 bits (34 years), a
 * radix sort on the visitor's number carries "seconds << 2 | type" along
 * (2 passes on Retailrocket's ids), and each visitor's few events are then
 * put in time order in place; otherwise a qsort of the events.
 */
static int
by_visitor(evstats *s)
{
	size_t n = s->events, i, g, sess_start;
	int64_t tmin = INT64_MAX, tmax = INT64_MIN, gap_s = s->gap_ms / 1000;
	uint64_t *key = NULL, c[EV_NTYPES] = {0};
	uint32_t *val = NULL;
	uts *pairs = NULL;

	for (i = 0; i < n; i++) {
		int64_t t = s->ev_ts[i] / 1000;

		s->ev_ts[i] = t;
		if (t < tmin)
			tmin = t;
		if (t > tmax)
			tmax = t;
	}
	if (n == 0 || bits((uint64_t)(tmax - tmin)) <= 30) {
		key = malloc((n ? n : 1) * sizeof *key);
		val = malloc((n ? n : 1) * sizeof *val);
		if (key == NULL || val == NULL)
			goto oom;
		for (i = 0; i < n; i++) {
			key[i] = s->ev_user[i];
			val[i] = (uint32_t)(s->ev_ts[i] - tmin) << 2 |
			    s->ev_type[i];
		}
		if (radix_sort_u64(key, val, n) != 0)
			goto oom;
		for (i = 0; i < n; i = g) {
			for (g = i + 1; g < n && key[g] == key[i]; g++)
				;
			insertion_sort(val + i, g - i);
		}
	} else {
		if ((pairs = malloc(n * sizeof *pairs)) == NULL)
			goto oom;
		for (i = 0; i < n; i++) {
			pairs[i].user = s->ev_user[i];
			pairs[i].ts = s->ev_ts[i];
			pairs[i].type = s->ev_type[i];
		}
		qsort(pairs, n, sizeof *pairs, cmp_uts);
	}
	if (dist_alloc(&s->activity, n) != 0 ||
	    dist_alloc(&s->session_events, n) != 0 ||
	    (s->session_ms = malloc((n ? n : 1) * sizeof(uint64_t))) == NULL)
		goto oom;
#define USER(i) (key ? key[i] : pairs[i].user)
#define TS(i) (key ? (int64_t)(val[i] >> 2) + tmin : pairs[i].ts)
#define TYPE(i) (key ? (int)(val[i] & 3) : pairs[i].type)
	for (sess_start = 0, i = 0; i < n; i++) {
		c[TYPE(i)]++;
		if (i + 1 < n && USER(i + 1) == USER(i) &&
		    TS(i + 1) - TS(i) <= gap_s)
			continue;
		/* A session ends at i. */
		s->session_events.vals[s->sessions] = i + 1 - sess_start;
		s->session_ms[s->sessions] =
		    (uint64_t)(TS(i) - TS(sess_start)) * 1000;
		s->session_events.total += i + 1 - sess_start;
		s->sessions++;
		sess_start = i + 1;
		if (i + 1 < n && USER(i + 1) == USER(i))
			continue;
		/* And so does the visitor. */
		dist_add(c, &s->activity, s->reach_v, s->step_v);
		memset(c, 0, sizeof c);
	}
#undef USER
#undef TS
#undef TYPE
	free(key);
	free(val);
	free(pairs);
	s->visitors = s->activity.n;
	s->session_events.n = s->sessions;
	if (radix_sort_u64(s->activity.vals, NULL, s->activity.n) != 0 ||
	    radix_sort_u64(s->session_events.vals, NULL, s->sessions) != 0 ||
	    radix_sort_u64(s->session_ms, NULL, s->sessions) != 0)
		return -1;
	return 0;
oom:
	free(key);
	free(val);
	free(pairs);
	return -1;
}

/*
 * The items' counts: in an array indexed by the item's number when every
 * number is below EVSTATS_DIRECT (the array then holds at most 48 MiB and
 * stays mostly in cache: faster than sorting), else from the events
 * sorted by item.
 */
static int
by_item(evstats *s)
{
	size_t n = s->events, i, max = 0;
	uint64_t *key, c[EV_NTYPES] = {0};
	uint32_t (*cnt)[EV_NTYPES];

	for (i = 0; i < n; i++)
		if (s->ev_item[i] > max)
			max = s->ev_item[i];
	if (dist_alloc(&s->popularity, n) != 0)
		return -1;
	if (n == 0 || max < EVSTATS_DIRECT) {
		if ((cnt = calloc(max + 1, sizeof *cnt)) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			cnt[s->ev_item[i]][s->ev_type[i]]++;
		for (i = 0; i <= max && n > 0; i++) {
			int t;

			for (t = 0; t < EV_NTYPES; t++)
				c[t] = cnt[i][t];
			if (c[0] + c[1] + c[2] > 0)
				dist_add(c, &s->popularity, s->reach_i,
				    s->step_i);
		}
		free(cnt);
	} else {
		if ((key = malloc(n * sizeof *key)) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			key[i] = (uint64_t)s->ev_item[i] << 2 | s->ev_type[i];
		if (radix_sort_u64(key, NULL, n) != 0) {
			free(key);
			return -1;
		}
		for (i = 0; i < n; i++) {
			c[key[i] & 3]++;
			if (i + 1 < n && key[i + 1] >> 2 == key[i] >> 2)
				continue;
			dist_add(c, &s->popularity, s->reach_i, s->step_i);
			memset(c, 0, sizeof c);
		}
		free(key);
	}
	s->items = s->popularity.n;
	return radix_sort_u64(s->popularity.vals, NULL, s->popularity.n);
}

int
evstats_finish(evstats *s, rs_err *e)
{
	size_t i, j;

	if (by_item(s) != 0 || by_visitor(s) != 0 ||
	    radix_sort_u64(s->carts, NULL, s->ncarts) != 0)
		return rs_oom(e);
	for (i = 0; i < s->ncarts; i = j) {
		for (j = i + 1; j < s->ncarts && s->carts[j] == s->carts[i]; j++)
			;
		s->cart_pairs++;
		if (j - i > 1) {
			s->repeat_pairs++;
			s->repeat_carts += j - i - 1;
		}
	}
	return 0;
}

/* ---- writing -------------------------------------------------------- */

static double
pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* The nearest-rank quantile q of the ascending vals[0..n-1]: the smallest
 * value that at least a share q of them do not exceed. */
static uint64_t
quantile(const uint64_t *vals, uint64_t n, double q)
{
	uint64_t k;

	if (n == 0)
		return 0;
	k = (uint64_t)(q * (double)n + 0.999999999);
	if (k < 1)
		k = 1;
	return vals[(k > n ? n : k) - 1];
}

static void
line_u(FILE *fp, const char *sec, const char *name, uint64_t v)
{
	fprintf(fp, "%s\t%s\t%llu\n", sec, name, (unsigned long long)v);
}

static void
line_f(FILE *fp, const char *sec, const char *name, double v)
{
	fprintf(fp, "%s\t%s\t%.4f\n", sec, name, v);
}

static void
day_name(int64_t d, char *buf, size_t cap)
{
	time_t t = (time_t)(d * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%d", &tm);
}

/* Quantiles, mean, maximum and the share of the top 1% of a distribution. */
static void
write_dist(FILE *fp, const char *sec, const evstats_dist *d)
{
	uint64_t top = (d->n + 99) / 100, sum = 0, i;

	for (i = 0; i < top; i++)
		sum += d->vals[d->n - 1 - i];
	line_u(fp, sec, "n", d->n);
	line_f(fp, sec, "mean", d->n ? (double)d->total / (double)d->n : 0);
	line_u(fp, sec, "p50", quantile(d->vals, d->n, 0.50));
	line_u(fp, sec, "p90", quantile(d->vals, d->n, 0.90));
	line_u(fp, sec, "p99", quantile(d->vals, d->n, 0.99));
	line_u(fp, sec, "max", d->n ? d->vals[d->n - 1] : 0);
	line_f(fp, sec, "top1pct_share_pct", pct(sum, d->total));
}

/* How many have each count: "count things", ascending. */
static void
write_hist(FILE *fp, const char *sec, const evstats_dist *d)
{
	uint64_t i, j;

	for (i = 0; i < d->n; i = j) {
		for (j = i + 1; j < d->n && d->vals[j] == d->vals[i]; j++)
			;
		fprintf(fp, "%s\t%llu\t%llu\n", sec,
		    (unsigned long long)d->vals[i], (unsigned long long)(j - i));
	}
}

static void
write_funnel(FILE *fp, const char *sec, uint64_t n, const uint64_t *reach,
    const uint64_t *step)
{
	char name[64];
	int t;

	line_u(fp, sec, "all", n);
	for (t = 0; t < EV_NTYPES; t++)
		line_u(fp, sec, ev_type_names[t], reach[t]);
	for (t = 0; t < EV_NTYPES; t++) {
		snprintf(name, sizeof name, "%s_pct", ev_type_names[t]);
		line_f(fp, sec, name, pct(reach[t], n));
	}
	for (t = 0; t + 1 < EV_NTYPES; t++) {
		snprintf(name, sizeof name, "%s_to_%s_pct", ev_type_names[t],
		    ev_type_names[t + 1]);
		line_f(fp, sec, name, pct(step[t], reach[t]));
	}
}

void
evstats_write_tsv(const evstats *s, FILE *fp)
{
	char day[32], sec[32];
	size_t i;
	int t;

	fputs("section\tname\tvalue\n", fp);
	line_u(fp, "count", "events", s->events);
	for (t = 0; t < EV_NTYPES; t++)
		line_u(fp, "count", ev_type_names[t], s->by_type[t]);
	line_u(fp, "count", "visitors", s->visitors);
	line_u(fp, "count", "items", s->items);
	line_u(fp, "count", "sessions", s->sessions);
	line_u(fp, "count", "days", s->ndays);
	if (s->ndays > 0) {
		day_name(s->day0, day, sizeof day);
		fprintf(fp, "count\tfirst_day\t%s\n", day);
		day_name(s->day0 + (int64_t)s->ndays - 1, day, sizeof day);
		fprintf(fp, "count\tlast_day\t%s\n", day);
	}
	for (t = 0; t < EV_NTYPES; t++) {
		snprintf(sec, sizeof sec, "day.%s", ev_type_names[t]);
		for (i = 0; i < s->ndays; i++) {
			day_name(s->day0 + (int64_t)i, day, sizeof day);
			line_u(fp, sec, day, s->day[i][t]);
		}
	}
	write_funnel(fp, "funnel.visitors", s->visitors, s->reach_v,
	    s->step_v);
	write_funnel(fp, "funnel.items", s->items, s->reach_i, s->step_i);
	write_dist(fp, "activity", &s->activity);
	write_dist(fp, "popularity", &s->popularity);
	line_f(fp, "session", "gap_min", (double)s->gap_ms / 60000.0);
	write_dist(fp, "session", &s->session_events);
	line_u(fp, "session", "seconds_p50",
	    quantile(s->session_ms, s->sessions, 0.50) / 1000);
	line_u(fp, "session", "seconds_p90",
	    quantile(s->session_ms, s->sessions, 0.90) / 1000);
	line_u(fp, "session", "seconds_p99",
	    quantile(s->session_ms, s->sessions, 0.99) / 1000);
	line_u(fp, "session", "seconds_max",
	    s->sessions ? s->session_ms[s->sessions - 1] / 1000 : 0);
	line_u(fp, "repeat_cart", "carts", s->ncarts);
	line_u(fp, "repeat_cart", "pairs", s->cart_pairs);
	line_u(fp, "repeat_cart", "repeat_pairs", s->repeat_pairs);
	line_u(fp, "repeat_cart", "repeat_carts", s->repeat_carts);
	line_f(fp, "repeat_cart", "repeat_pairs_pct",
	    pct(s->repeat_pairs, s->cart_pairs));
	line_f(fp, "repeat_cart", "repeat_carts_pct",
	    pct(s->repeat_carts, s->ncarts));
	write_hist(fp, "hist.activity", &s->activity);
	write_hist(fp, "hist.popularity", &s->popularity);
	write_hist(fp, "hist.session", &s->session_events);
}
