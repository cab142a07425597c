#!/bin/sh
# Run tests/integration/*.sh (or the scripts named as arguments) with
# MOTCUA_BIN and MOTCUA_SANDBOX_BIN set; each script exits 0 (pass), 77
# (skipped, with the reason on stderr) or other (fail).
#
#   IT_JOBS=N      scripts at once (default 1).  Every script uses its own
#                  temporary folder, free loopback ports, a private tmux
#                  socket and D-Bus session, so they may run side by side.
#   IT_TIMEOUT=S   a script still running after S seconds fails (default 900).
#   IT_LABEL=TEXT  the summary line's first word (default "integration").
#
# Results are printed in the scripts' alphabetical order whatever order they
# finish in: "ok NAME (Ns)", "skip NAME: reason", or "FAIL NAME" with the last
# 40 lines of the script's output.  Each script gets IT_NAME (its file name)
# in the environment (tests/valgrind/vg-exec files its logs under it).  The
# slow scripts start first so that the jobs finish together.
set -u
cd "$(dirname "$0")/integration" || exit 1
# One known language for every script: a UTF-8 locale, so motcua speaks
# Vietnamese (its default) whatever the machine's own setting; a script that
# reads the English words sets LANGUAGE=en itself.
export LANG=C.UTF-8
unset LANGUAGE LC_ALL LC_MESSAGES
# Secrets in memory unless a script asks for a keyring (the Secret Service in
# its own D-Bus session, the kernel keyring in its own session keyring): the
# user's persistent kernel keyring is not filled with the keys of test stores.
export MOTCUA_KEYRING=memory
jobs=${IT_JOBS:-1}
limit=${IT_TIMEOUT:-900}
label=${IT_LABEL:-integration}

if [ $# -gt 0 ]; then
	all=$(printf '%s\n' "$@" | sed 's|.*/||' | sort -u)
else
	all=$(ls ./*.sh 2>/dev/null | sed 's|^\./||')
fi
# Start order: the longest scripts (measured under valgrind and ASan) first,
# then the rest.
slow="outbox_basic.sh crash.sh sign_return.sh audit_basic.sh security_basic.sh
hostile_server.sh tui_core.sh tui_demo.sh store_damage.sh config_errors.sh sync_basic.sh
sign_tsa.sh outbox_upload.sh tui_lock.sh sign_token.sh tui_walkthrough.sh
outbox_congan_return.sh auth_sandbox.sh sync_resync.sh due_explain.sh doctor_profiles.sh"
order=
for t in $slow; do
	printf '%s\n' $all | grep -qx "$t" && order="$order $t"
done
for t in $all; do
	printf '%s\n' $slow | grep -qx "$t" || order="$order $t"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-it.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# A worker takes the next script nobody has claimed (mkdir is atomic) until
# none is left; NAME.rc ("STATUS SECONDS") appears when NAME has finished.
worker() {
	for t in $order; do
		mkdir "$work/claim.$t" 2>/dev/null || continue
		s=$(date +%s)
		IT_NAME=$t timeout -k 20 "$limit" sh "./$t" >"$work/$t.log" 2>&1 </dev/null
		rc=$?
		[ $rc = 124 ] && echo "run-integration: killed after ${limit}s (IT_TIMEOUT)" >>"$work/$t.log"
		echo "$rc $(( $(date +%s) - s ))" >"$work/$t.rc.tmp"
		mv "$work/$t.rc.tmp" "$work/$t.rc"
	done
}
i=0
pids=
while [ $i -lt "$jobs" ]; do
	worker &
	pids="$pids $!"
	i=$((i + 1))
done

pass=0; fail=0; skip=0; failed=""
for t in $all; do
	while [ ! -e "$work/$t.rc" ]; do sleep 0.5; done
	read -r rc secs <"$work/$t.rc"
	case $rc in
	0) pass=$((pass + 1)); echo "ok   $t (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "skip $t: $(tail -n 1 "$work/$t.log")" ;;
	*) fail=$((fail + 1)); failed="$failed $t"; echo "FAIL $t (rc $rc, ${secs}s)"
	   sed 's/^/    | /' "$work/$t.log" | tail -n 40 ;;
	esac
done
for p in $pids; do wait "$p"; done
echo "$label: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] || echo "$label: failing:$failed"
[ "$fail" = 0 ]
