#!/bin/sh
# A trainer's walk through `motcua demo` with the keyboard alone: one new
# civil-status dossier is received, sent back for a supplement, taken back
# when the supplement arrives, approved and its result returned (the demo's
# sample result file, uploaded by the queue); after each step the console
# shows the new status at once and the sandbox has applied it.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
for tool in curl jq; do command -v $tool > /dev/null 2>&1 || skip "$tool not installed"; done
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"

tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $M demo --sandbox $SBX --rate 0 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
wait_for 'Tất cả \([1-9][0-9]+\)' 40
wait_for 'tuphap●' 30
URL=$(sed -n 2p "$XDG_RUNTIME_DIR"/motcua-demo-*/sandbox.pid)
[ -n "$URL" ] || fail "no sandbox URL in sandbox.pid"
X=$(curl -sS "$URL/_control/dossiers?source=tuphap&status=1&in_dvcqg=0&limit=1" | jq -r '.dossiers[0].code')
[ -n "$X" ] && [ "$X" != null ] || fail "no new tuphap dossier in the sandbox"
server_status() { curl -sS "$URL/_control/dossiers?code=$1" | jq -r '.dossier.status'; }

keys /
type_text "$X"
wait_for 'Tất cả \(1\)' 5
keys Enter Enter
wait_for "^Hồ sơ $X" 5
screen | grep -q 'Trạng thái *Mới đăng ký' || fail "not a new dossier"

# step LABEL STATUS_LABEL STATUS_CODE: choose LABEL in the actions dialog,
# fill what it asks, and wait until the sandbox has it.
step() {
	keys a
	wait_for 'Thao tác trên hồ sơ' 5
	n=$(screen | sed -n "s/.* \([0-9]\)  $1.*/\1/p" | head -n 1)
	[ -n "$n" ] || fail "'$1' not offered"
	keys "$n"
	case $1 in
	'Yêu cầu bổ sung')
		wait_for 'Lý do \(bắt buộc\)' 5
		type_text "Thiếu bản sao giấy chứng sinh"
		keys Enter ;;
	'Trả kết quả')
		wait_for 'Tệp kết quả cần gửi' 5
		screen | grep -q 'ket-qua-mau.pdf' || fail "the demo's sample result is not offered"
		keys Enter
		wait_for 'không hoàn tác được' 5
		keys y ;;
	esac
	wait_for "Đã đưa vào hàng đợi: $1" 5
	keys g
	settle
	screen | grep -q "Trạng thái *$2" || fail "the detail does not show '$2' at once"
	i=0
	while [ "$(server_status "$X")" != "$3" ] && [ $i -lt $(( 30 * PER_S * SLOW )) ]; do
		sleep $POLL
		i=$((i + 1))
	done
	[ "$(server_status "$X")" = "$3" ] || fail "the sandbox did not get '$1' (status $(server_status "$X"))"
	wait_for 'Chờ gửi: 0' 10
}
step 'Tiếp nhận' 'Được tiếp nhận' 2
step 'Yêu cầu bổ sung' 'Yêu cầu bổ sung' 5
step 'Nhận hồ sơ bổ sung' 'Đang xử lý' 4
step 'Phê duyệt' 'Đã xử lý xong' 9
step 'Trả kết quả' 'Đã trả kết quả' 10
[ "$(curl -sS "$URL/_control/stats" | jq -r '.actions.applied_more_than_once')" = 0 ] ||
	fail "an action was applied twice"
keys q
wait_for '^Hồ sơ: ' 5
keys q # the search goes first
settle
demo_quit
exit 0
