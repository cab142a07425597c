#!/bin/sh
# sync_resync.sh - reading a system again from the start (issue 18):
#   - a profile whose status_map lacks a status ("processing") refuses those
#     dossiers, and the system's position moves past them: a second sync
#     brings nothing;
#   - fixing the profile file is enough: the next plain `motcua sync` says
#     that the profile changed, reads the system from the start, and the
#     dossiers it refused are in `motcua inbox --json`; the pass after that
#     reads from the position again;
#   - `sync --resync tuphap` (through the profile, then the built-in
#     dialect) forgets the position: it says so and reads every tuphap
#     dossier again (the JSON's "read" is the system's whole count, not the
#     0 of a plain sync), the inbox keeps its rows, an action queued for
#     another system stays queued and one of tuphap's is sent;
#   - `--resync all` reads every system again; an unknown system is refused
#     with one line naming it (exit 2).
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
EX=$(cd "$(dirname "$0")/../../config/sources.d/examples" && pwd)
# the notices in English (the words are the msgids)
LANGUAGE=en
export LANGUAGE

sbx_start --seed 5 --dossiers 200 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
ERR=$SYNC_TMP/err

# field_of JSON SOURCE FIELD: one source's field of `sync --json`
field_of() { printf '%s' "$1" | jq -r --arg s "$2" ".sources[] | select(.name == \$s) | .$3"; }
rows() { "$M" inbox --json --source "$1" | jq length; }
want=$(sbx_stat .sources.tuphap.dossiers)
[ "$want" -gt 20 ] || sbx_die "the sandbox holds too few tuphap dossiers: $want"

# --- a profile that lacks a status ----------------------------------------
mkdir -p "$MOTCUA_HOME/sources.d"
P=$MOTCUA_HOME/sources.d/tuphap.json
jq 'del(.status_map.processing)' "$EX/tuphap.json" >"$P"
out=$("$M" sync --json 2>"$ERR") || { cat "$ERR"; sbx_die "sync with the short profile failed"; }
refused=$(field_of "$out" tuphap rejected)
[ "$refused" -gt 0 ] || { cat "$ERR"; sbx_die "no tuphap dossier refused by the short profile"; }
grep -q "tuphap: dossier refused: .*status" "$ERR" || { cat "$ERR"; sbx_die "the refusals are not said"; }
sbx_eq "$(( $(rows tuphap) + refused ))" "$want" "tuphap rows + refused"
# the codes said to be refused (at most 20 lines say them)
codes=$(sed -n 's/^motcua sync: tuphap: dossier refused: \([^:]*\): .*/\1/p' "$ERR" | sort -u)
[ -n "$codes" ] || sbx_die "no refused code named"
for c in $codes; do
	"$M" inbox --json --source tuphap | jq -e --arg c "$c" 'all(.[]; .code != $c)' >/dev/null ||
		sbx_die "$c is in the inbox though refused"
done
# the position moved past them: the same profile never brings them
out=$("$M" sync --source tuphap --json 2>"$ERR") || sbx_die "second sync failed"
sbx_eq "$(field_of "$out" tuphap read)" 0 "second sync with the same profile: read"
sbx_eq "$(rows tuphap)" "$(( want - refused ))" "rows while the profile lacks the status"

# --- the profile fixed: a plain sync brings them ----------------------------
cp "$EX/tuphap.json" "$P"
out=$("$M" sync --json 2>"$ERR") || { cat "$ERR"; sbx_die "sync after the fix failed"; }
grep -q "tuphap: profile changed: reading it again from the start ($P)" "$ERR" ||
	{ cat "$ERR"; sbx_die "the changed profile is not said"; }
sbx_eq "$(grep -c 'profile changed' "$ERR")" 1 "systems said to have a changed profile"
sbx_eq "$(field_of "$out" tuphap read)" "$want" "read after the fix"
sbx_eq "$(field_of "$out" tuphap rejected)" 0 "refused after the fix"
# new, or a coordination copy (dvcqg's) replaced by the record: changed
sbx_eq "$(( $(field_of "$out" tuphap new) + $(field_of "$out" tuphap changed) ))" "$refused" \
	"new and changed after the fix"
sbx_eq "$(rows tuphap)" "$want" "tuphap rows after the fix"
for c in $codes; do
	"$M" inbox --json | jq -e --arg c "$c" 'any(.[]; .code == $c and .source == "tuphap")' \
		>/dev/null || sbx_die "$c, refused before the fix, is not in the inbox"
done
out=$("$M" sync --json 2>"$ERR") || sbx_die "sync after that failed"
grep -q 'profile changed' "$ERR" && sbx_die "the change is said twice"
sbx_eq "$(field_of "$out" tuphap read)" 0 "the pass after the re-read"

