#!/bin/sh
# The live search box: with and without diacritics, names stored decomposed
# (NFD), words matching the start of words, each keystroke narrowing the
# list, Esc restoring it, q clearing it.
. "$(dirname "$0")/lib.sh"

seed 2000
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(2000\)'

# Without diacritics: "nguyen van duong" finds "Nguyễn Văn Đường".
keys /
type_text "nguyen van duong"
wait_for 'Tất cả \(1\)'
screen | grep -q 'Nguyễn Văn Đường' || fail "no Nguyễn Văn Đường for 'nguyen van duong'"
screen | grep -q 'H56.14-000001' || fail "wrong dossier for 'nguyen van duong'"
line 24 | grep -q '^/nguyen van duong' || fail "the search box does not show what was typed"
keys Enter
wait_gone '^/nguyen'

# With diacritics, typed as UTF-8; and "đ" alone matches "Đ".
keys q
wait_for 'Tất cả \(2000\)'
keys /
type_text "Nguyễn Văn Đường"
wait_for 'Tất cả \(1\)'
screen | grep -q 'H56.14-000001' || fail "no match for the name with diacritics"
keys Escape
wait_for 'Tất cả \(2000\)'

# Each keystroke re-queries: "nguyen" is wider than "nguyen van".
keys /
type_text "nguyen"
wait_for 'Tất cả \([0-9]+\) .*/nguyen +[0-9]{2}:'
settle
wide=$(line 1 | sed -n 's/.*Tất cả (\([0-9]*\)).*/\1/p')
type_text " van"
wait_for '/nguyen van'
settle
narrow=$(line 1 | sed -n 's/.*Tất cả (\([0-9]*\)).*/\1/p')
[ "$narrow" -ge 1 ] && [ "$narrow" -lt "$wide" ] ||
	fail "typing did not narrow the list ($wide -> $narrow)"
keys Escape
wait_for 'Tất cả \(2000\)'
# The NFD-stored "Trần Thị Ánh" is found by "tran thi anh" and drawn like NFC.
keys /
type_text "tran thi anh"
wait_for 'H56.14-000002'
screen | grep 'H56.14-000002' | grep -q "$(printf 'Tra\314\202\314\200n Thi\314\243 A\314\201nh')" ||
	fail "the NFD name is not drawn with its marks"
keys Enter

# Words, not substrings: "yen" is the given name Yến, not the tail of every
# Nguyễn; every row found has a Yến.
keys /
keys C-u
type_text "yen"
wait_for 'Tất cả \([0-9]+\) .*/yen +[0-9]{2}:'
settle
rows=$(screen | grep -cE 'H[0-9]+\.[0-9]+-')
[ "$rows" -ge 5 ] || fail "'yen' found too few rows: $(screen)"
screen | grep -E 'H[0-9]+\.[0-9]+-' | grep -v 'Yến' && fail "'yen' found a row without Yến"
keys Enter

# Backspace removes whole letters; no match says so.
keys /
keys C-u
type_text "zzzqqq"
wait_for 'Không có hồ sơ nào khớp'
keys BSpace BSpace BSpace BSpace BSpace BSpace
type_text "le thi hong nhung"
wait_for 'H56.14-000003'
keys Enter
# q first clears the search, then quits.
keys q
wait_for 'Tất cả \(2000\)'
keys q
wait_for '^EXIT=0'
exit 0
