#!/bin/sh
# tls_front.sh - motcua over HTTPS through a real TLS front, as deployments
# have it (issue 21): nginx on loopback, started here, in front of the
# sandbox (which hands out the front's https:// URLs: --public-url), with a
# private CA and server certificates made here with openssl.
#   - with tls.ca_file naming the private CA: sign-in, sync of every system,
#     a queued action replayed, an attachment resumed with Range after cut
#     bodies, remote signing and audit shipping all pass through the front;
#     doctor shows each system's scheme, TLS version, certificate issuer and
#     expiry;
#   - without the CA each of them fails, saying the certificate is not from
#     an authority trusted here and naming tls.ca_file (the support engineer's
#     fix), in the clerk's language; nothing is lost from the queue;
#   - an expired certificate and one for another host name are refused as such;
#   - a pin that does not match the server's key is refused; the right pin passes;
#   - through a CONNECT proxy (config.json "proxy", its credentials from the
#     keyring; and the environment's https_proxy), to a front named
#     front.motcua.test that only the proxy resolves (to loopback).
# The refusal of http:// to other hosts is unit-tested on the policy
# (test_net_policy): tests never send traffic off loopback.
. "$(dirname "$0")/lib/sandbox.sh"
. "$(dirname "$0")/lib/tls.sh"
sbx_require
for tool in nginx openssl keyctl python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not installed"; exit 77; }
done
if [ -z "${IN_KEY_SESSION:-}" ]; then
	IN_KEY_SESSION=1 exec keyctl session - sh "$0" "$@"
fi
keyctl get_persistent @s >/dev/null 2>&1 ||
	{ echo "skip: this kernel has no persistent keyrings"; exit 77; }
unset DBUS_SESSION_BUS_ADDRESS MOTCUA_KEYRING
set -u
M=$MOTCUA_BIN
T=$(mktemp -d "${TMPDIR:-/tmp}/motcua-tls.XXXXXX")
export HOME="$T/home" MOTCUA_HOME="$T/motcua" LANGUAGE=en
mkdir -p "$HOME" "$MOTCUA_HOME" "$T/log"
LOG=$T/log
RING=$(keyctl get_persistent @s)

