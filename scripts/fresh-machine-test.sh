#!/bin/sh
# fresh-machine-test.sh: the README's two commands, run exactly as written
# (read from between its "readme-commands" markers, so they cannot drift),
# each as the very first command on its own fresh Debian bookworm system:
# a `debootstrap --variant=minbase` chroot with only git and ca-certificates
# added, holding a git clone of this repository's HEAD.  Fails when either
# command fails, so a package once installed by hand can never hide a
# missing install step.  Prints each command's wall time.
#
# Usage: scripts/fresh-machine-test.sh [N ...]
#   (as root; N picks the README's commands by position, default all)
#
# The Debian mirror is the one apt already uses here (read from
# /etc/apt/sources.list.d/*.sources, or sources.list); set RS_MIRROR to use
# another.  The downloaded base system is cached as a debootstrap tarball
# in RS_FRESH_CACHE (default /var/cache/recsys-ecom; remade when older than
# 30 days); the chroots are made under RS_FRESH_TMP (default /var/tmp).
# A command still running after RS_FRESH_TIMEOUT seconds (default 2400)
# fails.
#
# Mounts: /proc and a read-only /sys in each chroot, and fresh tmpfs and
# devpts instances on its /dev/shm and /dev/pts (the host's /dev is never
# bound: debootstrap made the device nodes).  Every mount is undone, in
# reverse order, on success, failure or interruption, and the chroot is
# removed only once findmnt shows nothing mounted below it.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${RS_FRESH_CACHE:-/var/cache/recsys-ecom}
tmproot=${RS_FRESH_TMP:-/var/tmp}
suite=bookworm
include=git,ca-certificates
tarball=$cache/debootstrap-minbase-$suite-git.tgz
limit=${RS_FRESH_TIMEOUT:-2400}     # seconds allowed to each command

say() { printf 'fresh-machine-test: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mount)"
if ! command -v debootstrap >/dev/null 2>&1; then
	say "installing debootstrap"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends debootstrap \
	    >/dev/null || die "cannot install debootstrap"
fi
for c in findmnt git chroot; do
	command -v "$c" >/dev/null 2>&1 ||
	    die "needs $c (apt-get install util-linux git coreutils)"
done

# ---- the README's commands -------------------------------------------------
# The indented lines between the markers, as they are in the commit tested.
readme_commands() {
	git -C "$top" show HEAD:README.md |
	    sed -n '/^<!-- readme-commands/,/^<!-- \/readme-commands/p' |
	    sed -n 's/^    //p'
}
ncmds=$(readme_commands | wc -l)
[ "$ncmds" -ge 1 ] ||
    die "README.md has no commands between <!-- readme-commands --> markers"

# ---- the mirror apt uses -------------------------------------------------
# The first URI of an enabled "deb" source for a main Debian suite (not
# -security or -updates): deb822 .sources first, then one-line lists.
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = "" }
		function flush() {
			if (enabled != "no" && (" " types " ") ~ / deb / &&
			    (" " suites " ") ~ / [a-z]+ / && uris != "") {
				split(uris, u, " ")
				print u[1]
				found = 1
				exit
			}
		}
		{
			types = uris = suites = ""; enabled = "yes"; key = ""
			n = split($0, line, "\n")
			for (i = 1; i <= n; i++) {
				l = line[i]
				if (l ~ /^#/) continue
				if (l ~ /^[ \t]/) { v = l }   # continuation line
				else {
					key = tolower(l); sub(/:.*/, "", key)
					v = l; sub(/^[^:]*:/, "", v)
				}
				if (key == "types") types = types " " v
				else if (key == "uris") uris = uris " " v
				else if (key == "suites") suites = suites " " v
				else if (key == "enabled") enabled = tolower(v)
			}
			gsub(/[ \t]+/, " ", enabled); sub(/^ /, "", enabled)
			flush()
		}' "$f"
	done | head -n 1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && cat "$f"
	done | awk '$1 == "deb" {
		i = 2
		if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
		if ($(i + 1) ~ /^[a-z]+$/) { print $i; exit }
	}'
}
mirror=${RS_MIRROR:-$(apt_mirror | head -n 1)}
[ -n "$mirror" ] || die "no Debian mirror found in apt's sources"

# ---- cleanup: every mount undone, then the chroots removed ----------------
work=""
mounts=""          # newest first, one per line

