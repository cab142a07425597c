#!/bin/sh
# One action on many dossiers, against the sandbox: with dossiers marked
# (Space), 'a' acts on all of them, never on the cursor's row alone.  The
# menu offers only the actions every marked dossier allows; the action is
# asked once (one reason), queued for each, said with its count, and the
# dossiers queued are unmarked.  Then undo: u takes back an action not yet
# sent (from the inbox row or the queue screen), audited, and says when one
# is being sent or was sent already; replayed, only the one left applies,
# and the queue's "sent today" (t) lists it with its confirmation time.
# Last, five new dossiers received in one batch, each outcome listed.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/integration/lib/sandbox.sh"

sbx_require
sbx_start --seed 11 --dossiers 300 --now '2026-03-12 09:30' --speed 0
trap 'sbx_cleanup; cleanup' EXIT INT TERM
URL=$SBX_URL

control() { curl -sS -X POST "$URL/_control/$1" -d "$2" | grep -q '"ok":true' || fail "_control/$1 $2"; }
server_status() { curl -sS "$URL/_control/dossiers?code=$1" | jq -r '.dossier.status'; }
applied() { curl -sS "$URL/_control/stats" | jq -r '.actions.applied'; }
# mark CODE N: find CODE with the search box, mark it; N marked in all
mark() {
	keys /
	type_text "$1"
	wait_for "Tất cả \\(1[^)]*\\) .*/$1" 10
	keys Enter Space
	wait_for "^\\*.*$1" 10
	keys q # clears the search
	wait_for "Tất cả \\([0-9]+, \\* $2\\)" 10
}

set -- $(curl -sS "$URL/_control/dossiers?source=tuphap&status=4&in_dvcqg=0&limit=3" |
	jq -r '.dossiers[].code')
