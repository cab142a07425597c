#!/bin/sh
# Install a built motcua .deb on a clean Debian 12 and use it there.
#
# Usage: test-deb-chroot.sh build/deb/motcua_VERSION_ARCH.deb   (as root)
#
# packaging/test-deb.sh runs the unpacked files laid over /usr; this proves
# what a clerk's machine sees: a fresh Debian 12 (bookworm) root made by
# mmdebstrap (variant apt: Essential, apt, nothing else) from the Debian
# mirror, where `apt-get install ./motcua_*.deb` must resolve every Depends
# from the mirror and run the maintainer scripts.  Then, inside that root,
# as a new non-root user and as root:
#
#   motcua --version                  the package's version
#   motcua doctor                     reads /etc/motcua/config.json,
#                                     /usr/share/motcua/procedures.json and
#                                     the notices in /usr/share/motcua/calendar
#   motcua demo --check               starts the packaged motcua-sandbox,
#                                     signs in, syncs every system, in
#                                     Vietnamese from the packaged catalogue
#   man -w motcua                     when man-db is there (MOTCUA_DEB_MAN=1
#                                     installs it); else the page's file
#
# then `apt-get remove` (programs gone, the conffile /etc/motcua/config.json
# kept) and `apt-get purge` (the conffile and /etc/motcua gone, dpkg forgets
# the package).
#
# mmdebstrap builds the root in its own temporary directory with /proc, /sys
# and /dev mounted only while the hook runs, unmounts and removes it at the
# end whatever happens (its TARGET is /dev/null: nothing is kept).  The host's
# /usr and dpkg database are never touched.  Recommends are not installed
# (the Depends alone must be enough); MOTCUA_DEB_RECOMMENDS=1 installs them
# (gnome-keyring and its session bus: much more to download).
#
# Environment: MOTCUA_DEB_MIRROR (default http://deb.debian.org/debian),
# MOTCUA_DEB_SECURITY (default http://deb.debian.org/debian-security; empty:
# none), MOTCUA_DEB_KEEP=DIR copies the logs there.  Needs root and
# mmdebstrap (installed here when missing, as packaging/deps.sh does).
set -eu

deb=${1:?usage: test-deb-chroot.sh PACKAGE.deb}
[ -f "$deb" ] || { echo "test-deb-chroot: $deb: no such file" >&2; exit 1; }
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
if [ "$(id -u)" != 0 ]; then
	echo "test-deb-chroot: needs root (mmdebstrap, chroot); skipped" >&2
	exit 77
fi
st=$(dpkg-query -W -f='${db:Status-Status}' mmdebstrap 2>/dev/null || true)
if [ "$st" != installed ]; then
	echo "test-deb-chroot: installing: mmdebstrap" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		mmdebstrap >/dev/null 2>&1 ||
		{ DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends mmdebstrap >/dev/null; }
fi

