/* popular_tsv.c: see popular_tsv.h. */
#include "popular_tsv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "num.h"
#include "tsv.h"
#include "weights.h"
#include "util.h"

const char *const popular_tsv_cols[4] = {"item", "category", "count", "score"};

static int
grow(popular_tsv *p, size_t cap)
{
	return util_resize(&p->item, cap, sizeof *p->item) ||
	    util_resize(&p->category, cap, sizeof *p->category) ||
	    util_resize(&p->count, cap, sizeof *p->count) ||
	    util_resize(&p->score, cap, sizeof *p->score) ? -1 : 0;
}

int
popular_tsv_load(popular_tsv *p, const char *path, rs_err *e)
{
	size_t cap = 0;
	idmap seen;
	tsv_reader *t;
	char **f;
	int rc;

	memset(p, 0, sizeof *p);
	if (idmap_init(&seen, 0) != 0)
		return rs_oom(e);
	if ((t = tsv_reader_open(path, popular_tsv_cols, 4, e)) == NULL) {
		idmap_free(&seen);
		return e != NULL ? e->code : EX_NOINPUT;
	}
	while ((rc = tsv_reader_next(t, &f, e)) == 1) {
		uint64_t id, cat;
		double count, score;
		const char *why;
		int added;

		if ((why = num_u64(f[0], &id)) != NULL) {
			rc = tsv_reader_field_err(t, e, 0, why);
			break;
		}
		if (f[1][0] == '\0')
			cat = POPULAR_TSV_NO_CATEGORY;
		else if ((why = num_u64(f[1], &cat)) != NULL ||
		    cat == POPULAR_TSV_NO_CATEGORY) {
			if (why == NULL)
				why = "out of range";
			rc = tsv_reader_field_err(t, e, 1, why);
			break;
		}
		if ((why = num_double(f[2], &count)) != NULL || count < 0) {
			rc = tsv_reader_field_err(t, e, 2, why != NULL ? why :
			    "negative count");
			break;
		}
		if ((why = num_double(f[3], &score)) != NULL) {
			rc = tsv_reader_field_err(t, e, 3, why);
			break;
		}
		if (idmap_put(&seen, id, &added) < 0) {
			rc = rs_oom(e);
			break;
		}
		if (!added) {
			rc = tsv_reader_field_err(t, e, 0, "duplicate item");
			break;
		}
		if (p->n == cap) {
			cap = cap ? cap * 2 : 1024;
			if (grow(p, cap) != 0) {
				rc = rs_oom(e);
				break;
			}
		}
		p->item[p->n] = id;
		p->category[p->n] = cat;
		p->count[p->n] = count;
		p->score[p->n] = score;
		p->n++;
	}
	tsv_reader_close(t);
	idmap_free(&seen);
	if (rc != 0) {
		popular_tsv_free(p);
		return rc;
	}
	return 0;
}

void
popular_tsv_free(popular_tsv *p)
{
	free(p->item);
	free(p->category);
	free(p->count);
	free(p->score);
	memset(p, 0, sizeof *p);
}

void
popular_tsv_write(FILE *fp, const popular_entry *list, size_t n, size_t limit,
    const items *it)
{
	size_t i;

	tsv_write_header(fp, popular_tsv_cols, 4);
	if (limit != 0 && limit < n)
		n = limit;
	for (i = 0; i < n; i++) {
		char num[40];
		int64_t at = it != NULL ? items_find(it, list[i].item) : -1;

		tsv_put_u64(fp, list[i].item);
		tsv_put_ch(fp, '\t');
		if (at >= 0)
			tsv_put_u64(fp, it->category[at]);
		tsv_put_ch(fp, '\t');
		weights_fmt_double(list[i].count, num, sizeof num);
		tsv_put_str(fp, num);
		tsv_put_ch(fp, '\t');
		snprintf(num, sizeof num, "%.*f", POPULAR_TSV_SCORE_DIGITS,
		    list[i].count / list[0].count);
		tsv_put_str(fp, num);
		tsv_put_ch(fp, '\n');
	}
}
