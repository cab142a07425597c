#!/bin/sh
# test_check_layers.sh - the self-test of tests/check-layers.sh.
#
# check-layers.sh is what keeps the layering of DESIGN.md section 3 true, so a check that
# quietly passes everything would be worse than none (STYLE.md, Tests).  This builds a
# tiny fake tree in a temporary folder, clean by every rule, shows that it passes, then
# breaks it one way at a time and shows that each break fails with exit 1 and a line
# naming the file, the line and the rule - and nothing else (the problem count is
# checked too, so a false alarm fails the case as much as a missed problem).
#
# Usage: sh tests/layers/test_check_layers.sh     (one ok/FAIL line per case; exit 1 on FAIL)

here=$(cd "$(dirname "$0")" && pwd) || exit 1
check=$here/../check-layers.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-layers-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' INT TERM
failures=0

# put FILE LINE...: write FILE (under the tree) with these lines.
put() {
	mkdir -p "$(dirname "$tree/$1")"
	f=$1
	shift
	printf '%s\n' "$@" > "$tree/$f"
}

# add FILE LINE: append one line to FILE; $at becomes "FILE:N", where check-layers
# should point.
add() {
	mkdir -p "$(dirname "$tree/$1")"
	printf '%s\n' "$2" >> "$tree/$1"
	at="$1:$(wc -l < "$tree/$1" | tr -d ' ')"
}

# A tree that breaks no rule, while using what each rule allows: includes down the
# table, own private headers, owned library headers, banned names and engine names in
# comments and strings only, a front end with a static function named like the engine,
# and an app/ function named like the engine.
build_clean_tree() {
	put src/core/dossier.h '#include <stdint.h>' '#include <sys/types.h>' \
	    'int dossier_count(void);'
	put src/core/dossier_int.h 'int dossier_hidden(void);'
	put src/core/dossier.c '#include "core/dossier.h"' '#include "core/dossier_int.h"' \
	    '#include <string.h>' \
	    '/* strcpy(a, b) would be wrong here:' '   strcat(a, b) too */' \
	    'int dossier_count(void) { return (int)strlen("strcpy(a, b)"); } // gets(s)'
	put src/store/store.h '#include "core/dossier.h"' 'int store_query(void);'
	put src/store/store_int.h 'int store_private(void);'
	put src/store/store.c '#include <sqlite3.h>' '#include <openssl/evp.h>' \
	    '#include "store/store.h"' '#include "store/store_int.h"' \
	    'int store_query(void) { return store_private(); }'
	put src/net/net.h '#include "core/dossier.h"' 'int net_poll(void);'
	put src/net/net.c '#include <curl/curl.h>' '#include "net/net.h"'
	put src/config/config.c '#include <jansson.h>' '#include "core/dossier.h"'
	put src/sources/source.c '#include <jansson.h>' '#include "net/net.h"' \
	    '#include "config/config.h"'
	put src/auth/auth.c '#include <libsecret/secret.h>' '#include <keyutils.h>' \
	    '#include "net/net.h"'
	put src/sign/sign.c '#include <libp11.h>' '#include <openssl/cms.h>' \
	    '#include "net/net.h"'
	put src/sync/sync.h '#include "store/store.h"' 'int sync_run(void);'
	put src/sync/sync.c '#include "sync/sync.h"' '#include "net/net.h"' \
	    '#include "sources/source.h"' '#include "auth/auth.h"' \
	    'int sync_run(void) { return store_query() + net_poll(); }'
	put src/outbox/outbox.h '#include "store/store.h"' 'int outbox_replay(void);'
	put src/outbox/outbox.c '#include "outbox/outbox.h"' '#include "sign/sign.h"'
	put src/app/app.h '#include "core/dossier.h"' 'int app_open(void);' \
	    '/* named like the engine, but it is the application layer */' \
	    'int sync_env_open(void);'
	put src/app/app.c '#include "app/app.h"' '#include "sync/sync.h"' \
	    '#include "outbox/outbox.h"' \
	    'int app_open(void) { return sync_run() + outbox_replay() + sync_env_open(); }'
	put ui/ui.h '#include "app/app.h"' 'int ui_run(void);'
	put ui/ui.c '#include <curses.h>' '#include <libintl.h>' '#include "ui/ui.h"' \
	    'static int sign_in_start(void);' \
	    '/* the inbox used to call store_query() here */' \
	    'int ui_run(void) { return app_open() + sync_env_open() + sign_in_start(); }' \
	    'static const char *hint = "store_query(";' \
	    'static int' 'sign_in_start(void)' '{' '	return hint[0];' '}'
	put src/cli/main.c '#include <jansson.h>' '#include <getopt.h>' '#include "app/app.h"' \
	    '#include "ui/ui.h"' 'int main(void) { return ui_run(); }'
	put src/sandbox/main.c '#include <microhttpd.h>' '#include <pthread.h>' '#include <zlib.h>' \
	    '#include "store/store.h"' '#include "net/net.h"'
}

