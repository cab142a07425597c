#!/bin/sh
# crash.sh - runs the crash test of the offline queue (tests/crash/) as part
# of the integration suite, so CI runs it on every build.  Under a sanitizer
# build (slower) it uses fewer kills; under valgrind (VG_LOG_DIR set by
# tests/valgrind/run.sh: every motcua process costs a second or more) fewer
# still, with the kill delays stretched by MOTCUA_TEST_SLOW so that kills
# still land inside the replay and not only in the start-up.  The proof is
# the same: applied == queued, none twice.  CRASH_* variables pass through.
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${VG_LOG_DIR:-}" ]; then
	# memcheck looks for memory errors here; the ASan run (200 actions, 25
	# kills) is the crash proof that counts
	: "${CRASH_KILLS:=4}" "${CRASH_ACTIONS:=12}" # a multiple of 12: the plan has 12 shares
else
	case "${MOTCUA_BIN:-}" in
	*/asan/*) : "${CRASH_KILLS:=25}" "${CRASH_ACTIONS:=200}" ;;
	esac
fi
export CRASH_KILLS CRASH_ACTIONS 2>/dev/null || true
exec sh "$here/../crash/crash_outbox.sh" "$@"
