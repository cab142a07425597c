#!/bin/sh
# sign_remote.sh - `motcua sign --remote` against the sandbox's CSC v2
# signing service: a sign-in token for audience "csc" (device grant, approval,
# token exchange), the OTP read from the sandbox's simulated phone
# (/csc/_sandbox/otp) and fed through --otp-fd, a batch with one OTP, RSA-PSS
# and ECDSA credentials, verification by `openssl cms -verify` and
# `motcua verify` against the sandbox CA, then the failures: a rejected OTP,
# a token for another system, no sign-in at all, the service switched off or
# failing (the sandbox's fault target "csc").  Skips (77) while the
# sandbox does not serve /csc/.
. "$(dirname "$0")/lib/sandbox.sh"
sbx_require
: "${MOTCUA_BIN:?MOTCUA_BIN must name the motcua binary}"
command -v openssl >/dev/null 2>&1 || { echo "skip: openssl not installed"; exit 77; }

sbx_start --seed 8 --dossiers 50
code=$(sbx_curl /csc/v2/info -X POST -o /dev/null -w '%{http_code}')
if [ "$code" != 200 ]; then
	echo "skip: the sandbox does not serve /csc/ (csc_handle is not wired into its router yet)"
	exit 77
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-sign-remote.XXXXXX")
trap 'rm -rf "$T"; sbx_cleanup' EXIT
export MOTCUA_HOME="$T/home"
unset MOTCUA_ISSUER
umask 077
sbx_token csc >"$T/token"
sbx_token tuphap >"$T/tuphap-token"
sbx_curl /csc/_sandbox/ca.pem >"$T/ca.pem"
grep -q "BEGIN CERTIFICATE" "$T/ca.pem" || sbx_die "no sandbox CA at /csc/_sandbox/ca.pem"
CSC="$SBX_URL/csc/v2"
printf 'Quyết định cấp giấy phép (thử nghiệm)\n' >"$T/a.txt"
printf 'Trích lục (thử nghiệm)\n' >"$T/b.txt"
mkdir "$T/out"

# Run motcua sign in the background with the OTP on fd 5 (a FIFO opened
# read-write, so neither side blocks on open), read the OTP the sandbox "sent"
# to the phone, write it to the FIFO, and wait.  Sets rc.
sign_with_phone() { # credential args...
	cred=$1
	shift
	rm -f "$T/otp.fifo"
	mkfifo "$T/otp.fifo"
	exec 5<>"$T/otp.fifo"
	"$MOTCUA_BIN" sign --remote "$CSC" --credential "$cred" --access-token-fd 3 --otp-fd 5 \
		"$@" 3<"$T/token" >"$T/stdout" 2>"$T/stderr" &
	pid=$!
	otp=
	i=0
	while [ -z "$otp" ] && [ $i -lt $(( 100 * SLOW )) ] && kill -0 "$pid" 2>/dev/null; do
		otp=$(sbx_curl "/csc/_sandbox/otp?credentialID=$cred" | jq -r '.otp // empty')
		[ -n "$otp" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$otp" ] && printf '%s\n' "$otp" >&5
	wait "$pid"
	rc=$?
	exec 5>&-
}

check_valid() { # file sig
	openssl cms -verify -binary -inform DER -content "$1" -in "$2" -CAfile "$T/ca.pem" \
		-purpose any -out /dev/null 2>/dev/null || sbx_die "openssl refused $2"
	"$MOTCUA_BIN" verify "$1" "$2" --ca "$T/ca.pem" --json >"$T/v" ||
		sbx_die "motcua verify refused $2: $(cat "$T/v")"
	jq -e '.verdict == "valid" and (.signer | startswith("Cán bộ Thử nghiệm"))' "$T/v" >/dev/null ||
		sbx_die "verify output: $(cat "$T/v")"
}

# ---- a batch of two with one OTP (RSA-PSS) ------------------------------------
sign_with_phone sandbox-rsa-01 "$T/a.txt" "$T/b.txt" --outdir "$T/out"
sbx_eq "$rc" 0 "batch remote signing exit ($(cat "$T/stderr"))"
grep -q "Tổng kết: 2 đã ký, 0 lỗi" "$T/stdout" || sbx_die "summary: $(cat "$T/stdout")"
check_valid "$T/a.txt" "$T/out/a.txt.p7s"
check_valid "$T/b.txt" "$T/out/b.txt.p7s"
openssl cms -cmsout -print -inform DER -in "$T/out/a.txt.p7s" | grep -q rsassaPss ||
	sbx_die "remote RSA signature is not RSASSA-PSS"

# ---- ECDSA, one file ----------------------------------------------------------------
sign_with_phone sandbox-ec-01 "$T/a.txt" -o "$T/out/a.ec.p7s"
sbx_eq "$rc" 0 "EC remote signing exit ($(cat "$T/stderr"))"
check_valid "$T/a.txt" "$T/out/a.ec.p7s"

# ---- failures: nothing written --------------------------------------------------------
expect_fail() { # name pattern args...
	name=$1 pattern=$2
	shift 2
	"$MOTCUA_BIN" sign "$T/b.txt" -o "$T/out/fail.p7s" --remote "$CSC" \
		--credential sandbox-rsa-01 "$@" >"$T/stdout" 2>"$T/stderr"
	sbx_eq $? 1 "$name: exit"
	grep -q "$pattern" "$T/stderr" || sbx_die "$name: message lacks '$pattern': $(cat "$T/stderr")"
	[ ! -e "$T/out/fail.p7s" ] || sbx_die "$name: wrote a signature"
}
printf 'not-the-otp\n' >"$T/bad-otp"
(export LANGUAGE=en; expect_fail "rejected OTP (en)" "the OTP was wrong" --access-token-fd 3 --otp-fd 4 \
	3<"$T/token" 4<"$T/bad-otp") || exit 1
expect_fail "rejected OTP" "Mã OTP không đúng" --access-token-fd 3 --otp-fd 4 \
	3<"$T/token" 4<"$T/bad-otp"
expect_fail "token of another system" "từ chối phiên đăng nhập" --access-token-fd 3 --otp-fd 4 \
	3<"$T/tuphap-token" 4<"$T/bad-otp"
"$MOTCUA_BIN" sign "$T/b.txt" -o "$T/out/fail.p7s" --remote "$CSC" </dev/null \
	>/dev/null 2>"$T/stderr"
sbx_eq $? 1 "no sign-in: exit"
[ ! -e "$T/out/fail.p7s" ] || sbx_die "no sign-in: wrote a signature"
# The trainer's switches (fault target "csc"): the service switched off, then
# answering with server errors; each says so, and nothing is written.
sbx_curl /_control/offline -d source=csc -d on=1 | jq -e '.offline' >/dev/null ||
	sbx_die "cannot switch the signing service off"
expect_fail "signing service switched off" "Không kết nối được dịch vụ ký từ xa" --access-token-fd 3 --otp-fd 4 \
	3<"$T/token" 4<"$T/bad-otp"
sbx_curl /_control/offline -d source=csc -d on=0 >/dev/null
sbx_curl /_control/faults -d 'spec=csc:error=1' | jq -e .ok >/dev/null || sbx_die "csc faults"
expect_fail "signing service failing" "đang không hoạt động; hãy thử lại sau" --access-token-fd 3 --otp-fd 4 \
	3<"$T/token" 4<"$T/bad-otp"
sbx_curl /_control/faults -d 'spec=csc:clear' >/dev/null

sbx_stop || exit 1
echo "sign_remote: ok"
