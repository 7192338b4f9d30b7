#!/usr/bin/env bats
# ev-filter: golden splits of a hand-made events.csv, the real slice split
# at 2015-09-01, and every bad-input path (status, message, no output left).

load test_helper

F="$FIXTURES/ev-filter"
HDR='timestamp,visitorid,event,itemid,transactionid'

setup() {
	T="$BATS_TEST_TMPDIR"
}

# A CSV with the good header and the given data lines.
csv() {
	printf '%s\n' "$HDR" "$@"
}

# Runs ev-filter -o $T/out.tsv on stdin-less FILE and expects failure
# STATUS with MESSAGE, and no output or temporary file left behind.
fails_with() {
	local status=$1 msg=$2; shift 2
	run ev-filter -o "$T/out/out.tsv" "$@"
	assert_failure "$status"
	assert_output --partial "$msg"
	no_files "$T/out"
}

# Asserts that directory DIR is empty (no output, no temporary file).
no_files() {
	[ -z "$(ls -A "$1")" ] || fail "$1 holds: $(ls -A "$1")"
}

@test "--until CUTOFF keeps the rows before it, in input order" {
	run ev-filter --until 2015-09-01 "$F/events.csv"
	assert_success
	assert_output "$(cat "$F/until.tsv")"
}

@test "--from CUTOFF keeps the rows from it on (inclusive)" {
	run ev-filter --from 2015-09-01 "$F/events.csv"
	assert_success
	assert_output "$(cat "$F/from.tsv")"
}

@test "no filter converts the whole CSV to events TSV" {
	run ev-filter "$F/events.csv"
	assert_success
	assert_output "$(cat "$F/all.tsv")"
}

@test "times as YYYY-MM-DDTHH:MM:SSZ and @MILLIS bound to the millisecond" {
	run ev-filter --from @1441065600000 --until 2015-09-01T00:00:00Z "$F/events.csv"
	assert_failure 64
	run ev-filter --from @1441065599999 --until @1441065600001 "$F/events.csv"
	assert_success
	assert_output "$(printf 'ts\tuser\tevent\titem\ttxn\n1441065599999\t1\tview\t10\t\n1441065600000\t2\tview\t11\t')"
}

@test "--types keeps the named event types" {
	run ev-filter --types addtocart,transaction "$F/events.csv"
	assert_success
	assert_output "$(printf 'ts\tuser\tevent\titem\ttxn\n1433193132535\t3\taddtocart\t10\t\n1441070743378\t4\ttransaction\t12\t8693\n1442000000000\t1\taddtocart\t11\t\n1430000000000\t6\ttransaction\t13\t17')"
}

@test "--items keeps the events whose item is in the catalogue snapshot" {
	run ev-filter --items "$F/items.tsv" --until 2015-09-01 "$F/events.csv"
	assert_success
	assert_output "$(printf 'ts\tuser\tevent\titem\ttxn\n1441065599999\t1\tview\t10\t\n1433193132535\t3\taddtocart\t10\t\n1433220848630\t5\tview\t13\t\n1430000000000\t6\ttransaction\t13\t17')"
}

@test "-v counts rows read, kept and dropped by reason" {
	run ev-filter -v --until 2015-09-01 --types view --items "$F/items.tsv" -o "$T/o.tsv" "$F/events.csv"
	assert_success
	assert_line "ev-filter: 8 rows read, 2 kept, 6 dropped"
	assert_line "ev-filter: dropped 0: before --from"
	assert_line "ev-filter: dropped 4: not before --until"
	assert_line "ev-filter: dropped 2: type not chosen"
	assert_line "ev-filter: dropped 0: item not in the catalogue"
	assert_line "ev-filter: dropped 0: bad row (--skip-bad)"
	[ "$(wc -l < "$T/o.tsv")" -eq 3 ]
}

@test "empty lines are skipped (as pandas does), and counted under -v" {
	printf '%s\n' "$HDR" "" 1441065599999,1,view,10, "" "" 1441065600000,2,view,11, "" > "$T/in.csv"
	run ev-filter -v -o "$T/o.tsv" "$T/in.csv"
	assert_success
	assert_line "ev-filter: 2 rows read, 2 kept, 0 dropped"
	assert_line "ev-filter: empty lines skipped: 4"
	run cat "$T/o.tsv"
	assert_output "$(printf 'ts\tuser\tevent\titem\ttxn\n1441065599999\t1\tview\t10\t\n1441065600000\t2\tview\t11\t')"
	# Without -v nothing is said.
	run ev-filter -o "$T/o.tsv" "$T/in.csv"
	assert_success
	assert_output ""
}

