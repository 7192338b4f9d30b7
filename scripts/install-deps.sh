#!/bin/sh
# Installs the Debian packages recsys-ecom needs for one or more purposes:
#
#   scripts/install-deps.sh [run | test | bench | fuzz ...]   (default: run)
#
#   run    build the programs and run the demo (scripts/demo.sh)
#   test   the test suite (scripts/test.sh, make check, make sanitize)
#   bench  the benchmarks (make bench)
#   fuzz   the libFuzzer harnesses (make fuzz)
#
# Several purposes install the union of their lists; every purpose
# includes run, since each builds the programs first.  Idempotent, and
# silent when everything is already present; otherwise it runs apt-get
# update, then installs what is missing (as root, or through sudo).
# RS_NO_INSTALL=1 only reports what is missing (exit 1).
#
# To add a package: put it in the list of every purpose that needs it (a
# package may be in several lists), with the reason when it is not obvious.
set -eu

# Compiler, make, the three libraries, curl for the demo's request;
# pipeline.mk's run-time needs: /usr/bin/time (each stage's cost) and
# gnuplot-nox (report.html's plots); man-db so that "man -l man/PAGE"
# (README) works.
PKGS_run="gcc make libc6-dev libcsv-dev zlib1g-dev curl time
gnuplot-nox man-db"

# bats and its helpers; mandoc (make lint-man, the man page tests); man-db
# (systemd-analyze verify runs man for Documentation=man:...); promtool,
# systemd-analyze, tcpserver, haproxy, wrk and python3 (rec-serve's sample
# configs, clients and load); procps (pgrep), jq; Open MPI (als-fit built
# with mpicc and run under mpirun); chromium (the test of report.html);
# binutils (strings) and bsdextrautils (column), which the man pages'
# EXAMPLES use (tests/man-examples.bats runs them).
PKGS_test="bats bats-assert bats-support bats-file mandoc man-db prometheus
systemd ucspi-tcp haproxy wrk python3 procps jq
openmpi-bin libopenmpi-dev chromium binutils bsdextrautils"

# Load generators and timers; bc, python3, tcpserver and procps for the
# serving and ingest benchmarks; OpenBLAS for bench-als.sh's anchor (an
# sgemm).
PKGS_bench="wrk hyperfine valgrind time bc python3 ucspi-tcp procps
libopenblas-dev"

# clang with its libFuzzer and sanitizer runtimes.
PKGS_fuzz="clang libclang-rt-14-dev"

usage() {
	echo "usage: install-deps.sh [run | test | bench | fuzz ...]" >&2
	exit 64
}

want=$PKGS_run
for purpose in "$@"; do
	case $purpose in
	run) ;;
	test) want="$want $PKGS_test" ;;
	bench) want="$want $PKGS_bench" ;;
	fuzz) want="$want $PKGS_fuzz" ;;
	*) usage ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "${RS_NO_INSTALL:-0}" = 1 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
