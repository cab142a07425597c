#!/bin/sh
# bench_sync.sh - DESIGN.md section 10: the first sync of 10,000 dossiers
# through a 256 kbit/s link, bytes on the wire against the gzip size of the
# same payload, and a poll with nothing new per source.
#
# The link: as root, a network namespace whose loopback carries a tbf qdisc
# of 256 kbit/s (burst 32 kbit, latency 400 ms; the sandbox, motcua and the
# keyring all run inside, so the control API stays on loopback); else the
# sandbox's own bandwidth fault ('*:bandwidth=32000', bodies only) during the
# sync.  The payload's gzip size is measured by fetching the same pages again
# (same page sizes) without compression, off the shaped link, and gzipping
# each body at level 6, as a server would.
#
# Figures:  sync.link, sync.first_sync_s, sync.dossiers, sync.wire_bytes_in,
# sync.wire_bytes_in.SOURCE, sync.payload_bytes, sync.payload_gzip_bytes,
# sync.wire_vs_gzip_ratio (target <= 1.05), sync.wire_vs_gzip_ratio.SOURCE,
# sync.link_bytes (loopback counters, netns only), sync.bytes_time_s and
# sync.first_sync_vs_bytes_time (the sync's time against the time those
# bytes alone need at 256 kbit/s, target <= 1.15; netns only),
# sync.idle_poll_bytes.SOURCE
# (target < 1024), sync.idle_session_bytes.SOURCE (with dvcqg's per-process
# login).  MOTCUA_BENCH_DOSSIERS changes the size (default 10000).
set -u
B=${MOTCUA_BUILD:?MOTCUA_BUILD not set}
HERE=$(cd "$(dirname "$0")" && pwd)
N=${MOTCUA_BENCH_DOSSIERS:-10000}
MOTCUA_BIN=$B/motcua
MOTCUA_SANDBOX_BIN=$B/motcua-sandbox
export MOTCUA_BIN MOTCUA_SANDBOX_BIN
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

. "$HERE/../integration/lib/sandbox.sh"
. "$HERE/../integration/lib/sync_signin.sh"
# As root: run the whole benchmark in a fresh network namespace whose
# loopback is shaped (MTU 1500 so the tbf burst holds a packet); the sandbox,
# motcua and the keyring all live there, the control API stays on loopback.
if [ -z "${MOTCUA_BENCH_INNER:-}" ] && [ -z "${SYNC_IN_DBUS:-}" ] && [ "$(id -u)" = 0 ] &&
	command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; then
	NS=motcua-bench-$$
	if ip netns add "$NS" 2>/dev/null; then
		if ip netns exec "$NS" ip link set lo mtu 1500 && ip netns exec "$NS" ip link set lo up &&
			ip netns exec "$NS" tc qdisc add dev lo root tbf rate 256kbit burst 32kbit \
				latency 400ms && ip netns exec "$NS" tc qdisc del dev lo root; then
			MOTCUA_BENCH_INNER=netns ip netns exec "$NS" sh "$0" "$@"
			rc=$?
			ip netns del "$NS"
			exit $rc
		fi
		ip netns del "$NS"
	fi
fi
for tool in curl jq gzip; do
	command -v $tool >/dev/null 2>&1 || { echo "sync: skipped ($tool not installed)"; exit 0; }
done
if [ -z "${SYNC_IN_DBUS:-}" ]; then
	command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1 ||
		{ echo "sync: skipped (needs dbus-run-session and gnome-keyring-daemon)"; exit 0; }
fi
sync_in_keyring "$@"

SBX_PID=
cleanup() {
	[ -n "$SBX_PID" ] && kill "$SBX_PID" 2>/dev/null && wait "$SBX_PID" 2>/dev/null
	[ "${MOTCUA_BENCH_INNER:-}" = netns ] && tc qdisc del dev lo root 2>/dev/null
	sync_cleanup_tmp
}
trap cleanup EXIT

