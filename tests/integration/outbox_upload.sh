#!/bin/sh
# outbox_upload.sh - result files of queued actions are uploaded resumably:
# a 2 MB file returned on tuphap (and a smaller one on nnmt) over a 64 kbit/s
# link (bandwidth=8000) that drops connections and cuts answers, with motcua
# killed in the middle of the upload, gets through; later attempts continue
# from the offset the server reports instead of starting from zero (bytes
# sent stay well under twice the file), and the action names the upload.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
set -e

# --verbose: one line per request in $SBX_LOG, to see the first chunk land
sbx_start --seed 31 --dossiers 300 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear' --verbose
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"

t9=$(sbx_curl "/_control/dossiers?source=tuphap&status=9&limit=1" | jq -r '.dossiers[0].code')
n9=$(sbx_curl "/_control/dossiers?source=nnmt&status=9&limit=1" | jq -r '.dossiers[0].code')
big=$SYNC_TMP/giay-khai-sinh.pdf
small=$SYNC_TMP/ket-qua-do-dac.pdf
head -c 2097152 /dev/urandom >"$big"
head -c 300000 /dev/urandom >"$small"
"$M" act "$t9" return --file "$big" >/dev/null
"$M" act "$n9" return --file "$small" >/dev/null
expect_missing=$("$M" act "$t9" return --file "$SYNC_TMP/none.pdf" 2>&1 >/dev/null || true)
printf '%s' "$expect_missing" | grep -q "không đọc được tệp" || sbx_die "missing file: $expect_missing"

sbx_curl /_control/faults --data-urlencode \
	'spec=tuphap:bandwidth=8000,drop=0.15,cut=0.15;nnmt:bandwidth=8000,drop=0.15,cut=0.15' |
	jq -e .ok >/dev/null

# killed in the middle of the upload, once it has sent part of the file: as
# soon as the server has taken a chunk (64 KB of the 2 MB; 308 = more to come)
"$M" queue send --wait "$(slow 30)" --backoff-cap 1 --json >/dev/null 2>&1 &
pid=$!
i=0
until grep -Eq ' (PUT|PATCH) [^ ]*/uploads/[^ ]* -> 308' "$SBX_LOG"; do
	kill -0 "$pid" 2>/dev/null || break
	i=$((i + 1))
	[ $i -lt $(( 600 * SLOW )) ] || break
	sleep 0.1
done
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
"$M" queue --json | jq -e '.[0].state == "pending" or .[0].state == "sending"' >/dev/null ||
	sbx_die "after the kill: $("$M" queue --json)"

out_total=0
resumed=0
i=0
while :; do
	set +e
	"$M" queue send --wait "$(slow 60)" --backoff-cap 1 --json >"$SYNC_TMP/send.json" 2>>"$SYNC_TMP/send.err"
	rc=$?
	set -e
	out_total=$((out_total + $(jq .bytes_out "$SYNC_TMP/send.json")))
	resumed=$((resumed + $(jq .upload_resumed "$SYNC_TMP/send.json")))
	[ "$rc" = 0 ] && break
	i=$((i + 1))
	[ $i -lt 10 ] || { tail "$SYNC_TMP/send.err"; sbx_die "uploads did not finish"; }
done
echo "uploads: $(cat "$SYNC_TMP/send.json"); bytes out after the kill: $out_total, resumed $resumed"
sbx_eq "$("$M" queue --json | jq length)" 0 "open entries"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$t9" | jq -r .dossier.status)" 10 "tuphap returned"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$n9" | jq -r .dossier.status)" 10 "nnmt returned"
sbx_eq "$(sbx_stat .actions.applied)" 2 "applied"
sbx_eq "$(sbx_stat .actions.applied_more_than_once)" 0 "applied twice"
[ "$resumed" -gt 0 ] || sbx_die "no upload continued from a server offset"
# from zero every time would cost several times the file; resuming costs the
# lost chunks only
limit=$(( (2097152 + 300000) * 2 ))
[ "$out_total" -lt "$limit" ] || sbx_die "sent $out_total bytes for 2.4 MB of files"
tok=$(sbx_token tuphap)
sbx_curl "/tuphap/api/v1/dossiers/$t9" -H "Authorization: Bearer $tok" |
	jq -e '.resultFiles | index("giay-khai-sinh.pdf")' >/dev/null ||
	sbx_die "the result file is not on the dossier"
echo "outbox_upload: ok"
