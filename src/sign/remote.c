/*
 * remote.c - the remote signer: a Cloud Signature Consortium API v2 service
 * (credentials/list, credentials/info, credentials/sendOTP,
 * credentials/authorize, signatures/signHash) over src/net.
 *
 * Authentication is a Bearer access token given by the caller (the
 * sign-in's token for system "csc", obtained by token exchange; see
 * doc/signing.md for why).  The second factor is asked for once per batch:
 * credentials/authorize receives every hash of the batch with
 * numSignatures = n, so the service binds its SAD (signature activation
 * data) to exactly those hashes, and one signatures/signHash call signs
 * them all.  The OTP, the PIN (if the credential wants one) and the SAD are
 * wiped as soon as they have been sent.
 *
 * Requests are driven to completion here with net_run_until_done(): signing
 * is a blocking step for the caller, as with a token.  It does not pick the
 * credential (signer_pick_key) nor build CMS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "core/unittest.h"
#include "core/xalloc.h"
#include "sign/sign.h"
#include "sign/sign_int.h"

struct remote_cred {
	bool needs_pin;
	bool needs_otp;
	bool otp_online;  /* the service sends the OTP when asked (sendOTP) */
	long multisign;   /* most hashes one authorization may cover */
};

struct remote_signer {
	struct signer base;
	char *base_url;
	char *bearer;              /* "Bearer <token>"; wiped at close */
	struct net *net;
	sign_ask_fn *ask;
	void *ask_arg;
	struct sign_key *keys;
	struct remote_cred *creds;
	size_t n_keys;
	const struct sign_key *otp_sent; /* prepare() sent the OTP for this key */
};

struct call {
	bool done;
	enum net_result result;
	const char *reason;
	long status;
	bool empty;       /* no body (204 No Content) */
	json_t *body;
};

static void
on_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct call *c = arg;

	(void)req;
	c->result = resp->result;
	c->reason = resp->error; /* static text; for TLS, what was wrong */
	c->status = resp->status;
	c->empty = resp->body_len == 0;
	if (resp->result == NET_OK)
		c->body = json_loadb(resp->body, resp->body_len, 0, NULL);
	c->done = true;
}

/* The CSC error codes that mean something to the clerk. */
static enum sign_status
error_status(long http, const char *code)
{
	static const struct {
		const char *code;
		enum sign_status status;
	} map[] = {
		{"invalid_otp", SIGN_ERR_OTP_REJECTED},
		{"invalid_pin", SIGN_ERR_PIN_INCORRECT},
		{"invalid_token", SIGN_ERR_UNAUTHORIZED},
		{"expired_token", SIGN_ERR_UNAUTHORIZED},
		{"credential_locked", SIGN_ERR_PIN_LOCKED},
	};
	for (size_t i = 0; code != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(code, map[i].code) == 0)
			return map[i].status;
	if (http == 401)
		return SIGN_ERR_UNAUTHORIZED;
	/* A proxy's error page or a busy service: nothing was refused. */
	return http >= 500 || http == 429 ? SIGN_ERR_UNAVAILABLE : SIGN_ERR_REMOTE;
}

/*
 * POST method (e.g. "credentials/list") with a JSON body (stolen).  Returns
 * the 2xx JSON answer (caller decrefs), or NULL with err set.
 */
