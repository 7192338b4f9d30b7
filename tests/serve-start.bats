#!/usr/bin/env bats
# scripts/serve-start, which scripts/demo.sh uses to start rec-serve: it
# waits for OUR server's readiness, and when the port is held by another
# program (one that even answers HTTP) it shows rec-serve's own error and
# fails, instead of talking to the other program.

load test_helper

setup() {
	T="$BATS_TEST_TMPDIR"
	(cd "$FIXTURES/rec-blend" && rec-blend --rule seed -i items.tsv -p popular.tsv \
	    -r recs.tsv -n 6 -o "$T/recs.db")
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
}

teardown() {
	[ -z "${HOLDER:-}" ] || kill "$HOLDER" 2>/dev/null || :
	[ -z "${SERVER:-}" ] || kill "$SERVER" 2>/dev/null || :
}

@test "serve-start: our server ready, its pid printed, it answers" {
	run "$TOP/scripts/serve-start" -b "$RS_BIN" "$PORT" "$T/recs.db" "$T/log"
	assert_success
	SERVER=$output
	kill -0 "$SERVER"
	run curl -s -d '{"user_id": 7, "n_recs": 2}' "http://127.0.0.1:$PORT/recs"
	assert_output '{"recs":[501,104]}'
}

@test "serve-start: a port held by another server is an error, with rec-serve's message" {
	(cd "$T" && exec python3 -m http.server --bind 127.0.0.1 "$PORT") \
	    >/dev/null 2>&1 3>&- &
	HOLDER=$!
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
		sleep 0.1
	done
	run "$TOP/scripts/serve-start" -b "$RS_BIN" "$PORT" "$T/recs.db" "$T/log"
	assert_failure 1
	assert_line --index 0 "serve-start: rec-serve did not start on 127.0.0.1:$PORT:"
	assert_line --index 1 "  rec-serve: -l: 127.0.0.1:$PORT: Address already in use"
	assert_line --index 2 "serve-start: another program holds port $PORT; choose another port"
	# The other server is untouched.
	kill -0 "$HOLDER"
}

@test "serve-start: a store that cannot be loaded, usage errors" {
	run "$TOP/scripts/serve-start" -b "$RS_BIN" "$PORT" "$T/none.db" "$T/log"
	assert_failure 1
	assert_line --index 1 "  rec-serve: $T/none.db: No such file or directory"
	run "$TOP/scripts/serve-start" -b "$RS_BIN" 80x "$T/recs.db" "$T/log"
	assert_failure 64
	assert_output 'serve-start: not a port number: "80x"'
	run "$TOP/scripts/serve-start" "$PORT"
	assert_failure 64
	assert_output 'usage: serve-start [-b BINDIR] PORT STORE LOG'
}

@test "demo.sh: a bad port is refused before anything runs" {
	run "$TOP/scripts/demo.sh" 80x
	assert_failure 64
	assert_output 'demo: not a port number: "80x"'
}
