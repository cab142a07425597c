#!/bin/sh
# profile_actions.sh - a system motcua does not ship, onboarded with a
# profile only (issue 18), actions included.  The system is a small server of
# its own (lib/xa_server.py: data.records, kebab-case names, epoch seconds,
# its own statuses, 201/409/422, an Idempotency-Key on receive, none on
# refuse), and the profile in sources.d is all motcua knows of it:
#   - the pull reads every dossier, statuses mapped;
#   - `act CODE receive` queues; `sync` sends it exactly once;
#   - an action the profile does not describe is refused at `act` time with
#     one line naming the profile and the action, and nothing is queued;
#   - the server's version moved: a conflict in `motcua queue`;
#   - a 422 with the server's words: refused, with those words;
#   - kill -9 of a replay while the answer is on its way: sent once all the
#     same, by the key (receive) and by reading the dossier first (refuse);
#   - a wrong profile: one line naming the file and the key.
. "$(dirname "$0")/lib/sandbox.sh"
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 not installed"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skip: jq not installed"; exit 77; }
[ -n "${MOTCUA_BIN:-}" ] && [ -x "$MOTCUA_BIN" ] || { echo "skip: MOTCUA_BIN not set"; exit 77; }
M=$MOTCUA_BIN
LIB=$(cd "$(dirname "$0")/lib" && pwd)

