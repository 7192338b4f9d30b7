/* itemsim.c: see itemsim.h. */
#include "itemsim.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "util.h"

const char *const itemsim_score_name[ITEMSIM_NSCORES] = {
	"count", "damped", "cosine"
};

#define MS_DAY 86400000.0
/* Items a worker takes at a time: results are gathered in chunk order. */
#define CHUNK 512

struct kev {                  /* a kept event */
	uint64_t user;
	int64_t ts_ms;
	uint32_t item;        /* dense index */
	uint32_t seq;         /* input order, for equal times */
	float w;
};

struct chunk {                /* one chunk's neighbour lists */
	size_t n;             /* pairs */
	uint32_t *len;        /* per item of the chunk */
	uint32_t *nbr;
	float *score;
};

struct itemsim {
	itemsim_params p;
	struct kev *ev;
	size_t nev, capev;
	idmap ids;
	uint64_t *id;         /* dense index -> item id */
	size_t nid, capid;
	/* sessions: CSR over dense items, each with its weight */
	size_t nsess;
	uint64_t *soff;
	uint32_t *sitem;
	float *sw;
	/* per item: its sessions and n(i) */
	uint64_t *ioff;
	uint32_t *isess;
	double *norm;
	/* result */
	struct chunk *chunks;
	size_t nchunks;
	_Atomic size_t next_chunk;
	int oom;
	uint64_t *r_item, *r_off, *r_nbr;
	float *r_score;
	itemsim_lists l;
};

void
itemsim_params_init(itemsim_params *p)
{
	memset(p, 0, sizeof *p);
	weights_parse(WEIGHTS_DEFAULT, &p->weights, NULL);
	p->session_gap_ms = 30 * 60000;
	p->half_life_days = 0;
	p->min_support = 1;
	p->score = ITEMSIM_COUNT;
	p->beta = 0.5;
	p->top_k = 50;
	p->session_cap = 100;
	p->threads = 1;
}