# --- sync --resync, through the profile ------------------------------------
total=$("$M" inbox --json | jq length)
out=$("$M" sync --resync tuphap --json 2>"$ERR") || { cat "$ERR"; sbx_die "--resync failed"; }
grep -q '^motcua sync: tuphap: position forgotten: reading it again from the start$' "$ERR" ||
	{ cat "$ERR"; sbx_die "the forgotten position is not said"; }
sbx_eq "$(printf '%s' "$out" | jq -r '[.sources[].name] | join(",")')" tuphap "--resync pulls"
sbx_eq "$(field_of "$out" tuphap read)" "$want" "read by --resync (profile)"
sbx_eq "$(field_of "$out" tuphap new)" 0 "new by --resync"
sbx_eq "$("$M" inbox --json | jq length)" "$total" "inbox rows after --resync"

# --- sync --resync with the built-in dialect, with queued actions ----------
rm "$P"
out=$("$M" sync --source tuphap --json 2>"$ERR") || { cat "$ERR"; sbx_die "built-in sync failed"; }
# a profile gone is a change too: the built-in dialect's position is its own
grep -q 'tuphap: profile changed: reading it again from the start' "$ERR" ||
	{ cat "$ERR"; sbx_die "the profile's removal is not said"; }
sbx_eq "$(field_of "$out" tuphap read)" "$want" "read by the built-in dialect after the profile"
out=$("$M" sync --source tuphap --json 2>/dev/null) || sbx_die "built-in sync failed"
sbx_eq "$(field_of "$out" tuphap read)" 0 "a plain built-in sync"
tq=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
cq=$(sbx_curl "/_control/dossiers?source=congan&status=1&limit=1" | jq -r '.dossiers[0].code')
[ -n "$tq" ] && [ "$tq" != null ] && [ -n "$cq" ] && [ "$cq" != null ] ||
	sbx_die "no new dossier to receive: '$tq' '$cq'"
"$M" act "$tq" receive >/dev/null || sbx_die "act $tq"
"$M" act "$cq" receive >/dev/null || sbx_die "act $cq"
applied=$(sbx_stat .actions.applied)
out=$("$M" sync --resync tuphap --json 2>"$ERR") || { cat "$ERR"; sbx_die "--resync (built-in) failed"; }
grep -q '^motcua sync: tuphap: position forgotten: reading it again from the start$' "$ERR" ||
	{ cat "$ERR"; sbx_die "the forgotten position is not said (built-in)"; }
sbx_eq "$(field_of "$out" tuphap read)" "$want" "read by --resync (built-in)"
sbx_eq "$("$M" inbox --json | jq length)" "$total" "inbox rows after --resync (built-in)"
# tuphap's action went, congan's waits for its own system's sync
sbx_eq "$(sbx_stat .actions.applied)" "$(( applied + 1 ))" "actions applied by --resync tuphap"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$tq" | jq -r .dossier.status)" 2 "$tq at tuphap"
sbx_eq "$("$M" show "$tq" --json --cached | jq -r .status)" 2 "$tq here after the re-read"
q=$("$M" queue --json)
sbx_eq "$(printf '%s' "$q" | jq -r --arg c "$cq" '[.[] | select(.dossier == $c)] | map(.state) | join(",")')" \
	pending "congan's entry after --resync tuphap"
out=$("$M" sync --json 2>"$ERR") || { cat "$ERR"; sbx_die "sync failed"; }
sbx_eq "$("$M" queue --json | jq length)" 0 "entries after a full sync"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$cq" | jq -r .dossier.status)" 2 "$cq at congan"

# --- every system, and one that does not exist --------------------------------
out=$("$M" sync --resync all --json 2>"$ERR") || { cat "$ERR"; sbx_die "--resync all failed"; }
n=$(printf '%s' "$out" | jq '.sources | length')
[ "$n" -ge 5 ] || sbx_die "--resync all pulled $n systems"
sbx_eq "$(grep -c 'position forgotten' "$ERR")" "$n" "systems said to be read from the start"
for s in $(printf '%s' "$out" | jq -r '.sources[].name'); do
	held=$(sbx_stat ".sources.$s.dossiers")
	[ "$(field_of "$out" "$s" read)" -ge "$held" ] ||
		sbx_die "$s: --resync all read $(field_of "$out" "$s" read) of $held"
done
sbx_eq "$("$M" inbox --json | jq length)" "$total" "inbox rows after --resync all"
rc=0
"$M" sync --resync nosuch >"$SYNC_TMP/out" 2>"$ERR" || rc=$?
sbx_eq "$rc" 2 "exit of --resync nosuch"
sbx_eq "$(wc -l <"$ERR" | tr -d ' ')" 1 "lines on stderr for --resync nosuch"
grep -q "nosuch" "$ERR" || sbx_die "the unknown system is not named: $(cat "$ERR")"
rc=0
"$M" sync --source congan --resync tuphap >/dev/null 2>"$ERR" || rc=$?
sbx_eq "$rc" 2 "exit of --source congan --resync tuphap"
echo "sync_resync: ok"
