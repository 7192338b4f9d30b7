#!/usr/bin/env bats
# pipeline.mk and scripts/rec-rebuild, end to end on a small synthetic
# dataset (ev-synth, 20000 events) with a small, fast ALS.  One reference
# build is made once; tests that change things work on copies of it (cp -a
# keeps the mtimes make decides by).

load test_helper

CUT=2015-09-01
CUT_MS=1441065600000
ARTIFACTS="items.tsv train.tsv test.tsv popular.tsv matrix.bin naive-matrix.bin
als.model naive-als.model als-recs.tsv eval-users.tsv naive-als-recs.tsv
recs-staged.db report.tsv replay.tsv recs.db"

setup_file() {
	export D="$BATS_FILE_TMPDIR/data" REF="$BATS_FILE_TMPDIR/ref"
	ev-synth -s 7 --events 20000 -o "$D"
	pl "$REF" all
}

# pl BUILD [MAKE ARGS...]: the pipeline on the test data, small parameters.
pl() {
	local b=$1
	shift
	make --no-print-directory -f "$TOP/pipeline.mk" DATA="$D" BUILD="$b" \
	    BIN="$RS_BIN" FACTORS=8 ITERATIONS=3 N_RECS=10 THREADS=2 "$@"
}

# The program names a "make -n" would run, sorted, one per line.
would_run() {
	pl "$@" -n | grep -o "$RS_BIN/[a-z-]*" | sed 's|.*/||' | sort -u
}

# A copy of the reference build in BATS_TEST_TMPDIR/b.
copy_ref() {
	cp -a "$REF" "$BATS_TEST_TMPDIR/b"
	B=$BATS_TEST_TMPDIR/b
}

# ctr_check FILE KIND: the container's magic, kind and recorded size.
ctr_check() {
	local magic kind size
	magic=$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')
	[ "$magic" = 895253430d0a1a0a ] || fail "$1: bad magic $magic"
	kind=$(dd if="$1" bs=1 skip=8 count=8 2>/dev/null | tr -d '\0')
	[ "$kind" = "$2" ] || fail "$1: kind '$kind', expected '$2'"
	size=$(dd if="$1" bs=1 skip=24 count=8 2>/dev/null | od -An -tu8 | tr -d ' ')
	[ "$size" = "$(stat -c %s "$1")" ] || fail "$1: recorded size $size"
}

# ctr_sections FILE: each section's name, size and CRC-32: the content of a
# container without its header, whose parameters hold the build time.
ctr_sections() {
	local n i e
	n=$(dd if="$1" bs=1 skip=20 count=4 2>/dev/null | od -An -tu4 | tr -d ' ')
	[ "${n:-0}" -ge 1 ] || fail "$1: no sections"
	for ((i = 0; i < n; i++)); do
		e=$((64 + 48 * i))
		printf '%s %s\n' \
		    "$(dd if="$1" bs=1 skip=$e count=24 2>/dev/null | tr -d '\0')" \
		    "$(dd if="$1" bs=1 skip=$((e + 32)) count=12 2>/dev/null | od -An -tx1 | tr -d ' \n')"
	done
}

# same_build DIR1 DIR2: every artifact identical; the stores (which record
# when they were built) section by section.
same_build() {
	local f
	for f in $ARTIFACTS; do
		case $f in
		*.db) [ "$(ctr_sections "$1/$f")" = "$(ctr_sections "$2/$f")" ] ||
		    fail "$2/$f: other sections than $1/$f" ;;
		*) cmp "$1/$f" "$2/$f" ;;
		esac
	done
}

