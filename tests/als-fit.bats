#!/usr/bin/env bats
# als-fit: weighted implicit ALS from a matrix to a model file.

load test_helper

setup() {
	D=$BATS_TEST_TMPDIR
	interactions-weight -o "$D/m.bin" "$FIXTURES/als-fit/events.tsv"
}

# The header CRC of a container, as the model records its source.
crc_of() {
	printf 'crc32:%s' "$(od -An -tx4 -j36 -N4 "$1" | tr -d ' ')"
}

@test "als-fit --help prints the usage of the man page" {
	run als-fit --help
	assert_success
	assert_line --index 0 --regexp '^usage: als-fit \[-v\] \[-f FACTORS\]'
	assert_output --partial "--cholesky"
	grep -q '^\.Nm als-fit' "$TOP/man/als-fit.1"
}

@test "a model records every parameter and the source matrix checksum" {
	run als-fit -f 4 -r 0.5 -i 3 -a 2 -s 42 -t 1 -o "$D/a.model" "$D/m.bin"
	assert_success
	assert_output ""
	params=$(strings "$D/a.model")
	for kv in users=7 items=6 factors=4 regularization=0.5 alpha=2 \
	    iterations=3 solver=cg cg_steps=3 seed=42 source_nnz=14 \
	    "source=$(crc_of "$D/m.bin")"; do
		grep -qx "$kv" <<<"$params" || fail "missing $kv"
	done
	head -c 16 "$D/a.model" | grep -qa alsmodel
	assert_dir_only "$D" m.bin a.model
}

@test "by hand: one entry, f=1, c=2, reg 0.5 converges to a score of 0.75" {
	# z = x = y solves (c z^2 + reg) z = c z: z^2 = 1 - reg/c = 0.75.
	printf 'ts\tuser\tevent\titem\ttxn\n5\t1\tview\t10\t\n' >"$D/one.tsv"
	interactions-weight -o "$D/one.bin" "$D/one.tsv"   # value 0.25
	for solver in --cholesky "--cg-steps 1"; do
		als-fit -f 1 -r 0.5 -a 8 $solver -i 60 -o "$D/one.model" "$D/one.bin"
		run als-recommend "$D/one.model"
		assert_success
		assert_output "$(printf 'user\trank\titem\tscore\n1\t1\t10\t0.750000')"
	done
}

@test "the model is bit-identical for the same seed whatever -t is" {
	for t in 1 2 3; do
		als-fit -f 5 -i 4 -s 9 -t $t -o "$D/t$t.model" "$D/m.bin"
	done
	cmp "$D/t1.model" "$D/t2.model"
	cmp "$D/t1.model" "$D/t3.model"
	als-fit -f 5 -i 4 -s 9 -t 2 --cholesky -o "$D/c2.model" "$D/m.bin"
	als-fit -f 5 -i 4 -s 9 -t 1 --cholesky -o "$D/c1.model" "$D/m.bin"
	cmp "$D/c1.model" "$D/c2.model"
	# another seed, another model
	als-fit -f 5 -i 4 -s 10 -t 2 -o "$D/s10.model" "$D/m.bin"
	! cmp -s "$D/t1.model" "$D/s10.model"
}

@test "-v prints one line per iteration; --loss adds the training loss" {
	run als-fit -v -f 3 -i 4 -t 1 -o "$D/a.model" "$D/m.bin"
	assert_success
	assert_line --index 0 --partial "7 users x 6 items, 14 entries; 3 factors"
	[ "$(grep -c ': iteration [1-4]/4: [0-9.]* s$' <<<"$output")" = 4 ]
	assert_line --regexp '^als-fit: 4 iterations in [0-9.]+ s'
	run als-fit --loss -f 3 -i 4 -t 1 -o "$D/a.model" "$D/m.bin"
	assert_success
	[ "$(grep -c ': iteration [1-4]/4: [0-9.]* s, loss [0-9.e-]*$' <<<"$output")" = 4 ]
}

@test "the exact solver never increases the loss" {
	run als-fit --loss --cholesky -f 4 -i 12 -r 0.1 -a 3 -o "$D/a.model" "$D/m.bin"
	assert_success
	sed 's/.*loss //' <<<"$output" | awk 'NR > 1 && $1 > prev * (1 + 1e-6) { bad = 1 }
	    { prev = $1 } END { exit bad }'
	first=$(sed -n '1s/.*loss //p' <<<"$output")
	last=$(sed -n '12s/.*loss //p' <<<"$output")
	awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a) }'
}

