#!/bin/sh
# Faults and the payment platform: offline (refused, hanging), server errors,
# dropped connections, bodies cut mid-way, malformed JSON, latency, bandwidth,
# the same faults for the same seed, and MaXacThuc-checked QUERY/INIT/GET_BILL.
. "$(dirname "$0")/lib/sandbox.sh"
run() { # run PATH -> "curl-exit http-code"
	sbx_curl "$1" -H "$A" -o "$SBX_DIR/body" -w '%{http_code}' ${2:+--max-time $2} 2>/dev/null
	echo " $?"
}
sbx_start --seed 8 --dossiers 300 --now '2026-03-12 09:30' --speed 0
tok=$(sbx_token tuphap)
A="Authorization: Bearer $tok"
feed=/tuphap/api/v1/dossiers/changes?limit=50

sbx_eq "$(run $feed)" "200 0" "tuphap before faults"
sbx_curl /_control/offline -d source=tuphap -d on=1 | jq -e .ok >/dev/null
sbx_eq "$(run $feed)" "000 52" "offline tuphap (refused: empty reply)"
sbx_eq "$(sbx_stat .sources.tuphap.online)" false "online flag"
sbx_curl /_control/faults -d 'spec=tuphap:offline=hang' | jq -e .ok >/dev/null
sbx_eq "$(run $feed 1)" "000 28" "offline tuphap (hanging: timeout)"
sbx_curl /_control/offline -d source=tuphap -d on=0 | jq -e .ok >/dev/null
sbx_eq "$(run $feed)" "200 0" "tuphap back"

sbx_curl /_control/faults -d 'spec=tuphap:error=1' | jq -e .ok >/dev/null
sbx_match "$(run $feed)" '^50[023] 0$' "error=1"
grep -q '<center>nginx</center>' "$SBX_DIR/body" || sbx_die "error page is not a proxy's HTML"
sbx_curl /_control/faults -d 'spec=tuphap:error=0,drop=1' | jq -e .ok >/dev/null
sbx_eq "$(run $feed)" "000 52" "drop=1"
sbx_curl /_control/faults -d 'spec=tuphap:drop=0,cut=1' | jq -e .ok >/dev/null
sbx_eq "$(run $feed)" "200 18" "cut=1 (partial body)"
sbx_curl /_control/faults -d 'spec=tuphap:cut=0,malformed=1' | jq -e .ok >/dev/null
sbx_eq "$(run $feed)" "200 0" "malformed=1 still answers 200"
jq . "$SBX_DIR/body" >/dev/null 2>&1 && sbx_die "malformed=1 gave valid JSON"
sbx_curl /_control/faults -d 'spec=tuphap:clear,latency=400' | jq -e .ok >/dev/null
ms=$(sbx_curl "$feed" -H "$A" -o /dev/null -w '%{time_total}' | awk '{printf "%d", $1 * 1000}')
[ "$ms" -ge 390 ] || sbx_die "latency=400 answered in $ms ms"
sbx_curl /_control/faults -d 'spec=tuphap:latency=0,bandwidth=40000' | jq -e .ok >/dev/null
file=$(sbx_curl "/tuphap/api/v1/dossiers/changes?limit=1" -H "$A" | jq -r '.items[0].files[0].url')
ms=$(sbx_curl "$file" -H "$A" -H 'Range: bytes=0-79999' -o /dev/null -w '%{time_total}' | awk '{printf "%d", $1 * 1000}')
[ "$ms" -ge 1500 ] || sbx_die "80 KB at 40 KB/s took only $ms ms"
inj=$(sbx_curl /_control/faults | jq '.faults.tuphap.injected | .drop + .cut + .malformed + .error')
[ "$inj" -ge 4 ] || sbx_die "injected faults not counted ($inj)"
code=$(sbx_curl /_control/faults -d 'spec=tuphap:error=2' -o /dev/null -w '%{http_code}')
sbx_eq "$code" 400 "a probability above 1"

