# tests/integration/lib/sandbox.sh - start, use and stop a motcua-sandbox from
# an integration test.  Source it from a test script:
#
#   . "$(dirname "$0")/lib/sandbox.sh"
#   sbx_require                      # exit 77 (skip) without curl, jq or the binary
#   sbx_start --seed 7 --dossiers 500 --now '2026-03-12 09:30'
#   tok=$(sbx_token tuphap)          # device sign-in + approval + token exchange
#   curl -s -H "Authorization: Bearer $tok" "$SBX_URL/tuphap/api/v1/dossiers/changes"
#   sbx_stop                         # SIGTERM by PID; fails if the exit was unclean
#
# sbx_start sets SBX_URL (http://127.0.0.1:PORT) and SBX_PID, and writes the
# sandbox's stderr to $SBX_LOG.  It binds a free port on 127.0.0.1 (--port 0)
# and waits (up to 30 s) for the "listening on" line.  An EXIT trap stops a
# sandbox left running.  Needs: curl, jq, MOTCUA_SANDBOX_BIN.
#
# MOTCUA_TEST_SLOW (a whole number, default 1; tests/valgrind/run.sh sets it)
# multiplies the deadlines here and in the scripts: `slow 10` prints 10 times it.

SLOW=${MOTCUA_TEST_SLOW:-1}
case $SLOW in '' | *[!0-9]* | 0) SLOW=1 ;; esac
slow() { echo $(( $1 * SLOW )); }

SBX_URL=
SBX_PID=
SBX_DIR=

sbx_die() {
	echo "FAIL: $*" >&2
	[ -n "$SBX_DIR" ] && [ -s "$SBX_DIR/stderr" ] && sed 's/^/  sandbox: /' "$SBX_DIR/stderr" | tail -n 20 >&2
	exit 1
}

sbx_require() {
	for tool in curl jq; do
		command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed"; exit 77; }
	done
	[ -n "${MOTCUA_SANDBOX_BIN:-}" ] && [ -x "$MOTCUA_SANDBOX_BIN" ] ||
		{ echo "skip: MOTCUA_SANDBOX_BIN not set or not executable"; exit 77; }
}

sbx_cleanup() {
	if [ -n "$SBX_PID" ]; then
		kill "$SBX_PID" 2>/dev/null
		wait "$SBX_PID" 2>/dev/null
		SBX_PID=
	fi
	[ -n "$SBX_DIR" ] && rm -rf "$SBX_DIR"
	SBX_DIR=
}

sbx_start() {
	sbx_require
	[ -z "$SBX_PID" ] || sbx_stop
	SBX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/motcua-sbx.XXXXXX")
	SBX_LOG=$SBX_DIR/stderr
	trap sbx_cleanup EXIT
	: >"$SBX_DIR/stdout"
	"$MOTCUA_SANDBOX_BIN" --port 0 "$@" >"$SBX_DIR/stdout" 2>"$SBX_DIR/stderr" &
	SBX_PID=$!
	i=0
	while [ $i -lt $(( 300 * SLOW )) ]; do
		SBX_URL=$(sed -n 's/^motcua-sandbox: listening on \(http:[^ ]*\)$/\1/p' "$SBX_DIR/stdout")
		[ -n "$SBX_URL" ] && return 0
		kill -0 "$SBX_PID" 2>/dev/null || { SBX_PID=; sbx_die "sandbox exited at start: $*"; }
		sleep 0.1
		i=$((i + 1))
	done
	sbx_die "sandbox did not become ready in $(slow 30) s"
}

# Stop by PID with SIGTERM; returns non-zero (and says so) if it did not exit 0.
sbx_stop() {
	[ -n "$SBX_PID" ] || return 0
	kill -TERM "$SBX_PID"
	wait "$SBX_PID"
	rc=$?
	SBX_PID=
	[ $rc -eq 0 ] || { echo "FAIL: sandbox exited with status $rc" >&2; return 1; }
	return 0
}

# curl against the sandbox: sbx_curl PATH [curl args...]; body on stdout.
sbx_curl() {
	path=$1
	shift
	curl -sS --max-time 30 "$@" "$SBX_URL$path"
}

# An access token for one system (audience), through the real sign-in: device
# authorization, approval through the control API (as the phone would), the
# device-code grant, then token exchange (RFC 8693) for the audience.
sbx_token() {
	aud=$1
	da=$(sbx_curl /oidc/device_authorization -d client_id=motcua-test -d scope=openid) ||
		sbx_die "device_authorization failed"
	dc=$(printf '%s' "$da" | jq -r .device_code)
	uc=$(printf '%s' "$da" | jq -r .user_code)
	[ -n "$dc" ] && [ "$dc" != null ] || sbx_die "no device_code in: $da"
	sbx_curl /_control/approve --data-urlencode "user_code=$uc" | jq -e .ok >/dev/null ||
		sbx_die "approve failed"
	tr=$(sbx_curl /oidc/token -d client_id=motcua-test \
		-d grant_type=urn:ietf:params:oauth:grant-type:device_code \
		--data-urlencode "device_code=$dc")
	at=$(printf '%s' "$tr" | jq -r .access_token)
	[ -n "$at" ] && [ "$at" != null ] || sbx_die "no access_token from device grant: $tr"
	if [ -z "$aud" ]; then
		printf '%s\n' "$at"
		return 0
	fi
	xr=$(sbx_curl /oidc/token -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange \
		--data-urlencode "subject_token=$at" \
		-d subject_token_type=urn:ietf:params:oauth:token-type:access_token \
		-d "audience=$aud")
	xt=$(printf '%s' "$xr" | jq -r .access_token)
	[ -n "$xt" ] && [ "$xt" != null ] || sbx_die "token exchange for $aud failed: $xr"
	printf '%s\n' "$xt"
}

# Read a JSON value from the control API's stats: sbx_stat '.actions.applied'
sbx_stat() {
	sbx_curl /_control/stats | jq -r "$1"
}

# Assertions that print what was expected.
sbx_eq() { [ "$1" = "$2" ] || sbx_die "${3:-value}: expected '$2', got '$1'"; }
sbx_match() { printf '%s' "$1" | grep -Eq "$2" || sbx_die "${3:-value}: '$1' does not match /$2/"; }
