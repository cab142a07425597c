#!/bin/sh
# calendar.sh - `motcua calendar` and `motcua lunar` from the outside: human
# and JSON output, bad arguments (exit 2 with one line and the usage), and
# override files (applied; malformed ones named with path and line and ignored
# whole).  Needs only MOTCUA_BIN; works in a private temporary folder.
set -u

: "${MOTCUA_BIN:?MOTCUA_BIN must point to the motcua binary}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-calendar.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# A home of our own, so no user or installed override folder is picked up.
export HOME="$tmp/home" MOTCUA_HOME="$tmp/home/motcua"
unset XDG_CONFIG_HOME
mkdir -p "$HOME" "$MOTCUA_HOME/calendar"
cd "$tmp" || exit 1

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# run ARGS...: sets rc, out (stdout) and err (stderr)
run() {
	"$MOTCUA_BIN" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

expect_out() { # WANT ARGS...: exit 0 and stdout exactly WANT, stderr empty
	want=$1
	shift
	run "$@"
	[ "$rc" = 0 ] || fail "motcua $*: exit $rc ($err)"
	[ "$out" = "$want" ] || fail "motcua $*: got '$out', want '$want'"
	[ -z "$err" ] || fail "motcua $*: unexpected stderr '$err'"
}

expect_contains() { # NEEDLE ARGS...: exit 0 and stdout contains NEEDLE
	needle=$1
	shift
	run "$@"
	[ "$rc" = 0 ] || fail "motcua $*: exit $rc ($err)"
	case $out in
	*"$needle"*) ;;
	*) fail "motcua $*: output lacks '$needle'" ;;
	esac
}

expect_usage() { # ARGS...: exit 2, one message line then the usage line
	run "$@"
	[ "$rc" = 2 ] || fail "motcua $*: exit $rc, want 2"
	[ -z "$out" ] || fail "motcua $*: wrote to stdout on bad usage"
	lines=$(printf '%s\n' "$err" | wc -l)
	[ "$lines" -eq 2 ] || fail "motcua $*: want 2 stderr lines, got $lines: $err"
	case $err in
	"motcua "*"cách dùng: motcua "*) ;; # Vietnamese: the default language
	*) fail "motcua $*: stderr is not message + usage: $err" ;;
	esac
}

# --- lunar -------------------------------------------------------------------
expect_out '2026-02-17 → 1/1 năm Bính Ngọ (âm lịch)' lunar 2026-02-17
expect_out '{"year":2026,"month":1,"day":1,"leap":false,"can_chi":"Bính Ngọ"}' \
	lunar 2026-02-17 --json
expect_out '{"year":2026,"month":1,"day":1,"leap":false,"can_chi":"Bính Ngọ"}' \
	lunar --json 2026-02-17
# the eve of Tết 2026 is the 29th of month 12 of Ất Tỵ
expect_out '2026-02-16 → 29/12 năm Ất Tỵ (âm lịch)' lunar 2026-02-16
# 2025 had a leap 6th month from 25 July
expect_out '2025-07-25 → 1/6 (nhuận) năm Ất Tỵ (âm lịch)' lunar 2025-07-25
expect_out '{"year":2025,"month":6,"day":1,"leap":true,"can_chi":"Ất Tỵ"}' lunar 2025-07-25 --json
# 1968: Tết on 29 January in Vietnam (UTC+7), 30 in China
expect_out '1968-01-29 → 1/1 năm Mậu Thân (âm lịch)' lunar 1968-01-29
expect_contains 'năm Canh Thân' lunar 2100-12-31

expect_usage lunar
expect_usage lunar 2026-02-30
expect_usage lunar 26-02-17
expect_usage lunar 2026-02-17x
expect_usage lunar 1899-12-31
expect_usage lunar 2101-01-01
expect_usage lunar 2026-02-17 2026-02-18
expect_usage lunar --bogus 2026-02-17

# --- calendar ------------------------------------------------------------------
run calendar 2026
[ "$rc" = 0 ] || fail "calendar 2026: exit $rc ($err)"
human=$out
for line in \
	'2026-01-01  Thứ Năm   ngày lễ         Tết Dương lịch' \
	'2026-02-16  Thứ Hai   ngày lễ         Tết Âm lịch (29 tháng Chạp)' \
	'2026-04-26  Chủ nhật  ngày lễ         Giỗ Tổ Hùng Vương' \
	'2026-04-27  Thứ Hai   nghỉ bù         Nghỉ bù Giỗ Tổ Hùng Vương' \
	'2026-09-03  Thứ Năm   ngày lễ         Quốc khánh (ngày liền kề)'; do
	printf '%s\n' "$human" | grep -qxF "$line" || fail "calendar 2026: no line '$line'"
