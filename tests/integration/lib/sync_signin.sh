# tests/integration/lib/sync_signin.sh - sign motcua in against a sandbox the
# way a clerk does, so that later motcua processes (sync, inbox, doctor) find
# the refresh token: a private D-Bus session with gnome-keyring (the Secret
# Service), HOME and MOTCUA_HOME in a temporary folder.
#
#   . "$(dirname "$0")/lib/sandbox.sh"
#   . "$(dirname "$0")/lib/sync_signin.sh"
#   sync_in_keyring "$@"      # re-runs this script under dbus-run-session (skips without it)
#   sbx_start ...
#   sync_login                # motcua login --issuer $SBX_URL, approved via /_control/approve
#
# Needs MOTCUA_BIN; exports MOTCUA_HOME and MOTCUA_ISSUER.

sync_in_keyring() {
	if [ -z "${SYNC_IN_DBUS:-}" ]; then
		for tool in dbus-run-session gnome-keyring-daemon; do
			command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed"; exit 77; }
		done
		[ -n "${MOTCUA_BIN:-}" ] && [ -x "$MOTCUA_BIN" ] ||
			{ echo "skip: MOTCUA_BIN not set or not executable"; exit 77; }
		SYNC_IN_DBUS=1
		export SYNC_IN_DBUS
		exec dbus-run-session -- sh "$0" "$@"
	fi
	SYNC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/motcua-sync.XXXXXX")
	HOME=$SYNC_TMP/home
	XDG_DATA_HOME=$HOME/.local/share
	XDG_CONFIG_HOME=$HOME/.config
	MOTCUA_HOME=$SYNC_TMP/motcua
	# the keyring daemon's control socket goes under XDG_RUNTIME_DIR: a
	# private one, so that scripts running side by side never share it
	XDG_RUNTIME_DIR=$SYNC_TMP/run
	mkdir -p "$HOME" "$MOTCUA_HOME"
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	export HOME XDG_DATA_HOME XDG_CONFIG_HOME MOTCUA_HOME XDG_RUNTIME_DIR
	unset MOTCUA_KEYRING
	# under ASan: GLib/libsecret keep process-lifetime allocations
	LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lib/lsan-glib.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
	export LSAN_OPTIONS
	printf 'test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 ||
		{ echo "skip: gnome-keyring-daemon does not start"; exit 77; }
}

# Sign in against $SBX_URL; the approval goes through the control API.
sync_login() {
	# a new file each time: the background shell may not have truncated a
	# reused one yet, and the loop below would read the previous user_code
	n_login=$(( ${n_login:-0} + 1 ))
	out=$SYNC_TMP/login.$n_login.out
	: >"$out" # exists (empty) before the poll reads it, even under set -e
	"$MOTCUA_BIN" login --issuer "$SBX_URL" >"$out" 2>&1 &
	lp=$!
	i=0
	uc=
	while [ $i -lt $(( 100 * ${SLOW:-1} )) ]; do
		uc=$(sed -n 's/^user_code: //p' "$out")
		[ -n "$uc" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$uc" ] || { cat "$out" >&2; sbx_die "motcua login printed no user_code"; }
	reply=$(sbx_curl /_control/approve --data-urlencode "user_code=$uc") || true
	printf '%s' "$reply" | jq -e .ok >/dev/null 2>&1 ||
		sbx_die "approve of $uc failed: ${reply:-no reply}"
	wait $lp || { cat "$out" >&2; sbx_die "motcua login failed"; }
	MOTCUA_ISSUER=$SBX_URL
	export MOTCUA_ISSUER
}

sync_cleanup_tmp() {
	[ -n "${SYNC_TMP:-}" ] && rm -rf "$SYNC_TMP"
}
