/*
 * source.h - the connector interface: one table of functions per backend
 * dialect (dvcqg, tuphap, congan, nnmt, tinh) plus the profile-driven generic
 * connector (profile.c, generic.c).
 *
 * A connector does no I/O of its own.  For each step it BUILDS a request
 * (struct net_request, not yet submitted) and PARSES the response into the
 * core model; the sync engine (src/sync) submits, waits, retries and stores.
 * That keeps every dialect testable from recorded replies and keeps the state
 * machines in one place.  It does not read the clock, the store or the
 * keyring: tokens are handed in with source_set_token().
 *
 * Hostile replies: a parse function refuses one dossier at a time (wrong
 * types, missing required fields, strings over their cap, invalid UTF-8, NUL
 * bytes, impossible dates, unknown statuses) and lists the reason in the
 * page, "CODE: field 'x': why" - never a field's value, so no personal data
 * reaches a log.  A reply that is not the expected document at all
 * (malformed JSON, wrong shape, an error status) fails the whole page.
 *
 * Watermarks are opaque strings that only the dialect reads: a cursor, or
 * "since|page|max-seen" for paged feeds.  The engine stores the one returned
 * with each page after that page is committed, and passes it back.
 *
 * Ownership: a struct source is created by source_new() from a struct
 * source_config (copied) and freed by source_free().  Requests returned by the
 * build functions belong to the caller (submit or net_request_free them).
 * Results filled by the parse functions belong to the caller and are released
 * with the matching *_release().  Causes (char **cause) are malloc'd, freed
 * by the caller, and name the source.
 */
#ifndef MOTCUA_SOURCE_H
#define MOTCUA_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "core/error.h"
#include "core/status.h"
#include "net/net.h"

struct source;
struct source_profile; /* profile.c: a parsed generic profile */

/* What the configuration (or a sandbox's discovery) says about one system. */
struct source_config {
	const char *name;     /* "tuphap"; unique; also the token audience */
	const char *dialect;  /* "tuphap", "congan", ..., or "generic" */
	const char *base_url; /* "http://127.0.0.1:8080/tuphap" (a trailing / is dropped) */
	const char *title;    /* human name, may be NULL */
	const char *profile;  /* generic: path of the profile JSON (for messages); else NULL */
	int coordination;     /* 0: as the dialect says; 1: this system is the
	                         coordination system; -1: it is not */
	struct source_profile *parsed; /* generic: the parsed profile (the source takes
	                                  its own reference) or NULL to read `profile`
	                                  from disk */
	int page_size;        /* 0: the dialect's default */
};

/* One page of a pull. */
struct source_page {
	struct dossier *items;   /* n_items dossiers, each fully owned */
	size_t n_items;
	size_t cap_items;
	char *next_watermark;    /* to store and pass to the next pull; NULL: unchanged */
	bool more;               /* another page follows at once */
	size_t n_rejected;       /* dossiers of the reply refused one by one */
	char **rejected;         /* n_rejected reasons, "CODE: why" (no personal data) */
	size_t n_suspect;        /* dossiers kept whose update time is past the
	                            position ceiling: they did not move the position */
	char **suspect;          /* n_suspect reasons, "CODE: field 'x': why" */
	int64_t total;           /* the dossiers the server says the query matches
	                            (all pages); -1 when its dialect does not say */
};
void source_page_release(struct source_page *page);

/* A result file's content, for dialects that take files inline (files_inline). */
struct source_inline_file {
	const char *name;            /* base name sent to the server */
	const unsigned char *bytes;  /* len bytes (borrowed from the caller) */
	size_t len;
};

