/*
 * recs.h: the recs TSV "user rank item score", as als-recommend writes it
 * and rec-blend and rec-eval read it: rows grouped by user, ranks 1, 2, ...
 * N within a user, best first.
 *
 * One reader, one set of rules, whoever reads: the header is checked;
 * user, rank and item are unsigned decimals and score a finite decimal; a
 * user's first row has rank 1 and each next row the previous rank plus 1
 * ("field 2 (rank): expected rank N"); an item appears at most once in a
 * user's list ("field 3 (item): item listed twice for the user"); a user's
 * rows are contiguous ("user U: rows not grouped by user (first seen at
 * line L)", which recs_reader_scattered words, since only a reader that
 * remembers users can tell).
 */
#ifndef RS_RECS_H
#define RS_RECS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "num.h"
#include "rs_err.h"

extern const char *const recs_cols[4];

/* A row; its score is checked, not kept: no reader uses it. */
typedef struct recs_row {
	uint64_t user, rank, item;
} recs_row;

/* Streams the rows of a recs TSV, each checked as above. */
typedef struct recs_reader recs_reader;

/* Opens path ("-" is stdin) and checks its header. */
recs_reader *recs_reader_open(const char *path, rs_err *e);
/* Next row: 1 with *row filled, 0 at the end, or an error status with e
 * filled (EX_DATAERR naming file, line and field). */
int recs_reader_next(recs_reader *r, recs_row *row, rs_err *e);
/* The line of the row last read, and the file's name. */
uint64_t recs_reader_lineno(const recs_reader *r);
const char *recs_reader_name(const recs_reader *r);
/* Records that user's rows are split (seen first at line first_line, again
 * at line); EX_DATAERR. */
int recs_reader_scattered(const recs_reader *r, rs_err *e, uint64_t user,
    uint64_t first_line, uint64_t line);
void recs_reader_close(recs_reader *r);

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
 * Loads a recs TSV ("-" is stdin) through recs_reader, keeping the first
 * max_rank items of each user (0: all).
 */
int recs_load(recs *r, const char *path, size_t max_rank, rs_err *e);
void recs_free(recs *r);

/*
 * Formats one recs TSV row (the header is the caller's, tsv_write_header
 * with recs_cols) into buf, at least RECS_ROW_MAX bytes, without a NUL:
 * "user rank item score\n", the user and the item ids already formatted
 * (user[0..ulen), item[0..ilen), at most 20 bytes each: a writer of many
 * rows formats each id once), the score with six decimals
 * (num_fmt_fixed6).  Returns its length.
 */
#define RECS_ROW_MAX (3 * 20 + NUM_FIXED6_MAX + 4)
size_t recs_format_row(char *buf, const char *user, size_t ulen,
    size_t rank, const char *item, size_t ilen, float score);

#endif
