#!/bin/sh
# `motcua due`: due dates per unit, cut-off, holidays (computed and from an
# override file), --json, and the usage errors (exit 2, one line + usage);
# `due` and `calendar` count with config.json's working hours and workweek,
# as the inbox does (--config too), and refuse a broken config.json as it;
# a weekday's own hours (Saturday-morning intake) and each deadline reading
# change the answer, and --explain and --json say them.
set -u
M=${MOTCUA_BIN:?}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# A home of our own: the user's config.json must not change the answers.
export HOME="$T/home" MOTCUA_HOME="$T/home/motcua"
unset XDG_CONFIG_HOME
mkdir -p "$MOTCUA_HOME"

# An empty override folder, so no local config changes the answers.
mkdir -p "$T/empty" "$T/ov"
CAL="--calendar $T/empty"

# expect RECEIVED DURATION UNIT WANT [extra options...]
expect() {
	r=$1 n=$2 u=$3 want=$4
	shift 4
	# shellcheck disable=SC2086
	got=$("$M" due --received "$r" --duration "$n" --unit "$u" $CAL "$@" 2> "$T/err") ||
		fail "due $r $n $u $*: exit $? ($(cat "$T/err"))"
	[ "$got" = "$want" ] || fail "due $r $n $u $*: got '$got', want '$want'"
	[ ! -s "$T/err" ] || fail "due $r $n $u $*: unexpected stderr: $(cat "$T/err")"
}

# The example of DESIGN.md: 4 working hours from 15:00 -> next day 09:00.
expect '2026-03-12 15:00' 4 hours 2026-03-13T09:00:00+07:00
# Friday afternoon over the weekend; lunch; before opening; after closing.
expect '2026-03-13 15:00' 4 hours 2026-03-16T09:00:00+07:00
expect '2026-03-09 12:00' 2 hours 2026-03-09T15:30:00+07:00
expect '2026-03-09 06:00' 4 hours 2026-03-09T11:00:00+07:00
expect '2026-03-09 18:00' 4 hours 2026-03-10T11:00:00+07:00
# A result at the end of a period stays there.
expect '2026-03-09 07:00' 1 working-days 2026-03-09T17:00:00+07:00
expect '2026-03-09 07:30' 4 hours 2026-03-09T11:30:00+07:00
expect '2026-03-09 09:00' 1 working-days 2026-03-10T09:00:00+07:00
expect '2026-03-02 09:00' 20 working-days 2026-03-30T09:00:00+07:00
# Calendar days landing on a Saturday: Monday, clock clamped into working hours.
expect '2026-03-11 10:00' 3 calendar-days 2026-03-16T10:00:00+07:00
expect '2026-03-11 18:00' 3 calendar-days 2026-03-16T17:00:00+07:00
expect '2026-03-12 06:00' 2 calendar-days 2026-03-16T07:00:00+07:00
expect '2026-03-12 12:00' 2 calendar-days 2026-03-16T11:30:00+07:00
# Same-day procedures with and without the 15:00 cut-off (after = strictly later).
expect '2026-03-09 16:00' 0 working-days 2026-03-09T17:00:00+07:00
expect '2026-03-09 15:00' 0 working-days 2026-03-09T17:00:00+07:00 --cutoff 15:00
expect '2026-03-09 15:01' 0 working-days 2026-03-10T17:00:00+07:00 --cutoff 15:00
expect '2026-03-13 15:30' 0 working-days 2026-03-16T17:00:00+07:00 --cutoff 15:00
expect '2026-03-09 15:30' 2 hours 2026-03-10T09:00:00+07:00 --cutoff 15:00
# ISO input with the offset is accepted too.
expect '2026-03-12T15:00:00+07:00' 4 hours 2026-03-13T09:00:00+07:00
# Tết Bính Ngọ from the computed holidays: 16..20 February 2026 off.
expect '2026-02-13 15:00' 1 working-days 2026-02-23T15:00:00+07:00
expect '2026-02-12 10:00' 5 calendar-days 2026-02-23T10:00:00+07:00
expect '2026-02-13 15:30' 0 working-days 2026-02-23T17:00:00+07:00 --cutoff 15:00
# 30/4 and 1/5 2026 (Thursday, Friday).
expect '2026-04-29 09:00' 1 working-days 2026-05-04T09:00:00+07:00

