# Loaded by every bats file: bats-support/assert/file, the programs under
# test first on PATH, a scratch directory, and where the real Retailrocket
# slice lives (tests that need it skip cleanly when it is absent).
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
RS_BIN="${RS_BIN:-$TOP/bin}"
PATH="$RS_BIN:$PATH"
FIXTURES="$BATS_TEST_DIRNAME/fixtures"
REAL="${RS_REAL_DATA:-$TOP/../shared/data/retailrocket}"
export PATH

# Skips the current test when the real data slice is not present.
need_real() {
	[ -f "$REAL/events_sample_5000_visitors.csv" ] ||
	    skip "real Retailrocket slice not present ($REAL)"
}

# Asserts that DIR holds no file but those named (no leftover temp files;
# with no name: that DIR is empty).
assert_dir_only() {
	local dir=$1; shift
	local found
	found=$(cd "$dir" && ls -A | sort | tr '\n' ' ')
	local want=""
	[ $# -eq 0 ] || want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$found" = "$want" ] || fail "directory $dir holds '$found', expected '$want'"
}
