#!/bin/sh
# bench-runs.sh: the run cache and the run's page, on the default run (the
# embedded synthetic data, 300,000 events, every parameter the original's).
#  - Switching between two parameter sets already built (FACTORS=50 and
#    FACTORS=32): the wall time of "make -f pipeline.mk all", RUNS times
#    each way; target under 1 s, with nothing under build/current changed.
#    The anchor, in the same run, is "make -n" of the same makefile (the
#    cost of reading it and deciding).
#  - report.html: its size (target under 2 MB) and the time headless
#    Chromium takes to load it and dump its DOM, against a blank page in
#    the same run (the browser's own start); target: the page's extra
#    time under 1 s.
#
# Usage: scripts/bench-runs.sh [WORKDIR]   (default build/bench-runs)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$top/build/bench-runs}
runs=${RUNS:-5}
mkdir -p "$work"
work=$(cd "$work" && pwd)
b=$work/build
make -s -C "$top" all
now() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
pl() {
	(cd "$work" && make --no-print-directory -s -f "$top/pipeline.mk" BUILD="$b" "$@")
}
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== the default run and FACTORS=32 (built once, kept in $b)"
t0=$(now)
pl -j2 all >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
pl -j2 FACTORS=32 all >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
echo "built (or found) in $(python3 -c "print('%.1f' % ($(now) - $t0))") s"
pl publish >/dev/null 2>&1
snap() { (cd "$b" && find -L current -printf '%p %i %s %T@\n' | sort | md5sum); }
before=$(snap)

: >"$work/switch.txt"
: >"$work/anchor.txt"
i=0
while [ $i -lt "$runs" ]; do
	for f in FACTORS=32 FACTORS=50; do
		t0=$(now)
		out=$(pl $f all 2>&1)
		python3 -c "print('%.3f' % ($(now) - $t0))" >>"$work/switch.txt"
		case $out in
		*"$top/bin/"*) echo "bench-runs: switching to $f ran a stage:"; echo "$out"; exit 1 ;;
		esac
		t0=$(now)
		pl $f -n all >/dev/null 2>&1
		python3 -c "print('%.3f' % ($(now) - $t0))" >>"$work/anchor.txt"
	done
	i=$((i + 1))
done
sw=$(median <"$work/switch.txt")
an=$(median <"$work/anchor.txt")
echo "switching between two built parameter sets: median $sw s over $((2 * runs)) switches (anchor make -n: $an s)"
if [ "$(snap)" = "$before" ]; then same=yes; else same=NO; fi
echo "build/current unchanged by the switches: $same"
python3 -c "print('target: switching under 1 s, current unchanged: %s' % ('met' if $sw < 1 and '$same' == 'yes' else 'MISSED'))"

page=$(pl where)/report.html
size=$(stat -c %s "$page")
echo
echo "report.html: $size bytes ($(python3 -c "print('%.2f' % ($size / 1e6))") MB); target under 2 MB: $([ "$size" -lt 2000000 ] && echo met || echo MISSED)"
command -v chromium >/dev/null || { echo "chromium not installed: no load time"; exit 0; }
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>\n' >"$work/blank.html"
load() {
	t0=$(now)
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$work/profile" --dump-dom "file://$1" >/dev/null 2>&1
	python3 -c "print('%.3f' % ($(now) - $t0))"
}
load "$work/blank.html" >/dev/null    # a first start warms the caches
: >"$work/blank.txt"
: >"$work/page.txt"
i=0
while [ $i -lt "$runs" ]; do
	load "$work/blank.html" >>"$work/blank.txt"
	load "$page" >>"$work/page.txt"
	i=$((i + 1))
done
bl=$(median <"$work/blank.txt")
pg=$(median <"$work/page.txt")
python3 -c "
bl, pg = $bl, $pg
print('chromium --headless --dump-dom: blank page %.2f s, report.html %.2f s (median of $runs)' % (bl, pg))
print('the page itself: %.2f s beyond the browser start; target under 1 s: %s' % (pg - bl, 'met' if pg - bl < 1 else 'MISSED'))"
