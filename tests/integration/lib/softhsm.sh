# softhsm.sh - a SoftHSM2 token for the signing tests, sourced (POSIX sh).
#
# softhsm_token DIR LABEL PIN
#   A SoftHSM2 configuration DIR/softhsm2.conf (exported as SOFTHSM2_CONF,
#   tokens under DIR/tokens), a token LABEL with user PIN PIN (SO PIN
#   5678-test-so), and a throw-away test CA: DIR/ca.pem, DIR/ca.key (EC
#   P-256, 30 days, CN=motcua test CA).  Sets SOFTHSM_DIR and SOFTHSM_LABEL,
#   SOFTHSM_PIN for softhsm_key.  Non-zero status when a step fails.
# softhsm_key ID LABEL KEYTYPE SUBJECT
#   A key pair generated ON the token (KEYTYPE as pkcs11-tool wants it:
#   rsa:2048, EC:prime256v1) with id ID and label LABEL, a certificate for it
#   issued by the test CA with SUBJECT (UTF-8, "/CN=..."), written to
#   DIR/certID.pem and onto the token beside the key.  Non-zero on failure.
# Both need MODULE (the PKCS#11 module) and the tools softhsm2-util,
# pkcs11-tool, openssl; the calling script checks for them and skips.
# Every PIN here is a synthetic test value.

softhsm_p11() {
	pkcs11-tool --module "$MODULE" --token-label "$SOFTHSM_LABEL" "$@" >/dev/null 2>&1
}

softhsm_token() {
	SOFTHSM_DIR=$1 SOFTHSM_LABEL=$2 SOFTHSM_PIN=$3
	export SOFTHSM2_CONF="$SOFTHSM_DIR/softhsm2.conf"
	mkdir -p "$SOFTHSM_DIR/tokens" || return 1
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$SOFTHSM_DIR/tokens" >"$SOFTHSM2_CONF" || return 1
	softhsm2-util --init-token --free --label "$SOFTHSM_LABEL" --pin "$SOFTHSM_PIN" \
		--so-pin 5678-test-so >/dev/null || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$SOFTHSM_DIR/ca.key" -out "$SOFTHSM_DIR/ca.pem" -days 30 \
		-subj "/CN=motcua test CA" 2>/dev/null
}

softhsm_key() {
	set -- "$1" "$2" "$3" "$4" "$SOFTHSM_DIR/pub$1" "$SOFTHSM_DIR/cert$1"
	softhsm_p11 --login --pin "$SOFTHSM_PIN" --keypairgen --key-type "$3" --id "$1" \
		--label "$2" &&
	softhsm_p11 --read-object --type pubkey --id "$1" -o "$5.der" &&
	openssl pkey -pubin -inform DER -in "$5.der" -out "$5.pem" &&
	openssl req -new -key "$SOFTHSM_DIR/ca.key" -subj "$4" -utf8 \
		-out "$SOFTHSM_DIR/req$1.csr" &&
	openssl x509 -req -in "$SOFTHSM_DIR/req$1.csr" -CA "$SOFTHSM_DIR/ca.pem" \
		-CAkey "$SOFTHSM_DIR/ca.key" -CAcreateserial -force_pubkey "$5.pem" -days 30 \
		-out "$6.pem" 2>/dev/null &&
	openssl x509 -in "$6.pem" -outform DER -out "$6.der" &&
	softhsm_p11 --login --pin "$SOFTHSM_PIN" --write-object "$6.der" --type cert --id "$1" \
		--label "$2"
}
