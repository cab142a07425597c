#!/bin/sh
# :open CODE jumps to any dossier, by its whole code or the end of it; y
# copies the code to the terminal's clipboard (OSC 52: tmux keeps it in a
# buffer with set-clipboard on) and shows it.
. "$(dirname "$0")/lib.sh"

seed 500
start 80 24 NO_COLOR=1
tmux -L "$SOCK" set-option -g set-clipboard on > /dev/null
wait_for 'Tất cả \(500\)'
# a code from the inbox, and its last six digits
code=$("$M" inbox --json --limit 0 | jq -r '.[137].code')
tail=$(printf '%s' "$code" | sed 's/.*-//')
[ -n "$tail" ] || fail "no code to open"
keys :
type_text "open $tail"
keys Enter
wait_for "^Hồ sơ $code" 5
keys y
wait_for "Đã chép: $code" 5
[ "$(tmux -L "$SOCK" show-buffer 2> /dev/null)" = "$code" ] ||
	fail "the clipboard has '$(tmux -L "$SOCK" show-buffer 2>&1)', not $code"
keys q
settle
# the whole code, from the inbox
keys :
type_text "open $code"
keys Enter
wait_for "^Hồ sơ $code" 5
# over a detail, :open takes its place (twice the same code: still one),
# so one q goes back to the inbox
other=$("$M" inbox --json --limit 0 | jq -r '.[20].code')
keys :
type_text "open $other"
keys Enter
wait_for "^Hồ sơ $other" 5
keys :
type_text "open $other"
keys Enter
settle
screen | grep -q "^Hồ sơ $other" || fail "the second :open $other left its detail"
keys q
wait_for 'Tất cả \(500\)' 5
screen | grep -q '^Hồ sơ ' && fail "q over :open left a detail: one per :open was stacked"
settle
# none, and more than one
keys :
type_text "open zzzz99"
keys Enter
wait_for 'Không có hồ sơ zzzz99 trên máy này' 5
keys :
type_text "open 000"
keys Enter
wait_for 'Có nhiều hồ sơ khớp với 000' 5
keys q
wait_for '^EXIT=0'
exit 0
