#!/bin/sh
# A scanned PDF opened through mailcap (RFC 1524) on a terminal with no
# desktop: in `motcua demo` (sandbox, signed in) with no DISPLAY and no
# WAYLAND_DISPLAY, MAILCAPS names a mailcap this test writes.  Its first
# PDF entry wants a display (test=test -n "$DISPLAY") and must be passed
# over; the next, needsterminal, runs a script of this test that notes
# what it got, prints a marker with the type and the byte count and waits
# for a key.  o on the dossier's first attachment (a PDF the sandbox
# serves as application/pdf): the marker on a screen the console has
# left, the file byte for byte the saved one, given as one argument;
# C-c in the viewer is the viewer's (the console stays away while it
# runs); after a key the console's detail is back and answers keys.
# Then, the mailcap rewritten each time (it is read at each o): a
# copiousoutput entry whose output shows in $PAGER; a viewer that exits 3,
# one that is not there, a copiousoutput command that exits 3: one line
# each naming it, the console goes on; no entry for the type: only the
# saved path.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
command -v jq > /dev/null 2>&1 || skip "jq not installed"
command -v curl > /dev/null 2>&1 || skip "curl not installed"
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"

# The programs the mailcap names, found in $PATH as a clerk's would be.
mkdir -p "$T/bin"
cat > "$T/bin/xonly" <<EOF
#!/bin/sh
: > "$T/xonly.ran"
EOF
# the viewer: what it got, a marker, then a key (C-c is noted, not an end)
cat > "$T/bin/viewer" <<EOF
#!/bin/sh
printf '%s\n' "\$#" > "$T/seen.argc"
cp "\$1" "$T/seen"
printf '%s\n' "\$1" > "$T/seen.path"
trap 'printf "VIEWER-INT\n"' INT
printf 'VIEWER-MARK %s %s bytes\n' "\$2" "\$(wc -c < "\$1")"
n=0
until read -r answer; do n=\$((n + 1)); [ \$n -lt 20 ] || exit 9; done
EOF
# a converter for copiousoutput: its words into the pager
cat > "$T/bin/filter" <<EOF
#!/bin/sh
printf 'FILTER-MARK %s bytes\n' "\$(wc -c < "\$1")"
EOF
# the pager: keeps what came on its stdin, shows it, waits for a key
cat > "$T/bin/pager" <<EOF
#!/bin/sh
cat > "$T/paged"
printf 'PAGER-MARK\n'
cat "$T/paged"
read -r answer < /dev/tty
EOF
printf '#!/bin/sh\nexit 3\n' > "$T/bin/fail"
chmod +x "$T/bin/xonly" "$T/bin/viewer" "$T/bin/filter" "$T/bin/pager" "$T/bin/fail"

MC="$T/mailcap"
# mailcap LINE...: the mailcap, anew
mailcap() { printf '%s\n' "$@" > "$MC"; }
mailcap '# the test'"'"'s mailcap' \
	'application/pdf; xonly %s; test=test -n "$DISPLAY"' \
	'image/*; xonly %s' \
	'application/pdf; \' \
	'	viewer %s %t; \' \
	'	needsterminal; description=PDF'

tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR MAILCAPS=$T/missing:$MC PAGER=pager PATH=$T/bin:$PATH $M demo --dossiers 200 --seed 11 --rate 0 --sandbox $SBX 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
wait_for 'ĐÀO TẠO' 40
wait_for 'Tất cả \([1-9]' 40
home=$(ls -d "$XDG_RUNTIME_DIR"/motcua-demo-* 2> /dev/null | head -n 1)
[ -n "$home" ] || fail "no demo folder"
url=$(sed -n 2p "$home/sandbox.pid")
[ -n "$url" ] || fail "no sandbox URL in sandbox.pid"

# A dossier whose first attachment is a PDF under 900 KB (no question
# about its size), as the sandbox itself says; not one the coordination
# system holds (it serves no files).
curl -sS --max-time 10 "$url/_control/dossiers?note=0&in_dvcqg=0&limit=200" > "$T/peek.json" ||
	fail "control dossiers"
jq '[.dossiers[] | select(.attachments[0].type == "application/pdf" and .attachments[0].size < 900000)][0]' \
	"$T/peek.json" > "$T/one.json"
