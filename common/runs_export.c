/* runs_export.c: see runs_export.h. */
#include "runs_export.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Every path is built from dir (at most DIR_MAX bytes, checked, and so is
 * its absolute form), a run id (< 256) and a name (< 1024): PATH_CAP holds
 * any of them. */
#define DIR_MAX  3000
#define PATH_CAP 8192

#define EXPERIMENT_ID   "0"
#define EXPERIMENT_NAME "recsys-ecom"

/* snprintf into a PATH_CAP buffer that the bounds above make large enough. */
static void __attribute__((format(printf, 2, 3)))
pathf(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PATH_CAP, fmt, ap);
	va_end(ap);
}

/* "2026-12-06T01:45:38Z" as milliseconds since the epoch; 0 if malformed. */
static long long
iso_ms(const char *s)
{
	struct tm tm;
	char z = 0;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &z) != 7 || z != 'Z')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm) * 1000;
}

/* MLflow's names: letters, digits and "_.-/ " ("_-" in a run id, which
 * also starts with a letter or digit: "r" goes first when it would not);
 * any other character becomes "_". */
static void
mlflow_name(char *dst, size_t cap, const char *src, int run_id)
{
	size_t i = 0;

	if (run_id && !isalnum((unsigned char)src[0]) && cap > 1)
		dst[i++] = 'r';
	for (; *src != '\0' && i + 1 < cap; src++) {
		char c = *src;
		int ok = isalnum((unsigned char)c) || c == '_' || c == '-' ||
		    (!run_id && (c == '.' || c == ' ' || c == '/'));

		dst[i++] = ok ? c : '_';
	}
	dst[i] = '\0';
}

static int
write_file(const char *path, const char *text, rs_err *e)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		return rs_errf(e, EX_CANTCREAT, "%s: %s", path, strerror(errno));
	fputs(text, fp);
	if (ferror(fp) | fclose(fp))
		return rs_errf(e, EX_IOERR, "%s: write failed", path);
	return 0;
}

static int
make_dir(const char *path, rs_err *e)
{
	if (mkdir(path, 0777) != 0)
		return rs_errf(e, EX_CANTCREAT, "%s: %s", path, strerror(errno));
	return 0;
}

/* A YAML string, single-quoted ('' for a quote inside). */
static void
yaml_str(FILE *fp, const char *key, const char *v)
{
	fprintf(fp, "%s: '", key);
	for (; *v != '\0'; v++) {
		if (*v == '\'')
			fputc('\'', fp);
		fputc(*v, fp);
	}
	fputs("'\n", fp);
}

static int
run_meta(const char *path, const char *root, const char *rid,
    const ledger_row *r, rs_err *e)
{
	FILE *fp = fopen(path, "w");
	char uri[PATH_CAP];

	if (fp == NULL)
		return rs_errf(e, EX_CANTCREAT, "%s: %s", path, strerror(errno));
	/* yaml.safe_dump's order: keys sorted. */
	pathf(uri, "file://%s/" EXPERIMENT_ID "/%s/artifacts",
	    root, rid);
	yaml_str(fp, "artifact_uri", uri);
	fputs("deleted_time: null\n", fp);
	fprintf(fp, "end_time: %lld\n", iso_ms(ledger_get(r, "end")));
	yaml_str(fp, "entry_point_name", "");
	yaml_str(fp, "experiment_id", EXPERIMENT_ID);
	fputs("lifecycle_stage: active\n", fp);
	yaml_str(fp, "run_id", rid);
	yaml_str(fp, "run_name", ledger_id(r));
	yaml_str(fp, "run_uuid", rid);
	yaml_str(fp, "source_name", "");
	fputs("source_type: 4\n", fp);          /* SourceType.LOCAL */
	yaml_str(fp, "source_version", "");
	fprintf(fp, "start_time: %lld\n", iso_ms(ledger_get(r, "start")));
	fputs("status: 3\n", fp);               /* RunStatus.FINISHED */
	fputs("tags: []\n", fp);
	yaml_str(fp, "user_id", "recsys-ecom");
	if (ferror(fp) | fclose(fp))
		return rs_errf(e, EX_IOERR, "%s: write failed", path);
	return 0;
}

