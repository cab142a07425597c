#!/bin/sh
# sign_return.sh - `motcua act CODE return-result --file F --sign`: sign the
# result files and queue the return with the files and their signatures.
# Against the sandbox (tuphap: resumable uploads of every file) with a
# SoftHSM2 token made here, and the sandbox's remote signer (CSC):
#   - a status that does not allow return-result is refused before any PIN;
#   - a wrong PIN queues nothing, leaves the dossier and the data folder as
#     they were, and says why;
#   - a good PIN queues ONE entry with result, result.p7s (x2 files), the
#     copies and signatures live in the data folder's results/<code>/;
#   - offline (the system down) the token still signs and the entry waits;
#     `motcua queue send` delivers it once the system is back;
#   - the sandbox received every file: the SHA-256 of each upload equals the
#     local copy, and `openssl cms -verify` accepts the signatures;
#   - on tinh, which takes file names only, both names arrive (every system:
#     tests/integration/return_files.sh);
#   - remote signing: a rejected OTP queues nothing; the right OTP (read from
#     the sandbox's simulated phone) signs and queues.
# Every PIN here is a synthetic test value.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
. "$(dirname "$0")/lib/softhsm.sh"
sbx_require
MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
for tool in softhsm2-util pkcs11-tool openssl sqlite3 sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed"; exit 77; }
done
[ -f "$MODULE" ] || { echo "skip: no SoftHSM2 module at $MODULE"; exit 77; }
sync_in_keyring "$@"
M=$MOTCUA_BIN
T=$SYNC_TMP

sbx_start --seed 43 --dossiers 300 --now '2026-03-12 09:30' --speed 0 --faults 'tuphap:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"
DB=$MOTCUA_HOME/motcua.db

# ---- the token (as in sign_token.sh) -------------------------------------------
PIN=1234-test
printf '%s\n' "$PIN" >"$T/pin"
printf '9999-wrong\n' >"$T/badpin"
softhsm_token "$T" motcua-test "$PIN" || sbx_die "cannot create the SoftHSM2 token"
softhsm_key 01 signkey rsa:2048 "/CN=Cán bộ Thử nghiệm" || sbx_die "key on the token"
TOKEN="--module $MODULE --token motcua-test --key signkey"

ossl_verify() { # file sig ca
	openssl cms -verify -binary -inform DER -content "$1" -in "$2" -CAfile "$3" \
		-purpose any -out /dev/null 2>/dev/null
}
queued() { "$M" queue --json | jq length; }
local_status() { "$M" show "$1" --json | jq -r .status; }
server_status() { sbx_curl "/_control/dossiers?code=$1" | jq -r '.dossier.status'; }

