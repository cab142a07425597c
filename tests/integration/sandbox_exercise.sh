#!/bin/sh
# Guided exercises, driven with plain curl against the dialects: a file that
# does not load (400 naming the key), the targets, a detail read on tuphap
# and on congan, a wrong dossier recorded, the step advancing, a step that
# takes tuphap offline for a few seconds, a refusal, the hint, the end with
# its time frozen.  Then a class of three seats: isolated worlds, paths
# under /seat/K, and /class with each seat's step.
. "$(dirname "$0")/lib/sandbox.sh"
sbx_start --seed 5 --dossiers 400 --now '2026-03-12 09:30' --speed 0
J="Content-Type: application/json"
off=$(slow 3)
ex=$SBX_DIR/exercise.json
cat >"$ex" <<EOF
{
  "_comment": "tests/integration/sandbox_exercise.sh",
  "name": "it-morning",
  "title": {"vi": "Buổi sáng", "en": "A morning"},
  "scenario": "quiet-morning",
  "targets": {
    "t1": {"source": "tuphap", "status": 1},
    "t2": {"source": "tuphap", "status": 1},
    "t3": {"source": "tuphap", "status": 4},
    "t4": {"source": "congan", "status": 2}
  },
  "steps": [
    {"do": {"vi": "Mở hồ sơ {t1}.", "en": "Open dossier {t1}."},
     "hint": {"vi": "Chọn {t1} trong hộp thư.", "en": "Pick {t1} in the inbox."},
     "check": {"viewed": "t1"}},
    {"do": {"vi": "Tiếp nhận {t1}.", "en": "Receive {t1}."},
     "hint": {"vi": "Phím r.", "en": "Key r."},
     "check": {"action": "receive", "dossier": "t1"}},
    {"do": {"vi": "Yêu cầu bổ sung {t3}.", "en": "Ask for a supplement to {t3}."},
     "hint": {"vi": "Ghi rõ lý do.", "en": "Say why."},
     "on_start": {"offline": "tuphap", "for_s": $off},
     "check": {"action": "request-supplement", "dossier": "t3", "reason": true}},
    {"do": {"vi": "Mở hồ sơ công an {t4}.", "en": "Open the police dossier {t4}."},
     "hint": {"vi": "Hồ sơ cư trú.", "en": "A residence dossier."},
     "check": {"viewed": "t4"}}
  ]
}
EOF

# A file that does not load says where, and changes nothing.
sed 's/"viewed": "t4"/"seen": "t4"/' "$ex" >"$SBX_DIR/bad.json"
r=$(sbx_curl /_control/exercise -H "$J" --data-binary @"$SBX_DIR/bad.json" -w '\n%{http_code}')
sbx_eq "$(printf '%s' "$r" | tail -n1)" 400 "a bad exercise"
sbx_eq "$(printf '%s' "$r" | head -n1 | jq -r .error)" \
	'exercise: steps[4].check: unknown key "seen"' "the error names the key"
sbx_eq "$(sbx_curl /_control/exercise | jq -c .)" '{"active":false}' "no exercise yet"

r=$(sbx_curl /_control/exercise -H "$J" --data-binary @"$ex")
sbx_eq "$(printf '%s' "$r" | jq -r '.ok, .active, .step, .n_steps, .done' | tr '\n' ' ')" \
	"true true 1 4 false " "loaded"
t1=$(printf '%s' "$r" | jq -r .targets.t1)
t2=$(printf '%s' "$r" | jq -r .targets.t2)
t3=$(printf '%s' "$r" | jq -r .targets.t3)
t4=$(printf '%s' "$r" | jq -r .targets.t4)
sbx_eq "$(printf '%s' "$r" | jq -r .do.en)" "Open dossier $t1." "placeholder replaced"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$t1" | jq -r '.dossier.source, .dossier.status' | tr '\n' ' ')" \
	"tuphap 1 " "t1 is a new tuphap dossier"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$t4" | jq -r '.dossier.source, .dossier.status' | tr '\n' ' ')" \
	"congan 2 " "t4 is a received congan dossier"
