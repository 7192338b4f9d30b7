/*
 * als-fit: weighted implicit-feedback ALS (the model of implicit 0.7) on the
 * user x item matrix written by interactions-weight.  Writes the factors
 * and every parameter to a model file (container kind "alsmodel",
 * als-model(5)) that als-recommend reads.  See als-fit(1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "als.h"
#include "cli.h"
#include "rs_err.h"
#include "matrix.h"

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
};

static void show_progress(const als_progress *pr, void *arg);

int
main(int argc, char **argv)
{
	const char *why;
	int cg_steps_given = 0, c;
	cli_common cc = {0};
	double total = 0;
	als_params p;
	als_model mod;
	rs_err e = {0};
	csr m;

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

	if (matrix_load(&m, argv[optind], &e) != 0)
		rs_die_err(&e);
	if (cc.verbose)
		rs_warnx("%s: %zu users x %zu items, %zu entries; %u factors, "
		    "%s, %u threads", argv[optind], m.rows, m.cols, m.nnz,
		    p.factors, p.solver == ALS_CG ? "conjugate gradient" :
		    "Cholesky", p.threads);
	if (als_fit(&m, &p, &mod, cc.verbose || p.loss ? show_progress : NULL,
	    &total, &e) != 0)
		rs_die_err(&e);
	if (als_model_save(&mod, cc.output, &e) != 0)
		rs_die_err(&e);
	if (cc.verbose)
		rs_warnx("%u iterations in %.2f s (%.3f s per iteration)",
		    p.iterations, total, p.iterations > 0 ?
		    total / p.iterations : 0.0);
	als_model_free(&mod);
	matrix_close(&m);
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
