#!/bin/sh
# check-layer-links.sh - the layers as the linker sees them (DESIGN.md section 3).
#
# Each layer builds as its own static library (build/lib/libLAYER.a) and the
# programs link them top first, so a call that goes the wrong way usually fails
# the link.  "Usually": a static link only looks a symbol up in the libraries
# after the one that needs it, and finds it anyway when some other object pulled
# the defining object in already.  So this checks every layer's library exactly:
# each symbol a layer's objects use but do not define must be defined by a layer
# it may use (tests/check-layers.sh --deps) or by no layer at all (the C library,
# curl, SQLite...).  A symbol of another layer is a problem:
#
#   lib/libstore.a: store.o uses sync_flush from sync (store may use: core)
#
# Usage:  sh tests/check-layer-links.sh BUILD_DIR    (where lib/lib*.a are)
# Exit:   0 clean, 1 problems, 2 bad usage or a missing library.
set -u
B=${1:-}
[ -n "$B" ] && [ -d "$B/lib" ] || {
	echo "usage: sh tests/check-layer-links.sh BUILD_DIR (with BUILD_DIR/lib/lib*.a)" >&2
	exit 2
}
HERE=$(cd "$(dirname "$0")" && pwd)
LAYERS="core store net config sources auth sign sync outbox app ui cli"
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

for l in $LAYERS; do
	lib="$B/lib/lib$l.a"
	[ -f "$lib" ] || { echo "check-layer-links: no $lib (build first)" >&2; exit 2; }
	# "SYMBOL LAYER" for what the layer defines (text, data, bss, read-only)
	nm --defined-only -g "$lib" 2>/dev/null |
		awk -v l="$l" 'NF == 3 && $2 ~ /[TDBRCGSV]/ { print $3, l }' >> "$T/defs"
	# "OBJECT SYMBOL" for what each object uses
	nm -u -A "$lib" 2>/dev/null |
		awk '{ n = split($1, p, ":"); obj = p[n - 1]; print obj, $NF }' > "$T/uses.$l"
	sh "$HERE/check-layers.sh" --deps "$l" > "$T/deps.$l" || exit 2
done

status=0
for l in $LAYERS; do
	allowed=" $l $(cat "$T/deps.$l") "
	awk -v lib="lib/lib$l.a" -v allowed="$allowed" -v layer="$l" '
		FNR == NR { def[$1] = $2; next }
		{
			obj = $1; sym = $2
			if (!(sym in def))
				next          # defined by no layer: a library outside
			d = def[sym]
			if (index(allowed, " " d " ") == 0) {
				printf "%s: %s uses %s from %s (%s may use:%s)\n", lib, obj, sym, d,
				       layer, substr(allowed, length(layer) + 2) > "/dev/stderr"
				bad = 1
			}
		}
		END { exit bad }' "$T/defs" "$T/uses.$l" || status=1
done
if [ $status = 0 ]; then
	echo "check-layer-links: ok ($(echo "$LAYERS" | wc -w) layers)"
else
	echo "check-layer-links: some layer uses one it may not" >&2
fi
exit $status
