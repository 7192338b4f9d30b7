#!/bin/sh
# bench-als-mpi.sh: als-fit under mpirun against the plain fit, on the
# anchor matrix of ../shared/bench (100k users x 50k items, 1M entries) with
# bench-als.sh's parameters (64 factors, 15 iterations, CG-3, reg 0.01).
# The anchor is the single process with 2 threads, measured in the same run
# in alternation with "mpirun -np 2 als-fit -t 1"; both figures are the
# fit's own, as -v reports it (from the matrix mapped to the model
# written); mpirun's start is the rest of its wall time, shown apart.
# Target: the MPI fit within 1.15x of the anchor, and the models
# bit-identical.  Prints figures; never fails on speed (shared machine:
# medians of RUNS runs).  Skipped without mpirun or an MPI build.
#
# Usage: scripts/bench-als-mpi.sh   (after make; RUNS=3 BENCH=dir)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if ! command -v mpirun >/dev/null || ! ldd bin/als-fit | grep -q libmpi; then
	echo "bench-als-mpi: mpirun absent or als-fit built without MPI; skipped"
	exit 0
fi
name=bench-als-mpi
. scripts/als-bench-lib.sh
# "matrix mapped to model written in X s" from a -v log
fit_s() { sed -n 's/.*model written in \([0-9.]*\) s.*/\1/p' "$1"; }

fit="bin/als-fit -v -f 64 -r 0.01 -a 1 -i 15 --cg-steps 3 -s 123"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
: >"$tmp/plain" ; : >"$tmp/mpi" ; : >"$tmp/launch"
i=0
while [ $i -lt "$runs" ]; do
	$fit -t 2 -o "$tmp/plain.model" "$tmp/m.bin" 2>"$tmp/p.log"
	fit_s "$tmp/p.log" >>"$tmp/plain"
	t0=$(date +%s.%N)
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
	    mpirun -q --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 \
	    --mca btl self,vader -np 2 \
	    $fit -t 1 -o "$tmp/mpi.model" "$tmp/m.bin" 2>"$tmp/m.log"
	t1=$(date +%s.%N)
	s=$(fit_s "$tmp/m.log")
	echo "$s" >>"$tmp/mpi"
	awk -v a="$t0" -v b="$t1" -v s="$s" 'BEGIN { print b - a - s }' >>"$tmp/launch"
	i=$((i + 1))
done
cmp -s "$tmp/plain.model" "$tmp/mpi.model" && same=identical || same=DIFFERENT
p=$(median <"$tmp/plain") m=$(median <"$tmp/mpi") l=$(median <"$tmp/launch")
echo "als-fit, 100k x 50k, 1M entries, 64 factors, 15 iterations (median of $runs)"
echo "  anchor, 1 process x 2 threads:       $p s (matrix mapped to model written)"
echo "  mpirun -np 2 als-fit -t 1:           $m s, plus mpirun's start and end: $l s"
awk -v p="$p" -v m="$m" 'BEGIN {
	printf "  ratio %.3f; target <= 1.15: %s\n", m / p, m / p <= 1.15 ? "met" : "NOT met" }'
echo "  models: $same"
grep 'rank [01]/2' "$tmp/m.log" | sed 's/^als-fit: /  /'
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
