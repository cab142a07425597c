# lib.sh - helpers for the console's tmux tests (sourced by tests/tui/*.sh).
#
# Each test runs the real binary inside a private tmux server (its own
# socket), against a store filled by tests/tui/seed.c, with MOTCUA_HOME in a
# temporary folder and the catalogues built from locale/*.po with msgfmt.
# Exit codes: 0 pass, 77 skip (reason on the last line of stderr), else fail.
#
# Needs: MOTCUA_BIN (the motcua binary; its folder holds libmotcua.a), tmux,
# msgfmt and a C compiler.  MOTCUA_CONSOLE_BIN may name a program that runs
# the console directly (for a build whose main.c does not know `console`).

set -u
TUI_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$TUI_DIR/../.." && pwd)
M=${MOTCUA_BIN:-$ROOT/build/motcua}

skip() { echo "$*" >&2; exit 77; }
fail() {
	echo "FAIL: $*" >&2
	if [ -n "${SOCK:-}" ]; then
		echo "--- screen:" >&2
		tmux -L "$SOCK" capture-pane -p -t t >&2 2>/dev/null
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
	tmux -L "$SOCK" kill-server > /dev/null 2>&1
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
				libqrencode libsecret-1 openssl libp11 zlib 2> /dev/null) -lm \
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

stop() { tmux -L "$SOCK" kill-server > /dev/null 2>&1; sleep 0.1; }

screen() { tmux -L "$SOCK" capture-pane -p -t t; }
screen_e() { tmux -L "$SOCK" capture-pane -p -e -t t; }
keys() { tmux -L "$SOCK" send-keys -t t "$@"; }
# Type text literally (UTF-8 included).
type_text() { tmux -L "$SOCK" send-keys -t t -l "$1"; }

# wait_for PATTERN [SECONDS]: until the screen matches the grep -E pattern.
wait_for() {
	i=0 limit=$(( ${2:-5} * 20 ))
	while [ $i -lt $limit ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "screen never showed /$1/"
}

# wait_gone PATTERN: until the screen no longer matches.
wait_gone() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "screen still shows /$1/"
}

# Line N (1-based) of the screen.
line() { screen | sed -n "${1}p"; }

# The screen without the clock at the end of the title line.
screen_noclock() { screen | sed '1s/ [0-9][0-9]:[0-9][0-9] *$//'; }

# Let the console settle: two identical captures 100 ms apart.
settle() {
	prev="" i=0
	while [ $i -lt 40 ]; do
		cur=$(screen)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.1
		i=$((i + 1))
	done
}
