#!/bin/sh
# cli_escapes.sh - text from a hostile server never steers the clerk's
# terminal (issue 20): a dossier poisoned through the sandbox's control API
# (POST /_control/poison, doc/sandbox.md 10.1) with a window-title OSC, clear
# screen, the C1 CSI, CR, backspace and a right-to-left override in its
# applicant, procedure and area comes out of `sync`, `show`, `inbox`, `act`
# and `audit list` with no raw control byte, each one spelled out
# ("<U+001B>", "<U+009B>", "<U+202E>"...), while --json keeps the exact text
# for programs; a code with control characters is refused at ingest or shown
# escaped, never raw.  The console (in tmux, when there is one) shows the
# same escapes and its terminal's title stays.  And `inbox --search -` reads
# its text from standard input, so an ID number never reaches the process
# list.  Synthetic data only.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 43 --dossiers 200 --now '2026-03-12 09:30' --speed 0
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"
T=$SYNC_TMP

# The bytes a terminal acts on: C0 but tab and newline, DEL, C1 as UTF-8
# (C2 80..9F), the bidi controls (U+061C, U+200E/F, U+202A..E, U+2066..9).
C0=$(printf '[\001-\010\013-\037\177]')
C1=$(printf '\302[\200-\237]')
BIDI=$(printf '\342\200[\216\217\252-\256]\|\342\201[\246-\251]\|\330\234')
no_raw_controls() { # FILE WHAT
	for re in "$C0" "$C1" "$BIDI"; do
		if LC_ALL=C grep -q "$re" "$1"; then
			od -c "$1" | head -n 20 >&2
			sbx_die "$2: a raw control byte reached the terminal"
		fi
	done
}
shows() { # FILE TEXT WHAT
	grep -qF -- "$2" "$1" || { cat "$1" >&2; sbx_die "$3: '$2' is not shown"; }
}

poison() { # CODE FIELD VALUE
	r=$(sbx_curl /_control/poison --data-urlencode "code=$1" --data-urlencode "field=$2" \
		--data-urlencode "value=$3") || sbx_die "poison $2: no answer"
	printf '%s' "$r" | jq -e .ok >/dev/null || sbx_die "poison $2 refused: $r"
}

pick=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=2" | jq -r '.dossiers[].code')
code=$(printf '%s\n' "$pick" | sed -n 1p)
code2=$(printf '%s\n' "$pick" | sed -n 2p)
[ -n "$code" ] && [ -n "$code2" ] || sbx_die "no new tuphap dossiers"

# ---- the sandbox's side of it -----------------------------------------------------
# a window title, clear screen, the C1 CSI, CR and backspace, a right-to-left override
NAME=$(printf '\033]0;owned\007Nguy\341\273\205n\033[2J\302\23331m\rVan\bA\342\200\256Z')
PROC=$(printf 'Ch\341\273\251ng th\341\273\261c \342\200\256fdp.exe\033P$q"p\033\\')
AREA=$(printf 'x\303\243 \304\220\341\273\251c\r\033[1;31mTr\341\273\215ng')
poison "$code" name "$NAME"
poison "$code" procedure "$PROC"
poison "$code" area "$AREA"
peek=$(sbx_curl "/_control/dossiers?code=$code")
sbx_eq "$(printf '%s' "$peek" | jq -r .dossier.procedure)" "$PROC" "poisoned procedure (sandbox)"
sbx_eq "$(printf '%s' "$peek" | jq -r .dossier.unit)" "UBND $AREA" "poisoned area (sandbox)"
# every dialect serves it: tuphap's own record
tok=$(sbx_token tuphap)
rec=$(sbx_curl "/tuphap/api/v1/dossiers/$code" -H "Authorization: Bearer $tok")
sbx_eq "$(printf '%s' "$rec" | jq -r .applicant.fullName)" "$NAME" "tuphap's applicant"
# a code with control characters on a second dossier; the old code is gone
BAD_CODE=$(printf 'H56.14-\033[2J-\342\200\256X')
poison "$code2" code "$BAD_CODE"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$code2" | jq -r .error)" "no such dossier" "old code"
sbx_eq "$(sbx_curl /_control/dossiers --get --data-urlencode "code=$BAD_CODE" |
	jq -r .dossier.code)" "$BAD_CODE" "new code (sandbox)"