# teardown DIR: stops the processes running inside DIR (a server a
# command left, an agent apt started: ours, by pid), undoes every recorded
# mount in reverse order (umount -l detaches even a busy one), and removes
# DIR only when findmnt shows nothing mounted below it.  Returns 1 if
# something is still mounted (DIR then left alone).
teardown() {
	dir=$1
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in "$dir" | "$dir"/*) kill -9 "${p#/proc/}" 2>/dev/null || : ;; esac
	done
	printf '%s\n' "$mounts" | while IFS= read -r m; do
		if [ -n "$m" ]; then umount -l "$m" 2>/dev/null || :; fi
	done
	mounts=""
	[ -d "$dir" ] || return 0
	left=$(findmnt -rn -o TARGET | awk -v d="$dir" \
	    'index($0 "/", d "/") == 1')
	if [ -n "$left" ]; then
		say "still mounted, $dir NOT removed:"
		printf '%s\n' "$left" >&2
		return 1
	fi
	rm -rf --one-file-system "$dir"
}

cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$work" ]; then
		teardown "$work" || rc=1
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mnt() {         # mnt TARGET mount-args...: mounts and records TARGET
	t=$1; shift
	mount "$@" "$t"
	mounts="$t
$mounts"
}

work=$(mktemp -d "$tmproot/recsys-fresh.XXXXXX")

# ---- the base system, downloaded once -------------------------------------
mkdir -p "$cache"
if [ -n "$(find "$tarball" -mtime +30 2>/dev/null)" ]; then
	rm -f "$tarball"
fi
if [ ! -s "$tarball" ]; then
	say "downloading a minbase $suite (+$include) from $mirror"
	debootstrap --variant=minbase --include="$include" \
	    --make-tarball="$work/base.tgz" "$suite" "$work/download" \
	    "$mirror" >"$work/debootstrap.log" 2>&1 ||
	    { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
	mv "$work/base.tgz" "$tarball"
	rm -rf --one-file-system "$work/download"
fi

# ---- one fresh chroot per command ----------------------------------------
commit=$(git -C "$top" rev-parse HEAD)
summary=""
failed=0
i=0
readme_commands > "$work/commands"
while IFS= read -r cmd <&3; do
	i=$((i + 1))
	if [ $# -gt 0 ]; then
		case " $* " in *" $i "*) ;; *) continue ;; esac
	fi
	root="$work/root$i"
	shown=$(printf '%s' "$cmd" | sed 's/[[:space:]]*#.*//')
	say "[$i] a fresh minbase $suite in $root"
	debootstrap --variant=minbase --include="$include" \
	    --unpack-tarball="$tarball" "$suite" "$root" "$mirror" \
	    >"$work/debootstrap$i.log" 2>&1 ||
	    { tail -n 20 "$work/debootstrap$i.log" >&2; die "debootstrap failed"; }
	# As in any chroot: packages do not start their services inside it.
	printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	mnt "$root/proc" -t proc proc
	mnt "$root/sys" -t sysfs -o ro sysfs
	mkdir -p "$root/dev/shm" "$root/dev/pts"
	mnt "$root/dev/shm" -t tmpfs -o mode=1777,size=1g tmpfs
	mnt "$root/dev/pts" -t devpts -o newinstance,ptmxmode=0666 devpts

	git clone -q "$top" "$root/root/recsys-ecom"
	git -C "$root/root/recsys-ecom" checkout -q --detach "$commit"

	say "[$i] \$ $shown"
	start=$(date +%s)
	# In the background, so that a signal to this script is handled at
	# once; bounded, so that a hung test cannot hang CI (timeout signals
	# the command's whole process group).
	timeout --kill-after=30 "$limit" chroot "$root" /usr/bin/env -i \
	    HOME=/root TERM=dumb \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/sh -c "cd /root/recsys-ecom && $cmd" </dev/null &
	st=0
	wait $! || st=$?
	if [ "$st" = 0 ]; then
		res=passed
	elif [ "$st" = 124 ] || [ "$st" = 137 ]; then
		res="FAILED (still running after $limit s)"
		failed=1
	else
		res="FAILED (status $st)"
		failed=1
	fi
	# What the README says next works there too: its manual pages.
	if [ "$st" = 0 ] && ! chroot "$root" /bin/sh -c \
	    'cd /root/recsys-ecom && man -l man/ev-filter.1' </dev/null \
	    2>&1 | grep -q 'ev-filter'; then
		res="FAILED (afterwards, man -l man/ev-filter.1 does not work)"
		failed=1
	fi
	secs=$(($(date +%s) - start))
	say "[$i] $shown: $res in ${secs} s"
	summary="$summary$(printf '  %-16s %s in %d s' "$shown" "$res" "$secs")
"
	# This chroot goes now, mounts first, before the next one is made.
	teardown "$root" || exit 1
done 3< "$work/commands"

say "commit $commit, mirror $mirror:"
printf '%s' "$summary" >&2
[ "$failed" = 0 ]
