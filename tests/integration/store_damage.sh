#!/bin/sh
# store_damage.sh - the store on a bad disk day, as a clerk meets it (issue
# 20, items 5 and 8), with the data key in the kernel keyring so that it
# outlives each process as it does on a terminal:
#   - a full disk and a read-only one are named as such; inbox, queue, audit
#     verify and doctor still read; act is refused with the reason, and so
#     is show (a view not recorded in the audit log is not shown);
#   - a page of the dossiers overwritten mid-file: doctor gives the store
#     one verdict (FAIL),
#     and from then on act, queue changes and sync stop writing and exit
#     non-zero; damage in the queue's own pages is found at every open;
#   - doctor --repair copies the queue, the audit log and what reads of the
#     dossiers into a new file and keeps the damaged one, byte for byte;
#     the queue is whole again and the audit log verifies;
#   - a 0-byte or missing store while the keyring still holds its data key
#     is refused (never an empty queue, never "intact: 0 entries") until
#     doctor --repair makes a new one;
#   - logout --wipe removes the copies a repair kept aside and the marker.
# Full and read-only disks need a private mount namespace (unshare -m, as
# root); without it those parts are skipped and said so.
. "$(dirname "$0")/lib/sandbox.sh"
sbx_require
command -v keyctl >/dev/null 2>&1 || { echo "skip: keyctl (keyutils) not installed"; exit 77; }
if [ -z "${IN_KEY_SESSION:-}" ]; then
	IN_KEY_SESSION=1 exec keyctl session - sh "$0" "$@"
fi
keyctl get_persistent @s >/dev/null 2>&1 ||
	{ echo "skip: this kernel has no persistent keyrings"; exit 77; }
unset DBUS_SESSION_BUS_ADDRESS MOTCUA_KEYRING
set -u
M=$MOTCUA_BIN
T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-damage.XXXXXX")
export HOME="$T/home" MOTCUA_HOME="$T/motcua" LANGUAGE=en
mkdir -p "$HOME" "$MOTCUA_HOME"
DB=$MOTCUA_HOME/motcua.db
LOG=$T/log
mkdir -p "$LOG"
RING=$(keyctl get_persistent @s)

fail() { echo "FAIL: $*" >&2; exit 1; }
forget_keys() { # the sign-in and the data key of this test only
	keyctl list "$RING" 2>/dev/null | grep -e "$MOTCUA_HOME" -e "${SBX_URL:-none}" |
		awk -F: '{print $1}' | while read -r id; do keyctl unlink "$id" "$RING" >/dev/null 2>&1; done
}
trap 'rm -rf "$T"' EXIT INT TERM

# run NAME cmd...: stdout to $LOG/NAME.out, stderr to $LOG/NAME.err; sets RC
run() {
	name=$1
	shift
	"$@" >"$LOG/$name.out" 2>"$LOG/$name.err"
	RC=$?
}
expect() { # expect NAME RC PATTERN (in stdout+stderr) cmd...
	name=$1 want=$2 pat=$3
	shift 3
	run "$name" "$@"
	[ "$RC" = "$want" ] ||
		fail "$name: '$*' exited $RC, expected $want: $(cat "$LOG/$name.out" "$LOG/$name.err")"
	[ -z "$pat" ] || cat "$LOG/$name.out" "$LOG/$name.err" | grep -Eq -- "$pat" ||
		fail "$name: '$*' did not say /$pat/: $(cat "$LOG/$name.out" "$LOG/$name.err")"
}

sbx_start --seed 41 --dossiers 300 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
# (after sbx_start, whose own EXIT trap this one replaces)
trap 'forget_keys; sbx_cleanup; rm -rf "$T"' EXIT INT TERM

# ---- a terminal with work queued --------------------------------------------------
"$M" login --issuer "$SBX_URL" >"$LOG/login.out" 2>"$LOG/login.err" &
lp=$!
i=0
while [ $i -lt $((200 * SLOW)) ] && ! grep -q '^user_code: ' "$LOG/login.out"; do
	sleep 0.1
	i=$((i + 1))
