/*
 * error.h - what went wrong, the way every layer below the front ends says
 * it: a code and its details (the system, the field or file, the HTTP
 * status, the dossier status, and outside words kept as they came), never a
 * sentence for the clerk.  Only the front ends (ui/words.h, used by ui/ and
 * src/cli/) turn a struct mc_err into words, in the clerk's language; so no
 * command-line flag and no fixed language ever reaches the console from
 * below (STYLE.md, "errors as codes low, words high").
 *
 * An error also travels through the store (a queue entry's last error, a
 * system's last sync error) as one line, mc_err_format(), which
 * mc_err_parse() reads back, so a front end can word a stored error in the
 * language the clerk uses now.
 */
#ifndef MOTCUA_CORE_ERROR_H
#define MOTCUA_CORE_ERROR_H

#include <stdbool.h>
#include <stddef.h>

enum mc_errc {
	MC_OK = 0,
	/* reaching a system */
	MC_E_NETWORK,         /* no usable answer (detail: the transport's words) */
	MC_E_HTTP,            /* an unexpected HTTP status (http; detail: the server's words) */
	MC_E_UNAVAILABLE,     /* 5xx, 429, maintenance: try again later */
	MC_E_SIGNED_OUT,      /* no sign-in session on this terminal */
	MC_E_TOKEN,           /* the sign-in gave no token for the system (detail) */
	MC_E_TOKEN_REFUSED,   /* the system refused our token, again after renewing it */
	MC_E_LOGIN,           /* the system's own session login failed (detail) */
	MC_E_REPLY,           /* a reply not in the system's format (field; detail) */
	MC_E_FEED_STUCK,      /* the change feed does not move forward */
	MC_E_TOO_MANY_PAGES,  /* the pass stopped at its page budget; the rest next time */
	MC_E_TIME_LIMIT,      /* the pass stopped at its time limit; the rest next time */
	MC_E_NO_CONNECTOR,    /* no connector or profile speaks to this system */
	MC_E_NOT_CONFIGURED,  /* the system is not set up on this terminal */
	MC_E_NO_URL,          /* the system has no base URL (field: the profile file) */
	MC_E_CANCELLED,       /* stopped on purpose (quit, logout) */
	MC_E_REFUSED,         /* the system refused an action for good (detail: its words) */
	MC_E_CONFLICT,        /* the dossier changed at the system (a version conflict) */
	MC_E_UNSUPPORTED,     /* the system cannot do this (field: what) */
	/* this terminal */
	MC_E_STORE,           /* the local store failed (detail: SQLite's words) */
	MC_E_STORE_DAMAGED,   /* the store is damaged: nothing more is written (field: path) */
	MC_E_STORE_MISSING,   /* the store is missing or empty while its data key is
				 still on this terminal; not made anew (field: path) */
	MC_E_READ_ONLY,       /* a read-only disk or file (field: path) */
	MC_E_DISK_FULL,       /* no space left on the disk (field: path) */
	MC_E_PERMISSION,      /* not allowed to write (field: path) */
	MC_E_FILE,            /* a file cannot be read or written (field: path; detail) */
	MC_E_NOT_FILE,        /* not a regular file (field: path) */
	MC_E_CONFIG,          /* a configuration file is wrong (field: path; detail) */
	MC_E_INTERNAL,        /* out of the ordinary (detail) */
	/* queueing an action, deciding on a queue entry */
	MC_E_UNKNOWN_ACTION,  /* field: the name given */
	MC_E_NO_DOSSIER,      /* not in the local store (field: the code) */
	MC_E_NOT_ALLOWED,     /* not allowed from the local status (field: action; status) */
	MC_E_NOT_ALLOWED_SERVER, /* ... from the system's status (field: action; status) */
	MC_E_NEED_REASON,     /* the action needs a reason (field: action) */
	MC_E_NEED_TARGET,     /* forwarding needs the receiving unit */
	MC_E_BLOCKED,         /* an unresolved conflict on the dossier comes first */
	MC_E_NO_ENTRY,        /* no such queue entry (field: the id) */
	MC_E_ENTRY_STATE,     /* the entry is not in a state for that (field: the id) */
	MC_E_ENTRY_SENT,      /* already sent (or being sent): it cannot be taken back */
	MC_E_FILE_CHANGED,    /* a result file changed after it was queued (field) */
	MC_E_EMPTY_FILE,      /* an empty result file cannot be sent (field) */
	MC_E_FOREIGN_URL,     /* a URL the system gave points at another host */
	MC_E_NEED_FILE,       /* returning a result needs at least one file */
	MC_E_SAME_NAME,       /* two result files of one dossier have one name (field) */
	MC_E_PREVIOUS_DROPPED, /* the action queued before this one was dropped */
	MC_E_AUDIT_DIFFERS,   /* the server's copy of the audit log differs (detail: its why) */
	MC_E_TOO_LARGE,       /* a file over what the system takes (field: its name;
				 status: the limit in MB) */
	MC_E_PIN,             /* an unlock PIN that is not 4 to 12 digits */
	MC_E_INSECURE,        /* plain http:// to a host that is not loopback: refused
				 before any connection (detail: the URL's host) */
	MC_E_TLS_UNTRUSTED,   /* the server's certificate chains to no authority trusted
				 here (a CA missing from tls.ca_file; detail: host) */
	MC_E_TLS_EXPIRED,     /* its certificate expired or is not yet valid */
	MC_E_TLS_NAME,        /* its certificate is for another host name */
	MC_E_TLS_PIN,         /* its public key is not the one pinned */
	MC_E_TLS,             /* the TLS handshake failed otherwise (detail: TLS's words) */
	MC_E_NOTHING_OWED,    /* request-payment for a dossier whose fees total 0 (field) */
	MC_E_EXISTS,          /* a file would be overwritten and was not (field: path) */
	MC_E_WRITE,           /* a file cannot be written (field: path; detail) */
	MC_E_NOT_DESCRIBED,   /* the system's profile does not describe the action, so it
				 cannot be sent (system; field: action; detail: the file) */
	MC_E_BAD_FILTER,      /* a search filter that means nothing (field: the token;
				 detail: what is wrong, app_filter_parse) */
	MC_E_ACCESS_REFUSED,  /* a system that takes no sign-in token refused access
				 (401/403; detail: why - no API key, a refused key) */
	MC_E_N_CODES
};

