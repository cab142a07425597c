#!/bin/sh
# motcua login against a real OpenID provider (oidc-provider from npm, on
# loopback, device flow on): it sends no `interval`, so the client polls at
# the RFC's default 5 s; approval and denial go through its own pages.
set -eu
. "$(dirname "$0")/oidc/lib.sh"
export MOTCUA_KEYRING=memory
oidc_start

# not a terminal: exactly the three key: value lines, then it waits
login_start
[ "$(sed -n 1p "$LOGIN_OUT")" = "verification_uri: $ISSUER/device" ] || fail "line 1: $(sed -n 1p "$LOGIN_OUT")"
echo "$LOGIN_CODE" | grep -Eq '^[A-Z]{4}-[A-Z]{4}$' || fail "user code '$LOGIN_CODE'"
[ "$LOGIN_URL" = "$ISSUER/device?user_code=$LOGIN_CODE" ] || fail "complete URI '$LOGIN_URL'"
sleep 6 # at least one authorization_pending answer first
kill -0 "$LOGIN_PID" || fail "login gave up while pending"
sh "$OIDC_DIR/approve.sh" "$LOGIN_URL" canbo01
login_wait
[ "$LOGIN_RC" = 0 ] || { cat "$WORK"/login.1.*; fail "login exit $LOGIN_RC"; }
grep -q '^signed in as Nguyễn Thị Đào (oidc-provider test)$' "$LOGIN_OUT" || fail "no 'signed in as'"
grep -q 'Secret Service' "$WORK/login.1.err" || fail "no memory-only notice"

# denial from the phone: exit 1 with a clear message
login_start
sh "$OIDC_DIR/approve.sh" "$LOGIN_URL" canbo01 deny
login_wait
[ "$LOGIN_RC" = 1 ] || fail "denied login exit $LOGIN_RC"
grep -q 'refused on the phone' "$WORK/login.2.err" || fail "denial message: $(cat "$WORK/login.2.err")"
grep -q 'denied' "$WORK/login.2.err" || fail "denial message (en)"
echo "auth_oidc: ok"
