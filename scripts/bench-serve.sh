#!/bin/sh
# bench-serve.sh: rec-serve under wrk on 127.0.0.1, bounded, printed as
# figures and as ratios against (a) the original FastAPI service's figures
# (../shared/bench/README.md) and (b) an anchor measured in this same run:
# GET / (the health endpoint, HTTP machinery only) of the same server.
#
# A synthetic store of production shape is built first: BENCH_USERS users
# with 50 personal items (default 200,000; the original had 1.2M, which
# only deepens a binary search by 3 steps), 417,000 items in 1,100
# categories, 12,000 popular items.  Then, each for BENCH_SECONDS (5):
#   --listen, keep-alive, POST /recs at 1, 8 and 64 connections;
#   the per-connection (inetd-style) path: tcpserver, a rec-serve process
#   per connection, Connection: close, 8 connections;
#   the line protocol on a pipe;
#   the inetd path's CPU per request against the pre-hardening binary
#   (section at the end).
# Both blend rules on the same data: the store above is built twice, with
# the original service's rule (rec-blend --rule seed) and with the session
# rule over item-sim neighbours of synthetic sessions (100,000 items with
# neighbours; the requests' last items are among them, so that every one
# takes the neighbour path).  The same POST /recs bodies go to a server of
# each store, alternately, twice each at 8 connections; the ratios of
# their requests per second and of their server CPU per request are the
# session rule's cost (target: >= 0.8x the seed rule's throughput, p99
# under 1 ms).
# Server CPU per request is read from /proc (the workers' utime+stime; for
# tcpserver its reaped children's cutime+cstime).  Everything runs under
# nice; nothing leaves 127.0.0.1; the temporary directory is removed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin="${RS_BIN:-$top/bin}"
secs=${BENCH_SECONDS:-5}
users=${BENCH_USERS:-200000}
ncpu=$(nproc)
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-serve.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

for t in wrk tcpserver python3; do
	command -v "$t" >/dev/null || { echo "bench-serve: $t missing" >&2; exit 1; }
done

# ---- the store ----
t0=$(date +%s.%N)
awk -v n=417000 'BEGIN {
	srand(7); print "item\tcategory\troot\tavailable\tts"
	for (i = 1; i <= n; i++)
		printf "%d\t%d\t%d\t1\t1433000000000\n", i, 1 + (i * 7919) % 1100, 1 + (i % 25)
}' > "$work/items.tsv"
awk 'BEGIN {
	srand(11); print "item\tcategory\tcount\tscore"
	for (r = 1; r <= 12000; r++) {
		i = 1 + (r * 104729) % 417000
		c = int(1000 / r) + 1
		printf "%d\t%d\t%d\t%.6f\n", i, 1 + (i * 7919) % 1100, c, c / 1001
	}
}' > "$work/popular.tsv"
awk -v u="$users" 'BEGIN {
	srand(13); print "user\trank\titem\tscore"
	for (k = 1; k <= u; k++) {
		user = k * 7
		# 50 distinct items per user (recs TSV refuses repeats).
		base = int(rand() * 417000)
		for (r = 1; r <= 50; r++)
			printf "%d\t%d\t%d\t%.4f\n", user, r, 1 + (base + r * 7919) % 417000, 1 - r / 100
	}
}' > "$work/recs.tsv"
t1=$(date +%s.%N)
nice "$bin/rec-blend" --rule seed -i "$work/items.tsv" -p "$work/popular.tsv" \
    -r "$work/recs.tsv" -o "$work/recs.db"
t2=$(date +%s.%N)
# Sessions for the neighbours: 125,000 visitors, each viewing 8 items of a
# "product line" (within 10 ids of a start among items 1 to 100,000).
awk 'BEGIN {
	srand(23); print "ts\tuser\tevent\titem\ttxn"
	for (v = 1; v <= 125000; v++) {
		base = 1 + int(rand() * 100000)
		for (j = 0; j < 8; j++) {
			it = base + int(rand() * 21) - 10
			if (it < 1) it = 1
			if (it > 100000) it = 100000
			printf "%d\t%d\tview\t%d\t\n", 1433000000000 + v * 10000000 + j * 60000, v, it
		}
	}
}' > "$work/sessions.tsv"
t3=$(date +%s.%N)
nice "$bin/item-sim" -o "$work/sims.bin" "$work/sessions.tsv"
t4=$(date +%s.%N)
nice "$bin/rec-blend" --rule session -s "$work/sims.bin" -i "$work/items.tsv" \
    -p "$work/popular.tsv" -r "$work/recs.tsv" -o "$work/session.db"