@test "a UTF-8 BOM and CRLF line ends in CSV are accepted" {
	run ev-filter "$F/bom_crlf.csv"
	assert_success
	assert_output "$(cat "$F/all.tsv")"
}

@test "quoted CSV fields are read as their values" {
	run ev-filter "$F/quoted.csv"
	assert_success
	assert_output "$(printf 'ts\tuser\tevent\titem\ttxn\n1441065599999\t1\tview\t10\t\n1441065600000\t2\tview\t11\t')"
}

@test "events TSV input is read too, and ev-filter output round-trips" {
	run ev-filter "$F/all.tsv"
	assert_success
	assert_output "$(cat "$F/all.tsv")"
}

@test "several files (CSV, TSV, gzip, stdin) are read in order, each with its header" {
	gzip -c "$F/from.tsv" > "$T/from.tsv.gz"
	run sh -c "ev-filter --until 2015-09-01 '$F/events.csv' - '$T/from.tsv.gz' < '$F/until.tsv'"
	assert_success
	assert_output "$(cat "$F/until.tsv"; tail -n +2 "$F/until.tsv")"
	run sh -c "gzip -c '$F/events.csv' | ev-filter"
	assert_success
	assert_output "$(cat "$F/all.tsv")"
}

@test "-o writes the file atomically and prints nothing" {
	run ev-filter --from 2015-09-01 -o "$T/test.tsv" "$F/events.csv"
	assert_success
	assert_output ""
	assert_files_equal "$T/test.tsv" "$F/from.tsv"
	assert_dir_only "$T" test.tsv
}

@test "real slice: 8,358 events before 2015-09-01 and 1,027 from it on" {
	need_real
	ev-filter --until 2015-09-01 -o "$T/train.tsv" "$REAL/events_sample_5000_visitors.csv"
	ev-filter --from 2015-09-01 -o "$T/test.tsv" "$REAL/events_sample_5000_visitors.csv"
	[ "$(($(wc -l < "$T/train.tsv") - 1))" -eq 8358 ]
	[ "$(($(wc -l < "$T/test.tsv") - 1))" -eq 1027 ]
	# Every row is kept once, unchanged but for the separator.
	tail -n +2 "$REAL/events_sample_5000_visitors.csv" | tr , '\t' | sort > "$T/want"
	tail -q -n +2 "$T/train.tsv" "$T/test.tsv" | sort > "$T/got"
	assert_files_equal "$T/got" "$T/want"
	run awk -F '\t' 'NR > 1 && $1 >= 1441065600000' "$T/train.tsv"
	assert_output ""
	run awk -F '\t' 'NR > 1 && $1 < 1441065600000' "$T/test.tsv"
	assert_output ""
}

@test "real slice: the event mix (9,076 views, 263 carts, 46 transactions)" {
	need_real
	run ev-filter -v --types addtocart -o "$T/c.tsv" "$REAL/events_sample_5000_visitors.csv"
	assert_success
	assert_line "ev-filter: 9385 rows read, 263 kept, 9122 dropped"
	[ "$(ev-filter --types view "$REAL/events_sample_5000_visitors.csv" | wc -l)" -eq 9077 ]
	[ "$(ev-filter --types transaction "$REAL/events_sample_5000_visitors.csv" | wc -l)" -eq 47 ]
}

# ---- bad input ---------------------------------------------------------

@test "bad: a missing header (data on line 1)" {
	mkdir "$T/out"
	tail -n +2 "$F/events.csv" > "$T/in.csv"
	fails_with 65 "in.csv:1: expected header \"$HDR\", found \"1441065599999,1,view,10,\"" "$T/in.csv"
}

@test "bad: a wrong header" {
	mkdir "$T/out"
	printf 'timestamp,visitorid,event,itemid\n1,2,view,3\n' > "$T/in.csv"
	fails_with 65 "in.csv:1: expected header \"$HDR\", found \"timestamp,visitorid,event,itemid\"" "$T/in.csv"
	printf 'ts\tuser\tevent\titem\n' > "$T/in.tsv"
	fails_with 65 'in.tsv:1: expected header "ts\tuser\tevent\titem\ttxn", found "ts\tuser\tevent\titem"' "$T/in.tsv"
}

@test "bad: a wrong column count" {
	mkdir "$T/out"
	csv '1,2,view,3,' '1,2,view,3' > "$T/in.csv"
	fails_with 65 "in.csv:3: expected 5 fields, found 4" "$T/in.csv"
	csv '1,2,view,3,,' > "$T/in.csv"
	fails_with 65 "in.csv:2: expected 5 fields, found 6" "$T/in.csv"
	printf 'ts\tuser\tevent\titem\ttxn\n1\t2\tview\t3\n' > "$T/in.tsv"
	fails_with 65 "in.tsv:2: expected 5 fields, found 4" "$T/in.tsv"
}

