#!/bin/sh
# A clerk's whole day on a terminal without D-Bus (a text console, SSH): no
# Secret Service, so the sign-in lives in the user's persistent kernel
# keyring (keyutils).
#   login, then sync, inbox and act as separate processes, and a second
#   process that finds the same session; the console opens signed in, asks
#   for the unlock PIN once, locks by hand, refuses a wrong PIN and opens
#   with the right one; five wrong PINs end the grace; logout leaves nothing
#   in the keyring (keyctl shows it) and no PIN file.  The refresh token read
#   back from the keyring is in no file, log, argv or environment.
. "$(dirname "$0")/../integration/lib/sandbox.sh"
sbx_require
command -v keyctl > /dev/null 2>&1 || { echo "skip: keyctl (keyutils) not installed"; exit 77; }
# a session keyring of its own, holding the user's persistent keyring: the
# test can read back what motcua keeps there
if [ -z "${IN_KEY_SESSION:-}" ]; then
	IN_KEY_SESSION=1 exec keyctl session - sh "$0" "$@"
fi
keyctl get_persistent @s > /dev/null 2>&1 ||
	{ echo "skip: this kernel has no persistent keyrings"; exit 77; }
. "$(dirname "$0")/lib.sh"
unset DBUS_SESSION_BUS_ADDRESS MOTCUA_KEYRING
export HOME="$T/clerk"
mkdir -p "$HOME"
LOG=$T/log
mkdir -p "$LOG"

