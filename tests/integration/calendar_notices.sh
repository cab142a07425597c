#!/bin/sh
# calendar_notices.sh - the official notices the package ships
# (config/calendar/2024.json, 2025.json, 2026.json), from the outside:
#   - `motcua calendar 2024/2025/2026 --json`, run from the source tree as a
#     checkout uses it, give exactly the days the notices fixed, each
#     notice's day with its document, and no warning;
#   - a clerk's own YYYY.json replaces the shipped one of that year, whole;
#     the other years keep the shipped notices; a broken file of the clerk's
#     is named (path and line) and the shipped notice of its year applies;
#     --calendar DIR reads that folder alone;
#   - `motcua due` counts with them and --explain names the document;
#   - `motcua doctor` lists the folders read and, on the clock passed in
#     (MOTCUA_TEST_CLOCK, test builds), warns of this year's missing notice,
#     and from 1 December of the next year's ("chưa có lịch nghỉ năm 2027").
# Needs MOTCUA_BIN (a test build) and jq.
set -u

: "${MOTCUA_BIN:?MOTCUA_BIN must point to the motcua binary}"
command -v jq > /dev/null 2>&1 || { echo "jq not installed" >&2; exit 77; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-notices.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# A home of our own; the shipped notices are ./config/calendar of the tree.
export HOME="$tmp/home" MOTCUA_HOME="$tmp/home/motcua"
unset XDG_CONFIG_HOME MOTCUA_TEST_CLOCK LANGUAGE
mkdir -p "$HOME" "$MOTCUA_HOME/calendar"
own="$MOTCUA_HOME/calendar"
cd "$ROOT" || exit 1

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

# An installed motcua reads its own data folder, not the tree's ./config.
run doctor
printf '%s\n' "$out" | grep -q '^      folders .*\./config$' || {
	echo "this motcua has an installed data folder: not the tree's notices" >&2
	exit 77
}

# days YEAR LIST: the dates of LIST (days_off or working_days), one line
days() {
	printf '%s' "$out" | jq -r --arg l "$2" '[.[$l][].date] | join(" ")'
}

# expect_year YEAR OFF WORKING: calendar YEAR --json has exactly these days
expect_year() {
	run calendar "$1" --json
	[ "$rc" = 0 ] || fail "calendar $1 --json: exit $rc ($err)"
	[ -z "$err" ] || fail "calendar $1: a shipped notice warned: $err"
	got=$(days "$1" days_off)
	[ "$got" = "$2" ] || fail "calendar $1 days off:
  got  $got
  want $2"
	got=$(days "$1" working_days)
	[ "$got" = "$3" ] || fail "calendar $1 working days:
  got  $got
  want $3"
	# every day a notice set names its document
	bare=$(printf '%s' "$out" | jq -r \
		'[(.days_off[] | select(.kind == "override")), .working_days[]] |
		 map(select((.source // "") == "")) | map(.date) | join(" ")')
	[ -z "$bare" ] || fail "calendar $1: notice days without a document: $bare"
}

# --- the shipped notices ---------------------------------------------------------
# 2024: Tết off Thu 8/2 to Wed 14/2, Thu 15/2 working (8662/VPCP-KGVX);
# Mon 29/4 off, Sat 4/5 working (2450/VPCP-KGVX).
expect_year 2024 \
	"2024-01-01 2024-02-08 2024-02-09 2024-02-10 2024-02-11 2024-02-12 2024-02-13 2024-02-14 2024-04-18 2024-04-29 2024-04-30 2024-05-01 2024-09-02 2024-09-03" \
	"2024-02-15 2024-05-04"
src=$(printf '%s' "$out" | jq -r '.days_off[] | select(.date == "2024-02-08") | .source')
case $src in
*8662/VPCP-KGVX*) ;;
*) fail "2024-02-08 does not cite 8662/VPCP-KGVX: '$src'" ;;
esac
src=$(printf '%s' "$out" | jq -r '.working_days[] | select(.date == "2024-05-04") | .source')
case $src in
*2450/VPCP-KGVX*) ;;
*) fail "2024-05-04 does not cite 2450/VPCP-KGVX: '$src'" ;;
esac
# 2025 (6150/TB-BLĐTBXH): 27/1 off and 3/2 working; Fri 2/5 off, Sat 26/4
# working; National Day 1/9 + 2/9, 3/9 working.
expect_year 2025 \
	"2025-01-01 2025-01-27 2025-01-28 2025-01-29 2025-01-30 2025-01-31 2025-02-01 2025-04-07 2025-04-30 2025-05-01 2025-05-02 2025-09-01 2025-09-02" \
	"2025-02-03 2025-04-26 2025-09-03"
# 2026 (12729/VPCP-KGVX, 9441/TB-BNV): Fri 2/1 off, Sat 10/1 working; Tết
# 16-20/2; Mon 31/8 and 1/9 off, Sat 22/8 and 3/9 working.  No 24/11.
expect_year 2026 \
	"2026-01-01 2026-01-02 2026-02-16 2026-02-17 2026-02-18 2026-02-19 2026-02-20 2026-04-26 2026-04-27 2026-04-30 2026-05-01 2026-08-31 2026-09-01 2026-09-02" \
	"2026-01-10 2026-08-22 2026-09-03"
# 2027: nothing shipped, the statutory days (3/9 as the adjacent day)
run calendar 2027 --json
printf '%s' "$out" | jq -e '[.days_off[] | select(.kind == "override")] | length == 0' \
	> /dev/null || fail "calendar 2027: a notice day, but none ships: $out"

# --- the days counted -------------------------------------------------------------
run due --received '2024-02-07 09:00' --duration 1 --unit working-days
[ "$out" = "2024-02-15T09:00:00+07:00" ] || fail "due before Tết 2024: '$out' ($err)"
run due --received '2025-08-29 10:00' --duration 1 --unit working-days
[ "$out" = "2025-09-03T10:00:00+07:00" ] || fail "due before National Day 2025: '$out'"
run due --received '2026-01-09 10:00' --duration 1 --unit working-days
[ "$out" = "2026-01-10T10:00:00+07:00" ] || fail "due onto Saturday 10/1/2026: '$out'"
run due --received '2024-02-07 09:00' --duration 1 --unit working-days --explain
printf '%s\n' "$out" | grep -q '08/02/2024 không tính: .*Công văn 8662/VPCP-KGVX ngày 03/11/2023' ||
	fail "due --explain does not name the document of 8/2/2024: $out"

# --- the clerk's own notices ------------------------------------------------------------
# 2026: the clerk's copy with 24/11 added replaces the shipped file
jq '.days_off += [{"date": "2026-11-24", "name": "Ngày Văn hoá Việt Nam",
                   "source": "Công văn của UBND xã (thử nghiệm)"}]' \
	config/calendar/2026.json > "$own/2026.json" || fail "jq 2026.json"
