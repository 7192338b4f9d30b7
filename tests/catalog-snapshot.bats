#!/usr/bin/env bats
# catalog-snapshot: a hand-computed snapshot (latest before --at, ties to
# the later row, across files), the real category tree resolved to its
# roots, and every bad-input path (status, message, no output left).

load test_helper

F="$FIXTURES/catalog-snapshot"
PHDR='timestamp,itemid,property,value'

setup() {
	T="$BATS_TEST_TMPDIR"
}

# A property CSV with the good header and the given data lines.
props() {
	printf '%s\n' "$PHDR" "$@"
}

no_files() {
	[ -z "$(ls -A "$1")" ] || fail "$1 holds: $(ls -A "$1")"
}

# Runs catalog-snapshot -o $T/out/items.tsv ARGS and expects failure STATUS
# with MESSAGE, and no output or temporary file left behind.
fails_with() {
	local status=$1 msg=$2; shift 2
	mkdir -p "$T/out"
	run catalog-snapshot -o "$T/out/items.tsv" "$@"
	assert_failure "$status"
	assert_output --partial "$msg"
	no_files "$T/out"
}

@test "latest category and availability before --at, roots, sorted by item" {
	run catalog-snapshot --at 2015-06-01 --tree "$F/tree.csv" "$F/props1.csv" "$F/props2.csv"
	assert_success
	assert_output "$(cat "$F/items.tsv")"
}

@test "-v counts rows and the items dropped, and -o writes atomically" {
	run catalog-snapshot -v --at 2015-06-01 --tree "$F/tree.csv" -o "$T/items.tsv" "$F/props1.csv" "$F/props2.csv"
	assert_success
	assert_line "catalog-snapshot: tree: 7 categories, 2 roots"
	assert_line "catalog-snapshot: 17 rows read; before --at: 9 categoryid, 5 available; 2 categoryid/available rows at or after --at"
	assert_line "catalog-snapshot: 4 items written"
	assert_line "catalog-snapshot: dropped 1 items in 1 categories not in the tree"
	assert_line "catalog-snapshot: dropped 1 items without a categoryid record before --at"
	assert_files_equal "$T/items.tsv" "$F/items.tsv"
	assert_dir_only "$T" items.tsv
}

@test "the file order decides ties: parts given the other way round" {
	run catalog-snapshot --at 2015-06-01 --tree "$F/tree.csv" "$F/props2.csv" "$F/props1.csv"
	assert_success
	# Item 50: props1's last tie (category 2, root 1) now comes last;
	# item 10: props1 has no availability, props2's later 0 still wins.
	assert_line "$(printf '50\t2\t1\t\t1432436400000')"
	assert_line "$(printf '10\t6\t1\t0\t1431226800000')"
}

@test "--at is exclusive: a record at exactly --at is not used" {
	run catalog-snapshot --at @1433116800001 --tree "$F/tree.csv" "$F/props1.csv"
	assert_success
	assert_line "$(printf '30\t2\t1\t0\t1433116800000')"
	run catalog-snapshot --at @1433116800000 --tree "$F/tree.csv" "$F/props1.csv"
	assert_line "$(printf '30\t7\t4\t0\t1431831600000')"
}

@test "gzip, stdin and CRLF/BOM property files give the same snapshot" {
	gzip -c "$F/props1.csv" > "$T/p1.csv.gz"
	{ printf '\357\273\277'; sed 's/$/\r/' "$F/props2.csv"; } > "$T/p2.csv"
	run sh -c "catalog-snapshot --at 2015-06-01 --tree '$F/tree.csv' '$T/p1.csv.gz' - < '$T/p2.csv'"
	assert_success
	assert_output "$(cat "$F/items.tsv")"
	run sh -c "cat '$F/props1.csv' | catalog-snapshot --at 2015-06-01 --tree '$F/tree.csv'"
	assert_success
	assert_line "$(printf '60\t5\t4\t\t1431226800000')"
}

@test "an --at before every record gives a header alone" {
	run catalog-snapshot --at 2015-01-01 --tree "$F/tree.csv" "$F/props1.csv"
	assert_success
	assert_output "$(printf 'item\tcategory\troot\tavailable\tts')"
}

@test "real tree: 1669 categories, 25 roots, each resolved to its top ancestor" {
	need_real
	# One item per category, the item id being the category id.
	{ echo "$PHDR"; tail -n +2 "$REAL/category_tree.csv" |
	    awk -F, '{ print "1431226800000," $1 ",categoryid," $1 }'; } > "$T/p.csv"
	run catalog-snapshot -v --at 2015-09-01 --tree "$REAL/category_tree.csv" -o "$T/items.tsv" "$T/p.csv"
	assert_success
	assert_line "catalog-snapshot: tree: 1669 categories, 25 roots"
	assert_line "catalog-snapshot: 1669 items written"
	# The roots again, found by an independent walk up the tree in awk.
	awk -F, 'NR > 1 { p[$1] = $2 }
	    END { for (c in p) { r = c; while (p[r] != "") r = p[r]; print c "\t" r } }' \
	    "$REAL/category_tree.csv" | sort -n > "$T/want"
	tail -n +2 "$T/items.tsv" | cut -f 2,3 | sort -n > "$T/got"
	assert_files_equal "$T/got" "$T/want"
	[ "$(cut -f 2 "$T/want" | sort -u | wc -l)" -eq 25 ]
	# A known chain: 1016 -> 213 -> 1299 -> 1532 (a root).
	assert_equal "$(awk -F '\t' '$1 == 1016 { print $3 }' "$T/items.tsv")" 1532
}

