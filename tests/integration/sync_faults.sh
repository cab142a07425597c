#!/bin/sh
# sync_faults.sh - sources that fail or misbehave are reported while the
# others sync: a system taken offline, one answering malformed JSON, one in
# a maintenance window (503 + Retry-After), one cutting bodies; `motcua sync`
# exits 1, names the source and the reason, and a later pass catches up so
# the inbox ends with exactly the sandbox's dossiers.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 5 --dossiers 300 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login

ctl() { sbx_curl "/_control/$1" -d "$2" | jq -e .ok >/dev/null || sbx_die "control $1 $2"; }
field() { printf '%s' "$1" | jq -r --arg s "$2" ".sources[] | select(.name == \$s) | .$3"; }

# ---- congan offline: the others sync; tuphap cuts bodies (retried) ----------
ctl offline 'source=congan&on=1'
ctl faults 'spec=tuphap:cut=0.3'
out=$("$M" sync --json 2>"$SYNC_TMP/err1")
rc=$?
echo "congan offline: rc=$rc $out"
sbx_eq "$rc" 1 "exit status with a source down"
sbx_eq "$(field "$out" congan ok)" false "congan ok"
sbx_eq "$(field "$out" congan error_code)" network "congan error code"
sbx_match "$(field "$out" congan error)" 'congan: connection (refused|reset)' "congan error"
for s in dvcqg tuphap nnmt tinh; do
	sbx_eq "$(field "$out" $s ok)" true "$s ok while congan is down"
done
[ "$(field "$out" tuphap new)" -gt 0 ] || sbx_die "tuphap synced nothing through cut bodies"
ctl faults 'spec=tuphap:clear'
grep -Eq 'congan.*: connection (refused|reset)' "$SYNC_TMP/err1" || sbx_die "no congan line on stderr"
# the human table says it too
ctl offline 'source=congan&on=1'
"$M" sync --source congan >"$SYNC_TMP/human" 2>/dev/null && sbx_die "sync --source congan passed"
grep -Eq '^congan .*connection (refused|reset)' "$SYNC_TMP/human" || { cat "$SYNC_TMP/human"; sbx_die "human table"; }
ctl offline 'source=congan&on=0'

# ---- tinh answers malformed JSON: tinh fails cleanly ---------------------------
ctl faults 'spec=tinh:malformed=1'
# a fresh store for tinh's full pull: only its pass can be affected
out=$("$M" sync --json 2>"$SYNC_TMP/err2")
rc=$?
echo "tinh malformed: rc=$rc $out"
sbx_eq "$rc" 1 "exit status with malformed JSON"
sbx_eq "$(field "$out" tinh ok)" false "tinh ok"
sbx_match "$(field "$out" tinh error)" 'malformed JSON' "tinh error"
sbx_eq "$(field "$out" congan ok)" true "congan back"
[ "$(field "$out" congan new)" -gt 0 ] || sbx_die "congan caught nothing up"
ctl faults 'spec=tinh:clear'

# ---- nnmt in maintenance: 503 + Retry-After beyond what we wait ----------------
ctl maintenance 'source=nnmt&seconds=900'
out=$("$M" sync --json --source nnmt 2>/dev/null)
rc=$?
echo "nnmt maintenance: rc=$rc $out"
sbx_eq "$rc" 1 "exit status in maintenance"
sbx_match "$(field "$out" nnmt error)" '503' "nnmt error names the 503"
ctl maintenance 'source=nnmt&seconds=0'

# ---- everything back: one pass catches up, nothing lost or doubled -------------
out=$("$M" sync --json) || { echo "$out"; sbx_die "sync after the faults failed"; }
echo "after: $out"
distinct=$(sbx_stat .distinct_dossiers)
sbx_eq "$("$M" inbox --json | jq length)" "$distinct" "inbox rows after the faults"
sbx_eq "$("$M" inbox --json | jq '[.[] | select(.mismatch)] | length')" \
	"$(sbx_stat .sources.dvcqg.status_mismatch)" "mismatches after the faults"
echo "sync_faults: ok"
