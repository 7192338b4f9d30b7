#!/usr/bin/env bats
# pop-rank: hand-computed lists (cart rows, distinct users, weights, exact
# weighted counts, ties by item id, unknown items, --since, -n, empty
# input), the real Retailrocket slice, and every error path.

load test_helper

F="$FIXTURES/pop-rank"

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

@test "default: addtocart rows per item, ties by item id, unknown items kept" {
	run pop-rank -i "$F/items.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/default.tsv")"
}

@test "--distinct-users counts each user once per item" {
	run pop-rank --distinct-users --items "$F/items.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/distinct.tsv")"
	run pop-rank -u -i "$F/items.tsv" "$F/events.tsv"
	assert_output "$(cat "$F/distinct.tsv")"
}

@test "--weights sums weighted rows per event type" {
	run pop-rank --weights view=0.25,addtocart=0.75,transaction=0 \
	    -i "$F/items.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/weighted.tsv")"
}

@test "weighted counts print exactly (the double, shortest round-trip)" {
	run pop-rank -w addtocart=0.1 -i "$F/items.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/tenths.tsv")"
}

@test "--since keeps events at or after TIME" {
	run pop-rank --since 1970-01-01T00:00:02 -i "$F/items.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/since.tsv")"
	run pop-rank --since @2000 -i "$F/items.tsv" "$F/events.tsv"
	assert_output "$(cat "$F/since.tsv")"
	run pop-rank --since @2001 -i "$F/items.tsv" "$F/events.tsv"
	assert_output "$(cat "$F/empty-out.tsv")"
}

@test "-n keeps the first N; score still relative to the top" {
	run pop-rank -n 2 -i "$F/items.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(head -3 "$F/default.tsv")"
	run pop-rank -n 100 -i "$F/items.tsv" "$F/events.tsv"
	assert_output "$(cat "$F/default.tsv")"
	# --n-recs, and --top, its deprecated spelling, are the same option.
	run pop-rank --n-recs 2 -i "$F/items.tsv" "$F/events.tsv"
	assert_output "$(head -3 "$F/default.tsv")"
	run pop-rank --top=2 -i "$F/items.tsv" "$F/events.tsv"
	assert_output "$(head -3 "$F/default.tsv")"
}

@test "an empty catalogue leaves every category empty" {
	run pop-rank -i "$F/items-empty.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(cut -f 2 --complement "$F/default.tsv" |
	    awk -F'\t' -v OFS='\t' 'NR == 1 { print $1, "category", $2, $3; next }
	    { print $1, "", $2, $3 }')"
}

@test "several inputs are counted together; order does not matter" {
	{ head -1 "$F/events.tsv"; tail -n +2 "$F/events.tsv" | tac; } \
	    > "$OUT/rev.tsv"
	run pop-rank -i "$F/items.tsv" "$OUT/rev.tsv"
	assert_output "$(cat "$F/default.tsv")"
	run pop-rank -i "$F/items.tsv" "$F/events.tsv" "$F/empty.tsv"
	assert_output "$(cat "$F/default.tsv")"
	run pop-rank -u -i "$F/items.tsv" "$F/events.tsv" "$F/events.tsv"
	assert_output "$(cat "$F/distinct.tsv")"
}

@test "empty input: the header alone" {
	run pop-rank -i "$F/items.tsv" < "$F/empty.tsv"
	assert_success
	assert_output "$(cat "$F/empty-out.tsv")"
}

@test "-o writes atomically; -v reports counts" {
	run pop-rank -v -i "$F/items.tsv" -o "$OUT/popular.tsv" "$F/events.tsv"
	assert_success
	assert_output "pop-rank: 12 events, 8 counted, 4 items ranked, 3 in the catalogue snapshot"
	assert_dir_only "$OUT" popular.tsv
	assert_equal "$(cat "$OUT/popular.tsv")" "$(cat "$F/default.tsv")"
}

@test "the raw events.csv reads as its TSV does; empty lines skipped, counted under -v" {
	{ echo timestamp,visitorid,event,itemid,transactionid
	  tail -n +2 "$F/events.tsv" | tr '\t' ','; echo; } > "$OUT/ev.csv"
	run pop-rank -v -i "$F/items.tsv" -o "$OUT/popular.tsv" "$OUT/ev.csv"
	assert_success
	assert_line "pop-rank: 12 events, 8 counted, 4 items ranked, 3 in the catalogue snapshot"
	assert_line "pop-rank: empty lines skipped: 1"
	assert_equal "$(cat "$OUT/popular.tsv")" "$(cat "$F/default.tsv")"
}

@test "real slice: agrees with sort | uniq -c over the cart rows" {
	need_real
	awk -F, 'BEGIN { OFS = "\t"; print "ts", "user", "event", "item", "txn" }
	    NR > 1 { sub(/\r$/, ""); print $1, $2, $3, $4, $5 }' \
	    "$REAL/events_sample_5000_visitors.csv" > "$OUT/real.tsv"
	awk -F'\t' '$3 == "addtocart" { print $4 }' "$OUT/real.tsv" | sort |
	    uniq -c | awk '{ print $2 "\t" $1 }' | sort -k2,2nr -k1,1n \
	    > "$OUT/want.tsv"
	pop-rank -i "$F/items-empty.tsv" "$OUT/real.tsv" | tail -n +2 |
	    cut -f 1,3 > "$OUT/got.tsv"
	[ "$(wc -l < "$OUT/got.tsv")" -eq 225 ]
	cmp "$OUT/want.tsv" "$OUT/got.tsv"
	# The top item has score 1, every score is in (0, 1].
	run sh -c 'pop-rank -i "$1" "$2" | awk -F"\t" "NR == 2 && \$4 != \"1.000000\" || NR > 1 && (\$4 <= 0 || \$4 > 1) { bad++ } END { print bad + 0 }"' \
	    sh "$F/items-empty.tsv" "$OUT/real.tsv"
	assert_output 0
}

