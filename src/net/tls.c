/*
 * tls.c - trust for every request (net.h, net_set_tls()): certificate and
 * host-name checks always on, TLS 1.2 at least, extra authorities added to
 * the system's (never instead of them), public-key pinning, a proxy, and -
 * after the attempt - what exactly was wrong with a certificate and, when
 * asked, who issued it and until when it is valid.
 *
 * Extra authorities go into the handshake's X509 store through
 * CURLOPT_SSL_CTX_FUNCTION (libcurl built with OpenSSL, Debian's libcurl4):
 * CURLOPT_CAINFO would REPLACE the system bundle, and the government's root
 * must be trusted besides the public ones, not instead.  curl's shared CA
 * cache is switched off for those requests, and a system with trust of its
 * own keeps its connections in a cache of its own (own_pool()), so one
 * system's extra CA never leaks into another's handshakes or connections.
 */
#include "net/net_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "core/xalloc.h"

void
net_tls_conf_free(struct tls_conf *c)
{
	free(c->ca_file);
	free(c->ca_dir);
	free(c->pin);
	free(c->proxy);
	if (c->proxy_auth != NULL) {
		explicit_bzero(c->proxy_auth, strlen(c->proxy_auth));
		free(c->proxy_auth);
	}
	memset(c, 0, sizeof *c);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

void
net_set_tls(struct net *net, const char *source, const struct net_tls *tls)
{
	struct tls_conf *c = source == NULL ? &net->tls : &net_source_find(net, source, true)->tls;

	net_tls_conf_free(c);
	if (tls == NULL)
		return;
	c->ca_file = dup_or_null(tls->ca_file);
	c->ca_dir = dup_or_null(tls->ca_dir);
	c->pin = dup_or_null(tls->pin);
	c->proxy = dup_or_null(tls->proxy);
	c->proxy_auth = dup_or_null(tls->proxy_auth);
}

static CURLcode
add_authorities(CURL *easy, void *sslctx, void *arg)
{
	struct net_request *req = arg;
	X509_STORE *store = SSL_CTX_get_cert_store((SSL_CTX *)sslctx);

	(void)easy;
	if (store == NULL)
		return CURLE_SSL_CACERT_BADFILE;
	if (req->ca_file != NULL && X509_STORE_load_file(store, req->ca_file) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	if (req->ca_dir != NULL && X509_STORE_load_path(store, req->ca_dir) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

/*
 * The connection cache of a source with trust of its own.  curl reuses a
 * connection for a request to the same host and port when the CA file, CA
 * folder and pin strings it compares are equal - but extra authorities come
 * in through the SSL_CTX callback, which it cannot compare: without a cache
 * apart, a connection verified with one system's CA would carry another
 * system's requests (or a pinned system's requests would ride a connection
 * nobody checked the pin of).  NULL (the multi's cache) when the source has
 * no trust of its own, or when curl cannot make one (then a fresh connection
 * each time: slower, never wrong).
 */
static CURLSH *
own_pool(struct source *src, bool *fresh)
{
	*fresh = false;
	if (src == NULL ||
	    (src->tls.ca_file == NULL && src->tls.ca_dir == NULL && src->tls.pin == NULL))
		return NULL;
	if (src->pool == NULL) {
		src->pool = curl_share_init();
		if (src->pool != NULL &&
		    curl_share_setopt(src->pool, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) !=
			    CURLSHE_OK) {
			curl_share_cleanup(src->pool);
			src->pool = NULL;
		}
	}
	*fresh = src->pool == NULL;
	return src->pool;
}

/* The source's field, else the default's. */
static const char *
pick(const char *own, const char *dflt)
{
	return own != NULL ? own : dflt;
}

void
net_req_tls_configure(struct net *net, struct net_request *req)
{
	CURL *e = req->easy;
	struct source *src = net_source_find(net, req->source, false);
	const struct tls_conf *own = src != NULL ? &src->tls : NULL, *d = &net->tls;
	const char *pin, *proxy, *auth;
	bool fresh;

	free(req->ca_file);
	free(req->ca_dir);
	req->ca_file = dup_or_null(pick(own != NULL ? own->ca_file : NULL, d->ca_file));
	req->ca_dir = dup_or_null(pick(own != NULL ? own->ca_dir : NULL, d->ca_dir));
	pin = pick(own != NULL ? own->pin : NULL, d->pin);
	proxy = pick(own != NULL ? own->proxy : NULL, d->proxy);
	auth = pick(own != NULL ? own->proxy_auth : NULL, d->proxy_auth);

	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (req->ca_file != NULL || req->ca_dir != NULL) {
		curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, add_authorities);
		curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, req);
#if LIBCURL_VERSION_NUM >= 0x075700
		curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
	} else {
		curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, NULL);
	}
	curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, pin);
	/* NULL: the environment's https_proxy / no_proxy, as curl reads them */
	curl_easy_setopt(e, CURLOPT_PROXY, proxy);
	curl_easy_setopt(e, CURLOPT_PROXYUSERPWD, proxy != NULL ? auth : NULL);
	/* the certificate is only seen in a handshake: a new connection for it */
	curl_easy_setopt(e, CURLOPT_SHARE, own_pool(src, &fresh));
	curl_easy_setopt(e, CURLOPT_CERTINFO, (req->flags & NET_REQ_CERT_INFO) ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT,
			 fresh || (req->flags & NET_REQ_CERT_INFO) ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, fresh ? 1L : 0L);
	req->tls_problem = NET_TLS_OK;
	req->tls_version[0] = req->cert_issuer[0] = req->proxy_used[0] = '\0';
	/* (tls_version: from curl's own words of the handshake, request.c) */
	req->cert_expires = 0;
	snprintf(req->proxy_used, sizeof req->proxy_used, "%s", proxy != NULL ? proxy : "");
}

