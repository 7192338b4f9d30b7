/* als_model.c: parameters, model files and id lookup; see als.h. */
#include "als.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- parameters ---- */

void
als_params_default(als_params *p)
{
	memset(p, 0, sizeof *p);
	p->factors = 50;
	p->reg = 0.05;
	p->alpha = 1;
	p->iterations = 50;
	p->solver = ALS_CG;
	p->cg_steps = 3;
	p->seed = 123;
	p->threads = 1;
}

const char *
als_check_params(const als_params *p)
{
	if (p->factors < 1 || p->factors > ALS_MAX_FACTORS)
		return "the number of factors must be 1 to 1024";
	if (!(p->reg >= 0) || !isfinite(p->reg))
		return "the regularization must be a finite number >= 0";
	if (!(p->alpha > 0) || !isfinite(p->alpha))
		return "alpha must be a finite number > 0";
	if (p->iterations > 100000)
		return "the number of iterations must be 0 to 100000";
	if (p->solver != ALS_CG && p->solver != ALS_CHOLESKY)
		return "unknown solver";
	if (p->solver == ALS_CG && (p->cg_steps < 1 || p->cg_steps > 1000))
		return "the number of CG steps must be 1 to 1000";
	if (p->threads < 1 || p->threads > ALS_MAX_THREADS)
		return "the number of threads must be 1 to 256";
	return NULL;
}


/* ---- model files ---- */

/* The shortest of %.15g..%.17g that reads back as v. */
static void
fmt_double(char *buf, size_t size, double v)
{
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, size, "%.17g", v);
}

int
als_model_save(const als_model *mod, const char *path, rs_err *e)
{
	char reg[32], alpha[32];
	container_writer *w = container_writer_new(ALS_KIND, ALS_VERSION);
	const als_params *p = &mod->params;
	int rc;

	if (w == NULL)
		return rs_errf(e, EX_SOFTWARE, "out of memory");
	container_writer_param(w, "users", "%zu", mod->users);
	container_writer_param(w, "items", "%zu", mod->items);
	container_writer_param(w, "factors", "%zu", mod->factors);
	fmt_double(reg, sizeof reg, p->reg);
	fmt_double(alpha, sizeof alpha, p->alpha);
	container_writer_param(w, "regularization", "%s", reg);
	container_writer_param(w, "alpha", "%s", alpha);
	container_writer_param(w, "iterations", "%u", p->iterations);
	container_writer_param(w, "solver", "%s", p->solver == ALS_CG ? "cg" : "cholesky");
	container_writer_param(w, "cg_steps", "%u", p->solver == ALS_CG ? p->cg_steps : 0);
	container_writer_param(w, "seed", "%llu", (unsigned long long)p->seed);
	container_writer_param(w, "source", "%s", mod->source);
	container_writer_param(w, "source_nnz", "%llu",
	    (unsigned long long)mod->source_nnz);
	container_writer_section(w, "user_ids", mod->user_ids,
	    mod->users * sizeof(uint64_t));
	container_writer_section(w, "item_ids", mod->item_ids,
	    mod->items * sizeof(uint64_t));
	container_writer_section(w, "user_factors", mod->user_factors,
	    mod->users * mod->factors * sizeof(float));
	container_writer_section(w, "item_factors", mod->item_factors,
	    mod->items * mod->factors * sizeof(float));
	rc = container_writer_write(w, path, e);
	container_writer_free(w);
	return rc;
}

static int
model_bad(als_model *mod, rs_err *e, const char *fmt, const char *what,
    size_t where)
{
	char msg[256];

	snprintf(msg, sizeof msg, fmt, what, where);
	rs_errf(e, EX_DATAERR, "%s: corrupt model: %s", mod->file.path, msg);
	als_model_free(mod);
	return EX_DATAERR;
}

