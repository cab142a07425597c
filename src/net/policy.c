/*
 * policy.c - which URLs motcua may speak to (net.h, net_url_check()).
 *
 * One rule, decided here and nowhere else: https:// for every host, http://
 * only for loopback (127.0.0.0/8, ::1, "localhost"), where the sandbox and
 * the tests live and nothing crosses a wire.  Tokens, dossiers and citizens'
 * data never cross a provincial network in clear.  Pure: it parses, it never
 * resolves or connects.
 */
#include "net/net_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* 127.0.0.0/8 as a dotted quad (curl normalises other IPv4 spellings). */
static bool
ipv4_loopback(const char *h)
{
	unsigned a, b, c, d;
	char end;

	return sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &end) == 4 && a == 127 && b < 256 &&
	       c < 256 && d < 256;
}

bool
net_host_loopback(const char *host)
{
	if (host == NULL)
		return false;
	return strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0 ||
	       strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0 || ipv4_loopback(host);
}

enum net_url_verdict
net_url_check(const char *url, char *why, size_t why_len)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	enum net_url_verdict v = NET_URL_BAD;

	if (why_len > 0)
		why[0] = '\0';
	if (u == NULL || url == NULL ||
	    curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0') {
		snprintf(why, why_len, "not an absolute http:// or https:// URL");
	} else if (strcmp(scheme, "https") == 0) {
		v = NET_URL_OK;
	} else if (strcmp(scheme, "http") != 0) {
		snprintf(why, why_len, "%s:// is not http:// or https://", scheme);
	} else if (net_host_loopback(host)) {
		v = NET_URL_OK;
	} else {
		v = NET_URL_INSECURE;
		snprintf(why, why_len, "plain http:// to %s: only https:// leaves this machine "
				       "(http:// is for loopback only)", host);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return v;
}
