#!/bin/sh
# A class (issue 22): motcua-sandbox --class 3 serves three trainees, each an
# isolated world of the same seed with the same exercise; a trainee joins a
# seat with `motcua demo --join` and does a step in the console; the
# trainer's screen (`motcua demo --trainer`) shows every seat's step, and
# --csv gives the same for the training record.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
command -v jq > /dev/null 2>&1 || skip "jq not installed"
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
EX=$(cd "$(dirname "$0")/../../config/exercises" && pwd)

# the class: ours to start and to stop, by its PID
"$SBX" --class 3 --port 0 --seed 11 --dossiers 300 --scenario quiet-morning \
	--exercise "$EX/buoi-sang-dau-tien.json" > "$T/class.out" 2> "$T/class.err" &
CLASS_PID=$!
trap 'kill "$CLASS_PID" 2> /dev/null; stop; rm -rf "$T"' EXIT INT TERM
i=0
while ! grep -q 'seat 3: ' "$T/class.out" && [ $i -lt $(( 20 * PER_S * SLOW )) ]; do
	kill -0 "$CLASS_PID" 2> /dev/null || fail "the class did not start: $(cat "$T/class.err")"
	sleep $POLL
	i=$((i + 1))
done
seat1=$(sed -n 's/.*seat 1: \(http[^ ]*\).*/\1/p' "$T/class.out")
BASE=${seat1%/seat/1}
[ -n "$seat1" ] && [ "$BASE" != "$seat1" ] || fail "no seat URLs: $(cat "$T/class.out")"
ex() { curl -sS --max-time 10 "$BASE/seat/$1/_control/exercise" | jq -r "$2"; }
# the same world in each seat: the same targets
[ "$(ex 1 .targets.t1)" = "$(ex 2 .targets.t1)" ] || fail "seats 1 and 2 have different worlds"
t1=$(ex 1 .targets.t1)

# trainee 1 joins seat 1 and opens the step's dossier
tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $M demo --join $seat1 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
wait_for 'ĐÀO TẠO' 40
wait_for 'Bước 1/3' 40
open_code "$t1"
wait_for 'Bước 2/3' 15
# trainee 2 signs in and syncs in seat 2, and does no step
"$M" demo --join "$BASE/seat/2" --check > "$T/t2.out" 2> "$T/t2.err" ||
	fail "trainee 2: $(cat "$T/t2.err")"
# the seats are isolated: seat 1's step is not seat 2's
[ "$(ex 1 .step)" = 2 ] || fail "seat 1 is at step $(ex 1 .step)"
[ "$(ex 2 .step)" = 1 ] || fail "seat 2 moved with seat 1: step $(ex 2 .step)"

# the trainer's screen, in a window of its own
tmux -L "$SOCK" new-session -d -s tr -x 100 -y 20 \
	"env $M demo --trainer $BASE 2> $T/trainer.err; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session (trainer)"
tr_screen() { tmux -L "$SOCK" capture-pane -p -t tr; }
# tr_wait [!] SECONDS PATTERN: until the trainer's screen matches the grep -E
# PATTERN (with !: no longer matches), or SECONDS (times SLOW) pass; then
# $T/tr.txt is one picture of it for the checks that follow.
tr_wait() {
	neg=false
	[ "$1" = "!" ] && { neg=true; shift; }
	i=0
	while [ $i -lt $(( $1 * PER_S * SLOW )) ]; do
		if tr_screen | grep -Eq -- "$2"; then $neg || break; else $neg && break; fi
		sleep $POLL
		i=$((i + 1))
	done
	tr_screen > "$T/tr.txt"
}
# one picture of the screen for all the checks: it is redrawn every 2 s
tr_wait 10 '3 chỗ ngồi'
grep -q "Lớp học tại $BASE: 3 chỗ ngồi" "$T/tr.txt" || { cat "$T/tr.txt"; fail "the trainer's screen has no class"; }
grep -Eq '^1 +2/3 .*Buổi sáng đầu tiên' "$T/tr.txt" || { cat "$T/tr.txt"; fail "seat 1 is not shown at step 2/3"; }
grep -Eq '^2 +1/3 ' "$T/tr.txt" || { cat "$T/tr.txt"; fail "seat 2 is not shown at step 1/3"; }
grep -Eq '^3 +1/3 ' "$T/tr.txt" || { cat "$T/tr.txt"; fail "seat 3 is not shown at step 1/3"; }

# the class stops answering for a while (its process stopped): the table
# stays, with the time it is from and why, and comes back by itself
kill -STOP "$CLASS_PID"
tr_wait 15 '^Lúc [0-9:]*; lớp học không trả lời'
kill -CONT "$CLASS_PID"
grep -q '^Lúc [0-9:]*; lớp học không trả lời' "$T/tr.txt" || { cat "$T/tr.txt"; fail "no word that the class stopped answering"; }
grep -Eq '^1 +2/3 .*Buổi sáng đầu tiên' "$T/tr.txt" || { cat "$T/tr.txt"; fail "the table went when one reading failed"; }
grep -q "3 chỗ ngồi" "$T/tr.txt" || { cat "$T/tr.txt"; fail "the seats' count went when one reading failed"; }
tr_wait ! 15 '^Lúc [0-9:]*; lớp học không trả lời'
grep -q '^Lúc' "$T/tr.txt" && { cat "$T/tr.txt"; fail "the word stays after the class answers again"; }
# a class taller than the terminal scrolls: at 6 rows two seats show
tmux -L "$SOCK" resize-window -t tr -x 100 -y 6
tr_wait 10 '3 chỗ ngồi \(đang hiện 1-2'
grep -q '3 chỗ ngồi (đang hiện 1-2' "$T/tr.txt" || { cat "$T/tr.txt"; fail "no word that seats 1-2 of 3 show"; }
grep -Eq '^3 +1/3 ' "$T/tr.txt" && { cat "$T/tr.txt"; fail "seat 3 shown in two rows"; }
tmux -L "$SOCK" send-keys -t tr Down
tr_wait 5 '^3 +1/3 '
grep -Eq '^3 +1/3 ' "$T/tr.txt" || { cat "$T/tr.txt"; fail "Down did not show seat 3"; }
grep -Eq '^1 +2/3 ' "$T/tr.txt" && { cat "$T/tr.txt"; fail "seat 1 still shown after Down"; }
grep -q '3 chỗ ngồi (đang hiện 2-3' "$T/tr.txt" || { cat "$T/tr.txt"; fail "the header does not say 2-3"; }
tmux -L "$SOCK" send-keys -t tr q
tr_wait 5 '^EXIT=0'
grep -q '^EXIT=0' "$T/tr.txt" || fail "q did not end the trainer's screen"

# the record, as CSV (a byte order mark first)
"$M" demo --trainer "$BASE" --csv > "$T/class.csv" || fail "--csv"
head -c 3 "$T/class.csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "no byte order mark"
[ "$(wc -l < "$T/class.csv")" = 4 ] || fail "CSV: $(cat "$T/class.csv")"
sed -n 2p "$T/class.csv" | grep -q '^1,buoi-sang-dau-tien,2,3,no,' || fail "CSV seat 1: $(sed -n 2p "$T/class.csv")"
sed -n 3p "$T/class.csv" | grep -q '^2,buoi-sang-dau-tien,1,3,no,' || fail "CSV seat 2: $(sed -n 3p "$T/class.csv")"

# back from the dossier to the inbox before q asks to end the training
keys q
wait_gone "^Hồ sơ $t1"
settle
demo_quit 15
exit 0
