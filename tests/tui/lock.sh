#!/bin/sh
# The screen lock: after the idle time (MOTCUA_LOCK_IDLE_SECONDS here) the
# console hides every name, code and half-typed search behind the lock
# screen; within the grace time Enter and a 'y' unlock; `:lock` locks at
# once; after the grace, with a sign-in server, a new phone approval is
# needed (the sandbox's provider, approved with the code read from the
# screen), and the console comes back where it was.
. "$(dirname "$0")/lib.sh"

# No citizen data on screen: names of the seed, dossier codes, the search.
no_data() {
	s=$(screen)
	echo "$s" | grep -Eq 'Nguyễn|Trần|Lê |Phạm|Hoàng|Phan|Vũ|Đặng|Bùi|Đỗ' &&
		fail "$1: an applicant's name is on the locked screen"
	echo "$s" | grep -Eq 'H[0-9][0-9]\.[0-9]' && fail "$1: a dossier code is on the locked screen"
	echo "$s" | grep -q 'duong' && fail "$1: the half-typed search is on the locked screen"
	return 0
}

seed 200
# idle times are stretched by SLOW (a console under valgrind must not lock
# again between two steps of the test)
start 80 24 NO_COLOR=1 MOTCUA_LOCK_IDLE_SECONDS=$(slow 3) MOTCUA_LOCK_GRACE_SECONDS=$(slow 120)
wait_for 'Tất cả \(200\)'
screen | grep -Eq 'H[0-9][0-9]\.[0-9]' || fail "no dossier codes before the lock (the test would prove nothing)"
# Idle with a search half typed: it locks, and the search is gone with it.
keys /
type_text "nguyen van duong"
wait_for 'Màn hình đã khoá' 10
no_data "idle"
line 1 | grep -q 'Màn hình đã khoá' || fail "the title still names the screen below"
# Keys other than Enter do nothing; Enter asks; n keeps it locked.
keys j G '?' ':'
settle
no_data "after stray keys"
keys Enter
wait_for 'Mở khoá màn hình\?'
keys n
settle
screen | grep -q 'Màn hình đã khoá' || fail "n unlocked"
keys Enter
wait_for 'Mở khoá màn hình\?'
keys y
wait_for 'Tất cả \(200\)'
screen | grep -Eq 'H[0-9][0-9]\.[0-9]' || fail "the inbox did not come back after unlocking"
# :lock locks at once, over the detail screen too.
keys Enter
wait_for '^Hồ sơ H[0-9]'
keys : 
type_text "lock"
keys Enter
wait_for 'Màn hình đã khoá' 3
no_data ":lock over the detail"
keys Enter
wait_for 'Mở khoá màn hình\?'
keys y
wait_for '^Hồ sơ H[0-9]'
stop

# After the grace, with no sign-in server to ask: Enter and 'y' still unlock
# (once, the console stayed locked for good).
start 80 24 NO_COLOR=1 MOTCUA_LOCK_IDLE_SECONDS=$(slow 2) MOTCUA_LOCK_GRACE_SECONDS=1
wait_for 'Tất cả \(200\)'
wait_for 'Màn hình đã khoá' 10
wait_for 'không cần xác nhận trên điện thoại' 10
keys Enter
wait_for 'Mở khoá màn hình\?'
keys y
wait_for 'Tất cả \(200\)'
stop

# After the grace: a new approval on the phone (needs the sandbox).
SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] && command -v curl > /dev/null 2>&1 || exit 0
: > "$T/sbx.out"
"$SBX" --port 0 --dossiers 10 > "$T/sbx.out" 2> "$T/sbx.err" &
SPID=$!
trap 'kill "$SPID" 2> /dev/null; wait "$SPID" 2> /dev/null; cleanup' EXIT INT TERM
i=0
while ! grep -q 'listening on' "$T/sbx.out" && [ $i -lt $(( 10 * PER_S * SLOW )) ]; do sleep $POLL; i=$((i + 1)); done
URL=$(sed -n 's/^motcua-sandbox: listening on //p' "$T/sbx.out")
[ -n "$URL" ] || fail "the sandbox did not start"
approve() {
	wait_for '[A-Z]{4}-[A-Z]{4}' 10
	code=$(screen | grep -oE '[A-Z]{4}-[A-Z]{4}' | head -n 1)
	curl -sS -X POST -d "user_code=$code" "$URL/_control/approve" | grep -q '"ok":true' ||
		fail "approving $code"
}
start 80 24 NO_COLOR=1 MOTCUA_ISSUER="$URL" MOTCUA_KEYRING=memory \
	MOTCUA_LOCK_IDLE_SECONDS=$(slow 2) MOTCUA_LOCK_GRACE_SECONDS=1
approve
pin_prompt
wait_for 'Tất cả \(' 15
wait_for 'Màn hình đã khoá' 10
wait_for 'xác nhận lại trên điện thoại' 5
keys Enter
approve
line 1 | grep -q 'Đăng nhập' || fail "no sign-in screen for the new approval"
wait_for 'Tất cả \(' 15
screen | grep -q 'Màn hình đã khoá' && fail "still locked after the approval"
exit 0
