#!/usr/bin/env bats
# item-sim: hand-computed neighbours for each score, sessions and scope,
# the session cap, determinism across threads, the sims.bin container, and
# every error path.

load test_helper
bats_require_minimum_version 1.5.0

F="$FIXTURES/item-sim"

# The fixture (default weights view 0.25, addtocart 0.75):
#   user 1: 10 11 (views) 12 (cart), one session      weights .25 .25 .75
#   user 2: 10 11 13 (views), one session              .25 .25 .25
#   user 3: 10 12 (views), then 11 a day later: two sessions
# n(10) = .75, n(11) = .75, n(12) = 1, n(13) = .25
# c(10,11) = 2 x .0625 = .125 (support 2); c(10,12) = .1875 + .0625 = .25
# (support 2); c(10,13) = c(11,13) = .0625 (support 1);
# c(11,12) = .1875 (support 1).
setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

@test "--help prints the usage and the options" {
	run item-sim --help
	assert_success
	assert_line --index 0 "usage: item-sim [-v] [-t THREADS] [-w WEIGHTS] [-n K] [--score S]"
	assert_output --partial "--session-cap N"
}

@test "count with --min-support 2: co-counts of pairs seen twice" {
	run item-sim --tsv --score count --min-support 2 "$F/events.tsv"
	assert_success
	assert_output "$(printf 'item\tneighbour\trank\tscore\n10\t12\t1\t0.25\n10\t11\t2\t0.125\n11\t10\t1\t0.125\n12\t10\t1\t0.25')"
}

@test "the defaults, count and support 1, keep every pair, best first, ties by id" {
	run item-sim --tsv "$F/events.tsv"
	assert_success
	assert_line --index 3 "$(printf '10\t13\t3\t0.0625')"
	assert_line --index 4 "$(printf '11\t12\t1\t0.1875')"
	assert_line --index 9 "$(printf '13\t10\t1\t0.0625')"
	assert_line --index 10 "$(printf '13\t11\t2\t0.0625')"
}

@test "cosine: c(i,j) / sqrt(n(i) n(j)); damped; --beta" {
	run item-sim --tsv --score cosine --min-support 2 "$F/events.tsv"
	assert_success
	# 10: 12 -> .25 / sqrt(.75 x 1) = .28867513; 11 -> .125 / .75
	assert_line --index 1 "$(printf '10\t12\t1\t0.28867513')"
	assert_line --index 2 "$(printf '10\t11\t2\t0.16666667')"
	run item-sim --tsv --score damped --min-support 2 "$F/events.tsv"
	assert_success
	# damped, beta 0.5: 12 -> .25 / 1; 11 -> .125 / sqrt(.75)
	assert_line --index 1 "$(printf '10\t12\t1\t0.25')"
	assert_line --index 2 "$(printf '10\t11\t2\t0.14433756')"
	run item-sim --tsv --score damped --beta 0 --min-support 2 "$F/events.tsv"
	assert_success
	assert_line --index 2 "$(printf '10\t11\t2\t0.125')"
}

@test "--scope user joins user 3's sessions; --session-gap splits user 1's" {
	run item-sim --tsv --score count --scope user "$F/events.tsv"
	assert_success
	# now 10-11 and 11-12 co-occur for user 3 too: c(10,11) = .1875
	assert_line --index 2 "$(printf '10\t11\t2\t0.1875')"
	run item-sim --tsv --score count --min-support 1 --session-gap 1 \
	    "$F/events.tsv"
	assert_success
	assert_output --partial "$(printf '10\t12\t1\t0.25')"
}

@test "--session-cap keeps the last events of a long session" {
	run item-sim --tsv --score count --min-support 1 --session-cap 2 "$F/events.tsv"
	assert_success
	# user 1: 11 12; user 2: 11 13; user 3: 10 12 | 11
	assert_output "$(printf 'item\tneighbour\trank\tscore\n10\t12\t1\t0.0625\n11\t12\t1\t0.1875\n11\t13\t2\t0.0625\n12\t11\t1\t0.1875\n12\t10\t2\t0.0625\n13\t11\t1\t0.0625')"
}

