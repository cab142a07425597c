/*
 * tsa.c - RFC 3161 timestamps for signatures: the TimeStampReq, the trip to
 * the time-stamping authority over src/net (RFC 3161 section 3.4: POST
 * application/timestamp-query, answer application/timestamp-reply), and the
 * checks on its TimeStampResp before the token goes into a SignerInfo:
 *   - the status is granted or grantedWithMods (else the TSA's own status,
 *     failure bits and text become the detail);
 *   - the TSTInfo's messageImprint is SHA-256 of what we sent;
 *   - its nonce is ours (no replayed or misrouted answer);
 *   - the token's CMS signature verifies with the certificate inside it.
 * Whether the TSA is trusted is a question for verification (verify.c),
 * which has the trust anchors; the signing side only refuses answers that
 * are not about this signature.
 *
 * It does not build or change CMS SignerInfos (cms.c adds the attribute),
 * choose a TSA, or retry: a TSA that fails fails the files it was asked
 * for, and the clerk decides (doc/signing.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include "core/xalloc.h"
#include "sign/sign.h"
#include "sign/sign_int.h"

#define TSA_MAX_REPLY (256u * 1024u) /* a token with a chain is a few KB */
#define TSA_CONNECT_MS 10000
#define TSA_TOTAL_MS 60000

unsigned char *
sign_tsa_request(const unsigned char md[32], uint64_t nonce, size_t *len)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *n = ASN1_INTEGER_new();
	unsigned char *der = NULL, *out = NULL;
	int dlen;

	if (req == NULL || imprint == NULL || alg == NULL || n == NULL ||
	    !TS_REQ_set_version(req, 1) ||
	    !X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(imprint, alg) ||
	    !TS_MSG_IMPRINT_set_msg(imprint, (unsigned char *)md, 32) ||
	    !TS_REQ_set_msg_imprint(req, imprint) || !ASN1_INTEGER_set_uint64(n, nonce) ||
	    !TS_REQ_set_nonce(req, n) || !TS_REQ_set_cert_req(req, 1))
		goto out;
	dlen = i2d_TS_REQ(req, &der);
	if (dlen <= 0)
		goto out;
	out = xmalloc((size_t)dlen);
	memcpy(out, der, (size_t)dlen);
	*len = (size_t)dlen;
out:
	OPENSSL_free(der);
	ASN1_INTEGER_free(n);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(imprint);
	TS_REQ_free(req);
	ERR_clear_error();
	return out;
}

/* ---- the reply ------------------------------------------------------------ */

static const char *const status_names[] = {
	"granted", "grantedWithMods", "rejection", "waiting", "revocationWarning",
	"revocationNotification",
};

static const struct {
	int bit;
	const char *name;
} failure_names[] = {
	{TS_INFO_BAD_ALG, "badAlg"},
	{TS_INFO_BAD_REQUEST, "badRequest"},
	{TS_INFO_BAD_DATA_FORMAT, "badDataFormat"},
	{TS_INFO_TIME_NOT_AVAILABLE, "timeNotAvailable"},
	{TS_INFO_UNACCEPTED_POLICY, "unacceptedPolicy"},
	{TS_INFO_UNACCEPTED_EXTENSION, "unacceptedExtension"},
	{TS_INFO_ADD_INFO_NOT_AVAILABLE, "addInfoNotAvailable"},
	{TS_INFO_SYSTEM_FAILURE, "systemFailure"},
};

