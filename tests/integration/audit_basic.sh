#!/bin/sh
# audit_basic.sh - the audit log against a sandbox, as an auditor would check
# it: sign-in, queued actions (also retry/drop), reveals with their purpose and
# sign-out are recorded with the clerk; `motcua sync` ships the log to the
# coordination system once (a resend is counted as duplicates, never stored
# twice); no ID number reaches the log; `motcua audit verify` passes, then
# catches an altered detail, a removed row and two swapped rows written
# straight into the SQLite file, each with the first bad seq; the server
# refuses a rewritten log.  The chain is keyed (the audit key comes from the
# store's data key in gnome-keyring): a whole-log rewrite with every hash
# recomputed with plain SHA-256 - which a bare hash chain accepts - fails,
# and so does a rewrite that also strips the keying; without the Secret
# Service the same file verifies but says the tags went unchecked.  Deleting
# (or replacing) the store's record of its key as well - so that it looks as
# if it never had one - leaves a 'key-record-lost' entry that fails verify;
# a new store at the same path with the keyring's old key verifies.  The
# server's refusal is remembered until it accepts the log again.  The end of
# the log is anchored in the keyring:
# the file rolled back to an older copy of itself fails verify (and exits 3
# without a keyring: the end cannot be checked there).
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
sbx_require
command -v sqlite3 >/dev/null 2>&1 || { echo "skip: sqlite3 not installed"; exit 77; }
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 31 --dossiers 200 --now '2026-03-12 09:30' --speed 0
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
DB=$MOTCUA_HOME/motcua.db
"$M" sync >/dev/null 2>&1 || sbx_die "first sync failed"

pick() { sbx_curl "/_control/dossiers?source=$1&status=$2&limit=1" | jq -r '.dossiers[].code'; }
set -e

# ---- what gets recorded -------------------------------------------------------
code=$(pick tuphap 1)
[ -n "$code" ] || sbx_die "no new tuphap dossier"
"$M" act "$code" receive >/dev/null || sbx_die "act failed"
# --reveal needs a purpose
set +e
"$M" show "$code" --reveal >/dev/null 2>&1
rc=$?
set -e
sbx_eq "$rc" 2 "show --reveal without --purpose"
id=$("$M" show "$code" --json --reveal --purpose "đối chiếu CCCD" | jq -r .applicant_id)
sbx_match "$id" '^[0-9]{12}$' "revealed ID number"

list=$("$M" audit list --json)
sbx_eq "$(printf '%s' "$list" | jq -r '.[0].kind')" signin "first entry"
sbx_eq "$(printf '%s' "$list" | jq -r '.[0].clerk')" sbx-canbo-0001 "clerk of the sign-in"
sbx_eq "$(printf '%s' "$list" | jq -r '.[0].details.name')" "Đặng Thị Thu Hà" "clerk's name"
act=$(printf '%s' "$list" | jq -c '[.[] | select(.kind == "action")][0]')
sbx_eq "$(printf '%s' "$act" | jq -r .dossier)" "$code" "action's dossier"
sbx_eq "$(printf '%s' "$act" | jq -r .details.action)" receive "action's name"
sbx_eq "$(printf '%s' "$act" | jq -r .clerk)" sbx-canbo-0001 "action's clerk"
rev=$(printf '%s' "$list" | jq -c '[.[] | select(.kind == "reveal")][0]')
sbx_eq "$(printf '%s' "$rev" | jq -r .purpose)" "đối chiếu CCCD" "reveal's purpose"
sbx_eq "$(printf '%s' "$rev" | jq -r .dossier)" "$code" "reveal's dossier"
printf '%s' "$list" | grep -q "$id" && sbx_die "the ID number is in the audit log"
"$M" audit list | grep -q "reveal.*$code.*đối chiếu CCCD" || sbx_die "human list"
"$M" audit verify >/dev/null || sbx_die "verify of an untouched log failed"

# ---- shipped once with the next sync --------------------------------------------
n=$(printf '%s' "$list" | jq length)
out=$("$M" sync 2>&1) || sbx_die "sync failed: $out"
# (the sign-in went with the first sync)
printf '%s' "$out" | grep -q "nhật ký truy cập: đã gửi $((n - 1)) mục, 0 mục chờ gửi" ||
	sbx_die "sync did not ship $((n - 1)) entries: $out"