run calendar 2026 --json
[ -z "$err" ] || fail "the clerk's 2026.json warned: $err"
printf '%s' "$out" | jq -e '.days_off[] | select(.date == "2026-11-24" and .kind == "override")' \
	> /dev/null || fail "the clerk's 2026-11-24 is not applied: $out"
# 2025: the clerk's file has no days: the shipped one is replaced whole
printf '{"year": 2025, "source": "của xã"}\n' > "$own/2025.json"
run calendar 2025 --json
[ "$(days 2025 working_days)" = "" ] || fail "2025: shipped working days kept beside the clerk's file"
printf '%s' "$out" | jq -e '[.days_off[].date] | (index("2025-01-27") == null) and
	(index("2025-09-03") != null)' > /dev/null ||
	fail "2025: the shipped notice still applies beside the clerk's file: $out"
# 2024: the clerk's file is broken: named, and the shipped notice applies
printf '{"year": 2024,\n "days_off": [{"date": "2024-02-30"}]}\n' > "$own/2024.json"
run calendar 2024 --json
case $err in
*"$own/2024.json:2: "*"2024-02-30"*"file ignored"*) ;;
*) fail "the clerk's broken 2024.json is not named with its line: $err" ;;
esac
[ "$(days 2024 working_days)" = "2024-02-15 2024-05-04" ] ||
	fail "2024: the shipped notice does not apply after the clerk's file was refused: $out"
rm -f "$own/2024.json"
# --calendar DIR: that folder alone (the shipped notices are not read)
mkdir -p "$tmp/empty"
run calendar 2024 --json --calendar "$tmp/empty"
[ "$(days 2024 working_days)" = "" ] || fail "--calendar DIR read the shipped notices too: $out"

# --- doctor, on the clock passed in -------------------------------------------------
export MOTCUA_TEST_CLOCK="$tmp/clock"
at() { date -d "$1" +%s > "$MOTCUA_TEST_CLOCK"; }

at '2026-12-05 10:00 +0700'
run doctor
# the clerk's 2025 and 2026, the shipped 2024
printf '%s\n' "$out" | grep -q "^ok    calendar     $own: 2 tệp thông báo; \./config/calendar: 1 tệp thông báo$" ||
	fail "doctor: the calendar folders: $out"
printf '%s\n' "$out" | grep -q "^ .*cảnh báo: chưa có lịch nghỉ năm 2027: .*$own/2027.json" ||
	fail "doctor on 5/12/2026 does not warn of 2027: $out"
printf '%s\n' "$out" | grep -q 'chưa có lịch nghỉ năm 2026' && fail "doctor warns of 2026: $out"
dups=$(printf '%s\n' "$out" | awk '$1 == "ok" || $1 == "FAIL" {print $2}' | sort | uniq -d)
[ -z "$dups" ] || fail "doctor gives two verdicts for: $dups"
LANGUAGE=en run doctor
printf '%s\n' "$out" | grep -q 'warning: no holiday notice for 2027 yet' ||
	fail "doctor in English: $out"

# before December: only the current year counts
at '2026-11-30 23:00 +0700'
run doctor
printf '%s\n' "$out" | grep -q 'chưa có lịch nghỉ' && fail "doctor warns before December: $out"
# in 2027 without its notice: this year's
at '2027-03-01 10:00 +0700'
run doctor
printf '%s\n' "$out" | grep -q 'chưa có lịch nghỉ năm 2027' || fail "doctor in March 2027: $out"
printf '%s\n' "$out" | grep -q 'năm 2028' && fail "doctor warns of 2028 in March: $out"
# the clerk adds 2027's notice: silence
printf '{"year": 2027, "source": "Thông báo (thử nghiệm)"}\n' > "$own/2027.json"
at '2026-12-05 10:00 +0700'
run doctor
printf '%s\n' "$out" | grep -q 'chưa có lịch nghỉ' && fail "doctor warns with 2027.json present: $out"

if [ "$failures" -ne 0 ]; then
	echo "calendar_notices.sh: $failures failure(s)"
	exit 1
fi
echo "calendar_notices.sh: all checks passed"
