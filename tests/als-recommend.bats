#!/usr/bin/env bats
# als-recommend: top-N lists from an als-fit model.

load test_helper

setup() {
	D=$BATS_TEST_TMPDIR
	interactions-weight -o "$D/m.bin" "$FIXTURES/als-fit/events.tsv"
	als-fit -f 4 -r 0.1 -a 4 --cholesky -i 30 -s 1 -o "$D/a.model" "$D/m.bin"
	HDR=$(printf 'user\trank\titem\tscore')
}

# Same users, ranks and items as the golden file, scores within 1e-5 (the
# kernels are FMA or not depending on the CPU: the last bits may differ).
same_lists() {
	diff <(cut -f1-3 "$1") <(cut -f1-3 "$2") || return 1
	paste "$1" "$2" | awk -F'\t' 'NR > 1 && ($4 - $8 > 1e-5 || $8 - $4 > 1e-5) {
	    print "score differs: " $0; bad = 1 } END { exit bad }'
}

@test "als-recommend --help prints the usage of the man page" {
	run als-recommend --help
	assert_success
	assert_line --index 0 --regexp '^usage: als-recommend \[-v\] \[-n N\]'
	assert_output --partial "--filter-seen MATRIX"
	grep -q '^\.Nm als-recommend' "$TOP/man/als-recommend.1"
}

@test "top 3 of every user, golden" {
	als-recommend -n 3 "$D/a.model" >"$D/out.tsv"
	same_lists "$FIXTURES/als-recommend/top3.tsv" "$D/out.tsv"
	# ranks 1..3 per user, scores never increase within a list
	awk -F'\t' 'NR > 1 { if ($1 == u && $4 > s) exit 1; u = $1; s = $4 }' "$D/out.tsv"
	# --n-recs, and --count, its deprecated spelling, are the same option.
	als-recommend --n-recs 3 "$D/a.model" | cmp - "$D/out.tsv"
	als-recommend --count=3 "$D/a.model" | cmp - "$D/out.tsv"
}

@test "equal scores are ranked by item id" {
	# items 20 and 21 have the same users with the same values, so the
	# exact solver gives them bit-identical factors
	interactions-weight -o "$D/t.bin" "$FIXTURES/als-recommend/ties.tsv"
	als-fit --cholesky -f 2 -i 5 -o "$D/t.model" "$D/t.bin"
	run als-recommend "$D/t.model"
	assert_success
	assert_line --index 1 --regexp $'^9\t1\t20\t'
	assert_line --index 2 --regexp $'^9\t2\t21\t'
	[ "$(sed -n 2p <<<"$output" | cut -f4)" = "$(sed -n 3p <<<"$output" | cut -f4)" ]
	assert_line --index 8 --regexp $'^11\t2\t20\t'
	assert_line --index 9 --regexp $'^11\t3\t21\t'
}

@test "--filter-seen never recommends an item the user has" {
	als-recommend -n 3 --filter-seen "$D/m.bin" "$D/a.model" >"$D/out.tsv"
	interactions-weight --tsv "$FIXTURES/als-fit/events.tsv" | sed 1d | cut -f1,2 | sort >"$D/seen"
	sed 1d "$D/out.tsv" | cut -f1,3 | sort >"$D/recommended"
	[ -z "$(comm -12 "$D/seen" "$D/recommended")" ]
	# 7 users x 3, every user has at least 3 unseen items of 6
	[ "$(sed 1d "$D/out.tsv" | wc -l)" = 21 ]
	# user 1 saw 10 and 11: its list is the unfiltered list without them
	als-recommend -n 6 "$D/a.model" | awk -F'\t' '$1 == 1 && $3 != 10 && $3 != 11 { print $3 }' >"$D/want"
	awk -F'\t' '$1 == 1 { print $3 }' "$D/out.tsv" >"$D/got"
	diff <(head -n 3 "$D/want") "$D/got"
}

@test "-n larger than the catalogue lists every (unseen) item once" {
	run als-recommend -n 1000 "$D/a.model"
	assert_success
	[ "${#lines[@]}" = $((1 + 7 * 6)) ]
	[ "$(sed 1d <<<"$output" | cut -f1,3 | sort -u | wc -l)" = 42 ]
	assert_line --index 6 --regexp $'^1\t6\t'
	run als-recommend -n 1000 --filter-seen "$D/m.bin" "$D/a.model"
	assert_success
	# 6 items x 7 users minus the 14 entries of the matrix
	[ "${#lines[@]}" = $((1 + 42 - 14)) ]
}

@test "--users: file order, unknown users reported and skipped, repeats once" {
	printf 'user\n5\n999\n1\n5\n42\n' >"$D/users.tsv"
	run als-recommend -n 2 --users "$D/users.tsv" "$D/a.model"
	assert_success
	assert_line --index 0 "als-recommend: $D/users.tsv:3: user 999 is not in the model; skipped"
	assert_line --index 1 "als-recommend: $D/users.tsv:6: user 42 is not in the model; skipped"
	assert_line --index 2 "$HDR"
	[ "$(grep -v '^als-recommend:' <<<"$output" | sed 1d | cut -f1 | tr '\n' ' ')" = "5 5 1 1 " ]
	run als-recommend -v -n 2 --users "$D/users.tsv" "$D/a.model"
	assert_output --partial "2 lists of up to 2 items"
	assert_output --partial "2 unknown, 1 repeated"
}

