/*
 * als-fit: weighted implicit-feedback ALS (the model of implicit 0.7) on the
 * user x item matrix written by interactions-weight.  Writes the factors
 * and every parameter to a model file (container kind "alsmodel",
 * als-model(5)) that als-recommend reads.  Built with Open MPI (mpicc)
 * it also runs as "mpirun -np N als-fit ...": each rank fits its stripes
 * (als_fit_part) and rank 0 writes the same model.  See als-fit(1).
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "als.h"
#include "cli.h"
#include "rs_err.h"
#include "matrix.h"
#include "par.h"
#include "util.h"

#ifdef HAVE_MPI
#include <mpi.h>
#define STR_(x) #x
#define STR(x) STR_(x)
#ifdef OMPI_MAJOR_VERSION
#define MPI_BUILD "yes, Open MPI " STR(OMPI_MAJOR_VERSION) "." \
	STR(OMPI_MINOR_VERSION) "." STR(OMPI_RELEASE_VERSION)
#else
#define MPI_BUILD "yes"
#endif
#else
#define MPI_BUILD NULL
#endif

static const char usage_text[] =
    "usage: als-fit [-v] [-f FACTORS] [-r REG] [-i ITERATIONS] [-a ALPHA]\n"
    "               [--cg-steps N | --cholesky] [-s SEED] [-t THREADS] "
    "[--loss]\n"
    "               -o MODEL MATRIX\n";

enum { OPT_CG_STEPS = 256, OPT_CHOLESKY, OPT_LOSS };

static const cli_option options[] = {
	{'f', "factors", "N", "latent factors (default 50)"},
	{'r', "reg", "REG", "regularization, plain REG*I (default 0.05)"},
	{'i', "iterations", "N", "iterations, each users then items "
	    "(default 50)"},
	{'a', "alpha", "ALPHA", "confidence = ALPHA * value (default 1)"},
	{OPT_CG_STEPS, "cg-steps", "N", "conjugate gradient steps per row "
	    "(default 3)"},
	{OPT_CHOLESKY, "cholesky", NULL, "exact solve per row instead of CG"},
	{'s', "seed", "SEED", "seed of the initial factors (default 123)"},
	{'t', "threads", "N", "threads (default: all cores)"},
	{OPT_LOSS, "loss", NULL, "compute and show the training loss each "
	    "iteration"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_arg = "MODEL",
	.output_help = "model file (atomic; - for stdout)",
	.verbose_help = "one line per iteration on standard error",
	.mpi = MPI_BUILD,
};

static void show_progress(const als_progress *pr, void *arg);
static comm *mpi_start(int *argc, char ***argv);
static noreturn void die(const comm *c, const rs_err *e);
static void show_ranks(const comm *c, const als_dist_stats *st,
    unsigned iterations);
static void mpi_end(const comm *c);
static void args_quiet(const comm *c, int saved[2]);
static void args_done(int saved[2]);

int
main(int argc, char **argv)
{
	const char *why;
	int cg_steps_given = 0, c;
	cli_common cc = {0};
	double total = 0, t0;
	als_params p;
	als_model mod;
	als_dist_stats st;
	rs_err e = {0};
	size_t lo, hi;
	int saved[2];
	comm *cm;
	csr m;

	cm = mpi_start(&argc, &argv);
	args_quiet(cm, saved);
	cli_init(argc, argv, &program);
	als_params_default(&p);
	p.threads = (unsigned)cli_ncpu();
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'f':
			p.factors = (unsigned)cli_u64("-f", optarg, 1,
			    ALS_MAX_FACTORS);
			break;
		case 'r':
			p.reg = cli_double("-r", optarg, 0, 1e9);
			break;
		case 'i':
			p.iterations = (unsigned)cli_u64("-i", optarg, 0,
			    100000);
			break;
		case 'a':
			p.alpha = cli_double("-a", optarg, 1e-9, 1e9);
			break;
		case OPT_CG_STEPS:
			p.cg_steps = (unsigned)cli_u64("--cg-steps", optarg, 1,
			    1000);
			cg_steps_given = 1;
			break;
		case OPT_CHOLESKY:
			p.solver = ALS_CHOLESKY;
			break;
		case 's':
			p.seed = cli_u64("-s", optarg, 0, UINT64_MAX);
			break;
		case 't':
			p.threads = (unsigned)cli_u64("-t", optarg, 1,
			    ALS_MAX_THREADS);
			break;
		case OPT_LOSS:
			p.loss = 1;
			break;
		}
	if (p.solver == ALS_CHOLESKY && cg_steps_given)
		cli_usage_error(usage_text, "--cg-steps and --cholesky "
		    "exclude each other");
	if (cc.output == NULL)
		cli_usage_error(usage_text, "-o MODEL is required");
	if (argc - optind != 1)
		cli_usage_error(usage_text, "expected one MATRIX operand");
	if (p.threads > ALS_MAX_THREADS)
		p.threads = ALS_MAX_THREADS;
	if ((why = als_check_params(&p)) != NULL)
		cli_usage_error(usage_text, "%s", why);
	args_done(saved);

	t0 = util_mono_s();
	if (comm_size(cm) > 1 ? matrix_load_part(&m, argv[optind], cm, &lo, &hi,
	    &e) != 0 : matrix_load(&m, argv[optind], &e) != 0)
		die(cm, &e);
	if (cc.verbose && comm_rank(cm) == 0)
		rs_warnx("%s: %zu users x %zu items, %zu entries; %u factors, "
		    "%s, %u threads%s", argv[optind], m.rows, m.cols, m.nnz,
		    p.factors, p.solver == ALS_CG ? "conjugate gradient" :
		    "Cholesky", p.threads, comm_size(cm) > 1 ? " per rank" : "");
	if (als_fit_part(&m, cm, &p, &mod, (cc.verbose || p.loss) &&
	    comm_rank(cm) == 0 ? show_progress : NULL, &total, &st, &e) != 0)
		die(cm, &e);
	if (comm_rank(cm) == 0 && als_model_save(&mod, cc.output, &e) != 0)
		e.code = e.code != 0 ? e.code : EX_SOFTWARE;
	if (comm_fail(cm, e.code, &e) != 0)
		die(cm, &e);
	if (cc.verbose && comm_size(cm) > 1)
		show_ranks(cm, &st, p.iterations);
	if (cc.verbose && comm_rank(cm) == 0) {
		rs_warnx("%u iterations in %.2f s (%.3f s per iteration)",
		    p.iterations, total, p.iterations > 0 ?
		    total / p.iterations : 0.0);
		rs_warnx("matrix mapped to model written in %.2f s on %u "
		    "process%s", util_mono_s() - t0, comm_size(cm),
		    comm_size(cm) > 1 ? "es" : "");
	}
	als_model_free(&mod);
	matrix_close(&m);
	mpi_end(cm);
	cli_exit_ok();
}

/* "als-fit: iteration 3/50: 0.214 s[, loss 0.0123]" */
static void
show_progress(const als_progress *pr, void *arg)
{
	double *total = arg;

	*total += pr->seconds;
	if (isnan(pr->loss))
		rs_warnx("iteration %u/%u: %.3f s", pr->iteration,
		    pr->iterations, pr->seconds);
	else
		rs_warnx("iteration %u/%u: %.3f s, loss %.9g", pr->iteration,
		    pr->iterations, pr->seconds, pr->loss);
}

