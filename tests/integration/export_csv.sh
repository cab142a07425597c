#!/bin/sh
# export_csv.sh - `motcua export` after a real sync against the sandbox: a
# UTF-8 BOM, CRLF rows that python's csv module reads back (RFC 4180), the
# documented header, detail rows that add up to the total row, and a total
# row that is the dashboard's figures (`export --json`: the systems' and
# areas' tables, computed by other queries) and the inbox's own counts;
# --from/--to narrow what was received and finished, never the store's
# counts; -o writes a file whole, refuses to replace one, --force does.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/sync_signin.sh"
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 not installed"; exit 77; }
sbx_require
sync_in_keyring "$@"
M=$MOTCUA_BIN

sbx_start --seed 23 --dossiers 400 --now '2026-03-12 09:30' --speed 0 \
	--faults 'nnmt:clear;congan:clear'
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT
sync_login
out=$("$M" sync --json) || { echo "$out"; sbx_die "sync failed"; }

D=$SYNC_TMP
"$M" inbox --json --limit 0 >"$D/inbox.json" || sbx_die "inbox --json failed"
"$M" export --csv >"$D/all.csv" || sbx_die "export --csv failed"
"$M" export --json >"$D/all.json" || sbx_die "export --json failed"
# the period of everything, and one day of receptions
"$M" export --csv --from 2000-01-01 --to 2099-12-31 >"$D/wide.csv" || sbx_die "export wide failed"
day=$(jq -r '[.[] | .received_at | select(. != null) | .[0:10]] | group_by(.) | max_by(length) | .[0]' \
	"$D/inbox.json")
[ -n "$day" ] && [ "$day" != null ] || sbx_die "no reception dates in the inbox"
"$M" export --from "$day" --to "$day" >"$D/day.csv" || sbx_die "export of $day failed"

python3 - "$D" "$day" <<'EOF' || sbx_die "the CSV does not hold what it should"
import csv, json, sys

d, day = sys.argv[1], sys.argv[2]
COLS = ["level", "system", "status", "status_label", "area", "dossiers", "open", "due_soon",
        "overdue", "received", "finished", "early", "on_time", "late", "unclassified",
        "on_time_rate"]
NUM = COLS[5:15]
FINISHED = {3, 7, 8, 9, 10}

def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)

def eq(got, want, what):
    if got != want:
        fail("%s: expected %r, got %r" % (what, want, got))

