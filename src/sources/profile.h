/*
 * profile.h - source definitions from config/sources.d/NAME.json: either a
 * reference to a built-in dialect ({"name","dialect","base_url",...}) or a
 * profile for the generic connector ({"dialect":"generic", "pull":{...},
 * "fields":{...}, "status_map":{...}, ...}; the format is in doc/sources.md).
 *
 * Files are untrusted input: every key is checked (unknown keys, wrong
 * types, out-of-range values, bad URLs and paths are errors) and a message
 * names the file and the key.  A bad file is skipped whole; the others load.
 * Reads files; does no network I/O.
 */
#ifndef MOTCUA_SOURCES_PROFILE_H
#define MOTCUA_SOURCES_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sources/source.h"

enum profile_paging {
	PROFILE_PAGING_CURSOR = 0, /* ?cursor=C&limit=N, next cursor in the reply */
	PROFILE_PAGING_OFFSET,     /* ?since=S&offset=O&limit=N */
	PROFILE_PAGING_PAGE,       /* ?since=S&page=P&size=N */
	PROFILE_PAGING_SINCE,      /* ?since=S, everything at once */
	PROFILE_PAGING_NEXT,       /* ?since=S&size=N, then the URL the reply names
	                              (pull.next) or its Link: <URL>; rel="next" */
};

/* How an action names the dossier's version (doc/sources.md, "actions"). */
enum profile_version {
	PROFILE_VERSION_NONE = 0,  /* no versions: a lost answer is settled by reading */
	PROFILE_VERSION_IF_MATCH,  /* If-Match: "VERSION" ("*" when none is known) */
	PROFILE_VERSION_BODY,      /* {version} / {version_int} in the body template */
};

/* The answer's JSON marker of a legacy envelope: {path, applied, conflict, refused}. */
struct profile_marker {
	char *path;
	char *applied, *conflict, *refused; /* each may be NULL, not all; without
	                                       applied a success status is enough */
};

/* One action a profile describes ("actions": {"receive": {...}}). */
struct profile_action {
	char *method;            /* "POST" (default), "PUT", "PATCH" */
	char *path;              /* with {code} / {action}, relative to base_url */
	void *body;              /* the body template (a json_t *, owned); NULL: no body */
	enum profile_version version;
	char *idem_header;       /* "Idempotency-Key": the server deduplicates by it;
	                            NULL: the dossier is read before a resend */
	/* the answer */
	int applied[8], conflict[8], refused[16]; /* HTTP statuses; 0-terminated;
	                                             empty: 2xx / 409, 412 / other 4xx */
	struct profile_marker result; /* path NULL: none */
	char *message;           /* path of the server's words; may be NULL */
	char *dossier;           /* path of the dossier in the answer ("" root); NULL */
	char *status;            /* path of its raw status when no dossier; NULL */
};

/* The lists of a dossier a profile may map ("lists", doc/sources.md). */
enum profile_list_kind {
	PROFILE_LIST_HISTORY = 0,  /* at, actor, unit, content, status */
	PROFILE_LIST_ATTACHMENTS,  /* id, name, component, url, size */
	PROFILE_LIST_FEES,         /* code, name, amount */
	PROFILE_LIST_RECEIPTS,     /* number, series, issuer, amount, issued_at */
	PROFILE_LIST_COUNT,
};
#define PROFILE_LIST_MEMBERS 5

/* One mapped list: where the array is in a dossier, and its members. */
struct profile_list {
	char *items;               /* dotted path in the dossier; NULL: not mapped */
	char *member[PROFILE_LIST_MEMBERS]; /* dotted paths in one element, in the
	                                       order of the kind's comment; NULL */
};

/* The payment state ("lists.payment"): where it is and what its values mean. */
struct profile_payment {
	char *state;               /* dotted path in the dossier; NULL: not mapped */
	char *channel;             /* dotted path; NULL */
	char **raw;                /* n raw values ... */
	int *value;                /* ... and their enum payment_state */
	size_t n;
};

