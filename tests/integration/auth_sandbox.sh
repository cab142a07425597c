#!/bin/sh
# Sign-in against the sandbox's provider with real binaries: motcua login
# approved through the control API, a new process resuming from the keyring
# with one token per system, expiry and denial; and, with curl, what the
# provider enforces: a token for tuphap is refused by congan, a rotated
# refresh token replayed revokes the whole sign-in.
set -eu
if [ -z "${IN_DBUS_SESSION:-}" ]; then
	command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null ||
		{ echo "skip: no dbus-run-session or gnome-keyring-daemon"; exit 77; }
	IN_DBUS_SESSION=1 exec dbus-run-session -- sh "$0" "$@"
fi
. "$(dirname "$0")/oidc/lib.sh"
[ -x "${MOTCUA_SANDBOX_BIN:-}" ] || { echo "skip: no motcua-sandbox"; exit 77; }
unset MOTCUA_KEYRING
keyring_start

"$MOTCUA_SANDBOX_BIN" --port 0 --seed 4 --dossiers 20 >"$WORK/sbx.out" 2>"$WORK/sbx.err" &
PIDS="$PIDS $!"
wait_line "$WORK/sbx.out" 'listening on ' 20 || { cat "$WORK/sbx.err"; fail "sandbox did not start"; }
ISSUER=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/sbx.out" | sed 's|/$||')
control() { curl -sf -o /dev/null -X POST "$ISSUER/_control/$1" -d "$2"; }

# approval from the "phone" (the control API), then signed in
login_start
control approve "user_code=$LOGIN_CODE" || fail "approve"
login_wait
[ "$LOGIN_RC" = 0 ] || { cat "$WORK"/login.1.*; fail "login exit $LOGIN_RC"; }
grep -q '^signed in as Đặng Thị Thu Hà$' "$LOGIN_OUT" || fail "no 'signed in as': $(cat "$LOGIN_OUT")"

# a new process resumes from the keyring, with a token of its own per system
"$MOTCUA_BIN" login --issuer "$ISSUER" --status --json >"$WORK/status.json" 2>"$WORK/status.err" ||
	{ cat "$WORK/status.json" "$WORK/status.err"; fail "status"; }
for s in tuphap congan nnmt tinh; do
	python3 - "$WORK/status.json" "$s" <<'PY' || fail "no token for $s: $(cat "$WORK/status.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["signed_in"] and doc["persistent"], doc
assert any(x["name"] == sys.argv[2] and x["token"] for x in doc["systems"]), doc
PY
done

# the code expires when the sandbox clock runs past it
login_start
control clock "seconds=700" || fail "clock"
login_wait
[ "$LOGIN_RC" = 1 ] || fail "expired login exit $LOGIN_RC"
grep -q 'expired before it was approved' "$WORK/login.2.err" || fail "expiry message: $(cat "$WORK/login.2.err")"

# denial
login_start
control deny "user_code=$LOGIN_CODE" || fail "deny"
login_wait
[ "$LOGIN_RC" = 1 ] || fail "denied login exit $LOGIN_RC"
grep -q 'refused on the phone' "$WORK/login.3.err" || fail "denial message"

# the stored sign-in outlived by the clock (refresh tokens live 8 h): a clear
# message to sign in again, exit 1
control clock "seconds=$((9 * 3600))" || fail "clock"
if "$MOTCUA_BIN" login --issuer "$ISSUER" --status >"$WORK/status.2.out" 2>"$WORK/status.2.err"; then
	fail "still signed in 9 h later"
fi
grep -q 'sign in' "$WORK/status.2.err" || fail "revoked message: $(cat "$WORK/status.2.err")"

# what the provider enforces, with curl
form() { curl -s -X POST "$ISSUER/oidc/token" "$@"; }
field() { python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1],""))' "$1"; }
dev=$(curl -s -X POST "$ISSUER/oidc/device_authorization" -d client_id=motcua -d scope=openid)
dc=$(echo "$dev" | field device_code); uc=$(echo "$dev" | field user_code)
control approve "user_code=$uc"
tok=$(form -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d client_id=motcua \
	--data-urlencode "device_code=$dc")
at=$(echo "$tok" | field access_token); rt=$(echo "$tok" | field refresh_token)
xchg() {
	form -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange \
		-d subject_token_type=urn:ietf:params:oauth:token-type:access_token \
		--data-urlencode "subject_token=$1" -d "audience=$2" | field access_token
}
tp=$(xchg "$at" tuphap); ca=$(xchg "$at" congan)
[ -n "$tp" ] && [ -n "$ca" ] || fail "token exchange"
code() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$ISSUER$2"; }
[ "$(code "$ca" /congan/api/v2/status-codes)" = 200 ] || fail "congan refused its own token"
[ "$(code "$tp" /congan/api/v2/status-codes)" = 401 ] || fail "congan accepted a tuphap token"
[ "$(code "$ca" /tuphap/api/v1/procedures)" = 401 ] || fail "tuphap accepted a congan token"
[ "$(code "$tp" /tuphap/api/v1/procedures)" = 200 ] || fail "tuphap refused its own token"
refresh() { form -d grant_type=refresh_token -d client_id=motcua --data-urlencode "refresh_token=$1"; }
rt2=$(refresh "$rt" | field refresh_token)
[ -n "$rt2" ] && [ "$rt2" != "$rt" ] || fail "refresh did not rotate"
[ "$(refresh "$rt" | field error)" = invalid_grant ] || fail "reuse accepted"
[ "$(refresh "$rt2" | field error)" = invalid_grant ] || fail "family not revoked on reuse"
[ "$(code "$tp" /tuphap/api/v1/procedures)" = 401 ] || fail "system token survived the revocation"
echo "auth_sandbox: ok"