static json_t *
post(struct remote_signer *r, const char *method, json_t *body, struct sign_error *err)
{
	size_t url_len = strlen(r->base_url) + strlen(method) + 2;
	char *url = xmalloc(url_len);
	char *text = json_dumps(body, JSON_COMPACT);
	struct call c = {false, NET_OK, "", 0, false, NULL};
	struct net_request *req;
	json_t *answer = NULL;

	json_decref(body);
	snprintf(url, url_len, "%s/%s", r->base_url, method);
	req = net_request_new(r->net, "POST", url);
	net_request_source(req, "csc");
	net_request_kind(req, method);
	if (text == NULL || net_request_header(req, "Authorization", r->bearer) != 0) {
		net_request_free(req);
		sign_fail(err, SIGN_ERR_PROTOCOL, "%s: cannot build the request", method);
		goto out;
	}
	net_request_body(req, "application/json", text, strlen(text));
	net_request_on_done(req, on_done, &c);
	net_submit(r->net, req);
	if (net_run_until_done(r->net) != 0 || !c.done) {
		sign_fail(err, SIGN_ERR_OFFLINE, "%s: the network loop failed", method);
		goto out;
	}
	if (c.result == NET_ERR_TLS || c.result == NET_ERR_INSECURE) {
		sign_fail(err, SIGN_ERR_TRUST, "%s: %s", r->base_url, c.reason);
		goto out;
	}
	if (c.result != NET_OK) {
		sign_fail(err, SIGN_ERR_OFFLINE, "%s: %s", method, c.reason);
		goto out;
	}
	if (c.status < 200 || c.status > 299) {
		const char *code = json_string_value(json_object_get(c.body, "error"));
		const char *desc = json_string_value(json_object_get(c.body, "error_description"));
		sign_fail(err, error_status(c.status, code), "%s: HTTP %ld %s%s%s", method,
			  c.status, code != NULL ? code : "", desc != NULL ? ": " : "",
			  desc != NULL ? desc : "");
		goto out;
	}
	if (c.empty && c.body == NULL)
		c.body = json_object(); /* sendOTP answers 204 */
	if (!json_is_object(c.body)) {
		sign_fail(err, SIGN_ERR_PROTOCOL, "%s: the answer is not a JSON object", method);
		goto out;
	}
	answer = c.body;
	c.body = NULL;
out:
	json_decref(c.body);
	if (text != NULL)
		explicit_bzero(text, strlen(text)); /* may hold the OTP or the SAD */
	free(text);
	free(url);
	return answer;
}

/* The certificates of credentials/info: the signer first, then its chain. */
UNITTEST int sign_remote_read_certs(json_t *certs, struct sign_key *key);
UNITTEST int
sign_remote_read_certs(json_t *certs, struct sign_key *key)
{
	size_t i;
	json_t *v;

	json_array_foreach(certs, i, v) {
		size_t len = 0;
		unsigned char *der = json_is_string(v) ? sign_b64_decode(json_string_value(v), &len)
						       : NULL;
		const unsigned char *p = der;
		X509 *x = der != NULL ? d2i_X509(NULL, &p, (long)len) : NULL;
		free(der);
		if (x == NULL)
			return -1;
		if (i == 0) {
			key->cert = x;
			continue;
		}
		if (key->chain == NULL)
			key->chain = sk_X509_new_null();
		if (key->chain == NULL || !sk_X509_push(key->chain, x)) {
			X509_free(x);
			return -1;
		}
	}
	return key->cert != NULL ? 0 : -1;
}

/* Which secrets authorize wants: v2 "auth.objects", or v1 "PIN"/"OTP". */
static void
read_auth(json_t *info, struct remote_cred *cred)
{
	json_t *objects = json_object_get(json_object_get(info, "auth"), "objects");
	json_t *v;
	size_t i;

	json_array_foreach(objects, i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		if (id != NULL && strcmp(id, "PIN") == 0)
			cred->needs_pin = true;
		if (id != NULL && strcmp(id, "OTP") == 0)
			cred->needs_otp = true;
	}
	json_t *otp = json_object_get(info, "OTP");
	const char *otp_presence = json_string_value(json_object_get(otp, "presence"));
	const char *pin_presence =
		json_string_value(json_object_get(json_object_get(info, "PIN"), "presence"));
	const char *type = json_string_value(json_object_get(otp, "type"));
	if (otp_presence != NULL && strcmp(otp_presence, "true") == 0)
		cred->needs_otp = true;
	if (pin_presence != NULL && strcmp(pin_presence, "true") == 0)
		cred->needs_pin = true;
	cred->otp_online = type == NULL || strcmp(type, "offline") != 0;
	json_int_t multi = json_integer_value(json_object_get(info, "multisign"));
	cred->multisign = multi > 0 ? (long)multi : 1;
}

