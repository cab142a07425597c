#!/bin/sh
# sign_tsa.sh - RFC 3161 timestamps in motcua's signatures, against the
# sandbox's time-stamping authority (/tsa): with a SoftHSM2 token (set up as
# in sign_token.sh) and with the sandbox's remote signer.  Checks: the
# signature still passes `openssl cms -verify`; the token taken out of it
# passes `openssl ts -verify` over the signature value; `motcua verify` shows
# the timestamp (time, TSA) and trusts it only with the sandbox CA; a
# tampered file and a damaged token are caught; an unreachable or refusing
# TSA fails the file with a clear message and writes nothing, while
# --no-timestamp signs; the sandbox's fault target "tsa" (switched off,
# failing) is seen the same way; signing.tsa_url in config.json is used and
# checked.
# Every PIN here is a synthetic test value.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/softhsm.sh"
sbx_require
: "${MOTCUA_BIN:?MOTCUA_BIN must name the motcua binary}"
MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
for tool in softhsm2-util pkcs11-tool openssl od dd; do
	command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed (make deps)"; exit 77; }
done
[ -f "$MODULE" ] || { echo "skip: no SoftHSM2 module at $MODULE"; exit 77; }

sbx_start --seed 9 --dossiers 20
T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-sign-tsa.XXXXXX")
trap 'rm -rf "$T"; sbx_cleanup' EXIT
export MOTCUA_HOME="$T/home"
unset MOTCUA_ISSUER MOTCUA_PKCS11_MODULE
mkdir "$T/out" "$MOTCUA_HOME"
TSA="$SBX_URL/tsa"

sbx_curl /tsa/ca.pem >"$T/sbx-ca.pem"
grep -q "BEGIN CERTIFICATE" "$T/sbx-ca.pem" || sbx_die "no sandbox CA at /tsa/ca.pem"
cmp -s "$T/sbx-ca.pem" "$(sbx_curl /csc/_sandbox/ca.pem >"$T/csc-ca.pem"; echo "$T/csc-ca.pem")" ||
	sbx_die "/tsa/ca.pem and /csc/_sandbox/ca.pem differ"

# ---- the token (as sign_token.sh, one RSA key) ---------------------------------
PIN=1234-test
printf '%s\n' "$PIN" >"$T/pin"
softhsm_token "$T" motcua-tsa "$PIN" || sbx_die "cannot create the SoftHSM2 token"
softhsm_key 01 signkey rsa:2048 "/CN=Cán bộ Thử nghiệm TSA" ||
	sbx_die "cannot put a key and certificate on the token"
cat "$T/ca.pem" "$T/sbx-ca.pem" >"$T/both.pem"

printf 'Giấy chứng nhận kết quả (thử nghiệm)\n' >"$T/a.txt"
printf 'Trích lục (thử nghiệm)\n' >"$T/b.txt"
sign() { "$MOTCUA_BIN" sign --module "$MODULE" --token motcua-tsa --pin-fd 3 "$@" 3<"$T/pin"; }
ossl_verify() {
	openssl cms -verify -binary -inform DER -content "$1" -in "$2" -CAfile "$3" \
		-purpose any -out /dev/null 2>/dev/null
}