done
uc=$(sed -n 's/^user_code: //p' "$LOG/login.out")
[ -n "$uc" ] || fail "no user_code: $(cat "$LOG/login.err")"
sbx_curl /_control/approve --data-urlencode "user_code=$uc" | jq -e .ok >/dev/null || fail "approve"
wait $lp || fail "login: $(cat "$LOG/login.out" "$LOG/login.err")"
export MOTCUA_ISSUER=$SBX_URL
expect sync0 0 '' "$M" sync
keyctl list "$RING" | grep -q "motcua-data-key:$MOTCUA_HOME" || fail "no data key in the keyring"
codes=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=4" | jq -r '.dossiers[].code')
set -- $codes
[ $# = 4 ] || fail "the sandbox has too few new tuphap dossiers"
A=$1 B=$2 C=$3 D=$4
for c in "$A" "$B" "$C"; do
	expect "act-$c" 0 '' "$M" act "$c" receive
done
QUEUED=$("$M" queue --json | jq length)
[ "$QUEUED" = 3 ] || fail "queued: $QUEUED"
expect verify0 0 'intact' "$M" audit verify
ENTRIES=$(sed -n 's/.*intact[^0-9]*\([0-9][0-9]*\).*/\1/p' "$LOG/verify0.out" | head -n 1)
[ -n "$ENTRIES" ] && [ "$ENTRIES" -gt 0 ] || fail "audit entries: $(cat "$LOG/verify0.out")"
[ ! -e "$DB.open" ] || fail "a closed store left its .open marker"
cp -p "$DB" "$T/good.db"

# ---- a full disk and a read-only one ----------------------------------------------
# In a private mount namespace the data folder is (a) a small tmpfs, filled,
# holding a copy of the store, then (b) a read-only bind mount of itself.
cat >"$T/disk.sh" <<'EOF'
set -u
how=$1
fail() { echo "FAIL: $how: $*"; exit 1; }
mount --make-rprivate / 2>/dev/null || exit 77
if [ "$how" = full ]; then
	cp -a "$MOTCUA_HOME" "$T/keep" || exit 1
	mount -t tmpfs -o size=16m,mode=0700 tmpfs "$MOTCUA_HOME" 2>/dev/null || exit 77
	cp -a "$T/keep/." "$MOTCUA_HOME/" || fail "copy"
	dd if=/dev/zero of="$MOTCUA_HOME/fill" bs=64k 2>/dev/null
	[ "$(df -P "$MOTCUA_HOME" | awk 'NR == 2 {print $4}')" = 0 ] || fail "not full"
	words='is full'
else
	mount --bind "$MOTCUA_HOME" "$MOTCUA_HOME" 2>/dev/null || exit 77
	mount -o remount,ro,bind "$MOTCUA_HOME" 2>/dev/null || exit 77
	words='read-only'
fi
"$M" inbox --json >"$LOG/$how-inbox.out" 2>"$LOG/$how-inbox.err" ||
	fail "inbox: $(cat "$LOG/$how-inbox.err")"
grep -q "$words" "$LOG/$how-inbox.err" || fail "inbox did not say '$words': $(cat "$LOG/$how-inbox.err")"
grep -q 'damaged' "$LOG/$how-inbox.err" && fail "called damaged: $(cat "$LOG/$how-inbox.err")"
[ "$(jq length "$LOG/$how-inbox.out")" -gt 100 ] || fail "inbox: $(jq length "$LOG/$how-inbox.out")"
[ "$("$M" queue --json 2>/dev/null | jq length)" = 3 ] || fail "queue"
"$M" audit verify >"$LOG/$how-verify.out" 2>&1 || fail "audit verify: $(cat "$LOG/$how-verify.out")"
grep -q intact "$LOG/$how-verify.out" || fail "audit verify: $(cat "$LOG/$how-verify.out")"
"$M" show "$D" >"$LOG/$how-show.out" 2>&1 && fail "show without recording the view"
grep -q "$words" "$LOG/$how-show.out" || fail "show did not say '$words': $(cat "$LOG/$how-show.out")"
"$M" act "$D" receive >"$LOG/$how-act.out" 2>&1 && fail "act was not refused"
grep -q "$words" "$LOG/$how-act.out" || fail "act did not say '$words': $(cat "$LOG/$how-act.out")"
"$M" doctor >"$LOG/$how-doctor.out" 2>&1 && fail "doctor passed"
[ "$(grep -c '^[a-zA-Z]* *store ' "$LOG/$how-doctor.out")" = 1 ] ||
	fail "doctor: not one store verdict: $(cat "$LOG/$how-doctor.out")"
grep -q "^FAIL  store .*$words" "$LOG/$how-doctor.out" || fail "doctor: $(cat "$LOG/$how-doctor.out")"
exit 0
EOF
for how in full ro; do
	T=$T M=$M LOG=$LOG D=$D unshare -m sh "$T/disk.sh" "$how" >"$LOG/disk-$how.out" 2>&1
	rc=$?
	case $rc in
	0) ;;
	77) echo "note: no private mounts here: the $how disk is not tried" >&2 ;;
	*) fail "$(cat "$LOG/disk-$how.out")" ;;
	esac
