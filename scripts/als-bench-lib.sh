# als-bench-lib.sh: what bench-als.sh and bench-als-mpi.sh share, sourced
# by both after "cd $top" with $name set to the script's name: the anchor
# matrix of ../shared/bench (the script exits 0, skipped, without it), a
# temporary directory removed at exit, the matrix imported into our
# container as $tmp/m.bin by scripts/als-bench-helper.c ($helper, which
# the Makefile builds in obj/scripts/), and median().
bench=${BENCH:-$top/../shared/bench}
runs=${RUNS:-3}
pfx=$bench/random_100k_50k_1M
if [ ! -f "$pfx.indptr.i32" ]; then
	echo "$name: $bench: anchor matrix absent; skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The helper comes from the Makefile: the library's flags and obj/ build,
# rebuilt only when it or the library changed.
make -s --no-print-directory obj/scripts/als-bench-helper
helper=$top/obj/scripts/als-bench-helper
"$helper" import "$pfx" "$tmp/m.bin"

# median of the numbers on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
