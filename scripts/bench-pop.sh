#!/bin/sh
# bench-pop.sh: wall time and peak RSS of pop-rank and interactions-weight
# on a training split of Retailrocket size (~2.4M events), each against an
# anchor run in the same session on the same input:
#   read      wc -l                                    (the cost of reading)
#   pop       cut | awk | sort | uniq -c | sort        (the same count, Unix way)
#   matrix    cut | sort -u                            (just the dedup step)
# Figures are medians of RUNS runs (RSS: the largest); CPU is user + system
# time of the whole process tree, steadier than wall time on a shared
# machine.  The targets from issue 5 are < 2 s and < 500 MB per program.
#
# Input: $BENCH_EVENTS (an events TSV) when set; otherwise the train split
# of ev-synth when bin/ev-synth and bin/ev-filter exist; otherwise an events
# TSV of BENCH_N events (default 2,400,000) synthesised here with awk, with
# Retailrocket's shape: 97% view, 2.5% addtocart, 0.8% transaction, heavy-
# tailed users (~1.4M) and items (~230k).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${RS_BIN:-$top/bin}
runs=${RUNS:-3}
n=${BENCH_N:-2400000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-pop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C

for p in pop-rank interactions-weight; do
	[ -x "$bin/$p" ] || { echo "bench-pop: $bin/$p not built" >&2; exit 1; }
done

if [ -n "${BENCH_EVENTS:-}" ]; then
	ev=$BENCH_EVENTS
	src="$BENCH_EVENTS"
elif [ -x "$bin/ev-synth" ] && [ -x "$bin/ev-filter" ]; then
	# The default embedded dataset, split as pipeline.mk does.
	nice "$bin/ev-synth" -s 123 -o "$tmp/data" >/dev/null
	nice "$bin/ev-filter" --until 2015-09-01 "$tmp/data/events.csv" \
	    > "$tmp/train.tsv"
	ev=$tmp/train.tsv
	src="ev-synth -s 123, ev-filter --until 2015-09-01"
else
	nice awk -v n="$n" 'BEGIN {
		srand(123)
		OFS = "\t"
		print "ts", "user", "event", "item", "txn"
		t = 1430622000000; step = 11664000000 / n; txn = 0
		for (i = 0; i < n; i++) {
			u = int(1400000 * rand() ^ 2)
			it = int(235000 * rand() ^ 3)
			r = rand()
			if (r < 0.97) e = "view"
			else if (r < 0.9925) e = "addtocart"
			else e = "transaction"
			printf "%.0f\t%d\t%s\t%d\t%s\n", t + i * step, u, e, it,
			    e == "transaction" ? txn++ : ""
		}
	}' > "$tmp/train.tsv"
	ev=$tmp/train.tsv
	src="awk-synthesised, $n events"
fi
printf 'items\tcategory\troot\tavailable\tts\n' > "$tmp/items.tsv"
awk -F'\t' 'NR > 1 { print $4 }' "$ev" | sort -n -u |
    awk 'BEGIN { OFS = "\t"; print "item", "category", "root", "available", "ts" }
    { print $1, $1 % 1669, $1 % 25, 1, 0 }' > "$tmp/items.tsv"

# measure NAME CMD: runs "sh -c CMD" RUNS times; prints and records
# "NAME wall_s cpu_s rss_mb" (medians of wall and CPU time, the largest peak
# RSS of any process of the tree).
measure() {
	python3 - "$runs" "$1" "$2" "$tmp/figures" <<'PY'
import os, statistics, subprocess, sys, time
runs, name, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3]
walls, cpus, rss = [], [], 0
for _ in range(runs):
    t0 = time.monotonic()
    p = subprocess.Popen(["nice", "sh", "-c", cmd])
    _, status, ru = os.wait4(p.pid, 0)
    walls.append(time.monotonic() - t0)
    if status != 0:
        sys.exit(f"bench-pop: {name} failed (status {status}): {cmd}")
    cpus.append(ru.ru_utime + ru.ru_stime)
    rss = max(rss, ru.ru_maxrss)
line = (f"{name}\t{statistics.median(walls):.3f}\t"
        f"{statistics.median(cpus):.3f}\t{rss / 1024:.1f}")
print(line)
with open(sys.argv[4], "a") as f:
    print(line, file=f)
PY
}

echo "input: $src: $(($(wc -l < "$ev") - 1)) events"
echo "name	wall_s	cpu_s	rss_mb"
measure read "wc -l < '$ev' > /dev/null"
measure pop_anchor "cut -f 3,4 '$ev' | awk -F'\t' '\$1 == \"addtocart\" { print \$2 }' | sort | uniq -c | sort -k1,1nr -k2,2n > /dev/null"
measure pop-rank "'$bin/pop-rank' -i '$tmp/items.tsv' -o '$tmp/popular.tsv' '$ev'"
measure pop-rank_weighted "'$bin/pop-rank' -u -w view=0.25,addtocart=0.75,transaction=1 -i '$tmp/items.tsv' -o '$tmp/popular2.tsv' '$ev'"
measure matrix_anchor "cut -f 2-4 '$ev' | sort -u > /dev/null"
measure interactions-weight "'$bin/interactions-weight' -o '$tmp/matrix.bin' '$ev'"

awk -F'\t' '
	{ wall[$1] = $2; cpu[$1] = $3; rss[$1] = $4 }
	function row(p, a) {
		printf "%-20s %6.3f s wall %6.3f s CPU %6.1f MB | vs %s: %5.2fx wall %5.2fx CPU %5.2fx RSS | %s\n",
		    p, wall[p], cpu[p], rss[p], a, wall[p] / wall[a],
		    cpu[p] / cpu[a], rss[p] / rss[a],
		    wall[p] < 2 && rss[p] < 500 ? "target met" : "TARGET MISSED"
	}
	END {
		print ""
		row("pop-rank", "pop_anchor")
		row("pop-rank_weighted", "pop_anchor")
		row("interactions-weight", "matrix_anchor")
	}' "$tmp/figures"
