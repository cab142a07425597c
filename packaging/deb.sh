#!/bin/sh
# Build the Debian package of motcua (make deb).
#
# The packaging lives in packaging/debian, not debian/, so the tree is staged
# in build/deb/motcua-VERSION/ (the files a build needs, packaging/debian as
# debian/) and built there with dpkg-buildpackage -b (binary only, unsigned,
# 2 jobs unless DEB_BUILD_OPTIONS says).  Then lintian must report no error,
# and packaging/test-deb.sh runs the installed files.  The package lands in
# build/deb/.
#
# The tools (dpkg-dev, debhelper, fakeroot, lintian) are installed here when
# missing and we are root, not by `make deps`: only packagers need them.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

tools="dpkg-dev debhelper fakeroot lintian"
missing=""
for p in $tools; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "motcua: missing packaging tools; run as root:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
		exit 1
	fi
	echo "motcua: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

# The version is the program's; the changelog must agree (a new version
# needs a changelog entry, or `motcua --version` and dpkg would disagree).
version=$(sed -n 's/^#define MOTCUA_VERSION "\(.*\)"$/\1/p' src/cli/commands.c)
deb_version=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
if [ -z "$version" ] || [ "$version" != "$deb_version" ]; then
	echo "motcua: version ${version:-?} in src/cli/commands.c but $deb_version in" \
	     "packaging/debian/changelog" >&2
	exit 1
fi

out=build/deb
stage=$out/motcua-$version
rm -rf "$out"
mkdir -p "$stage"
# What a build reads: sources, data, catalogues, man pages, docs.
for f in Makefile README.md src ui config locale doc packaging; do
	cp -R "$f" "$stage/"
done
rm -rf "$stage/packaging/debian"
cp -R packaging/debian "$stage/debian"

start=$(date +%s)
(
	cd "$stage"
	DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=2}" \
		dpkg-buildpackage -b -us -uc > ../build.log 2>&1
) || {
	echo "motcua: dpkg-buildpackage failed; the end of $out/build.log:" >&2
	tail -n 40 "$out/build.log" >&2
	exit 1
}
deb=$(ls "$out"/motcua_"$version"_*.deb)
echo "built $deb in $(( $(date +%s) - start )) s"

# lintian: no errors (warnings and notes are printed for the packager).
if ! lintian --fail-on error --tag-display-limit 0 "$deb" > "$out/lintian.log" 2>&1; then
	sed 's/^/    | /' "$out/lintian.log" >&2
	echo "motcua: lintian reports errors" >&2
	exit 1
fi
# (as root, lintian says so on every run: not a finding about the package)
sed -i '/running with root privileges is not recommended/d' "$out/lintian.log"
if [ -s "$out/lintian.log" ]; then
	sed 's/^/lintian: /' "$out/lintian.log"
else
	echo "lintian: clean"
fi

sh packaging/test-deb.sh "$deb"
