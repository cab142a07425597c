#!/bin/sh
# Browsing the inbox at 80x24 and 120x40: the first screen, j/k, PgDn/PgUp,
# g/G, saved views with Tab and number keys, marks that read in monochrome
# (NO_COLOR) as well as in colour, and q restoring the terminal.
. "$(dirname "$0")/lib.sh"

seed 300

# The code on the highlighted row (reverse video without colours).
selected_code() {
	screen_e | sed -n "3,$((rows - 2))p" | grep -aE "$(printf '\033')\[([0-9]+;)*7m" | head -n 1 |
		sed 's/\x1b\[[0-9;]*m//g' | grep -Eo 'H[0-9]{2}\.[0-9]{2}-[0-9]{6}' | head -n 1
}

for size in "80 24" "120 40"; do
	set -- $size
	cols=$1 rows=$2
	start "$cols" "$rows" NO_COLOR=1
	wait_for 'Hồ sơ: \[1\] Tất cả \(300\)'
	settle
	[ "$(screen | wc -l)" -eq "$rows" ] || fail "$cols x $rows: not $rows lines"
	line 2 | grep -q 'Mã hồ sơ' || fail "$cols x $rows: no column headings"
	# The status bar names the systems and says there is no queue yet.
	line $((rows - 1)) | grep -q 'tuphap' || fail "$cols x $rows: no systems in the status bar"
	line $((rows - 1)) | grep -q 'Chờ gửi: 0' || fail "status bar: queue state"
	# Every line fits the width (no wrapped, doubled or cut-off cells).
	[ "$(screen | wc -L)" -le "$cols" ] || fail "$cols x $rows: a line is wider than the screen"

	first=$(selected_code)
	[ -n "$first" ] || fail "no highlighted row"
	line 3 | grep -q "$first" || fail "the first row is not the highlighted one"
	keys j
	settle
	second=$(selected_code)
	[ "$second" != "$first" ] || fail "j did not move"
	line 4 | grep -q "$second" || fail "j did not move to the second row"
	keys k
	settle
	[ "$(selected_code)" = "$first" ] || fail "k did not come back"
	keys Down Down Up
	settle
	[ "$(selected_code)" = "$second" ] || fail "arrow keys"

	# PgDn shows the next screenful: the old first row is gone, the count stays.
	page1=$(screen_noclock)
	keys PageDown
	settle
	screen | grep -q "$first" && fail "PgDn: the first page is still shown"
	keys PageUp
	settle
	keys g
	settle
	[ "$(screen_noclock)" = "$page1" ] || fail "PgUp/g: not back to the first page"

	# G: the last row, then Enter opens exactly that dossier.
	keys G
	settle
	last=$(selected_code)
	[ -n "$last" ] && [ "$last" != "$first" ] || fail "G did not go to the end"
	keys Enter
	wait_for "^Hồ sơ $last"
	keys q
	wait_for 'Hồ sơ: \[1\]'

	# Saved views: Tab to "Cần xử lý hôm nay", 3 to "Quá hạn", 5 to "Chờ bổ sung".
	keys Tab
	wait_for '\[2\] Cần xử lý hôm nay'
	keys 3
	wait_for '\[3\] Quá hạn'
	screen | sed -n '3,$p' | grep -E 'H[0-9]{2}\.' | grep -vq '^!' &&
		fail "Quá hạn: a row without the overdue mark"
	keys 5
	wait_for '\[5\] Chờ bổ sung'
	screen | grep -q 'H56.14-000003' || fail "Chờ bổ sung: the dossier awaiting a supplement"
	keys 1
	wait_for '\[1\] Tất cả'

	keys q
	wait_for '^EXIT=0'
	[ "$(tmux -L "$SOCK" display -p -t t '#{alternate_on}')" = 0 ] ||
		fail "q left the terminal in the alternate screen"
	[ "$(tmux -L "$SOCK" display -p -t t '#{cursor_flag}')" = 1 ] ||
		fail "q left the cursor hidden"
	stop
done

# Monochrome: the marks are symbols; NO_COLOR means no colour at all.
start 80 24 NO_COLOR=1
wait_for 'Tất cả'
settle
screen | grep -Eq '^!' || fail "no overdue mark (!) in monochrome"
screen_e | grep -aEq "$(printf '\033')\[(3[0-7]|9[0-7]|4[0-7]|38|48)[;m]" &&
	fail "NO_COLOR: colours were drawn"
stop
start 80 24
wait_for 'Tất cả'
settle
screen_e | grep -a 'H[0-9][0-9]\.' | grep -aq "$(printf '\033')\[[0-9;]*31m" ||
	fail "colour: overdue rows are not red"
# The terminal goes away (SIGHUP: a closed window, a dropped SSH link): the
# console ends cleanly, with status 0, and gives the terminal back.
pp=$(tmux -L "$SOCK" display -p -t t '#{pane_pid}')
kid=$(pgrep -P "$pp" | head -n 1)
[ -n "$kid" ] || fail "no console process under the pane"
kill -HUP "$kid"
wait_for '^EXIT=0'
[ "$(tmux -L "$SOCK" display -p -t t '#{alternate_on}')" = 0 ] ||
	fail "SIGHUP left the terminal in the alternate screen"
stop
exit 0