/* An action to send, as the outbox holds it. */
struct source_action {
	const char *code;             /* MaHoSo */
	enum action action;
	const char *idempotency_key;  /* always set; sent where the dialect has one */
	const char *base_version;     /* the version the clerk saw; may be NULL */
	const char *reason;           /* may be NULL */
	const char *actor;            /* the official's name; may be NULL */
	const char *to_unit;          /* forward: target unit; may be NULL */
	const char *const *file_ids;  /* uploaded result files; n_files of them */
	size_t n_files;
	/* files_inline dialects: the n_inline result files' contents, read by the
	   outbox (connectors do no file I/O); borrowed, NULL/0 elsewhere */
	const struct source_inline_file *inline_files;
	size_t n_inline;
};

enum source_outcome {
	SOURCE_APPLIED = 0,   /* the server applied it (or had already: duplicate absorbed) */
	SOURCE_CONFLICT,      /* version conflict: the server's state is in `current` */
	SOURCE_REJECTED,      /* not allowed / invalid: final, reason in `message` */
	SOURCE_RETRY,         /* try again later (5xx, 429, maintenance); retry_after_s */
	SOURCE_UNKNOWN,       /* no usable answer: the server may or may not have applied
	                         it; check its state before resending where needed */
	SOURCE_AUTH,          /* 401/403 or a dead session: the token must be renewed */
};

struct source_result {
	enum source_outcome outcome;
	int http_status;
	int64_t retry_after_s;    /* -1 when none */
	char *message;            /* human reason; may be NULL */
	struct dossier current;   /* CONFLICT / APPLIED when the reply carries it */
	bool has_current;
	int current_status;       /* canonical status the server reported; 0 unknown */
};
void source_result_init(struct source_result *r);
void source_result_release(struct source_result *r);

/* Return values of the parse functions. */
enum source_parse {
	SOURCE_PARSE_OK = 0,
	SOURCE_PARSE_NOT_MODIFIED = 1, /* detail: 304, the stored copy is current */
	SOURCE_PARSE_ERROR = -1,       /* *cause says why; the pass of this source fails */
	SOURCE_PARSE_AUTH = -2,        /* token or session refused: renew and retry once */
	SOURCE_PARSE_NOT_FOUND = -3,   /* detail: no such dossier at this source */
};

/*
 * How a dialect takes result files by resumable upload (upload.c speaks the
 * protocol: create, ask the offset, PUT chunks with Content-Range, the
 * server's Upload-Offset wins; doc/sandbox.md section 5.5).  Only the path
 * and the JSON casing differ between systems.
 */
struct source_upload_dialect {
	const char *path;         /* under the base URL: "/api/v1/uploads" */
	bool camel;               /* fileName/uploadId, else file_name/upload_id */
};

/* The table each dialect fills.  NULL entries mean "not supported". */
struct source_ops {
	const char *dialect;
	bool has_idempotency;     /* the server deduplicates by an idempotency key */
	bool has_versions;        /* ETag / version numbers: conflicts are detectable */
	bool files_inline;        /* result files travel in the action body (congan's
	                             base64 result_files): the outbox fills
	                             source_action.inline_files before action_request */
	/* The coordination system (the national portal's, dvcqg): its copy of a
	 * dossier only marks the handling system's record (doc/sync.md). */
	bool coordination;
	/* Result files by resumable upload; NULL: files go inline or not at all. */
	const struct source_upload_dialect *upload;

	/* Set up src->priv from the configuration (generic: the profile). */
	int (*init)(struct source *src, const struct source_config *cfg, char **cause);
	void (*release)(struct source *src);

	/* Session login for dialects that have one (dvcqg), with the system's token. */
	struct net_request *(*login_request)(struct source *src, struct net *net);
	int (*login_parse)(struct source *src, const struct net_response *resp, char **cause);

	/* Incremental pull from `watermark` (NULL: from the beginning). */
	struct net_request *(*pull_request)(struct source *src, struct net *net,
					    const char *watermark);
	int (*pull_parse)(struct source *src, const struct net_response *resp,
			  const char *watermark, struct source_page *page, char **cause);