t5=$(date +%s.%N)
rm -f "$work/recs.tsv" "$work/sessions.tsv"
printf 'store: %d users x 50, 417000 items, 12000 popular: %s MB, rec-blend %.1f s (data generated in %.1f s)\n' \
    "$users" "$(( $(stat -c %s "$work/recs.db") / 1048576 ))" \
    "$(echo "$t2 - $t1" | bc)" "$(echo "$t1 - $t0" | bc)"
printf 'session rule store: the same + %s items with neighbours: %s MB, item-sim %.1f s, rec-blend %.1f s\n' \
    "$(strings "$work/session.db" | sed -n 's/^similar=//p')" \
    "$(( $(stat -c %s "$work/session.db") / 1048576 ))" \
    "$(echo "$t4 - $t3" | bc)" "$(echo "$t5 - $t4" | bc)"

# Request bodies: a third with personal lists, a third cold, a third with
# 1 to 3 last items; wrk cycles through 1000 of them.
awk -v u="$users" 'BEGIN {
	srand(17); printf "local bodies = {\n"
	for (k = 0; k < 1000; k++) {
		kind = k % 3
		user = kind == 0 ? 7 * (1 + int(rand() * u)) : 7 * u + 1 + k
		last = ""
		# Last items among those with neighbours (1 to 100,000).
		if (kind == 2)
			for (j = 0; j <= k % 3; j++)
				last = last (j ? ", " : "") (1 + int(rand() * 100000))
		printf "  [[{\"user_id\": %d, \"n_recs\": 10, \"last_items\": [%s]}]],\n", user, last
	}
	printf "}\nlocal i = 0\nwrk.method = \"POST\"\n"
	printf "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
	# Format the requests once per wrk thread: formatting one per request
	# costs wrk, which shares the 2 CPUs with the server, more than the
	# server spends answering it.
	printf "local reqs = {}\n"
	printf "init = function(args)\n  for k, b in ipairs(bodies) do\n"
	printf "    reqs[k] = wrk.format(nil, \"/recs\", nil, b)\n  end\nend\n"
	printf "request = function()\n  i = i %% #reqs + 1\n"
	printf "  return reqs[i]\nend\n"
}' > "$work/post.lua"

# ---- helpers ----
# CPU ticks (utime+stime, and with "c" the reaped children's) of pids.
ticks() {
	mode=$1; shift
	for p in "$@"; do
		awk -v m="$mode" '{ print (m == "c" ? $16 + $17 : $14 + $15) }' "/proc/$p/stat" 2>/dev/null || echo 0
	done | awk '{ s += $1 } END { print s + 0 }'
}
hz=$(getconf CLK_TCK)
# Latency field of wrk --latency ("50%" or "99%") in milliseconds.
lat_ms() {
	awk -v q="$1" '$1 == q {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : 60000
		printf "%.3f", v * f }' "$2"
}
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
reqs() { awk '/requests in/ { print $1 }' "$1"; }
errs() { grep -E 'Non-2xx|Socket errors' "$1" | tr -s ' ' | tr '\n' ';' || true; }

# run NAME CONNS CPU_MODE PIDS... -- wrk args: prints one result line.
run() {
	name=$1 conns=$2 mode=$3; shift 3
	pl=""
	while [ "$1" != -- ]; do pl="$pl $1"; shift; done
	shift
	thr=$(( conns < ncpu ? conns : ncpu ))
	# shellcheck disable=SC2086
	a=$(ticks "$mode" $pl)
	nice wrk -t "$thr" -c "$conns" -d "${secs}s" --latency "$@" > "$work/wrk.out"
	# shellcheck disable=SC2086
	b=$(ticks "$mode" $pl)
	n=$(reqs "$work/wrk.out")
	cpu_us=$(echo "($b - $a) * 1000000 / $hz / $n" | bc -l)
	printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n' "$name" "$conns" \
	    "$(rps "$work/wrk.out")" "$(lat_ms 50% "$work/wrk.out")" \
	    "$(lat_ms 99% "$work/wrk.out")" "$cpu_us" "$(errs "$work/wrk.out")"
}

# serve NAME STORE: rec-serve --listen on STORE, ready and warmed up; sets
# master, workers and url.
serve() {
	nice "$bin/rec-serve" -l 127.0.0.1:0 -w "$ncpu" -m "$work/metrics-$1" \
	    "$2" 2> "$work/serve-$1.log" &
	master=$!
	pids="$pids $master"
	for _ in $(seq 50); do grep -qs 'ready to serve' "$work/serve-$1.log" && break; sleep 0.1; done
	port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\),.*/\1/p' "$work/serve-$1.log")
	workers=$(pgrep -P "$master" | tr '\n' ' ')
	url="http://127.0.0.1:$port"
	curl -s -o /dev/null -d '{"user_id": 7}' "$url/recs"
}

# ---- --listen, keep-alive ----
serve seed "$work/recs.db"

