#!/usr/bin/env bats
# als-fit under mpirun (Open MPI): the model bit-identical to the plain
# fit's whatever -np and -t, and an error on one rank ending every rank
# with one message.  Skipped when mpirun is absent or als-fit was built
# without MPI.

load test_helper

setup() {
	command -v mpirun >/dev/null || skip "mpirun not installed (openmpi-bin)"
	ldd "$(command -v als-fit)" | grep -q libmpi ||
	    skip "als-fit built without MPI (libopenmpi-dev absent at build)"
	D=$BATS_TEST_TMPDIR
	POKE=$FIXTURES/als-fit-mpi/poke.py
	# 30k users, 8.5k items: several Gram blocks on each side.
	ev-synth -s 3 --events 60000 --no-props -o "$D/syn"
	ev-filter -o "$D/ev.tsv" "$D/syn/events.csv"
	interactions-weight -o "$D/m.bin" "$D/ev.tsv"
	rm -rf "$D/syn" "$D/ev.tsv"
}

# mpirun as this container needs it: root allowed (for this call only),
# more ranks than free cores, shared memory between the ranks, no banners;
# libmpi's own allocations are no leaks of ours.
mpi() {
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	    mpirun -q --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 \
	    --mca btl self,vader "$@"
}

@test "-np 1 and 2 with -t 1 and 2: the model of the plain fit, bit for bit" {
	als-fit -f 10 -i 3 -s 5 -t 1 -o "$D/plain.model" "$D/m.bin"
	for np in 1 2; do
		for t in 1 2; do
			mpi -np $np als-fit -f 10 -i 3 -s 5 -t $t \
			    -o "$D/np$np-t$t.model" "$D/m.bin"
			cmp "$D/plain.model" "$D/np$np-t$t.model"
		done
	done
	# the exact solver too, and another seed gives another model
	als-fit --cholesky -f 6 -i 2 -t 2 -o "$D/chol.model" "$D/m.bin"
	mpi -np 2 als-fit --cholesky -f 6 -i 2 -t 1 -o "$D/chol2.model" "$D/m.bin"
	cmp "$D/chol.model" "$D/chol2.model"
	mpi -np 2 als-fit -f 10 -i 3 -s 6 -o "$D/s6.model" "$D/m.bin"
	! cmp -s "$D/plain.model" "$D/s6.model"
}

@test "-v: each rank's stripes are balanced by entries, with the bytes received" {
	run mpi -np 2 als-fit -v -f 8 -i 2 -t 1 -o "$D/a.model" "$D/m.bin"
	assert_success
	assert_line --index 0 --partial "entries; 8 factors, conjugate gradient, 1 threads per rank"
	assert_line --regexp '^als-fit: rank 0/2: users \[0, [0-9]+\) items \[0, [0-9]+\), [0-9]+ \+ [0-9]+ entries; received [0-9]+ B setup, per iteration [0-9]+ B factor rows \+ [0-9]+ B Gram blocks \(owner-to-needer: [0-9]+ B of rows\)$'
	assert_line --regexp '^als-fit: rank 1/2: users \[[0-9]+, 30'
	assert_line --regexp '^als-fit: matrix mapped to model written in [0-9.]+ s on 2 processes$'
	# entries within 1% of half each, on both sides
	nnz=$(strings "$D/m.bin" | sed -n 's/^nnz=//p')
	grep 'rank 0/2' <<<"$output" | sed 's/.*), \([0-9]*\) + \([0-9]*\) entries.*/\1 \2/' |
	    awk -v n="$nnz" '{ for (i = 1; i <= 2; i++) if ($i < 0.49 * n || $i > 0.51 * n) exit 1 }'
	# rows received per iteration: the other rank's users and items, f
	# padded to 8 floats
	rows=$(strings "$D/m.bin" | sed -n 's/^rows=//p')
	cols=$(strings "$D/m.bin" | sed -n 's/^cols=//p')
	set -- $(grep 'rank 0/2' <<<"$output" | sed 's/.*users \[0, \([0-9]*\)) items \[0, \([0-9]*\)).*iteration \([0-9]*\) B factor.*/\1 \2 \3/')
	[ "$3" = $(( (rows - $1 + cols - $2) * 8 * 4 )) ]
}