static int
load_credential(struct remote_signer *r, const char *id, struct sign_error *err)
{
	json_t *info = post(r,
			    "credentials/info",
			    json_pack("{s:s, s:s, s:b, s:b}", "credentialID", id, "certificates",
				      "chain", "certInfo", 1, "authInfo", 1),
			    err);
	struct sign_key *key = &r->keys[r->n_keys];
	const char *desc;

	if (info == NULL)
		return -1;
	memset(key, 0, sizeof(*key));
	memset(&r->creds[r->n_keys], 0, sizeof(r->creds[0]));
	if (sign_remote_read_certs(json_object_get(json_object_get(info, "cert"), "certificates"),
				   key) != 0 ||
	    sign_key_from_cert(key) != 0) {
		sign_key_release(key);
		json_decref(info);
		return sign_fail(err, SIGN_ERR_PROTOCOL, "credential %s: no usable certificate", id);
	}
	key->id = xstrdup(id);
	desc = json_string_value(json_object_get(info, "description"));
	key->label = xstrdup(desc != NULL ? desc : "");
	read_auth(info, &r->creds[r->n_keys]);
	r->n_keys++;
	json_decref(info);
	return 0;
}

static int
remote_open(struct signer *s, struct sign_error *err)
{
	struct remote_signer *r = (struct remote_signer *)s;
	json_t *list = post(r, "credentials/list", json_pack("{s:b}", "credentialInfo", 0), err);
	json_t *ids = json_object_get(list, "credentialIDs"), *v;
	size_t i;
	int rc = -1;

	if (list == NULL)
		return -1;
	if (!json_is_array(ids)) {
		sign_fail(err, SIGN_ERR_PROTOCOL, "credentials/list: no credentialIDs");
		goto out;
	}
	r->keys = xcalloc(json_array_size(ids) + 1, sizeof(*r->keys));
	r->creds = xcalloc(json_array_size(ids) + 1, sizeof(*r->creds));
	json_array_foreach(ids, i, v) {
		if (!json_is_string(v) || load_credential(r, json_string_value(v), err) != 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(list);
	return rc;
}

static int
remote_list_keys(struct signer *s, const struct sign_key **keys, size_t *n_keys,
		 struct sign_error *err)
{
	struct remote_signer *r = (struct remote_signer *)s;

	(void)err;
	*keys = r->keys;
	*n_keys = r->n_keys;
	return 0;
}

/* Ask for one secret and add it to authData; 0 or -1 (cancelled). */
static int
add_secret(struct remote_signer *r, enum sign_secret_kind kind, const char *prompt,
	   json_t *auth_data, struct sign_error *err)
{
	struct sign_secret secret;
	int rc = -1;

	if (r->ask == NULL || r->ask(r->ask_arg, kind, prompt, &secret) != 0) {
		sign_fail(err, SIGN_ERR_CANCELLED, "no %s entered",
			  kind == SIGN_SECRET_OTP ? "OTP" : "PIN");
		goto out;
	}
	json_array_append_new(auth_data, json_pack("{s:s, s:s}", "id",
						   kind == SIGN_SECRET_OTP ? "OTP" : "PIN",
						   "value", secret.value));
	rc = 0;
out:
	sign_secret_wipe(&secret);
	return rc;
}

/* credentials/authorize for these hashes; returns the SAD (caller wipes, frees). */
static char *
authorize(struct remote_signer *r, const struct sign_key *key, const struct remote_cred *cred,
	  json_t *hashes, size_t n, struct sign_error *err)
{
	json_t *auth_data = json_array(), *answer = NULL;
	const char *sad;
	char prompt[200], *out = NULL;

	if (cred->needs_otp && cred->otp_online && r->otp_sent != key) {
		json_t *sent = post(r, "credentials/sendOTP",
				    json_pack("{s:s}", "credentialID", key->id), err);
		if (sent == NULL)
			goto out;
		json_decref(sent);
	}
	r->otp_sent = NULL; /* one OTP, one authorization */
	snprintf(prompt, sizeof(prompt), "Mã PIN ký số từ xa (remote signing PIN): ");
	if (cred->needs_pin && add_secret(r, SIGN_SECRET_PIN, prompt, auth_data, err) != 0)
		goto out;
	snprintf(prompt, sizeof(prompt), "Mã OTP để ký %zu tệp (OTP to sign %zu file%s): ", n,
		 n, n == 1 ? "" : "s");
	if (cred->needs_otp && add_secret(r, SIGN_SECRET_OTP, prompt, auth_data, err) != 0)
		goto out;
	answer = post(r, "credentials/authorize",
		      json_pack("{s:s, s:i, s:O, s:s, s:O}", "credentialID", key->id,
				"numSignatures", (json_int_t)n, "hashes", hashes,
				"hashAlgorithmOID", SIGN_OID_SHA256, "authData", auth_data),
		      err);
	if (answer == NULL)
		goto out;
	sad = json_string_value(json_object_get(answer, "SAD"));
	if (sad == NULL) {
		sign_fail(err, SIGN_ERR_PROTOCOL, "credentials/authorize: no SAD");
		goto out;
	}
	out = xstrdup(sad);
out:
	json_decref(answer);
	json_decref(auth_data);
	return out;
}

UNITTEST int sign_remote_take_signatures(json_t *answer, enum sign_alg alg, size_t n,
					 struct sign_blob *sigs, size_t *n_done,
					 struct sign_error *err);
UNITTEST int
sign_remote_take_signatures(json_t *answer, enum sign_alg alg, size_t n, struct sign_blob *sigs,
			    size_t *n_done, struct sign_error *err)
{
	json_t *list = json_object_get(answer, "signatures");

	if (!json_is_array(list) || json_array_size(list) != n)
		return sign_fail(err, SIGN_ERR_PROTOCOL, "signHash: expected %zu signatures", n);
	for (size_t i = 0; i < n; i++) {
		const char *b64 = json_string_value(json_array_get(list, i));
		size_t len = 0;
		unsigned char *raw = b64 != NULL ? sign_b64_decode(b64, &len) : NULL;
		if (raw != NULL && alg == SIGN_ALG_ECDSA_SHA256) {
			unsigned char *der = sign_ecdsa_to_der(raw, len, &len);
			free(raw);
			raw = der;
		}
		if (raw == NULL || len == 0) {
			free(raw);
			return sign_fail(err, SIGN_ERR_PROTOCOL, "signHash: bad signature %zu", i);
		}
		sigs[i].data = raw;
		sigs[i].len = len;
		(*n_done)++;
	}
	return 0;
}

static const struct remote_cred *
cred_of(const struct remote_signer *r, const struct sign_key *key)
{
	for (size_t i = 0; i < r->n_keys; i++)
		if (&r->keys[i] == key)
			return &r->creds[i];
	return NULL;
}

static int
remote_prepare(struct signer *s, const struct sign_key *key, size_t n, unsigned *asks,
	       struct sign_error *err)
{
	struct remote_signer *r = (struct remote_signer *)s;
	const struct remote_cred *cred = cred_of(r, key);

	*asks = 0;
	if (cred == NULL)
		return sign_fail(err, SIGN_ERR_NO_KEY, "not a credential of this service");
	if ((long)n > cred->multisign)
		return sign_fail(err, SIGN_ERR_REMOTE,
				 "%zu files, the service signs at most %ld at once", n,
				 cred->multisign);
	if (cred->needs_pin)
		*asks |= SIGNER_ASKS_PIN;
	if (cred->needs_otp)
		*asks |= SIGNER_ASKS_OTP;
	if (cred->needs_otp && cred->otp_online) {
		json_t *sent = post(r, "credentials/sendOTP",
				    json_pack("{s:s}", "credentialID", key->id), err);
		if (sent == NULL)
			return -1;
		json_decref(sent);
		r->otp_sent = key;
	}
	return 0;
}

static int
remote_sign_digests(struct signer *s, const struct sign_key *key, enum sign_alg alg,
		    const struct sign_digest *digests, size_t n, struct sign_blob *sigs,
		    size_t *n_done, struct sign_error *err)
{
	struct remote_signer *r = (struct remote_signer *)s;
	const struct remote_cred *cred = NULL;
	json_t *hashes = json_array(), *req, *answer = NULL;
	char *sad = NULL;
	int rc = -1;

	*n_done = 0;
	for (size_t i = 0; i < r->n_keys; i++)
		if (&r->keys[i] == key)
			cred = &r->creds[i];
	if (cred == NULL) {
		sign_fail(err, SIGN_ERR_NO_KEY, "not a credential of this service");
		goto out;
	}
	if ((long)n > cred->multisign) {
		sign_fail(err, SIGN_ERR_REMOTE, "%zu files, the service signs at most %ld at once",
			  n, cred->multisign);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *b64 = sign_b64_encode(digests[i].md, sizeof(digests[i].md));
		json_array_append_new(hashes, json_string(b64));
		free(b64);
	}
	sad = authorize(r, key, cred, hashes, n, err);
	if (sad == NULL)
		goto out;
	req = json_pack("{s:s, s:s, s:O, s:s, s:s}", "credentialID", key->id, "SAD", sad,
			"hashes", hashes, "hashAlgorithmOID", SIGN_OID_SHA256, "signAlgo",
			alg == SIGN_ALG_RSA_PSS_SHA256 ? SIGN_OID_RSA_PSS : SIGN_OID_ECDSA_SHA256);
	if (alg == SIGN_ALG_RSA_PSS_SHA256) {
		char *params = sign_b64_encode(sign_pss_params_der, sign_pss_params_der_len);
		json_object_set_new(req, "signAlgoParams", json_string(params));
		free(params);
	}
	answer = post(r, "signatures/signHash", req, err);
	if (answer != NULL && sign_remote_take_signatures(answer, alg, n, sigs, n_done, err) == 0)
		rc = 0;
out:
	if (sad != NULL)
		explicit_bzero(sad, strlen(sad));
	free(sad);
	json_decref(answer);
	json_decref(hashes);
	return rc;
}

static void
remote_close(struct signer *s)
{
	struct remote_signer *r = (struct remote_signer *)s;

	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_keys; i++)
		sign_key_release(&r->keys[i]);
	free(r->keys);
	free(r->creds);
	explicit_bzero(r->bearer, strlen(r->bearer));
	free(r->bearer);
	free(r->base_url);
	free(r);
}

static const struct signer_ops remote_ops = {
	.name = "csc",
	.open = remote_open,
	.list_keys = remote_list_keys,
	.sign_digests = remote_sign_digests,
	.prepare = remote_prepare,
	.close = remote_close,
};

struct signer *
sign_remote_new(const struct sign_remote_config *cfg)
{
	struct remote_signer *r = xcalloc(1, sizeof(*r));
	size_t len = strlen(cfg->base_url);

	r->base.ops = &remote_ops;
	while (len > 0 && cfg->base_url[len - 1] == '/')
		len--;
	r->base_url = xmalloc(len + 1);
	memcpy(r->base_url, cfg->base_url, len);
	r->base_url[len] = '\0';
	len = strlen(cfg->access_token) + 8;
	r->bearer = xmalloc(len);
	snprintf(r->bearer, len, "Bearer %s", cfg->access_token);
	r->net = cfg->net;
	r->ask = cfg->ask;
	r->ask_arg = cfg->ask_arg;
	return &r->base;
}
