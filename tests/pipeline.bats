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
sims.bin seed-recs.db session-recs.db report.tsv replay.tsv winner.tsv recs.db
train-stats.tsv test-stats.tsv curves.tsv report.html"

setup_file() {
	export D="$BATS_FILE_TMPDIR/data" REF="$BATS_FILE_TMPDIR/ref"
	ev-synth -s 7 --events 20000 -o "$D"
	pl "$REF" all
	REF_RUN=$(rundir "$REF")
	export REF_RUN
}

# pl BUILD [MAKE ARGS...]: the pipeline on the test data, small parameters.
pl() {
	local b=$1
	shift
	make --no-print-directory -f "$TOP/pipeline.mk" DATA="$D" BUILD="$b" \
	    BIN="$RS_BIN" FACTORS=8 ITERATIONS=3 N_RECS=10 THREADS=2 "$@"
}

# rundir BUILD [MAKE ARGS...]: the run directory of those parameters.
rundir() {
	pl "$@" -s where
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

# same_build RUN1 RUN2: every artifact of two run directories identical;
# the stores (which record when they were built) section by section, the
# pages up to their stage timings.
same_build() {
	local f
	for f in $ARTIFACTS; do
		case $f in
		*.db) [ "$(ctr_sections "$1/$f")" = "$(ctr_sections "$2/$f")" ] ||
		    fail "$2/$f: other sections than $1/$f" ;;
		# The page ends with the stages' timings, which vary.
		*.html) [ "$(sed '/<h2>Stages/,$d' "$1/$f")" = "$(sed '/<h2>Stages/,$d' "$2/$f")" ] ||
		    fail "$2/$f differs from $1/$f before the timings" ;;
		*) cmp "$1/$f" "$2/$f" ;;
		esac
	done
}

# md5_list DIR: "md5  name" of every file of DIR but the dot-files, in
# LC_ALL=C order, each summed on its own: what DIR/.sums must hold.
md5_list() {
	local f
	(cd "$1" && LC_ALL=C ls | while IFS= read -r f; do md5sum "$f"; done)
}

# sums_ok DIR: DIR/.sums is that.
sums_ok() {
	[ -f "$1/.sums" ] || fail "$1: no .sums"
	[ "$(cat "$1/.sums")" = "$(md5_list "$1")" ] ||
	    fail "$1/.sums holds '$(cat "$1/.sums")', not '$(md5_list "$1")'"
}

# md5_shim SCRIPT: a directory to put first on PATH, whose md5sum runs
# SCRIPT ($REAL is the real md5sum; $LOG a file in the test's directory).
md5_shim() {
	local dir=$BATS_TEST_TMPDIR/md5-shim
	mkdir -p "$dir"
	printf '#!/bin/sh\nREAL=%s\nLOG=%s/md5.log\n%s\n' "$(command -v md5sum)" \
	    "$BATS_TEST_TMPDIR" "$1" >"$dir/md5sum"
	chmod +x "$dir/md5sum"
	echo "$dir"
}

@test "pipeline: builds every artifact, valid, and nothing else" {
	local o d
	o=$(rundir "$REF")
	[[ $o == $REF/runs/$CUT-?????????? ]] || fail "run directory $o"
	# shellcheck disable=SC2086
	assert_dir_only "$o" run.tsv $ARTIFACTS
	assert_dir_only "$REF" cache runs runs.tsv runs.tsv.lock
	# Each stage in its own keyed directory, with its stamp, timings and
	# checksums; every artifact of the run is a link to one of them.
	run sh -c "ls '$REF/cache' | sed 's/-[0-9a-f]\{10\}\$//' | LC_ALL=C sort"
	assert_output "$(printf '%s\n' als eval_users inputs items matrix naive_als \
	    naive_matrix naive_recs popular recs replay report sims store_seed \
	    store_session test test_stats train train_stats winner html | LC_ALL=C sort)"
	for d in "$REF"/cache/*; do
		[ -s "$d/.params" ] && [ -s "$d/.stage.tsv" ] && [ -s "$d/.sums" ] ||
		    fail "$d: no .params, .stage.tsv or .sums"
	done
	# recs.db is a third link to the winning store.
	for f in $ARTIFACTS; do
		n=2
		[ "$o/$f" -ef "$o/recs.db" ] && n=3
		[ "$(stat -c %h "$o/$f")" = $n ] || fail "$o/$f is not a link into the cache"
	done
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
	ctr_check "$o/seed-recs.db" recsdb
	ctr_check "$o/session-recs.db" recsdb
	grep -a -q '^rule=seed$' "$o/seed-recs.db"
	grep -a -q '^rule=session$' "$o/session-recs.db"
	grep -a -q '^similar=[1-9][0-9]*$' "$o/session-recs.db"
	ctr_check "$o/sims.bin" itemsim
	# recs.db is the evaluated store of the rule with more replay hits
	# (here the session rule), kept N_RECS=10 long; the ledger names it.
	run awk -F'\t' '$2 == "all_test_carts" && $4 > h { h = $4; m = $1 } END { print m }' "$o/replay.tsv"
	assert_output session
	[ "$o/recs.db" -ef "$REF"/cache/store_session-*/session-recs.db ] || fail "recs.db is not the session store"
	grep -q "^winner	session\$" "$o/run.tsv"
	run cut -f 1,2,7 "$o/winner.tsv"
	assert_output "$(printf '%s\t%s\t%s\n' model group won seed all_test_carts 0 \
	    session all_test_carts 1)"
	grep -q -- ' -n 10 ' "$REF"/cache/store_seed-*/.params
	grep -q -- ' -n 10 ' "$REF"/cache/store_session-*/.params
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
	assert_line --index 1 --regexp "$(printf '^seed\tall_test_carts\t[1-9][0-9]*\t')"
	run grep -c "$(printf '^session\tall_test_carts\t[1-9][0-9]*\t')" "$o/replay.tsv"
	assert_output 1
}

@test "pipeline: report prints the table; a second run runs nothing" {
	local o
	o=$(rundir "$REF")
	run pl "$REF" report
	assert_success
	assert_line --index 0 "pipeline: run ${o##*/} in $o/"
	assert_output --partial weighted_als
	assert_output --partial all_test_carts
	refute_output --partial "$(printf '\t')"
	run would_run "$REF" all
	assert_success
	assert_output ""
}

