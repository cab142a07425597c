/*
 * net.h - HTTP requests on one libcurl multi handle, driven by the caller's loop.
 *
 * One process, one thread, one loop: the caller builds requests, submits them,
 * and calls net_poll() from its main loop (optionally waiting on stdin or other
 * descriptors at the same time).  Every callback of a request - write,
 * progress, done - runs from inside net_poll(), never from net_submit() or any
 * other call, so callbacks may submit new requests and cancel others freely.
 *
 * What this module does: timeouts for slow links, compression, keep-alive and
 * connection reuse, HTTP/2 where offered, per-source concurrency limits with a
 * FIFO queue, a capped body buffer, short human error reasons, byte counting on
 * the wire per source and per request kind, a redacted debug trace
 * (MOTCUA_DEBUG_HTTP=1), and the pure helpers of a retry policy (backoff with
 * full jitter, Retry-After parsing).  What it does not do: know about tokens,
 * JSON, the store or any backend; persist anything; retry unless asked to.
 * Only this module includes curl/curl.h; nothing here exposes curl types.
 *
 * Lifecycle of a request (an explicit state machine, see doc/net.md):
 *
 *     new --net_submit--> queued --slot free--> running --> finished --> done
 *                           |                      |            ^
 *                           +------ net_cancel ----+------------+
 *
 * Setters (net_request_*) may only be called before net_submit().
 *
 * Ownership: net_request_new() returns a request owned by the caller until
 * net_submit(); from then on the net owns it, calls its done callback exactly
 * once (from net_poll), and frees it when that callback returns - unless the
 * caller took a reference with net_request_ref(), in which case the last
 * net_request_unref() frees it.  A request that is never submitted is freed
 * with net_request_free().  The response passed to the done callback, its
 * body and headers are borrowed: valid only until the callback returns.
 *
 * Not thread-safe: every call on a net and its requests from one thread.
 */
#ifndef MOTCUA_NET_H
#define MOTCUA_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct net;
struct net_request;

/* ---- results ---------------------------------------------------------- */

/*
 * How a transfer ended.  NET_OK means an HTTP response arrived complete,
 * whatever its status (a 404 or 503 is NET_OK with status 404 or 503).
 */
enum net_result {
	NET_OK = 0,
	NET_ERR_REFUSED,    /* "connection refused" (or host unreachable) */
	NET_ERR_DNS,        /* "DNS failure" */
	NET_ERR_TIMEOUT,    /* "timed out": connect, low-speed or total cap */
	NET_ERR_RESET,      /* "connection reset": reset, empty reply, stream error */
	NET_ERR_TRUNCATED,  /* "body truncated": connection closed before the end */
	NET_ERR_TLS,        /* "TLS error": handshake, certificate */
	NET_ERR_TOO_LARGE,  /* "too large": body or headers beyond the cap */
	NET_ERR_DECODE,     /* "bad compressed body" */
	NET_ERR_CANCELLED,  /* "cancelled": net_cancel() or net_cancel_all() */
	NET_ERR_WRITE,      /* "write failed": the caller's write callback refused */
	NET_ERR_BAD_URL,    /* "bad URL": malformed or not http/https */
	NET_ERR_REDIRECTS,  /* "too many redirects" */
	NET_ERR_OTHER,      /* "network error" */
	NET_ERR_INSECURE,   /* "refused: plain http:// outside loopback" (never sent) */
};

/* Short lower-case English reason for a result; static string, never NULL.
 * (A response's error says more for NET_ERR_TLS: net_tls_reason().) */
const char *net_result_reason(enum net_result result);

/* ---- the URL policy ----------------------------------------------------- */

/*
 * One rule for every URL motcua speaks to (issuer, systems, signer, TSA,
 * audit sink): https:// for any host; http:// only for loopback
 * (127.0.0.0/8, ::1, "localhost").  net_submit() applies it to every
 * request - a refused one ends with NET_ERR_INSECURE before any connection
 * - and callers check URLs from discovery documents and profiles with it
 * first, to name the system.  Pure: never resolves or connects.
 * why (may be NULL when why_len is 0) gets one English line when refused.
 */
enum net_url_verdict {
	NET_URL_OK = 0,
	NET_URL_INSECURE,   /* http:// to a host that is not loopback */
	NET_URL_BAD,        /* not an absolute http(s) URL */
};
enum net_url_verdict net_url_check(const char *url, char *why, size_t why_len);
/* "localhost", 127.x.y.z, ::1 (with or without brackets). */
bool net_host_loopback(const char *host);

