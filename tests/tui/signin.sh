#!/bin/sh
# The sign-in screen against the sandbox's provider: the console opens on the
# QR code and the user code when nobody is signed in; a refusal on the phone
# and an expired code are said in plain words and Enter gets a new code;
# approving the code read from the screen opens the inbox.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
command -v curl > /dev/null 2>&1 || skip "curl not installed"
: > "$T/sbx.out"
"$SBX" --port 0 --dossiers 10 > "$T/sbx.out" 2> "$T/sbx.err" &
SPID=$!
trap 'kill "$SPID" 2> /dev/null; wait "$SPID" 2> /dev/null; cleanup' EXIT INT TERM
i=0
while ! grep -q 'listening on' "$T/sbx.out" && [ $i -lt $(( 10 * PER_S * SLOW )) ]; do sleep $POLL; i=$((i + 1)); done
URL=$(sed -n 's/^motcua-sandbox: listening on //p' "$T/sbx.out")
[ -n "$URL" ] || fail "the sandbox did not start"

code_on_screen() {
	wait_for '[A-Z]{4}-[A-Z]{4}' 10
	screen | grep -oE '[A-Z]{4}-[A-Z]{4}' | head -n 1
}
control() { curl -sS -X POST "$URL/_control/$1" -d "$2" | grep -q '"ok":true' || fail "_control/$1 $2"; }

start 80 24 MOTCUA_ISSUER="$URL" MOTCUA_KEYRING=memory
wait_for '^Đăng nhập' 5
code=$(code_on_screen)
screen | grep -q 'Quét mã bằng điện thoại' || fail "no QR code at 80x24 in a UTF-8 terminal"
screen | grep -q "$URL/oidc/device" || fail "the verification address is not shown"
screen | grep -Eq 'Đang chờ xác nhận\.\.\. \(mã còn hiệu lực [0-9]+:[0-9][0-9]\)' ||
	fail "no waiting state with the time left"

# Refused on the phone: plain words, Enter for a new code.
control deny "user_code=$code"
wait_for 'bị từ chối trên điện thoại' 15
screen | grep -q 'Enter: thử lại với mã mới' || fail "no way to get a new code offered"
keys Enter
code2=$(code_on_screen)
[ "$code2" != "$code" ] || fail "Enter did not give a new code"

# The code runs out (the sandbox's clock jumps past its 10 minutes).
curl -sS -X POST "$URL/_control/clock" -d seconds=610 > /dev/null || fail "clock"
wait_for 'Mã đã hết hạn trước khi được xác nhận' 15
keys Enter
code3=$(code_on_screen)
[ "$code3" != "$code2" ] || fail "no new code after the expiry"

# Approved: the inbox.
control approve "user_code=$code3"
pin_prompt
wait_for '^Hồ sơ: ' 15
screen | grep -q 'Đăng nhập' && fail "the sign-in screen stayed"
keys q
wait_for "^EXIT=0" 5
stop

# In English.
start 80 24 MOTCUA_ISSUER="$URL" MOTCUA_KEYRING=memory -- --lang en
wait_for '^Sign in' 5
code=$(code_on_screen)
control deny "user_code=$code"
wait_for 'refused on the phone' 15
exit 0
