#!/bin/sh
# sync_basic.sh - `motcua login` then `motcua sync` against a sandbox with no
# other set-up: the inbox holds exactly the sandbox's distinct dossiers (a
# dossier in dvcqg and in its handling system is one row), every status and
# every coordination mismatch agrees with the sandbox's own knowledge, our
# due dates match the sandbox's where the rule is known, a second sync with
# nothing new costs under 1 KB per source, show masks the ID number, the
# inbox filters work, and doctor passes.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 11 --dossiers 400 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login

# ---- first sync --------------------------------------------------------------
# Nothing but the sign-in: no MOTCUA_ISSUER, no config.json, no sources.d.
[ ! -e "$MOTCUA_HOME/config.json" ] || sbx_die "the test must start without config.json"
out=$(env -u MOTCUA_ISSUER "$M" sync --json) || { echo "$out"; sbx_die "first sync failed"; }
echo "first sync: $out"
sbx_eq "$(printf '%s' "$out" | jq '[.sources[] | select(.ok)] | length')" 5 "sources ok"
distinct=$(sbx_stat .distinct_dossiers)
sbx_eq "$(printf '%s' "$out" | jq '[.sources[].new] | add')" "$distinct" "new dossiers in all"

inbox=$SYNC_TMP/inbox.json
"$M" inbox --json >"$inbox" || sbx_die "inbox --json failed"
sbx_eq "$(jq length "$inbox")" "$distinct" "inbox rows"
sbx_eq "$(jq '[.[].code] | unique | length' "$inbox")" "$distinct" "distinct codes"
# every row has the documented keys, dates in ISO 8601 +07:00 or null
jq -e 'all(.[]; has("code") and has("source") and has("procedure_code") and has("procedure_name")
	and has("applicant_name") and has("status") and has("status_label") and has("raw_status")
	and has("received_at") and has("source_due_at") and has("due_at") and has("due_class")
	and has("mismatch"))' "$inbox" >/dev/null || sbx_die "inbox rows lack keys"
jq -e 'all(.[]; (.received_at == null) or (.received_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\+07:00$")))' \
	"$inbox" >/dev/null || sbx_die "dates are not ISO 8601 +07:00"
# the handling system is the record: no row is left as a dvcqg copy
sbx_eq "$(jq '[.[] | select(.source == "dvcqg")] | length' "$inbox")" 0 "rows left as dvcqg copies"
# so the coordination system's own list is what it carries for the others,
# not an empty one
carried=$(jq '[.[] | select(.coord_status != 0 and .coord_status != null)] | length' "$inbox")
[ "$carried" -gt 0 ] || sbx_die "no dossier carries a coordination status"
sbx_eq "$("$M" inbox --json --source dvcqg | jq length)" "$carried" "inbox --source dvcqg"

