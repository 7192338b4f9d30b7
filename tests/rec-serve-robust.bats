#!/usr/bin/env bats
# rec-serve under attack and damage (issue 14): connections past a worker's
# cap, damaged and truncated stores, failed writes, over-long lines, SIGTERM
# with requests in flight.  Each test failed before its fix.  Every client
# is on 127.0.0.1, with bounded counts and timeouts.

load test_helper
bats_require_minimum_version 1.5.0

FX="$BATS_TEST_DIRNAME/fixtures"
CROWD="$FX/rec-serve/crowd.py"

setup() {
	T="$BATS_TEST_TMPDIR"
	(cd "$FX/rec-blend" && SOURCE_DATE_EPOCH=1433116800 rec-blend \
	    --rule seed -i items.tsv -p popular.tsv -r recs.tsv -n 6 -c 2015-06-01 \
	    -o "$T/recs.db")
}

teardown() {
	if [ -f "$T/pid" ]; then
		kill "$(cat "$T/pid")" 2>/dev/null || true
		wait "$(cat "$T/pid")" 2>/dev/null || true
	fi
}

# start ARGS...: rec-serve -l 127.0.0.1:0 ARGS... $STORE (default
# $T/recs.db) in the background; sets PORT once it is ready.
start() {
	rec-serve -l 127.0.0.1:0 "$@" "${STORE:-$T/recs.db}" 2> "$T/log" &
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
		# (a seed store's neighbour sections are empty: no byte to flip)
		[ "$size" -gt 0 ] || continue
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
		[ "$size" -gt 0 ] || continue
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

@test "rec-serve: a store truncated under the mapping (cp over it): an error, then served again" {
	cp "$T/recs.db" "$T/good.db"
	start -w 1
	url="http://127.0.0.1:$PORT/recs?user_id=7"
	before=$(curl -s "$url")
	# What cp does to the live file: truncate, then write in place.
	truncate -s 4096 "$T/recs.db"
	run curl -s -w ' %{http_code}' "$url"
	assert_output '{"detail":"recommendation store unavailable"} 503'
	cp "$T/good.db" "$T/recs.db"
	sleep 0.05
	run curl -s -w ' %{http_code}' "$url"
	assert_output "$before 200"
	run cat "$T/log"
	assert_line "rec-serve: $T/recs.db: the store file shrank under its mapping (overwritten in place?); answered with an error, reopening"
	refute_output --partial 'killed by signal'
	[ "$(metric rec_serve_store_truncated_total)" = 1 ]
}

@test "rec-serve: a store truncated under a pipe's process: error lines, no crash" {
	cp "$T/recs.db" "$T/live.db"
	mkfifo "$T/in"
	rec-serve "$T/live.db" < "$T/in" > "$T/out" 2> "$T/err" &
	exec 7> "$T/in"
	printf '7\n' >&7
	sleep 0.2
	truncate -s 4096 "$T/live.db"
	printf '7\n3\n' >&7
	exec 7>&-
	wait $! && rc=0 || rc=$?
	[ "$rc" = 65 ]
	run cat "$T/out"
	assert_line --index 0 $'7\t501,104,502,503,301,504'
	assert_line --index 1 'error	line 2: recommendation store unavailable'
	assert_line --index 2 'error	line 3: recommendation store unavailable'
	run cat "$T/err"
	assert_line "rec-serve: $T/live.db: the store file shrank under its mapping (overwritten in place?); answered with an error, reopening"
}

@test "rec-serve: a failed write exits 74 naming the output and the reason" {
	run bash -c 'printf "7\n3\n" | rec-serve "$1" > /dev/full' sh "$T/recs.db"
	assert_failure 74
	assert_output 'rec-serve: stdout: write error: No space left on device'
	run bash -c 'printf "7\n3\n" | rec-serve -o /dev/full "$1"' sh "$T/recs.db"
	assert_failure 74
	assert_output 'rec-serve: /dev/full: write error: No space left on device'
	run rec-serve "$T/recs.db" < "$T"
	assert_failure 74
	assert_output 'rec-serve: stdin: read error: Is a directory'
}

# Lines of 65,536 bytes (the limit), 65,537, 81,915 and 200,000 bytes
# between short requests.
long_lines() {
	python3 -c '
import sys
w = sys.stdout.write
w("7\n" + "9" * 65536 + "\n3\n" + "1" * 65537 + "\n4\n" + "1" * 81915 +
  "\n3\n" + "5" * 200000 + "\n7")'
}

@test "rec-serve: one line limit from a file or a pipe; every line answered" {
	long_lines > "$T/long.tsv"
	want=$(printf '%s\n' '7	501,104,502,503,301,504' \
	    'error	line 2: field 1 (user_id): out of range: "9999999999999999999999999999999999999999999999999999999999999999"' \
	    '3	501,202,502,203,503,504' \
	    'error	line 4: line longer than 65536 bytes' \
	    '4	501,502,503,504,505,101' \
	    'error	line 6: line longer than 65536 bytes' \
	    '3	501,202,502,203,503,504' \
	    'error	line 8: line longer than 65536 bytes' \
	    '7	501,104,502,503,301,504')
	run --separate-stderr rec-serve "$T/recs.db" < "$T/long.tsv"
	assert_failure 65
	assert_output "$want"
	run --separate-stderr bash -c 'cat "$1" | rec-serve "$2"' sh "$T/long.tsv" "$T/recs.db"
	assert_failure 65
	assert_output "$want"
}

@test "rec-serve: SIGTERM answers the request in flight, then exits at once" {
	start -w 1 -t 5
	# One idle keep-alive connection, one request half sent.
	python3 - "$PORT" > "$T/client" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
idle = socket.create_connection(("127.0.0.1", port), timeout=5)
idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
idle.recv(4096)
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(b"GET /recs?user_id=7 HTTP/1.1\r\nHost: x\r\n")
print("sent", flush=True)
time.sleep(0.5)
s.sendall(b"\r\n")
b = b""
while True:
    c = s.recv(4096)
    if not c:
        break
    b += c
print(b.split(b"\r\n")[0].decode())
print(b.split(b"\r\n\r\n", 1)[1].decode())
PY
	client=$!
	for _ in $(seq 50); do grep -q sent "$T/client" && break; sleep 0.05; done
	t0=$(date +%s%N)
	kill -TERM "$(cat "$T/pid")"
	wait "$(cat "$T/pid")"
	t1=$(date +%s%N)
	wait "$client"
	run cat "$T/client"
	assert_line --index 1 'HTTP/1.1 200 OK'
	assert_line --index 2 '{"recs":[501,104,502,503,301,504]}'
	# Exits once it is answered (0.5 s), not at the bound (-t 5 s).
	[ $(( (t1 - t0) / 1000000 )) -lt 2500 ]
	rm -f "$T/pid"
}

@test "rec-serve: SIGTERM with only idle connections exits within a second" {
	start -w 2
	python3 "$CROWD" "$PORT" 20 0 > /dev/null &
	sleep 0.5
	t0=$(date +%s%N)
	kill -TERM "$(cat "$T/pid")"
	wait "$(cat "$T/pid")"
	t1=$(date +%s%N)
	rm -f "$T/pid"
	[ $(( (t1 - t0) / 1000000 )) -lt 1000 ]
	wait
}

@test "rec-serve: -u drops root after binding; workers are sandboxed (seccomp, no new privileges)" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	id nobody > /dev/null 2>&1 || skip "no user nobody"
	# A directory the user can reach (the test's own is root's only).
	U=$(mktemp -d /tmp/rec-serve-u.XXXXXX)
	chmod 755 "$U"
	cp "$T/recs.db" "$U/recs.db"
	STORE=$U/recs.db start -w 2 -u nobody
	run curl -s "http://127.0.0.1:$PORT/recs?user_id=7"
	assert_output '{"recs":[501,104,502,503,301,504]}'
	master=$(cat "$T/pid")
	[ "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$master/status")" = 65534655346553465534 ]
	for w in $(pgrep -P "$master"); do
		[ "$(awk '/^Uid:/ { print $3 }' "/proc/$w/status")" = 65534 ]
		grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$w/status"
		grep -q '^Seccomp:[[:space:]]*2$' "/proc/$w/status"
	done
	# A store swapped in (rename in its directory) is reopened by the
	# sandboxed worker: a store with lists of 2, not 6.
	(cd "$FX/rec-blend" && rec-blend --rule seed -i items.tsv -p popular.tsv \
	    -r recs.tsv -n 2 -o "$U/new.db")
	chmod 644 "$U/new.db"
	mv "$U/new.db" "$U/recs.db"
	sleep 0.05
	run curl -s "http://127.0.0.1:$PORT/recs?user_id=7"
	assert_output '{"recs":[501,104]}'
	run cat "$T/log"
	refute_output --partial 'sandbox'
	refute_output --partial 'keeping the store'
	rm -rf "$U"
}