sbx_eq "$(sbx_curl /_control/stats | jq .audit.received)" "$n" "entries at the server"
sbx_curl /_control/audit | grep -q "$id" && sbx_die "an ID number reached the server"
# a resend (the shipped mark lost, as after a crash) duplicates nothing
sqlite3 "$DB" "UPDATE audit_state SET shipped_seq = 0"
"$M" sync >/dev/null 2>&1 || sbx_die "sync after a lost mark failed"
sbx_eq "$(sbx_curl /_control/stats | jq .audit.received)" "$n" "entries after a resend"
sbx_eq "$(sbx_curl /_control/stats | jq .audit.duplicates)" "$n" "duplicates counted"
v=$("$M" audit verify --json)
sbx_eq "$(printf '%s' "$v" | jq .shipped)" "$n" "shipped mark after the resend"

# ---- tampering with the file ----------------------------------------------------
cp "$DB" "$SYNC_TMP/clean.db"
restore() { rm -f "$DB-wal" "$DB-shm"; cp "$SYNC_TMP/clean.db" "$DB"; }
tamper() { # tamper SQL PROBLEM SEQ
	restore
	sqlite3 "$DB" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; $1"
	set +e
	err=$("$M" audit verify 2>&1 >/dev/null)
	rc=$?
	set -e
	sbx_eq "$rc" 1 "verify after: $1"
	printf '%s' "$err" | grep -q "seq $3: $2" || sbx_die "after '$1' verify said: $err"
}
# (under valgrind, where each run costs seconds, the cases that take the
# same code path as another are left to the ASan and plain runs)
VG=${VG_LOG_DIR:+1}
tamper "UPDATE audit SET details = '{}' WHERE seq = 2" altered 2
[ -n "$VG" ] || tamper "UPDATE audit SET purpose = 'tra cứu' WHERE seq = 3" altered 3
tamper "DELETE FROM audit WHERE seq = 2" removed 2
tamper "UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;
	UPDATE audit SET seq = 3 WHERE seq = -1" reordered 2
[ -n "$VG" ] || tamper "DELETE FROM audit WHERE seq = $n" removed "$n"
# ---- a consistent rewrite made without the key -----------------------------------
restore
v=$("$M" audit verify --json)
sbx_eq "$(printf '%s' "$v" | jq -r .keyed)" keyed "keying of a log written with gnome-keyring"
sbx_eq "$(printf '%s' "$v" | jq .unkeyed)" 0 "entries without a keyed tag"
command -v python3 >/dev/null 2>&1 || sbx_die "python3 is needed for the rewrite"
# Rewrites seq 3's purpose and recomputes every prev_hash/hash and the head
# exactly as motcua does (doc/security.md, "The chain"); it first checks that
# its arithmetic gives the stored hashes, so only the key can make verify fail.
cat > "$SYNC_TMP/rewrite.py" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
strip = len(sys.argv) > 2 and sys.argv[2] == "strip"
db.executescript("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;")
chain = db.execute("SELECT chain FROM audit_state").fetchone()[0]
def ns(x):
    if x is None:
        return b"~"
    b = str(x).encode()
    return str(len(b)).encode() + b":" + b + b","
def h(prev, r):
    c = b"audit1;" + b"".join(ns(x) for x in r)
    return hashlib.sha256(prev.encode() + c).hexdigest()
prev = hashlib.sha256(b"motcua-audit-genesis:" + chain.encode()).hexdigest()
rows = db.execute("SELECT seq, at, clerk, kind, dossier, purpose, details, hash FROM audit ORDER BY seq").fetchall()
for r in rows:
    f = list(r[:7])
    if f[0] < 3 and h(prev, f) != r[7]:
        sys.exit("rewrite.py: my hash of seq %d differs from the stored one" % f[0])
    if f[0] == 3:
        f[5] = "việc riêng"
    new = h(prev, f)
    db.execute("UPDATE audit SET purpose = ?, prev_hash = ?, hash = ? WHERE seq = ?", (f[5], prev, new, f[0]))
    prev = new
db.execute("UPDATE audit_state SET head_hash = ?", (prev,))
# the server's receipt in the file too (the keyring's anchor is out of reach)
db.execute("UPDATE audit_state SET shipped_hash = (SELECT hash FROM audit WHERE seq = audit_state.shipped_seq) WHERE shipped_hash <> ''")
if strip:
    db.execute("UPDATE audit SET mac = NULL")
    db.execute("UPDATE audit_state SET keyed_from = 0, keyed_head = 0, keyed_hash = '', keyed_mac = NULL")