[ $# -eq 3 ] || fail "the sandbox has no three tuphap dossiers in processing"
A=$1 B=$2 C=$3
NEW=$(curl -sS "$URL/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
[ -n "$NEW" ] && [ "$NEW" != null ] || fail "the sandbox has no new tuphap dossier"

start 80 24 MOTCUA_ISSUER="$URL" MOTCUA_KEYRING=memory NO_COLOR=1
wait_for '[A-Z]{4}-[A-Z]{4}' 10
control approve "user_code=$(screen | grep -oE '[A-Z]{4}-[A-Z]{4}' | head -n 1)"
pin_prompt
wait_for 'Tất cả \([1-9][0-9]*\)' 20
wait_for 'tuphap●' 20
base=$(applied)
# tuphap in planned maintenance (503, try again later): what is queued
# waits, not sent
control maintenance "source=tuphap&seconds=600"

# 1. A new dossier among those in processing: "approve" is not theirs in
# common, so it is not offered.
mark "$A" 1
mark "$B" 2
mark "$C" 3
mark "$NEW" 4
keys a
wait_for 'Thao tác trên 4 hồ sơ đã đánh dấu' 5
screen | grep -q 'Phê duyệt' && fail "approve offered for a new dossier: $(screen)"
keys Escape
settle
screen | grep -q 'Chờ gửi: 0' || fail "cancelling queued something"

# 2. Without it: approve offered, queued once for each of the three, said
# with the count, and they are no longer marked.  The cursor's row is not
# one of them: the action goes to the marks, not to the row.
keys /
type_text "$NEW"
wait_for "Tất cả \\(1[^)]*\\) .*/$NEW" 10
keys Enter Space
wait_for "^ .*$NEW" 10
keys q
wait_for "Tất cả \\([0-9]+, \\* 3\\)" 10
keys a
wait_for 'Thao tác trên 3 hồ sơ đã đánh dấu' 5
n=$(screen | sed -n 's/.* \([0-9]\)  Phê duyệt.*/\1/p')
[ -n "$n" ] || fail "approve not offered for three dossiers in processing: $(screen)"
keys "$n"
# each one's outcome, then the count on the message line
wait_for 'Phê duyệt: 3 đã vào hàng đợi, 0 không' 5
for c in "$A" "$B" "$C"; do
	screen | grep -q "$c: đã vào hàng đợi" || fail "the report does not list $c: $(screen)"
done
screen | grep -q 'Đã đưa vào hàng đợi: Phê duyệt trên 3 hồ sơ' || fail "no count on the message line"
keys Enter
wait_gone 'Phê duyệt: 3 đã vào hàng đợi'
settle
screen | grep -q 'Chờ gửi: 3' || fail "the status bar does not count three queued actions"
screen | grep -Eq 'Tất cả \([0-9]+, \*' && fail "the queued dossiers are still marked"

# 3. Undo (u) before it is sent: on C's row in the inbox, and on B's entry
# in the queue screen; each is said, taken off the queue, its row back to
# its status; u again has nothing left to take back.
find_row() {
	keys /
	type_text "$1"
	wait_for "Tất cả \\(1[^)]*\\) .*/$1" 10
	keys Enter
	settle
}
find_row "$C"
screen | grep "$C" | grep -q 'Đã xong' || fail "$C does not show its queued effect: $(screen | grep "$C")"
keys u
wait_for "Đã hoàn tác: Phê duyệt trên $C \\(chưa gửi đi\\)" 5
wait_for 'Chờ gửi: 2' 5
screen | grep "$C" | grep -q 'Đang xử lý' || fail "$C is not back in processing: $(screen | grep "$C")"
keys u
wait_for "Máy này không có thao tác nào trên $C để hoàn tác" 5
keys q # clears the search
settle
keys w
wait_for '^Thao tác chờ gửi và xung đột' 5
screen | grep -q "$C" && fail "$C is still in the queue screen"
screen | grep -q "$B" || fail "$B is not in the queue screen"
# listed in order: A, then B
keys g j u
wait_for "Đã hoàn tác: Phê duyệt trên $B" 5
wait_for 'Chờ gửi: 1' 5
keys q
wait_for '^Hồ sơ: ' 5
"$M" audit list --json > "$T/audit.json" 2> /dev/null || fail "audit list"
n=$(jq '[.[] | select(.kind == "action-drop")] | length' "$T/audit.json")
[ "$n" = 2 ] || fail "the two undos are not in the audit log ($n drop entries)"

# 4. The maintenance over, the one left is sent once and approved; the
# ones taken back never reach the server; once sent, u says when it went.
control maintenance "source=tuphap&seconds=0"
keys S # fetch and send now, not when the system said to try again
wait_for 'Chờ gửi: 0' 60
wait_for 'Đã lấy dữ liệu từ mọi hệ thống' 60 # the pass said its end
[ "$(server_status "$A")" = 9 ] || fail "$A is not approved on the server"
for c in "$B" "$C"; do
	[ "$(server_status "$c")" = 4 ] || fail "$c changed on the server although it was taken back"
done
[ "$(server_status "$NEW")" = 1 ] || fail "$NEW changed although it was unmarked"
[ "$(applied)" = $((base + 1)) ] || fail "the replay did not apply exactly one action"
find_row "$A"
keys u
wait_for "Phê duyệt trên $A đã gửi lúc [0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}: không hoàn tác được\\." 5
keys q
settle
# what was sent today, and when its system confirmed it (t in the queue)
keys w
wait_for '^Thao tác chờ gửi và xung đột' 5
keys t
wait_for '^Đã gửi hôm nay' 5
screen | grep -q 'Đã gửi và được xác nhận hôm nay: 1' || fail "sent today does not count one: $(screen)"
screen | grep -Eq "đã gửi +$A +Phê duyệt +xác nhận lúc [0-9]{2}:[0-9]{2}" ||
	fail "sent today does not list $A with its confirmation: $(screen)"
screen | grep -q "$B" && fail "sent today lists $B, which was taken back"
keys t
wait_for '^Thao tác chờ gửi và xung đột' 5
keys q
settle

# 5. A batch receive of five new dossiers, each outcome listed, all sent.
set -- $(curl -sS "$URL/_control/dossiers?status=1&in_dvcqg=0&limit=6" | jq -r '.dossiers[].code' |
	grep -v "^$NEW\$" | head -n 5)
[ $# -eq 5 ] || fail "the sandbox has no five other new dossiers"
k=0
for c in "$@"; do
	k=$((k + 1))
	mark "$c" "$k"
done
keys a
wait_for 'Thao tác trên 5 hồ sơ đã đánh dấu' 5
n=$(screen | sed -n 's/.* \([0-9]\)  Tiếp nhận.*/\1/p')
[ -n "$n" ] || fail "receive not offered for five new dossiers: $(screen)"
keys "$n"
wait_for 'Tiếp nhận: 5 đã vào hàng đợi, 0 không' 5
for c in "$@"; do
	screen | grep -q "$c: đã vào hàng đợi" || fail "the report does not list $c"
done
keys Enter
wait_gone 'Tiếp nhận: 5 đã vào hàng đợi' 
wait_for 'Chờ gửi: 0' 60
for c in "$@"; do
	[ "$(server_status "$c")" = 2 ] || fail "$c is not received on the server"
done
keys q
wait_for '^EXIT=0' 5
exit 0
