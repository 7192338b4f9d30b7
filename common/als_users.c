/* als_users.c: the user list of a run over a model; see als.h. */
#include <stdlib.h>
#include <string.h>

#include "als.h"
#include "num.h"
#include "tsv.h"
#include "util.h"

int
als_user_list_read(als_user_list *ul, const char *path, const als_model *mod,
    rs_err *e)
{
	static const char *const hdr[1] = {"user"};
	unsigned char *taken = NULL;
	size_t cap = 0;
	char **fields;
	tsv_reader *t;
	int rc;

	memset(ul, 0, sizeof *ul);
	if ((t = tsv_reader_open(path, hdr, 1, e)) == NULL)
		return e->code;
	if ((taken = calloc(mod->users + 1, 1)) == NULL ||
	    (ul->name = strdup(tsv_reader_name(t))) == NULL) {
		rc = rs_errf(e, EX_SOFTWARE, "out of memory");
		goto done;
	}
	while ((rc = tsv_reader_next(t, &fields, e)) == 1) {
		const char *why;
		uint32_t *p;
		uint64_t id;
		int64_t row;

		if ((why = num_u64(fields[0], &id)) != NULL) {
			rc = tsv_reader_field_err(t, e, 0, why);
			goto done;
		}
		if ((row = util_u64_find(mod->user_ids, mod->users, id)) < 0) {
			if (ul->nshown < ALS_USERS_SHOWN) {
				ul->shown[ul->nshown].line =
				    (unsigned long long)tsv_reader_lineno(t);
				ul->shown[ul->nshown++].id = id;
			}
			ul->unknown++;
			continue;
		}
		if (taken[row]) {
			ul->dups++;
			continue;
		}
		taken[row] = 1;
		if ((p = util_grow(ul->rows, &cap, ul->n + 1,
		    sizeof *ul->rows)) == NULL) {
			rc = rs_errf(e, EX_SOFTWARE, "out of memory");
			goto done;
		}
		ul->rows = p;
		ul->rows[ul->n++] = (uint32_t)row;
	}
done:
	tsv_reader_close(t);
	free(taken);
	if (rc == 0)
		return 0;
	als_user_list_free(ul);
	return e->code != 0 ? e->code : EX_SOFTWARE;
}

void
als_user_list_free(als_user_list *ul)
{
	free(ul->rows);
	free(ul->name);
	memset(ul, 0, sizeof *ul);
}
