#!/bin/sh
# sign_token.sh - `motcua sign` and `motcua verify` with a real PKCS#11 token:
# SoftHSM2, created here in a temporary folder (its own config and token dir).
# Keys are generated ON the token (RSA-2048 and EC P-256); their certificates
# come from a throw-away test CA.  Checks: signing, `openssl cms -verify` and
# `motcua verify` accept (RSASSA-PSS and ECDSA), tampering is caught by both,
# trust needs the CA, wrong PIN, no PIN, missing token, empty token folder,
# bad module, batch signing with one PIN and a failed file.
# Every PIN here is a synthetic test value.
set -u
. "$(dirname "$0")/lib/softhsm.sh"

: "${MOTCUA_BIN:?MOTCUA_BIN must name the motcua binary}"
MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
for tool in softhsm2-util pkcs11-tool openssl; do
	command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed (make deps)"; exit 77; }
done
[ -f "$MODULE" ] || { echo "skip: no SoftHSM2 module at $MODULE"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-sign-token.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir "$T/out"
PIN=1234-test
printf '%s\n' "$PIN" >"$T/pin"
printf '9999-wrong\n' >"$T/badpin"
export MOTCUA_HOME="$T/home"

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# ---- the token ----------------------------------------------------------------
softhsm_token "$T" motcua-test "$PIN" || { echo "FAIL: cannot create the SoftHSM2 token"; exit 1; }
make_key() { # id label keytype
	softhsm_key "$1" "$2" "$3" "/O=UBND xã Thử nghiệm/CN=Cán bộ Thử nghiệm $1"
}
make_key 01 signkey rsa:2048 || { echo "FAIL: RSA key on the token"; exit 1; }
make_key 02 eckey EC:prime256v1 || { echo "FAIL: EC key on the token"; exit 1; }

printf 'Giấy chứng nhận kết quả (thử nghiệm)\n' >"$T/ket-qua.txt"
sign() { "$MOTCUA_BIN" sign --module "$MODULE" --token motcua-test "$@"; }
ossl_verify() {
	openssl cms -verify -binary -inform DER -content "$1" -in "$2" -CAfile "$T/ca.pem" \
		-purpose any -out /dev/null 2>/dev/null
}

# ---- sign and verify, RSA (PSS) and EC (ECDSA) ---------------------------------
for key in signkey eckey; do
	out="$T/ket-qua.$key.p7s"
	sign "$T/ket-qua.txt" -o "$out" --key "$key" --pin-fd 3 3<"$T/pin" >"$T/stdout" 2>"$T/stderr" ||
		fail "$key: sign exited $? ($(cat "$T/stderr"))"
	[ -s "$out" ] || fail "$key: no signature written"
	ossl_verify "$T/ket-qua.txt" "$out" || fail "$key: openssl cms -verify refused it"
	"$MOTCUA_BIN" verify "$T/ket-qua.txt" "$out" --ca "$T/ca.pem" >"$T/v" 2>&1 ||
		fail "$key: motcua verify refused it: $(cat "$T/v")"
	grep -q "Cán bộ Thử nghiệm" "$T/v" || fail "$key: verify does not name the signer"
	grep -q "chữ ký hợp lệ, người ký được tin cậy" "$T/v" || fail "$key: verify does not say valid"
	grep -q "Thời điểm ký" "$T/v" || fail "$key: verify shows no signing time"
done
openssl cms -cmsout -print -inform DER -in "$T/ket-qua.signkey.p7s" >"$T/dump" 2>&1
grep -q "rsassaPss" "$T/dump" || fail "RSA signature is not RSASSA-PSS"
grep -q "signingTime" "$T/dump" || fail "no signingTime attribute"
grep -q "eContent: <ABSENT>" "$T/dump" || fail "signature is not detached"
grep -q "ecdsa-with-SHA256" "$(openssl cms -cmsout -print -inform DER \
	-in "$T/ket-qua.eckey.p7s" >"$T/dump2" 2>&1; echo "$T/dump2")" ||
	fail "EC signature is not ecdsa-with-SHA256"

# Without the CA: valid signature, untrusted signer, exit 1.
"$MOTCUA_BIN" verify "$T/ket-qua.txt" "$T/ket-qua.signkey.p7s" --json >"$T/v" 2>&1 &&
	fail "verify without a trusted CA exited 0"
grep -q '"verdict":"untrusted"' "$T/v" || fail "untrusted not reported: $(cat "$T/v")"

# ---- tampering -------------------------------------------------------------------
cp "$T/ket-qua.txt" "$T/tampered.txt"
printf ' ' >>"$T/tampered.txt"
ossl_verify "$T/tampered.txt" "$T/ket-qua.signkey.p7s" && fail "openssl accepted a tampered file"
"$MOTCUA_BIN" verify "$T/tampered.txt" "$T/ket-qua.signkey.p7s" --ca "$T/ca.pem" >"$T/v" 2>&1 &&
	fail "motcua verify accepted a tampered file"
grep -q "tệp đã bị thay đổi sau khi ký" "$T/v" || fail "tampering not named: $(cat "$T/v")"

# ---- failures leave no output ------------------------------------------------------
expect_fail() { # name grep-pattern args...
	name=$1 pattern=$2
	shift 2
	rm -f "$T/out/x.p7s"
	"$MOTCUA_BIN" sign "$T/ket-qua.txt" -o "$T/out/x.p7s" "$@" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	[ "$rc" -eq 1 ] || fail "$name: exit $rc, want 1"
	grep -q "$pattern" "$T/stderr" || fail "$name: message lacks '$pattern': $(cat "$T/stderr")"
	[ -z "$(ls -A "$T/out")" ] || fail "$name: left files: $(ls "$T/out")"
}
expect_fail "wrong PIN" "Sai mã PIN của token" --module "$MODULE" --pin-fd 3 3<"$T/badpin"
(export LANGUAGE=en; expect_fail "wrong PIN (en)" "wrong token PIN" --module "$MODULE" \
	--pin-fd 3 3<"$T/badpin") || exit 1
expect_fail "no PIN" "Chưa nhập mã PIN/OTP" --module "$MODULE" --pin-fd 3 3</dev/null
expect_fail "missing token" "Không tìm thấy token ký số" --module "$MODULE" --token no-such-token \
	--pin-fd 3 3<"$T/pin"
expect_fail "bad module" "Không nạp được thư viện PKCS#11" --module "$T/none.so" --pin-fd 3 3<"$T/pin"
expect_fail "two keys, none chosen" "several keys fit" --module "$MODULE" --pin-fd 3 3<"$T/pin"
mkdir "$T/empty"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$T/empty" >"$T/empty.conf"
SOFTHSM2_CONF="$T/empty.conf" expect_fail "empty token folder" "Không tìm thấy token ký số" \
	--module "$MODULE" --pin-fd 3 3<"$T/pin"

# SoftHSM2 counts no PIN tries and never locks (CKF_USER_PIN_LOCKED is not
# implemented); the locked-PIN message is tested with the mapping in test_sign.
for i in 1 2 3 4 5 6; do
	sign "$T/ket-qua.txt" -o "$T/out/x.p7s" --key signkey --pin-fd 3 3<"$T/badpin" 2>/dev/null
done
sign "$T/ket-qua.txt" -o "$T/out/locked.p7s" --key signkey --pin-fd 3 3<"$T/pin" >/dev/null 2>&1 ||
	fail "SoftHSM2 now locks the PIN: turn the lockout case into a real test"
rm -f "$T/out/locked.p7s"

# ---- batch: one PIN for several files, a summary, a missing file ---------------------
for n in 1 2 3; do printf 'kết quả %s\n' "$n" >"$T/doc$n.txt"; done
# The PIN file holds ONE line: a second PIN read would hit EOF and cancel.
sign "$T/doc1.txt" "$T/doc2.txt" "$T/missing.txt" "$T/doc3.txt" --outdir "$T/out" --key eckey \
	--pin-fd 3 3<"$T/pin" >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || fail "batch with a missing file: exit $rc, want 1"
grep -q "Tổng kết: 3 đã ký, 1 lỗi" "$T/stdout" || fail "batch summary: $(cat "$T/stdout")"
grep -q "missing.txt" "$T/stderr" || fail "batch does not name the failed file"
[ -e "$T/out/missing.txt.p7s" ] && fail "batch wrote a signature for a missing file"
for n in 1 2 3; do
	ossl_verify "$T/doc$n.txt" "$T/out/doc$n.txt.p7s" || fail "batch file $n does not verify"
done

# ---- the token named in config.json, nothing on the command line -----------------------
mkdir -p "$MOTCUA_HOME"
printf '{"signing": {"pkcs11_module": "%s", "token": "motcua-test", "key": "signkey"}}\n' \
	"$MODULE" >"$MOTCUA_HOME/config.json"
(unset MOTCUA_PKCS11_MODULE; "$MOTCUA_BIN" sign "$T/doc1.txt" -o "$T/cfg.p7s" --pin-fd 3 \
	3<"$T/pin" >"$T/stdout" 2>"$T/stderr") || fail "sign from config.json: $(cat "$T/stderr")"
ossl_verify "$T/doc1.txt" "$T/cfg.p7s" || fail "signature made from config.json does not verify: $(cat "$T/stdout" "$T/stderr")"
rm -f "$MOTCUA_HOME/config.json"

# ---- usage errors ----------------------------------------------------------------------
"$MOTCUA_BIN" sign "$T/doc1.txt" "$T/doc2.txt" -o "$T/x.p7s" --module "$MODULE" 2>/dev/null
[ $? -eq 2 ] || fail "-o with two files is not a usage error"
"$MOTCUA_BIN" verify "$T/doc1.txt" 2>/dev/null
[ $? -eq 2 ] || fail "verify with one argument is not a usage error"

[ "$fails" -eq 0 ] || exit 1
echo "sign_token: ok"
