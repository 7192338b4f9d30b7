/*
 * recs.h: the recs TSV "user rank item score", as als-recommend writes it
 * and rec-blend reads it: rows grouped by user, ranks 1, 2, ... N within a
 * user, best first.
 */
#ifndef RS_RECS_H
#define RS_RECS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rs_err.h"

extern const char *const recs_cols[4];

/* Every user's list, users in ascending id order (whatever the file's
 * order of groups was). */
typedef struct recs {
	size_t n_users;
	uint64_t *user;       /* ascending, unique */
	uint64_t *off;        /* n_users + 1 offsets into item */
	uint64_t *item;       /* each list in rank order */
	size_t n_rows;        /* rows read (including those cut by max_rank) */
} recs;

/*
 * Loads a recs TSV ("-" is stdin), keeping the first max_rank items of
 * each user (0: all).  A rank that is not the previous one plus 1 (1 for
 * a user's first row), a user whose rows are not contiguous, or a bad
 * number is EX_DATAERR naming file, line and field.
 */
int recs_load(recs *r, const char *path, size_t max_rank, rs_err *e);
void recs_free(recs *r);

/*
 * Writes one user's list as recs TSV rows (the header is the caller's,
 * tsv_write_header with recs_cols): "user rank item score" with ranks 1..n,
 * item k the id item_ids[items[k]], scores with six decimals
 * (num_fmt_fixed6).  EX_IOERR "write error: why" when the stream has
 * failed.
 */
int recs_write_rows(FILE *fp, uint64_t user, const uint64_t *item_ids,
    const uint32_t *items, const float *scores, size_t n, rs_err *e);

#endif