def load(name):
    raw = open("%s/%s" % (d, name), "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        fail("%s: no UTF-8 byte order mark" % name)
    body = raw[3:]
    if not body.endswith(b"\r\n") or body.replace(b"\r\n", b"").find(b"\n") >= 0:
        fail("%s: rows do not all end in CRLF" % name)
    rows = list(csv.reader(body.decode("utf-8").splitlines(keepends=True), strict=True))
    eq(rows[0], COLS, name + " header")
    for r in rows[1:]:
        eq(len(r), len(COLS), name + " fields in a row")
    recs = [dict(zip(COLS, r)) for r in rows[1:]]
    for r in recs:
        for c in NUM:
            r[c] = int(r[c])
    details = [r for r in recs if r["level"] == "detail"]
    totals = [r for r in recs if r["level"] == "total"]
    eq(len(totals), 1, name + " total rows")
    eq(recs[-1]["level"], "total", name + " last row")
    total = totals[0]
    for c in NUM:
        eq(sum(r[c] for r in details), total[c], "%s: the details' %s add up to the total" % (name, c))
    cl = total["early"] + total["on_time"] + total["late"]
    want = "" if cl == 0 else str(((total["early"] + total["on_time"]) * 100 + cl // 2) // cl)
    eq(total["on_time_rate"], want, name + " on-time rate")
    return details, total

inbox = json.load(open(d + "/inbox.json"))
dash = json.load(open(d + "/all.json"))
details, total = load("all.csv")
if len(details) < 10:
    fail("only %d detail rows" % len(details))
if not any(any(ord(ch) > 127 for ch in r["status_label"]) for r in details):
    fail("no Vietnamese status label came through")
statuses = {int(r["status"]) for r in details}
if not statuses & FINISHED or not statuses - FINISHED:
    fail("the sandbox should have open and finished dossiers: %s" % statuses)

# The total row is the dashboard's "All" line ...
for c, k in [("dossiers", "dossiers"), ("open", "open"), ("due_soon", "due_soon"),
             ("overdue", "overdue"), ("finished", "finished"), ("early", "early"),
             ("on_time", "on_time"), ("late", "late"), ("unclassified", "unclassified"),
             ("received", "received")]:
    eq(total[c], dash["total"][k], "total %s against the dashboard's" % c)
eq(total["on_time_rate"], "" if dash["total"]["on_time_rate"] is None
   else str(dash["total"]["on_time_rate"]), "rate against the dashboard's")
# ... and its per-system and per-area tables (other queries) agree with the rows.
for s in dash["systems"]:
    rows = [r for r in details if r["system"] == s["system"]]
    for c in ["dossiers", "open", "due_soon", "overdue", "finished", "early", "on_time", "late"]:
        eq(sum(r[c] for r in rows), s[c], "system %s %s against the dashboard's" % (s["system"], c))
for a in dash["areas"]:
    rows = [r for r in details if r["area"] == a["area"]]
    for c in ["dossiers", "open", "due_soon", "overdue"]:
        eq(sum(r[c] for r in rows), a[c], "area %r %s against the dashboard's" % (a["area"], c))
for s in dash["statuses"]:
    eq(sum(r["dossiers"] for r in details if int(r["status"]) == s["status"]), s["dossiers"],
       "status %d against the dashboard's" % s["status"])

# The inbox, a third way of counting.
eq(total["dossiers"], len(inbox), "dossiers against the inbox")
eq(total["open"], sum(1 for x in inbox if x["status"] not in FINISHED), "open against the inbox")
eq(total["overdue"], sum(1 for x in inbox if x["due_class"] == "overdue"), "overdue against the inbox")
eq(total["due_soon"], sum(1 for x in inbox if x["due_class"] == "soon"), "due soon against the inbox")
for src in {x["source"] for x in inbox}:
    eq(sum(r["dossiers"] for r in details if r["system"] == src),
       sum(1 for x in inbox if x["source"] == src), "dossiers of %s against the inbox" % src)
for st in range(1, 11):
    eq(sum(r["dossiers"] for r in details if int(r["status"]) == st),
       sum(1 for x in inbox if x["status"] == st), "status %d against the inbox" % st)

# --from/--to: receptions and finishes narrow, the store's counts do not.
wdet, wide = load("wide.csv")
ddet, one = load("day.csv")
for t in (wide, one):
    for c in ["dossiers", "open", "due_soon", "overdue"]:
        eq(t[c], total[c], "%s does not depend on the period" % c)
eq(wide["received"], sum(1 for x in inbox if x["received_at"]), "received over all time")
eq(one["received"], sum(1 for x in inbox if (x["received_at"] or "")[:10] == day),
   "received on " + day)
if not 0 < one["received"] < wide["received"]:
    fail("one day's receptions (%d) should be some of all (%d)" % (one["received"], wide["received"]))
if wide["finished"] == 0 or wide["finished"] > sum(1 for x in inbox if x["status"] in FINISHED):
    fail("finished over all time: %d" % wide["finished"])
if one["finished"] > wide["finished"]:
    fail("one day finished more than all time")
print("export: %d rows, %d dossiers, %d finished of all time (rate %s%%), %d received on %s"
      % (len(details), total["dossiers"], wide["finished"], wide["on_time_rate"], one["received"], day))
EOF

# ---- -o FILE: whole, never over an existing file unless --force ---------------
mkdir "$D/out"
f=$D/out/thống-kê.csv
"$M" export --csv --from 2000-01-01 --to 2099-12-31 -o "$f" || sbx_die "export -o failed"
cmp -s "$f" "$D/wide.csv" || sbx_die "the file differs from what stdout got"
echo 'a clerk report' >"$f"
if "$M" export -o "$f" 2>"$D/err"; then sbx_die "export replaced an existing file"; fi
grep -q "thống-kê.csv" "$D/err" || sbx_die "the refusal does not name the file: $(cat "$D/err")"
sbx_eq "$(cat "$f")" "a clerk report" "the existing file after a refused export"
"$M" export --from 2000-01-01 --to 2099-12-31 --output "$f" --force || sbx_die "export --force failed"
cmp -s "$f" "$D/wide.csv" || sbx_die "--force did not write the export"
sbx_eq "$(ls -A "$D/out")" "thống-kê.csv" "files left in the folder"
"$M" export -o "$D/no-such-dir/x.csv" 2>"$D/err"
sbx_eq $? 1 "exit code writing into a missing folder"
grep -q "no-such-dir/x.csv" "$D/err" || sbx_die "the failure does not name the file: $(cat "$D/err")"

# ---- bad usage: exit 2 -----------------------------------------------------------
for args in "--from 2026-13-01" "--to yesterday" "--from 2026-03-02 --to 2026-03-01" \
	"--csv --json" "--json -o $D/x.json" "--force" "stray"; do
	# shellcheck disable=SC2086
	"$M" export $args >/dev/null 2>&1
	sbx_eq $? 2 "exit code of 'export $args'"
done
echo "export_csv: ok"
exit 0