sbx_start --seed 31 --dossiers 120 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'stop; sbx_cleanup; rm -rf "$T"' EXIT INT TERM
RING=$(keyctl get_persistent @s)
# keys of this test: the sign-in of this sandbox, the data key of this home
ours() { keyctl list "$RING" 2> /dev/null | grep -e "$SBX_URL" -e "$MOTCUA_HOME" || true; }
until_ok() { # SECONDS COMMAND...
	lim=$(( $1 * 10 * SLOW ))
	shift
	i=0
	while [ $i -lt $lim ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- login: one process ----------------------------------------------------------
login() {
	# gone before login starts: the shell of the background job truncates
	# the file only when it gets to it, and the wait below could read the
	# previous login's code meanwhile (an empty approval under load)
	rm -f "$LOG/login.out" "$LOG/login.err"
	"$M" login --issuer "$SBX_URL" > "$LOG/login.out" 2> "$LOG/login.err" &
	lp=$!
	# the whole code
	until_ok 20 grep -q '^user_code: [A-Z0-9]\{4\}-[A-Z0-9]\{4\}$' "$LOG/login.out" ||
		fail "no user_code: $(cat "$LOG/login.out" "$LOG/login.err")"
	uc=$(sed -n 's/^user_code: //p' "$LOG/login.out")
	reply=$(sbx_curl /_control/approve --data-urlencode "user_code=$uc" 2>&1)
	printf '%s' "$reply" | jq -e .ok > /dev/null 2>&1 || fail "approve $uc: $reply"
	wait $lp || fail "login failed: $(cat "$LOG/login.out" "$LOG/login.err")"
}
login
grep -q 'Secret Service' "$LOG/login.err" && fail "a memory-only notice with the kernel keyring"
[ -n "$(ours)" ] || fail "nothing in the kernel keyring after login"

# ---- sync, inbox, act: each its own process, no environment to find the session --
"$M" login --status --json > "$LOG/status.json" 2> "$LOG/status.err" ||
	fail "login --status: $(cat "$LOG/status.err")"
jq -e '.signed_in and .kept_in == "kernel-keyring"' "$LOG/status.json" > /dev/null ||
	fail "status: $(cat "$LOG/status.json")"
"$M" sync > "$LOG/sync.out" 2> "$LOG/sync.err" || fail "sync: $(cat "$LOG/sync.err")"
n=$("$M" inbox --json | jq length)
[ "$n" -eq "$(sbx_stat .distinct_dossiers)" ] || fail "inbox has $n dossiers"
A=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
"$M" act "$A" receive > /dev/null 2> "$LOG/act.err" || fail "act: $(cat "$LOG/act.err")"
"$M" sync > /dev/null 2> "$LOG/sync2.err" || fail "second sync: $(cat "$LOG/sync2.err")"
[ "$(sbx_curl "/_control/dossiers?code=$A" | jq -r .dossier.status)" = 2 ] ||
	fail "the action did not reach the system"
# a second process with a bare environment (another terminal, a cron job)
# (the harness's own variables stay: valgrind's wrapper needs them)
env -i HOME="$HOME" PATH="$PATH" MOTCUA_HOME="$MOTCUA_HOME" LANG=C.UTF-8 \
	MOTCUA_LOCALEDIR="$MOTCUA_LOCALEDIR" \
	${VG_REAL_DIR:+VG_REAL_DIR="$VG_REAL_DIR" VG_LOG_DIR="$VG_LOG_DIR" VG_SUPP="$VG_SUPP"} \
	${IT_NAME:+IT_NAME="$IT_NAME"} ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
	${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} "$M" login --status > "$LOG/status2.out" 2>&1 ||
	fail "a second process does not see the session: $(cat "$LOG/status2.out")"

# ---- the console opens signed in; the PIN once; lock and unlock ---------------------
start 100 30 NO_COLOR=1 MOTCUA_LOCK_GRACE_SECONDS=$(slow 600)
pin_prompt 2468
wait_for 'Tất cả \([1-9][0-9]*\)' 30
keys :
type_text lock
keys Enter
wait_for 'Khoá thủ công lúc' 10
screen | grep -q 'vì lâu không dùng' && fail "a lock by hand called idle"
keys Enter
wait_for 'Mã PIN mở khoá:' 5
type_text 1111
keys Enter
wait_for 'Sai mã PIN; còn 4 lần thử' 15
keys Enter
wait_for 'Mã PIN mở khoá:' 5
type_text 2468
keys Enter
wait_for 'Tất cả \([1-9][0-9]*\)' 15
# five wrong PINs: the phone, not the PIN
keys :
type_text lock
keys Enter
wait_for 'Khoá thủ công lúc' 10
for k in 1 2 3 4 5; do
	keys Enter
	wait_for 'Mã PIN mở khoá:' 5
	type_text 0000
	keys Enter
	if [ $k -lt 5 ]; then wait_for "còn $((5 - k)) lần thử" 15; fi
done
wait_for 'Đã hết lượt nhập mã PIN' 15
wait_for 'xác nhận lại trên điện thoại' 5
keys Enter
wait_for '[A-Z]{4}-[A-Z]{4}' 15
# the code on the screen is approved; a loaded machine may still be drawing
# a code it has just replaced, so the code is read again before a retry
try=0
while :; do
	uc=$(screen | grep -oE '[A-Z]{4}-[A-Z]{4}' | head -n 1)
	reply=$(sbx_curl /_control/approve --data-urlencode "user_code=$uc" 2>&1)
	printf '%s' "$reply" | jq -e .ok > /dev/null 2>&1 && break
	try=$((try + 1))
	[ $try -lt 3 ] || fail "approve $uc: $reply"
	sleep "$(slow 1)"
done
wait_for 'Tất cả \([1-9][0-9]*\)' 30
keys q
wait_for '^EXIT=0' 15
stop
[ -f "$MOTCUA_HOME/unlock.pin" ] || fail "no PIN file"
grep -q 2468 "$MOTCUA_HOME/unlock.pin" && fail "the PIN in clear"

# ---- no token where it must not be ---------------------------------------------------
key=$(keyctl list "$RING" | grep -e "motcua:$SBX_URL" | awk -F: '{print $1}' | head -n 1)
[ -n "$key" ] || fail "no sign-in key in the keyring"
rt=$(keyctl pipe "$key" | sed -n 3p)
[ ${#rt} -ge 20 ] || fail "the keyring's token looks wrong"
env > "$LOG/env.txt"
cp -r "$MOTCUA_HOME" "$LOG/home"
if grep -rqF -- "$rt" "$LOG" "$T/stderr" 2> /dev/null; then
	grep -rlF -- "$rt" "$LOG" >&2
	fail "the refresh token leaked"
fi

# ---- logout leaves nothing -------------------------------------------------------------
"$M" logout > "$LOG/logout.out" 2> "$LOG/logout.err" || fail "logout: $(cat "$LOG/logout.err")"
[ -z "$(ours | grep -v -e motcua-data-key -e motcua-audit-anchor)" ] || fail "the sign-in is still in the keyring: $(ours)"
[ ! -e "$MOTCUA_HOME/unlock.pin" ] || fail "the PIN file stayed"
"$M" login --status > /dev/null 2>&1 && fail "still signed in after logout"
# signed in again, then out with the cache: the data key of the wiped store
# goes too (the fresh, empty store that records the wipe has a new one)
login
old_key=$(ours | grep motcua-data-key | awk -F: '{print $1}')
[ -n "$old_key" ] || fail "no data key for the store"
"$M" logout --wipe > "$LOG/wipe.out" 2> "$LOG/wipe.err" || fail "wipe: $(cat "$LOG/wipe.err")"
[ -z "$(ours | grep -v -e motcua-data-key -e motcua-audit-anchor)" ] || fail "a sign-in left after logout --wipe: $(ours)"
ours | grep -q "^ *$old_key:" && fail "the wiped store's data key stayed"
# the wiped log's anchor went with it: the new log verifies, anchored
"$M" audit verify --json > "$LOG/verify.out" 2>&1 || fail "verify after the wipe: $(cat "$LOG/verify.out")"
jq -e '.ok and .tail == "anchored"' "$LOG/verify.out" > /dev/null ||
	fail "verify after the wipe: $(cat "$LOG/verify.out")"
exit 0
