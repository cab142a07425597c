/*
 * net_int.h - what the files of src/net share and nobody else sees.
 *
 * The request and net structures, the request state machine, and the few
 * functions one file of the module calls in another.  Not installed, not
 * included outside src/net: the public contract is net.h.
 */
#ifndef MOTCUA_NET_INT_H
#define MOTCUA_NET_INT_H

#include "net/net.h"

#include <curl/curl.h>

#include <stdio.h>
#include <time.h>

enum req_state {
	REQ_NEW,       /* built, not submitted: the caller owns it */
	REQ_QUEUED,    /* in its source's FIFO */
	REQ_RUNNING,   /* on the multi handle */
	REQ_FINISHED,  /* result known, in net->finished, callback pending */
	REQ_DONE,      /* callback called (or net freed) */
};

struct growbuf {
	char *data;
	size_t len, cap;
};

/* Trust and proxy settings (net_set_tls(); owned strings, NULL unset). */
struct tls_conf {
	char *ca_file, *ca_dir, *pin, *proxy, *proxy_auth;
};

struct source {
	char *name;
	unsigned limit;
	bool own_limit;
	struct tls_conf tls;
	/* With trust of its own (a CA or a pin): its own connection cache, so
	 * no connection verified under another trust is reused for it, nor one
	 * of its own for another source (net_req_tls_configure).  Created on
	 * first use; freed by net_free. */
	CURLSH *pool;
	unsigned running;
	struct net_request *head, *tail;   /* queued, FIFO */
};

struct counter {
	char *source, *kind;
	struct net_counters c;
};

struct net {
	CURLM *multi;
	struct net_timeouts timeouts;
	char *user_agent;
	char *noproxy;
	struct tls_conf tls;     /* the default; a source's own fields win */
	unsigned default_limit;

	struct source *sources;
	size_t n_sources, cap_sources;

	/* Submitted requests whose callback has not run, in submission order. */
	struct net_request *all_head, *all_tail;
	size_t pending;
	/* Finished, callback pending, FIFO. */
	struct net_request *fin_head, *fin_tail;
	bool cancels;          /* some net_cancel() not yet acted upon */

	struct counter *counters;
	size_t n_counters, cap_counters;
	net_counters_fn *account;
	void *account_arg;

	uint32_t (*random)(void *arg);
	void *random_arg;
	uint64_t xorshift;

	FILE *trace;
	bool dispatching;
};

struct net_request {
	struct net *net;
	unsigned refs;
	enum req_state state;
	uint64_t id;
	CURL *easy;

	char *method, *url, *source, *kind;
	struct curl_slist *headers;
	bool headers_final;    /* Expect: and Content-Type appended */
	char *content_type;
	char *body;            /* owned copy, form body, or borrowed */
	size_t body_len;
	bool body_owned, has_body, is_form;

	struct net_timeouts timeouts;
	uint64_t max_body;
	unsigned flags;
	uint64_t delay_ms;
	uint64_t start_at_ms;

	net_done_fn *done;
	void *done_arg;
	net_write_fn *write;
	void *write_arg;
	net_progress_fn *progress;
	void *progress_arg;
	uint64_t last_progress_ms;

	struct net_retry_policy retry;
	bool has_retry;

	bool cancel_requested;
	bool attempt_open;     /* started, not yet accounted */
	struct net_request *next;            /* source queue or finished list */
	struct net_request *all_prev, *all_next;

	/* The current attempt. */
	struct growbuf body_in;
	struct net_header *rh;
	size_t n_rh, cap_rh, rh_bytes;
	long status;
	bool streaming, too_large, write_failed;
	uint64_t body_seen;
	uint64_t att_in, att_out;
	CURLcode code;
	long os_errno;
	char errbuf[CURL_ERROR_SIZE];
	enum net_result result;
	uint64_t total_ms;
	long new_connections;
	/* TLS of the current attempt (tls.c) */
	bool insecure;            /* refused by the URL policy: never sent */
	char *ca_file, *ca_dir;   /* extra trust for the handshake (copies) */
	enum net_tls_problem tls_problem;
	char tls_version[24];
	char cert_issuer[256];
	int64_t cert_expires;
	char proxy_used[200];

	/* All attempts. */
	uint64_t total_in, total_out;
	unsigned attempts;
};

/* ---- net.c ---- */
/* The source called name; made (with the default limit) when create. */
struct source *net_source_find(struct net *net, const char *name, bool create);

/* ---- tls.c ---- */
void net_tls_conf_free(struct tls_conf *c);
/* Set the trust, TLS floor and proxy options of req's attempt (configure). */
void net_req_tls_configure(struct net *net, struct net_request *req);
/* While the transfer still holds its connection: the TLS version and the
 * certificate (NET_REQ_CERT_INFO). */
void net_req_tls_info(struct net_request *req);
/* After the attempt: what went wrong with the certificate. */
void net_req_tls_finish(struct net_request *req);

static inline uint64_t
net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline const char *
net_str_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* result.c: curl's outcome as one of ours (our own aborts told apart). */
enum net_result net_map_curl_code(int code, long os_errno, bool too_large,
				  bool write_failed, bool cancelled);

/* request.c: one transfer - its curl options and what comes back. */
void net_req_reset_attempt(struct net_request *req);
void net_req_configure(struct net *net, struct net_request *req);
void net_req_fill_response(struct net_request *req, struct net_response *resp, bool with_body);

/* account.c: add one finished attempt to the counters, and trace it. */
void net_acct_record(struct net *net, struct net_request *req);
void net_acct_trace(struct net *net, struct net_request *req);
void net_acct_free(struct net *net);

#endif