# An override file adds a day off (Monday 16 March 2026).
cat > "$T/ov/2026.json" <<'EOF'
{"year": 2026, "days_off": [{"date": "2026-03-16", "name": "Nghỉ thử nghiệm"}]}
EOF
CAL="--calendar $T/ov"
expect '2026-03-13 15:00' 4 hours 2026-03-17T09:00:00+07:00
expect '2026-03-11 10:00' 3 calendar-days 2026-03-17T10:00:00+07:00
CAL="--calendar $T/empty"

# --json: one object with due_at and the rule echoed back.
out=$("$M" due --received '2026-03-12 15:00' --duration 4 --unit hours --cutoff 15:00 \
	--json $CAL) || fail "--json exits non-zero"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "--json: expected one line"
if command -v jq > /dev/null 2>&1; then
	[ "$(printf '%s' "$out" | jq -r .due_at)" = 2026-03-13T09:00:00+07:00 ] ||
		fail "--json due_at: $out"
	[ "$(printf '%s' "$out" | jq -r .unit)" = hours ] || fail "--json unit: $out"
	[ "$(printf '%s' "$out" | jq -r .cutoff)" = 15:00 ] || fail "--json cutoff: $out"
	[ "$(printf '%s' "$out" | jq -r .working_seconds)" = 14400 ] ||
		fail "--json working_seconds: $out"
else
	printf '%s' "$out" | grep -q '"due_at":"2026-03-13T09:00:00+07:00"' ||
		fail "--json due_at: $out"
fi

# Usage errors: exit 2, nothing on stdout, one message line then the usage.
usage_error() {
	"$M" due "$@" > "$T/out" 2> "$T/err"
	rc=$?
	[ "$rc" = 2 ] || fail "due $*: exit $rc, want 2"
	[ ! -s "$T/out" ] || fail "due $*: wrote to stdout"
	head -n 1 "$T/err" | grep -q '^motcua due: ' || fail "due $*: first line: $(head -n 1 "$T/err")"
	sed -n 2p "$T/err" | grep -q '^cách dùng: motcua due' || fail "due $*: no usage after the message"
}
R='2026-03-12 15:00'
usage_error --duration 4 --unit hours
usage_error --received "$R" --unit hours
usage_error --received "$R" --duration 4
usage_error --received '2026-02-30 09:00' --duration 4 --unit hours
usage_error --received '12/03/2026 15:00' --duration 4 --unit hours
usage_error --received '1899-12-31 09:00' --duration 4 --unit hours
usage_error --received "$R" --duration -1 --unit hours
usage_error --received "$R" --duration 3651 --unit hours
usage_error --received "$R" --duration 4x --unit hours
usage_error --received "$R" --duration '' --unit hours
usage_error --received "$R" --duration 99999999999999999999 --unit hours
usage_error --received "$R" --duration 4 --unit days
usage_error --received "$R" --duration 4 --unit hours --cutoff 25:00
usage_error --received "$R" --duration 4 --unit hours --cutoff 00:00
usage_error --received "$R" --duration 4 --unit hours --cutoff 24:00
usage_error --received "$R" --duration 4 --unit hours --cutoff 1500
usage_error --received "$R" --duration 4 --unit hours extra
usage_error --received "$R" --duration 4 --unit hours --bogus
usage_error --received "$R" --duration 4 --unit
# The limits themselves are accepted.
"$M" due --received "$R" --duration 3650 --unit working-days $CAL > /dev/null ||
	fail "duration 3650 rejected"
"$M" due --received "$R" --duration 0 --unit hours --cutoff 23:59 $CAL > /dev/null ||
	fail "cutoff 23:59 rejected"
