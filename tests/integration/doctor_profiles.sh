#!/bin/sh
# doctor_profiles.sh - `motcua doctor` lists every file of every sources.d
# folder (issue 18): for a MOTCUA_HOME whose sources.d holds a good generic
# profile (tinh), a profile whose mapping refuses some dossiers (congan, one
# status left out of its status_map), a broken one (an unknown key), a
# second file defining tinh, a profile of a system nobody gives an address,
# a system turned off, plus a profile in $XDG_CONFIG_HOME/motcua/sources.d
# (not read while MOTCUA_HOME is set), doctor says:
#   - each file with its system, its dialect, its full path, used or not
#     and why not;
#   - the broken file's error in the very words the other commands warn;
#   - which file of the name tinh wins and which is ignored;
#   - that the XDG folder is not read, and why, and its file;
#   - each profile system's first page: dossiers read, refused and the first
#     refusal's reason, as many as the sandbox holds; nothing stored (the
#     inbox stays empty, the next sync still reads every dossier);
#   - a system switched off (/_control/offline), in maintenance (HTTP 503
#     with the request's path and the server's words), or hanging (within
#     its few seconds): one FAIL line each.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
EX=$(cd "$(dirname "$0")/../../config/sources.d/examples" && pwd)
# the words checked below are the English ones
LANGUAGE=en
export LANGUAGE

sbx_start --seed 5 --dossiers 150 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear;tinh:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login

SD=$MOTCUA_HOME/sources.d
XD=$XDG_CONFIG_HOME/motcua/sources.d
mkdir -p "$SD" "$XD"
cp "$EX/tinh.json" "$SD/tinh.json"
# the same name again: tinh.json comes first in name order and wins
jq '.title = "a second tinh"' "$EX/tinh.json" >"$SD/tinh2.json"
# status 200 unmapped: those dossiers are refused one by one
jq 'del(.status_map["200"])' "$EX/congan.json" >"$SD/congan.json"
printf '{"name": "nnmt", "dialect": "nnmt", "colour": "red"}\n' >"$SD/nnmt.json"
# a system the provider does not list, without a base_url: no system made
jq '.name = "xa"' "$EX/tinh.json" >"$SD/xa.json"
printf '{"name": "dvcqg", "dialect": "dvcqg", "enabled": false}\n' >"$SD/dvcqg.json"
cp "$EX/tuphap.json" "$XD/tuphap.json"

doctor() { # NAME: doctor's output in $SYNC_TMP/NAME.out, its exit in rc
	"$M" doctor >"$SYNC_TMP/$1.out" 2>&1
	rc=$?
	cat "$SYNC_TMP/$1.out"
	# under the sanitizers a report would end with exit 1 too: look for it
	grep -Eq "Sanitizer|runtime error:" "$SYNC_TMP/$1.out" && sbx_die "doctor ($1): a sanitizer report"
	return 0
}
has() { # NAME PATTERN WHAT: a line of NAME's output matches PATTERN (grep -E)
	grep -Eq -- "$2" "$SYNC_TMP/$1.out" || sbx_die "doctor ($1): $3"
}
lacks() {
	grep -Eq -- "$2" "$SYNC_TMP/$1.out" && sbx_die "doctor ($1): $3"
	return 0
}
# a fixed string: paths may hold characters grep -E reads
has_text() {
	grep -Fq -- "$2" "$SYNC_TMP/$1.out" || sbx_die "doctor ($1): $3"
}

truth=$SYNC_TMP/truth.json
sbx_curl "/_control/dossiers?limit=1000" | jq .dossiers >"$truth"
n_tinh=$(jq '[.[] | select(.source == "tinh")] | length' "$truth")
n_congan=$(jq '[.[] | select(.source == "congan")] | length' "$truth")
[ "$n_tinh" -gt 0 ] && [ "$n_congan" -gt 0 ] || sbx_die "the sandbox has no tinh or congan dossiers"

# ---- every file, every folder -------------------------------------------------
doctor all
[ "$rc" = 1 ] || sbx_die "doctor with a broken profile: exit $rc, want 1"
has all "^FAIL  sources\.d +" "the folder read has no FAIL verdict"
has_text all "sources.d    $SD: 4 profiles, 3 files not used (below)" "the folder's count"
has_text all "      tinh         generic profile, $SD/tinh.json: used" "the good profile"
has_text all "      congan       generic profile, $SD/congan.json: used" "the second profile"
has_text all "      ?            not used: $SD/nnmt.json: unknown key \"colour\"" "the broken profile and its key"
has_text all "      tinh         generic profile, $SD/tinh2.json: not used: tinh is defined first in $SD/tinh.json, which wins" \
	"the duplicate name"
has_text all "      xa           generic profile, $SD/xa.json: not used: system xa has no address (base_url)" \
	"a profile of which no system is made"
