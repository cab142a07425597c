#!/bin/sh
# crash.sh - runs the crash test of the offline queue (tests/crash/) as part
# of the integration suite, so CI runs it on every build.  Under a sanitizer
# build (slower) it uses fewer kills; CRASH_* variables pass through.
here=$(cd "$(dirname "$0")" && pwd)
case "${MOTCUA_BIN:-}" in
*/asan/*) : "${CRASH_KILLS:=25}" "${CRASH_ACTIONS:=200}" ;;
esac
export CRASH_KILLS CRASH_ACTIONS 2>/dev/null || true
exec sh "$here/../crash/crash_outbox.sh" "$@"