/* ---- trust ---------------------------------------------------------------- */

/*
 * TLS for the requests of one source (net_request_source()), or the
 * default (source NULL).  Certificate and host-name checks are always on
 * and TLS 1.2 is the least accepted.  ca_file (PEM, one or more
 * certificates) and ca_dir (a folder of PEM certificates named by hash,
 * `openssl rehash`) are trusted IN ADDITION to the system's authorities:
 * the government's own root CA is not in ca-certificates.  pin: the
 * server's public key, "sha256//BASE64" (';'-separated for several),
 * CURLOPT_PINNEDPUBLICKEY.  proxy: "http://host:port" for this source
 * (NULL: the environment's https_proxy / no_proxy, as curl reads them);
 * proxy_auth "user:password" (from the keyring; wiped at free).  A source's
 * settings replace the default's field by field where set.  Copied.
 */
struct net_tls {
	const char *ca_file;
	const char *ca_dir;
	const char *pin;
	const char *proxy;
	const char *proxy_auth;
};
void net_set_tls(struct net *net, const char *source, const struct net_tls *tls);

struct net_header {
	const char *name;   /* as the server spelled it */
	const char *value;  /* leading and trailing blanks removed */
};

/*
 * What the done callback receives.  All pointers are borrowed and valid only
 * until the callback returns; copy what you keep.
 */
struct net_response {
	enum net_result result;
	const char *error;        /* net_result_reason(result); "" when NET_OK */
	const char *error_detail; /* curl's own message, "" if none; for logs */
	long status;              /* HTTP status of the last response, 0 if none */
	const char *body;         /* decoded body, NUL-terminated, never NULL ("" when
	                             empty or streamed through a write callback) */
	size_t body_len;
	const struct net_header *headers; /* of the final response only */
	size_t n_headers;
	uint64_t total_ms;        /* curl's total time of the last attempt */
	uint64_t bytes_in;        /* on the wire, all attempts (see doc/net.md) */
	uint64_t bytes_out;
	unsigned attempts;        /* 1 unless the request was retried automatically */
	unsigned new_connections; /* connections opened by the last attempt; 0 when
	                             it reused a kept-alive one */
	const char *url;          /* the URL requested (not redacted: do not log it) */
	/* with NET_ERR_TLS: what was wrong with the server's certificate */
	enum net_tls_problem {
		NET_TLS_OK = 0,
		NET_TLS_UNTRUSTED,    /* no trusted authority vouches for it (a CA missing
					 from tls.ca_file, or self-signed) */
		NET_TLS_EXPIRED,      /* expired, or not yet valid */
		NET_TLS_WRONG_NAME,   /* issued for another host name */
		NET_TLS_PIN,          /* not the pinned public key */
		NET_TLS_OTHER,        /* the handshake failed otherwise (protocol, cipher) */
	} tls_problem;
	/* with NET_REQ_CERT_INFO, after a TLS handshake ("" otherwise) */
	const char *tls_version;  /* "TLSv1.3" */
	const char *cert_issuer;  /* the server certificate's issuer, one line */
	int64_t cert_expires;     /* its notAfter, Unix time; 0 unknown */
	const char *proxy_used;   /* the proxy the request went through; "" none */
};

/*
 * The code to report a failed transfer with: MC_E_INSECURE, one of the
 * MC_E_TLS_* when the certificate was the problem, else MC_E_NETWORK.
 */
enum mc_errc net_response_errc(const struct net_response *resp);
/* "TLS: certificate not trusted (...)" and the like; static. */
const char *net_tls_reason(enum net_tls_problem p);

/*
 * Case-insensitive header lookup in a response (first occurrence).
 * Returns the borrowed value or NULL when absent.
 */
const char *net_response_header(const struct net_response *resp, const char *name);

/* ---- the net ---------------------------------------------------------- */

/*
 * Returns a new net, or NULL if libcurl cannot be initialised (the reason is
 * written to *cause when cause is not NULL; static string).  Reads
 * MOTCUA_DEBUG_HTTP once, here.  Free with net_free().
 */
struct net *net_new(const char **cause);

/*
 * Frees the net and every request it still holds WITHOUT calling their done
 * callbacks.  To let callbacks release their arguments, call net_cancel_all()
 * and then net_run_until_done() first.  Must not be called from a callback.
 */
