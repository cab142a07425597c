#!/bin/sh
# check-layers.sh - keep motcua's layers one-way (DESIGN.md section 3, STYLE.md "Shape").
#
# The layering is a design decision, and a decision that is only a review comment decays:
# curl's checksrc and git's banned.h make theirs a build failure, and so does this script
# (`make check-layers`).  It reads every .c and .h under src/*/ and ui/ (each such folder
# is a "layer folder") and checks five rules:
#
#   1. project includes ("dir/name.h") go only down the table LAYERS below; a header named
#      *_int.h is private to its own folder;
#   2. library headers (<...>) are included only by their owner folder (LIBRARIES below);
#      besides those, only the C standard and POSIX headers in STANDARD are allowed, so
#      core, which owns no library, includes nothing else;
#   3. no cycle between folders, found from the includes themselves (not from the table,
#      so it still holds if the table is ever loosened);
#   4. no banned call (BANNED below), outside comments and string literals;
#   5. the front ends (ui/, src/cli/) are thin: they call app/, never an engine function
#      (ENGINE_PREFIXES below), unless the name is in THIN_ALLOW while it is phased in.
#
# Usage:  sh tests/check-layers.sh [ROOT]      (ROOT: the repository, found from here)
#         sh tests/check-layers.sh --deps LAYER   (the layers LAYER may use, top first)
# Output: one line per problem on stderr, "FILE:LINE: what is wrong (rule N: name)",
#         then a count per rule and "check-layers: N problem(s)"; or, when clean,
#         "check-layers: ok (F files)" on stdout.
# Exit:   0 clean, 1 problems found, 2 bad usage.
# Environment (for tests and for phasing rules in):
#   CHECK_LAYERS_NO_TABLE=1   skip the LAYERS table of rule 1 (private headers are still
#                             checked); the self-test uses it to show rule 3 on its own.
#   CHECK_LAYERS_THIN_ALLOW   more names for THIN_ALLOW, separated by blanks.
#
# Plain POSIX sh and awk: one find, one sort, one awk that reads each file once (and the
# headers of app/ once more, first, for rule 5).

# --- Rule 1: which folders each folder may include, besides itself. --------------------
LAYERS='
core:
store:    core
net:      core
config:   core
sources:  core net config
auth:     core net config
sign:     core net config
sync:     core store net config sources auth sign
outbox:   core store net config sources auth sign
app:      core store net config sources auth sign sync outbox
ui:       core app
cli:      core app ui
sandbox:  core net config store
'