: >"$SYNC_TMP/sbx.out"
"$MOTCUA_SANDBOX_BIN" --port 0 --seed 7 --dossiers "$N" --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear' >"$SYNC_TMP/sbx.out" 2>"$SYNC_TMP/sbx.err" &
SBX_PID=$!
i=0
while [ $i -lt 600 ] && [ -z "$SBX_URL" ]; do
	SBX_URL=$(sed -n 's/^motcua-sandbox: listening on \(http:[^ ]*\)$/\1/p' "$SYNC_TMP/sbx.out")
	[ -n "$SBX_URL" ] || sleep 0.1
	i=$((i + 1))
done
[ -n "$SBX_URL" ] || { echo "sync: skipped (the sandbox did not start)"; exit 0; }
if [ "${MOTCUA_BENCH_INNER:-}" = netns ]; then
	echo "sync.link netns loopback, tbf 256kbit burst 32kbit latency 400ms (both directions share it)"
else
	echo "sync.link sandbox bandwidth fault 32000 B/s (bodies only)"
fi
sync_login

# ---- the first sync over the slow link ---------------------------------------------
shape_on() {
	if [ "${MOTCUA_BENCH_INNER:-}" = netns ]; then
		tc qdisc add dev lo root tbf rate 256kbit burst 32kbit latency 400ms
	else
		sbx_curl /_control/faults -d 'spec=*:bandwidth=32000' >/dev/null
	fi
}
shape_off() {
	if [ "${MOTCUA_BENCH_INNER:-}" = netns ]; then
		tc qdisc del dev lo root
	else
		sbx_curl /_control/faults -d 'spec=*:bandwidth=0' >/dev/null
	fi
}
shape_on
rx0=$(cat /sys/class/net/lo/statistics/rx_bytes 2>/dev/null || echo 0)
t0=$(date +%s.%N)
"$MOTCUA_BIN" sync --json >"$SYNC_TMP/first.json" 2>"$SYNC_TMP/first.err"
rc=$?
t1=$(date +%s.%N)
rx1=$(cat /sys/class/net/lo/statistics/rx_bytes 2>/dev/null || echo 0)
shape_off
[ $rc = 0 ] || { echo "sync: first sync failed (rc $rc)"; cat "$SYNC_TMP/first.json" "$SYNC_TMP/first.err"; }
echo "sync.first_sync_s $(echo "$t1 $t0" | awk '{printf "%.1f", $1 - $2}')"
if [ "${MOTCUA_BENCH_INNER:-}" = netns ]; then
	echo "sync.link_bytes $((rx1 - rx0)) (loopback, both directions, TCP/IP included)"
	bytes_s=$(echo "$rx0 $rx1" | awk '{printf "%.1f", ($2 - $1) * 8 / 256000}')
	echo "sync.bytes_time_s $bytes_s (those bytes at 256 kbit/s)"
	echo "sync.first_sync_vs_bytes_time $(echo "$t1 $t0 $bytes_s" |
		awk '{printf "%.2f", ($1 - $2) / $3}') (target <= 1.15)"
fi
echo "sync.dossiers $("$MOTCUA_BIN" inbox --json | jq length) (sandbox: $(sbx_stat .distinct_dossiers))"
jq -r '.sources[] | "sync.wire_bytes_in.\(.name) \(.pull_bytes_in)"' "$SYNC_TMP/first.json"
wire=$(jq '[.sources[].pull_bytes_in] | add' "$SYNC_TMP/first.json")
echo "sync.wire_bytes_in $wire"

