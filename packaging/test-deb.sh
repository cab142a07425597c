#!/bin/sh
# Check a built motcua .deb the way a clerk's machine would see it.
#
# Usage: test-deb.sh build/deb/motcua_VERSION_ARCH.deb
#
# 1. The package holds what issue 9 asks for, where Debian puts it, with the
#    default configuration as a conffile.
# 2. Its man pages render without a warning (man --warnings).
# 3. The programs run from the unpacked files (dpkg -x) as if installed: as
#    root with unshare(1), in a private mount namespace where the unpacked
#    usr/ and etc/ are laid over /usr and /etc by a read-only overlay, so the
#    compiled-in paths (/usr/share/motcua, /usr/share/locale, /etc/motcua)
#    are the package's and the machine itself is never touched.  There,
#    `motcua doctor` must read /etc/motcua/config.json,
#    /usr/share/motcua/procedures.json and the shipped notices in
#    /usr/share/motcua/calendar, `motcua calendar 2026` must show them and
#    `motcua demo --check` must start the packaged sandbox, sign in and
#    sync every system.  Without root or unshare, only what runs without
#    the installed paths is checked (and the script says so).
set -eu

deb=${1:?usage: test-deb.sh PACKAGE.deb}
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
tmp=$(mktemp -d /tmp/motcua-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }

# ---- 1. contents -------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/files"
for f in /usr/bin/motcua /usr/bin/motcua-sandbox \
	 /usr/share/man/man1/motcua.1.gz /usr/share/man/man1/motcua-sandbox.1.gz \
	 /usr/share/man/man5/motcua.conf.5.gz \
	 /usr/share/locale/vi/LC_MESSAGES/motcua.mo /usr/share/locale/en/LC_MESSAGES/motcua.mo \
	 /etc/motcua/config.json /usr/share/motcua/procedures.json \
	 /usr/share/motcua/calendar/README.md /usr/share/motcua/sources.d/README.md \
	 /usr/share/motcua/calendar/2024.json /usr/share/motcua/calendar/2025.json \
	 /usr/share/motcua/calendar/2026.json \
	 /usr/share/motcua/sources.d/examples/tinh.json \
	 /usr/share/motcua/exercises/buoi-sang-dau-tien.json \
	 /usr/share/doc/motcua/copyright /usr/share/doc/motcua/changelog.gz; do
	grep -qx "$f" "$tmp/files" || fail "$f is not in the package"
done
dpkg-deb -f "$deb" Package Version Architecture Depends | sed 's/^/test-deb: /'
dpkg-deb -e "$deb" "$tmp/DEBIAN"
grep -qx /etc/motcua/config.json "$tmp/DEBIAN/conffiles" ||
	fail "/etc/motcua/config.json is not a conffile"
echo "test-deb: ok   contents ($(wc -l < "$tmp/files") paths, conffile /etc/motcua/config.json)"

