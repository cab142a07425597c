#!/bin/sh
# fetch_resume.sh - `motcua fetch` downloads an nnmt attachment into the data
# folder (0600 file, 0700 folders) and, when the sandbox cuts the bodies, a
# .part is kept and the next runs resume it with Range until the file is
# complete; the bytes then equal a direct GET of the same URL.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 7 --dossiers 60 --now '2026-03-12 09:30' --speed 0 --faults 'nnmt:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync --source nnmt >/dev/null 2>&1 || sbx_die "sync nnmt failed"

# the nnmt dossier with the largest attachment over 1 MB
pick=""
for c in $("$M" inbox --json --source nnmt --limit 0 | jq -r '.[].code'); do
	"$M" show "$c" --json >"$SYNC_TMP/d.json" || continue
	n=$(jq '[.attachments[]? | select(.size_bytes > 1048576 or .size > 1048576)] | length' \
		"$SYNC_TMP/d.json")
	if [ "$n" -gt 0 ]; then
		pick=$c
		break
	fi
done
[ -n "$pick" ] || sbx_die "no nnmt dossier with an attachment over 1 MB"
jq '.attachments' "$SYNC_TMP/d.json" >"$SYNC_TMP/atts.json"
idx=$(jq '[.[] | (.size_bytes // .size)] | to_entries | max_by(.value) | .key + 1' "$SYNC_TMP/atts.json")
size=$(jq -r --argjson i "$idx" '.[$i - 1] | (.size_bytes // .size)' "$SYNC_TMP/atts.json")
url=$(jq -r --argjson i "$idx" '.[$i - 1] | (.url // .href)' "$SYNC_TMP/atts.json")
echo "dossier $pick attachment $idx: $size bytes at $url"

# ---- cut bodies: each run keeps a .part, the next resumes ------------------
sbx_curl /_control/faults -d 'spec=nnmt:cut=1' | jq -e .ok >/dev/null || sbx_die "faults"
runs=0
path=""
part_seen=0
while [ $runs -lt 40 ]; do
	runs=$((runs + 1))
	if path=$("$M" fetch "$pick" "$idx" -q 2>"$SYNC_TMP/fetch.err"); then
		break
	fi
	path=""
	ls "$MOTCUA_HOME/attachments/$pick/"*.part >/dev/null 2>&1 && part_seen=1
	grep -q 'chạy lại để tiếp tục' "$SYNC_TMP/fetch.err" ||
		{ cat "$SYNC_TMP/fetch.err"; sbx_die "fetch failed without saying how to go on"; }
	# after a few cut runs, let the rest through
	[ $runs -eq 3 ] && sbx_curl /_control/faults -d 'spec=nnmt:clear' >/dev/null
done
echo "runs: $runs, path: $path"
[ -n "$path" ] || sbx_die "fetch never completed"
[ "$part_seen" = 1 ] || sbx_die "no .part was kept after a cut body"
[ "$runs" -gt 1 ] || sbx_die "the cut faults did not cut anything"
sbx_eq "$(stat -c %s "$path")" "$size" "size of the downloaded file"
sbx_eq "$(stat -c %a "$path")" 600 "mode of the downloaded file"
sbx_eq "$(stat -c %a "$MOTCUA_HOME/attachments/$pick")" 700 "mode of the dossier's folder"
[ ! -e "$path.part" ] || sbx_die ".part left after completion"

# ---- the same bytes as a direct GET without Range -------------------------
tok=$(sbx_token nnmt)
case $url in
http*) full=$url ;;
/*) full=$SBX_URL$url ;;
*) full=$SBX_URL/nnmt/$url ;;
esac
curl -sS --max-time 60 -H "Authorization: Bearer $tok" -o "$SYNC_TMP/direct" "$full" ||
	sbx_die "direct GET failed"
cmp "$path" "$SYNC_TMP/direct" || sbx_die "resumed file differs from a direct GET"

# ---- already complete: a second fetch of a complete .part finishes at once --
out=$("$M" fetch "$pick" "$idx" -q -o "$SYNC_TMP/out") || sbx_die "fetch -o failed"
cmp "$out" "$SYNC_TMP/direct" || sbx_die "fetch -o differs"
echo "fetch_resume: ok"