# The token and the signature value out of a .p7s, with openssl asn1parse and
# dd only: the SEQUENCE after the OID id-smime-aa-timeStampToken (and its SET)
# is the token; the last OCTET STRING before that attribute is the value.
cut_at() { # asn1parse-line file out [header: 1 keeps it]
	off=$(printf '%s' "$1" | sed 's/^ *\([0-9]*\):.*/\1/')
	hl=$(printf '%s' "$1" | sed 's/.*hl= *\([0-9]*\).*/\1/')
	len=$(printf '%s' "$1" | sed 's/.* l= *\([0-9]*\).*/\1/')
	if [ "$4" = 1 ]; then
		dd if="$2" of="$3" bs=1 skip="$off" count=$((hl + len)) 2>/dev/null
	else
		dd if="$2" of="$3" bs=1 skip=$((off + hl)) count="$len" 2>/dev/null
	fi
}
extract() { # p7s token-out sigvalue-out
	openssl asn1parse -inform DER -in "$1" >"$T/asn1" 2>/dev/null || return 1
	line=$(grep -n ':id-smime-aa-timeStampToken' "$T/asn1" | cut -d: -f1)
	[ -n "$line" ] || return 1
	cut_at "$(sed -n "$((line + 2))p" "$T/asn1")" "$1" "$2" 1
	cut_at "$(head -n "$line" "$T/asn1" | grep 'prim: OCTET STRING' | tail -n 1)" "$1" "$3" 0
	[ -s "$2" ] && [ -s "$3" ]
}
# openssl ts -verify of the token over the signature value (it hashes -data).
ts_verify() { # p7s
	extract "$1" "$T/token.der" "$T/sigval.bin" || sbx_die "no timestamp token in $1"
	openssl ts -verify -data "$T/sigval.bin" -in "$T/token.der" -token_in \
		-CAfile "$T/sbx-ca.pem" >"$T/tsv" 2>&1 ||
		sbx_die "openssl ts -verify refused the token of $1: $(cat "$T/tsv")"
}

# ---- token + TSA: a batch of two, both stamped -----------------------------------
sign "$T/a.txt" "$T/b.txt" --outdir "$T/out" --tsa "$TSA" >"$T/stdout" 2>"$T/stderr"
sbx_eq $? 0 "token signing with --tsa ($(cat "$T/stderr"))"
grep -q "Tổng kết: 2 đã ký, 0 lỗi" "$T/stdout" || sbx_die "summary: $(cat "$T/stdout")"
for f in a b; do
	ossl_verify "$T/$f.txt" "$T/out/$f.txt.p7s" "$T/ca.pem" ||
		sbx_die "openssl cms -verify refused the stamped $f.txt.p7s"
	ts_verify "$T/out/$f.txt.p7s"
done
openssl ts -reply -in "$T/token.der" -token_in -text >"$T/tstinfo" 2>/dev/null
grep -q "Policy OID: 1.3.6.1.4.1.32473.3161.1" "$T/tstinfo" || sbx_die "policy: $(cat "$T/tstinfo")"
grep -q "Nonce: 0x" "$T/tstinfo" || sbx_die "no nonce in the token"
"$MOTCUA_BIN" verify "$T/a.txt" "$T/out/a.txt.p7s" --ca "$T/both.pem" >"$T/v" 2>&1 ||
	sbx_die "motcua verify refused the stamped signature: $(cat "$T/v")"
grep -q "^Dấu thời gian: 20[0-9-]*T[0-9:]*+07:00 (hợp lệ)" "$T/v" ||
	sbx_die "verify shows no valid timestamp: $(cat "$T/v")"
grep -q "motcua sandbox TSA" "$T/v" || sbx_die "verify does not name the TSA: $(cat "$T/v")"
"$MOTCUA_BIN" verify "$T/a.txt" "$T/out/a.txt.p7s" --ca "$T/both.pem" --json >"$T/v"
jq -e '.verdict == "valid" and .timestamp.valid and (.timestamp.tsa | startswith("motcua sandbox TSA"))
       and (.timestamp.time | test("\\+07:00$"))' "$T/v" >/dev/null ||
	sbx_die "verify --json: $(cat "$T/v")"

# Trust: without the sandbox CA the TSA is not trusted (the signer is).
"$MOTCUA_BIN" verify "$T/a.txt" "$T/out/a.txt.p7s" --ca "$T/ca.pem" --json >"$T/v"
sbx_eq $? 1 "verify with an untrusted TSA: exit"
jq -e '.verdict == "untrusted" and (.timestamp.valid | not) and
       (.reason | test("timestamp authority not trusted"))' "$T/v" >/dev/null ||
	sbx_die "untrusted TSA: $(cat "$T/v")"

