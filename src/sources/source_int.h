/*
 * source_int.h - helpers shared by the dialects of src/sources (not used
 * outside it): defensive JSON reading, the date formats of the backends,
 * status tables, URL building, watermark fields and reject reasons.
 *
 * The field readers work on a struct src_rd that remembers the FIRST problem
 * of the dossier being read (field name and a static reason); after a
 * problem every reader returns "absent", so a parser reads all fields
 * straight through and checks src_rd.bad once at the end.
 */
#ifndef MOTCUA_SOURCE_INT_H
#define MOTCUA_SOURCE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sources/source.h"

/* Caps on strings from servers (bytes).  Longer values reject the dossier. */
#define SRC_MAX_CODE 64
#define SRC_MAX_SHORT 256
#define SRC_MAX_TEXT 4096
#define SRC_MAX_URL 2048
#define SRC_MAX_LIST 1000     /* elements of a dossier's list (files, fees, events) */
/*
 * A page or detail reply, decompressed.  A 1,000-dossier page is 2-4 MB;
 * jansson needs about 6 times a document's size to hold it parsed, so this
 * keeps a hostile reply's peak near 56 MB (the 48 MB a reply may cost,
 * plus a sixth: doc/net.md).  Over it the pass fails naming the system;
 * a smaller page_size is the cure.
 */
#define SRC_MAX_PAGE_BODY ((uint64_t)8 * 1024 * 1024)

enum src_date_fmt {
	SRC_DATE_ISO = 0,       /* 2026-03-12T09:30:00+07:00, or ...Z, or an offset */
	SRC_DATE_COMPACT,       /* yyyyMMddHHmmss, Vietnam time ("" = absent) */
	SRC_DATE_VN,            /* dd/MM/yyyy HH:mm:ss or dd/MM/yyyy, Vietnam time */
	SRC_DATE_EPOCH_MS,      /* integer milliseconds since the epoch */
	SRC_DATE_EPOCH_S,       /* integer seconds since the epoch */
	SRC_DATE_PATTERN,       /* SRC_DATE_PATTERN + i: the i-th pattern of a profile */
};

/*
 * "iso8601", "yyyyMMddHHmmss", "dd/MM/yyyy HH:mm:ss", "epoch_ms", "epoch_s",
 * or a pattern written as one (profiles): yyyy MM dd HH mm ss (M d H m s:
 * one or two digits), SSS (a fraction, ignored), XXX (Z or an offset
 * +07:00; without it the time is Vietnam's), 'quoted' or other characters
 * literal.  A pattern is kept for the life of the process (at most 32
 * different ones).  -1: unknown or not a pattern.
 */
int src_date_fmt_parse(const char *name);

/* Parse a date string in fmt (not the epoch forms).  0, or -1. */
int src_date_parse(const char *s, enum src_date_fmt fmt, mc_time *out);
/* Format t in fmt into buf (size >= 40).  Epoch forms give digits. */
char *src_date_format(mc_time t, enum src_date_fmt fmt, char *buf, size_t size);

/* The first problem of one dossier being read. */
struct src_rd {
	bool repaired;          /* the body had invalid UTF-8 replaced by U+FFFD */
	bool bad;
	char field[48];
	const char *why;        /* static */
};

void src_rd_init(struct src_rd *rd, bool repaired);
/* Record a problem (the first one wins).  `field` is copied, truncated. */
void src_rd_fail(struct src_rd *rd, const char *field, const char *why);

/*
 * A string member: absent or null gives NULL (and a problem when required);
 * a non-string, a string over max bytes, with a NUL, or with replaced
 * invalid UTF-8 is a problem.  With numbers_ok an integer is also accepted
 * and turned into its decimal text (systems that send "1" or 1 alike).
 * Returns a malloc'd copy or NULL.
 */
char *src_str(struct src_rd *rd, json_t *obj, const char *key, size_t max, bool required,
	      bool numbers_ok);
/*
 * An integer member: a JSON integer, or with strings_ok a string of decimal
 * digits ("" counts as absent).  Returns true and sets *out when present.
 */
bool src_int(struct src_rd *rd, json_t *obj, const char *key, bool strings_ok,
	     bool required, int64_t *out);
/* A date member in fmt; absent, null or "" gives 0 (a problem when required). */
mc_time src_date(struct src_rd *rd, json_t *obj, const char *key, enum src_date_fmt fmt,
		 bool required);
/* An array member (absent or null: NULL); over SRC_MAX_LIST elements is a problem. */
json_t *src_array(struct src_rd *rd, json_t *obj, const char *key);
/* An object member (absent or null: NULL). */
json_t *src_object(struct src_rd *rd, json_t *obj, const char *key);
/*
 * src_array() for one of the dossier's lists (enum dossier_list): absent or
 * null marks the list as not carried by this record (d->lists_absent), so
 * the store keeps the one a detail gave.
 */
