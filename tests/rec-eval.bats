#!/usr/bin/env bats
# rec-eval: the seed's metrics on hand-computed fixtures, the replay of the
# served blend on a hand-made store, the real slice against an awk oracle,
# and every error path.

load test_helper
bats_require_minimum_version 1.5.0

FX="$BATS_TEST_DIRNAME/fixtures/rec-eval"

setup() {
	cd "$FX"
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

# The small case (k = 2, coverage at 3; catalogue 10..19):
#   test carts: user 1 carts 10 twice and 13; user 2 carts 99 (outside the
#   catalogue); user 3 carts 11; user 4 carts 12.
#   history: user 1 viewed, user 2 carted; user 3 only bought (no history).
#   popular top 2 = 10 11, top 3 = 10 11 12 (coverage 3/10 = 30%).
#   distinct: P = (1/2 + 0 + 1/2 + 0)/4 = 25%, R = (1/2 + 0 + 1 + 0)/4 =
#   37.5%; with history (users 1, 2): P 25%, R 25%.
#   duplicates: user 1 tp 2 over 2 + 1 joined rows, R 2/3: P = (2/3 +
#   1/2)/4 = 29.1667%, R = (2/3 + 1)/4 = 41.6667%; history 33.3333% both.
#   als (history only; user 3 has a list but no history, user 4 no list):
#   user 1 13 10 -> P 1 R 1; user 2 99 12 -> P 1/2 R 1: 75%, 100%;
#   coverage: 13 10 15 99 12 14, 99 not in the catalogue: 5/10 = 50%.
BASE=(-k 2 --coverage-k 3 --train train.tsv --test test.tsv
    --items items.tsv)
ARGS=("${BASE[@]}" --popular popular.tsv --recs als=als.tsv)

@test "--help prints the usage and the options" {
	run rec-eval --help
	assert_success
	assert_line --index 0 --partial "usage: rec-eval [-v] [-n K]"
	assert_output --partial "--replay [NAME=]RECS.db ..."
	assert_output --partial "--count-duplicates"
}

@test "distinct relevant items: the hand-computed report" {
	run --separate-stderr rec-eval "${ARGS[@]}"
	assert_success
	diff -u expected-distinct.tsv - <<<"$output"
	[[ "$stderr" == *"als/with_history: items recommended but not in the catalogue snapshot: 1 (not counted in coverage)"* ]]
}

@test "--count-duplicates: an item carted twice counts twice" {
	run --separate-stderr rec-eval "${ARGS[@]}" --count-duplicates
	assert_success
	diff -u expected-dups.tsv - <<<"$output"
}

@test "the worked example of the man page, both ways" {
	local a=(--train example-train.tsv --test example-test.tsv
	    --items items.tsv --recs x=example-recs.tsv)
	run rec-eval "${a[@]}"
	assert_success
	assert_line --index 1 "x	with_history	1	20.0000	50.0000	60.0000"
	run rec-eval "${a[@]}" --count-duplicates
	assert_success
	assert_line --index 1 "x	with_history	1	33.3333	66.6667	60.0000"
}

@test "default -k and --coverage-k name the columns" {
	run rec-eval --train train.tsv --test test.tsv --items items.tsv \
	    --popular popular.tsv
	assert_success
	assert_line --index 0 "model	group	users	precision_at_5	recall_at_5	coverage_at_50"
	# Popular has 4 items: precision over the 4 listed (a short list).
	# user 1: 10 13 of 10 11 12 13 -> P 2/4 R 1; user 2: 0; user 3:
	# P 1/4 R 1; user 4: P 1/4 R 1 -> P 25%, R 75%; coverage 4/10.
	assert_line --index 1 "top_popular	all_test_users	4	25.0000	75.0000	40.0000"
}

@test "--format table aligns the same report" {
	run --separate-stderr rec-eval "${ARGS[@]}" --format table
	assert_success
	diff -u expected-table.txt - <<<"$output"
}

@test "a test user without recommendations is not evaluated" {
	run -0 --separate-stderr rec-eval "${ARGS[@]}" -v
	# users 1 and 2 have history; both have lists.  User 4 has none.
	assert_line --index 3 --partial "als	with_history	2	"
	[[ "$stderr" == *"als.tsv: 11 rows, 2 of 2 test users with history have a list"* ]]
	[[ "$stderr" == *"6 test carts, 4 test users, 2 with history, 10 catalogue items"* ]]
}

@test "the report does not depend on the order of the inputs" {
	for f in train test als; do
		{ head -n 1 $f.tsv; tail -n +2 $f.tsv | tac; } >"$OUT/$f.tsv"
	done
	run --separate-stderr rec-eval -k 2 --coverage-k 3 \
	    --train "$OUT/train.tsv" --test "$OUT/test.tsv" \
	    --items items.tsv --popular popular.tsv --recs als=als.tsv
	assert_success
	diff -u expected-distinct.tsv - <<<"$output"
}

@test "scores in any finite notation are accepted" {
	{ head -n 1 als.tsv; tail -n +2 als.tsv |
	    awk -F'\t' -v OFS='\t' '{ $4 = NR % 2 ? "7.5e-1" : "+1" } 1'; } \
	    >"$OUT/als.tsv"
	run --separate-stderr rec-eval "${BASE[@]}" --popular popular.tsv \
	    --recs als="$OUT/als.tsv"
	assert_success
	diff -u expected-distinct.tsv - <<<"$output"
}

@test "gzip inputs are read like plain ones" {
	gzip -c test.tsv >"$OUT/test.tsv.gz"
	gzip -c als.tsv >"$OUT/als.tsv.gz"
	run --separate-stderr rec-eval -k 2 --coverage-k 3 --train train.tsv \
	    --test "$OUT/test.tsv.gz" --items items.tsv --popular popular.tsv \
	    --recs als="$OUT/als.tsv.gz"
	assert_success
	diff -u expected-distinct.tsv - <<<"$output"
}

@test "an empty group keeps its row with empty figures and says why" {
	printf 'user\trank\titem\tscore\n3\t1\t11\t0.5\n' >"$OUT/nohist.tsv"
	run --separate-stderr rec-eval "${BASE[@]}" \
	    --recs only3="$OUT/nohist.tsv"
	assert_success
	assert_line --index 1 "only3	with_history	0			"
	[[ "$stderr" == *"rec-eval: only3/with_history: no user to evaluate (no test user with history has recommendations in the file)"* ]]
	[[ "$output" != *nan* && "$output" != *NaN* ]]
	run --separate-stderr rec-eval "${BASE[@]}" --format table \
	    --recs only3="$OUT/nohist.tsv"
	assert_line --index 1 --regexp '^only3 +with_history +0 +- +- +-$'
}

@test "no test cart at all: every group empty, never NaN" {
	printf 'ts\tuser\tevent\titem\ttxn\n1\t1\tview\t10\t\n' >"$OUT/t.tsv"
	run --separate-stderr rec-eval --train train.tsv --test "$OUT/t.tsv" \
	    --items items.tsv --popular popular.tsv --recs als=als.tsv
	assert_success
	assert_line --index 1 "top_popular	all_test_users	0			"
	assert_line --index 2 "top_popular	with_history	0			"
	assert_line --index 3 "als	with_history	0			"
	[[ "$stderr" == *"no addtocart event in the test period: every group is empty"* ]]
	[[ "$stderr" == *"top_popular/all_test_users: no user to evaluate (no test user)"* ]]
}

@test "an empty popular list gives empty groups" {
	printf 'item\tcategory\tcount\tscore\n' >"$OUT/pop.tsv"
	run --separate-stderr rec-eval --train train.tsv --test test.tsv \
	    --items items.tsv --popular "$OUT/pop.tsv"
	assert_success
	assert_line --index 1 "top_popular	all_test_users	0			"
	[[ "$stderr" == *"the popular list is empty"* ]]
}

@test "-o writes the report atomically" {
	run rec-eval "${ARGS[@]}" -o "$OUT/r.tsv"
	assert_success
	assert_output --partial "not in the catalogue"   # the warning only
	diff -u expected-distinct.tsv "$OUT/r.tsv"
	assert_dir_only "$OUT" r.tsv
}

@test "a failing run leaves no output and no temporary file" {
	printf 'user\trank\titem\tscore\n1\t2\t10\t0.5\n' >"$OUT/bad.tsv"
	run rec-eval "${BASE[@]}" --recs b="$OUT/bad.tsv" \
	    -o "$OUT/r.tsv"
	assert_failure 65
	assert_dir_only "$OUT" bad.tsv
}

# sims-events.tsv gives item-sim these neighbours (count, support 1):
#   10: 13 (.1875), 12 (.125); 11: 99; 12: 10, 13; 13: 10, 12; 99: 11.
# item_sim lists: user 1 (viewed 10) 13 12 -> P 1/2, R 1/2 of {10, 13};
# user 2 (carted 11) 99 -> P 1, R 1: 75%, 75%; coverage 13 12 (99 is not
# in the catalogue) = 2/10 = 20%.
@test "--similar: the item_sim row from the training items' neighbours" {
	item-sim -o "$OUT/sims.bin" sims-events.tsv
	run --separate-stderr rec-eval "${BASE[@]}" --similar "$OUT/sims.bin"
	assert_success
	assert_line --index 1 "$(printf 'item_sim\twith_history\t2\t75.0000\t75.0000\t20.0000')"
	run rec-eval "${BASE[@]}" --similar "$OUT/sims.bin" --similar x.bin
	assert_failure 64
	assert_line --index 0 "rec-eval: --similar given twice"
	run rec-eval -k 2 --train - --test test.tsv --items items.tsv \
	    --similar "$OUT/sims.bin" <train.tsv
	assert_failure 64
	assert_line --index 0 "rec-eval: --train cannot be standard input with --similar (it is read twice)"
	run rec-eval "${BASE[@]}" --similar "$OUT/none.bin"
	assert_failure 66
	head -c 200 "$OUT/sims.bin" >"$OUT/cut.bin"
	run rec-eval "${BASE[@]}" --similar "$OUT/cut.bin"
	assert_failure 65
	assert_output --partial "$OUT/cut.bin"
}

# ---- errors ----

# The curves of the small case, worked out by hand at k = 1 and 3 (k = 2
# is the report): popular [10] hits user 1 only: P 1/4, R (1/2)/4; at 3,
# [10 11 12] hits users 1, 3, 4: P 1/4, R (1/2 + 1 + 1)/4.  With history
# (users 1, 2): P 1/2 then 1/6.  als at 3: user 1 [13 10 15] 2 of 3,
# user 2 [99 12 14] 1 of 3: P 50%, R 100%.
@test "--curves: precision@k and recall@k for k = 1..20 of every row, the report's at k" {
	run rec-eval "${ARGS[@]}" --curves "$OUT/c.tsv" -o "$OUT/r.tsv"
	assert_success
	run head -n 1 "$OUT/c.tsv"
	assert_output "$(printf 'model\tgroup\tk\tprecision\trecall')"
	run awk -F'\t' '$3 == 1 || $3 == 3' "$OUT/c.tsv"
	assert_output "$(printf '%s\n' \
	    "top_popular	all_test_users	1	25.0000	12.5000" \
	    "top_popular	all_test_users	3	25.0000	62.5000" \
	    "top_popular	with_history	1	50.0000	25.0000" \
	    "top_popular	with_history	3	16.6667	25.0000" \
	    "als	with_history	1	100.0000	75.0000" \
	    "als	with_history	3	50.0000	100.0000")"
	# Twenty points a row; at the report's k, the report's figures.
	run awk -F'\t' 'NR > 1 { n[$1 "/" $2]++ } END { for (r in n) print r, n[r] }' "$OUT/c.tsv"
	assert_equal "$(echo "$output" | sort)" "$(printf '%s\n' 'als/with_history 20' \
	    'top_popular/all_test_users 20' 'top_popular/with_history 20')"
	run awk -F'\t' 'FNR == 1 { next } NR == FNR { r[$1 "/" $2] = $4 "/" $5; next }
	    $3 == 2 && r[$1 "/" $2] != $4 "/" $5 { print "differs: " $0 }' "$OUT/r.tsv" "$OUT/c.tsv"
	assert_output ""
	# So too when counting duplicates, and at another -k.
	run rec-eval "${ARGS[@]}" -k 3 --count-duplicates --curves "$OUT/c3.tsv" -o "$OUT/r3.tsv"
	assert_success
	run awk -F'\t' 'FNR == 1 { next } NR == FNR { r[$1 "/" $2] = $4 "/" $5; next }
	    $3 == 3 && r[$1 "/" $2] != $4 "/" $5 { print "differs: " $0 }' "$OUT/r3.tsv" "$OUT/c3.tsv"
	assert_output ""
	# Not with --replay; an unwritable file fails before any work.
	run rec-eval --train train.tsv --test test.tsv --items items.tsv --replay x.db --curves "$OUT/c.tsv"
	assert_failure 64
	assert_line --index 0 "rec-eval: --curves does not apply to --replay"
	run rec-eval "${ARGS[@]}" --curves "$OUT/no/dir/c.tsv" -o "$OUT/r4.tsv"
	assert_failure 73
	[ ! -e "$OUT/r4.tsv" ]
}

@test "usage errors exit 64 with a message" {
	run rec-eval --test test.tsv --items items.tsv --popular popular.tsv
	assert_failure 64
	assert_line --index 0 "rec-eval: --train, --test and --items are required"
	assert_line --index 1 --partial "usage: rec-eval"
	run rec-eval --train train.tsv --test test.tsv --items items.tsv
	assert_failure 64
	assert_line --index 0 "rec-eval: nothing to evaluate: give --popular, --recs or --similar, or --replay"
	run rec-eval "${ARGS[@]}" -k 0
	assert_failure 64
	assert_output --partial 'rec-eval: -k: "0": out of range (1 to 10000)'
	run rec-eval "${ARGS[@]}" -k abc
	assert_failure 64
	assert_output --partial 'rec-eval: -k: "abc": '
	run rec-eval "${ARGS[@]}" --coverage-k -3
	assert_failure 64
	assert_output --partial 'rec-eval: --coverage-k: "-3": '
	run rec-eval "${ARGS[@]}" --format json
	assert_failure 64
	assert_line --index 0 'rec-eval: --format: "json": expected tsv or table'
	run rec-eval "${ARGS[@]}" --recs als.tsv
	assert_failure 64
	assert_line --index 0 'rec-eval: --recs: "als.tsv": expected NAME=FILE'
	run rec-eval "${ARGS[@]}" --recs 'a b=als.tsv'
	assert_failure 64
	assert_line --index 0 --partial "NAME may hold letters, digits"
	run rec-eval "${ARGS[@]}" --recs als=als.tsv
	assert_failure 64
	assert_line --index 0 'rec-eval: --recs: name "als" given twice'
	run rec-eval "${ARGS[@]}" --recs top_popular=als.tsv
	assert_failure 64
	assert_line --index 0 "rec-eval: --recs: the name top_popular is --popular's"
	run rec-eval "${ARGS[@]}" --popular popular.tsv
	assert_failure 64
	assert_line --index 0 "rec-eval: --popular given twice"
	run rec-eval "${ARGS[@]}" extra
	assert_failure 64
	assert_line --index 0 'rec-eval: unexpected operand "extra"'
	run rec-eval "${ARGS[@]}" --bogus
	assert_failure 64
	assert_output --partial "unrecognized option"
}

@test "standard input serves one input" {
	run --separate-stderr rec-eval -k 2 --coverage-k 3 --train train.tsv \
	    --test - --items items.tsv --popular popular.tsv \
	    --recs als=als.tsv <test.tsv
	assert_success
	diff -u expected-distinct.tsv - <<<"$output"
	run rec-eval --train - --test - --items items.tsv \
	    --popular popular.tsv </dev/null
	assert_failure 64
	assert_line --index 0 "rec-eval: only one input can be standard input (-)"
	run rec-eval --train train.tsv --test - --items items.tsv \
	    --replay x.db </dev/null
	assert_failure 64
	assert_line --index 0 "rec-eval: --test cannot be standard input with --replay (it is read twice)"
}

@test "--replay does not mix with the other reports" {
	local a=(--train train.tsv --test test.tsv --items items.tsv
	    --replay x.db)
	run rec-eval "${a[@]}" --popular popular.tsv
	assert_failure 64
	assert_line --index 0 "rec-eval: --replay makes a report of its own: it does not mix with --popular, --recs or --similar"
	run rec-eval "${a[@]}" --count-duplicates
	assert_failure 64
	assert_line --index 0 "rec-eval: --count-duplicates does not apply to --replay (every cart is one request)"
	run rec-eval "${a[@]}" --coverage-k 10
	assert_failure 64
	assert_line --index 0 "rec-eval: --coverage-k does not apply to --replay (coverage is of the served -n lists)"
}

@test "an input that cannot be opened exits 66" {
	run rec-eval --train train.tsv --test nope.tsv --items items.tsv \
	    --popular popular.tsv
	assert_failure 66
	assert_output --partial "nope.tsv"
	run rec-eval "${BASE[@]}" --recs x=nope.tsv
	assert_failure 66
	assert_output --partial "nope.tsv"
}

# A recs file of ROWS (printf format) is refused: 65 and "FILE:MESSAGE".
recs_refused() {
	printf "user\trank\titem\tscore\n$1" >"$OUT/r.tsv"
	run rec-eval "${BASE[@]}" --recs x="$OUT/r.tsv"
	assert_failure 65
	assert_output "rec-eval: $OUT/r.tsv:$2"
}

@test "bad input data exits 65 naming file, line and field" {
	printf 'ts\tuser\tevent\titem\ttxn\n1\t1\tbuy\t10\t\n' >"$OUT/t.tsv"
	run rec-eval --train train.tsv --test "$OUT/t.tsv" --items items.tsv \
	    --popular popular.tsv
	assert_failure 65
	assert_output "rec-eval: $OUT/t.tsv:2: field 3 (event): unknown event type (expected view, addtocart or transaction): \"buy\""

	printf 'user\titem\trank\tscore\n' >"$OUT/h.tsv"
	run rec-eval "${BASE[@]}" --recs x="$OUT/h.tsv"
	assert_failure 65
	assert_output --partial "$OUT/h.tsv:1: expected header \"user\\trank\\titem\\tscore\""

	recs_refused '1\t1\t10\t0.5\n1\t3\t11\t0.4\n' \
	    '3: field 2 (rank): expected rank 2: "3"'
	recs_refused '1\t1\t10\t0.5\n2\t1\t11\t0.4\n1\t1\t12\t0.4\n' \
	    '4: user 1: rows not grouped by user (first seen at line 2)'
	recs_refused '1\t1\t10\t0.5\n1\t2\t10\t0.4\n' \
	    '3: field 3 (item): item listed twice for the user: "10"'
	recs_refused '9\t1\t10\tlots\n' \
	    '2: field 4 (score): not a number: "lots"'
	recs_refused '1\t1\t10\n' '2: expected 4 fields, found 3'
	recs_refused '1\t1\t10\t0.5\r\n' \
	    "2: CRLF line end (TSV files use LF; convert with: tr -d '\\r')"
	recs_refused '-1\t1\t10\t0.5\n' '2: field 1 (user): negative: "-1"'

	printf 'item\tcategory\troot\tavailable\tts\n' >"$OUT/i.tsv"
	run rec-eval --train train.tsv --test test.tsv --items "$OUT/i.tsv" \
	    --popular popular.tsv
	assert_failure 65
	assert_output "rec-eval: $OUT/i.tsv: no items in the catalogue snapshot (coverage would divide by zero)"

	printf 'item\tcategory\tcount\tscore\n10\t1\t3\t1\n10\t1\t2\t0.5\n' >"$OUT/p.tsv"
	run rec-eval "${BASE[@]}" --popular "$OUT/p.tsv"
	assert_failure 65
	assert_output --partial "$OUT/p.tsv:3: field 1 (item): duplicate item"
}

@test "an output that cannot be created exits 73" {
	run rec-eval "${ARGS[@]}" -o "$OUT/no/such/dir/r.tsv"
	assert_failure 73
	assert_output --partial "$OUT/no/such/dir/r.tsv"
}

# ---- the replay ----

# The store: catalogue 101-103 (category 10), 201-202 (20), 301 (30),
# 501-503 (50); popular 501 502 101 201 102 503 301 202 103; user 7's
# personal list 301 202 103.  At k = 2 the global list G is 501 502.
#   user 1: no views: G for both carts: 501 hit, 999 miss (cold)
#   user 2: views 201 -> 201 501, cart 201 hit; views 201 999 101 ->
#           101 201 (999 unknown, dropped), cart 101 hit (online only)
#   user 3: the view comes after the cart: G, 102 miss (cold)
#   user 7: online 501 502 with P 301 202 -> 501 301: 301 hit, 202 miss
#   user 8: only an unknown view: G, 502 hit (cold)
# history: users 2 and 7 (4 carts, 3 hits).  Coverage over 9 items:
#   all 501 502 201 101 301 = 5/9; history 201 501 101 301 = 4/9;
#   personal 501 301 = 2/9; online 201 501 101 = 3/9; cold 501 502 = 2/9.
replay_store() {
	rec-blend --rule seed --items replay/items.tsv --popular replay/popular.tsv \
	    --personal replay/personal.tsv --list-len 3 -o "$OUT/recs.db"
}

RARGS=(--train replay/train.tsv --test replay/test.tsv
    --items replay/items.tsv)

@test "--replay: hit@k of the served blend, by source" {
	replay_store
	run --separate-stderr rec-eval "${RARGS[@]}" --n-recs 2 --replay "$OUT/recs.db"
	assert_success
	diff -u replay/expected-k2.tsv - <<<"$output"
}

@test "--replay NAME=FILE, repeated: one block of rows per store" {
	replay_store
	run --separate-stderr rec-eval "${RARGS[@]}" -n 2 \
	    --replay seed="$OUT/recs.db" --replay other="$OUT/recs.db"
	assert_success
	diff -u <(sed -n '2,$s/^blend/seed/p' replay/expected-k2.tsv) \
	    <(sed -n '2,8p' <<<"$output")
	diff -u <(sed -n '2,$s/^blend/other/p' replay/expected-k2.tsv) \
	    <(sed -n '9,$p' <<<"$output")
}

@test "--replay names: bad, repeated, top_popular" {
	run rec-eval "${RARGS[@]}" --replay "a b=x.db"
	assert_failure 64
	assert_line --index 0 --partial "rec-eval: --replay: \"a b=x.db\": NAME may hold letters, digits"
	run rec-eval "${RARGS[@]}" --replay =x.db
	assert_failure 64
	assert_line --index 0 'rec-eval: --replay: "=x.db": expected NAME=FILE'
	run rec-eval "${RARGS[@]}" --replay x.db --replay y.db
	assert_failure 64
	assert_line --index 0 'rec-eval: --replay: name "blend" given twice'
	run rec-eval "${RARGS[@]}" --replay a=x.db --replay a=y.db
	assert_failure 64
	assert_line --index 0 'rec-eval: --replay: name "a" given twice'
}

@test "--train and --test swapped: the report, with a warning" {
	run --separate-stderr rec-eval -n 2 --coverage-k 3 --train test.tsv \
	    --test train.tsv --items items.tsv --popular popular.tsv
	assert_success
	[[ "$stderr" == *"rec-eval: warning: the test period (train.tsv, from 1000) is not after the training period (test.tsv, until 2007): are --train and --test swapped?"* ]]
	run --separate-stderr rec-eval "${ARGS[@]}"
	assert_success
	[[ "$stderr" != *swapped* ]]
}

@test "--replay with -n 1 and as a table" {
	replay_store
	run --separate-stderr rec-eval "${RARGS[@]}" -n 1 \
	    --replay "$OUT/recs.db" --format table
	assert_success
	assert_line --index 0 --regexp '^model +group +carts +hits +hit_at_1 +coverage_at_1$'
	assert_line --index 1 --regexp '^blend +all_test_carts +8 +3 +37\.5000 +'
}

@test "--replay: empty groups say why" {
	replay_store
	printf 'ts\tuser\tevent\titem\ttxn\n1\t1\taddtocart\t501\t\n' >"$OUT/t.tsv"
	run --separate-stderr rec-eval --train replay/train.tsv \
	    --test "$OUT/t.tsv" --items replay/items.tsv -k 2 \
	    --replay "$OUT/recs.db"
	assert_success
	assert_line --index 1 --regexp "^blend	all_test_carts	1	1	100\.0000	22\.2222$"
	assert_line --index 2 "blend	with_history	0	0		"
	assert_line --index 3 "blend	personal	0	0		"
	[[ "$stderr" == *"blend/personal: no cart to replay (no cart of a user with a personal list)"* ]]
}

@test "--replay refuses -k above the store's lists, a missing or bad store" {
	replay_store
	run rec-eval "${RARGS[@]}" -n 4 --replay "$OUT/recs.db"
	assert_failure 64
	assert_output "rec-eval: -n 4: the store $OUT/recs.db holds lists of 3 items at most"
	run rec-eval "${RARGS[@]}" --replay "$OUT/none.db"
	assert_failure 66
	assert_output --partial "$OUT/none.db"
	head -c 100 "$OUT/recs.db" >"$OUT/cut.db"
	run rec-eval "${RARGS[@]}" --replay "$OUT/cut.db"
	assert_failure 65
	assert_output --partial "$OUT/cut.db"
}

# ---- the real slice ----

# Splits the real events at 2015-09-01 and checks top_popular/all_test_users
# against an awk oracle that computes the same definitions independently.
@test "real slice: top popular agrees with an awk oracle" {
	need_real
	local cut=1441065600000
	awk -F, -v OFS='\t' -v cut=$cut -v out="$OUT" '
	    NR == 1 { print "ts", "user", "event", "item", "txn" >out "/train.tsv"
	              print "ts", "user", "event", "item", "txn" >out "/test.tsv"
	              next }
	    { f = ($1 < cut) ? out "/train.tsv" : out "/test.tsv"
	      print $1, $2, $3, $4, $5 >f }' "$REAL/events_sample_5000_visitors.csv"
	{ printf 'item\tcategory\troot\tavailable\tts\n'
	  tail -n +2 "$REAL/events_sample_5000_visitors.csv" | cut -d, -f4 |
	      sort -un | awk -v OFS='\t' '{ print $1, 1, 1, "", 0 }'; } >"$OUT/items.tsv"
	{ printf 'item\tcategory\tcount\tscore\n'
	  awk -F'\t' '$3 == "addtocart" { n[$4]++ }
	      END { for (i in n) print i, n[i] }' "$OUT/train.tsv" |
	      sort -k2,2nr -k1,1n | awk -v OFS='\t' 'NR == 1 { m = $2 }
	      { print $1, 1, $2, $2 / m }'; } >"$OUT/popular.tsv"
	run rec-eval --train "$OUT/train.tsv" --test "$OUT/test.tsv" \
	    --items "$OUT/items.tsv" --popular "$OUT/popular.tsv"
	assert_success
	want=$(awk -F'\t' -v k=5 -v k2=50 '
	    FILENAME ~ /popular/ { if (FNR > 1 && FNR - 1 <= k) top[$1] = 1
	                           if (FNR > 1 && FNR - 1 <= k2) cov++; next }
	    FILENAME ~ /items/ { if (FNR > 1) ncat++; next }
	    FNR > 1 && $3 == "addtocart" && !seen[$2 SUBSEP $4]++ {
	        rel[$2]++; if ($4 in top) tp[$2]++ }
	    END { for (u in rel) { n++; p += tp[u] / k; r += tp[u] / rel[u] }
	          printf "top_popular\tall_test_users\t%d\t%.4f\t%.4f\t%.4f\n",
	              n, 100 * p / n, 100 * r / n, 100 * cov / ncat }' \
	    "$OUT/popular.tsv" "$OUT/items.tsv" "$OUT/test.tsv")
	assert_line --index 1 "$want"
}
