#!/bin/sh
# Run motcua's tests under valgrind memcheck (make valgrind).
#
# Usage: run.sh BUILD_DIR UNIT_TEST...
#   BUILD_DIR   holds motcua, motcua-sandbox and locale/ (build/test: no
#               sanitizer, since valgrind and ASan do not mix)
#   VG_TESTS    integration scripts to run (names in tests/integration;
#               default: every one but asan_only, below)
#   VG_JOBS     unit programs at once (default 2: they keep a CPU busy each)
#   VG_IT_JOBS  integration scripts at once (default 4: most of a script's
#               time is spent waiting on its servers, backoffs and screens)
#   MOTCUA_TEST_SLOW  factor on the scripts' deadlines (default 10 here:
#               memcheck runs a process 20-50x slower, and a start costs ~1 s)
#
# Every unit-test program runs under valgrind itself (test_sandbox and
# test_sandbox_wire run the sandbox in-process); for the integration
# scripts, MOTCUA_BIN points at tests/valgrind/vg-exec (as motcua), so every
# motcua process a script starts runs under memcheck with --leak-check=full.
# The scripts' motcua-sandbox runs natively (the unit programs cover it;
# VG_SANDBOX=1 runs it under memcheck too).  Each process writes its own log,
# filed by script; the verdict is read from the logs at the end:
#   - a process that finished (its log ends with ERROR SUMMARY) fails the run
#     on any error or definite, indirect or possible leak not covered by
#     motcua.supp (third-party process-lifetime allocations only);
#   - a forked child that exec'd another program (motcua demo starting the
#     sandbox) leaves only the log's header; its parent's log is the verdict;
#   - a process killed by SIGKILL writes no summary: "no verdict", allowed
#     only in the scripts that kill motcua by design (`kills` below), and
#     still a failure if it had reported an error before it died;
#   - any other log without a summary (a process that never finished) fails.
# The logs of the failures are printed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR UNIT_TEST...}" && pwd)
shift

# Scripts that SIGKILL motcua processes on purpose (profile_actions.sh:
# a replay killed mid-send, then sent exactly once).
kills="crash.sh outbox_upload.sh profile_actions.sh"
# Scripts left to the ASan+UBSan run, which make test runs alongside: every
# memcheck'd process costs 1-3 s of start-up alone (the dynamic linking of
# curl's, OpenSSL's and glib's libraries: 85% of a short command's
# instructions), and these start dozens each.  crash.sh: its processes are
# killed, so they leave no verdict.  outbox_basic.sh, sign_return.sh: their
# code is memcheck'd in test_outbox, test_outbox_replay, test_sign_return and
# in outbox_congan_return.sh, outbox_upload.sh, return_files.sh,
# sign_token.sh, tui_sign.sh.  due.sh, calendar.sh (a hundred `motcua due`
# and `calendar` runs): the deadline and calendar code is memcheck'd in
# test_deadline, test_due_explain, test_calendar, test_calendar_file,
# test_holiday and test_lunar, and due_explain.sh runs the commands.
# cli_escapes.sh: the escaping is test_visible's, and every other script
# prints through it.  detail.sh (a `motcua show` per system, each a process
# under memcheck): the detail's code runs memcheck'd in tui_detail_live.sh
# (the console reads every system's detail) and test_source_detail,
# test_store, test_sandbox_detail.  tui_frames.sh counts the console's writes
# to the terminal under strace; what it runs, every other tui script runs
# memcheck'd.  VG_TESTS names scripts to run them anyway.
asan_only="crash.sh outbox_basic.sh sign_return.sh due.sh calendar.sh cli_escapes.sh detail.sh tui_frames.sh"

work=$(mktemp -d /tmp/motcua-vg.XXXXXX)
export VG_LOG_DIR="$work/logs" VG_REAL_DIR="$build" VG_SUPP="$here/motcua.supp"
mkdir -p "$VG_LOG_DIR/unit" "$work/bin"
ln -s "$here/vg-exec" "$work/bin/motcua"
ln -s "$here/vg-exec" "$work/bin/motcua-sandbox"
# The TUI scripts link their store-seeding program with the library found
# beside MOTCUA_BIN.
ln -s "$build/libmotcua.a" "$work/bin/libmotcua.a"
# valgrind must not look for debug information on the network.
unset DEBUGINFOD_URLS
# The signing unit programs share one RSA-2048 test key (tests/unit/
# sign_fixture.h), made here natively: under memcheck generating it takes
# 20-50 s of CPU in each program.
if openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$work/test-rsa.pem" > /dev/null 2>&1; then
	export MOTCUA_TEST_RSA_KEY="$work/test-rsa.pem"
fi
jobs=${VG_JOBS:-2}
start=$(date +%s)
fail=0

