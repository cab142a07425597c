# Helpers for motcua's sign-in integration tests (sourced, not run).
# The oidc-provider peer is installed from npm into this folder's
# node_modules (git-ignored) on first use; tests skip (77) only when npm
# cannot install it.

OIDC_DIR=$(cd "$(dirname "$0")/oidc" && pwd)
WORK=$(mktemp -d)
PIDS=""
cleanup() {
	rc=$?
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

export MOTCUA_HOME="$WORK/home"
# the sign-in tests read motcua's English words (one language per run)
export LANGUAGE=en
# under `make asan`: ignore libsecret's own leaks (see lsan.supp); full
# stacks, so that the suppression sees the libsecret frames
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$OIDC_DIR/lsan.supp"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
mkdir -p "$MOTCUA_HOME"
unset MOTCUA_ISSUER MOTCUA_CLIENT_ID

fail() { echo "FAIL: $*" >&2; exit 1; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# MOTCUA_TEST_SLOW (a whole number, default 1; tests/valgrind/run.sh sets it)
# multiplies the deadlines below.
SLOW=${MOTCUA_TEST_SLOW:-1}
case $SLOW in '' | *[!0-9]* | 0) SLOW=1 ;; esac

# Wait until a file has a line matching a pattern (ERE); 1 on timeout
# (seconds times SLOW).
wait_line() { # file pattern seconds
	i=0
	while [ $i -lt $(($3 * 10 * SLOW)) ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# Scripts running side by side (tests/run-integration.sh, or the ASan and
# valgrind runs of make test) install one at a time: the first takes the
# lock and installs, the others find it done.
oidc_install() {
	command -v node >/dev/null && command -v npm >/dev/null || { echo "skip: no node/npm"; exit 77; }
	[ -f "$OIDC_DIR/node_modules/oidc-provider/package.json" ] && return 0
	(
		command -v flock >/dev/null && flock 9
		[ -f "$OIDC_DIR/node_modules/oidc-provider/package.json" ] ||
			(cd "$OIDC_DIR" && npm install --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1)
	) 9>"${TMPDIR:-/tmp}/motcua-oidc-npm.lock" ||
		{ echo "skip: npm could not install oidc-provider"; cat "$WORK/npm.log"; exit 77; }
}

# Start oidc-provider on a free port; sets ISSUER.
oidc_start() {
	oidc_install
	port=$(free_port)
	MOTCUA_TEST_TOKEN_LOG="$WORK/issued-tokens" node "$OIDC_DIR/server.mjs" "$port" \
		>"$WORK/oidc.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_line "$WORK/oidc.log" '^ready ' 20 || { cat "$WORK/oidc.log"; fail "oidc-provider did not start"; }
	ISSUER="http://127.0.0.1:$port"
}

# Start `motcua login` in the background; output in $WORK/login.N.{out,err}.
# Sets LOGIN_PID, LOGIN_OUT, LOGIN_URL (verification_uri_complete), LOGIN_CODE.
LOGIN_N=0
login_start() {
	LOGIN_N=$((LOGIN_N + 1))
	LOGIN_OUT="$WORK/login.$LOGIN_N.out"
	"$MOTCUA_BIN" login --issuer "$ISSUER" "$@" >"$LOGIN_OUT" 2>"$WORK/login.$LOGIN_N.err" &
	LOGIN_PID=$!
	PIDS="$PIDS $LOGIN_PID"
	wait_line "$LOGIN_OUT" '^verification_uri_complete: ' 20 ||
		{ cat "$LOGIN_OUT" "$WORK/login.$LOGIN_N.err"; fail "login printed no code"; }
	LOGIN_URL=$(sed -n 's/^verification_uri_complete: //p' "$LOGIN_OUT")
	LOGIN_CODE=$(sed -n 's/^user_code: //p' "$LOGIN_OUT")
}

# Wait for the background login; sets LOGIN_RC.
login_wait() {
	LOGIN_RC=0
	wait "$LOGIN_PID" || LOGIN_RC=$?
}

# A Secret Service for this test: gnome-keyring in the D-Bus session the test
# runs in (dbus-run-session), its login keyring unlocked with an empty
# password; returns once org.freedesktop.secrets is on the bus with a default
# collection.
keyring_start() {
	# a keyring, unlocked with an empty password, and wait for it on the bus
	export XDG_DATA_HOME="$WORK/xdg-data" XDG_RUNTIME_DIR="$WORK/run"
	mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	echo '' | gnome-keyring-daemon --unlock --components=secrets >"$WORK/gkd.env" 2>"$WORK/gkd.log"
	i=0
	until busctl --user list 2>/dev/null | grep -q org.freedesktop.secrets ||
	      dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \
			/org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>/dev/null |
			grep -q org.freedesktop.secrets; do
		i=$((i + 1)); [ $i -lt $((100 * SLOW)) ] || fail "org.freedesktop.secrets never appeared"
		sleep 0.1
	done
	# ... and for its default collection (the login keyring it just created)
	i=0
	until gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
		--method org.freedesktop.Secret.Service.ReadAlias default 2>/dev/null | grep -q collection/; do
		i=$((i + 1)); [ $i -lt $((100 * SLOW)) ] || fail "no default keyring collection"
		sleep 0.1
	done
}
