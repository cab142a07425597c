# lib.sh - helpers for the console's tmux tests (sourced by tests/tui/*.sh).
#
# Each test runs the real binary inside a private tmux server (its own
# socket), against a store filled by tests/tui/seed.c, with MOTCUA_HOME in a
# temporary folder and the catalogues built from locale/*.po with msgfmt.
# Exit codes: 0 pass, 77 skip (reason on the last line of stderr), else fail.
#
# MOTCUA_TEST_SLOW (a whole number, default 1) multiplies every deadline and
# the quiet time settle waits for: tests/valgrind/run.sh sets it, since a
# console under memcheck starts and repaints many times slower.
#
# Needs: MOTCUA_BIN (the motcua binary; its folder holds libmotcua.a), tmux,
# msgfmt and a C compiler.  MOTCUA_CONSOLE_BIN may name a program that runs
# the console directly (for a build whose main.c does not know `console`).

set -u
TUI_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$TUI_DIR/../.." && pwd)
M=${MOTCUA_BIN:-$ROOT/build/motcua}
SLOW=${MOTCUA_TEST_SLOW:-1}
case $SLOW in '' | *[!0-9]* | 0) SLOW=1 ;; esac
# demo_quit [SECONDS]: q at the inbox of `motcua demo` asks before the
# training sandbox goes; y ends it.  SECONDS (10) for the exit.
demo_quit() {
	keys q
	wait_for 'End the training\?|Kết thúc buổi đào tạo\?' 10
	keys y
	wait_for '^EXIT=0' "${1:-10}"
}
# slow N: N seconds (a deadline) times MOTCUA_TEST_SLOW.
slow() { echo $(( $1 * SLOW )); }
# Screen polls: every 50 ms, or 200 ms when slow (fewer tmux calls competing
# for the CPU with memcheck).
if [ "$SLOW" = 1 ]; then POLL=0.05 PER_S=20; else POLL=0.2 PER_S=5; fi

skip() { echo "$*" >&2; exit 77; }
fail() {
	echo "FAIL: $*" >&2
	if [ -n "${SOCK:-}" ]; then
		echo "--- screen:" >&2
		tmux -L "$SOCK" capture-pane -p -t t >&2 2>/dev/null
		# again below a tall screen: the runner shows a log's last 40 lines
		echo "--- FAIL: $*" >&2
	fi
	exit 1
}

command -v tmux > /dev/null 2>&1 || skip "tmux not installed"
command -v msgfmt > /dev/null 2>&1 || skip "msgfmt (gettext) not installed"
[ -x "$M" ] || skip "no motcua binary at $M"
LIB="$(dirname "$M")/libmotcua.a"
[ -f "$LIB" ] || skip "no $LIB to link the seeding program with"

if "$M" console --help > /dev/null 2>&1; then
	CONSOLE="$M console"
elif [ -n "${MOTCUA_CONSOLE_BIN:-}" ]; then
	CONSOLE=$MOTCUA_CONSOLE_BIN
else
	skip "this motcua has no console command yet (src/cli/main.c wiring)"
fi