/* "Jan  5 12:00:00 2027 GMT" (OpenSSL's notAfter as curl prints it). */
static int64_t
parse_expiry(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%b %d %H:%M:%S %Y", &tm);
	return end != NULL ? (int64_t)timegm(&tm) : 0;
}

static void
cert_info(struct net_request *req)
{
	struct curl_certinfo *ci = NULL;

	if (curl_easy_getinfo(req->easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
	    ci->num_of_certs < 1)
		return;
	for (struct curl_slist *l = ci->certinfo[0]; l != NULL; l = l->next) {
		if (strncmp(l->data, "Issuer:", 7) == 0)
			snprintf(req->cert_issuer, sizeof req->cert_issuer, "%s", l->data + 7);
		else if (strncmp(l->data, "Expire date:", 12) == 0)
			req->cert_expires = parse_expiry(l->data + 12);
	}
}

void
net_req_tls_info(struct net_request *req)
{
	if (req->flags & NET_REQ_CERT_INFO)
		cert_info(req);
}

void
net_req_tls_finish(struct net_request *req)
{
	long verify = 0;

	if (req->result != NET_ERR_TLS)
		return;
	curl_easy_getinfo(req->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
	switch (req->code) {
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		req->tls_problem = NET_TLS_PIN;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		if (verify == X509_V_ERR_CERT_HAS_EXPIRED || verify == X509_V_ERR_CERT_NOT_YET_VALID)
			req->tls_problem = NET_TLS_EXPIRED;
		else if (verify == X509_V_OK || verify == X509_V_ERR_HOSTNAME_MISMATCH ||
			 verify == X509_V_ERR_IP_ADDRESS_MISMATCH ||
			 strstr(req->errbuf, "target host name") != NULL)
			/* the chain was good: curl's own host-name check said no (its
			 * words: "... subject name matches target host name ...") */
			req->tls_problem = NET_TLS_WRONG_NAME;
		else
			req->tls_problem = NET_TLS_UNTRUSTED;
		break;
	case CURLE_SSL_CACERT_BADFILE:
		req->tls_problem = NET_TLS_UNTRUSTED;
		break;
	default:
		req->tls_problem = NET_TLS_OTHER;
	}
}
