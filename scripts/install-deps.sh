#!/bin/sh
# Installs the Debian packages recsys-ecom needs to build, test and
# benchmark.  Idempotent, and silent when everything is already present;
# otherwise it runs apt-get update and installs what is missing (as root, or
# through sudo).  Set RS_NO_INSTALL=1 to only report what is missing.
set -eu

PKGS="gcc make libc6-dev libcsv-dev libopenblas-dev zlib1g-dev
bats bats-assert bats-support bats-file mandoc curl prometheus
systemd ucspi-tcp wrk hyperfine valgrind clang libclang-rt-14-dev
python3 util-linux procps jq time
openmpi-bin libopenmpi-dev haproxy
gnuplot-nox chromium"
# gnuplot-nox and time are run-time needs of pipeline.mk (report.html's
# plots, each stage's cost); chromium is the test of report.html.

missing=""
for p in $PKGS; do
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
