#!/bin/sh
# due_refresh.sh - the stored local due dates follow what they are computed
# from, at the next open (app/app_due.c).  A store synced from the sandbox
# (clock on Thursday 12 March 2026, no notice for 2026, the built-in
# catalogue: every rule counts working days), then:
#   - a notice file in the clerk's calendar/ folder makes Wednesday 18/03 a
#     day off: at the next `motcua inbox --json`, every dossier counting
#     through that day is due one working day later (`show --cached --json`
#     too, and --explain names the notice), and every dossier due before it
#     keeps its date;
#   - nothing changed: nothing is re-computed (no progress line);
#   - procedures.json gives one procedure two more working days: its
#     dossiers move by two working days, the others keep their dates;
#   - config.json's working hours: every date re-computed, and `motcua due`
#     with a dossier's rule gives its stored date (same hours, same notices);
#   - config.json's deadline reading (working days to the end of the last
#     day): every plain dossier due at a day's end, show --explain says
#     the reading; back to the default, the dates of before;
#   - the progress line on stderr (its threshold lowered for the test).
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LANGUAGE=en

sbx_start --seed 11 --dossiers 300 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear;tinh:clear;tuphap:clear;dvcqg:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
T=$MOTCUA_HOME
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"
# the progress line for any store size in this test
MOTCUA_TEST_DUE_PROGRESS_MIN=1
export MOTCUA_TEST_DUE_PROGRESS_MIN
"$M" inbox --json --limit 0 >"$T/before.json" 2>"$T/err" || sbx_die "inbox"
[ ! -s "$T/err" ] || sbx_die "inbox re-computed with nothing changed: $(cat "$T/err")"
sbx_curl "/_control/dossiers?limit=1000" >"$T/world.json" || sbx_die "control"
# codes without a supplement: their dates count from the reception
jq -r '[.dossiers[] | select(.supplement == null) | .code] | .[]' "$T/world.json" | sort >"$T/plain"
[ "$(jq length "$T/before.json")" -ge 250 ] || sbx_die "too few dossiers synced"

# next_wd DATETIME: the same clock time on the next working day (weekends,
# the statutory days off of February-May 2026, and our notice's)
next_wd() {
	d=${1%%T*} t=${1#*T}
	while :; do
		d=$(date -d "$d + 1 day" +%F)
		case $(date -d "$d" +%u) in 6 | 7) continue ;; esac
		case $d in 2026-02-1[6-9] | 2026-02-20 | 2026-03-18 | 2026-04-27 | 2026-04-30 | 2026-05-01)
			continue ;;
		esac
		break
	done
	echo "${d}T$t"
}

# ---- a notice adds a day off: the dates through it move --------------------
mkdir -p "$T/calendar"
cat >"$T/calendar/2026.json" <<'EOF'
{"year": 2026, "source": "Thông báo thử nghiệm",
 "days_off": [{"date": "2026-03-18", "name": "Nghỉ đột xuất", "source": "Thông báo 1/TB-TEST"}]}
EOF
"$M" inbox --json --limit 0 >"$T/after.json" 2>"$T/err" || sbx_die "inbox after the notice"
n=$(jq length "$T/after.json")
grep -q "^motcua inbox: re-computing due dates: $n of $n\$" "$T/err" ||
	sbx_die "no progress line: $(cat "$T/err")"
# code -> due_at, before and after
jq -r '.[] | "\(.code) \(.due_at)"' "$T/before.json" | sort >"$T/b"
jq -r '.[] | "\(.code) \(.due_at)"' "$T/after.json" | sort >"$T/a"
join "$T/b" "$T/a" >"$T/ba"
[ "$(wc -l <"$T/ba")" -eq "$n" ] || sbx_die "the inbox lost or gained dossiers"
moved=0 kept=0
while read -r code old new; do
	[ "$old" = null ] && { sbx_eq "$new" null "$code: no due date before, none after"; continue; }
	case $old in
	2026-03-1[0-7]T*)
		# due before the day off: untouched
		sbx_eq "$new" "$old" "$code due before 18/03"
		kept=$((kept + 1)) ;;
	2026-03-19T* | 2026-03-2* | 2026-03-3* | 2026-04-*)
		grep -qx "$code" "$T/plain" || continue # a restart may count from after it
		sbx_eq "$new" "$(next_wd "$old")" "$code due $old, counting through 18/03"
		moved=$((moved + 1)) ;;
	esac