/* A validated generic profile.  Reference-counted; read-only once parsed. */
struct source_profile {
	int refs;
	char *path;              /* the file, for messages */
	char *name, *title, *base_url; /* base_url may be NULL (from discovery) */
	bool bearer;             /* "auth": "bearer" (default), "none" or "api_key" */
	char *key_header;        /* "auth": "api_key": the header that carries the key
	                            (api_key_header, default X-API-Key); else NULL */
	char *audience;          /* the token's audience when not the name; may be NULL */
	int date_fmt;            /* enum src_date_fmt (a pattern included) */
	/* pull */
	char *pull_path;         /* "/api/list" (relative to base_url) */
	enum profile_paging paging;
	int page_size;
	int first_page;          /* 1 unless said */
	bool since_inclusive;
	char *p_cursor, *p_size, *p_since, *p_offset, *p_page; /* query parameter names */
	char *items;             /* path of the items array ("" = the root) */
	char *more;              /* path of a boolean; may be NULL */
	char *total_pages;       /* path of an integer; may be NULL */
	char *next_cursor;       /* cursor paging: path of the next cursor */
	char *next_link;         /* next paging: path of the next page's URL; NULL:
	                            the Link header */
	char *ok_path, *ok_value; /* success marker of legacy envelopes; may be NULL */
	/* detail (optional): path with {code}, and where the object is */
	char *detail_path, *detail_object;
	/* field paths (dotted) into one item; NULL when not mapped */
	char *f_code, *f_status, *f_procedure_code, *f_procedure_name, *f_field_code,
		*f_field_name, *f_applicant_name, *f_applicant_id, *f_unit, *f_summary,
		*f_received_at, *f_due_at, *f_finished_at, *f_updated_at, *f_version;
	/* status map: raw text -> 1..10 */
	char **st_raw;
	int *st_code;
	size_t n_status;
	/* lists inside a dossier, read from the feed's items and the detail */
	struct profile_list lists[PROFILE_LIST_COUNT];
	struct profile_payment payment;
	/* actions (index: enum action); NULL for one the profile does not describe */
	struct profile_action *actions[ACTION_COUNT];
};

/* The member names of a list kind, PROFILE_LIST_MEMBERS entries (NULL-padded). */
extern const char *const profile_list_members[PROFILE_LIST_COUNT][PROFILE_LIST_MEMBERS];

/* Whether the profile describes action `a` (so the generic connector can send it). */
bool source_profile_can_send(const struct source_profile *p, enum action a);

/*
 * Parse and validate a profile from text.  `path` names it in messages.
 * Returns 0 with *out (refs = 1), or -1 with *cause = "PATH: key: problem".
 */
int source_profile_parse(const char *path, const char *text, size_t len,
			 struct source_profile **out, char **cause);
struct source_profile *source_profile_ref(struct source_profile *p);
void source_profile_free(struct source_profile *p); /* drops one reference; NULL ok */

/* One file of sources.d. */
struct source_def {
	char *name;
	char *dialect;
	char *base_url;          /* may be NULL: take the discovery's */
	char *title;             /* may be NULL */
	char *path;              /* the file */
	int page_size;           /* 0: default */
	bool enabled;            /* "enabled": false turns a discovered system off */
	char *due_rule;          /* "due_rule": how the system itself counts its due
				    dates, in the clerk's words; may be NULL */
	struct source_profile *profile; /* generic only */
};

/* Parse one definition file's text.  0, or -1 with *cause naming `path`. */
int source_def_parse(const char *path, const char *text, size_t len, struct source_def *out,
		     char **cause);
void source_def_release(struct source_def *def);

/*
 * Whether the system of `def` can send action `a`: a profile must describe
 * it; a built-in dialect sends what its connector builds.
 */
bool source_def_can_send(const struct source_def *def, enum action a);

/*
 * Every *.json of `dir` in name order (a missing folder gives none).  Bad
 * files are reported through warn(ctx, "PATH: problem") and skipped; a name
 * defined twice keeps the first file.  *defs is malloc'd (free with
 * source_defs_free).  Returns the count.
 */
typedef void source_warn_fn(void *ctx, const char *msg);
size_t source_defs_load_dir(const char *dir, struct source_def **defs, source_warn_fn *warn,
			    void *ctx);
void source_defs_free(struct source_def *defs, size_t n);

#endif
