#!/bin/sh
# profile_onboard.sh - a second system motcua does not ship, with a shape
# unlike the five dialects and unlike profile_actions.sh's (issue 18),
# onboarded with a profile only (lib/yt_server.py):
#   - an API key in a header of its own, from the keyring (`motcua api-key
#     set`, read from stdin): without it, one line saying so;
#   - pages named only by a Link header (rel="next"), dates written
#     "dd-MM-yyyy HH:mm", statuses of its own, records nested in du-lieu.ho-so;
#   - every dossier read but the two whose status the profile does not know,
#     refused with their code; once the profile learns it, they come back;
#   - the detail's history, fees, receipt, payment and files, mapped by the
#     profile's lists;
#   - an error reply names the path and the server's words;
#   - a wrong date pattern: one line naming the file and the key.
. "$(dirname "$0")/lib/sandbox.sh"
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 not installed"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skip: jq not installed"; exit 77; }
command -v keyctl >/dev/null 2>&1 || { echo "skip: keyctl (keyutils) not installed"; exit 77; }
keyctl get_persistent @s >/dev/null 2>&1 || { echo "skip: no kernel persistent keyring"; exit 77; }
[ -n "${MOTCUA_BIN:-}" ] && [ -x "$MOTCUA_BIN" ] || { echo "skip: MOTCUA_BIN not set"; exit 77; }
M=$MOTCUA_BIN
LIB=$(cd "$(dirname "$0")/lib" && pwd)

