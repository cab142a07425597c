#!/bin/sh
# A text attachment read in the clerk's pager: in `motcua demo` (sandbox,
# signed in) on a terminal with no desktop (no DISPLAY, no
# WAYLAND_DISPLAY), open a dossier that carries the receiving clerk's note
# (a plain-text file the sandbox serves as text/plain; charset=utf-8), press
# o (and its number): once downloaded it opens in $PAGER, here a script of
# this test that copies the file it is given, prints a marker and waits for
# a key.  The marker shows on a screen the console has left (no detail on
# it); the file is byte for byte what the system serves, UTF-8 Vietnamese;
# after the key the console's detail is back, still answering keys.  C-c in
# the pager leaves the pager, not the console.  A pager that is not there,
# or that fails, gives one line naming it and the saved path, and the
# console goes on.  At 80x24, then again at 160x48.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
command -v jq > /dev/null 2>&1 || skip "jq not installed"
command -v curl > /dev/null 2>&1 || skip "curl not installed"
command -v iconv > /dev/null 2>&1 || skip "iconv not installed"
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"

# The pager: keeps what it was given, says so on the terminal, waits.
PAGER_BIN="$T/bin/pager"
mkdir -p "$T/bin"
write_pager() {
	cat > "$PAGER_BIN.new" <<EOF
#!/bin/sh
cp "\$1" "$T/seen"
printf '%s\n' "\$1" > "$T/seen.path"
printf 'PAGER-MARK %s\n' "\$(head -n 1 "\$1")"
read -r answer
EOF
	chmod +x "$PAGER_BIN.new"
	mv "$PAGER_BIN.new" "$PAGER_BIN"
}
write_pager

tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"env -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR PAGER=$PAGER_BIN $M demo --dossiers 200 --seed 11 --rate 0 --sandbox $SBX 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
wait_for 'ĐÀO TẠO' 40
wait_for 'Tất cả \([1-9]' 40
home=$(ls -d "$XDG_RUNTIME_DIR"/motcua-demo-* 2> /dev/null | head -n 1)
[ -n "$home" ] || fail "no demo folder"
url=$(sed -n 2p "$home/sandbox.pid")
[ -n "$url" ] || fail "no sandbox URL in sandbox.pid"

# A dossier with the clerk's note, as the sandbox itself says (no dialect).
curl -sS --max-time 10 "$url/_control/dossiers?note=1&limit=1" > "$T/peek.json" ||
	fail "control dossiers"
pick=$(jq -r '.dossiers[0].code // empty' "$T/peek.json")
[ -n "$pick" ] || fail "the sandbox lists no dossier with a note: $(cat "$T/peek.json")"
src=$(jq -r '.dossiers[0].source' "$T/peek.json")
proc=$(jq -r '.dossiers[0].procedure' "$T/peek.json")
n_att=$(jq '.dossiers[0].attachments | length' "$T/peek.json")
size=$(jq '.dossiers[0].attachments[-1].size' "$T/peek.json")
[ "$(jq -r '.dossiers[0].attachments[-1].name' "$T/peek.json")" = "Ghi chu tiep nhan.txt" ] ||
	fail "the note is not the last attachment: $(cat "$T/peek.json")"
echo "dossier $pick ($src): the note is attachment $n_att of $n_att, $size bytes"

# o, and the note's number when there are several.
press_o() {
	keys o
	if [ "$n_att" -gt 1 ]; then
		wait_for 'Tệp số:' 5
		type_text "$n_att"
		keys Enter
	fi
}
# The pager's marker on a screen the console has left.
in_pager() {
	# the pager has run once it noted its file: the terminal's main screen
	# shows the last pager's lines as soon as curses steps aside, before
	# the new one is started (a C-c then would end the console's child
	# before it became the pager)
	i=0
	while [ ! -s "$T/seen.path" ] && [ $i -lt $(( 20 * PER_S * SLOW )) ]; do
		sleep $POLL
		i=$((i + 1))
	done
	[ -s "$T/seen.path" ] || fail "the pager was not started"
	wait_for 'PAGER-MARK Ghi chú của cán bộ tiếp nhận' 20
	screen | grep -q "^Hồ sơ $pick" && fail "the detail is still on the screen under the pager"
	true
}
# The console's detail back with the message MESSAGE (a pattern) and
# answering: G shows the last lines (the note, marked as downloaded), g the
# first.
console_back() {
	wait_for "^Hồ sơ $pick" 10
	wait_for "$1" 5
	screen | grep -q 'PAGER-MARK' && fail "the pager's lines are left on the console's screen"
	screen | grep -q '^EXIT=' && fail "the console ended"
	keys G
	wait_for 'Ghi chu tiep nhan\.txt.*✓ đã tải' 5
	keys g
	wait_for "^Hồ sơ $pick" 5
}

