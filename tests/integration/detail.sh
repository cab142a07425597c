#!/bin/sh
# detail.sh - the whole dossier, read from its system when it is opened
# (issue 15), for each of the five systems of the sandbox:
#   - `show CODE --json` reads the detail: history, components with their
#     codes and attachments, fees, the payment's channel and e-receipts
#     appear although the change feed carried none of them, and detail_at
#     says when it was read; --cached does not ask;
#   - a paid dossier shows its e-receipt (number, series, issuer) as the
#     payment platform's QUERY names it; a pending one its channel only;
#   - dvcqg's copy of a dossier whose own system has not been read: its
#     history (QuaTrinhXuLy) and payment from dvcqg;
#   - a later pull (the feed's short record of a changed dossier) keeps the
#     history and the receipt;
#   - with the system down, `show` says why on stderr and shows the stored
#     copy with its age.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN
export LANGUAGE=en

sbx_start --seed 11 --dossiers 400 --now '2026-05-04 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear;tinh:clear;tuphap:clear;dvcqg:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
T=$MOTCUA_HOME
secret=motcua-sandbox-payment-secret
mac() { printf '%s|%s' "$1" "$secret" | sha256sum | cut -d' ' -f1; }
query() { # CODE: the payment platform's QUERY answer
	t=20260504093000
	sbx_curl /payment/api -d "{\"LoaiBanTin\":\"QUERY\",\"MaDoiTac\":\"MOTCUA\",\"MaHoSo\":\"$1\",\"ThoiGianGD\":\"$t\",\"MaXacThuc\":\"$(mac "QUERY|MOTCUA|$1|$t")\"}"
}
# receipt_matches SYSTEM CODE: the shown receipt is the platform's
receipt_matches() {
	"$M" show "$2" --json >"$T/paid.json" 2>"$T/paid.err" || sbx_die "$1: show $2: $(cat "$T/paid.err")"
	q=$(query "$2")
	sbx_eq "$(printf '%s' "$q" | jq -r .TrangThaiGD)" 1 "$1: the platform says $2 is paid"
	sbx_eq "$(jq -r .payment "$T/paid.json")" paid "$1: paid"
	sbx_eq "$(jq -r '.receipts | length' "$T/paid.json")" 1 "$1: one receipt"
	sbx_eq "$(jq -r '.receipts[0].number' "$T/paid.json")" "$(printf '%s' "$q" | jq -r .SoBienLai)" "$1: receipt number"
	sbx_eq "$(jq -r '.receipts[0].series' "$T/paid.json")" "$(printf '%s' "$q" | jq -r .KyHieuBienLai)" "$1: receipt series"
	sbx_eq "$(jq -r '.receipts[0].issuer' "$T/paid.json")" "$(printf '%s' "$q" | jq -r .DonViPhatHanh)" "$1: receipt issuer"
	sbx_eq "$(jq -r .payment_channel "$T/paid.json")" "$(printf '%s' "$q" | jq -r .KenhThanhToan)" "$1: channel"
	sbx_eq "$(jq -r '.receipts[0].amount' "$T/paid.json")" "$(jq -r .fees_total "$T/paid.json")" "$1: receipt amount"
	"$M" show "$2" --cached >"$T/paid.txt" || sbx_die "$1: show (text)"
	grep -q "^E-receipts *no\. $(jq -r '.receipts[0].number' "$T/paid.json"), series " "$T/paid.txt" ||
		sbx_die "$1: the receipt is not in the text view: $(cat "$T/paid.txt")"
}
# a paid dossier of SYSTEM (world's view) that the inbox holds under SOURCE
paid_of() {
	for c in $(sbx_curl "/_control/dossiers?source=$1&fees=1&status=10&limit=50" | jq -r '.dossiers[].code'); do
		jq -e --arg c "$c" --arg s "$2" '.[] | select(.code == $c and .source == $s)' "$T/inbox.json" >/dev/null &&
			echo "$c" && return 0
	done
	return 1
}

# ---- dvcqg: copies of dossiers whose own system is not read yet ------------------
"$M" sync --source dvcqg >/dev/null 2>&1 || sbx_die "sync of dvcqg"
"$M" inbox --json --limit 0 >"$T/inbox.json" || sbx_die "inbox"
code=$(jq -r '[.[] | select(.source == "dvcqg" and .received_at != null)][0].code // empty' "$T/inbox.json")
[ -n "$code" ] || sbx_die "dvcqg: no copy"
"$M" show "$code" --json >"$T/dvcqg.json" 2>"$T/dvcqg.err" || sbx_die "dvcqg: show: $(cat "$T/dvcqg.err")"
sbx_eq "$(jq -r .detail_read "$T/dvcqg.json")" read "dvcqg: the detail read"
[ "$(jq -r '.history | length' "$T/dvcqg.json")" -ge 2 ] || sbx_die "dvcqg: no QuaTrinhXuLy: $(cat "$T/dvcqg.json")"
sbx_eq "$(jq -r '.history[0].status' "$T/dvcqg.json")" 1 "dvcqg: history starts at submission"
[ "$(jq -r '.attachments | length' "$T/dvcqg.json")" -ge 1 ] || sbx_die "dvcqg: no TaiLieuNop"
sbx_eq "$(jq -r '[.attachments[] | select(.component == null)] | length' "$T/dvcqg.json")" 0 \
	"dvcqg: every attachment names its component"
