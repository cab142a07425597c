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
set -u
B=${MOTCUA_BUILD:?MOTCUA_BUILD not set}
HERE=$(cd "$(dirname "$0")" && pwd)
N=${MOTCUA_BENCH_ACTIONS:-1000}
MOTCUA_BIN=$B/motcua
MOTCUA_SANDBOX_BIN=$B/motcua-sandbox
export MOTCUA_BIN MOTCUA_SANDBOX_BIN
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
. "$HERE/../integration/lib/sandbox.sh"
. "$HERE/../integration/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 5 --dossiers 6000 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"

for s in dvcqg tuphap congan nnmt tinh; do
	sbx_curl /_control/offline -d "source=$s" -d on=1 | jq -e .ok >/dev/null
done
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
		"\(.code) forward dvcqg"' | head -n $((N / 10)) >"$SYNC_TMP/via"
# interleave so every system has its share
n_via=$(wc -l <"$SYNC_TMP/via")
awk 'BEGIN { srand(5) } { print rand() "\t" $0 }' "$plan" | sort -n | cut -f2- |
	head -n $((N - n_via)) >"$SYNC_TMP/direct"
cat "$SYNC_TMP/direct" "$SYNC_TMP/via" >"$plan"
queued=0
while read -r code action via; do
	if [ -n "$via" ]; then
		"$M" act "$code" "$action" --to "Văn phòng UBND xã" --via "$via" >/dev/null 2>&1 &&
			queued=$((queued + 1))
	else
		"$M" act "$code" "$action" --to "Văn phòng UBND xã" >/dev/null 2>&1 &&
			queued=$((queued + 1))
	fi
done <"$plan"
echo "outbox.queued $queued"
"$M" queue --json | jq -r 'group_by(.source)[] | "outbox.queued.\(.[0].source) \(length)"'

for s in dvcqg tuphap congan nnmt tinh; do
	sbx_curl /_control/offline -d "source=$s" -d on=0 | jq -e .ok >/dev/null
done
t0=$(date +%s.%N)
"$M" queue send --wait 120 --json >"$SYNC_TMP/send.json" 2>"$SYNC_TMP/send.err"
rc=$?
t1=$(date +%s.%N)
[ "$rc" = 0 ] || { tail -n 5 "$SYNC_TMP/send.err"; echo "outbox.error queue send exit $rc"; }
applied=$(sbx_stat .actions.applied)
twice=$(sbx_stat .actions.applied_more_than_once)
jq -r --arg t0 "$t0" --arg t1 "$t1" --argjson q "$queued" '
	"outbox.replay_s \((($t1 | tonumber) - ($t0 | tonumber)) * 1000 | round / 1000)",
	"outbox.bytes_per_action \(((.bytes_in + .bytes_out) / $q) | round)",
	"outbox.bytes_out_per_action \((.bytes_out / $q) | round)",
	"outbox.bytes_in_per_action \((.bytes_in / $q) | round)",
	"outbox.round_trips_per_action \((.requests / $q) * 100 | round / 100)",
	"outbox.sends \(.sends)", "outbox.probes \(.probes)", "outbox.retries \(.retries)"' \
	"$SYNC_TMP/send.json"
# per 1,000 actions (the same when exactly 1,000 were queued)
echo "outbox.replay_1000_s $(awk -v a="$t0" -v b="$t1" -v q="$queued" 'BEGIN { printf "%.3f", (b - a) * 1000 / q }')"
echo "outbox.applied $applied"
echo "outbox.applied_twice $twice"
