/*
 * als.h: weighted implicit-feedback ALS (the model of implicit 0.7) and
 * top-N recommendation from its factors.
 *
 * The model.  For a stored value r of the user x item matrix the confidence
 * is c = alpha*|r| and the preference is 1 when alpha*r > 0, else 0 (a
 * negative r says "not liked, with confidence |r|"); a missing entry has
 * confidence 1 and preference 0.  ALS minimises
 *
 *   sum over all (u,i) of c_ui (p_ui - x_u.y_i)^2 + reg (|X|^2 + |Y|^2)
 *
 * with a plain reg*I (not scaled by a row's count).  Each iteration solves
 * every user given the items, then every item given the users.  A row with
 * no entries gets a zero factor vector.
 *
 * Solvers: conjugate gradient with a fixed number of steps, warm-started
 * from the previous factors, which never forms a per-row matrix (Y'Y + reg*I
 * is computed once per half-sweep, then each step costs one dot and one
 * axpy of length f per stored entry); or an exact Cholesky solve per row.
 *
 * Determinism: the factors depend only on the matrix and the parameters
 * (the seed among them), never on the thread count or the number of
 * processes (als_fit_part): rows are independent within a half-sweep,
 * every per-row computation runs in a fixed order, and the Gram matrix is
 * a sum of blocks of GRAM_ROWS rows taken in block order, each block's
 * elements one fused chain over its rows in row order (our own kernel, no
 * BLAS).  The SIMD kernels are chosen at run time (AVX-512, AVX2+FMA or
 * portable C): AVX-512 and AVX2+FMA give the same bits, the portable
 * kernels (multiply, then add) may differ from them in the last bits.
 *
 * The library never prints: progress goes through a callback, errors into
 * an rs_err.  Model files: container kind "alsmodel", als-model(5).
 */
#ifndef RS_ALS_H
#define RS_ALS_H

#include <stddef.h>
#include <stdint.h>

#include "comm.h"
#include "container.h"
#include "rs_err.h"
#include "matrix.h"

#define ALS_KIND "alsmodel"
#define ALS_VERSION 1
#define ALS_MAX_FACTORS 1024
#define ALS_MAX_THREADS 256

enum als_solver {
	ALS_CG = 0,             /* conjugate gradient, cg_steps steps */
	ALS_CHOLESKY = 1        /* exact solve per row */
};

typedef struct als_params {
	unsigned factors;
	double reg;
	double alpha;
	unsigned iterations;
	enum als_solver solver;
	unsigned cg_steps;      /* used by ALS_CG only */
	uint64_t seed;
	unsigned threads;       /* 0 is refused; not recorded in the model */
	int loss;               /* compute the training loss each iteration */
	int first_basis;        /* tests: CG never in the eigenbasis (see
				 * als_fit.c); not recorded in the model */
} als_params;

/* The pipeline's defaults: 50 factors, reg 0.05, 50 iterations, alpha 1,
 * CG with 3 steps, seed 123, one thread, no loss. */
void als_params_default(als_params *p);

/* NULL when p is usable, else a sentence saying what is wrong. */
const char *als_check_params(const als_params *p);

typedef struct als_progress {
	unsigned iteration;     /* 1-based */
	unsigned iterations;
	double seconds;         /* wall time of this iteration */
	double loss;            /* after it, as als_loss() to float
				 * precision; NaN unless p->loss */
} als_progress;

typedef void (*als_progress_fn)(const als_progress *pr, void *arg);

/*
 * A model.  Factors are row-major, users x factors and items x factors,
 * float32, stride = factors.  After als_fit the arrays are owned; after
 * als_model_load they point into the mapped file.
 */