itemsim *
itemsim_new(const itemsim_params *p)
{
	itemsim *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->p = *p;
	if (idmap_init(&s->ids, 1 << 16) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void
itemsim_free(itemsim *s)
{
	size_t i;

	if (s == NULL)
		return;
	free(s->ev);
	idmap_free(&s->ids);
	free(s->id);
	free(s->soff);
	free(s->sitem);
	free(s->sw);
	free(s->ioff);
	free(s->isess);
	free(s->norm);
	for (i = 0; i < s->nchunks && s->chunks != NULL; i++) {
		free(s->chunks[i].len);
		free(s->chunks[i].nbr);
		free(s->chunks[i].score);
	}
	free(s->chunks);
	free(s->r_item);
	free(s->r_off);
	free(s->r_nbr);
	free(s->r_score);
	free(s);
}

/* Makes room in *p (of *cap elements of size sz) for n + 1; -1 when out
 * of memory. */
static int
grow(void *p, size_t *cap, size_t n, size_t sz)
{
	void *np = util_grow(*(void **)p, cap, n + 1, sz);

	if (np == NULL)
		return -1;
	*(void **)p = np;
	return 0;
}

int
itemsim_add(itemsim *s, uint64_t user, uint64_t item, int type,
    int64_t ts_ms)
{
	double w = s->p.weights.w[type];
	int added;
	int64_t k;

	if (w <= 0)
		return 0;
	if ((k = idmap_put(&s->ids, item, &added)) < 0)
		return -1;
	if (added) {
		if (grow(&s->id, &s->capid, s->nid, sizeof *s->id) != 0)
			return -1;
		s->id[s->nid++] = item;
	}
	if (s->nev >= UINT32_MAX ||
	    grow(&s->ev, &s->capev, s->nev, sizeof *s->ev) != 0)
		return -1;
	s->ev[s->nev] = (struct kev){ user, ts_ms, (uint32_t)k,
	    (uint32_t)s->nev, (float)w };
	s->nev++;
	return 0;
}

static int
cmp_kev(const void *a, const void *b)
{
	const struct kev *x = a, *y = b;

	if (x->user != y->user)
		return x->user < y->user ? -1 : 1;
	if (x->ts_ms != y->ts_ms)
		return x->ts_ms < y->ts_ms ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
cmp_kev_item(const void *a, const void *b)
{
	const struct kev *x = a, *y = b;

	return (x->item > y->item) - (x->item < y->item);
}

/*
 * Cuts the sorted events into sessions (each event's seq becomes its
 * session number, the items deduplicated keeping the largest weight)
 * and builds both CSRs.
 */
static int
build_sessions(itemsim *s)
{
	const itemsim_params *p = &s->p;
	int64_t newest = INT64_MIN;
	size_t i, start, out = 0, nsess = 0, capsess = 0, j;
	uint64_t *cnt;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].ts_ms > newest)
			newest = s->ev[i].ts_ms;
	if (s->nev > 0)
		qsort(s->ev, s->nev, sizeof *s->ev, cmp_kev);
	s->soff = NULL;
	for (start = 0; start < s->nev; ) {
		size_t end = start + 1, first, k, m;
		double decay = 1;

		while (end < s->nev && s->ev[end].user == s->ev[start].user &&
		    (p->scope_user || s->ev[end].ts_ms -
		    s->ev[end - 1].ts_ms <= p->session_gap_ms))
			end++;
		first = start;
		if (end - start > p->session_cap) {
			first = end - p->session_cap;
			s->l.capped++;
		}
		if (p->half_life_days > 0)
			decay = exp2(-(double)(newest - s->ev[end - 1].ts_ms) /
			    (p->half_life_days * MS_DAY));
		/* The kept events move down to [out, ...), deduplicated. */
		memmove(&s->ev[out], &s->ev[first], (end - first) *
		    sizeof *s->ev);
		m = end - first;
		qsort(&s->ev[out], m, sizeof *s->ev, cmp_kev_item);
		for (k = 0, j = out; k < m; k++) {
			struct kev *x = &s->ev[out + k];

			if (j > out && s->ev[j - 1].item == x->item) {
				if (x->w > s->ev[j - 1].w)
					s->ev[j - 1].w = x->w;
				continue;
			}
			s->ev[j++] = *x;
		}
		if (grow(&s->soff, &capsess, nsess + 1, sizeof *s->soff) != 0)
			return -1;
		if (nsess == 0)
			s->soff[0] = 0;
		for (k = out; k < j; k++)
			s->ev[k].w = (float)(s->ev[k].w * decay);
		s->soff[++nsess] = j;
		out = j;
		start = end;
	}
	s->nsess = nsess;
	s->l.sessions = nsess;
	if (nsess == 0 && (s->soff = calloc(1, sizeof *s->soff)) == NULL)
		return -1;
	s->sitem = malloc((out ? out : 1) * sizeof *s->sitem);
	s->sw = malloc((out ? out : 1) * sizeof *s->sw);
	s->ioff = calloc(s->nid + 1, sizeof *s->ioff);
	s->isess = malloc((out ? out : 1) * sizeof *s->isess);
	s->norm = calloc(s->nid ? s->nid : 1, sizeof *s->norm);
	if (s->sitem == NULL || s->sw == NULL || s->ioff == NULL ||
	    s->isess == NULL || s->norm == NULL)
		return -1;
	for (i = 0; i < out; i++) {
		s->sitem[i] = s->ev[i].item;
		s->sw[i] = s->ev[i].w;
		s->ioff[s->ev[i].item + 1]++;
		s->norm[s->ev[i].item] += s->ev[i].w;
	}
	free(s->ev);
	s->ev = NULL;
	for (i = 0; i < s->nid; i++)
		s->ioff[i + 1] += s->ioff[i];
	if ((cnt = malloc((s->nid ? s->nid : 1) * sizeof *cnt)) == NULL)
		return -1;
	memcpy(cnt, s->ioff, s->nid * sizeof *cnt);
	for (i = 0; i < nsess; i++)
		for (j = s->soff[i]; j < s->soff[i + 1]; j++)
			s->isess[cnt[s->sitem[j]]++] = (uint32_t)i;
	free(cnt);
	return 0;
}

/* A scored candidate. */
struct cand {
	float score;
	uint32_t item;
};

static const uint64_t *cmp_ids;

/* Best first: higher score, then smaller item id. */
static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (cmp_ids[x->item] > cmp_ids[y->item]) -
	    (cmp_ids[x->item] < cmp_ids[y->item]);
}

static double
score_of(const itemsim *s, uint32_t i, uint32_t j, double c)
{
	switch (s->p.score) {
	case ITEMSIM_DAMPED:
		return c / pow(s->norm[j], s->p.beta);
	case ITEMSIM_COSINE:
		return c / sqrt(s->norm[i] * s->norm[j]);
	default:
		return c;
	}
}