# a field that does not exist, a code that does not
r=$(sbx_curl /_control/poison -d "code=$code" -d field=colour -d value=x)
sbx_eq "$(printf '%s' "$r" | jq -r .ok)" false "unknown field"
r=$(sbx_curl /_control/poison -d code=NO-SUCH -d field=name -d value=x -w ' %{http_code}')
sbx_match "$r" ' 404$' "unknown dossier"

# ---- what the clerk sees ------------------------------------------------------------
"$M" sync >"$T/sync.out" 2>&1 || { cat "$T/sync.out" >&2; sbx_die "sync after the poison"; }
no_raw_controls "$T/sync.out" "sync"

"$M" show "$code" >"$T/show.out" 2>&1 || { cat "$T/show.out" >&2; sbx_die "show failed"; }
no_raw_controls "$T/show.out" "show"
shows "$T/show.out" "<U+001B>]0;owned<U+0007>Nguyễn<U+001B>[2J<U+009B>31m<U+000D>Van<U+0008>A<U+202E>Z" \
	"show: the applicant"
shows "$T/show.out" "Chứng thực <U+202E>fdp.exe<U+001B>P\$q\"p<U+001B>\\" "show: the procedure"
shows "$T/show.out" "xã Đức<U+000D><U+001B>[1;31mTrọng" "show: the area"
shows "$T/show.out" "UBND xã Đức<U+000D>" "show: the unit"
# programs get the text as the system sent it, in valid JSON
"$M" show "$code" --json >"$T/show.json" || sbx_die "show --json failed"
sbx_eq "$(jq -r .applicant_name "$T/show.json")" "$NAME" "show --json: the applicant"
sbx_eq "$(jq -r .area "$T/show.json")" "$AREA" "show --json: the area"
LC_ALL=C grep -q "$C0" "$T/show.json" && sbx_die "show --json: a raw C0 control"

"$M" inbox --limit 0 >"$T/inbox.out" 2>&1 || sbx_die "inbox failed"
no_raw_controls "$T/inbox.out" "inbox"
grep -F "$code" "$T/inbox.out" | grep -qF "<U+001B>]0;owned" ||
	{ cat "$T/inbox.out" >&2; sbx_die "inbox: the applicant is not shown escaped"; }

# an action, a reveal with a purpose that has an escape in it, then the audit log
"$M" act "$code" receive >"$T/act.out" 2>&1 || { cat "$T/act.out" >&2; sbx_die "act failed"; }
no_raw_controls "$T/act.out" "act"
"$M" show "$code" --reveal --purpose "$(printf 'ki\341\273\203m tra \033[2J\302\233')" \
	>"$T/reveal.out" 2>&1 || { cat "$T/reveal.out" >&2; sbx_die "show --reveal failed"; }
no_raw_controls "$T/reveal.out" "show --reveal"

# the code with control characters: refused at ingest naming the system, or
# (before that rule) stored and shown escaped, never raw
if "$M" inbox --json | jq -e --arg c "$BAD_CODE" 'any(.[]; .code == $c)' >/dev/null; then
	"$M" act "$BAD_CODE" receive >"$T/act2.out" 2>&1 || { cat "$T/act2.out" >&2; sbx_die "act 2"; }
	no_raw_controls "$T/act2.out" "act on the hostile code"
	shows "$T/act2.out" "H56.14-<U+001B>[2J-<U+202E>X" "act: the hostile code"
else
	grep -q '^motcua sync: .*tuphap' "$T/sync.out" ||
		{ cat "$T/sync.out" >&2; sbx_die "sync: the refused code's system is not named"; }
fi

"$M" audit list --limit 0 >"$T/audit.out" 2>&1 || sbx_die "audit list failed"
no_raw_controls "$T/audit.out" "audit list"
shows "$T/audit.out" "kiểm tra <U+001B>[2J<U+009B>" "audit list: the purpose"
shows "$T/audit.out" "$code" "audit list: the dossier"
"$M" audit verify >/dev/null 2>&1 || sbx_die "audit verify"