@test "pipeline: FACTORS runs both ALS fits and what follows in new directories, nothing before" {
	copy_ref
	local o o9 f before
	o=$(rundir "$B")
	run would_run "$B" FACTORS=9
	assert_output "$(printf '%s\n' als-fit als-recommend rec-blend rec-eval)"
	# make -n changed nothing.
	run would_run "$B"
	assert_output ""
	before=$(cd "$B" && find . -path ./runs.tsv -prune -o -type f -printf '%p %i %T@\n' | sort)
	run pl "$B" FACTORS=9 all
	assert_success
	o9=$(rundir "$B" FACTORS=9)
	[ "$o9" != "$o" ] || fail "one run directory for two parameter sets"
	# Nothing that existed changed: the new parameters have their own files.
	run comm -23 <(echo "$before") \
	    <(cd "$B" && find . -path ./runs.tsv -prune -o -type f -printf '%p %i %T@\n' | sort)
	assert_output ""
	for f in items.tsv train.tsv test.tsv popular.tsv matrix.bin naive-matrix.bin eval-users.tsv sims.bin; do
		[ "$o/$f" -ef "$o9/$f" ] || fail "$f is not shared"
	done
	for f in als.model naive-als.model als-recs.tsv recs.db report.tsv replay.tsv; do
		[ ! "$o/$f" -ef "$o9/$f" ] || fail "$f is shared"
	done
	grep -q -- '-f 9 ' "$B"/cache/als-*/.params
	run would_run "$B" FACTORS=9
	assert_output ""
	# The new run's row has the checksums of the stages it shares (not
	# taken again: their .sums did not change, above) and of its own.
	for f in train.tsv als.model; do
		grep -qx "artifact.$f.md5	$(md5sum <"$o9/$f" | cut -c1-32)" "$o9/run.tsv" ||
		    fail "$o9/run.tsv: no checksum of $f"
	done
	run pl "$B" FACTORS=9 -n
	refute_output --partial -- "--sums"
}

@test "pipeline: the run cache: going back to built parameters rebuilds nothing, current untouched" {
	copy_ref
	local before rows
	run pl "$B" publish
	assert_success
	run pl "$B" FACTORS=9 all
	assert_success
	rows=$(wc -l <"$B/runs.tsv")
	before=$(cd "$B" && find -L current -printf '%p %i %s %T@\n' | sort)
	# Back and forth between two built parameter sets: no program runs,
	# no row is added, nothing under current changes.
	for f in "" FACTORS=9 "" FACTORS=9; do
		run pl "$B" $f all
		assert_success
		refute_output --partial "$RS_BIN/"
		refute_output --partial "row appended"
	done
	assert_equal "$(wc -l <"$B/runs.tsv")" "$rows"
	assert_equal "$(cd "$B" && find -L current -printf '%p %i %s %T@\n' | sort)" "$before"
	assert_equal "$(readlink "$B/current")" "runs/${REF_RUN##*/}"
}

@test "pipeline: the run's key does not depend on where the clone lives" {
	local a="$BATS_TEST_TMPDIR/clone-a" b="$BATS_TEST_TMPDIR/elsewhere/clone-b"
	mkdir -p "$a" "$b"
	cp -a "$TOP/pipeline.mk" "$TOP/scripts" "$a/"
	cp -a "$TOP/pipeline.mk" "$TOP/scripts" "$b/"
	ra=$(make --no-print-directory -s -f "$a/pipeline.mk" DATA="$D" BUILD="$REF" BIN="$RS_BIN" \
	    FACTORS=8 ITERATIONS=3 N_RECS=10 THREADS=2 where)
	rb=$(make --no-print-directory -s -f "$b/pipeline.mk" DATA="$D" BUILD="$REF" BIN="$RS_BIN" \
	    FACTORS=8 ITERATIONS=3 N_RECS=10 THREADS=2 where)
	assert_equal "$ra" "$rb"
	assert_equal "$ra" "$REF_RUN"
}

@test "pipeline: each parameter reruns only its own stages" {
	copy_ref
	run would_run "$B" VIEW_WEIGHT=0.5
	assert_output "$(printf '%s\n' als-fit als-recommend interactions-weight rec-blend rec-eval)"
	# The naive baseline does not use the weights.
	run pl "$B" VIEW_WEIGHT=0.5 -n
	assert_output --partial "view=0.5,addtocart=0.75,transaction=0 -o $B/cache/matrix-"
	refute_output --partial "-o $B/cache/naive_matrix-"
	refute_output --partial "-o $B/cache/naive_als-"
	run would_run "$B" N_RECS=20
	assert_output "$(printf '%s\n' als-recommend rec-blend rec-eval)"
	# N_RECS reaches the store: its longest list.
	run pl "$B" N_RECS=20 -n
	assert_output --regexp "rec-blend .* -n 20 "
	run would_run "$B" SEED=5
	assert_output "$(printf '%s\n' als-fit als-recommend rec-blend rec-eval)"
	# item-sim's parameters reach the neighbours, the session rule's
	# store and the replay, not the seed rule's store.
	run would_run "$B" SIM_SCORE=cosine
	assert_output "$(printf '%s\n' item-sim rec-blend rec-eval)"
	run pl "$B" SIM_SCORE=cosine SIM_MIN_SUPPORT=2 -n
	assert_output --regexp "item-sim -w view=0.25,addtocart=0.75,transaction=0 -n 50 --score cosine --beta 0.5 --min-support 2 --session-gap 30 --scope session --session-cap 100 --half-life 0 -o $B/cache/sims-"
	assert_output --partial "-o $B/cache/store_session-"
	refute_output --partial "-o $B/cache/store_seed-"
	# THREADS and VERBOSE are not parameters of the result.
	run would_run "$B" THREADS=1 VERBOSE=1
	assert_output ""
	# An input file that changes reruns everything downstream of it.
	cp -p "$D/category_tree.csv" "$BATS_TEST_TMPDIR/tree"
	touch "$D/category_tree.csv"
	run would_run "$B"
	assert_output "$(printf '%s\n' als-fit als-recommend catalog-snapshot ev-filter ev-stats interactions-weight item-sim pop-rank rec-blend rec-eval)"
	refute_output --partial "ev-synth"
	touch -r "$BATS_TEST_TMPDIR/tree" "$D/category_tree.csv"
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
		[ ! -e "$b/runs" ] || fail "the run killed in $p finished"
	done
	run pl "$b" all
	assert_success
	same_build "$REF_RUN" "$(rundir "$b")"
	# shellcheck disable=SC2086
	assert_dir_only "$(rundir "$b")" run.tsv $ARTIFACTS
	run find "$b/cache" -name '.*.??????'
	assert_output ""
}

