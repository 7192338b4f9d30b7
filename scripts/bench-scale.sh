#!/bin/sh
# bench-scale.sh: the cost curve.  The whole pipeline (pipeline.mk, driven
# only through its variables DATA, BUILD, THREADS, RUN and its target all)
# on ev-synth data at 1x, 3x and 10x the default event count (2756101),
# on 2 make jobs and 2 threads: wall and CPU seconds and peak memory of
# every stage, and the growth exponent k between sizes (cost ~ size^k).
# Flagged: stages whose CPU time grows with k > 1.2 between 3x and 10x,
# and stages whose peak memory, grown at its own k, would not fit a
# 64 GiB machine at 100x.  Targets: the 10x pipeline under 10 minutes and
# under 8 GiB peak.  The anchor, measured in the same run at each size, is
# "wc -l" over the events file.
#
# Property files: ev-synth --no-props at every size (the categoryid and
# available rows the pipeline reads, a tenth of the bytes), so that the
# sizes compare; FULL_PROPS=1 keeps them whole.
#
# Usage: scripts/bench-scale.sh [WORKDIR [VAR=VALUE ...]]
# (default build/bench-scale); VAR=VALUE are pipeline.mk parameters, for
# example ITERATIONS=5 to measure every stage's growth at a tenth of the
# fit's cost (the fit's time is linear in ITERATIONS).
# SIZES="1 3" to run fewer sizes; the data of each size is kept in
# WORKDIR/data-Nx and reused; KEEP_BUILDS=1 keeps the builds.  The machine
# is shared: the load average is printed at the start and end of each size.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$top/build/bench-scale}
[ $# -eq 0 ] || shift
mkdir -p "$work"
work=$(cd "$work" && pwd)
sizes=${SIZES:-1 3 10}
base=2756101
timer=$top/scripts/stage-timer.py
props=--no-props
[ "${FULL_PROPS:-0}" = 1 ] && props=
make -s -C "$top" all

now() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "bench-scale: $(nproc) CPUs, $(df -h "$work" | awk 'NR == 2 { print $4 }') free in $work"
for x in $sizes; do
	data=$work/data-${x}x
	log=$work/stages-${x}x.tsv
	: >"$log"
	if [ ! -s "$data/events.csv" ]; then
		rm -rf "$data"
		BENCH_LOG=$log python3 "$timer" "$top/bin/ev-synth" -s 1 \
		    --events $((base * x)) $props -o "$data"
	else
		echo "ev-synth>data-${x}x	-	-	-" >>"$log"
	fi
	t0=$(now)
	wc -l "$data/events.csv" >/dev/null
	anchor=$(python3 -c "print('%.2f' % ($(now) - $t0))")
	b=$work/build-${x}x
	rm -rf "$b"
	echo "== ${x}x: $((base * x)) events${*:+, $*}, load average $(load)"
	t0=$(now)
	BENCH_LOG=$log make --no-print-directory -s -j2 -f "$top/pipeline.mk" \
	    DATA="$data" BUILD="$b" THREADS=2 RUN="python3 $timer" "$@" all \
	    >"$work/make-${x}x.log" 2>&1 ||
	    { cat "$work/make-${x}x.log"; exit 1; }
	total=$(python3 -c "print('%.1f' % ($(now) - $t0))")
	echo "total	$total	$anchor" >"$work/total-${x}x.tsv"
	echo "   pipeline ${total} s wall; anchor wc -l events.csv ${anchor} s;" \
	    "load average at end $(load)"
	[ "${KEEP_BUILDS:-0}" = 1 ] || rm -rf "$b"
done

# The table: one row per stage, its figures at every size, and k.
python3 - "$work" $sizes <<'PY'
import math, sys
work, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
GIB = 1024.0
rows, order = {}, []
for x in sizes:
    for line in open("%s/stages-%dx.tsv" % (work, x)):
        name, wall, cpu, mb = line.rstrip("\n").split("\t")
        name = name.replace("-%dx" % x, "-Nx")
        key = name
        while (key, x) in rows:          # the same program and output twice
            key += "'"
        if key not in order:
            order.append(key)
        f = lambda v: None if v == "-" else float(v)
        rows[(key, x)] = (f(wall), f(cpu), f(mb))
def k(a, b, xa, xb):
    if a is None or b is None or a <= 0 or b <= 0:
        return None
    return math.log(b / a) / math.log(xb / xa)
fmt = lambda v, p=1: "-" if v is None else "%.*f" % (p, v)
hdr = "%-34s" % "stage (program>output)"
for what in ("wall s", "cpu s", "peak MB"):
    for x in sizes:
        hdr += " %9s" % ("%s %dx" % (what.split()[0], x))
if len(sizes) > 1:
    hdr += "  k(cpu) k(mem)"
print(hdr)
flags = []
for key in order:
    line = "%-34s" % key
    got = [rows.get((key, x), (None, None, None)) for x in sizes]
    for i in range(3):
        for g in got:
            line += " %9s" % fmt(g[i], 2 if i < 2 else 0)
    if len(sizes) > 1:
        xa, xb = sizes[-2], sizes[-1]
        a, b = got[-2], got[-1]
        kc, km = k(a[1], b[1], xa, xb), k(a[2], b[2], xa, xb)
        line += "  %6s %6s" % (fmt(kc, 2), fmt(km, 2))
        big = b[1] is not None and b[1] >= 1.0
        if kc is not None and kc > 1.2 and big:
            flags.append("%s: CPU grows as size^%.2f between %dx and %dx" % (key, kc, xa, xb))
        if km is not None and b[2] is not None:
            m100 = b[2] * (100.0 / xb) ** max(km, 0)
            if m100 > 64 * GIB * GIB / 1024 * 1024 / 1024:
                flags.append("%s: peak %.0f MB at %dx would be %.0f GiB at 100x" % (key, b[2], xb, m100 / GIB))
    print(line)
for x in sizes:
    t, anchor = open("%s/total-%dx.tsv" % (work, x)).read().split()[1:3]
    peak = max(r[2] for (kk, xx), r in rows.items() if xx == x and r[2] is not None)
    cpu = sum(r[1] for (kk, xx), r in rows.items() if xx == x and r[1] is not None and not kk.startswith("ev-synth"))
    print("%dx: pipeline %s s wall (anchor wc -l %s s, ratio %.0fx), %.1f s CPU, peak %.0f MB"
          % (x, t, anchor, float(t) / max(float(anchor), 0.01), cpu, peak))
    if x == 10:
        print("   target 10x under 600 s: %s; under 8 GiB peak: %s"
              % ("met" if float(t) < 600 else "NOT met", "met" if peak < 8 * 1024 else "NOT met"))
print("flagged: " + ("none" if not flags else ""))
for f in flags:
    print("  " + f)
PY
