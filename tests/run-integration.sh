#!/bin/sh
# Run every tests/integration/*.sh with MOTCUA_BIN and MOTCUA_SANDBOX_BIN set;
# each script exits 0 (pass), 77 (skipped, with the reason on stderr) or other.
cd "$(dirname "$0")/integration" || exit 1
pass=0; fail=0; skip=0; failed=""
for t in *.sh; do
	[ -e "$t" ] || continue
	start=$(date +%s)
	sh "./$t" > "/tmp/motcua-it-$$-${t%.sh}.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "ok   $t (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "skip $t: $(tail -n 1 "/tmp/motcua-it-$$-${t%.sh}.log")" ;;
	*) fail=$((fail + 1)); failed="$failed $t"; echo "FAIL $t (rc $rc, ${secs}s)"
	   sed 's/^/    | /' "/tmp/motcua-it-$$-${t%.sh}.log" | tail -n 40 ;;
	esac
	rm -f "/tmp/motcua-it-$$-${t%.sh}.log"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
