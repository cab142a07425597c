#!/bin/sh
# The command line's contract (DESIGN.md section 9): help, usage errors, exit
# codes; in one language per run, Vietnamese by default, English on request.
set -u
M=${MOTCUA_BIN:?}
fail() { echo "FAIL: $*" >&2; exit 1; }
unset LANGUAGE LC_ALL LC_MESSAGES # the runner set LANG=C.UTF-8

# Vietnamese by default, and nothing of it in English
"$M" --help > /tmp/cli.$$ 2>&1 || fail "--help exits non-zero"
grep -q '^cách dùng: motcua' /tmp/cli.$$ || fail "--help (vi) has no usage line"
grep -q '^Các lệnh:' /tmp/cli.$$ || fail "--help (vi): no command list heading"
grep -q 'Commands:\|^usage:' /tmp/cli.$$ && fail "--help (vi) has English in it"
"$M" no-such-command > /tmp/cli.$$ 2>&1
grep -q "không có lệnh 'no-such-command'" /tmp/cli.$$ || fail "unknown command (vi): $(cat /tmp/cli.$$)"
# English with LANGUAGE, LANG or config.json
LANG=en_US.UTF-8 "$M" no-such-command 2>&1 | grep -q "unknown command" || fail "LANG=en ignored"
mkdir -p /tmp/cli-home.$$
printf '{"language": "en"}\n' > /tmp/cli-home.$$/config.json
MOTCUA_HOME=/tmp/cli-home.$$ "$M" inbox --source nowhere 2>&1 | grep -q "there is no system 'nowhere'" ||
	fail "config.json language en ignored"
rm -rf /tmp/cli-home.$$
export LANGUAGE=en

"$M" --help > /tmp/cli.$$ 2>&1 || fail "--help exits non-zero"
grep -q '^usage: motcua' /tmp/cli.$$ || fail "--help has no usage line"
for c in due calendar lunar; do
	grep -q "^  $c " /tmp/cli.$$ || fail "--help does not list $c"
	"$M" help "$c" > /tmp/cli3.$$ 2>&1 || fail "help $c exits non-zero"
	grep -q "^usage: motcua $c" /tmp/cli3.$$ || fail "help $c has no usage"
	"$M" "$c" --help > /tmp/cli2.$$ 2>&1 || fail "$c --help exits non-zero"
	cmp -s /tmp/cli3.$$ /tmp/cli2.$$ || fail "$c --help differs from help $c"
done

"$M" no-such-command > /tmp/cli.$$ 2>&1
[ $? = 2 ] || fail "unknown command must exit 2"
grep -q "unknown command 'no-such-command'" /tmp/cli.$$ || fail "unknown command message"
[ "$(wc -l < /tmp/cli.$$)" = 1 ] || fail "unknown command: expected one line"

"$M" help no-such-command > /dev/null 2>&1
[ $? = 2 ] || fail "help of an unknown command must exit 2"

"$M" --version | grep -q '^motcua [0-9]' || fail "--version"
rm -f /tmp/cli.$$ /tmp/cli2.$$ /tmp/cli3.$$
echo "cli: ok"
