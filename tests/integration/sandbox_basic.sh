#!/bin/sh
# motcua-sandbox as a program: usage and exit codes, the ready line, the
# same data for the same seed, the control API's statistics, and every system
# refusing a token meant for another (401).
. "$(dirname "$0")/lib/sandbox.sh"
sbx_require
B=$MOTCUA_SANDBOX_BIN

"$B" --help | grep -q -- '--dossiers' || sbx_die "--help does not describe --dossiers"
"$B" --bogus >/dev/null 2>&1; sbx_eq $? 2 "exit status for an unknown option"
"$B" --seed x >/dev/null 2>&1; sbx_eq $? 2 "exit status for a bad --seed"
"$B" --faults 'nowhere:latency=1' >/dev/null 2>&1; sbx_eq $? 2 "exit status for a bad --faults"
"$B" --scenario nope >/dev/null 2>&1; sbx_eq $? 2 "exit status for an unknown scenario"

# Same seed, same data; another seed, other data.
sbx_start --seed 11 --dossiers 300 --now '2026-03-12 09:30'
a=$(sbx_curl '/_control/dossiers?limit=50' | jq -c '[.dossiers[] | [.code, .status, .due_at]]')
n=$(sbx_stat .distinct_dossiers)
sbx_eq "$n" 300 "distinct_dossiers"
sum=$(sbx_curl /_control/stats | jq '[.sources.tuphap.dossiers, .sources.congan.dossiers, .sources.nnmt.dossiers, .sources.tinh.dossiers] | add')
sbx_eq "$sum" 300 "dossiers of the four handling systems"
coord=$(sbx_stat .sources.dvcqg.dossiers)
[ "$coord" -gt 20 ] && [ "$coord" -lt 150 ] || sbx_die "dvcqg should hold a share of the dossiers, has $coord"
mism=$(sbx_stat .sources.dvcqg.status_mismatch)
[ "$mism" -gt 0 ] || sbx_die "dvcqg should lag behind on some dossiers"
sbx_stop || exit 1

sbx_start --seed 11 --dossiers 300 --now '2026-03-12 09:30'
b=$(sbx_curl '/_control/dossiers?limit=50' | jq -c '[.dossiers[] | [.code, .status, .due_at]]')
sbx_eq "$b" "$a" "data for the same seed"
sbx_stop || exit 1
sbx_start --seed 12 --dossiers 300 --now '2026-03-12 09:30'
c=$(sbx_curl '/_control/dossiers?limit=50' | jq -c '[.dossiers[] | [.code, .status, .due_at]]')
[ "$c" != "$a" ] || sbx_die "another seed gave the same data"

# Every status 1..10 occurs.
for s in 1 2 3 4 5 6 7 8 9 10; do
	k=$(sbx_curl "/_control/dossiers?status=$s&limit=1" | jq '.dossiers | length')
	sbx_eq "$k" 1 "a dossier with status $s"
done

# A token for one system is refused by the others.
tok=$(sbx_token tuphap)
code=$(sbx_curl "/tuphap/api/v1/dossiers/changes?limit=1" -H "Authorization: Bearer $tok" -o /dev/null -w '%{http_code}')
sbx_eq "$code" 200 "tuphap with its own token"
for p in /congan/api/v2/records /nnmt/api/v2/dossiers /tinh/api/DanhSachHoSo; do
	code=$(sbx_curl "$p" -H "Authorization: Bearer $tok" -o /dev/null -w '%{http_code}')
	sbx_eq "$code" 401 "$p with a tuphap token"
done
code=$(sbx_curl /tuphap/api/v1/dossiers/changes -o /dev/null -w '%{http_code}')
sbx_eq "$code" 401 "tuphap without a token"
r=$(sbx_curl /dvcqg/login -d "{\"token\":\"$tok\"}" | jq -r .error_code)
sbx_eq "$r" 1 "dvcqg login with a tuphap token"

# The clock moves forward only.
t0=$(sbx_curl /_control/clock | jq .epoch)
t1=$(sbx_curl /_control/clock -d seconds=3600 | jq .epoch)
[ $((t1 - t0)) -ge 3600 ] || sbx_die "clock did not advance by an hour ($t0 -> $t1)"
code=$(sbx_curl /_control/clock -d 'to=2020-01-01 00:00' -o /dev/null -w '%{http_code}')
sbx_eq "$code" 409 "moving the clock back"

sbx_stop || exit 1
echo "sandbox_basic: ok"