res="$work/results"
: > "$res"
# shellcheck disable=SC2086
run "GET / (same-run anchor)" 8 s $workers -- "$url/" >> "$res"
for c in 1 8 64; do
	# shellcheck disable=SC2086
	run "POST /recs keep-alive" "$c" s $workers -- -s "$work/post.lua" "$url" >> "$res"
done
rss=""
for p in $master $workers; do
	rss="$rss $(awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } /^RssShmem/ { s = $2 }
	    END { printf "%.1f+%.1f", a / 1024, (f + s) / 1024 }' "/proc/$p/status")"
done

# ---- the session rule against the seed rule, same data, same requests ----
seedmaster=$master seedworkers=$workers seedurl=$url
serve session "$work/session.db"
smaster=$master sworkers=$workers surl=$url
master=$seedmaster workers=$seedworkers url=$seedurl
rules="$work/rules"
: > "$rules"
for round in 1 2; do
	# shellcheck disable=SC2086
	run "POST /recs keep-alive, seed rule" 8 s $workers -- -s "$work/post.lua" "$url" >> "$rules"
	# shellcheck disable=SC2086
	run "POST /recs keep-alive, session rule" 8 s $sworkers -- -s "$work/post.lua" "$surl" >> "$rules"
done
# Both stores answer the same request differently (the rule is in use).
body='{"user_id": 1, "n_recs": 5, "last_items": [5000, 5001]}'
a_seed=$(curl -s -d "$body" "$url/recs")
a_sess=$(curl -s -d "$body" "$surl/recs")
kill "$smaster" 2>/dev/null || true

# ---- per connection, inetd-style, under tcpserver ----
tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nice tcpserver -q -R -H -l 0 -c 256 -b 256 127.0.0.1 "$tport" \
    "$bin/rec-serve" -m "$work/metrics2" "$work/recs.db" &
tcps=$!
pids="$pids $tcps"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$tport/" && break; sleep 0.1; done
run "POST /recs, a process per connection (tcpserver)" 8 c $tcps -- \
    -H 'Connection: close' -s "$work/post.lua" "http://127.0.0.1:$tport" >> "$res"
inetd_rss=$(awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { printf "%.1f+%.1f", a / 1024, f / 1024 }' \
    "/proc/$tcps/status")

# ---- the line protocol on a pipe ----
awk -v u="$users" 'BEGIN { srand(19)
	for (k = 0; k < 500000; k++)
		printf "%d\t10\t%d,%d\n", 7 * (1 + int(rand() * 2 * u)), 1 + int(rand() * 417000), 1 + int(rand() * 417000)
}' > "$work/lines.tsv"
l0=$(date +%s.%N)
nice "$bin/rec-serve" "$work/recs.db" < "$work/lines.tsv" > "$work/lines.out"
l1=$(date +%s.%N)
lines_s=$(echo "500000 / ($l1 - $l0)" | bc)

# ---- report ----
anchor_rps=$(awk -F'\t' 'NR == 1 { print $3 }' "$res")
echo
echo "rec-serve, $ncpu CPUs shared with wrk, load average $(cut -d' ' -f1-3 /proc/loadavg), ${secs}s per run"
printf '%-50s %5s %9s %9s %9s %10s\n' test conns req/s p50_ms p99_ms cpu_us/req
while IFS="$(printf '\t')" read -r name c r p50 p99 cpu e; do
	printf '%-50s %5s %9s %9s %9s %10s %s\n' "$name" "$c" "$r" "$p50" "$p99" "$cpu" "$e"
done < "$res"
echo
echo "ratios against the original FastAPI service (its README figures: req/s, p99, server CPU per request):"
awk -F'\t' -v a="$anchor_rps" '
	BEGIN { frps[1] = 398; frps[8] = 370; frps[64] = 326
		fp99[1] = 7.0; fp99[8] = 49; fp99[64] = 426
		fcpu[1] = 3100; fcpu[8] = 4000; fcpu[64] = 4000 }
	NR > 1 && ($2 in frps) {
		printf "  %-48s c=%-3s %7.0fx req/s  p99 %6.1fx lower  CPU/req %6.0fx lower  (%.0f%% of same-run GET /)\n",
		    $1, $2, $3 / frps[$2], fp99[$2] / ($5 > 0 ? $5 : 0.001), fcpu[$2] / ($6 > 0 ? $6 : 0.1), 100 * $3 / a }
	NR == 1 { printf "  %-48s c=%-3s %7.0fx req/s of the original GET / (1411)\n", $1, $2, $3 / 1411 }' "$res"
echo
echo "targets at 8 connections keep-alive: >= 50000 req/s and p99 < 1 ms:"
awk -F'\t' '$1 == "POST /recs keep-alive" && $2 == 8 {
	printf "  %s req/s (%s), p99 %s ms (%s)\n", $3, ($3 >= 50000 ? "met" : "NOT met"), $5, ($5 < 1 ? "met" : "NOT met") }' "$res"