#ifdef HAVE_MPI
/* The collectives of comm.h on MPI_COMM_WORLD.  Counts and offsets are in
 * elements of a contiguous type of elsize bytes, so that only element
 * counts (rows, entries) need to fit an int. */
static MPI_Datatype
mpi_type(size_t elsize)
{
	MPI_Datatype t;

	MPI_Type_contiguous((int)elsize, MPI_BYTE, &t);
	MPI_Type_commit(&t);
	return t;
}

/* counts as ints with their offsets; -1 when one does not fit. */
static int
mpi_counts(const size_t *counts, int size, int *ic, int *id)
{
	size_t at = 0;
	int r;

	for (r = 0; r < size; r++) {
		if (counts[r] > INT_MAX || at > INT_MAX)
			return -1;
		ic[r] = (int)counts[r];
		id[r] = (int)at;
		at += counts[r];
	}
	return 0;
}

static int
mpi_allgather(void *ctx, void *all, const size_t *counts, size_t elsize)
{
	int size = ((comm *)ctx)->size, rc = -1;
	int *ic = malloc(2 * (size_t)size * sizeof *ic);
	MPI_Datatype t;

	if (ic != NULL && elsize <= INT_MAX &&
	    mpi_counts(counts, size, ic, ic + size) == 0) {
		t = mpi_type(elsize);
		rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all, ic,
		    ic + size, t, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
		MPI_Type_free(&t);
	}
	free(ic);
	return rc;
}

