# tests/integration/lib/tls.sh - a private CA and an nginx TLS front on
# loopback, for the transport tests and the TLS bench (issue 21).
#
#   . "$(dirname "$0")/lib/tls.sh"
#   tls_ca DIR                     # DIR/ca.pem, ca.key (a test root CA)
#   tls_cert DIR NAME SAN FROM TO  # DIR/NAME.pem, .key; FROM/TO: Unix times
#   tls_pin DIR NAME               # sha256//BASE64 of NAME's public key
#   tls_free_port                  # a free TCP port on 127.0.0.1
#   tls_nginx_start DIR BACKEND PORT:CERT...   # sets TLS_NGINX_PID
#   tls_nginx_stop
# BACKEND is host:port of the plain http server behind the front.  Needs
# openssl, nginx, python3 and curl; the callers skip without them.

tls_ca() {
	(cd "$1" && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 60 \
		-subj "/CN=Test Root CA (motcua, not real)" >/dev/null 2>&1 &&
	cat >ca.cnf <<'EOF'
[ca]
default_ca = test
[test]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
EOF
	: >index.txt && echo 1000 >serial)
}

tls_stamp() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }

tls_cert() { # DIR NAME SAN FROM TO
	(cd "$1" && openssl req -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" -subj "/CN=$2" \
		-addext "subjectAltName=$3" >/dev/null 2>&1 &&
	openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$2.csr" -out "$2.pem" \
		-startdate "$(tls_stamp "$4")" -enddate "$(tls_stamp "$5")" -notext >/dev/null 2>&1)
}

tls_pin() { # DIR NAME
	printf 'sha256//%s' "$(openssl pkey -in "$1/$2.key" -pubout -outform DER |
		openssl dgst -sha256 -binary | base64)"
}

tls_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

TLS_NGINX_PID=
tls_nginx_start() { # DIR BACKEND PORT:CERT...
	dir=$1 back=$2
	shift 2
	mkdir -p "$dir/nginx/tmp"
	{
		[ "$(id -u)" = 0 ] && echo "user root;"
		cat <<EOF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 64; }
http {
	access_log $dir/nginx/access.log;
	client_body_temp_path $dir/nginx/tmp/body;
	proxy_temp_path $dir/nginx/tmp/proxy;
	fastcgi_temp_path $dir/nginx/tmp/fastcgi;
	uwsgi_temp_path $dir/nginx/tmp/uwsgi;
	scgi_temp_path $dir/nginx/tmp/scgi;
EOF
		for s in "$@"; do
			cat <<EOF
	server {
		listen 127.0.0.1:${s%%:*} ssl;
		ssl_certificate $dir/${s#*:}.pem;
		ssl_certificate_key $dir/${s#*:}.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		location / {
			proxy_pass http://$back;
			proxy_http_version 1.1;
			proxy_set_header Host \$http_host;
			proxy_set_header Connection "";
			proxy_buffering off;
			proxy_request_buffering off;
			client_max_body_size 64m;
		}
	}
EOF
		done
		echo "}"
	} >"$dir/nginx/nginx.conf"
	nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' 2>"$dir/nginx/stderr" &
	TLS_NGINX_PID=$!
	first=${1%%:*}
	i=0
	while ! curl -s --cacert "$dir/ca.pem" -o /dev/null "https://localhost:$first/"; do
		i=$((i + 1))
		kill -0 "$TLS_NGINX_PID" 2>/dev/null && [ $i -lt $((100 * ${SLOW:-1})) ] || {
			cat "$dir/nginx/stderr" "$dir/nginx/error.log" >&2 2>/dev/null
			return 1
		}
		sleep 0.1
	done
}

tls_nginx_stop() {
	[ -n "$TLS_NGINX_PID" ] || return 0
	kill "$TLS_NGINX_PID" 2>/dev/null
	wait "$TLS_NGINX_PID" 2>/dev/null
	TLS_NGINX_PID=
}
