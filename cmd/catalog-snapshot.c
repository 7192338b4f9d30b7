/*
 * catalog-snapshot: the catalogue as it was at a time.  Streams the raw
 * Retailrocket item property files and writes, per item, the latest
 * category and availability recorded before --at, with the category's top
 * ancestor in the category tree, as the items TSV sorted by item id.
 */
#include <stdio.h>
#include <stdlib.h>

#include "outfile.h"
#include "skip_bad.h"
#include "catalog.h"
#include "cli.h"
#include "rs_err.h"

static const char usage_text[] =
    "usage: catalog-snapshot [-v] --at TIME --tree category_tree.csv "
    "[--skip-bad]\n"
    "                        [-o FILE] [PROPS.csv ...]\n";

enum { OPT_AT = 256, OPT_TREE, OPT_SKIP_BAD };

static const cli_option options[] = {
	{OPT_AT, "at", "TIME", "use the records strictly before TIME"},
	{OPT_TREE, "tree", "FILE", "category_tree.csv, to find each "
	    "category's root"},
	{OPT_SKIP_BAD, "skip-bad", NULL, "skip and count bad property rows "
	    "instead of stopping"},
	{0, NULL, NULL, NULL}
};

static const cli_program program = {
	.usage = usage_text,
	.about = "Reads item_properties CSV files (plain or gzip; none or - "
	    "is stdin) and\nwrites the items TSV (item category root "
	    "available ts) as of TIME.\n",
	.options = options,
	.output_help = "write to FILE atomically (default stdout)",
	.verbose_help = "print progress and counts on stderr",
	.notes = "TIME is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z] (UTC) or "
	    "@MILLIS.\n",
};

static catalog_progress progress;
static void report(const cattree *tree, const catalog *snap,
    const catalog_stats *st);

int
main(int argc, char **argv)
{
	static char *stdin_only[] = {"-"};
	const char *tree_path = NULL;
	char **files;
	size_t nfiles;
	int64_t at_ms = 0;
	int has_at = 0, ch;
	cli_common cc = {0};
	skip_bad bad = {0};
	catalog_stats st;
	catalog snap;
	cattree tree;
	rs_err e = {0};
	outfile out;

	cli_init(argc, argv, &program);
	while ((ch = cli_getopt(argc, argv, &cc)) != -1) {
		switch (ch) {
		case OPT_AT:
			at_ms = cli_time_ms("--at", optarg);
			has_at = 1;
			break;
		case OPT_TREE:
			tree_path = optarg;
			break;
		case OPT_SKIP_BAD:
			bad.skip = 1;
			break;
		}
	}
	if (!has_at)
		cli_usage_error(usage_text, "--at TIME is required");
	if (tree_path == NULL)
		cli_usage_error(usage_text, "--tree FILE is required");
	files = optind < argc ? argv + optind : stdin_only;
	nfiles = optind < argc ? (size_t)(argc - optind) : 1;

	cli_stdin_notice(files, nfiles, "item properties CSV");
	if (cattree_load(&tree, tree_path, &e) != 0)
		rs_die_err(&e);
	if (catalog_init(&snap, at_ms, &e) != 0)
		rs_die_err(&e);
	if (outfile_open(&out, cc.output, &e) != 0)
		rs_die_err(&e);
	if (catalog_read_all(&snap, files, nfiles, &bad, cc.verbose ? progress :
	    NULL, NULL, &e) != 0)
		rs_die_err(&e);
	if (catalog_finish(&snap, &tree, &st, &e) != 0)
		rs_die_err(&e);
	catalog_write(&snap, out.fp);
	if (outfile_commit(&out, &e) != 0)
		rs_die_err(&e);

	if (cc.verbose)
		report(&tree, &snap, &st);
	if (bad.n > 0) {
		char line[RS_ERR_MSG + 64];

		skip_bad_summary(&bad, line, sizeof line);
		rs_warnx("%s", line);
	}
	catalog_free(&snap);
	cattree_free(&tree);
	cli_exit_ok();
}

static void
progress(void *arg, const char *file, uint64_t rows, uint64_t bytes)
{
	(void)arg;
	rs_warnx("%s: %llu rows read, %.0f MB", file,
	    (unsigned long long)rows, (double)bytes / 1e6);
}

/* The -v counts. */
static void
report(const cattree *tree, const catalog *snap, const catalog_stats *st)
{
	rs_warnx("tree: %zu categories, %zu roots", tree->n, tree->nroots);
	rs_warnx("%llu rows read; before --at: %llu categoryid, %llu "
	    "available; %llu categoryid/available rows at or after --at",
	    (unsigned long long)snap->rows,
	    (unsigned long long)snap->rows_category,
	    (unsigned long long)snap->rows_available,
	    (unsigned long long)snap->rows_late);
	rs_warnx("%zu items written", st->items);
	rs_warnx("dropped %zu items in %zu categories not in the tree",
	    st->not_in_tree, st->missing_categories);
	rs_warnx("dropped %zu items without a categoryid record before --at",
	    st->no_category);
}