/* Scratch of one worker: a row of co-counts over all items. */
struct scratch {
	double *c;
	uint32_t *sup, *touched;
	struct cand *cand;
};

/*
 * The neighbours of items [lo, hi) into ch.  Candidates are ranked with a
 * partial order that does not depend on the thread; qsort of the at most
 * "touched" candidates (sessions are capped, so their number is bounded).
 */
static int
do_chunk(itemsim *s, struct scratch *w, size_t lo, size_t hi,
    struct chunk *ch)
{
	size_t cap = 0, i;

	ch->len = calloc(hi - lo, sizeof *ch->len);
	if (ch->len == NULL)
		return -1;
	for (i = lo; i < hi; i++) {
		size_t nt = 0, nc = 0, t, k;
		uint64_t a;

		for (a = s->ioff[i]; a < s->ioff[i + 1]; a++) {
			uint32_t ss = s->isess[a];
			uint64_t b;
			float wi = 0;

			for (b = s->soff[ss]; b < s->soff[ss + 1]; b++)
				if (s->sitem[b] == i)
					wi = s->sw[b];
			for (b = s->soff[ss]; b < s->soff[ss + 1]; b++) {
				uint32_t j = s->sitem[b];

				if (j == i)
					continue;
				if (w->sup[j] == 0)
					w->touched[nt++] = j;
				w->sup[j]++;
				w->c[j] += (double)wi * s->sw[b];
			}
		}
		for (t = 0; t < nt; t++) {
			uint32_t j = w->touched[t];

			if (w->sup[j] >= s->p.min_support && w->c[j] > 0) {
				w->cand[nc].score = (float)score_of(s,
				    (uint32_t)i, j, w->c[j]);
				w->cand[nc].item = j;
				nc++;
			}
			w->sup[j] = 0;
			w->c[j] = 0;
		}
		qsort(w->cand, nc, sizeof *w->cand, cmp_cand);
		if (nc > s->p.top_k)
			nc = s->p.top_k;
		if (ch->n + nc > cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			void *p1, *p2;

			while (ncap < ch->n + nc)
				ncap *= 2;
			p1 = realloc(ch->nbr, ncap * sizeof *ch->nbr);
			if (p1 == NULL)
				return -1;
			ch->nbr = p1;
			p2 = realloc(ch->score, ncap * sizeof *ch->score);
			if (p2 == NULL)
				return -1;
			ch->score = p2;
			cap = ncap;
		}
		for (k = 0; k < nc; k++) {
			ch->nbr[ch->n + k] = w->cand[k].item;
			ch->score[ch->n + k] = w->cand[k].score;
		}
		ch->n += nc;
		ch->len[i - lo] = (uint32_t)nc;
	}
	return 0;
}

static void *
worker(void *arg)
{
	itemsim *s = arg;
	struct scratch w;
	size_t n = s->nid ? s->nid : 1, c;

	w.c = calloc(n, sizeof *w.c);
	w.sup = calloc(n, sizeof *w.sup);
	w.touched = malloc(n * sizeof *w.touched);
	w.cand = malloc(n * sizeof *w.cand);
	if (w.c == NULL || w.sup == NULL || w.touched == NULL ||
	    w.cand == NULL)
		s->oom = 1;
	while (!s->oom && (c = atomic_fetch_add(&s->next_chunk, 1)) <
	    s->nchunks) {
		size_t lo = c * CHUNK, hi = lo + CHUNK;

		if (hi > s->nid)
			hi = s->nid;
		if (do_chunk(s, &w, lo, hi, &s->chunks[c]) != 0)
			s->oom = 1;
	}
	free(w.c);
	free(w.sup);
	free(w.touched);
	free(w.cand);
	return NULL;
}