@test "pipeline: builds every artifact, valid, and nothing else" {
	local o=$REF/$CUT
	# shellcheck disable=SC2086
	assert_dir_only "$o" .params $ARTIFACTS
	assert_dir_only "$o/.params" items train test popular matrix \
	    naive_matrix als naive_als recs naive_recs store report replay
	assert_equal "$(head -n 1 "$o/train.tsv")" "$(printf 'ts\tuser\tevent\titem\ttxn')"
	assert_equal "$(head -n 1 "$o/test.tsv")" "$(printf 'ts\tuser\tevent\titem\ttxn')"
	assert_equal "$(head -n 1 "$o/items.tsv")" "$(printf 'item\tcategory\troot\tavailable\tts')"
	assert_equal "$(head -n 1 "$o/popular.tsv")" "$(printf 'item\tcategory\tcount\tscore')"
	assert_equal "$(head -n 1 "$o/als-recs.tsv")" "$(printf 'user\trank\titem\tscore')"
	# The split is at the cutoff, and both sides hold events.
	run awk -F'\t' -v c=$CUT_MS 'NR > 1 { n++; if ($1 >= c) bad++ } END { print (n > 0 && !bad) }' "$o/train.tsv"
	assert_output 1
	run awk -F'\t' -v c=$CUT_MS 'NR > 1 { n++; if ($1 < c) bad++ } END { print (n > 0 && !bad) }' "$o/test.tsv"
	assert_output 1
	# Training events are limited to the catalogue.
	run awk -F'\t' 'FNR == 1 { f++; next } f == 1 { cat[$1] = 1; next }
	    !($4 in cat) { bad++ } END { print bad + 0 }' "$o/items.tsv" "$o/train.tsv"
	assert_output 0
	# N_RECS=10 personal recommendations per user, ranks 1..10.
	run awk -F'\t' 'NR > 1 { n[$1]++; if ($2 < 1 || $2 > 10) bad++ }
	    END { for (u in n) if (n[u] != 10) bad++; print (length(n) > 0), bad + 0 }' "$o/als-recs.tsv"
	assert_output "1 0"
	# The naive baseline only for the users the report evaluates it on.
	run awk -F'\t' 'FNR == 1 { next } NR == FNR { u[$1] = 1; next }
	    !($1 in u) { bad++ } END { print bad + 0 }' "$o/eval-users.tsv" "$o/naive-als-recs.tsv"
	assert_output 0
	[ "$(wc -l <"$o/eval-users.tsv")" -gt 1 ]
	[ "$(cut -f 1 "$o/naive-als-recs.tsv" | sort -u | wc -l)" -lt \
	    "$(cut -f 1 "$o/als-recs.tsv" | sort -u | wc -l)" ]
	ctr_check "$o/matrix.bin" matrix
	ctr_check "$o/naive-matrix.bin" matrix
	ctr_check "$o/als.model" alsmodel
	ctr_check "$o/naive-als.model" alsmodel
	ctr_check "$o/recs.db" recsdb
	# recs.db is the evaluated store itself.
	[ "$o/recs.db" -ef "$o/recs-staged.db" ] || fail "recs.db is not recs-staged.db"
	# The model is the one the recommendations came from.
	run als-recommend -n 10 -o "$BATS_TEST_TMPDIR/r.tsv" "$o/als.model"
	assert_success
	cmp "$o/als-recs.tsv" "$BATS_TEST_TMPDIR/r.tsv"
	# The report: the original's four rows; then the served blend replayed.
	run cut -f 1,2 "$o/report.tsv"
	assert_output "$(printf '%s\t%s\n' model group top_popular all_test_users \
	    top_popular with_history naive_als with_history weighted_als with_history)"
	run awk -F'\t' 'NR > 1 && !($3 > 0) { print "no users: " $0 }' "$o/report.tsv"
	assert_output ""
	run head -n 2 "$o/replay.tsv"
	assert_line --index 0 "$(printf 'model\tgroup\tcarts\thits\thit_at_5\tcoverage_at_5')"
	assert_line --index 1 --regexp "$(printf '^[a-z_]+\tall_test_carts\t[1-9][0-9]*\t')"
}

@test "pipeline: report prints the table; a second run runs nothing" {
	run pl "$REF" report
	assert_success
	assert_output --partial "pipeline: $REF/$CUT/report.tsv and replay.tsv"
	assert_output --partial weighted_als
	assert_output --partial all_test_carts
	refute_output --partial "$(printf '\t')"
	run would_run "$REF" all
	assert_success
	assert_output ""
}

@test "pipeline: FACTORS reruns both ALS fits and what follows, nothing before" {
	copy_ref
	run would_run "$B" FACTORS=9
	assert_output "$(printf '%s\n' als-fit als-recommend rec-blend rec-eval)"
	# make -n changed nothing.
	run would_run "$B"
	assert_output ""
	local before f
	# shellcheck disable=SC2086
	before=$(cd "$B/$CUT" && stat -c '%n %y' $ARTIFACTS)
	run pl "$B" FACTORS=9 all
	assert_success
	for f in items.tsv train.tsv test.tsv popular.tsv matrix.bin naive-matrix.bin; do
		echo "$before" | grep -qx "$(cd "$B/$CUT" && stat -c '%n %y' $f)" ||
		    fail "$f was rebuilt"
	done
	for f in als.model naive-als.model als-recs.tsv recs-staged.db report.tsv replay.tsv recs.db; do
		! echo "$before" | grep -qx "$(cd "$B/$CUT" && stat -c '%n %y' $f)" ||
		    fail "$f was not rebuilt"
	done
	grep -q -- '-f 9 ' "$B/$CUT/.params/als"
	run would_run "$B" FACTORS=9
	assert_output ""
}

