#!/bin/sh
# demo.sh: the README's first command.  On a fresh machine it installs the
# Debian packages, builds the programs, runs the pipeline on the embedded
# default (synthetic Retailrocket-shaped data, unless data/ holds the real
# CSVs), prints the report, starts rec-serve on 127.0.0.1:PORT, shows one
# request made with curl, and stops the server.  If PORT is taken, the
# server's own error is shown and the demo exits 1 (scripts/serve-start).
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
pid=$(scripts/serve-start "$port" "$store" "$log") || exit 1
trap 'kill "$pid" 2>/dev/null || :' EXIT INT TERM

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
kill "$pid" 2>/dev/null || :
trap - EXIT INT TERM
echo "demo: done.  The build is in build/current/; serve it with:"
echo "  bin/rec-serve --listen 127.0.0.1:$port build/current/recs.db"
