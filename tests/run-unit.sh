#!/bin/sh
# Run each cmocka unit-test program; print a plain summary line at the end.
# Usage: run-unit.sh BIN...
#   UNIT_JOBS=N  programs at once (default 1).  With more than one, each
#                program's output is held and printed whole, in the order
#                given, so the log reads the same.
jobs=${UNIT_JOBS:-1}
pass=0; fail=0; failed=""
if [ "$jobs" -le 1 ]; then
	for t in "$@"; do
		if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed ${t##*/}"; fi
	done
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-unit.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	# Each of `jobs` workers takes the next unclaimed program (mkdir is atomic).
	worker() {
		for t in "$@"; do
			mkdir "$work/claim-${t##*/}" 2>/dev/null || continue
			"$t" >"$work/${t##*/}.out" 2>&1
			echo $? >"$work/${t##*/}.rc"
		done
	}
	i=0 pids=
	while [ $i -lt "$jobs" ]; do
		worker "$@" &
		pids="$pids $!"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	wait $pids
	for t in "$@"; do
		n=${t##*/}
		cat "$work/$n.out" 2>/dev/null
		if [ "$(cat "$work/$n.rc" 2>/dev/null)" = 0 ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1)); failed="$failed $n"
		fi
	done
fi
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "unit: failing:$failed" >&2; exit 1; }