done
[ "$(printf '%s\n' "$human" | grep -c '^2026-')" = 12 ] || fail "calendar 2026: want 12 days"

# 2024: Tết on Saturday and Sunday gives two nghỉ bù after the block
run calendar 2024 --json
[ "$rc" = 0 ] || fail "calendar 2024 --json: exit $rc"
case $out in
'{"year":2024,"days_off":[{"date":"2024-01-01","name":"Tết Dương lịch","kind":"statutory"},'*'{"date":"2024-02-13","name":"Tết Âm lịch (mùng 4)","kind":"statutory"},{"date":"2024-02-14","name":"Nghỉ bù Tết Âm lịch","kind":"compensatory"},{"date":"2024-02-15","name":"Nghỉ bù Tết Âm lịch","kind":"compensatory"},'*'],"working_days":[]}') ;;
*) fail "calendar 2024 --json: unexpected $out" ;;
esac
json_before=$out
run calendar --json 2024
[ "$out" = "$json_before" ] || fail "calendar: --json before YEAR differs"

expect_usage calendar
expect_usage calendar 1899
expect_usage calendar 2101
expect_usage calendar 20x6
expect_usage calendar 2026 2027
expect_usage calendar --bogus 2026
expect_usage calendar 2026 --calendar

run help calendar
[ "$rc" = 0 ] || fail "help calendar: exit $rc"

# --- override files ------------------------------------------------------------
cal="$MOTCUA_HOME/calendar"
cat > "$cal/2026.json" <<'EOF'
{
  "year": 2026,
  "days_off": [{"date": "2026-02-13", "name": "Nghỉ Tết theo thông báo"}],
  "working_days": [{"date": "2026-02-28", "name": "Làm bù"}]
}
EOF
run calendar 2026 --json
case $out in
*'{"date":"2026-02-13","name":"Nghỉ Tết theo thông báo","kind":"override"}'*'"working_days":[{"date":"2026-02-28","name":"Làm bù"}]}') ;;
*) fail "override from MOTCUA_HOME not applied: $out" ;;
esac
[ -z "$err" ] || fail "valid override warned: $err"

# a malformed file (first entry fine, the second not) is named with its line
# and ignored whole; the other years' files still apply
cat > "$cal/2027.json" <<'EOF'
{
  "year": 2027,
  "days_off": [
    {"date": "2027-02-12", "name": "Nghỉ Tết"},
    {"date": "2027-02-30", "name": "Sai ngày"}
  ]
}
EOF
run calendar 2027
[ "$rc" = 0 ] || fail "calendar with a malformed file: exit $rc"
case $err in
*"$cal/2027.json:5: "*"2027-02-30"*"file ignored"*) ;;
*) fail "malformed 2027.json not reported with path and line: $err" ;;
esac
case $out in
*2027-02-12*) fail "malformed 2027.json was half-applied" ;;
esac
run calendar 2026 --json
case $out in
*'"kind":"override"'*) ;;
*) fail "2026.json stopped applying beside a malformed 2027.json" ;;
esac

# broken JSON: jansson's line
printf '{"year": 2028,\n "days_off": [\n  {"date": "2028-01-02"},\n ]\n}\n' > "$cal/2028.json"
run calendar 2028
case $err in
*"$cal/2028.json:4: invalid JSON"*"file ignored"*) ;;
*) fail "invalid JSON not reported with line 4: $err" ;;
esac

# --calendar DIR wins over MOTCUA_HOME; the documented example parses
mkdir -p "$tmp/example"
cp "$here/../../doc/calendar-example-2019.json" "$tmp/example/2019.json"
run calendar 2019 --calendar "$tmp/example"
[ -z "$err" ] || fail "doc example warned: $err"
case $out in
*'2019-08-30  Thứ Sáu   theo thông báo  '*'Ngày làm việc theo thông báo:'*'2019-09-03  Thứ Ba    làm việc'*) ;;
*) fail "doc example not applied: $out" ;;
esac
case $out in
*'2019-09-03  Thứ Ba    ngày lễ'*) fail "a day declared working is still listed off" ;;
esac

# a missing --calendar folder is reported, and the statutory days still shown
run calendar 2026 --calendar "$tmp/nope"
[ "$rc" = 0 ] || fail "missing --calendar folder: exit $rc"
case $err in
*"$tmp/nope"*) ;;
*) fail "missing --calendar folder not reported: $err" ;;
esac

if [ "$failures" -ne 0 ]; then
	echo "calendar.sh: $failures failure(s)"
	exit 1
fi
echo "calendar.sh: all checks passed"
