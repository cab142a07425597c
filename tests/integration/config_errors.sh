#!/bin/sh
# A configuration that fails loudly and explains itself, and command lines
# refused with one line and exit 2:
#   - every command, the console included, refuses a malformed config.json,
#     a value of the wrong type, an unknown language, an unknown key (with
#     the closest known one): one line naming the file, the line and the key,
#     exit 2, nothing run on defaults;
#   - one rule for where config.json, sources.d/, calendar/ and
#     procedures.json are found (MOTCUA_HOME, XDG_CONFIG_HOME, --config), and
#     doctor names every folder it looked in and gives one verdict per file;
#   - act forward without --to, act reject without --reason, --source naming
#     no system, verify on missing files: one line, exit 2;
#   - the words are in one language: Vietnamese by default, English with
#     LANGUAGE or config.json.
set -u
M=${MOTCUA_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export MOTCUA_HOME="$T/home"
mkdir -p "$MOTCUA_HOME"
CFG=$MOTCUA_HOME/config.json

# run ARGS...: rc, out, err
run() {
	"$M" "$@" > "$T/out" 2> "$T/err" < /dev/null
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
# refused CONFIG PATTERN: every command says PATTERN in one line, exit 2
refused() {
	printf '%s\n' "$1" > "$CFG"
	for cmd in "inbox" "queue" "sync" "show H56.14-000000-00001" "act H56.14-000000-00001 receive" \
		"audit verify" "console"; do
		# shellcheck disable=SC2086
		run $cmd
		[ "$rc" = 2 ] || fail "$cmd with $1: exit $rc, want 2 ($err)"
		[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "$cmd with $1: not one line: $err"
		printf '%s' "$err" | grep -q -- "$2" || fail "$cmd with $1: '$err' lacks '$2'"
	done
	run doctor
	[ "$rc" = 2 ] || fail "doctor with $1: exit $rc, want 2"
	printf '%s' "$out" | grep -q "^FAIL  config .*$2" || fail "doctor with $1: $out"
	printf '%s' "$out" | grep -q "^ok    config" && fail "doctor says both FAIL and ok for config"
	printf '%s' "$out" | grep -q "^      folders .*$MOTCUA_HOME" || fail "doctor names no folder"
}
refused '{"lock_idle_minutes": "abc"}' \
	"config.json:1: \"lock_idle_minutes\" phải là số nguyên từ 0 đến 1440"
refused '{"language": "fr"}' "config.json:1: \"language\" phải là \"vi\" hoặc \"en\""
refused '{
  "lock_idle_minute": 5}' \
	"config.json:2: khóa \"lock_idle_minute\" không tồn tại (có phải ý bạn là \"lock_idle_minutes\"?)"
refused '{"issuer": "http://x",' "config.json:2: không phải JSON hợp lệ"
# a weekday's own hours and the deadline reading: the nested key named
refused '{"working_hours_by_day": {"sat": "7:30-11:30"}}' \
	"config.json:1: \"working_hours_by_day.sat\" phải là"
refused '{"deadline_reading": {"lunch_break": "noon"}}' \
	"config.json:1: \"deadline_reading.lunch_break\" phải là \"before\" hoặc \"after\""
refused '{"signing": {"tsa_ur": "http://tsa"}}' \
	"config.json:1: khóa \"signing.tsa_ur\" không tồn tại (có phải ý bạn là \"tsa_url\"?)"
# a file that is not the clerk's own is not read, and no file is quoted: a
# link to a secret file, or a broken file, never shows a word of it
printf 'secretword:x:0:\n' > "$T/secret"
rm -f "$CFG"
ln -s "$T/secret" "$CFG"
run inbox
[ "$rc" = 2 ] || fail "a symlinked config.json: exit $rc ($err)"
printf '%s' "$err" | grep -q "config.json: là liên kết tượng trưng" || fail "symlink: $err"
printf '%s' "$err" | grep -q secretword && fail "symlink: the target's content shown: $err"
rm -f "$CFG"
printf '{"issuer": secretword}\n' > "$CFG"
run inbox
[ "$rc" = 2 ] || fail "bad JSON: exit $rc"
printf '%s' "$err" | grep -q "config.json:1: không phải JSON hợp lệ" || fail "bad JSON: $err"
printf '%s' "$err" | grep -q secretword && fail "bad JSON: its content shown: $err"
mkdir -p "$T/sd/sources.d"
printf '{"name": secretword}\n' > "$T/sd/sources.d/p.json"
printf '{}\n' > "$T/sd/c.json"
run doctor --config "$T/sd/c.json"
printf '%s%s' "$out" "$err" | grep -q "p.json" || fail "a broken profile is not named: $out"
printf '%s%s' "$out" "$err" | grep -q secretword && fail "a broken profile is quoted: $out $err"
if [ "$(id -u)" = 0 ]; then
	printf '{}\n' > "$CFG"
	chown 65534 "$CFG"
	run inbox
	[ "$rc" = 2 ] || fail "a config.json owned by another user: exit $rc"
	printf '%s' "$err" | grep -q "config.json: thuộc về người dùng khác" || fail "owner: $err"
	rm -f "$CFG"
fi
# the same in English, asked for by LANGUAGE
printf '{"retention_days": 0}\n' > "$CFG"
LANGUAGE=en "$M" inbox > /dev/null 2> "$T/err"
[ $? = 2 ] || fail "LANGUAGE=en: exit"
grep -q '"retention_days" must be a whole number from 1 to 3650' "$T/err" ||
	fail "LANGUAGE=en: $(cat "$T/err")"
rm -f "$CFG"

# ---- one rule for where files are ----------------------------------------------------
# MOTCUA_HOME: its own files; --config: that file and its folder's sources.d/
mkdir -p "$T/other/sources.d" "$MOTCUA_HOME/calendar"
printf '{"language": "en"}\n' > "$T/other/alt.json"
run doctor --config "$T/other/alt.json"
printf '%s' "$out" | grep -q "^ok    config       $T/other/alt.json: read" || fail "--config: $out"
printf '%s' "$out" | grep -q "^ok    sources.d    $T/other/sources.d: 0 profiles" ||
	fail "--config's sources.d: $out"
printf '%s' "$out" | grep -q "^      folders      $T/other," || fail "--config's folder first: $out"
run doctor
printf '%s' "$out" | grep -q "^ok    calendar     $MOTCUA_HOME/calendar: 0" ||
	fail "MOTCUA_HOME's calendar: $out"
# XDG_CONFIG_HOME without MOTCUA_HOME: config.json, calendar/ and procedures.json there
X=$T/xdg
mkdir -p "$X/motcua/calendar"
printf '{"retention_days": 30}\n' > "$X/motcua/config.json"
cp "$(dirname "$0")/../../config/procedures.json" "$X/motcua/procedures.json" 2> /dev/null ||
	printf '{"procedures": []}\n' > "$X/motcua/procedures.json"
env -u MOTCUA_HOME HOME="$T/h" XDG_CONFIG_HOME="$X" XDG_DATA_HOME="$T/data" \
	"$M" doctor > "$T/out" 2>&1
out=$(cat "$T/out")
printf '%s' "$out" | grep -q "^ok    config       $X/motcua/config.json: " || fail "XDG config: $out"
printf '%s' "$out" | grep -q "^ok    calendar     $X/motcua/calendar: " || fail "XDG calendar: $out"
printf '%s' "$out" | grep -Eq "^(ok|FAIL) +procedures +.*$X/motcua/procedures.json" ||
	fail "XDG procedures: $out"
# one verdict per check
dups=$(printf '%s\n' "$out" | awk '$1 == "ok" || $1 == "FAIL" {print $2}' | sort | uniq -d)
[ -z "$dups" ] || fail "doctor gives two verdicts for: $dups"

# ---- command lines refused with one line, exit 2 -----------------------------------
one_line() { # PATTERN ARGS...: exit 2, one line on stderr with PATTERN
	pattern=$1
	shift
	run "$@"
	[ "$rc" = 2 ] || fail "$*: exit $rc, want 2 ($err)"
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "$*: not one line: $err"
	printf '%s' "$err" | grep -q -- "$pattern" || fail "$*: '$err' lacks '$pattern'"
}
one_line "chuyển hồ sơ cần đơn vị nhận" act H56.14-000000-00001 forward
one_line "thao tác 'refuse' cần lý do" act H56.14-000000-00001 reject
one_line "không có hệ thống 'tuphap'" inbox --source tuphap
one_line "không có hệ thống 'tuphap'" queue send --source tuphap
one_line "không đọc được $T/none.txt" verify "$T/none.txt" "$T/none.txt.p7s"
echo "config_errors: ok"