# --- Rule 2: library headers and the folders that own them. ----------------------------
# "dir/*" stands for every header under dir/.  curl/* rather than only curl/curl.h:
# any libcurl header is net's business.  net may use OpenSSL's X509 store only
# (net/tls.c: extra trust anchors in libcurl's OpenSSL handshake).
LIBRARIES='
curses.h        ui
ncurses.h       ui
ncursesw/*      ui
libintl.h       ui
sqlite3.h       store
curl/*          net
jansson.h       sources config auth sign outbox app sandbox cli
openssl/*       sign store auth sandbox net
microhttpd.h    sandbox
zlib.h          sandbox
pthread.h       sandbox
libsecret/*     auth
qrencode.h      auth
keyutils.h      auth
libp11.h        sign
'

# The C standard library and POSIX (plus a few glibc staples): allowed everywhere.
# stdatomic.h, complex.h, fenv.h, iso646.h and tgmath.h are C11 too; threads.h is left
# out on purpose: the program has one thread, and pthread.h belongs to the sandbox.
STANDARD='
assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h
math.h setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h
stdio.h stdlib.h stdnoreturn.h string.h tgmath.h time.h uchar.h wchar.h wctype.h
dirent.h fcntl.h fnmatch.h ftw.h getopt.h glob.h grp.h iconv.h langinfo.h libgen.h
netdb.h poll.h pwd.h regex.h sched.h search.h spawn.h strings.h syslog.h termios.h
unistd.h endian.h malloc.h
arpa/* netinet/* sys/*
'

# --- Rule 4: banned calls and what to use instead (git banned.h). ----------------------
BANNED='
strcpy    use snprintf or a bounded copy
strcat    use snprintf or a bounded copy
sprintf   use snprintf
vsprintf  use vsnprintf
gets      use fgets
strtok    use strtok_r or strsep
atoi      use strtol and check the end pointer
atol      use strtol and check the end pointer
atoll     use strtoll and check the end pointer
atof      use strtod and check the end pointer
'

# --- Rule 5: the front ends, and the engine functions they must not call. --------------
FRONT_ENDS='ui cli'
# The layer the front ends go through: functions declared in its headers are its API,
# even when their names start like an engine function (app/sign_return.h sign_return_run).
APP_API='app'
ENGINE_PREFIXES='
store_ sync_ outbox_ source_ net_ auth_ sign_ privacy_ attach_ audit_ship_ config_
procedures_ calendar_file_ keyring_
'
# Engine functions a front end may still call while it is moved onto app/ (names,
# separated by blanks).  Empty means the rule is enforced in full.
THIN_ALLOW='
'

# ----------------------------------------------------------------------------------------

usage() {
	echo "usage: sh tests/check-layers.sh [ROOT]" >&2
	exit 2
}

# `--deps LAYER`: the folders LAYER may use, lowest first as a linker wants them
# last (the Makefile links each layer's library against exactly these).
if [ "${1-}" = --deps ]; then
	[ $# = 2 ] || usage
	printf '%s\n' "$LAYERS" | awk -v want="$2" '
		$1 == want ":" { found = 1; for (i = NF; i >= 2; i--) printf "%s%s", $i, (i > 2 ? " " : ""); print "" }
		END { if (!found) exit 1 }' || { echo "check-layers: no layer '$2'" >&2; exit 2; }
	exit 0
fi

case $# in
0)	ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2 ;;
1)	ROOT=$1 ;;
*)	usage ;;
esac
case $ROOT in -*) usage ;; esac
cd "$ROOT" 2>/dev/null || { echo "check-layers: $ROOT: no such directory" >&2; exit 2; }
if [ ! -d src ]; then
	echo "check-layers: $ROOT: no src/ folder here" >&2
	exit 2
fi

# The folders to scan, those that exist.
dirs=
for d in src/*/ ui/; do
	[ -d "$d" ] && dirs="$dirs ${d%/}"
done
[ -n "$dirs" ] || { echo "check-layers: ok (0 files)"; exit 0; }

THIN_ALLOW="$THIN_ALLOW ${CHECK_LAYERS_THIN_ALLOW-}"
export LAYERS LIBRARIES STANDARD BANNED FRONT_ENDS APP_API ENGINE_PREFIXES THIN_ALLOW
CHECK_LAYERS_NO_TABLE=${CHECK_LAYERS_NO_TABLE-}
export CHECK_LAYERS_NO_TABLE

# $dirs is split on purpose: the folder names have no blanks.
# shellcheck disable=SC2086
find $dirs -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort | LC_ALL=C awk '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# Words of s, as " w1 w2 ... " (easy to test with index()).
function words(s,    n, w, i, out) {
	n = split(s, w, /[ \t\n]+/)
	out = " "
	for (i = 1; i <= n; i++)
		if (w[i] != "")
			out = out w[i] " "
	return out
}

# "a b c" from " a b c "
function listed(s) { s = trim(s); gsub(/ +/, ", ", s); return s }

# Problems of the file being read are kept until its end (rule 5 needs the whole file,
# see check_calls) and then printed in line order; the cycles, found at the END, go
# straight out.
function problem(where, what, rule,    text) {
	text = sprintf("%s: %s (rule %s)", where, what, rule)
	nproblems++
	per_rule[rule]++
	if (!reading) {
		print text > "/dev/stderr"
		return
	}
	match(where, /:[0-9]+$/)
	held++
	held_line[held] = substr(where, RSTART + 1) + 0
	held_text[held] = text
}