@test "-o - writes the model to standard output" {
	als-fit -f 2 -i 1 -o - "$D/m.bin" >"$D/out.model"
	als-fit -f 2 -i 1 -o "$D/file.model" "$D/m.bin"
	cmp "$D/out.model" "$D/file.model"
}

@test "real data: the Retailrocket slice fits and every user gets a list" {
	need_real
	# The raw CSV has no quoted fields: tr makes it the events TSV.
	{ printf 'ts\tuser\tevent\titem\ttxn\n'
	  sed 1d "$REAL/events_sample_5000_visitors.csv" | tr , '\t'; } >"$D/ev.tsv"
	interactions-weight -o "$D/real.bin" "$D/ev.tsv"
	run als-fit -v -f 8 -i 3 -o "$D/real.model" "$D/real.bin"
	assert_success
	assert_line --partial "iteration 3/3"
	users=$(strings "$D/real.model" | sed -n 's/^users=//p')
	[ "$users" -gt 1000 ]
	run als-recommend -n 5 --filter-seen "$D/real.bin" "$D/real.model"
	assert_success
	[ "$(cut -f1 <<<"$output" | sed 1d | sort -u | wc -l)" = "$users" ]
}

@test "usage errors exit 64 with a message" {
	run als-fit "$D/m.bin"
	assert_failure 64
	assert_line --index 0 "als-fit: -o MODEL is required"
	run als-fit -o "$D/a.model"
	assert_failure 64
	assert_output --partial "expected one MATRIX operand"
	run als-fit -o "$D/a.model" "$D/m.bin" "$D/m.bin"
	assert_failure 64
	assert_output --partial "expected one MATRIX operand"
	run als-fit -f 0 -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output 'als-fit: -f: "0": out of range (1 to 1024)'
	run als-fit -f abc -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output --partial 'als-fit: -f: "abc"'
	run als-fit -r -1 -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output --partial 'als-fit: -r: "-1"'
	run als-fit -a 0 -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output --partial 'als-fit: -a: "0": out of range'
	run als-fit -t 0 -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output --partial 'als-fit: -t: "0": out of range'
	run als-fit --cg-steps 0 -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output --partial 'als-fit: --cg-steps: "0": out of range'
	run als-fit --cg-steps 5 --cholesky -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_line --index 0 "als-fit: --cg-steps and --cholesky exclude each other"
	run als-fit --bogus -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output --partial "usage: als-fit"
	assert_dir_only "$D" m.bin
}

@test "a missing matrix exits 66" {
	run als-fit -o "$D/a.model" "$D/nope.bin"
	assert_failure 66
	assert_output "als-fit: $D/nope.bin: No such file or directory"
	assert_dir_only "$D" m.bin
}

@test "a corrupt, truncated or wrong-kind matrix is refused with 65" {
	cp "$D/m.bin" "$D/bad.bin"
	size=$(stat -c %s "$D/bad.bin")
	printf '\377' | dd of="$D/bad.bin" bs=1 seek=$((size - 2)) conv=notrunc 2>/dev/null
	run als-fit -o "$D/a.model" "$D/bad.bin"
	assert_failure 65
	assert_output "als-fit: $D/bad.bin: section \"data\": checksum mismatch (corrupt)"
	head -c 300 "$D/m.bin" >"$D/short.bin"
	run als-fit -o "$D/a.model" "$D/short.bin"
	assert_failure 65
	assert_output --partial "$D/short.bin: size 300 bytes, header says"
	als-fit -f 2 -i 1 -o "$D/a.model" "$D/m.bin"
	run als-fit -o "$D/b.model" "$D/a.model"
	assert_failure 65
	assert_output "als-fit: $D/a.model: container of kind \"alsmodel\", expected \"matrix\""
	cp "$FIXTURES/als-fit/events.tsv" "$D/text.tsv"
	run als-fit -o "$D/b.model" "$D/text.tsv"
	assert_failure 65
	assert_output --partial "not a recsys-ecom container"
	assert_dir_only "$D" m.bin bad.bin short.bin a.model text.tsv
}

@test "an output that cannot be created exits 73 and leaves nothing" {
	run als-fit -o "$D/no/such/dir/a.model" "$D/m.bin"
	assert_failure 73
	assert_output --partial "cannot create"
	assert_dir_only "$D" m.bin
}

@test "the exact solver on a singular system (reg 0, more factors than items) exits 65" {
	run als-fit --cholesky -r 0 -f 8 -i 2 -o "$D/a.model" "$D/m.bin"
	assert_failure 65
	assert_output "als-fit: user 1: the system is not positive definite (regularization 0 is too small)"
	assert_dir_only "$D" m.bin
}
