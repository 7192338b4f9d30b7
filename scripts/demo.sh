#!/bin/sh
# demo.sh: the README's first command.  On a fresh machine it installs the
# Debian packages, builds the programs, runs the pipeline on the embedded
# default (synthetic Retailrocket-shaped data, unless data/ holds the real
# CSVs), prints the report, starts rec-serve on 127.0.0.1, shows one
# request made with curl, and stops the server.
# Usage: scripts/demo.sh [PORT]          (default port 8080; also DEMO_PORT)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
port=${1:-${DEMO_PORT:-8080}}
case $port in
'' | *[!0-9]*) echo "demo: not a port number: \"$port\"" >&2; exit 64 ;;
esac

step() { printf '\n== %s\n' "$*"; }

step "scripts/install-deps.sh run"
scripts/install-deps.sh run

step "make -j2"
make -s -j2

step "make -j2 -f pipeline.mk publish"
make --no-print-directory -j2 -f pipeline.mk publish

step "make -f pipeline.mk report"
make --no-print-directory -f pipeline.mk report

store=build/current/recs.db
log=build/demo-serve.log
step "rec-serve --listen 127.0.0.1:$port $store"
bin/rec-serve --listen "127.0.0.1:$port" "$store" 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || :' EXIT INT TERM
# Ready when the health check answers: at most 5 s.
i=0
until curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 50 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "demo: rec-serve did not come up on 127.0.0.1:$port:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
done

# A user with personal recommendations, and the last two items he viewed
# before the cutoff: the service blends both.
user=$(awk -F'\t' 'NR == 2 { print $1; exit }' build/current/als-recs.tsv)
items=$(awk -F'\t' -v u="$user" '$2 == u && $3 == "view" { l[++n] = $4 }
    END { if (n > 1) printf "%s, ", l[n - 1]; if (n) printf "%s", l[n] }' \
    build/current/train.tsv)
body="{\"user_id\": $user, \"n_recs\": 5, \"last_items\": [$items]}"
step "curl -s -H 'Content-Type: application/json' -d '$body' http://127.0.0.1:$port/recs"
curl -s --max-time 5 -H 'Content-Type: application/json' -d "$body" \
    "http://127.0.0.1:$port/recs"
echo

step "stopping rec-serve"
kill "$pid"
wait "$pid" 2>/dev/null || :
trap - EXIT INT TERM
echo "demo: done.  The build is in build/current/; serve it with:"
echo "  bin/rec-serve --listen 127.0.0.1:$port build/current/recs.db"
