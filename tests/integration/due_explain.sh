#!/bin/sh
# due_explain.sh - a due date that explains itself, against a sandbox whose
# clock stands on Monday 4 May 2026, the morning after 30/4-1/5:
#   - `show CODE --explain` of a dossier received on 29/4 names the two
#     holidays by name and the weekend as days not counted, and --json
#     gives the same as structured steps ending on the stored due date;
#   - a dossier with a completed supplement shows the clock restarting at
#     the completion (the procedures' policy here: restart);
#   - one waiting for a supplement says so (no due date, since when);
#   - "supplement received" queued while its system is offline keeps a known
#     due date (restarted from the clerk's reception), and `motcua sync`
#     keeps it while the action waits;
#   - the clerk's own action is in the dossier's local history, waiting,
#     then sent;
#   - a finished dossier carries its outcome (early, on time or late);
#   - no dossier waits for a 0 đ fee, an nnmt one waiting for its financial
#     obligation says it is unpaid, and request-payment is refused when
#     nothing is owed.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
export LANGUAGE=en # the checks read the English words; the Vietnamese ones below

sbx_start --seed 5 --dossiers 150 --now '2026-05-04 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear;tinh:clear;tuphap:clear;dvcqg:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
T=$MOTCUA_HOME
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"
"$M" inbox --json --limit 0 >"$T/inbox.json" || sbx_die "inbox"

# ---- a deadline across 30/4 and 1/5 -------------------------------------------
code=$(jq -r '[.[] | select(.received_at != null and .received_at < "2026-04-30"
	and .due_at != null and .due_at > "2026-05-02")][0].code // empty' "$T/inbox.json")
[ -n "$code" ] || sbx_die "no dossier whose deadline crosses 30/4-1/5"
"$M" show "$code" --explain >"$T/explain.txt" || sbx_die "show --explain failed"
grep -q "Why this due date?" "$T/explain.txt" || sbx_die "no explanation: $(cat "$T/explain.txt")"
grep -q "30/04/2026 not counted: Ngày Chiến thắng (public holiday)" "$T/explain.txt" ||
	sbx_die "30/4 not named: $(cat "$T/explain.txt")"
grep -q "01/05/2026 not counted: Ngày Quốc tế Lao động (public holiday)" "$T/explain.txt" ||
	sbx_die "1/5 not named: $(cat "$T/explain.txt")"
grep -q "02/05/2026 - 03/05/2026 not counted: weekend" "$T/explain.txt" ||
	sbx_die "the weekend not said: $(cat "$T/explain.txt")"
"$M" show "$code" --explain --json >"$T/explain.json" || sbx_die "show --explain --json"
sbx_eq "$(jq -r '[.explain.steps[] | select(.step == "days_off" and .kind == "holiday") | .from] | join(",")' \
	"$T/explain.json")" "2026-04-30,2026-05-01" "holidays in the steps"
sbx_eq "$(jq -r '.explain.steps[-1].step' "$T/explain.json")" due "last step"
sbx_eq "$(jq -r '.explain.steps[-1].at' "$T/explain.json")" "$(jq -r .due_at "$T/explain.json")" \
	"the explanation ends on the stored due date"
sbx_match "$(jq -r '.explain.rule.unit' "$T/explain.json")" '^(working-days|hours|calendar-days)$' "rule unit"
# the same in Vietnamese
LANGUAGE=vi "$M" show "$code" --explain >"$T/explain.vi" || sbx_die "show --explain (vi)"
grep -q "Vì sao hạn này?" "$T/explain.vi" || sbx_die "no Vietnamese heading: $(cat "$T/explain.vi")"
grep -q "không tính: Ngày Chiến thắng" "$T/explain.vi" || sbx_die "vi: $(cat "$T/explain.vi")"

