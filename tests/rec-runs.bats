#!/usr/bin/env bats
# rec-runs: the run ledger listed, shown, compared, ranked, exported to
# MLflow's file store (checked against a golden tree) and to HTML.  The
# fixture holds two runs, a rebuilt one (its later row is its state) and
# one with an @MILLIS cutoff.

load test_helper

L=$BATS_TEST_DIRNAME/fixtures/rec-runs/runs.tsv
A=2015-09-01-aaaa111111
B=2015-09-01-bbbb222222
C=@1441065600000-cccc333333

# tree DIR: every directory (with a /) and file of DIR with its content,
# newlines shown as |, the absolute path of DIR as ROOT.
tree() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -d "$f" ]; then
			printf '%s/\n' "$f"
		else
			printf '%s\t%s\n' "$f" "$(tr '\n' '|' <"$f")"
		fi
	done) | sed "s|$(cd "$1" && pwd)|ROOT|g"
}

@test "rec-runs: list shows every row, the parameters that differ and the headline metrics" {
	run rec-runs -l "$L"
	assert_success
	assert_output "$(printf '%s\n' \
	    "run	end	version	CUTOFF	FACTORS	report.weighted_als.with_history.precision_at_5	replay.session.all_test_carts.hit_at_5" \
	    "$A	2026-12-01T10:01:00Z	v1-3-gabc	2015-09-01	50	1.4000	20.5000" \
	    "$B	2026-12-01T11:00:30Z	v1-3-gabc	2015-09-01	32	1.6000	19.0000" \
	    "$A	2026-12-02T09:01:00Z	v1-4-gdef	2015-09-01	50	1.5000	21.2500" \
	    "$C	2026-12-03T08:02:00Z	unknown	@1441065600000	64	1.2000	18.0000")"
	run rec-runs -l "$L" -m stage.als.wall_s -m replay.session.all_test_carts.hit_at_5 list
	assert_success
	assert_line --index 0 "run	end	version	CUTOFF	FACTORS	stage.als.wall_s	replay.session.all_test_carts.hit_at_5"
	assert_line --index 2 "$B	2026-12-01T11:00:30Z	v1-3-gabc	2015-09-01	32	12.00	19.0000"
	# A metric a row lacks is an empty cell; one row: nothing differs.
	run rec-runs -l <(head -n 1 "$L") -m no.such
	assert_output "$(printf 'run\tend\tversion\tno.such\n%s\t2026-12-01T10:01:00Z\tv1-3-gabc\t\n' "$A")"
	# An empty ledger lists nothing but the header.
	run rec-runs -l /dev/null
	assert_success
	assert_output "run	end	version	report.weighted_als.with_history.precision_at_5	replay.session.all_test_carts.hit_at_5"
}

@test "rec-runs: show the latest row of a run, by id, id prefix or key prefix" {
	run rec-runs -l "$L" show "$A"
	assert_success
	assert_line --index 0 "name	value"
	assert_line --index 1 "run	$A"
	assert_line --index 2 "start	2026-12-02T09:00:00Z"
	assert_line "version	v1-4-gdef"
	assert_line "metric.report.weighted_als.with_history.precision_at_5	1.5000"
	assert_equal "${#lines[@]}" "$(($(sed -n 3p "$L" | tr '\t' '\n' | wc -l) + 1))"
	run rec-runs -l "$L" show bbbb
	assert_line --index 1 "run	$B"
	run rec-runs -l "$L" show @14
	assert_line --index 1 "run	$C"
	run rec-runs -l "$L" -o "$BATS_TEST_TMPDIR/show.tsv" show cccc
	assert_success
	assert_output ""
	assert_equal "$(sed -n 2p "$BATS_TEST_TMPDIR/show.tsv")" "run	$C"
}

@test "rec-runs: compare: parameters that differ, every metric with its delta" {
	run rec-runs -l "$L" compare aaaa bbbb
	assert_success
	assert_output "$(printf '%s\n' \
	    "kind	name	$A	$B	delta" \
	    "param	FACTORS	50	32	" \
	    "metric	report.weighted_als.with_history.users	120	120	+0.0000" \
	    "metric	report.weighted_als.with_history.precision_at_5	1.5000	1.6000	+0.1000" \
	    "metric	replay.session.all_test_carts.hit_at_5	21.2500	19.0000	-2.2500" \
	    "stage	als.wall_s	29.00	12.00	-17.0000" \
	    "stage	als.cpu_s	54.00	20.00	-34.0000" \
	    "stage	als.max_rss_kb	410000	300000	-110000.0000")"
	run rec-runs -l "$L" compare "$B" cccc
	assert_line --index 1 "param	CUTOFF	2015-09-01	@1441065600000	"
	assert_line --index 2 "param	FACTORS	32	64	"
}

