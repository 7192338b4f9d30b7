/*
 * als-recommend: top-N items per user from an als-fit model, by dot product
 * of the factors, ties broken by item id ascending; TSV "user rank item
 * score".  See als-recommend(1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outfile.h"
#include "als.h"
#include "cli.h"
#include "rs_err.h"
#include "matrix.h"
#include "recs.h"
#include "tsv.h"
#include "util.h"

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
	char (*item)[21];         /* per model item: its id's digits, then
	                             their count */
	FILE *fp;
	const char *name;         /* the output, for messages */
} sinkctx;

static void warn_unknown(const als_user_list *ul);
static size_t format_list(const void *arg, size_t user, const als_rec *list,
    size_t count, char *buf);
static int write_rows(void *arg, const char *buf, size_t len, rs_err *e);

int
main(int argc, char **argv)
{
	static const char *const cols[4] = {"user", "rank", "item", "score"};
	const char *seen_path = NULL, *users_path = NULL;
	unsigned threads = (unsigned)cli_ncpu();
	size_t n_recs = 10, nusers, i;
	als_user_list ul = {0};
	int c, have_seen = 0;
	cli_common cc = {0};
	double t0;
	als_rec_stats st;
	uint32_t *users;
	als_model mod;
	rs_err e = {0};
	sinkctx sk;
	als_rec_sink sink = {format_list, write_rows, RECS_ROW_MAX, &sk};
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

	t0 = util_mono_s();
	if (als_model_load(&mod, argv[optind], &e) != 0)
		rs_die_err(&e);
	if (seen_path != NULL) {
		if (matrix_load(&seen, seen_path, &e) != 0)
			rs_die_err(&e);
		have_seen = 1;
	}
	if (users_path != NULL) {
		cli_stdin_notice((char *const *)&users_path, 1, "users");
		if (als_user_list_read(&ul, users_path, &mod, &e) != 0)
			rs_die_err(&e);
		warn_unknown(&ul);
		users = ul.rows;
		nusers = ul.n;
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
	/* Each item id is formatted once, not once per row it is in. */
	if ((sk.item = malloc((mod.items + 1) * sizeof *sk.item)) == NULL)
		rs_die(EX_SOFTWARE, "out of memory");
	for (i = 0; i < mod.items; i++)
		sk.item[i][20] = (char)num_fmt_u64(sk.item[i], mod.item_ids[i]);
	sk.fp = o.fp;
	sk.name = cc.output == NULL || strcmp(cc.output, "-") == 0 ?
	    "stdout" : cc.output;
	if (als_recommend(&mod, users, nusers, n_recs, have_seen ? &seen : NULL,
	    threads, &sink, &st, &e) != 0)
		rs_die_err(&e);
	if (outfile_commit(&o, &e) != 0)
		rs_die_err(&e);
	if (cc.verbose)
		rs_warnx("%zu users asked, %zu lists of up to %zu items, "
		    "%zu users without factors skipped, %zu unknown, "
		    "%zu repeated, %zu seen entries filtered; %.1f%% of the "
		    "scores computed (norm bound); %.3f s",
		    nusers + ul.unknown + ul.dups, st.lists, n_recs,
		    st.zero_users, ul.unknown, ul.dups, st.filtered, st.tiles > 0 ?
		    100.0 * (double)st.scored / (double)st.tiles : 0.0,
		    util_mono_s() - t0);
	if (users_path != NULL)
		als_user_list_free(&ul);
	else
		free(users);
	if (have_seen)
		matrix_close(&seen);
	free(sk.item);
	als_model_free(&mod);
	cli_exit_ok();
}

/* The first unknown users by place, then how many in all. */
static void
warn_unknown(const als_user_list *ul)
{
	size_t i;

	for (i = 0; i < ul->nshown; i++)
		rs_warnx("%s:%llu: user %llu is not in the model; skipped",
		    ul->name, ul->shown[i].line,
		    (unsigned long long)ul->shown[i].id);
	if (ul->unknown > ul->nshown)
		rs_warnx("%s: %zu users in all are not in the model; skipped",
		    ul->name, ul->unknown);
}

/* One list as recs TSV rows (from any thread). */
static size_t
format_list(const void *arg, size_t user, const als_rec *list, size_t n,
    char *buf)
{
	const sinkctx *sk = arg;
	char u[20];
	size_t ulen = (size_t)num_fmt_u64(u, sk->mod->user_ids[user]), k;
	size_t len = 0;

	for (k = 0; k < n; k++) {
		const char *it = sk->item[list[k].item];

		len += recs_format_row(buf + len, u, ulen, k + 1, it,
		    (size_t)it[20], list[k].score);
	}
	return len;
}

static int
write_rows(void *arg, const char *buf, size_t len, rs_err *e)
{
	sinkctx *sk = arg;

	if (fwrite_unlocked(buf, 1, len, sk->fp) == len && !ferror(sk->fp))
		return 0;
	return rs_errf(e, EX_IOERR, "%s: write error: %s", sk->name,
	    strerror(errno != 0 ? errno : EIO));
}