@test "pipeline: make -j2 builds the same artifacts as make -j1; RUN prefixes the programs, not the checksums" {
	local b=$BATS_TEST_TMPDIR/j w=$BATS_TEST_TMPDIR/wrap d
	# A RUN prefix that logs what it runs (as bench-scale's stage timer).
	printf '#!/bin/sh\necho "${1##*/}" >>%s/ran\nexec "$@"\n' "$BATS_TEST_TMPDIR" >"$w"
	chmod +x "$w"
	# One checksum step per stage, a step of its own, not under RUN.
	run pl "$b" RUN="$w" -n
	assert_success
	assert_equal "$(grep -c "^$TOP/scripts/pipeline-stage --sums $b/cache/[a-z_]*-[0-9a-f]\{10\}\$" <<<"$output")" 21
	assert_equal "$(grep -c -- "--sums" <<<"$output")" 21
	assert_equal "$(grep -c "$w $RS_BIN/" <<<"$output")" 17
	run pl "$b" -j2 RUN="$w" all
	assert_success
	same_build "$REF_RUN" "$(rundir "$b")"
	# RUN ran the 21 stages' programs (sh: the helper scripts) and nothing
	# else: no md5sum among them.
	run sort "$BATS_TEST_TMPDIR/ran"
	assert_equal "${#lines[@]}" 21
	refute_line md5sum
	for d in "$b"/cache/*; do
		sums_ok "$d"
	done
}

@test "pipeline: publish switches build/current under a running rec-serve with no failed request" {
	copy_ref
	local cut2=2015-08-25 port=$((20000 + $$ % 20000)) pid i bad=0 user c last want o o2
	run pl "$B" CUTOFF=$cut2 all
	assert_success
	run pl "$B" publish
	assert_success
	o=$(rundir "$B") o2=$(rundir "$B" CUTOFF=$cut2)
	assert_equal "$(readlink "$B/current")" "runs/${o##*/}"
	rec-serve --listen 127.0.0.1:$port "$B/current/recs.db" 2>"$BATS_TEST_TMPDIR/serve.log" &
	pid=$!
	for i in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/" >/dev/null && break
		sleep 0.1
	done
	user=$(awk -F'\t' 'NR == 2 { print $1 }' "$o/als-recs.tsv")
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
	assert_equal "$(readlink "$B/current")" "runs/${o##*/}"
	# Both builds were served while they were current.
	run sort -u "$BATS_TEST_TMPDIR/answers"
	[ "${#lines[@]}" -ge 2 ] || fail "one store served: $output"
	want=$(printf '%s\t5\t\n' "$user" | rec-serve "$o/recs.db" | cut -f 2)
	assert_equal "$(echo "$last" | tr -dc '0-9,')" "$want"
	assert_dir_only "$B" cache runs runs.tsv runs.tsv.lock current
	assert_dir_only "$B/runs" "${o##*/}" "${o2##*/}"
}

@test "pipeline: with DATA unset and no data/, the embedded default is ev-synth into a keyed directory, and it says so" {
	local b=$BATS_TEST_TMPDIR/e s
	mkdir "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	run make --no-print-directory -f "$TOP/pipeline.mk" BUILD="$b" BIN="$RS_BIN" \
	    SYNTH_EVENTS=20000 SYNTH_SEED=7 -s where
	assert_success
	s=$(ls -d "$b"/cache/synth-* 2>/dev/null || true)
	[ -z "$s" ] || fail "where built $s"
	run make --no-print-directory -f "$TOP/pipeline.mk" BUILD="$b" BIN="$RS_BIN" \
	    SYNTH_EVENTS=20000 SYNTH_SEED=7 -n
	assert_line --index 0 --regexp "^pipeline: no events.csv in data/: using the embedded default, ev-synth --events 20000 -s 7 in $b/cache/synth-[0-9a-f]{10}/\$"
	s=$(echo "${lines[0]}" | sed 's/.* in //; s|/$||')
	run make --no-print-directory -f "$TOP/pipeline.mk" BUILD="$b" BIN="$RS_BIN" \
	    SYNTH_EVENTS=20000 SYNTH_SEED=7 "$s/events.csv"
	assert_success
	for f in events.csv item_properties_part1.csv item_properties_part2.csv category_tree.csv; do
		cmp "$D/$f" "$s/$f"
	done
	grep -qx 'ev-synth -s 7 --events 20000 -o \.' "$s/.params"
	# Its checksums by a rule of their own, after the files.
	[ ! -e "$s/.sums" ] || fail "the data's .sums made with the data"
	run make --no-print-directory -f "$TOP/pipeline.mk" BUILD="$b" BIN="$RS_BIN" \
	    SYNTH_EVENTS=20000 SYNTH_SEED=7 "$s/.sums"
	assert_success
	sums_ok "$s"
	assert_equal "$(cut -c35- "$s/.sums")" "$(printf '%s\n' category_tree.csv events.csv \
	    item_properties_part1.csv item_properties_part2.csv)"
	run make -n --no-print-directory -f "$TOP/pipeline.mk" BUILD="$b" BIN="$RS_BIN" \
	    SYNTH_EVENTS=20000 SYNTH_SEED=7 "$s/.sums"
	refute_output --partial -- "--sums"
	# The rest of the pipeline reads it; another seed is another dataset.
	run make -n --no-print-directory -f "$TOP/pipeline.mk" BUILD="$b" BIN="$RS_BIN" \
	    SYNTH_EVENTS=20000 SYNTH_SEED=7
	assert_output --regexp "-o $b/cache/test-[0-9a-f]{10}/test.tsv $s/events.csv"
	refute_output --partial "ev-synth -s"
	run make -n --no-print-directory -f "$TOP/pipeline.mk" BUILD="$b" BIN="$RS_BIN" \
	    SYNTH_EVENTS=20000 SYNTH_SEED=8
	assert_output --partial "ev-synth -s 8"
	refute_output --partial "$s/"
}

@test "pipeline: bad data directories and cutoffs are refused with a message, leaving nothing" {
	local b=$BATS_TEST_TMPDIR/b c
	mkdir "$BATS_TEST_TMPDIR/d"
	# A DATA that is given must hold the data: no silent synthetic fallback.
	run make -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/dta" BUILD="$b"
	assert_failure 2
	assert_output --partial "pipeline: DATA=$BATS_TEST_TMPDIR/dta: no such directory"
	run env DATA="$BATS_TEST_TMPDIR/d" make -f "$TOP/pipeline.mk" BUILD="$b"
	assert_failure 2
	assert_output --partial "pipeline: DATA=$BATS_TEST_TMPDIR/d: no events.csv[.gz] in it (leave DATA unset for the embedded synthetic data)"
	cp "$D/events.csv" "$BATS_TEST_TMPDIR/d/"
	run make -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/d" BUILD="$b"
	assert_failure 2
	assert_output --partial "pipeline: $BATS_TEST_TMPDIR/d needs exactly one events.csv[.gz] and one category_tree.csv[.gz]"
	cp "$D/category_tree.csv" "$BATS_TEST_TMPDIR/d/"
	run make -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/d" BUILD="$b"
	assert_failure 2
	assert_output --partial "pipeline: no item_properties_part*.csv[.gz] in $BATS_TEST_TMPDIR/d"
	cp "$D/item_properties_part1.csv" "$BATS_TEST_TMPDIR/d/"
	gzip -c "$D/item_properties_part1.csv" >"$BATS_TEST_TMPDIR/d/item_properties_part1.csv.gz"
	run make -f "$TOP/pipeline.mk" DATA="$BATS_TEST_TMPDIR/d" BUILD="$b"
	assert_failure 2
	assert_output --partial "both plain and gzip copies of $BATS_TEST_TMPDIR/d/item_properties_part1.csv.gz"
	for c in 2015-09-01T00:00:00 2015-13-45 2015-02-30 15-09-01 @12x3 "" "2015-09-01'"; do
		run make -f "$TOP/pipeline.mk" DATA="$D" BUILD="$b" CUTOFF="$c"
		assert_failure 2
		assert_output --partial "pipeline: CUTOFF: use YYYY-MM-DD (a real date) or @MILLIS, not \"$c\""
	done
	[ ! -e "$b" ] || fail "$b was made"
	run make -s -f "$TOP/pipeline.mk" DATA="$D" BUILD="$b" CUTOFF=@1441065600000 where
	assert_success
	assert_output --regexp "^$b/runs/@1441065600000-[0-9a-f]{10}\$"
}

