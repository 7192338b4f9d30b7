#!/usr/bin/env bats
# -o FILE for every kind of file, across programs that write text
# (ev-filter, pop-rank) and the binary container (rec-blend,
# interactions-weight): a regular file is replaced atomically (new inode,
# no temporary file left, untouched when the run fails); a symbolic link
# stays a link and its final target gets the output; a FIFO, a socket-less
# character device and /dev/stdout are written in place and stay what they
# were (recsys-ecom(7), "Output").  Devices need root to be made: those
# tests skip otherwise.

load test_helper

PROGS="ev-filter pop-rank rec-blend interactions-weight"

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T"
	export SOURCE_DATE_EPOCH=1433116800
}

# Runs program $1 with -o $2 on its fixture.
prog() {
	local p=$1 out=$2
	case $p in
	ev-filter) ev-filter -o "$out" "$FIXTURES/ev-filter/events.csv" ;;
	pop-rank) pop-rank -i "$FIXTURES/pop-rank/items.tsv" -o "$out" \
	    "$FIXTURES/pop-rank/events.tsv" ;;
	rec-blend) rec-blend -i "$FIXTURES/rec-blend/items.tsv" \
	    -p "$FIXTURES/rec-blend/popular.tsv" \
	    -r "$FIXTURES/rec-blend/recs.tsv" -o "$out" ;;
	interactions-weight) interactions-weight -o "$out" \
	    "$FIXTURES/pop-rank/events.tsv" ;;
	esac
}

# Runs program $1 so that it fails on its input (a missing file), -o $2.
prog_fails() {
	local p=$1 out=$2
	case $p in
	rec-blend) rec-blend -i "$T/missing.tsv" \
	    -p "$FIXTURES/rec-blend/popular.tsv" -o "$out" ;;
	pop-rank) pop-rank -i "$FIXTURES/pop-rank/items.tsv" -o "$out" \
	    "$T/missing.tsv" ;;
	*) "$p" -o "$out" "$T/missing.tsv" ;;
	esac
}

# The output of program $1 written to a plain new file: the reference.
ref() {
	prog "$1" "$T/ref.$1" || fail "$1 failed on its fixture"
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "making a device node needs root"
}

@test "output kinds: a regular file is replaced atomically, as before" {
	for p in $PROGS; do
		ref "$p"
		mkdir "$T/reg.$p"
		echo old > "$T/reg.$p/out"
		ino=$(stat -c %i "$T/reg.$p/out")
		run prog "$p" "$T/reg.$p/out"
		assert_success
		cmp "$T/ref.$p" "$T/reg.$p/out"
		# A new inode renamed over the name, nothing else left.
		[ "$(stat -c %i "$T/reg.$p/out")" != "$ino" ] ||
		    fail "$p: wrote into the old inode"
		assert_dir_only "$T/reg.$p" out
		# A failing run leaves the file as it was.
		run prog_fails "$p" "$T/reg.$p/out"
		assert_failure 66
		cmp "$T/ref.$p" "$T/reg.$p/out"
		assert_dir_only "$T/reg.$p" out
	done
}

@test "output kinds: a symlink stays a link and its target gets the output" {
	for p in $PROGS; do
		ref "$p"
		mkdir -p "$T/ln.$p/data"
		echo old > "$T/ln.$p/data/current"
		ln -s data/current "$T/ln.$p/link"
		run prog "$p" "$T/ln.$p/link"
		assert_success
		[ -L "$T/ln.$p/link" ] || fail "$p: the link was replaced"
		[ "$(readlink "$T/ln.$p/link")" = data/current ]
		[ -f "$T/ln.$p/data/current" ] && [ ! -L "$T/ln.$p/data/current" ]
		cmp "$T/ref.$p" "$T/ln.$p/data/current"
		assert_dir_only "$T/ln.$p" data link
		assert_dir_only "$T/ln.$p/data" current
		# A failing run through the link: both untouched.
		run prog_fails "$p" "$T/ln.$p/link"
		assert_failure 66
		[ -L "$T/ln.$p/link" ]
		cmp "$T/ref.$p" "$T/ln.$p/data/current"
		assert_dir_only "$T/ln.$p/data" current
	done
}

@test "output kinds: a chain of links to a name not yet there creates the final name" {
	for p in $PROGS; do
		ref "$p"
		mkdir -p "$T/ch.$p/a" "$T/ch.$p/b"
		ln -s ../b/next "$T/ch.$p/a/first"
		ln -s "$T/ch.$p/b/final" "$T/ch.$p/b/next"
		run prog "$p" "$T/ch.$p/a/first"
		assert_success
		[ -L "$T/ch.$p/a/first" ] && [ -L "$T/ch.$p/b/next" ]
		cmp "$T/ref.$p" "$T/ch.$p/b/final"
		assert_dir_only "$T/ch.$p/b" final next
	done
}

@test "output kinds: a FIFO stays a FIFO and its reader gets the output" {
	for p in $PROGS; do
		ref "$p"
		mkfifo "$T/fifo.$p"
		# A bounded reader: it gives up after 20 s whatever happens.
		timeout 20 cat "$T/fifo.$p" > "$T/got.$p" &
		reader=$!
		# The writer is bounded too (prog is a function: export it).
		export -f prog
		export FIXTURES T
		run timeout 20 bash -c 'prog "$1" "$2"' - "$p" "$T/fifo.$p"
		assert_success
		wait "$reader"
		[ -p "$T/fifo.$p" ] || fail "$p: the FIFO was replaced"
		cmp "$T/ref.$p" "$T/got.$p"
	done
	assert_dir_only "$T" $(for p in $PROGS; do echo "ref.$p fifo.$p got.$p"; done)
}

@test "output kinds: a character device (1,3) stays a device and takes the output" {
	need_root
	mknod -m 666 "$T/null" c 1 3
	for p in $PROGS; do
		run prog "$p" "$T/null"
		assert_success
		assert_output ''
		[ -c "$T/null" ] || fail "$p: the device was replaced"
		[ "$(stat -c '%t,%T' "$T/null")" = 1,3 ]
	done
	# A link to the device: written through, both kept.
	ln -s null "$T/null-link"
	run prog ev-filter "$T/null-link"
	assert_success
	[ -L "$T/null-link" ] && [ -c "$T/null" ]
	assert_dir_only "$T" null null-link
}

@test "output kinds: a full device (1,7) is a write error (74), and stays a device" {
	need_root
	mknod -m 666 "$T/full" c 1 7
	for p in $PROGS; do
		run prog "$p" "$T/full"
		assert_failure 74
		assert_output "$p: $T/full: write error: No space left on device"
		[ -c "$T/full" ] || fail "$p: the device was replaced"
	done
	assert_dir_only "$T" full
}

@test "output kinds: /dev/stdout writes to standard output, appending when it appends" {
	for p in $PROGS; do
		ref "$p"
		prog "$p" /dev/stdout > "$T/out.$p"
		cmp "$T/ref.$p" "$T/out.$p"
		echo first > "$T/app.$p"
		prog "$p" /dev/stdout >> "$T/app.$p"
		cmp <(echo first; cat "$T/ref.$p") "$T/app.$p"
		prog "$p" /dev/stdout | cmp "$T/ref.$p" -
	done
}

@test "output kinds: a directory is refused before any work (73)" {
	mkdir "$T/dir"
	for p in $PROGS; do
		run prog "$p" "$T/dir"
		assert_failure 73
		assert_output "$p: $T/dir: cannot create: Is a directory"
	done
	assert_dir_only "$T/dir"
}