pick=$(jq -r '.code // empty' "$T/one.json")
[ -n "$pick" ] || fail "the sandbox lists no dossier with a small PDF first"
n_att=$(jq '.attachments | length' "$T/one.json")
size=$(jq '.attachments[0].size' "$T/one.json")
echo "dossier $pick: $(jq -r '.attachments[0].name' "$T/one.json"), $size bytes, 1 of $n_att"

# o, and 1 when there are several.
press_o() {
	keys o
	if [ "$n_att" -gt 1 ]; then
		wait_for 'Tệp số:' 5
		type_text 1
		keys Enter
	fi
}
# The console's detail back with the message MESSAGE (a pattern) on one
# line, and answering: G shows the last lines, g the first.
console_back() {
	wait_for "^Hồ sơ $pick" 10
	wait_for "$1" 5
	[ "$(screen | grep -cE "$1")" = 1 ] || fail "the message /$1/ is not one line"
	screen | grep -Eq 'VIEWER-MARK|PAGER-MARK|FILTER-MARK' &&
		fail "the viewer's lines are left on the console's screen"
	screen | grep -q '^EXIT=' && fail "the console ended"
	keys G
	wait_for '✓ đã tải' 5
	keys g
	wait_for "^Hồ sơ $pick" 5
}
# Wait until FILE is not empty (5 s).
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt $(( 5 * PER_S * SLOW )) ]; do sleep $POLL; i=$((i + 1)); done
	[ -s "$1" ] || fail "$1 never written"
}

open_code "$pick"

# needsterminal: the viewer on this terminal, the console away.
press_o
wait_for 'VIEWER-MARK application/pdf [0-9]+ bytes' 30
screen | grep -q "^Hồ sơ $pick" && fail "the detail is still on the screen under the viewer"
wait_file "$T/seen.path"
saved=$(cat "$T/seen.path")
case $saved in
"$home/attachments/$pick/"*.pdf) ;;
*) fail "the viewer was given '$saved', not a .pdf under $home/attachments/$pick/" ;;
esac
[ "$(cat "$T/seen.argc")" = 2 ] || fail "the viewer got $(cat "$T/seen.argc") arguments, not the file and the type"
screen | grep -q "VIEWER-MARK application/pdf $size bytes" ||
	fail "the viewer did not count the $size bytes of the attachment"
cmp -s "$T/seen" "$saved" || fail "the viewer saw other bytes than the saved file"
[ "$(stat -c %s "$saved")" = "$size" ] || fail "saved $(stat -c %s "$saved") bytes, not $size"
[ -e "$T/xonly.ran" ] && fail "the entry that wants a display ran without one"
# C-c is the viewer's: it goes on, the console stays away
keys C-c
wait_for 'VIEWER-INT' 5
settle
screen | grep -q "^Hồ sơ $pick" && fail "the console came back over the viewer after C-c"
screen | grep -q 'VIEWER-MARK' || fail "the viewer's screen went after C-c"
keys Enter
console_back "^Đã lưu: $home/"

# copiousoutput: the command's output in $PAGER.
mailcap 'application/pdf; filter %s; copiousoutput'
: > "$T/paged"
press_o
wait_for 'PAGER-MARK' 10
wait_for "FILTER-MARK $size bytes" 5
screen | grep -q "^Hồ sơ $pick" && fail "the detail is still on the screen under the pager"
grep -qx "FILTER-MARK $size bytes" "$T/paged" || fail "the pager got: $(cat "$T/paged")"
keys Enter
console_back "^Đã tải trước đó: $home/"

# A viewer that fails: its name and exit status, one line.
mailcap 'application/pdf; fail %s; needsterminal'
press_o
console_back "^Chương trình xem fail \(mailcap\) báo lỗi \(mã thoát 3\); đã lưu tại"

# One that is not there.
mailcap 'application/pdf; no-such-viewer %s; needsterminal'
press_o
console_back "^Không tìm thấy chương trình xem no-such-viewer \(mailcap\); đã lưu tại"

# A copiousoutput command that fails: named once the pager is left.
mailcap 'application/pdf; fail %s; copiousoutput'
press_o
wait_for 'PAGER-MARK' 10
keys Enter
console_back "^Chương trình xem fail \(mailcap\) báo lỗi \(mã thoát 3\); đã lưu tại"

# No entry for the type: where it is saved, as before.
mailcap 'image/png; viewer %s' 'application/pdfx; viewer %s'
press_o
console_back "^Đã tải trước đó: $home/"
[ -e "$T/xonly.ran" ] && fail "an entry for another type ran"

keys q
settle
demo_quit 15
exit 0
