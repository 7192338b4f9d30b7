#!/bin/sh
# bench-ingest.sh: ev-filter and catalog-snapshot at Retailrocket scale
# (2,756,101 events; 20,275,902 item property rows, ~850 MB), each timed
# next to `wc -l` on the same files in the same run (the I/O floor) and,
# when python3 can import pandas, next to the pandas steps of the original
# system.  Prints wall time (median of BENCH_RUNS runs, each program taking
# turns with its `wc -l`), MB/s, peak RSS and the ratios the issue sets as
# targets; a missed target is reported, not fatal (the machines are shared
# and noisy), a failing program is.
#
# The data is made once and kept in BENCH_INGEST_DATA (default
# ${TMPDIR:-/tmp}/recsys-bench-ingest): by bin/ev-synth (its default scale,
# seed 1) when it is built, otherwise by the small awk generator below
# (Retailrocket schema, sizes and event mix; category ids from the real tree
# when it is present).
#
# Usage: scripts/bench-ingest.sh     (run by `make bench`)
# Environment: RS_BIN, BENCH_INGEST_DATA, BENCH_RUNS (5), BENCH_PANDAS (1;
# 0 skips the pandas runs), BENCH_LIBCSV (1; 0 skips the runs with every
# line read by libcsv, RS_CSV_LIBCSV_ONLY=1, which show what csv_reader's
# fast path is worth), RS_REAL_DATA.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${RS_BIN:-$top/bin}
data=${BENCH_INGEST_DATA:-${TMPDIR:-/tmp}/recsys-bench-ingest}
real=${RS_REAL_DATA:-$top/../shared/data/retailrocket}
runs=${BENCH_RUNS:-5}
cutoff=2015-09-01
cutoff_ms=1441065600000
nevents=2756101
nprops1=10999999
nprops2=9275903
gen_version=1

for p in ev-filter catalog-snapshot; do
	[ -x "$bin/$p" ] || { echo "bench-ingest: $bin/$p missing (make first)" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "bench-ingest: needs python3 (for timing)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-ingest.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# ---- data ---------------------------------------------------------------

make_tree() {
	if [ -f "$real/category_tree.csv" ]; then
		cp "$real/category_tree.csv" "$data/category_tree.csv"
		return
	fi
	# 1669 categories, 25 roots, parents listed before children.
	awk 'BEGIN { srand(7); print "categoryid,parentid"
	    for (i = 0; i < 1669; i++)
		print i "," (i < 25 ? "" : int(rand() * i)) }' \
	    > "$data/category_tree.csv"
}

# gen_events N SEED: events.csv rows, the real mix (96.7% view, 2.5% cart,
# 0.8% transaction) over 4.5 months, skewed item popularity.
gen_events() {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		print "timestamp,visitorid,event,itemid,transactionid"
		for (i = 0; i < n; i++) {
			ts = 1430622000000 + int(rand() * 11923200000)
			r = rand()
			if (r < 0.967) { ev = "view"; tx = "" }
			else if (r < 0.992) { ev = "addtocart"; tx = "" }
			else { ev = "transaction"; tx = int(rand() * 17672) }
			u = rand()
			printf "%.0f,%d,%s,%d,%s\n", ts, int(rand() * 1407580),
			    ev, int(u * u * u * 466867), tx
		}
	}'
}

# gen_props N SEED: item property rows: weekly snapshots of ~417k items,
# 3.9% categoryid, 7.4% available, the rest hashed values.
gen_props() {
	awk -v n="$1" -v seed="$2" -v tree="$data/category_tree.csv" 'BEGIN {
		srand(seed)
		while ((getline line < tree) > 0)
			if (line ~ /^[0-9]/) { split(line, f, ","); cat[nc++] = f[1] }
		print "timestamp,itemid,property,value"
		for (i = 0; i < n; i++) {
			it = int(int(rand() * 417053) * 1.1194)
			ts = 1431226800000 + int(rand() * 19) * 604800000
			r = rand()
			if (r < 0.039) { p = "categoryid"; v = cat[int(rand() * nc)] }
			else if (r < 0.113) { p = "available"; v = (rand() < 0.7) }
			else {
				p = int(rand() * 1104)
				if (rand() < 0.4)
					v = "n" int(rand() * 100000) ".000"
				else
					v = int(rand() * 1400000) " " int(rand() * 1400000) " n" int(rand() * 1000) ".000"
			}
			printf "%.0f,%d,%s,%s\n", ts, it, p, v
		}
	}'
}