# Tampering with the file is still caught.
cp "$T/a.txt" "$T/a-changed.txt"
printf ' ' >>"$T/a-changed.txt"
"$MOTCUA_BIN" verify "$T/a-changed.txt" "$T/out/a.txt.p7s" --ca "$T/both.pem" >"$T/v" 2>&1
sbx_eq $? 1 "verify of a changed file: exit"
grep -q "tệp đã bị thay đổi sau khi ký" "$T/v" || sbx_die "tampering not named: $(cat "$T/v")"
ossl_verify "$T/a-changed.txt" "$T/out/a.txt.p7s" "$T/ca.pem" && sbx_die "openssl accepted a changed file"

# A damaged token (its last byte, in the TSA's own signature): invalid, naming it.
size=$(wc -c <"$T/out/a.txt.p7s")
head -c $((size - 1)) "$T/out/a.txt.p7s" >"$T/damaged.p7s"
last=$(tail -c 1 "$T/out/a.txt.p7s" | od -An -tu1 | tr -d ' ')
printf "\\$(printf '%03o' $(((last + 1) % 256)))" >>"$T/damaged.p7s"
"$MOTCUA_BIN" verify "$T/a.txt" "$T/damaged.p7s" --ca "$T/both.pem" --json >"$T/v"
sbx_eq $? 1 "verify with a damaged timestamp: exit"
jq -e '.verdict == "invalid" and (.reason | test("timestamp")) and (.timestamp.valid | not)' \
	"$T/v" >/dev/null || sbx_die "damaged timestamp: $(cat "$T/v")"

# ---- a TSA that cannot be reached, one that refuses: nothing written --------------
expect_tsa_fail() { # name pattern args...
	name=$1 pattern=$2
	shift 2
	rm -f "$T/out/x.p7s"
	sign "$T/a.txt" -o "$T/out/x.p7s" "$@" >"$T/stdout" 2>"$T/stderr"
	sbx_eq $? 1 "$name: exit"
	grep -q "Không lấy được dấu thời gian" "$T/stderr" ||
		sbx_die "$name: no clear message: $(cat "$T/stderr")"
	grep -q -- "$pattern" "$T/stderr" || sbx_die "$name: lacks '$pattern': $(cat "$T/stderr")"
	grep -q -- "--no-timestamp" "$T/stderr" || sbx_die "$name: no hint at --no-timestamp"
	[ ! -e "$T/out/x.p7s" ] || sbx_die "$name: wrote a signature"
	[ -z "$(ls "$T/out" | grep -v '\.txt\.p7s$')" ] || sbx_die "$name: left $(ls "$T/out")"
}
expect_tsa_fail "TSA offline" "cannot reach the TSA" --tsa "http://127.0.0.1:1/tsa"
expect_tsa_fail "TSA refuses" "rejection (timeNotAvailable)" --tsa "$TSA/_sandbox/refuse"
expect_tsa_fail "not a TSA" "HTTP 404" --tsa "$SBX_URL/tsa/nothing-here"
# The trainer's switches (fault target "tsa"): switched off, then failing.
sbx_curl /_control/offline -d source=tsa -d on=1 | jq -e '.offline' >/dev/null ||
	sbx_die "cannot switch the TSA off"
expect_tsa_fail "TSA switched off" "cannot reach the TSA" --tsa "$TSA"
sbx_curl /_control/offline -d source=tsa -d on=0 >/dev/null
sbx_curl /_control/faults -d 'spec=tsa:error=1' >/dev/null || sbx_die "cannot set tsa faults"
expect_tsa_fail "TSA failing" "HTTP 50" --tsa "$TSA"
sbx_curl /_control/faults -d 'spec=tsa:clear' >/dev/null
sbx_curl /_control/faults | jq -e '.faults.tsa.injected.offline >= 1 and .faults.tsa.injected.error >= 1' \
	>/dev/null || sbx_die "the TSA's faults are not counted: $(sbx_curl /_control/faults)"

