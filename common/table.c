/* table.c: see table.h. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

int
table_init(table *t, const char *const *header, size_t ncols,
    size_t nleft)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->nleft = nleft;
	if ((t->width = calloc(ncols ? ncols : 1, sizeof *t->width)) == NULL)
		return -1;
	return table_add(t, header);
}

int
table_add(table *t, const char *const *cells)
{
	char **line;
	size_t i;

	if (t->nlines == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		char **p = realloc(t->cells, cap * t->ncols * sizeof *p);

		if (p == NULL)
			return -1;
		t->cells = p;
		t->cap = cap;
	}
	line = t->cells + t->nlines * t->ncols;
	for (i = 0; i < t->ncols; i++)
		if ((line[i] = strdup(cells[i])) == NULL) {
			while (i-- > 0)
				free(line[i]);
			return -1;
		}
	for (i = 0; i < t->ncols; i++)
		if (strlen(line[i]) > t->width[i])
			t->width[i] = strlen(line[i]);
	for (i = 0; i < t->ncols; i++)
		if (t->width[i] == 0)
			t->width[i] = 1;     /* room for the "-" of an empty cell */
	t->nlines++;
	return 0;
}

void
table_write(const table *t, FILE *fp, int aligned)
{
	size_t r, c;

	for (r = 0; r < t->nlines; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			int last = c + 1 == t->ncols;

			if (aligned && *s == '\0')
				s = "-";

			if (!aligned)
				fprintf(fp, "%s%c", s, last ? '\n' : '\t');
			else if (c < t->nleft && last)
				fprintf(fp, "%s\n", s);
			else if (c < t->nleft)
				fprintf(fp, "%-*s  ", (int)t->width[c], s);
			else
				fprintf(fp, "%*s%s", (int)t->width[c], s,
				    last ? "\n" : "  ");
		}
}

void
table_free(table *t)
{
	size_t i;

	for (i = 0; i < t->nlines * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	memset(t, 0, sizeof *t);
}