# compare with the sandbox's own view of every dossier
truth=$SYNC_TMP/truth.json
sbx_curl "/_control/dossiers?limit=1000" | jq .dossiers >"$truth"
sbx_eq "$(jq length "$truth")" "$distinct" "sandbox peek size"
diffs=$(jq -n --slurpfile a "$inbox" --slurpfile b "$truth" '
	($b[0] | map({key: .code, value: .}) | from_entries) as $t
	| [$a[0][] | select($t[.code].status != .status or $t[.code].source != .source
	  or (($t[.code].coord_status != 0) and ($t[.code].coord_status != .status)) != .mismatch)]
	| length')
sbx_eq "$diffs" 0 "rows whose status, source or mismatch differ from the sandbox"
mism=$(jq '[.[] | select(.mismatch)] | length' "$inbox")
sbx_eq "$mism" "$(sbx_stat .sources.dvcqg.status_mismatch)" "mismatches flagged"
[ "$mism" -gt 0 ] || sbx_die "the sandbox should have some mismatches"
echo "mismatches flagged: $mism"
# our due dates are our own, but computed by the same rules as the sandbox's
same=$(jq -n --slurpfile a "$inbox" --slurpfile b "$truth" '
	($b[0] | map({key: .code, value: .due_at}) | from_entries) as $t
	| [$a[0][] | select(.due_at != null and .due_at == $t[.code])] | length')
withdue=$(jq '[.[] | select(.due_at != null)] | length' "$inbox")
echo "due dates equal to the sandbox's: $same of $withdue computed"
[ "$withdue" -gt $((distinct * 8 / 10)) ] || sbx_die "too few due dates computed: $withdue"
[ "$same" -gt $((withdue * 9 / 10)) ] || sbx_die "due dates disagree with the sandbox: $same of $withdue"

# ---- second sync: nothing new, under 1 KB per source --------------------------
out=$("$M" sync --json) || { echo "$out"; sbx_die "second sync failed"; }
echo "second sync: $out"
sbx_eq "$(printf '%s' "$out" | jq '[.sources[] | .new + .changed] | add')" 0 "new or changed"
printf '%s' "$out" | jq -r '.sources[] | "idle poll \(.name): \(.pull_bytes_in + .pull_bytes_out) bytes (with session login: \(.bytes_in + .bytes_out))"'
over=$(printf '%s' "$out" | jq '[.sources[] | select(.pull_bytes_in + .pull_bytes_out >= 1024)] | length')
sbx_eq "$over" 0 "sources whose idle poll cost 1 KB or more"
over=$(printf '%s' "$out" | jq '[.sources[] | select(.name != "dvcqg" and .bytes_in + .bytes_out >= 1024)] | length')
sbx_eq "$over" 0 "REST sources whose idle pass cost 1 KB or more"

# ---- the inbox's filters -------------------------------------------------------
n=$("$M" inbox --json --source tuphap | jq 'length')
sbx_eq "$n" "$(jq '[.[] | select(.source == "tuphap")] | length' "$inbox")" "tuphap rows"
"$M" inbox --json --due overdue | jq -e 'all(.[]; .due_class == "overdue")' >/dev/null ||
	sbx_die "--due overdue lists others"
"$M" inbox --json --status 4 | jq -e 'length > 0 and all(.[]; .status == 4)' >/dev/null ||
	sbx_die "--status 4"
sbx_eq "$("$M" inbox --json --limit 3 | jq length)" 3 "--limit 3"
# search folds Vietnamese: the first applicant's family name without diacritics
name=$(jq -r '[.[] | select(.applicant_name != null)][0].applicant_name' "$inbox")
plain=$(printf '%s' "$name" | sed 's/Đ/D/g; s/đ/d/g' | iconv -f utf-8 -t ascii//TRANSLIT 2>/dev/null | tr 'A-Z' 'a-z')
if [ -n "$plain" ]; then
	"$M" inbox --json --search "$plain" | jq -e --arg n "$name" 'any(.[]; .applicant_name == $n)' \
		>/dev/null || sbx_die "search '$plain' does not find '$name'"
fi
human=$("$M" inbox --limit 10)
printf '%s\n' "$human"
w=$(printf '%s\n' "$human" | while IFS= read -r l; do printf '%s' "$l" | wc -m; done | sort -n | tail -n 1)
[ "$w" -le 80 ] || sbx_die "inbox table wider than 80 columns: $w"

# ---- show ----------------------------------------------------------------------
code=$(jq -r '[.[] | select(.mismatch)][0].code' "$inbox")
"$M" show "$code" --json >"$SYNC_TMP/show.json" || sbx_die "show failed"
jq -e '.applicant_id | test("^\\*+[0-9]{4}$")' "$SYNC_TMP/show.json" >/dev/null ||
	sbx_die "show does not mask the ID number"
jq -e '.mismatch == true and .coord_status != null' "$SYNC_TMP/show.json" >/dev/null ||
	sbx_die "show lacks the mismatch"
"$M" show "$code" --json --reveal --purpose "kiểm thử" | jq -e '.applicant_id | test("^[0-9]{12}$")' >/dev/null ||
	sbx_die "show --reveal"
"$M" show "$code" | grep -q 'LỆCH TRẠNG THÁI' || sbx_die "human show lacks the mismatch line"
"$M" show NO-SUCH-CODE >/dev/null 2>&1 && sbx_die "show of an unknown code succeeded"

# ---- doctor ---------------------------------------------------------------------
"$M" doctor >"$SYNC_TMP/doctor.out" 2>&1 || { cat "$SYNC_TMP/doctor.out"; sbx_die "doctor failed"; }
cat "$SYNC_TMP/doctor.out"
grep -q '^ok    tuphap' "$SYNC_TMP/doctor.out" || sbx_die "doctor lacks tuphap"
sbx_stop || exit 1
"$M" doctor >/dev/null 2>&1 && sbx_die "doctor passed with the sandbox down"
echo "sync_basic: ok"
