#!/bin/sh
# Refresh the message catalogues after strings in ui/ or src/cli/ changed:
#   sh locale/update.sh
# extracts every _("...") and N_("...") of ui/*.c and src/cli/*.c into
# locale/motcua.pot and
# merges it into vi.po and en.po.  New messages arrive untranslated; fill in
# their msgstr (en.po: usually the msgid itself) - tests/integration/tui_i18n.sh
# fails until every message has a translation in both.
set -eu
cd "$(dirname "$0")/.."
xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --add-comments=TRANSLATORS: \
	--no-location --sort-output --package-name=motcua -o locale/motcua.pot ui/*.c \
	src/cli/*.c
for l in vi en; do
	msgmerge --quiet --update --no-location --sort-output --backup=none \
		"locale/$l.po" locale/motcua.pot
done
msgfmt -c --statistics -o /dev/null locale/vi.po
msgfmt -c --statistics -o /dev/null locale/en.po