@test "rec-serve: an inetd process is sandboxed: a store outside the allowed directories is refused" {
	# The store path is a symlink in $T/link to $T/a/recs.db; the
	# process may read beneath those two directories (and /proc) only.
	mkdir "$T/a" "$T/b" "$T/link"
	cp "$T/recs.db" "$T/a/recs.db"
	(cd "$FX/rec-blend" && rec-blend --rule seed -i items.tsv -p popular.tsv \
	    -r recs.tsv -n 2 -o "$T/a/two.db" && rec-blend --rule seed -i items.tsv \
	    -p popular.tsv -r recs.tsv -n 3 -o "$T/b/three.db")
	ln -s "$T/a/recs.db" "$T/link/recs.db"
	# One connection on a socket as inetd gives it: a request, the link
	# switched within $T/a (followed), a request, the link switched to
	# $T/b (refused: the old store kept, not lists of 3), a request,
	# then the process's NoNewPrivs.  (Exec and TCP refused under
	# SANDBOX_LIGHT: tests/unit/test_sandbox.c.)
	run timeout 20 python3 - "$(command -v rec-serve)" "$T" <<'PY'
import os, socket, subprocess, sys, time
exe, t = sys.argv[1], sys.argv[2]
a, b = socket.socketpair()
p = subprocess.Popen([exe, t + "/link/recs.db"], stdin=b, stdout=b,
    stderr=open(t + "/log", "w"))
b.close()
def ask(close=False):
    time.sleep(0.02)
    a.sendall(b"GET /recs?user_id=7 HTTP/1.1\r\nHost: x\r\n" +
              (b"Connection: close\r\n" if close else b"") + b"\r\n")
    got = b""
    while not got.endswith(b"]}"):
        got += a.recv(4096)
    print(got.split(b"\r\n\r\n", 1)[1].decode())
def relink(target):
    os.symlink(target, t + "/link/new")
    os.replace(t + "/link/new", t + "/link/recs.db")
ask()
relink(t + "/a/two.db")
ask()
relink(t + "/b/three.db")
ask()
status = open("/proc/%d/status" % p.pid).read()
print([l for l in status.splitlines() if l.startswith("NoNewPrivs")][0])
ask(close=True)
print("exit", p.wait())
PY
	assert_success
	assert_line --index 0 '{"recs":[501,104,502,503,301,504]}'
	assert_line --index 1 '{"recs":[501,104]}'
	assert_line --index 2 '{"recs":[501,104]}'
	assert_line --index 3 --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --index 4 '{"recs":[501,104]}'
	assert_line --index 5 'exit 0'
	run cat "$T/log"
	assert_output "rec-serve: $T/link/recs.db: Permission denied; keeping the store in use"
}

