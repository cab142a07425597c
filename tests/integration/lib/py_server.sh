# py_server.sh - a small HTTP server of a test's own (a system motcua does not
# ship, lib/*_server.py), sourced by the scripts that onboard one.
#
# py_server NAME [ENV=VALUE...]: run python3 lib/NAME.py in the background
# (stdout $T/NAME.out, stderr $T/NAME.err) with the environment given, wait
# (10 s times SLOW) for its "NAME: listening on URL" line; sets PY_PID and
# PY_URL.  Needs T, SLOW and a die function of the script.
py_server() {
	name=$1
	shift
	: >"$T/$name.out" # there before the background shell gets to it
	env "$@" python3 "$(dirname "$0")/lib/$name.py" >"$T/$name.out" 2>"$T/$name.err" &
	PY_PID=$!
	PY_URL=
	i=0
	while [ $i -lt $((100 * SLOW)) ]; do
		PY_URL=$(sed -n "s/^$name: listening on \(http:[^ ]*\)\$/\1/p" "$T/$name.out")
		[ -n "$PY_URL" ] && return 0
		kill -0 "$PY_PID" 2>/dev/null || die "$name did not start"
		sleep 0.1
		i=$((i + 1))
	done
	die "$name did not say where it listens"
}