db.commit()
PY
# Without a keyring the chain is checked but not its end: exit 3 is its "intact".
nokeyring_verify() {
	r=0
	o=$(MOTCUA_KEYRING=memory "$M" audit verify 2>&1) || r=$?
	printf '%s\n' "$o"
	[ "$r" = 3 ]
}
for how in rewrite strip; do
	restore
	python3 "$SYNC_TMP/rewrite.py" "$DB" "$how" || sbx_die "rewrite.py failed"
	[ "$(sqlite3 "$DB" "SELECT purpose FROM audit WHERE seq = 3")" = "việc riêng" ] ||
		sbx_die "the rewrite did not happen"
	# without the key the chain is consistent: this is what the key adds
	out=$(nokeyring_verify) ||
		sbx_die "($how) the rewritten chain is not consistent, so this proves nothing: $out"
	set +e
	err=$("$M" audit verify 2>&1 >/dev/null)
	rc=$?
	set -e
	sbx_eq "$rc" 1 "verify after a $how without the key"
	if [ "$how" = rewrite ]; then
		printf '%s' "$err" | grep -q "seq 3: altered: its keyed tag does not match" ||
			sbx_die "after a rewrite verify said: $err"
		printf '%s' "$out" | grep -q "keyed tags not checked" ||
			sbx_die "without the Secret Service verify did not say the tags went unchecked: $out"
	else
		printf '%s' "$err" | grep -q "seq 1: altered: .*keying was removed" ||
			sbx_die "after stripping the keying verify said: $err"
	fi
done

# ---- the rewrite, the keying stripped, and the store's key record deleted -------
# That made the store look as if it never had a key, and the next open keyed
# the forged log again as a 'first-key'.  The keyring still holds the key, so
# the store is keyed again from a 'key-record-lost' entry and verify fails at
# it - for good; the clerk keeps working (new entries keyed, ID numbers read).
for record in "DELETE FROM protect_state" \
	"UPDATE protect_state SET key_check = '00000000000000000000000000000000'"; do
	restore
	python3 "$SYNC_TMP/rewrite.py" "$DB" strip || sbx_die "rewrite.py failed"
	sqlite3 "$DB" "$record"
	head=$(sqlite3 "$DB" "SELECT head_seq FROM audit_state")
	mark=$((head + 1))
	out=$(nokeyring_verify) ||
		sbx_die "($record) the forged log is not consistent, so this proves nothing: $out"
	printf '%s' "$out" | grep -q "chain not keyed" ||
		sbx_die "($record) without the Secret Service the forged log should look never keyed: $out"
	for round in first again; do
		set +e
		err=$("$M" audit verify 2>&1 >/dev/null)
		rc=$?
		set -e
		sbx_eq "$rc" 1 "($record) verify ($round) after the key record went"
		printf '%s' "$err" | grep -q "seq $mark: key-record-lost: the store's key record was removed or replaced while the keyring still holds its key; entries before it may have been rewritten" ||
			sbx_die "($record) verify ($round) said: $err"
	done
	sbx_eq "$(sqlite3 "$DB" "SELECT kind || ' ' || details || ' ' || (mac IS NOT NULL)
		FROM audit WHERE seq = $mark")" \
		"audit-key {\"reason\":\"key-record-lost\",\"unkeyed\":$head} 1" "the mark"
	v=$("$M" audit verify --json 2>/dev/null) || true
	sbx_eq "$(printf '%s' "$v" | jq -r '.problem + " " + (.seq|tostring) + " " + .keyed')" \
		"key-record-lost $mark keyed" "verify --json"
	# the clerk keeps working: the sealed ID number still opens, entries are keyed
	again=$("$M" show "$code" --json --reveal --purpose "đối chiếu CCCD" | jq -r .applicant_id)
	sbx_eq "$again" "$id" "($record) the ID number after the key record went"
	sbx_eq "$(sqlite3 "$DB" "SELECT seq, mac IS NOT NULL FROM audit ORDER BY seq DESC LIMIT 1")" \
		"$((mark + 1))|1" "($record) the next entry, keyed"
	set +e
	"$M" audit verify >/dev/null 2>&1
	rc=$?
	set -e
	sbx_eq "$rc" 1 "($record) verify after more work"
	[ -z "$VG" ] || break # the other record's case: same path
done

# a rewritten log is refused by the server, which keeps its copy; the
# refusal is remembered (in the file and in the keyring's anchor) and fails
# verify until the server accepts the log again
restore
sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET purpose = 'khác' WHERE seq = 3;
	UPDATE audit_state SET shipped_seq = 0"