@test "bad: non-numeric, negative and too large (> 2^64-1) ids" {
	mkdir "$T/out"
	csv '1,abc,view,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 2 (visitorid): not a number: "abc"' "$T/in.csv"
	csv '1,2,view,-3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 4 (itemid): negative: "-3"' "$T/in.csv"
	csv '1,18446744073709551616,view,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 2 (visitorid): out of range: "18446744073709551616"' "$T/in.csv"
	csv '1,2,view,,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 4 (itemid): empty: ""' "$T/in.csv"
	csv '1,2,transaction,3,x1' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 5 (transactionid): not a number: "x1"' "$T/in.csv"
	# The largest id is fine.
	csv '1,18446744073709551615,view,3,' > "$T/in.csv"
	run ev-filter "$T/in.csv"
	assert_success
	assert_line "$(printf '1\t18446744073709551615\tview\t3\t')"
}

@test "bad: timestamps" {
	mkdir "$T/out"
	csv '2015-09-01,2,view,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 1 (timestamp): bad timestamp: "2015-09-01"' "$T/in.csv"
	csv '-5,2,view,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 1 (timestamp): bad timestamp (negative): "-5"' "$T/in.csv"
	csv '9223372036854775808,2,view,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 1 (timestamp): bad timestamp (out of range): "9223372036854775808"' "$T/in.csv"
	csv '1.4e12,2,view,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 1 (timestamp): bad timestamp: "1.4e12"' "$T/in.csv"
}

@test "bad: an unknown event type" {
	mkdir "$T/out"
	csv '1,2,View,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 3 (event): unknown event type (expected view, addtocart or transaction): "View"' "$T/in.csv"
}

@test "bad: a transaction id on a view or a cart, none on a transaction" {
	mkdir "$T/out"
	csv '1,2,view,3,44' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 5 (transactionid): transaction id on a view: "44"' "$T/in.csv"
	csv '1,2,addtocart,3,44' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 5 (transactionid): transaction id on an addtocart: "44"' "$T/in.csv"
	csv '1,2,transaction,3,' > "$T/in.csv"
	fails_with 65 'in.csv:2: field 5 (transactionid): transaction without a transaction id: ""' "$T/in.csv"
}

@test "bad: an empty file, and a header with no rows is fine" {
	mkdir "$T/out"
	: > "$T/in.csv"
	fails_with 65 "in.csv: empty input (expected header \"$HDR\")" "$T/in.csv"
	csv > "$T/in.csv"
	run ev-filter "$T/in.csv"
	assert_success
	assert_output "$(printf 'ts\tuser\tevent\titem\ttxn')"
}

@test "bad: a truncated gzip file, even with --skip-bad" {
	mkdir "$T/out"
	seq 1 20000 | awk '{ printf "%d,%d,view,%d,\n", 1430000000000 + $1, $1, $1 * 7 }' > "$T/body"
	{ echo "$HDR"; cat "$T/body"; } | gzip -c > "$T/full.gz"
	head -c 20000 "$T/full.gz" > "$T/in.csv.gz"
	fails_with 65 "in.csv.gz: truncated gzip input" "$T/in.csv.gz"
	fails_with 65 "in.csv.gz: truncated gzip input" --skip-bad "$T/in.csv.gz"
	printf '\037\213garbage' > "$T/bad.gz"
	fails_with 65 "bad.gz: corrupt gzip input" "$T/bad.gz"
}

@test "bad: CRLF in events TSV is refused with a hint" {
	mkdir "$T/out"
	sed 's/$/\r/' "$F/all.tsv" > "$T/in.tsv"
	fails_with 65 "in.tsv:1: CRLF line end (TSV files use LF; convert with: tr -d '\\r')" "$T/in.tsv"
	{ head -n 2 "$F/all.tsv"; sed -n '3s/$/\r/p' "$F/all.tsv"; } > "$T/in.tsv"
	fails_with 65 "in.tsv:3: CRLF line end" "$T/in.tsv"
}

@test "bad: malformed CSV quoting" {
	mkdir "$T/out"
	csv '1,2,"view,3,' > "$T/in.csv"
	fails_with 65 "in.csv:2: unterminated quoted field at end of input" "$T/in.csv"
	csv '1,2,vi"ew,3,' > "$T/in.csv"
	fails_with 65 "in.csv:2: malformed CSV quoting" "$T/in.csv"
}

@test "bad: a NUL byte in a line" {
	mkdir "$T/out"
	{ csv; printf '1,2,view,3\0junk,\n'; } > "$T/in.csv"
	fails_with 65 "in.csv:2: NUL byte in line" "$T/in.csv"
}