@test "pipeline: a failing stage leaves the published store alone, and no empty directory" {
	copy_ref
	local o
	o=$(rundir "$B")
	run pl "$B" publish
	assert_success
	run pl "$B" FACTORS=0 publish
	assert_failure 2
	assert_output --partial "als-fit"
	run would_run "$B" FACTORS=0
	assert_output --partial "als-fit"
	assert_equal "$(readlink "$B/current")" "runs/${o##*/}"
	cmp "$REF_RUN/recs.db" "$B/current/recs.db"
	run ls "$B/cache"
	assert_equal "${#lines[@]}" 21
	assert_dir_only "$B/runs" "${o##*/}"
	# A store whose evaluation fails is never linked into a run.
	run pl "$B" N_RECS=9 BIN="$(shim rec-eval 'exit 65')" publish
	assert_failure 2
	assert_equal "$(ls "$B"/cache/store_seed-*/seed-recs.db | wc -l)" 2
	assert_equal "$(ls "$B"/cache/store_session-*/session-recs.db | wc -l)" 2
	[ ! -e "$(rundir "$B" N_RECS=9)" ] || fail "the run was made"
	assert_dir_only "$B/runs" "${o##*/}"
	cmp "$REF_RUN/recs.db" "$B/current/recs.db"
	run pl "$B" clean
	assert_failure
	assert_output --partial "pipeline: $o is published as $B/current; publish another run first"
	[ -d "$o" ]
	rm "$B/current"
	run pl "$B" clean
	assert_success
	[ ! -e "$o" ]
	# gc removes the stages that no run uses any more.
	run pl "$B" gc
	assert_success
	assert_output --partial "pipeline: removed $B/cache/als-"
	assert_dir_only "$B/cache"
}

