/*
 * eval.h: the original system's offline metrics (rec-eval(1)).
 *
 * The relevant set is every addtocart event of the test period.  A test
 * user is a user with at least one test cart; a test user "has history"
 * when they viewed or carted anything in the training period.  For a
 * recommendation list per user, precision@k and recall@k are computed per
 * user over the users that have both a list and relevant items, then
 * averaged over those users; coverage@k2 is the number of distinct
 * catalogue items in the top-k2 lists of those users over the number of
 * items in the catalogue snapshot.  Every figure is in percent.
 *
 * Two ways of counting, for a user with list L (the first k items) and
 * cart rows C, where c(i) is how many cart rows name item i and R is the
 * set of carted items:
 *
 *   distinct (default):  tp = |L ∩ R|
 *                        precision = tp / |L|,  recall = tp / |R|
 *   duplicates (the seed notebook, which joined the list with every cart
 *   row, so an item carted twice gives two matching rows):
 *                        tp = Σ_{i ∈ L} c(i)
 *                        precision = tp / (|L| + tp - |L ∩ R|)
 *                        recall = tp / |C|
 *
 * |L| is k unless the user's list is shorter.  Users are scored in
 * ascending id order, so the sums (and the printed figures) do not depend
 * on the order of any input file.
 */
#ifndef RS_EVAL_H
#define RS_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"
#include "idmap.h"
#include "items.h"

/* Test users, their carted items and whether they have history. */
typedef struct eval_truth {
	size_t nusers;
	uint64_t *user;        /* test user ids, ascending */
	idmap map;             /* user id -> index into the arrays */
	size_t *off;           /* nusers + 1 offsets into item and rows */
	uint64_t *item;        /* each user's distinct carted items, ascending */
	uint32_t *rows;        /* cart rows naming that item, >= 1 */
	uint8_t *history;      /* 1: viewed or carted in train */
	size_t nhistory;       /* users with history */
	uint64_t ncarts;       /* test addtocart rows */
	/*
	 * The span of each file's events (epoch ms; first > last when the
	 * file has none), set by eval_truth_load: how rec-eval sees that
	 * --train and --test were swapped.
	 */
	int64_t test_first_ms, test_last_ms, train_first_ms, train_last_ms;
	/* building state */
	uint64_t *pairs;       /* (user, item) pairs before eval_truth_finish */
	size_t npairs, cappairs;
} eval_truth;

/*
 * Building by hand (the unit tests) or from files: init, add every test
 * cart, finish, then mark the users seen in train.  Each returns 0 or -1
 * when out of memory.  mark_history ignores users that are not test users.
 */
int eval_truth_init(eval_truth *t);
int eval_truth_add_cart(eval_truth *t, uint64_t user, uint64_t item);
int eval_truth_finish(eval_truth *t);
void eval_truth_mark_history(eval_truth *t, uint64_t user);
void eval_truth_free(eval_truth *t);

/*
 * Reads the test events (the carts) and the training events (the history)
 * from events TSV files; an error names the file and line.
 */
int eval_truth_load(eval_truth *t, const char *test, const char *train,
    rs_err *e);

/* The index of a test user, or -1. */
int64_t eval_truth_find(const eval_truth *t, uint64_t user);

/* How one user's list matched their carts. */
typedef struct eval_hits {
	uint32_t listed;       /* |L| */
	uint32_t distinct;     /* |L ∩ R| */
	uint32_t rows;         /* Σ_{i ∈ L} c(i) */
	uint32_t relevant;     /* |R| */
	uint64_t relevant_rows; /* |C| */
} eval_hits;

void eval_match(const eval_truth *t, size_t u, const uint64_t *list,
    size_t n, eval_hits *h);
/* Fractions in [0, 1] as defined above; n must have been > 0. */
double eval_precision(const eval_hits *h, int count_dups);
double eval_recall(const eval_hits *h, int count_dups);

/* The distinct items of some lists, and how many are in the catalogue:
 * the numerator of coverage. */