done
cmp -s "$DB" "$T/good.db" || fail "the store changed on a full or read-only disk"

# ---- a page of the dossiers overwritten mid-file -------------------------------------
pages() { # pages in use (of table $1, or of any), read without touching the file
	q="SELECT pageno FROM dbstat WHERE pagetype <> 'overflow'"
	[ -n "${1:-}" ] && q="$q AND pagetype = 'leaf' AND name = '$1'"
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "file:$DB?immutable=1" "$q ORDER BY pageno" 2>/dev/null
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c "import sqlite3,sys
c = sqlite3.connect('file:' + sys.argv[1] + '?immutable=1', uri=True)
for (p,) in c.execute(sys.argv[2]):
    print(p)" "$DB" "$q ORDER BY pageno" 2>/dev/null
	fi
}
psize=$(od -An -tu1 -j16 -N2 "$DB" | awk '{print $1 * 256 + $2}')
size=$(stat -c %s "$DB")
[ "$size" -gt 65536 ] || fail "store too small to damage mid-file ($size bytes)"
# the page in the middle, or (dbstat at hand) the page of the dossiers' own
# table nearest to it: a free page holds nothing to lose and nothing to
# find, and the queue's and the audit log's pages are damaged apart (below:
# with 16 KB pages a small store has few, and the middle one may be theirs)
mid=$((size / psize / 2))
near=$(pages dossiers | awk -v m="$mid" 'BEGIN {b = -1} {d = $1 - m; if (d < 0) d = -d;
	if (b < 0 || d < b) {b = d; p = $1}} END {if (b >= 0) print p - 1}')
dd if=/dev/urandom of="$DB" bs="$psize" seek="${near:-$mid}" count=1 conv=notrunc 2>/dev/null
cp -p "$DB" "$T/damaged.db"
expect doctor1 1 '' "$M" doctor
[ "$(grep -c '^[a-zA-Z]* *store ' "$LOG/doctor1.out")" = 1 ] ||
	fail "doctor: not one store verdict: $(cat "$LOG/doctor1.out")"
grep -q '^FAIL  store .*damaged' "$LOG/doctor1.out" || fail "doctor: $(cat "$LOG/doctor1.out")"
grep -q 'doctor --repair' "$LOG/doctor1.out" || fail "doctor says nothing of --repair"
# what doctor found stays found: nothing more is written
expect act1 1 'damaged' "$M" act "$D" receive
expect sync1 1 'damaged' "$M" sync
run queue1 "$M" queue
grep -q 'damaged' "$LOG/queue1.err" || fail "queue said nothing of the damage: $(cat "$LOG/queue1.err")"
cmp -s "$DB" "$T/damaged.db" || fail "the damaged store was written to"

