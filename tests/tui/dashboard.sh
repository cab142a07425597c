#!/bin/sh
# The dashboard at 80x24 on 300 seeded dossiers: per system (total, open,
# coming due, overdue, on-time rate, bytes today, data age) adding up to the
# inbox's count, per status, per area; opened with d or :dashboard, closed
# with q; in monochrome and in English too.
. "$(dirname "$0")/lib.sh"

seed 300
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(300\)'
keys d
wait_for '^Thống kê'
settle
screen | grep -Eq '^Nguồn +Tổng +Chưa xong +Sắp hạn +Quá hạn +Đúng hạn' ||
	fail "no per-system table heading"
for s in dvcqg tuphap congan nnmt tinh; do
	screen | grep -Eq "^$s +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ " || fail "no row for $s"
done
# The systems add up to the inbox.
sum=$(screen | awk '/^(dvcqg|tuphap|congan|nnmt|tinh) / {s += $2} END {print s}')
[ "$sum" = 300 ] || fail "the systems add up to $sum, not 300"
screen | grep -Eq '^Tất cả +300 ' || fail "the total line does not say 300"
# Overdue per system agrees with the inbox's overdue view.
od=$(screen | awk '/^Tất cả / {print $6}')
screen | grep -Eq 'Đúng hạn trong 30 ngày qua: ([0-9]+%|-)' || fail "no on-time rate"
screen | grep -q '^Theo trạng thái' || fail "no per-status counts"
screen | grep -q 'Đang xử lý' || fail "no count of 'Đang xử lý'"
[ "$(screen | wc -l)" -eq 24 ] || fail "does not fit 24 lines"
# Scroll to the areas.
keys G
settle
screen | grep -q '^Theo địa bàn' || fail "no per-area counts"
keys q
wait_for 'Tất cả \(300\)'
keys 3
wait_for 'Quá hạn \('
n=$(screen | sed -n 's/.*Quá hạn (\([0-9]*\)).*/\1/p' | head -n 1)
[ "$n" = "$od" ] || fail "dashboard says $od overdue, the inbox's view says $n"
# :dashboard, then English.
keys : 
type_text "dashboard"
keys Enter
wait_for '^Thống kê'
keys :
type_text "lang en"
keys Enter
wait_for '^Dashboard'
screen | grep -Eq '^System +Total +Open +Soon +Overdue +On time' || fail "English headings"
keys q
wait_for 'Inbox'
keys q
wait_for '^EXIT=0'
exit 0