@test "--help prints the usage on stdout" {
	run pop-rank --help
	assert_success
	assert_line --index 0 "usage: pop-rank [-v] [-w WEIGHTS] [--distinct-users] [--since TIME] [-n N]"
	assert_output --partial "--distinct-users"
}

@test "error: -i is required" {
	run pop-rank "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 "pop-rank: -i ITEMS.tsv is required"
	assert_line --index 1 --partial "usage: pop-rank"
}

@test "error: bad option values" {
	run pop-rank -n 0 -i "$F/items.tsv" "$F/events.tsv"
	assert_failure 64
	assert_output 'pop-rank: -n: "0": out of range (1 to 18446744073709551615)'
	run pop-rank -n x -i "$F/items.tsv" "$F/events.tsv"
	assert_failure 64
	assert_output 'pop-rank: -n: "x": not a number'
	run pop-rank --since 2015-02-30 -i "$F/items.tsv" "$F/events.tsv"
	assert_failure 64
	assert_output --partial 'pop-rank: --since: "2015-02-30": '
	run pop-rank --bogus -i "$F/items.tsv" "$F/events.tsv"
	assert_failure 64
	assert_output --partial "usage: pop-rank"
}

@test "error: bad weights specs" {
	run pop-rank -w addtocart -i "$F/items.tsv" -o "$OUT/p.tsv" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'pop-rank: -w: bad weights "addtocart": missing "=" (expected TYPE=WEIGHT with TYPE view, addtocart or transaction)'
	run pop-rank -w purchase=1 -i "$F/items.tsv" -o "$OUT/p.tsv" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'pop-rank: -w: bad weights "purchase=1": unknown event type (expected TYPE=WEIGHT with TYPE view, addtocart or transaction)'
	run pop-rank -w addtocart=-1 -i "$F/items.tsv" -o "$OUT/p.tsv" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'pop-rank: -w: bad weights "addtocart=-1": negative weight'
	run pop-rank -w addtocart=1,addtocart=1 -i "$F/items.tsv" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'pop-rank: -w: bad weights "addtocart=1": event type given twice'
	run pop-rank -w addtocart=1e-7 -i "$F/items.tsv" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'pop-rank: -w: bad weights "addtocart=1e-7": out of range (0, or 1e-06 to 1e+06)'
	run pop-rank -w view=0 -i "$F/items.tsv" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'pop-rank: -w: bad weights "view=0": every weight is 0, nothing would be counted'
	assert_dir_only "$OUT"
}

@test "error: wrong events header" {
	run pop-rank -i "$F/items.tsv" -o "$OUT/p.tsv" "$F/wrong-header.tsv"
	assert_failure 65
	assert_output "pop-rank: $F/wrong-header.tsv:1: expected header \"ts\\tuser\\tevent\\titem\\ttxn\", found \"timestamp\\tvisitorid\\tevent\\titemid\\ttransactionid\""
	assert_dir_only "$OUT"
}

@test "error: bad events row" {
	run pop-rank -i "$F/items.tsv" -o "$OUT/p.tsv" "$F/events.tsv" "$F/bad-event.tsv"
	assert_failure 65
	assert_output "pop-rank: $F/bad-event.tsv:3: field 3 (event): unknown event type (expected view, addtocart or transaction): \"click\""
	assert_dir_only "$OUT"
}

@test "error: bad catalogue" {
	run pop-rank -i "$F/items-wrong-header.tsv" -o "$OUT/p.tsv" "$F/events.tsv"
	assert_failure 65
	assert_output "pop-rank: $F/items-wrong-header.tsv:1: expected header \"item\\tcategory\\troot\\tavailable\\tts\", found \"item\\tcategory\""
	run pop-rank -i "$F/items-dup.tsv" -o "$OUT/p.tsv" "$F/events.tsv"
	assert_failure 65
	assert_output "pop-rank: $F/items-dup.tsv:3: field 1 (item): duplicate item: \"100\""
	run pop-rank -i "$OUT/none.tsv" -o "$OUT/p.tsv" "$F/events.tsv"
	assert_failure 66
	assert_output --partial "pop-rank: $OUT/none.tsv: "
	assert_dir_only "$OUT"
}

@test "error: missing events input" {
	run pop-rank -i "$F/items.tsv" -o "$OUT/p.tsv" "$OUT/nope.tsv"
	assert_failure 66
	assert_output --partial "pop-rank: $OUT/nope.tsv: "
	assert_dir_only "$OUT"
}

@test "error: output cannot be created" {
	run pop-rank -i "$F/items.tsv" -o "$OUT/no/p.tsv" "$F/events.tsv"
	assert_failure 73
	assert_output --partial "pop-rank: $OUT/no/p.tsv: cannot create"
	assert_dir_only "$OUT"
}

@test "ids over the whole uint64 range: ties in numeric order" {
	run pop-rank -w view=1,addtocart=1 -i "$F/items-empty.tsv" "$F/huge-ids.tsv"
	assert_success
	assert_output "$(printf 'item\tcategory\tcount\tscore\n0\t\t1\t1.000000\n5\t\t1\t1.000000\n18446744073709551615\t\t1\t1.000000')"
}