fail() { echo "FAIL: $*" >&2; exit 1; }
forget_keys() {
	keyctl list "$RING" 2>/dev/null | grep -e "$T/" -e "localhost:${P_GOOD:-none}" \
		-e "front.motcua.test:${P_NAMED:-none}" -e "motcua-proxy:http://127.0.0.1:${P_PROXY:-none}" |
		awk -F: '{print $1}' | while read -r id; do keyctl unlink "$id" "$RING" >/dev/null 2>&1; done
}
cleanup() {
	[ -z "${TMUX_SOCK:-}" ] || tmux -L "$TMUX_SOCK" kill-server >/dev/null 2>&1
	tls_nginx_stop
	[ -z "${PROXY_PID:-}" ] || kill "$PROXY_PID" 2>/dev/null
	[ -z "${SBX1_PID:-}" ] || kill "$SBX1_PID" 2>/dev/null
	forget_keys
	sbx_cleanup
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
run() { # run NAME cmd...: stdout+stderr to $LOG/NAME; sets RC
	name=$1
	shift
	"$@" >"$LOG/$name" 2>&1
	RC=$?
}
says() { # says NAME PATTERN
	grep -Eq -- "$2" "$LOG/$1" || fail "$1 did not say /$2/: $(cat "$LOG/$1")"
}

# ---- a private CA and its certificates ----------------------------------------
now=$(date -u +%s)
tls_ca "$T" || fail "CA"
tls_cert "$T" good "DNS:localhost,IP:127.0.0.1" $((now - 86400)) $((now + 20 * 86400)) || fail "cert"
tls_cert "$T" expired "DNS:localhost,IP:127.0.0.1" $((now - 40 * 86400)) $((now - 86400)) || fail "cert"
tls_cert "$T" other "DNS:other.invalid" $((now - 86400)) $((now + 20 * 86400)) || fail "cert"
tls_cert "$T" named "DNS:front.motcua.test" $((now - 86400)) $((now + 20 * 86400)) || fail "cert"
PIN=$(tls_pin "$T" good)

# ---- the sandbox behind nginx ------------------------------------------------------
P_GOOD=$(tls_free_port)
P_EXPIRED=$(tls_free_port)
P_OTHER=$(tls_free_port)
P_NAMED=$(tls_free_port)
FRONT="https://localhost:$P_GOOD"
sbx_start --seed 43 --dossiers 120 --now '2026-03-12 09:30' --speed 0 --public-url "$FRONT" \
	--faults 'nnmt:clear;congan:clear'
trap cleanup EXIT INT TERM
fronts="$P_GOOD:good $P_EXPIRED:expired $P_OTHER:other $P_NAMED:named"
# shellcheck disable=SC2086
tls_nginx_start "$T" "${SBX_URL#http://}" $fronts || fail "nginx did not come up"
curl -s --cacert "$T/ca.pem" "$FRONT/.well-known/openid-configuration" | jq -e --arg f "$FRONT" \
	'.issuer == $f' >/dev/null || fail "the sandbox does not hand out the front's URL"

CFG=$MOTCUA_HOME/config.json
with_ca() { printf '{"tls": {"ca_file": "%s"}}\n' "$T/ca.pem" >"$CFG"; chmod 600 "$CFG"; }
without_ca() { printf '{}\n' >"$CFG"; chmod 600 "$CFG"; }
login() { # login ISSUER: sets RC
	rm -f "$LOG/login.out"
	: >"$LOG/login.out"
	"$M" login --issuer "$1" >"$LOG/login.out" 2>&1 &
	lp=$!
	i=0
	while [ $i -lt $((200 * SLOW)) ] && ! grep -q '^user_code: ' "$LOG/login.out" &&
		kill -0 $lp 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	uc=$(sed -n 's/^user_code: //p' "$LOG/login.out")
	[ -z "$uc" ] || sbx_curl /_control/approve --data-urlencode "user_code=$uc" >/dev/null
	wait $lp
	RC=$?
}

remote_sign() { # remote_sign LOGNAME IN OUT [options...]: sets RC
	name=$1 in=$2 out=$3
	shift 3
	sbx_token csc >"$T/token"
	rm -f "$T/otp.fifo"
	mkfifo "$T/otp.fifo"
	exec 5<>"$T/otp.fifo"
	"$M" sign --remote "$FRONT/csc/v2" --credential sandbox-rsa-01 --access-token-fd 3 \
		--otp-fd 5 "$@" "$in" -o "$out" 3<"$T/token" >"$LOG/$name" 2>&1 &
	sp=$!
	otp=
	i=0
	while [ -z "$otp" ] && [ $i -lt $((100 * SLOW)) ] && kill -0 $sp 2>/dev/null; do
		otp=$(sbx_curl "/csc/_sandbox/otp?credentialID=sandbox-rsa-01" | jq -r '.otp // empty')
		[ -n "$otp" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$otp" ] && printf '%s\n' "$otp" >&5
	wait $sp
	RC=$?
	exec 5>&-
}

# ---- without the CA: refused, said, with the key that fixes it -------------------
without_ca
login "$FRONT"
[ "$RC" != 0 ] || fail "login without the CA succeeded"
grep -q "its certificate is not from an authority trusted here.*tls.ca_file" "$LOG/login.out" ||
	fail "login without the CA: $(cat "$LOG/login.out")"
grep -q "localhost:$P_GOOD" "$LOG/login.out" || fail "login without the CA names no host: $(cat "$LOG/login.out")"
# the console's sign-in screen says the same (not "cannot be reached")
if command -v tmux >/dev/null 2>&1 && [ -z "${VG_LOG_DIR:-}" ]; then
	TMUX_SOCK=motcua-tls-$$
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 \
		"MOTCUA_ISSUER=$FRONT $M 2>$LOG/console.err; sleep 600" || fail "tmux"
	i=0
	while [ $i -lt $((100 * SLOW)) ]; do
		tmux -L "$TMUX_SOCK" capture-pane -p -t t | tr -s ' \n' '  ' >"$LOG/console"
		grep -q "tls.ca_file" "$LOG/console" && break
		sleep 0.1
		i=$((i + 1))
	done
	tmux -L "$TMUX_SOCK" kill-server >/dev/null 2>&1
	TMUX_SOCK=
	grep -q "sign-in service: its certificate is not from an authority trusted here" "$LOG/console" ||
		fail "console: $(cat "$LOG/console" "$LOG/console.err")"
	says console "tls.ca_file in config.json"
	! grep -q "cannot be reached" "$LOG/console" || fail "console: $(cat "$LOG/console")"
fi

# ---- with it: the whole day through the front -------------------------------------
with_ca
login "$FRONT"
[ "$RC" = 0 ] || fail "login through the front: $(cat "$LOG/login.out")"
"$M" sync --json >"$LOG/sync1" 2>"$LOG/sync1.err"
[ $? = 0 ] || fail "sync through the front: $(cat "$LOG/sync1" "$LOG/sync1.err")"
n_sys=$(jq '[.sources[] | select(.ok)] | length' "$LOG/sync1")
[ "$n_sys" -ge 5 ] || fail "systems synced over https: $n_sys ($(cat "$LOG/sync1"))"
n=$("$M" inbox --json --limit 0 | jq length)
[ "$n" -gt 50 ] || fail "dossiers after the sync: $n"
grep -q "GET /tuphap/" "$T/nginx/access.log" || fail "nothing went through the front"
# a queued action replayed through it
code=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=1" | jq -r '.dossiers[0].code')
run act "$M" act "$code" receive
[ "$RC" = 0 ] || fail "act: $(cat "$LOG/act")"
run sync2 "$M" sync
[ "$RC" = 0 ] || fail "sync (replay): $(cat "$LOG/sync2")"
[ "$("$M" queue --json | jq '[.[] | select(.state != "done")] | length')" = 0 ] ||
	fail "the action was not replayed: $("$M" queue --json)"
grep -q "POST /tuphap/" "$T/nginx/access.log" || fail "the action did not go through the front"
# the audit log shipped through it
[ "$(sbx_curl /_control/stats | jq .audit.received)" -gt 0 ] || fail "no audit entries arrived"
grep -q "POST /audit/entries" "$T/nginx/access.log" || fail "the audit log did not go through the front"
# (under valgrind, where each handshake costs seconds, the attachment and
# the signing are left to the ASan and plain runs: the same trust paths)
VG=${VG_LOG_DIR:+1}
if [ -z "$VG" ]; then
	# an attachment, its bodies cut, resumed with Range through the front
	pick=
	for c in $("$M" inbox --json --source nnmt --limit 0 | jq -r '.[].code'); do
		"$M" show "$c" --json >"$T/d.json" 2>/dev/null || continue
		if [ "$(jq '[.attachments[]? | select((.size_bytes // .size) > 200000)] | length' "$T/d.json")" -gt 0 ]; then
			pick=$c
			break
		fi
	done
	[ -n "$pick" ] || fail "no nnmt dossier with an attachment over 200 kB"
	idx=$(jq '[.attachments[] | (.size_bytes // .size)] | to_entries | max_by(.value) | .key + 1' "$T/d.json")
	sbx_curl /_control/faults -d 'spec=nnmt:cut=1' | jq -e .ok >/dev/null || fail "faults"
	runs=0
	path=
	while [ $runs -lt 30 ]; do
		runs=$((runs + 1))
		path=$("$M" fetch "$pick" "$idx" -q 2>"$LOG/fetch") && break
		path=
		[ $runs -eq 2 ] && sbx_curl /_control/faults -d 'spec=nnmt:clear' >/dev/null
	done
	[ -n "$path" ] && [ -s "$path" ] || fail "fetch through the front: $(cat "$LOG/fetch")"
	[ "$runs" -gt 1 ] || fail "the cut bodies did not cut anything"
	grep -q '" 206 ' "$T/nginx/access.log" || fail "no Range request (206) went through the front"
	# remote signing through it (the service's token, its OTP to the "phone")
	printf 'Quyết định (thử nghiệm)\n' >"$T/a.txt"
	remote_sign sign "$T/a.txt" "$T/a.txt.p7s"
	[ "$RC" = 0 ] && [ -s "$T/a.txt.p7s" ] || fail "remote signing through the front: $(cat "$LOG/sign")"
	grep -q "POST /csc/v2/signatures/signHash" "$T/nginx/access.log" || fail "signing did not go through the front"
fi
# doctor: each system's transport
run doctor "$M" doctor
says doctor "https, TLSv1\.[23], issuer .*Test Root CA"
says doctor "valid until 20"
says doctor "warning: its certificate expires in (19|20) days"

# ---- the same without the CA: every path says why, the queue keeps the work -------
code2=$(sbx_curl "/_control/dossiers?source=tuphap&status=1&limit=2" | jq -r '.dossiers[1].code')
run act2 "$M" act "$code2" receive
[ "$RC" = 0 ] || fail "act offline-ish: $(cat "$LOG/act2")"
without_ca
run sync3 "$M" sync
[ "$RC" != 0 ] || fail "sync without the CA succeeded"
says sync3 "its certificate is not from an authority trusted here"
says sync3 "tls.ca_file"
[ "$("$M" queue --json | jq '[.[] | select(.state != "done")] | length')" = 1 ] ||
	fail "the queued action was lost or sent: $("$M" queue --json)"
if [ -z "$VG" ]; then
	run fetch2 "$M" fetch "$pick" "$idx"
	[ "$RC" != 0 ] || fail "fetch without the CA succeeded"
	says fetch2 "tls.ca_file|not from an authority trusted"
	run doctor2 "$M" doctor
	[ "$RC" != 0 ] || fail "doctor without the CA passed"
	says doctor2 "sign-in .*localhost:$P_GOOD.*certificate not trusted.*tls.ca_file"
	# the signing service: said as a certificate problem, not "cannot be reached"
	remote_sign sign2 "$T/a.txt" "$T/b.txt.p7s" --no-timestamp
	[ "$RC" != 0 ] || fail "remote signing without the CA succeeded"
	[ ! -e "$T/b.txt.p7s" ] || fail "remote signing without the CA wrote a signature"
	says sign2 "certificate is refused here.*tls.ca_file.*localhost:$P_GOOD/csc/v2: TLS: certificate not trusted"
	# the TSA alone untrusted (the CA given for the signing service only)
	printf '{"tls": {"systems": {"csc": {"ca_file": "%s"}}}}\n' "$T/ca.pem" >"$CFG"
	hashes=$(grep -c "POST /csc/v2/signatures/signHash" "$T/nginx/access.log")
	remote_sign sign3 "$T/a.txt" "$T/c.txt.p7s" --tsa "$FRONT/tsa"
	[ "$RC" != 0 ] || fail "signing with an untrusted TSA succeeded"
	[ ! -e "$T/c.txt.p7s" ] || fail "signing with an untrusted TSA wrote a signature"
	says sign3 "certificate is refused here.*the TSA https://localhost:$P_GOOD/tsa: TLS: certificate not trusted"
	[ "$(grep -c "POST /csc/v2/signatures/signHash" "$T/nginx/access.log")" -gt "$hashes" ] ||
		fail "the signing service (trusted on its own) was not used"
fi
with_ca
run sync4 "$M" sync
[ "$RC" = 0 ] || fail "sync with the CA again: $(cat "$LOG/sync4")"
[ "$("$M" queue --json | jq '[.[] | select(.state != "done")] | length')" = 0 ] ||
	fail "the kept action was not sent once the CA was back"

# Under valgrind (every handshake costs seconds) the refusals below and the
# proxy run only in the ASan and plain runs: the same code paths, checked there.
if [ -n "$VG" ]; then
	echo "tls_front: ok ($n_sys systems, $n dossiers over https;" \
	     "untrusted refused; attachment, signing, expired, wrong name, pin and proxy:" \
	     "not under valgrind)"
	exit 0
fi

# ---- a CA file that is not there: said with its path ---------------------------------
printf '{"tls": {"ca_file": "%s/no-such-ca.pem"}}\n' "$T" >"$CFG"
run sync7 "$M" sync --source tuphap
[ "$RC" != 0 ] || fail "sync with a missing CA file succeeded"
says sync7 "cannot read the file '$T/no-such-ca.pem'"
with_ca

# ---- an expired certificate, one for another name, a wrong pin ----------------------
login "https://localhost:$P_EXPIRED"
[ "$RC" != 0 ] || fail "login to an expired certificate succeeded"
grep -qi "expired" "$LOG/login.out" || fail "expired: $(cat "$LOG/login.out")"
login "https://localhost:$P_OTHER"
[ "$RC" != 0 ] || fail "login to a certificate for another name succeeded"
grep -qi "another host name\|another address" "$LOG/login.out" || fail "wrong name: $(cat "$LOG/login.out")"
printf '{"tls": {"ca_file": "%s", "systems": {"tuphap": {"pin": "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}}}\n' \
	"$T/ca.pem" >"$CFG"
run sync5 "$M" sync --source tuphap
[ "$RC" != 0 ] || fail "sync with a wrong pin succeeded"
says sync5 "pinned"
printf '{"tls": {"ca_file": "%s", "systems": {"tuphap": {"pin": "%s"}}}}\n' "$T/ca.pem" "$PIN" >"$CFG"
run sync6 "$M" sync --source tuphap
[ "$RC" = 0 ] || fail "sync with the right pin: $(cat "$LOG/sync6")"
# ---- through a proxy -------------------------------------------------------------
# Loopback never goes through a proxy, so the front gets a name that is not
# loopback, front.motcua.test, which only the proxy knows (it maps it to the
# front on 127.0.0.1): nothing leaves this machine.  The proxy (a CONNECT
# proxy in Python, here) wants Basic credentials: from the keyring when the
# proxy comes from config.json, from the URL with https_proxy.
cat >"$T/proxy.py" <<'PY'
import base64, socket, sys, threading
port, front, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
want = "Basic " + base64.b64encode(b"clerk:s3cret-proxy").decode()
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def serve(c):
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d:
            c.close(); return
        head += d
    lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    method, target = lines[0].split(" ")[:2]
    auth = [l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("proxy-authorization:")]
    ok = method == "CONNECT" and target == "front.motcua.test:%d" % front
    with open(log, "a") as f:
        f.write("%s %s auth=%s\n" % (method, target, "yes" if auth and auth[0] == want else "no"))
    if not auth or auth[0] != want:
        c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n")
        c.close(); return
    if not ok:
        c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"); c.close(); return
    u = socket.create_connection(("127.0.0.1", front))
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    pipe(u, c)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(16)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
P_PROXY=$(tls_free_port)
python3 "$T/proxy.py" "$P_PROXY" "$P_NAMED" "$T/proxy.log" >"$T/proxy.out" 2>&1 &
PROXY_PID=$!
i=0
while ! grep -q ready "$T/proxy.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt $((50 * SLOW)) ] || fail "the proxy did not start: $(cat "$T/proxy.out")"
	sleep 0.1
done
# a second sandbox, handing out the named front's URL, behind the same nginx
NAMED="https://front.motcua.test:$P_NAMED"
SBX1_URL=$SBX_URL SBX1_PID=$SBX_PID
SBX_PID=
sbx_start --seed 44 --dossiers 40 --now '2026-03-12 09:30' --speed 0 --public-url "$NAMED"
trap cleanup EXIT INT TERM
# nginx in front of the second sandbox now
tls_nginx_stop
# shellcheck disable=SC2086
tls_nginx_start "$T" "${SBX_URL#http://}" $fronts || fail "nginx did not come back"
export MOTCUA_HOME="$T/motcua2"
mkdir -p "$MOTCUA_HOME"
CFG=$MOTCUA_HOME/config.json
printf '{"tls": {"ca_file": "%s"}, "proxy": "http://127.0.0.1:%s"}\n' "$T/ca.pem" "$P_PROXY" >"$CFG"
chmod 600 "$CFG"
# without the proxy's credentials: the proxy refuses, said
login "$NAMED"
[ "$RC" != 0 ] || fail "login through a proxy without its credentials succeeded"
grep -q "auth=no" "$T/proxy.log" || fail "nothing asked the proxy"
# its credentials in the keyring (what secret-tool / keyctl would put there)
printf 'motcua1\nclerk\ns3cret-proxy' | keyctl padd user "motcua:motcua-proxy:http://127.0.0.1:$P_PROXY" "$RING" >/dev/null ||
	fail "cannot put the proxy's credentials in the keyring"
login "$NAMED"
[ "$RC" = 0 ] || fail "login through the proxy: $(cat "$LOG/login.out")"
run psync "$M" sync --source tuphap
[ "$RC" = 0 ] || fail "sync through the proxy: $(cat "$LOG/psync")"
grep -q "CONNECT front.motcua.test:$P_NAMED auth=yes" "$T/proxy.log" || fail "proxy log: $(cat "$T/proxy.log")"
run pdoctor "$M" doctor
says pdoctor "proxy http://127.0.0.1:$P_PROXY"
grep -q "s3cret-proxy" "$LOG/psync" "$LOG/pdoctor" "$LOG/login.out" && fail "the proxy's password was printed"
# the environment's https_proxy, as curl reads it, when config.json names none
printf '{"tls": {"ca_file": "%s"}}\n' "$T/ca.pem" >"$CFG"
: >"$T/proxy.log"
https_proxy="http://clerk:s3cret-proxy@127.0.0.1:$P_PROXY" "$M" sync --source tuphap >"$LOG/esync" 2>&1 ||
	fail "sync through https_proxy: $(cat "$LOG/esync")"
grep -q "CONNECT front.motcua.test:$P_NAMED auth=yes" "$T/proxy.log" || fail "https_proxy not used: $(cat "$T/proxy.log")"
kill "$PROXY_PID" 2>/dev/null
echo "tls_front: ok ($n_sys systems, $n dossiers over https; fetch resumed in $runs runs;" \
     "untrusted, expired, wrong name and wrong pin refused)"