echo
echo "the session rule against the seed rule, same data and requests, 8 connections keep-alive, alternated:"
while IFS="$(printf '\t')" read -r name c r p50 p99 cpu e; do
	printf '  %-40s %9s req/s  p50 %s ms  p99 %s ms  %s us CPU/req %s\n' "$name" "$r" "$p50" "$p99" "$cpu" "$e"
done < "$rules"
echo "  one request: seed $a_seed, session $a_sess"
awk -F'\t' '
	$1 ~ /seed/ { sr += $3; sc += $6; ns++ }
	$1 ~ /session/ { xr += $3; xc += $6; nx++; if ($5 > xp) xp = $5 }
	END {
		tr = (xr / nx) / (sr / ns); cr = (sc / ns) / (xc / nx)
		printf "  session/seed: throughput %.2fx; server CPU per request: session costs %.2fx the seed rule%s; worst p99 %.3f ms\n", tr, 1 / cr, "", xp
		printf "  target >= 0.8x throughput (by req/s: %s; by CPU per request: %s), p99 < 1 ms: %s\n",
		    (tr >= 0.8 ? "met" : "NOT met"), (cr >= 0.8 ? "met" : "NOT met"), (xp < 1 ? "met" : "NOT met")
	}' "$rules"
echo "RSS per process, MB private+file-backed (the store mapping is file-backed, shared):"
echo "  --listen master and workers:$rss"
echo "  tcpserver:$inetd_rss (each rec-serve it forks is as small as a --listen worker)"
echo "line protocol on a pipe: 500000 requests at $lines_s lines/s"
echo "store: open + first request of a fresh process (inetd path) is included in the tcpserver row"

# ---- the inetd path's CPU per request against the pre-hardening binary ----
# Issue 14 asked that the per-connection path stay within 1.1x of its CPU
# per request before the store checksums, the SIGBUS guard and the
# sandbox.  The base is main before that work (SERVE_BASE, default
# 2f92a2d), built here from git into the temporary directory, with its
# own rec-blend making its own store from the same inputs (its format is
# older).  scripts/serve-inetd-cpu.c runs one-request processes on a
# socket as inetd does, base and new alternately, and reads each one's
# CPU from wait4(2).  Skipped (said so) when the base cannot be built.
inetd_vs_base() {
	base=${SERVE_BASE:-2f92a2d}
	n=${BENCH_INETD_N:-300}
	rounds=${BENCH_INETD_ROUNDS:-5}
	mkdir -p "$work/base"
	if ! git -C "$top" archive "$base" 2>/dev/null | tar -x -C "$work/base" ||
	    ! nice make -s -C "$work/base" -j2 bin/rec-serve bin/rec-blend \
	    > "$work/base.log" 2>&1; then
		echo "inetd CPU per request against $base: skipped (cannot build $base)"
		return 0
	fi
	awk 'BEGIN {
		srand(23); print "user\trank\titem\tscore"
		for (k = 1; k <= 20000; k++) {
			base = int(rand() * 417000)
			for (r = 1; r <= 50; r++)
				printf "%d\t%d\t%d\t%.4f\n", k * 7, r, 1 + (base + r * 7919) % 417000, 1 - r / 100
		}
	}' > "$work/recs-inetd.tsv"
	# The same (seed) rule in both: the base knows no other, and has no
	# --rule option.
	for v in base new; do
		b=$bin rule="--rule seed"
		[ "$v" = base ] && b=$work/base/bin rule=""
		# shellcheck disable=SC2086
		nice "$b/rec-blend" $rule -i "$work/items.tsv" -p "$work/popular.tsv" \
		    -r "$work/recs-inetd.tsv" -o "$work/$v.db"
	done
	body='{"user_id": 700007, "n_recs": 10, "last_items": [5, 77]}'
	printf 'POST /recs HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
	    "${#body}" "$body" > "$work/req.http"
	cc -O2 -o "$work/inetd-cpu" "$top/scripts/serve-inetd-cpu.c"
	nice "$work/inetd-cpu" "$n" "$rounds" "$work/req.http" \
	    "$work/base/bin/rec-serve" "$work/base.db" "$bin/rec-serve" \
	    "$work/new.db" > "$work/inetd.out"
	sed 's/^/  /' "$work/inetd.out"
	awk -v b="$base" '/^median:/ { r = $NF; sub(/.*B\/A /, ""); r = $1
		printf "inetd CPU per request, this build against %s: %.3fx (target <= 1.1: %s)\n",
		    b, r, (r <= 1.1 ? "met" : "NOT met") }' "$work/inetd.out"
}
echo
echo "inetd path, a process per request on a socket ($(cut -d' ' -f1-3 /proc/loadavg)):"
inetd_vs_base