/* Gathers the chunks into the result, items in ascending id order. */
static int
gather(itemsim *s)
{
	size_t total = 0, c, i, n = 0, *order, k;
	uint64_t *pos;

	for (c = 0; c < s->nchunks; c++)
		total += s->chunks[c].n;
	s->r_item = malloc((s->nid + 1) * sizeof *s->r_item);
	s->r_off = malloc((s->nid + 1) * sizeof *s->r_off);
	s->r_nbr = malloc((total + 1) * sizeof *s->r_nbr);
	s->r_score = malloc((total + 1) * sizeof *s->r_score);
	order = malloc((s->nid + 1) * sizeof *order);
	pos = malloc((s->nid + 1) * sizeof *pos);
	if (s->r_item == NULL || s->r_off == NULL || s->r_nbr == NULL ||
	    s->r_score == NULL || order == NULL || pos == NULL) {
		free(order);
		free(pos);
		return -1;
	}
	/* Where each dense item's list starts in the chunks' order. */
	for (c = 0; c < s->nchunks; c++) {
		size_t lo = c * CHUNK, hi = lo + CHUNK, at = 0;

		if (hi > s->nid)
			hi = s->nid;
		for (i = lo; i < hi; i++) {
			pos[i] = ((uint64_t)c << 32) | at;
			at += s->chunks[c].len[i - lo];
		}
	}
	for (i = 0; i < s->nid; i++)
		order[i] = i;
	cmp_ids = s->id;
	/* Sort dense indexes by id: a cand array reused as the key. */
	{
		struct cand *tmp = malloc((s->nid + 1) * sizeof *tmp);

		if (tmp == NULL) {
			free(order);
			free(pos);
			return -1;
		}
		for (i = 0; i < s->nid; i++) {
			tmp[i].score = 0;
			tmp[i].item = (uint32_t)i;
		}
		qsort(tmp, s->nid, sizeof *tmp, cmp_cand);
		for (i = 0; i < s->nid; i++)
			order[i] = tmp[i].item;
		free(tmp);
	}
	s->r_off[0] = 0;
	total = 0;
	for (k = 0; k < s->nid; k++) {
		size_t d = order[k], ch = (size_t)(pos[d] >> 32),
		    at = (size_t)(pos[d] & 0xffffffffu),
		    len = s->chunks[ch].len[d - ch * CHUNK];

		if (len == 0)
			continue;
		s->r_item[n] = s->id[d];
		for (i = 0; i < len; i++) {
			s->r_nbr[total + i] = s->id[s->chunks[ch].nbr[at + i]];
			s->r_score[total + i] = s->chunks[ch].score[at + i];
		}
		total += len;
		s->r_off[++n] = total;
	}
	free(order);
	free(pos);
	s->l.n = n;
	s->l.item = s->r_item;
	s->l.off = s->r_off;
	s->l.nbr = s->r_nbr;
	s->l.score = s->r_score;
	s->l.pairs = total;
	s->l.items = s->nid;
	return 0;
}