[ "$t1" != "$t2" ] || sbx_die "two targets, one dossier"

tok=$(sbx_token tuphap)
A="Authorization: Bearer $tok"
base=/tuphap/api/v1
act() { # act CODE KEY BODY -> HTTP status
	sbx_curl "$base/dossiers/$1/actions" -H "$A" -H "$J" -H "Idempotency-Key: $2" \
		-H 'If-Match: *' -d "$3" -o /dev/null -w '%{http_code}'
}
ex_get() { sbx_curl /_control/exercise | jq -r "$1"; }

# Step 1: another dossier's detail does not count; t1's does.
sbx_curl "$base/dossiers/$t2" -H "$A" -o /dev/null
sbx_eq "$(ex_get .step)" 1 "after opening another dossier"
sbx_curl "$base/dossiers/$t1" -H "$A" -o /dev/null
sbx_eq "$(ex_get .step)" 2 "after opening t1"
sbx_eq "$(ex_get '.step_done_s[0] | type')" number "step 1's time"

# Step 2: receive on the wrong dossier is a mistake; the step stays.
sbx_eq "$(act "$t2" k1 '{"action":"receive"}')" 200 "receive t2"
m=$(ex_get .last_mistake)
sbx_eq "$(printf '%s' "$m" | jq -r '.kind, .step, .code, .expected, .action' | tr '\n' ' ')" \
	"wrong_dossier 2 $t2 $t1 receive " "wrong dossier recorded"
sbx_eq "$(ex_get .step)" 2 "the step stays after a mistake"
sbx_eq "$(act "$t1" k2 '{"action":"receive"}')" 200 "receive t1"

# Step 3 began: tuphap is off for a few seconds, then back.
sbx_eq "$(ex_get .step)" 3 "after receiving t1"
st=$(sbx_curl "$base/dossiers/$t3" -H "$A" -o /dev/null -w '%{http_code}' 2>/dev/null)
sbx_eq "$st" 000 "tuphap offline as step 3 begins"
sbx_eq "$(sbx_stat .sources.tuphap.online)" false "tuphap's online flag"
sleep $((off + 1))
sbx_eq "$(sbx_stat .sources.tuphap.online)" true "tuphap back after $off s"
# A supplement without a reason: refused by the system, a mistake.
sbx_eq "$(act "$t3" k3 '{"action":"request-supplement"}')" 422 "supplement without reason"
sbx_eq "$(ex_get '.last_mistake.kind + " " + .last_mistake.why')" "refused need_reason" \
	"refusal recorded"
sbx_eq "$(ex_get .mistakes)" 2 "mistakes counted"
# The hint: null until asked, then the text; asked twice, counted once.
sbx_eq "$(ex_get .hint)" null "hint before asking"
sbx_curl /_control/exercise/hint -X POST | jq -e .ok >/dev/null || sbx_die "hint"
h=$(sbx_curl /_control/exercise/hint -X POST)
sbx_eq "$(printf '%s' "$h" | jq -r .hint.en)" "Say why." "hint text"
sbx_eq "$(printf '%s' "$h" | jq -c .hints_used)" "[false,false,true,false]" "hints_used"
sbx_eq "$(printf '%s' "$h" | jq .hints)" 1 "hints"
sbx_eq "$(act "$t3" k4 '{"action":"request-supplement","reason":"Thiếu bản sao CCCD"}')" 200 \
	"supplement with a reason"

# Step 4 through congan's detail; then the end, with the time frozen.
sbx_eq "$(ex_get .step)" 4 "after the supplement"
ctok=$(sbx_token congan)
sbx_curl "/congan/api/v2/records/$t4" -H "Authorization: Bearer $ctok" --compressed -o /dev/null
r=$(sbx_curl /_control/exercise)
sbx_eq "$(printf '%s' "$r" | jq -r '.done, .step, .do, .hint' | tr '\n' ' ')" "true 5 null null " "the end"
sbx_eq "$(printf '%s' "$r" | jq '[.step_done_s[] | select(. == null)] | length')" 0 "every step's time"
e1=$(printf '%s' "$r" | jq .elapsed_s)
sleep 1.2
sbx_eq "$(ex_get .elapsed_s)" "$e1" "elapsed_s frozen at the end"
# Nothing counts once done.
sbx_eq "$(act "$t2" k5 '{"action":"receive"}')" 409 "receive t2 again"
sbx_eq "$(ex_get .mistakes)" 2 "no mistake after the end"
sbx_stop || exit 1

