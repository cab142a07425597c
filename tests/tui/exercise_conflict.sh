#!/bin/sh
# The "bad day" exercise xung-dot (issue 22): the link to tuphap drops and,
# meanwhile, another official receives the dossier at the system; the
# trainee's queued receive meets a conflict when the link is back, which the
# sandbox sees as the step done; the row shows ✗, the queue drops the
# action, and a supplement with its reason ends the exercise.
. "$(dirname "$0")/lib.sh"

EX=$(cd "$(dirname "$0")/../../config/exercises" && pwd)
demo_session --exercise "$EX/xung-dot.json" --dossiers 300 --seed 11 --rate 0
wait_for 'ĐÀO TẠO' 40
wait_for 'Bước 1/3' 40
url=$(demo_url)
st() { curl -sS --max-time 10 "$url/_control/exercise" | jq -r "$1"; }
t1=$(st .targets.t1)
[ -n "$t1" ] && [ "$t1" != null ] || fail "no target"
wait_for 'Tất cả \([1-9][0-9]*\)' 30
wait_for 'tuphap●' 30

# step 1: open it, online
open_code "$t1"
wait_for 'Bước 2/3' 15
# step 2 began: tuphap is off, and another official received it at once:
# the system says so, the console cannot know
[ "$(curl -sS --max-time 10 "$url/_control/dossiers?code=$t1" | jq -r .dossier.status)" = 2 ] ||
	fail "$t1 was not received elsewhere"
# the console does not know yet: receive is still offered
act_entry 'Tiếp nhận'
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
open_code "$t1"
act_entry 'Yêu cầu bổ sung' "Thiếu bản sao giấy tờ tùy thân"
wait_for 'Hoàn thành bài tập: Xung đột' 60
keys q
settle
demo_quit 15
exit 0
