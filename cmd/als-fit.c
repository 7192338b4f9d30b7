/*
 * als-fit: weighted implicit-feedback ALS (the model of implicit 0.7) on the
 * user x item matrix written by interactions-weight.  Writes the factors
 * and every parameter to a model file (container kind "alsmodel",
 * als-model(5)) that als-recommend reads.  See als-fit(1).
 */
#include <getopt.h>
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

static const char help_text[] =
    "  -f, --factors N      latent factors (default 50)\n"
    "  -r, --reg REG        regularization, plain REG*I (default 0.05)\n"
    "  -i, --iterations N   iterations, each users then items (default 50)\n"
    "  -a, --alpha ALPHA    confidence = ALPHA * value (default 1)\n"
    "      --cg-steps N     conjugate gradient steps per row (default 3)\n"
    "      --cholesky       exact solve per row instead of CG\n"
    "  -s, --seed SEED      seed of the initial factors (default 123)\n"
    "  -t, --threads N      threads (default: all cores)\n"
    "      --loss           compute and show the training loss each "
    "iteration\n"
    "  -o, --output MODEL   model file (atomic; - for stdout)\n"
    "  -v, --verbose        one line per iteration on standard error\n"
    "  -h, --help           this help\n";

enum { OPT_CG_STEPS = 256, OPT_CHOLESKY, OPT_LOSS };

static const struct option longopts[] = {
	{"factors", required_argument, NULL, 'f'},
	{"reg", required_argument, NULL, 'r'},
	{"iterations", required_argument, NULL, 'i'},
	{"alpha", required_argument, NULL, 'a'},
	{"cg-steps", required_argument, NULL, OPT_CG_STEPS},
	{"cholesky", no_argument, NULL, OPT_CHOLESKY},
	{"seed", required_argument, NULL, 's'},
	{"threads", required_argument, NULL, 't'},
	{"loss", no_argument, NULL, OPT_LOSS},
	{"output", required_argument, NULL, 'o'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

static void show_progress(const als_progress *pr, void *arg);

int
main(int argc, char **argv)
{
	const char *out = NULL, *why;
	int verbose = 0, cg_steps_given = 0, c;
	double total = 0;
	als_params p;
	als_model mod;
	rs_err e = {0};
	csr m;

	cli_init(argc, argv);
	als_params_default(&p);
	p.threads = (unsigned)cli_ncpu();
	while ((c = getopt_long(argc, argv, "f:r:i:a:s:t:o:vh", longopts,
	    NULL)) != -1)
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
		case 'o':
			out = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			cli_help(usage_text, help_text);
		default:
			cli_bad_option(usage_text);
		}
	if (p.solver == ALS_CHOLESKY && cg_steps_given)
		cli_usage_error(usage_text, "--cg-steps and --cholesky "
		    "exclude each other");
	if (out == NULL)
		cli_usage_error(usage_text, "-o MODEL is required");
	if (argc - optind != 1)
		cli_usage_error(usage_text, "expected one MATRIX operand");
	if (p.threads > ALS_MAX_THREADS)
		p.threads = ALS_MAX_THREADS;
	if ((why = als_check_params(&p)) != NULL)
		cli_usage_error(usage_text, "%s", why);

	if (matrix_load(&m, argv[optind], &e) != 0)
		rs_die_err(&e);
	if (verbose)
		rs_warnx("%s: %zu users x %zu items, %zu entries; %u factors, "
		    "%s, %u threads", argv[optind], m.rows, m.cols, m.nnz,
		    p.factors, p.solver == ALS_CG ? "conjugate gradient" :
		    "Cholesky", p.threads);
	if (als_fit(&m, &p, &mod, verbose || p.loss ? show_progress : NULL,
	    &total, &e) != 0)
		rs_die_err(&e);
	if (als_model_save(&mod, out, &e) != 0)
		rs_die_err(&e);
	if (verbose)
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
