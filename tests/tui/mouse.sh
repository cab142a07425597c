#!/bin/sh
# The mouse (config "mouse", on by default): a click selects a row, a
# double click opens it, the wheel scrolls; with "mouse": false the console
# does not ask for mouse reports.  The terminal's reports are typed into the pane as
# xterm sends them (X10: ESC [ M, button + 32, column + 33, row + 33).
. "$(dirname "$0")/lib.sh"

seed 500
# click BUTTON COL ROW (0-based screen cell): press and release
click() {
	b=$(printf "\\$(printf %o $((32 + $1)))")
	x=$(printf "\\$(printf %o $((33 + $2)))")
	y=$(printf "\\$(printf %o $((33 + $3)))")
	r=$(printf "\\$(printf %o 35)")
	tmux -L "$SOCK" send-keys -t t -l "$(printf '\033[M')$b$x$y"
	tmux -L "$SOCK" send-keys -t t -l "$(printf '\033[M')$r$x$y"
}
# wheel DIR: 64 up, 65 down
wheel() {
	b=$(printf "\\$(printf %o $((32 + $1)))")
	tmux -L "$SOCK" send-keys -t t -l "$(printf '\033[M')$b!!"
}
selected() { screen | grep -n '' | sed -n "$1p" | cut -d: -f2- | awk '{print $3}'; }

start 80 24 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
[ "$(tmux -L "$SOCK" display -p -t t '#{mouse_any_flag}')" = 1 ] ||
	fail "the console did not ask the terminal for mouse reports"
# row 7 of the screen is the list's 5th row (title, headings first)
code=$(screen | sed -n 7p | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^H[0-9]/) { print $i; exit } }')
[ -n "$code" ] || fail "no code on line 7: $(screen)"
click 0 20 6
sleep 0.5
click 0 20 6 # a second click on the selected row opens it
wait_for "^Hồ sơ $code" 5
keys q
wait_for 'Tất cả \(500\)' 5
# a double click on another row opens that one
code2=$(screen | sed -n 10p | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^H[0-9]/) { print $i; exit } }')
click 0 20 9
click 0 20 9
wait_for "^Hồ sơ $code2" 5
keys q
wait_for 'Tất cả \(500\)' 5
# the wheel moves the selection three rows a notch
keys g
settle
first=$(screen | sed -n 3p)
wheel 65
wheel 65
wheel 65
wheel 65
wheel 65
wheel 65
wheel 65
settle
[ "$(screen | sed -n 3p)" != "$first" ] || fail "the wheel did not scroll the list"
keys q
wait_for '^EXIT=0'
stop

# "mouse": false: the console does not ask the terminal for mouse reports
# (so the terminal's own selection works without Shift)
printf '{"mouse": false}\n' > "$MOTCUA_HOME/config.json"
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
[ "$(tmux -L "$SOCK" display -p -t t '#{mouse_any_flag}')" = 0 ] ||
	fail "mouse reports asked for with the mouse off"
keys q
wait_for '^EXIT=0'
exit 0
