#!/bin/sh
# security_basic.sh - cached personal data on a shared terminal, against a
# sandbox: the data folder is 0700 and the store 0600 (also when found open);
# no ID number is in the store's files in clear, yet `inbox --search` finds a
# dossier by its whole ID number; finished dossiers leave the cache after
# retention_days, never one with queued work; `logout --wipe` refuses while
# an action is unsent (tokens go all the same), wipes once it is sent, and
# --force says what it loses and records it in the new store's audit log;
# without a Secret Service ID numbers are not kept at all.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

# the wall clock (retention counts real days), so no maintenance window may
# fall on it: the sandbox's nightly ones (nnmt) would fail the sync by the hour
sbx_start --seed 41 --dossiers 300 --speed 0 --faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
# a data folder left open by hand: motcua closes it
chmod 0755 "$MOTCUA_HOME"
sync_login
DB=$MOTCUA_HOME/motcua.db
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"
set -e
mode() { stat -c %a "$1"; }
sbx_eq "$(mode "$MOTCUA_HOME")" 700 "data folder mode"
sbx_eq "$(mode "$DB")" 600 "store mode"
chmod 0644 "$DB"
"$M" inbox --limit 1 >/dev/null
sbx_eq "$(mode "$DB")" 600 "store mode after it was opened up"
for f in "$DB-wal" "$DB-shm"; do
	[ -e "$f" ] && sbx_eq "$(mode "$f")" 600 "$f mode"
done

# ---- ID numbers: sealed at rest, found by the whole number ------------------------
code=$("$M" inbox --json | jq -r '.[0].code')
id=$("$M" show "$code" --json --reveal --purpose "kiểm thử bảo mật" | jq -r .applicant_id)
sbx_match "$id" '^[0-9]{12}$' "revealed ID number"
found=$("$M" inbox --json --search "$id" | jq -r '.[].code')
sbx_eq "$found" "$code" "inbox --search by the whole ID number"
sbx_eq "$("$M" inbox --json --search "$(printf '%s' "$id" | cut -c3-10)" | jq length)" 0 \
	"a part of the ID number finds nothing"
for f in "$DB" "$DB-wal"; do
	[ -e "$f" ] || continue
	strings "$f" | grep -q "$id" && sbx_die "the ID number is in $f in clear"
	strings "$f" | grep -q "$(printf '%s' "$id" | cut -c2-11)" && sbx_die "part of the ID in $f"
