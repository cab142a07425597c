#!/bin/sh
# sync_profile.sh - a system that fits the supported patterns needs no C
# code (actions and the dossier's lists included, for tuphap): with the
# example profiles of config/sources.d/examples in
# $MOTCUA_HOME/sources.d, the generic connector replaces the built-in tinh,
# congan and tuphap dialects against a sandbox and the inbox holds the same
# dossiers with the same statuses; a broken profile is reported with its file
# name and ignored (the built-in dialect serves that system), "enabled": false
# turns a system off.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
EX=$(cd "$(dirname "$0")/../../config/sources.d/examples" && pwd)

sbx_start --seed 3 --dossiers 250 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
mkdir -p "$MOTCUA_HOME/sources.d"
cp "$EX/tinh.json" "$EX/congan.json" "$EX/tuphap.json" "$MOTCUA_HOME/sources.d/"
printf '{"name": "nnmt", "dialect": "generic", "pull": {}}\n' >"$MOTCUA_HOME/sources.d/nnmt.json"
printf '{"name": "dvcqg", "dialect": "dvcqg", "enabled": false}\n' >"$MOTCUA_HOME/sources.d/dvcqg.json"

out=$("$M" sync --json 2>"$SYNC_TMP/err") || { cat "$SYNC_TMP/err"; echo "$out"; sbx_die "sync with profiles failed"; }
echo "$out"
cat "$SYNC_TMP/err"
grep -q 'sources.d/nnmt.json: date_format' "$SYNC_TMP/err" || sbx_die "the broken profile is not named"
sbx_eq "$(printf '%s' "$out" | jq -r '[.sources[].name] | sort | join(",")')" "congan,nnmt,tinh,tuphap" \
	"sources (the broken nnmt file is ignored: built-in nnmt; dvcqg turned off)"
