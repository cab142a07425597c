/*
 * retry.c - the pure half of the retry policy: backoff with full jitter,
 * Retry-After parsing and the retry decision.
 *
 * Nothing here reads a clock or a random source: the caller passes "now" and a
 * random value, so the sync layer and the tests get the same answers for the
 * same inputs.  Applying a decision (waiting, resending) is net.c's or the
 * caller's job, not this file's.
 */
#include "net/net.h"

#include "core/civil.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t
net_backoff_delay_ms(unsigned attempt, uint64_t base_ms, uint64_t cap_ms, uint32_t random)
{
	uint64_t ceiling = base_ms;

	/* Double without overflowing: stop as soon as the cap is reached. */
	for (unsigned i = 0; i < attempt && ceiling < cap_ms; i++)
		ceiling = ceiling > UINT64_MAX / 2 ? UINT64_MAX : ceiling * 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	if (ceiling == 0)
		return 0;
	/*
	 * Uniform over [0, ceiling].  A 32-bit random value scaled by
	 * multiplication keeps the bias below 2^-32 * ceiling for ceilings that
	 * fit 32 bits, which every sensible backoff does.
	 */
	if (ceiling >= UINT32_MAX)
		return (uint64_t)random * (ceiling / UINT32_MAX);
	return ((uint64_t)random * (ceiling + 1)) >> 32;
}

/* ---- Retry-After ------------------------------------------------------ */

static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

struct cursor {
	const char *p;
};

static int
parse_digits(struct cursor *c, int min_len, int max_len, int *out)
{
	int n = 0, value = 0;

	while (n < max_len && isdigit((unsigned char)c->p[n])) {
		value = value * 10 + (c->p[n] - '0');
		n++;
	}
	if (n < min_len)
		return -1;
	c->p += n;
	*out = value;
	return 0;
}

static int
parse_char(struct cursor *c, char ch)
{
	if (*c->p != ch)
		return -1;
	c->p++;
	return 0;
}

static int
parse_month(struct cursor *c, int *month)
{
	for (int i = 0; i < 12; i++) {
		if (strncmp(c->p, month_names[i], 3) == 0) {
			*month = i + 1;
			c->p += 3;
			return 0;
		}
	}
	return -1;
}

/* "HH:MM:SS" */
static int
parse_clock(struct cursor *c, int *h, int *m, int *s)
{
	if (parse_digits(c, 2, 2, h) < 0 || parse_char(c, ':') < 0 ||
	    parse_digits(c, 2, 2, m) < 0 || parse_char(c, ':') < 0 ||
	    parse_digits(c, 2, 2, s) < 0)
		return -1;
	if (*h > 23 || *m > 59 || *s > 60)
		return -1;
	return 0;
}

/*
 * The three HTTP-date forms of RFC 9110 section 5.6.7:
 *   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
 *   RFC 850      Sunday, 06-Nov-94 08:49:37 GMT
 *   asctime      Sun Nov  6 08:49:37 1994
 * The weekday is skipped, not checked: a wrong weekday is the sender's typo,
 * and the date itself is still clear.
 */
int
net_http_date(const char *s, int64_t *unix_out)
{
	struct cursor c = { s };
	int year, month, day, h, m, sec;

	while (isalpha((unsigned char)*c.p))
		c.p++;
	if (c.p == s)
		return -1;
	if (*c.p == ',') {
		c.p++;
		if (parse_char(&c, ' ') < 0 || parse_digits(&c, 2, 2, &day) < 0)
			return -1;
		if (*c.p == ' ') {          /* IMF-fixdate */
			c.p++;
			if (parse_month(&c, &month) < 0 || parse_char(&c, ' ') < 0 ||
			    parse_digits(&c, 4, 4, &year) < 0)
				return -1;
		} else if (*c.p == '-') {   /* RFC 850, two-digit year */
			c.p++;
			if (parse_month(&c, &month) < 0 || parse_char(&c, '-') < 0 ||
			    parse_digits(&c, 2, 2, &year) < 0)
				return -1;
			/* RFC 9110: a year more than 50 years ahead is in the past;
			 * without a clock here, 70..99 -> 19xx, 00..69 -> 20xx. */
			year += year >= 70 ? 1900 : 2000;
		} else {
			return -1;
		}
		if (parse_char(&c, ' ') < 0 || parse_clock(&c, &h, &m, &sec) < 0 ||
		    strcmp(c.p, " GMT") != 0)
			return -1;
	} else if (*c.p == ' ') {           /* asctime */
		c.p++;
		if (parse_month(&c, &month) < 0 || parse_char(&c, ' ') < 0)
			return -1;
		if (*c.p == ' ')
			c.p++;
		if (parse_digits(&c, 1, 2, &day) < 0 || parse_char(&c, ' ') < 0 ||
		    parse_clock(&c, &h, &m, &sec) < 0 || parse_char(&c, ' ') < 0 ||
		    parse_digits(&c, 4, 4, &year) < 0 || *c.p != '\0')
			return -1;
	} else {
		return -1;
	}
	if (!civil_date_valid(year, month, day))
		return -1;
	/* civil_days_from_date counts calendar days from 1970-01-01; the
	 * offset of civil time does not enter date arithmetic. */
	*unix_out = (int64_t)civil_days_from_date(year, month, day) * 86400 +
		    h * 3600 + m * 60 + sec;
	return 0;
}