has_text all "      dvcqg        dvcqg, $SD/dvcqg.json: not used: \"enabled\": false turns it off" \
	"a system turned off"
lacks all "^(ok|FAIL) +(warning|dvcqg) " "a warning said twice, or dvcqg checked while turned off"
has_text all "      sources.d    warning: $XD is not read: MOTCUA_HOME is set, so only $MOTCUA_HOME/sources.d is read" \
	"the folder passed over"
has_text all "      tuphap       generic profile, $XD/tuphap.json: not read (its folder is not)" \
	"the profile in the folder passed over"
# one verdict per check, and the broken file said once
dups=$(awk '$1 == "ok" || $1 == "FAIL" {print $2}' "$SYNC_TMP/all.out" | sort | uniq -d)
[ -z "$dups" ] || sbx_die "doctor gives two verdicts for: $dups"
[ "$(grep -cF "$SD/nnmt.json:" "$SYNC_TMP/all.out")" = 1 ] || sbx_die "the broken profile said more than once"

# ---- the live first page ---------------------------------------------------------
has all "^ok    tinh " "tinh's live check"
grep -A1 '^ok    tinh ' "$SYNC_TMP/all.out" | grep -qx "                   first page: $n_tinh dossiers read, 0 refused" ||
	sbx_die "tinh's first page: want $n_tinh dossiers read"
page=$(grep -A1 '^ok    congan ' "$SYNC_TMP/all.out" | sed -n 2p)
read_n=$(printf '%s' "$page" | sed -n 's/.*first page: \([0-9]*\) dossiers read, \([0-9]*\) refused.*/\1/p')
ref_n=$(printf '%s' "$page" | sed -n 's/.*first page: \([0-9]*\) dossiers read, \([0-9]*\) refused.*/\2/p')
[ -n "$read_n" ] && [ -n "$ref_n" ] || sbx_die "congan's first page: $page"
[ "$ref_n" -gt 0 ] || sbx_die "congan's unmapped status refused nothing: $page"
sbx_eq "$((read_n + ref_n))" "$n_congan" "congan's first page: read and refused"
printf '%s' "$page" | grep -q "(first reason: .*status" || sbx_die "congan: no first reason: $page"
# the built-in dialects: a one-row probe
has all "first row \(a one-row probe\): 1 dossiers read, 0 refused" "a built-in system's probe"

# nothing stored: no dossier, and the next sync still finds them all new
sbx_eq "$("$M" inbox --json 2>/dev/null | jq length)" 0 "dossiers stored by doctor"
out=$("$M" sync --json 2>"$SYNC_TMP/sync.err") || sbx_die "sync after doctor failed"
# (dvcqg's copies may come first: some of tinh's are "changed", not "new")
sbx_eq "$(printf '%s' "$out" | jq '.sources[] | select(.name == "tinh") | .new + .changed')" \
	"$n_tinh" "tinh's dossiers taken by the sync after doctor (from the start)"
# the broken profile in the very words sync warns it with
broken=$(grep -o "$SD/nnmt.json: .*" "$SYNC_TMP/sync.err" | head -n 1)
[ -n "$broken" ] || sbx_die "sync does not warn of nnmt.json: $(cat "$SYNC_TMP/sync.err")"
has_text all "      ?            not used: $broken" "the broken profile's words differ from sync's"

# ---- a system switched off, in maintenance, hanging ----------------------------------
sbx_curl /_control/offline -d source=tinh -d on=1 | jq -e .ok >/dev/null || sbx_die "offline"
sbx_curl /_control/maintenance -d source=congan -d seconds=600 | jq -e .ok >/dev/null ||
	sbx_die "maintenance"
doctor off
[ "$rc" = 1 ] || sbx_die "doctor with tinh off: exit $rc, want 1"
has off "^FAIL  tinh .*; GET /tinh/api/DanhSachHoSo$" "tinh offline: no FAIL line with its request"
has off "^FAIL  congan .*\(HTTP 503\).*; GET /congan/api/v2/records; the server says: \"Bảo trì hệ thống\"$" \
	"congan in maintenance: no FAIL line with the status, the request and the server's words"
lacks off "first page: " "a first page with the systems down"
[ "$(grep -c '^FAIL  tinh ' "$SYNC_TMP/off.out")" = 1 ] || sbx_die "tinh: not one line"

sbx_curl /_control/faults -d 'spec=tinh:offline=hang' | jq -e .ok >/dev/null || sbx_die "hang"
t0=$(date +%s)
doctor hang
secs=$(( $(date +%s) - t0 ))
echo "doctor with tinh hanging: ${secs}s"
[ "$secs" -lt "$(slow 25)" ] || sbx_die "doctor waited ${secs}s for a hanging system"
has hang "^FAIL  tinh .*; GET /tinh/api/DanhSachHoSo$" "tinh hanging: no FAIL line"
echo "doctor_profiles: ok"
