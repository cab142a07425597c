#!/bin/sh
# Install the Debian packages that motcua's build, tests and demo need, but only
# those that are missing.  dpkg-query first; `apt-get update` at most once per
# run; as root it installs, otherwise it prints the exact command and stops.
#
# The list is also the build-dependency list of packaging/debian (issue 9).
set -eu

PKGS="build-essential pkg-config gettext
libncurses-dev libcurl4-openssl-dev libjansson-dev libsqlite3-dev sqlite3
libssl-dev openssl libmicrohttpd-dev libqrencode-dev libsecret-1-dev
libp11-kit-dev libp11-dev zlib1g-dev libkeyutils-dev libcmocka-dev
tmux curl python3 valgrind clang libclang-rt-14-dev strace
softhsm2 opensc gnome-keyring dbus keyutils iproute2 nginx-light util-linux"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done

# Node.js and npm (for the oidc-provider test peer): the machine may carry its
# own nodejs build with npm inside, which conflicts with Debian's npm package,
# so look for the commands rather than the packages.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "motcua: missing Debian packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi

echo "motcua: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# nginx (the tests' TLS front) must not start as a service on port 80 when
# installed: the tests start their own on loopback.  policy-rc.d says "not
# now" to invoke-rc.d for the install only (and only when none was there).
rcd=/usr/sbin/policy-rc.d
own_rcd=
if [ ! -e "$rcd" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$rcd" && chmod 755 "$rcd" && own_rcd=1
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null || {
	[ -z "$own_rcd" ] || rm -f "$rcd"
	exit 1
}
[ -z "$own_rcd" ] || rm -f "$rcd"
