#!/bin/sh
# hostile_server.sh - what a hostile or broken system cannot do to motcua
# (issue: hardening against hostile servers).  The sandbox plays the server
# and is poisoned through its control API (/_control/poison, doc/sandbox.md
# 10.1):
#   - one dossier dated 31/12/2199 on an "updated since" feed (tinh, congan,
#     nnmt) is kept, with a warning naming the system and the field, and does
#     not move the position: a real change made afterwards is still pulled;
#   - a dossier code with control characters is refused at ingest, naming the
#     system and the field, and nothing of it reaches the inbox;
#   - the other systems' pull goes on;
#   - a server claiming 10^15 pages and serving its last page again and
#     again is stopped at once (feed-stuck), the others ok;
#   - a system crawling at 40 B/s holds neither `sync --max-time` (it ends in
#     time, that system reported "time-limit", the others ok) nor another
#     system's queued action (sent while the crawl went on).
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 21 --dossiers 300 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync > /dev/null 2> "$SYNC_TMP/sync0.err" || sbx_die "first sync: $(cat "$SYNC_TMP/sync0.err")"

poison() { # CODE FIELD VALUE
	sbx_curl /_control/poison --data-urlencode "code=$1" --data-urlencode "field=$2" \
		--data-urlencode "value=$3" | jq -e .ok > /dev/null || sbx_die "poison $1 $2"
}
pick() { # SOURCE N: the N-th dossier of SOURCE in motcua's inbox
	"$M" inbox --json --source "$1" | jq -r ".[$(($2 - 1))].code"
}

# ---- an update time in 2199 does not move the position ---------------------------
for s in tinh congan nnmt; do
	eval "far_$s=\$(pick $s 1)"
	eval "later_$s=\$(pick $s 2)"
	eval "poison \"\$far_$s\" updated_at '2199-12-31 23:59:59'"
done
LANGUAGE=en "$M" sync > "$SYNC_TMP/sync1.out" 2> "$SYNC_TMP/sync1.err" ||
	sbx_die "sync with far-future dates: $(cat "$SYNC_TMP/sync1.err")"
for s in tinh congan nnmt; do
	grep -q "^motcua sync: $s: dossier kept, but its update time is in the future: .*field '" \
		"$SYNC_TMP/sync1.err" || sbx_die "no warning for $s: $(cat "$SYNC_TMP/sync1.err")"
done
grep -q "2199-12-31" "$SYNC_TMP/sync1.err" || sbx_die "the warning does not say the date"
# the dossiers themselves are kept
eval "code=\$far_tinh"
"$M" show "$code" --json > /dev/null || sbx_die "the far-future dossier was not kept"
# a real change, a minute later at the server, is still found
sbx_curl /_control/clock -d seconds=60 > /dev/null
for s in tinh congan nnmt; do
	eval "poison \"\$later_$s\" name 'Người Thử Sau'"
done
"$M" sync --json > "$SYNC_TMP/sync2.json" 2> "$SYNC_TMP/sync2.err" ||
	sbx_die "second sync: $(cat "$SYNC_TMP/sync2.err")"
for s in tinh congan nnmt; do
	eval "code=\$later_$s"
	name=$("$M" show "$code" --json | jq -r .applicant_name)
	sbx_eq "$name" "Người Thử Sau" "$s: a change after the 2199 dossier"
	jq -e --arg s "$s" '.sources[] | select(.name == $s) | .ok and .changed >= 1' \
		"$SYNC_TMP/sync2.json" > /dev/null || sbx_die "$s: $(cat "$SYNC_TMP/sync2.json")"
done

# ---- a code with control characters is refused at ingest --------------------------
bad=$(pick tuphap 3)
sbx_curl /_control/clock -d seconds=60 > /dev/null
poison "$bad" code "$(printf 'H56.99\033[2J-000001')"
LANGUAGE=en "$M" sync > "$SYNC_TMP/sync3.out" 2> "$SYNC_TMP/sync3.err"
grep -q "^motcua sync: tuphap: dossier refused: .*field 'dossierNo': control characters" \
	"$SYNC_TMP/sync3.err" || sbx_die "no refusal: $(cat "$SYNC_TMP/sync3.err")"
grep -q "$(printf '\033')" "$SYNC_TMP/sync3.err" && sbx_die "an escape reached stderr"
"$M" inbox --json | jq -e 'all(.[]; all(.code | explode[]; . >= 32 and . != 127))' \
	> /dev/null || sbx_die "a code with control characters reached the inbox"
# ---- a server claiming 10^15 pages, going round in circles, is stopped -------------
sbx_curl /_control/faults -d 'spec=tinh:clear,endless=1' > /dev/null
t0=$(date +%s)
LANGUAGE=en "$M" sync --json > "$SYNC_TMP/sync5.json" 2> "$SYNC_TMP/sync5.err"
sbx_eq "$?" 1 "sync with an endless tinh: exit"
took=$(( $(date +%s) - t0 ))
[ "$took" -le $(( 10 * ${MOTCUA_TEST_SLOW:-1} )) ] || sbx_die "sync with an endless tinh took $took s"
jq -e '.sources[] | select(.name == "tinh") | .error_code == "feed-stuck"' \
	"$SYNC_TMP/sync5.json" > /dev/null || sbx_die "endless tinh: $(cat "$SYNC_TMP/sync5.json")"
jq -e '[.sources[] | select(.name != "tinh") | .ok] | all' "$SYNC_TMP/sync5.json" > /dev/null ||
	sbx_die "the other systems with an endless tinh: $(cat "$SYNC_TMP/sync5.json")"
sbx_curl /_control/faults -d 'spec=tinh:clear' > /dev/null
# the server mended, the next sync finishes tinh's round
"$M" sync > /dev/null 2>&1 || sbx_die "sync after the endless tinh was mended"

# ---- a crawling system holds neither the command nor the others' queue ------------
A=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
"$M" act "$A" receive > /dev/null 2> "$SYNC_TMP/act.err" || sbx_die "act: $(cat "$SYNC_TMP/act.err")"
# tinh has changes to send (a few KB: minutes at 40 B/s)
sbx_curl /_control/clock -d seconds=60 > /dev/null
for i in 3 4 5; do poison "$(pick tinh $i)" name "Người Thử Chậm $i"; done
sbx_curl /_control/faults -d 'spec=tinh:bandwidth=40' > /dev/null
t0=$(date +%s)
LANGUAGE=en "$M" sync --max-time 12 --json > "$SYNC_TMP/sync4.json" 2> "$SYNC_TMP/sync4.err"
rc=$?
took=$(( $(date +%s) - t0 ))
sbx_eq "$rc" 1 "sync with a crawling tinh: exit"
[ "$took" -le $(( 12 + 15 * ${MOTCUA_TEST_SLOW:-1} )) ] || sbx_die "sync --max-time 12 took $took s"
jq -e '.sources[] | select(.name == "tinh") | .error_code == "time-limit"' \
	"$SYNC_TMP/sync4.json" > /dev/null || sbx_die "tinh: $(cat "$SYNC_TMP/sync4.json")"
jq -e '[.sources[] | select(.name != "tinh") | .ok] | all' "$SYNC_TMP/sync4.json" > /dev/null ||
	sbx_die "the other systems: $(cat "$SYNC_TMP/sync4.json")"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$A" | jq -r .dossier.status)" 2 \
	"tuphap's queued action, sent while tinh crawled"
echo "hostile_server: ok"