typedef struct als_model {
	size_t users, items, factors;
	const uint64_t *user_ids;       /* ascending, as in the matrix */
	const uint64_t *item_ids;
	const float *user_factors;
	const float *item_factors;
	als_params params;              /* threads and loss are not recorded */
	char source[16];                /* "crc32:xxxxxxxx" of the matrix */
	uint64_t source_nnz;
	char *path;                     /* when loaded */
	void *own[3];                   /* after als_fit: the ids, the user
	                                   and the item factors */
	container file;
	int mapped;
} als_model;

/*
 * Fits a model to m (users are rows, items are columns) with parameters p
 * (checked with als_check_params first).  progress, when not NULL, is
 * called once per iteration from the calling thread.  EX_USAGE for bad
 * parameters, EX_DATAERR when the exact solver meets a matrix that is not
 * positive definite (reg 0), EX_SOFTWARE when out of memory.
 */
int als_fit(const csr *m, const als_params *p, als_model *out,
    als_progress_fn progress, void *arg, rs_err *e);

/*
 * What one rank of a distributed fit did: its stripes (rows of each side
 * it solves), their entries, and the bytes it received.  A single process
 * receives nothing.
 */
typedef struct als_dist_stats {
	size_t user_lo, user_hi, item_lo, item_hi;
	uint64_t user_nnz, item_nnz;
	uint64_t setup_bytes;   /* entries received to build the items' stripe */
	uint64_t factor_bytes;  /* factor rows received, all iterations */
	uint64_t gram_bytes;    /* partial Gram blocks received, all iterations */
	uint64_t needed_bytes;  /* per iteration, what an owner-to-needer
	                           exchange would receive instead of
	                           factor_bytes / iterations: the other side's
	                           rows this rank's stripes refer to and it
	                           does not solve */
} als_dist_stats;

/*
 * als_fit spread over the ranks of c (a collective: every rank calls it
 * with the same parameters).  m is each rank's matrix_load_part of the
 * same file; each rank solves a stripe of users and a stripe of items cut
 * by entries (comm_split), builds its items' stripe by sending every entry
 * of its users' stripe to the rank of its item, and keeps every factor
 * row: per half-sweep the ranks share out the blocks of the Gram matrix,
 * gather them and sum them in block order, then gather the rows each
 * solved.  The factors are those of als_fit, bit for bit, whatever the
 * number of ranks and threads.  Rank 0 gets the model; the others an
 * empty one.  Errors are agreed as by comm_fail: every rank returns the
 * status, one has the message.  With p->loss every rank computes the
 * loss, the single process's value to the last bit.  st, when not NULL,
 * gets this rank's figures.  With c NULL this is als_fit.
 */
int als_fit_part(const csr *m, const comm *c, const als_params *p,
    als_model *out, als_progress_fn progress, void *arg,
    als_dist_stats *st, rs_err *e);

/*
 * The training loss of implicit 0.7: the objective above divided by the
 * total confidence (sum of c over stored entries plus one per missing
 * entry).  X is rows x f, Y is cols x f, both with stride f.
 */
double als_loss(const csr *m, const float *X, const float *Y, size_t f,
    double reg, double alpha, unsigned threads);

/* Writes the model atomically ("-" is stdout). */
int als_model_save(const als_model *mod, const char *path, rs_err *e);

/*
 * Maps and validates a model: container checks with every section's CRC,
 * parameters present and consistent with the section sizes, ids strictly
 * ascending, factors finite.  EX_NOINPUT or EX_DATAERR with the reason.
 */
int als_model_load(als_model *mod, const char *path, rs_err *e);
void als_model_free(als_model *mod);

/*
 * With on set, later calls use the portable kernels even where AVX2+FMA
 * is available (tests use it to cover both builds).  Not thread-safe:
 * call it before fitting or recommending.
 */
void als_portable_kernels(int on);

/*
 * With on set, later calls use the AVX2+FMA kernels even where AVX-512 is
 * available (tests use it to check that both give the same bits); off
 * (or als_portable_kernels) undoes it.  Not thread-safe, as above.
 */
void als_avx2_kernels(int on);

/* Which kernels this build has and which this CPU runs, in words (for
 * --version). */
