#!/bin/sh
# bench-itemsim.sh: item-sim's time and peak memory at the default scale
# (ev-synth's 2,756,101 events) and at 3 times that, each next to an
# anchor run in the same session on the same input (wc -l: the cost of
# reading the file).
# Targets (issue 16): the default scale under 10 s on 2 cores and under
# 1 GiB; say how time and memory grow at 3x: the growth exponent k of
# time ~ events^k, from the CPU seconds (the machine is shared, so CPU
# time is the steadier figure) and from the wall seconds, and of the peak
# memory.  The load average is printed with each run.
#
# Usage: scripts/bench-itemsim.sh [BINDIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/bin}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-itemsim.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export LC_ALL=C

# run N: ev-synth of N events, converted once to events TSV, then item-sim
# -t 2 timed by /usr/bin/time; prints one line.
run() {
	rm -rf "$work/d"
	mkdir "$work/d"
	nice "$bin/ev-synth" --no-props --events "$1" -o "$work/d"
	nice "$bin/ev-filter" -o "$work/e.tsv" "$work/d/events.csv"
	t0=$(date +%s.%N)
	wc -l "$work/e.tsv" >/dev/null
	a=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
	/usr/bin/time -f '%e %U %S %M' -o "$work/t" \
	    "$bin/item-sim" -t 2 -o "$work/s.bin" "$work/e.tsv"
	read -r wall user sys rss < "$work/t"
	cpu=$(echo "$user $sys" | awk '{ print $1 + $2 }')
	printf '%-10s events: item-sim -t 2 %6.2f s wall, %6.2f s cpu, peak %5.0f MB; wc -l %s s (%.0fx); load %s\n' \
	    "$1" "$wall" "$cpu" \
	    "$(echo "$rss" | awk '{ print $1 / 1024 }')" "$a" \
	    "$(echo "$wall $a" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')" \
	    "$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "$wall $rss $cpu" > "$work/last"
}

[ -x /usr/bin/time ] || { echo "bench-itemsim: /usr/bin/time missing" >&2; exit 1; }
run 2756101
read -r w1 m1 c1 < "$work/last"
run 8268303
read -r w3 m3 c3 < "$work/last"
awk -v w1="$w1" -v m1="$m1" -v c1="$c1" -v w3="$w3" -v m3="$m3" -v c3="$c3" 'BEGIN {
	printf "growth at 3x events: CPU time %.2fx (k %.2f), wall %.2fx (k %.2f), memory %.2fx (k %.2f)\n",
	    c3 / c1, log(c3 / c1) / log(3), w3 / w1, log(w3 / w1) / log(3),
	    m3 / m1, log(m3 / m1) / log(3)
	printf "target: default scale under 10 s on 2 cores and under 1 GiB: %s (%.2f s wall, %.2f s CPU, %.0f MB)\n",
	    (w1 < 10 && m1 < 1048576) ? "met" : "MISSED", w1, c1, m1 / 1024
}'
