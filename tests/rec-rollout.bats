#!/usr/bin/env bats
# rec-rollout and the sample HAProxy configuration (scripts/serve/): two
# rec-serve replicas behind HAProxy on 127.0.0.1, bounded load through it
# while the store is rolled out twice, zero failed requests.  Skipped
# without haproxy.  Stores: rec-blend --rule seed of the fixtures at -n 6 (A) and -n 3
# (B), so that n_recs=5 tells them apart (B refuses it with 422).

load test_helper

FX="$BATS_TEST_DIRNAME/fixtures"
ROLLOUT="$TOP/scripts/serve/rec-rollout"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_up() {      # URL: 200 within 5 s
	for _ in $(seq 50); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}

setup() {
	command -v haproxy >/dev/null || skip "haproxy not installed"
	T=$BATS_TEST_TMPDIR
	for n in 6 3; do
		(cd "$FX/rec-blend" && SOURCE_DATE_EPOCH=1433116800 rec-blend \
		    --rule seed -i items.tsv -p popular.tsv -r recs.tsv -n $n -c 2015-06-01 \
		    -o "$T/n$n.db")
	done
	cp "$T/n6.db" "$T/r1.db"
	cp "$T/n6.db" "$T/r2.db"
	P1=$(free_port) P2=$(free_port)
	export RS_FRONT=127.0.0.1:$(free_port) RS_ADMIN=127.0.0.1:$(free_port)
	export RS_R1=127.0.0.1:$P1 RS_R2=127.0.0.1:$P2
	rec-serve -l "$RS_R1" -w 1 "$T/r1.db" 2>"$T/r1.log" &
	echo $! >"$T/pids"
	rec-serve -l "$RS_R2" -w 1 "$T/r2.db" 2>"$T/r2.log" &
	echo $! >>"$T/pids"
	haproxy -db -f "$TOP/scripts/serve/haproxy.cfg" >"$T/haproxy.log" 2>&1 &
	echo $! >>"$T/pids"
	wait_up "http://$RS_R1/"
	wait_up "http://$RS_R2/"
	wait_up "http://$RS_FRONT/"
	# both servers up in HAProxy (rise 2 x 500 ms)
	for _ in $(seq 50); do
		[ "$(admin "show stat" | grep -c '^rec-serve,r[12],.*,UP,')" = 2 ] && break
		sleep 0.1
	done
}

teardown() {
	[ -f "$BATS_TEST_TMPDIR/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/pids"
}

admin() {
	exec 3<>"/dev/tcp/${RS_ADMIN%:*}/${RS_ADMIN##*:}"
	printf '%s\n' "$1" >&3
	cat <&3
	exec 3<&-
}

@test "rec-rollout --help prints its usage; bad usage exits 64" {
	run "$ROLLOUT" --help
	assert_success
	assert_line --index 0 "usage: rec-rollout [-v] [-a ADDR:PORT] [-b BACKEND] [-w SECONDS] NEW.db SERVER=STORE ..."
	grep -q '^\.Nm rec-rollout' "$TOP/man/rec-rollout.8"
	run "$ROLLOUT" "$T/n3.db"
	assert_failure 64
	assert_line --index 0 "rec-rollout: expected NEW.db and at least one SERVER=STORE"
	run "$ROLLOUT" "$T/n3.db" r1
	assert_failure 64
	assert_line --index 0 'rec-rollout: not SERVER=STORE: "r1"'
	run "$ROLLOUT" -w 0 "$T/n3.db" r1=x
	assert_failure 64
	assert_line --index 0 'rec-rollout: -w: not a positive number: "0"'
	run "$ROLLOUT" -a localhost "$T/n3.db" r1=x
	assert_failure 64
	assert_line --index 0 'rec-rollout: -a: not ADDR:PORT: "localhost"'
}

@test "two rolling updates under load through HAProxy: zero failed requests" {
	url="http://$RS_FRONT/recs?user_id=7&n_recs=2"
	[ "$(curl -s "$url")" = '{"recs":[501,104]}' ]
	wrk -t 1 -c 4 -d 5s --timeout 2s "$url" >"$T/wrk.out" 2>&1 &
	wrk_pid=$!
	sleep 1
	"$ROLLOUT" -v -a "$RS_ADMIN" "$T/n3.db" r1="$T/r1.db" r2="$T/r2.db" 2>"$T/roll1.log"
	# both replicas now serve B: n_recs=5 is over its list length
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$RS_R1/recs?user_id=7&n_recs=5")" = 422 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$RS_R2/recs?user_id=7&n_recs=5")" = 422 ]
	sleep 1
	"$ROLLOUT" -a "$RS_ADMIN" "$T/n6.db" r1="$T/r1.db" r2="$T/r2.db"
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$RS_FRONT/recs?user_id=7&n_recs=5")" = 200 ]
	wait "$wrk_pid"
	cat "$T/wrk.out"
	run grep -c 'drain$' "$T/roll1.log"
	assert_output 2
	# wrk counts non-2xx answers and socket errors (connect, read, write,
	# timeout) only when there are some
	! grep -q 'Non-2xx' "$T/wrk.out"
	! grep -q 'Socket errors' "$T/wrk.out"
	requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$T/wrk.out")
	[ "$requests" -gt 100 ]
	# and HAProxy saw no error either: no 5xx sent, no failed connection
	# or answer from a replica
	admin "show stat" | awk -F, 'NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) c[$i] = i; next }
	    $1 == "recs" || $1 == "rec-serve" {
	        if ($c["hrsp_5xx"] + 0 || $c["econ"] + 0 || $c["eresp"] + 0) { print; bad = 1 } }
	    END { exit bad }'
}

@test "a bad store is refused before any replica is touched (65)" {
	printf 'junk' >"$T/bad.db"
	run "$ROLLOUT" -a "$RS_ADMIN" "$T/bad.db" r1="$T/r1.db"
	assert_failure 65
	assert_output --regexp '^rec-rollout: .*bad.db: too short for a container'
	cmp "$T/n6.db" "$T/r1.db"
	run "$ROLLOUT" -a "$RS_ADMIN" "$T/none.db" r1="$T/r1.db"
	assert_failure 66
	assert_output "rec-rollout: $T/none.db: cannot be read"
}

@test "an unknown server, a missing store, no HAProxy: 69, 66, 69" {
	run "$ROLLOUT" -a "$RS_ADMIN" "$T/n3.db" r9="$T/r1.db"
	assert_failure 69
	assert_output "rec-rollout: rec-serve/r9: no such server in HAProxy"
	run "$ROLLOUT" -a "$RS_ADMIN" "$T/n3.db" r1="$T/nothere.db"
	assert_failure 66
	assert_output "rec-rollout: $T/nothere.db: no such store (of r1)"
	run "$ROLLOUT" -a "127.0.0.1:$(free_port)" "$T/n3.db" r1="$T/r1.db"
	assert_failure 69
	assert_output --regexp '^rec-rollout: 127.0.0.1:[0-9]+: cannot reach HAProxy.s admin socket$'
}
