#!/bin/sh
# tinh (legacy): page numbers, dd/MM/yyyy dates, Vietnamese statuses, errors
# as HTTP 200 {"ket_qua":"loi"}, and no idempotency: the same intent sent
# twice is applied twice and the statistics say so; a client that checks the
# state first is absorbed instead.
. "$(dirname "$0")/lib/sandbox.sh"
sbx_start --seed 4 --dossiers 400 --now '2026-03-12 09:30' --speed 0
tok=$(sbx_token tinh)
A="Authorization: Bearer $tok"
base=/tinh/api

p=$(sbx_curl "$base/DanhSachHoSo?trang=1&so_dong=25" -H "$A")
sbx_eq "$(printf '%s' "$p" | jq -r .ket_qua)" thanh_cong "ket_qua"
total=$(printf '%s' "$p" | jq .tong_so)
sbx_eq "$total" "$(sbx_stat .sources.tinh.dossiers)" "tong_so"
sbx_eq "$(printf '%s' "$p" | jq .tong_so_trang)" $(((total + 24) / 25)) "tong_so_trang"
sbx_match "$(printf '%s' "$p" | jq -r '.du_lieu[0].ngay_nop')" '^[0-3][0-9]/[01][0-9]/20[0-9]{2} [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' "dd/MM/yyyy date"
printf '%s' "$p" | jq -r '.du_lieu[].trang_thai' | grep -Eqv '^(Mới đăng ký|Mới tiếp nhận|Từ chối tiếp nhận|Đang xử lý|Chờ bổ sung|Chờ nộp phí|Đã rút hồ sơ|Tạm dừng xử lý|Đã có kết quả|Đã trả kết quả)$' &&
	sbx_die "a status string outside the table"
since=$(sbx_curl "$base/DanhSachHoSo?so_dong=500&tu_ngay=12/03/2026%2000:00:00" -H "$A" | jq .tong_so)
[ "$since" -lt "$total" ] || sbx_die "tu_ngay did not filter ($since of $total)"
r=$(sbx_curl "$base/ChiTietHoSo?so_ho_so=H00-000000-00000" -H "$A" -w '\n%{http_code}')
sbx_eq "$(printf '%s' "$r" | tail -n1)" 200 "HTTP status of a legacy error"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .ma_loi)" KHONG_TIM_THAY "ma_loi"

code=$(sbx_curl '/_control/dossiers?source=tinh&status=4&limit=1' | jq -r '.dossiers[0].code')
act() { sbx_curl "$base/XuLyHoSo" -H "$A" -d "so_ho_so=$code" -d "thao_tac=$1" -d "ma_yeu_cau=$2" ${3:+--data-urlencode "ly_do=$3"}; }
r=$(act chuyen_xu_ly Y1); sbx_eq "$(printf '%s' "$r" | jq -r .trang_thai)" "Đang xử lý" "after chuyen_xu_ly"
# A careless client resends the same intent: applied again.
r=$(act chuyen_xu_ly Y1); sbx_eq "$(printf '%s' "$r" | jq -r .ket_qua)" thanh_cong "resent chuyen_xu_ly"
sbx_eq "$(sbx_stat .actions.applied_more_than_once)" 1 "applied_more_than_once"
# A supplement request resent after it was applied: the state check absorbs it.
r=$(act yeu_cau_bo_sung Y2 "Thiếu giấy xác nhận"); sbx_eq "$(printf '%s' "$r" | jq -r .trang_thai)" "Chờ bổ sung" "after yeu_cau_bo_sung"
r=$(act yeu_cau_bo_sung Y2 "Thiếu giấy xác nhận"); sbx_eq "$(printf '%s' "$r" | jq -r .ma_loi)" TRANG_THAI_KHONG_HOP_LE "resent yeu_cau_bo_sung"
sbx_eq "$(sbx_stat .actions.duplicates_absorbed)" 1 "duplicates_absorbed"
r=$(act dung_xu_ly Y3); sbx_eq "$(printf '%s' "$r" | jq -r .ma_loi)" THIEU_LY_DO "stop without a reason"
r=$(act bay_len Y4); sbx_eq "$(printf '%s' "$r" | jq -r .ma_loi)" THAO_TAC_KHONG_HOP_LE "unknown thao_tac"
sbx_eq "$(sbx_stat .actions.applied)" 3 "applied"
sbx_stop || exit 1
echo "sandbox_tinh: ok"
