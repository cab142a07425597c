#!/bin/sh
# outbox_basic.sh - the offline queue against a sandbox, as a clerk uses it:
# refused actions are refused at once with the reason; actions queued while
# every system is offline wait and are then applied exactly once on all five
# systems (dvcqg through --via); answers lost on the way (cut bodies) are
# resolved without applying anything twice; a version conflict surfaces as a
# conflict with the server's state and is re-applied with `queue retry`;
# drop asks for confirmation; a chained action waits for its predecessor.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 23 --dossiers 400 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"

pick() { # pick SOURCE STATUS [N]: codes of dossiers with that status
	sbx_curl "/_control/dossiers?source=$1&status=$2&limit=${3:-1}" | jq -r '.dossiers[].code'
}
status_at() { sbx_curl "/_control/dossiers?code=$1" | jq -r '.dossier.status'; }
local_status() { "$M" show "$1" --json | jq -r .status; }
expect_fail() { # expect_fail RC PATTERN cmd...: exit code and message
	want=$1 pat=$2
	shift 2
	set +e
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	set -e
	[ "$rc" = "$want" ] || sbx_die "'$*': exit $rc, expected $want ($err)"
	printf '%s' "$err" | grep -q -- "$pat" || sbx_die "'$*' said: $err"
}
set -e

# ---- refusals at once ---------------------------------------------------------
new1=$(pick tuphap 1)
expect_fail 1 "không thể 'approve' từ trạng thái 'Mới đăng ký' (1)" "$M" act "$new1" approve
expect_fail 2 "cần lý do" "$M" act "$new1" refuse
expect_fail 1 "không có hồ sơ" "$M" act H56.99-000000-00000 receive
expect_fail 2 "không có thao tác 'fly'" "$M" act "$new1" fly
expect_fail 2 "hãy nhập mã hồ sơ và thao tác" "$M" act "$new1"
expect_fail 2 "chuyển hồ sơ cần đơn vị nhận" "$M" act "$new1" forward
sbx_eq "$("$M" queue --json | jq length)" 0 "entries after refusals"

# ---- queued offline, applied once when the systems come back ----------------
for s in dvcqg tuphap congan nnmt tinh; do
	sbx_curl /_control/offline -d "source=$s" -d on=1 | jq -e .ok >/dev/null
done
t1=$(pick tuphap 1)
c2=$(pick congan 2)
n4=$(pick nnmt 4)
h4=$(pick tinh 4)
h1=$(pick tinh 1)
"$M" act "$t1" receive >/dev/null
"$M" act "$t1" forward --to "Tư pháp xã" >/dev/null          # chained: waits for the receive
"$M" act "$c2" forward --to "Công an xã" >/dev/null
"$M" act "$n4" request-supplement --reason "Thiếu bản sao sổ đỏ" >/dev/null
"$M" act "$h4" forward --to "Văn phòng UBND xã" >/dev/null          # tinh: no status change, no idempotency
"$M" act "$h1" receive >/dev/null
# dvcqg: a dossier the coordination system shows in step with its handler
d=$(sbx_curl "/_control/dossiers?limit=1000" |
	jq -r '[.dossiers[] | select(.coord_status == .status and .status == 2)][0].code')
"$M" act "$d" forward --to "Văn phòng UBND xã" --via dvcqg >/dev/null
sbx_eq "$(local_status "$t1")" 4 "optimistic effect of receive+forward"
sbx_eq "$("$M" queue --json | jq '[.[] | select(.state == "pending")] | length')" 7 "pending"

set +e
"$M" queue send --wait 2 --json >"$SYNC_TMP/send0.json" 2>/dev/null
rc=$?
set -e
[ "$rc" = 1 ] || sbx_die "send while offline: exit $rc (want 1: entries wait)"
sbx_eq "$(jq .remaining "$SYNC_TMP/send0.json")" 7 "waiting while offline"
sbx_eq "$(sbx_stat .actions.applied)" 0 "applied while offline"
# an offline system closes the connection: the request may or may not have
# arrived, so heads are 'sending' (resolved later) or 'pending', with the reason
"$M" queue --json | jq -e 'all(.[]; (.state == "pending" or .state == "sending")) and
	all(.[]; .state == "pending" or .last_error != null)' >/dev/null ||
	sbx_die "offline entries: $("$M" queue --json)"

for s in dvcqg tuphap congan nnmt tinh; do
	sbx_curl /_control/offline -d "source=$s" -d on=0 | jq -e .ok >/dev/null
done
# answers are cut on the way back for a while: applied at the server, lost here
sbx_curl /_control/faults --data-urlencode 'spec=*:cut=1' | jq -e .ok >/dev/null
set +e
"$M" queue send --wait 1 >/dev/null 2>&1
set -e
sbx_curl /_control/faults --data-urlencode 'spec=*:clear;nnmt:clear;congan:clear' |
	jq -e .ok >/dev/null
"$M" queue send --wait "$(slow 60)" --json >"$SYNC_TMP/send1.json" 2>"$SYNC_TMP/send1.err" ||
	{ cat "$SYNC_TMP/send1.err" "$SYNC_TMP/send1.json"; "$M" queue --all --json; sbx_die "send after coming back failed"; }
