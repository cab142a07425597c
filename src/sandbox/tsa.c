/*
 * tsa.c - the sandbox's RFC 3161 time-stamping authority (see tsa.h).
 *
 * OpenSSL's TS_RESP_CTX does the protocol: it parses the query, checks the
 * hash algorithm, policy and extensions, copies the nonce, adds the
 * certificate when asked, and signs the TSTInfo.  Here: the key and
 * certificate, the serial and time callbacks (the sandbox clock, not the
 * host's), the HTTP wrapping and the refusing variant.  It does not keep
 * what it stamped nor apply faults.
 */
#include "sandbox/tsa.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "core/xalloc.h"
#include "sandbox/pki.h"

#define TSA_MAX_QUERY 16384 /* a TimeStampReq is ~100 bytes; more is not one */

struct tsa {
	EVP_PKEY *key;
	X509 *cert;
	X509 *ca;          /* a reference, for /tsa/ca.pem */
	TS_RESP_CTX *ctx;
	uint64_t serial;   /* the last one given */
	mc_time now;       /* the request's time, for the time callback */
	bool refuse;       /* this request: answer timeNotAvailable */
};

static ASN1_INTEGER *
next_serial(TS_RESP_CTX *ctx, void *arg)
{
	struct tsa *tsa = arg;
	ASN1_INTEGER *serial = ASN1_INTEGER_new();

	(void)ctx;
	if (serial == NULL || !ASN1_INTEGER_set_uint64(serial, tsa->serial + 1)) {
		ASN1_INTEGER_free(serial);
		return NULL; /* OpenSSL answers rejection then */
	}
	tsa->serial++;
	return serial;
}

static int
sandbox_time(TS_RESP_CTX *ctx, void *arg, long *sec, long *usec)
{
	struct tsa *tsa = arg;

	if (tsa->refuse) {
		TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION,
					    "sandbox: this TSA refuses every request (training)");
		TS_RESP_CTX_add_failure_info(ctx, TS_INFO_TIME_NOT_AVAILABLE);
		return 0;
	}
	*sec = (long)tsa->now;
	*usec = 0;
	return 1;
}