@test "rec-runs: best by a metric, highest or lowest, over each run's latest row" {
	run rec-runs -l "$L" best report.weighted_als.with_history.precision_at_5
	assert_success
	assert_output "$(printf 'run\tmetric.report.weighted_als.with_history.precision_at_5\n%s\t1.6000\n' "$B")"
	# The first row of run A (hit@5 20.5) is superseded; its latest, 21.25, wins.
	run rec-runs -l "$L" best metric.replay.session.all_test_carts.hit_at_5
	assert_output "$(printf 'run\tmetric.replay.session.all_test_carts.hit_at_5\n%s\t21.2500\n' "$A")"
	run rec-runs -l "$L" --lowest best stage.als.max_rss_kb
	assert_output "$(printf 'run\tstage.als.max_rss_kb\n%s\t300000\n' "$B")"
}

@test "rec-runs: --mlflow writes MLflow's file-store layout (golden tree), replacing an earlier export" {
	local d=$BATS_TEST_TMPDIR/mlruns
	run rec-runs -l "$L" --mlflow "$d"
	assert_success
	assert_output ""
	diff -u "$BATS_TEST_DIRNAME/fixtures/rec-runs/mlflow.golden" <(tree "$d")
	# Again over the first export: replaced whole, nothing left beside it.
	echo stale >"$d/0/$A/tags/stale"
	run rec-runs -l <(sed -n 2p "$L") --mlflow "$d"
	assert_success
	assert_dir_only "$d/0" meta.yaml "$B"
	assert_dir_only "$BATS_TEST_TMPDIR" mlruns
}

@test "rec-runs: --html compares the runs, the best rate highlighted, nothing external" {
	run rec-runs -l "$L" --html -o "$BATS_TEST_TMPDIR/runs.html"
	assert_success
	local h=$BATS_TEST_TMPDIR/runs.html
	grep -q '^<!DOCTYPE html>' "$h"
	grep -q '<td class="best">1.6000</td>' "$h"
	grep -q '<td class="best">21.2500</td>' "$h"
	# Three runs, the rebuilt one once, with its latest figures.
	assert_equal "$(grep -c "<tr><th>$A</th>" "$h")" 1
	grep -q '<td>v1-4-gdef</td>' "$h"
	! grep -q '1.4000' "$h"
	# Parameters that differ first and marked; no script, no URL.
	run grep -o '<tr><th>[A-Z_]*</th><td[^>]*>' "$h"
	assert_line --index 0 '<tr><th>CUTOFF</th><td class="diff">'
	assert_line --index 1 '<tr><th>FACTORS</th><td class="diff">'
	assert_line --index 2 '<tr><th>DATA</th><td>'
	! grep -qiE '<script|https?:|src=' "$h"
	# Counts are not rates: never highlighted; nor a rate every run shares.
	! grep -q '<td class="best">120</td>' "$h"
	printf 'run=a\tmetric.r.x.y.hit_at_5=2.0\nrun=b\tmetric.r.x.y.hit_at_5=2.0\n' >"$BATS_TEST_TMPDIR/tie.tsv"
	run rec-runs -l "$BATS_TEST_TMPDIR/tie.tsv" --html
	assert_success
	assert_output --partial '<td>2.0</td><td>2.0</td>'
	refute_output --partial 'class="best">2.0'
}