function flush_held(    i, j, t, l) {
	for (i = 2; i <= held; i++) {	# insertion sort, stable: few lines per file
		t = held_text[i]; l = held_line[i]
		for (j = i - 1; j >= 1 && held_line[j] > l; j--) {
			held_text[j + 1] = held_text[j]; held_line[j + 1] = held_line[j]
		}
		held_text[j + 1] = t; held_line[j + 1] = l
	}
	for (i = 1; i <= held; i++)
		print held_text[i] > "/dev/stderr"
	held = 0
}

# Does header h match pattern p ("name.h" or "dir/*")?
function header_is(h, p) {
	if (p ~ /\/\*$/)
		return substr(h, 1, length(p) - 1) == substr(p, 1, length(p) - 1)
	return h == p
}

BEGIN {
	sq = sprintf("%c", 39)
	no_table = ENVIRON["CHECK_LAYERS_NO_TABLE"] != "" && ENVIRON["CHECK_LAYERS_NO_TABLE"] != "0"

	# Rule 1 table: allow[folder, dep]
	n = split(ENVIRON["LAYERS"], lines, "\n")
	for (i = 1; i <= n; i++) {
		if (index(lines[i], ":") == 0)
			continue
		f = trim(substr(lines[i], 1, index(lines[i], ":") - 1))
		known[f] = 1
		allow[f, f] = 1
		m = split(substr(lines[i], index(lines[i], ":") + 1), w, /[ \t]+/)
		for (j = 1; j <= m; j++)
			if (w[j] != "")
				allow[f, w[j]] = 1
	}

	# Rule 2 tables
	nlib = 0
	n = split(ENVIRON["LIBRARIES"], lines, "\n")
	for (i = 1; i <= n; i++) {
		s = trim(lines[i])
		if (s == "")
			continue
		nlib++
		lib_pat[nlib] = substr(s, 1, index(s " ", " ") - 1)
		lib_own[nlib] = words(substr(s, length(lib_pat[nlib]) + 1))
	}
	nstd = split(words(ENVIRON["STANDARD"]), std_pat, / /)

	# Rule 4: one regex for all banned names, advice per name
	n = split(ENVIRON["BANNED"], lines, "\n")
	alt = ""
	for (i = 1; i <= n; i++) {
		s = trim(lines[i])
		if (s == "")
			continue
		name = substr(s, 1, index(s " ", " ") - 1)
		advice[name] = trim(substr(s, length(name) + 1))
		alt = alt (alt == "" ? "" : "|") name
	}
	banned_re = "(^|[^A-Za-z0-9_])(" alt ")[ \t]*\\("

	# Rule 5
	front = words(ENVIRON["FRONT_ENDS"])
	app_api_folder = trim(ENVIRON["APP_API"])
	n = split(words(ENVIRON["ENGINE_PREFIXES"]), w, / /)
	alt = ""
	for (i = 1; i <= n; i++)
		if (w[i] != "")
			alt = alt (alt == "" ? "" : "|") w[i]
	engine_re = "(^|[^A-Za-z0-9_])(" alt ")[A-Za-z0-9_]*[ \t]*\\("
	thin_allow = words(ENVIRON["THIN_ALLOW"])
	thin_allow_used = thin_allow != " "

	# Inside a string (or char) literal: the closing quote or a backslash.
	dq_end = "\"|\\\\"
	sq_end = sq "|\\\\"
	opener = "/\\*|//|\"|" sq
}

# Code of one line with comments and literals blanked ("" stays as an empty literal);
# in_comment carries a /* comment over from line to line.
function strip(line,    out, tok, c, found) {
	out = ""
	while (line != "") {
		if (in_comment) {
			if (!(c = index(line, "*/")))
				return out
			line = substr(line, c + 2)
			in_comment = 0
			out = out " "
			continue
		}
		if (!match(line, opener))
			return out line
		out = out substr(line, 1, RSTART - 1)
		tok = substr(line, RSTART, RLENGTH)
		line = substr(line, RSTART + RLENGTH)
		if (tok == "//")
			return out
		if (tok == "/*") {
			in_comment = 1
			out = out " "
			continue
		}
		for (;;) {
			# (two match() calls, not one with a variable regex: gawk caches a
			# dynamic regex per call site, and alternating would recompile it)
			found = tok == "\"" ? match(line, dq_end) : match(line, sq_end)
			if (!found) {
				line = ""	# unterminated: the rest of the line is literal
				break
			}
			c = substr(line, RSTART, 1)
			line = substr(line, RSTART + (c == "\\" ? 2 : 1))
			if (c != "\\")
				break
		}
		out = out tok tok
	}
	return out
}

