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
