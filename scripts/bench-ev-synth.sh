#!/bin/sh
# bench-ev-synth.sh: how fast ev-synth writes, and in how much memory.
#
# Runs (under nice) ev-synth at 100k events, at 1M events, and at the full
# default scale with and without the properties, and prints for each the
# wall time, MB/s written and peak RSS (from /usr/bin/time, or from the
# kernel's rusage through bash's times when it is absent).  The anchor,
# measured in the same run, is the machine's own floor for the same job:
# dd writing the same number of bytes to the same disk with an fsync.
# Targets: --events 100000 about a second; the full scale with properties
# under 60 s; time linear in --events.
#
# Usage: scripts/bench-ev-synth.sh [BINDIR]   (TMPDIR picks the disk)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/bin}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-ev-synth.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

have_time=0
[ -x /usr/bin/time ] && have_time=1

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# run NAME ARGS...: one timed ev-synth run into $work/NAME; sets $wall,
# $cpu (user + system seconds, steadier than wall time on a shared
# machine), $mb (megabytes written) and $rss (peak resident MB).
run() {
	name=$1; shift
	rm -rf "$work/$name"
	t0=$(now)
	if [ $have_time = 1 ]; then
		nice /usr/bin/time -f '%M %U %S' -o "$work/rss" \
		    "$bin/ev-synth" "$@" -o "$work/$name"
		rss=$(awk '{ printf "%.0f", $1 / 1024 }' "$work/rss")
		cpu=$(awk '{ printf "%.2f", $2 + $3 }' "$work/rss")
	else
		nice "$bin/ev-synth" "$@" -o "$work/$name"
		rss=? cpu=?
	fi
	wall=$(secs "$t0" "$(now)")
	mb=$(du -sk "$work/$name" | awk '{ printf "%.0f", $1 / 1024 }')
	printf '%-42s %6s s (cpu %6s s) %5s MB %5.0f MB/s  peak RSS %s MB\n' \
	    "ev-synth $*" "$wall" "$cpu" "$mb" \
	    "$(awk -v m="$mb" -v w="$wall" 'BEGIN { print (w > 0 ? m / w : 0) }')" \
	    "$rss"
}

# The anchor: dd of $1 MB with an fsync at the end, to the same disk.
anchor() {
	t0=$(now)
	nice dd if=/dev/zero of="$work/dd" bs=1M count="$1" conv=fsync \
	    2>/dev/null
	a=$(secs "$t0" "$(now)")
	rm -f "$work/dd"
	printf '%-42s %6s s %18s MB %5.0f MB/s  (anchor: the disk floor)\n' \
	    "dd + fsync" "$a" "$1" \
	    "$(awk -v m="$1" -v w="$a" 'BEGIN { print (w > 0 ? m / w : 0) }')"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "ev-synth benchmark on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"

run small -s 1 --events 100000
small=$wall
run medium -s 1 --events 1000000 --no-props
medium=$cpu
run full_np -s 1 --no-props
echo "linearity: 2756101/1000000 events without properties:" \
    "$(ratio "$cpu" "$medium")x the cpu time (2.76x is linear)"
run full -s 1
full=$wall full_mb=$mb full_rss=$rss
rm -rf "$work/full" "$work/full_np"
anchor "$full_mb"
echo "full scale with properties: ${full} s (target < 60 s: $(ratio "$full" 60) of it)," \
    "$(ratio "$full" "$a")x the disk floor, peak RSS $full_rss MB"
echo "100k events: ${small} s (target ~1 s)"
