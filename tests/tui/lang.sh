#!/bin/sh
# Languages and keys: Vietnamese by default, English with LANGUAGE or :lang en
# (and back), the help screen listing the bindings in force and every
# command whole at 80 columns (the usage of :sort and :view too), a
# rebinding from config.json, and a wrong binding refused with the file
# named.
. "$(dirname "$0")/lib.sh"

seed 100

# Default: Vietnamese.
start 80 24 NO_COLOR=1
wait_for 'Mã hồ sơ'
screen | grep -q 'Người nộp' || fail "Vietnamese headings"
# :lang en switches every label at once; :lang vi switches back.
keys :
type_text "lang en"
keys Enter
wait_for 'Inbox: \[1\] All \(100\) by due date'
screen | grep -q 'Applicant' || fail "English headings after :lang en"
screen | grep -q 'Queued: 0' || fail "English status bar"
keys Enter
wait_for '^Dossier H'
screen | grep -q 'ID number' || fail "English detail labels"
keys q
keys :
type_text "lang vi"
keys Enter
wait_for 'Hồ sơ: \[1\] Tất cả'
# A wrong command says so.
keys :
type_text "frobnicate"
keys Enter
wait_for 'Không có lệnh: frobnicate'
# :sort code and :view overdue.
keys :
type_text "sort code"
keys Enter
wait_for 'xếp theo mã hồ sơ'
keys :
type_text "view overdue"
keys Enter
wait_for '\[3\] Quá hạn'
# Help lists the actions with their keys.
keys '?'
wait_for 'Trợ giúp'
screen | grep -Eq 'j, Down +Xuống' || fail "help: j, Down for down"
screen | grep -Eq '/ +Tìm kiếm' || fail "help: / for search"
# ... every ':' command, from the table that runs them, and every view by
# its number, name and key (0 is the tenth)
: > "$T/help.txt"
for i in 1 2 3 4 5 6 7 8; do
	screen >> "$T/help.txt"
	keys NPage
	settle
done
for c in ':sort due' ':view all' ':dashboard' ':queue' ':sync' ':lock' ':lang vi' ':help' ':q, :quit'; do
	grep -qF -- "$c" "$T/help.txt" || fail "help: no $c: $(cat "$T/help.txt")"
done
grep -Eq '^ +1 +Mục lọc 1: Tất cả' "$T/help.txt" || fail "help: key 1 does not name its view"
grep -Eq '^ +0 +Mục lọc 10: ' "$T/help.txt" || fail "help: no key for view 10"
grep -Eq ' 3  Quá hạn +:view overdue' "$T/help.txt" || fail "help: the views are not listed"
# At 80 columns a command too long for one line shows whole: its syntax on
# one line, what it does on the next, indented; nothing cut.
grep -qx '  :sort due|received|status|code|updated|applicant|procedure|system|area \[desc\]' \
	"$T/help.txt" || fail "help: :sort is not whole on its line"
grep -A1 -F '  :sort due|' "$T/help.txt" | grep -qx '      sắp xếp danh sách hồ sơ' ||
	fail "help: what :sort does is not below it"
grep -qx '  :view all|today|overdue|soon|supplement|mismatch|new|NAME|SYSTEM|N' "$T/help.txt" ||
	fail "help: :view is not whole on its line"
sed -n '/^Lệnh/,/^Mục lọc (/p' "$T/help.txt" | grep -q '…' && fail "help: a command's line is cut"
keys q
wait_for 'Hồ sơ: \['
# :sort without a name: its usage, the whole list of names, fits 80 columns.
keys :
type_text "sort"
keys Enter
wait_for '^:sort due\|received\|status\|code\|updated\|applicant\|procedure\|system\|area \[desc\] *$'
keys :
type_text "view nothing-such"
keys Enter
wait_for '^Cách dùng: :view all\|today\|overdue\|soon\|supplement\|mismatch\|new\|TÊN\|HỆ_THỐNG\|N *$'
keys q
wait_for '^EXIT=0'
stop

# LANGUAGE=en from the start.
start 80 24 LANGUAGE=en NO_COLOR=1
wait_for 'Inbox: \[1\] All'
keys '?'
wait_for 'Help \(q to go back\)'
screen | grep -Eq 'j, Down +Move down' || fail "English help"
keys q
# In English only y confirms a destructive action: the Vietnamese "c" (có)
# does nothing there, Enter neither; n cancels.
keys /
type_text "H56.14-000001"
wait_for 'All \(1\)'
keys Enter Enter
wait_for '^Dossier H56.14-000001'
keys a
wait_for 'Action on H56.14-000001'
n=$(screen | sed -n 's/.* \([0-9]\)  Stop processing (!).*/\1/p')
[ -n "$n" ] || fail "stop not offered in English: $(screen)"
keys "$n"
wait_for 'Reason \(required\)'
type_text "test reason"
keys Enter
wait_for 'y = yes'
keys c
settle
screen | grep -q 'y = yes' || fail "c answered the English confirmation"
keys Enter
settle
screen | grep -q 'y = yes' || fail "Enter answered the confirmation"
keys n
wait_for 'Cancelled; nothing was queued'
screen | grep -q 'Queued: 0' || fail "something was queued"
keys q q q
wait_for '^EXIT=0'
stop

# A rebinding from config.json: "down" on x; j is free then.
printf '{"keys": {"down": ["x", "Down"], "help": "F2"}}\n' > "$MOTCUA_HOME/config.json"
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(100\)'
settle
before=$(screen_e | sed -n 3p)
keys x
settle
[ "$(screen_e | sed -n 3p)" != "$before" ] || fail "x (rebound to down) did not move"
keys F2
wait_for 'Trợ giúp'
screen | grep -Eq 'x, Down +Xuống' || fail "help does not show the rebinding"
keys q q
wait_for '^EXIT=0'
stop

# A key that does not exist: refused, the file named, exit 1.
printf '{"keys": {"down": "NoSuchKey"}}\n' > "$MOTCUA_HOME/config.json"
start 80 24
wait_for '^EXIT=1'
grep -q 'config.json: keys: action "down": unknown key "NoSuchKey"' "$T/stderr" ||
	fail "bad binding message: $(cat "$T/stderr")"
exit 0