@test "many unknown users are counted after the first ten" {
	{ echo user; seq 100 120; echo 3; } >"$D/users.tsv"
	run als-recommend --users "$D/users.tsv" "$D/a.model"
	assert_success
	[ "$(grep -c 'is not in the model; skipped' <<<"$output")" = 10 ]
	assert_output --partial "als-recommend: $D/users.tsv: 21 users in all are not in the model; skipped"
	[ "$(grep -c $'^3\t' <<<"$output")" = 6 ]
}

@test "the output does not depend on -t; -o writes the same atomically" {
	als-recommend -n 4 -t 1 --filter-seen "$D/m.bin" "$D/a.model" >"$D/t1.tsv"
	als-recommend -n 4 -t 3 --filter-seen "$D/m.bin" "$D/a.model" >"$D/t3.tsv"
	cmp "$D/t1.tsv" "$D/t3.tsv"
	run als-recommend -n 4 -t 2 --filter-seen "$D/m.bin" -o "$D/o.tsv" "$D/a.model"
	assert_success
	assert_output ""
	cmp "$D/t1.tsv" "$D/o.tsv"
	assert_dir_only "$D" m.bin a.model t1.tsv t3.tsv o.tsv
}

@test "usage errors exit 64" {
	run als-recommend
	assert_failure 64
	assert_line --index 0 "als-recommend: expected one MODEL operand"
	run als-recommend -n 0 "$D/a.model"
	assert_failure 64
	assert_output 'als-recommend: -n: "0": out of range (1 to 1000000)'
	run als-recommend -t x "$D/a.model"
	assert_failure 64
	assert_output --partial 'als-recommend: -t: "x"'
	run als-recommend --nope "$D/a.model"
	assert_failure 64
	assert_output --partial "usage: als-recommend"
}

@test "missing inputs exit 66" {
	run als-recommend "$D/nope.model"
	assert_failure 66
	assert_output "als-recommend: $D/nope.model: No such file or directory"
	run als-recommend --filter-seen "$D/nope.bin" "$D/a.model"
	assert_failure 66
	assert_output "als-recommend: $D/nope.bin: No such file or directory"
	run als-recommend --users "$D/nope.tsv" "$D/a.model"
	assert_failure 66
	assert_output --partial "$D/nope.tsv"
}

@test "a corrupt, truncated or wrong-kind model is refused with 65" {
	cp "$D/a.model" "$D/bad.model"
	size=$(stat -c %s "$D/bad.model")
	printf '\377' | dd of="$D/bad.model" bs=1 seek=$((size - 2)) conv=notrunc 2>/dev/null
	run als-recommend -o "$D/out.tsv" "$D/bad.model"
	assert_failure 65
	assert_output "als-recommend: $D/bad.model: section \"item_factors\": checksum mismatch (corrupt)"
	head -c $((size - 10)) "$D/a.model" >"$D/short.model"
	run als-recommend -o "$D/out.tsv" "$D/short.model"
	assert_failure 65
	assert_output --partial "$D/short.model: size $((size - 10)) bytes, header says $size"
	run als-recommend -o "$D/out.tsv" "$D/m.bin"
	assert_failure 65
	assert_output "als-recommend: $D/m.bin: container of kind \"matrix\", expected \"alsmodel\""
	run als-recommend -o "$D/out.tsv" --filter-seen "$D/a.model" "$D/a.model"
	assert_failure 65
	assert_output "als-recommend: $D/a.model: container of kind \"alsmodel\", expected \"matrix\""
	assert_dir_only "$D" m.bin a.model bad.model short.model
}

@test "a bad --users file exits 65 naming the place" {
	printf 'visitor\n1\n' >"$D/u1.tsv"
	run als-recommend --users "$D/u1.tsv" -o "$D/out.tsv" "$D/a.model"
	assert_failure 65
	assert_output --partial "$D/u1.tsv"
	assert_output --partial '"user"'
	printf 'user\n1\nabc\n' >"$D/u2.tsv"
	run als-recommend --users "$D/u2.tsv" -o "$D/out.tsv" "$D/a.model"
	assert_failure 65
	assert_output --regexp "^als-recommend: $D/u2.tsv:3: field 1 \(user\): .*\"abc\"$"
	assert_dir_only "$D" m.bin a.model u1.tsv u2.tsv
}

@test "an output that cannot be created exits 73 and leaves nothing" {
	run als-recommend -o "$D/no/dir/out.tsv" "$D/a.model"
	assert_failure 73
	assert_output --partial "cannot create"
	assert_dir_only "$D" m.bin a.model
}

@test "--users - reads the users from standard input" {
	run sh -c "printf 'user\n3\n' | als-recommend -n 2 --users - '$D/a.model'"
	assert_success
	[ "${#lines[@]}" = 3 ]
	assert_line --index 1 --regexp $'^3\t1\t'
	assert_line --index 2 --regexp $'^3\t2\t'
}

@test "a full disk exits 74 naming the output and the reason" {
	run bash -c 'als-recommend -n 3 "$1" > /dev/full' sh "$D/a.model"
	assert_failure 74
	assert_output 'als-recommend: stdout: write error: No space left on device'
	# Output larger than stdio's buffer fails inside the lists.
	run als-recommend -n 1000 -o /dev/full "$D/a.model"
	assert_failure 74
	assert_output --regexp '^als-recommend: /dev/full: (write error|.*): No space left on device$'
}
