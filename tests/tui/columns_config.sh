#!/bin/sh
# The clerk's columns (config.json "columns"): exactly those, in that order,
# whatever the console would choose at that width; what does not fit is
# dropped from the end, never the code; a name that is not a column stops
# the console with a line naming the file, the key, the bad name and the
# names there are.
. "$(dirname "$0")/lib.sh"

seed 500
cfg() { printf '%s\n' "$1" > "$MOTCUA_HOME/config.json"; }
# The headings (screen line 2) as words separated by single spaces, without
# the sort mark.
headings() { line 2 | sed 's/[▲▼]//g; s/  */ /g; s/^ //; s/ $//'; }
rows() { screen | grep -E '^[ !~*][^ ]* +' | sed -n '3,$p'; }

# Due first, then the code, the procedure, the applicant and the status: no
# system, no received date, at a width where the console's own choice has both.
cfg '{"columns": ["due", "code", "procedure", "applicant", "status"]}'
start 120 40 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
[ "$(headings)" = "Hạn Mã hồ sơ Thủ tục Người nộp Trạng thái" ] ||
	fail "headings at 120 are not the configured ones in order: '$(headings)'"
# each row in that order: due date, code, ... and no system name
line 3 | grep -Eq '^[ !~*].. +[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2} +H[0-9]{2}\.[0-9]{2}-[0-9]{6} ' ||
	fail "the first row does not start with its due date then its code: $(line 3)"
screen | grep -Eq '(dvcqg|tuphap|congan|nnmt|tinh) ' && fail "a system column is shown: $(line 3)"
screen | grep -Eq '[0-9]{2}/[0-9]{2}/20[0-9]{2}' && fail "a received date is shown: $(line 3)"
keys q
wait_for '^EXIT=0'
stop

# The area, which the console's own choice never shows, then the code and
# the received date.
cfg '{"columns": ["area", "code", "received"]}'
start 120 40 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
[ "$(headings)" = "Địa bàn Mã hồ sơ Ngày tiếp…" ] || fail "area, code, received: '$(headings)'"
line 3 | grep -Eq '^[ !~*].. +Thôn (Tây|Đông) +H[0-9.]+-[0-9]{6} [0-9]{2}/[0-9]{2}/20[0-9]{2} *$' ||
	fail "the first row is not area, code, received date: $(line 3)"
stop

# Every column at 80: they do not all fit, the last ones (the area, then the
# received date) are dropped; the procedure keeps room for its short name.
cfg '{"columns": ["due", "code", "procedure", "applicant", "status", "source", "received", "area"]}'
start 80 24 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
[ "$(headings)" = "Hạn Mã hồ sơ Thủ tục Người nộp Trạng thái Nguồn" ] ||
	fail "at 80 columns: '$(headings)' (the area and the received date should be dropped)"
line 3 | grep -Eq ' (dvcqg|tuphap|congan|nnmt|tinh) *$' ||
	fail "the first row does not end with its system: $(line 3)"
screen | grep -q '…' && fail "a cell is cut at 80 columns: $(screen | grep '…')"
stop

# The code last at 60: the columns before it give way, never the code.
cfg '{"columns": ["received", "applicant", "procedure", "status", "due", "code"]}'
start 60 20 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
headings | grep -q 'Mã hồ sơ$' || fail "the code column was dropped at 60: '$(headings)'"
headings | grep -q 'Hạn' && fail "the due column should have been dropped at 60: '$(headings)'"
line 3 | grep -Eq ' H[0-9]{2}\.[0-9]{2}-[0-9]{6}$' || fail "no whole code at the row's end: $(line 3)"
stop

# A name that is not a column: the console does not open, and says why on
# the terminal (in English here: the words are the same in both catalogues'
# sources).
cfg '{
  "mouse": true,
  "columns": ["due", "Code", "nguoi-nop"]
}'
tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 200 -y 10 \
	"env LANGUAGE=en $CONSOLE; echo EXIT=\$?; sleep 600" || fail "tmux new-session"
wait_for '^EXIT=2'
screen | tr -d '\n' | grep -q "config.json:3: \"columns\": no column is called \"Code\" (did you mean \"code\"?); the columns are: due, code, procedure, applicant, status, source, received, area" ||
	fail "no clear message for a bad column name: $(screen)"
stop
cfg '{"columns": ["due", "nguoi-nop"]}'
tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 200 -y 10 \
	"$CONSOLE; echo EXIT=\$?; sleep 600" || fail "tmux new-session"
wait_for '^EXIT=2'
# in Vietnamese too: the file, its line, the key and the bad name
screen | grep -q 'config.json:1: "columns".*"nguoi-nop"' ||
	fail "the message does not name the key and the bad value: $(screen)"
screen | grep -q 'Tất cả' && fail "the inbox opened with a bad column name"
stop
cfg '{"columns": ["code", "due", "code"]}'
tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 200 -y 10 \
	"env LANGUAGE=en $CONSOLE; echo EXIT=\$?; sleep 600" || fail "tmux new-session"
wait_for '^EXIT=2'
screen | grep -q 'config.json:1: "columns": the column "code" is named twice' ||
	fail "a column named twice is not refused clearly: $(screen)"
stop

# Without the key: the console's own choice again (the system first).
rm -f "$MOTCUA_HOME/config.json"
start 120 40 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
[ "$(headings)" = "Nguồn Mã hồ sơ Người nộp Thủ tục Ngày tiếp… Hạn Trạng thái" ] ||
	fail "the console's own columns at 120: '$(headings)'"
keys q
wait_for '^EXIT=0'
exit 0