@test "--skip-bad skips and counts bad rows and says so on one line" {
	mkdir "$T/out"
	csv '1,2,view,3,' '1,x,view,3,' '2,2,view,3' '3,2,vi"ew,3,' > "$T/in.csv"
	{ printf '4,2,view,3\0,\n'; echo '5,2,transaction,3,9'; } >> "$T/in.csv"
	run ev-filter --skip-bad -o "$T/out/out.tsv" "$T/in.csv"
	assert_success
	assert_output 'ev-filter: skipped 4 bad rows; first: '"$T"'/in.csv:3: field 2 (visitorid): not a number: "x"'
	assert_files_equal "$T/out/out.tsv" <(printf 'ts\tuser\tevent\titem\ttxn\n1\t2\tview\t3\t\n5\t2\ttransaction\t3\t9\n')
	run ev-filter -v --skip-bad -o "$T/out/out.tsv" "$T/in.csv"
	assert_line "ev-filter: 6 rows read, 2 kept, 4 dropped"
	assert_line "ev-filter: dropped 4: bad row (--skip-bad)"
}

@test "--skip-bad does not skip a wrong header" {
	mkdir "$T/out"
	printf 'a,b,c,d,e\n1,2,view,3,\n' > "$T/in.csv"
	fails_with 65 'expected header' --skip-bad "$T/in.csv"
}

@test "bad: --from not before --until, bad TIME, bad --types: usage errors" {
	mkdir "$T/out"
	fails_with 64 "--from must be before --until" --from 2015-09-02 --until 2015-09-01 "$F/events.csv"
	fails_with 64 "--from must be before --until" --from 2015-09-01 --until 2015-09-01 "$F/events.csv"
	fails_with 64 '--until: "2015-02-30": day out of range' --until 2015-02-30 "$F/events.csv"
	fails_with 64 '--from: "yesterday": expected YYYY-MM-DD' --from yesterday "$F/events.csv"
	fails_with 64 '--types: unknown event type "click"' --types view,click "$F/events.csv"
	fails_with 64 '--types: empty event type in "view,"' --types view, "$F/events.csv"
	run ev-filter --bogus
	assert_failure 64
	assert_line --partial "usage: ev-filter"
}

@test "bad: unreadable input, missing --items file, bad --items file" {
	mkdir "$T/out"
	fails_with 66 "$T/nope.csv: No such file or directory" "$T/nope.csv"
	fails_with 66 "$T/nope.csv: No such file or directory" "$F/events.csv" "$T/nope.csv"
	fails_with 66 "$T/nope.tsv: No such file or directory" --items "$T/nope.tsv" "$F/events.csv"
	fails_with 65 "events.csv:1: expected header \"item\\tcategory" --items "$F/events.csv" "$F/events.csv"
	fails_with 74 "$T: read: Is a directory" "$T"
}

@test "bad: unwritable output leaves nothing behind" {
	run ev-filter -o "$T/no/such/dir/out.tsv" "$F/events.csv"
	assert_failure 73
	assert_output --partial "$T/no/such/dir/out.tsv: cannot create"
}

@test "bad: a full disk stops the run at the first failed write: 74, named" {
	# 20000 rows: the first 64 KiB block written fails, not the commit.
	{ echo "$HDR"; seq 20000 | awk '{ print $1 ",7,view,9," }'; } \
	    > "$T/in.csv"
	run ev-filter -o /dev/full "$T/in.csv"
	assert_failure 74
	assert_output "ev-filter: /dev/full: write error: No space left on device"
	run bash -c 'ev-filter "$1" > /dev/full' _ "$T/in.csv"
	assert_failure 74
	assert_output "ev-filter: stdout: write error: No space left on device"
	# A short output fails at commit, with the same message.
	csv '1,2,view,3,' > "$T/small.csv"
	run ev-filter -o /dev/full "$T/small.csv"
	assert_failure 74
	assert_output "ev-filter: /dev/full: write error: No space left on device"
}

@test "a failing run leaves an existing output file untouched" {
	mkdir "$T/out"
	echo keep > "$T/out/out.tsv"
	csv '1,2,view,3,' 'x,2,view,3,' > "$T/in.csv"
	run ev-filter -o "$T/out/out.tsv" "$T/in.csv"
	assert_failure 65
	assert_dir_only "$T/out" out.tsv
	[ "$(cat "$T/out/out.tsv")" = keep ]
}

@test "--help prints the usage on stdout" {
	run ev-filter --help
	assert_success
	assert_line --index 0 "usage: ev-filter [-v] [--from TIME] [--until TIME] [--types LIST]"
	assert_output --partial "--skip-bad"
}