T=$(mktemp -d) || exit 1
SOCK="motcua-tui-$$"
cleanup() {
	if command -v stop > /dev/null 2>&1; then stop; else tmux -L "$SOCK" kill-server > /dev/null 2>&1; fi
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

export LC_ALL=C.UTF-8
unset LANGUAGE LC_MESSAGES LANG NO_COLOR MOTCUA_ISSUER 2> /dev/null || true
export MOTCUA_HOME="$T/home"
export MOTCUA_LOCALEDIR="$T/locale"
mkdir -p "$MOTCUA_HOME"

# Catalogues, as the build would install them.
for l in vi en; do
	mkdir -p "$T/locale/$l/LC_MESSAGES"
	msgfmt -c -o "$T/locale/$l/LC_MESSAGES/motcua.mo" "$ROOT/locale/$l.po" ||
		fail "msgfmt locale/$l.po"
done

# seed N: fill $MOTCUA_HOME/motcua.db with N dossiers (seedgen.h).
seed() {
	if [ ! -x "$T/seed" ]; then
		# The library of an ASan build (make asan) needs the same runtime.
		san=
		if nm "$LIB" 2> /dev/null | grep -q __asan_init; then
			san="-fsanitize=address,undefined"
		fi
		# shellcheck disable=SC2046,SC2086
		${CC:-cc} -std=c11 -D_GNU_SOURCE $san -I"$ROOT/src" -I"$ROOT" \
			$(pkg-config --cflags sqlite3 2> /dev/null) -o "$T/seed" \
			"$TUI_DIR/seed.c" "$LIB" \
			$(pkg-config --libs jansson libcurl sqlite3 ncursesw libmicrohttpd \
				libqrencode libsecret-1 openssl libp11 zlib libkeyutils 2> /dev/null) -lm \
			2> "$T/cc.err" || { cat "$T/cc.err" >&2; fail "cannot build seed.c"; }
	fi
	"$T/seed" "$MOTCUA_HOME/motcua.db" "$1" || fail "seed $1"
}

# start COLS ROWS [ENV=VALUE...] [-- console options]: run the console in a
# fresh tmux session "t"; after it exits the pane shows "EXIT=<code>".
start() {
	cols=$1 rows=$2
	shift 2
	envs="" opts=""
	while [ $# -gt 0 ]; do
		case $1 in
		--) shift; opts="$*"; break ;;
		*) envs="$envs $1" ;;
		esac
		shift
	done
	tmux -L "$SOCK" -f /dev/null new-session -d -s t -x "$cols" -y "$rows" \
		"env $envs $CONSOLE $opts 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
		fail "tmux new-session"
	tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
}

# stop: end the console still running in the pane with SIGTERM (it leaves
# cleanly, as resize.sh checks; the SIGHUP of a killed tmux server would end
# it by the signal's default action, and memcheck would see its memory as
# lost), wait (10 s times SLOW) until it has ended, so that the next start
# never meets it, then end the tmux server and wait for that too.
stop() {
	pp=$(tmux -L "$SOCK" display -p -t t '#{pane_pid}' 2> /dev/null)
	kids=
	[ -z "$pp" ] || kids=$(pgrep -P "$pp")
	for k in $kids; do
		kill -TERM "$k" 2> /dev/null
	done
	for k in $kids; do
		i=0
		while kill -0 "$k" 2> /dev/null && [ $i -lt $(( 10 * PER_S * SLOW )) ]; do
			sleep $POLL
			i=$((i + 1))
		done
	done
	# ... and wait until the server has gone: a new-session meeting the
	# server on its way out fails ("server exited unexpectedly").
	sp=$(tmux -L "$SOCK" display -p '#{pid}' 2> /dev/null)
	tmux -L "$SOCK" kill-server > /dev/null 2>&1
	i=0
	while [ -n "$sp" ] && kill -0 "$sp" 2> /dev/null && [ $i -lt $(( 5 * PER_S * SLOW )) ]; do
		sleep $POLL
		i=$((i + 1))
	done
}

