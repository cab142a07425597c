#!/bin/sh
# The offline queue seen from the console, against the sandbox: an action
# queued while its system is offline shows at once (status bar, ↑ mark,
# queue screen) and replays by itself when the system is back; actions
# whose dossier changed on the server meanwhile become conflicts shown side
# by side (what the clerk asked, what the system has), one re-applied on
# the system's state, one dropped, each after a 'y'.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/integration/lib/sandbox.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
for tool in curl jq; do command -v $tool > /dev/null 2>&1 || skip "$tool not installed"; done
: > "$T/sbx.out"
"$SBX" --port 0 --seed 7 --dossiers 300 --now '2026-03-12 09:30' --speed 0 \
	> "$T/sbx.out" 2> "$T/sbx.err" &
SPID=$!
trap 'kill "$SPID" 2> /dev/null; wait "$SPID" 2> /dev/null; cleanup' EXIT INT TERM
i=0
while ! grep -q 'listening on' "$T/sbx.out" && [ $i -lt $(( 10 * PER_S * SLOW )) ]; do sleep $POLL; i=$((i + 1)); done
URL=$(sed -n 's/^motcua-sandbox: listening on //p' "$T/sbx.out")
[ -n "$URL" ] || fail "the sandbox did not start"
SBX_URL=$URL

control() { curl -sS -X POST "$URL/_control/$1" -d "$2" | grep -q '"ok":true' || fail "_control/$1 $2"; }
server_status() { curl -sS "$URL/_control/dossiers?code=$1" | jq -r '.dossier.status'; }
applied() { curl -sS "$URL/_control/stats" | jq -r '.actions.applied'; }
# On the server, as another clerk would: act ACTION CODE [REASON]
act_on_server() {
	body=$(jq -nc --arg a "$1" --arg r "${3:-}" '{action: $a, reason: $r, actor: "Cán bộ khác"}')
	curl -sS -o /dev/null -w '%{http_code}' -X POST "$URL/tuphap/api/v1/dossiers/$2/actions" \
		-H "Authorization: Bearer $TOK" -H 'If-Match: "1"' -H "Idempotency-Key: t-$2" \
		-H 'Content-Type: application/json' -d "$body" | grep -q 200 || fail "server-side $1 on $2"
}
# open CODE: find the dossier with the search box and open it.
open_dossier() {
	keys /
	type_text "$1"
	wait_for 'Tất cả \(1\)' 5
	keys Enter Enter
	wait_for "^Hồ sơ $1" 5
	# opening reads the dossier's detail from its system: wait for it, so
	# a change made on the server after this is one the clerk has not seen
	keys G
	wait_for 'Chi tiết *(đọc từ tuphap lúc|không đọc được)' 20
	keys g
	settle
}
# approve: the actions dialog of the open dossier, "Phê duyệt" (not destructive).
approve() {
	keys a
	wait_for 'Thao tác trên hồ sơ' 5
	n=$(screen | sed -n 's/.* \([0-9]\)  Phê duyệt.*/\1/p')
	[ -n "$n" ] || fail "approve not offered"
	keys "$n"
	wait_for 'Đã đưa vào hàng đợi: Phê duyệt' 5
}
back_to_inbox() {
	keys q
	wait_for '^Hồ sơ: ' 5
	keys q # clears the search
	settle
}

set -- $(curl -sS "$URL/_control/dossiers?source=tuphap&status=4&in_dvcqg=0&limit=3" |
	jq -r '.dossiers[].code')
