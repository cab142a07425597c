#!/bin/sh
# Guided exercises (issue 22) in `motcua demo` at 80x24: the panel above
# the status bar names the step and its dossier while the inbox keeps its
# rows; the sandbox sees each step done and the next appears; a receive on
# the wrong dossier is explained in one line; H shows the hint, which the
# sandbox counts; the end says the time and the steps that needed a hint.
# Then a second exercise in the same demo with :exercise, walked to its end.
. "$(dirname "$0")/lib.sh"

# the shipped exercises, by path (a checkout has no installed data folder)
EX=$(cd "$(dirname "$0")/../../config/exercises" && pwd)
demo_session --exercise "$EX/buoi-sang-dau-tien.json" --dossiers 300 --seed 11 --rate 0
wait_for 'ĐÀO TẠO' 40
wait_for 'Bước 1/3' 40
url=$(demo_url)
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
open_code "$t1"
wait_for 'Bước 2/3' 15
screen | grep -q "Tiếp nhận hồ sơ $t1" || fail "step 2 is not about $t1"
keys q
settle

# a wrong step: receive another dossier waiting at the same desk
other=$(curl -sS --max-time 10 "$url/_control/dossiers?source=tuphap&status=1&limit=10" |
	jq -r --arg t "$t1" '[.dossiers[].code | select(. != $t)][0]')
[ -n "$other" ] && [ "$other" != null ] || fail "no second dossier to get wrong"
open_code "$other"
act_entry 'Tiếp nhận'
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
open_code "$t1"
act_entry 'Tiếp nhận'
wait_for 'Bước 3/3' 30
keys q
settle

# step 3: a supplement with its reason
open_code "$t2"
act_entry 'Yêu cầu bổ sung' "Thiếu bản sao giấy khai sinh"
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
open_code "$t1"
act_entry 'Yêu cầu nộp phí'
wait_for 'Bước 2/2' 30
keys q
settle
open_code "$t2"
act_entry 'Phê duyệt'
wait_for 'Hoàn thành bài tập: Thu phí và phê duyệt' 30
screen | grep -q 'Không cần gợi ý; số lỗi: 0' || fail "the second exercise's end is wrong"
keys q
settle
demo_quit 15
exit 0
