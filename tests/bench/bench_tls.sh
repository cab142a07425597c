#!/bin/sh
# bench_tls.sh - DESIGN.md section 10 over HTTPS (issue 21): what a poll
# with nothing new costs per system when a new process pays its TLS
# handshake, and how much of that is the handshake.
#
# Two identical sandboxes (same seed): one reached directly over http on
# loopback, one behind an nginx TLS front with a private CA (tests/
# integration/lib/tls.sh).  The same clerk signs in to both, syncs once,
# then runs `motcua sync` again with nothing new: its per-system bytes as
# counted (HTTP bytes and, since issue 21, the TLS handshake's messages).
#
# Figures: tls.new_process_https_bytes.SOURCE / _http_bytes.SOURCE (a new
# process: sign-in and one poll of that system, every request summed from
# its trace), tls.handshake_bytes.SOURCE (the difference: the handshake it
# pays), tls.idle_poll_https_bytes.SOURCE / _http_bytes.SOURCE (the poll's
# own bytes), tls.idle_poll_target
# (< 1024 per system once the connection is kept alive: the kept-alive poll
# is the http figure plus TLS record framing, about 30 bytes a record, four
# records).
set -u
B=${MOTCUA_BUILD:?MOTCUA_BUILD not set}
HERE=$(cd "$(dirname "$0")" && pwd)
MOTCUA_BIN=$B/motcua
MOTCUA_SANDBOX_BIN=$B/motcua-sandbox
export MOTCUA_BIN MOTCUA_SANDBOX_BIN
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
. "$HERE/../integration/lib/sandbox.sh"
. "$HERE/../integration/lib/tls.sh"
for tool in nginx openssl keyctl python3 curl jq; do
	command -v $tool >/dev/null 2>&1 || { echo "tls: skipped ($tool not installed)"; exit 0; }
done
if [ -z "${IN_KEY_SESSION:-}" ]; then
	IN_KEY_SESSION=1 exec keyctl session - sh "$0" "$@"
fi
keyctl get_persistent @s >/dev/null 2>&1 || { echo "tls: skipped (no persistent keyring)"; exit 0; }
unset DBUS_SESSION_BUS_ADDRESS MOTCUA_KEYRING
M=$MOTCUA_BIN
T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-tls.XXXXXX")
RING=$(keyctl get_persistent @s)
SBX2_PID=
cleanup() {
	tls_nginx_stop
	[ -z "$SBX2_PID" ] || { kill "$SBX2_PID" 2>/dev/null; wait "$SBX2_PID" 2>/dev/null; }
	keyctl list "$RING" 2>/dev/null | grep -e "$T/" -e "localhost:${PORT:-none}" -e "${HTTP_URL:-none}" |
		awk -F: '{print $1}' | while read -r id; do keyctl unlink "$id" "$RING" >/dev/null 2>&1; done
	sbx_cleanup
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

now=$(date -u +%s)
tls_ca "$T" && tls_cert "$T" front "DNS:localhost,IP:127.0.0.1" $((now - 86400)) $((now + 30 * 86400)) ||
	{ echo "tls: skipped (openssl could not make the CA)"; exit 0; }
PORT=$(tls_free_port)
FRONT="https://localhost:$PORT"

# one clerk, signed in to a sandbox at URL, in home H; syncs once
signin() { # H URL
	export MOTCUA_HOME="$1"
	mkdir -p "$MOTCUA_HOME"
	printf '{"tls": {"ca_file": "%s"}}\n' "$T/ca.pem" >"$MOTCUA_HOME/config.json"
	chmod 600 "$MOTCUA_HOME/config.json"
	"$M" login --issuer "$2" >"$T/login.out" 2>&1 &
	lp=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q '^user_code: ' "$T/login.out"; do sleep 0.1; i=$((i + 1)); done
	uc=$(sed -n 's/^user_code: //p' "$T/login.out")
	sbx_curl /_control/approve --data-urlencode "user_code=$uc" >/dev/null
	wait $lp || return 1
	"$M" sync >/dev/null 2>&1
}

# over http, directly (this sandbox stays up: the per-process runs below)
sbx_start --seed 51 --dossiers 200 --now '2026-03-12 09:30' --speed 0
trap cleanup EXIT INT TERM # (sbx_start set its own)
HTTP_URL=$SBX_URL
signin "$T/http" "$SBX_URL" || { echo "tls: skipped (sign-in over http failed)"; exit 0; }
"$M" sync --json >"$T/http.json" 2>/dev/null
SBX2_PID=$SBX_PID
SBX_PID=
# over https, through the front
sbx_start --seed 51 --dossiers 200 --now '2026-03-12 09:30' --speed 0 --public-url "$FRONT"
trap cleanup EXIT INT TERM
tls_nginx_start "$T" "${SBX_URL#http://}" "$PORT:front" || { echo "tls: skipped (nginx did not start)"; exit 0; }
signin "$T/https" "$FRONT" || { echo "tls: skipped (sign-in through the front failed)"; exit 0; }
"$M" sync --json >"$T/https.json" 2>/dev/null

# A new process per system (sign-in, then one poll), every request it made
# summed from its trace: the https total less the http total is the
# handshake it paid (one connection: the sign-in's, which the poll reuses;
# in a deployment each system on its own host pays one).
newproc() { # HOME URL SOURCE -> bytes
	MOTCUA_HOME=$1 MOTCUA_DEBUG_HTTP=1 "$M" sync --source "$3" 2>&1 >/dev/null |
		sed -n 's/^http: .* in=\([0-9]*\) out=\([0-9]*\) .*/\1 \2/p' | awk '{s += $1 + $2} END {print s + 0}'
}
SBX_KEEP=$SBX_URL
for src in $(jq -r '.sources[].name' "$T/https.json"); do
	SBX_URL=$HTTP_URL
	h=$(newproc "$T/http" "$HTTP_URL" "$src")
	SBX_URL=$SBX_KEEP
	s=$(newproc "$T/https" "$FRONT" "$src")
	echo "tls.new_process_http_bytes.$src $h"
	echo "tls.new_process_https_bytes.$src $s"
	echo "tls.handshake_bytes.$src $((s - h))"
done
jq -r '.sources[] | "tls.idle_poll_http_bytes.\(.name) \(.pull_bytes_in + .pull_bytes_out)"' "$T/http.json"
jq -r '.sources[] | "tls.idle_poll_https_bytes.\(.name) \(.pull_bytes_in + .pull_bytes_out)"' "$T/https.json"
jq -r --slurpfile h "$T/http.json" '[.sources[] | . as $s |
	($h[0].sources[] | select(.name == $s.name)) as $p |
	($p.pull_bytes_in + $p.pull_bytes_out + 120)] | max |
	"tls.idle_poll_kept_alive_bytes.max \(.) (http figure + ~120 bytes of TLS record framing)"' "$T/https.json"
echo "tls.idle_poll_target < 1024 bytes per system with a kept-alive connection"