void net_free(struct net *net);

/* Timeouts; a request copies the net's defaults at net_request_new(). */
struct net_timeouts {
	long connect_ms;        /* TCP+TLS connect; default 10000 */
	long total_ms;          /* whole transfer; 0 = no cap; default 120000 */
	long low_speed_bytes;   /* abort when slower than this many bytes/s ... */
	long low_speed_s;       /* ... for this many seconds; default 100 B/s, 30 s;
	                           0 in either disables the check */
};

/* The built-in defaults (values above). */
struct net_timeouts net_timeouts_default(void);
void net_set_timeouts(struct net *net, const struct net_timeouts *timeouts);

/* User-Agent for every request (copied).  Default "motcua". */
void net_set_user_agent(struct net *net, const char *user_agent);

/*
 * Maximum requests in flight for one source (others wait in FIFO order).
 * source NULL sets the default for sources without their own limit (4).
 * max < 1 is taken as 1.
 */
void net_set_source_limit(struct net *net, const char *source, unsigned max);

/*
 * The random source used for jitter (net_random(), automatic retries).
 * Default: seeded from getrandom().  Tests inject a deterministic one.
 * fn NULL restores the default.
 */
void net_set_random(struct net *net, uint32_t (*fn)(void *arg), void *arg);
uint32_t net_random(struct net *net);

/*
 * Where the debug trace goes: NULL turns it off.  net_new() turns it on to
 * stderr when MOTCUA_DEBUG_HTTP=1.  One line per finished attempt: method,
 * redacted URL (secret-looking query values and long digit runs replaced by
 * "***"), status or error, bytes in/out, time, source/kind.  Never headers or
 * bodies.  The FILE is borrowed.
 */
void net_set_trace(struct net *net, void *file /* FILE * */);

/* ---- requests --------------------------------------------------------- */

/*
 * A new request.  method: "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"
 * (any token is passed through).  url: absolute http:// or https:// (copied).
 * Never returns NULL.  Defaults: source "", kind "", net's timeouts, body cap
 * NET_DEFAULT_MAX_BODY, no redirects followed, no retries.
 */
struct net_request *net_request_new(struct net *net, const char *method, const char *url);

/* Frees a request that was never submitted.  NULL is fine. */
void net_request_free(struct net_request *req);

/*
 * Add a request header (both strings copied).  Returns 0, or -1 when the name
 * or value contains CR, LF or NUL-unsafe characters, or the name is empty or
 * has a colon (header injection); the request is unchanged then.  Values are
 * wiped from memory when the request is freed, so tokens may go here.
 */
int net_request_header(struct net_request *req, const char *name, const char *value);

/*
 * Set the body.  content_type, when not NULL, adds a Content-Type header.
 * net_request_body() copies the bytes (wiped at free: secrets are fine);
 * net_request_body_borrow() does not: the bytes must stay unchanged until the
 * done callback has returned.  Setting a body replaces an earlier one.
 */
void net_request_body(struct net_request *req, const char *content_type,
		      const void *data, size_t len);
void net_request_body_borrow(struct net_request *req, const char *content_type,
			     const void *data, size_t len);

/*
 * Append name=value to an application/x-www-form-urlencoded body (both
 * percent-encoded here) and set that Content-Type.  Replaces a body set with
 * net_request_body*().
 */
void net_request_form_add(struct net_request *req, const char *name, const char *value);

/* Labels for byte accounting and the trace (copied).  NULL means "". */
void net_request_source(struct net_request *req, const char *source);
void net_request_kind(struct net_request *req, const char *kind);
const char *net_request_get_source(const struct net_request *req);
const char *net_request_get_kind(const struct net_request *req);
/* What a connector built, for its tests: the method, the URL, the body (NULL
 * when none; *len set) and a header line ("Name: value") present or not. */
const char *net_request_get_method(const struct net_request *req);
const char *net_request_get_url(const struct net_request *req);
const char *net_request_get_body(const struct net_request *req, size_t *len);
bool net_request_has_header(const struct net_request *req, const char *line);

/* Per-request timeouts (replace the net's defaults). */
void net_request_timeouts(struct net_request *req, const struct net_timeouts *timeouts);

/*
 * Cap on the decoded body (buffered or streamed).  Beyond it the transfer is
 * cut off and ends with NET_ERR_TOO_LARGE.  0 means no cap (only sensible with
 * a write callback that enforces its own).  Default NET_DEFAULT_MAX_BODY.
 */