@test "pipeline: the ledger: one row per run, every parameter, metric, stage and artifact" {
	local row o f
	o=$REF_RUN
	run wc -l <"$REF/runs.tsv"
	assert_output 1
	row=$(cat "$REF/runs.tsv")
	# The row and the run's run.tsv hold the same fields.
	assert_equal "$(tr '\t' '\n' <<<"$row" | sed 's/=/\t/')" "$(cat "$o/run.tsv")"
	[[ $row == run=${o##*/}$'\t'start=20??-??-??T??:??:??Z$'\t'end=20??-??-??T??:??:??Z$'\t'version=?* ]] ||
	    fail "row starts: ${row:0:120}"
	for f in CUTOFF=$CUT DATA=$D VIEW_WEIGHT=0.25 CART_WEIGHT=0.75 FACTORS=8 \
	    ITERATIONS=3 REG=0.05 ALPHA=1 N_RECS=10 SEED=123 COUNT_DUPLICATES= \
	    SIM_WEIGHTS=view=0.25,addtocart=0.75,transaction=0 SIM_NEIGHBOURS=50 \
	    SIM_SCORE=count SIM_BETA=0.5 SIM_MIN_SUPPORT=1 SIM_SESSION_GAP=30 \
	    SIM_SCOPE=session SIM_SESSION_CAP=100 SIM_HALF_LIFE=0; do
		grep -q "$(printf '\tparam.%s\t' "$f")" <<<"$(printf '\t%s\t' "$row" | sed 's/\t/\t\t/g')" ||
		    fail "no param.$f"
	done
	assert_equal "$(grep -c '^input\.events\.csv\.md5	' "$o/run.tsv")" 1
	grep -q "^input.events.csv.md5	$(md5sum <"$D/events.csv" | cut -c1-32)\$" "$o/run.tsv"
	# Every cell of both reports, by model, group and column.
	assert_equal "$(grep -c '^metric\.report\.' "$o/run.tsv")" \
	    "$(awk -F'\t' 'NR > 1 { n += NF - 2 } END { print n }' "$o/report.tsv")"
	assert_equal "$(grep -c '^metric\.replay\.' "$o/run.tsv")" \
	    "$(awk -F'\t' 'NR > 1 { n += NF - 2 } END { print n }' "$o/replay.tsv")"
	grep -q "^metric.report.weighted_als.with_history.precision_at_5	$(awk -F'\t' '$1 == "weighted_als" { print $4 }' "$o/report.tsv")\$" "$o/run.tsv"
	assert_equal "$(grep -c '^metric\.winner\.' "$o/run.tsv")" \
	    "$(awk -F'\t' 'NR > 1 { n += NF - 2 } END { print n }' "$o/winner.tsv")"
	# Wall and CPU seconds and peak memory of all 21 stages.
	assert_equal "$(grep -cE '^stage\.[a-z_]+\.(wall_s|cpu_s)	[0-9]+\.[0-9]{2}$' "$o/run.tsv")" 42
	assert_equal "$(grep -cE '^stage\.[a-z_]+\.max_rss_kb	[1-9][0-9]*$' "$o/run.tsv")" 21
	# Each artifact's path under BUILD and checksum.
	for f in $ARTIFACTS; do
		[ $f = recs.db ] && continue
		grep -q "^artifact.$f	cache/[a-z_]*-[0-9a-f]*/$f\$" "$o/run.tsv" || fail "no artifact $f"
		grep -q "^artifact.$f.md5	$(md5sum <"$o/$f" | cut -c1-32)\$" "$o/run.tsv" || fail "bad md5 of $f"
	done
	# recs.db is the winner's store, named in the row.
	[[ $row == *$'\t'winner=session$'\t'* ]] || fail "no winner=session in the row"
	grep -q "^artifact.session-recs.db.md5	$(md5sum <"$o/recs.db" | cut -c1-32)\$" "$o/run.tsv"
	# rec-runs reads it.
	run rec-runs -l "$REF/runs.tsv" show "${o##*/}"
	assert_success
	assert_equal "$output" "$(printf 'name\tvalue\n'; cat "$o/run.tsv")"
}

@test "pipeline: a program rebuilt reruns its stages in place; the run completes again with a new row" {
	copy_ref
	local bin=$BATS_TEST_TMPDIR/bin o before
	# A copy of the programs with their mtimes; then rec-eval "rebuilt".
	cp -a "$RS_BIN" "$bin"
	touch "$bin/rec-eval"
	o=$(rundir "$B")
	before=$(stat -c '%i' "$o/train.tsv" "$o/recs.db")
	run pl "$B" BIN="$bin" all
	assert_success
	assert_output --partial "$bin/rec-eval --train"
	refute_output --partial "$bin/als-fit"
	# Same parameters, same run directory: the reports relinked, the rest
	# as it was; a second row for the run in the ledger.
	assert_equal "$(rundir "$B" BIN="$bin")" "$o"
	assert_equal "$(stat -c '%i' "$o/train.tsv" "$o/recs.db")" "$before"
	[ "$o/report.tsv" -ef "$B"/cache/report-*/report.tsv ]
	run cut -f 1 "$B/runs.tsv"
	assert_output "$(printf 'run=%s\nrun=%s' "${o##*/}" "${o##*/}")"
	run rec-runs -l "$B/runs.tsv" show "${o##*/}"
	assert_success
}

@test "pipeline: every stage's .sums is its outputs' MD5, taken after the stage; the ledger holds them" {
	local d n=0 sum name
	for d in "$REF"/cache/*; do
		sums_ok "$d"
		# Taken after the stage's record, by a rule of its own.
		[ "$d/.sums" -nt "$d/.stage.tsv" ] || fail "$d/.sums is older than its .stage.tsv"
		while read -r sum name; do
			grep -qx "artifact\.$name\.md5	$sum" "$REF_RUN/run.tsv" ||
			    fail "run.tsv: no artifact.$name.md5 $sum"
			tr '\t' '\n' <"$REF/runs.tsv" | grep -qx "artifact\.$name\.md5=$sum" ||
			    fail "runs.tsv: no artifact.$name.md5=$sum"
			n=$((n + 1))
		done <"$d/.sums"
	done
	# The ledger's checksums are all from the stages' .sums.
	assert_equal "$(grep -c '^artifact\..*\.md5	' "$REF_RUN/run.tsv")" "$n"
	assert_equal "$(tr '\t' '\n' <"$REF/runs.tsv" | grep -c '^artifact\..*\.md5=')" "$n"
}

@test "pipeline: a .sums deleted is taken again without rerunning its stage; the run gets a new row" {
	copy_ref
	local d o sums before others row1 row2
	d=$(ls -d "$B"/cache/recs-*)
	o=$(rundir "$B")
	sums=$(cat "$d/.sums")
	before=$(stat -c '%n %i %.9Y' "$d/als-recs.tsv" "$d/.stage.tsv" "$d/.log" "$d/.params")
	others=$(find "$B/cache" -name .sums ! -path "$d/*" -printf '%p %i %T@\n' | sort)
	rm "$d/.sums"
	run pl "$B" -n
	assert_success
	assert_line "$TOP/scripts/pipeline-stage --sums $d"
	assert_equal "$(grep -c -- "--sums" <<<"$output")" 1
	run pl "$B" all
	assert_success
	refute_output --partial "$RS_BIN/"
	assert_output --partial "row appended to $B/runs.tsv"
	sums_ok "$d"
	assert_equal "$(cat "$d/.sums")" "$sums"
	# The stage did not run: its output and records are as they were; no
	# other checksum was taken again.
	assert_equal "$(stat -c '%n %i %.9Y' "$d/als-recs.tsv" "$d/.stage.tsv" "$d/.log" "$d/.params")" "$before"
	assert_equal "$(find "$B/cache" -name .sums ! -path "$d/*" -printf '%p %i %T@\n' | sort)" "$others"
	# The run completed again: a second row (as when a stage is rebuilt),
	# with the same checksums.
	run cut -f 1 "$B/runs.tsv"
	assert_output "$(printf 'run=%s\nrun=%s' "${o##*/}" "${o##*/}")"
	row1=$(sed -n 1p "$B/runs.tsv" | tr '\t' '\n' | grep '^artifact\.')
	row2=$(sed -n 2p "$B/runs.tsv" | tr '\t' '\n' | grep '^artifact\.')
	assert_equal "$row2" "$row1"
	grep -qx "artifact.als-recs.tsv.md5	${sums%% *}" "$o/run.tsv"
	# Then nothing is left to do: no checksum taken again, no row.
	before=$(find "$B/cache" -name .sums -printf '%p %i %T@\n' | sort)
	run pl "$B" -n
	refute_output --partial -- "--sums"
	run pl "$B" all
	assert_success
	refute_output --partial "row appended"
	assert_equal "$(find "$B/cache" -name .sums -printf '%p %i %T@\n' | sort)" "$before"
	assert_equal "$(wc -l <"$B/runs.tsv")" 2
}

@test "pipeline: a stage that runs again removes its .sums first; the new one is of its new outputs" {
	copy_ref
	local d bin o ino
	# train_stats: the first of the two ev-stats stages make runs.
	d=$(ls -d "$B"/cache/train_stats-*)
	o=$(rundir "$B")
	ino=$(stat -c %i "$d/train-stats.tsv")
	# A stale .sums: not the checksum of the output.
	printf '%032d  train-stats.tsv\n' 0 >"$d/.sums"
	# ev-stats "rebuilt", failing: the stage runs, and its .sums is gone
	# with it, though its output stays.
	bin=$(shim ev-stats 'exit 70')
	run pl "$B" BIN="$bin" all
	assert_failure 2
	assert_output --partial "$bin/ev-stats -o $d/train-stats.tsv"
	[ ! -e "$d/.sums" ] || fail "the stale .sums outlived a run of its stage"
	assert_equal "$(stat -c %i "$d/train-stats.tsv")" "$ino"
	# Rebuilt, working: a shim that notes what the stage's directory held
	# when it ran, then runs the real program.
	printf '%032d  train-stats.tsv\n' 0 >"$d/.sums"
	export SEEN=$BATS_TEST_TMPDIR/seen
	# shellcheck disable=SC2016
	bin=$(shim ev-stats '{ printf "%s: " "$2"; ls -A "${2%/*}" | tr "\n" " "; echo; } >>"$SEEN"
exec "$REAL" "$@"')
	run pl "$B" BIN="$bin" all
	assert_success
	# Both ev-stats stages ran, with no .sums in their directories.
	run cat "$SEEN"
	assert_equal "${#lines[@]}" 2
	assert_output --partial "$d/train-stats.tsv: "
	refute_output --partial ".sums"
	[ "$(stat -c %i "$d/train-stats.tsv")" != "$ino" ] || fail "the stage did not run"
	sums_ok "$d"
	grep -qx "artifact.train-stats.tsv.md5	$(md5sum <"$d/train-stats.tsv" | cut -c1-32)" "$o/run.tsv"
	tail -n 1 "$B/runs.tsv" | tr '\t' '\n' |
	    grep -qx "artifact.train-stats.tsv.md5=$(md5sum <"$d/train-stats.tsv" | cut -c1-32)"
}

@test "pipeline: a failing md5sum fails the make with its message; no .sums, no row" {
	copy_ref
	local d p old=$PATH rows
	d=$(ls -d "$B"/cache/recs-*)
	rm "$d/.sums"
	rows=$(wc -l <"$B/runs.tsv")
	# md5sum writes its lines, then fails (as on a read error).
	# shellcheck disable=SC2016
	p=$(md5_shim '"$REAL" "$@"; echo "md5sum: als-recs.tsv: Input/output error" >&2; exit 1')
	PATH=$p:$PATH
	run pl "$B" all
	PATH=$old
	assert_failure 2
	assert_output --partial "md5sum: als-recs.tsv: Input/output error"
	assert_output --partial "pipeline-stage: $d: md5sum of its outputs failed; no .sums written"
	refute_output --partial "row appended"
	run find "$d" -name '.sums*'
	assert_output ""
	assert_equal "$(wc -l <"$B/runs.tsv")" "$rows"
	# With md5sum working again the run completes.
	run pl "$B" all
	assert_success
	sums_ok "$d"
	assert_equal "$(wc -l <"$B/runs.tsv")" $((rows + 1))
}

@test "pipeline: a .sums written before .stage.tsv (an earlier pipeline-stage) is kept unread, unless an output is newer or other" {
	copy_ref
	local d e i p old=$PATH sums t rows
	d=$(ls -d "$B"/cache/recs-*) e=$(ls -d "$B"/cache/popular-*) i=$(ls -d "$B"/cache/items-*)
	sums=$(cat "$d/.sums")
	rows=$(wc -l <"$B/runs.tsv")
	# As the pipeline-stage of before --sums left a stage: .sums written
	# after the outputs, before .stage.tsv.
	t=$(stat -c '%.9Y %.9Y' "$d/als-recs.tsv" "$d/.stage.tsv" |
	    awk '{ a[NR] = $1 } END { printf "%.9f", (a[1] + a[2]) / 2 }')
	touch -d "@$t" "$d/.sums"
	[ "$d/.sums" -nt "$d/als-recs.tsv" ] && [ "$d/.stage.tsv" -nt "$d/.sums" ] || fail "setup"
	# shellcheck disable=SC2016
	p=$(md5_shim 'echo "$@" >>"$LOG"; exec "$REAL" "$@"')
	PATH=$p:$PATH
	run pl "$B" all
	assert_success
	refute_output --partial "$RS_BIN/"
	refute_output --partial "row appended"
	[ ! -e "$BATS_TEST_TMPDIR/md5.log" ] || fail "md5sum ran: $(cat "$BATS_TEST_TMPDIR/md5.log")"
	assert_equal "$(cat "$d/.sums")" "$sums"
	assert_equal "$(stat -c %.9Y "$d/.sums")" "$(stat -c %.9Y "$d/.stage.tsv")"
	run pl "$B" -n
	refute_output --partial -- "--sums"
	# A .sums older than an output (a stage killed between its output and
	# its .sums), or naming other files, is not theirs: taken again.
	printf '%032d  popular.tsv\n' 0 >"$e/.sums"
	touch -d '@1000000000' "$e/.sums"
	{ cat "$i/.sums"; printf '%032d  gone.tsv\n' 0; } >"$i/.sums.new"
	mv "$i/.sums.new" "$i/.sums"
	touch -d "@$(stat -c '%.9Y %.9Y' "$i/items.tsv" "$i/.stage.tsv" |
	    awk '{ a[NR] = $1 } END { printf "%.9f", (a[1] + a[2]) / 2 }')" "$i/.sums"
	run pl "$B" all
	PATH=$old
	assert_success
	refute_output --partial "$RS_BIN/"
	run cat "$BATS_TEST_TMPDIR/md5.log"
	assert_output "$(printf '%s\n' items.tsv popular.tsv)"
	sums_ok "$e"
	sums_ok "$i"
	assert_equal "$(wc -l <"$B/runs.tsv")" $((rows + 1))
}

@test "pipeline-stage --sums, pipeline-run -d: usage, and a stage without its records" {
	local d=$BATS_TEST_TMPDIR
	run "$TOP/scripts/pipeline-stage" --sums
	assert_failure 64
	assert_output "usage: pipeline-stage --sums DIR"
	run "$TOP/scripts/pipeline-stage" --sums "$d/none"
	assert_failure 66
	assert_output "pipeline-stage: $d/none: no such stage directory"
	[ ! -e "$d/none" ]
	# A row without a stage's checksums would be silently incomplete.
	mkdir "$d/s" "$d/run"
	cp -p "$REF"/cache/recs-*/.stage.tsv "$d/s/"
	run "$TOP/scripts/pipeline-run" -r "$d/run" -l "$d/runs.tsv" -t 2026-01-01T00:00:00Z -d "$d/s"
	assert_failure 66
	assert_output "pipeline-run: $d/s: no .sums: the stage or its checksums are not complete"
	assert_dir_only "$d/run"
	[ ! -e "$d/runs.tsv" ]
	mv "$d/s/.stage.tsv" "$d/s/.sums"
	run "$TOP/scripts/pipeline-run" -r "$d/run" -l "$d/runs.tsv" -t 2026-01-01T00:00:00Z -d "$d/s"
	assert_failure 66
	assert_output "pipeline-run: $d/s: no .stage.tsv: the stage or its checksums are not complete"
	# With both, the row holds them.
	cp -p "$REF"/cache/recs-*/.stage.tsv "$REF"/cache/recs-*/.sums "$d/s/"
	run "$TOP/scripts/pipeline-run" -r "$d/run" -l "$d/runs.tsv" -t 2026-01-01T00:00:00Z -d "$d/s"
	assert_success
	grep -qx "artifact.als-recs.tsv.md5	$(cut -c1-32 "$d/s/.sums")" "$d/run/run.tsv"
}

@test "pipeline: report prints percentages, titles and the one-line reading" {
	run pl "$REF" report
	assert_success
	assert_line "The original's offline metrics, in % (report.tsv):"
	assert_line --regexp '^weighted_als +with_history +[0-9]+ +[0-9]+\.[0-9]{4}% +[0-9]+\.[0-9]{4}% +[0-9]+\.[0-9]{4}%$'
	assert_output --regexp 'For users with history, weighted ALS hits with [0-9]+\.[0-9]{2}% of its top-5'
	assert_line "Both blend rules replayed at every test cart, hit@5 by source, in % (replay.tsv):"
	assert_line --regexp '^seed +all_test_carts +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]{4}% +[0-9]+\.[0-9]{4}%$'
	assert_line --regexp '^session +discovery +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]{4}% +[0-9]+\.[0-9]{4}%$'
	assert_output --regexp 'recs\.db, the store publish serves, holds the session rule: [0-9]+ of [0-9]+ test'
	assert_output --regexp "carts hit at 5 \\([0-9]+\\.[0-9]{2}%\\), against the seed rule's [0-9]+\\."
	assert_line "The page, with the curves, the ALS loss and the data's profile: $REF_RUN/report.html"
}

# chromium_load PAGE OUTDIR: headless Chromium loads PAGE with console
# logging on, writes OUTDIR/shot.png, OUTDIR/dom.html and OUTDIR/log.
chromium_load() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$2/profile" --enable-logging=stderr --log-level=0 \
	    --window-size=1000,2600 --screenshot="$2/shot.png" "file://$1" \
	    >/dev/null 2>"$2/log.shot"
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$2/profile" --enable-logging=stderr --log-level=0 \
	    --dump-dom "file://$1" >"$2/dom.html" 2>"$2/log"
	cat "$2/log.shot" >>"$2/log"
}

@test "pipeline: report.html: self-contained, under 2 MB, drawn by headless Chromium with no console error" {
	command -v chromium >/dev/null || skip "chromium is not installed (scripts/install-deps.sh test)"
	local h=$REF_RUN/report.html d=$BATS_TEST_TMPDIR
	[ "$(stat -c %s "$h")" -lt 2000000 ] || fail "$h is $(stat -c %s "$h") bytes"
	# No script and nothing fetched: no src or href that leaves the page.
	! grep -qiE '<script|<link|<img|<iframe|src=|href="?https?:' "$h" || fail "$h refers outside itself"
	# The reading, the original's table with percent signs, the parameters.
	grep -q '<p class="reading">For users with history, weighted ALS hits with' "$h"
	grep -qE '<td class="n">[0-9.]+%</td>' "$h"
	grep -q '<tr><th>FACTORS</th><td>8</td></tr>' "$h"
	grep -q '<p>recs.db, the store publish serves, holds the session rule: ' "$h"
	chromium_load "$h" "$d"
	[ -s "$d/shot.png" ] || fail "no screenshot: $(tail -5 "$d/log")"
	assert_equal "$(head -c 8 "$d/shot.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a
	# Console messages are logged as CONSOLE lines: there must be none.
	run grep -i 'CONSOLE' "$d/log"
	assert_output ""
	# Every plot drawn: eight SVGs, each with a data series stroked in
	# colour with two segments or more (not only axes, grid and key).
	run awk 'BEGIN { RS = "<svg" } NR > 1 { n++
	    if ($0 !~ /id="gnuplot_plot_1"/) { print "plot " n ": no data group"; next }
	    s = substr($0, index($0, "id=\"gnuplot_plot_1\""))
	    if (s !~ /<path stroke="rgb\([^"]*\)" d="M[^"]*L[^"]*L/) print "plot " n ": nothing drawn" }
	    END { if (n != 8) print n " plots, expected 8" }' "$d/dom.html"
	assert_output ""
}

