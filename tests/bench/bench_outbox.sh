#!/bin/sh
# bench_outbox.sh - DESIGN.md section 10: 1,000 actions queued while every
# system is offline, replayed by `motcua queue send` once the link returns:
# wall time, bytes on the wire per action and HTTP round trips per action
# (action requests, server reads before resending or fingerprints, and
# dvcqg's login), and that none was applied twice.
#
# Figures: outbox.replay_1000_s, outbox.bytes_per_action,
# outbox.round_trips_per_action, outbox.applied, outbox.applied_twice.
# The sandbox's default latency (nnmt) and rate limit (congan) are turned
# off so the figures are the client's; MOTCUA_BENCH_ACTIONS changes the count.
#
# Then, as root with ip and tc, the rural link of section 10: another N
# actions replayed through a network namespace whose loopback carries a tbf
# qdisc of 64 kbit/s (both directions share it, as on a half-duplex radio
# link) while the sandbox answers every request 300 ms late (its latency
# fault: the kernel here has no netem).  The bytes' own time is the
# loopback's byte count (TCP/IP included) at 8,000 bytes a second; the
# target is a replay within 1.3 times that.  Figures: outbox.slow.*.
set -u
B=${MOTCUA_BUILD:?MOTCUA_BUILD not set}
HERE=$(cd "$(dirname "$0")" && pwd)
N=${MOTCUA_BENCH_ACTIONS:-1000}
MOTCUA_BIN=$B/motcua
MOTCUA_SANDBOX_BIN=$B/motcua-sandbox
export MOTCUA_BIN MOTCUA_SANDBOX_BIN
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
RATE_BPS=8000 # 64 kbit/s
LATENCY_MS=300
# As root: run in a fresh network namespace, so that its loopback can be
# shaped for the second replay without touching the machine's.
if [ -z "${MOTCUA_BENCH_INNER:-}" ] && [ -z "${SYNC_IN_DBUS:-}" ] && [ "$(id -u)" = 0 ] &&
	command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; then
	NS=motcua-bench-$$
	if ip netns add "$NS" 2>/dev/null; then
		if ip netns exec "$NS" ip link set lo mtu 1500 && ip netns exec "$NS" ip link set lo up; then
			MOTCUA_BENCH_INNER=netns ip netns exec "$NS" sh "$0" "$@"
			rc=$?
			ip netns del "$NS"
			exit $rc
		fi
		ip netns del "$NS"
	fi
fi
. "$HERE/../integration/lib/sandbox.sh"
. "$HERE/../integration/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 5 --dossiers 12000 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"

offline() { # 1|0: every system offline, or back
	for s in dvcqg tuphap congan nnmt tinh; do
		sbx_curl /_control/offline -d "source=$s" -d on="$1" | jq -e .ok >/dev/null
	done
}

# ---- the plan: 2N actions, every system with its share, shuffled ---------------------
plan=$SYNC_TMP/plan
: >"$plan"
for s in tuphap congan nnmt tinh; do
	sbx_curl "/_control/dossiers?source=$s&status=1&in_dvcqg=0&limit=1000" |
		jq -r '.dossiers[] | "\(.code) receive"' >>"$plan"
	for st in 2 4; do
		sbx_curl "/_control/dossiers?source=$s&status=$st&in_dvcqg=0&limit=1000" |
			jq -r '.dossiers[] | "\(.code) forward"' >>"$plan"
	done
done
sbx_curl "/_control/dossiers?source=dvcqg&limit=1000" |
	jq -r '.dossiers[] | select(.coord_status == .status and .status == 4) |
		"\(.code) forward dvcqg"' | head -n $((2 * (N / 10))) >"$SYNC_TMP/via"
awk 'BEGIN { srand(5) } { print rand() "\t" $0 }' "$plan" | sort -n | cut -f2- >"$SYNC_TMP/direct"
n_via=$(( $(wc -l <"$SYNC_TMP/via") / 2 ))
{ head -n $((N - n_via)) "$SYNC_TMP/direct"; head -n "$n_via" "$SYNC_TMP/via"; } >"$SYNC_TMP/plan1"
# the rural replay also keeps an order: 50 dossiers are received and then
# forwarded, two entries of one dossier that must reach the system in turn
# (the forward is refused by a dossier not yet received)
tail -n +$((N - n_via + 1)) "$SYNC_TMP/direct" | head -n $((N - n_via - 50)) >"$SYNC_TMP/plan2"
grep ' receive$' "$SYNC_TMP/plan2" | head -n 50 | sed 's/ receive$/ forward/' >"$SYNC_TMP/pairs"
cat "$SYNC_TMP/pairs" >>"$SYNC_TMP/plan2"
tail -n +$((n_via + 1)) "$SYNC_TMP/via" | head -n "$n_via" >>"$SYNC_TMP/plan2"