# ---- the same payload, fetched again off the shaped link, gzipped per body --------
fetch() { # URL [curl args]: the body, uncompressed (the link is not shaped now)
	u=$1
	shift
	curl -sS --max-time 120 "$@" "$u"
}
measure() { # SOURCE BODYFILE: add to the source's raw and gzip totals
	r=$(wc -c <"$2")
	g=$(gzip -6 -c <"$2" | wc -c)
	echo "$1 $r $g" >>"$SYNC_TMP/payload"
}
: >"$SYNC_TMP/payload"
body=$SYNC_TMP/body
tok=$(sbx_token tuphap)
cur=
while :; do
	fetch "$SBX_URL/tuphap/api/v1/dossiers/changes?cursor=$cur&limit=500" \
		-H "Authorization: Bearer $tok" >"$body"
	measure tuphap "$body"
	[ "$(jq -r .hasMore "$body")" = true ] || break
	cur=$(jq -r .nextCursor "$body")
done
tok=$(sbx_token congan)
off=0
while :; do
	fetch "$SBX_URL/congan/api/v2/records?updated_since=0&offset=$off&limit=200" \
		-H "Authorization: Bearer $tok" >"$body"
	measure congan "$body"
	[ "$(jq -r .paging.has_more "$body")" = true ] || break
	off=$((off + $(jq '.data | length' "$body") - 1)) # motcua overlaps one row
done
tok=$(sbx_token nnmt)
p=1
while :; do
	fetch "$SBX_URL/nnmt/api/v2/dossiers?page=$p&page_size=100" -H "Authorization: Bearer $tok" >"$body"
	measure nnmt "$body"
	[ "$(jq '.page < .total_pages' "$body")" = true ] || break
	p=$((p + 1))
done
tok=$(sbx_token tinh)
p=1
while :; do
	fetch "$SBX_URL/tinh/api/DanhSachHoSo?trang=$p&so_dong=500" -H "Authorization: Bearer $tok" >"$body"
	measure tinh "$body"
	[ "$(jq '.trang < .tong_so_trang' "$body")" = true ] || break
	p=$((p + 1))
done
tok=$(sbx_token dvcqg)
ses=$(fetch "$SBX_URL/dvcqg/login" -d "{\"token\":\"$tok\"}" | jq -r .session)
p=1
while :; do
	fetch "$SBX_URL/dvcqg/api" -d "{\"session\":\"$ses\",\"madonvi\":\"H56\",\"service\":\"LayDanhSachHoSo\",\"data\":{\"TuNgay\":\"\",\"TrangSo\":$p,\"SoLuong\":500}}" >"$body"
	measure dvcqg "$body"
	[ "$(jq '(.TrangSo | tonumber) < (.TongSoTrang | tonumber)' "$body")" = true ] || break
	p=$((p + 1))
done
raw=$(awk '{s += $2} END {print s}' "$SYNC_TMP/payload")
gz=$(awk '{s += $3} END {print s}' "$SYNC_TMP/payload")
echo "sync.payload_bytes $raw"
echo "sync.payload_gzip_bytes $gz"
for s in dvcqg tuphap congan nnmt tinh; do
	w=$(jq --arg s $s '.sources[] | select(.name == $s) | .pull_bytes_in' "$SYNC_TMP/first.json")
	g=$(awk -v s=$s '$1 == s {t += $3} END {print t + 0}' "$SYNC_TMP/payload")
	[ "$g" -gt 0 ] && echo "sync.wire_vs_gzip_ratio.$s $(echo "$w $g" | awk '{printf "%.2f", $1 / $2}')"
done
echo "sync.wire_vs_gzip_ratio $(echo "$wire $gz" | awk '{printf "%.2f", $1 / $2}') (target <= 1.05)"

# ---- a poll with nothing new ---------------------------------------------------------
"$MOTCUA_BIN" sync --json >"$SYNC_TMP/idle.json" 2>/dev/null
jq -r '.sources[] | "sync.idle_poll_bytes.\(.name) \(.pull_bytes_in + .pull_bytes_out)"' "$SYNC_TMP/idle.json"
jq -r '.sources[] | "sync.idle_session_bytes.\(.name) \(.bytes_in + .bytes_out)"' "$SYNC_TMP/idle.json"
echo "sync.idle_poll_target < 1024 bytes per source"
