#!/bin/sh
# bench-eval.sh: rec-eval on a split of the full default scale (2,756,101
# events, about a million training users) with 50 recommendations for
# every training user, against `wc -l` of the same inputs in the same run.
# Target: under 5 s, memory bounded by the test users (not the recs file).
#
# With ev-synth and ev-filter built it uses them (the project's default
# data); until then it synthesises Retailrocket-shaped inputs with awk:
# ~1.4M visitors with skewed activity, Zipf-like items, 96.7% views, 2.5%
# carts, 0.8% transactions over 2015-05-03..2015-09-18, split at
# 2015-09-01.  EVENTS=N scales it; KEEP=1 keeps the work directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${RS_BIN:-$top/bin}
events=${EVENTS:-2756101}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-eval.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"

say() { printf '%s\n' "$*" >&2; }

# Runs a command under /usr/bin/time; prints "wall_s peak_kib cpu_s".
# The machine is shared: CPU time (user + sys) is the steadier figure.
measure() {
	/usr/bin/time -f '%e %M %U %S' -o time.out "$@" >/dev/null
	awk '{ print $1, $2, $3 + $4 }' time.out
}

say "bench-eval: preparing $events events in $work"
if [ -x "$bin/ev-synth" ] && [ -x "$bin/ev-filter" ]; then
	nice "$bin/ev-synth" -s 1 --events "$events" --no-props -o data
	nice "$bin/ev-filter" --until 2015-09-01 -o train.tsv data/events.csv
	nice "$bin/ev-filter" --from 2015-09-01 -o test.tsv data/events.csv
	source=ev-synth
else
	nice awk -v n="$events" -v OFS='\t' 'BEGIN {
		srand(1)
		t0 = 1430622000000; t1 = 1442538000000; cut = 1441065600000
		users = int(n / 2); items = 235000; txn = 0
		hdr = "ts\tuser\tevent\titem\ttxn"
		print hdr >"train.tsv"; print hdr >"test.tsv"
		for (i = 0; i < n; i++) {
			u = int(users * rand() ^ 1.6) + 1
			it = int(items * rand() ^ 3) + 1
			ts = t0 + int(rand() * (t1 - t0))
			r = rand()
			if (r < 0.967) { ev = "view"; tx = "" }
			else if (r < 0.992) { ev = "addtocart"; tx = "" }
			else { ev = "transaction"; tx = ++txn }
			printf "%.0f\t%d\t%s\t%d\t%s\n", ts, u, ev, it, tx \
			    >(ts < cut ? "train.tsv" : "test.tsv")
		}
	}'
	source=awk
fi
# The catalogue (417k items, every event item among them), the popular
# list of the training carts, and 50 recommendations per training user.
nice awk -v OFS='\t' 'BEGIN {
	print "item", "category", "root", "available", "ts"
	for (i = 1; i <= 417053; i++) print i, i % 1669, i % 25, 1, 0 }' \
	>items.tsv
{
	printf 'item\tcategory\tcount\tscore\n'
	awk -F'\t' '$3 == "addtocart" { n[$4]++ }
	    END { for (i in n) print i, n[i] }' train.tsv |
	    sort -k2,2nr -k1,1n |
	    awk -v OFS='\t' 'NR == 1 { m = $2 } { print $1, $1 % 1669, $2, $2 / m }'
} >popular.tsv
tail -n +2 train.tsv | cut -f2 | sort -un >train-users
nice awk -v OFS='\t' 'BEGIN { print "user", "rank", "item", "score" }
	{ for (r = 1; r <= 50; r++)
		print $1, r, ($1 * 7919 + r * r * 104729) % 235000 + 1,
		    1 - r / 64 }' train-users >recs.tsv

set -- --train train.tsv --test test.tsv --items items.tsv \
    --popular popular.tsv --recs weighted_als=recs.tsv
say "bench-eval: inputs from $source: $(($(wc -l <train.tsv) - 1)) train" \
    "events, $(($(wc -l <test.tsv) - 1)) test events," \
    "$(wc -l <train-users) training users, $(($(wc -l <recs.tsv) - 1))" \
    "recs rows ($(du -m recs.tsv | cut -f1) MB)"

# Warm the page cache once, then alternate anchor and program, 3 runs
# each, and take the medians.
cat train.tsv test.tsv items.tsv popular.tsv recs.tsv >/dev/null
: >anchor.times
: >eval.times
for i in 1 2 3; do
	measure wc -l train.tsv test.tsv items.tsv popular.tsv recs.tsv \
	    >>anchor.times
	measure "$bin/rec-eval" "$@" >>eval.times
done
"$bin/rec-eval" "$@" --format table >&2

median() { sort -n -k"$1","$1" "$2" | sed -n 2p | cut -d' ' -f"$1"; }
a_s=$(median 1 anchor.times); a_kib=$(median 2 anchor.times)
a_cpu=$(median 3 anchor.times)
e_s=$(median 1 eval.times); e_kib=$(median 2 eval.times)
e_cpu=$(median 3 eval.times)
awk -v as="$a_s" -v ak="$a_kib" -v ac="$a_cpu" -v es="$e_s" \
    -v ek="$e_kib" -v ec="$e_cpu" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
BEGIN {
	printf "load average at the end: %s (2 cores, shared)\n", load
	printf "anchor wc -l (same inputs): %.2f s wall, %.2f s CPU, " \
	    "peak RSS %.1f MiB\n", as, ac, ak / 1024
	printf "rec-eval (popular + recs):  %.2f s wall, %.2f s CPU, " \
	    "peak RSS %.1f MiB\n", es, ec, ek / 1024
	printf "ratio rec-eval / wc -l: %.2fx wall, %.2fx CPU; " \
	    "target < 5 s: %s\n", es / as, ec / (ac > 0 ? ac : 0.01),
	    es < 5 ? "met" : "MISSED (wall; see CPU on a busy machine)"
}'

# The replay, when rec-blend is there to build the store.
if [ -x "$bin/rec-blend" ]; then
	nice "$bin/rec-blend" --items items.tsv --popular popular.tsv \
	    --personal recs.tsv -o recs.db
	: >replay.times
	for i in 1 2 3; do
		measure "$bin/rec-eval" --train train.tsv --test test.tsv \
		    --items items.tsv --replay recs.db >>replay.times
	done
	r_s=$(median 1 replay.times); r_kib=$(median 2 replay.times)
	r_cpu=$(median 3 replay.times)
	awk -v rs="$r_s" -v rk="$r_kib" -v rc="$r_cpu" -v as="$a_s" 'BEGIN {
		printf "rec-eval --replay:          %.2f s wall, %.2f s CPU, " \
		    "peak RSS %.1f MiB, the store mapped included " \
		    "(%.2fx wc -l wall)\n", rs, rc, rk / 1024, rs / as }'
else
	say "bench-eval: rec-blend not built: replay not measured"
fi
