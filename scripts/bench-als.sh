#!/bin/sh
# bench-als.sh: als-fit and als-recommend on the anchor matrix of
# ../shared/bench (100k users x 50k items, 1M entries), against implicit
# 0.7.3's published figures and against anchors measured in this run: an
# OpenBLAS sgemm of the recommendation's shape on one thread, and als-fit
# on one thread.  Prints figures; never fails on speed (the machines are
# shared and noisy: medians of RUNS runs).
#
# Usage: scripts/bench-als.sh   (after make; RUNS=3 BENCH=dir to override)
# With bin/ev-synth present (unless FULL=0) also the full default pipeline
# matrix: ev-synth default scale, 50 factors, 50 iterations, top-50 for all.
# With S10=MATRIX also that matrix, a few iterations (see the end).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
name=bench-als
. scripts/als-bench-lib.sh
awk 'BEGIN { for (u = 0; u < 10000; u++) print u }' |
    { echo user; cat; } >"$tmp/users.tsv"

# Runs "$@" RUNS times; prints the median wall and CPU (user+sys) seconds.
timed() {
	i=0
	: >"$tmp/times"
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %U %S' -o "$tmp/t" "$@" 2>>"$tmp/err"
		cat "$tmp/t" >>"$tmp/times"
		i=$((i + 1))
	done
	wall=$(awk '{ print $1 }' "$tmp/times" | median)
	cpu=$(awk '{ print $2 + $3 }' "$tmp/times" | median)
	echo "$wall $cpu"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" \
    "(wall times only compare with implicit's on an idle machine;" \
    "CPU times and the same-run anchor are steadier)"
set -- $("$helper" sgemm 1000 50000 64 5)
sg_s=$1 sg_gf=$2 sg_cpu_gf=$3
echo "anchor: OpenBLAS sgemm (1000x64)(64x50000), 1 thread: $sg_s s," \
    "$sg_gf GFLOP/s wall, $sg_cpu_gf GFLOP/s per CPU second"

# A CG iteration: per half-sweep the gram matrix (n f^2 with ssyrk) and,
# per pass (the residual, then each step), 2 f^2 per row (Y'Y p) and 4 f
# per entry (one dot, one axpy).  That is the plain CG's count: the
# users' half now runs in the eigenbasis of Y'Y (als-fit(1)), where a row
# costs one f^2 product, not one per pass, so the rates below are what a
# plain CG would need to reach the same time.
f=64 it=15 steps=3 rows=100000 cols=50000 nnz=1000000
gflop_it=$(awk -v f=$f -v s=$steps -v r=$rows -v c=$cols -v n=$nnz 'BEGIN {
    pass = 2 * f * f * (r + c) + 4 * f * 2 * n
    printf "%.2f", ((s + 1) * pass + f * f * (r + c)) / 1e9 }')
fit="bin/als-fit -v -f $f -r 0.01 -a 1 -i $it --cg-steps $steps -s 123"

set -- $(timed $fit -t 2 -o "$tmp/model2.bin" "$tmp/m.bin")
fit2_wall=$1 fit2_cpu=$2
set -- $(timed $fit -t 1 -o "$tmp/model1.bin" "$tmp/m.bin")
fit1_wall=$1
cmp -s "$tmp/model1.bin" "$tmp/model2.bin" && same=identical || same=DIFFERENT
# the iterations' own time, from -v, of one more 2-thread run
$fit -t 2 -o "$tmp/model2.bin" "$tmp/m.bin" 2>"$tmp/fit.log"
per_it=$(sed -n 's/.*in \([0-9.]*\) s (\([0-9.]*\) s per iteration).*/\2/p' "$tmp/fit.log")

echo
echo "als-fit: $rows x $cols, $nnz entries, $f factors, $it iterations, CG-$steps, reg 0.01, alpha 1"
echo "  2 threads: $fit2_wall s wall (median of $runs), $fit2_cpu s CPU; 1 thread: $fit1_wall s"
echo "  models of -t 1 and -t 2: $same"
awk -v w="$fit2_wall" -v w1="$fit1_wall" -v p="$per_it" -v g="$gflop_it" \
    -v sg="$sg_gf" -v c="$fit2_cpu" -v sgc="$sg_cpu_gf" -v it=$it 'BEGIN {
	printf "  per iteration %.3f s, %.2f GFLOP (plain CG count) -> %.1f GFLOP/s = %.2f x the 1-thread sgemm anchor\n", p, g, g / p, g / p / sg
	printf "  per CPU second (whole run): %.1f GFLOP/s = %.2f x the sgemm anchor per CPU second\n", g * it / c, g * it / c / sgc
	printf "  floor (0.1-0.2 s/iteration): %.1f-%.1f x above it; CPU per iteration / 2 cores: %.3f s\n", p / 0.2, p / 0.1, c / it / 2
	printf "  2 threads vs 1 thread: %.2f x faster\n", w1 / w
	printf "  vs implicit 0.7.3 (11.2-11.8 s): %.2f x faster; target <= 5.6 s: %s\n", 11.5 / w, w <= 5.6 ? "met" : "NOT met"
}'

set -- $(timed bin/als-recommend -n 10 -t 2 --filter-seen "$tmp/m.bin" \
    --users "$tmp/users.tsv" -o "$tmp/recs.tsv" "$tmp/model2.bin")
rec_wall=$1 rec_cpu=$2
bin/als-recommend -v -n 10 -t 1 --filter-seen "$tmp/m.bin" \
    --users "$tmp/users.tsv" -o "$tmp/recs1.tsv" "$tmp/model2.bin" \
    2>"$tmp/rec.log"
share=$(sed -n 's/.* \([0-9.]*\)% of the scores computed.*/\1/p' "$tmp/rec.log")
cmp -s "$tmp/recs.tsv" "$tmp/recs1.tsv" && rsame=identical || rsame=DIFFERENT
echo
echo "als-recommend: 10000 users, top 10, seen items filtered, 2 threads"
awk -v w="$rec_wall" -v c="$rec_cpu" -v sg="$sg_cpu_gf" -v sh="$share" 'BEGIN {
	g = 2 * 10000 * 50000 * 64 / 1e9 * sh / 100
	printf "  %.3f s wall (median), %.3f s CPU; %.1f%% of the scores computed (norm bound): %.1f GFLOP -> %.1f GFLOP/s per CPU second = %.2f x the sgemm anchor per CPU second\n", w, c, sh, g, g / c, g / c / sg
	printf "  vs implicit 0.7.3 (1.9-2.1 s): %.2f x faster; target <= 1.0 s: %s\n", 2.0 / w, w <= 1.0 ? "met" : "NOT met"
}'
echo "  lists of -t 1 and -t 2: $rsame"