[ $# -eq 3 ] || fail "the sandbox has no three tuphap dossiers in processing"
A=$1 B=$2 C=$3
TOK=$(sbx_token tuphap)

start 80 24 MOTCUA_ISSUER="$URL" MOTCUA_KEYRING=memory NO_COLOR=1
wait_for '[A-Z]{4}-[A-Z]{4}' 10
control approve "user_code=$(screen | grep -oE '[A-Z]{4}-[A-Z]{4}' | head -n 1)"
pin_prompt
wait_for 'Tất cả \([1-9][0-9]*\)' 20
wait_for 'tuphap●' 20
base=$(applied)

# 1. Offline: queued at once, marked, listed; replayed when the system is back.
control offline "source=tuphap&on=1"
# S says how the pass it started ended, not "fetching..." for ever
keys S
wait_for 'Đang lấy dữ liệu từ các hệ thống|Không lấy được từ' 5
wait_for 'Không lấy được từ tuphap: ' 30
open_dossier "$A"
approve
screen | grep -q 'Chờ gửi: 1' || fail "the status bar does not count the queued action"
back_to_inbox
keys /
type_text "$A"
wait_for 'Tất cả \(1\)' 5
keys Enter
settle
screen | grep -q "↑.*$A" || fail "no ↑ mark on the row of the queued dossier"
keys q
settle
keys w
wait_for '^Thao tác chờ gửi và xung đột' 5
screen | grep -Eq "(chờ gửi|đang gửi) +$A +Phê duyệt" || fail "the queue screen does not list $A"
control offline "source=tuphap&on=0"
wait_for 'Không có thao tác nào đang chờ gửi' 60
screen | grep -q 'Chờ gửi: 0' || fail "the status bar still counts it"
[ "$(server_status "$A")" = 9 ] || fail "$A is not approved on the server"
[ "$(applied)" = $((base + 1)) ] || fail "the replay did not apply exactly one action"
# Sent in the name of the official who signed in (not the sandbox's default).
who=$(curl -sS -H "Authorization: Bearer $TOK" "$URL/tuphap/api/v1/dossiers/$A" |
	jq -r '.history[-1].actor')
[ -n "$who" ] && [ "$who" != null ] && [ "$who" != "Cán bộ một cửa" ] ||
	fail "the action was not sent with the official's name (history says '$who')"
keys q
wait_for '^Hồ sơ: ' 5

# 2. Conflict, re-applied: another clerk forwards B on the server while the
# clerk here has it open.
open_dossier "$B"
act_on_server forward "$B"
approve
back_to_inbox
keys w
wait_for "! xung đột +$B" 30
# the columns keep apart: the action's name, a space, then the note in the
# clerk's words
screen | grep -Eq "! xung đột +$B +Phê duyệt +[^ ]" || fail "the conflict's row runs together: $(screen)"
# where the clerk looks: a count in the status bar, a mark of its own on
# the inbox row (not the ordinary ↑)
keys q
wait_for '^Hồ sơ: ' 5
screen | grep -q 'Xung đột: 1 *Chờ gửi: 1' || fail "the status bar does not count the conflict"
keys /
type_text "$B"
wait_for 'Tất cả \(1\)' 5
keys Enter
settle
screen | grep -q "✗ *tuphap *$B" || fail "no conflict mark on the row of $B: $(screen)"
keys q # clears the search
settle
keys w
wait_for "! xung đột +$B" 5
keys Enter
wait_for 'Bạn đã yêu cầu \(tại máy\)' 5
screen | grep -q 'Trên hệ thống hiện nay' || fail "no side-by-side view of the conflict"
screen | grep -q 'Đang xử lý -> Đã xử lý xong' || fail "the local intent is not shown"
screen | grep -Eq 'Phiên bản' || fail "the server's version is not shown"
keys r
wait_for 'Gửi lại "Phê duyệt"' 5
keys y
wait_for 'Đã đưa lại vào hàng đợi' 5
wait_for 'Không có thao tác nào đang chờ gửi' 30
[ "$(server_status "$B")" = 9 ] || fail "$B was not approved after re-applying"

# 3. Conflict, dropped: B's neighbour C is sent back for supplements while
# open here.
keys q
wait_for '^Hồ sơ: ' 5
open_dossier "$C"
act_on_server request-supplement "$C" "Thiếu giấy tờ"
approve
back_to_inbox
keys w
wait_for "! xung đột +$C" 30
keys Enter
wait_for 'Trên hệ thống hiện nay' 5
keys x
wait_for 'Bỏ "Phê duyệt" của hồ sơ' 5
keys n
settle
screen | grep -q "$C" || fail "n dropped it"
keys x
wait_for 'Bỏ "Phê duyệt" của hồ sơ' 5
keys y
wait_for 'Đã bỏ' 5
wait_for 'Không có thao tác nào đang chờ gửi' 5
[ "$(server_status "$C")" = 5 ] || fail "$C changed on the server although the action was dropped"
keys q
wait_for '^Hồ sơ: ' 5
screen | grep -q 'Chờ gửi: 0' || fail "the queue is not empty at the end"
keys q
wait_for '^EXIT=0' 5
exit 0