typedef struct eval_cover {
	idmap seen;
	uint64_t covered;
} eval_cover;

int eval_cover_init(eval_cover *c);
/* Adds list[0..n-1]; -1 when out of memory. */
int eval_cover_add(eval_cover *c, const uint64_t *list, size_t n,
    const items *catalogue);
void eval_cover_free(eval_cover *c);

/* One report row in the making: the users of one model and group. */
typedef struct eval_acc {
	size_t k, coverage_k;
	int count_dups;
	uint64_t users;
	double sum_precision, sum_recall;
	eval_cover cover;     /* items of the top-coverage_k lists */
} eval_acc;

int eval_acc_init(eval_acc *a, size_t k, size_t coverage_k,
    int count_dups);
void eval_acc_free(eval_acc *a);
/*
 * Adds test user u with list[0..n-1] in rank order (n > 0; at least
 * max(k, coverage_k) items when the user has that many).  Returns 0, or -1
 * when out of memory.
 */
int eval_acc_add(eval_acc *a, const eval_truth *t, size_t u,
    const uint64_t *list, size_t n, const items *catalogue);

/*
 * Precision@k and recall@k for every k = 1..kmax over one row's users (the
 * report's curves): the same definitions and users as eval_acc, so the
 * curve at the report's k is the report's figure.  A user's list shorter
 * than k counts as it is (|L| = its length), as in the report.
 */
typedef struct eval_curve {
	size_t kmax;
	int count_dups;
	uint64_t users;
	double *sum_precision, *sum_recall;   /* kmax each, index k - 1 */
} eval_curve;

/* 0, or -1 when out of memory; kmax >= 1. */
int eval_curve_init(eval_curve *c, size_t kmax, int count_dups);
void eval_curve_free(eval_curve *c);
/* Adds test user u with list[0..n-1] in rank order (n > 0; kmax items
 * when the user has that many). */
void eval_curve_add(eval_curve *c, const eval_truth *t, size_t u,
    const uint64_t *list, size_t n);
/* The averages in percent at k (1..kmax); 0 when the row has no user. */
double eval_curve_precision_pct(const eval_curve *c, size_t k);
double eval_curve_recall_pct(const eval_curve *c, size_t k);

typedef struct eval_row {
	uint64_t users;
	double precision_pct, recall_pct, coverage_pct;
	uint64_t outside;      /* distinct listed items not in the catalogue */
} eval_row;

/* Fills r; returns 0 when the group had no user (the figures are then
 * undefined and set to 0), 1 otherwise.  ncatalogue must be > 0. */
int eval_acc_row(const eval_acc *a, size_t ncatalogue, eval_row *r);

/*
 * The top-K lists of the selected test users in a recs TSV (user rank item
 * score; see recs.h), streamed: rows of other users are checked and
 * skipped, so memory depends on the test users, never on the file.  Each
 * user's rows must be contiguous with ranks 1, 2, ...; an item listed
 * twice in a selected user's top K is an error naming the line.
 */
typedef struct eval_lists {
	size_t K;
	size_t nusers;         /* = truth's nusers */
	uint64_t *item;        /* nusers * K, in rank order */
	uint32_t *len;         /* items held per user, at most K */
	uint64_t rows;         /* rows read */
	uint64_t users_listed; /* selected users with a list */
} eval_lists;

/* only_history: select test users with history; otherwise every test
 * user. */
int eval_lists_read(eval_lists *l, const eval_truth *t, const char *path,
    size_t K, int only_history, rs_err *e);
void eval_lists_free(eval_lists *l);

/*
 * The item-to-item lists (the report's item_sim row): for every test user
 * with history, the top K of itemsim_recommend over the distinct items of
 * their training events (train, an events TSV), each weighing the largest
 * weight w gives its events.
 */
struct itemsim_lists;
struct ev_weights;
int eval_lists_similar(eval_lists *l, const eval_truth *t, const char *train,
    const struct itemsim_lists *sims, const struct ev_weights *w, size_t K,
    rs_err *e);

#endif
