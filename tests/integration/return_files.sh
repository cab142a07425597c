#!/bin/sh
# return_files.sh - every result file of a return reaches every system.
# `motcua act CODE return-result --file a.pdf --file a.pdf.p7s` (what --sign
# queues: the result and its detached signature), then `motcua queue send`:
# on each of the five systems (dvcqg through --via) the sandbox holds BOTH
# names, in order, in the control view (/_control/dossiers result_files) and
# in the system's own view where it has one (tuphap resultFiles, dvcqg
# DanhSachGiayToKetQua, tinh tep_ket_qua).  Then the wire shapes by hand:
# dvcqg's DanhSachGiayToKetQua (a list of objects with TenGiayTo, else error
# 2; the older single TenGiayToKetQua still taken) and tinh's repeated
# tep_ket_qua (form fields or a JSON list; another JSON shape is refused).
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
T=$SYNC_TMP

sbx_start --seed 47 --dossiers 600 --now '2026-03-12 09:30' --speed 0 \
	--faults 'tuphap:clear;congan:clear;nnmt:clear;tinh:clear;dvcqg:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"

head -c 3000 /dev/urandom >"$T/a.pdf"
head -c 700 /dev/urandom >"$T/a.pdf.p7s"
peek() { sbx_curl "/_control/dossiers?code=$1" | jq -c "$2"; }
WANT='["a.pdf","a.pdf.p7s"]'

# One dossier per system, status 9 where it is handled and not in dvcqg (so
# the handling system alone takes it); the dvcqg one is in step (9 in both).
pick() {
	sbx_curl "/_control/dossiers?source=$1&status=9&in_dvcqg=0&limit=1" | jq -r '.dossiers[0].code // empty'
}
for s in tuphap congan nnmt tinh; do
	c=$(pick $s)
	[ -n "$c" ] || sbx_die "no $s dossier in status 9"
	eval "code_$s=\$c"
	"$M" act "$c" return-result --file "$T/a.pdf" --file "$T/a.pdf.p7s" >/dev/null ||
		sbx_die "act on $s ($c)"
done
code_dvcqg=$(sbx_curl "/_control/dossiers?source=dvcqg&status=9&limit=1000" |
	jq -r '[.dossiers[] | select(.coord_status == 9 and .coord_pending == 0)][0].code // empty')
[ -n "$code_dvcqg" ] || sbx_die "no dvcqg dossier in step at status 9"
"$M" act "$code_dvcqg" return-result --file "$T/a.pdf" --file "$T/a.pdf.p7s" --via dvcqg \
	>/dev/null || sbx_die "act via dvcqg ($code_dvcqg)"
sbx_eq "$("$M" queue --json | jq length)" 5 "queued"
"$M" queue send --wait "$(slow 30)" >/dev/null 2>"$T/err" || sbx_die "queue send: $(cat "$T/err")"
sbx_eq "$(sbx_stat .actions.applied)" 5 "applied"

for s in tuphap congan nnmt tinh dvcqg; do
	eval "c=\$code_$s"
	sbx_eq "$(peek "$c" .dossier.status)" 10 "$s: status"
	sbx_eq "$(peek "$c" .dossier.result_files)" "$WANT" "$s: result_files ($c)"
done

# The systems' own views.
TOK=$(sbx_token tuphap)
sbx_eq "$(sbx_curl "/tuphap/api/v1/dossiers/$code_tuphap" -H "Authorization: Bearer $TOK" |
	jq -c .resultFiles)" "$WANT" "tuphap resultFiles"
TOK=$(sbx_token tinh)
TA="Authorization: Bearer $TOK"
sbx_eq "$(sbx_curl "/tinh/api/ChiTietHoSo?so_ho_so=$code_tinh" -H "$TA" |
	jq -c '[.du_lieu.tep_ket_qua[].ten_tep]')" "$WANT" "tinh tep_ket_qua"
TOK=$(sbx_token dvcqg)
sess=$(sbx_curl /dvcqg/login -d "{\"token\":\"$TOK\"}" | jq -r .session)
call() { sbx_curl /dvcqg/api -d "{\"session\":\"$sess\",\"madonvi\":\"H56\",\"service\":\"$1\",\"data\":$2}"; }
full=$(call TraCuuHoSo "{\"MaHoSo\":\"$code_dvcqg\"}")
sbx_eq "$(printf '%s' "$full" | jq -c '[.data.DanhSachGiayToKetQua[].TenGiayTo]')" "$WANT" \
	"dvcqg DanhSachGiayToKetQua"
sbx_eq "$(printf '%s' "$full" | jq -c '[.data.DanhSachGiayToKetQua[].DuongDanTepTinKetQua]')" \
	"$WANT" "dvcqg DuongDanTepTinKetQua"

