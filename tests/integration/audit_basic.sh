#!/bin/sh
# audit_basic.sh - the audit log against a sandbox, as an auditor would check
# it: sign-in, queued actions (also retry/drop), reveals with their purpose and
# sign-out are recorded with the clerk; `motcua sync` ships the log to the
# coordination system once (a resend is counted as duplicates, never stored
# twice); no ID number reaches the log; `motcua audit verify` passes, then
# catches an altered detail, a removed row and two swapped rows written
# straight into the SQLite file, each with the first bad seq; the server
# refuses a rewritten log.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
command -v sqlite3 >/dev/null 2>&1 || { echo "skip: sqlite3 not installed"; exit 77; }
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 31 --dossiers 200 --now '2026-03-12 09:30' --speed 0
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
DB=$MOTCUA_HOME/motcua.db
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"

pick() { sbx_curl "/_control/dossiers?source=$1&status=$2&limit=1" | jq -r '.dossiers[].code'; }
set -e

# ---- what gets recorded -------------------------------------------------------
code=$(pick tuphap 1)
[ -n "$code" ] || sbx_die "no new tuphap dossier"
"$M" act "$code" receive >/dev/null || sbx_die "act failed"
# --reveal needs a purpose
set +e
"$M" show "$code" --reveal >/dev/null 2>&1
rc=$?
set -e
sbx_eq "$rc" 2 "show --reveal without --purpose"
id=$("$M" show "$code" --json --reveal --purpose "đối chiếu CCCD" | jq -r .applicant_id)
sbx_match "$id" '^[0-9]{12}$' "revealed ID number"

list=$("$M" audit list --json)
sbx_eq "$(printf '%s' "$list" | jq -r '.[0].kind')" signin "first entry"
sbx_eq "$(printf '%s' "$list" | jq -r '.[0].clerk')" sbx-canbo-0001 "clerk of the sign-in"
sbx_eq "$(printf '%s' "$list" | jq -r '.[0].details.name')" "Đặng Thị Thu Hà" "clerk's name"
act=$(printf '%s' "$list" | jq -c '[.[] | select(.kind == "action")][0]')
sbx_eq "$(printf '%s' "$act" | jq -r .dossier)" "$code" "action's dossier"
sbx_eq "$(printf '%s' "$act" | jq -r .details.action)" receive "action's name"
sbx_eq "$(printf '%s' "$act" | jq -r .clerk)" sbx-canbo-0001 "action's clerk"
rev=$(printf '%s' "$list" | jq -c '[.[] | select(.kind == "reveal")][0]')
sbx_eq "$(printf '%s' "$rev" | jq -r .purpose)" "đối chiếu CCCD" "reveal's purpose"
sbx_eq "$(printf '%s' "$rev" | jq -r .dossier)" "$code" "reveal's dossier"
printf '%s' "$list" | grep -q "$id" && sbx_die "the ID number is in the audit log"
"$M" audit list | grep -q "reveal.*$code.*đối chiếu CCCD" || sbx_die "human list"
"$M" audit verify >/dev/null || sbx_die "verify of an untouched log failed"

# ---- shipped once with the next sync --------------------------------------------
n=$(printf '%s' "$list" | jq length)
out=$("$M" sync 2>&1) || sbx_die "sync failed: $out"
# (the sign-in went with the first sync)
printf '%s' "$out" | grep -q "audit: $((n - 1)) entries shipped, 0 waiting" ||
	sbx_die "sync did not ship $((n - 1)) entries: $out"
sbx_eq "$(sbx_curl /_control/stats | jq .audit.received)" "$n" "entries at the server"
sbx_curl /_control/audit | grep -q "$id" && sbx_die "an ID number reached the server"
# a resend (the shipped mark lost, as after a crash) duplicates nothing
sqlite3 "$DB" "UPDATE audit_state SET shipped_seq = 0"
"$M" sync >/dev/null 2>&1 || sbx_die "sync after a lost mark failed"
sbx_eq "$(sbx_curl /_control/stats | jq .audit.received)" "$n" "entries after a resend"
sbx_eq "$(sbx_curl /_control/stats | jq .audit.duplicates)" "$n" "duplicates counted"
v=$("$M" audit verify --json)
sbx_eq "$(printf '%s' "$v" | jq .shipped)" "$n" "shipped mark after the resend"

# ---- tampering with the file ----------------------------------------------------
cp "$DB" "$SYNC_TMP/clean.db"
restore() { rm -f "$DB-wal" "$DB-shm"; cp "$SYNC_TMP/clean.db" "$DB"; }
tamper() { # tamper SQL PROBLEM SEQ
	restore
	sqlite3 "$DB" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; $1"
	set +e
	err=$("$M" audit verify 2>&1 >/dev/null)
	rc=$?
	set -e
	sbx_eq "$rc" 1 "verify after: $1"
	printf '%s' "$err" | grep -q "seq $3: $2" || sbx_die "after '$1' verify said: $err"
}
tamper "UPDATE audit SET details = '{}' WHERE seq = 2" altered 2
tamper "UPDATE audit SET purpose = 'tra cứu' WHERE seq = 3" altered 3
tamper "DELETE FROM audit WHERE seq = 2" removed 2
tamper "UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;
	UPDATE audit SET seq = 3 WHERE seq = -1" reordered 2
tamper "DELETE FROM audit WHERE seq = $n" removed "$n"
# a rewritten log is refused by the server, which keeps its copy
restore
sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET purpose = 'khác' WHERE seq = 3;
	UPDATE audit_state SET shipped_seq = 0"
out=$("$M" sync 2>&1) || true
printf '%s' "$out" | grep -q "the server's copy differs" || sbx_die "no conflict said: $out"
[ "$(sbx_curl /_control/stats | jq .audit.rejected)" -ge 1 ] || sbx_die "server did not refuse"
restore
"$M" audit verify >/dev/null || sbx_die "the restored log does not verify"

# ---- sign-out -------------------------------------------------------------------
"$M" logout >/dev/null 2>&1 || sbx_die "logout failed"
last=$("$M" audit list --json --limit 1)
sbx_eq "$(printf '%s' "$last" | jq -r '.[0].kind')" signout "last entry"
sbx_eq "$(printf '%s' "$last" | jq -r '.[0].clerk')" sbx-canbo-0001 "who signed out"
"$M" audit verify >/dev/null || sbx_die "verify after sign-out"
echo "audit_basic: ok ($n entries shipped once; altered, removed, reordered, tail and rewrite caught)"