@test "rec-serve: -u errors: without -l 64, an unknown user 67, not root 64" {
	run rec-serve -u nobody "$T/recs.db"
	assert_failure 64
	assert_output --partial 'rec-serve: -u needs -l'
	run rec-serve -l 127.0.0.1:0 -u no-such-user-rs "$T/recs.db"
	assert_failure 67
	assert_output 'rec-serve: -u: no-such-user-rs: no such user'
	if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
		U=$(mktemp -d /tmp/rec-serve-u.XXXXXX)
		chmod 755 "$U"
		cp "$T/recs.db" "$U/recs.db"
		run setpriv --reuid=65534 --regid=65534 --clear-groups \
		    rec-serve -l 127.0.0.1:0 -u nobody "$U/recs.db"
		rm -rf "$U"
		assert_failure 64
		assert_output 'rec-serve: -u: only root can change user'
	fi
}

# The adversarial HTTP corpus (tests/fuzz/corpus/http, STATUS_name.http,
# also the seeds of fuzz_http): each file on its own connection must get
# STATUS first.  rec-serve.bats runs it against --listen and on standard
# input (the inetd path); here -w 0 (a process per connection) and
# delivery one byte at a time.
CORPUS="$BATS_TEST_DIRNAME/fuzz/corpus/http"
RAW="$FX/rec-serve/raw.py"

check_corpus() {
	local bad=0 n=0 f name want
	while IFS="$(printf '\t')" read -r name got; do
		want=${name%%_*}
		n=$((n + 1))
		case $got in
		"HTTP/1.1 $want "*) ;;
		*) echo "$name: want $want, got '$got'"; bad=1 ;;
		esac
	done < "$1"
	[ "$n" -ge 120 ] || { echo "only $n requests"; bad=1; }
	return $bad
}

@test "rec-serve: the HTTP corpus (>= 120 requests), a process per connection (-w 0)" {
	start -w 0 -t 2
	timeout 120 python3 "$RAW" "$PORT" "$CORPUS"/*.http > "$T/answers"
	check_corpus "$T/answers"
	run curl -s "http://127.0.0.1:$PORT/"
	assert_output '"Service appears to be up and running."'
}

@test "rec-serve: the HTTP corpus delivered one byte at a time gets the same statuses" {
	start -w 1 -t 5
	timeout 300 python3 - "$PORT" "$CORPUS"/*.http > "$T/answers" <<'PY'
import os, select, socket, sys
port = int(sys.argv[1])
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    out = b""
    def interim(buf):
        # A "100 Continue" is an interim answer: drop it, keep going.
        while buf.startswith(b"HTTP/1.1 100 ") and b"\r\n\r\n" in buf:
            buf = buf.split(b"\r\n\r\n", 1)[1]
        return buf
    try:
        for i in range(len(data)):
            # The server may answer (an error) before the end: stop
            # sending then and read it, unless what came is a whole
            # interim 100 Continue (its timing is the scheduler's).
            if select.select([s], [], [], 0)[0]:
                out = interim(out + s.recv(4096))
                if out:
                    break
            s.send(data[i:i + 1])
            if len(data) > 4096 and i >= 256:   # big ones: the rest at once
                s.sendall(data[i + 1:])
                break
        else:
            s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    try:
        while b"\r\n" not in interim(out) or interim(out).startswith(b"HTTP/1.1 100 "):
            b = s.recv(4096)
            if not b:
                break
            out += b
        out = interim(out)
    except OSError:
        pass
    s.close()
    line = out.split(b"\r\n")[0].decode("latin-1") if out else "-"
    print(os.path.basename(path) + "\t" + line)
PY
	check_corpus "$T/answers"
}