@test "a value broken in the last rank's stripe: one message, status 65, no model" {
	python3 "$POKE" "$D/m.bin" data -1 nan
	run als-fit -f 4 -i 1 -o "$D/a.model" "$D/m.bin"
	assert_failure 65
	plain=$output
	assert_output --regexp '^als-fit: .*m.bin: corrupt matrix: value not finite \(at [0-9]+\)$'
	run mpi -np 2 als-fit -f 4 -i 1 -o "$D/a.model" "$D/m.bin"
	assert_failure 65
	assert_output "$plain"
	assert_dir_only "$D" m.bin
}

@test "a checksum mismatch found by the ranks together: one message, status 65" {
	python3 "$POKE" "$D/m.bin" data -1 7 --keep-crc
	run mpi -np 2 als-fit -f 4 -i 1 -o "$D/a.model" "$D/m.bin"
	assert_failure 65
	assert_output "als-fit: $D/m.bin: section \"data\": checksum mismatch (corrupt)"
	assert_dir_only "$D" m.bin
}

@test "a matrix no rank can open: one message, status 66" {
	run mpi -np 2 als-fit -f 4 -i 1 -o "$D/a.model" "$D/missing.bin"
	assert_failure 66
	[ "${#lines[@]}" = 1 ]
	assert_output --regexp "^als-fit: .*missing.bin"
}

@test "--loss: the plain fit's losses to the last digit, whatever -np and -t" {
	run als-fit --loss -f 10 -i 3 -s 5 -t 1 -o "$D/plain.model" "$D/m.bin"
	assert_success
	plain=$(sed 's/: [0-9.]* s, / /' <<<"$output")
	[ "$(grep -c ' loss [0-9]' <<<"$plain")" = 3 ]
	for t in 1 2; do
		run mpi -np 2 als-fit --loss -f 10 -i 3 -s 5 -t $t \
		    -o "$D/np2-t$t.model" "$D/m.bin"
		assert_success
		[ "$(sed 's/: [0-9.]* s, / /' <<<"$output")" = "$plain" ]
		cmp "$D/plain.model" "$D/np2-t$t.model"
	done
}

@test "usage errors and --help: printed by rank 0 only" {
	run mpi -np 2 als-fit -f 0 -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	assert_output 'als-fit: -f: "0": out of range (1 to 1024)'
	run mpi -np 2 als-fit --bogus -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	[ "$(grep -c "unrecognized option '--bogus'" <<<"$output")" = 1 ]
	[ "$(grep -c '^usage: als-fit' <<<"$output")" = 1 ]
	run mpi -np 2 als-fit --cg-steps 2 --cholesky -o "$D/a.model" "$D/m.bin"
	assert_failure 64
	[ "$(grep -c 'exclude each other' <<<"$output")" = 1 ]
	run mpi -np 2 als-fit --help
	assert_success
	[ "$(grep -c '^usage: als-fit' <<<"$output")" = 1 ]
	assert_dir_only "$D" m.bin
}

@test "a singular system on the exact solver: the plain fit's message, 65" {
	# reg 0 and more factors than items: every user's system is singular
	interactions-weight -o "$D/small.bin" "$FIXTURES/als-fit/events.tsv"
	run als-fit --cholesky -r 0 -f 8 -i 1 -o "$D/a.model" "$D/small.bin"
	assert_failure 65
	assert_output --partial "the system is not positive definite"
	plain=$output
	run mpi -np 2 als-fit --cholesky -r 0 -f 8 -i 1 -o "$D/a.model" "$D/small.bin"
	assert_failure 65
	assert_output "$plain"
	assert_dir_only "$D" m.bin small.bin
}