# ---- supplements: completed (restart), pending (waiting) ----------------------
# (candidates from the sandbox's own view, not a `show` per dossier: each
# motcua process costs seconds under memcheck)
sbx_curl "/_control/dossiers?limit=1000" >"$T/world.json" || sbx_die "control"
done_code=
for c in $(jq -r '.dossiers[] | select(.supplement != null and .supplement.completed_at != null
	and .status != 5) | .code' "$T/world.json"); do
	jq -e --arg c "$c" '.[] | select(.code == $c and .due_at != null)' "$T/inbox.json" >/dev/null &&
		done_code=$c && break
done
[ -n "$done_code" ] || sbx_die "no dossier with a completed supplement"
"$M" show "$done_code" --explain --json >"$T/sup.json"
completed=$(jq -r '[.supplements[] | select(.completed_at != null) | .completed_at] | max' "$T/sup.json")
sbx_eq "$(jq -r '[.explain.steps[] | select(.step == "restart") | .at][0]' "$T/sup.json")" "$completed" \
	"the restart at the supplement's completion"

wait_code=$(jq -r '[.[] | select(.status == 5 and .source == "tuphap")][0].code // empty' "$T/inbox.json")
[ -n "$wait_code" ] || sbx_die "no tuphap dossier waiting for a supplement"
"$M" show "$wait_code" --explain --json >"$T/wait.json"
sbx_eq "$(jq -r .due_at "$T/wait.json")" null "no due date while waiting"
sbx_eq "$(jq -r '[.explain.steps[] | select(.step == "waiting")] | length' "$T/wait.json")" 1 "waiting step"

# ---- supplement received offline: the due date is known at once, and kept ----
sbx_curl /_control/offline -d source=tuphap -d on=1 | jq -e .ok >/dev/null || sbx_die "offline"
"$M" act "$wait_code" supplement-received >/dev/null 2>&1 || sbx_die "act supplement-received"
"$M" show "$wait_code" --explain --json >"$T/in.json"
due=$(jq -r .due_at "$T/in.json")
[ "$due" != null ] || sbx_die "the due date became unknown after supplement-received"
sbx_eq "$(jq -r '[.explain.steps[] | select(.step == "restart")] | length' "$T/in.json")" 1 \
	"the restart from the clerk's reception"
"$M" sync >/dev/null 2>&1 # tuphap is offline: the action waits
sbx_eq "$("$M" queue --json | jq '[.[] | select(.state != "done")] | length')" 1 "the action waits"
sbx_eq "$("$M" show "$wait_code" --json | jq -r .due_at)" "$due" "the due date kept by the sync"
# the clerk's own action is in the dossier's local history at once, waiting
sbx_match "$("$M" show "$wait_code" --json | jq -r '[.local_actions[] | .action + ":" + .state] | join(",")')" \
	'^supplement-received:(pending|sending)$' "the local history while offline"
"$M" show "$wait_code" | grep -Eq '^Actions here +.* Supplement received \[(waiting|sending)\]' ||
	sbx_die "the queued action is not shown: $("$M" show "$wait_code")"
sbx_curl /_control/offline -d source=tuphap -d on=0 | jq -e .ok >/dev/null || sbx_die "online"
"$M" sync >/dev/null 2>&1 || sbx_die "sync after the system came back"
sbx_eq "$("$M" queue --json | jq '[.[] | select(.state != "done")] | length')" 0 "the action sent"
[ "$("$M" show "$wait_code" --json | jq -r .due_at)" != null ] ||
	sbx_die "no due date once the system confirmed the supplement"
sbx_eq "$("$M" show "$wait_code" --json | jq -r '[.local_actions[] | .action + ":" + .state] | join(",")')" \
	"supplement-received:done" "the local history once sent"