#define NET_DEFAULT_MAX_BODY ((uint64_t)64 * 1024 * 1024)
void net_request_max_body(struct net_request *req, uint64_t max);

enum net_request_flags {
	NET_REQ_FOLLOW_REDIRECTS = 1 << 0, /* up to 5, to the same scheme only; API
					     calls never set it */
	NET_REQ_CERT_INFO = 1 << 1,        /* fill tls_version, cert_issuer, cert_expires */
};
void net_request_flags(struct net_request *req, unsigned flags);

/*
 * Do not start before delay_ms from the submission (e.g. a backoff delay or
 * Retry-After); net_poll() sleeps no longer than the earliest such start.
 */
void net_request_delay_ms(struct net_request *req, uint64_t delay_ms);

/*
 * Completion: called exactly once per submitted request, from net_poll().
 * The request and response are valid during the call only (see the ownership
 * paragraph at the top).
 */
typedef void net_done_fn(struct net_request *req, const struct net_response *resp, void *arg);
void net_request_on_done(struct net_request *req, net_done_fn *done, void *arg);

/*
 * Streaming: when set, the body of a 2xx response is handed to this callback
 * in pieces instead of being buffered (resp->body is then ""); bodies of other
 * statuses are still buffered so the caller can read the error.  head has the
 * status and headers (body empty).  Return 0 to go on, -1 to abort the
 * transfer (it ends with NET_ERR_WRITE).  Not called again after -1.
 */
typedef int net_write_fn(struct net_request *req, const struct net_response *head,
			 const void *data, size_t len, void *arg);
void net_request_on_write(struct net_request *req, net_write_fn *write, void *arg);

/*
 * Progress, at most about twice a second and at the end of a transfer:
 * decoded bytes received so far and the expected total (0 when unknown),
 * bytes of body sent and its total.
 */
typedef void net_progress_fn(struct net_request *req, uint64_t down_now, uint64_t down_total,
			     uint64_t up_now, uint64_t up_total, void *arg);
void net_request_on_progress(struct net_request *req, net_progress_fn *progress, void *arg);

/*
 * Automatic retries (off by default).  When a policy is set and
 * net_retry_decide() says so, the request is queued again after the delay it
 * returns, without calling done in between; done then sees the last attempt
 * and resp->attempts.  Ignored for requests with a write callback (a partial
 * file cannot be un-written: resume with Range instead).  Copied.
 */
struct net_retry_policy {
	unsigned max_attempts;    /* including the first; 1 = no retry */
	uint64_t base_ms;         /* first backoff ceiling, e.g. 500 */
	uint64_t cap_ms;          /* largest backoff ceiling, e.g. 60000 */
	uint64_t max_retry_after_ms; /* a longer Retry-After gives up instead */
	bool idempotent;          /* safe to resend after the request may have
	                             reached the server (GET, or an Idempotency-Key) */
};
void net_request_retry(struct net_request *req, const struct net_retry_policy *policy);

/* A process-unique id (> 0), e.g. for logs. */
uint64_t net_request_id(const struct net_request *req);

/* Extra references, for a caller that may net_cancel() later. */
struct net_request *net_request_ref(struct net_request *req);
void net_request_unref(struct net_request *req);

/*
 * Hand the request to the net, which now owns it (see top).  Never calls a
 * callback and never blocks; the transfer starts at the next net_poll().
 * Submitting a request twice is a programming error (abort).
 */
void net_submit(struct net *net, struct net_request *req);

/*
 * Ask to stop a submitted request.  Its done callback then runs at the next
 * net_poll() with NET_ERR_CANCELLED, unless it already finished otherwise.
 * A no-op for a request whose callback has run (hold a ref to call this
 * safely at any time).
 */
void net_cancel(struct net_request *req);

/* Cancel every submitted request of one source (NULL: of all sources). */
void net_cancel_source(struct net *net, const char *source);
void net_cancel_all(struct net *net);

/* ---- the loop --------------------------------------------------------- */

/* Extra descriptors to wait on in net_poll(); events/revents are bit sets. */
enum net_poll_events {
	NET_POLLIN = 1 << 0,
	NET_POLLPRI = 1 << 1,
	NET_POLLOUT = 1 << 2,
};
struct net_waitfd {
	int fd;
	short events;   /* NET_POLL* wanted */
	short revents;  /* NET_POLL* that happened; set by net_poll() */
};

