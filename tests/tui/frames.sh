#!/bin/sh
# A new screen reaches the terminal whole: in one write (two when it is
# larger than curses's output buffer, about 2 KB at 80x24), not one write
# per line.  Over SSH on a slow link each write is a packet of its own, and
# a terminal that draws between them shows the new screen's title over the
# old screen's rows.  ncurses 6.4 flushes at every cursor move until the
# program has once left curses mode; the console does so before its first
# paint (ui_whole_frames).  strace counts the console's writes to the
# terminal; the screen itself is checked as a clerk sees it.
. "$(dirname "$0")/lib.sh"

command -v strace > /dev/null 2>&1 || skip "strace not installed"
strace -o /dev/null true > /dev/null 2>&1 || skip "strace cannot trace here (ptrace refused)"

# writes_since N: the sizes of the console's writes to the terminal after
# line N of the trace, one per line.
writes_since() {
	tail -n +"$(($1 + 1))" "$T/writes" | sed -n 's/^write(1, .*= \([0-9][0-9]*\)$/\1/p'
}
# frame_check N WHAT: the writes after line N are whole frames: at most one
# cut where the buffer filled (a write of 2,000 bytes or more) before each
# frame's last write, and no more than two frames (a clock tick may follow).
frame_check() {
	sizes=$(writes_since "$1")
	n=$(printf '%s\n' "$sizes" | grep -c .)
	small=$(printf '%s\n' "$sizes" | awk 'NF && $1 < 2000' | wc -l)
	[ "$n" -ge 1 ] || fail "$2: the console wrote nothing to the terminal"
	[ "$small" -le 2 ] ||
		fail "$2: $n writes to the terminal ($(echo $sizes)), not whole frames"
}

seed 500
CONSOLE="strace -qq -e trace=write -e signal=none -o $T/writes $CONSOLE"
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(500\)' 10
settle

# the inbox to the queue: every line changes
mark=$(wc -l < "$T/writes")
keys w
wait_for '^Thao tác chờ gửi và xung đột' 5
screen | grep -q 'Không có thao tác nào đang chờ gửi' || fail "the queue screen is not whole"
settle
frame_check "$mark" "the queue screen"

# back to the inbox: twenty rows of names, codes and dates at once
mark=$(wc -l < "$T/writes")
keys q
wait_for 'Tất cả \(500\)' 5
settle
frame_check "$mark" "the inbox"
[ "$(screen | grep -cE 'H[0-9]{2}\.[0-9]{2}-[0-9]{6}')" -ge 15 ] || fail "the inbox does not show its rows"

# a dossier in full
mark=$(wc -l < "$T/writes")
keys Enter
wait_for '^Hồ sơ H[0-9]{2}\.' 5
settle
frame_check "$mark" "the dossier"
keys q
settle