# ---- finished: early / on time / late -----------------------------------------
fin=$(jq -r '[.[] | select(.finished_at != null)][0].code // empty' "$T/inbox.json")
[ -n "$fin" ] || sbx_die "no finished dossier"
sbx_match "$("$M" show "$fin" --json | jq -r .outcome)" '^(early|on_time|late)$' "outcome of $fin"
"$M" show "$fin" | grep -Eq "^Finished .*\[(early|on time|late)\]" || sbx_die "outcome not shown"
# ---- nothing owed: no dossier waits for a 0 đ fee, none is asked to pay one ---
sbx_eq "$(jq '[.dossiers[] | select(.status == 6 and .fees == 0)] | length' "$T/world.json")" 0 \
	"dossiers awaiting a fee of 0 đ"
[ "$(jq '[.dossiers[] | select(.status == 6)] | length' "$T/world.json")" -gt 0 ] ||
	sbx_die "no dossier awaits a fee at all"
# nnmt says whether the obligation was paid: asked to pay, the dossier shows
# "pending", never "nothing due"
pay=$(jq -r '[.dossiers[] | select(.status == 4 and .source == "nnmt" and .fees > 0)][0].code // empty' \
	"$T/world.json")
[ -n "$pay" ] || sbx_die "no nnmt dossier being processed with fees"
"$M" act "$pay" request-payment >/dev/null 2>&1 || sbx_die "request-payment on $pay"
"$M" sync >/dev/null 2>&1 || sbx_die "sync after request-payment"
sbx_eq "$("$M" queue --json --all | jq --arg c "$pay" '[.[] | select(.dossier == $c and .state == "done")] | length')" 1 \
	"request-payment sent"
"$M" sync >/dev/null 2>&1 || sbx_die "sync (the pull after the replay)"
sbx_eq "$("$M" show "$pay" --json | jq -r '.status, .payment' | tr '\n' ' ')" "6 pending " \
	"status and payment state of $pay"
free=$(jq -r '[.dossiers[] | select(.status == 4 and .fees == 0)][0].code // empty' "$T/world.json")
[ -n "$free" ] || sbx_die "no dossier being processed without fees"
rc=0
"$M" act "$free" request-payment >"$T/pay.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || sbx_die "request-payment with nothing owed: exit $rc ($(cat "$T/pay.out"))"
grep -q "nothing is owed on dossier $free" "$T/pay.out" || sbx_die "not said: $(cat "$T/pay.out")"
sbx_eq "$("$M" queue --json | jq --arg c "$free" '[.[] | select(.code == $c)] | length')" 0 \
	"nothing queued for the fee-less dossier"
# A system's own rule, named in its definition (sources.d), is said beside
# the two dates: in the JSON always, in the text where the dates differ.
src=$("$M" show "$code" --json | jq -r .source)
mkdir -p "$T/sources.d"
rule="ngày làm việc: hạn là hết giờ làm việc của ngày thứ N"
jq -n --arg n "$src" --arg r "$rule" '{name: $n, dialect: $n, due_rule: $r}' > "$T/sources.d/$src.json"
"$M" show "$code" --explain --json >"$T/rule.json" || sbx_die "show --explain --json with due_rule"
sbx_eq "$(jq -r .explain.system_rule "$T/rule.json")" "$rule" "system_rule"
diff_code=$("$M" inbox --json --source "$src" | jq -r '[.[] | select(.due_at != null and .source_due_at != null and .due_at != .source_due_at)][0].code // empty')
if [ -n "$diff_code" ]; then
	"$M" show "$diff_code" --explain >"$T/rule.txt" || sbx_die "show --explain with due_rule"
	grep -qF "$src counts $rule (its definition in sources.d)" "$T/rule.txt" ||
		sbx_die "the system's rule is not said: $(cat "$T/rule.txt")"
fi
printf '{"name": "%s", "dialect": "%s", "due_rule": 7}\n' "$src" "$src" > "$T/sources.d/$src.json"
"$M" show "$code" --explain >"$T/bad.txt" 2>&1 || true
grep -q "due_rule: must be a text" "$T/bad.txt" || sbx_die "a bad due_rule is not said: $(cat "$T/bad.txt")"
rm -f "$T/sources.d/$src.json"

echo "due_explain: ok ($code, $done_code, $wait_code, $fin, $free)"