echo "send: $(cat "$SYNC_TMP/send1.json")"
sbx_eq "$(sbx_stat .actions.applied)" 7 "applied on the servers"
sbx_eq "$(sbx_stat .actions.applied_more_than_once)" 0 "applied more than once"
sbx_eq "$("$M" queue --json | jq length)" 0 "open entries"
sbx_eq "$(status_at "$t1")" 4 "tuphap after receive+forward"
sbx_eq "$(status_at "$c2")" 4 "congan after forward"
sbx_eq "$(status_at "$n4")" 5 "nnmt after request-supplement"
sbx_eq "$(status_at "$h1")" 2 "tinh after receive"
sbx_eq "$(local_status "$n4")" 5 "local copy takes the server's state"

# ---- a version conflict is a conflict, never an overwrite ----------------------
p4=$(pick tuphap 4 3 | tail -n 1)
"$M" act "$p4" approve >/dev/null
tok=$(sbx_token tuphap)
sbx_curl "/tuphap/api/v1/dossiers/$p4/actions" -H "Authorization: Bearer $tok" \
	-H 'If-Match: *' -H 'Content-Type: application/json' \
	-d '{"action":"forward","actor":"Cán bộ khác"}' | jq -e .dossierNo >/dev/null ||
	sbx_die "the other clerk's action failed"
applied=$(sbx_stat .actions.applied)
"$M" queue send --wait "$(slow 30)" >/dev/null 2>&1 || true
q=$("$M" queue --json)
sbx_eq "$(printf '%s' "$q" | jq -r '.[0].state')" conflict "state after 412"
sbx_eq "$(printf '%s' "$q" | jq -r '.[0].server_status')" 4 "server state kept with the conflict"
ver=$(sbx_curl "/_control/dossiers?code=$p4" | jq -r .dossier.version)
sbx_eq "$(printf '%s' "$q" | jq -r '.[0].server_version')" "$ver" "server version kept"
sbx_eq "$(local_status "$p4")" 4 "the inbox shows the server's state"
sbx_eq "$(status_at "$p4")" 4 "nothing overwritten at the server"
sbx_eq "$(sbx_stat .actions.applied)" "$applied" "applied by the conflict"
"$M" queue | grep -q "xung đột" || sbx_die "queue does not show the conflict"
expect_fail 1 "chưa giải quyết" "$M" act "$p4" stop --reason "x"
id=$(printf '%s' "$q" | jq -r '.[0].id')
"$M" queue retry "$id" >/dev/null
"$M" queue send --wait "$(slow 30)" >/dev/null 2>&1 || sbx_die "send after retry failed"
sbx_eq "$(status_at "$p4")" 9 "approved on the new version"

# ---- drop -------------------------------------------------------------------------
r1=$(pick congan 1)
"$M" act "$r1" receive >/dev/null
id=$("$M" queue --json | jq -r '.[0].id')
expect_fail 2 "hãy dùng --yes" "$M" queue drop "$id" </dev/null
"$M" queue drop "$id" --yes >/dev/null
sbx_eq "$("$M" queue --json | jq length)" 0 "entries after drop"
sbx_eq "$(local_status "$r1")" 1 "status after drop"
expect_fail 1 "không có mục" "$M" queue drop 99999 --yes

# ---- motcua sync sends the queue after its pull -----------------------------------
"$M" act "$r1" receive >/dev/null
before=$(sbx_stat .actions.applied)
out=$("$M" sync 2>&1) || sbx_die "sync failed: $out"
printf '%s' "$out" | grep -q "^hàng đợi: 1 đã thực hiện" || sbx_die "sync did not report the queue: $out"
sbx_eq "$(sbx_stat .actions.applied)" $((before + 1)) "applied by sync"
sbx_eq "$(status_at "$r1")" 2 "received through sync"
sbx_eq "$(local_status "$r1")" 2 "local copy after sync"
# ---- sync --source SYSTEM sends that system's entries and leaves the others ----
a1=$(pick tuphap 1 3 | tail -n 1)
b1=$(pick congan 1 3 | tail -n 1)
"$M" act "$a1" receive >/dev/null
"$M" act "$b1" receive >/dev/null
before=$(sbx_stat .actions.applied)
out=$("$M" sync --source tuphap 2>&1) || sbx_die "sync --source tuphap failed: $out"
sbx_eq "$(sbx_stat .actions.applied)" $((before + 1)) "applied by sync --source tuphap"
sbx_eq "$(status_at "$a1")" 2 "tuphap's entry sent"
q=$("$M" queue --json)
sbx_eq "$(printf '%s' "$q" | jq length)" 1 "entries left after sync --source"
sbx_eq "$(printf '%s' "$q" | jq -r '.[0].dossier')" "$b1" "congan's entry left"
# left as it was: no "not set up on this terminal", not held back 5 minutes
printf '%s' "$q" | jq -e '.[0].state == "pending" and .[0].last_error == null and
	.[0].attempts == 0 and .[0].next_at <= .[0].created_at + 1' >/dev/null ||
	sbx_die "sync --source tuphap touched congan's entry: $q"
"$M" queue send --wait "$(slow 30)" >/dev/null 2>&1 || sbx_die "send of congan's entry failed"
sbx_eq "$(status_at "$b1")" 2 "congan's entry sent next"
echo "outbox_basic: ok"