@test "real tree: items whose category is missing are dropped and counted" {
	need_real
	props 1431226800000,1,categoryid,1016 1431226800000,2,categoryid,99999 \
	    1431226800000,3,categoryid,99999 1431226800000,4,categoryid,88888 > "$T/p.csv"
	run catalog-snapshot -v --at 2015-09-01 --tree "$REAL/category_tree.csv" -o "$T/items.tsv" "$T/p.csv"
	assert_success
	assert_line "catalog-snapshot: dropped 3 items in 2 categories not in the tree"
	assert_equal "$(tail -n +2 "$T/items.tsv")" "$(printf '1\t1016\t1532\t\t1431226800000')"
}

# ---- bad trees ---------------------------------------------------------

@test "bad tree: a cycle is an error naming the category and the cycle" {
	printf '%s\n' categoryid,parentid 1, 7,9 8,7 9,8 > "$T/tree.csv"
	fails_with 65 "tree.csv:3: category 7: cycle in the tree: 7 -> 9 -> 8 -> 7" --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
	printf '%s\n' categoryid,parentid 1, 5,5 > "$T/tree.csv"
	fails_with 65 "tree.csv:3: category 5: cycle in the tree: 5 -> 5" --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
}

@test "bad tree: a duplicate category" {
	printf '%s\n' categoryid,parentid 1, 2,1 2, > "$T/tree.csv"
	fails_with 65 "tree.csv:4: category 2: duplicate (first at line 3)" --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
}

@test "bad tree: a parent that does not exist" {
	printf '%s\n' categoryid,parentid 1, 2,1 3,42 > "$T/tree.csv"
	fails_with 65 "tree.csv:4: category 3: parent 42 is not in the tree" --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
}

@test "bad tree: bad ids, wrong header, empty, unreadable" {
	printf '%s\n' categoryid,parentid 1, x2,1 > "$T/tree.csv"
	fails_with 65 'tree.csv:3: field 1 (categoryid): not a number: "x2"' --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
	printf '%s\n' categoryid,parentid 1, 2,-1 > "$T/tree.csv"
	fails_with 65 'tree.csv:3: field 2 (parentid): negative: "-1"' --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
	printf '%s\n' categoryid,parentid 1, 2,1,0 > "$T/tree.csv"
	fails_with 65 'tree.csv:3: expected 2 fields, found 3' --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
	printf '%s\n' category,parent 1, > "$T/tree.csv"
	fails_with 65 'tree.csv:1: expected header "categoryid,parentid", found "category,parent"' --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
	printf '%s\n' categoryid,parentid > "$T/tree.csv"
	fails_with 65 'tree.csv: no categories' --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
	: > "$T/tree.csv"
	fails_with 65 'tree.csv: empty input (expected header "categoryid,parentid")' --at 2015-06-01 --tree "$T/tree.csv" "$F/props1.csv"
	fails_with 66 "$T/nope.csv: No such file or directory" --at 2015-06-01 --tree "$T/nope.csv" "$F/props1.csv"
}

# ---- bad property files ------------------------------------------------

@test "bad props: missing or wrong header, empty file" {
	tail -n +2 "$F/props1.csv" > "$T/p.csv"
	fails_with 65 "p.csv:1: expected header \"$PHDR\", found \"1431226800000,30,categoryid,3\"" --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	: > "$T/p.csv"
	fails_with 65 "p.csv: empty input (expected header \"$PHDR\")" --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	# The second file is checked like the first.
	printf 'timestamp,itemid,property\n' > "$T/p.csv"
	fails_with 65 "p.csv:1: expected header \"$PHDR\", found \"timestamp,itemid,property\"" --at 2015-06-01 --tree "$F/tree.csv" "$F/props1.csv" "$T/p.csv"
}

@test "bad props: wrong column count" {
	props 1431226800000,30,categoryid,3 1431226800000,30,categoryid > "$T/p.csv"
	fails_with 65 "p.csv:3: expected 4 fields, found 3" --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
}

@test "bad props: timestamps and item ids, on any property" {
	props '1431226800000.5,30,888,n1.000' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 1 (timestamp): bad timestamp: "1431226800000.5"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	props '-1,30,888,n1.000' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 1 (timestamp): bad timestamp (negative): "-1"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	props '1431226800000,-30,888,n1.000' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 2 (itemid): negative: "-30"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	props '1431226800000,18446744073709551616,888,n1.000' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 2 (itemid): out of range: "18446744073709551616"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	props '1431226800000,abc,888,n1.000' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 2 (itemid): not a number: "abc"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
}