# The stamp names the generator, so data from the awk stand-in is made
# again by ev-synth once it is built.
if [ -x "$bin/ev-synth" ]; then
	gen="ev-synth -s 1"
else
	gen="awk $gen_version"
fi
if [ "$(cat "$data/.stamp" 2>/dev/null)" != "$gen" ]; then
	mkdir -p "$data"
	rm -f "$data/.stamp"
	echo "bench-ingest: making the data in $data with $gen (once; ~1 minute)" >&2
	if [ -x "$bin/ev-synth" ]; then
		"$bin/ev-synth" -s 1 -o "$data"
	else
		make_tree
		gen_events "$nevents" 1 > "$data/events.csv" &
		gen_props "$nprops1" 2 > "$data/item_properties_part1.csv" &
		gen_props "$nprops2" 3 > "$data/item_properties_part2.csv"
		wait
	fi
	echo "$gen" > "$data/.stamp"
fi
ev="$data/events.csv"
p1="$data/item_properties_part1.csv"
p2="$data/item_properties_part2.csv"
tree="$data/category_tree.csv"
for f in "$ev" "$p1" "$p2" "$tree"; do
	[ -s "$f" ] || { echo "bench-ingest: $f missing" >&2; exit 1; }
done
ev_bytes=$(wc -c < "$ev")
props_bytes=$(($(wc -c < "$p1") + $(wc -c < "$p2")))

# ---- timing -------------------------------------------------------------

# measure RUNS -- NAME BYTES OUT CMD... [-- NAME BYTES OUT CMD...]:
# runs each CMD (stdout to OUT, /dev/null when OUT is -) RUNS times, the
# commands taking turns so that a change in the machine's load falls on
# all of them alike, and appends "NAME wall_s MB/s rss_MB cpu_s" per
# command to $work/results, wall the median; a failing run stops the
# bench.  CPU time (user + system, median) is added: on a shared, loaded
# machine it is steadier than wall time.  Peak RSS comes from GNU time
# when it is installed: a child forked from python would count python's
# own ~14 MB, which is then the floor shown ("<=").
measure() {
	python3 - "$work" "$@" >> "${results:-$work/results}" <<'PY'
import os, subprocess, sys, time
work, runs, *rest = sys.argv[1:]
groups, cur = [], None
for a in rest:
    if a == "--":
        cur = []
        groups.append(cur)
    else:
        cur.append(a)
gnu_time = os.access("/usr/bin/time", os.X_OK)
rss_file = os.path.join(work, "rss")
res = [([], [], 0) for _ in groups]
for _ in range(int(runs)):
    for i, (name, nbytes, out, *cmd) in enumerate(groups):
        if gnu_time:
            cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd
        sink = open(os.devnull if out == "-" else out, "wb")
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=sink)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        sink.close()
        if status != 0:
            sys.exit("bench-ingest: failed (%d): %s" % (status, " ".join(cmd)))
        walls, cpus, rss = res[i]
        walls.append(wall)
        cpus.append(ru.ru_utime + ru.ru_stime)
        rss = max(rss, int(open(rss_file).read().split()[-1]) if gnu_time
                  else ru.ru_maxrss)
        res[i] = (walls, cpus, rss)
