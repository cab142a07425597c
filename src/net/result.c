/*
 * result.c - how a transfer ended, in words a clerk or a log reader can act on.
 *
 * Maps libcurl's error codes (and our own aborts: the body cap, a refusing
 * write callback, a cancel) to the short list of enum net_result, and looks up
 * response headers.  No state, no I/O.
 */
#include "net/net_int.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/* ---- results ---------------------------------------------------------- */

static const char *const result_reasons[] = {
	[NET_OK] = "",
	[NET_ERR_REFUSED] = "connection refused",
	[NET_ERR_DNS] = "DNS failure",
	[NET_ERR_TIMEOUT] = "timed out",
	[NET_ERR_RESET] = "connection reset",
	[NET_ERR_TRUNCATED] = "body truncated",
	[NET_ERR_TLS] = "TLS error",
	[NET_ERR_TOO_LARGE] = "too large",
	[NET_ERR_DECODE] = "bad compressed body",
	[NET_ERR_CANCELLED] = "cancelled",
	[NET_ERR_WRITE] = "write failed",
	[NET_ERR_BAD_URL] = "bad URL",
	[NET_ERR_REDIRECTS] = "too many redirects",
	[NET_ERR_OTHER] = "network error",
	[NET_ERR_INSECURE] = "refused: plain http:// outside loopback",
};

const char *
net_result_reason(enum net_result result)
{
	if ((size_t)result >= sizeof(result_reasons) / sizeof(result_reasons[0]) ||
	    result_reasons[result] == NULL)
		return "network error";
	return result_reasons[result];
}

/* curl's codes, grouped into what a clerk or a log reader can act upon. */
static const struct {
	CURLcode code;
	enum net_result result;
} curl_results[] = {
	{ CURLE_OK, NET_OK },
	{ CURLE_COULDNT_RESOLVE_HOST, NET_ERR_DNS },
	{ CURLE_COULDNT_RESOLVE_PROXY, NET_ERR_DNS },
	{ CURLE_COULDNT_CONNECT, NET_ERR_REFUSED },
	{ CURLE_OPERATION_TIMEDOUT, NET_ERR_TIMEOUT },
	{ CURLE_RECV_ERROR, NET_ERR_RESET },
	{ CURLE_SEND_ERROR, NET_ERR_RESET },
	{ CURLE_GOT_NOTHING, NET_ERR_RESET },
	{ CURLE_HTTP2, NET_ERR_RESET },
	{ CURLE_HTTP2_STREAM, NET_ERR_RESET },
	{ CURLE_HTTP3, NET_ERR_RESET },
	{ CURLE_PARTIAL_FILE, NET_ERR_TRUNCATED },
	{ CURLE_SSL_CONNECT_ERROR, NET_ERR_TLS },
	{ CURLE_PEER_FAILED_VERIFICATION, NET_ERR_TLS },
	{ CURLE_SSL_CERTPROBLEM, NET_ERR_TLS },
	{ CURLE_SSL_CIPHER, NET_ERR_TLS },
	{ CURLE_SSL_CACERT_BADFILE, NET_ERR_TLS },
	{ CURLE_SSL_ISSUER_ERROR, NET_ERR_TLS },
	{ CURLE_SSL_PINNEDPUBKEYNOTMATCH, NET_ERR_TLS },
	{ CURLE_SSL_INVALIDCERTSTATUS, NET_ERR_TLS },
	{ CURLE_SSL_ENGINE_INITFAILED, NET_ERR_TLS },
	{ CURLE_SSL_CRL_BADFILE, NET_ERR_TLS },
	{ CURLE_SSL_SHUTDOWN_FAILED, NET_ERR_TLS },
	{ CURLE_USE_SSL_FAILED, NET_ERR_TLS },
	{ CURLE_FILESIZE_EXCEEDED, NET_ERR_TOO_LARGE },
	{ CURLE_BAD_CONTENT_ENCODING, NET_ERR_DECODE },
	{ CURLE_ABORTED_BY_CALLBACK, NET_ERR_CANCELLED },
	{ CURLE_URL_MALFORMAT, NET_ERR_BAD_URL },
	{ CURLE_UNSUPPORTED_PROTOCOL, NET_ERR_BAD_URL },
	{ CURLE_TOO_MANY_REDIRECTS, NET_ERR_REDIRECTS },
};

enum net_result
net_map_curl_code(int code, long os_errno, bool too_large, bool write_failed, bool cancelled)
{
	/* Our own aborts surface as write errors: say which one it was. */
	if (code == CURLE_WRITE_ERROR || code == CURLE_ABORTED_BY_CALLBACK) {
		if (too_large)
			return NET_ERR_TOO_LARGE;
		if (cancelled)
			return NET_ERR_CANCELLED;
		if (write_failed)
			return NET_ERR_WRITE;
		return code == CURLE_WRITE_ERROR ? NET_ERR_WRITE : NET_ERR_CANCELLED;
	}
	if (code == CURLE_COULDNT_CONNECT && os_errno == ETIMEDOUT)
		return NET_ERR_TIMEOUT;
	for (size_t i = 0; i < sizeof(curl_results) / sizeof(curl_results[0]); i++)
		if ((int)curl_results[i].code == code)
			return curl_results[i].result;
	return NET_ERR_OTHER;
}

const char *
net_tls_reason(enum net_tls_problem p)
{
	switch (p) {
	case NET_TLS_UNTRUSTED:
		return "TLS: certificate not trusted (unknown issuer: a CA missing from tls.ca_file?)";
	case NET_TLS_EXPIRED:
		return "TLS: certificate expired or not yet valid";
	case NET_TLS_WRONG_NAME:
		return "TLS: certificate issued for another host name";
	case NET_TLS_PIN:
		return "TLS: public key does not match the pinned one";
	default:
		return "TLS error";
	}
}

enum mc_errc
net_response_errc(const struct net_response *resp)
{
	static const enum mc_errc tls[] = {
		[NET_TLS_OK] = MC_E_TLS,           [NET_TLS_UNTRUSTED] = MC_E_TLS_UNTRUSTED,
		[NET_TLS_EXPIRED] = MC_E_TLS_EXPIRED, [NET_TLS_WRONG_NAME] = MC_E_TLS_NAME,
		[NET_TLS_PIN] = MC_E_TLS_PIN,      [NET_TLS_OTHER] = MC_E_TLS,
	};

	if (resp->result == NET_ERR_INSECURE)
		return MC_E_INSECURE;
	if (resp->result == NET_ERR_TLS && (size_t)resp->tls_problem < sizeof tls / sizeof tls[0])
		return tls[resp->tls_problem];
	return MC_E_NETWORK;
}

const char *
net_response_header(const struct net_response *resp, const char *name)
{
	if (resp == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < resp->n_headers; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}