T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-xa.XXXXXX")
XA_PID=
SEND_PID=
cleanup() {
	[ -n "$SEND_PID" ] && kill -9 "$SEND_PID" 2>/dev/null
	if [ -n "$XA_PID" ]; then
		kill "$XA_PID" 2>/dev/null
		wait "$XA_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
die() {
	echo "FAIL: $*" >&2
	[ -s "$T/xa_server.err" ] && tail -n 15 "$T/xa_server.err" | sed 's/^/  xa: /' >&2
	exit 1
}
eq() { [ "$1" = "$2" ] || die "${3:-value}: expected '$2', got '$1'"; }

HOME=$T/home
MOTCUA_HOME=$T/motcua
XDG_CONFIG_HOME=$HOME/.config
XDG_DATA_HOME=$HOME/.local/share
mkdir -p "$HOME" "$MOTCUA_HOME/sources.d"
export HOME MOTCUA_HOME XDG_CONFIG_HOME XDG_DATA_HOME
unset MOTCUA_ISSUER

. "$LIB/py_server.sh"
py_server xa_server
XA_PID=$PY_PID
URL=$PY_URL
xa() { curl -sS --max-time 10 "$@"; }
stat() { xa "$URL/_ctl/stats" | jq -r "$1"; }

cat >"$MOTCUA_HOME/sources.d/xa.json" <<JSON
{
  "_comment": "Hệ thống một cửa của xã: a shape of its own (lib/xa_server.py)",
  "name": "xa",
  "dialect": "generic",
  "title": "Hệ thống một cửa xã (thử)",
  "base_url": "$URL",
  "auth": "none",
  "date_format": "epoch_s",
  "pull": {
    "path": "/hs-api/v2/danh-sach",
    "paging": "page",
    "page_size": 5,
    "params": {"page": "trang", "size": "co", "since": "tu"},
    "since_inclusive": true,
    "items": "data.records",
    "more": "data.con-nua",
    "success": {"path": "trang-thai-yeu-cau", "equals": "ok"}
  },
  "detail": {"path": "/hs-api/v2/ho-so/{code}", "object": "data.record"},
  "fields": {"code": "ma-hs", "status": "tinh-trang", "applicant_name": "nguoi-nop.ho-ten",
             "applicant_id": "nguoi-nop.so-dinh-danh", "procedure_code": "thu-tuc.ma",
             "procedure_name": "thu-tuc.ten", "unit": "don-vi", "updated_at": "cap-nhat",
             "version": "phien-ban"},
  "status_map": {"cho-tiep-nhan": 1, "da-tiep-nhan": 2, "tu-choi": 3, "dang-xu-ly": 4},
  "actions": {
    "receive": {
      "_comment": "the server replays its answer for a key it has seen",
      "method": "POST",
      "path": "/hs-api/v2/ho-so/{code}/tiep-nhan",
      "body": {"phien-ban": "{version_int}", "nguoi-xu-ly": "{actor}", "ghi-chu": "{reason}"},
      "version": "body",
      "idempotency_header": "Idempotency-Key",
      "answer": {"applied": [201], "conflict": [409], "refused": [400, 404, 422],
                 "message": "loi.thong-diep", "dossier": "data.record",
                 "result": {"path": "ket-qua", "applied": "xong"}}
    },
    "refuse": {
      "path": "/hs-api/v2/ho-so/{code}/tu-choi",
      "body": {"ly-do": "{reason}", "ma-yeu-cau": "{key}"},
      "answer": {"message": "loi.thong-diep", "dossier": "data.record"}
    }
  }
}
JSON

# ---- every dossier read -----------------------------------------------------------
LANGUAGE=en "$M" sync --json >"$T/sync1.json" 2>"$T/sync1.err" ||
	{ cat "$T/sync1.err" "$T/sync1.json"; die "first sync"; }
jq -e '.sources[] | select(.name == "xa") | .ok' "$T/sync1.json" >/dev/null ||
	die "xa not synced: $(cat "$T/sync1.json")"
"$M" inbox --json --source xa >"$T/inbox1.json"
eq "$(jq length "$T/inbox1.json")" 12 "dossiers read through the profile"
eq "$(jq '[.[] | select(.status == 1)] | length' "$T/inbox1.json")" 8 "waiting to be received"
eq "$(jq '[.[] | select(.status == 4)] | length' "$T/inbox1.json")" 4 "being processed"
eq "$("$M" show XA-0003 --json | jq -r .applicant_name)" "Người Nộp 3" "a nested field"

# ---- an action the profile does not describe: refused at act time -----------------
rc=0
LANGUAGE=en "$M" act XA-0009 approve >"$T/act.out" 2>"$T/act.err" || rc=$?
[ "$rc" != 0 ] || die "an undescribed action was accepted"
eq "$(wc -l <"$T/act.err" | tr -d ' ')" 1 "lines of the refusal"
grep -q "sources.d/xa.json" "$T/act.err" || die "the refusal does not name the profile: $(cat "$T/act.err")"
grep -q "'approve'" "$T/act.err" || die "the refusal does not name the action: $(cat "$T/act.err")"
echo "refusal: $(cat "$T/act.err")"
eq "$("$M" queue --all --json | jq length)" 0 "entries queued by the refused act"
eq "$("$M" show XA-0009 --json | jq .status)" 4 "status after the refused act"

# ---- receive, sent exactly once -----------------------------------------------------
"$M" act XA-0001 receive >/dev/null || die "act receive"
eq "$("$M" show XA-0001 --json | jq .status)" 2 "optimistic effect"
LANGUAGE=en "$M" sync >"$T/sync2.out" 2>"$T/sync2.err" || { cat "$T/sync2.err"; die "sync with a queued receive"; }
eq "$(stat '.applied["XA-0001"]')" 1 "receive applied at the server"
eq "$(stat '[.keys[] | .[0]] | add')" 1 "applications per key"
eq "$("$M" queue --json | jq length)" 0 "open entries after the send"
eq "$("$M" show XA-0001 --json | jq -r '.status, .version' | paste -sd' ')" "2 2" \
	"the server's status and version"

# ---- the server's version moved: a conflict -------------------------------------------
"$M" act XA-0002 receive >/dev/null || die "act receive XA-0002"
xa -X POST "$URL/_ctl/bump?code=XA-0002" >/dev/null
LANGUAGE=en "$M" queue send --wait "$(slow 20)" >/dev/null 2>&1 || true
"$M" queue --all --json >"$T/q.json"
eq "$(jq -r '.[] | select(.dossier == "XA-0002") | .state' "$T/q.json")" conflict "after the version moved"
eq "$(jq -r '.[] | select(.dossier == "XA-0002") | .error.code' "$T/q.json")" conflict "its error"
eq "$(stat '.applied["XA-0002"] // 0')" 0 "applied despite the conflict"

# ---- refused with the server's words -------------------------------------------------
xa -X POST "$URL/_ctl/refuse?code=XA-0003" >/dev/null
"$M" act XA-0003 receive >/dev/null || die "act receive XA-0003"
LANGUAGE=en "$M" queue send --wait "$(slow 20)" >/dev/null 2>&1 || true
"$M" queue --all --json >"$T/q.json"
eq "$(jq -r '.[] | select(.dossier == "XA-0003") | .state' "$T/q.json")" failed "a 422"
jq -r '.[] | select(.dossier == "XA-0003") | .last_error' "$T/q.json" | grep -q "Hồ sơ thiếu bản sao CCCD" ||
	die "the server's words are not kept: $(jq -c '.[] | select(.dossier == "XA-0003")' "$T/q.json")"
echo "refused: $(jq -r '.[] | select(.dossier == "XA-0003") | .last_error' "$T/q.json")"

# ---- kill -9 of a replay while the answer is on its way ----------------------------------
# KEY: the entry is resent with its key and the server replays its answer;
# PROBE (refuse has no key): the dossier is read, shows the action applied,
# and nothing is sent again.
killed_send() { # CODE ACTION [ARGS...]: queue, send, kill -9 once applied, send again
	code=$1
	shift
	"$M" act "$code" "$@" >/dev/null || die "act $code $*"
	xa -X POST "$URL/_ctl/hold?s=$(slow 5)" >/dev/null
	"$M" queue send --wait "$(slow 30)" >/dev/null 2>&1 &
	SEND_PID=$!
	i=0
	while [ "$(stat ".applied[\"$code\"] // 0")" = 0 ]; do
		i=$((i + 1))
		[ $i -lt $((100 * SLOW)) ] || die "$code: never reached the server"
		sleep 0.1
	done
	kill -9 "$SEND_PID"
	wait "$SEND_PID" 2>/dev/null
	SEND_PID=
	eq "$("$M" queue --json | jq -r ".[] | select(.dossier == \"$code\") | .state")" sending \
		"$code after the kill"
	xa -X POST "$URL/_ctl/hold?s=0" >/dev/null
	LANGUAGE=en "$M" queue send --wait "$(slow 30)" >"$T/send.out" 2>"$T/send.err" ||
		{ cat "$T/send.err"; "$M" queue --all --json; die "$code: send after the kill"; }
	eq "$(stat ".applied[\"$code\"]")" 1 "$code: applications after kill -9 and replay"
	eq "$("$M" queue --all --json | jq -r ".[] | select(.dossier == \"$code\") | .state")" done \
		"$code: its entry"
}
killed_send XA-0004 receive
eq "$(stat '.requests["XA-0004/tiep-nhan"]')" 2 "XA-0004: resent with its key"
eq "$(stat '[.keys[] | select(.[1] == 2) | .[0]] | add')" 1 "applications of the resent key"
eq "$("$M" show XA-0004 --json | jq .status)" 2 "XA-0004 received"
killed_send XA-0005 refuse --reason "Sai thủ tục"
eq "$(stat '.requests["XA-0005/tu-choi"]')" 1 "XA-0005: read, not resent"
eq "$("$M" show XA-0005 --json | jq .status)" 3 "XA-0005 refused"

# ---- a wrong profile: one line naming the file and the key ------------------------------
sed 's/"receive": {/"recieve": {/; s/"name": "xa"/"name": "xa2"/' \
	"$MOTCUA_HOME/sources.d/xa.json" >"$MOTCUA_HOME/sources.d/xa2.json"
sed 's/"{reason}"/"{ly_do}"/; s/"name": "xa"/"name": "xa3"/' \
	"$MOTCUA_HOME/sources.d/xa.json" >"$MOTCUA_HOME/sources.d/xa3.json"
LANGUAGE=en "$M" sync >/dev/null 2>"$T/sync3.err" || true
cat "$T/sync3.err"
grep -q 'sources.d/xa2.json: actions: unknown action "recieve"' "$T/sync3.err" ||
	die "the misspelt action is not named: $(cat "$T/sync3.err")"
grep -q 'sources.d/xa3.json: actions.receive.body: unknown placeholder {ly_do}' "$T/sync3.err" ||
	die "the unknown placeholder is not named: $(cat "$T/sync3.err")"
eq "$(grep -c 'xa2.json' "$T/sync3.err")" 1 "lines about xa2.json"
echo "profile_actions: ok"