/*
 * One turn of the loop: start queued requests that may start, wait up to
 * timeout_ms (negative: no limit; less if curl or a delayed request needs it
 * sooner) for network activity or one of the extra descriptors, drive the
 * transfers, and call the callbacks of those that finished.  net_wakeup() or
 * a signal cuts the wait short.  Returns the number of done callbacks called
 * (>= 0), or -1 on a fatal multi-handle error.  extra may be NULL when
 * n_extra is 0.  Called from inside a callback it does nothing and returns 0.
 */
int net_poll(struct net *net, int timeout_ms, struct net_waitfd *extra, size_t n_extra);

/*
 * Make a net_poll() in progress (or the next one) return early.  It only
 * writes a byte to curl's socket pair; a signal interrupts the wait by
 * itself, so a signal handler need only set its flag.
 */
void net_wakeup(struct net *net);

/* Submitted requests whose done callback has not run yet. */
size_t net_pending(const struct net *net);

/*
 * For one-shot CLI commands: net_poll() until net_pending() is 0.
 * Returns 0, or -1 on a fatal multi-handle error or when called from a
 * callback (where it could never finish).
 */
int net_run_until_done(struct net *net);

/* ---- byte accounting -------------------------------------------------- */

/*
 * Bytes on the wire at the HTTP level: request line, headers and body as sent
 * (compressed, chunk framing included) and the same received.  TCP/IP and TLS
 * record overhead are not included (see doc/net.md).  Counted for every
 * attempt, failed ones too.
 */
struct net_counters {
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t requests;   /* finished attempts */
	uint64_t failures;   /* attempts without an HTTP response (result != NET_OK) */
};

/*
 * Sum of the counters for source and kind; NULL for either means all.
 * Returns the sum (zeros when nothing matched).
 */
struct net_counters net_counters(const struct net *net, const char *source, const char *kind);

/* Calls fn once per (source, kind) seen, in first-seen order. */
typedef void net_counters_fn(const char *source, const char *kind,
			     const struct net_counters *counters, void *arg);
void net_counters_foreach(const struct net *net, net_counters_fn *fn, void *arg);

/*
 * Hook called from net_poll() after each finished attempt, before the done
 * callback, with that attempt's own figures (requests = 1), so the caller can
 * add them to a persistent total (the net never touches the store).
 */
void net_on_account(struct net *net, net_counters_fn *fn, void *arg);

/* ---- retry helpers (pure) --------------------------------------------- */

/*
 * Exponential backoff with full jitter: a delay uniformly drawn from
 * [0, min(cap_ms, base_ms * 2^attempt)] using the caller's random value.
 * attempt counts from 0 (the delay before the first retry).
 */
uint64_t net_backoff_delay_ms(unsigned attempt, uint64_t base_ms, uint64_t cap_ms,
			      uint32_t random);

/*
 * An HTTP-date (RFC 9110 5.6.7: IMF-fixdate, RFC 850 or asctime form, as in
 * Date and Retry-After) as Unix seconds.  0, or -1 when it is not one.
 */
int net_http_date(const char *value, int64_t *unix_out);

/*
 * Parse a Retry-After value: delta-seconds ("120") or an HTTP-date
 * (IMF-fixdate, RFC 850 or asctime form) compared with now_unix.  A date in the
 * past gives 0.  Returns 0 and sets *delay_s, or -1 when the value is invalid.
 */
int net_retry_after_parse(const char *value, int64_t now_unix, int64_t *delay_s);

/*
 * Whether to send again after attempt number `attempt` (1 = the first) ended
 * with resp, and after how long.  Retries: timeouts, resets, truncated bodies
 * and 408/500/502/504 when idempotent; connection refused and DNS failures
 * (nothing was sent) and 429/503 (the server refused to process) always.
 * Retry-After, when present, is the delay (give up if it exceeds
 * max_retry_after_ms); else backoff with the given random value.
 * Returns true and sets *delay_ms, or false.
 */
bool net_retry_decide(const struct net_retry_policy *policy, const struct net_response *resp,
		      unsigned attempt, int64_t now_unix, uint32_t random, uint64_t *delay_ms);

/*
 * The URL with secrets removed, as the trace prints it: userinfo dropped,
 * values of query parameters named like secrets (token, session, secret,
 * password, code, key, ...) and runs of 9 or more digits anywhere replaced by
 * "***".  Returns a new string (caller frees).
 */
char *net_redact_url(const char *url);

#endif