# ---- unit tests ------------------------------------------------------------------
unit_one() {
	t=$1
	n=${t##*/}
	us=$(date +%s)
	( cd "$top" && valgrind --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--read-inline-info=no --suppressions="$VG_SUPP" --error-exitcode=99 \
		--log-file="$VG_LOG_DIR/unit/$n.%p.log" "$t" > "$work/unit-$n.out" 2>&1 )
	echo $? > "$work/unit-$n.rc"
	echo "$(( $(date +%s) - us )) $n" > "$work/unit-$n.secs"
}
# Each of `jobs` workers takes the next unclaimed program (mkdir is atomic).
unit_worker() {
	for t in "$@"; do
		mkdir "$work/claim-${t##*/}" 2> /dev/null || continue
		unit_one "$t"
	done
}
# The unit programs run alongside the integration scripts (these mostly
# wait on their servers, so the CPU they leave is the unit programs'); their
# results are told once both are done.
i=0 unit_pids=
while [ $i -lt "$jobs" ]; do
	unit_worker "$@" &
	unit_pids="$unit_pids $!"
	i=$((i + 1))
done

# ---- integration scripts ---------------------------------------------------------------
istart=$(date +%s)
export MOTCUA_BIN="$work/bin/motcua" MOTCUA_SANDBOX_BIN="$build/motcua-sandbox"
[ -z "${VG_SANDBOX:-}" ] || MOTCUA_SANDBOX_BIN="$work/bin/motcua-sandbox"
export MOTCUA_LOCALEDIR="$build/locale"
export MOTCUA_TEST_SLOW="${MOTCUA_TEST_SLOW:-10}"
# shellcheck disable=SC2086
if [ -z "${VG_TESTS:-}" ]; then
	VG_TESTS=
	for f in "$top"/tests/integration/*.sh; do
		f=${f##*/}
		printf '%s\n' $asan_only | grep -qx "$f" || VG_TESTS="$VG_TESTS $f"
	done
	echo "valgrind integration: $asan_only left to the ASan+UBSan run"
fi
IT_JOBS=${VG_IT_JOBS:-4} IT_TIMEOUT=${VG_TIMEOUT:-1800} IT_LABEL="valgrind integration" \
	sh "$top/tests/run-integration.sh" $VG_TESTS || fail=$((fail + 1))
echo "valgrind integration: $(( $(date +%s) - istart )) s"

# shellcheck disable=SC2086
wait $unit_pids
upass=0
for t in "$@"; do
	n=${t##*/}
	rc=$(cat "$work/unit-$n.rc")
	if [ "$rc" = 0 ]; then
		upass=$((upass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL unit $n (rc $rc)"
		tail -n 15 "$work/unit-$n.out" | sed 's/^/    | /'
	fi
done
echo "valgrind unit: $upass of $# passed (alongside the scripts; slowest:" \
     "$(cat "$work"/unit-*.secs 2>/dev/null | sort -rn | head -n 5 | awk '{printf "%s%s %ss", (NR > 1 ? ", " : ""), $2, $1}'))"

# ---- the memcheck logs -------------------------------------------------------------------
# A console stopped by tmux may still be writing its summary: wait for every
# process that logs here to end (60 s at most).
i=0
while pgrep -f -- "--log-file=$VG_LOG_DIR/" > /dev/null 2>&1 && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
header='^==[0-9]+== ((Memcheck, a memory error detector|Copyright \(C\) |Using Valgrind-|Command: |Parent PID: ).*)?$'
errors='Invalid (read|write|free)|uninitialised|Conditional jump|Syscall param|Mismatched free|overlap|Jump to the invalid|are (definitely|indirectly|possibly) lost|Process terminating'
checked=0; execd=0; killed=0; bad=0
show() {
	bad=$((bad + 1))
	echo "MEMCHECK $1 ${2#"$VG_LOG_DIR"/}:"
	sed 's/^/    | /' "$2" | head -n 80
}
for d in "$VG_LOG_DIR"/*/; do
	s=${d%/}
	s=${s##*/}
	for l in "$d"*.log; do
		[ -e "$l" ] || continue
		if grep -q '^==[0-9]*== ERROR SUMMARY: ' "$l"; then
			checked=$((checked + 1))
			if grep -Eq 'ERROR SUMMARY: [1-9]|(definitely|indirectly|possibly) lost: [1-9]' "$l"; then
				show "errors or leaks:" "$l"
			fi
			continue
		fi
		ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$l")
		if ! grep -Evq "$header" "$l" && [ -n "$ppid" ] && ls "$d"*".$ppid.log" > /dev/null 2>&1; then
			execd=$((execd + 1))
		elif printf '%s\n' $kills | grep -qx "$s"; then
			killed=$((killed + 1))
			if grep -Eq "$errors" "$l"; then
				show "errors before the kill:" "$l"
			fi
		else
			show "no summary (killed or never finished):" "$l"
		fi
	done
done
echo "valgrind: $checked processes checked, $bad with errors, leaks or no verdict;" \
     "$killed killed by design (no verdict), $execd forked to run another program" \
     "($(( $(date +%s) - start )) s)"
[ "$bad" = 0 ] || fail=$((fail + bad))
if [ "$fail" = 0 ]; then
	rm -rf "$work"
else
	echo "valgrind: logs kept in $work"
fi
[ "$fail" = 0 ]