	/* One dossier, conditional on `version` where the dialect allows. */
	struct net_request *(*detail_request)(struct source *src, struct net *net,
					      const char *code, const char *version);
	/* An enum source_parse; *out is filled (and owned by the caller) on OK. */
	int (*detail_parse)(struct source *src, const struct net_response *resp,
			    struct dossier *out, char **cause);

	struct net_request *(*action_request)(struct source *src, struct net *net,
					      const struct source_action *act);
	void (*action_parse)(struct source *src, const struct net_response *resp,
			     const struct source_action *act, struct source_result *out);
	/* Per action, for a dialect whose actions vary by system (generic: the
	 * profile's): whether it can send `a`, and whether the server
	 * deduplicates it by a key and checks its version.  NULL: every action
	 * action_request builds, as has_idempotency / has_versions say. */
	bool (*action_caps)(const struct source *src, enum action a, bool *idempotent,
			    bool *versioned);

	/* Attachment bytes from `offset` (Range) of the attachment's URL. */
	struct net_request *(*attachment_request)(struct source *src, struct net *net,
						  const char *url, uint64_t offset);
};

struct source {
	const struct source_ops *ops;
	char *name;
	char *dialect;
	char *base_url;
	char *title;
	char *profile;
	int page_size;
	bool no_token;   /* the system takes no Bearer token (profile "auth": "none") */
	bool coordination; /* the coordination system (ops->coordination, or the config) */
	char *token;     /* Bearer access token for this system (secret; wiped) */
	char *key_header; /* the header of an API key (profile "auth": "api_key"), or NULL */
	char *api_key;   /* its value, from the keyring (secret; wiped); NULL: none yet */
	char *session;   /* dvcqg session after login (secret; wiped) */
	mc_time ceiling; /* the latest update time that may move a pull's position
	                    (the engine's clock and the server's, plus a skew);
	                    0: none known.  Set with source_set_ceiling(). */
	void *priv;      /* the dialect's own state */
};

/* The built-in dialect table for `dialect` ("generic" included), or NULL. */
const struct source_ops *source_ops_find(const char *dialect);

/* Names of the built-in dialects, NULL-terminated (static). */
extern const char *const source_dialects[];

/* A connector for `cfg`; NULL with *cause (malloc'd) for an unknown dialect or bad profile. */
struct source *source_new(const struct source_config *cfg, char **cause);
void source_free(struct source *src);

/*
 * What the system can do with action `a`: send it at all (a profile that
 * does not describe it cannot; the outbox fails such an entry and the
 * front ends do not offer it), deduplicate a resend by its key (else the
 * outbox reads the dossier before sending again), detect a version conflict.
 */
bool source_can_send(const struct source *src, enum action a);
bool source_action_idempotent(const struct source *src, enum action a);
bool source_action_versioned(const struct source *src, enum action a);

/* Replace the access token (copied; the old one wiped).  NULL clears it. */
void source_set_token(struct source *src, const char *token);
/* Replace the API key of a system that takes one (copied; the old one wiped). */
void source_set_api_key(struct source *src, const char *key);
/*
 * A 401/403 from a system that takes no sign-in token (profile "auth":
 * "none" or "api_key"): renewing cannot help, so *err gets
 * MC_E_ACCESS_REFUSED with why (no API key kept, the key refused, access
 * refused) and true is returned; false for the others (renew the token).
 */
bool source_access_refused(const struct source *src, long http, struct mc_err *err);
/* The path of a URL (no scheme, host or query) into buf: "/api/the". */
void source_url_path(const char *url, char *buf, size_t size);
/*
 * What a server said with an error status, one line of at most ~160 bytes:
 * a JSON error's message (message, error_description, detail, title,
 * error, errors[0], ... one level down too), a text body's first line, an
 * HTML page's title.  "" when nothing usable.  For error replies only.
 */
void source_server_words(const struct net_response *resp, char *buf, size_t size);
/* Replace the session (copied; the old one wiped).  NULL clears it. */
void source_set_session(struct source *src, const char *session);

