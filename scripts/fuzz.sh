#!/bin/sh
# Builds each libFuzzer harness (tests/fuzz/fuzz_NAME.c) with clang against
# the common/ sources, with AddressSanitizer and UBSan, and runs it for
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
flags="-g -O1 -std=c11 -D_GNU_SOURCE -I$top/common -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
# The library once, instrumented; then each harness links against it.
mkdir -p "$out/common"
objs=""
for c in "$top"/common/*.c; do
	o="$out/common/$(basename "$c" .c).o"
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ] ||
	    [ -n "$(find "$top/common" -name '*.h' -newer "$o")" ]; then
		# store.c's STORE_VERIFY loops (65,536 bucket checks per index
		# and open) spent 3/4 of fuzz_store's time in the comparison
		# hooks: edge coverage only there, sanitizers as everywhere.
		case $c in
		*/store.c) extra=-fno-sanitize-coverage=trace-cmp ;;
		*) extra= ;;
		esac
		# shellcheck disable=SC2086
		clang $flags $extra -c -o "$o" "$c"
	fi
	objs="$objs $o"
done
# Built aside and renamed: another fuzz.sh running at the same time (a
# campaign in two streams) keeps linking against a whole archive.
# shellcheck disable=SC2086
ar rcs "$out/libcommon-fuzz.a.$$" $objs
mv -f "$out/libcommon-fuzz.a.$$" "$out/libcommon-fuzz.a"
for h in "$@"; do
	name=$(basename "$h" .c)
	name=${name#fuzz_}
	clang $flags -fsanitize=fuzzer -o "$out/fuzz_$name.$$" "$h" \
	    "$out/libcommon-fuzz.a" -lcsv -lz -lopenblas -lm -lpthread
	mv -f "$out/fuzz_$name.$$" "$out/fuzz_$name"
	work="$out/corpus-$name"
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
	    -rss_limit_mb=2048 -print_final_stats=1 $runs "$work" $seeds) \
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