floor = "" if gnu_time else "<="
for (name, nbytes, *_), (walls, cpus, rss) in zip(groups, res):
    walls.sort()
    cpus.sort()
    wall = walls[len(walls) // 2]
    print("%s\t%.3f\t%.0f\t%s%.1f\t%.3f" % (name, wall,
          int(nbytes) / 1e6 / wall, floor if rss < 16384 else "",
          rss / 1024, cpus[len(cpus) // 2]))
PY
}

# Warm the page cache so that every contender reads from memory.
cat "$ev" "$p1" "$p2" > /dev/null

measure "$runs" \
    -- "wc -l events.csv" "$ev_bytes" - wc -l "$ev" \
    -- "ev-filter --until $cutoff" "$ev_bytes" - \
	"$bin/ev-filter" --until "$cutoff" "$ev" \
    -- "ev-filter (all rows out)" "$ev_bytes" - "$bin/ev-filter" "$ev"
measure "$runs" \
    -- "wc -l properties" "$props_bytes" - wc -l "$p1" "$p2" \
    -- "catalog-snapshot --at $cutoff" "$props_bytes" "$work/items.tsv" \
	"$bin/catalog-snapshot" --at "$cutoff" --tree "$tree" "$p1" "$p2"

# A sanity check of what was timed: the split loses and duplicates nothing.
n_train=$("$bin/ev-filter" --until "$cutoff" "$ev" | tail -n +2 | wc -l)
n_test=$("$bin/ev-filter" --from "$cutoff" "$ev" | tail -n +2 | wc -l)
n_all=$(($(wc -l < "$ev") - 1))
[ $((n_train + n_test)) -eq "$n_all" ] ||
    { echo "bench-ingest: split lost rows: $n_train + $n_test != $n_all" >&2; exit 1; }
n_items=$(($(wc -l < "$work/items.tsv") - 1))

py=""
if [ "${BENCH_PANDAS:-1}" != 0 ]; then
	for c in python3 /usr/bin/python3; do
		if command -v "$c" >/dev/null && "$c" -c 'import pandas' 2>/dev/null; then
			py=$c
			break
		fi
	done
fi
if [ -n "$py" ]; then
	measure 1 -- "pandas read_csv+filter (no write)" "$ev_bytes" \
	    "$work/pd_ev" nice "$py" -c '
import sys, pandas as pd
ev = pd.read_csv(sys.argv[1])
train = ev[ev.timestamp < int(sys.argv[2])]
print(len(train))' "$ev" "$cutoff_ms"
	measure 1 -- "pandas read_csv+filter+sort+last" "$props_bytes" \
	    "$work/pd_cat" nice "$py" -c '
import sys, pandas as pd
at = int(sys.argv[1])
p = pd.concat([pd.read_csv(f) for f in sys.argv[2:]], ignore_index=True)
p = p[p.property.isin(["categoryid", "available"]) & (p.timestamp < at)]
p = p.sort_values("timestamp", kind="stable")
last = p.drop_duplicates(["itemid", "property"], keep="last")
print(int((last.property == "categoryid").sum()))' "$cutoff_ms" "$p1" "$p2"
	# The same answers, or the comparison means nothing.
	[ "$(cat "$work/pd_ev")" -eq "$n_train" ] ||
	    { echo "bench-ingest: pandas kept $(cat "$work/pd_ev") events, ev-filter $n_train" >&2; exit 1; }
	[ "$(cat "$work/pd_cat")" -eq "$n_items" ] ||
	    echo "bench-ingest: note: pandas found $(cat "$work/pd_cat") items with a category, catalog-snapshot wrote $n_items (items outside the tree are dropped)" >&2
fi

# csv_reader with every line through libcsv (RS_CSV_LIBCSV_ONLY=1): the
# same output, and the price of the fast path's absence.
if [ "${BENCH_LIBCSV:-1}" != 0 ]; then
	results="$work/results-libcsv" measure "$runs" \
	    -- "ev-filter --until $cutoff" "$ev_bytes" "$work/train-fast.tsv" \
		"$bin/ev-filter" --until "$cutoff" "$ev" \
	    -- "ev-filter --until (libcsv only)" "$ev_bytes" \
		"$work/train-libcsv.tsv" env RS_CSV_LIBCSV_ONLY=1 \
		"$bin/ev-filter" --until "$cutoff" "$ev" \
	    -- "catalog-snapshot --at $cutoff" "$props_bytes" "$work/items.tsv" \
		"$bin/catalog-snapshot" --at "$cutoff" --tree "$tree" "$p1" "$p2" \
	    -- "catalog-snapshot (libcsv only)" "$props_bytes" \
		"$work/items-libcsv.tsv" env RS_CSV_LIBCSV_ONLY=1 \
		"$bin/catalog-snapshot" --at "$cutoff" --tree "$tree" "$p1" "$p2"
	cmp -s "$work/train-fast.tsv" "$work/train-libcsv.tsv" &&
	    cmp -s "$work/items.tsv" "$work/items-libcsv.tsv" ||
	    { echo "bench-ingest: the fast path and libcsv gave different output" >&2; exit 1; }
fi

# ---- report -------------------------------------------------------------

echo "bench-ingest: data by $gen; $(nproc) CPUs, load $(cut -d ' ' -f 1-3 /proc/loadavg);" \
    "events.csv $((ev_bytes / 1000000)) MB, properties $((props_bytes / 1000000)) MB;" \
    "median of $runs runs (pandas: 1)"
printf '%-36s %8s %8s %8s %8s\n' "what" "wall s" "MB/s" "RSS MB" "CPU s"
awk -F '\t' '{ printf "%-36s %8.3f %8.0f %8s %8.3f\n", $1, $2, $3, $4, $5 }' "$work/results"
awk -F '\t' -v pandas="$py" '
	{ wall[NR] = $2; rss[NR] = $4; sub(/^<=/, "", rss[NR]); cpu[NR] = $5 }
	function verdict(ok) { return ok ? "ok" : "MISSED" }
	END {
		printf "ev-filter --until / wc -l:        %5.1fx  (target <= 4x)  %s   (CPU time: %.1fx)\n",
		    wall[2] / wall[1], verdict(wall[2] / wall[1] <= 4), cpu[2] / cpu[1]
		printf "ev-filter all rows / wc -l:       %5.1fx                        (CPU time: %.1fx)\n",
		    wall[3] / wall[1], cpu[3] / cpu[1]
		printf "catalog-snapshot / wc -l:         %5.1fx  (target <= 6x)  %s   (CPU time: %.1fx)\n",
		    wall[5] / wall[4], verdict(wall[5] / wall[4] <= 6), cpu[5] / cpu[4]
		printf "catalog-snapshot peak RSS:        %5.0f MB (target < 300) %s\n",
		    rss[5], verdict(rss[5] < 300)
		if (pandas != "") {
			printf "pandas / ev-filter --until:       %5.1fx  (target >= 10x) %s   (CPU time: %.1fx)\n",
			    wall[6] / wall[2], verdict(wall[6] / wall[2] >= 10), cpu[6] / cpu[2]
			printf "pandas / catalog-snapshot:        %5.1fx  (target >= 10x) %s   (CPU time: %.1fx)\n",
			    wall[7] / wall[5], verdict(wall[7] / wall[5] >= 10), cpu[7] / cpu[5]
			printf "pandas peak RSS: events %.0f MB, properties %.0f MB\n", rss[6], rss[7]
		} else {
			print "pandas: skipped (BENCH_PANDAS=0, or no python3 that imports pandas)"
		}
	}' "$work/results"
if [ -s "$work/results-libcsv" ]; then
	echo "csv_reader's fast path against libcsv reading every line (RS_CSV_LIBCSV_ONLY=1), same output:"
	awk -F '\t' '{ printf "%-36s %8.3f %8.0f %8s %8.3f\n", $1, $2, $3, $4, $5 }' "$work/results-libcsv"
	awk -F '\t' '{ wall[NR] = $2; cpu[NR] = $5 }
	END {
		printf "ev-filter libcsv / fast path:     %5.1fx wall  (CPU time: %.1fx)\n", wall[2] / wall[1], cpu[2] / cpu[1]
		printf "catalog-snapshot libcsv / fast:   %5.1fx wall  (CPU time: %.1fx)\n", wall[4] / wall[3], cpu[4] / cpu[3]
	}' "$work/results-libcsv"
fi
