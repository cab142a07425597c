#!/bin/sh
# Resizing redraws the whole screen correctly: after 80x24 -> 120x40 the
# screen is exactly what a console started at 120x40 shows, and back again;
# a too-small window says so.  SIGTERM and SIGINT give the terminal back.
. "$(dirname "$0")/lib.sh"

seed 500

snap() {
	# $1 cols, $2 rows: a fresh console's first screen, selection 3 rows down.
	start "$1" "$2" NO_COLOR=1
	wait_for 'Tất cả \(500\)'
	keys j j j
	settle
	screen_noclock > "$T/fresh-$1x$2"
	stop
}
snap 120 40
snap 80 24

# resize COLS ROWS [EXPECTED]: tmux resizes the pane's terminal at once but
# may apply its own screen resize (the reflow) a moment later, over what the
# console already repainted, and then signals the console again; strace
# shows the console repainting within ~15 ms of each SIGWINCH.  So wait
# (5 s times SLOW) until the screen is the EXPECTED file (or, without one,
# COLS x ROWS with the status bar on the second last line), then let it
# settle: the caller compares the screen after that.
resize() {
	tmux -L "$SOCK" resize-window -t t -x "$1" -y "$2"
	i=0
	while [ $i -lt $(( 5 * PER_S * SLOW )) ]; do
		if [ -n "${3:-}" ]; then
			screen_noclock | cmp -s - "$3" && break
		elif [ "$(screen | wc -l)" -eq "$2" ] && line $(( $2 - 1 )) | grep -q 'Chờ gửi:'; then
			break
		fi
		sleep $POLL
		i=$((i + 1))
	done
	settle
}

start 80 24 NO_COLOR=1
wait_for 'Tất cả \(500\)'
keys j j j
settle
resize 120 40 "$T/fresh-120x40"
screen_noclock > "$T/resized-120x40"
diff "$T/fresh-120x40" "$T/resized-120x40" > "$T/diff" ||
	fail "80x24 -> 120x40 differs from a fresh 120x40: $(cat "$T/diff")"
resize 80 24 "$T/fresh-80x24"
screen_noclock > "$T/resized-80x24"
diff "$T/fresh-80x24" "$T/resized-80x24" > "$T/diff" ||
	fail "back to 80x24 differs from a fresh 80x24: $(cat "$T/diff")"
# The detail redraws too.
keys Enter
wait_for '^Hồ sơ H'
resize 100 30
[ "$(screen | wc -l)" -eq 30 ] || fail "not 30 lines after resizing the detail"
line 29 | grep -q 'Chờ gửi:' || fail "status bar not on the second last line after resize"
tmux -L "$SOCK" resize-window -t t -x 30 -y 6
wait_for 'Cửa sổ quá nhỏ'
tmux -L "$SOCK" resize-window -t t -x 80 -y 24
wait_for 'Chờ gửi:'

# SIGTERM: the console leaves cleanly.
pid=$(tmux -L "$SOCK" display -p -t t '#{pane_pid}')
cpid=$(pgrep -P "$pid" | head -n 1)
[ -n "$cpid" ] || fail "cannot find the console process"
kill -TERM "$cpid"
wait_for '^EXIT=0'
[ "$(tmux -L "$SOCK" display -p -t t '#{alternate_on}')" = 0 ] ||
	fail "SIGTERM left the alternate screen on"
[ "$(tmux -L "$SOCK" display -p -t t '#{cursor_flag}')" = 1 ] ||
	fail "SIGTERM left the cursor hidden"
stop

# C-c (SIGINT) too.
start 80 24
wait_for 'Tất cả'
keys C-c
wait_for '^EXIT=0'
[ "$(tmux -L "$SOCK" display -p -t t '#{alternate_on}')" = 0 ] || fail "C-c left the alternate screen on"
exit 0