queue_plan() { # PLANFILE: queue its actions while offline; sets $queued
	queued=0
	while read -r code action via; do
		if [ -n "$via" ]; then
			"$M" act "$code" "$action" --to "Văn phòng UBND xã" --via "$via" >/dev/null 2>&1 &&
				queued=$((queued + 1))
		else
			"$M" act "$code" "$action" --to "Văn phòng UBND xã" >/dev/null 2>&1 &&
				queued=$((queued + 1))
		fi
	done <"$1"
}

send_all() { # PREFIX: replay the queue, print its figures under PREFIX
	applied0=$(sbx_stat .actions.applied)
	t0=$(date +%s.%N)
	"$M" queue send --wait 900 --json >"$SYNC_TMP/send.json" 2>"$SYNC_TMP/send.err"
	rc=$?
	t1=$(date +%s.%N)
	[ "$rc" = 0 ] || { tail -n 5 "$SYNC_TMP/send.err"; echo "$1.error queue send exit $rc"; }
	jq -r --arg t0 "$t0" --arg t1 "$t1" --argjson q "$queued" --arg p "$1" '
		"\($p).replay_s \((($t1 | tonumber) - ($t0 | tonumber)) * 1000 | round / 1000)",
		"\($p).bytes_per_action \(((.bytes_in + .bytes_out) / $q) | round)",
		"\($p).bytes_out_per_action \((.bytes_out / $q) | round)",
		"\($p).bytes_in_per_action \((.bytes_in / $q) | round)",
		"\($p).round_trips_per_action \((.requests / $q) * 100 | round / 100)",
		"\($p).sends \(.sends)", "\($p).probes \(.probes)", "\($p).retries \(.retries)",
		"\($p).conflicts \(.conflicts)", "\($p).failed \(.failed)"' \
		"$SYNC_TMP/send.json"
	# per 1,000 actions (the same when exactly 1,000 were queued)
	echo "$1.replay_1000_s $(awk -v a="$t0" -v b="$t1" -v q="$queued" 'BEGIN { printf "%.3f", (b - a) * 1000 / q }')"
	echo "$1.applied $(( $(sbx_stat .actions.applied) - applied0 ))"
	echo "$1.applied_twice $(sbx_stat .actions.applied_more_than_once)"
}

# ---- loopback --------------------------------------------------------------------------
offline 1
queue_plan "$SYNC_TMP/plan1"
echo "outbox.queued $queued"
"$M" queue --json | jq -r 'group_by(.source)[] | "outbox.queued.\(.[0].source) \(length)"'
offline 0
send_all outbox

# ---- the rural link: 64 kbit/s, 300 ms ---------------------------------------------------
if [ "${MOTCUA_BENCH_INNER:-}" != netns ]; then
	echo "outbox.slow skipped (needs root, ip and tc for a shaped network namespace)"
	exit 0
fi
offline 1
queue_plan "$SYNC_TMP/plan2"
echo "outbox.slow.link netns loopback, tbf 64kbit burst 16kbit limit 64kB, sandbox latency ${LATENCY_MS} ms per request"
echo "outbox.slow.queued $queued ($(wc -l <"$SYNC_TMP/pairs") dossiers with two entries, received then forwarded)"
offline 0
sbx_curl /_control/faults -d "spec=*:latency=$LATENCY_MS" | jq -e .ok >/dev/null ||
	sbx_die "the sandbox refused the latency fault"
tc qdisc add dev lo root tbf rate 64kbit burst 16kbit limit 65536 || sbx_die "tc refused the tbf qdisc"
rx0=$(cat /sys/class/net/lo/statistics/rx_bytes)
send_all outbox.slow
rx1=$(cat /sys/class/net/lo/statistics/rx_bytes)
tc qdisc del dev lo root
sbx_curl /_control/faults -d "spec=*:latency=0" >/dev/null
awk -v b=$((rx1 - rx0)) -v r=$RATE_BPS -v a="$t0" -v z="$t1" 'BEGIN {
	printf "outbox.slow.link_bytes %d (loopback, both directions, TCP/IP included)\n", b
	printf "outbox.slow.bytes_time_s %.1f (those bytes at 64 kbit/s)\n", b / r
	printf "outbox.slow.replay_vs_bytes_time %.2f (target <= 1.3)\n", (z - a) / (b / r)
}'
