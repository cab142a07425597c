#!/bin/sh
# Attachments on demand: in `motcua demo` (sandbox, signed in), open an nnmt
# dossier with a large attachment, press o (and its number when there are
# several); a file over 5 MB with no speed known yet asks first (n keeps it,
# y starts); the progress shows in the status bar while the screen keeps
# answering keys (the link is slowed through the sandbox's control API);
# the end shows the saved path, the file has the announced size, mode 0600,
# and the attachment is then marked as downloaded; with a desktop the file
# opens in its viewer (xdg-open), then and on o again.
. "$(dirname "$0")/lib.sh"

SBX=${MOTCUA_SANDBOX_BIN:-$(dirname "$M")/motcua-sandbox}
[ -x "$SBX" ] || skip "no motcua-sandbox at $SBX"
command -v jq > /dev/null 2>&1 || skip "jq not installed"
command -v curl > /dev/null 2>&1 || skip "curl not installed"
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"

# a desktop whose viewer notes what it was asked to open
mkdir -p "$T/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >> "%s/opened"\n' "$T" > "$T/bin/xdg-open"
chmod +x "$T/bin/xdg-open"
tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 100 -y 50 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR DISPLAY=:99 PATH=$T/bin:$PATH $M demo --dossiers 200 --seed 11 --rate 0 --sandbox $SBX 2> $T/stderr; echo EXIT=\$?; sleep 600" ||
	fail "tmux new-session"
tmux -L "$SOCK" set-option -g remain-on-exit on > /dev/null 2>&1
wait_for 'ĐÀO TẠO' 40
wait_for 'Tất cả \([1-9]' 40
wait_for 'nnmt●[0-9]' 40
home=$(ls -d "$XDG_RUNTIME_DIR"/motcua-demo-* 2> /dev/null | head -n 1)
[ -n "$home" ] || fail "no demo folder"
url=$(sed -n 2p "$home/sandbox.pid")
[ -n "$url" ] || fail "no sandbox URL in sandbox.pid"

# An nnmt dossier with an attachment over 1 MB (the largest one of it).
pick="" idx="" size=""
for c in $(MOTCUA_HOME=$home "$M" inbox --json --source nnmt --limit 0 | jq -r '.[].code'); do
	MOTCUA_HOME=$home "$M" show "$c" --json > "$T/d.json" 2> /dev/null || continue
	big=$(jq '[.attachments[]? | (.size_bytes // .size)] | max // 0' "$T/d.json")
	if [ "$big" -gt 1048576 ]; then
		pick=$c
		idx=$(jq '[.attachments[] | (.size_bytes // .size)] | to_entries | max_by(.value) | .key + 1' "$T/d.json")
		size=$big
		n_att=$(jq '.attachments | length' "$T/d.json")
		name=$(jq -r --argjson i "$idx" '.attachments[$i - 1] | (.file_name // .name)' "$T/d.json")
		break
	fi
done
[ -n "$pick" ] || fail "no nnmt dossier with an attachment over 1 MB"
echo "dossier $pick attachment $idx of $n_att: $name, $size bytes"

# A slow link (about 12 s for 5 MB): the progress has time to show.
curl -sS --max-time 10 "$url/_control/faults" -d "spec=nnmt:bandwidth=400000" |
	jq -e .ok > /dev/null || fail "control faults"

keys /
type_text "$pick"
wait_for "Tất cả \(1\)" 10
keys Enter Enter
wait_for "^Hồ sơ $pick" 10
screen | grep -q 'o tải tệp' || fail "the hint line does not offer o"
keys o
if [ "$n_att" -gt 1 ]; then
	wait_for 'Tệp số:' 5
	type_text "$idx"
	keys Enter
fi
if [ "$size" -gt 5242880 ]; then
	# no speed known yet: a file this size asks first, with its size
	wait_for 'Tệp lớn' 5
	screen | grep -q 'chưa biết tốc' || fail "the question does not say the speed is unknown"
	keys n
	wait_gone 'Tệp lớn' 5
	keys o
	if [ "$n_att" -gt 1 ]; then
		wait_for 'Tệp số:' 5
		type_text "$idx"
		keys Enter
	fi
	wait_for 'Tệp lớn' 5
	keys y
fi
wait_for 'Đang tải .*%\)' 10
# the screen answers while the bytes come: scroll down and back (no
# settle here: the progress keeps the screen changing)
keys G
wait_for 'Phí, lệ phí|Quá trình xử lý' 5
keys g
wait_for "^Hồ sơ $pick" 5
# the attachment is marked while it downloads (50 rows show it on the
# first page, under the due date's explanation: no paging to race with the
# download under memcheck), and the progress goes on
wait_for '↓ đang tải' 10
wait_for 'Đang tải .*%\)|Đã lưu: |lưu tại: ' 5
wait_for 'Đã lưu: |lưu tại: ' 60
path=$(find "$home/attachments/$pick" -type f ! -name '*.part' | head -n 1)
[ -n "$path" ] || fail "no file under $home/attachments/$pick"
# downloaded with o: opened in the desktop's viewer, and said so
wait_for 'Đã mở bằng trình xem của máy, lưu tại: ' 5
i=0
while [ ! -s "$T/opened" ] && [ $i -lt $(( 5 * PER_S * SLOW )) ]; do sleep $POLL; i=$((i + 1)); done
[ "$(head -n 1 "$T/opened")" = "$path" ] || fail "xdg-open was given '$(cat "$T/opened" 2>&1)', not $path"
[ "$(stat -c %s "$path")" = "$size" ] || fail "saved $(stat -c %s "$path") bytes, expected $size"
[ "$(stat -c %a "$path")" = 600 ] || fail "the saved file is not private (0600)"
[ "$(stat -c %a "$home/attachments")" = 700 ] || fail "attachments/ is not 0700"
keys G
settle
screen | grep -q '✓ đã tải' || fail "the attachment is not marked as downloaded"
# again: nothing to download, the path is shown
keys o
if [ "$n_att" -gt 1 ]; then
	wait_for 'Tệp số:' 5
	type_text "$idx"
	keys Enter
fi
wait_for 'Đã tải trước đó, đã mở bằng trình xem của máy: ' 5
[ "$(wc -l < "$T/opened")" = 2 ] || fail "o on a downloaded file did not open it again"
keys q q
settle
demo_quit 15
exit 0
