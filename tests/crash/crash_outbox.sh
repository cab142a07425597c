#!/bin/sh
# crash_outbox.sh - the offline queue survives being killed at any instant.
#
# Queue hundreds of actions on all five systems while they are offline, bring
# them back with connections dropped, answers cut and proxy errors injected on
# every system, and replay with `motcua queue send` while this script kills
# motcua with SIGKILL at random moments, many times, restarting it each time;
# then replay until the queue is empty.  At the end the sandbox must have
# applied every queued action exactly once (applied == queued,
# applied_more_than_once == 0), every dossier must show the effect of its
# last queued action, no entry may be left in conflict or refused, and the
# store must pass PRAGMA integrity_check.
#
# Environment: CRASH_SEED (default: from the clock; printed, so a failure can
# be replayed), CRASH_ACTIONS (300), CRASH_KILLS (40), CRASH_FAULTS
# (the fault spec); MOTCUA_TEST_SLOW (1) stretches the kill delays and the
# deadlines for a slow motcua (valgrind).
# Needs MOTCUA_BIN, MOTCUA_SANDBOX_BIN, curl, jq,
# dbus-run-session, gnome-keyring-daemon, and sqlite3 or python3.
here=$(cd "$(dirname "$0")" && pwd)
lib=$here/../integration/lib
. "$lib/sandbox.sh"
. "$lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
set -u
M=$MOTCUA_BIN
SEED=${CRASH_SEED:-$(date +%s)}
ACTIONS=${CRASH_ACTIONS:-300}
KILLS=${CRASH_KILLS:-40}
FAULTS=${CRASH_FAULTS:-'*:drop=0.08,cut=0.08,error=0.05,latency=150-500'}
echo "crash_outbox: seed $SEED, $ACTIONS actions, $KILLS kills, faults '$FAULTS'"
echo "crash_outbox: replay with CRASH_SEED=$SEED"

if command -v sqlite3 >/dev/null 2>&1; then
	integrity() { sqlite3 "$1" 'PRAGMA integrity_check'; }
elif command -v python3 >/dev/null 2>&1; then
	integrity() {
		python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$1"
	}
else
	echo "skip: neither sqlite3 nor python3 for PRAGMA integrity_check"
	exit 77
fi

sbx_start --seed "$SEED" --dossiers 2000 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"
DB=$MOTCUA_HOME/motcua.db
[ -f "$DB" ] || sbx_die "no store at $DB"

# ---- queue the actions while every system is offline ------------------------
for s in dvcqg tuphap congan nnmt tinh; do
	sbx_curl /_control/offline -d "source=$s" -d on=1 | jq -e .ok >/dev/null
done
plan=$SYNC_TMP/plan
every() { # every dossier of the four handling systems, as one {"dossiers": [...]}
	for s in tuphap congan nnmt tinh; do
		sbx_curl "/_control/dossiers?source=$s&limit=1000"
	done | jq -s '{dossiers: (map(.dossiers) | add | sort_by(.code | explode | reverse))}'
}
every >"$SYNC_TMP/d1.json"
# A plan of "CODE ACTION [VIA]" lines, a fair share per system and
# kind: receive (1 -> 2), forward (2 -> 4, and 4 -> 4: no visible change),
# request-supplement (4 -> 5), chains receive+forward on one dossier, and
# forward through the coordination system.
jq -r --argjson n "$ACTIONS" '
	.dossiers as $d
	| ($n / 12 | floor) as $k
	| [ ($d | map(select(.source != "dvcqg" and .status == 1)) | .[0:($k * 3)]
	       | to_entries[] | if .key % 3 == 0 then "\(.value.code) receive", "\(.value.code) forward"
	                        else "\(.value.code) receive" end),
	    ($d | map(select(.status == 2 and .coord_status == 0)) | .[0:($k * 3)][]
	       | "\(.code) forward"),
	    ($d | map(select(.status == 4 and .coord_status == 0)) | .[0:($k * 4)]
	       | to_entries[] | if .key % 2 == 0 then "\(.value.code) forward"
	                        else "\(.value.code) request-supplement" end),
	    ($d | map(select(.coord_status == .status and (.status == 2 or .status == 4)))
	       | .[0:($k)][] | "\(.code) forward dvcqg")
	  ] | .[0:$n][]' "$SYNC_TMP/d1.json" >"$plan"
