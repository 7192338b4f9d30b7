/*
 * als-recommend: top-N items per user from an als-fit model, by dot product
 * of the factors, ties broken by item id ascending; TSV "user rank item
 * score".  See als-recommend(1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outfile.h"
#include "als.h"
#include "cli.h"
#include "rs_err.h"
#include "matrix.h"
#include "num.h"
#include "tsv.h"

/* Unknown users named one by one before the rest are only counted. */
#define MAX_UNKNOWN_SHOWN 10

static const char usage_text[] =
    "usage: als-recommend [-v] [-n N] [--filter-seen MATRIX] "
    "[--users FILE]\n"
    "                     [-t THREADS] [-o FILE] MODEL\n";

enum { OPT_FILTER_SEEN = 256, OPT_USERS };

static const cli_option options[] = {
	{'n', "n-recs", "N", "items per user (default 10)"},
	{'n', "count", "N", "deprecated: same as --n-recs"},
	{OPT_FILTER_SEEN, "filter-seen", "MATRIX", "never recommend items the "
	    "user has in MATRIX"},
	{OPT_USERS, "users", "FILE", "only these users (TSV, header \"user\")"},
	{'t', "threads", "N", "threads (default: all cores)"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_help = "output file (atomic; default stdout)",
	.verbose_help = "counts and time on standard error",
};

typedef struct sinkctx {
	const als_model *mod;
	FILE *fp;
} sinkctx;

static uint32_t *read_users(const char *path, const als_model *mod,
    size_t *n, size_t *unknown, size_t *dups);
static int put_list(void *arg, size_t user, const uint32_t *items,
    const float *scores, size_t count, rs_err *e);

int
main(int argc, char **argv)
{
	static const char *const cols[4] = {"user", "rank", "item", "score"};
	const char *seen_path = NULL, *users_path = NULL;
	unsigned threads = (unsigned)cli_ncpu();
	size_t n_recs = 10, nusers, unknown = 0, dups = 0, i;
	int c, have_seen = 0;
	cli_common cc = {0};
	struct timespec t0, t1;
	als_rec_stats st;
	uint32_t *users;
	als_model mod;
	rs_err e = {0};
	sinkctx sk;
	outfile o;
	csr seen;

	cli_init(argc, argv, &program);
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'n':
			n_recs = (size_t)cli_u64("-n", optarg, 1, 1000000);
			break;
		case OPT_FILTER_SEEN:
			seen_path = optarg;
			break;
		case OPT_USERS:
			users_path = optarg;
			break;
		case 't':
			threads = (unsigned)cli_u64("-t", optarg, 1,
			    ALS_MAX_THREADS);
			break;
		}
	if (argc - optind != 1)
		cli_usage_error(usage_text, "expected one MODEL operand");
	if (threads > ALS_MAX_THREADS)
		threads = ALS_MAX_THREADS;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (als_model_load(&mod, argv[optind], &e) != 0)
		rs_die_err(&e);
	if (seen_path != NULL) {
		if (matrix_load(&seen, seen_path, &e) != 0)
			rs_die_err(&e);
		have_seen = 1;
	}
	if (users_path != NULL) {
		cli_stdin_notice((char *const *)&users_path, 1, "users");
		users = read_users(users_path, &mod, &nusers, &unknown, &dups);
	} else {
		nusers = mod.users;
		if ((users = malloc((nusers + 1) * sizeof *users)) == NULL)
			rs_die(EX_SOFTWARE, "out of memory");
		for (i = 0; i < nusers; i++)
			users[i] = (uint32_t)i;
	}

	if (outfile_open(&o, cc.output, &e) != 0)
		rs_die_err(&e);
	tsv_write_header(o.fp, cols, 4);
	sk.mod = &mod;
	sk.fp = o.fp;
	if (als_recommend(&mod, users, nusers, n_recs, have_seen ? &seen : NULL,
	    threads, put_list, &sk, &st, &e) != 0)
		rs_die_err(&e);
	if (outfile_commit(&o, &e) != 0)
		rs_die_err(&e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (cc.verbose)
		rs_warnx("%zu users asked, %zu lists of up to %zu items, "
		    "%zu users without factors skipped, %zu unknown, "
		    "%zu repeated, %zu seen entries filtered; %.1f%% of the "
		    "scores computed (norm bound); %.3f s",
		    nusers + unknown + dups, st.lists, n_recs, st.zero_users,
		    unknown, dups, st.filtered, st.tiles > 0 ?
		    100.0 * (double)st.scored / (double)st.tiles : 0.0,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (t1.tv_nsec - t0.tv_nsec) * 1e-9);
	free(users);
	if (have_seen)
		matrix_close(&seen);
	als_model_free(&mod);
	cli_exit_ok();
}

/*
 * The users of FILE (TSV, header "user") as model rows, in file order.
 * Ids not in the model are reported (the first few by place) and skipped;
 * repeated ids are kept once, at their first place.
 */
static uint32_t *
read_users(const char *path, const als_model *mod, size_t *n,
    size_t *unknown, size_t *dups)
{
	static const char *const hdr[1] = {"user"};
	unsigned char *taken;
	uint32_t *users = NULL;
	size_t len = 0, cap = 0;
	rs_err e = {0};
	char **fields;
	tsv_reader *t;
	int rc;

	if ((t = tsv_reader_open(path, hdr, 1, &e)) == NULL)
		rs_die_err(&e);
	if ((taken = calloc(mod->users + 1, 1)) == NULL)
		rs_die(EX_SOFTWARE, "out of memory");
	while ((rc = tsv_reader_next(t, &fields, &e)) == 1) {
		const char *why;
		uint64_t id;
		int64_t row;

		if ((why = num_u64(fields[0], &id)) != NULL) {
			tsv_reader_field_err(t, &e, 0, why);
			rs_die_err(&e);
		}
		if ((row = als_find_id(mod->user_ids, mod->users, id)) < 0) {
			if (++*unknown <= MAX_UNKNOWN_SHOWN)
				rs_warnx("%s:%llu: user %llu is not in the "
				    "model; skipped", tsv_reader_name(t),
				    (unsigned long long)tsv_reader_lineno(t),
				    (unsigned long long)id);
			continue;
		}
		if (taken[row]) {
			++*dups;
			continue;
		}
		taken[row] = 1;
		if (len == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((users = realloc(users, cap * sizeof *users)) ==
			    NULL)
				rs_die(EX_SOFTWARE, "out of memory");
		}
		users[len++] = (uint32_t)row;
	}
	if (rc != 0)
		rs_die_err(&e);
	if (*unknown > MAX_UNKNOWN_SHOWN)
		rs_warnx("%s: %zu users in all are not in the model; skipped",
		    tsv_reader_name(t), *unknown);
	tsv_reader_close(t);
	free(taken);
	*n = len;
	return users;
}

/*
 * A score with six decimals, fast: lists of a whole catalogue run to tens
 * of millions of lines.  Beyond 1e12 (never from sane factors) printf.
 */
static int
fmt_score(char *buf, float score)
{
	double v = score, a = fabs(v);
	unsigned long long q, ip;
	unsigned frac, k;
	int n = 0;

	if (!(a < 1e12))
		return snprintf(buf, 40, "%.6f", v);
	q = (unsigned long long)llround(a * 1e6);
	if (v < 0 && q != 0)
		buf[n++] = '-';
	ip = q / 1000000;
	frac = (unsigned)(q % 1000000);
	n += num_fmt_u64(buf + n, ip);
	buf[n++] = '.';
	for (k = 6; k-- > 0; frac /= 10)
		buf[n + k] = (char)('0' + frac % 10);
	return n + 6;
}

static int
put_list(void *arg, size_t user, const uint32_t *items, const float *scores,
    size_t count, rs_err *e)
{
	sinkctx *sk = arg;
	size_t k;

	for (k = 0; k < count; k++) {
		char num[48];
		int len = fmt_score(num, scores[k]);

		tsv_put_u64(sk->fp, sk->mod->user_ids[user]);
		tsv_put_ch(sk->fp, '\t');
		tsv_put_u64(sk->fp, k + 1);
		tsv_put_ch(sk->fp, '\t');
		tsv_put_u64(sk->fp, sk->mod->item_ids[items[k]]);
		tsv_put_ch(sk->fp, '\t');
		fwrite_unlocked(num, 1, (size_t)len, sk->fp);
		tsv_put_ch(sk->fp, '\n');
	}
	if (ferror(sk->fp))
		return rs_errf(e, EX_IOERR, "write error");
	return 0;
}