# demo_session [motcua demo options]: `motcua demo` with the sandbox beside
# motcua in a fresh tmux session "t" at 80x24, in a private
# XDG_RUNTIME_DIR under $T; then demo_home and demo_url name its folder and
# its sandbox.  Skips without the sandbox, jq or curl.
demo_session() {
	DEMO_SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
	[ -x "$DEMO_SBX" ] || skip "no motcua-sandbox at $DEMO_SBX"
	command -v jq > /dev/null 2>&1 || skip "jq not installed"
	command -v curl > /dev/null 2>&1 || skip "curl not installed"
	export XDG_RUNTIME_DIR="$T/run"
	mkdir -p -m 700 "$XDG_RUNTIME_DIR"
	tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
		"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $M demo --sandbox $DEMO_SBX $* 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
		fail "tmux new-session"
	tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
}
demo_home() { ls -d "$XDG_RUNTIME_DIR"/motcua-demo-* 2> /dev/null | head -n 1; }
demo_url() { sed -n 2p "$(demo_home)/sandbox.pid"; }
# open_code CODE: :open CODE, and its detail on the screen.  While the first
# sync has not stored it yet the console says so; then again, for as long
# as a sync may take (30 s times SLOW).
open_code() {
	oc=0
	while :; do
		keys :
		# the key clears the last try's message: not taken for this try's
		wait_gone "Không có hồ sơ $1 trên máy này"
		type_text "open $1"
		keys Enter
		j=0
		while [ $j -lt $(( 10 * PER_S * SLOW )) ]; do
			screen | grep -Eq "^Hồ sơ $1" && return 0
			screen | grep -q "Không có hồ sơ $1 trên máy này" && break
			sleep $POLL
			j=$((j + 1))
		done
		oc=$((oc + 1))
		[ $oc -lt $(( 15 * SLOW )) ] || fail "never could open $1"
		sleep 2
	done
}
# act_entry LABEL: in the dossier's detail, a, then the entry LABEL of the
# actions' menu (y when it asks); REASON (optional 2nd argument) when the
# action asks for one.
act_entry() {
	keys a
	wait_for 'Thao tác trên hồ sơ' 5
	n=$(screen | sed -n "s/.* \([0-9]\)  $1.*/\1/p" | head -n 1)
	[ -n "$n" ] || fail "'$1' not offered"
	keys "$n"
	if [ $# -gt 1 ]; then
		wait_for 'Lý do' 5
		type_text "$2"
		keys Enter
	fi
	sleep 0.5
	if screen | grep -q 'không hoàn tác được'; then keys y; fi
	wait_for "Đã đưa vào hàng đợi: $1" 5
}

screen() { tmux -L "$SOCK" capture-pane -p -t t; }
screen_e() { tmux -L "$SOCK" capture-pane -p -e -t t; }
keys() { tmux -L "$SOCK" send-keys -t t "$@"; }
# Type text literally (UTF-8 included).
type_text() { tmux -L "$SOCK" send-keys -t t -l "$1"; }

# wait_for PATTERN [SECONDS]: until the screen matches the grep -E pattern
# (SECONDS, default 5, times MOTCUA_TEST_SLOW).  A frame larger than the
# console's output buffer reaches tmux in two writes, so after the match
# it waits (a few captures at most) for the screen to hold still: the next
# check must not read the first half of a frame.
wait_for() {
	i=0 limit=$(( ${2:-5} * PER_S * SLOW ))
	while [ $i -lt $limit ]; do
		cur=$(screen)
		if printf '%s\n' "$cur" | grep -Eq -- "$1"; then
			j=0
			while [ $j -lt 4 ]; do
				sleep 0.05
				nxt=$(screen)
				[ "$nxt" = "$cur" ] && break
				cur=$nxt j=$((j + 1))
			done
			return 0
		fi
		sleep $POLL
		i=$((i + 1))
	done
	fail "screen never showed /$1/"
}

# wait_gone PATTERN: until the screen no longer matches (5 s times SLOW).
wait_gone() {
	i=0
	while [ $i -lt $(( 5 * PER_S * SLOW )) ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep $POLL
		i=$((i + 1))
	done
	fail "screen still shows /$1/"
}

# Line N (1-based) of the screen.
line() { screen | sed -n "${1}p"; }

# pin_prompt [PIN]: after an official's first sign-in on the terminal the
# console asks for the unlock PIN: choose PIN (typed twice), or with no
# argument leave it for later (Esc).
pin_prompt() {
	wait_for 'Mã PIN mới:' 30
	if [ -n "${1:-}" ]; then
		type_text "$1"
		keys Enter
		wait_for 'Nhập lại mã PIN:' 10
		type_text "$1"
		keys Enter
		wait_for 'Đã chọn mã PIN' 10
	else
		keys Escape
	fi
}

# The screen without the clock at the end of the title line.
screen_noclock() { screen | sed '1s/ [0-9][0-9]:[0-9][0-9] *$//'; }

# Let the console settle: the screen unchanged for 100 ms (times SLOW:
# SLOW + 1 identical captures 100 ms apart), within 4 s (times SLOW).
settle() {
	prev="" i=0 same=0
	while [ $i -lt $(( 40 * SLOW )) ]; do
		cur=$(screen)
		if [ "$cur" = "$prev" ]; then
			same=$((same + 1))
			[ $same -ge "$SLOW" ] && return 0
		else
			same=0
		fi
		prev=$cur
		sleep 0.1
		i=$((i + 1))
	done
}
