/*
 * itemsim.h: item-to-item neighbours from co-occurrence in visitors'
 * sessions (what item-sim computes), and sims.bin, the file that holds
 * them (container kind "itemsim", version 1, recsys-itemsim(5)).
 *
 * The model.  Each event of a weighted type (ev_weights; weight 0 drops
 * the type) is kept; each visitor's events, in time order, are cut into
 * sessions where the gap between two events exceeds session_gap_ms (or
 * one session per visitor with scope_user).  A session of more than
 * session_cap events keeps its last session_cap (one heavy visitor or bot
 * cannot make the pair count quadratic in its length).  In a session an
 * item weighs the largest weight of its events there, times
 * 2^(-age / half_life) when half_life_days > 0, age being the time from
 * the session's last event to the newest event of the input.  Then, over
 * all sessions:
 *   n(i)    = sum of i's weights                       ("count of i")
 *   c(i,j)  = sum over sessions holding i and j of w_i * w_j
 *   s(i,j)  = sessions holding both (the support)
 * and a pair with s(i,j) >= min_support is scored
 *   ITEMSIM_COUNT    c(i,j)
 *   ITEMSIM_DAMPED   c(i,j) / n(j)^beta   (popular neighbours damped)
 *   ITEMSIM_COSINE   c(i,j) / sqrt(n(i) n(j))
 * Each item keeps its top_k neighbours by score (ties: smaller id first).
 *
 * Memory: the kept events and sessions, one scratch row of the item count
 * per thread, and the neighbours kept; never all pairs.  The result does
 * not depend on the number of threads.
 */
#ifndef RS_ITEMSIM_H
#define RS_ITEMSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "container.h"
#include "rs_err.h"
#include "weights.h"

#define ITEMSIM_KIND "itemsim"
#define ITEMSIM_VERSION 1
#define ITEMSIM_MAX_K 1000
#define ITEMSIM_MAX_CAP 100000
#define ITEMSIM_MAX_THREADS 64

enum itemsim_score { ITEMSIM_COUNT, ITEMSIM_DAMPED, ITEMSIM_COSINE,
    ITEMSIM_NSCORES };
/* "count", "damped", "cosine". */
extern const char *const itemsim_score_name[ITEMSIM_NSCORES];

typedef struct itemsim_params {
	ev_weights weights;
	int64_t session_gap_ms;   /* > 0 */
	int scope_user;           /* 1: a visitor's whole history is one */
	double half_life_days;    /* 0: no decay */
	uint32_t min_support;     /* >= 1 */
	enum itemsim_score score;
	double beta;              /* ITEMSIM_DAMPED's exponent, 0..2 */
	size_t top_k;             /* 1..ITEMSIM_MAX_K */
	size_t session_cap;       /* 1..ITEMSIM_MAX_CAP */
	unsigned threads;         /* 1..ITEMSIM_MAX_THREADS */
} itemsim_params;

/* The defaults item-sim(1) documents. */
void itemsim_params_init(itemsim_params *p);

/* The events being collected (itemsim_add), then the neighbours. */
typedef struct itemsim itemsim;

itemsim *itemsim_new(const itemsim_params *p);
void itemsim_free(itemsim *s);
/* Keeps one event (dropped when its type weighs 0); -1 when out of
 * memory. */
int itemsim_add(itemsim *s, uint64_t user, uint64_t item, int type,
    int64_t ts_ms);
/* Computes the neighbours; EX_SOFTWARE when out of memory. */
int itemsim_build(itemsim *s, rs_err *e);

/* The result, valid after itemsim_build until itemsim_free. */
typedef struct itemsim_lists {
	size_t n;                 /* items with at least one neighbour */
	const uint64_t *item;     /* ascending */
	const uint64_t *off;      /* n + 1 offsets into nbr and score */
	const uint64_t *nbr;      /* each item's neighbours, best first */
	const float *score;
	/* counts, for -v and the file's parameters */
	uint64_t events, sessions, capped, items, pairs;
} itemsim_lists;

const itemsim_lists *itemsim_result(const itemsim *s);

/* Writes sims.bin (atomically; "-" is standard output). */
int itemsim_save(const itemsim *s, const char *path, rs_err *e);
/* Writes "item neighbour rank score" rows with a header. */
int itemsim_write_tsv(const itemsim_lists *l, FILE *fp);

/*
 * Item-to-item recommendations for one visitor: the n best items by
 * score(j) = sum over the history's items i of w[i] * sim(i, j) (ties:
 * smaller id first), into out; returns how many (fewer when the
 * neighbours run short).  Items of the history are candidates like any
 * other.  *scratch is grown as needed (free() it after the last call);
 * -1 when out of memory.
 */
struct itemsim_cand {
	uint64_t item;
	double score;
};
long itemsim_recommend(const itemsim_lists *l, const uint64_t *hist,
    const double *w, size_t nh, size_t n, uint64_t *out,
    struct itemsim_cand **scratch, size_t *scratch_cap);

/*
 * Merges the weighted candidates c[0..nc) in place (the scores of an item
 * summed, in input order) and writes the first top items, best first
 * (equal scores: smaller id first), into out (room for top); returns
 * their number, at most top.  out may alias c.  No allocation: what the
 * session blend calls per request (a hash table on the stack; a sort
 * beyond 1024 candidates).
 */
size_t itemsim_merge(struct itemsim_cand *c, size_t nc, size_t top,
    uint64_t *out);

/*
 * An open sims.bin: validated (header, sections, every CRC, ids ascending,
 * offsets monotone, no item its own neighbour, finite scores in
 * non-increasing order per item) before it is trusted.
 */
typedef struct itemsim_file {
	container c;
	itemsim_lists l;
	size_t top_k;
} itemsim_file;

int itemsim_open(itemsim_file *f, const char *path, rs_err *e);
void itemsim_close(itemsim_file *f);

#endif