done <"$T/ba"
[ "$moved" -ge 10 ] || sbx_die "only $moved dossiers counted through 18/03"
[ "$kept" -ge 10 ] || sbx_die "only $kept dossiers were due before 18/03"
# the detail says the same, and why
code=$(awk '$2 ~ /^2026-03-(19|2|3)/ {print $1}' "$T/ba" | grep -xF -f "$T/plain" | head -n 1)
"$M" show "$code" --cached --json >"$T/show.json" 2>"$T/err" || sbx_die "show --cached"
sbx_eq "$(jq -r .due_at "$T/show.json")" "$(awk -v c="$code" '$1 == c {print $3}' "$T/ba")" \
	"show --cached of $code"
"$M" show "$code" --cached --explain >"$T/explain.txt" 2>&1 || sbx_die "show --explain"
grep -q "18/03/2026 not counted: Nghỉ đột xuất" "$T/explain.txt" ||
	sbx_die "the notice's day not named: $(cat "$T/explain.txt")"

# ---- nothing changed: nothing re-computed ------------------------------------
"$M" inbox --json --limit 0 >"$T/again.json" 2>"$T/err" || sbx_die "inbox again"
[ ! -s "$T/err" ] || sbx_die "re-computed with nothing changed: $(cat "$T/err")"
cmp -s "$T/after.json" "$T/again.json" || sbx_die "the inbox changed with nothing changed"

# ---- procedures.json: one procedure two working days longer ------------------
proc=1.004194.000.00.00.H56 # Đăng ký thường trú, 7 working days
jq --arg p "$proc" '.procedures |= map(if .code == $p then .duration += 2 else . end)' \
	"$ROOT/config/procedures.json" >"$T/procedures.json" || sbx_die "procedures.json"
"$M" inbox --json --limit 0 >"$T/proc.json" 2>"$T/err" || sbx_die "inbox after procedures.json"
grep -q "re-computing due dates" "$T/err" || sbx_die "procedures.json did not re-compute"
jq -r '.[] | "\(.code) \(.due_at)"' "$T/proc.json" | sort >"$T/p"
join "$T/a" "$T/p" >"$T/ap"
jq -r --arg p "$proc" '.[] | select(.procedure_code == $p) | .code' "$T/proc.json" | sort >"$T/ofproc"
longer=0
while read -r code old new; do
	if grep -qx "$code" "$T/ofproc"; then
		[ "$old" = null ] && continue
		grep -qx "$code" "$T/plain" || continue
		sbx_eq "$new" "$(next_wd "$(next_wd "$old")")" "$code ($proc) two working days later"
		longer=$((longer + 1))
	else
		sbx_eq "$new" "$old" "$code (another procedure) unchanged"
	fi
done <"$T/ap"
[ "$longer" -ge 3 ] || sbx_die "only $longer dossiers of $proc"

# ---- other working hours: re-computed, and `motcua due` agrees --------------
echo '{"working_hours": "07:30-11:30,13:30-17:30"}' >"$T/config.json"
"$M" inbox --json --limit 0 >"$T/hours.json" 2>"$T/err" || sbx_die "inbox after config.json"
grep -q "re-computing due dates" "$T/err" || sbx_die "config.json did not re-compute"
[ "$(jq '[.[] | select(.due_at != null and (.due_at | test("T17:00:00")))] | length' \
	"$T/hours.json")" = 0 ] || sbx_die "dates still end at 17:00"
