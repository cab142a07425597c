#!/bin/sh
# dvcqg: session login with an IdP token, the envelope, the pull with TuNgay
# and pages, string values and yyyyMMddHHmmss dates, the lag behind the
# handling systems (and the provincial 5/6/8 pushed as 9), pushes, actions.
. "$(dirname "$0")/lib/sandbox.sh"
sbx_start --seed 21 --dossiers 1500 --now '2026-03-12 09:30' --speed 0
tok=$(sbx_token dvcqg)
sess=$(sbx_curl /dvcqg/login -d "{\"token\":\"$tok\"}" | jq -r .session)
sbx_match "$sess" '^[0-9a-f]{32}$' "session"
call() { sbx_curl /dvcqg/api -d "{\"session\":\"$sess\",\"madonvi\":\"${3:-H56}\",\"service\":\"$1\",\"data\":$2}"; }

r=$(sbx_curl /dvcqg/api -d '{"session":"nope","madonvi":"H56","service":"LayThuTuc","data":{}}')
sbx_eq "$(printf '%s' "$r" | jq -r .error_code)" 1 "unknown session"
sbx_eq "$(call LayThuTuc '{}' H99 | jq -r .error_code)" 2 "unknown madonvi"
sbx_eq "$(call KhongCo '{}' | jq -r .error_code)" 6 "unknown service"
sbx_eq "$(call LayThuTuc '{}' | jq '.data | length')" 13 "procedures"

all=$(call LayDanhSachHoSo '{"TrangSo":1,"SoLuong":500}')
sbx_eq "$(printf '%s' "$all" | jq -r .error_code)" 0 "error_code"
total=$(printf '%s' "$all" | jq -r .TongSo)
sbx_eq "$total" "$(sbx_stat .sources.dvcqg.dossiers)" "TongSo"
sbx_eq "$(printf '%s' "$all" | jq -r '.data[0].TrangThaiHoSo | type')" string "type of TrangThaiHoSo"
sbx_match "$(printf '%s' "$all" | jq -r '.data[0].NgayTiepNhan')" '^20[0-9]{12}$' "yyyyMMddHHmmss"
p2=$(call LayDanhSachHoSo '{"TrangSo":"2","SoLuong":"100"}' | jq -r '.data[0].MaHoSo')
sbx_eq "$p2" "$(printf '%s' "$all" | jq -r '.data[100].MaHoSo')" "first row of page 2"
recent=$(call LayDanhSachHoSo '{"TuNgay":"20260311000000"}' | jq -r .TongSo)
[ "$recent" -lt "$total" ] || sbx_die "TuNgay did not filter"

# The lag: some dossiers differ from their handling system.
mism=0
for code in $(printf '%s' "$all" | jq -r '.data[0:60][].MaHoSo'); do
	d=$(sbx_curl "/_control/dossiers?code=$code" | jq -c '[.dossier.status, .dossier.coord_status]')
	[ "$(printf '%s' "$d" | jq '.[0] != .[1]')" = true ] && mism=$((mism + 1))
done
[ "$mism" -gt 0 ] || sbx_die "no dvcqg dossier lags behind its handling system"
# The provincial system's 5/6/8 arrive as 9.
lossy=$(sbx_curl '/_control/dossiers?source=tinh&in_dvcqg=1&limit=1000' |
	jq '[.dossiers[] | select((.status == 5 or .status == 6 or .status == 8) and .coord_status == 9)] | length')
[ "$lossy" -gt 0 ] || sbx_die "no provincial 5/6/8 pushed as 9"

code=$(sbx_curl '/_control/dossiers?source=dvcqg&status=2&limit=1000' |
	jq -r '[.dossiers[] | select(.coord_status == 2)][0].code')
full=$(call TraCuuHoSo "{\"MaHoSo\":\"$code\"}")
printf '%s' "$full" | jq -e '.data.TaiLieuNop | length > 0' >/dev/null || sbx_die "no TaiLieuNop"
printf '%s' "$full" | jq -e '.data.DinhDanhCHS[0].SoDinhDanh | test("^[0-9]{6}99[0-9]{4}$")' >/dev/null ||
	sbx_die "ID number without the synthetic marker"
sbx_eq "$(call TraCuuHoSo '{"MaHoSo":"H56.14-000000-00000"}' | jq -r .error_code)" 3 "unknown MaHoSo"

r=$(call XuLyHoSo "{\"MaHoSo\":\"$code\",\"HanhDong\":\"ChuyenXuLy\",\"MaYeuCau\":\"m1\"}")
sbx_eq "$(printf '%s' "$r" | jq -r .TrangThaiHoSo)" 4 "status after ChuyenXuLy"
sbx_eq "$(call XuLyHoSo "{\"MaHoSo\":\"$code\",\"HanhDong\":\"TiepNhan\",\"MaYeuCau\":\"m2\"}" | jq -r .error_code)" 4 "TiepNhan while processing"
sbx_eq "$(call TraCuuHoSo "{\"MaHoSo\":\"$code\"}" | jq -r .data.TrangThaiHoSo)" 4 "dvcqg shows an action through dvcqg at once"

# Pushes: at most 10 progress rows; a good row sets dvcqg's copy.
rows=$(printf '%s' "$all" | jq -c '[.data[0:11][] | {MaHoSo, TrangThai: "4"}]')
sbx_eq "$(call CapNhatTienDoHoSoMC "$rows" | jq -r .error_code)" 5 "11 progress rows"
one=$(printf '%s' "$all" | jq -r '.data[5].MaHoSo')
r=$(call DongBoHoSoMC "[{\"MaHoSo\":\"$one\",\"TrangThaiHoSo\":\"9\"},{\"MaHoSo\":\"X\",\"TrangThaiHoSo\":\"9\"}]")
sbx_eq "$(printf '%s' "$r" | jq -r .SoLuongThanhCong)" 1 "rows accepted"
sbx_eq "$(printf '%s' "$r" | jq '.DanhSachLoi | length')" 1 "rows refused"
sbx_eq "$(call TraCuuHoSo "{\"MaHoSo\":\"$one\"}" | jq -r .data.TrangThaiHoSo)" 9 "status after a push"
sbx_stop || exit 1
echo "sandbox_dvcqg: ok"
