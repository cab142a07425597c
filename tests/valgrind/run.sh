#!/bin/sh
# Run motcua's tests under valgrind memcheck (make valgrind).
#
# Usage: run.sh BUILD_DIR UNIT_TEST...
#   BUILD_DIR   holds motcua, motcua-sandbox and locale/ (build/test: no
#               sanitizer, since valgrind and ASan do not mix)
#   VG_TESTS    integration scripts to run (names in tests/integration;
#               default: every one but those listed in `skip` below)
#   VG_JOBS     unit programs at once (default 2)
#
# Every unit-test program runs under valgrind itself (test_sandbox and
# test_sandbox_wire run the sandbox in-process); for the integration
# scripts, MOTCUA_BIN points at tests/valgrind/vg-exec (as motcua), so every
# motcua process a script starts runs under memcheck with --leak-check=full.
# The scripts' motcua-sandbox runs natively: generating its world under
# valgrind takes longer than the scripts wait for it to start (VG_SANDBOX=1
# runs it under memcheck too, for a patient run).  Each process writes its own log;
# the run fails when a script fails or when any log reports an error or a
# definite, indirect or possible leak not covered by motcua.supp (third-party
# process-lifetime allocations only).  The logs of the failures are printed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR UNIT_TEST...}" && pwd)
shift

# Scripts that cannot run under valgrind's slowdown (20-50x) as written, and
# why.  They still run under ASan+UBSan in `make asan`.
skip="
crash.sh
tui_resize.sh
tui_demo.sh
tui_walkthrough.sh
outbox_congan_return.sh
"
#   crash.sh        kills motcua at random instants 40 times by design; a
#                   killed process writes no leak report
#   tui_resize.sh   compares screens captured after fixed short waits
#   tui_demo.sh, tui_walkthrough.sh  wait a fixed few seconds for a screen
#                   (the demo's first sync, a refreshed count)
#   outbox_congan_return.sh  `queue send --wait 10` is too short at 20-50x

work=$(mktemp -d /tmp/motcua-vg.XXXXXX)
export VG_LOG_DIR="$work/logs" VG_REAL_DIR="$build" VG_SUPP="$here/motcua.supp"
mkdir -p "$VG_LOG_DIR" "$work/bin"
ln -s "$here/vg-exec" "$work/bin/motcua"
ln -s "$here/vg-exec" "$work/bin/motcua-sandbox"
# The TUI scripts link their store-seeding program with the library found
# beside MOTCUA_BIN.
ln -s "$build/libmotcua.a" "$work/bin/libmotcua.a"
jobs=${VG_JOBS:-2}
start=$(date +%s)
fail=0

# ---- unit tests ------------------------------------------------------------------
unit_one() {
	t=$1
	n=${t##*/}
	( cd "$top" && valgrind --quiet --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--suppressions="$VG_SUPP" --error-exitcode=99 \
		--log-file="$VG_LOG_DIR/unit-$n.%p.log" "$t" > "$work/unit-$n.out" 2>&1 )
	echo $? > "$work/unit-$n.rc"
}
running=0
for t in "$@"; do
	unit_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then wait; running=0; fi
done
wait
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
echo "valgrind unit: $upass of $# passed ($(( $(date +%s) - start )) s)"

# ---- integration scripts ---------------------------------------------------------------
export MOTCUA_BIN="$work/bin/motcua" MOTCUA_SANDBOX_BIN="$build/motcua-sandbox"
[ -z "${VG_SANDBOX:-}" ] || MOTCUA_SANDBOX_BIN="$work/bin/motcua-sandbox"
export MOTCUA_LOCALEDIR="$build/locale"
if [ -n "${VG_TESTS:-}" ]; then
	tests=$VG_TESTS
else
	tests=$(cd "$top/tests/integration" && ls ./*.sh | sed 's|^\./||')
fi
ipass=0; iskip=0
cd "$top/tests/integration" || exit 1
for t in $tests; do
	if [ -z "${VG_TESTS:-}" ] && printf '%s\n' $skip | grep -qx "$t"; then
		echo "skip $t (not under valgrind, see tests/valgrind/run.sh)"
		continue
	fi
	s=$(date +%s)
	sh "./$t" > "$work/it-$t.log" 2>&1
	rc=$?
	case $rc in
	0) ipass=$((ipass + 1)); echo "ok   $t ($(( $(date +%s) - s ))s)" ;;
	77) iskip=$((iskip + 1)); echo "skip $t: $(tail -n 1 "$work/it-$t.log")" ;;
	*) fail=$((fail + 1)); echo "FAIL $t (rc $rc, $(( $(date +%s) - s ))s)"
	   tail -n 30 "$work/it-$t.log" | sed 's/^/    | /' ;;
	esac
done
echo "valgrind integration: $ipass passed, $iskip skipped"

# ---- the memcheck logs -------------------------------------------------------------------
nlogs=0; bad=0
for l in "$VG_LOG_DIR"/*.log; do
	[ -e "$l" ] || continue
	nlogs=$((nlogs + 1))
	# --quiet: a clean process leaves an empty log.
	if grep -q -e 'ERROR SUMMARY: [1-9]' -e 'definitely lost: [1-9]' \
		-e 'indirectly lost: [1-9]' -e 'possibly lost: [1-9]' \
		-e 'Invalid \(read\|write\|free\)' -e 'uninitialised' "$l"; then
		bad=$((bad + 1))
		echo "MEMCHECK ${l##*/}:"
		sed 's/^/    | /' "$l" | head -n 80
	fi
done
echo "valgrind: $nlogs processes checked, $bad with errors or leaks" \
     "($(( $(date +%s) - start )) s)"
[ "$bad" = 0 ] || fail=$((fail + bad))
if [ "$fail" = 0 ]; then
	rm -rf "$work"
else
	echo "valgrind: logs kept in $work"
fi
[ "$fail" = 0 ]