# `due` with the same rule, hours and notices gives each plain dossier's date
checked=0
for code in $(jq -r '.[] | select(.due_at != null) | .code' "$T/hours.json" |
	grep -xF -f "$T/plain" | head -n 8); do
	row=$(jq -c --arg c "$code" '.[] | select(.code == $c)' "$T/hours.json")
	rule=$(jq -c --arg p "$(printf '%s' "$row" | jq -r .procedure_code)" \
		'.procedures[] | select(.code == $p)' "$T/procedures.json")
	[ -n "$rule" ] || continue
	set -- --received "$(printf '%s' "$row" | jq -r .received_at)" \
		--duration "$(printf '%s' "$rule" | jq -r .duration)" \
		--unit "$(printf '%s' "$rule" | jq -r .unit)"
	cutoff=$(printf '%s' "$rule" | jq -r '.cutoff // empty')
	[ -n "$cutoff" ] && set -- "$@" --cutoff "$cutoff"
	sbx_eq "$("$M" due "$@")" "$(printf '%s' "$row" | jq -r .due_at)" "motcua due $* ($code)"
	checked=$((checked + 1))
done
[ "$checked" -ge 4 ] || sbx_die "only $checked dossiers checked against motcua due"

# ---- the reading: working days to the end of the last day -------------------
# The same hours, read the other way: every plain dossier counting working
# days is now due at a day's end (17:30), and --explain says the reading.
echo '{"working_hours": "07:30-11:30,13:30-17:30",
 "deadline_reading": {"working_days": "day_end"}}' >"$T/config.json"
"$M" inbox --json --limit 0 >"$T/reading.json" 2>"$T/err" || sbx_die "inbox after the reading"
grep -q "re-computing due dates" "$T/err" || sbx_die "the reading did not re-compute"
jq -r '.[] | select(.due_at != null) | "\(.code) \(.due_at)"' "$T/reading.json" |
	grep -F -f "$T/plain" | sort >"$T/r"
[ "$(wc -l <"$T/r")" -ge 20 ] || sbx_die "too few plain dossiers with a due date"
grep -v 'T17:30:00' "$T/r" >"$T/not_end" && sbx_die "not at a day's end: $(head -n 3 "$T/not_end")"
jq -r '.[] | "\(.code) \(.due_at)"' "$T/hours.json" | sort >"$T/h"
changed=$(join "$T/h" "$T/r" | awk '$2 != $3' | wc -l)
[ "$changed" -ge 10 ] || sbx_die "only $changed dates moved with the reading"
# a dossier of a procedure of several working days (a same-day one has no reading to say)
jq -r '.procedures[] | select(.duration > 0) | .code' "$T/procedures.json" >"$T/long"
code=$(jq -r '.[] | select(.due_at != null) | "\(.code) \(.procedure_code)"' "$T/reading.json" |
	grep -F -f "$T/plain" | grep -F -f "$T/long" | head -n 1 | cut -d' ' -f1)
[ -n "$code" ] || sbx_die "no plain dossier of a procedure of several days"
# stdout alone: a note on stderr (a warning) must not spoil the JSON
"$M" show "$code" --cached --explain --json >"$T/rx.json" 2>"$T/rx.err" ||
	sbx_die "show --explain --json: $(cat "$T/rx.err")"
sbx_eq "$(jq -r .explain.reading.working_days "$T/rx.json")" day_end "show --explain --json reading"
"$M" show "$code" --cached --explain >"$T/rx.txt" 2>&1 || sbx_die "show --explain"
grep -q "^Reading: working days counted to the end of the last working day" "$T/rx.txt" ||
	sbx_die "show --explain does not say the reading: $(cat "$T/rx.txt")"
# back to the default reading: re-computed again, the dates of before
echo '{"working_hours": "07:30-11:30,13:30-17:30"}' >"$T/config.json"
"$M" inbox --json --limit 0 >"$T/back.json" 2>"$T/err" || sbx_die "inbox back"
grep -q "re-computing due dates" "$T/err" || sbx_die "the default reading did not re-compute"
cmp -s "$T/hours.json" "$T/back.json" || sbx_die "the default reading gives other dates than before"
echo "due_refresh: ok ($moved moved by the notice, $kept kept, $longer by the procedure, $checked as motcua due, $changed by the reading)"