# --no-timestamp signs offline, with the TSA of config.json unreachable.
printf '{"signing": {"tsa_url": "http://127.0.0.1:1/tsa"}}\n' >"$MOTCUA_HOME/config.json"
expect_tsa_fail "config.json TSA offline" "cannot reach the TSA"
sign "$T/a.txt" -o "$T/out/offline.p7s" --no-timestamp >"$T/stdout" 2>"$T/stderr"
sbx_eq $? 0 "--no-timestamp signing ($(cat "$T/stderr"))"
"$MOTCUA_BIN" verify "$T/a.txt" "$T/out/offline.p7s" --ca "$T/ca.pem" --json >"$T/v" ||
	sbx_die "unstamped signature: $(cat "$T/v")"
jq -e '.verdict == "valid" and (has("timestamp") | not)' "$T/v" >/dev/null ||
	sbx_die "unstamped verify --json: $(cat "$T/v")"
"$MOTCUA_BIN" verify "$T/a.txt" "$T/out/offline.p7s" --ca "$T/ca.pem" | grep -q "Dấu thời gian" &&
	sbx_die "verify shows a timestamp that is not there"
# The TSA of config.json when it works; --tsa on the command line wins over it.
printf '{"signing": {"tsa_url": "%s"}}\n' "$TSA" >"$MOTCUA_HOME/config.json"
sign "$T/b.txt" -o "$T/out/cfg.p7s" >"$T/stdout" 2>"$T/stderr" ||
	sbx_die "signing with config.json's TSA: $(cat "$T/stderr")"
ts_verify "$T/out/cfg.p7s"
sign "$T/a.txt" -o "$T/out/x.p7s" --no-timestamp --tsa "$TSA" >/dev/null 2>&1
sbx_eq $? 2 "--tsa with --no-timestamp: exit"
printf '{"signing": {"tsa_url": "ftp://tsa.example"}}\n' >"$MOTCUA_HOME/config.json"
sign "$T/b.txt" -o "$T/out/bad-cfg.p7s" >"$T/stdout" 2>"$T/stderr"
grep -q "config.json:1: \"signing.tsa_url\" phải là địa chỉ http:// hoặc https://" "$T/stderr" ||
	sbx_die "a bad tsa_url is not named: $(cat "$T/stderr")"
rm -f "$MOTCUA_HOME/config.json"

# ---- the remote signer + TSA (one OTP, read from the simulated phone) ------------
sbx_token csc >"$T/token"
rm -f "$T/otp.fifo"
mkfifo "$T/otp.fifo"
exec 5<>"$T/otp.fifo"
"$MOTCUA_BIN" sign --remote "$SBX_URL/csc/v2" --credential sandbox-ec-01 --access-token-fd 3 \
	--otp-fd 5 --tsa "$TSA" "$T/b.txt" -o "$T/out/remote.p7s" 3<"$T/token" \
	>"$T/stdout" 2>"$T/stderr" &
pid=$!
otp=
i=0
while [ -z "$otp" ] && [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
	otp=$(sbx_curl "/csc/_sandbox/otp?credentialID=sandbox-ec-01" | jq -r '.otp // empty')
	[ -n "$otp" ] || sleep 0.1
	i=$((i + 1))
done
[ -n "$otp" ] && printf '%s\n' "$otp" >&5
wait "$pid"
sbx_eq $? 0 "remote signing with --tsa ($(cat "$T/stderr"))"
exec 5>&-
ossl_verify "$T/b.txt" "$T/out/remote.p7s" "$T/sbx-ca.pem" ||
	sbx_die "openssl cms -verify refused the remote stamped signature"
ts_verify "$T/out/remote.p7s"
"$MOTCUA_BIN" verify "$T/b.txt" "$T/out/remote.p7s" --ca "$T/sbx-ca.pem" --json >"$T/v" ||
	sbx_die "motcua verify refused the remote stamped signature: $(cat "$T/v")"
jq -e '.verdict == "valid" and .timestamp.valid' "$T/v" >/dev/null || sbx_die "remote: $(cat "$T/v")"

sbx_stop || exit 1
echo "sign_tsa: ok"