@test "bad props: categoryid and available values" {
	props '1431226800000,30,categoryid,n3' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 4 (value): not a number: "n3"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	props '1431226800000,30,categoryid,' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 4 (value): empty category id: ""' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	props '1431226800000,30,available,2' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 4 (value): available must be 0 or 1: "2"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
	# Values of records after --at are checked too.
	props '1500000000000,30,available,yes' > "$T/p.csv"
	fails_with 65 'p.csv:2: field 4 (value): available must be 0 or 1: "yes"' --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv"
}

@test "bad props: a truncated gzip file, even with --skip-bad" {
	seq 1 30000 | awk '{ printf "1431226800000,%d,categoryid,%d\n", $1, $1 % 7 + 1 }' > "$T/body"
	{ echo "$PHDR"; cat "$T/body"; } | gzip -c | head -c 30000 > "$T/p.csv.gz"
	fails_with 65 "p.csv.gz: truncated gzip input" --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv.gz"
	fails_with 65 "p.csv.gz: truncated gzip input" --skip-bad --at 2015-06-01 --tree "$F/tree.csv" "$T/p.csv.gz"
}

@test "--skip-bad skips and counts bad property rows" {
	{ cat "$F/props1.csv"; printf '%s\n' 'x,1,categoryid,1' '1431226800000,1,categoryid' \
	    '1431226800000,1,available,7' '1431226800000,80,categoryid,1'; } > "$T/p.csv"
	mkdir "$T/out"
	run catalog-snapshot --skip-bad --at 2015-06-01 --tree "$F/tree.csv" -o "$T/out/items.tsv" "$T/p.csv"
	assert_success
	assert_output "catalog-snapshot: skipped 3 bad rows; first: $T/p.csv:15: field 1 (timestamp): bad timestamp: \"x\""
	assert_line --partial "skipped 3 bad rows"
	assert_equal "$(tail -n 1 "$T/out/items.tsv")" "$(printf '80\t1\t1\t\t1431226800000')"
}

@test "usage errors: missing --at or --tree, bad TIME, unknown option" {
	fails_with 64 "--at TIME is required" --tree "$F/tree.csv" "$F/props1.csv"
	fails_with 64 "--tree FILE is required" --at 2015-06-01 "$F/props1.csv"
	fails_with 64 '--at: "2015-13-01": month out of range' --at 2015-13-01 --tree "$F/tree.csv" "$F/props1.csv"
	run catalog-snapshot --bogus
	assert_failure 64
	assert_line --partial "usage: catalog-snapshot"
}

@test "unreadable property file and unwritable output leave nothing behind" {
	fails_with 66 "$T/nope.csv: No such file or directory" --at 2015-06-01 --tree "$F/tree.csv" "$F/props1.csv" "$T/nope.csv"
	run catalog-snapshot --at 2015-06-01 --tree "$F/tree.csv" -o "$T/no/dir/items.tsv" "$F/props1.csv"
	assert_failure 73
	assert_output --partial "$T/no/dir/items.tsv: cannot create"
}

@test "a failing run leaves an existing output file untouched" {
	mkdir "$T/out"
	echo keep > "$T/out/items.tsv"
	props '1431226800000,30,categoryid,n3' > "$T/p.csv"
	run catalog-snapshot --at 2015-06-01 --tree "$F/tree.csv" -o "$T/out/items.tsv" "$F/props1.csv" "$T/p.csv"
	assert_failure 65
	assert_dir_only "$T/out" items.tsv
	[ "$(cat "$T/out/items.tsv")" = keep ]
}

@test "the output is read back by ev-filter --items" {
	run sh -c "catalog-snapshot --at 2015-06-01 --tree '$F/tree.csv' '$F/props1.csv' '$F/props2.csv' > '$T/items.tsv' &&
	    printf 'timestamp,visitorid,event,itemid,transactionid\n1,1,view,10,\n2,1,view,20,\n3,1,view,60,\n' |
	    ev-filter --items '$T/items.tsv'"
	assert_success
	assert_output "$(printf 'ts\tuser\tevent\titem\ttxn\n1\t1\tview\t10\t\n3\t1\tview\t60\t')"
}

@test "--help prints the usage on stdout" {
	run catalog-snapshot --help
	assert_success
	assert_line --index 0 --partial "usage: catalog-snapshot [-v] --at TIME --tree category_tree.csv"
}

@test "ids at the top of the uint64 range, in numeric order" {
	printf '%s\n' categoryid,parentid 18446744073709551615, 1,18446744073709551615 > "$T/tree.csv"
	props 1,18446744073709551615,categoryid,1 1,18446744073709551614,categoryid,18446744073709551615 \
	    1,9,categoryid,1 > "$T/p.csv"
	run catalog-snapshot --at 2015-06-01 --tree "$T/tree.csv" "$T/p.csv"
	assert_success
	assert_output "$(printf 'item\tcategory\troot\tavailable\tts\n9\t1\t18446744073709551615\t\t1\n18446744073709551614\t18446744073709551615\t18446744073709551615\t\t1\n18446744073709551615\t1\t18446744073709551615\t\t1')"
}
