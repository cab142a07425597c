#!/bin/sh
# Sorting by a click on a column's heading (the mouse on, config "mouse"):
# the first click sorts by that column (the rows are then in that order and
# the heading carries ▲), a second click on it reverses (▼); the title
# says the same as after :sort, and s and :sort go on from there.  Every
# heading sorts: the applicant by the given name (the last word: "Nguyễn
# Văn An" under A), the system and the area group the rows.  A click left
# of the headings changes nothing.  At 160 columns a
# click on a row also moves the preview pane.  The clicks are typed into
# the pane as xterm reports them (X10: ESC [ M, button + 32, column + 33,
# row + 33), as in tests/tui/mouse.sh.
. "$(dirname "$0")/lib.sh"

seed 500
click() {
	b=$(printf "\\$(printf %o $((32 + $1)))")
	x=$(printf "\\$(printf %o $((33 + $2)))")
	y=$(printf "\\$(printf %o $((33 + $3)))")
	r=$(printf "\\$(printf %o 35)")
	tmux -L "$SOCK" send-keys -t t -l "$(printf '\033[M')$b$x$y"
	tmux -L "$SOCK" send-keys -t t -l "$(printf '\033[M')$r$x$y"
}
# The screen column (0-based) where heading $1 starts on line 2.
col_of() {
	prefix=$(line 2 | sed "s/$1.*//")
	[ "$prefix" != "$(line 2)" ] || fail "no heading '$1': $(line 2)"
	printf %s "$prefix" | wc -m
}
# click_heading NAME: a single click in the middle of its first word
click_heading() { click 0 $(( $(col_of "$1") + 1 )) 1; }
# The list's rows (the title, the headings, the status bar and the pane cut
# off), then what each shows: its code, its received date as yyyymmdd.
list_rows() { screen | sed -n '3,$p' | sed '$d' | sed 's/ *│.*//'; }
codes() { list_rows | grep -oE 'H[0-9]{2}\.[0-9]{2}-[0-9]{6}'; }
received() { list_rows | grep -oE '[0-9]{2}/[0-9]{2}/20[0-9]{2}' | awk -F/ '{ print $3 $2 $1 }'; }
title() { line 1; }
# Each row's system (the first word that is one).
systems() {
	list_rows | awk '{ for (i = 1; i <= NF; i++)
		if ($i ~ /^(dvcqg|tuphap|congan|nnmt|tinh)$/) { print $i; break } }'
}
# Each row's given name, folded as the store folds it (no diacritics,
# lower case; the seeded names are NFC but one, whose marks are combining):
# the applicant's cell is what follows the code up to the next gap.
fold_vi() {
	LC_ALL=C sed -e 's/\xcc[\x80-\xbf]//g; s/\xcd[\x80-\xaf]//g' |
		sed -e 's/[àáảãạăằắẳẵặâầấẩẫậ]/a/g; s/[ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ]/A/g' \
			-e 's/[èéẻẽẹêềếểễệ]/e/g; s/[ìíỉĩị]/i/g; s/[òóỏõọôồốổỗộơờớởỡợ]/o/g' \
			-e 's/[ùúủũụưừứửữự]/u/g; s/[ỳýỷỹỵ]/y/g; s/đ/d/g; s/Đ/D/g' |
		tr 'A-Z' 'a-z'
}
given() {
	list_rows | grep -E 'H[0-9]{2}\.[0-9]{2}-[0-9]{6}' |
		sed -E 's/^.*H[0-9]{2}\.[0-9]{2}-[0-9]{6} +//; s/  .*//' |
		awk '{ print $NF }' | fold_vi
}

start 120 40 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
line 2 | grep -q 'Hạn ▲' || fail "the due heading does not show the list's order: $(line 2)"
# the code: ascending, then descending
click_heading 'Mã hồ sơ'
wait_for 'xếp theo mã hồ sơ *[0-9]'
settle
line 2 | grep -q 'Mã hồ sơ ▲' || fail "no ▲ on the code heading: $(line 2)"
line 2 | grep -q 'Hạn ▲' && fail "the due heading still marked: $(line 2)"
[ "$(codes | wc -l)" -ge 30 ] || fail "too few rows: $(screen)"
codes | sort -c 2> /dev/null || fail "not by code ascending: $(codes | head -5)"
first_asc=$(codes | head -1)
click_heading 'Mã hồ sơ'
wait_for 'xếp theo mã hồ sơ↓'
settle
line 2 | grep -q 'Mã hồ sơ ▼' || fail "no ▼ on the code heading: $(line 2)"
codes | sort -rc 2> /dev/null || fail "not by code descending: $(codes | head -5)"
[ "$(codes | head -1)" != "$first_asc" ] || fail "the second click did not reverse the rows"
# and once more: ascending again, the same first row
click_heading 'Mã hồ sơ'
wait_for 'xếp theo mã hồ sơ *[0-9]'
settle
[ "$(codes | head -1)" = "$first_asc" ] || fail "a third click is not ascending again"

# the received date, a column of dates
click_heading 'Ngày ti'
wait_for 'xếp theo ngày nhận *[0-9]'
settle
received | sort -c 2> /dev/null || fail "not by received date ascending: $(received | head -5)"
click_heading 'Ngày ti'
wait_for 'xếp theo ngày nhận↓'
settle
received | sort -rc 2> /dev/null || fail "not by received date descending: $(received | head -5)"

