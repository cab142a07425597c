#!/bin/sh
# The refresh token in a real Secret Service (gnome-keyring in a private
# D-Bus session): login stores it, a new process resumes from it (rotating
# it), logout revokes and removes it; then no token value issued during the
# session appears in any log, file under MOTCUA_HOME, or the environment or
# argv of the motcua processes.  Without a session bus: memory only, with a
# one-line notice.
set -eu
if [ -z "${IN_DBUS_SESSION:-}" ]; then
	command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null ||
		{ echo "skip: no dbus-run-session or gnome-keyring-daemon"; exit 77; }
	IN_DBUS_SESSION=1 exec dbus-run-session -- sh "$0" "$@"
fi
. "$(dirname "$0")/oidc/lib.sh"
unset MOTCUA_KEYRING
export MOTCUA_DEBUG_HTTP=1 # the redacted trace is one of the logs searched below

keyring_start
GKD_PID=$(pgrep -u "$(id -u)" -n -x gnome-keyring-d || true)

items() { # number of keyring items for our issuer
	gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
		--method org.freedesktop.Secret.Service.SearchItems "{'issuer': '$ISSUER'}" |
		grep -o "/org/freedesktop/secrets/collection/[^']*" | wc -l
}

oidc_start

# login stores
login_start
environ_snapshot() { # argv and environment of the running motcua
	tr '\0' '\n' <"/proc/$LOGIN_PID/environ" >>"$WORK/proc.txt" || true
	tr '\0' ' ' <"/proc/$LOGIN_PID/cmdline" >>"$WORK/proc.txt" || true
}
environ_snapshot
sh "$OIDC_DIR/approve.sh" "$LOGIN_URL" canbo02
login_wait
[ "$LOGIN_RC" = 0 ] || { cat "$WORK"/login.1.*; fail "login exit $LOGIN_RC"; }
grep -q '^signed in as ' "$LOGIN_OUT" || fail "no 'signed in as'"
! grep -q 'Secret Service' "$WORK/login.1.err" || fail "memory-only notice with a keyring"
[ "$(items)" = 1 ] || fail "keyring items after login: $(items)"

# a new process finds it, twice (the second run uses the token the first stored)
for n in 1 2; do
	"$MOTCUA_BIN" login --issuer "$ISSUER" --status >"$WORK/status.$n.out" 2>"$WORK/status.$n.err" ||
		{ cat "$WORK/status.$n.out" "$WORK/status.$n.err"; fail "status $n"; }
	grep -q '^signed in as Nguyễn Thị Đào' "$WORK/status.$n.out" || fail "status $n: not signed in"
	grep -q '^kept in: the Secret Service' "$WORK/status.$n.out" || fail "status $n: keyring"
done
[ "$(items)" = 1 ] || fail "keyring items after resume: $(items)"
[ "$(grep -c . "$WORK/issued-tokens")" -ge 6 ] || fail "expected rotation: $(cat "$WORK/issued-tokens" | wc -l) tokens"

# logout removes it (and revokes at the provider)
"$MOTCUA_BIN" logout --issuer "$ISSUER" >"$WORK/logout.out" 2>"$WORK/logout.err" || fail "logout"
grep -q 'Signed out' "$WORK/logout.out" || fail "logout said: $(cat "$WORK/logout.out")"
[ "$(items)" = 0 ] || fail "keyring items after logout: $(items)"
if "$MOTCUA_BIN" login --issuer "$ISSUER" --status >"$WORK/status.3.out" 2>"$WORK/status.3.err"; then
	fail "still signed in after logout"
fi
grep -q 'not signed in' "$WORK/status.3.err" || fail "status after logout: $(cat "$WORK/status.3.err")"

# no Secret Service: memory only, one line saying so
login_n_before=$LOGIN_N
env -u DBUS_SESSION_BUS_ADDRESS "$MOTCUA_BIN" login --issuer "$ISSUER" --status \
	>"$WORK/status.4.out" 2>"$WORK/status.4.err" || true
grep -q 'not signed in' "$WORK/status.4.err" || fail "no-bus status: $(cat "$WORK/status.4.err")"
: "$login_n_before"

# no token anywhere it must not be
[ -s "$WORK/issued-tokens" ] || fail "the provider logged no tokens"
tok=$(head -n 1 "$WORK/issued-tokens")
[ ${#tok} -ge 20 ] || fail "token log looks wrong"
ps -o args= -p "${GKD_PID:-1}" >>"$WORK/proc.txt" 2>/dev/null || true
search="$WORK/search"
mkdir -p "$search"
cp "$WORK"/login.* "$WORK"/status.* "$WORK"/logout.* "$WORK/oidc.log" "$WORK/proc.txt" "$search/"
find "$MOTCUA_HOME" -type f -exec cp {} "$search/" \; 2>/dev/null || true
env >"$search/test-env.txt"
while read -r t; do
	[ -n "$t" ] || continue
	if grep -rqF -- "$t" "$search"; then
		grep -rlF -- "$t" "$search" >&2
		fail "a token value leaked"
	fi
done <"$WORK/issued-tokens"
echo "auth_keyring: ok ($(grep -c . "$WORK/issued-tokens") token values checked)"