function check_include(line, where,    rest, lq, rq, name, p, tgt, i, k) {
	match(line, /^[ \t]*#[ \t]*include[ \t]*[<"]/)
	rest = substr(line, RSTART + RLENGTH - 1)
	lq = substr(rest, 1, 1)
	rq = lq == "<" ? ">" : "\""
	rest = substr(rest, 2)
	if (!(k = index(rest, rq)))
		return
	name = substr(rest, 1, k - 1)

	if (lq == "<") {		# rule 2
		for (i = 1; i <= nstd; i++)
			if (std_pat[i] != "" && header_is(name, std_pat[i]))
				return
		for (i = 1; i <= nlib; i++)
			if (header_is(name, lib_pat[i])) {
				if (!index(lib_own[i], " " folder " "))
					problem(where, folder " includes <" name ">, which only " \
					    listed(lib_own[i]) " may include", "2: library owners")
				return
			}
		problem(where, "<" name "> is an unknown library header; give it an owner " \
		    "in check-layers.sh", "2: library owners")
		return
	}

	# rule 1: "dir/name.h", relative to src/ (or to the root, for ui/)
	p = name
	while (p ~ /^\.\.?\//)
		sub(/^\.\.?\//, "", p)
	sub(/^src\//, "", p)
	tgt = index(p, "/") ? substr(p, 1, index(p, "/") - 1) : folder
	if (tgt == folder)
		return
	if (!((folder, tgt) in edge_at)) {	# rule 3 graph: first include of each edge
		edge_at[folder, tgt] = where
		nedges++
		edge_u[nedges] = folder
		edge_v[nedges] = tgt
		adj[folder] = adj[folder] " " tgt
	}
	if (!no_table && (folder in known) && !((folder, tgt) in allow))
		problem(where, "\"" name "\" crosses the layers (" folder \
		    " may not include " tgt ")", "1: layers")
	if (name ~ /_int\.h$/)
		problem(where, "\"" name "\" is a private header of " tgt, "1: private headers")
}

# Rule 4 reports at once.  Rule 5 only notes the calls, judged at the end of the file
# (judge_front_calls), because two kinds of names look like an engine call and are not:
#  - a static function of the front end itself, whose name starts like an engine function
#    (ui/signin.c sign_in_start), possibly defined after its first call;
#  - a function of the application layer, declared in a header of APP_API, whose name
#    starts like an engine function (app/sign_return.h sign_return_run): calling it is going
#    through app/.
function check_calls(code, where, engine,    name) {
	while (engine ? match(code, engine_re) : match(code, banned_re)) {	# (see strip)
		name = substr(code, RSTART, RLENGTH)
		code = substr(code, RSTART + RLENGTH)
		sub(/^[^A-Za-z0-9_]/, "", name)
		sub(/[ \t]*\($/, "", name)
		if (!engine)
			problem(where, "banned call " name " (" advice[name] ")", "4: banned calls")
		else {
			ncalls++
			call_name[ncalls] = name
			call_where[ncalls] = where
		}
	}
}

# A line that starts in column 0 declares or defines something; its first "name(" is
# the function declared there (the project writes the name of a definition in column 0).
function note_declarator(code, names,    name) {
	if (code !~ /^[A-Za-z_]/ || !match(code, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/))
		return
	name = substr(code, RSTART, RLENGTH)
	sub(/[ \t]*\($/, "", name)
	names[name] = 1
}

function judge_front_calls(    k, name) {
	for (k = 1; k <= ncalls; k++) {
		name = call_name[k]
		if ((name in declared_here) || (name in app_api))
			continue
		if (index(thin_allow, " " name " "))
			thin_allowed++
		else
			problem(call_where[k], "front end calls the engine directly: " name \
			    " (go through app/)", "5: thin front ends")
	}
	ncalls = 0
	split("", declared_here)
}

function folder_of(file,    f) {
	if (file ~ /^ui\//)
		return "ui"
	f = substr(file, 5)		# after "src/"
	return substr(f, 1, index(f, "/") - 1)
}

# First pass, over the headers of APP_API only: the functions the front ends may call.
function read_app_api(file,    line) {
	in_comment = 0
	while ((getline line < file) > 0)
		note_declarator(strip(line), app_api)
	close(file)
}

function scan(file,    line, code, where, was_in_comment) {
	folder = folder_of(file)
	is_front = index(front, " " folder " ") > 0
	reading = 1
	if (!no_table && !(folder in known) && !(folder in told_unknown)) {
		problem(file ":1", "folder " folder " is not in the LAYERS table of " \
		    "check-layers.sh", "1: layers")
		told_unknown[folder] = 1
	}
	in_comment = 0
	lineno = 0
	while ((getline line < file) > 0) {
		lineno++
		sub(/\r$/, "", line)
		was_in_comment = in_comment
		code = strip(line)
		where = file ":" lineno
		if (!was_in_comment && line ~ /^[ \t]*#[ \t]*include[ \t]*[<"]/)
			check_include(line, where)
		if (code ~ /\(/) {
			check_calls(code, where, 0)
			if (is_front) {
				note_declarator(code, declared_here)
				check_calls(code, where, 1)
			}
		}
	}
	close(file)
	judge_front_calls()
	flush_held()
	reading = 0
}

# Rule 3: for each edge u -> v not yet on a reported cycle, the shortest way back from v
# to u closes a cycle; report it once, at the first include that made u -> v.
function way_back(from, to,    head, tail, x, n, w, i, path) {
	split("", seen); split("", prev); split("", queue)
	head = tail = 1
	queue[1] = from
	seen[from] = 1
	while (head <= tail) {
		x = queue[head++]
		if (x == to)
			break
		n = split(adj[x], w, " ")
		for (i = 1; i <= n; i++)
			if (!(w[i] in seen)) {
				seen[w[i]] = 1
				prev[w[i]] = x
				queue[++tail] = w[i]
			}
	}
	if (!(to in seen))
		return ""
	path = to
	for (x = to; x != from; x = prev[x])
		path = prev[x] " " path
	return path
}

# The input: one file name per line.
{ files[++nfiles] = $0 }

END {
	for (k = 1; k <= nfiles; k++)
		if (folder_of(files[k]) == app_api_folder && files[k] ~ /\.h$/)
			read_app_api(files[k])
	for (k = 1; k <= nfiles; k++)
		scan(files[k])

	for (k = 1; k <= nedges; k++) {
		u = edge_u[k]; v = edge_v[k]
		if ((u, v) in on_cycle)
			continue
		path = way_back(v, u)
		if (path == "")
			continue
		n = split(u " " path, w, " ")
		for (i = 1; i < n; i++)
			on_cycle[w[i], w[i + 1]] = 1
		s = w[1]
		for (i = 2; i <= n; i++)
			s = s " -> " w[i]
		problem(edge_at[u, v], "cycle between folders: " s, "3: no cycles")
	}

	if (nproblems) {
		if (thin_allow_used)
			printf "check-layers: %d front-end call(s) let through by THIN_ALLOW\n", \
			    thin_allowed > "/dev/stderr"
		n = split("1: layers|1: private headers|2: library owners|3: no cycles|" \
		    "4: banned calls|5: thin front ends", w, "|")
		s = ""
		for (i = 1; i <= n; i++)
			if (w[i] in per_rule)
				s = s (s == "" ? "" : ", ") "rule " w[i] " " per_rule[w[i]]
		printf "check-layers: by rule: %s\n", s > "/dev/stderr"
		printf "check-layers: %d problem(s)\n", nproblems > "/dev/stderr"
		exit 1
	}
	if (thin_allow_used)
		printf "check-layers: %d front-end call(s) let through by THIN_ALLOW\n", \
		    thin_allowed
	printf "check-layers: ok (%d files)\n", nfiles
}
'