if [ "${FULL:-1}" = 1 ] && [ -x bin/ev-synth ]; then
	echo
	echo "full default pipeline matrix (ev-synth default scale, FULL=0 skips)"
	bin/ev-synth --no-props -o "$tmp/synth"
	# events.csv has no quoted fields: tr makes it the events TSV
	{ printf 'ts\tuser\tevent\titem\ttxn\n'
	  sed 1d "$tmp/synth/events.csv" | tr , '\t'; } >"$tmp/ev.tsv"
	bin/interactions-weight -v -o "$tmp/full.bin" "$tmp/ev.tsv" 2>&1 |
	    sed 's/^/  /'
	/usr/bin/time -f '  als-fit: %e s wall, %U s user' \
	    bin/als-fit -v -f 50 -r 0.05 -i 50 -a 1 -s 123 \
	    -o "$tmp/full.model" "$tmp/full.bin" 2>&1 | tail -n 2
	/usr/bin/time -f '  als-recommend (all users, top 50): %e s wall, %U s user' \
	    bin/als-recommend -v -n 50 "$tmp/full.model" 2>&1 >/dev/null |
	    sed 's/^als-recommend:/ /'
fi

# A large matrix given by S10=path (e.g. the 10x cost-curve matrix, 10.3M
# users x 1.7M items, 16.8M entries): the pipeline's fit parameters, a
# few iterations (S10_IT, default 2) on 2 threads, without and with
# --loss; per iteration wall (-v) and the run's CPU and peak memory.
if [ -n "${S10:-}" ]; then
	s10_it=${S10_IT:-2}
	echo
	echo "large matrix $S10, f 50, reg 0.05, alpha 1, $s10_it iterations, 2 threads" \
	    "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
	for loss in "" --loss; do
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" bin/als-fit -v $loss \
		    -f 50 -r 0.05 -a 1 -s 123 -i "$s10_it" -t 2 \
		    -o "$tmp/s10.model" "$S10" 2>"$tmp/s10.log"
		per=$(sed -n 's/.*(\([0-9.]*\) s per iteration).*/\1/p' "$tmp/s10.log")
		all=$(sed -n 's/.*model written in \([0-9.]*\) s.*/\1/p' "$tmp/s10.log")
		awk -v l="${loss:-no loss}" -v p="$per" -v a="$all" -v i="$s10_it" '{
		    printf "  %-8s %.2f s per iteration, %.1f s mapped to written (%.1f s outside the iterations: setup, save, and the loss), %.1f CPU s, peak %.2f GB\n",
		        l, p, a, a - p * i, $2 + $3, $4 / 1048576 }' "$tmp/t"
	done
	rm -f "$tmp/s10.model"
fi
