#!/usr/bin/env bats
# rec-blend: the recs.db store, checked through what rec-serve serves from
# it (the lists are worked out by hand in tests/unit/test_blend.c and
# rec-serve.bats) and through its recorded parameters; and every error.

load test_helper

FX="$BATS_TEST_DIRNAME/fixtures/rec-blend"

setup() {
	T="$BATS_TEST_TMPDIR"
	cp "$FX"/*.tsv "$T"/
	cd "$T"
}

# blend: the default rule (session); original: the seed rule, the
# original service's blend, whose lists the hand-computed cases are.
blend() {
	rec-blend -i items.tsv -p popular.tsv -r recs.tsv "$@"
}
original() {
	blend --rule seed "$@"
}

@test "rec-blend: builds a store rec-serve serves the hand-computed lists from" {
	run original -n 6 -c 2015-06-01 -o recs.db
	assert_success
	assert_output ''
	assert_dir_only . items.tsv popular.tsv recs.tsv recs.db
	run rec-serve recs.db <<-'IN'
	999	5
	999	5	101
	999	6	301,201,101
	7	5
	3	6
	IN
	assert_success
	assert_output "$(printf '%s\n' '999	501,502,503,504,505' \
	    '999	101,501,102,502,103' '999	101,201,301,501,102,202' \
	    '7	501,104,502,503,301' '3	501,202,502,203,503,504')"
}

@test "rec-blend: records the blend parameters, counts and the sources' checksums" {
	SOURCE_DATE_EPOCH=1433116800 blend -k 2 -n 7 -c 2015-06-01 -o recs.db
	run grep -a -o -E '(list_len|last_items|built|cutoff|items|categories|popular|users|items_src)=.*' recs.db
	assert_output "$(printf '%s\n' list_len=7 last_items=2 \
	    built=2015-06-01T00:00:00.000Z cutoff=2015-06-01 items=13 \
	    categories=5 popular=13 users=2 \
	    "items_src=crc32:$(gzip -c items.tsv | tail -c 8 | od -An -tx4 | head -c 9 | tr -d ' ') size=357")"
}

@test "rec-blend: the same inputs and SOURCE_DATE_EPOCH give the same bytes" {
	SOURCE_DATE_EPOCH=1433116800 blend -o a.db
	SOURCE_DATE_EPOCH=1433116800 blend -o b.db
	cmp a.db b.db
	SOURCE_DATE_EPOCH=1433116801 blend -o c.db
	! cmp -s a.db c.db
}

@test "rec-blend: -k limits the last items the blend looks at" {
	original -k 1 -n 6 -o recs.db
	run rec-serve recs.db <<< $'999\t4\t101,201'
	assert_output $'999\t201,501,202,502'
}

@test "rec-blend: without --personal every user is served online" {
	rec-blend --rule seed -i items.tsv -p popular.tsv -n 6 -o recs.db
	run rec-serve recs.db <<< $'7\t5'
	assert_output $'7\t501,502,503,504,505'
	grep -a -q '^users=0$' recs.db
}

@test "rec-blend: reads gzip and stdin" {
	gzip -k popular.tsv
	original -n 6 -o a.db
	rec-blend --rule seed -i items.tsv -p popular.tsv.gz -r - -n 6 -o b.db < recs.tsv
	run rec-serve b.db <<< $'7\t5'
	assert_output $'7\t501,104,502,503,301'
	grep -a -q '^personal_src=stdin$' b.db
}

@test "rec-blend: users in any group order, lists cut at --list-len" {
	printf 'user\trank\titem\tscore\n9\t1\t1\t1\n9\t2\t2\t1\n9\t3\t3\t1\n2\t1\t4\t1\n' > r.tsv
	rec-blend --rule seed -i items.tsv -p popular.tsv -r r.tsv -n 2 -o recs.db
	run rec-serve recs.db <<< $'9\t2\n2\t2'
	assert_output "$(printf '9\t501,1\n2\t501,4')"
}

@test "rec-blend: --help prints the usage and options" {
	run rec-blend --help
	assert_success
	assert_line --index 0 --partial 'usage: rec-blend [-v] -i ITEMS.tsv'
	assert_output --partial '--list-len'
}

@test "rec-blend: -v reports the counts" {
	run original -v -o recs.db
	assert_success
	assert_output 'rec-blend: 13 items in 5 categories, 13 popular items, 2 users with 5 personal rows; lists of at most 50, last 3 items; rule seed, 0 items with neighbours'
	run blend -v -o recs.db
	assert_success
	assert_output 'rec-blend: 13 items in 5 categories, 13 popular items, 2 users with 5 personal rows; lists of at most 50, last 3 items; rule session, 0 items with neighbours'
}

@test "rec-blend: usage errors exit 64" {
	run rec-blend -p popular.tsv -o x.db
	assert_failure 64
	assert_line --index 0 'rec-blend: -i ITEMS.tsv is required'
	run rec-blend -i items.tsv -o x.db
	assert_failure 64
	assert_line --index 0 'rec-blend: -p POPULAR.tsv is required'
	run rec-blend -i items.tsv -p popular.tsv
	assert_failure 64
	assert_line --index 0 'rec-blend: -o FILE is required'
	run blend -n 0 -o x.db
	assert_failure 64
	assert_output 'rec-blend: -n: "0": out of range (1 to 1000)'
	run blend -n 1001 -o x.db
	assert_failure 64
	run blend -k 17 -o x.db
	assert_failure 64
	assert_output 'rec-blend: -k: "17": out of range (1 to 16)'
	run blend -o x.db extra
	assert_failure 64
	assert_line --index 0 'rec-blend: unexpected operand "extra"'
	SOURCE_DATE_EPOCH=x run blend -o x.db
	assert_failure 64
	assert_dir_only . items.tsv popular.tsv recs.tsv
}

@test "rec-blend: a missing input exits 66 and leaves nothing" {
	run rec-blend -i nope.tsv -p popular.tsv -o x.db
	assert_failure 66
	assert_output --partial 'nope.tsv'
	run rec-blend -i items.tsv -p popular.tsv -r nope.tsv -o x.db
	assert_failure 66
	assert_dir_only . items.tsv popular.tsv recs.tsv
}

@test "rec-blend: a wrong header names the expected one" {
	run rec-blend -i items.tsv -p recs.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: recs.tsv:1: expected header "item\tcategory\tcount\tscore", found "user\trank\titem\tscore"'
	assert_dir_only . items.tsv popular.tsv recs.tsv
}

@test "rec-blend: bad popular rows exit 65 with file, line and field" {
	printf 'item\tcategory\tcount\tscore\n1\t2\t3\t1\n1\t2\t2\t1\n' > p.tsv
	run rec-blend -i items.tsv -p p.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: p.tsv:3: field 1 (item): duplicate item: "1"'
	printf 'item\tcategory\tcount\tscore\n1\t2\t-3\t1\n' > p.tsv
	run rec-blend -i items.tsv -p p.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: p.tsv:2: field 3 (count): negative count: "-3"'
	printf 'item\tcategory\tcount\tscore\n1\tx\t3\t1\n' > p.tsv
	run rec-blend -i items.tsv -p p.tsv -o x.db
	assert_failure 65
	assert_output --partial 'p.tsv:2: field 2 (category)'
	printf 'item\tcategory\tcount\tscore\n1\t2\t3\n' > p.tsv
	run rec-blend -i items.tsv -p p.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: p.tsv:2: expected 4 fields, found 3'
	assert_dir_only . items.tsv popular.tsv recs.tsv p.tsv
}

@test "rec-blend: bad recs rows exit 65: ranks, grouping, numbers, repeats (the rules rec-eval's are)" {
	printf 'user\trank\titem\tscore\n1\t2\t5\t1\n' > r.tsv
	run rec-blend -i items.tsv -p popular.tsv -r r.tsv -o x.db
	assert_failure 65
	assert_output "rec-blend: r.tsv:2: field 2 (rank): expected rank 1 (the user's first row): \"2\""
	printf 'user\trank\titem\tscore\n1\t1\t5\t1\n1\t3\t5\t1\n' > r.tsv
	run rec-blend -i items.tsv -p popular.tsv -r r.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: r.tsv:3: field 2 (rank): expected rank 2: "3"'
	printf 'user\trank\titem\tscore\n1\t1\t5\t1\n2\t1\t5\t1\n1\t1\t6\t1\n' > r.tsv
	run rec-blend -i items.tsv -p popular.tsv -r r.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: r.tsv:4: user 1: rows not grouped by user (first seen at line 2)'
	printf 'user\trank\titem\tscore\n1\t1\t5\t1\n1\t2\t5\t1\n' > r.tsv
	run rec-blend -i items.tsv -p popular.tsv -r r.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: r.tsv:3: field 3 (item): item listed twice for the user: "5"'
	printf 'user\trank\titem\tscore\n1\t1\t5\tx\n' > r.tsv
	run rec-blend -i items.tsv -p popular.tsv -r r.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: r.tsv:2: field 4 (score): not a number: "x"'
	assert_dir_only . items.tsv popular.tsv recs.tsv r.tsv
}

@test "rec-blend: bad items rows exit 65" {
	printf 'item\tcategory\troot\tavailable\tts\n2\t1\t1\t1\t0\n1\t1\t1\t1\t0\n' > i.tsv
	run rec-blend -i i.tsv -p popular.tsv -o x.db
	assert_failure 65
	assert_output 'rec-blend: i.tsv:3: field 1 (item): items not sorted by id: "1"'
	assert_dir_only . items.tsv popular.tsv recs.tsv i.tsv
}

@test "rec-blend: an output that cannot be created exits 73" {
	run blend -o nodir/recs.db
	assert_failure 73
	assert_output --partial 'nodir/recs.db'
}

@test "rec-blend: a store rec-serve refuses: truncated, wrong kind" {
	blend -o recs.db
	head -c 1000 recs.db > cut.db
	run rec-serve cut.db <<< $'1\t1'
	assert_failure 65
	assert_output --partial 'cut.db: size 1000 bytes, header says'
	run rec-serve items.tsv <<< $'1\t1'
	assert_failure 65
	assert_output 'rec-serve: items.tsv: not a recsys-ecom container (bad magic)'
}

# The session rule.  sims.events gives (count, views weigh 1, support 1)
# the neighbours 101: 104 (2), 103 (1); 103: 101; 104: 101; 201: 202;
# 202: 201.  With --recent 2 and shares recent 0.4, similar 0.4, personal
# 0.2, a 5-item answer takes 2 recent, 2 similar, 1 personal, then fills.
#   user 7, last 201,101: recent 101 201; similar 104 (2) 103 (1) 202 (.5)
#     -> 104 103; personal 104 (taken) 501 -> 501.
#   user 999, last 101: recent 101; similar 104 103; no personal; the
#     online list 101 501 102 502 103 fills: 501 102.
#   user 999, no last item: the global list.
sims() {
	item-sim --score count --min-support 1 -w view=1 -o sims.bin \
	    "$FX/sims.events"
}

@test "rec-blend -s: the session rule, recent, similar, personal, fallback" {
	sims
	blend -s sims.bin -n 6 --recent 2 \
	    --shares recent=0.4,similar=0.4,personal=0.2 -o recs.db
	run rec-serve recs.db <<-'IN'
	7	5	201,101
	999	5	101
	999	3
	IN
	assert_success
	assert_output "$(printf '%s\n' '7	101,201,104,103,501' \
	    '999	101,104,103,501,102' '999	501,502,503')"
	run grep -a -o -E '(rule|recent_max|share_[a-z]*|similar)=.*' recs.db
	assert_output "$(printf '%s\n' rule=session recent_max=2 \
	    share_recent=0.4 share_similar=0.4 share_personal=0.2 similar=5)"
}

# Without neighbours the session rule (default shares: 2 of 5 recent)
# is recent, then personal, then the online list:
#   user 7, last 201,101: 101 201 | personal 104 501 301.
#   user 3, no last item: personal 202 203 | G 501 502 503.
# The seed rule gives 101,104,201,501,301 and 501,202,502,203,503.
@test "rec-blend --rule seed with neighbours is refused; session is the default, with or without neighbours" {
	sims
	run blend -s sims.bin --rule seed -o recs.db
	assert_failure 64
	assert_line --index 0 'rec-blend: -s: the seed rule does not use neighbours (--rule session)'
	blend -n 6 -o recs.db
	grep -a -q '^rule=session$' recs.db
	run rec-serve recs.db <<< $'7\t5\t201,101\n3\t5'
	assert_output "$(printf '%s\n' '7	101,201,104,501,301' '3	202,203,501,502,503')"
	original -n 6 -o seed.db
	grep -a -q '^rule=seed$' seed.db
	run rec-serve seed.db <<< $'7\t5\t201,101\n3\t5'
	assert_output "$(printf '%s\n' '7	101,104,201,501,301' '3	501,202,502,203,503')"
	blend -s sims.bin -n 6 -o sims.db
	grep -a -q '^rule=session$' sims.db
	run rec-serve sims.db <<< $'999\t3\t101'
	assert_output $'999\t101,104,103'
}

@test "rec-blend: bad --rule, --recent, --shares exit 64" {
	run blend --rule best -o x.db
	assert_failure 64
	assert_line --index 0 'rec-blend: --rule: "best": expected seed or session'
	run blend --recent 0 -o x.db
	assert_failure 64
	assert_line --index 0 'rec-blend: --recent: "0": out of range (1 to 16)'
	run blend --shares recent=0.6,similar=0.6 -o x.db
	assert_failure 64
	assert_line --index 0 'rec-blend: --shares: "recent=0.6,similar=0.6": the shares add up to more than 1'
	run blend --shares popular=0.1 -o x.db
	assert_failure 64
	assert_line --index 0 'rec-blend: --shares: unknown source "popular" (recent, similar or personal)'
	run blend --shares recent -o x.db
	assert_failure 64
	assert_line --index 0 'rec-blend: --shares: "recent": expected SOURCE=SHARE'
	[ ! -e x.db ]
}

@test "rec-blend: neighbours of other data, a corrupt or missing sims.bin exit 65/66 and leave nothing" {
	item-sim --min-support 1 -o other.bin "$FX/other.events"
	run blend -s other.bin -o x.db
	assert_failure 65
	assert_output 'rec-blend: other.bin: 2 of its 2 items are not in the catalogue snapshot: neighbours of other data?'
	sims
	head -c 300 sims.bin >cut.bin
	run blend -s cut.bin -o x.db
	assert_failure 65
	assert_output --partial 'cut.bin'
	run blend -s none.bin -o x.db
	assert_failure 66
	assert_output --partial 'none.bin'
	[ ! -e x.db ]
	[ -z "$(ls -a | grep '^\.x\.db')" ]
}