@test "-w and --half-life change the weights" {
	run item-sim --tsv --score count -w view=1 "$F/events.tsv"
	assert_success
	assert_line --index 1 "$(printf '10\t11\t1\t2')"
	run item-sim --tsv --score count --half-life 1 "$F/events.tsv"
	assert_success
	# every session is over a day older than the newest event but user 3's
	# last one: decayed weights, the same order
	assert_line --index 1 --regexp "^10	12	1	"
}

@test "-n keeps the top K; the same output for any -t" {
	run item-sim --tsv -n 1 --min-support 1 "$F/events.tsv"
	assert_success
	assert_equal "$(grep -c . <<<"$output")" 5
	ev-synth -s 4 --events 20000 --no-props -o "$OUT/s"
	awk -F, 'BEGIN { OFS = "\t"; print "ts", "user", "event", "item", "txn" }
	    NR > 1 { print $1, $2, $3, $4, $5 }' "$OUT/s/events.csv" >"$OUT/e.tsv"
	item-sim -t 1 --min-support 1 -o "$OUT/a.bin" "$OUT/e.tsv"
	item-sim -t 3 --min-support 1 -o "$OUT/b.bin" "$OUT/e.tsv"
	cmp "$OUT/a.bin" "$OUT/b.bin"
	item-sim -t 2 --min-support 1 --tsv -o "$OUT/b.tsv" "$OUT/e.tsv"
	[ "$(wc -l <"$OUT/b.tsv")" -gt 1000 ]
}

@test "sims.bin: kind itemsim version 1, its parameters, -v counts" {
	run --separate-stderr item-sim -v -o "$OUT/s.bin" "$F/events.tsv"
	assert_success
	[[ "$stderr" == *"item-sim: 9 weighted events, 4 sessions (0 capped), 4 items, 4 with neighbours, 10 pairs kept"* ]]
	assert_equal "$(head -c 14 "$OUT/s.bin" | tail -c 6)" "itemsi"
	grep -a -q 'score=count' "$OUT/s.bin"
	grep -a -q 'weights=view=0.25,addtocart=0.75,transaction=0' "$OUT/s.bin"
	grep -a -q 'session_gap_ms=1800000' "$OUT/s.bin"
}

@test "usage errors exit 64 with the reason" {
	run item-sim "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 "item-sim: -o SIMS.bin is required (or --tsv)"
	run item-sim --tsv -w click=1 "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 --partial "item-sim: -w: "
	assert_line --index 0 --partial "click"
	run item-sim --tsv --session-cap 0 "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 --partial 'item-sim: --session-cap: "0": out of range'
	run item-sim --tsv --score jaccard "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'item-sim: --score: "jaccard": expected count, damped or cosine'
	run item-sim --tsv --scope visitor "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'item-sim: --scope: "visitor": expected session or user'
	run item-sim --tsv --beta 3 "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 --partial 'item-sim: --beta: "3": out of range'
	for o in "-n 0" "--min-support 0" "--session-gap 0" "--half-life -1" "-t 0" "-n abc"; do
		run item-sim --tsv $o "$F/events.tsv"
		assert_failure 64
		assert_line --index 0 --partial "item-sim: ${o%% *}: "
	done
	run item-sim --bogus
	assert_failure 64
	assert_output --partial "usage: item-sim"
}

@test "bad input: a missing file exits 66, a bad row 65 naming file, line and field" {
	run item-sim --tsv "$OUT/none.tsv"
	assert_failure 66
	assert_output --partial "$OUT/none.tsv"
	printf 'ts\tuser\tevent\titem\ttxn\n1\t1\tclick\t10\t\n' >"$OUT/bad.tsv"
	run item-sim -o "$OUT/s.bin" "$OUT/bad.tsv"
	assert_failure 65
	assert_output --partial "$OUT/bad.tsv:2: field 3"
	[ ! -e "$OUT/s.bin" ]
	assert_dir_only "$OUT" bad.tsv
}

@test "an output that cannot be created exits 73 and leaves nothing" {
	run item-sim -o "$OUT/no/dir/s.bin" "$F/events.tsv"
	assert_failure 73
	assert_output --partial "$OUT/no/dir/s.bin"
	[ -z "$(ls -A "$OUT")" ] || fail "left: $(ls -A "$OUT")"
}
