#!/bin/sh
# Runs every C unit test (OBJDIR/tests/test_*) and every bats file
# (tests/*.bats) against the programs in BINDIR, then prints one summary
# line "N passed, N failed, N skipped".  Exit status 1 if anything failed.
# Usage: scripts/run-tests.sh [OBJDIR [BINDIR]]
set -u
objdir=${1:-obj}
bindir=${2:-bin}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
RS_BIN="$top/$bindir"
export RS_BIN

pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$objdir"/tests/test_*; do
	case $t in *.o|*.d) continue ;; esac
	[ -x "$t" ] || continue
	if "$t" >"$log" 2>&1; then
		res=ok
	else
		res=FAIL
	fi
	# Each unit test binary ends with "N passed, N failed".
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=${line%% passed*}
	f=${line#*passed, }; f=${f%% failed*}
	[ -n "$line" ] || { p=0; f=1; }
	[ "$res" = FAIL ] && [ "$f" = 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$res" = FAIL ]; then
		echo "FAIL unit $(basename "$t")"; cat "$log"
	else
		echo "ok   unit $(basename "$t"): $line"
	fi
done

if ls tests/*.bats >/dev/null 2>&1; then
	bats --tap tests/*.bats >"$log" 2>&1
	cat "$log"
	p=$(grep -c '^ok ' "$log" || true)
	s=$(grep -c '^ok .* # skip' "$log" || true)
	f=$(grep -c '^not ok ' "$log" || true)
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -n 1)
	if [ -n "$plan" ] && [ $((p + f)) -lt "$plan" ]; then
		echo "bats stopped early: $((p + f)) of $plan tests ran"
		fail=$((fail + plan - p - f))
	fi
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