# ---- the console shows the same escapes, and its terminal keeps its title ----------
if command -v tmux >/dev/null 2>&1; then
	SOCK=motcua-esc-$$
	trap 'tmux -L "$SOCK" kill-server >/dev/null 2>&1; sbx_cleanup; sync_cleanup_tmp' EXIT
	tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
		"$M console 2>$T/console.err; echo EXIT=\$?; sleep 600" || sbx_die "tmux new-session"
	screen() { tmux -L "$SOCK" capture-pane -p -t t; }
	keys() { tmux -L "$SOCK" send-keys -t t "$@"; }
	wait_screen() { # ERE
		i=0
		while ! screen | grep -Eq -- "$1"; do
			[ $i -lt $(( 200 * SLOW )) ] || { screen >&2; sbx_die "console never showed /$1/"; }
			sleep 0.05
			i=$((i + 1))
		done
	}
	# the first console after a sign-in offers an unlock PIN: later
	wait_screen 'Tất cả \(|Mã PIN mới:'
	if screen | grep -q 'Mã PIN mới:'; then
		keys Escape
		wait_screen 'Tất cả \('
	fi
	keys /
	tmux -L "$SOCK" send-keys -t t -l "$code"
	wait_screen 'Tất cả \(1\)'
	keys Enter Enter
	wait_screen "$code"
	wait_screen 'owned'
	screen >"$T/console.txt"
	no_raw_controls "$T/console.txt" "console"
	shows "$T/console.txt" "<U+001B>]0;owned<U+0007>" "console: the applicant"
	title=$(tmux -L "$SOCK" display -p -t t '#{pane_title}')
	[ "$title" != owned ] || sbx_die "console: the server's OSC set the window title"
	# leave as a clerk does: SIGTERM to the console (a clean end)
	pp=$(tmux -L "$SOCK" display -p -t t '#{pane_pid}')
	for k in $(pgrep -P "$pp"); do kill -TERM "$k" 2>/dev/null; done
	wait_screen 'EXIT='
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
fi

# ---- inbox --search -: the text from standard input, not the process list ----------
# by the dossier's code: exactly that dossier
found=$(printf '%s\n' "$code" | "$M" inbox --json --search - | jq -r '.[].code')
sbx_eq "$found" "$code" "inbox --search - by the code"
# a synthetic 12-digit number (the sandbox's marker "99") while motcua waits for it
SECRET=001099990042
mkfifo "$T/search.fifo"
"$M" inbox --json --search - <"$T/search.fifo" >"$T/search.out" 2>"$T/search.err" &
sp=$!
exec 3>"$T/search.fifo"
i=0
while [ $i -lt $(( 100 * SLOW )) ]; do
	tr '\0' ' ' <"/proc/$sp/cmdline" 2>/dev/null | grep -q 'inbox --json --search -' && break
	sleep 0.05
	i=$((i + 1))
done
argv=$(tr '\0' ' ' <"/proc/$sp/cmdline")
sbx_match "$argv" 'inbox --json --search - $' "motcua's argv while it reads"
printf '%s\n' "$SECRET" >&3
exec 3>&-
wait $sp || { cat "$T/search.err" >&2; sbx_die "inbox --search - (number) failed"; }
sbx_eq "$(jq length "$T/search.out")" 0 "a number no dossier has finds nothing"
# refused, one line each, exit 2: not UTF-8, too long, nothing
for input in '\377\n' "$(printf '%0300d' 0)\n" '\n'; do
	# shellcheck disable=SC2059 # the input is the escapes printf turns into bytes
	printf "$input" | "$M" inbox --search - >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	sbx_eq "$rc" 2 "inbox --search - with a bad line"
	sbx_eq "$(wc -l <"$T/bad.err")" 1 "one line of refusal"
	[ -s "$T/bad.out" ] && sbx_die "output for a refused search: $(cat "$T/bad.out")"
	no_raw_controls "$T/bad.err" "the refusal"
done

# the sandbox held the poisoned dossiers and ends cleanly (no leak under ASan)
sbx_stop || exit 1
echo "cli_escapes: ok (sync, show, inbox, act, audit list escape; --json raw; --search - from stdin)"
