#!/bin/sh
# The preview pane: from 140 columns the inbox is split, the list on the
# left and the selected dossier on the right (code, procedure, applicant,
# status, system, received and due dates with the due class, fees and
# payment, the last lines of its history), following j/k; it shows no ID
# number.  Below 140 columns there is none, and resizing across 140 brings
# it and takes it away (back to exactly what a fresh console shows).
. "$(dirname "$0")/lib.sh"

seed 500

# The pane: what each screen line shows right of its border.
pane() { screen | sed -n '2,$p' | sed -n 's/^.*│ \{0,1\}//p'; }
# The list part of screen line N.
left() { line "$1" | sed 's/ *│.*//'; }
# The code on the list's row N (1 = the first, on screen line 3).
row_code() { left $(( $1 + 2 )) | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^H[0-9]/) { print $i; exit } }'; }
# until the pane's first line is the code $1
pane_shows() {
	i=0
	while [ $i -lt $(( 5 * PER_S * SLOW )) ]; do
		[ "$(pane | sed -n 1p)" = "$1" ] && return 0
		sleep $POLL
		i=$((i + 1))
	done
	fail "the pane does not show $1 ($2): $(pane | head -3)"
}

start 160 48 NO_COLOR=1
wait_for 'Tất cả \(500\)'
settle
[ "$(pane | wc -l)" -ge 40 ] || fail "no preview pane at 160x48: $(screen)"
c1=$(row_code 1) c2=$(row_code 2) c3=$(row_code 3)
[ -n "$c1" ] && [ -n "$c3" ] || fail "no codes in the list: $(screen)"
pane_shows "$c1" "the first row, selected"
for label in 'Người nộp' 'Trạng thái' 'Nguồn' 'Ngày tiếp nhận' 'Hạn' 'Quá trình xử lý'; do
	pane | grep -q "^$label " || fail "the pane has no '$label': $(pane | head -16)"
done
# the pane's system is the row's
src=$(left 3 | awk '{ print $2 }')
pane | grep -Eq "^Nguồn +$src\$" || fail "the pane's system is not the row's ($src): $(pane | head -12)"
# the first rows are overdue (the list is by due date): the pane says so
left 3 | grep -q '^!' || fail "the first row is not marked overdue: $(left 3)"
pane | grep -Eq '^Hạn +[0-9]{2}:[0-9]{2} [0-9/]{10} ! quá hạn' ||
	fail "the pane does not say the dossier is overdue: $(pane | head -12)"
keys j
pane_shows "$c2" "after j"
keys j
pane_shows "$c3" "after j j"
keys k
pane_shows "$c2" "after j j k"

# A dossier with a history, fees and a status mismatch, found by its code.
keys /
type_text 'H56.14-000001'
keys Enter
pane_shows 'H56.14-000001' "the search's only row"
settle
p=$(pane)
echo "$p" | grep -q '^Đăng ký khai sinh' || fail "no procedure in the pane: $p"
echo "$p" | grep -Eq '^Người nộp +Nguyễn Văn Đường' || fail "no applicant in the pane: $p"
echo "$p" | grep -Eq '^Nguồn +tuphap' || fail "no system in the pane: $p"
echo "$p" | grep -Eq '^Phí, lệ phí +8\.000 đ' || fail "no fees in the pane: $p"
echo "$p" | grep -q '^≠ ' || fail "no status mismatch in the pane: $p"
echo "$p" | grep -q 'Quá trình xử lý (2)' || fail "no history count in the pane: $p"
echo "$p" | grep -q 'Tiếp nhận hồ sơ' || fail "no first history entry in the pane: $p"
echo "$p" | grep -q 'Chuyển xử lý' || fail "no last history entry in the pane: $p"
# the ID number is the detail's business (recorded), not the pane's
screen | grep -Eq '12345|\*{4,}' && fail "the pane shows the ID number: $p"
keys q
wait_for 'Tất cả \(500\)'
stop

# Below 140 columns, no pane: the list has the whole width.
for size in "80 24" "139 40"; do
	set -- $size
	start "$1" "$2" NO_COLOR=1
	wait_for 'Tất cả \(500\)'
	keys j
	settle
	screen | grep -q '│' && fail "a pane at $1x$2: $(screen)"
	line 2 | grep -Eq 'Trạng thái *$' || fail "the list does not reach the right edge at $1x$2"
	stop
done

# Resizing across 140: the pane comes and goes.
resize() { tmux -L "$SOCK" resize-window -t t -x "$1" -y "$2"; }
start 120 40 NO_COLOR=1
wait_for 'Tất cả \(500\)'
keys j j j
settle
screen_noclock > "$T/fresh-120x40"
c4=$(row_code 4)
resize 160 48
pane_shows "$c4" "after a resize to 160x48, the fourth row selected"
keys j
pane_shows "$(row_code 5)" "after j at 160x48"
keys k
resize 120 40
i=0
while [ $i -lt $(( 5 * PER_S * SLOW )) ]; do
	screen_noclock | cmp -s - "$T/fresh-120x40" && break
	sleep $POLL
	i=$((i + 1))
done
settle
screen_noclock > "$T/back-120x40"
diff "$T/fresh-120x40" "$T/back-120x40" > "$T/diff" ||
	fail "back to 120x40 differs from before the pane: $(cat "$T/diff")"
keys q
wait_for '^EXIT=0'
exit 0
