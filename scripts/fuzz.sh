#!/bin/sh
# Builds each libFuzzer harness (tests/fuzz/fuzz_NAME.c) with clang against
# the common/ library (built by the Makefile in obj-fuzz/), with
# AddressSanitizer and UBSan, and runs it for
# SECONDS on its seed corpus tests/fuzz/corpus/NAME (if any).  Any crash,
# leak or sanitizer report fails the run.
# With FUZZ_RUNS=N in the environment (make fuzz-long) each harness runs
# until N executions instead (SECONDS 0: no time bound, else whichever
# comes first), prints how many it
# did, and merges what it found that adds coverage into its seed corpus
# tests/fuzz/corpus/NAME, so the corpora grow with each long run.
# Usage: scripts/fuzz.sh SECONDS HARNESS.c...
set -eu
secs=$1; shift
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/obj-fuzz"
mkdir -p "$out"
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
flags="-g -O1 -std=c11 -D_GNU_SOURCE -I$top/common $san"
# The library once, instrumented, by the Makefile's own rules in its own
# pair of directories (obj-fuzz, bin-fuzz): the same sources, header
# dependencies and build_info.h as every build, rebuilt only where they
# changed.  store.c's STORE_VERIFY loops (65,536 bucket checks per index
# and open) spent 3/4 of fuzz_store's time in the comparison hooks: edge
# coverage only there (CFLAGS_store), sanitizers as everywhere.  Under a
# lock, with each harness linked under it too and renamed into place:
# another fuzz.sh running at the same time (a campaign in two streams)
# never sees a half-built library or harness.
lock="$out/.build.lock"
flock "$lock" make -s --no-print-directory -C "$top" O=obj-fuzz B=bin-fuzz \
    CC=clang CFLAGS="-g -O1 $san" \
    CFLAGS_store=-fno-sanitize-coverage=trace-cmp obj-fuzz/libcommon.a
for h in "$@"; do
	name=$(basename "$h" .c)
	name=${name#fuzz_}
	flock "$lock" clang $flags -fsanitize=fuzzer -o "$out/fuzz_$name.$$" \
	    "$h" "$out/libcommon.a" -lcsv -lz -lm -lpthread
	mv -f "$out/fuzz_$name.$$" "$out/fuzz_$name"
	work="$out/corpus-$name"
	# libFuzzer takes its longest input from the corpus, unless told.
	# http's holds a 64 KB body at the size limit: with inputs that long,
	# a campaign drifted to thousands of pipelined requests per input
	# (/metrics above all, answered with hundreds of printf lines each),
	# and fell from ~2,800 to ~300 executions a second by 6M.  Its
	# inputs are held to libFuzzer's own default, 4 KB (up to ~100
	# pipelined requests); the regression suite sends the large bodies.
	maxlen=
	case $name in http) maxlen=-max_len=4096 ;; esac
	mkdir -p "$work"
	seeds="$top/tests/fuzz/corpus/$name"
	[ -d "$seeds" ] || seeds=""
	if [ -n "${FUZZ_RUNS:-}" ]; then
		echo "fuzz: $name for $FUZZ_RUNS executions"
		runs="-runs=$FUZZ_RUNS"
	else
		echo "fuzz: $name for ${secs}s"
		runs=""
	fi
	# shellcheck disable=SC2086
	(cd "$out" && "./fuzz_$name" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 $runs $maxlen "$work" \
	    $seeds) \
	    >"$out/fuzz_$name.log" 2>&1 || {
		tail -n 40 "$out/fuzz_$name.log"
		echo "fuzz: $name FAILED (log: $out/fuzz_$name.log)"
		exit 1
	}
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz_$name.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz_$name.log")
	echo "fuzz: $name ok: $execs executions ($rate/s)"
	if [ -n "${FUZZ_RUNS:-}" ]; then
		mkdir -p "$top/tests/fuzz/corpus/$name"
		(cd "$out" && "./fuzz_$name" -merge=1 \
		    "$top/tests/fuzz/corpus/$name" "$work") \
		    >"$out/fuzz_$name.merge.log" 2>&1 || true
		echo "fuzz: $name corpus: $(ls "$top/tests/fuzz/corpus/$name" | wc -l) files"
	fi
done