/* Append the TSA's text to buf as one printable line (it is outside input). */
static void
append_text(char *buf, size_t size, const ASN1_STRING *text)
{
	size_t used = strlen(buf);
	const unsigned char *p = ASN1_STRING_get0_data(text);
	int n = ASN1_STRING_length(text);

	for (int i = 0; i < n && used + 1 < size; i++) {
		unsigned char c = p[i];
		buf[used++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[used] = '\0';
}

/* "rejection (badAlg): Message digest algorithm is not supported." */
static void
describe_status(TS_STATUS_INFO *si, long status, struct sign_error *err)
{
	const ASN1_BIT_STRING *bits = TS_STATUS_INFO_get0_failure_info(si);
	const STACK_OF(ASN1_UTF8STRING) *text = TS_STATUS_INFO_get0_text(si);
	char buf[200];
	size_t used;
	bool any = false;

	snprintf(buf, sizeof(buf), "the TSA refused: %s",
		 status >= 0 && status < (long)(sizeof(status_names) / sizeof(status_names[0]))
			 ? status_names[status]
			 : "unknown status");
	for (size_t i = 0; bits != NULL && i < sizeof(failure_names) / sizeof(failure_names[0]);
	     i++) {
		if (!ASN1_BIT_STRING_get_bit(bits, failure_names[i].bit))
			continue;
		used = strlen(buf);
		snprintf(buf + used, sizeof(buf) - used, "%s%s", any ? ", " : " (",
			 failure_names[i].name);
		any = true;
	}
	used = strlen(buf);
	if (any && used + 1 < sizeof(buf))
		snprintf(buf + used, sizeof(buf) - used, ")");
	if (text != NULL && sk_ASN1_UTF8STRING_num(text) > 0) {
		used = strlen(buf);
		snprintf(buf + used, sizeof(buf) - used, ": ");
		append_text(buf, sizeof(buf), sk_ASN1_UTF8STRING_value(text, 0));
	}
	sign_fail(err, SIGN_ERR_TSA, "%s", buf);
}

/* The token's CMS signature, with the certificate it carries (no chain). */
static int
token_signature_ok(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	int ok = cms != NULL &&
		 OBJ_obj2nid(CMS_get0_eContentType(cms)) == NID_id_smime_ct_TSTInfo &&
		 CMS_verify(cms, NULL, NULL, NULL, NULL,
			    CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;

	CMS_ContentInfo_free(cms);
	return ok;
}

int
sign_tsa_check_reply(const unsigned char *reply, size_t len, const unsigned char md[32],
		     uint64_t nonce, unsigned char **token, size_t *token_len,
		     struct sign_error *err)
{
	const unsigned char *p = reply;
	TS_RESP *resp = len <= TSA_MAX_REPLY ? d2i_TS_RESP(NULL, &p, (long)len) : NULL;
	TS_STATUS_INFO *si = resp != NULL ? TS_RESP_get_status_info(resp) : NULL;
	const ASN1_INTEGER *st = si != NULL ? TS_STATUS_INFO_get0_status(si) : NULL;
	TS_TST_INFO *tst = NULL;
	TS_MSG_IMPRINT *imprint;
	X509_ALGOR *alg;
	ASN1_OCTET_STRING *msg;
	const ASN1_INTEGER *got_nonce;
	ASN1_INTEGER *want_nonce = NULL;
	unsigned char *der = NULL;
	const ASN1_OBJECT *alg_obj = NULL;
	long status;
	int dlen, rc = -1;

	*token = NULL;
	*token_len = 0;
	if (st == NULL || (size_t)(p - reply) != len) {
		sign_fail(err, SIGN_ERR_TSA, "the TSA's answer is not a TimeStampResp");
		goto out;
	}
	status = ASN1_INTEGER_get(st);
	if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS) {
		describe_status(si, status, err);
		goto out;
	}
	tst = TS_RESP_get_tst_info(resp);
	if (TS_RESP_get_token(resp) == NULL || tst == NULL) {
		sign_fail(err, SIGN_ERR_TSA, "the TSA granted but sent no timestamp token");
		goto out;
	}
	imprint = TS_TST_INFO_get_msg_imprint(tst);
	alg = imprint != NULL ? TS_MSG_IMPRINT_get_algo(imprint) : NULL;
	msg = imprint != NULL ? TS_MSG_IMPRINT_get_msg(imprint) : NULL;
	if (alg != NULL)
		X509_ALGOR_get0(&alg_obj, NULL, NULL, alg);
	if (alg_obj == NULL || OBJ_obj2nid(alg_obj) != NID_sha256 || msg == NULL ||
	    ASN1_STRING_length(msg) != 32 || memcmp(ASN1_STRING_get0_data(msg), md, 32) != 0) {
		sign_fail(err, SIGN_ERR_TSA,
			  "the timestamp is for other data (messageImprint mismatch)");
		goto out;
	}
	got_nonce = TS_TST_INFO_get_nonce(tst);
	want_nonce = ASN1_INTEGER_new();
	if (want_nonce == NULL || !ASN1_INTEGER_set_uint64(want_nonce, nonce) ||
	    got_nonce == NULL || ASN1_INTEGER_cmp(got_nonce, want_nonce) != 0) {
		sign_fail(err, SIGN_ERR_TSA, "the timestamp answers another request (nonce %s)",
			  got_nonce == NULL ? "missing" : "mismatch");
		goto out;
	}
	dlen = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	if (dlen <= 0 || !token_signature_ok(der, (size_t)dlen)) {
		sign_fail(err, SIGN_ERR_TSA,
			  "the timestamp token's signature does not verify with its certificate");
		goto out;
	}
	*token = xmalloc((size_t)dlen);
	memcpy(*token, der, (size_t)dlen);
	*token_len = (size_t)dlen;
	rc = 0;
out:
	OPENSSL_free(der);
	ASN1_INTEGER_free(want_nonce);
	TS_RESP_free(resp);
	ERR_clear_error();
	return rc;
}

/* ---- the trip ------------------------------------------------------------- */

struct trip {
	bool done;
	enum net_result result;
	const char *error;  /* static text; for TLS, what was wrong */
	long status;
	unsigned char *body;
	size_t body_len;
	uint64_t nonce;
};

static void
on_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct trip *t = arg;

	(void)req;
	t->result = resp->result;
	t->error = resp->error;
	t->status = resp->status;
	if (resp->result == NET_OK && resp->body_len > 0) {
		t->body = xmalloc(resp->body_len);
		memcpy(t->body, resp->body, resp->body_len);
		t->body_len = resp->body_len;
	}
	t->done = true;
}

static int
random_nonce(uint64_t *nonce)
{
	unsigned char b[8];

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	*nonce = 0;
	for (size_t i = 0; i < sizeof(b); i++)
		*nonce = *nonce << 8 | b[i];
	return 0;
}

size_t
sign_tsa_stamp(const struct sign_tsa *tsa, const struct sign_digest *mds, size_t n,
	       struct sign_blob *tokens, struct sign_error *errs)
{
	struct trip *trips = xcalloc(n + 1, sizeof(*trips));
	struct net_timeouts to = net_timeouts_default();
	size_t n_ok = 0;
	bool loop_ok;

	to.connect_ms = TSA_CONNECT_MS;
	to.total_ms = TSA_TOTAL_MS;
	for (size_t i = 0; i < n; i++) {
		size_t qlen = 0;
		unsigned char *query = NULL;
		struct net_request *req;

		tokens[i] = (struct sign_blob){NULL, 0};
		errs[i] = (struct sign_error){SIGN_OK, ""};
		if (random_nonce(&trips[i].nonce) != 0 ||
		    (query = sign_tsa_request(mds[i].md, trips[i].nonce, &qlen)) == NULL) {
			sign_fail(&errs[i], SIGN_ERR_TSA, "cannot build the timestamp request");
			trips[i].done = true;
			continue;
		}
		req = net_request_new(tsa->net, "POST", tsa->url);
		net_request_source(req, "tsa");
		net_request_kind(req, "timestamp");
		net_request_timeouts(req, &to);
		net_request_max_body(req, TSA_MAX_REPLY);
		net_request_header(req, "Accept", "application/timestamp-reply");
		net_request_body(req, "application/timestamp-query", query, qlen);
		net_request_on_done(req, on_done, &trips[i]);
		net_submit(tsa->net, req);
		free(query);
	}
	loop_ok = net_run_until_done(tsa->net) == 0;
	for (size_t i = 0; i < n; i++) {
		struct trip *t = &trips[i];
		if (errs[i].status != SIGN_OK) {
			/* already failed */
		} else if (!loop_ok || !t->done) {
			sign_fail(&errs[i], SIGN_ERR_TSA, "the network loop failed");
		} else if (t->result == NET_ERR_TLS || t->result == NET_ERR_INSECURE) {
			sign_fail(&errs[i], SIGN_ERR_TRUST, "the TSA %s: %s", tsa->url, t->error);
		} else if (t->result != NET_OK) {
			sign_fail(&errs[i], SIGN_ERR_TSA, "cannot reach the TSA: %s",
				  net_result_reason(t->result));
		} else if (t->body == NULL) {
			sign_fail(&errs[i], SIGN_ERR_TSA, "the TSA answered HTTP %ld with no body",
				  t->status);
		} else if (sign_tsa_check_reply(t->body, t->body_len, mds[i].md, t->nonce,
						&tokens[i].data, &tokens[i].len, &errs[i]) == 0) {
			n_ok++;
		} else if (t->status != 200) {
			char inner[sizeof(errs[i].detail)];
			snprintf(inner, sizeof(inner), "%s", errs[i].detail);
			sign_fail(&errs[i], SIGN_ERR_TSA, "HTTP %ld: %s", t->status, inner);
		}
		free(t->body);
	}
	free(trips);
	return n_ok;
}