/* Writes DIR/SUB/NAME holding text. */
static int
put(const char *dir, const char *sub, const char *name, const char *text,
    rs_err *e)
{
	char path[PATH_CAP], clean[1024];

	mlflow_name(clean, sizeof clean, name, 0);
	pathf(path, "%s/%s/%s", dir, sub, clean);
	return write_file(path, text, e);
}

static int
export_run(const char *tmp, const char *root, const ledger_row *r, rs_err *e)
{
	char rid[256], dir[PATH_CAP], sub[PATH_CAP], line[512];
	long long end = iso_ms(ledger_get(r, "end"));
	const char *v;
	size_t i;
	int rc;
	double x;

	mlflow_name(rid, sizeof rid, ledger_id(r), 1);
	pathf(dir, "%s/" EXPERIMENT_ID "/%s", tmp, rid);
	if ((rc = make_dir(dir, e)) != 0)
		return rc;
	pathf(sub, "%s/meta.yaml", dir);
	if ((rc = run_meta(sub, root, rid, r, e)) != 0)
		return rc;
	for (i = 0; i < 4; i++) {
		static const char *const subs[] = {"metrics", "params", "tags",
		    "artifacts"};

		pathf(sub, "%s/%s", dir, subs[i]);
		if ((rc = make_dir(sub, e)) != 0)
			return rc;
	}
	if ((rc = put(dir, "tags", "mlflow.runName", ledger_id(r), e)) != 0)
		return rc;
	if ((v = ledger_get(r, "version")) != NULL &&
	    (rc = put(dir, "tags", "mlflow.source.git.commit", v, e)) != 0)
		return rc;
	if ((rc = put(dir, "tags", "mlflow.source.name", "pipeline.mk", e)) != 0)
		return rc;
	for (i = 0; i < r->n; i++) {
		const char *name = r->f[i].name;

		v = r->f[i].value;
		if (strncmp(name, "param.", 6) == 0)
			rc = put(dir, "params", name + 6, v, e);
		else if (strncmp(name, "metric.", 7) == 0 ||
		    strncmp(name, "stage.", 6) == 0) {
			/* A number of 480 characters is none we wrote. */
			if (ledger_number(v, &x) != 0 || strlen(v) > 480)
				continue;
			snprintf(line, sizeof line, "%lld %s 0\n", end, v);
			rc = put(dir, "metrics", name[0] == 'm' ? name + 7 :
			    name, line, e);
		} else if (strncmp(name, "input.", 6) == 0 ||
		    strncmp(name, "artifact.", 9) == 0)
			rc = put(dir, "tags", name, v, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int
rm_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
runs_mlflow_write(const ledger *l, const char *dir, rs_err *e)
{
	char tmp[PATH_CAP], old[PATH_CAP], root[PATH_CAP], path[PATH_CAP];
	const ledger_row **rows;
	struct stat st;
	size_t n, i;
	long long created = 0;
	int rc = 0;
	FILE *fp;

	if (strlen(dir) > DIR_MAX)
		return rs_errf(e, EX_USAGE, "%s: path too long", dir);
	if (stat(dir, &st) == 0) {
		pathf(path, "%s/" EXPERIMENT_ID "/meta.yaml", dir);
		pathf(tmp, "%s/.trash", dir);
		if (!S_ISDIR(st.st_mode) || access(path, F_OK) != 0 ||
		    access(tmp, F_OK) != 0)
			return rs_errf(e, EX_CANTCREAT, "%s: exists and is not "
			    "an MLflow export of rec-runs", dir);
	}
	pathf(tmp, "%s.XXXXXX", dir);
	if (mkdtemp(tmp) == NULL)
		return rs_errf(e, EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
	/* The artifact locations name the final directory, absolutely. */
	if (realpath(tmp, root) == NULL) {
		rc = rs_errf(e, EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (strlen(root) > DIR_MAX) {
		rc = rs_errf(e, EX_USAGE, "%s: path too long", root);
		goto fail;
	}
	{
		char *slash = strrchr(root, '/');
		const char *base = strrchr(dir, '/');

		base = base ? base + 1 : dir;
		snprintf(slash + 1, sizeof root - (size_t)(slash + 1 - root),
		    "%s", base);
	}
	if ((rows = ledger_rows(l, 1, &n)) == NULL) {
		rc = rs_oom(e);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		long long t = iso_ms(ledger_get(rows[i], "start"));

		if (created == 0 || (t != 0 && t < created))
			created = t;
	}
	pathf(path, "%s/.trash", tmp);
	if ((rc = make_dir(path, e)) != 0)
		goto fail_rows;
	pathf(path, "%s/" EXPERIMENT_ID, tmp);
	if ((rc = make_dir(path, e)) != 0)
		goto fail_rows;
	pathf(path, "%s/" EXPERIMENT_ID "/meta.yaml", tmp);
	if ((fp = fopen(path, "w")) == NULL) {
		rc = rs_errf(e, EX_CANTCREAT, "%s: %s", path, strerror(errno));
		goto fail_rows;
	}
	fprintf(fp, "artifact_location: 'file://%s/" EXPERIMENT_ID "'\n", root);
	fprintf(fp, "creation_time: %lld\n", created);
	yaml_str(fp, "experiment_id", EXPERIMENT_ID);
	fprintf(fp, "last_update_time: %lld\n", created);
	fputs("lifecycle_stage: active\n", fp);
	yaml_str(fp, "name", EXPERIMENT_NAME);
	if (ferror(fp) | fclose(fp)) {
		rc = rs_errf(e, EX_IOERR, "%s: write failed", path);
		goto fail_rows;
	}
	for (i = 0; i < n; i++)
		if ((rc = export_run(tmp, root, rows[i], e)) != 0)
			goto fail_rows;
	free(rows);
	/* Into place: an earlier export is moved aside, then removed. */
	old[0] = '\0';
	if (stat(dir, &st) == 0) {
		pathf(old, "%s.old.XXXXXX", dir);
		if (mkdtemp(old) == NULL || rename(dir, old) != 0) {
			rc = rs_errf(e, EX_CANTCREAT, "%s: %s", dir,
			    strerror(errno));
			goto fail;
		}
	}
	if (rename(tmp, dir) != 0) {
		rc = rs_errf(e, EX_CANTCREAT, "%s: %s", dir, strerror(errno));
		if (old[0] != '\0')
			(void)rename(old, dir);
		goto fail;
	}
	if (old[0] != '\0')
		rm_tree(old);
	return 0;
fail_rows:
	free(rows);
fail:
	rm_tree(tmp);
	return rc;
}

/* ---- the HTML page ------------------------------------------------------ */

static void
html_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
}

static void
html_row_head(FILE *fp, const char *name, size_t skip)
{
	fputs("<tr><th>", fp);
	html_text(fp, name + skip);
	fputs("</th>", fp);
}

/* A table's first row: first, then the runs' ids. */
static void
html_table_head(FILE *fp, const ledger_row **rows, size_t n,
    const char *first)
{
	size_t i;

	fprintf(fp, "<table>\n<tr><th>%s</th>", first);
	for (i = 0; i < n; i++) {
		fputs("<th>", fp);
		html_text(fp, ledger_id(rows[i]));
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
}

/* A cell holding v (empty for NULL), of the class cls unless NULL. */
static void
html_cell(FILE *fp, const char *cls, const char *v)
{
	if (cls != NULL)
		fprintf(fp, "<td class=\"%s\">", cls);
	else
		fputs("<td>", fp);
	html_text(fp, v ? v : "");
	fputs("</td>", fp);
}

static void
html_params(FILE *fp, const ledger_row **rows, size_t n)
{
	const char **names;
	size_t k, i, j, pass;

	names = ledger_names(rows, n, "param.", &k);
	fputs("<h2>Parameters</h2>\n", fp);
	html_table_head(fp, rows, n, "parameter");
	/* Those that differ first: they are what the page is about. */
	for (pass = 0; pass < 2; pass++)
		for (j = 0; j < k; j++) {
			int d = ledger_differs(rows, n, names[j]);

			if (d != (pass == 0))
				continue;
			html_row_head(fp, names[j], 6);
			for (i = 0; i < n; i++)
				html_cell(fp, d ? "diff" : NULL,
				    ledger_get(rows[i], names[j]));
			fputs("</tr>\n", fp);
		}
	fputs("</table>\n", fp);
	free(names);
}

static void
html_metrics(FILE *fp, const ledger_row **rows, size_t n)
{
	const char **names;
	size_t k, i, j;

	names = ledger_names(rows, n, "metric.", &k);
	fputs("<h2>Metrics (%)</h2>\n<p>The best value of each rate is "
	    "<span class=\"best\">highlighted</span>.</p>\n", fp);
	html_table_head(fp, rows, n, "metric");
	for (j = 0; j < k; j++) {
		/* A rate all the runs share has no best worth marking. */
		int rate = strstr(names[j], "_at_") != NULL &&
		    ledger_differs(rows, n, names[j]);
		double best = 0, x;
		int have = 0;

		for (i = 0; i < n; i++) {
			const char *v = ledger_get(rows[i], names[j]);

			if (v != NULL && ledger_number(v, &x) == 0 &&
			    (!have || x > best)) {
				best = x;
				have = 1;
			}
		}
		html_row_head(fp, names[j], 7);
		for (i = 0; i < n; i++) {
			const char *v = ledger_get(rows[i], names[j]);
			int hi = rate && have && n > 1 && v != NULL &&
			    ledger_number(v, &x) == 0 && x == best;

			html_cell(fp, hi ? "best" : NULL, v);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	free(names);
}

/* Total wall and CPU seconds of a run's stages and its largest peak. */
static void
stage_totals(const ledger_row *r, double *wall, double *cpu, double *rss)
{
	size_t j;
	double x;

	*wall = *cpu = *rss = 0;
	for (j = 0; j < r->n; j++) {
		const char *name = r->f[j].name;
		size_t len = strlen(name);

		if (strncmp(name, "stage.", 6) != 0 ||
		    ledger_number(r->f[j].value, &x) != 0)
			continue;
		if (len > 7 && strcmp(name + len - 7, ".wall_s") == 0)
			*wall += x;
		else if (len > 6 && strcmp(name + len - 6, ".cpu_s") == 0)
			*cpu += x;
		else if (len > 11 && strcmp(name + len - 11, ".max_rss_kb") == 0
		    && x > *rss)
			*rss = x;
	}
}

void
runs_html_write(FILE *fp, const ledger *l, const char *title)
{
	const ledger_row **rows;
	size_t n, i;

	if ((rows = ledger_rows(l, 1, &n)) == NULL)
		return;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", fp);
	html_text(fp, title);
	fputs("</title>\n<style>\n"
	    "body { font-family: sans-serif; margin: 2em; }\n"
	    "table { border-collapse: collapse; margin-bottom: 2em; }\n"
	    "th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; "
	    "text-align: right; }\n"
	    "th:first-child { text-align: left; font-weight: normal; "
	    "font-family: monospace; }\n"
	    "tr:first-child th { font-weight: bold; }\n"
	    ".best { background: #b6e3b6; font-weight: bold; }\n"
	    ".diff { background: #fff3c4; }\n"
	    "</style>\n</head>\n<body>\n<h1>", fp);
	html_text(fp, title);
	fprintf(fp, "</h1>\n<p>%zu run%s; rows of the ledger: %zu.</p>\n", n,
	    n == 1 ? "" : "s", l->n);
	if (n > 0) {
		fputs("<h2>Runs</h2>\n<table>\n<tr><th>run</th><th>start</th>"
		    "<th>end</th><th>version</th><th>stages: wall s</th>"
		    "<th>CPU s</th><th>peak MB</th></tr>\n", fp);
		for (i = 0; i < n; i++) {
			double w, c, m;
			const char *v;

			stage_totals(rows[i], &w, &c, &m);
			html_row_head(fp, ledger_id(rows[i]), 0);
			fputs("<td>", fp);
			html_text(fp, (v = ledger_get(rows[i], "start")) ? v : "");
			fputs("</td><td>", fp);
			html_text(fp, (v = ledger_get(rows[i], "end")) ? v : "");
			fputs("</td><td>", fp);
			html_text(fp, (v = ledger_get(rows[i], "version")) ? v : "");
			fprintf(fp, "</td><td>%.2f</td><td>%.2f</td><td>%.1f</td>"
			    "</tr>\n", w, c, m / 1024);
		}
		fputs("</table>\n", fp);
		html_params(fp, rows, n);
		html_metrics(fp, rows, n);
	}
	fputs("</body>\n</html>\n", fp);
	free(rows);
}