queued=0
while read -r code action via; do
	set -- "$code" "$action"
	[ "$action" = request-supplement ] && set -- "$@" --reason "Thiếu giấy tờ"
	[ "$action" = forward ] && set -- "$@" --to "Văn phòng UBND xã"
	[ -n "$via" ] && set -- "$@" --via "$via"
	"$M" act "$@" >/dev/null 2>"$SYNC_TMP/act.err" ||
		{ cat "$SYNC_TMP/act.err"; sbx_die "act $*"; }
	queued=$((queued + 1))
done <"$plan"
[ "$queued" -ge $((ACTIONS * 9 / 10)) ] || sbx_die "only $queued actions could be planned"
echo "crash_outbox: queued $queued actions:"
awk '{print $2, ($3 != "" ? "via " $3 : "")}' "$plan" | sort | uniq -c | sed 's/^/  /'
"$M" queue --json | jq -r '.[].source' | sort | uniq -c | sed 's/^/  source /'
sbx_eq "$(sbx_stat .actions.applied)" 0 "applied while offline"

# ---- back online, faulty, and killed again and again ------------------------
for s in dvcqg tuphap congan nnmt tinh; do
	sbx_curl /_control/offline -d "source=$s" -d on=0 | jq -e .ok >/dev/null
done
sbx_curl /_control/faults --data-urlencode "spec=$FAULTS" | jq -e .ok >/dev/null ||
	sbx_die "bad fault spec"
# Deterministic kill delays from the seed (50..800 ms, times SLOW).
awk -v seed="$SEED" -v n="$KILLS" -v f="$SLOW" 'BEGIN { srand(seed); for (i = 0; i < n; i++)
	printf "%.3f\n", f * (50 + int(rand() * 751)) / 1000 }' >"$SYNC_TMP/delays"
signed_in() { # a killed refresh can spend the rotating token: sign in again
	"$M" login --status >/dev/null 2>&1 || { echo "crash_outbox: signing in again"; sync_login; }
}
k=0
while read -r delay; do
	k=$((k + 1))
	"$M" queue send --wait "$(slow 20)" --backoff-cap 2 >>"$SYNC_TMP/send.out" 2>>"$SYNC_TMP/send.err" &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ $((k % 10)) = 0 ]; then
		echo "crash_outbox: kill $k: applied $(sbx_stat .actions.applied) of $queued," \
			"twice $(sbx_stat .actions.applied_more_than_once)"
		signed_in
	fi
done <"$SYNC_TMP/delays"
[ "$(sbx_stat .actions.applied_more_than_once)" = 0 ] ||
	sbx_die "an action was applied twice during the kills"

# ---- replay to the end --------------------------------------------------------
sbx_curl /_control/faults --data-urlencode "spec=*:clear;nnmt:clear;congan:clear" |
	jq -e .ok >/dev/null
i=0
while :; do
	signed_in
	if "$M" queue send --wait "$(slow 60)" --backoff-cap 2 --json >"$SYNC_TMP/final.json" \
		2>>"$SYNC_TMP/send.err"; then
		break
	fi
	i=$((i + 1))
	[ $i -lt 5 ] || { tail -n 20 "$SYNC_TMP/send.err"; "$M" queue | head -n 20;
		sbx_die "the queue did not empty: $(cat "$SYNC_TMP/final.json")"; }
done
echo "crash_outbox: final send: $(cat "$SYNC_TMP/final.json")"

# ---- the proof -----------------------------------------------------------------
stats=$(sbx_curl /_control/stats | jq -c .actions)
echo "crash_outbox: sandbox: $stats"
sbx_eq "$("$M" queue --json | jq length)" 0 "entries left (conflicts, refusals, pending)"
sbx_eq "$(printf '%s' "$stats" | jq .applied_more_than_once)" 0 "applied more than once"
sbx_eq "$(printf '%s' "$stats" | jq .applied)" "$queued" "applied == queued"
"$M" queue --all --json >"$SYNC_TMP/all.json"
sbx_eq "$(jq '[.[] | select(.state == "done")] | length' "$SYNC_TMP/all.json")" "$queued" "done"
# none lost: each dossier shows the effect of its last queued action
every >"$SYNC_TMP/d2.json"
lost=$(jq -n --slurpfile q "$SYNC_TMP/all.json" --slurpfile d "$SYNC_TMP/d2.json" '
	($d[0].dossiers | map({key: .code, value: .status}) | from_entries) as $s
	| [$q[0] | group_by(.dossier)[] | max_by(.id) | select($s[.dossier] != .target_status)]
	| length')
sbx_eq "$lost" 0 "dossiers without their queued effect"
ok=$(integrity "$DB")
sbx_eq "$ok" ok "PRAGMA integrity_check"
echo "crash_outbox: ok ($queued actions, $KILLS kills, seed $SEED)"
