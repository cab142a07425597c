#!/bin/sh
# The status bar warns of a missing yearly notice of days off: this year's,
# and from 1 December next year's too ("Chưa có lịch nghỉ năm 2027"); a
# notice in the clerk's calendar/ folder silences it for its year; the
# warning follows the clock (MOTCUA_TEST_CLOCK, test builds) without a
# restart, and yields to the systems and the queue when the bar is full.
. "$(dirname "$0")/lib.sh"

seed 50
# no shipped notices from a source tree: the console runs in a folder of its own
cd "$T" || fail "cd $T"
mkdir -p "$MOTCUA_HOME/calendar"
CLOCK=$T/clock
at() { date -d "$1" +%s > "$CLOCK"; }
bar() { line $((rows - 1)); }

# 1. No notice at all on 5 December 2026: both years.
at '2026-12-05 10:00 +0700'
start 120 40 MOTCUA_TEST_CLOCK="$CLOCK" NO_COLOR=1
rows=40
wait_for 'Hồ sơ: \[1\] Tất cả'
settle
bar | grep -q 'Chưa có lịch nghỉ năm 2026, 2027' || fail "no warning of 2026 and 2027: $(bar)"
bar | grep -q 'tuphap' || fail "the systems left the status bar"
bar | grep -q 'Chờ gửi: 0' || fail "the queue left the status bar"
keys q
wait_for '^EXIT=0'
stop

# 2. The clerk's own 2026 notice: only 2027 is missing; in English too.
cp "$ROOT/config/calendar/2026.json" "$MOTCUA_HOME/calendar/"
start 120 40 MOTCUA_TEST_CLOCK="$CLOCK" NO_COLOR=1
wait_for 'Hồ sơ: \[1\] Tất cả'
settle
bar | grep -q 'Chưa có lịch nghỉ năm 2027' || fail "no warning of 2027: $(bar)"
bar | grep -q '2026, 2027' && fail "2026 still said missing: $(bar)"
keys :
type_text "lang en"
keys Enter
wait_for 'No holiday notice for 2027'
keys q
wait_for '^EXIT=0'
stop

# 3. Before 1 December nothing is said; at midnight the warning comes, with
# the clock, in the running console.
at '2026-11-30 23:59 +0700'
start 120 40 MOTCUA_TEST_CLOCK="$CLOCK" NO_COLOR=1
wait_for 'Hồ sơ: \[1\] Tất cả'
settle
bar | grep -q 'lịch nghỉ' && fail "a warning before December: $(bar)"
at '2026-12-01 00:00 +0700'
wait_for 'Chưa có lịch nghỉ năm 2027' 10
# 4. At 80 columns the systems and the queue come first: a shorter warning,
# or none, never in their place.
tmux -L "$SOCK" resize-window -t t -x 80 -y 24 > /dev/null 2>&1 ||
	tmux -L "$SOCK" resize-pane -t t -x 80 -y 24 > /dev/null 2>&1
rows=24
settle
bar | grep -q 'tuphap' || fail "80 columns: no systems: $(bar)"
bar | grep -q 'Chờ gửi: 0' || fail "80 columns: no queue: $(bar)"
[ "$(screen | wc -L)" -le 80 ] || fail "80 columns: a line is wider than the screen"
keys q
wait_for '^EXIT=0'
stop
exit 0