int
net_retry_after_parse(const char *value, int64_t now_unix, int64_t *delay_s)
{
	char buf[64];
	size_t len;
	const char *start;

	if (value == NULL)
		return -1;
	start = value;
	while (*start == ' ' || *start == '\t')
		start++;
	len = strlen(start);
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, start, len);
	buf[len] = '\0';

	if (isdigit((unsigned char)buf[0])) {
		char *end;
		long long secs;

		errno = 0;
		secs = strtoll(buf, &end, 10);
		if (*end != '\0')
			return -1;
		/* Absurdly long delays are still valid: the policy caps them. */
		if (errno == ERANGE)
			secs = INT64_MAX;
		*delay_s = secs;
		return 0;
	} else {
		int64_t when;

		if (net_http_date(buf, &when) < 0)
			return -1;
		*delay_s = when > now_unix ? when - now_unix : 0;
		return 0;
	}
}

/* ---- the decision ----------------------------------------------------- */

/* Statuses worth another try, and whether only idempotent requests may. */
static const struct {
	long status;
	bool idempotent_only;
} retry_statuses[] = {
	{ 408, true },  /* request timeout: the server may have seen part of it */
	{ 429, false }, /* too many requests: refused before processing */
	{ 500, true },
	{ 502, true },
	{ 503, false }, /* unavailable (maintenance): refused before processing */
	{ 504, true },
};

static const struct {
	enum net_result result;
	bool idempotent_only;
} retry_results[] = {
	{ NET_ERR_REFUSED, false },  /* nothing reached the server */
	{ NET_ERR_DNS, false },
	{ NET_ERR_TIMEOUT, true },
	{ NET_ERR_RESET, true },
	{ NET_ERR_TRUNCATED, true },
};

bool
net_retry_decide(const struct net_retry_policy *policy, const struct net_response *resp,
		 unsigned attempt, int64_t now_unix, uint32_t random, uint64_t *delay_ms)
{
	bool retryable = false;
	const char *retry_after;
	int64_t after_s;

	if (policy == NULL || resp == NULL || attempt >= policy->max_attempts)
		return false;
	if (resp->result == NET_OK) {
		for (size_t i = 0; i < sizeof(retry_statuses) / sizeof(retry_statuses[0]); i++)
			if (retry_statuses[i].status == resp->status)
				retryable = policy->idempotent || !retry_statuses[i].idempotent_only;
	} else {
		for (size_t i = 0; i < sizeof(retry_results) / sizeof(retry_results[0]); i++)
			if (retry_results[i].result == resp->result)
				retryable = policy->idempotent || !retry_results[i].idempotent_only;
	}
	if (!retryable)
		return false;

	retry_after = resp->result == NET_OK ? net_response_header(resp, "Retry-After") : NULL;
	if (retry_after != NULL && net_retry_after_parse(retry_after, now_unix, &after_s) == 0) {
		if (after_s < 0 || (uint64_t)after_s > policy->max_retry_after_ms / 1000)
			return false;
		*delay_ms = (uint64_t)after_s * 1000;
		return true;
	}
	*delay_ms = net_backoff_delay_ms(attempt - 1, policy->base_ms, policy->cap_ms, random);
	return true;
}