# :sort and a click agree: after ":sort status desc" a click on the status
# heading (already the order) reverses it to ascending
keys :
type_text 'sort status desc'
keys Enter
wait_for 'xếp theo trạng thái↓'
settle
line 2 | grep -q 'Trạng thái ▼' || fail ":sort status desc does not mark its heading: $(line 2)"
click_heading 'Trạng thái'
wait_for 'xếp theo trạng thái *[0-9]'
line 2 | grep -q 'Trạng thái ▲' || fail "the click after :sort desc is not ascending: $(line 2)"
# s goes on to the next order from there (status -> code), ascending
keys s
wait_for 'xếp theo mã hồ sơ *[0-9]'
settle
codes | sort -c 2> /dev/null || fail "s after a click does not sort by code: $(codes | head -5)"
# R reverses whatever the order is, and again
first_asc=$(codes | head -1)
keys R
wait_for 'xếp theo mã hồ sơ↓'
settle
line 2 | grep -q 'Mã hồ sơ ▼' || fail "R does not mark the heading reversed: $(line 2)"
codes | sort -rc 2> /dev/null || fail "R does not reverse the rows: $(codes | head -5)"
keys R
wait_for 'xếp theo mã hồ sơ *[0-9]'
settle
[ "$(codes | head -1)" = "$first_asc" ] || fail "R twice is not the first order again"

# the applicant: by the given name, not the family name (Nguyễn, Trần
# ... would come first by the first word); "Anh" is the first of the
# seeded given names, "Yến" the last
click_heading 'Người nộp'
wait_for 'xếp theo người nộp *[0-9]'
settle
line 2 | grep -q 'Người nộp ▲' || fail "no ▲ on the applicant heading: $(line 2)"
[ "$(given | wc -l)" -ge 30 ] || fail "too few names: $(screen)"
given | LC_ALL=C sort -c 2> /dev/null || fail "not by given name: $(given | head -8 | tr '\n' ' ')"
[ "$(given | head -1)" = anh ] || fail "the first row is not an Anh: $(list_rows | head -1)"
[ "$(given | sort -u | wc -l)" -ge 2 ] || fail "one given name only: $(given | sort -u)"
click_heading 'Người nộp'
wait_for 'xếp theo người nộp↓'
settle
line 2 | grep -q 'Người nộp ▼' || fail "no ▼ on the applicant heading: $(line 2)"
given | LC_ALL=C sort -rc 2> /dev/null ||
	fail "not by given name descending: $(given | head -8 | tr '\n' ' ')"
[ "$(given | head -1)" = yen ] || fail "the first row reversed is not a Yến: $(list_rows | head -1)"

# the system: grouped (congan first), then by due within each
click_heading 'Nguồn'
wait_for 'xếp theo nguồn *[0-9]'
settle
systems | LC_ALL=C sort -c 2> /dev/null || fail "not by system: $(systems | head -5)"
[ "$(systems | head -1)" = congan ] || fail "the first system is not congan: $(systems | head -3)"

# :sort area: every seeded row is in Thôn Tây but the three fixed ones, in
# Thôn Đông ("Đ" after "T"): last ascending, first (latest due first)
# descending
keys :
type_text 'sort area'
keys Enter
wait_for 'xếp theo địa bàn *[0-9]'
settle
codes | grep -q '^H56\.14-00000' && fail "Thôn Đông's rows among the first by area: $(codes | head -5)"
keys :
type_text 'sort area desc'
keys Enter
wait_for 'xếp theo địa bàn↓'
settle
[ "$(codes | head -3 | tr '\n' ' ')" = "H56.14-000003 H56.14-000002 H56.14-000001 " ] ||
	fail "Thôn Đông's rows not first by area descending: $(codes | head -5)"

# a click left of every heading (the mark column): the order stays
before=$(codes | head -3)
click 0 0 1
settle
title | grep -q 'xếp theo địa bàn↓' || fail "a click on the mark column changed the order: $(title)"
[ "$(codes | head -3)" = "$before" ] || fail "a click on the mark column moved the rows"
keys q
wait_for '^EXIT=0'
stop

# At 160 columns: a click on a row selects it and the pane follows it; a
# click on the pane does nothing.
start 160 48 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
code5=$(screen | sed -n 7p | sed 's/ *│.*//' | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^H[0-9]/) { print $i; exit } }')
click 0 20 6
i=0
while [ $i -lt $(( 5 * PER_S * SLOW )) ]; do
	[ "$(line 2 | sed -n 's/^.*│ //p')" = "$code5" ] && break
	sleep $POLL
	i=$((i + 1))
done
[ "$(line 2 | sed -n 's/^.*│ //p')" = "$code5" ] || fail "the pane does not follow a click: $(line 2)"
click 0 130 10
click 0 130 10
settle
screen | grep -q "^Hồ sơ $code5" && fail "a double click on the pane opened a dossier"
line 2 | grep -q "│ $code5\$" || fail "a click on the pane changed it: $(line 2)"
# the headings work at this width too
click_heading 'Mã hồ sơ'
wait_for 'xếp theo mã hồ sơ *[0-9]'
settle
codes | sort -c 2> /dev/null || fail "not by code at 160: $(codes | head -5)"
keys q
wait_for '^EXIT=0'
exit 0