@test "pipeline-report-html: a replay with several rules is plotted by rule; a missing loss is an error" {
	local o=$REF_RUN c d=$BATS_TEST_TMPDIR
	c=$(ls -d "$REF"/cache/als-*)
	# The run's replay holds both rules: the bars' labels name the rule,
	# then the source.
	grep -q '<td>session</td>' "$o/report.html"
	grep -q '<text>session</text>' "$o/report.html"
	grep -q '<text>seed</text>' "$o/report.html"
	# One rule only: the labels are the sources; no -w, no winner line.
	awk -F'\t' '$1 != "session"' "$o/replay.tsv" >"$d/replay.tsv"
	run "$TOP/scripts/pipeline-report-html" -o "$d/r.html" -r "$o/report.tsv" \
	    -c "$o/curves.tsv" -p "$d/replay.tsv" -l "$c/.log" \
	    -t "$o/train-stats.tsv" -T "$o/test-stats.tsv" -P FACTORS=8
	assert_success
	assert_output ""
	grep -q '<td>seed</td>' "$d/r.html"
	! grep -q '<text>seed</text>' "$d/r.html" || fail "one rule, named in the labels"
	! grep -q 'the store publish serves' "$d/r.html" || fail "a winner without -w"
	run "$TOP/scripts/pipeline-report-html" -o "$d/r2.html" -r "$o/report.tsv" \
	    -c "$o/curves.tsv" -p "$o/replay.tsv" -l /dev/null \
	    -t "$o/train-stats.tsv" -T "$o/test-stats.tsv"
	assert_failure 65
	assert_output "pipeline-report-html: /dev/null: no training loss (als-fit --loss)"
	[ ! -e "$d/r2.html" ]
	run "$TOP/scripts/pipeline-report-html" -o "$d/r3.html"
	assert_failure 64
}