const char *als_kernels_info(void);

/*
 * The users a run is asked about (als-recommend --users): a TSV with the
 * header "user" ("-" is stdin, gzip recognised), one id per row, as model
 * rows in file order.  An id not in the model is counted in unknown and
 * skipped (the first ALS_USERS_SHOWN are kept, with their line, for the
 * caller to name); a repeated id is kept once, at its first place, and
 * counted in dups.  A bad id or header is EX_DATAERR naming file, line
 * and field; EX_NOINPUT when the file cannot be opened.
 */
#define ALS_USERS_SHOWN 10
typedef struct als_user_list {
	uint32_t *rows;         /* model rows, file order, each once */
	size_t n;
	size_t unknown, dups;
	size_t nshown;          /* min(unknown, ALS_USERS_SHOWN) */
	struct { unsigned long long line; uint64_t id; }
	    shown[ALS_USERS_SHOWN];
	char *name;             /* the file's name for messages */
} als_user_list;

int als_user_list_read(als_user_list *ul, const char *path,
    const als_model *mod, rs_err *e);
void als_user_list_free(als_user_list *ul);

/* Index of id in the ascending array ids[0..n-1], or -1. */
int64_t als_find_id(const uint64_t *ids, size_t n, uint64_t id);

/*
 * Top-N recommendation.  For each user index in users[0..nusers-1] the
 * items with the highest dot product x_u.y_i, ties broken by item id
 * ascending.  With seen not NULL, the items the user has in that matrix
 * (matched by user and item id) are never recommended.  Users whose
 * factors are all zero (no entries at fit time) get no list at all, since
 * every score would be 0: nothing is formatted for them.
 *
 * Lists are computed in parallel over blocks of users.  Scores come from
 * a register-blocked kernel (6 users x 16 items per step, items in
 * cache-sized chunks) that computes every dot product as the same chain of
 * operations: unlike sgemm, whose rounding depends on where an item falls
 * in its tiles, equal factors give equal scores, so the tie rule is exact
 * and the output does not depend on the thread count.  Selection is fused
 * with scoring: a bounded heap per user, which filtered items never enter.
 * Items are scored in descending order of their norm, and a user stops as
 * soon as |x_u| times the next norm (padded for rounding) is below the
 * worst score it holds: no item left can enter its list, so the lists are
 * exactly those of scoring every item.
 * Each block of users is also sorted and formatted by its thread, so the
 * output does not wait on one thread: sink->format writes the rows of one
 * list into buf (at most count * sink->row_max bytes, no NUL) and returns
 * their length; it is called from the worker threads, concurrently for
 * different users, and must only read arg.  sink->write then takes the
 * bytes of consecutive lists, in the order of users[], from the calling
 * thread; returning non-zero stops the run with that status (its message
 * in e).  A list may be shorter than n when fewer items remain.
 */
/* One entry of a list. */
typedef struct als_rec {
	float score;
	uint32_t item;          /* model item index */
} als_rec;

typedef struct als_rec_sink {
	size_t (*format)(const void *arg, size_t user, const als_rec *list,
	    size_t count, char *buf);
	int (*write)(void *arg, const char *buf, size_t len, rs_err *e);
	size_t row_max;         /* bytes of one formatted row at most */
	void *arg;
} als_rec_sink;

typedef struct als_rec_stats {
	size_t lists;           /* users that got a list */
	size_t zero_users;      /* users skipped: all-zero factors */
	size_t filtered;        /* seen entries matched to model items */
	size_t tiles;           /* tiles of 6 users x 16 items in all */
	size_t scored;          /* tiles scored: the rest were pruned by the
	                           norm bound */
} als_rec_stats;

int als_recommend(const als_model *mod, const uint32_t *users,
    size_t nusers, size_t n, const csr *seen, unsigned threads,
    const als_rec_sink *sink, als_rec_stats *st, rs_err *e);

#endif