open_code "$pick"
press_o
in_pager
# what the pager got: the saved file, whole, as the system serves it
i=0
while [ ! -s "$T/seen.path" ] && [ $i -lt $(( 5 * PER_S * SLOW )) ]; do sleep $POLL; i=$((i + 1)); done
saved=$(cat "$T/seen.path")
case $saved in
"$home/attachments/$pick/"*.txt) ;;
*) fail "the pager was given '$saved', not a .txt under $home/attachments/$pick/" ;;
esac
cmp -s "$T/seen" "$saved" || fail "the pager saw other bytes than the saved file"
[ "$(stat -c %s "$T/seen")" = "$size" ] || fail "the pager saw $(stat -c %s "$T/seen") bytes, the note has $size"
iconv -f UTF-8 -t UTF-8 "$T/seen" > /dev/null 2>&1 || fail "the note is not UTF-8"
head -n 1 "$T/seen" | grep -qx 'Ghi chú của cán bộ tiếp nhận' || fail "the note's first line: $(head -n 1 "$T/seen")"
grep -qF "Thủ tục: $proc" "$T/seen" || fail "the note does not name its procedure '$proc'"

# The same bytes from the system itself, with the type it serves them as.
da=$(curl -sS --max-time 10 "$url/oidc/device_authorization" -d client_id=motcua-test -d scope=openid)
uc=$(printf '%s' "$da" | jq -r .user_code)
dc=$(printf '%s' "$da" | jq -r .device_code)
curl -sS --max-time 10 "$url/_control/approve" --data-urlencode "user_code=$uc" | jq -e .ok > /dev/null ||
	fail "approve"
at=$(curl -sS --max-time 10 "$url/oidc/token" -d client_id=motcua-test \
	-d grant_type=urn:ietf:params:oauth:grant-type:device_code --data-urlencode "device_code=$dc" |
	jq -r .access_token)
tok=$(curl -sS --max-time 10 "$url/oidc/token" -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange \
	--data-urlencode "subject_token=$at" -d subject_token_type=urn:ietf:params:oauth:token-type:access_token \
	-d "audience=$src" | jq -r .access_token)
[ -n "$tok" ] && [ "$tok" != null ] || fail "no token for $src"
MOTCUA_HOME=$home "$M" show "$pick" --json > "$T/d.json" 2> /dev/null || fail "motcua show $pick"
path=$(jq -r '.attachments[-1].url' "$T/d.json")
case $path in /*) ;; *) fail "the note's URL: '$path'" ;; esac
curl -sS --max-time 10 -D "$T/served.h" -o "$T/served" -H "Authorization: Bearer $tok" "$url$path" ||
	fail "curl $path"
grep -qi '^content-type: text/plain; charset=utf-8' "$T/served.h" || fail "served as: $(grep -i '^content-type' "$T/served.h")"
cmp -s "$T/seen" "$T/served" || fail "the pager saw other bytes than $src serves"

# A key leaves the pager: the console's screen comes back.
keys Enter
console_back "^Đã lưu: $home/"

# C-c in the pager ends the pager, not the console.
: > "$T/seen.path"
press_o
in_pager
keys C-c
console_back "^Đã tải trước đó: $home/"

# A pager that is not there: one line naming it, the console goes on.
rm -f "$PAGER_BIN"
press_o
wait_for "Không tìm thấy chương trình xem $PAGER_BIN" 10
[ "$(screen | grep -c 'chương trình xem')" = 1 ] || fail "the message takes more than one line"
console_back "^Không tìm thấy chương trình xem $PAGER_BIN; đã lưu tại"

# A pager that fails: its exit status, one line.
printf '#!/bin/sh\nexit 3\n' > "$PAGER_BIN"
chmod +x "$PAGER_BIN"
press_o
console_back "^Chương trình xem $PAGER_BIN báo lỗi \(mã thoát 3\)"

# Wider: the same round trip at 160x48.
write_pager
tmux -L "$SOCK" resize-window -t t -x 160 -y 48 > /dev/null 2>&1 || fail "resize-window"
wait_for "^Hồ sơ $pick" 10
: > "$T/seen.path"
press_o
in_pager
keys Enter
console_back "^Đã tải trước đó: $saved"
[ "$(tmux -L "$SOCK" display -p -t t '#{window_width}x#{window_height}')" = 160x48 ] ||
	fail "the window is not 160x48"
screen | awk -v n=0 'length($0) > 0 { n++ } END { exit n < 20 }' ||
	fail "the console does not fill 48 rows"

keys q
settle
demo_quit 15
exit 0