out=$("$M" sync 2>&1) || true
printf '%s' "$out" | grep -q "bản nhật ký truy cập trên máy chủ khác với bản trên máy này" || sbx_die "no conflict said: $out"
[ "$(sbx_curl /_control/stats | jq .audit.rejected)" -ge 1 ] || sbx_die "server did not refuse"
verify_fails() { # verify_fails WHAT PATTERN
	set +e
	err=$("$M" audit verify 2>&1 >/dev/null)
	rc=$?
	set -e
	sbx_eq "$rc" 1 "verify: $1"
	printf '%s' "$err" | grep -q "$2" || sbx_die "verify ($1) said: $err"
}
verify_fails "the rewritten log" "seq 3: altered"
restore
# the file forgot the refusal (an older copy): the keyring did not
verify_fails "restored, refusal in the keyring" "seq 3: server-refused: .*remembered in the keyring"
# the next shipment is accepted (the server holds this log): forgotten
"$M" show "$code" >/dev/null || sbx_die "show"
"$M" sync >/dev/null 2>&1 || sbx_die "sync after the restore"
"$M" audit verify >/dev/null || sbx_die "the restored log, shipped again, does not verify"

# ---- anchoring: the end of the log ----------------------------------------------
# The file rolled back to an older copy of itself: consistent, keyed state
# and all, so the file alone looks whole and without a keyring verify can
# only say it cannot check the end (exit 3).  The keyring's anchor knows the
# log went further; no later command moves it onto the rolled-back log, and
# shipping over what the server holds is refused and remembered.
cp "$DB" "$SYNC_TMP/older.db"
head=$(sqlite3 "$DB" "SELECT head_seq FROM audit_state")
"$M" show "$code" >/dev/null || sbx_die "show"
"$M" show "$code" >/dev/null || sbx_die "show"
"$M" sync >/dev/null 2>&1 || sbx_die "sync before the rollback"
cp "$DB" "$SYNC_TMP/newest.db"
rm -f "$DB-wal" "$DB-shm"
cp "$SYNC_TMP/older.db" "$DB"
set +e
out=$(MOTCUA_KEYRING=memory "$M" audit verify 2>&1)
rc=$?
set -e
sbx_eq "$rc" 3 "verify of the rolled-back log without a keyring"
printf '%s' "$out" | grep -q "MOTCUA_KEYRING=memory" || sbx_die "without a keyring verify said: $out"
verify_fails "a rolled-back log" \
	"seq $((head + 1)): removed: the log ends at seq $head but the keyring counted seq $((head + 2)) written"
# another dossier: the same view within the same second as the one rolled
# back would be the same entry, which the server rightly takes as a duplicate
other=$(pick tuphap 4)
[ -n "$other" ] || sbx_die "no tuphap dossier in processing"
"$M" show "$other" >/dev/null || sbx_die "show after the rollback"
"$M" sync >/dev/null 2>&1 || true
verify_fails "a rolled-back log, after more work" "seq $((head + 2)): removed: "
# the server holds what was rolled back: the entry written over it is refused
sbx_eq "$(sqlite3 "$DB" "SELECT refused_seq FROM audit_state")" "$((head + 1))" "the server's refusal kept"
v=$("$M" audit verify --json 2>/dev/null) || true
sbx_eq "$(printf '%s' "$v" | jq -r '[.ok, .tail] | map(tostring) | join(" ")')" "false anchored" \
	"verify --json of the rolled-back log"
rm -f "$DB-wal" "$DB-shm"
cp "$SYNC_TMP/newest.db" "$DB"
"$M" audit verify >/dev/null || sbx_die "the newest log does not verify"

# ---- sign-out -------------------------------------------------------------------
"$M" logout >/dev/null 2>&1 || sbx_die "logout failed"
last=$("$M" audit list --json --limit 1)
sbx_eq "$(printf '%s' "$last" | jq -r '.[0].kind')" signout "last entry"
sbx_eq "$(printf '%s' "$last" | jq -r '.[0].clerk')" sbx-canbo-0001 "who signed out"
"$M" audit verify >/dev/null || sbx_die "verify after sign-out"

# ---- a new store where the keyring kept this path's data key ---------------------
# (the data folder removed by hand; a wipe that could not reach the keyring)
rm -f "$DB" "$DB-wal" "$DB-shm"
# refused, not made anew silently (what it held is gone: say so); doctor --repair
# makes the new one on purpose
"$M" audit verify --json >/dev/null 2>&1 && sbx_die "a missing store was made anew silently"
"$M" doctor --repair >/dev/null || sbx_die "doctor --repair of a missing store"
v=$("$M" audit verify --json) || sbx_die "verify of a new store failed: $v"
sbx_eq "$(printf '%s' "$v" | jq -r '[.ok, .checked, .keyed, .keyed_from] | map(tostring) | join(" ")')" \
	"true 0 keyed 1" "a new store with the keyring's old key"
echo "audit_basic: ok ($n entries shipped once; altered, removed, reordered, tail and rewrite caught;" \
     "keyed: a rewrite without the key, a stripped keying and a deleted key record caught)"
