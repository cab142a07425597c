#!/bin/sh
# The dossier's detail read from its system when the clerk opens it (issue
# 15), in the console on the sandbox at 80x24: the stored copy shows at
# once, then the system's history, the components' codes, the payment's
# channel and the e-receipt, and a line saying when it was read; with the
# system offline, the line says the stored copy is shown and why.
. "$(dirname "$0")/../integration/lib/sandbox.sh"
. "$(dirname "$0")/../integration/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
. "$(dirname "$0")/lib.sh"
LSAN_OPTIONS="suppressions=$ROOT/tests/integration/lib/lsan-glib.supp"
export LSAN_OPTIONS

sbx_start --seed 11 --dossiers 400 --now '2026-05-04 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear;tinh:clear;tuphap:clear;dvcqg:clear'
trap 'stop; sbx_cleanup; sync_cleanup_tmp; rm -rf "$T"' EXIT INT TERM
sync_login
unset MOTCUA_ISSUER
"$M" sync > /dev/null 2>&1 || fail "sync"
"$M" inbox --json --limit 0 > "$T/inbox.json" || fail "inbox"
# a paid tuphap dossier the inbox holds
paid=
for c in $(sbx_curl '/_control/dossiers?source=tuphap&fees=1&status=10&limit=50' | jq -r '.dossiers[].code'); do
	jq -e --arg c "$c" '.[] | select(.code == $c and .source == "tuphap")' "$T/inbox.json" > /dev/null &&
		paid=$c && break
done
[ -n "$paid" ] || fail "no paid tuphap dossier"

start 80 24 NO_COLOR=1
pin_prompt 2468
wait_for 'Tất cả \([1-9][0-9]*\)' 60
wait_for ' tuphap●' 30
keys /
type_text "$paid"
wait_for 'Tất cả \(1\)' 10
keys Enter Enter
wait_for "^Hồ sơ $paid" 10
keys G
wait_for 'Chi tiết *đọc từ tuphap lúc' 20
settle
screen | grep -Eq 'Quá trình xử lý \([2-9]\)|Quá trình xử lý \([1-9][0-9]\)' ||
	fail "no history from the system"
# the whole screen, page by page up from the bottom: the attachments with
# their component codes, the channel, the receipt
screen > "$T/pages"
for i in 1 2 3; do
	keys PageUp
	settle
	screen >> "$T/pages"
done
grep -Eq '1\. \[[A-Z0-9-]+\] ' "$T/pages" || fail "attachments without component codes"
grep -q 'Kênh thanh toán' "$T/pages" || fail "no payment channel"
grep -Eq 'Biên lai điện tử *số [0-9]{7}, ký hiệu BL[0-9]{2}E-[A-Z]{2}' "$T/pages" || fail "no e-receipt"
grep -q 'đơn vị phát hành: ' "$T/pages" || fail "no issuer"
keys q
wait_for 'Tất cả \(1\)' 10

# the system offline: the stored copy, said so
sbx_curl /_control/offline -d source=tuphap -d on=1 | jq -e .ok > /dev/null || fail "offline"
keys Enter
wait_for "^Hồ sơ $paid" 10
keys G
wait_for 'không đọc được từ hệ thống' 30
wait_for 'đang hiện bản lưu trên máy, đọc lúc' 5
screen | grep -Eq 'Quá trình xử lý \([1-9]' || fail "the stored history is not shown offline"
sbx_curl /_control/offline -d source=tuphap -d on=0 | jq -e .ok > /dev/null || fail "online"
keys q
wait_for 'Tất cả \(1\)' 10
keys q # the search goes first
wait_for 'Tất cả \(400\)' 10
keys q
wait_for '^EXIT=0' 20
exit 0