set -- $(sbx_curl "/_control/dossiers?source=tuphap&status=9&limit=4" | jq -r '.dossiers[].code')
[ $# = 4 ] || sbx_die "need 4 tuphap dossiers in status 9, got: $*"
A=$1 B=$2 C=$3 D=$4
NEW=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[].code')
[ -n "$NEW" ] || sbx_die "no new tuphap dossier"
head -c 70000 /dev/urandom >"$T/quyet-dinh.pdf"
printf 'Trích lục kết quả (thử nghiệm)\n' >"$T/trich-luc.txt"
FILES="--file $T/quyet-dinh.pdf --file $T/trich-luc.txt"

# ---- refused before any PIN -----------------------------------------------------
# (no PIN on fd 3: asking for one would fail with "no PIN/OTP was entered")
err=$("$M" act "$NEW" return-result $FILES --sign $TOKEN --pin-fd 3 3</dev/null 2>&1 >/dev/null)
rc=$?
sbx_eq "$rc" 1 "not allowed: exit"
sbx_match "$err" "không thể 'return-result' từ trạng thái 'Mới đăng ký'" "not allowed: message"
printf '%s' "$err" | grep -q "PIN" && sbx_die "not allowed but a PIN was asked: $err"
err=$("$M" act "$A" return-result --file "$T/none.pdf" --sign $TOKEN --pin-fd 3 3</dev/null 2>&1)
sbx_match "$err" "không đọc được tệp" "missing file before the PIN"
err=$("$M" act "$A" approve --sign $TOKEN 2>&1)
sbx_eq "$?" 2 "--sign with another action: usage"

# ---- a wrong PIN: nothing queued, nothing changed ---------------------------------
err=$("$M" act "$A" return-result $FILES --sign $TOKEN --pin-fd 3 3<"$T/badpin" 2>&1 >/dev/null)
sbx_eq "$?" 1 "wrong PIN: exit"
sbx_match "$err" "Sai mã PIN của token" "wrong PIN: message"
sbx_match "$err" "chưa ký, chưa đưa vào hàng đợi" "wrong PIN: says nothing was queued"
sbx_eq "$(queued)" 0 "wrong PIN: queue"
sbx_eq "$(local_status "$A")" 9 "wrong PIN: local status"
[ -z "$(ls -A "$MOTCUA_HOME/results/$A" 2>/dev/null)" ] ||
	sbx_die "wrong PIN left files: $(ls "$MOTCUA_HOME/results/$A")"

# ---- a good PIN: one entry, the files and their signatures ------------------------
out=$("$M" act "$A" return-result $FILES --sign $TOKEN --pin-fd 3 3<"$T/pin" --json) ||
	sbx_die "sign and queue failed: $out"
id=$(printf '%s' "$out" | jq -r .id) # --json: the JSON alone
sbx_eq "$(printf '%s' "$out" | jq -r .action)" return-result "queued action"
sbx_eq "$(queued)" 1 "queued entries"
sbx_eq "$(local_status "$A")" 10 "local status after queueing"
R=$MOTCUA_HOME/results/$A
for f in quyet-dinh.pdf trich-luc.txt; do
	cmp -s "$T/$f" "$R/$f" || sbx_die "the copy of $f differs"
	ossl_verify "$R/$f" "$R/$f.p7s" "$T/ca.pem" || sbx_die "openssl refused $f.p7s"
done
[ "$(stat -c %a "$MOTCUA_HOME/results")" = 700 ] || sbx_die "results/ is not 0700"
names=$(sqlite3 "$DB" "SELECT payload FROM outbox WHERE id = $id" | jq -r '[.files[].name] | join(",")')
sbx_eq "$names" "quyet-dinh.pdf,quyet-dinh.pdf.p7s,trich-luc.txt,trich-luc.txt.p7s" "queued files"
"$M" audit verify >/dev/null || sbx_die "audit verify after signing"

# ---- offline: the token signs, the action waits, then goes ------------------------
sbx_curl /_control/offline -d "source=tuphap&on=1" | jq -e .ok >/dev/null || sbx_die "offline"
out=$("$M" act "$B" return-result --file "$T/quyet-dinh.pdf" --sign $TOKEN --pin-fd 3 3<"$T/pin" \
	2>"$T/err") || sbx_die "offline signing failed: $(cat "$T/err")"
printf '%s' "$out" | grep -q "Đã ký: $T/quyet-dinh.pdf -> .*/results/$B/quyet-dinh.pdf.p7s" ||
	sbx_die "no signed line: $out"
printf '%s' "$out" | grep -q "^đã đưa vào hàng đợi #" || sbx_die "no queued line: $out"
"$M" queue send --wait 3 >/dev/null 2>&1 && sbx_die "queue send succeeded while offline"
sbx_eq "$(server_status "$B")" 9 "offline: server status"
sbx_eq "$(queued)" 2 "offline: both wait"
sbx_curl /_control/offline -d "source=tuphap&on=0" | jq -e .ok >/dev/null || sbx_die "online"
"$M" queue send --wait 30 >/dev/null 2>"$T/err" || sbx_die "queue send failed: $(cat "$T/err")"
sbx_eq "$(server_status "$A")" 10 "server status of $A"
sbx_eq "$(server_status "$B")" 10 "server status of $B"

# ---- what the sandbox received ------------------------------------------------------
TOK=$(sbx_token tuphap)
got=$(sbx_curl "/tuphap/api/v1/dossiers/$A" -H "Authorization: Bearer $TOK" | jq -r '.resultFiles | join(",")')
sbx_eq "$got" "quyet-dinh.pdf,quyet-dinh.pdf.p7s,trich-luc.txt,trich-luc.txt.p7s" "files at the sandbox"
sqlite3 "$DB" "SELECT payload FROM outbox WHERE id = $id" | jq -r '.files[] | .name + " " + .file_id' >"$T/ids"
[ "$(wc -l <"$T/ids")" = 4 ] || sbx_die "upload ids: $(cat "$T/ids")"
while read -r name up; do
	remote=$(sbx_curl "/tuphap/api/v1/uploads/$up" -H "Authorization: Bearer $TOK" | jq -r .sha256)
	localsum=$(sha256sum "$R/$name" | cut -d' ' -f1)
	sbx_eq "$remote" "$localsum" "bytes of $name at the sandbox"
done <"$T/ids"

# ---- a system that takes names only (tinh): the signature is named there too --------
H=$(sbx_curl "/_control/dossiers?source=tinh&status=9&in_dvcqg=0&limit=1" | jq -r '.dossiers[0].code // empty')
[ -n "$H" ] || sbx_die "no tinh dossier in status 9"
"$M" act "$H" return-result --file "$T/trich-luc.txt" --sign $TOKEN --pin-fd 3 3<"$T/pin" \
	>/dev/null 2>"$T/err" || sbx_die "signing for tinh: $(cat "$T/err")"
"$M" queue send --wait 30 >/dev/null 2>"$T/err" || sbx_die "queue send (tinh): $(cat "$T/err")"
sbx_eq "$(server_status "$H")" 10 "server status of $H (tinh)"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$H" | jq -r '.dossier.result_files | join(",")')" \
	"trich-luc.txt,trich-luc.txt.p7s" "names at tinh"

# ---- remote signing (CSC) -----------------------------------------------------------
sbx_token csc >"$T/csc-token"
sbx_curl /csc/_sandbox/ca.pem >"$T/sbx-ca.pem"
# act_remote CODE OTP-MODE: runs act with the OTP on a FIFO; "good" reads the
# OTP from the sandbox's phone (a new one: not the last one seen), anything
# else is written as the OTP.
last_otp=
act_remote() {
	rm -f "$T/otp.fifo"
	mkfifo "$T/otp.fifo"
	exec 5<>"$T/otp.fifo"
	"$M" act "$1" return-result --file "$T/trich-luc.txt" --sign \
		--remote "$SBX_URL/csc/v2" --credential sandbox-ec-01 \
		--access-token-fd 3 --otp-fd 5 3<"$T/csc-token" >"$T/stdout" 2>"$T/stderr" &
	pid=$!
	otp=
	i=0
	while [ -z "$otp" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
		otp=$(sbx_curl "/csc/_sandbox/otp?credentialID=sandbox-ec-01" | jq -r '.otp // empty')
		[ "$otp" = "$last_otp" ] && otp=
		[ -n "$otp" ] || sleep 0.1
		i=$((i + 1))
	done
	last_otp=$otp
	if [ "$2" != good ]; then
		[ "$otp" = "$2" ] && otp=111111 || otp=$2 # never the real one by chance
	fi
	[ -n "$otp" ] && printf '%s\n' "$otp" >&5
	wait "$pid"
	rc=$?
	exec 5>&-
}
act_remote "$C" 000000
sbx_eq "$rc" 1 "rejected OTP: exit"
grep -q "OTP" "$T/stderr" || sbx_die "rejected OTP: $(cat "$T/stderr")"
sbx_eq "$(local_status "$C")" 9 "rejected OTP: local status"
sbx_eq "$(queued)" 0 "rejected OTP: queue"
act_remote "$C" good
sbx_eq "$rc" 0 "remote: exit ($(cat "$T/stderr"))"
sbx_eq "$(local_status "$C")" 10 "remote: local status"
RC=$MOTCUA_HOME/results/$C
ossl_verify "$RC/trich-luc.txt" "$RC/trich-luc.txt.p7s" "$T/sbx-ca.pem" ||
	sbx_die "openssl refused the remote signature"
"$M" queue send --wait 30 >/dev/null 2>&1 || sbx_die "queue send (remote)"
sbx_eq "$(server_status "$C")" 10 "server status of $C"

# ---- the config's signer: no signer options on the command line ----------------------
mkdir -p "$MOTCUA_HOME"
cfg=$MOTCUA_HOME/config.json
[ -f "$cfg" ] && cp "$cfg" "$T/config.saved"
jq -n --arg m "$MODULE" '{signing: {pkcs11_module: $m, token: "motcua-test", key: "signkey"}}' \
	>"$T/cfg.json"
"$M" act "$D" return-result --file "$T/trich-luc.txt" --sign --config "$T/cfg.json" \
	--pin-fd 3 3<"$T/pin" >/dev/null 2>"$T/err" || sbx_die "config signer: $(cat "$T/err")"
sbx_eq "$(local_status "$D")" 10 "config signer: local status"
# ---- RFC 3161: the config's TSA stamps, an unreachable one queues nothing ------------
set -- $(sbx_curl "/_control/dossiers?source=tuphap&status=9&limit=8" | jq -r '.dossiers[].code')
E= F=
for c in "$@"; do
	[ "$(local_status "$c")" = 9 ] || continue
	if [ -z "$E" ]; then E=$c; elif [ -z "$F" ]; then F=$c; break; fi
done
[ -n "$F" ] || sbx_die "need two more tuphap dossiers in status 9"
jq -n --arg m "$MODULE" --arg t "http://127.0.0.1:1/tsa" \
	'{signing: {pkcs11_module: $m, token: "motcua-test", key: "signkey", tsa_url: $t}}' \
	>"$T/cfg-tsa-down.json"
before=$(queued)
"$M" act "$E" return-result --file "$T/trich-luc.txt" --sign --config "$T/cfg-tsa-down.json" \
	--pin-fd 3 3<"$T/pin" >/dev/null 2>"$T/err" && sbx_die "signed although the TSA is down"
grep -q "TSA" "$T/err" && grep -q -- "--no-timestamp" "$T/err" ||
	sbx_die "TSA down said: $(cat "$T/err")"
sbx_eq "$(queued)" "$before" "TSA down: queue"
sbx_eq "$(local_status "$E")" 9 "TSA down: local status"
[ -z "$(ls -A "$MOTCUA_HOME/results/$E" 2>/dev/null)" ] || sbx_die "TSA down: files left behind"
# offline commune: --no-timestamp signs with the token anyway
"$M" act "$E" return-result --file "$T/trich-luc.txt" --sign --config "$T/cfg-tsa-down.json" \
	--no-timestamp --pin-fd 3 3<"$T/pin" >/dev/null 2>"$T/err" ||
	sbx_die "--no-timestamp: $(cat "$T/err")"
"$M" verify "$MOTCUA_HOME/results/$E/trich-luc.txt" "$MOTCUA_HOME/results/$E/trich-luc.txt.p7s" \
	--ca "$T/ca.pem" --json | jq -e '.timestamp == null' >/dev/null ||
	sbx_die "--no-timestamp: the signature carries a timestamp"
# the sandbox's TSA (--tsa wins over the config's)
"$M" act "$F" return-result --file "$T/trich-luc.txt" --sign --config "$T/cfg-tsa-down.json" \
	--tsa "$SBX_URL/tsa" --pin-fd 3 3<"$T/pin" >/dev/null 2>"$T/err" ||
	sbx_die "--tsa: $(cat "$T/err")"
RF=$MOTCUA_HOME/results/$F
cat "$T/ca.pem" "$T/sbx-ca.pem" >"$T/both-ca.pem"
"$M" verify "$RF/trich-luc.txt" "$RF/trich-luc.txt.p7s" --ca "$T/both-ca.pem" --json |
	jq -e '.timestamp.valid == true' >/dev/null ||
	sbx_die "no valid timestamp: $("$M" verify "$RF/trich-luc.txt" "$RF/trich-luc.txt.p7s" --ca "$T/both-ca.pem" 2>&1)"
ossl_verify "$RF/trich-luc.txt" "$RF/trich-luc.txt.p7s" "$T/ca.pem" ||
	sbx_die "openssl refused the stamped signature"

# ---- motcua show is a view of personal data: one audit entry each ---------------------
views() { "$M" audit list --json | jq '[.[] | select(.kind == "view")] | length'; }
before=$(views)
"$M" show "$A" >/dev/null || sbx_die "show failed"
sbx_eq "$(views)" "$((before + 1))" "view entries after one show"
"$M" audit list --json | jq -e --arg c "$A" '[.[] | select(.kind == "view")][-1] |
	.dossier == $c and .purpose == "xem hồ sơ"' >/dev/null || sbx_die "the view entry"
"$M" audit verify >/dev/null || sbx_die "audit verify at the end"
echo "sign_return: ok"