# ---- 2. man pages ----------------------------------------------------------------
root=$tmp/root
dpkg -x "$deb" "$root"
for m in "$root"/usr/share/man/man*/*.gz; do
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>&1 >/dev/null) ||
		fail "man -l ${m#"$root"} failed"
	[ -z "$warn" ] || fail "man -l ${m#"$root"} warns: $warn"
done
echo "test-deb: ok   man pages render without warnings"

# ---- 3. the programs -----------------------------------------------------------------
# Run as installed.  The commands run in a clean home so the user's own
# configuration cannot hide the system-wide one.
home=$tmp/home
mkdir -p "$home"
cat > "$tmp/run.sh" <<'EOF'
set -eu
root=$1 home=$2 out=$3
if [ "${4:-}" = overlay ]; then
	mount -t overlay overlay -o "lowerdir=$root/usr:/usr" /usr
	mount -t overlay overlay -o "lowerdir=$root/etc:/etc" /etc
	bin=/usr/bin
else
	bin=$root/usr/bin
	export MOTCUA_LOCALEDIR="$root/usr/share/locale"
fi
cd "$home"
export HOME="$home" LANG=C.UTF-8 LC_ALL=C.UTF-8 MOTCUA_KEYRING=memory # nothing left in the keyring
unset MOTCUA_HOME XDG_CONFIG_HOME XDG_DATA_HOME MOTCUA_ISSUER LANGUAGE
"$bin/motcua" --version > "$out/version"
"$bin/motcua" calendar 2026 > "$out/calendar"
"$bin/motcua" doctor > "$out/doctor" 2>&1 || true
"$bin/motcua-sandbox" --help > "$out/sandbox-help"
"$bin/motcua" demo --check --dossiers 300 --sandbox "$bin/motcua-sandbox" > "$out/demo" 2>&1
"$bin/motcua" demo --exercise list > "$out/exercises" 2>&1 || true
EOF
mode=plain
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
   unshare -m true 2>/dev/null; then
	mode=overlay
fi
out=$tmp/out
mkdir -p "$out"
if [ "$mode" = overlay ]; then
	unshare -m sh "$tmp/run.sh" "$root" "$home" "$out" overlay ||
		{ cat "$out/demo" 2>/dev/null >&2; fail "the installed programs failed"; }
else
	echo "test-deb: not root or no unshare: running from the unpacked tree only" >&2
	sh "$tmp/run.sh" "$root" "$home" "$out" ||
		{ cat "$out/demo" 2>/dev/null >&2; fail "the unpacked programs failed"; }
fi

version=$(dpkg-deb -f "$deb" Version)
grep -qx "motcua $version" "$out/version" || fail "motcua --version: $(cat "$out/version")"
grep -q '2026-02-17' "$out/calendar" || fail "motcua calendar 2026 lacks Tết (2026-02-17)"
grep -q 'listening on URL' "$out/sandbox-help" || fail "motcua-sandbox --help"
grep -q '^sync: tuphap ok' "$out/demo" && tail -n 1 "$out/demo" | grep -qx ok ||
	{ cat "$out/demo" >&2; fail "motcua demo --check"; }
if [ "$mode" = overlay ]; then
	grep -q 'config .*/etc/motcua/config.json' "$out/doctor" ||
		{ cat "$out/doctor" >&2; fail "motcua doctor does not read /etc/motcua/config.json"; }
	grep -q 'procedures .*/usr/share/motcua/procedures.json' "$out/doctor" ||
		{ cat "$out/doctor" >&2; fail "motcua does not read /usr/share/motcua/procedures.json"; }
	# the shipped notice of 2026: Friday 2/1 off, Saturday 10/1 worked
	grep -q 'calendar .*/usr/share/motcua/calendar: [1-9]' "$out/doctor" ||
		{ cat "$out/doctor" >&2; fail "motcua doctor does not read /usr/share/motcua/calendar"; }
	grep -q '^2026-01-02 ' "$out/calendar" && grep -q '^2026-01-10 ' "$out/calendar" ||
		{ cat "$out/calendar" >&2; fail "motcua calendar 2026 lacks the shipped notice"; }
	# the shipped exercises, from /usr/share/motcua/exercises
	grep -q '^buoi-sang-dau-tien ' "$out/exercises" ||
		{ cat "$out/exercises" >&2; fail "motcua demo --exercise list lacks the shipped ones"; }
	# The catalogue is the installed one: a Vietnamese message from it.
	grep -q 'hộp cát' "$out/demo" ||
		{ cat "$out/demo" >&2; fail "motcua demo did not speak Vietnamese (catalogue)"; }
	echo "test-deb: ok   installed programs (overlay over /usr and /etc):" \
	     "version, calendar with the shipped notices, doctor reads /etc/motcua and" \
	     "/usr/share/motcua, demo --check, the shipped exercises"
else
	echo "test-deb: ok   unpacked programs: version, calendar, demo --check"
fi
echo "test-deb: ok"