mirror=${MOTCUA_DEB_MIRROR:-http://deb.debian.org/debian}
security=${MOTCUA_DEB_SECURITY-http://deb.debian.org/debian-security}
version=$(dpkg-deb -f "$deb" Version)
tmp=$(mktemp -d /tmp/motcua-chroot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
cp "$deb" "$tmp/motcua.deb"

# The hook runs on the host with the root's path as $1 while mmdebstrap
# holds /proc, /sys and /dev mounted in it.  Everything it learns goes to
# $tmp/log; a failing command fails the hook and so mmdebstrap.
cat > "$tmp/hook.sh" <<'EOF'
set -eu
root=$1 tmp=$2 version=$3
log=$tmp/log
t0=$(date +%s)
say() { echo "test-deb-chroot: $*" | tee -a "$log"; }
fail() { say "FAIL: $*"; exit 1; }
# MOTCUA_KEYRING=memory: the kernel's persistent keyring is per user id and
# shared with the host, not the chroot's; a run must neither leave keys in
# the host's keyring nor find an earlier run's (a data key without its
# store is refused, as it should be on a real terminal).
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 MOTCUA_KEYRING=memory "$@"; }
as_clerk() { chroot --userspec=clerk:clerk "$root" env -i PATH=/usr/bin:/bin \
	HOME=/home/clerk USER=clerk LANG=C.UTF-8 LC_ALL=C.UTF-8 MOTCUA_KEYRING=memory "$@"; }

say "root built in $((t0 - $(cat "$tmp/t-start"))) s ($(du -sm "$root" | cut -f1) MB)"
cp "$tmp/motcua.deb" "$root/tmp/motcua_${version}.deb"
recommends=--no-install-recommends
[ "${MOTCUA_DEB_RECOMMENDS:-0}" = 1 ] && recommends=
[ "${MOTCUA_DEB_MAN:-0}" = 1 ] && in_root apt-get install -y -q --no-install-recommends \
	man-db >> "$log" 2>&1
# shellcheck disable=SC2086
in_root apt-get install -y -q $recommends "/tmp/motcua_${version}.deb" > "$tmp/install" 2>&1 ||
	{ cat "$tmp/install" >> "$log"; fail "apt-get install ./motcua_${version}.deb"; }
cat "$tmp/install" >> "$log"
new=$(grep -c '^Setting up ' "$tmp/install" || true)
say "ok   apt-get install ./motcua_${version}.deb: $new packages set up in $(( $(date +%s) - t0 )) s"
in_root dpkg -s motcua | grep -qx 'Status: install ok installed' || fail "dpkg -s motcua"
in_root dpkg --verify motcua || fail "dpkg --verify motcua: installed files differ"
[ -f "$root/etc/motcua/config.json" ] || fail "/etc/motcua/config.json not installed"

in_root useradd -m -s /bin/sh clerk || fail "useradd clerk"
for who in clerk root; do
	t1=$(date +%s)
	out=$tmp/out-$who
	mkdir -p "$out"
	if [ "$who" = root ]; then
		run() { in_root env HOME=/root "$@"; }
	else
		run() { as_clerk "$@"; }
	fi
	run sh -c 'cd && motcua --version' > "$out/version" 2>&1 || fail "$who: motcua --version"
	grep -qx "motcua $version" "$out/version" ||
		fail "$who: motcua --version: $(cat "$out/version")"
	run sh -c 'cd && motcua doctor' > "$out/doctor" 2>&1 || true
	grep -q 'config .*/etc/motcua/config.json' "$out/doctor" ||
		{ cat "$out/doctor" >> "$log"; fail "$who: motcua doctor does not read /etc/motcua/config.json"; }
	grep -q 'procedures .*/usr/share/motcua/procedures.json' "$out/doctor" ||
		{ cat "$out/doctor" >> "$log"; fail "$who: motcua doctor: /usr/share/motcua/procedures.json"; }
	grep -q 'calendar .*/usr/share/motcua/calendar: [1-9]' "$out/doctor" ||
		{ cat "$out/doctor" >> "$log"; fail "$who: motcua doctor: the shipped notices"; }
	run sh -c 'cd && motcua demo --check --dossiers 300' > "$out/demo" 2>&1 ||
		{ cat "$out/demo" >> "$log"; fail "$who: motcua demo --check"; }
	grep -q '^sync: tuphap ok' "$out/demo" && tail -n 1 "$out/demo" | grep -qx ok ||
		{ cat "$out/demo" >> "$log"; fail "$who: motcua demo --check did not sync"; }
	grep -q 'hộp cát' "$out/demo" ||
		{ cat "$out/demo" >> "$log"; fail "$who: motcua demo did not speak Vietnamese"; }
	say "ok   as $who: --version, doctor reads /etc/motcua and /usr/share/motcua" \
	    "(the shipped notices too)," \
	    "demo --check synced ($(( $(date +%s) - t1 )) s)"
done

if in_root sh -c 'command -v man' >/dev/null 2>&1; then
	p=$(in_root man -w motcua) || fail "man -w motcua"
	[ "$p" = /usr/share/man/man1/motcua.1.gz ] || fail "man -w motcua: $p"
	say "ok   man -w motcua: $p"
else
	for m in man1/motcua.1.gz man1/motcua-sandbox.1.gz man5/motcua.conf.5.gz; do
		[ -s "$root/usr/share/man/$m" ] || fail "/usr/share/man/$m missing"
	done
	say "ok   man pages installed (no man-db in the root: man -w not run)"
fi

in_root apt-get remove -y -q motcua >> "$log" 2>&1 || fail "apt-get remove motcua"
for f in /usr/bin/motcua /usr/bin/motcua-sandbox /usr/share/motcua/procedures.json; do
	[ ! -e "$root$f" ] || fail "apt-get remove left $f"
done
[ -f "$root/etc/motcua/config.json" ] || fail "apt-get remove removed the conffile"
in_root dpkg -s motcua 2>/dev/null | grep -qx 'Status: deinstall ok config-files' ||
	fail "after remove, dpkg -s motcua: $(in_root dpkg -s motcua 2>&1 | grep Status)"
say "ok   apt-get remove: programs and data gone, /etc/motcua/config.json kept"
in_root apt-get purge -y -q motcua >> "$log" 2>&1 || fail "apt-get purge motcua"
[ ! -e "$root/etc/motcua" ] || fail "apt-get purge left /etc/motcua: $(ls -A "$root/etc/motcua")"
if in_root dpkg -s motcua >/dev/null 2>&1; then
	fail "dpkg still knows motcua after purge"
fi
left=$(in_root sh -c 'ls -d /usr/share/doc/motcua /usr/share/motcua /usr/share/man/man1/motcua.1.gz \
	/usr/share/locale/vi/LC_MESSAGES/motcua.mo 2>/dev/null' || true)
[ -z "$left" ] || fail "purge left: $left"
say "ok   apt-get purge: /etc/motcua gone, dpkg forgot motcua"
say "install and checks took $(( $(date +%s) - t0 )) s"
EOF

echo "test-deb-chroot: building a Debian 12 root (mmdebstrap, variant apt) from $mirror"
start=$(date +%s)
echo "$start" > "$tmp/t-start"
: > "$tmp/log"
set -- --variant=apt --mode=root --quiet \
	--include=ca-certificates,passwd \
	--customize-hook="sh $tmp/hook.sh \"\$1\" $tmp $version"
if [ -n "$security" ]; then
	set -- "$@" bookworm /dev/null "deb $mirror bookworm main" \
		"deb $mirror bookworm-updates main" "deb $security bookworm-security main"
else
	set -- "$@" bookworm /dev/null "deb $mirror bookworm main"
fi
rc=0
mmdebstrap "$@" > "$tmp/mmdebstrap.log" 2>&1 || rc=$?
if [ -n "${MOTCUA_DEB_KEEP:-}" ]; then
	mkdir -p "$MOTCUA_DEB_KEEP"
	cp -R "$tmp"/log "$tmp"/mmdebstrap.log "$tmp"/out-* "$MOTCUA_DEB_KEEP/" 2>/dev/null || true
fi
if [ "$rc" != 0 ]; then
	tail -n 30 "$tmp/mmdebstrap.log" >&2
	grep -v '^test-deb-chroot: ' "$tmp/log" | tail -n 40 >&2 || true
	grep '^test-deb-chroot: ' "$tmp/log" >&2 || true
	echo "test-deb-chroot: FAIL (mmdebstrap exit $rc) after $(( $(date +%s) - start )) s" >&2
	exit 1
fi
grep '^test-deb-chroot: ' "$tmp/log"
echo "test-deb-chroot: ok in $(( $(date +%s) - start )) s (download, build the root, install," \
     "run, remove, purge)"
