#!/usr/bin/env bats
# The manuals' examples are things users copy: every JSON text shown in a
# literal display (.Bd -literal ... .Ed) of a man page must parse, and every
# page passes mandoc's lint.

load test_helper

# Prints "page:line<TAB>json" for each JSON object in a literal display:
# the text from the first {" to the last } of the line, with mdoc's \e
# (a backslash) undone.
literal_json() {
	awk '
	/^\.Bd .*-literal/ { lit = 1; next }
	/^\.Ed/ { lit = 0; next }
	lit && index($0, "{\"") {
		s = substr($0, index($0, "{\""))
		sub(/}[^}]*$/, "}", s)
		gsub(/\\e/, "\\", s)
		print FILENAME ":" FNR "\t" s
	}' "$@"
}

@test "man: every JSON text in a literal display parses" {
	literal_json "$TOP"/man/* > "$BATS_TEST_TMPDIR/json"
	n=0 bad=""
	while IFS="$(printf '\t')" read -r where text; do
		n=$((n + 1))
		printf '%s' "$text" | jq -e . > /dev/null 2>&1 || bad="$bad
$where: $text"
	done < "$BATS_TEST_TMPDIR/json"
	[ -z "$bad" ] || fail "JSON that does not parse:$bad"
	[ "$n" -ge 2 ] || fail "only $n JSON examples found"
}

@test "man: the check finds a broken JSON example" {
	printf '.Bd -literal\n{"user_id":1, n_recs:2}\n.Ed\n' > "$BATS_TEST_TMPDIR/x.1"
	run literal_json "$BATS_TEST_TMPDIR/x.1"
	assert_output --partial '{"user_id":1, n_recs:2}'
	run jq -e . <<< '{"user_id":1, n_recs:2}'
	assert_failure
}

@test "man: every page passes mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TOP"/man/*
	assert_success
	assert_output ''
}
