#!/usr/bin/env bats
# interactions-weight: hand-computed matrices (dedup per (user, event,
# item), sums per (user, item), weights of 0, ids in numeric order), the
# container it writes, the real Retailrocket slice, and every error path.

load test_helper

F="$FIXTURES/interactions-weight"

setup() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

# Converts the real events.csv slice to events TSV (no ev-filter here).
real_tsv() {
	awk -F, 'BEGIN { OFS = "\t"; print "ts", "user", "event", "item", "txn" }
	    NR > 1 { sub(/\r$/, ""); print $1, $2, $3, $4, $5 }' \
	    "$REAL/events_sample_5000_visitors.csv"
}

@test "default weights: repeats count once, types add up, transactions drop" {
	run interactions-weight --tsv "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/default.tsv")"
}

@test "naive variant: every kept (user, event, item) counts 1" {
	run interactions-weight -w view=1,addtocart=1,transaction=0 --tsv \
	    "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/naive.tsv")"
}

@test "a weighted transaction brings back its user and item" {
	run interactions-weight --weights \
	    transaction=1,view=0.25,addtocart=0.75 --tsv "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/with-transactions.tsv")"
}

@test "values print as the shortest decimal of the float32" {
	run interactions-weight -w view=0.1,addtocart=0.2 --tsv "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/tenths.tsv")"
}

@test "the same events twice, or gzipped from stdin, give the same matrix" {
	run interactions-weight --tsv "$F/events.tsv" "$F/events.tsv"
	assert_success
	assert_output "$(cat "$F/default.tsv")"
	gzip -c "$F/events.tsv" > "$OUT/ev.tsv.gz"
	run sh -c 'interactions-weight --tsv - < "$1"' sh "$OUT/ev.tsv.gz"
	assert_success
	assert_output "$(cat "$F/default.tsv")"
}

@test "-o writes the matrix container with sizes and weights recorded" {
	run interactions-weight -o "$OUT/m.bin" "$F/events.tsv"
	assert_success
	assert_output ""
	assert_dir_only "$OUT" m.bin
	[ "$(head -c 14 "$OUT/m.bin" | tail -c 6)" = matrix ]
	params=$(tr '\0' '\n' < "$OUT/m.bin" | grep -a '=')
	[[ "$params" == *"rows=3"* ]]
	[[ "$params" == *"cols=3"* ]]
	[[ "$params" == *"nnz=5"* ]]
	[[ "$params" == *"weights=view=0.25,addtocart=0.75,transaction=0"* ]]
}

@test "the matrix is the same whatever the input order" {
	{ head -1 "$F/events.tsv"; tail -n +2 "$F/events.tsv" | tac; } \
	    > "$OUT/rev.tsv"
	interactions-weight -o "$OUT/a.bin" "$F/events.tsv"
	interactions-weight -o "$OUT/b.bin" "$OUT/rev.tsv"
	cmp "$OUT/a.bin" "$OUT/b.bin"
}

@test "-o - writes the matrix to standard output" {
	interactions-weight -o - "$F/events.tsv" > "$OUT/m.bin"
	interactions-weight -o "$OUT/n.bin" "$F/events.tsv"
	cmp "$OUT/m.bin" "$OUT/n.bin"
}

@test "--tsv -o writes the triples atomically" {
	run interactions-weight --tsv -o "$OUT/t.tsv" "$F/events.tsv"
	assert_success
	assert_dir_only "$OUT" t.tsv
	assert_equal "$(cat "$OUT/t.tsv")" "$(cat "$F/default.tsv")"
}

@test "empty input: an empty matrix, a header-only dump" {
	run interactions-weight --tsv "$F/empty.tsv"
	assert_success
	assert_output "$(cat "$F/empty-out.tsv")"
	run interactions-weight -o "$OUT/m.bin" < "$F/empty.tsv"
	assert_success
	tr '\0' '\n' < "$OUT/m.bin" | grep -aqx 'nnz=0'
}

@test "-v counts events, triples and the matrix shape" {
	run interactions-weight -v -o "$OUT/m.bin" "$F/events.tsv"
	assert_success
	assert_output "interactions-weight: 12 events, 10 weighted, 6 distinct (user, event, item); matrix 3 users x 3 items, 5 nonzeros"
}

