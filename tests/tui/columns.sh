#!/bin/sh
# Columns that fit the width: at 80x24 the procedure column shows short
# names ("Khai sinh", not "Đăng k…"), every one short once one is too wide,
# and nothing is cut; at 60x20 codes keep their distinguishing end; at
# 139x48, the widest without the preview pane (tests/tui/preview.sh), full
# names.  (How a name gives way, "Nguyễn T. Khánh", is in
# tests/unit/test_ui_shorten.c.)
. "$(dirname "$0")/lib.sh"

seed 500
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
# the list's rows, without the preview pane a wide terminal shows beside them
rows() { screen | sed 's/ *│.*//' | grep -E '^[ !~*][^ ]* +[a-z]+ +(H[0-9]|…)' ; }
rows | grep -q 'Khai sinh' || fail "no short name for birth registration at 80 columns: $(screen)"
rows | grep -q 'Kết hôn' || fail "no short name for marriage registration at 80 columns"
rows | grep -q 'Đăng k…' && fail "procedure names cut to 'Đăng k…' at 80 columns: $(screen)"
rows | grep -q '…' && fail "a cell is cut at 80 columns: $(rows | grep '…')"
stop

start 60 20 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
n=$(rows | wc -l)
[ "$n" -ge 10 ] || fail "too few rows at 60x20: $(screen)"
# every row's code is its own, not "H56.14-…" for all
d=$(rows | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(H[0-9]|…)/) { print $i; break } }' | sort -u | wc -l)
[ "$d" = "$n" ] || fail "codes look alike at 60x20 ($d distinct of $n): $(screen)"
stop

start 139 48 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
rows | grep -q 'Đăng ký khai sinh' || fail "no full procedure name at 139 columns: $(screen)"
rows | grep -q '…' && fail "a cell is cut at 139 columns: $(rows | grep '…')"
keys q
wait_for '^EXIT=0'
exit 0
