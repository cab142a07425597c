#!/bin/sh
# `motcua demo` for a trainer: one command starts the sandbox, signs in by
# itself and opens the console with the TRAINING banner at 80x24, syncing
# the sandbox's dossiers into it; quitting
# (q, SIGTERM) stops the sandbox by its PID, removes the private folder and
# gives the terminal back; a sandbox that dies is reported in the status
# bar; `motcua demo --check` does it all without the console and exits 0.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"

# demo_start [options]: motcua demo in a fresh tmux session "t".
demo_start() {
	tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
		"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $M demo --sandbox $SBX $* 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
		fail "tmux new-session"
	tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
}

# The demo's private folder and the sandbox's PID (sandbox.pid, line 1).
demo_home() { ls -d "$XDG_RUNTIME_DIR"/motcua-demo-* 2> /dev/null | head -n 1; }
sandbox_pid() {
	h=$(demo_home)
	[ -n "$h" ] && [ -f "$h/sandbox.pid" ] || fail "no sandbox.pid in the demo's folder"
	head -n 1 "$h/sandbox.pid"
}
alive() { kill -0 "$1" 2> /dev/null; }
# gone PID: the process ended (within 5 s times SLOW).
gone() {
	i=0
	while alive "$1" && [ $i -lt $(( 5 * PER_S * SLOW )) ]; do sleep $POLL; i=$((i + 1)); done
	alive "$1" && fail "the sandbox (PID $1) still runs"
	return 0
}
pane() { tmux -L "$SOCK" display-message -p -t t "$1"; }

# 1. Start, see the training inbox, browse, quit with q.
demo_start
wait_for 'ĐÀO TẠO' 40
# The check of the saved sign-in may show for a moment (long under
# valgrind); then the inbox, with no sign-in waiting for a phone.
wait_for '^Hồ sơ: ' 40
pid=$(sandbox_pid)
alive "$pid" || fail "the sandbox is not running while the console is open"
home=$(demo_home)
[ "$(stat -c %a "$home")" = 700 ] || fail "the demo's folder is not private (0700)"
line 1 | grep -q 'Hồ sơ' || fail "the inbox is not the first screen"
screen | grep -q 'Đăng nhập' && fail "a sign-in screen is waiting: the demo should sign in by itself"
# The first sync fills the inbox while the screen stays live (progress
# in the status bar, then every system online with fresh data).
wait_for 'Tất cả \([1-9][0-9]+\)' 30
wait_for 'tuphap●0ph' 30
screen | grep -q 'congan●' || fail "congan is not shown online after the sync"
screen | grep -q 'dvcqg●' || fail "the coordination system is missing from the status bar"
keys j
keys k
keys Enter
wait_for '^Hồ sơ H56\.' 5
keys q
wait_for '^Hồ sơ: ' 5
keys '?'
wait_for '^Trợ giúp'
keys q
wait_for '^Hồ sơ: ' 5
# q asks first: the training goes with it; n keeps it, y ends it
keys q
wait_for 'Kết thúc buổi đào tạo\?' 10
keys n
wait_gone 'Kết thúc buổi đào tạo\?' 5
screen | grep -q '^Hồ sơ: ' || fail "n did not keep the training"
# :q is a way out too: it asks the same question
keys : q Enter
wait_for 'Kết thúc buổi đào tạo\?' 10
keys n
wait_gone 'Kết thúc buổi đào tạo\?' 5
screen | grep -q '^Hồ sơ: ' || fail ":q then n did not keep the training"
demo_quit
gone "$pid"
[ -d "$home" ] && fail "the demo's folder $home was left behind"
[ "$(pane '#{alternate_on}')" = 0 ] || fail "the terminal was left in the alternate screen"
[ "$(pane '#{cursor_flag}')" = 1 ] || fail "the cursor was left hidden"
stop

# 2. SIGTERM to motcua: the same clean ending.  (In the post-Tết scenario:
# the console runs on the sandbox's clock, its day in the title bar.)
demo_start --lang en --scenario post-tet-backlog
wait_for 'TRAINING' 40
wait_for 'TRAINING \(sandbox\) +23/02 [0-9][0-9]:[0-9][0-9]' 10
pid=$(sandbox_pid)
home=$(demo_home)
# the pane's shell runs `env ... motcua demo; echo EXIT=...`: its child is
# motcua (named memcheck-amd64-linux under valgrind, hence no -x motcua)
mpid=$(pgrep -P "$(pane '#{pane_pid}')" | head -n 1)
[ -n "$mpid" ] || fail "no motcua process in the pane"
kill -TERM "$mpid"
wait_for '^EXIT=0' 10
gone "$pid"
[ -d "$home" ] && fail "SIGTERM left the demo's folder behind"
stop

# 3. The sandbox dies under the console: the status bar says so; q still ends well.
demo_start --lang en
wait_for 'TRAINING' 40
pid=$(sandbox_pid)
kill -KILL "$pid"
wait_for 'sandbox stopped \(signal 9\)' 5
demo_quit
stop

# 4. The screen lock in a demo: after the grace the new approval is given
# by the sandbox itself (no phone in a training room).  The idle time is 3 s
# times SLOW: a console under valgrind must not lock again between the
# approval and the q below.
tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR MOTCUA_LOCK_IDLE_SECONDS=$(slow 3) MOTCUA_LOCK_GRACE_SECONDS=1 $M demo --sandbox $SBX 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
wait_for 'Màn hình đã khoá' 40
wait_for 'xác nhận lại trên điện thoại' 5
keys Enter
wait_for 'Tất cả \([1-9][0-9]+\)' 20
screen | grep -q 'Màn hình đã khoá' && fail "the demo stayed locked"
demo_quit
stop

# 5. --check: no console, a summary, exit 0, nothing left.
"$M" demo --check --sandbox "$SBX" > "$T/check.out" 2> "$T/check.err" ||
	{ cat "$T/check.err" >&2; fail "demo --check exited $?"; }
grep -q '^signed_in: ' "$T/check.out" || fail "demo --check did not say who signed in"
grep -q '^ok$' "$T/check.out" || fail "demo --check did not end with ok"
grep -q '^sync: tuphap ok new=[1-9]' "$T/check.out" || fail "demo --check did not sync tuphap"
pid=$(sed -n 's/^sandbox_pid: //p' "$T/check.out")
[ -n "$pid" ] || fail "demo --check did not give the sandbox's PID"
gone "$pid"
[ -z "$(demo_home)" ] || fail "demo --check left its folder behind"
exit 0