static int
mpi_alltoall(void *ctx, const void *send, const size_t *scounts, void *recv,
    const size_t *rcounts, size_t elsize)
{
	int size = ((comm *)ctx)->size, rc = -1;
	int *ic = malloc(4 * (size_t)size * sizeof *ic);
	MPI_Datatype t;

	if (ic != NULL && elsize <= INT_MAX &&
	    mpi_counts(scounts, size, ic, ic + size) == 0 &&
	    mpi_counts(rcounts, size, ic + 2 * size, ic + 3 * size) == 0) {
		t = mpi_type(elsize);
		rc = MPI_Alltoallv(send, ic, ic + size, t, recv, ic + 2 * size,
		    ic + 3 * size, t, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
		MPI_Type_free(&t);
	}
	free(ic);
	return rc;
}

static int
mpi_sum_u64(void *ctx, uint64_t *v, size_t n)
{
	(void)ctx;
	while (n > 0) {
		int k = n > INT_MAX ? INT_MAX : (int)n;

		if (MPI_Allreduce(MPI_IN_PLACE, v, k, MPI_UINT64_T, MPI_SUM,
		    MPI_COMM_WORLD) != MPI_SUCCESS)
			return -1;
		v += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Started by an MPI launcher: mpirun (Open MPI, PMIx) or another PMI. */
static int
under_mpirun(void)
{
	return getenv("OMPI_COMM_WORLD_SIZE") != NULL ||
	    getenv("PMIX_RANK") != NULL || getenv("PMI_RANK") != NULL;
}

/* Ends MPI at any exit (--help, a usage error) that did not go through
 * mpi_end: mpirun counts a rank that exits without MPI_Finalize as
 * failed, whatever its status. */
static void
mpi_atexit(void)
{
	int done = 1;

	MPI_Finalized(&done);
	if (!done)
		MPI_Finalize();
}

/* Under mpirun: MPI started, and the comm of MPI_COMM_WORLD; else NULL
 * (a plain run never touches MPI). */
static comm *
mpi_start(int *argc, char ***argv)
{
	static comm world;
	int rank, size;

	if (!under_mpirun())
		return NULL;
	MPI_Init(argc, argv);
	atexit(mpi_atexit);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	world.rank = (unsigned)rank;
	world.size = (unsigned)size;
	world.ctx = &world;
	world.allgather = mpi_allgather;
	world.alltoall = mpi_alltoall;
	world.sum_u64 = mpi_sum_u64;
	return &world;
}

static void
mpi_end(const comm *c)
{
	if (c != NULL)
		MPI_Finalize();
}

/* Rank 0 prints one line per rank: its stripes and what it received. */
static void
show_ranks(const comm *c, const als_dist_stats *st, unsigned iterations)
{
	als_dist_stats *all = NULL;
	unsigned r;

	if (c->rank == 0 && (all = malloc(c->size * sizeof *all)) == NULL)
		return;
	MPI_Gather(st, (int)sizeof *st, MPI_BYTE, all, (int)sizeof *st,
	    MPI_BYTE, 0, MPI_COMM_WORLD);
	for (r = 0; c->rank == 0 && r < c->size; r++) {
		const als_dist_stats *s = &all[r];
		double it = iterations > 0 ? iterations : 1;

		rs_warnx("rank %u/%u: users [%zu, %zu) items [%zu, %zu), "
		    "%llu + %llu entries; received %.0f B setup, per "
		    "iteration %.0f B factor rows + %.0f B Gram blocks "
		    "(owner-to-needer: %llu B of rows)", r, c->size,
		    s->user_lo, s->user_hi, s->item_lo, s->item_hi,
		    (unsigned long long)s->user_nnz,
		    (unsigned long long)s->item_nnz, (double)s->setup_bytes,
		    (double)s->factor_bytes / it, (double)s->gram_bytes / it,
		    (unsigned long long)s->needed_bytes);
	}
	free(all);
}
#else
static comm *
mpi_start(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return NULL;
}

static void
mpi_end(const comm *c)
{
	(void)c;
}

static void
show_ranks(const comm *c, const als_dist_stats *st, unsigned iterations)
{
	(void)c;
	(void)st;
	(void)iterations;
}
#endif

/*
 * Under mpirun every rank parses the same arguments and finds the same
 * usage error (or prints the same --help): only rank 0 says it.  The
 * others' standard output and error go to /dev/null until args_done puts
 * them back (saved: the originals, -1 when nothing was moved).
 */
static void
args_quiet(const comm *c, int saved[2])
{
	int fd;

	saved[0] = saved[1] = -1;
	if (comm_rank(c) == 0 || (fd = open("/dev/null", O_WRONLY)) < 0)
		return;
	saved[0] = dup(1);
	saved[1] = dup(2);
	if (saved[0] >= 0 && saved[1] >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close(fd);
}

static void
args_done(int saved[2])
{
	fflush(stdout);
	fflush(stderr);
	if (saved[0] >= 0 && saved[1] >= 0) {
		dup2(saved[0], 1);
		dup2(saved[1], 2);
	}
	if (saved[0] >= 0)
		close(saved[0]);
	if (saved[1] >= 0)
		close(saved[1]);
}

/* Every rank ends with the agreed status; only the rank that found the
 * error has a message to print. */
static noreturn void
die(const comm *c, const rs_err *e)
{
	int code = e->code != 0 ? e->code : EX_SOFTWARE;

	if (e->msg[0] != '\0')
		rs_warnx("%s", e->msg);
	mpi_end(c);
	exit(code);
}
