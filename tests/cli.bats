#!/usr/bin/env bats
# The one CLI convention of every program in cmd/ (common/cli.h): the
# common options (-o/--output, -v/--verbose, -h/--help, --version), one
# --help layout whose usage is the man page's SYNOPSIS, one --version
# layout, getopt's messages under the program's short name.  The programs
# are found from cmd/*.c, so a new one is checked without being listed.

load test_helper

programs() {
	local c
	for c in "$TOP"/cmd/*.c; do
		c=${c##*/}
		echo "${c%.c}"
	done
}

# The words of a man page's SYNOPSIS, one line.
synopsis_words() {
	MANWIDTH=200 mandoc -Tascii -O width=200 "$1" | col -b |
	    awk '/^SYNOPSIS/ { f = 1; next } /^[A-Z]/ { f = 0 } f' |
	    tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

@test "every program in cmd/ is built and has a man page" {
	local p n=0
	for p in $(programs); do
		[ -x "$RS_BIN/$p" ] || fail "$p: not built in $RS_BIN"
		ls "$TOP"/man/"$p".[18] >/dev/null 2>&1 ||
		    fail "$p: no man page man/$p.1 or man/$p.8"
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
}

@test "--help: usage, options: rows in one column, the common options last" {
	local p
	for p in $(programs); do
		run "$p" --help
		[ "$status" -eq 0 ] || fail "$p --help: status $status"
		[[ "${lines[0]}" == "usage: $p "* ]] ||
		    fail "$p --help: first line '${lines[0]}'"
		# "options:" after a blank line; then rows up to a blank line.
		local i=0 start=-1 line col="" c
		while IFS= read -r line; do
			if [ "$line" = "options:" ]; then
				start=$i
				break
			fi
			i=$((i + 1))
		done <<<"$output"
		[ "$start" -gt 0 ] || fail "$p --help: no 'options:' line"
		local -a rows=()
		i=0
		while IFS= read -r line; do
			i=$((i + 1))
			[ "$i" -gt $((start + 1)) ] || continue
			[ -n "$line" ] || break
			[ "${#line}" -le 80 ] ||
			    fail "$p --help: longer than 80: '$line'"
			if [[ "$line" =~ ^(\ \ -[[:alnum:]](,\ --[a-z0-9-]+)?|\ \ \ \ \ \ --[a-z0-9-]+)(\ [^\ ]+)?\ \ +[^\ ] ]]; then
				rows+=("$line")
			elif ! [[ "$line" =~ ^\ +[^\ ] ]]; then
				fail "$p --help: not an option row: '$line'"
			fi
		done <<<"$output"
		[ "${#rows[@]}" -ge 4 ] || fail "$p --help: ${#rows[@]} rows"
		local n=${#rows[@]}
		[[ "${rows[n-4]}" == "  -o, --output "* ]] &&
		    [[ "${rows[n-3]}" == "  -v, --verbose "* ]] &&
		    [[ "${rows[n-2]}" == "  -h, --help "* ]] &&
		    [[ "${rows[n-1]}" == "      --version "* ]] ||
		    fail "$p --help: the common options are not the last rows"
		# One description column: where the help of each row starts.
		col=""
		for line in "${rows[@]}"; do
			local lab=${line%%[! ]  *}
			c=$(( ${#lab} + 3 ))
			[[ "${line:c-1:1}" == " " && "${line:c:1}" != " " ]] || {
				local rest=${line#"$lab"?}
				rest=${rest%%[! ]*}
				c=$(( ${#lab} + 1 + ${#rest} ))
			}
			[ -z "$col" ] && col=$c
			[ "$c" -eq "$col" ] ||
			    fail "$p --help: '$line' starts its help at $c, not $col"
		done
	done
}

@test "--help: the usage is the man page's SYNOPSIS, word for word" {
	local p page usage
	for p in $(programs); do
		page=$(ls "$TOP"/man/"$p".[18] | head -n 1)
		run "$p" --help
		usage=$(awk 'NR == 1 || (f && /^ /) { f = 1; print; next } { exit }' \
		    <<<"$output" | sed 's/^usage: //; s/^       //' |
		    tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')
		[ "$usage" = "$(synopsis_words "$page")" ] ||
		    fail "$p: usage '$usage' != SYNOPSIS '$(synopsis_words "$page")'"
	done
}

@test "--version: name, package, version; then the build's options" {
	local p
	for p in $(programs); do
		run "$p" --version
		[ "$status" -eq 0 ] || fail "$p --version: status $status"
		[[ "${lines[0]}" =~ ^$p\ \(recsys-ecom\)\ [0-9A-Za-z][0-9A-Za-z.+-]*$ ]] ||
		    fail "$p --version: first line '${lines[0]}'"
		[[ "${lines[1]}" == "compiler: "* ]] &&
		    [[ "${lines[2]}" == "cflags: "* ]] &&
		    [[ "${lines[3]}" == "als kernels: "* ]] &&
		    [[ "${lines[4]}" == "mpi: "* ]] ||
		    fail "$p --version: build lines '$output'"
		[[ "${lines[2]}" == *-O2* ]] || fail "$p: cflags without -O2"
	done
}

@test "every program takes -o/--output and -v/--verbose (parsed before --help)" {
	local p
	for p in $(programs); do
		run "$p" -v --verbose -o "$BATS_TEST_TMPDIR/o" \
		    --output="$BATS_TEST_TMPDIR/o" --help
		[ "$status" -eq 0 ] || fail "$p: -o/-v refused: $output"
		[[ "${lines[0]}" == "usage: $p "* ]]
		assert_file_not_exist "$BATS_TEST_TMPDIR/o"
	done
}

@test "a bad option: getopt's message under the short name, the usage, 64" {
	local p
	for p in $(programs); do
		run "$RS_BIN/$p" --no-such-option
		[ "$status" -eq 64 ] || fail "$p: status $status"
		[ "${lines[0]}" = "$p: unrecognized option '--no-such-option'" ] ||
		    fail "$p: '${lines[0]}'"
		[[ "${lines[1]}" == "usage: $p "* ]] || fail "$p: '${lines[1]}'"
		run "$RS_BIN/$p" -o
		[ "$status" -eq 64 ]
		[ "${lines[0]}" = "$p: option requires an argument -- 'o'" ]
	done
}

@test "the deprecated spellings of -n still work" {
	run pop-rank --help
	assert_line --partial "      --top N "
	assert_line --regexp '^  -n, --n-recs N +only the first N items$'
	run als-recommend --help
	assert_line --partial "      --count N "
	run rec-blend --help
	assert_line --partial "      --list-len N "
	run rec-eval --help
	assert_line --regexp '^  -k K +deprecated: same as -n$'
}