int
als_model_load(als_model *mod, const char *path, rs_err *e)
{
	uint64_t users, items, factors, v;
	const void *q;
	char solver[16];
	size_t n, i;
	int rc;

	memset(mod, 0, sizeof *mod);
	if ((rc = container_open(&mod->file, path, ALS_KIND, ALS_VERSION,
	    CONTAINER_VERIFY, e)) != 0)
		return rc;
	mod->mapped = 1;
	if ((rc = container_param_u64(&mod->file, "users", &users, e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "items", &items, e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "factors", &factors, e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "iterations", &v, e)) != 0)
		goto fail;
	if (factors < 1 || factors > ALS_MAX_FACTORS)
		return model_bad(mod, e, "%s: %zu", "bad number of factors",
		    (size_t)factors);
	if (items > UINT32_MAX || users > UINT32_MAX)
		return model_bad(mod, e, "%s (%zu)", "too many rows",
		    (size_t)(items > users ? items : users));
	mod->params.iterations = (unsigned)v;
	if ((rc = container_param_u64(&mod->file, "seed", &mod->params.seed,
	    e)) != 0 ||
	    (rc = container_param_double(&mod->file, "regularization",
	    &mod->params.reg, e)) != 0 ||
	    (rc = container_param_double(&mod->file, "alpha", &mod->params.alpha,
	    e)) != 0 ||
	    (rc = container_param_u64(&mod->file, "cg_steps", &v, e)) != 0)
		goto fail;
	mod->params.cg_steps = (unsigned)v;
	if (container_param(&mod->file, "solver", solver, sizeof solver) != 0 ||
	    (strcmp(solver, "cg") != 0 && strcmp(solver, "cholesky") != 0))
		return model_bad(mod, e, "%s%zu", "no valid solver parameter",
		    0);
	mod->params.solver = solver[0] == 'c' && solver[1] == 'g' ?
	    ALS_CG : ALS_CHOLESKY;
	mod->params.factors = (unsigned)factors;
	mod->params.threads = 1;
	if (container_param(&mod->file, "source", mod->source,
	    sizeof mod->source) != 0)
		mod->source[0] = '\0';
	mod->users = users;
	mod->items = items;
	mod->factors = factors;
	if ((rc = container_array(&mod->file, "user_ids", 8, users, &q, &n,
	    e)) != 0)
		goto fail;
	mod->user_ids = q;
	if ((rc = container_array(&mod->file, "item_ids", 8, items, &q, &n,
	    e)) != 0)
		goto fail;
	mod->item_ids = q;
	if ((rc = container_array(&mod->file, "user_factors", 4, users * factors,
	    &q, &n, e)) != 0)
		goto fail;
	mod->user_factors = q;
	if ((rc = container_array(&mod->file, "item_factors", 4, items * factors,
	    &q, &n, e)) != 0)
		goto fail;
	mod->item_factors = q;
	for (i = 1; i < users; i++)
		if (mod->user_ids[i] <= mod->user_ids[i - 1])
			return model_bad(mod, e, "%s (at %zu)",
			    "user ids not ascending", i);
	for (i = 1; i < items; i++)
		if (mod->item_ids[i] <= mod->item_ids[i - 1])
			return model_bad(mod, e, "%s (at %zu)",
			    "item ids not ascending", i);
	for (i = 0; i < users * factors; i++)
		if (!isfinite(mod->user_factors[i]))
			return model_bad(mod, e, "%s (at %zu)",
			    "user factor not finite", i);
	for (i = 0; i < items * factors; i++)
		if (!isfinite(mod->item_factors[i]))
			return model_bad(mod, e, "%s (at %zu)",
			    "item factor not finite", i);
	return 0;
fail:
	als_model_free(mod);
	return rc;
}

void
als_model_free(als_model *mod)
{
	if (mod->mapped)
		container_close(&mod->file);
	free(mod->own[0]);
	free(mod->own[1]);
	free(mod->own[2]);
	memset(mod, 0, sizeof *mod);
}

int64_t
als_find_id(const uint64_t *ids, size_t n, uint64_t id)
{
	return util_u64_find(ids, n, id);
}