@test "pipeline: each parameter reruns only its own stages" {
	copy_ref
	run would_run "$B" VIEW_WEIGHT=0.5
	assert_output "$(printf '%s\n' als-fit als-recommend interactions-weight rec-blend rec-eval)"
	# The naive baseline does not use the weights.
	run pl "$B" VIEW_WEIGHT=0.5 -n
	assert_output --partial "$B/$CUT/matrix.bin"
	refute_output --partial "-o $B/$CUT/naive-matrix.bin"
	refute_output --partial "-o $B/$CUT/naive-als.model"
	run would_run "$B" N_RECS=20
	assert_output "$(printf '%s\n' als-recommend rec-blend rec-eval)"
	run would_run "$B" SEED=5
	assert_output "$(printf '%s\n' als-fit als-recommend rec-blend rec-eval)"
	# THREADS and VERBOSE are not parameters of the result.
	run would_run "$B" THREADS=1 VERBOSE=1
	assert_output ""
	# An input file that changes reruns everything downstream of it.
	touch "$D/category_tree.csv"
	run would_run "$B"
	assert_output "$(printf '%s\n' als-fit als-recommend catalog-snapshot ev-filter interactions-weight pop-rank rec-blend rec-eval)"
	refute_output --partial "ev-synth"
	touch -d '2000-01-01' "$D/category_tree.csv"
}

