#!/bin/sh
# test.sh: the README's test command, the first one that works on a fresh
# Debian bookworm machine (root, or sudo).  It installs what the tests need,
# make included (scripts/install-deps.sh test: silent when all is there),
# builds the programs and unit tests quietly, and runs every unit test of
# common/ and every bats file, ending with one line "N passed, N failed,
# N skipped".  Exit status 0 when nothing failed, 1 otherwise.
# Usage: scripts/test.sh
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
exec make -j2 --no-print-directory check