# The same seed gives the same faults for the same requests.
fault_run() { # fresh sandbox, 12 requests, statuses into $1
	sbx_stop || exit 1
	sbx_start --seed 8 --dossiers 300 --now '2026-03-12 09:30' --speed 0 --faults 'tuphap:error=0.5'
	tok=$(sbx_token tuphap)
	A="Authorization: Bearer $tok"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do run $feed; done | tr '\n' ' ' >"$1"
}
fault_run /tmp/motcua-faults-$$.1
fault_run /tmp/motcua-faults-$$.2
seq1=$(cat /tmp/motcua-faults-$$.1) seq2=$(cat /tmp/motcua-faults-$$.2)
rm -f /tmp/motcua-faults-$$.1 /tmp/motcua-faults-$$.2
sbx_eq "$seq2" "$seq1" "fault sequence for the same seed"
printf '%s' "$seq1" | grep -q '200 0' && printf '%s' "$seq1" | grep -Eq '50[023] 0' ||
	sbx_die "error=0.5 should give both successes and errors: $seq1"
sbx_stop || exit 1
sbx_start --seed 8 --dossiers 300 --now '2026-03-12 09:30' --speed 0

# Payment platform.
secret=motcua-sandbox-payment-secret
mac() { printf '%s|%s' "$1" "$secret" | sha256sum | cut -d' ' -f1; }
pay() { sbx_curl /payment/api -d "$1"; }
paid=$(sbx_curl '/_control/dossiers?fees=1&status=10&limit=1' | jq -r '.dossiers[0].code')
t=20260312093000
r=$(pay "{\"LoaiBanTin\":\"QUERY\",\"MaDoiTac\":\"MOTCUA\",\"MaHoSo\":\"$paid\",\"ThoiGianGD\":\"$t\",\"MaXacThuc\":\"$(mac "QUERY|MOTCUA|$paid|$t")\"}")
sbx_eq "$(printf '%s' "$r" | jq -r .MaLoi)" 00 "QUERY MaLoi"
sbx_eq "$(printf '%s' "$r" | jq -r .TrangThaiGD)" 1 "QUERY TrangThaiGD of a returned dossier"
want=$(printf '%s' "$r" | jq -r '[.MaLoi,.MaHoSo,.MaGiaoDich,.SoTien,.TrangThaiGD] | join("|")')
sbx_eq "$(printf '%s' "$r" | jq -r .MaXacThuc)" "$(mac "$want")" "MaXacThuc of the answer"
r=$(pay "{\"LoaiBanTin\":\"QUERY\",\"MaDoiTac\":\"MOTCUA\",\"MaHoSo\":\"$paid\",\"ThoiGianGD\":\"$t\",\"MaXacThuc\":\"00\"}")
sbx_eq "$(printf '%s' "$r" | jq -r .MaLoi)" 01 "wrong MaXacThuc"
pending=$(sbx_curl '/_control/dossiers?fees=1&status=6&limit=1' | jq -r '.dossiers[0].code')
r=$(pay "{\"LoaiBanTin\":\"QUERY\",\"MaDoiTac\":\"MOTCUA\",\"MaHoSo\":\"$pending\",\"ThoiGianGD\":\"$t\",\"MaXacThuc\":\"$(mac "QUERY|MOTCUA|$pending|$t")\"}")
sbx_match "$(printf '%s' "$r" | jq -r .TrangThaiGD)" '^[34]$' "TrangThaiGD while fees are due"
free=$(sbx_curl '/_control/dossiers?fees=0&limit=1' | jq -r '.dossiers[0].code')
r=$(pay "{\"LoaiBanTin\":\"QUERY\",\"MaDoiTac\":\"MOTCUA\",\"MaHoSo\":\"$free\",\"ThoiGianGD\":\"$t\",\"MaXacThuc\":\"$(mac "QUERY|MOTCUA|$free|$t")\"}")
sbx_eq "$(printf '%s' "$r" | jq -r .MaLoi)" 14 "QUERY without fees"
sbx_curl /payment/api -d "{\"LoaiBanTin\":\"GET_BILL\",\"MaDoiTac\":\"MOTCUA\",\"MaHoSo\":\"$paid\",\"ThoiGianGD\":\"$t\",\"MaXacThuc\":\"$(mac "GET_BILL|MOTCUA|$paid|$t")\"}" -o "$SBX_DIR/bill"
head -c 5 "$SBX_DIR/bill" | grep -q '%PDF-' || sbx_die "GET_BILL is not a PDF"
sbx_stop || exit 1
echo "sandbox_faults: ok"
