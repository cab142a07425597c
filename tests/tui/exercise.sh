#!/bin/sh
# Guided exercises (issue 22) in `motcua demo` at 80x24: the panel above
# the status bar names the step and its dossier while the inbox keeps its
# rows; the sandbox sees each step done and the next appears; a receive on
# the wrong dossier is explained in one line; H shows the hint, which the
# sandbox counts; the end says the time and the steps that needed a hint.
# Then a second exercise in the same demo with :exercise, walked to its end.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
command -v jq > /dev/null 2>&1 || skip "jq not installed"
command -v curl > /dev/null 2>&1 || skip "curl not installed"
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
# the shipped exercises, by path (a checkout has no installed data folder)
EX=$(cd "$(dirname "$0")/../../config/exercises" && pwd)

tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $M demo --exercise $EX/buoi-sang-dau-tien.json --dossiers 300 --seed 11 --rate 0 --sandbox $SBX 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
wait_for 'ĐÀO TẠO' 40
wait_for 'Bước 1/3' 40
home=$(ls -d "$XDG_RUNTIME_DIR"/motcua-demo-* 2> /dev/null | head -n 1)
url=$(sed -n 2p "$home/sandbox.pid")
[ -n "$url" ] || fail "no sandbox URL in sandbox.pid"
st() { curl -sS --max-time 10 "$url/_control/exercise" | jq -r "$1"; }
t1=$(st .targets.t1)
t2=$(st .targets.t2)
[ -n "$t1" ] && [ "$t1" != null ] || fail "the sandbox picked no dossier for t1"
screen | grep -q "Mở hồ sơ $t1" || fail "step 1 does not name its dossier $t1"
# the panel takes two rows: the inbox still shows its rows
wait_for 'Tất cả \([1-9][0-9]*\)' 30
[ "$(screen | grep -c 'H56\.')" -ge 15 ] || fail "the panel hides the inbox"

# step 1: open the dossier (the sandbox sees its detail read)
keys :
type_text "open $t1"
keys Enter
wait_for "^Hồ sơ $t1" 10
wait_for 'Bước 2/3' 15
screen | grep -q "Tiếp nhận hồ sơ $t1" || fail "step 2 is not about $t1"
keys q
settle

# a wrong step: receive another dossier waiting at the same desk
other=$(curl -sS --max-time 10 "$url/_control/dossiers?source=tuphap&status=1&limit=10" |
	jq -r --arg t "$t1" '[.dossiers[].code | select(. != $t)][0]')
[ -n "$other" ] && [ "$other" != null ] || fail "no second dossier to get wrong"
receive() { # CODE
	keys :
	type_text "open $1"
	keys Enter
	wait_for "^Hồ sơ $1" 10
	keys a
	wait_for 'Thao tác trên hồ sơ' 5
	n=$(screen | sed -n 's/.* \([0-9]\)  Tiếp nhận.*/\1/p' | head -n 1)
	[ -n "$n" ] || fail "receive not offered for $1"
	keys "$n"
	wait_for 'Đã đưa vào hàng đợi: Tiếp nhận' 5
}
receive "$other"
wait_for "Sai hồ sơ: đã \"Tiếp nhận\" hồ sơ $other" 30
screen | grep -q "bước này là về hồ sơ" || fail "the mistake does not say which dossier the step is about"
screen | grep -q 'Bước 2/3' || fail "a mistake moved the exercise on"
[ "$(st .mistakes)" = 1 ] || fail "the sandbox counted $(st .mistakes) mistakes, not 1"
# the hint, on request; the sandbox counts it
keys H
wait_for 'Gợi ý: ' 10
[ "$(st '.hints_used[1]')" = true ] || fail "the hint of step 2 was not counted"
keys q
settle
receive "$t1"
wait_for 'Bước 3/3' 30
keys q
settle

# step 3: a supplement with its reason
keys :
type_text "open $t2"
keys Enter
wait_for "^Hồ sơ $t2" 10
keys a
wait_for 'Thao tác trên hồ sơ' 5
n=$(screen | sed -n 's/.* \([0-9]\)  Yêu cầu bổ sung.*/\1/p' | head -n 1)
[ -n "$n" ] || fail "request-supplement not offered for $t2"
keys "$n"
wait_for 'Lý do' 5
type_text "Thiếu bản sao giấy khai sinh"
keys Enter
if screen | grep -q 'không hoàn tác được'; then keys y; fi
wait_for 'Hoàn thành bài tập: Buổi sáng đầu tiên trong [0-9]+ phút' 30
screen | grep -q 'Các bước cần gợi ý: 2; số lỗi: 1' || fail "the end does not say the hinted step and the mistake"
[ "$(st .done)" = true ] || fail "the sandbox does not say done"
keys q
settle

# a second exercise in the same demo: fees, then the decision
keys :
type_text "exercise $EX/thu-phi-va-duyet.json"
keys Enter
wait_for 'Bước 1/2' 15
[ "$(st .name)" = thu-phi-va-duyet ] || fail "the second exercise was not loaded"
t1=$(st .targets.t1)
t2=$(st .targets.t2)
act() { # CODE LABEL
	keys :
	type_text "open $1"
	keys Enter
	wait_for "^Hồ sơ $1" 10
	keys a
	wait_for 'Thao tác trên hồ sơ' 5
	n=$(screen | sed -n "s/.* \([0-9]\)  $2.*/\1/p" | head -n 1)
	[ -n "$n" ] || fail "$2 not offered for $1"
	keys "$n"
	sleep 0.5
	if screen | grep -q 'không hoàn tác được'; then keys y; fi
	wait_for "Đã đưa vào hàng đợi: $2" 5
}
act "$t1" 'Yêu cầu nộp phí'
wait_for 'Bước 2/2' 30
keys q
settle
act "$t2" 'Phê duyệt'
wait_for 'Hoàn thành bài tập: Thu phí và phê duyệt' 30
screen | grep -q 'Không cần gợi ý; số lỗi: 0' || fail "the second exercise's end is wrong"
keys q
settle
demo_quit 15
exit 0