pc=$(paid_of tuphap dvcqg) || pc=$(paid_of congan dvcqg) || sbx_die "dvcqg: no paid copy"
receipt_matches dvcqg "$pc"

# ---- the four handling systems --------------------------------------------------------
"$M" sync >/dev/null 2>&1 || sbx_die "sync failed"
"$M" inbox --json --limit 0 >"$T/inbox.json" || sbx_die "inbox"
for sys in tuphap congan nnmt tinh; do
	code=$(jq -r --arg s "$sys" '[.[] | select(.source == $s and .received_at != null)][0].code // empty' "$T/inbox.json")
	[ -n "$code" ] || sbx_die "$sys: no received dossier"
	"$M" show "$code" --cached --json >"$T/$sys.before.json" || sbx_die "$sys: show --cached"
	sbx_eq "$(jq -r '.history | length' "$T/$sys.before.json")" 0 "$sys: the feed carries no history"
	sbx_eq "$(jq -r .detail_read "$T/$sys.before.json")" cached "$sys: --cached does not ask"
	sbx_eq "$(jq -r .detail_at "$T/$sys.before.json")" null "$sys: never read"
	"$M" show "$code" --json >"$T/$sys.json" 2>"$T/$sys.err" || sbx_die "$sys: show: $(cat "$T/$sys.err")"
	sbx_eq "$(jq -r .detail_read "$T/$sys.json")" read "$sys: the detail read"
	[ "$(jq -r '.history | length' "$T/$sys.json")" -ge 2 ] || sbx_die "$sys: no history: $(cat "$T/$sys.json")"
	[ "$(jq -r '.attachments | length' "$T/$sys.json")" -ge 1 ] || sbx_die "$sys: no attachments"
	sbx_eq "$(jq -r '[.attachments[] | select(.component == null)] | length' "$T/$sys.json")" 0 \
		"$sys: every attachment names its component"
	sbx_match "$(jq -r .detail_at "$T/$sys.json")" '^20[0-9][0-9]-' "$sys: detail_at"
	grep -q "^motcua show:" "$T/$sys.err" && sbx_die "$sys: stderr: $(cat "$T/$sys.err")"
	pc=$(paid_of "$sys" "$sys") || sbx_die "$sys: no paid dossier"
	receipt_matches "$sys" "$pc"
done

# a pending payment: its channel, no receipt
pend=$(sbx_curl '/_control/dossiers?source=tuphap&fees=1&status=6&limit=1' | jq -r '.dossiers[0].code // empty')
if [ -n "$pend" ]; then
	"$M" show "$pend" --json >"$T/pend.json" 2>/dev/null || sbx_die "show pending"
	sbx_match "$(jq -r .payment "$T/pend.json")" '^(pending|failed)$' "pending payment"
	sbx_eq "$(jq -r '.receipts | length' "$T/pend.json")" 0 "no receipt while pending"
	[ "$(jq -r .payment_channel "$T/pend.json")" != null ] || sbx_die "pending: no channel"
fi

# ---- a later pull keeps the detail ------------------------------------------------------
code=$(jq -r '[.[] | select(.source == "tuphap" and .status == 1)][0].code // empty' "$T/inbox.json")
[ -n "$code" ] || sbx_die "no tuphap dossier waiting for reception"
"$M" show "$code" --json >"$T/r.json" 2>/dev/null || sbx_die "show $code"
n=$(jq -r '.history | length' "$T/r.json")
[ "$n" -ge 1 ] || sbx_die "no history before the action"
"$M" act "$code" receive >/dev/null 2>&1 || sbx_die "act receive"
"$M" sync >/dev/null 2>&1 || sbx_die "sync after the action"
"$M" show "$code" --cached --json >"$T/r2.json" || sbx_die "show --cached after the pull"
sbx_eq "$(jq -r .status "$T/r2.json")" 2 "received on the system"
[ "$(jq -r '.history | length' "$T/r2.json")" -ge "$n" ] ||
	sbx_die "the pull's short record wiped the history: $(jq -c .history "$T/r2.json")"
# opened again: the system's history now has the reception
"$M" show "$code" --json >"$T/r3.json" 2>/dev/null || sbx_die "show again"
[ "$(jq -r '.history | length' "$T/r3.json")" -gt "$n" ] || sbx_die "the reception is not in the history"
sbx_eq "$(jq -r '.history[-1].status' "$T/r3.json")" 2 "the last step is the reception"

# ---- the system down: the stored copy, with why and how old --------------------------
sbx_curl /_control/offline -d source=tuphap -d on=1 | jq -e .ok >/dev/null || sbx_die "offline"
"$M" show "$code" --json --timeout 5 >"$T/off.json" 2>"$T/off.err" || sbx_die "show offline failed: $(cat "$T/off.err")"
sbx_eq "$(jq -r .detail_read "$T/off.json")" failed "offline: not read"
sbx_eq "$(jq -r '.history | length' "$T/off.json")" "$(jq -r '.history | length' "$T/r3.json")" "offline: the stored history"
grep -q "shown as stored on this terminal" "$T/off.err" || sbx_die "offline: not said: $(cat "$T/off.err")"
grep -q "^motcua show: 20[0-9][0-9]-" "$T/off.err" || sbx_die "offline: the age not said: $(cat "$T/off.err")"
sbx_curl /_control/offline -d source=tuphap -d on=0 | jq -e .ok >/dev/null || sbx_die "online"
echo "detail.sh: ok"