# shim NAME SCRIPT: a program directory in $BATS_TEST_TMPDIR/shim-NAME
# holding the real programs except NAME, which runs SCRIPT ($REAL is the
# real program).  Prints the directory.
shim() {
	local dir=$BATS_TEST_TMPDIR/shim-$1 p
	mkdir -p "$dir"
	for p in "$RS_BIN"/*; do ln -sf "$p" "$dir/"; done
	rm "$dir/$1"
	printf '#!/bin/sh\nREAL=%s/%s\n%s\n' "$RS_BIN" "$1" "$2" >"$dir/$1"
	chmod +x "$dir/$1"
	echo "$dir"
}

@test "pipeline: a build killed by SIGKILL mid-stage, rerun, equals an uninterrupted one" {
	# A shim starts the real program, lets it work for a moment and then
	# kills make's whole process group (setsid) with SIGKILL.  First in the
	# catalogue stage, then in the ALS fit of the rerun.
	local b=$BATS_TEST_TMPDIR/k p
	for p in catalog-snapshot als-fit; do
		# shellcheck disable=SC2016
		run setsid -w make --no-print-directory -f "$TOP/pipeline.mk" DATA="$D" \
		    BUILD="$b" BIN="$(shim $p '"$REAL" "$@" & sleep 0.1; kill -KILL 0')" \
		    FACTORS=8 ITERATIONS=3 N_RECS=10 THREADS=2 all
		assert_failure
		[ ! -e "$b/$CUT/report.tsv" ] || fail "the run killed in $p finished"
	done
	run pl "$b" all
	assert_success
	same_build "$REF/$CUT" "$b/$CUT"
	# shellcheck disable=SC2086
	assert_dir_only "$b/$CUT" .params $ARTIFACTS
}

@test "pipeline: make -j2 builds the same artifacts as make -j1" {
	local b=$BATS_TEST_TMPDIR/j
	run pl "$b" -j2 all
	assert_success
	same_build "$REF/$CUT" "$b/$CUT"
}

@test "pipeline: publish switches build/current under a running rec-serve with no failed request" {
	copy_ref
	local cut2=2015-08-25 port=$((20000 + $$ % 20000)) pid i bad=0 user c last want
	run pl "$B" CUTOFF=$cut2 all
	assert_success
	run pl "$B" publish
	assert_success
	assert_equal "$(readlink "$B/current")" "$CUT"
	rec-serve --listen 127.0.0.1:$port "$B/current/recs.db" 2>"$BATS_TEST_TMPDIR/serve.log" &
	pid=$!
	for i in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/" >/dev/null && break
		sleep 0.1
	done
	user=$(awk -F'\t' 'NR == 2 { print $1 }' "$B/$CUT/als-recs.tsv")
	for i in $(seq 60); do
		curl -sf --max-time 5 -H 'Content-Type: application/json' \
		    -d "{\"user_id\": $user, \"n_recs\": 5, \"last_items\": []}" \
		    "http://127.0.0.1:$port/recs" >>"$BATS_TEST_TMPDIR/answers" ||
		    bad=$((bad + 1))
		echo >>"$BATS_TEST_TMPDIR/answers"
		if [ $((i % 10)) = 0 ]; then
			if [ $((i % 20)) = 0 ]; then c=$CUT; else c=$cut2; fi
			pl "$B" CUTOFF=$c publish >/dev/null
		fi
	done
	# The last publish pointed at $CUT: the next answer is that store's.
	last=$(curl -sf --max-time 5 "http://127.0.0.1:$port/recs?user_id=$user&n_recs=5")
	kill "$pid"
	wait "$pid" || true
	assert_equal "$bad" 0
	assert_equal "$(readlink "$B/current")" "$CUT"
	# Both builds were served while they were current.
	run sort -u "$BATS_TEST_TMPDIR/answers"
	[ "${#lines[@]}" -ge 2 ] || fail "one store served: $output"
	want=$(printf '%s\t5\t\n' "$user" | rec-serve "$B/$CUT/recs.db" | cut -f 2)
	assert_equal "$(echo "$last" | tr -dc '0-9,')" "$want"
	assert_dir_only "$B" "$CUT" "$cut2" current
}

@test "pipeline: the embedded default is ev-synth into BUILD/synth-data, and it says so" {
	local b=$BATS_TEST_TMPDIR/e
	mkdir "$BATS_TEST_TMPDIR/empty"
	run make --no-print-directory -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/empty" \
	    BUILD="$b" BIN="$RS_BIN" SYNTH_EVENTS=20000 SYNTH_SEED=7 "$b/synth-data/events.csv"
	assert_success
	assert_line --index 0 "pipeline: no events.csv in $BATS_TEST_TMPDIR/empty/: using the embedded default, ev-synth --events 20000 -s 7 in $b/synth-data/"
	for f in events.csv item_properties_part1.csv item_properties_part2.csv category_tree.csv; do
		cmp "$D/$f" "$b/synth-data/$f"
	done
	# The rest of the pipeline reads it.
	run make -n --no-print-directory -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/empty" \
	    BUILD="$b" BIN="$RS_BIN" SYNTH_EVENTS=20000 SYNTH_SEED=7
	assert_output --partial "-o $b/2015-09-01/test.tsv $b/synth-data/events.csv"
	refute_output --partial "ev-synth -s"
}

@test "pipeline: bad data directories and cutoffs are refused with a message" {
	mkdir "$BATS_TEST_TMPDIR/d"
	cp "$D/events.csv" "$BATS_TEST_TMPDIR/d/"
	run make -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/d" BUILD="$BATS_TEST_TMPDIR/b"
	assert_failure 2
	assert_output --partial "pipeline: $BATS_TEST_TMPDIR/d needs exactly one events.csv[.gz] and one category_tree.csv[.gz]"
	cp "$D/category_tree.csv" "$BATS_TEST_TMPDIR/d/"
	run make -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/d" BUILD="$BATS_TEST_TMPDIR/b"
	assert_failure 2
	assert_output --partial "pipeline: no item_properties_part*.csv[.gz] in $BATS_TEST_TMPDIR/d"
	cp "$D/item_properties_part1.csv" "$BATS_TEST_TMPDIR/d/"
	gzip -c "$D/item_properties_part1.csv" >"$BATS_TEST_TMPDIR/d/item_properties_part1.csv.gz"
	run make -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/d" BUILD="$BATS_TEST_TMPDIR/b"
	assert_failure 2
	assert_output --partial "both plain and gzip copies of $BATS_TEST_TMPDIR/d/item_properties_part1.csv.gz"
	run make -f "$TOP/pipeline.mk" DATA="$D" CUTOFF=2015-09-01T00:00:00
	assert_failure 2
	assert_output --partial 'pipeline: CUTOFF names a directory: use YYYY-MM-DD or @MILLIS, not "2015-09-01T00:00:00"'
	[ ! -e "$BATS_TEST_TMPDIR/b" ]
}

@test "pipeline: a failing stage leaves the published store alone" {
	copy_ref
	run pl "$B" publish
	assert_success
	run pl "$B" FACTORS=0 publish
	assert_failure 2
	assert_output --partial "als-fit"
	run would_run "$B" FACTORS=0
	assert_output --partial "als-fit"
	assert_equal "$(readlink "$B/current")" "$CUT"
	cmp "$REF/$CUT/recs.db" "$B/$CUT/recs.db"
	# A store whose evaluation fails is never installed as recs.db.
	run pl "$B" N_RECS=9 BIN="$(shim rec-eval 'exit 65')" publish
	assert_failure 2
	[ "$B/$CUT/recs-staged.db" -nt "$REF/$CUT/recs-staged.db" ]
	cmp "$REF/$CUT/recs.db" "$B/$CUT/recs.db"
	run pl "$B" clean
	assert_failure
	assert_output --partial "pipeline: $B/$CUT is published as $B/current; publish another build first"
	[ -d "$B/$CUT" ]
	rm "$B/current"
	run pl "$B" clean
	assert_success
	[ ! -e "$B/$CUT" ]
}

@test "rec-rebuild: builds, publishes, logs, keeps KEEP builds" {
	copy_ref
	mkdir "$B/2015-08-01" "$B/2015-08-02" "$B/2015-08-03" "$B/not-a-date"
	run "$TOP/scripts/rec-rebuild" -b "$B" -d "$D" -k 2 -l "$B/log" $CUT \
	    BIN="$RS_BIN" FACTORS=8 ITERATIONS=3 N_RECS=10 THREADS=2
	assert_success
	assert_output ""
	assert_equal "$(readlink "$B/current")" "$CUT"
	assert_dir_only "$B" "$CUT" 2015-08-03 not-a-date current log .rebuild.lock
	run cat "$B/log"
	assert_line --regexp "^[0-9T:-]+Z rec-rebuild\[[0-9]+\]: start: cutoff $CUT, data $D, build $B, BIN="
	assert_line --regexp "rec-rebuild\[[0-9]+\]: published $B/current -> $CUT\$"
	assert_line --regexp "removed the old build $B/2015-08-01\$"
	assert_line --regexp "done\$"
}

@test "rec-rebuild: a second run exits 75 while the lock is held, or waits with -w" {
	copy_ref
	run flock "$B/.rebuild.lock" "$TOP/scripts/rec-rebuild" -b "$B" -d "$D" $CUT BIN="$RS_BIN"
	assert_failure 75
	assert_output "rec-rebuild: another rebuild holds $B/.rebuild.lock; not starting (use -w SECONDS to wait)"
	run flock "$B/.rebuild.lock" "$TOP/scripts/rec-rebuild" -w 1 -b "$B" -d "$D" $CUT BIN="$RS_BIN"
	assert_failure 75
	assert_output "rec-rebuild: another rebuild still holds $B/.rebuild.lock after 1s"
	[ ! -e "$B/current" ]
	grep -q "another rebuild is running; exiting" "$B/rebuild.log"
}

@test "rec-rebuild: a failed build is not published" {
	copy_ref
	run "$TOP/scripts/rec-rebuild" -b "$B" -d "$D" $CUT BIN="$RS_BIN" FACTORS=8 \
	    ITERATIONS=3 N_RECS=10 THREADS=2
	assert_success
	run "$TOP/scripts/rec-rebuild" -b "$B" -d "$D" $CUT BIN="$RS_BIN" FACTORS=0
	assert_failure 1
	assert_output "rec-rebuild: $CUT: the pipeline failed; see $B/rebuild.log"
	assert_equal "$(readlink "$B/current")" "$CUT"
	cmp "$REF/$CUT/recs.db" "$B/$CUT/recs.db"
	grep -q "FAILED: the pipeline failed" "$B/rebuild.log"
}

@test "rec-rebuild: usage errors" {
	run "$TOP/scripts/rec-rebuild" -k 0
	assert_failure 64
	assert_output 'rec-rebuild: -k: not a positive number: "0"'
	run "$TOP/scripts/rec-rebuild" -j x
	assert_failure 64
	assert_output 'rec-rebuild: -j: not a positive number: "x"'
	run "$TOP/scripts/rec-rebuild" 2015-9-1
	assert_failure 64
	assert_output 'rec-rebuild: CUTOFF: expected YYYY-MM-DD: "2015-9-1"'
	run "$TOP/scripts/rec-rebuild" 2015-09-01 BUILD=x
	assert_failure 64
	assert_output 'rec-rebuild: BUILD is set by the options, not as a variable'
	run "$TOP/scripts/rec-rebuild" -x
	assert_failure 64
	assert_output --partial "usage: rec-rebuild [-b BUILD]"
	run "$TOP/scripts/rec-rebuild" --help
	assert_success
	assert_line --index 0 "usage: rec-rebuild [-b BUILD] [-d DATA] [-j JOBS] [-k KEEP] [-l LOG] [-w SECONDS] [CUTOFF] [VAR=VALUE ...]"
}
