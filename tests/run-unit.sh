#!/bin/sh
# Run each cmocka unit-test program; print a plain summary line at the end.
# Usage: run-unit.sh BIN...
pass=0; fail=0; failed=""
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed ${t##*/}"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "unit: failing:$failed" >&2; exit 1; }