done
# every cached ID number is sealed
n_clear=$(sqlite3 "$DB" "SELECT count(*) FROM dossiers WHERE applicant_id IS NOT NULL
	AND applicant_id NOT LIKE 'enc1:%'")
sbx_eq "$n_clear" 0 "ID numbers stored in clear"

# without a Secret Service the key is out of reach: nothing opens, nothing is written
noid=$(MOTCUA_KEYRING=memory "$M" show "$code" --json --reveal --purpose "kiểm thử" \
	2>"$SYNC_TMP/noid.err" | jq -r .applicant_id)
sbx_eq "$noid" null "ID number without the Secret Service"
grep -q "không được lưu trên máy này" "$SYNC_TMP/noid.err" || sbx_die "no word why: $(cat "$SYNC_TMP/noid.err")"

# ---- retention --------------------------------------------------------------------
before=$("$M" inbox --json | jq length)
old=$(sqlite3 "$DB" "SELECT count(*) FROM dossiers WHERE due_key >= 2305843009213693952 AND
	(CASE WHEN finished_at > 0 THEN finished_at ELSE updated_at END) <
	(SELECT max(updated_at) FROM dossiers) - 86400")
[ "$old" -gt 1 ] || sbx_die "the sandbox has no finished dossier older than a day ($old)"
# queue work on one of them: it must stay
keep=$(sqlite3 "$DB" "SELECT code FROM dossiers WHERE status = 9 AND finished_at > 0 AND
	finished_at < (SELECT max(updated_at) FROM dossiers) - 86400 LIMIT 1")
[ -n "$keep" ] || sbx_die "no old 'done' dossier to queue a return on"
src=$(sqlite3 "$DB" "SELECT source FROM dossiers WHERE code = '$keep'")
sbx_curl /_control/offline -d "source=$src" -d on=1 | jq -e .ok >/dev/null
"$M" act "$keep" return-result --file /etc/hostname >/dev/null 2>&1 ||
	"$M" act "$keep" return-result >/dev/null
echo '{"retention_days": 1}' > "$MOTCUA_HOME/config.json"
"$M" sync >"$SYNC_TMP/ret.out" 2>&1 || true
grep -q "lưu giữ: đã xóa khỏi máy này $((old - 1)) hồ sơ đã kết thúc" "$SYNC_TMP/ret.out" ||
	sbx_die "retention did not remove $((old - 1)): $(cat "$SYNC_TMP/ret.out")"
after=$("$M" inbox --json | jq length)
sbx_eq "$after" "$((before - old + 1))" "dossiers after retention"
"$M" show "$keep" --json >/dev/null || sbx_die "the dossier with queued work was removed"
"$M" audit list --json | jq -e '[.[] | select(.kind == "retention")] | length == 1' \
	>/dev/null || sbx_die "retention not in the audit log"
rm -f "$MOTCUA_HOME/config.json"

# ---- logout --wipe never loses queued work silently --------------------------------
set +e
out=$("$M" logout --wipe 2>&1)
rc=$?
set -e
sbx_eq "$rc" 1 "logout --wipe with an unsent action"
printf '%s' "$out" | grep -q "CHƯA bị xóa: còn 1 thao tác trong hàng đợi" || sbx_die "wipe refusal said: $out"
[ -e "$DB" ] || sbx_die "the store was removed despite the unsent action"
"$M" login --status >/dev/null 2>&1 && sbx_die "still signed in after a refused wipe"
"$M" audit list --json | jq -e '.[-1].kind == "wipe-refused"' >/dev/null ||
	sbx_die "the refusal is not in the audit log"
# back online: sign in, send, then the wipe goes through
sbx_curl /_control/offline -d "source=$src" -d on=0 | jq -e .ok >/dev/null
sync_login
"$M" sync >/dev/null 2>&1 || true
sbx_eq "$("$M" queue --json | jq '[.[] | select(.state != "done")] | length')" 0 "queue sent"
shipped=$(sbx_curl /_control/stats | jq .audit.received)
"$M" logout --wipe >"$SYNC_TMP/wipe.out" 2>&1 || sbx_die "wipe failed: $(cat "$SYNC_TMP/wipe.out")"
grep -q "Đã xóa dữ liệu trên máy" "$SYNC_TMP/wipe.out" || sbx_die "no word of the wipe"
# the log went to the server before the wipe, the sign-out included
[ "$(sbx_curl /_control/stats | jq .audit.received)" -gt "$shipped" ] ||
	sbx_die "the last entries were not shipped before the wipe"
sbx_eq "$(sqlite3 "$DB" 'SELECT count(*) FROM dossiers')" 0 "dossiers after the wipe"
sbx_eq "$("$M" audit list --json | jq -r '.[0].kind')" wipe "the new log's first entry"
sbx_eq "$("$M" audit list --json | jq '.[0].details.lost_actions')" 0 "nothing lost"

# ---- --force says what it loses --------------------------------------------------
sync_login
"$M" sync >/dev/null 2>&1 || true
c2=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
sbx_curl /_control/offline -d "source=tuphap" -d on=1 | jq -e .ok >/dev/null
"$M" act "$c2" receive >/dev/null
"$M" logout --wipe --force >"$SYNC_TMP/force.out" 2>&1 || sbx_die "forced wipe failed"
grep -q "đã mất 1 thao tác trong hàng đợi và 0 mục nhật ký" "$SYNC_TMP/force.out" ||
	sbx_die "forced wipe said: $(cat "$SYNC_TMP/force.out")"
sbx_eq "$("$M" audit list --json | jq '.[0].details.lost_actions')" 1 "loss recorded"
sbx_curl /_control/offline -d "source=tuphap" -d on=0 | jq -e .ok >/dev/null

echo "security_basic: ok (modes 700/600, sealed IDs found by search, retention, wipe rules)"