# ---- a class of three ------------------------------------------------------
first=$SBX_DIR
sbx_start --seed 5 --dossiers 400 --now '2026-03-12 09:30' --speed 0 --class 3 --exercise "$ex"
cp "$first/bad.json" "$SBX_DIR/bad.json"
rm -rf "$first"
class=$SBX_URL
sbx_eq "$(grep -c '^motcua-sandbox: seat [123]: http://127.0.0.1:[0-9]*/seat/[123]$' "$SBX_DIR/stdout")" 3 \
	"one line per seat"
sbx_eq "$(sbx_curl /class | jq -c '[.seats[] | [.seat, .step, .active]]')" \
	'[[1,1,true],[2,1,true],[3,1,true]]' "three seats at step 1"
sbx_eq "$(sbx_curl /class | jq -r '.seats[1].url')" "$class/seat/2" "a seat's URL"
sbx_eq "$(sbx_curl /seat/2/.well-known/openid-configuration | jq -r .issuer)" "$class/seat/2" \
	"a seat's issuer"
sbx_eq "$(sbx_curl /seat/4/_control/health -o /dev/null -w '%{http_code}')" 404 "no seat 4"
sbx_eq "$(sbx_curl /_control/health -o /dev/null -w '%{http_code}')" 404 "no root sandbox in a class"

SBX_URL=$class/seat/1
tok=$(sbx_token tuphap)
A="Authorization: Bearer $tok"
loc=$(sbx_curl "$base/uploads" -H "$A" -H "$J" -d '{"fileName":"a.pdf","size":10}' -D - -o /dev/null |
	tr -d '\r' | sed -n 's/^Location: //Ip')
sbx_match "$loc" '^/seat/1/tuphap/api/v1/uploads/up-' "an upload's Location in seat 1"
sbx_match "$(sbx_curl "$base/dossiers/$t1" -H "$A" | jq -r '.files[0].url')" \
	"^/seat/1/tuphap/api/v1/dossiers/$t1/files/" "a file link in seat 1"
sbx_eq "$(act "$t1" c1 '{"action":"receive"}')" 200 "receive t1 in seat 1"
SBX_URL=$class/seat/2
# A token of seat 1 is no token of seat 2 (another provider).
sbx_eq "$(sbx_curl "$base/dossiers/$t1" -H "$A" -o /dev/null -w '%{http_code}')" 401 \
	"seat 1's token in seat 2"
sbx_eq "$(sbx_curl "/_control/dossiers?code=$t1" | jq .dossier.status)" 1 "t1 untouched in seat 2"
SBX_URL=$class/seat/1
sbx_eq "$(sbx_curl "/_control/dossiers?code=$t1" | jq .dossier.status)" 2 "t1 received in seat 1"
SBX_URL=$class
sbx_eq "$(sbx_curl /class | jq -c '[.seats[] | .step]')" '[3,1,1]' "/class shows each seat's step"
sbx_curl /seat/3/_control/exercise/hint -X POST -o /dev/null
sbx_eq "$(sbx_curl /class | jq -c '[.seats[] | .hints]')" '[0,0,1]' "/class shows a seat's hints"
sbx_stop || exit 1

# --exercise with a file that does not load: exit 2 with the reason.
"$MOTCUA_SANDBOX_BIN" --port 0 --exercise "$SBX_DIR/bad.json" >/dev/null 2>"$SBX_DIR/err"
sbx_eq "$?" 2 "exit status of a bad --exercise"
grep -q 'bad.json: steps\[4\].check: unknown key "seen"' "$SBX_DIR/err" ||
	sbx_die "bad --exercise message: $(cat "$SBX_DIR/err")"
echo "ok"
