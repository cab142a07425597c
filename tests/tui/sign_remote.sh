#!/bin/sh
# "Ký và trả kết quả" in the console with the sandbox's remote signer (CSC):
# config.json's "signing" names the service and the credential; the console
# takes the sign-in's token for system "csc", the OTP is asked in the dialog
# once the service has sent it (read here from the sandbox's simulated
# phone, as a trainer would):
#   - a signing service that cannot be reached says that remote signing
#     needs the network, and nothing is queued;
#   - a wrong OTP says so, and nothing is queued;
#   - while the OTP dialog is open the console's loop keeps going: an action
#     queued meanwhile is sent, and the pull comes at its time (the clock
#     moved with MOTCUA_TEST_CLOCK, test builds);
#   - the right OTP queues the return, the console's loop sends it, and the
#     system has the dossier returned with the result and its signature.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/integration/lib/sandbox.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
for tool in curl jq openssl; do command -v $tool > /dev/null 2>&1 || skip "$tool not installed"; done
"$SBX" --port 0 --seed 9 --dossiers 200 --now '2026-03-12 09:30' --speed 0 \
	> "$T/sbx.out" 2> "$T/sbx.err" &
SPID=$!
trap 'kill "$SPID" 2> /dev/null; wait "$SPID" 2> /dev/null; cleanup' EXIT INT TERM
i=0
while ! grep -q 'listening on' "$T/sbx.out" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
URL=$(sed -n 's/^motcua-sandbox: listening on //p' "$T/sbx.out")
[ -n "$URL" ] || fail "the sandbox did not start"
SBX_URL=$URL
control() { curl -sS -X POST "$URL/_control/$1" -d "$2" | grep -q '"ok":true' || fail "_control/$1 $2"; }
server_status() { curl -sS "$URL/_control/dossiers?code=$1" | jq -r '.dossier.status'; }
otp_now() { curl -sS "$URL/csc/_sandbox/otp?credentialID=sandbox-ec-01" | jq -r '.otp // empty'; }
queued() { "$M" queue --json | jq length; }
# new_otp PREVIOUS: the OTP the phone shows once it differs from PREVIOUS.
new_otp() {
	i=0
	while [ $i -lt 600 ]; do
		o=$(otp_now)
		[ -n "$o" ] && [ "$o" != "$1" ] && { printf '%s' "$o"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "the phone never showed a new OTP"
}
requests() { curl -sS "$URL/_control/stats" | jq -r .requests; }
# The console's clock: the sandbox's, frozen, moved by the test.
MOTCUA_TEST_CLOCK=$T/clock
export MOTCUA_TEST_CLOCK
C=$(date -d '2026-03-12 09:30 +0700' +%s)
echo "$C" > "$MOTCUA_TEST_CLOCK"
set_remote() { # URL
	jq -n --arg u "$1" '{signing: {remote_url: $u, credential: "sandbox-ec-01"}}' \
		> "$MOTCUA_HOME/config.json"
}

CODE=$(curl -sS "$URL/_control/dossiers?source=tuphap&status=9&limit=1" | jq -r '.dossiers[].code')
[ -n "$CODE" ] || fail "no tuphap dossier in status 9"
printf 'Quyết định (thử nghiệm)\n' > "$T/quyet-dinh.txt"
curl -sS "$URL/csc/_sandbox/ca.pem" > "$T/ca.pem"

set_remote "http://127.0.0.1:9/csc/v2" # nothing listens there: "offline"
start 100 30 MOTCUA_ISSUER="$URL" MOTCUA_KEYRING=memory NO_COLOR=1
wait_for '[A-Z]{4}-[A-Z]{4}' 30
control approve "user_code=$(screen | grep -oE '[A-Z]{4}-[A-Z]{4}' | head -n 1)"
pin_prompt
wait_for 'Tất cả \([1-9][0-9]*\)' 60
wait_for 'tuphap●' 60

sign_once() { # the dialog up to the OTP (or the end)
	keys K
	wait_for "Tệp kết quả của $CODE" 30
	type_text "$T/quyet-dinh.txt"
	keys Enter
	wait_for '\(đã thêm 1\)' 30
	keys Enter
}
keys /
type_text "$CODE"
wait_for 'Tất cả \(1\)' 30
keys Enter Enter
wait_for "^Hồ sơ $CODE" 30

# ---- the service cannot be reached -----------------------------------------------
sign_once
wait_for 'Chưa ký, không có gì được đưa vào hàng đợi: Không kết nối được dịch vụ ký từ xa' 120
[ "$(queued)" = 0 ] || fail "an unreachable signer queued something"

# ---- a wrong OTP ---------------------------------------------------------------------
set_remote "$URL/csc/v2"
before=$(otp_now)
sign_once
wait_for 'Mã OTP đã gửi về điện thoại' 120
otp=$(new_otp "$before")
[ "$otp" = 000000 ] && bad=111111 || bad=000000
type_text "$bad"
keys Enter
wait_for 'Chưa ký, không có gì được đưa vào hàng đợi: Mã OTP' 120
[ "$(queued)" = 0 ] || fail "a wrong OTP queued something"

# ---- the loop under the dialog, then the right OTP --------------------------------------
sign_once
wait_for 'Mã OTP đã gửi về điện thoại' 120
B=$(curl -sS "$URL/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
[ -n "$B" ] && [ "$B" != null ] || fail "no tuphap dossier in status 1"
"$M" act "$B" receive > /dev/null || fail "act $B receive"
i=0
while [ "$(server_status "$B")" != 2 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(server_status "$B")" = 2 ] || fail "nothing was sent while the OTP dialog was open"
r0=$(requests)
echo $((C + 300)) > "$MOTCUA_TEST_CLOCK" # the next pull is due
wait_for ' 09:35 *$' 10
i=0
while [ "$(requests)" -le $((r0 + 4)) ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(requests)" -gt $((r0 + 4)) ] || fail "no pull while the OTP dialog was open"
screen | grep -q 'Mã OTP đã gửi về điện thoại' || fail "the OTP dialog went away"
type_text "$(new_otp "$otp")"
keys Enter
wait_for "Đã ký và đưa vào hàng đợi: kết quả của $CODE" 120
R=$MOTCUA_HOME/results/$CODE
openssl cms -verify -binary -inform DER -content "$R/quyet-dinh.txt" \
	-in "$R/quyet-dinh.txt.p7s" -CAfile "$T/ca.pem" -purpose any -out /dev/null \
	2> /dev/null || fail "openssl refused the remote signature"
i=0
while [ "$(server_status "$CODE")" != 10 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(server_status "$CODE")" = 10 ] || fail "the console's loop did not send the return"
TOK=$(sbx_token tuphap)
files=$(curl -sS -H "Authorization: Bearer $TOK" "$URL/tuphap/api/v1/dossiers/$CODE" |
	jq -r '.resultFiles | join(",")')
[ "$files" = "quyet-dinh.txt,quyet-dinh.txt.p7s" ] || fail "the system has: $files"
keys q
wait_for '^Hồ sơ: ' 30
keys q q
wait_for '^EXIT=0' 30
exit 0