# ---- dvcqg's shape by hand ---------------------------------------------------------
more=$(sbx_curl "/_control/dossiers?source=dvcqg&status=9&limit=1000" |
	jq -r '[.dossiers[] | select(.coord_status == 9)][].code' | grep -v "$code_dvcqg" | head -n 3)
set -- $more
[ $# = 3 ] || sbx_die "need 3 more dvcqg dossiers at status 9, got: $more"
tra() { call XuLyHoSo "{\"MaHoSo\":\"$1\",\"HanhDong\":\"TraKetQua\",\"MaYeuCau\":\"$2\"$3}"; }
r=$(tra "$1" x1 ',"DanhSachGiayToKetQua":{"TenGiayTo":"a.pdf"}')
sbx_eq "$(printf '%s' "$r" | jq -r .error_code)" 2 "dvcqg: a list that is not a list"
sbx_match "$(printf '%s' "$r" | jq -r .message)" "DanhSachGiayToKetQua" "dvcqg: says which field"
r=$(tra "$1" x2 ',"DanhSachGiayToKetQua":[{"TenGiayTo":"a.pdf"},{"DuongDanTepTinKetQua":"b"}]')
sbx_eq "$(printf '%s' "$r" | jq -r .error_code)" 2 "dvcqg: an entry without TenGiayTo"
sbx_eq "$(peek "$1" .dossier.status)" 9 "dvcqg: nothing applied on a bad list"
r=$(tra "$2" x3 ',"TenGiayToKetQua":"cu.pdf"')
sbx_eq "$(printf '%s' "$r" | jq -r .error_code)" 0 "dvcqg: the older single field"
sbx_eq "$(peek "$2" .dossier.result_files)" '["cu.pdf"]' "dvcqg: the older single field's file"
r=$(tra "$3" x4 ',"DanhSachGiayToKetQua":[{"TenGiayTo":"kq.pdf"},{"TenGiayTo":"kq.pdf.p7s"},{"TenGiayTo":"phu-luc.pdf"}]')
sbx_eq "$(printf '%s' "$r" | jq -r .error_code)" 0 "dvcqg: three files"
sbx_eq "$(peek "$3" .dossier.result_files)" '["kq.pdf","kq.pdf.p7s","phu-luc.pdf"]' "dvcqg: three files kept"

# ---- tinh's repeated tep_ket_qua by hand --------------------------------------------
set -- $(sbx_curl "/_control/dossiers?source=tinh&status=9&in_dvcqg=0&limit=4" | jq -r '.dossiers[].code' |
	grep -v "$code_tinh")
[ $# -ge 3 ] || sbx_die "need 3 more tinh dossiers at status 9"
r=$(sbx_curl /tinh/api/XuLyHoSo -H "$TA" -d "so_ho_so=$1" -d thao_tac=tra_ket_qua \
	-d tep_ket_qua=x.pdf -d tep_ket_qua= --data-urlencode "tep_ket_qua=x.pdf.p7s")
sbx_eq "$(printf '%s' "$r" | jq -r .ket_qua)" thanh_cong "tinh: form fields"
sbx_eq "$(peek "$1" .dossier.result_files)" '["x.pdf","x.pdf.p7s"]' "tinh: every form value (empty skipped)"
r=$(sbx_curl /tinh/api/XuLyHoSo -H "$TA" -H 'Content-Type: application/json' \
	-d "{\"so_ho_so\":\"$2\",\"thao_tac\":\"tra_ket_qua\",\"tep_ket_qua\":[\"y.pdf\",\"y.pdf.p7s\"]}")
sbx_eq "$(printf '%s' "$r" | jq -r .ket_qua)" thanh_cong "tinh: a JSON list"
sbx_eq "$(peek "$2" .dossier.result_files)" '["y.pdf","y.pdf.p7s"]' "tinh: a JSON list's files"
r=$(sbx_curl /tinh/api/XuLyHoSo -H "$TA" -H 'Content-Type: application/json' \
	-d "{\"so_ho_so\":\"$3\",\"thao_tac\":\"tra_ket_qua\",\"tep_ket_qua\":[\"z.pdf\",7]}")
sbx_eq "$(printf '%s' "$r" | jq -r .ma_loi)" THAM_SO_KHONG_HOP_LE "tinh: a list with a number"
r=$(sbx_curl /tinh/api/XuLyHoSo -H "$TA" -d "so_ho_so=$3" -d thao_tac=tra_ket_qua -d tep_ket_qua=)
sbx_eq "$(printf '%s' "$r" | jq -r .ma_loi)" THIEU_TEP_KET_QUA "tinh: only an empty value"
sbx_eq "$(peek "$3" .dossier.status)" 9 "tinh: nothing applied on refusals"
echo "return_files: ok"