@test "pipeline: two pipelines at once: one waits for the ledger's lock; no row lost or torn" {
	local b=$BATS_TEST_TMPDIR/c p1 p2 h i
	mkdir -p "$b"
	# The lock is held from outside until both runs have finished their
	# stages; each then waits for it.
	flock "$b/runs.tsv.lock" sh -c "touch '$b/held'; while [ ! -e '$b/release' ]; do sleep 0.1; done" &
	h=$!
	for i in $(seq 50); do [ -e "$b/held" ] && break; sleep 0.1; done
	pl "$b" FACTORS=6 all >"$BATS_TEST_TMPDIR/p1.log" 2>&1 &
	p1=$!
	pl "$b" FACTORS=7 all >"$BATS_TEST_TMPDIR/p2.log" 2>&1 &
	p2=$!
	for i in $(seq 600); do
		[ -e "$(rundir "$b" FACTORS=6)/run.tsv" ] && [ -e "$(rundir "$b" FACTORS=7)/run.tsv" ] && break
		sleep 0.1
	done
	sleep 0.3
	kill -0 $p1 && kill -0 $p2 || fail "a pipeline did not wait for the lock"
	[ ! -s "$b/runs.tsv" ] || fail "a row was written under the lock"
	touch "$b/release"
	wait $h
	wait $p1 || fail "first pipeline: $(cat "$BATS_TEST_TMPDIR/p1.log")"
	wait $p2 || fail "second pipeline: $(cat "$BATS_TEST_TMPDIR/p2.log")"
	# Both rows, whole: each is its run's run.tsv.
	run wc -l <"$b/runs.tsv"
	assert_output 2
	for f in 6 7; do
		grep -qxF "$(awk -F'\t' '{ printf "%s%s=%s", (NR > 1 ? "\t" : ""), $1, $2 }' \
		    "$(rundir "$b" FACTORS=$f)/run.tsv")" "$b/runs.tsv" || fail "row of FACTORS=$f"
	done
	# The stages both runs share were built once, into one directory each.
	assert_equal "$(ls -d "$b"/cache/train-* | wc -l)" 1
	run grep -c "/ev-filter --until" "$BATS_TEST_TMPDIR/p1.log" "$BATS_TEST_TMPDIR/p2.log"
	assert_output --regexp ":1"
	run find "$b/cache" -name '.*.??????'
	assert_output ""
}

