#!/bin/sh
# :export on the dashboard at 80x24 on 300 seeded dossiers: the status line
# says where the CSV went (the downloads folder when not told), the file
# starts with the UTF-8 BOM and its total row is the "Tất cả" line the
# dashboard shows beside it (and what `motcua export` prints); a named file
# ("~/" is home) is written, and never replaced by a second :export.
. "$(dirname "$0")/lib.sh"

# one clock for the console and the command (test builds; a release build
# reads the real one, a minute boundary apart at worst)
date +%s >"$T/clock"
MOTCUA_TEST_CLOCK=$T/clock
export MOTCUA_TEST_CLOCK
mkdir -p "$T/dl" "$T/h"
seed 300
start 80 24 NO_COLOR=1 XDG_DOWNLOAD_DIR="$T/dl" HOME="$T/h"
wait_for 'Tất cả \(300\)'
keys d
wait_for '^Thống kê'
settle
# "Tất cả  total open soon overdue rate ..."
all=$(screen | awk '/^Tất cả / {print $3, $4, $5, $6, $7; exit}')
[ -n "$all" ] || fail "no 'Tất cả' line on the dashboard"

keys :
type_text "export"
keys Enter
wait_for 'Đã ghi số liệu thống kê vào'
screen | grep -q '^Thống kê' || fail "the dashboard did not stay"
set -- "$T"/dl/motcua-stats-*.csv
[ $# -eq 1 ] && [ -f "$1" ] || fail "no motcua-stats-*.csv in the downloads folder: $*"
f=$1
[ "$(head -c 3 "$f" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no UTF-8 BOM in $f"
# level,system,status,status_label,area,dossiers,open,due_soon,overdue,...,on_time_rate
got=$(tail -n 1 "$f" | tr -d '\r' | awk -F, '$1 == "total" {
	r = $16 == "" ? "-" : $16 "%"; print $6, $7, $8, $9, r }')
[ "$got" = "$all" ] || fail "the file's total row says '$got', the dashboard '$all'"
"$M" export --csv | tail -n 1 | tr -d '\r' >"$T/cli.total"
[ "$(tail -n 1 "$f" | tr -d '\r')" = "$(cat "$T/cli.total")" ] ||
	fail "motcua export's total row differs from :export's"

# A file named, under home; a second :export to it is refused.
keys :
type_text "export ~/bao-cao.csv"
keys Enter
wait_for 'Đã ghi số liệu thống kê vào .*bao-cao.csv'
cmp -s "$T/h/bao-cao.csv" "$f" || fail "~/bao-cao.csv differs from the first export"
echo 'sổ của chị Lan' >"$T/h/bao-cao.csv"
keys :
type_text "export ~/bao-cao.csv"
keys Enter
wait_for "tệp '.*bao-cao.csv' đã có"
[ "$(cat "$T/h/bao-cao.csv")" = 'sổ của chị Lan' ] || fail "an existing file was replaced"
[ "$(ls -A "$T/h")" = bao-cao.csv ] || fail "left behind in home: $(ls -A "$T/h")"

# English, and the help lists it.
keys :
type_text "lang en"
keys Enter
keys :
type_text "export $T/en.csv"
keys Enter
wait_for 'Statistics written to'
[ -s "$T/en.csv" ] || fail "no $T/en.csv"
keys q
wait_for 'Inbox'
keys q
wait_for '^EXIT=0'
exit 0
