/* ledger.c: see ledger.h. */
#include "ledger.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "infile.h"
#include "num.h"
#include "util.h"

/* Splits the line (owned by r) into its fields, checking each. */
static int
parse_row(ledger_row *r, const char *path, rs_err *e)
{
	size_t cap = 0, i, j;
	char *p = r->line, *tab, *eq;
	unsigned fieldno = 0;

	if (*p == '\0')
		return rs_errf(e, EX_DATAERR, "%s:%llu: an empty row", path,
		    r->lineno);
	for (;;) {
		fieldno++;
		tab = strchr(p, '\t');
		if (tab != NULL)
			*tab = '\0';
		if ((eq = strchr(p, '=')) == NULL)
			return rs_field_err(e, path, r->lineno, fieldno, NULL,
			    "no \"=\" between a name and a value", p);
		if (eq == p)
			return rs_field_err(e, path, r->lineno, fieldno, NULL,
			    "an empty name", p);
		*eq = '\0';
		if (r->n == cap) {
			ledger_field *nf = util_grow(r->f, &cap, r->n + 1,
			    sizeof *nf);

			if (nf == NULL)
				return rs_oom(e);
			r->f = nf;
		}
		r->f[r->n].name = p;
		r->f[r->n].value = eq + 1;
		r->n++;
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	if (strcmp(r->f[0].name, "run") != 0 || r->f[0].value[0] == '\0')
		return rs_field_err(e, path, r->lineno, 1, NULL,
		    "a row starts with run=ID", r->f[0].name);
	/* Rows hold ~150 fields: a quadratic check costs nothing. */
	for (i = 1; i < r->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(r->f[i].name, r->f[j].name) == 0)
				return rs_field_err(e, path, r->lineno,
				    (unsigned)i + 1, NULL, "a name given twice",
				    r->f[i].name);
	return 0;
}

int
ledger_load(ledger *l, const char *path, rs_err *e)
{
	infile *in;
	char *line;
	size_t len, cap = 0;
	unsigned long long lineno = 0;
	int rc;

	memset(l, 0, sizeof *l);
	if (path == NULL)
		path = "-";
	if ((in = infile_open(path, e)) == NULL)
		return e->code;
	while ((rc = infile_line(in, &line, &len, e)) == 1) {
		ledger_row *r;

		lineno++;
		if (l->n == cap) {
			ledger_row *nr = util_grow(l->rows, &cap, l->n + 1,
			    sizeof *nr);

			if (nr == NULL) {
				rc = rs_oom(e);
				break;
			}
			l->rows = nr;
		}
		r = &l->rows[l->n];
		memset(r, 0, sizeof *r);
		r->lineno = lineno;
		if ((r->line = malloc(len + 1)) == NULL) {
			rc = rs_oom(e);
			break;
		}
		memcpy(r->line, line, len + 1);
		l->n++;
		if ((rc = parse_row(r, path, e)) != 0)
			break;
	}
	infile_close(in);
	if (rc != 0) {
		ledger_free(l);
		return e->code ? e->code : rc;
	}
	return 0;
}

void
ledger_free(ledger *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->rows[i].line);
		free(l->rows[i].f);
	}
	free(l->rows);
	memset(l, 0, sizeof *l);
}

const char *
ledger_get(const ledger_row *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->f[i].name, name) == 0)
			return r->f[i].value;
	return NULL;
}

const char *
ledger_id(const ledger_row *r)
{
	return r->f[0].value;
}

int
ledger_is_latest(const ledger *l, size_t i)
{
	size_t j;

	for (j = i + 1; j < l->n; j++)
		if (strcmp(ledger_id(&l->rows[j]), ledger_id(&l->rows[i])) == 0)
			return 0;
	return 1;
}

const ledger_row *
ledger_find(const ledger *l, const char *ref, rs_err *e)
{
	const ledger_row *hit = NULL;
	size_t i, len = strlen(ref);

	/* An exact id wins over a prefix of a longer one. */
	for (i = l->n; i-- > 0;)
		if (strcmp(ledger_id(&l->rows[i]), ref) == 0)
			return &l->rows[i];
	for (i = l->n; i-- > 0;) {
		const char *id = ledger_id(&l->rows[i]);
		const char *key = strrchr(id, '-');

		key = key ? key + 1 : id;
		if (len == 0 || (strncmp(id, ref, len) != 0 &&
		    strncmp(key, ref, len) != 0) || !ledger_is_latest(l, i))
			continue;
		if (hit != NULL) {
			rs_errf(e, EX_DATAERR, "run \"%s\" is ambiguous: "
			    "%s, %s", ref, ledger_id(hit), id);
			return NULL;
		}
		hit = &l->rows[i];
	}
	if (hit == NULL)
		rs_errf(e, EX_DATAERR, "no run \"%s\" in the ledger", ref);
	return hit;
}

int
ledger_number(const char *value, double *v)
{
	if (num_double(value, v) != NULL || !isfinite(*v))
		return -1;
	return 0;
}

const ledger_row **
ledger_rows(const ledger *l, int latest, size_t *n)
{
	const ledger_row **v = malloc((l->n ? l->n : 1) * sizeof *v);
	size_t i;

	*n = 0;
	if (v == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (!latest || ledger_is_latest(l, i))
			v[(*n)++] = &l->rows[i];
	return v;
}

const char **
ledger_names(const ledger_row *const *rows, size_t n, const char *prefix,
    size_t *k)
{
	size_t cap = 0, i, j, m, len = strlen(prefix);
	const char **v = NULL, **nv;

	*k = 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < rows[i]->n; j++) {
			const char *name = rows[i]->f[j].name;

			if (strncmp(name, prefix, len) != 0)
				continue;
			for (m = 0; m < *k && strcmp(v[m], name) != 0; m++)
				;
			if (m < *k)
				continue;
			if (*k == cap) {
				if ((nv = util_grow(v, &cap, *k + 1,
				    sizeof *nv)) == NULL) {
					free(v);
					*k = 0;
					return NULL;
				}
				v = nv;
			}
			v[(*k)++] = name;
		}
	return v;
}

int
ledger_differs(const ledger_row *const *rows, size_t n, const char *name)
{
	const char *a = n ? ledger_get(rows[0], name) : NULL, *b;
	size_t i;

	for (i = 1; i < n; i++) {
		b = ledger_get(rows[i], name);
		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
			return 1;
	}
	return 0;
}