# ---- the configuration the inbox counts with -----------------------------------
# Working hours 07:30-11:30, 13:30-17:00 and Saturday a working day.
cat > "$MOTCUA_HOME/config.json" <<'EOF'
{"working_hours": "07:30-11:30,13:30-17:00",
 "workweek": ["mon", "tue", "wed", "thu", "fri", "sat"]}
EOF
# before opening: from 07:30, not 07:00
expect '2026-03-09 07:00' 4 hours 2026-03-09T11:30:00+07:00
# Friday afternoon: Saturday counts, from 07:30
expect '2026-03-13 15:00' 4 hours 2026-03-14T09:30:00+07:00
# one working day is 7.5 hours now
out=$("$M" due --received '2026-03-09 07:30' --duration 1 --unit working-days --json $CAL) ||
	fail "due --json with config.json"
[ "$(printf '%s' "$out" | jq -r .due_at)" = 2026-03-09T17:00:00+07:00 ] || fail "7.5 h day: $out"
[ "$(printf '%s' "$out" | jq -r .working_seconds)" = 27000 ] || fail "working_seconds: $out"
# --config FILE: that file's settings instead (here: none, the defaults)
echo '{}' > "$T/plain.json"
expect '2026-03-09 07:00' 4 hours 2026-03-09T11:00:00+07:00 --config "$T/plain.json"
# calendar: 1/5/2027 is a Saturday; with Saturday a working day no day in lieu
# (Monday 3/5), as the inbox's calendar counts it
"$M" calendar 2027 --json $CAL > "$T/c.json" || fail "calendar 2027"
[ "$(jq '[.days_off[] | select(.date == "2027-05-03")] | length' "$T/c.json")" = 0 ] ||
	fail "3/5/2027 off with Saturday a working day: $(cat "$T/c.json")"
"$M" calendar 2027 --json $CAL --config "$T/plain.json" > "$T/c.json" || fail "calendar --config"
[ "$(jq -r '.days_off[] | select(.date == "2027-05-03") | .kind' "$T/c.json")" = compensatory ] ||
	fail "3/5/2027 not in lieu of Saturday 1/5: $(cat "$T/c.json")"
# ---- a weekday's own hours and the readings -------------------------------------
# explain ARGS...: `due ARGS --explain` in English into $T/x
explain() {
	# shellcheck disable=SC2086
	LANGUAGE=en "$M" due "$@" $CAL --explain > "$T/x" 2> "$T/err" || fail "due $* --explain"
}
# Saturday-morning intake: Saturday works 07:30-11:30 only.
cat > "$MOTCUA_HOME/config.json" <<'EOF'
{"workweek": ["mon", "tue", "wed", "thu", "fri", "sat"],
 "working_hours_by_day": {"sat": "07:30-11:30"}}
EOF
# Friday 10:00-17:00 gives 5 h, Saturday the 3 h left of one working day
expect '2026-03-13 10:00' 1 working-days 2026-03-14T10:30:00+07:00
# Friday 2 h, Saturday 4 h: ends with Saturday's hours
expect '2026-03-13 15:00' 6 hours 2026-03-14T11:30:00+07:00
# a calendar day landing on Saturday afternoon: Saturday's end
expect '2026-03-13 15:00' 1 calendar-days 2026-03-14T11:30:00+07:00
explain --received '2026-03-13 10:00' --duration 1 --unit working-days
grep -q "^  14/03/2026 counted with that weekday's own working hours, 07:30-11:30$" "$T/x" ||
	fail "Saturday's own hours not said: $(cat "$T/x")"
grep -q "^Reading: working days counted as N times a working day's hours; a due time in the lunch break stays at the morning's end$" "$T/x" ||
	fail "the default reading not said: $(cat "$T/x")"
# shellcheck disable=SC2086
out=$("$M" due --received '2026-03-13 10:00' --duration 1 --unit working-days --explain --json $CAL)
[ "$(printf '%s' "$out" | jq -c '[.explain[] | select(.step == "day_hours") | .date, .hours]')" = \
	'["2026-03-14",["07:30-11:30"]]' ] || fail "day_hours step in --json: $out"