int
itemsim_build(itemsim *s, rs_err *e)
{
	pthread_t th[ITEMSIM_MAX_THREADS];
	unsigned nt = s->p.threads, t, started = 0;

	s->l.events = s->nev;
	if (build_sessions(s) != 0)
		return rs_oom(e);
	s->nchunks = (s->nid + CHUNK - 1) / CHUNK;
	s->chunks = calloc(s->nchunks ? s->nchunks : 1, sizeof *s->chunks);
	if (s->chunks == NULL)
		return rs_oom(e);
	cmp_ids = s->id;
	if (nt < 1)
		nt = 1;
	if (nt > ITEMSIM_MAX_THREADS)
		nt = ITEMSIM_MAX_THREADS;
	for (t = 1; t < nt; t++) {
		if (pthread_create(&th[t], NULL, worker, s) != 0)
			break;
		started++;
	}
	worker(s);
	for (t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	if (s->oom || gather(s) != 0)
		return rs_oom(e);
	return 0;
}

const itemsim_lists *
itemsim_result(const itemsim *s)
{
	return &s->l;
}

int
itemsim_save(const itemsim *s, const char *path, rs_err *e)
{
	const itemsim_params *p = &s->p;
	const itemsim_lists *l = &s->l;
	container_writer *w = container_writer_new(ITEMSIM_KIND,
	    ITEMSIM_VERSION);
	char wbuf[256], num[32];
	int rc;

	if (w == NULL || weights_fmt(&p->weights, wbuf, sizeof wbuf) < 0)
		goto oom;
	weights_fmt_double(p->beta, num, sizeof num);
	if (container_writer_param(w, "weights", "%s", wbuf) != 0 ||
	    container_writer_param(w, "scope", "%s",
	    p->scope_user ? "user" : "session") != 0 ||
	    container_writer_param(w, "session_gap_ms", "%lld",
	    (long long)p->session_gap_ms) != 0 ||
	    container_writer_param(w, "session_cap", "%zu",
	    p->session_cap) != 0 ||
	    container_writer_param(w, "score", "%s",
	    itemsim_score_name[p->score]) != 0 ||
	    container_writer_param(w, "beta", "%s", num) != 0 ||
	    container_writer_param(w, "min_support", "%u",
	    (unsigned)p->min_support) != 0 ||
	    container_writer_param(w, "top_k", "%zu", p->top_k) != 0)
		goto oom;
	weights_fmt_double(p->half_life_days, num, sizeof num);
	if (container_writer_param(w, "half_life_days", "%s", num) != 0 ||
	    container_writer_param(w, "events", "%llu",
	    (unsigned long long)l->events) != 0 ||
	    container_writer_param(w, "sessions", "%llu",
	    (unsigned long long)l->sessions) != 0 ||
	    container_writer_section(w, "items", l->item,
	    l->n * sizeof *l->item) != 0 ||
	    container_writer_section(w, "offsets", l->off,
	    (l->n + 1) * sizeof *l->off) != 0 ||
	    container_writer_section(w, "neighbours", l->nbr,
	    l->pairs * sizeof *l->nbr) != 0 ||
	    container_writer_section(w, "scores", l->score,
	    l->pairs * sizeof *l->score) != 0)
		goto oom;
	rc = container_writer_write(w, path, e);
	container_writer_free(w);
	return rc;
oom:
	container_writer_free(w);
	return rs_oom(e);
}

int
itemsim_write_tsv(const itemsim_lists *l, FILE *fp)
{
	size_t i;
	uint64_t k;
	char num[32];

	if (fputs("item\tneighbour\trank\tscore\n", fp) == EOF)
		return -1;
	for (i = 0; i < l->n; i++)
		for (k = l->off[i]; k < l->off[i + 1]; k++) {
			weights_fmt_float(l->score[k], num, sizeof num);
			if (fprintf(fp, "%llu\t%llu\t%llu\t%s\n",
			    (unsigned long long)l->item[i],
			    (unsigned long long)l->nbr[k],
			    (unsigned long long)(k - l->off[i] + 1), num) < 0)
				return -1;
		}
	return 0;
}

int
itemsim_open(itemsim_file *f, const char *path, rs_err *e)
{
	const void *p;
	size_t n, m, i;
	uint64_t k, topk;
	int rc;

	memset(f, 0, sizeof *f);
	if ((rc = container_open(&f->c, path, ITEMSIM_KIND, ITEMSIM_VERSION,
	    CONTAINER_VERIFY, e)) != 0)
		return rc;
	if ((rc = container_param_u64(&f->c, "top_k", &topk, e)) != 0)
		goto fail;
	if ((rc = container_array(&f->c, "items", 8, SIZE_MAX, &p, &n, e)))
		goto fail;
	f->l.item = p;
	f->l.n = n;
	if ((rc = container_array(&f->c, "offsets", 8, n + 1, &p, &m, e)))
		goto fail;
	f->l.off = p;
	if ((rc = container_array(&f->c, "neighbours", 8, SIZE_MAX, &p, &m,
	    e)))
		goto fail;
	f->l.nbr = p;
	f->l.pairs = m;
	if ((rc = container_array(&f->c, "scores", 4, m, &p, &m, e)))
		goto fail;
	f->l.score = p;
	f->top_k = (size_t)topk;
	if (f->l.off[0] != 0 || f->l.off[n] != f->l.pairs) {
		rc = rs_errf(e, EX_DATAERR, "%s: offsets do not span the "
		    "neighbours", path);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if ((i > 0 && f->l.item[i] <= f->l.item[i - 1]) ||
		    f->l.off[i + 1] <= f->l.off[i] ||
		    f->l.off[i + 1] - f->l.off[i] > topk) {
			rc = rs_errf(e, EX_DATAERR, "%s: item %zu (%llu): ids "
			    "not ascending or a list empty or longer than "
			    "top_k", path, i, (unsigned long long)f->l.item[i]);
			goto fail;
		}
		for (k = f->l.off[i]; k < f->l.off[i + 1]; k++)
			if (f->l.nbr[k] == f->l.item[i] ||
			    !isfinite(f->l.score[k]) ||
			    (k > f->l.off[i] &&
			    f->l.score[k] > f->l.score[k - 1])) {
				rc = rs_errf(e, EX_DATAERR, "%s: item %llu: "
				    "neighbour %llu: itself, a score not "
				    "finite or out of order", path,
				    (unsigned long long)f->l.item[i],
				    (unsigned long long)f->l.nbr[k]);
				goto fail;
			}
	}
	return 0;
fail:
	container_close(&f->c);
	return rc;
}

void
itemsim_close(itemsim_file *f)
{
	container_close(&f->c);
	memset(f, 0, sizeof *f);
}

static int
cmp_cand_item(const void *a, const void *b)
{
	const struct itemsim_cand *x = a, *y = b;

	return (x->item > y->item) - (x->item < y->item);
}

static int
cmp_cand_score(const void *a, const void *b)
{
	const struct itemsim_cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

long
itemsim_recommend(const itemsim_lists *l, const uint64_t *hist,
    const double *w, size_t nh, size_t n, uint64_t *out,
    struct itemsim_cand **scratch, size_t *scratch_cap)
{
	size_t nc = 0, h, m, i;
	uint64_t k;

	for (h = 0; h < nh; h++) {
		int64_t at = util_u64_find(l->item, l->n, hist[h]);

		if (at < 0)
			continue;
		for (k = l->off[at]; k < l->off[at + 1]; k++) {
			if (nc == *scratch_cap) {
				size_t cap = *scratch_cap ? *scratch_cap * 2 :
				    256;
				void *p = realloc(*scratch, cap *
				    sizeof **scratch);

				if (p == NULL)
					return -1;
				*scratch = p;
				*scratch_cap = cap;
			}
			(*scratch)[nc].item = l->nbr[k];
			(*scratch)[nc].score = w[h] * l->score[k];
			nc++;
		}
	}
	if (nc == 0)
		return 0;
	m = itemsim_merge(*scratch, nc, n, (uint64_t *)*scratch);
	/* The items were written over the candidates' first 8 m bytes. */
	for (i = 0; i < m; i++)
		out[i] = ((uint64_t *)*scratch)[i];
	return (long)m;
}

/* Candidates that itemsim_merge sums by a hash table on the stack; more
 * (rec-eval's long histories) are sorted by item instead. */
#define MERGE_HASH_MAX 1024

/*
 * Sums the scores of each item into its first occurrence, in input order
 * (as a stable sort by item would), compacting c; returns the number of
 * distinct items.
 */
static size_t
merge_items(struct itemsim_cand *c, size_t nc)
{
	uint16_t slot[2 * MERGE_HASH_MAX];
	size_t cap = 16, mask, i, m = 0;

	if (nc > MERGE_HASH_MAX) {
		qsort(c, nc, sizeof *c, cmp_cand_item);
		for (i = 1; i < nc; i++)
			if (c[i].item == c[m].item)
				c[m].score += c[i].score;
			else
				c[++m] = c[i];
		return m + 1;
	}
	while (cap < 2 * nc)
		cap *= 2;
	mask = cap - 1;
	memset(slot, 0, cap * sizeof *slot);
	for (i = 0; i < nc; i++) {
		size_t h = (size_t)((c[i].item * 0x9e3779b97f4a7c15ULL) >> 40) &
		    mask;

		while (slot[h] != 0 && c[slot[h] - 1].item != c[i].item)
			h = (h + 1) & mask;
		if (slot[h] != 0) {
			c[slot[h] - 1].score += c[i].score;
		} else {
			c[m] = c[i];
			slot[h] = (uint16_t)(m + 1);
			m++;
		}
	}
	return m;
}

size_t
itemsim_merge(struct itemsim_cand *c, size_t nc, size_t top, uint64_t *out)
{
	size_t i, j, k = 0, m;

	if (nc == 0 || top == 0)
		return 0;
	m = merge_items(c, nc);
	if (top > m)
		top = m;
	/* The best top of them, best first, in c[0..top): each candidate
	 * is inserted into the sorted prefix when it beats its last. */
	for (i = 0; i < m; i++) {
		struct itemsim_cand x = c[i];

		if (k == top && cmp_cand_score(&x, &c[k - 1]) >= 0)
			continue;
		j = k < top ? k++ : top - 1;
		while (j > 0 && cmp_cand_score(&x, &c[j - 1]) < 0) {
			c[j] = c[j - 1];
			j--;
		}
		c[j] = x;
	}
	for (i = 0; i < top; i++)
		out[i] = c[i].item;
	return top;
}
