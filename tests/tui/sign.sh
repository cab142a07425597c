#!/bin/sh
# "Ký và trả kết quả" in the console, with a SoftHSM2 token made here and
# config.json's "signing" naming it (no systems configured: actions wait in
# the offline queue, as in a commune with no network - the token needs none):
#   - opening a dossier's detail appends exactly one "view" audit entry
#     (scrolling and redraws add none; the next dossier adds one);
#   - K in the detail: the result file typed with Tab completion, the PIN
#     typed with echo off (bullets, never the PIN on screen); a wrong PIN
#     says so and queues nothing; the right one queues the return with the
#     file and its signature (status bar, queue), and openssl verifies it;
#   - marked dossiers in the inbox (Space, '*', counted in the title) and K:
#     one file prompt per dossier, ONE PIN, a summary naming each dossier,
#     a refused one (its status does not allow a return) with its reason;
#   - `motcua audit verify` passes afterwards.
# Every PIN here is a synthetic test value.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../integration/lib/softhsm.sh"

MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
for tool in softhsm2-util pkcs11-tool openssl jq; do
	command -v "$tool" > /dev/null 2>&1 || skip "$tool not installed"
done
[ -f "$MODULE" ] || skip "no SoftHSM2 module at $MODULE"

# poll CMD EXPECTED [SECONDS]: until the command prints EXPECTED.
poll() {
	i=0 limit=$(( ${3:-10} * 10 ))
	while [ $i -lt $limit ]; do
		[ "$(eval "$1")" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "'$1' never gave '$2' (last: $(eval "$1"))"
}

# ---- the token --------------------------------------------------------------
PIN=1234-test
softhsm_token "$T" motcua-test "$PIN" || fail "cannot create the SoftHSM2 token"
softhsm_key 02 eckey EC:prime256v1 "/CN=Cán bộ Thử nghiệm" || fail "key on the token"
jq -n --arg m "$MODULE" '{signing: {pkcs11_module: $m, token: "motcua-test", key: "eckey"}}' \
	> "$MOTCUA_HOME/config.json"

seed 200
codes=$("$M" inbox --json --limit 0 | jq -r '[.[] | select(.status == 9)][0:3][].code')
set -- $codes
[ $# = 3 ] || fail "the seed has no 3 dossiers in status 9: $codes"
A=$1 B=$2 C=$3
NEW=$("$M" inbox --json --limit 0 | jq -r '[.[] | select(.status == 1)][0].code')
mkdir "$T/ket-qua"
printf 'Giấy khai sinh (bản điện tử, thử nghiệm)\n' > "$T/ket-qua/giay-khai-sinh.txt"
queued() { "$M" queue --json | jq length; }
views() { "$M" audit list --json | jq '[.[] | select(.kind == "view")] | length'; }

start 100 30 NO_COLOR=1 SOFTHSM2_CONF="$SOFTHSM2_CONF"
wait_for 'Tất cả \(200\)' 20
open_dossier() {
	keys /
	type_text "$1"
	wait_for 'Tất cả \(1\)' 30
	keys Enter Enter
	wait_for "^Hồ sơ $1" 30
}

# ---- one view entry per open ---------------------------------------------------
[ "$(views)" = 0 ] || fail "view entries before any open"
open_dossier "$A"
poll views 1
keys j j k G g C-l
settle
[ "$(views)" = 1 ] || fail "scrolling or a redraw added view entries: $(views)"
screen | grep -q 'K ký+trả' || fail "the hint line does not offer K"

# ---- K, a wrong PIN: the error, nothing queued ---------------------------------
keys K
wait_for "Tệp kết quả của $A \(đã thêm 0\)" 30
type_text "$T/ket-qua/giay-kh"
keys Tab
wait_for 'giay-khai-sinh.txt_' 30
keys Enter
wait_for '\(đã thêm 1\)' 30
keys Enter
wait_for 'Mã PIN của token \(không hiện, không lưu\)' 30
type_text "9999-wrong"
wait_for '••••••••••' 30
screen | grep -q '9999-wrong' && fail "the PIN is on the screen"
keys Enter
wait_for 'Chưa ký, không có gì được đưa vào hàng đợi: Sai mã PIN' 120
[ "$(queued)" = 0 ] || fail "a wrong PIN queued something"
[ -z "$(ls -A "$MOTCUA_HOME/results/$A" 2> /dev/null)" ] || fail "a wrong PIN left files"

# ---- K, the right PIN: queued ------------------------------------------------------
keys K
wait_for "Tệp kết quả của $A" 30
type_text "$T/ket-qua/giay-khai-sinh.txt"
keys Enter
wait_for '\(đã thêm 1\)' 30
keys Enter
wait_for 'Mã PIN của token' 30
type_text "$PIN"
keys Enter
wait_for "Đã ký và đưa vào hàng đợi: kết quả của $A" 120
screen | grep -q "$PIN" && fail "the PIN is on the screen"
wait_for 'Chờ gửi: 1' 30
[ "$(queued)" = 1 ] || fail "not queued: $(queued)"
R=$MOTCUA_HOME/results/$A
openssl cms -verify -binary -inform DER -content "$R/giay-khai-sinh.txt" \
	-in "$R/giay-khai-sinh.txt.p7s" -CAfile "$T/ca.pem" -purpose any -out /dev/null \
	2> /dev/null || fail "openssl refused the console's signature"
screen | grep -q 'Đã trả kết quả' || fail "the detail does not show the returned status"

# ---- a batch of marked dossiers, one PIN ------------------------------------------
keys q
wait_for '^Hồ sơ: ' 30
keys q # clears the search
wait_for 'Tất cả \(200\) xếp' 30
n=0
for c in "$B" "$C" "$NEW"; do
	keys /
	type_text "$c"
	wait_for "Tất cả \\(1[^)]*\\) .*/$c" 30
	keys Enter Space
	wait_for "^\\*.*$c" 30
	n=$((n + 1))
	keys q
	wait_for "Tất cả \\(200, \\* $n\\) xếp" 30
done
keys K
for c in "$B" "$C"; do
	wait_for "Tệp kết quả của $c \(đã thêm 0\)" 30
	type_text "$T/ket-qua/giay-khai-sinh.txt"
	keys Enter
	wait_for '\(đã thêm 1\)' 30
	keys Enter
done
wait_for 'Mã PIN của token' 30
type_text "$PIN"
keys Enter
wait_for '2 đã ký và đưa vào hàng đợi, 1 lỗi' 120
screen | grep -q "$B: đã ký và đưa vào hàng đợi" || fail "the summary does not list $B"
screen | grep -q "$C: đã ký và đưa vào hàng đợi" || fail "the summary does not list $C"
screen | grep -q "$NEW: không thể 'return-result' từ trạng thái" ||
	fail "the summary does not give the refusal of $NEW"
[ "$(queued)" = 3 ] || fail "the batch did not queue 2 more: $(queued)"
keys Enter
wait_gone '2 đã ký và đưa vào hàng đợi' 30
wait_for 'Tất cả \(200\)' 30
# without a keyring (MOTCUA_KEYRING=memory) the chain verifies but its end
# cannot be checked against an anchor: exit 3, said
vrc=0
"$M" audit verify > "$T/verify.out" 2>&1 || vrc=$?
[ "$vrc" = 3 ] && grep -q 'MOTCUA_KEYRING=memory' "$T/verify.out" ||
	fail "audit verify without a keyring: exit $vrc: $(cat "$T/verify.out")"
keys q
wait_for '^EXIT=0' 15
exit 0
