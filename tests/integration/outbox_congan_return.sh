#!/bin/sh
# outbox_congan_return.sh - "return result" on congan, whose transitions take
# the result files inline (`result_files`: name + base64 content): a queued
# return with --file reaches the server with the file and the dossier is
# returned (status 10); a file missing at `act` time is refused at once; a
# file removed or grown past the 10 MB inline cap after queueing ends the
# entry `failed` with a message naming the file, and nothing is applied.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 41 --dossiers 400 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"
set -e # after sync_login: its poll of the login output may fail at first

codes=$(sbx_curl "/_control/dossiers?source=congan&status=9&limit=3" | jq -r '.dossiers[].code')
set -- $codes
[ $# = 3 ] || sbx_die "need 3 congan dossiers in status 9, got: $codes"
ok=$1 gone=$2 big=$3
status_at() { sbx_curl "/_control/dossiers?code=$1" | jq -r '.dossier.status'; }

file=$SYNC_TMP/xac-nhan-cu-tru.pdf
head -c 150000 /dev/urandom >"$file"
"$M" act "$ok" return --file "$file" >/dev/null

# missing at act time: refused at once, nothing queued
err=$("$M" act "$gone" return --file "$SYNC_TMP/none.pdf" 2>&1 >/dev/null || true)
printf '%s' "$err" | grep -q "không đọc được tệp" || sbx_die "missing file at act: $err"

# removed after queueing, or grown past the inline cap: failed, file named
tmp=$SYNC_TMP/se-xoa.pdf
printf 'tam' >"$tmp"
"$M" act "$gone" return --file "$tmp" >/dev/null
rm -f "$tmp"
huge=$SYNC_TMP/qua-lon.pdf
printf 'nho' >"$huge"
"$M" act "$big" return --file "$huge" >/dev/null
head -c 10485761 /dev/zero >"$huge"
sbx_eq "$("$M" queue --json | jq length)" 3 "queued"

"$M" queue send --wait "$(slow 10)" --json >"$SYNC_TMP/send.json" 2>/dev/null || true

sbx_eq "$(status_at "$ok")" 10 "congan dossier returned"
sbx_eq "$(sbx_stat .actions.applied)" 1 "applied"
sbx_eq "$(status_at "$gone")" 9 "status with the file removed"
sbx_eq "$(status_at "$big")" 9 "status with the file over the cap"
all=$("$M" queue --all --json)
printf '%s' "$all" | jq -e --arg c "$ok" '[.[] | select(.dossier == $c)][0].state == "done"' \
	>/dev/null || sbx_die "returned entry: $all"
# the entry says why: a code and the file for scripts, a sentence for people
entry() { printf '%s' "$all" | jq -r --arg c "$1" "[.[] | select(.dossier == \$c)][0] | $2"; }
sbx_eq "$(entry "$gone" '.state + " " + .error.code + " " + .error.field')" \
	"failed file se-xoa.pdf" "removed file"
sbx_match "$(entry "$gone" .last_error)" "^không đọc được tệp 'se-xoa.pdf'" "removed file: words"
sbx_eq "$(entry "$big" '.state + " " + .error.code + " " + .error.field')" \
	"failed too-large qua-lon.pdf" "file over the cap"
sbx_match "$(LANGUAGE=en "$M" queue --all --json | jq -r --arg c "$big" \
	'[.[] | select(.dossier == $c)][0].last_error')" \
	"^the result file 'qua-lon.pdf' is over 10 MB, the most congan takes" "file over the cap: words"

# the local copy follows the server after a sync
"$M" sync >/dev/null 2>&1 || sbx_die "second sync failed"
sbx_eq "$("$M" show "$ok" --json | jq -r .status)" 10 "local status after sync"
echo "outbox_congan_return: ok"