json_t *src_list(struct src_rd *rd, json_t *obj, const char *key, struct dossier *d,
		 unsigned list);
/*
 * One element of a dossier's list, read with the readers above and added to
 * *d unless a problem was recorded.  The keys name the dialect's members.
 */
struct src_fee_keys {
	const char *code, *name, *amount;                 /* amount: an integer */
};
void src_read_fee(struct src_rd *rd, json_t *e, const struct src_fee_keys *k, struct dossier *d);
struct src_file_keys {
	const char *id, *name, *component, *url, *size;   /* id required; component may be NULL */
};
void src_read_file(struct src_rd *rd, json_t *e, const struct src_file_keys *k, struct dossier *d);
struct src_receipt_keys {
	const char *number, *series, *issuer, *amount, *issued; /* amount: integer or digits */
};
void src_read_receipt(struct src_rd *rd, json_t *e, const struct src_receipt_keys *k,
		      enum src_date_fmt fmt, struct dossier *d);
struct src_supplement_keys {
	const char *requested, *completed, *reason;       /* requested required */
};
void src_read_supplement(struct src_rd *rd, json_t *e, const struct src_supplement_keys *k,
			 enum src_date_fmt fmt, struct dossier *d);
/* Follow a dotted path "applicant.fullName" through objects; NULL if absent. */
json_t *src_path(json_t *root, const char *path);

/*
 * Parse a reply body.  Invalid UTF-8 is replaced by U+FFFD first (so one bad
 * string refuses one dossier, not the page) and *repaired says so; NUL
 * escapes are allowed (and refused per field).  NULL with *cause
 * ("SOURCE: malformed JSON (line L): reason") when it is not JSON.
 */
json_t *src_json_parse(const struct source *src, const char *body, size_t len,
		       bool *repaired, char **cause);

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), 0 when it is
 * not one (overlong, a surrogate, past U+10FFFF, cut short). */
size_t src_utf8_len(const unsigned char *s, size_t n);

/* The same values json_loadb() makes of a well-formed body, read faster;
 * NULL for anything it does not take, when json_loadb() must decide
 * (json_fast.c). */
json_t *src_json_fast(const char *body, size_t len);

