#!/bin/sh
# tuphap: cursor feed, ETag/304, If-Match (428, 412), Idempotency-Key replay
# and reuse, a not-allowed action (409), a resumable upload that continues
# after an interruption, and return-result with the uploaded file.
. "$(dirname "$0")/lib/sandbox.sh"
sbx_start --seed 5 --dossiers 400 --now '2026-03-12 09:30' --speed 0
tok=$(sbx_token tuphap)
A="Authorization: Bearer $tok"
J="Content-Type: application/json"
base=/tuphap/api/v1

# The feed walks every tuphap dossier once.
cursor= total=0 pages=0
while :; do
	page=$(sbx_curl "$base/dossiers/changes?limit=37&cursor=$cursor" -H "$A")
	total=$((total + $(printf '%s' "$page" | jq '.items | length')))
	cursor=$(printf '%s' "$page" | jq -r .nextCursor)
	pages=$((pages + 1))
	[ "$(printf '%s' "$page" | jq .hasMore)" = true ] || break
	[ $pages -lt 100 ] || sbx_die "feed does not end"
done
sbx_eq "$total" "$(sbx_stat .sources.tuphap.dossiers)" "dossiers in the tuphap feed"
again=$(sbx_curl "$base/dossiers/changes?cursor=$cursor" -H "$A" | jq '.items | length')
sbx_eq "$again" 0 "changes after the last cursor"
sbx_match "$(sbx_curl "$base/dossiers/changes?limit=1" -H "$A" | jq -r '.items[0].submittedAt')" \
	'^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+07:00$' "ISO date with +07:00"

code=$(sbx_curl '/_control/dossiers?source=tuphap&status=1&limit=1' | jq -r '.dossiers[0].code')
etag=$(sbx_curl "$base/dossiers/$code" -H "$A" -D - -o /dev/null | tr -d '\r' | sed -n 's/^ETag: //Ip')
sbx_eq "$etag" '"1"' "ETag of a fresh dossier"
st=$(sbx_curl "$base/dossiers/$code" -H "$A" -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}')
sbx_eq "$st" 304 "If-None-Match with the current ETag"

act() { # act KEY IF-MATCH BODY -> prints "status body"
	sbx_curl "$base/dossiers/$code/actions" -H "$A" -H "$J" ${1:+-H "Idempotency-Key: $1"} \
		${2:+-H "If-Match: $2"} -d "$3" -w '\n%{http_code}'
}
r=$(act k0 "" '{"action":"receive"}'); sbx_eq "$(printf '%s' "$r" | tail -n1)" 428 "action without If-Match"
r=$(act k1 '"1"' '{"action":"receive"}')
sbx_eq "$(printf '%s' "$r" | tail -n1)" 200 "receive"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .status)" receiving "status after receive"
sbx_eq "$(sbx_stat .actions.applied)" 1 "applied after receive"

# The same key and body again: the first answer, nothing applied twice.
h=$(sbx_curl "$base/dossiers/$code/actions" -H "$A" -H "$J" -H 'Idempotency-Key: k1' -H 'If-Match: "1"' \
	-d '{"action":"receive"}' -D - -o /dev/null | tr -d '\r')
printf '%s' "$h" | grep -q '^HTTP/1.1 200' || sbx_die "replay is not 200: $h"
printf '%s' "$h" | grep -qi '^Idempotent-Replayed: true' || sbx_die "replay not marked"
sbx_eq "$(sbx_stat .actions.applied)" 1 "applied after a replay"
sbx_eq "$(sbx_stat .actions.duplicates_absorbed)" 1 "duplicates absorbed after a replay"
r=$(act k1 '"1"' '{"action":"forward"}'); sbx_eq "$(printf '%s' "$r" | tail -n1)" 422 "same key, other body"

# A stale ETag: 412 with the current dossier.
r=$(act k2 '"1"' '{"action":"forward"}')
sbx_eq "$(printf '%s' "$r" | tail -n1)" 412 "stale If-Match"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .current.version)" 2 "current version in the 412"
# Not allowed from "receiving": receive again with the right ETag.
r=$(act k3 '"2"' '{"action":"receive"}')
sbx_eq "$(printf '%s' "$r" | tail -n1)" 409 "receive twice"
printf '%s' "$r" | head -n1 | jq -e '.allowedActions | index("approve")' >/dev/null || sbx_die "no allowedActions"
r=$(act k4 '"2"' '{"action":"refuse"}'); sbx_eq "$(printf '%s' "$r" | tail -n1)" 409 "refuse after receive"
r=$(act k5 '"2"' '{"action":"approve"}'); sbx_eq "$(printf '%s' "$r" | tail -n1)" 200 "approve"

# A resumable upload, interrupted after the first chunk.
dd if=/dev/urandom of="$SBX_DIR/result.pdf" bs=1000 count=150 2>/dev/null
size=$(wc -c < "$SBX_DIR/result.pdf")
up=$(sbx_curl "$base/uploads" -H "$A" -H "$J" -d "{\"fileName\":\"giay-khai-sinh.pdf\",\"size\":$size}")
id=$(printf '%s' "$up" | jq -r .uploadId)
head -c 65536 "$SBX_DIR/result.pdf" > "$SBX_DIR/c1"
st=$(sbx_curl "$base/uploads/$id" -X PUT -H "$A" -H "Content-Range: bytes 0-65535/$size" \
	--data-binary @"$SBX_DIR/c1" -o /dev/null -w '%{http_code}')
sbx_eq "$st" 308 "first chunk"
# The client lost track: a chunk at the wrong offset is refused with the offset.
st=$(sbx_curl "$base/uploads/$id" -X PUT -H "$A" -H "Content-Range: bytes 0-65535/$size" \
	--data-binary @"$SBX_DIR/c1" -o /dev/null -w '%{http_code}')
sbx_eq "$st" 409 "chunk at a stale offset"
off=$(sbx_curl "$base/uploads/$id" -H "$A" | jq .offset)
sbx_eq "$off" 65536 "offset after the interruption"
tail -c +$((off + 1)) "$SBX_DIR/result.pdf" > "$SBX_DIR/c2"
fin=$(sbx_curl "$base/uploads/$id" -X PUT -H "$A" -H "Content-Range: bytes $off-$((size - 1))/$size" \
	--data-binary @"$SBX_DIR/c2")
sbx_eq "$(printf '%s' "$fin" | jq -r .sha256)" "$(sha256sum "$SBX_DIR/result.pdf" | cut -d' ' -f1)" "sha256 of the upload"
r=$(act k6 '"3"' '{"action":"return-result"}'); sbx_eq "$(printf '%s' "$r" | tail -n1)" 422 "return without files"
r=$(act k7 '"3"' "{\"action\":\"return-result\",\"resultFiles\":[\"$id\"]}")
sbx_eq "$(printf '%s' "$r" | tail -n1)" 200 "return-result"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r '.resultFiles[0]')" giay-khai-sinh.pdf "result file"
sbx_eq "$(sbx_stat .actions.applied)" 3 "applied in all"
sbx_eq "$(sbx_stat .actions.applied_more_than_once)" 0 "applied more than once"
sbx_stop || exit 1
echo "sandbox_tuphap: ok"