tree=$tmp/clean
build_clean_tree
tree=$tmp/tree

# clean_tree: a fresh copy of the clean tree to break.
clean_tree() {
	rm -rf "$tree"
	cp -R "$tmp/clean" "$tree"
}

# run [VAR=value...]: check-layers.sh on the tree; $rc, $tmp/out, $tmp/err.
run() {
	env "$@" sh "$check" "$tree" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}

ok() { echo "ok   - $1"; }
fail() {
	echo "FAIL - $1: $2"
	sed 's/^/       | /' "$tmp/out" "$tmp/err"
	failures=$((failures + 1))
}

# expect_clean NAME: the last run passed.
expect_clean() {
	if [ "$rc" -ne 0 ]; then
		fail "$1" "exit $rc, expected 0"
	elif ! grep -q '^check-layers: ok ([0-9]* files)$' "$tmp/out"; then
		fail "$1" "no 'check-layers: ok (F files)' line"
	else
		ok "$1"
	fi
}

# expect_problems NAME COUNT 'FILE:LINE|TEXT|RULE'...: the last run failed with exit 1,
# reported COUNT problems, and for each argument a line "FILE:LINE: ...TEXT... (rule RULE...".
expect_problems() {
	name=$1 count=$2
	shift 2
	if [ "$rc" -ne 1 ]; then
		fail "$name" "exit $rc, expected 1"
		return
	fi
	if ! grep -q "^check-layers: $count problem(s)\$" "$tmp/err"; then
		fail "$name" "expected exactly $count problem(s)"
		return
	fi
	for want; do
		where=${want%%|*}
		rest=${want#*|}
		text=${rest%%|*}
		rule=${rest#*|}
		if ! grep -F "$where: " "$tmp/err" | grep -F "$text" | grep -qF "(rule $rule"; then
			fail "$name" "no line '$where: ...$text... (rule $rule...'"
			return
		fi
	done
	ok "$name"
}

# --- the cases ------------------------------------------------------------------------

clean_tree
run
expect_clean "a clean tree passes"

clean_tree
add src/store/store.c '#include "sync/sync.h"'
run
expect_problems "store including sync" 2 \
    "$at|crosses the layers (store may not include sync)|1: layers" \
    "$at|cycle between folders: store -> sync -> store|3: no cycles"

clean_tree
add ui/ui.c '#include "store/store.h"'
run
expect_problems "ui including store" 1 \
    "$at|crosses the layers (ui may not include store)|1: layers"

clean_tree
add src/sync/sync.c '#include "store/store_int.h"'
run
expect_problems "a private _int.h from another folder" 1 \
    "$at|\"store/store_int.h\" is a private header of store|1: private headers"

clean_tree
add src/sync/sync.c '#include <curl/curl.h>'
run
expect_problems "curl/curl.h in sync" 1 \
    "$at|sync includes <curl/curl.h>, which only net may include|2: library owners"

clean_tree
add src/app/app.c '#include <sqlite3.h>'
run
expect_problems "sqlite3.h in app" 1 \
    "$at|app includes <sqlite3.h>, which only store may include|2: library owners"

clean_tree
add src/core/dossier.c '#include <jansson.h>'
run
expect_problems "jansson.h in core" 1 \
    "$at|core includes <jansson.h>|2: library owners"

clean_tree
add src/app/app.c '#include <yaml.h>'
run
expect_problems "an unknown library header" 1 \
    "$at|<yaml.h> is an unknown library header; give it an owner|2: library owners"

clean_tree
add src/sync/sync.c 'void sync_name(char *d) { strcpy (d, "x"); }'
run
expect_problems "a strcpy call in a .c" 1 \
    "$at|banned call strcpy (use snprintf or a bounded copy)|4: banned calls"

clean_tree
add src/sync/sync.c "void sync_q(char *d) { char q = '\"'; strcpy(d, \"x\"); q = '\\''; q = '\"'; }"
run
expect_problems "a strcpy call between char literals of quotes" 1 \
    "$at|banned call strcpy|4: banned calls"

clean_tree
add src/sync/sync.c '/* a block comment'
add src/sync/sync.c '   strcpy(d, s); over two lines */ int sync_n(void);'
add src/sync/sync.c 'static const char *s1 = "strcpy(d, s) and \"strcat(d, s)\""; // strcpy(d, s)'
add src/sync/sync.c "static const char c1 = '\"'; static const char *s2 = \"x /* strcpy(d, s) */\";"
add src/sync/sync.c "static const char *s3 = \"it's not strcpy(d, s)\";"
add src/sync/sync.c 'int my_strcpy(char *d); int use(void) { return my_strcpy(0); }'
run
expect_clean "strcpy only in comments, strings and longer names is not flagged"

clean_tree
add src/outbox/outbox.c '#include "sync/sync.h"'
outbox_at=$at
add src/sync/sync.c '#include "outbox/outbox.h"'
run CHECK_LAYERS_NO_TABLE=1
expect_problems "a cycle, rule 1 off (CHECK_LAYERS_NO_TABLE=1)" 1 \
    "$outbox_at|cycle between folders: outbox -> sync -> outbox|3: no cycles"
run
expect_problems "the same cycle with rule 1 on" 3 \
    "$outbox_at|crosses the layers (outbox may not include sync)|1: layers" \
    "$at|crosses the layers (sync may not include outbox)|1: layers" \
    "$outbox_at|cycle between folders: outbox -> sync -> outbox|3: no cycles"

clean_tree
add ui/x.c 'int ui_x(void) { return store_query(); }'
run
expect_problems "a front end calling store_query()" 1 \
    "$at|front end calls the engine directly: store_query (go through app/)|5: thin front ends"
run CHECK_LAYERS_THIN_ALLOW=store_query
if [ "$rc" -eq 0 ] && grep -q '^check-layers: 1 front-end call(s) let through by THIN_ALLOW$' "$tmp/out"; then
	ok "the same call, allow-listed, passes and is counted"
else
	fail "the same call, allow-listed, passes and is counted" "exit $rc"
fi

clean_tree
add src/cli/main.c 'int cli_sync(void) { return sync_run(); }'
run
expect_problems "the command line calling sync_run()" 1 \
    "$at|front end calls the engine directly: sync_run|5: thin front ends"

clean_tree
put src/extra/extra.c '#include "core/dossier.h"'
run
expect_problems "a folder missing from the table" 1 \
    "src/extra/extra.c:1|folder extra is not in the LAYERS table|1: layers"

sh "$check" "$tmp/no-such-folder" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ "$rc" -eq 2 ]; then ok "a missing ROOT exits 2"; else fail "a missing ROOT exits 2" "exit $rc"; fi

if [ "$failures" -ne 0 ]; then
	echo "test_check_layers: $failures case(s) FAILED"
	exit 1
fi
echo "test_check_layers: all cases ok"