# A replay where the seed rule has more hits: it wins, and pipeline-run
# links its store as the run's recs.db, the one publish serves.
@test "pipeline-winner: the rule with more hits at 5 wins, the first on a tie; pipeline-run serves its store" {
	local o=$REF_RUN d=$BATS_TEST_TMPDIR n
	n=$(awk -F'\t' '$1 == "seed" && $2 == "all_test_carts" { print $3 }' "$o/replay.tsv")
	awk -F'\t' -v OFS='\t' '$2 == "all_test_carts" { $4 = ($1 == "seed" ? $3 : 0) } 1' \
	    "$o/replay.tsv" >"$d/seed-wins.tsv"
	run "$TOP/scripts/pipeline-winner" -o "$d/w.tsv" "$d/seed-wins.tsv"
	assert_success
	assert_output ""
	run cut -f 1,4,7 "$d/w.tsv"
	assert_output "$(printf '%s\t%s\t%s\n' model hits won seed "$n" 1 session 0 0)"
	mkdir "$d/run"
	run "$TOP/scripts/pipeline-run" -r "$d/run" -l "$d/runs.tsv" -t 2026-01-01T00:00:00Z \
	    -a "$o/seed-recs.db" -a "$o/session-recs.db" -w "$d/w.tsv"
	assert_success
	[ "$d/run/recs.db" -ef "$o/seed-recs.db" ] || fail "recs.db is not the seed rule's store"
	grep -q '^winner	seed$' "$d/run/run.tsv"
	grep -q "^metric.w.seed.all_test_carts.won	1\$" "$d/run/run.tsv"
	# A tie: the first rule listed (the pipeline lists seed first).
	awk -F'\t' -v OFS='\t' '$2 == "all_test_carts" { $4 = 7 } 1' "$o/replay.tsv" >"$d/tie.tsv"
	"$TOP/scripts/pipeline-winner" -o "$d/w.tsv" "$d/tie.tsv"
	run awk -F'\t' '$NF == 1 { print $1 }' "$d/w.tsv"
	assert_output seed
	# The report of the real run: the session rule won.
	run awk -f "$TOP/scripts/report-winner.awk" "$o/winner.tsv"
	assert_output --regexp "^recs\.db, the store publish serves, holds the session rule: [0-9]+ of $n test carts hit at 5 \([0-9]+\.[0-9]{2}%\), against the seed rule's [0-9]+\.\$"
}

@test "pipeline-winner, pipeline-run -w: bad input exits 64/65/66 and leaves nothing" {
	local o=$REF_RUN d=$BATS_TEST_TMPDIR
	run "$TOP/scripts/pipeline-winner" "$o/replay.tsv"
	assert_failure 64
	assert_output "usage: pipeline-winner -o WINNER.tsv REPLAY.tsv"
	run "$TOP/scripts/pipeline-winner" -o "$d/w.tsv" "$d/none.tsv"
	assert_failure 66
	assert_output "pipeline-winner: $d/none.tsv: cannot be read"
	run "$TOP/scripts/pipeline-winner" -o "$d/w.tsv" "$o/report.tsv"
	assert_failure 65
	assert_output "pipeline-winner: $o/report.tsv: line 1: not a rec-eval --replay report (no model, group, carts, hits)"
	grep -v all_test_carts "$o/replay.tsv" >"$d/no-all.tsv"
	run "$TOP/scripts/pipeline-winner" -o "$d/w.tsv" "$d/no-all.tsv"
	assert_failure 65
	assert_output "pipeline-winner: $d/no-all.tsv: no all_test_carts row"
	awk -F'\t' -v OFS='\t' '$1 == "session" && $2 == "all_test_carts" { $3 = $3 + 1 } 1' \
	    "$o/replay.tsv" >"$d/other.tsv"
	run "$TOP/scripts/pipeline-winner" -o "$d/w.tsv" "$d/other.tsv"
	assert_failure 65
	assert_output --regexp "^pipeline-winner: $d/other.tsv: line [0-9]+: session: [0-9]+ carts, not [0-9]+: other test carts\$"
	assert_dir_only "$d" no-all.tsv other.tsv
	# A winner whose store is not among the artifacts.
	"$TOP/scripts/pipeline-winner" -o "$d/w.tsv" "$o/replay.tsv"
	mkdir "$d/run"
	run "$TOP/scripts/pipeline-run" -r "$d/run" -l "$d/runs.tsv" -t 2026-01-01T00:00:00Z \
	    -a "$o/seed-recs.db" -w "$d/w.tsv"
	assert_failure 65
	assert_output "pipeline-run: $d/w.tsv: session won, but no session-recs.db among the artifacts"
	assert_dir_only "$d/run"
	[ ! -e "$d/runs.tsv" ]
}

@test "rec-rebuild: builds, publishes, logs, keeps KEEP builds" {
	copy_ref
	mkdir "$B/runs/2015-08-01-x" "$B/runs/2015-08-02-x" "$B/runs/2015-08-03-x" "$B/runs/not-a-date"
	run "$TOP/scripts/rec-rebuild" -b "$B" -d "$D" -k 2 -l "$B/log" $CUT \
	    BIN="$RS_BIN" FACTORS=8 ITERATIONS=3 N_RECS=10 THREADS=2
	assert_success
	assert_output ""
	assert_equal "$(readlink "$B/current")" "runs/${REF_RUN##*/}"
	assert_dir_only "$B" cache runs runs.tsv runs.tsv.lock current log .rebuild.lock
	assert_dir_only "$B/runs" "${REF_RUN##*/}" 2015-08-03-x not-a-date
	run cat "$B/log"
	assert_line --regexp "^[0-9T:-]+Z rec-rebuild\[[0-9]+\]: start: cutoff $CUT, data $D, build $B, BIN="
	assert_line --regexp "rec-rebuild\[[0-9]+\]: published $B/current -> runs/${REF_RUN##*/}\$"
	assert_line --regexp "removed the old run $B/runs/2015-08-01-x\$"
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
	assert_equal "$(readlink "$B/current")" "runs/${REF_RUN##*/}"
	cmp "$REF_RUN/recs.db" "$B/current/recs.db"
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
