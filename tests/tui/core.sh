#!/bin/sh
# The console and the command line run one application (src/app), tried as
# a new user would on the sandbox:
#   1. `motcua login --issuer URL` (a real Secret Service), then `motcua`
#      with no environment variable and no config.json: the systems come
#      online, S pulls, and an action queued by `motcua act` is sent by the
#      console's loop;
#   2. the console re-applies the effects of queued actions after a pull,
#      as `motcua sync` does: a dossier whose action waits (its coordination
#      system is off) keeps its queued status when its system is re-read,
#      and the store after the console's pull equals the store after a
#      `motcua sync` of the same re-read;
#   3. at the same instant, every count the console shows for a view (all,
#      overdue, coming due, awaiting supplement, mismatch, per system)
#      equals `motcua inbox --json` with the same filter, before and after
#      the clock moves past due thresholds (MOTCUA_TEST_CLOCK, test builds).
. "$(dirname "$0")/../integration/lib/sandbox.sh"
. "$(dirname "$0")/../integration/lib/sync_signin.sh"
sbx_require
command -v sqlite3 > /dev/null 2>&1 || { echo "skip: sqlite3 not installed"; exit 77; }
sync_in_keyring "$@"
. "$(dirname "$0")/lib.sh"
LSAN_OPTIONS="suppressions=$ROOT/tests/integration/lib/lsan-glib.supp"
export LSAN_OPTIONS
DB=$MOTCUA_HOME/motcua.db