[ "$(printf '%s' "$out" | jq -c .reading)" = \
	'{"calendar_days_from":"reception","lunch_break":"before","working_days":"hours"}' ] ||
	fail "default reading in --json: $out"
# in Vietnamese too
# shellcheck disable=SC2086
"$M" due --received '2026-03-13 10:00' --duration 1 --unit working-days --explain $CAL > "$T/x"
grep -q "14/03/2026 tính theo giờ làm việc riêng của thứ đó trong tuần, 07:30-11:30" "$T/x" ||
	fail "vi: Saturday's own hours: $(cat "$T/x")"
grep -q "^Cách hiểu quy định: ngày làm việc tính bằng N lần" "$T/x" || fail "vi: reading: $(cat "$T/x")"

# each reading changes the answer, and --explain and --json say which was used
reading() {
	printf '{"deadline_reading": %s}\n' "$1" > "$MOTCUA_HOME/config.json"
}
reading '{"calendar_days_from": "next_day"}'
expect '2026-03-09 10:00' 1 calendar-days 2026-03-10T17:00:00+07:00
expect '2026-03-11 10:00' 3 calendar-days 2026-03-16T17:00:00+07:00
explain --received '2026-03-09 10:00' --duration 1 --unit calendar-days
grep -q "^Reading: calendar days counted from the day after the reception, to the end of the last day's working hours; " "$T/x" ||
	fail "next_day not said: $(cat "$T/x")"
# shellcheck disable=SC2086
out=$("$M" due --received '2026-03-09 10:00' --duration 1 --unit calendar-days --json $CAL)
[ "$(printf '%s' "$out" | jq -r .reading.calendar_days_from)" = next_day ] || fail "--json: $out"
reading '{"lunch_break": "after"}'
expect '2026-03-12 12:00' 2 calendar-days 2026-03-16T13:30:00+07:00
expect '2026-03-09 07:30' 4 hours 2026-03-09T13:30:00+07:00
explain --received '2026-03-09 07:30' --duration 4 --unit hours
grep -q "^Reading: a due time in the lunch break moves to the afternoon's start$" "$T/x" ||
	fail "lunch_break after not said: $(cat "$T/x")"
reading '{"working_days": "day_end"}'
expect '2026-03-09 09:00' 1 working-days 2026-03-10T17:00:00+07:00
expect '2026-03-09 07:00' 1 working-days 2026-03-09T17:00:00+07:00
expect '2026-03-02 09:00' 20 working-days 2026-03-30T17:00:00+07:00
explain --received '2026-03-09 09:00' --duration 1 --unit working-days
grep -q "^Reading: working days counted to the end of the last working day; " "$T/x" ||
	fail "day_end not said: $(cat "$T/x")"
# shellcheck disable=SC2086
out=$("$M" due --received '2026-03-09 09:00' --duration 1 --unit working-days --json $CAL)
[ "$(printf '%s' "$out" | jq -r .reading.working_days)" = day_end ] || fail "--json: $out"
# a malformed choice: refused, naming config.json, its line and the key
reading '{"working_days": "end"}'
# shellcheck disable=SC2086
"$M" due --received '2026-03-09 09:00' --duration 1 --unit working-days $CAL > "$T/out" 2> "$T/err"
rc=$?
[ "$rc" = 2 ] || fail "a bad reading: exit $rc"
grep -q 'config.json:1: "deadline_reading.working_days" phải là "hours" hoặc "day_end"' "$T/err" ||
	fail "a bad reading: $(cat "$T/err")"
# a broken config.json stops them as it stops the inbox: exit 2, file and line
echo '{"working_hours": "07:30-11:30,' > "$MOTCUA_HOME/config.json"
for cmd in "due --received 2026-03-09T07:00 --duration 4 --unit hours" "calendar 2026"; do
	# shellcheck disable=SC2086
	"$M" $cmd > "$T/out" 2> "$T/err"
	rc=$?
	[ "$rc" = 2 ] || fail "$cmd with a broken config.json: exit $rc"
	grep -q "config.json:" "$T/err" || fail "$cmd: the file not named: $(cat "$T/err")"
done
echo "due: ok"