struct mc_err {
	enum mc_errc code;
	char system[32];  /* the system it concerns; "" when none */
	char field[128];  /* a field, file, dossier code, action or entry; "" */
	int http;         /* HTTP status; 0 when none */
	int status;       /* a canonical dossier status the words need; 0 */
	char detail[512]; /* outside words as they came (one line); "" */
};

/* Clear to MC_OK. */
void mc_err_clear(struct mc_err *e);

/*
 * Set the code, the system (NULL: none) and the detail (printf; NULL: none).
 * Control characters in the detail become '?', and it is cut to fit.
 * Returns -1, so `return mc_err_set(...)` reads as a failure.
 */
int mc_err_set(struct mc_err *e, enum mc_errc code, const char *system, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The field (file, code, action...), control characters made '?'. */
void mc_err_field(struct mc_err *e, const char *field);

/* Stable machine names: "network", "need-reason"...; "?" when out of range. */
const char *mc_err_name(enum mc_errc code);
/* The code for a name; -1 when unknown. */
int mc_err_from_name(const char *name);

/*
 * One line for the store and for logs that no clerk reads as a sentence:
 * "NAME|SYSTEM|FIELD|HTTP|STATUS|DETAIL" (the separators in the parts are
 * replaced).  Caller frees.  mc_err_parse() reads it back (0), or takes any
 * other text as an MC_E_INTERNAL detail (1: an older store's free text).
 */
char *mc_err_format(const struct mc_err *e);
int mc_err_parse(const char *line, struct mc_err *e);

/* Whether trying again later may succeed (the network, 5xx, a refused token...). */
bool mc_err_transient(enum mc_errc code);

#endif