expect repair1 0 'repaired' "$M" doctor --repair
aside=$(ls "$DB".damaged-* 2>/dev/null | head -n 1)
[ -n "$aside" ] || fail "the damaged file was not kept: $(ls "$MOTCUA_HOME")"
cmp -s "$aside" "$T/damaged.db" || fail "the kept file is not the damaged one"
grep -Eq "^ok +outbox +3 copied" "$LOG/repair1.out" || fail "repair: $(cat "$LOG/repair1.out")"
grep -Eq "^ok +audit +intact" "$LOG/repair1.out" || fail "repair: $(cat "$LOG/repair1.out")"
[ "$("$M" queue --json | jq length)" = 3 ] || fail "queue after repair"
expect verify1 0 'intact' "$M" audit verify
n=$(sed -n 's/.*intact[^0-9]*\([0-9][0-9]*\).*/\1/p' "$LOG/verify1.out" | head -n 1)
[ "${n:-0}" -ge "$ENTRIES" ] || fail "audit entries after repair: $n, before $ENTRIES"
run doctor2 "$M" doctor
grep -q '^ok    store ' "$LOG/doctor2.out" || fail "doctor after repair: $(cat "$LOG/doctor2.out")"
expect repair1b 0 'needs no repair' "$M" doctor --repair
[ -z "$(ls "$DB".damaged-* 2>/dev/null | grep -v "^$aside")" ] || fail "a sound store was moved aside"
# the overwritten page may have held D's own row (which page is the middle
# one depends on the order the pages arrived in): then it is gone until the
# next pull, as the repair says, and another new dossier with nothing
# queued takes its place
if ! "$M" show "$D" --cached >/dev/null 2>&1; then
	"$M" queue --json | jq -r '.[].dossier' >"$T/queued"
	D=$("$M" inbox --json --limit 0 | jq -r '.[] | select(.status == 1) | .code' |
		grep -v -x -F -f "$T/queued" | head -n 1)
	[ -n "$D" ] || fail "no new dossier left after the repair"
fi
expect act2 0 '' "$M" act "$D" receive
[ "$("$M" queue --json | jq length)" = 4 ] || fail "queue after a new action"
rm -f "$aside" "$aside-wal" "$aside-shm"

# ---- damage in the queue's own pages: found at every open ---------------------------
page=$(pages outbox | head -n 1)
if [ -n "$page" ]; then
	cp -p "$DB" "$T/before-queue.db"
	dd if=/dev/urandom of="$DB" bs="$psize" seek=$((page - 1)) count=1 conv=notrunc 2>/dev/null
	expect queue2 1 'damaged' "$M" queue
	expect act3 1 'damaged' "$M" act "$D" receive
	expect sync2 1 'damaged' "$M" sync
	cp -p "$T/before-queue.db" "$DB"
	rm -f "$DB.open" "$DB-wal" "$DB-shm"
else
	echo "note: neither sqlite3 nor python3 with dbstat: queue pages not damaged" >&2
fi

# ---- an empty or missing store while the data key stays -----------------------------
cp -p "$DB" "$T/kept.db"
: >"$DB"
expect queue3 1 'missing or empty' "$M" queue
grep -q 'doctor' "$LOG/queue3.err" || fail "queue: says nothing of what to do"
expect verify3 1 'missing or empty' "$M" audit verify
grep -q 'intact' "$LOG/verify3.out" && fail "audit verify says intact over an empty store"
expect inbox3 1 'missing or empty' "$M" inbox
[ "$(stat -c %s "$DB")" = 0 ] || fail "the empty store was written"
expect doctor3 1 'missing or empty' "$M" doctor
grep -q 'logout --wipe' "$LOG/doctor3.out" || fail "doctor: $(cat "$LOG/doctor3.out")"
rm -f "$DB"
expect queue4 1 'missing or empty' "$M" queue
[ ! -e "$DB" ] || fail "a missing store was made anew"
expect repair2 0 'new, empty' "$M" doctor --repair
[ "$("$M" queue --json | jq length)" = 0 ] || fail "queue after a repair of nothing"

# ---- a wipe takes what a repair kept aside too (the same citizens' data) ------------
# (as a repair of a damaged store leaves it: tested above)
cp -p "$T/good.db" "$DB.damaged-20260312-093000"
expect wipe 0 '' "$M" logout --wipe --force
[ -z "$(ls "$DB".damaged-* 2>/dev/null)" ] || fail "the wipe left the damaged copies: $(ls "$DB".damaged-*)"
[ ! -e "$DB.open" ] || fail "the wipe left the store's marker"
echo "ok: store_damage"
