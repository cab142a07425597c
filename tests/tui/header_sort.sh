#!/bin/sh
# Sorting by a click on a column's heading (the mouse on, config "mouse"):
# the first click sorts by that column (the rows are then in that order and
# the heading carries ▲), a second click on it reverses (▼); the title
# says the same as after :sort, and s and :sort go on from there.  A
# heading the list cannot be sorted by says which it can.  At 160 columns a
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

# a heading the list cannot be sorted by: the order stays, the message
# line says which can
before=$(codes | head -3)
click_heading 'Người nộp'
wait_for '"Người nộp".*Mã hồ sơ, Ngày tiếp nhận, Hạn, Trạng thái'
settle
title | grep -q 'xếp theo mã hồ sơ' || fail "a click on the applicant changed the order: $(title)"
[ "$(codes | head -3)" = "$before" ] || fail "a click on the applicant moved the rows"
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