sbx_start --seed 21 --dossiers 150 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'stop; sbx_cleanup; sync_cleanup_tmp; rm -rf "$T"' EXIT INT TERM
ctl() { sbx_curl "/_control/$1" -d "$2" | jq -e .ok > /dev/null || fail "_control/$1 $2"; }
requests() { sbx_stat .requests; }
server_status() { sbx_curl "/_control/dossiers?code=$1" | jq -r .dossier.status; }
local_status() { "$M" show "$1" --json | jq -r .status; }
# until_true SECONDS COMMAND...: poll a shell condition
until_true() {
	lim=$(( $1 * 10 * SLOW ))
	shift
	i=0
	while [ $i -lt $lim ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
more_requests() { [ "$(requests)" -gt "$1" ]; }
server_is() { [ "$(server_status "$1")" = "$2" ]; }

# ---- 1. a new user: login, then the console with nothing else ------------------------
sync_login
unset MOTCUA_ISSUER
[ ! -e "$MOTCUA_HOME/config.json" ] || fail "the test must start without config.json"
start 120 30 NO_COLOR=1
pin_prompt 2468 # the first sign-in on this terminal in the console
wait_for 'Tất cả \([1-9][0-9]*\)' 60
for s in dvcqg tuphap congan nnmt tinh; do
	wait_for " $s●" 30
done
wait_for 'Chờ gửi: 0' 10
settle
# S pulls from every system (it once answered that this version cannot sync)
r0=$(requests)
keys S
wait_for 'Đang lấy dữ liệu từ các hệ thống|Đã lấy dữ liệu từ|Không lấy được từ' 10
until_true 30 more_requests $((r0 + 4)) || fail "S did not pull: $r0 -> $(requests) requests"
! screen | grep -q 'chưa hỗ trợ' || fail "S refused"
# an action queued from the command line is sent by the console's loop
A=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
[ -n "$A" ] && [ "$A" != null ] || fail "no tuphap dossier in status 1"
"$M" act "$A" receive > /dev/null || fail "act $A receive"
until_true 60 server_is "$A" 2 ||
	fail "the console did not send the action: $("$M" queue --all --json)"
wait_for 'Chờ gửi: 0' 30

# ---- 2. queued effects re-applied after a pull --------------------------------------------
ctl offline 'source=dvcqg&on=1'
D=$(sbx_curl "/_control/dossiers?source=tuphap&status=2&limit=1000" |
	jq -r '[.dossiers[] | select(.coord_status == 2)][0].code')
[ -n "$D" ] && [ "$D" != null ] || fail "no tuphap dossier received and known to dvcqg"
"$M" act "$D" forward --to "Văn phòng UBND xã" --via dvcqg > /dev/null ||
	fail "act $D forward --via dvcqg"
[ "$(local_status "$D")" = 4 ] || fail "no optimistic effect"
name=$("$M" show "$D" --json | jq -r .applicant_name)
# tuphap is read again from its start, and our copy of D is spoiled first,
# so the pull surely rewrites D; the queued receive must survive it
reread() {
	sqlite3 "$DB" "UPDATE sync_state SET cursor = NULL, watermark = NULL WHERE source = 'tuphap';
		UPDATE dossiers SET applicant_name = 'X' WHERE code = '$D';" ||
		fail "cannot reset tuphap's cursor"
}
reread
r0=$(requests)
keys S
until_true 30 more_requests "$r0" || fail "S did not pull"
read_again() { [ "$("$M" show "$D" --json | jq -r .applicant_name)" = "$name" ]; }
until_true 60 read_again || fail "the console's pull did not read $D again"
settle
[ "$(local_status "$D")" = 4 ] ||
	fail "the console's pull lost the queued effect: status $(local_status "$D")"
[ "$(server_status "$D")" = 2 ] || fail "the action went out with dvcqg off"
keys /
type_text "$D"
wait_for 'Tất cả \(1\)' 10
line 3 | grep -q 'Đang xử lý' || fail "the console does not show the queued status"
keys Escape
"$M" inbox --json > "$T/after-console.json" || fail "inbox --json"
keys q
wait_for '^EXIT=0' 30
stop
# the same re-read by `motcua sync` leaves the same store
reread
"$M" sync --json > "$T/sync.json" 2> "$T/sync.err" # dvcqg is off: exit 1
jq -e '.sources[] | select(.name == "tuphap") | .ok' "$T/sync.json" > /dev/null ||
	fail "sync of tuphap: $(cat "$T/sync.json" "$T/sync.err")"
read_again || fail "sync did not read $D again"
"$M" inbox --json > "$T/after-sync.json" || fail "inbox --json"
cmp -s "$T/after-console.json" "$T/after-sync.json" ||
	fail "the store after the console's pull differs from after sync: $(diff \
		"$T/after-console.json" "$T/after-sync.json" | head -n 5)"
# ---- 3. the console's counts and the command line's, at one instant ---------------------
printf '{"lock_idle_minutes": 0}\n' > "$MOTCUA_HOME/config.json" # the clock jumps
MOTCUA_TEST_CLOCK=$T/clock
export MOTCUA_TEST_CLOCK
date -d '2026-03-12 09:30 +0700' +%s > "$MOTCUA_TEST_CLOCK"
start 120 30 NO_COLOR=1
wait_for 'Tất cả \([1-9][0-9]*\)' 60
wait_for ' tinh●' 30
settle

# cli_count N: what `inbox --json` counts for view N (views 8.. are the systems)
cli_count() {
	case $1 in
	1) set -- ;;
	3) set -- --due overdue ;;
	4) set -- --due soon ;;
	5) set -- --status 5 ;;
	6) set -- --mismatch ;;
	7) set -- --new ;;
	*) set -- --source "$2" ;;
	esac
	"$M" inbox --json "$@" | jq length
}
# compare_views TAG: every view's count on the console against the command line's
compare_views() {
	keys 1
	wait_for '\[1\]' 5
	v=1
	out=
	while :; do
		settle
		title=$(line 1)
		n=$(printf '%s' "$title" | sed -n 's/.*\[\([0-9]*\)\] .*/\1/p')
		[ "$n" = "$v" ] || fail "$1: view $v shows as [$n]: $title"
		label=$(printf '%s' "$title" | sed -n 's/.*\[[0-9]*\] \(.*\) (\([0-9]*\)).*/\1/p')
		shown=$(printf '%s' "$title" | sed -n 's/.*\[[0-9]*\] .* (\([0-9]*\)).*/\1/p')
		if [ "$v" != 2 ]; then # 2 is "due today", a wall-clock window
			want=$(cli_count "$v" "$label")
			[ "$shown" = "$want" ] ||
				fail "$1: view [$v] $label: the console shows $shown, inbox --json $want"
			out="$out $v:$shown"
		fi
		v=$((v + 1))
		[ $v -le 11 ] || break
		keys Tab
		wait_for "\[$v\]" 5
	done
	echo "$1:$out"
}
compare_views "09:30"
before=$out
# Friday 16:00: more is overdue and more comes due; the console sees it
# without a restart
date -d '2026-03-13 16:00 +0700' +%s > "$MOTCUA_TEST_CLOCK"
wait_for '^.* 16:00 *$' 10
compare_views "Fri 16:00"
[ "$out" != "$before" ] || fail "the counts did not move with the clock: $out"
keys q
wait_for '^EXIT=0' 30
exit 0
