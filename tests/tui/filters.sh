#!/bin/sh
# Field filters in the search box compose ("tt:cho-bo-sung nguon:tuphap",
# with or without diacritics, a value cut short), count what the command
# line counts, say what is wrong with a bad one, and ":save NAME" keeps the
# view in config.json, there after a restart and for `motcua inbox`.
. "$(dirname "$0")/lib.sh"

seed 2000
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(2000\)'
count() { line 1 | sed -n 's/.*(\([0-9]*\)).*/\1/p'; }
want5=$("$M" inbox --json --status 5 | jq length)
want5t=$("$M" inbox --json --status 5 --source tuphap | jq length)
[ "$want5t" -gt 0 ] && [ "$want5t" -lt "$want5" ] || fail "the seed has no tuphap dossier awaiting a supplement"

keys /
type_text "tt:cho-bo-sung"
wait_for "Tất cả \\($want5\\)" 5
type_text " nguon:tuphap"
wait_for "Tất cả \\($want5t\\)" 5
keys Enter
settle
screen | grep -E '^[ !~*]{3} +[a-z]+ +H' | grep -v 'tuphap' && fail "a row of another system"
screen | grep -E '^[ !~*]{3} +[a-z]+ +H' | grep -v 'Chờ bổ sung' && fail "a row in another status"

# the same with diacritics and a value cut short
keys /
keys C-u
type_text "tt:Chờ-bổ nguon:tuphap"
wait_for "Tất cả \\($want5t\\)" 5
keys Enter
settle

# Tab completes a filter's key, then its value; several candidates are shown
keys /
keys C-u
type_text "ngu"
keys Tab
wait_for '^/nguon:' 5
type_text "tu"
keys Tab
wait_for '^/nguon:tuphap' 5
type_text " tt:cho"
keys Tab
wait_for '^/nguon:tuphap tt:cho- +cho-bo-sung cho-nop-phi' 5
type_text "b"
keys Tab
wait_for '^/nguon:tuphap tt:cho-bo-sung' 5
wait_for "Tất cả \\($want5t\\)" 5
keys Enter
settle

# a filter that means nothing says why
keys /
keys C-u
type_text "tt:xyz"
wait_for "'tt:xyz': không có trạng thái này" 5
keys C-u
type_text "han:mai"
wait_for "'han:mai': han: là qua-han, sap-den-han hoặc hom-nay" 5
keys C-u
type_text "tt:cho-bo-sung nguon:tuphap"
wait_for "Tất cả \\($want5t\\)" 5
keys Enter
settle

# saved as a view, by name
keys :
type_text "save bs-tuphap"
keys Enter
wait_for "Đã lưu thành mục lọc 'bs-tuphap'" 5
wait_for "\\[8\\] bs-tuphap \\($want5t\\)" 5
jq -e '.views["bs-tuphap"] == "tt:cho-bo-sung nguon:tuphap"' "$MOTCUA_HOME/config.json" > /dev/null ||
	fail "config.json: $(cat "$MOTCUA_HOME/config.json")"
# a fixed view's name is not taken
keys :
type_text "save all"
keys Enter
wait_for "'all': tên mục lọc" 5
keys q
wait_for '^EXIT=0'
stop

# after a restart, by name and by its key; the command line the same
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(2000\)'
keys 8
wait_for "\\[8\\] bs-tuphap \\($want5t\\)" 5
keys 1
keys :
type_text "view bs-tuphap"
keys Enter
wait_for "\\[8\\] bs-tuphap \\($want5t\\)" 5
[ "$("$M" inbox --json --search 'tt:cho-bo-sung nguon:tuphap' | jq length)" = "$want5t" ] ||
	fail "inbox --search with filters disagrees"
"$M" inbox --search 'tt:zzz' > "$T/out" 2>&1 && fail "a bad filter was accepted"
grep -q "'tt:zzz': không có trạng thái này" "$T/out" || fail "inbox said: $(cat "$T/out")"
keys q
wait_for '^EXIT=0'
exit 0