@test "rec-runs: a malformed ledger is refused with its place" {
	printf 'run=a\tstart=1\n\n' >"$BATS_TEST_TMPDIR/l"
	run rec-runs -l "$BATS_TEST_TMPDIR/l"
	assert_failure 65
	assert_output "rec-runs: $BATS_TEST_TMPDIR/l:2: an empty row"
	printf 'run=a\tstart\n' >"$BATS_TEST_TMPDIR/l"
	run rec-runs -l "$BATS_TEST_TMPDIR/l"
	assert_failure 65
	assert_output --regexp "^rec-runs: $BATS_TEST_TMPDIR/l:1: field 2: no \"=\" between a name and a value"
	printf 'run=a\t=1\n' >"$BATS_TEST_TMPDIR/l"
	run rec-runs -l "$BATS_TEST_TMPDIR/l"
	assert_failure 65
	assert_output --regexp "^rec-runs: $BATS_TEST_TMPDIR/l:1: field 2: an empty name"
	printf 'start=1\trun=a\n' >"$BATS_TEST_TMPDIR/l"
	run rec-runs -l "$BATS_TEST_TMPDIR/l"
	assert_failure 65
	assert_output --regexp "^rec-runs: $BATS_TEST_TMPDIR/l:1: field 1: a row starts with run=ID"
	printf 'run=\n' >"$BATS_TEST_TMPDIR/l"
	run rec-runs -l "$BATS_TEST_TMPDIR/l"
	assert_failure 65
	assert_output --regexp "^rec-runs: $BATS_TEST_TMPDIR/l:1: field 1: a row starts with run=ID"
	printf 'run=a\tx=1\tx=2\n' >"$BATS_TEST_TMPDIR/l"
	run rec-runs -l "$BATS_TEST_TMPDIR/l"
	assert_failure 65
	assert_output --regexp "^rec-runs: $BATS_TEST_TMPDIR/l:1: field 3: a name given twice"
}

@test "rec-runs: runs and metrics that do not exist, and outputs that cannot be made" {
	run rec-runs -l "$L" show zzz
	assert_failure 65
	assert_output 'rec-runs: no run "zzz" in the ledger'
	run rec-runs -l "$L" show 2015
	assert_failure 65
	assert_output "rec-runs: run \"2015\" is ambiguous: $A, $B"
	run rec-runs -l "$L" compare aaaa zzz
	assert_failure 65
	assert_output 'rec-runs: no run "zzz" in the ledger'
	run rec-runs -l "$L" best no.such
	assert_failure 65
	assert_output 'rec-runs: no run has the metric "metric.no.such"'
	run rec-runs -l "$BATS_TEST_TMPDIR/none.tsv"
	assert_failure 66
	assert_output --partial "$BATS_TEST_TMPDIR/none.tsv"
	mkdir "$BATS_TEST_TMPDIR/other"
	touch "$BATS_TEST_TMPDIR/other/x"
	run rec-runs -l "$L" --mlflow "$BATS_TEST_TMPDIR/other"
	assert_failure 73
	assert_output "rec-runs: $BATS_TEST_TMPDIR/other: exists and is not an MLflow export of rec-runs"
	assert_dir_only "$BATS_TEST_TMPDIR/other" x
	run rec-runs -l "$L" --mlflow "$BATS_TEST_TMPDIR/no/such/dir"
	assert_failure 73
	run rec-runs -l "$L" -o "$BATS_TEST_TMPDIR/no/such/out" list
	assert_failure 73
}

@test "rec-runs: usage errors exit 64" {
	run rec-runs frobnicate
	assert_failure 64
	assert_line --index 0 'rec-runs: unknown command "frobnicate"'
	assert_line --index 1 --partial "usage: rec-runs [-l LEDGER]"
	run rec-runs show
	assert_failure 64
	assert_line --index 0 "rec-runs: show takes 1 argument"
	run rec-runs compare a
	assert_failure 64
	assert_line --index 0 "rec-runs: compare takes 2 arguments"
	run rec-runs list extra
	assert_failure 64
	assert_line --index 0 "rec-runs: list takes 0 arguments"
	run rec-runs -m x show a
	assert_failure 64
	assert_line --index 0 "rec-runs: -m is for list"
	run rec-runs --lowest list
	assert_failure 64
	assert_line --index 0 "rec-runs: --lowest is for best"
	run rec-runs --html --mlflow d
	assert_failure 64
	assert_line --index 0 "rec-runs: --mlflow and --html take no command and exclude each other"
	run rec-runs --html list
	assert_failure 64
	run rec-runs --mlflow d -o x
	assert_failure 64
	assert_line --index 0 "rec-runs: --mlflow writes DIR, not -o"
	run rec-runs --bogus
	assert_failure 64
	run rec-runs --help
	assert_success
	assert_line --index 0 "usage: rec-runs [-l LEDGER] [-o FILE] [-m METRIC ...] [list]"
	assert_line --partial "--mlflow DIR"
}
