#!/bin/sh
# bench-ev-stats.sh: ev-stats, the one-pass profile of an event stream, on
# the default-scale synthetic events (ev-synth -s 123: 2.76M events, like
# Retailrocket), against the anchor ev-filter on the same file in the same
# run (ev-filter --until, writing events TSV as the pipeline's split does).
# The two take turns, RUNS times each (default 5); the medians of wall
# time, and of CPU time (steadier on a loaded machine), are compared.
# Target: ev-stats within 3x of ev-filter.
#
# Usage: scripts/bench-ev-stats.sh [WORKDIR]   (default build/bench-ev-stats)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$top/build/bench-ev-stats}
runs=${RUNS:-5}
mkdir -p "$work"
work=$(cd "$work" && pwd)
make -s -C "$top" all
if [ ! -s "$work/data/events.csv" ]; then
	echo "== ev-synth -s 123 --no-props into $work/data"
	"$top/bin/ev-synth" -s 123 --no-props -o "$work/data"
fi
ev=$work/data/events.csv
echo "input: $ev, $(($(wc -l <"$ev") - 1)) events"
cat "$ev" >/dev/null    # into the page cache

: >"$work/times.tsv"
i=0
while [ $i -lt "$runs" ]; do
	/usr/bin/time -f "ev-filter	%e	%U	%S	%M" -a -o "$work/times.tsv" \
	    "$top/bin/ev-filter" --until 2015-09-01 -o "$work/train.tsv" "$ev"
	/usr/bin/time -f "ev-stats	%e	%U	%S	%M" -a -o "$work/times.tsv" \
	    "$top/bin/ev-stats" -o "$work/stats.tsv" "$ev"
	i=$((i + 1))
done
# Medians of wall and of CPU (user + system) seconds, and the peak RSS.
awk -F'\t' '{ n[$1]++; w[$1, n[$1]] = $2; c[$1, n[$1]] = $3 + $4
    if ($5 > m[$1]) m[$1] = $5 }
    function med(a, p, k,   i, j, t, v) { for (i = 1; i <= k; i++) v[i] = a[p, i]
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
            if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
        return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }
    END { for (p in n) { mw[p] = med(w, p, n[p]); mc[p] = med(c, p, n[p])
            printf "%-10s median wall %.2f s, CPU %.2f s, peak %d MB (%d runs)\n",
            p, mw[p], mc[p], m[p] / 1024, n[p] }
        rw = mw["ev-stats"] / (mw["ev-filter"] > 0 ? mw["ev-filter"] : 0.01)
        rc = mc["ev-stats"] / (mc["ev-filter"] > 0 ? mc["ev-filter"] : 0.01)
        printf "ratio ev-stats / ev-filter: wall %.2fx, CPU %.2fx\n", rw, rc
        printf "target: within 3x of ev-filter (wall): %s\n", rw <= 3 ? "met" : "MISSED" }' \
    "$work/times.tsv"