/* A malloc'd "SOURCE: " + formatted message. */
char *src_cause(const struct source *src, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A status table: raw value (as text) to canonical 1..10. */
struct src_status {
	const char *raw;
	int status;
};
/* The canonical status for raw (case-sensitive), 0 when unknown. */
int src_status_find(const struct src_status *table, const char *raw);
/* The raw value of a canonical status (first match), NULL when none. */
const char *src_status_raw(const struct src_status *table, int status);

/* Page bookkeeping. */
struct dossier *src_page_push(struct source_page *page); /* a new, initialised slot */
void src_page_pop(struct source_page *page);              /* release the last slot */
/* Record a refused dossier: "CODE: field 'F': why" (code sanitised; "#index" if none). */
void src_page_reject(struct source_page *page, const char *code, size_t index,
		     const struct src_rd *rd);
void src_page_reject_msg(struct source_page *page, const char *code, size_t index,
			 const char *msg);

/* A dialect's reader of one dossier object into *d; false with rd's reason when refused. */
typedef bool (*src_reader)(struct src_rd *rd, json_t *o, const char *source, struct dossier *d);

/*
 * Read every element of the array `items` with `read` into `page`; a refused
 * one is recorded with the code at `code_key`.  With date_path (a dotted
 * path, in fmt) the newest such date of ALL rows, refused ones included, is
 * kept in *page_max (a refused row must not stall the feed).
 */
void src_page_items(const struct source *src, struct source_page *page, json_t *items,
		    bool repaired, src_reader read, const char *code_key, const char *date_path,
		    enum src_date_fmt fmt, mc_time *page_max);
/*
 * One dossier object `o` into *out (initialised here; released on failure).
 * SOURCE_PARSE_OK, or SOURCE_PARSE_ERROR with *cause "SOURCE: CODE: WHAT
 * refused: field 'F': why" (code from code_key, sanitised) or, with code_key
 * NULL, "SOURCE: WHAT refused: field 'F': why".  `o` stays the caller's.
 */
int src_parse_one(const struct source *src, json_t *o, bool repaired, src_reader read,
		  const char *code_key, const char *what, struct dossier *out, char **cause);

/*
 * A REST detail reply: 404 is SOURCE_PARSE_NOT_FOUND, other non-2xx go
 * through src_http_error, then the body is one dossier (src_parse_one).
 */
int src_detail_parse(const struct source *src, const struct net_response *resp,
		     src_reader read, const char *code_key, const char *what, struct dossier *out,
		     char **cause);

/*
 * Whether a dossier code is fit to store, print and ship in the audit log:
 * no C0 or C1 control, DEL, nor bidirectional control (U+061C, U+200E/F,
 * U+202A..E, U+2066..9).  A code is an identifier, never text to lay out.
 */
bool src_code_clean(const char *code);

/* Percent-encode s for a query or path segment.  Caller frees. */
char *src_urlencode(const char *s);
/* base_url + the formatted path.  Caller frees. */
char *src_url(const struct source *src, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* base_url + before + the percent-encoded code + after.  Caller frees. */
char *src_code_url(const struct source *src, const char *before, const char *code,
		   const char *after);
/* A GET on src_url(...) with the source/kind labels, Accept JSON and the token. */
struct net_request *src_get(struct source *src, struct net *net, const char *kind,
			    const char *url);
/* A POST on url for a clerk action: the source label, kind "action", the token. */
struct net_request *src_action_post(struct source *src, struct net *net, const char *url);
/* o, serialised compactly, as req's application/json body; o is released. */
void src_json_body(struct net_request *req, json_t *o);
/* Timeouts for pages over slow links: the low-speed limit, and a total cap of
 * 10 minutes. */
void src_slow_link_timeouts(struct net_request *req);
/* The retry policy for reads (idempotent) the sync engine also uses. */
void src_read_retry(struct net_request *req);

/*
 * Watermark fields "a|b|c": the i-th field (0-based) as a malloc'd string,
 * "" when absent.  src_wm_make joins n fields (NULL taken as "").
 */
char *src_wm_field(const char *wm, int i);
char *src_wm_make(size_t n, const char *const *fields);
/* The i-th field as a non-negative integer, def when absent or invalid. */
int64_t src_wm_int(const char *wm, int i, int64_t def);

/*
 * The next watermark "SINCE|PAGE|MAXSEEN" (epoch seconds) of a page-numbered
 * feed whose `since` is inclusive: the next page while `more`, else a new
 * round from MAXSEEN + 1 s (page_max: the newest change on this page, 0 none).
 */
char *src_paged_next(const struct source *src, const char *wm, bool more, mc_time page_max);

/*
 * Whether an update time t may move the position (src->ceiling).  When it
 * may not, the page lists the dossier as suspect: kept, "CODE: field 'F':
 * ..." (F the server's field name).
 */
bool src_position_ok(const struct source *src, struct source_page *page, const char *code,
		     const char *field, mc_time t);
/*
 * Whether a page-numbered reply may claim another page: it had items, its
 * page number is under its page count, and, when it states its total of
 * items (total >= 0), the pages so far (page x items on this one) have not
 * covered it.  A server claiming 10^15 pages of 5,000 dossiers stops there.
 */
bool src_more_pages(int64_t page, int64_t total_pages, int64_t total, size_t n_items);
/* A reply's optional total of items (integer `key` of o), -1 when absent. */
int64_t src_total(json_t *o, const char *key);

/* A stored position (SINCE) past the ceiling was poisoned: 0 (from the start). */
int64_t src_position_since(const struct source *src, int64_t since);
/*
 * Field i (the page or offset) of a paged watermark, def when absent; def
 * also when its SINCE was poisoned, since the feed then starts over.
 */
int64_t src_wm_step(const struct source *src, const char *wm, int i, int64_t def);

/* The area of a dossier from its unit's name: "UBND xã A" -> "xã A". */
char *src_area_from_unit(const char *unit_name);

/* A copy of s safe for a log line: printable ASCII, at most 40 bytes. */
void src_safe_code(const char *s, char *buf, size_t size);

/* Status-line-level checks shared by REST dialects: non-2xx bodies. */
int src_http_error(const struct source *src, const struct net_response *resp, char **cause);

/*
 * Actions: fill `out` for transport failures and the statuses every dialect
 * treats alike (401/403 auth; 429/503 retry with Retry-After; 500/502/504
 * unknown).  Returns true when it decided.
 */
bool src_action_common(const struct net_response *resp, struct source_result *out);

/*
 * An action answer's message: "SOURCE: HTTP 409 CODE", the code sanitised
 * (src_safe_code) and left out when NULL or empty.  Caller frees.
 */
char *src_http_message(const struct source *src, long status, const char *code);
/* The decimal text of v (a version).  Caller frees. */
char *src_int_text(int64_t v);
/*
 * An action's base version as the integer a body quotes: true and *out when
 * s is not NULL, strtoll reads all of it and the value is >= 0 ("" reads as
 * 0, as it always did).
 */
bool src_base_version(const char *s, long long *out);

/* The dialect tables. */
extern const struct source_ops source_ops_dvcqg;
extern const struct source_ops source_ops_tuphap;
extern const struct source_ops source_ops_congan;
extern const struct source_ops source_ops_nnmt;
extern const struct source_ops source_ops_tinh;
extern const struct source_ops source_ops_generic;

#endif
