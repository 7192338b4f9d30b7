#!/usr/bin/env bats
# ev-stats: the profile of an event stream.  The fixture's figures were
# worked out by hand (9 events, 3 visitors, 3 items, 4 sessions, a repeat
# cart, 2 days), with its rows out of time order.

load test_helper

F=$BATS_TEST_DIRNAME/fixtures/ev-stats

@test "ev-stats: every section of the fixture, as worked out by hand; CSV, TSV and gzip alike" {
	run ev-stats "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/expected.tsv")"
	run ev-stats "$F/events.csv"
	assert_output "$(cat "$F/expected.tsv")"
	gzip -c "$F/events.tsv" >"$BATS_TEST_TMPDIR/e.tsv.gz"
	run ev-stats -o "$BATS_TEST_TMPDIR/out.tsv" "$BATS_TEST_TMPDIR/e.tsv.gz"
	assert_success
	assert_output ""
	cmp "$F/expected.tsv" "$BATS_TEST_TMPDIR/out.tsv"
	# Standard input, and the order of the rows does not matter.
	run sh -c "{ head -n 1 '$F/events.tsv'; tail -n +2 '$F/events.tsv' | sort -r; } | ev-stats"
	assert_output "$(cat "$F/expected.tsv")"
}

@test "ev-stats: several files are one stream; -g sets the session gap" {
	run ev-stats "$F/events.tsv" "$F/events.csv"
	assert_success
	assert_line "count	events	18"
	assert_line "count	visitors	3"
	# Each event twice: every (visitor, item) cart pair now repeats.
	assert_line "repeat_cart	repeat_carts	3"
	# A gap of 3 hours joins visitor 1's two sessions.
	run ev-stats -g 180 "$F/events.tsv"
	assert_line "session	gap_min	180.0000"
	assert_line "count	sessions	3"
	assert_line "session	seconds_max	10800"
	# Only a gap longer than -g splits: with 1 minute, visitor 1's events
	# 60 s apart stay one session, visitor 2's 10 minutes apart do not.
	run ev-stats -g 1 "$F/events.tsv"
	assert_line "count	sessions	5"
}

@test "ev-stats: an empty stream has zero everywhere and no days" {
	run ev-stats <(head -n 1 "$F/events.tsv")
	assert_success
	assert_line "count	events	0"
	assert_line "count	days	0"
	refute_line --partial "first_day"
	assert_line "activity	p50	0"
	assert_line "funnel.visitors	view_pct	0.0000"
	refute_output --partial "hist."
}

@test "ev-stats: -v counts on standard error" {
	run ev-stats -v -o "$BATS_TEST_TMPDIR/o" "$F/events.tsv"
	assert_success
	assert_output "ev-stats: 9 rows read, 9 events, 3 visitors, 3 items, 4 sessions"
}

@test "ev-stats: on the synthetic data, the counts agree with awk" {
	ev-synth -s 2 --events 20000 --no-props -o "$BATS_TEST_TMPDIR/d"
	run ev-stats -o "$BATS_TEST_TMPDIR/s.tsv" "$BATS_TEST_TMPDIR/d/events.csv"
	assert_success
	local want
	want=$(awk -F, 'NR > 1 { n++; t[$3]++; v[$2]; i[$4]
	    if ($3 == "addtocart") { c[$2 "," $4]++ } }
	    END { r = 0; for (k in c) if (c[k] > 1) r++
	    printf "%d %d %d %d %d %d %d\n", n, t["view"], t["addtocart"],
	    t["transaction"], length(v), length(i), r }' "$BATS_TEST_TMPDIR/d/events.csv")
	run awk -F'\t' '$1 == "count" && $2 ~ /^(events|view|addtocart|transaction|visitors|items)$/ { printf "%s ", $3 }
	    $1 == "repeat_cart" && $2 == "repeat_pairs" { print $3 }' "$BATS_TEST_TMPDIR/s.tsv"
	assert_output "$want"
	# The days add up to the events, and so do the histograms.
	run awk -F'\t' '$1 ~ /^day\./ { d += $3 } $1 == "hist.activity" { a += $2 * $3 }
	    $1 == "hist.popularity" { p += $2 * $3 } $1 == "hist.session" { s += $2 * $3 }
	    END { print d, a, p, s }' "$BATS_TEST_TMPDIR/s.tsv"
	assert_output "20000 20000 20000 20000"
}

@test "ev-stats: on the real Retailrocket slice, the counts agree with awk" {
	need_real
	run ev-stats -o "$BATS_TEST_TMPDIR/s.tsv" "$REAL/events_sample_5000_visitors.csv"
	assert_success
	run awk -F'\t' '$1 == "count" && $2 == "visitors" { print $3 }' "$BATS_TEST_TMPDIR/s.tsv"
	assert_output "$(awk -F, 'NR > 1 { v[$2] } END { print length(v) }' "$REAL/events_sample_5000_visitors.csv")"
	run awk -F'\t' '$1 == "count" && $2 == "events" { print $3 }' "$BATS_TEST_TMPDIR/s.tsv"
	assert_output "$(($(wc -l <"$REAL/events_sample_5000_visitors.csv") - 1))"
}

@test "ev-stats: bad rows stop it with their place, or are skipped with --skip-bad" {
	{ cat "$F/events.tsv"; printf '1433116800000\t4\tclick\t10\t\n'; } >"$BATS_TEST_TMPDIR/bad.tsv"
	run ev-stats -o "$BATS_TEST_TMPDIR/o" "$BATS_TEST_TMPDIR/bad.tsv"
	assert_failure 65
	assert_output --regexp "^ev-stats: $BATS_TEST_TMPDIR/bad.tsv:11: field 3 \(event\): "
	[ ! -e "$BATS_TEST_TMPDIR/o" ]
	run ev-stats --skip-bad -o "$BATS_TEST_TMPDIR/o" "$BATS_TEST_TMPDIR/bad.tsv"
	assert_success
	assert_output --regexp "^ev-stats: skipped 1 bad row"
	cmp "$F/expected.tsv" "$BATS_TEST_TMPDIR/o"
}

@test "ev-stats: usage errors exit 64, missing input 66, unwritable output 73" {
	run ev-stats -g 0 "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 --partial 'ev-stats: -g: "0": out of range'
	run ev-stats -g x "$F/events.tsv"
	assert_failure 64
	run ev-stats --bogus
	assert_failure 64
	assert_line --partial "usage: ev-stats"
	run ev-stats "$BATS_TEST_TMPDIR/none.csv"
	assert_failure 66
	assert_output --partial "$BATS_TEST_TMPDIR/none.csv"
	run ev-stats -o "$BATS_TEST_TMPDIR/no/dir/o" "$F/events.tsv"
	assert_failure 73
	run ev-stats --help
	assert_success
	assert_line --index 0 "usage: ev-stats [-v] [-g MINUTES] [--skip-bad] [-o FILE] [FILE ...]"
}
