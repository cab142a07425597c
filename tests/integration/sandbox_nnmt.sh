#!/bin/sh
# nnmt: page numbers, UTC dates, attachments with Range (206, 416, bytes
# that add up), X-Request-Id idempotency, revision conflicts, the default
# slowness and the planned maintenance window (503 + Retry-After).
. "$(dirname "$0")/lib/sandbox.sh"
sbx_start --seed 3 --dossiers 400 --now '2026-03-12 09:30' --speed 0
tok=$(sbx_token nnmt)
A="Authorization: Bearer $tok"
base=/nnmt/api/v2

# Slow by default (300-800 ms).
ms=$(sbx_curl "$base/dossiers?page_size=1" -H "$A" -o /dev/null -w '%{time_total}' | awk '{printf "%d", $1 * 1000}')
[ "$ms" -ge 290 ] || sbx_die "nnmt answered in $ms ms, expected >= 300"
sbx_curl /_control/faults -d 'spec=nnmt:latency=0' | jq -e .ok >/dev/null

p1=$(sbx_curl "$base/dossiers?page=1&page_size=10" -H "$A")
total=$(printf '%s' "$p1" | jq .total_items)
sbx_eq "$total" "$(sbx_stat .sources.nnmt.dossiers)" "total_items"
pages=$(printf '%s' "$p1" | jq .total_pages)
sbx_eq "$pages" $(((total + 9) / 10)) "total_pages"
lastn=$(sbx_curl "$base/dossiers?page=$pages&page_size=10" -H "$A" | jq '.items | length')
sbx_eq "$lastn" $((total - (pages - 1) * 10)) "items on the last page"
sbx_match "$(printf '%s' "$p1" | jq -r .items[0].dates.submitted)" 'Z$' "UTC date"

href=$(sbx_curl '/_control/dossiers?source=nnmt&limit=1' | jq -r '.dossiers[0].code')
href=$(sbx_curl "$base/dossiers/$href" -H "$A" | jq -r '.attachments | max_by(.size) | .href')
size=$(sbx_curl "$href" -H "$A" -o "$SBX_DIR/full" -w '%{size_download}')
[ "$size" -gt 1000000 ] || sbx_die "the largest land attachment is only $size bytes"
h=$(sbx_curl "$href" -H "$A" -H 'Range: bytes=0-99999' -D - -o "$SBX_DIR/a" | tr -d '\r')
printf '%s' "$h" | grep -q '^HTTP/1.1 206' || sbx_die "no 206 for a range"
printf '%s' "$h" | grep -q "^Content-Range: bytes 0-99999/$size" || sbx_die "bad Content-Range: $h"
sbx_curl "$href" -H "$A" -H 'Range: bytes=100000-' -o "$SBX_DIR/b"
cat "$SBX_DIR/a" "$SBX_DIR/b" | cmp -s - "$SBX_DIR/full" || sbx_die "ranges do not add up to the file"
st=$(sbx_curl "$href" -H "$A" -H "Range: bytes=$size-" -o /dev/null -w '%{http_code}')
sbx_eq "$st" 416 "range past the end"

code=$(sbx_curl '/_control/dossiers?source=nnmt&status=2&limit=1' | jq -r '.dossiers[0].code')
rev=$(sbx_curl "$base/dossiers/$code" -H "$A" | jq .revision)
post() { sbx_curl "$base/dossiers/$code/transitions" -H "$A" -H 'Content-Type: application/json' -H "X-Request-Id: $1" -d "$2" -D "$SBX_DIR/h" -w '\n%{http_code}'; }
r=$(post id1 "{\"transition\":\"FORWARD\",\"revision\":$rev}")
sbx_eq "$(printf '%s' "$r" | tail -n1)" 200 "FORWARD"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .state.code)" IN_PROGRESS "state after FORWARD"
r=$(post id1 "{\"transition\":\"FORWARD\",\"revision\":$rev}")
sbx_eq "$(printf '%s' "$r" | tail -n1)" 200 "replayed FORWARD"
grep -qi '^X-Idempotent-Replay: true' "$SBX_DIR/h" || sbx_die "replay not marked"
sbx_eq "$(sbx_stat .actions.applied)" 1 "applied after a replay"
sbx_eq "$(sbx_stat .actions.duplicates_absorbed)" 1 "absorbed after a replay"
r=$(post id2 "{\"transition\":\"APPROVE\",\"revision\":$rev}")
sbx_eq "$(printf '%s' "$r" | tail -n1)" 409 "stale revision"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r '.errors[0].code')" REVISION_MISMATCH "error code"
r=$(post id3 '{"transition":"RECEIVE"}')
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r '.errors[0].code')" TRANSITION_NOT_ALLOWED "RECEIVE while in progress"

# Maintenance: an unplanned window now, then the nightly one.
sbx_curl /_control/maintenance -d source=nnmt -d seconds=120 | jq -e .ok >/dev/null
h=$(sbx_curl "$base/dossiers" -H "$A" -D - -o /dev/null | tr -d '\r')
printf '%s' "$h" | grep -q '^HTTP/1.1 503' || sbx_die "no 503 during maintenance"
sbx_match "$(printf '%s' "$h" | sed -n 's/^Retry-After: //p')" '^1[0-2][0-9]$' "Retry-After"
sbx_curl /_control/maintenance -d source=nnmt -d seconds=0 | jq -e .ok >/dev/null
sbx_curl /_control/clock -d 'to=2026-03-12 23:10' | jq -e .ok >/dev/null
tok=$(sbx_token nnmt)
h=$(sbx_curl "$base/dossiers" -H "Authorization: Bearer $tok" -D - -o /dev/null | tr -d '\r')
printf '%s' "$h" | grep -q '^HTTP/1.1 503' || sbx_die "no 503 in the nightly window"
sbx_eq "$(printf '%s' "$h" | sed -n 's/^Retry-After: //p')" 1200 "Retry-After until 23:30"
sbx_stop || exit 1
echo "sandbox_nnmt: ok"