truth=$SYNC_TMP/truth.json
sbx_curl "/_control/dossiers?limit=1000" | jq .dossiers >"$truth"
for s in tinh congan tuphap; do
	want=$(jq --arg s $s '[.[] | select(.source == $s)] | length' "$truth")
	"$M" inbox --json --source $s >"$SYNC_TMP/$s.json"
	sbx_eq "$(jq length "$SYNC_TMP/$s.json")" "$want" "$s rows through its profile"
	bad=$(jq -n --slurpfile a "$SYNC_TMP/$s.json" --slurpfile b "$truth" '
		($b[0] | map({key: .code, value: .status}) | from_entries) as $t
		| [$a[0][] | select($t[.code] != .status)] | length')
	sbx_eq "$bad" 0 "$s statuses through its profile"
done
# incremental through the profiles too: nothing new, and cheap
out=$("$M" sync --json 2>/dev/null) || sbx_die "second sync failed"
sbx_eq "$(printf '%s' "$out" | jq '[.sources[] | .new + .changed] | add')" 0 "second pass"
printf '%s' "$out" | jq -r '.sources[] | "idle poll via profile \(.name): \(.bytes_in + .bytes_out) bytes"'
sbx_eq "$(printf '%s' "$out" | jq '[.sources[] | select(.bytes_in + .bytes_out >= 1024)] | length')" 0 \
	"profiles whose idle poll cost 1 KB or more"
# the whole dossier through the tuphap profile's lists, and the actions of
# the tuphap and congan profiles: a receive and a refusal (tuphap) and a
# receive (congan, the version in the body) sent once each; return-result
# (uploads, inline files: the built-in connectors') refused at act time
A=$(jq -r '[.[] | select(.source == "tuphap" and .status == 1)][0].code' "$truth")
B=$(jq -r '[.[] | select(.source == "tuphap" and .status == 1)][1].code' "$truth")
[ "$A" != null ] && [ "$B" != null ] || sbx_die "no two tuphap dossiers waiting to be received"
C=$(jq -r '[.[] | select(.source == "congan" and .status == 1)][0].code' "$truth")
[ "$C" != null ] || sbx_die "no congan dossier waiting to be received"
"$M" show "$A" --json >"$SYNC_TMP/a.json" 2>"$SYNC_TMP/a.err" || sbx_die "show $A: $(cat "$SYNC_TMP/a.err")"
sbx_eq "$(jq -r .detail_read "$SYNC_TMP/a.json")" read "$A: detail read through the profile"
[ "$(jq '.history | length' "$SYNC_TMP/a.json")" -ge 1 ] || sbx_die "$A: no history through the profile"
sbx_eq "$(jq '.history[0].status' "$SYNC_TMP/a.json")" 1 "$A: history starts at submission"
applied=$(sbx_stat .actions.applied)
"$M" act "$A" receive >/dev/null 2>"$SYNC_TMP/act.err" || sbx_die "act receive: $(cat "$SYNC_TMP/act.err")"
"$M" act "$B" refuse --reason "Hồ sơ không đúng thủ tục" >/dev/null 2>"$SYNC_TMP/act.err" ||
	sbx_die "act refuse: $(cat "$SYNC_TMP/act.err")"
"$M" act "$C" receive >/dev/null 2>"$SYNC_TMP/act.err" || sbx_die "act receive congan: $(cat "$SYNC_TMP/act.err")"
"$M" sync >/dev/null 2>"$SYNC_TMP/sync3.err" || sbx_die "sync with actions: $(cat "$SYNC_TMP/sync3.err")"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$A" | jq -r .dossier.status)" 2 "$A received through the profile"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$B" | jq -r .dossier.status)" 3 "$B refused through the profile"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$C" | jq -r .dossier.status)" 2 "$C received through the congan profile"
sbx_eq "$(sbx_stat .actions.applied)" $((applied + 3)) "actions applied through the profiles"
sbx_eq "$(sbx_stat .actions.applied_more_than_once)" 0 "applied more than once"
sbx_eq "$("$M" queue --json | jq length)" 0 "entries left open"
rc=0
LANGUAGE=en "$M" act "$A" return-result --file /dev/null >/dev/null 2>"$SYNC_TMP/rr.err" || rc=$?
[ $rc != 0 ] || sbx_die "return-result was accepted through a profile that does not describe it"
grep -q "does not describe the action 'return-result'" "$SYNC_TMP/rr.err" ||
	sbx_die "return-result refused without saying why: $(cat "$SYNC_TMP/rr.err")"
# an audience that is not the name: tuphap's profile copied as "tp2" (a
# terminal of its own) asks the sign-in for tuphap's token and reads; without
# "audience" the provider knows no system tp2 and the sync says so
H2=$SYNC_TMP/home2
mkdir -p "$H2/sources.d"
jq --arg u "$SBX_URL/tuphap" '.name = "tp2" | .audience = "tuphap" | .base_url = $u | del(.actions)' \
	"$EX/tuphap.json" >"$H2/sources.d/tp2.json"
MOTCUA_HOME=$H2 "$M" sync --source tp2 --json >"$SYNC_TMP/tp2.json" 2>"$SYNC_TMP/tp2.err" ||
	sbx_die "tp2 with its audience: $(cat "$SYNC_TMP/tp2.err" "$SYNC_TMP/tp2.json")"
[ "$(jq '.sources[] | select(.name == "tp2") | .new' "$SYNC_TMP/tp2.json")" -gt 0 ] ||
	sbx_die "tp2 read nothing: $(cat "$SYNC_TMP/tp2.json")"
jq 'del(.audience)' "$H2/sources.d/tp2.json" >"$H2/tp2.json" && mv "$H2/tp2.json" "$H2/sources.d/tp2.json"
rc=0
LANGUAGE=en MOTCUA_HOME=$H2 "$M" sync --source tp2 >"$SYNC_TMP/tp2b.out" 2>"$SYNC_TMP/tp2b.err" || rc=$?
[ $rc != 0 ] || sbx_die "tp2 without its audience synced"
grep -q 'the sign-in server gives no token for the audience "tp2"' "$SYNC_TMP/tp2b.err" ||
	sbx_die "the missing audience is not said: $(cat "$SYNC_TMP/tp2b.out" "$SYNC_TMP/tp2b.err")"
echo "sync_profile: ok"
