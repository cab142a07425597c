#!/bin/sh
# congan: updated_since + offset paging, epoch-ms dates, gzip, version
# conflicts (409), a resent request absorbed by the version check, and the
# rate limit (429 + Retry-After).
. "$(dirname "$0")/lib/sandbox.sh"
sbx_start --seed 9 --dossiers 400 --now '2026-03-12 09:30' --speed 0 --faults 'congan:ratelimit=0'
tok=$(sbx_token congan)
A="Authorization: Bearer $tok"
base=/congan/api/v2

first=$(sbx_curl "$base/records?limit=200" -H "$A" --compressed)
total=$(printf '%s' "$first" | jq .paging.total)
sbx_eq "$total" "$(sbx_stat .sources.congan.dossiers)" "paging.total"
seen=0 offset=0
while :; do
	page=$(sbx_curl "$base/records?updated_since=0&offset=$offset&limit=40" -H "$A" --compressed)
	n=$(printf '%s' "$page" | jq '.data | length')
	seen=$((seen + n)); offset=$((offset + n))
	[ "$(printf '%s' "$page" | jq .paging.has_more)" = true ] || break
done
sbx_eq "$seen" "$total" "records seen by offset paging"
last=$(printf '%s' "$first" | jq '[.data[].updated_at] | max')
sbx_match "$last" '^1[0-9]{12}$' "updated_at in epoch ms"
after=$(sbx_curl "$base/records?updated_since=$last" -H "$A" --compressed | jq '.data | length')
[ "$after" -lt "$total" ] || sbx_die "updated_since did not filter"

enc=$(sbx_curl "$base/records?limit=5" -H "$A" -H 'Accept-Encoding: gzip' -D - -o "$SBX_DIR/gz" | tr -d '\r' | sed -n 's/^Content-Encoding: //Ip')
sbx_eq "$enc" gzip "Content-Encoding"
gzip -dc < "$SBX_DIR/gz" | jq -e .data >/dev/null || sbx_die "gzip body does not inflate to JSON"

code=$(sbx_curl '/_control/dossiers?source=congan&status=4&limit=1' | jq -r '.dossiers[0].code')
rec=$(sbx_curl "$base/records/$code" -H "$A" --compressed)
sbx_eq "$(printf '%s' "$rec" | jq .status_code)" 200 "status_code of a dossier being processed"
v=$(printf '%s' "$rec" | jq .version)
post() { sbx_curl "$base/records/$code/transitions" -H "$A" --compressed -H 'Content-Type: application/json' -d "$1" -w '\n%{http_code}'; }
r=$(post "{\"action\":\"forward\",\"request_id\":\"q1\"}"); sbx_eq "$(printf '%s' "$r" | tail -n1)" 400 "missing version"
r=$(post "{\"action\":\"request-supplement\",\"version\":$v,\"request_id\":\"q1\",\"reason\":\"Thiếu hợp đồng thuê nhà\"}")
sbx_eq "$(printf '%s' "$r" | tail -n1)" 200 "request-supplement"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq .status_code)" 210 "status_code after request-supplement"
# The client resends (lost answer): the stale version absorbs it.
r=$(post "{\"action\":\"request-supplement\",\"version\":$v,\"request_id\":\"q1\",\"reason\":\"Thiếu hợp đồng thuê nhà\"}")
sbx_eq "$(printf '%s' "$r" | tail -n1)" 409 "resent request"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .error.code)" VERSION_CONFLICT "error code"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq .error.current_version)" $((v + 1)) "current_version"
sbx_eq "$(sbx_stat .actions.duplicates_absorbed)" 1 "duplicates absorbed"
r=$(post "{\"action\":\"approve\",\"version\":$((v + 1)),\"request_id\":\"q2\"}")
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .error.code)" INVALID_TRANSITION "approve while waiting for a supplement"
r=$(post "{\"action\":\"stop\",\"version\":$((v + 1)),\"request_id\":\"q3\"}")
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .error.code)" REASON_REQUIRED "stop without reason"

# Rate limit: 3 per second, then 429 with Retry-After.  Six requests go on
# one connection (one curl) so they fit in a second even on a loaded
# machine; a round that straddles the second's edge is tried again.
sbx_curl /_control/faults -d 'spec=congan:ratelimit=3' | jq -e .ok >/dev/null
u="$SBX_URL$base/records?limit=1"
got429=0
round=0
while [ $got429 = 0 ] && [ $round -lt 10 ]; do
	h=$(curl -sS --max-time 30 -H "$A" -D - -o /dev/null "$u" -o /dev/null "$u" \
		-o /dev/null "$u" -o /dev/null "$u" -o /dev/null "$u" -o /dev/null "$u" | tr -d '\r')
	if printf '%s\n' "$h" | grep -q '^HTTP/1.1 429'; then
		printf '%s\n' "$h" | grep -A8 '^HTTP/1.1 429' | grep -q '^Retry-After: 1' ||
			sbx_die "429 without Retry-After"
		got429=1
	fi
	round=$((round + 1))
done
sbx_eq "$got429" 1 "429 after the rate limit"
sbx_eq "$(sbx_stat .actions.applied_more_than_once)" 0 "applied more than once"
sbx_stop || exit 1
echo "sandbox_congan: ok"