struct tsa *
tsa_new(X509 *ca, EVP_PKEY *ca_key)
{
	struct tsa *tsa = xcalloc(1, sizeof(*tsa));
	ASN1_OBJECT *policy = OBJ_txt2obj(TSA_POLICY_OID, 1);

	if (ca == NULL || ca_key == NULL || policy == NULL || !X509_up_ref(ca))
		goto fail;
	tsa->ca = ca;
	tsa->key = pki_key(false);
	/* EKU timeStamping, critical, as RFC 3161 §2.3 wants. */
	tsa->cert = pki_issue(tsa->key, "motcua sandbox TSA (thử nghiệm)", "critical,timeStamping",
			      ca, ca_key);
	tsa->ctx = TS_RESP_CTX_new();
	if (tsa->cert == NULL || tsa->ctx == NULL ||
	    !TS_RESP_CTX_set_signer_cert(tsa->ctx, tsa->cert) ||
	    !TS_RESP_CTX_set_signer_key(tsa->ctx, tsa->key) ||
	    !TS_RESP_CTX_set_signer_digest(tsa->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_ess_cert_id_digest(tsa->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_def_policy(tsa->ctx, policy) ||
	    !TS_RESP_CTX_add_md(tsa->ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_add_md(tsa->ctx, EVP_sha384()) ||
	    !TS_RESP_CTX_add_md(tsa->ctx, EVP_sha512()) ||
	    !TS_RESP_CTX_set_accuracy(tsa->ctx, 1, 0, 0))
		goto fail;
	TS_RESP_CTX_add_flags(tsa->ctx, TS_TSA_NAME);
	TS_RESP_CTX_set_serial_cb(tsa->ctx, next_serial, tsa);
	TS_RESP_CTX_set_time_cb(tsa->ctx, sandbox_time, tsa);
	ASN1_OBJECT_free(policy);
	return tsa;
fail:
	ASN1_OBJECT_free(policy);
	ERR_clear_error();
	tsa_free(tsa);
	return NULL;
}

void
tsa_free(struct tsa *tsa)
{
	if (tsa == NULL)
		return;
	TS_RESP_CTX_free(tsa->ctx);
	X509_free(tsa->cert);
	X509_free(tsa->ca);
	EVP_PKEY_free(tsa->key);
	free(tsa);
}

X509 *
tsa_cert(const struct tsa *tsa)
{
	return tsa->cert;
}

unsigned char *
tsa_reply(struct tsa *tsa, const void *query, size_t query_len, mc_time now, bool refuse,
	  size_t *len)
{
	/* Too big to be a query: parse nothing, which OpenSSL rejects as badDataFormat. */
	BIO *in = BIO_new_mem_buf(query_len <= TSA_MAX_QUERY ? query : "",
				  query_len <= TSA_MAX_QUERY ? (int)query_len : 0);
	TS_RESP *resp = NULL;
	unsigned char *der = NULL, *out = NULL;
	int n;

	tsa->now = now;
	tsa->refuse = refuse;
	if (in != NULL)
		resp = TS_RESP_create_response(tsa->ctx, in);
	n = resp != NULL ? i2d_TS_RESP(resp, &der) : -1;
	if (n > 0) {
		out = xmalloc((size_t)n);
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	TS_RESP_free(resp);
	BIO_free(in);
	ERR_clear_error(); /* a rejected query leaves OpenSSL errors behind */
	return out;
}

static void
send_pem(X509 *x, struct sbx_response *resp)
{
	BIO *mem = BIO_new(BIO_s_mem());
	char *pem = NULL;
	long n = 0;

	if (mem != NULL && PEM_write_bio_X509(mem, x))
		n = BIO_get_mem_data(mem, &pem);
	sbx_response_bytes(resp, n > 0 ? 200 : 500, "application/x-pem-file", pem,
			   n > 0 ? (size_t)n : 0);
	BIO_free(mem);
}

/* Is the Content-Type application/timestamp-query (parameters allowed)? */
static bool
is_query_type(const char *type)
{
	static const char want[] = "application/timestamp-query";
	size_t n = sizeof(want) - 1;

	return type != NULL && strncasecmp(type, want, n) == 0 &&
	       (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

bool
tsa_handle(struct tsa *tsa, const struct sbx_request *req, struct sbx_response *resp)
{
	const char *rest = req->path + 4;
	bool refuse;
	unsigned char *der;
	size_t len = 0;

	if (strncmp(req->path, "/tsa", 4) != 0 || (rest[0] != '\0' && rest[0] != '/'))
		return false;
	if (strcmp(rest, "/ca.pem") == 0 || strcmp(rest, "/tsa.pem") == 0) {
		if (strcmp(req->method, "GET") != 0)
			sbx_response_text(resp, 405, "text/plain; charset=utf-8", "use GET\n");
		else
			send_pem(rest[1] == 'c' ? tsa->ca : tsa->cert, resp);
		return true;
	}
	refuse = strcmp(rest, "/_sandbox/refuse") == 0;
	if (!refuse && rest[0] != '\0' && strcmp(rest, "/") != 0) {
		sbx_response_text(resp, 404, "text/plain; charset=utf-8", "no such TSA path\n");
		return true;
	}
	if (strcmp(req->method, "POST") != 0) {
		sbx_response_text(resp, 405, "text/plain; charset=utf-8",
				  "RFC 3161: POST an application/timestamp-query\n");
		sbx_response_header(resp, "Allow", "POST");
		return true;
	}
	if (is_query_type(sbx_request_header(req, "Content-Type")))
		der = tsa_reply(tsa, req->body, req->body_len, req->now, refuse, &len);
	else /* the body is not a query: answered as a malformed one */
		der = tsa_reply(tsa, "", 0, req->now, refuse, &len);
	if (der == NULL) {
		sbx_response_text(resp, 500, "text/plain; charset=utf-8", "TSA failure\n");
		return true;
	}
	sbx_response_bytes(resp, 200, "application/timestamp-reply", der, len);
	free(der);
	return true;
}
