#!/bin/sh
# Every user-visible string of the console (ui/) and the commands (src/cli/) has a translation in both
# catalogues: extract the msgids of ui/*.c and src/cli/*.c with xgettext and require each to
# be translated (not empty, not fuzzy) in locale/vi.po and locale/en.po, with
# matching printf formats (msgfmt -c).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v xgettext > /dev/null 2>&1 || { echo "xgettext (gettext) not installed" >&2; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cd "$ROOT" || exit 1
xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --no-location \
	--package-name=motcua -o "$T/now.pot" ui/*.c src/cli/*.c || fail "xgettext"
n=$(grep -c '^msgid ' "$T/now.pot")
[ "$n" -gt 100 ] || fail "only $n messages extracted: is _() still used in ui/?"
for l in vi en; do
	msgfmt -c -o /dev/null "locale/$l.po" 2> "$T/err" || fail "locale/$l.po: $(cat "$T/err")"
	# msgcmp: every msgid of the sources must be translated in the catalogue.
	msgcmp "locale/$l.po" "$T/now.pot" 2> "$T/err" ||
		fail "locale/$l.po lacks translations (run sh locale/update.sh):
$(grep -v '^msgcmp' "$T/err" | head -n 20)"
	grep -q '^#, fuzzy' "locale/$l.po" && fail "locale/$l.po has fuzzy entries"
done
# No curses anywhere but ui/ (the layering rule the console depends on);
# the unit tests of ui/ modules (tests/unit/test_ui_*.c) may see its types.
grep -rlE '#include <(n)?curses' src tests/unit 2> /dev/null |
	grep -v '^tests/unit/test_ui_' && fail "curses.h included outside ui/"
exit 0