T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-yt.XXXXXX")
# a name of this run: the keyring is the user's, shared by parallel runs
NAME=yt-$$
YT_PID=
cleanup() {
	"$M" api-key clear "$NAME" >/dev/null 2>&1
	if [ -n "$YT_PID" ]; then
		kill "$YT_PID" 2>/dev/null
		wait "$YT_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
die() {
	echo "FAIL: $*" >&2
	[ -s "$T/yt_server.err" ] && tail -n 15 "$T/yt_server.err" | sed 's/^/  yt: /' >&2
	exit 1
}
eq() { [ "$1" = "$2" ] || die "${3:-value}: expected '$2', got '$1'"; }

HOME=$T/home
MOTCUA_HOME=$T/motcua
XDG_CONFIG_HOME=$HOME/.config
XDG_DATA_HOME=$HOME/.local/share
MOTCUA_KEYRING=kernel
mkdir -p "$HOME" "$MOTCUA_HOME/sources.d"
export HOME MOTCUA_HOME XDG_CONFIG_HOME XDG_DATA_HOME MOTCUA_KEYRING
unset MOTCUA_ISSUER

# the key: random, in a file for the server, on stdin for motcua
od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$T/key"
. "$LIB/py_server.sh"
py_server yt_server "YT_KEY_FILE=$T/key"
YT_PID=$PY_PID
URL=$PY_URL
stats() { curl -sS --max-time 10 "$URL/_ctl/stats" | jq -r "$1"; }

profile() { # STATUS_MAP_EXTRA
	cat >"$MOTCUA_HOME/sources.d/yt.json" <<JSON
{
  "_comment": "Thẻ BHYT (thử): a key header, Link paging, dd-MM-yyyy HH:mm",
  "name": "$NAME",
  "dialect": "generic",
  "title": "Cấp thẻ BHYT (thử)",
  "base_url": "$URL",
  "auth": "api_key",
  "api_key_header": "X-Khoa-Truy-Cap",
  "date_format": "dd-MM-yyyy HH:mm",
  "pull": {
    "path": "/api/the",
    "paging": "next",
    "page_size": 3,
    "params": {"since": "tu", "size": "so"},
    "since_inclusive": true,
    "items": "du-lieu.ho-so"
  },
  "detail": {"path": "/api/the/{code}", "object": "ho-so"},
  "fields": {"code": "ma", "status": "tt", "applicant_name": "chu-the.ten",
             "procedure_name": "thu-tuc", "received_at": "nhan-luc",
             "updated_at": "sua-luc"},
  "status_map": {"MOI": 1, "DANG_XU_LY": 4, "XONG": 10$1},
  "lists": {
    "history": {"items": "lich-su", "at": "luc", "actor": "ai", "content": "viec",
                "status": "tt"},
    "attachments": {"items": "tep", "id": "ma", "name": "ten", "url": "duong-dan",
                    "size": "co"},
    "fees": {"items": "phi", "code": "ma", "name": "ten", "amount": "tien"},
    "receipts": {"items": "bien-lai", "number": "so", "series": "ky-hieu",
                 "amount": "tien", "issued_at": "luc"},
    "payment": {"state": "thanh-toan.tt", "channel": "thanh-toan.kenh",
                "values": {"DA_NOP": "paid", "CHUA_NOP": "pending"}}
  }
}
JSON
}
profile ""

# ---- no key yet: one line saying so ---------------------------------------------------
"$M" api-key status "$NAME" >/dev/null 2>&1 && die "a key is kept before it was set"
LANGUAGE=en "$M" sync >"$T/sync0.out" 2>"$T/sync0.err" && die "a sync without the key succeeded"
grep -q "$NAME refused access (HTTP 401): no API key in the keyring (motcua api-key set)" \
	"$T/sync0.out" "$T/sync0.err" ||
	die "the missing key is not said: $(cat "$T/sync0.out" "$T/sync0.err")"
eq "$(stats .no_key)" 1 "requests without the key"

# ---- the key from stdin, into the kernel keyring -----------------------------------------
LANGUAGE=en "$M" api-key set "$NAME" <"$T/key" >"$T/set.out" 2>&1 || die "api-key set: $(cat "$T/set.out")"
grep -q "kernel-keyring" "$T/set.out" || die "api-key set does not say where: $(cat "$T/set.out")"
"$M" api-key status "$NAME" >/dev/null || die "api-key status after set"

# ---- every dossier read, page by page through the Link header --------------------------
LANGUAGE=en "$M" sync --json >"$T/sync1.json" 2>"$T/sync1.err" || true
jq -e --arg n "$NAME" '.sources[] | select(.name == $n)' "$T/sync1.json" >/dev/null ||
	die "$NAME not in the sync: $(cat "$T/sync1.json" "$T/sync1.err")"
eq "$(jq --arg n "$NAME" '.sources[] | select(.name == $n) | .rejected' "$T/sync1.json")" 2 \
	"records refused for an unknown status"
grep -q "YT-0007" "$T/sync1.err" || die "the refused record is not named: $(cat "$T/sync1.err")"
"$M" inbox --json --source "$NAME" >"$T/inbox1.json"
eq "$(jq length "$T/inbox1.json")" 7 "dossiers read through the profile"
eq "$(jq '[.[] | select(.status == 4)] | length' "$T/inbox1.json")" 2 "being processed"
[ "$(stats .pages)" -ge 3 ] || die "the Link header was not followed: $(stats .pages) page(s)"
"$M" show YT-0003 --cached --json >"$T/s3.json"
eq "$(jq -r .applicant_name "$T/s3.json")" "Người Thử 3" "a nested field"
eq "$(jq -r .received_at "$T/s3.json")" "2026-12-01T08:03:00+07:00" "a date read with its pattern"

# ---- the whole dossier: history, fees, receipt, payment, files -------------------------
"$M" show YT-0002 --json >"$T/s2.json" 2>"$T/s2.err" || die "show: $(cat "$T/s2.err")"
eq "$(jq -r .detail_read "$T/s2.json")" read "the detail read from the system"
eq "$(jq '.history | length' "$T/s2.json")" 2 "history entries"
eq "$(jq -r '.history[0].actor' "$T/s2.json")" "Cán bộ Thử" "who acted"
eq "$(jq -r .fees_total "$T/s2.json")" 20000 "fees"
eq "$(jq -r .payment "$T/s2.json")" paid "payment state"
eq "$(jq -r .payment_channel "$T/s2.json")" "Chuyển khoản" "payment channel"
eq "$(jq -r '.receipts[0].series' "$T/s2.json")" 1C26TYT "receipt series"
eq "$(jq '.attachments | length' "$T/s2.json")" 1 "files"

# ---- a wrong key: the server refuses it, and the line says so ---------------------------
"$M" api-key clear "$NAME" >/dev/null
printf 'not-the-key\n' | "$M" api-key set "$NAME" >/dev/null
LANGUAGE=en "$M" sync >"$T/sync2.out" 2>"$T/sync2.err" && die "a sync with a wrong key succeeded"
grep -q "$NAME refused access (HTTP 401): its API key was refused" "$T/sync2.out" "$T/sync2.err" ||
	die "the refused key is not said: $(cat "$T/sync2.out" "$T/sync2.err")"
"$M" api-key set "$NAME" <"$T/key" >/dev/null

# ---- the profile learns the status: the refused records come back ----------------------
profile ', "TAM_DUNG": 5'
LANGUAGE=en "$M" sync >"$T/sync3.out" 2>"$T/sync3.err" || die "sync after the fix: $(cat "$T/sync3.err")"
"$M" inbox --json --source "$NAME" >"$T/inbox3.json"
eq "$(jq length "$T/inbox3.json")" 9 "dossiers after the profile learnt TAM_DUNG"
eq "$("$M" show YT-0007 --cached --json | jq .status)" 5 "a recovered record's status"

# ---- a wrong date pattern: one line naming the file and the key -------------------------
sed 's/"dd-MM-yyyy HH:mm"/"dd-MM-yy HH:mm"/; s/"name": "yt-[0-9]*"/"name": "yt2"/' \
	"$MOTCUA_HOME/sources.d/yt.json" >"$MOTCUA_HOME/sources.d/yt2.json"
LANGUAGE=en "$M" sync >/dev/null 2>"$T/sync4.err" || true
grep -q 'sources.d/yt2.json: date_format: required, one of' "$T/sync4.err" ||
	die "the bad pattern is not named: $(cat "$T/sync4.err")"
eq "$(grep -c 'yt2.json' "$T/sync4.err")" 1 "lines about yt2.json"
echo "profile_onboard: ok"
