#!/usr/bin/env bats
# common/README.md is the map of the library: every file of common/ has its
# line there, and every file it names exists.

load test_helper

@test "every file in common/ is listed in common/README.md" {
	missing=""
	for f in "$TOP"/common/*.c "$TOP"/common/*.h; do
		n=${f##*/}
		grep -q "\`$n\`" "$TOP/common/README.md" || missing="$missing $n"
	done
	[ -z "$missing" ] || fail "not in common/README.md:$missing"
}

@test "every file common/README.md names exists" {
	gone=""
	for n in $(grep -o '`[a-z_]*\.[ch]`' "$TOP/common/README.md" | tr -d '`' | sort -u); do
		[ -f "$TOP/common/$n" ] || gone="$gone $n"
	done
	[ -z "$gone" ] || fail "named in common/README.md but not in common/:$gone"
}