/*
 * The position ceiling of the next pull request and reply (the connectors read
 * no clock: the engine says what time it is).  An update time later than it
 * is kept on its dossier but never moves the position, so one dossier dated
 * 2199 cannot make a system look quiet for ever; a stored position past it
 * (poisoned before) starts the system's feed again from the beginning.
 */
void source_set_ceiling(struct source *src, mc_time ceiling);

/* "Authorization: Bearer ..." on a request, when a token is set. */
void source_authorize(struct source *src, struct net_request *req);

/*
 * An absolute URL for a link the source gave (an attachment's "/tuphap/..."
 * or "files/1"): absolute http(s) URLs on the same origin are kept, "/x" is
 * joined to the base URL's origin, anything else to the base URL.  NULL for
 * a URL on another origin or with another scheme (never follow a server to a
 * foreign host with our token).  Caller frees.
 */
char *source_resolve_url(const struct source *src, const char *url);

/*
 * A GET for an attachment with Range from `offset` (0: the whole file), the
 * token attached, streamed by the caller (net_request_on_write).  The default
 * for every dialect; NULL when the URL is refused (see source_resolve_url).
 */
struct net_request *source_attachment_request(struct source *src, struct net *net,
					      const char *url, uint64_t offset);

/* ---- resumable uploads of result files (upload.c) --------------------- */

/* Whether the system takes result files by resumable upload. */
bool source_takes_uploads(const struct source *src);

/* POST {base}{path} {fileName, size, contentType}: create an upload.  NULL
 * when the system takes none. */
struct net_request *source_upload_create_request(struct source *src, struct net *net,
						 const char *name, int64_t size);
/* PUT with "Content-Range: bytes * /SIZE" and no body: where is it?  NULL
 * for an upload URL on another host. */
struct net_request *source_upload_offset_request(struct source *src, struct net *net,
						 const char *upload_url, int64_t size);
/* PUT bytes [offset, offset + len) of a file of `size` bytes (copied). */
struct net_request *source_upload_chunk_request(struct source *src, struct net *net,
						const char *upload_url, uint64_t offset,
						const void *bytes, size_t len, int64_t size);

enum source_upload_verdict {
	SOURCE_UPLOAD_LATER = 0,  /* try later (error, delay_ms; offset_lost) */
	SOURCE_UPLOAD_AUTH,       /* the token was refused: renew it, try later */
	SOURCE_UPLOAD_FAIL,       /* refused for good (error) */
	SOURCE_UPLOAD_CREATED,    /* the upload exists at `location`, from `offset` */
	SOURCE_UPLOAD_FORGOTTEN,  /* the server lost the upload: create it again */
	SOURCE_UPLOAD_AT,         /* the server holds `offset` bytes; file_id when complete */
};

struct source_upload_reply {
	enum source_upload_verdict verdict;
	struct mc_err error;      /* LATER, AUTH, FAIL */
	uint64_t delay_ms;        /* LATER, AUTH: 0 means the usual backoff */
	bool offset_lost;         /* what we believed of the offset no longer holds */
	char *location;           /* CREATED: malloc'd */
	uint64_t offset;          /* CREATED, AT: <= the file's size for AT */
	bool resumed;             /* AT after asking: continues, not from zero */
	char *file_id;            /* AT and complete: malloc'd, non-empty */
};

/*
 * What `resp` means for an upload of a file of `size` bytes (upload_url
 * NULL: the reply to the create); `asking`: the request asked the offset.
 * Fills *out (release with source_upload_reply_release) and returns its
 * verdict.  Reads hostile replies safely (tests/fuzz/fuzz_upload.c).
 */
enum source_upload_verdict source_upload_read_reply(const struct source *src,
						    const char *upload_url, int64_t size,
						    bool asking, const struct net_response *resp,
						    struct source_upload_reply *out);
void source_upload_reply_release(struct source_upload_reply *r);

#endif
