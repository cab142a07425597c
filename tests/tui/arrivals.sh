#!/bin/sh
# New arrivals: after the first sync nothing is "new"; dossiers that arrive
# later are counted in the status bar ("Mới đến: N") until the clerk opens
# the "Mới đến" view, which lists exactly them.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/integration/lib/sandbox.sh"

sbx_require
# 30 new dossiers per sandbox minute, the clock moved by hand
sbx_start --seed 5 --dossiers 200 --rate 30 --now '2026-03-12 09:30' --speed 0
trap 'sbx_cleanup; cleanup' EXIT INT TERM
URL=$SBX_URL
control() { curl -sS -X POST "$URL/_control/$1" -d "$2" | grep -q '"ok":true' || fail "_control/$1 $2"; }

start 80 24 MOTCUA_ISSUER="$URL" MOTCUA_KEYRING=memory NO_COLOR=1
wait_for '[A-Z]{4}-[A-Z]{4}' 10
control approve "user_code=$(screen | grep -oE '[A-Z]{4}-[A-Z]{4}' | head -n 1)"
pin_prompt
wait_for 'Tất cả \([1-9][0-9]*\)' 20
wait_for 'tuphap●' 20
wait_gone 'Đang đồng bộ'
wait_gone 'Đang đồng bộ'
settle
# the first sync brought everything: nothing is new
screen | grep -q 'Mới đến:' && fail "the first sync counted as new arrivals: $(screen | tail -n 2)"
before=$("$M" inbox --json --limit 0 | jq length)

# two sandbox minutes: new dossiers; fetched now
control clock "seconds=120"
keys S
wait_for 'Đã lấy dữ liệu từ mọi hệ thống' 60
wait_for 'Mới đến: [1-9]' 10
n=$(screen | sed -n 's/.*Mới đến: \([0-9]*\).*/\1/p' | tail -n 1)
after=$("$M" inbox --json --limit 0 | jq length)
[ "$n" = $((after - before)) ] || fail "Mới đến: $n, but $((after - before)) dossiers arrived"
# the command line counts the same
[ "$("$M" inbox --json --new | jq length)" = "$n" ] || fail "inbox --new disagrees with Mới đến: $n"

# the view lists exactly them, all new submissions; looking clears the count
keys :
type_text "view new"
keys Enter
wait_for "Mới đến \\($n\\)" 5
settle
screen | grep -q 'Mới đến:' && fail "the count stays after looking"
[ "$("$M" inbox --json --new | jq length)" = 0 ] || fail "inbox --new still lists them after looking"
rows=$(screen | grep -cE '^[ !~*]{3} +[a-z]+ +H[0-9]')
[ "$rows" -ge 1 ] || fail "the view shows no row: $(screen)"
screen | grep -E '^[ !~*]{3} +[a-z]+ +H[0-9]' | grep -v ' Mới *$' &&
	fail "a row of the view is not a new submission"
keys 1
wait_for 'Tất cả \(' 5
settle
screen | grep -q 'Mới đến:' && fail "the count came back"
keys q
wait_for '^EXIT=0' 5
exit 0
