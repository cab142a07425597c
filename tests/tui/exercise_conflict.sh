#!/bin/sh
# The "bad day" exercise xung-dot (issue 22): the link to tuphap drops and,
# meanwhile, another official receives the dossier at the system; the
# trainee's queued receive meets a conflict when the link is back, which the
# sandbox sees as the step done; the row shows ✗, the queue drops the
# action, and a supplement with its reason ends the exercise.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
command -v jq > /dev/null 2>&1 || skip "jq not installed"
command -v curl > /dev/null 2>&1 || skip "curl not installed"
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
EX=$(cd "$(dirname "$0")/../../config/exercises" && pwd)

tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $M demo --exercise $EX/xung-dot.json --dossiers 300 --seed 11 --rate 0 --sandbox $SBX 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
wait_for 'ĐÀO TẠO' 40
wait_for 'Bước 1/3' 40
home=$(ls -d "$XDG_RUNTIME_DIR"/motcua-demo-* 2> /dev/null | head -n 1)
url=$(sed -n 2p "$home/sandbox.pid")
st() { curl -sS --max-time 10 "$url/_control/exercise" | jq -r "$1"; }
t1=$(st .targets.t1)
[ -n "$t1" ] && [ "$t1" != null ] || fail "no target"
wait_for 'Tất cả \([1-9][0-9]*\)' 30
wait_for 'tuphap●' 30

# step 1: open it, online
keys :
type_text "open $t1"
keys Enter
wait_for "^Hồ sơ $t1" 10
wait_for 'Bước 2/3' 15
# step 2 began: tuphap is off, and another official received it at once:
# the system says so, the console cannot know
[ "$(curl -sS --max-time 10 "$url/_control/dossiers?code=$t1" | jq -r .dossier.status)" = 2 ] ||
	fail "$t1 was not received elsewhere"
keys a
wait_for 'Thao tác trên hồ sơ' 5
n=$(screen | sed -n 's/.* \([0-9]\)  Tiếp nhận.*/\1/p' | head -n 1)
[ -n "$n" ] || fail "receive not offered for $t1 (the console should not know yet)"
keys "$n"
wait_for 'Đã đưa vào hàng đợi: Tiếp nhận' 5
keys q
settle
# the link comes back after 30 s: the receive meets the change made
# elsewhere, the sandbox calls the step done, the row is marked
wait_for 'Bước 3/3' 120
[ "$(st .mistakes)" = 0 ] || fail "the conflict was counted as a mistake"
wait_for 'Xung đột: 1' 30
keys w
wait_for "! xung đột +$t1" 10
keys Enter
wait_for 'Trên hệ thống hiện nay' 5
keys x
wait_for 'Bỏ "Tiếp nhận" của hồ sơ' 5
keys y
wait_for 'Đã bỏ' 5
keys q
wait_for '^Hồ sơ: ' 5
keys :
type_text "open $t1"
keys Enter
wait_for "^Hồ sơ $t1" 10
keys a
wait_for 'Thao tác trên hồ sơ' 5
n=$(screen | sed -n 's/.* \([0-9]\)  Yêu cầu bổ sung.*/\1/p' | head -n 1)
[ -n "$n" ] || fail "request-supplement not offered for $t1"
keys "$n"
wait_for 'Lý do' 5
type_text "Thiếu bản sao giấy tờ tùy thân"
keys Enter
sleep 0.5
if screen | grep -q 'không hoàn tác được'; then keys y; fi
wait_for 'Hoàn thành bài tập: Xung đột' 60
keys q
settle
demo_quit 15
exit 0