@test "real slice: agrees with an independent awk computation" {
	need_real
	real_tsv > "$OUT/real.tsv"
	awk -F'\t' 'NR > 1 && $3 != "transaction" {
		k = $2 "\t" $3 "\t" $4
		if (!(k in seen)) {
			seen[k] = 1
			cell[$2 "\t" $4] += $3 == "view" ? 0.25 : 0.75
		}
	    } END { for (c in cell) print c "\t" cell[c] }' "$OUT/real.tsv" |
	    sort -k1,1n -k2,2n > "$OUT/want.tsv"
	interactions-weight --tsv "$OUT/real.tsv" | tail -n +2 > "$OUT/got.tsv"
	[ "$(wc -l < "$OUT/got.tsv")" -eq 7390 ]
	cmp "$OUT/want.tsv" "$OUT/got.tsv"
	run interactions-weight -v -o "$OUT/m.bin" "$OUT/real.tsv"
	assert_success
	assert_output --partial "matrix 5000 users x 6610 items, 7390 nonzeros"
}

@test "--help prints the usage on stdout" {
	run interactions-weight --help
	assert_success
	assert_line --index 0 "usage: interactions-weight [-v] [-w WEIGHTS] -o MATRIX [EVENTS.tsv ...]"
	assert_output --partial "--tsv"
}

@test "error: a matrix needs -o" {
	run interactions-weight "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 "interactions-weight: -o MATRIX is required (or --tsv)"
	assert_line --index 1 --partial "usage: interactions-weight"
}

@test "error: unknown option" {
	run interactions-weight --nope "$F/events.tsv"
	assert_failure 64
	assert_output --partial "usage: interactions-weight"
}

@test "error: bad weights specs" {
	run interactions-weight -w view -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'interactions-weight: -w: bad weights "view": missing "=" (expected TYPE=WEIGHT with TYPE view, addtocart or transaction)'
	run interactions-weight -w view=1,click=1 -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'interactions-weight: -w: bad weights "click=1": unknown event type (expected TYPE=WEIGHT with TYPE view, addtocart or transaction)'
	run interactions-weight -w view=-0.25 -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'interactions-weight: -w: bad weights "view=-0.25": negative weight'
	run interactions-weight -w view=1,view=2 -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'interactions-weight: -w: bad weights "view=2": event type given twice'
	run interactions-weight -w view=x -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'interactions-weight: -w: bad weights "view=x": not a number'
	run interactions-weight -w view=0,addtocart=0 -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'interactions-weight: -w: bad weights "view=0,addtocart=0": every weight is 0, nothing would be counted'
	run interactions-weight -w view=1, -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 --partial 'bad weights "": empty item'
	run interactions-weight -w view=2e6 -o "$OUT/m.bin" "$F/events.tsv"
	assert_failure 64
	assert_line --index 0 'interactions-weight: -w: bad weights "view=2e6": out of range (0, or 1e-06 to 1e+06)'
	assert_dir_only "$OUT"
}

@test "error: wrong header names what was expected and found" {
	run interactions-weight -o "$OUT/m.bin" "$F/wrong-header.tsv"
	assert_failure 65
	assert_output "interactions-weight: $F/wrong-header.tsv:1: expected header \"ts\\tuser\\tevent\\titem\\ttxn\", found \"timestamp\\tvisitorid\\tevent\\titemid\\ttransactionid\""
	assert_dir_only "$OUT"
}

@test "error: a bad row names file, line and field, and leaves no output" {
	run interactions-weight -o "$OUT/m.bin" "$F/events.tsv" "$F/bad-event.tsv"
	assert_failure 65
	assert_output "interactions-weight: $F/bad-event.tsv:3: field 3 (event): unknown event type (expected view, addtocart or transaction): \"click\""
	assert_dir_only "$OUT"
	run interactions-weight --tsv -o "$OUT/t.tsv" "$F/bad-user.tsv"
	assert_failure 65
	assert_output "interactions-weight: $F/bad-user.tsv:3: field 2 (user): not a number: \"x7\""
	assert_dir_only "$OUT"
}

@test "error: missing input" {
	run interactions-weight -o "$OUT/m.bin" "$OUT/nope.tsv"
	assert_failure 66
	assert_output --partial "interactions-weight: $OUT/nope.tsv: "
	assert_dir_only "$OUT"
}

@test "error: output cannot be created" {
	run interactions-weight -o "$OUT/no/such/dir/m.bin" "$F/events.tsv"
	assert_failure 73
	assert_output --partial "interactions-weight: $OUT/no/such/dir/m.bin: cannot create"
	run interactions-weight --tsv -o "$OUT/no/t.tsv" "$F/events.tsv"
	assert_failure 73
	assert_output --partial "interactions-weight: $OUT/no/t.tsv: cannot create"
	assert_dir_only "$OUT"
}

@test "ids over the whole uint64 range sort numerically" {
	run interactions-weight --tsv "$F/huge-ids.tsv"
	assert_success
	assert_output "$(printf 'user\titem\tvalue\n0\t0\t0.75\n18446744073709551615\t5\t0.75\n18446744073709551615\t18446744073709551615\t0.25')"
}
