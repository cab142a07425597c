#!/bin/sh
# The dossier's detail read from its system when the clerk opens it (issue
# 15), in the console on the sandbox at 80x24, for each of the five
# systems: the stored copy shows at once, then the system's history, the
# components' codes, the payment's channel and the e-receipt, and a line
# saying when and from which system it was read (dvcqg for its copy of a
# dossier whose own system is offline); with the system offline, the line
# says the stored copy is shown and why.
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
offline() { sbx_curl /_control/offline -d "source=$1" -d "on=$2" | jq -e .ok > /dev/null || fail "offline $1 $2"; }
sync_login
unset MOTCUA_ISSUER
# tuphap offline from the start: its dossiers are dvcqg's copies
offline tuphap 1
"$M" sync > /dev/null 2>&1
"$M" inbox --json --limit 0 > "$T/inbox.json" || fail "inbox"
# paid_of SYSTEM SOURCE: a paid dossier of SYSTEM the inbox holds under SOURCE
paid_of() {
	for c in $(sbx_curl "/_control/dossiers?source=$1&fees=1&status=10&limit=50" | jq -r '.dossiers[].code'); do
		jq -e --arg c "$c" --arg s "$2" '.[] | select(.code == $c and .source == $s)' "$T/inbox.json" > /dev/null &&
			echo "$c" && return 0
	done
	return 1
}
# look SOURCE CODE: open CODE, wait for its detail from SOURCE, check it
look() {
	keys /
	keys C-u
	type_text "$2"
	wait_for 'Tất cả \(1\)' 10
	keys Enter Enter
	wait_for "^Hồ sơ $2" 10
	# the end of the detail; the system's read may make it longer after
	# G (the view keeps its place then), so G again until the line is there
	i=0
	until screen | grep -Eq "Chi tiết *đọc từ $1 lúc"; do
		[ $i -lt $((20 * SLOW)) ] || fail "$1: never read from the system: $(screen)"
		keys G
		sleep 1
		i=$((i + 1))
	done
	settle
	screen | grep -Eq 'Quá trình xử lý \(([2-9]|[1-9][0-9])\)' || fail "$1: no history from the system"
	# the whole screen, page by page up from the bottom
	screen > "$T/pages"
	for i in 1 2 3; do
		keys PageUp
		settle
		screen >> "$T/pages"
	done
	grep -Eq '1\. \[[A-Z0-9-]+\] ' "$T/pages" || fail "$1: attachments without component codes"
	grep -q 'Kênh thanh toán' "$T/pages" || fail "$1: no payment channel"
	grep -Eq 'Biên lai điện tử *số [0-9]{7}, ký hiệu BL[0-9]{2}E-[A-Z]{2}' "$T/pages" || fail "$1: no e-receipt"
	grep -q 'đơn vị phát hành: ' "$T/pages" || fail "$1: no issuer"
	grep -q 'đã thanh toán' "$T/pages" || fail "$1: not paid"
	keys q
	wait_for 'Tất cả \(1\)' 10
}

start 80 24 NO_COLOR=1
pin_prompt 2468
wait_for 'Tất cả \([1-9][0-9]*\)' 60
wait_for ' congan●' 30
code=$(paid_of tuphap dvcqg) || fail "no dvcqg copy of a paid tuphap dossier"
look dvcqg "$code"
for s in congan nnmt tinh; do
	code=$(paid_of "$s" "$s") || fail "no paid $s dossier"
	look "$s" "$code"
done
# tuphap back: the clerk pulls, its records replace dvcqg's copies
offline tuphap 0
keys q # the search goes first
wait_for 'Tất cả \([1-9][0-9]*\)' 10
keys S
wait_for ' tuphap●' 30
"$M" inbox --json --limit 0 > "$T/inbox.json" || fail "inbox"
until code=$(paid_of tuphap tuphap); do sleep 0.5; "$M" inbox --json --limit 0 > "$T/inbox.json"; done
look tuphap "$code"

# the system offline: the stored copy, said so
offline tuphap 1
keys Enter
wait_for "^Hồ sơ $code" 10
keys G
wait_for 'không đọc được từ hệ thống' 30
wait_for 'đang hiện bản lưu trên máy, đọc lúc' 5
screen | grep -Eq 'Quá trình xử lý \([1-9]' || fail "the stored history is not shown offline"
offline tuphap 0
keys q
wait_for 'Tất cả \(1\)' 10
keys q # the search goes first
wait_for 'Tất cả \([1-9][0-9]*\)' 10
keys q
wait_for '^EXIT=0' 20
exit 0
