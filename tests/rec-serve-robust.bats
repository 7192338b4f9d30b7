#!/usr/bin/env bats
# rec-serve under attack and damage (issue 14): connections past a worker's
# cap, damaged and truncated stores, failed writes, over-long lines, SIGTERM
# with requests in flight.  Each test failed before its fix.  Every client
# is on 127.0.0.1, with bounded counts and timeouts.

load test_helper

FX="$BATS_TEST_DIRNAME/fixtures"
CROWD="$FX/rec-serve/crowd.py"

setup() {
	T="$BATS_TEST_TMPDIR"
	(cd "$FX/rec-blend" && SOURCE_DATE_EPOCH=1433116800 rec-blend \
	    -i items.tsv -p popular.tsv -r recs.tsv -n 6 -c 2015-06-01 \
	    -o "$T/recs.db")
}

teardown() {
	if [ -f "$T/pid" ]; then
		kill "$(cat "$T/pid")" 2>/dev/null || true
		wait "$(cat "$T/pid")" 2>/dev/null || true
	fi
}

# start ARGS...: rec-serve -l 127.0.0.1:0 ARGS... $T/recs.db in the
# background; sets PORT once it is ready.
start() {
	rec-serve -l 127.0.0.1:0 "$@" "$T/recs.db" 2> "$T/log" &
	echo $! > "$T/pid"
	for _ in $(seq 50); do
		grep -q 'ready to serve' "$T/log" && break
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\),.*/\1/p' "$T/log")
	[ -n "$PORT" ]
}

metric() {
	curl -s "http://127.0.0.1:$PORT/metrics" | sed -n "s/^$1 //p"
}

@test "rec-serve: idle connections past one worker's cap: new clients still get 200" {
	start -w 2 -c 20 -i 30
	# 30 idle connections: more than one worker holds, fewer than two.
	run python3 "$CROWD" "$PORT" 30 5
	assert_success
	assert_output $'200\n200\n200\n200\n200\n'"closed 0"
	[ "$(metric rec_serve_evictions_total)" = 0 ]
}

@test "rec-serve: every worker full: the oldest idle connections make room" {
	start -w 2 -c 20 -i 30
	# 45 idle connections, past both caps (2 x 20): each one past 40
	# and each new client closes an idle one instead of being refused.
	run python3 "$CROWD" "$PORT" 45 5
	assert_success
	assert_output --partial $'200\n200\n200\n200\n200\n'"closed "
	closed=${output##*closed }
	[ "$closed" -ge 5 ] && [ "$closed" -le 10 ]
	[ "$(metric rec_serve_evictions_total)" -ge 5 ]
	[ "$(metric rec_serve_refused_total)" = 0 ]
}

@test "rec-serve: one worker (-w 1) at its cap evicts too" {
	start -w 1 -c 10 -i 30
	run python3 "$CROWD" "$PORT" 12 3
	assert_success
	assert_output --partial $'200\n200\n200\n'"closed "
}

FLIP="$FX/rec-serve/flip.py"

# The line-protocol queries that read every part of the fixture store:
# personal, cold, each category through a last item, an unknown item.
queries() {
	printf '7\n3\n4\n4\t6\t101\n4\t6\t201\n4\t6\t301\n4\t6\t401\n4\t6\t501\n4\t6\t999\n7\t6\t101,501\n'
}

@test "rec-serve: a flipped byte in any section never gives a wrong answer (per-request checks)" {
	queries > "$T/q"
	rec-serve "$T/recs.db" < "$T/q" > "$T/golden"
	detected=0 cases=0
	while read -r sec size; do
		for where in first middle last; do
			python3 "$FLIP" "$T/recs.db" "$T/bad.db" "$sec" "$where"
			cases=$((cases + 1))
			run rec-serve "$T/bad.db" < "$T/q"
			if ! printf '%s\n' "$output" | grep -qv '^rec-serve: '; then
				# Refused at open (a check of the header or of
				# the index ends): no answer at all.
				assert_failure 65
				assert_output --partial "rec-serve: $T/bad.db: "
				detected=$((detected + 1))
				continue
			fi
			# Every line is the undamaged answer or an error line.
			paste "$T/golden" <(printf '%s\n' "$output" | grep -v '^rec-serve: ') |
			    awk -F'\t' -v c="$sec/$where" '
				$3 == "error" { if ($4 !~ /^line [0-9]+: recommendation store damaged$/) { print c ": " $0; bad = 1 } next }
				$1 "\t" $2 != $3 "\t" $4 { print c ": wrong answer: " $0; bad = 1 }
				END { exit bad }'
			if printf '%s\n' "$output" | grep -q '^error'; then
				assert_failure 65
				# A damaged block_crc entry names the section it
				# covers.
				name=$sec
				[ "$sec" != block_crc ] || name='[a-z_]+'
				assert_output --regexp "rec-serve: $T/bad.db: section \"$name\" block [0-9]+: checksum mismatch \(damaged store\); answered with an error"
				detected=$((detected + 1))
			else
				assert_success
			fi
		done
	done < <(python3 "$FLIP" "$T/recs.db" --list)
	echo "detected $detected of $cases" >&3
	# Every section that a query reads is caught at its first byte at
	# least; only cat_id (never read to answer) and blocks no query reads
	# go unnoticed, harmlessly.
	[ "$detected" -ge 24 ]
}

@test "rec-serve: a damaged part answers HTTP 503 on the per-connection path" {
	python3 "$FLIP" "$T/recs.db" "$T/bad.db" global first
	run rec-serve "$T/bad.db" < <(printf 'GET /recs?user_id=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
	assert_success
	assert_line --index 0 --partial 'section "global" block 0: checksum mismatch'
	assert_line $'HTTP/1.1 503 Service Unavailable\r'
	assert_line --partial '{"detail":"recommendation store damaged"}'
}

@test "rec-serve: --listen verifies the whole store at start: any flipped byte is refused" {
	while read -r sec size; do
		python3 "$FLIP" "$T/recs.db" "$T/bad.db" "$sec" middle
		run rec-serve -l 127.0.0.1:0 -w 1 "$T/bad.db"
		assert_failure 65
		assert_output "rec-serve: $T/bad.db: section \"$sec\": checksum mismatch (corrupt)"
	done < <(python3 "$FLIP" "$T/recs.db" --list)
}

@test "rec-serve: --listen keeps the old store when a damaged one is swapped in" {
	cp "$T/recs.db" "$T/live.db"
	mv "$T/live.db" "$T/recs.db.tmp"
	cp "$T/recs.db" "$T/good.db"
	start -w 2
	before=$(curl -s "http://127.0.0.1:$PORT/recs?user_id=7")
	python3 "$FLIP" "$T/good.db" "$T/bad.db" user_rec first
	mv "$T/bad.db" "$T/recs.db"
	for _ in 1 2 3 4 5 6; do
		run curl -s -w ' %{http_code}' "http://127.0.0.1:$PORT/recs?user_id=7"
		assert_output "$before 200"
	done
	run cat "$T/log"
	assert_line --regexp "section \"user_rec\": checksum mismatch \(corrupt\); keeping the store in use$"
	[ "$(metric rec_serve_store_rejected_total)" -ge 1 ]
	# A good store swapped in after it is taken.
	python3 "$FLIP" "$T/good.db" --list > /dev/null
	cp "$T/good.db" "$T/new.db" && mv "$T/new.db" "$T/recs.db"
	sleep 0.1
	run curl -s -w ' %{http_code}' "http://127.0.0.1:$PORT/recs?user_id=7"
	assert_output "$before 200"
}
