/*
 * source.c - what every connector shares: the table of dialects, creating
 * and freeing a connector, tokens and sessions, pages and results, URLs
 * (building, resolving a server's links without following it elsewhere),
 * the watermark fields, reject reasons and the default attachment request.
 *
 * It knows no dialect: each one lives in its own file (dvcqg.c, tuphap.c,
 * congan.c, nnmt.c, tinh.c, generic.c); the defensive JSON readers and the
 * date formats are in source_json.c.  Internal helpers are prefixed src_.
 */
#include "sources/source.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "sources/source_int.h"

const char *const source_dialects[] = {"dvcqg", "tuphap", "congan", "nnmt", "tinh",
				       "generic", NULL};

static const struct source_ops *const all_ops[] = {
	&source_ops_dvcqg, &source_ops_tuphap, &source_ops_congan,
	&source_ops_nnmt,  &source_ops_tinh,   &source_ops_generic,
};

const struct source_ops *
source_ops_find(const char *dialect)
{
	if (dialect == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof all_ops / sizeof all_ops[0]; i++)
		if (strcmp(all_ops[i]->dialect, dialect) == 0)
			return all_ops[i];
	return NULL;
}

char *
src_cause(const struct source *src, const char *fmt, ...)
{
	char msg[512];
	char *out;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n = strlen(msg) + (src != NULL ? strlen(src->name) : 0) + 3;
	out = xmalloc(n);
	if (src != NULL)
		snprintf(out, n, "%s: %s", src->name, msg);
	else
		snprintf(out, n, "%s", msg);
	/* One printable line: causes quote servers (a Retry-After, jansson's
	 * "near" bytes) and reach the clerk's terminal and the logs. */
	return xstr_one_line(out);
}

/* The capabilities of `a` on src: 0 cannot send, else 1 with the flags. */
static bool
caps(const struct source *src, enum action a, bool *idempotent, bool *versioned)
{
	const struct source_ops *ops = src->ops;

	*idempotent = *versioned = false;
	if (a <= ACTION_NONE || a >= ACTION_COUNT || ops->action_request == NULL)
		return false;
	if (ops->action_caps != NULL)
		return ops->action_caps(src, a, idempotent, versioned);
	*idempotent = ops->has_idempotency;
	*versioned = ops->has_versions;
	return true;
}

bool
source_can_send(const struct source *src, enum action a)
{
	bool i, v;

	return caps(src, a, &i, &v);
}

bool
source_action_idempotent(const struct source *src, enum action a)
{
	bool i, v;

	return caps(src, a, &i, &v) && i;
}

bool
source_action_versioned(const struct source *src, enum action a)
{
	bool i, v;

	return caps(src, a, &i, &v) && v;
}

static bool
http_url(const char *s)
{
	return s != NULL && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

struct source *
source_new(const struct source_config *cfg, char **cause)
{
	const struct source_ops *ops = source_ops_find(cfg->dialect);
	struct source *src;
	size_t n;

	*cause = NULL;
	if (cfg->name == NULL || cfg->name[0] == '\0') {
		*cause = xstrdup("source without a name");
		return NULL;
	}
	if (ops == NULL) {
		*cause = src_cause(NULL, "%s: unknown dialect '%s'", cfg->name,
				   cfg->dialect != NULL ? cfg->dialect : "(none)");
		return NULL;
	}
	if (!http_url(cfg->base_url)) {
		*cause = src_cause(NULL, "%s: base URL missing or not http(s)", cfg->name);
		return NULL;
	}
	src = xcalloc(1, sizeof *src);
	src->ops = ops;
	src->name = xstrdup(cfg->name);
	src->dialect = xstrdup(cfg->dialect);
	src->base_url = xstrdup(cfg->base_url);
	n = strlen(src->base_url);
	while (n > 0 && src->base_url[n - 1] == '/')
		src->base_url[--n] = '\0';
	src->title = xstrdup_or_null(cfg->title);
	src->profile = xstrdup_or_null(cfg->profile);
	src->page_size = cfg->page_size;
	src->coordination = cfg->coordination != 0 ? cfg->coordination > 0 : ops->coordination;
	if (ops->init != NULL && ops->init(src, cfg, cause) != 0) {
		source_free(src);
		return NULL;
	}
	return src;
}

void
source_free(struct source *src)
{
	if (src == NULL)
		return;
	if (src->ops != NULL && src->ops->release != NULL)
		src->ops->release(src);
	xfree_secret(src->token);
	xfree_secret(src->session);
	xfree_secret(src->api_key);
	free(src->key_header);
	free(src->name);
	free(src->dialect);
	free(src->base_url);
	free(src->title);
	free(src->profile);
	free(src);
}

void
source_set_token(struct source *src, const char *token)
{
	xfree_secret(src->token);
	src->token = xstrdup_or_null(token);
}

void
source_set_api_key(struct source *src, const char *key)
{
	xfree_secret(src->api_key);
	src->api_key = xstrdup_or_null(key);
}

bool
source_access_refused(const struct source *src, long http, struct mc_err *err)
{
	if (!src->no_token && src->key_header == NULL)
		return false;
	mc_err_set(err, MC_E_ACCESS_REFUSED, src->name, "%s",
		   src->key_header == NULL ? "the profile says \"auth\": \"none\""
		   : src->api_key == NULL  ? "no API key in the keyring (motcua api-key set)"
					   : "its API key was refused");
	err->http = (int)http;
	return true;
}

void
source_set_session(struct source *src, const char *session)
{
	xfree_secret(src->session);
	src->session = xstrdup_or_null(session);
}

void
source_set_ceiling(struct source *src, mc_time ceiling)
{
	src->ceiling = ceiling;
}

void
source_authorize(struct source *src, struct net_request *req)
{
	size_t n;
	char *h;

	if (src->key_header != NULL && src->api_key != NULL)
		(void)net_request_header(req, src->key_header, src->api_key);
	if (src->token == NULL)
		return;
	n = strlen(src->token) + sizeof "Bearer ";
	h = xmalloc(n);
	snprintf(h, n, "Bearer %s", src->token);
	(void)net_request_header(req, "Authorization", h);
	xfree_secret(h);
}

/* ---- pages and results ---------------------------------------------------- */

void
source_page_release(struct source_page *page)
{
	for (size_t i = 0; i < page->n_items; i++)
		dossier_release(&page->items[i]);
	free(page->items);
	for (size_t i = 0; i < page->n_rejected; i++)
		free(page->rejected[i]);
	free(page->rejected);
	for (size_t i = 0; i < page->n_suspect; i++)
		free(page->suspect[i]);
	free(page->suspect);
	free(page->next_watermark);
	memset(page, 0, sizeof *page);
}

struct dossier *
src_page_push(struct source_page *page)
{
	if (page->n_items == page->cap_items) {
		page->cap_items = page->cap_items ? page->cap_items * 2 : 16;
		page->items = xreallocarray(page->items, page->cap_items, sizeof *page->items);
	}
	dossier_init(&page->items[page->n_items]);
	return &page->items[page->n_items++];
}

void
src_page_pop(struct source_page *page)
{
	if (page->n_items > 0)
		dossier_release(&page->items[--page->n_items]);
}

void
src_safe_code(const char *s, char *buf, size_t size)
{
	size_t j = 0;

	if (size == 0)
		return;
	for (size_t i = 0; s != NULL && s[i] != '\0' && j + 1 < size && j < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[j++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[j] = '\0';
}

void
src_page_reject_msg(struct source_page *page, const char *code, size_t index,
		    const char *msg)
{
	char safe[48];
	char line[256];

	src_safe_code(code, safe, sizeof safe);
	if (safe[0] != '\0')
		snprintf(line, sizeof line, "%s: %s", safe, msg);
	else
		snprintf(line, sizeof line, "item #%zu: %s", index + 1, msg);
	page->rejected = xreallocarray(page->rejected, page->n_rejected + 1,
				       sizeof *page->rejected);
	page->rejected[page->n_rejected++] = xstrdup(line);
}

void
src_page_reject(struct source_page *page, const char *code, size_t index,
		const struct src_rd *rd)
{
	char msg[160];

	if (rd->field[0] != '\0')
		snprintf(msg, sizeof msg, "field '%s': %s", rd->field,
			 rd->why != NULL ? rd->why : "invalid");
	else
		snprintf(msg, sizeof msg, "%s", rd->why != NULL ? rd->why : "invalid");
	src_page_reject_msg(page, code, index, msg);
}

void
src_page_items(const struct source *src, struct source_page *page, json_t *items,
	       bool repaired, src_reader read, const char *code_key, const char *date_path,
	       enum src_date_fmt fmt, mc_time *page_max)
{
	size_t i;
	json_t *e;

	json_array_foreach(items, i, e) {
		struct src_rd rd;
		struct dossier *d = src_page_push(page);
		bool ok;

		if (date_path != NULL) {
			const char *m = json_string_value(src_path(e, date_path));
			mc_time t;
			if (m != NULL && src_date_parse(m, fmt, &t) == 0 && t > *page_max &&
			    src_position_ok(src, page,
					    json_string_value(json_object_get(e, code_key)),
					    date_path, t))
				*page_max = t;
		}
		src_rd_init(&rd, repaired);
		ok = read(&rd, e, src->name, d);
		if (ok && !src_code_clean(d->code)) {
			src_rd_fail(&rd, code_key, "control characters");
			ok = false;
		}
		if (!ok) {
			const char *code = json_string_value(json_object_get(e, code_key));
			src_page_reject(page, code, i, &rd);
			src_page_pop(page);
		}
	}
}

int
src_parse_one(const struct source *src, json_t *o, bool repaired, src_reader read,
	      const char *code_key, const char *what, struct dossier *out, char **cause)
{
	struct src_rd rd;
	const char *why;

	src_rd_init(&rd, repaired);
	dossier_init(out);
	if (read(&rd, o, src->name, out)) {
		if (src_code_clean(out->code))
			return SOURCE_PARSE_OK;
		src_rd_fail(&rd, code_key != NULL ? code_key : "code", "control characters");
	}
	why = rd.why != NULL ? rd.why : "invalid";
	if (code_key != NULL) {
		char code[48];
		src_safe_code(json_string_value(json_object_get(o, code_key)), code, sizeof code);
		*cause = src_cause(src, "%s: %s refused: field '%s': %s", code, what, rd.field,
				   why);
	} else {
		*cause = src_cause(src, "%s refused: field '%s': %s", what, rd.field, why);
	}
	dossier_release(out);
	return SOURCE_PARSE_ERROR;
}

int
src_detail_parse(const struct source *src, const struct net_response *resp, src_reader read,
		 const char *code_key, const char *what, struct dossier *out, char **cause)
{
	int rc;
	bool repaired = false;
	json_t *root;

	if (resp->result == NET_OK && resp->status == 404)
		return SOURCE_PARSE_NOT_FOUND;
	rc = src_http_error(src, resp, cause);
	if (rc != SOURCE_PARSE_OK)
		return rc;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, cause);
	if (root == NULL)
		return SOURCE_PARSE_ERROR;
	rc = src_parse_one(src, root, repaired, read, code_key, what, out, cause);
	json_decref(root);
	return rc;
}

void
source_result_init(struct source_result *r)
{
	memset(r, 0, sizeof *r);
	r->retry_after_s = -1;
	dossier_init(&r->current);
}

void
source_result_release(struct source_result *r)
{
	free(r->message);
	dossier_release(&r->current);
	memset(r, 0, sizeof *r);
	r->retry_after_s = -1;
}

/* ---- URLs ----------------------------------------------------------------- */

char *
src_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = xmalloc(n * 3 + 1);
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[j++] = (char)c;
		} else {
			out[j++] = '%';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		}
	}
	out[j] = '\0';
	return out;
}

char *
src_url(const struct source *src, const char *fmt, ...)
{
	char path[2048];
	size_t n;
	char *out;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	n = strlen(src->base_url) + strlen(path) + 1;
	out = xmalloc(n);
	snprintf(out, n, "%s%s", src->base_url, path);
	return out;
}

/* Length of "scheme://host[:port]" of an http(s) URL. */
static size_t
origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	if (p == NULL)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

char *
source_resolve_url(const struct source *src, const char *url)
{
	size_t olen = origin_len(src->base_url);
	size_t n;
	char *out;

	if (url == NULL || url[0] == '\0' || strlen(url) > SRC_MAX_URL)
		return NULL;
	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return NULL;
	if (http_url(url)) {
		size_t ulen = origin_len(url);
		if (ulen != olen || strncmp(url, src->base_url, olen) != 0)
			return NULL;
		return xstrdup(url);
	}
	if (strstr(url, "://") != NULL || strncmp(url, "//", 2) == 0)
		return NULL;
	if (url[0] == '/') {
		n = olen + strlen(url) + 1;
		out = xmalloc(n);
		snprintf(out, n, "%.*s%s", (int)olen, src->base_url, url);
		return out;
	}
	n = strlen(src->base_url) + strlen(url) + 2;
	out = xmalloc(n);
	snprintf(out, n, "%s/%s", src->base_url, url);
	return out;
}

void
src_read_retry(struct net_request *req)
{
	struct net_retry_policy p = {
		.max_attempts = 4,
		.base_ms = 500,
		.cap_ms = 8000,
		.max_retry_after_ms = 60000,
		.idempotent = true,
	};
	net_request_retry(req, &p);
}

void
src_slow_link_timeouts(struct net_request *req)
{
	struct net_timeouts t = net_timeouts_default();

	/* a 500-dossier page over a shared 256 kbit/s link can take minutes: the
	 * low-speed limit decides that a transfer has stalled (a 2-minute cap made
	 * big pages time out and start over, measured).  But a server trickling
	 * 200 B/s must not hold a page for ever: 10 minutes is ~19 MB at that
	 * link's speed, many times a 500-dossier page, and the pass has its own
	 * limit (sync_options.max_pass_ms). */
	t.total_ms = 10 * 60 * 1000;
	net_request_timeouts(req, &t);
}

char *
src_code_url(const struct source *src, const char *before, const char *code,
	     const char *after)
{
	char *c = src_urlencode(code);
	char *url = src_url(src, "%s%s%s", before, c, after);

	free(c);
	return url;
}

struct net_request *
src_action_post(struct source *src, struct net *net, const char *url)
{
	struct net_request *req = net_request_new(net, "POST", url);

	net_request_source(req, src->name);
	net_request_kind(req, "action");
	source_authorize(src, req);
	return req;
}

void
src_json_body(struct net_request *req, json_t *o)
{
	char *body = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	net_request_body(req, "application/json", body, strlen(body));
	free(body);
}

struct net_request *
src_get(struct source *src, struct net *net, const char *kind, const char *url)
{
	struct net_request *req = net_request_new(net, "GET", url);

	src_slow_link_timeouts(req);
	net_request_source(req, src->name);
	net_request_kind(req, kind);
	(void)net_request_header(req, "Accept", "application/json");
	source_authorize(src, req);
	net_request_max_body(req, SRC_MAX_PAGE_BODY);
	src_read_retry(req);
	return req;
}

struct net_request *
source_attachment_request(struct source *src, struct net *net, const char *url,
			  uint64_t offset)
{
	char *abs = source_resolve_url(src, url);
	struct net_request *req;
	struct net_timeouts t = net_timeouts_default();

	if (abs == NULL)
		return NULL;
	req = net_request_new(net, "GET", abs);
	free(abs);
	net_request_source(req, src->name);
	net_request_kind(req, "attachment");
	source_authorize(src, req);
	if (offset > 0) {
		char range[48];
		snprintf(range, sizeof range, "bytes=%llu-", (unsigned long long)offset);
		(void)net_request_header(req, "Range", range);
	}
	/* big files over slow links: the low-speed limit decides, not a wall clock */
	t.total_ms = 0;
	net_request_timeouts(req, &t);
	net_request_max_body(req, (uint64_t)1 << 32);
	return req;
}

/* ---- watermarks ----------------------------------------------------------- */

char *
src_wm_field(const char *wm, int i)
{
	const char *p = wm;

	if (wm == NULL)
		return xstrdup("");
	for (int k = 0; k < i; k++) {
		p = strchr(p, '|');
		if (p == NULL)
			return xstrdup("");
		p++;
	}
	return xstrndup(p, strcspn(p, "|"));
}

char *
src_wm_make(size_t n, const char *const *fields)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < n; i++)
		len += (fields[i] != NULL ? strlen(fields[i]) : 0) + 1;
	out = xmalloc(len);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, "|", len - strlen(out) - 1);
		if (fields[i] != NULL)
			strncat(out, fields[i], len - strlen(out) - 1);
	}
	return out;
}

int64_t
src_wm_int(const char *wm, int i, int64_t def)
{
	char *f = src_wm_field(wm, i);
	char *end;
	long long v;

	if (f[0] == '\0') {
		free(f);
		return def;
	}
	v = strtoll(f, &end, 10);
	if (*end != '\0' || v < 0)
		v = def;
	free(f);
	return v;
}

char *
src_area_from_unit(const char *unit_name)
{
	if (unit_name == NULL)
		return NULL;
	if (strncmp(unit_name, "UBND ", 5) == 0)
		unit_name += 5;
	return unit_name[0] != '\0' ? xstrdup(unit_name) : NULL;
}

int
src_status_find(const struct src_status *table, const char *raw)
{
	if (raw == NULL)
		return 0;
	for (const struct src_status *s = table; s->raw != NULL; s++)
		if (strcmp(s->raw, raw) == 0)
			return s->status;
	return 0;
}

const char *
src_status_raw(const struct src_status *table, int status)
{
	for (const struct src_status *s = table; s->raw != NULL; s++)
		if (s->status == status)
			return s->raw;
	return NULL;
}

/* The path of the URL asked (no scheme, host or query: those say nothing a
 * support engineer needs and the query may carry a date range). */
void
source_url_path(const char *url, char *buf, size_t size)
{
	const char *p = url != NULL ? strstr(url, "://") : NULL;
	size_t n;

	p = p != NULL ? strchr(p + 3, '/') : NULL;
	if (p == NULL) {
		snprintf(buf, size, "/");
		return;
	}
	n = strcspn(p, "?#");
	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

/* A JSON string member of o among the usual names of a server's words. */
static const char *
words_of(json_t *o, int depth)
{
	static const char *const keys[] = {"message", "error_description", "detail", "title",
					   "error", "errors", "msg", "thong_diep", "thongDiep",
					   "mo_ta", NULL};

	if (depth > 2)
		return NULL;
	if (json_is_array(o))
		return words_of(json_array_get(o, 0), depth + 1);
	if (!json_is_object(o))
		return NULL;
	for (int i = 0; keys[i] != NULL; i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (json_is_string(v) && json_string_length(v) > 0)
			return json_string_value(v);
		if (json_is_object(v) || json_is_array(v)) {
			const char *w = words_of(v, depth + 1);
			if (w != NULL)
				return w;
		}
	}
	return NULL;
}

/*
 * What the server said with an error status, one line of at most ~160
 * bytes cut on a character: a JSON error's message, else a short text
 * body's first line, an HTML page's title (a proxy's or a maintenance
 * page).  "" when nothing usable (a binary).
 */
void
source_server_words(const struct net_response *resp, char *buf, size_t size)
{
	const char *w = NULL;
	json_t *root = NULL;
	size_t n;

	buf[0] = '\0';
	if (resp->body == NULL || resp->body_len == 0 || resp->body_len > 65536 ||
	    memchr(resp->body, '\0', resp->body_len) != NULL)
		return;
	root = json_loadb(resp->body, resp->body_len, 0, NULL);
	if (root != NULL) {
		w = words_of(root, 0);
	} else if (resp->body[0] != '<') {
		w = resp->body;
	} else {
		for (const char *p = resp->body; *p != '\0' && w == NULL; p++)
			if (strncasecmp(p, "<title>", 7) == 0)
				w = p + 7;
	}
	if (w != NULL) {
		n = strcspn(w, "\r\n<");
		if (n > 160) {
			n = 160;
			while (n > 0 && ((unsigned char)w[n] & 0xC0) == 0x80)
				n--; /* not inside a UTF-8 sequence */
		}
		snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), w);
	}
	json_decref(root);
}

int
src_http_error(const struct source *src, const struct net_response *resp, char **cause)
{
	if (resp->result != NET_OK) {
		*cause = src_cause(src, "%s", resp->error);
		return SOURCE_PARSE_ERROR;
	}
	if (resp->status == 401 || resp->status == 403) {
		*cause = src_cause(src, "%s (HTTP %ld)",
				   src->key_header != NULL
					   ? (src->api_key != NULL ? "API key refused"
								  : "no API key in the keyring")
				   : src->no_token ? "access refused (the profile says \"auth\": \"none\")"
						   : "token refused",
				   resp->status);
		return SOURCE_PARSE_AUTH;
	}
	if (resp->status == 503 || resp->status == 429) {
		const char *ra = net_response_header(resp, "Retry-After");
		*cause = src_cause(src, "%s (HTTP %ld)%s%s",
				   resp->status == 503 ? "unavailable, maintenance or overload"
						       : "rate limited",
				   resp->status, ra != NULL ? ", retry after " : "",
				   ra != NULL ? ra : "");
		return SOURCE_PARSE_ERROR;
	}
	if (resp->status < 200 || resp->status > 299) {
		char path[200], words[200];
		source_url_path(resp->url, path, sizeof path);
		source_server_words(resp, words, sizeof words);
		*cause = src_cause(src, "HTTP %ld from %s%s%s", resp->status, path,
				   words[0] != '\0' ? ": " : "", words);
		return SOURCE_PARSE_ERROR;
	}
	return SOURCE_PARSE_OK;
}

bool
src_action_common(const struct net_response *resp, struct source_result *out)
{
	const char *ra;

	out->http_status = (int)resp->status;
	if (resp->result != NET_OK) {
		/* nothing reached the server: safe to send again (a refused URL
		 * never left, a certificate is checked before any request) */
		out->outcome = resp->result == NET_ERR_REFUSED || resp->result == NET_ERR_DNS ||
				       resp->result == NET_ERR_BAD_URL ||
				       resp->result == NET_ERR_INSECURE || resp->result == NET_ERR_TLS
				       ? SOURCE_RETRY
				       : SOURCE_UNKNOWN;
		out->message = xstrdup(resp->error);
		return true;
	}
	if (resp->status == 401 || resp->status == 403) {
		out->outcome = SOURCE_AUTH;
		out->message = xstrdup("token refused");
		return true;
	}
	if (resp->status == 429 || resp->status == 503 || resp->status == 502 ||
	    resp->status == 504 || resp->status == 500) {
		int64_t s;
		/* 500/502/504 may have been applied behind a proxy */
		out->outcome = resp->status == 429 || resp->status == 503 ? SOURCE_RETRY
									  : SOURCE_UNKNOWN;
		ra = net_response_header(resp, "Retry-After");
		if (ra != NULL && net_retry_after_parse(ra, 0, &s) == 0 && s >= 0 &&
		    s < 7 * 86400)
			out->retry_after_s = s;
		out->message = src_cause(NULL, "HTTP %ld", resp->status);
		return true;
	}
	return false;
}

char *
src_http_message(const struct source *src, long status, const char *code)
{
	char safe[48];

	src_safe_code(code, safe, sizeof safe);
	return src_cause(src, "HTTP %ld%s%s", status, safe[0] != '\0' ? " " : "", safe);
}

char *
src_int_text(int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return xstrdup(buf);
}

bool
src_base_version(const char *s, long long *out)
{
	char *end = NULL;

	if (s == NULL)
		return false;
	*out = strtoll(s, &end, 10);
	return *end == '\0' && *out >= 0;
}

bool
src_position_ok(const struct source *src, struct source_page *page, const char *code,
		 const char *field, mc_time t)
{
	char when[40], safe[48], line[256];

	if (src->ceiling <= 0 || t <= src->ceiling)
		return true;
	src_safe_code(code, safe, sizeof safe);
	snprintf(line, sizeof line,
		 "%s: field '%s': update time %s is later than the server's clock; "
		 "kept, the position not moved",
		 safe[0] != '\0' ? safe : "?", field,
		 src_date_format(t, SRC_DATE_ISO, when, sizeof when));
	page->suspect = xreallocarray(page->suspect, page->n_suspect + 1, sizeof *page->suspect);
	page->suspect[page->n_suspect++] = xstrdup(line);
	return false;
}

int64_t
src_position_since(const struct source *src, int64_t since)
{
	return src->ceiling > 0 && since > src->ceiling ? 0 : since;
}

bool
src_more_pages(int64_t page, int64_t total_pages, int64_t total, size_t n_items)
{
	if (n_items == 0 || page < 1 || page >= total_pages)
		return false;
	/* page <= total_pages, bounded by the reply's own integers: no overflow
	 * below 2^63 / 2^31 items per page */
	if (total >= 0 && n_items < ((size_t)1 << 31) && page < INT64_MAX / (int64_t)n_items &&
	    page * (int64_t)n_items >= total)
		return false;
	return true;
}

int64_t
src_total(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

int64_t
src_wm_step(const struct source *src, const char *wm, int i, int64_t def)
{
	int64_t since = src_wm_int(wm, 0, 0);

	if (src_position_since(src, since) != since)
		return def;
	return src_wm_int(wm, i, def);
}

char *
src_paged_next(const struct source *src, const char *wm, bool more, mc_time page_max)
{
	int64_t since = src_position_since(src, src_wm_int(wm, 0, 0));
	int64_t pageno = src_wm_step(src, wm, 1, 1);
	int64_t maxseen = src_position_since(src, src_wm_int(wm, 2, 0));
	char a[24], b[24], c[24];
	const char *f[3] = {a, b, c};

	if (page_max > maxseen)
		maxseen = page_max;
	if (more) {
		snprintf(a, sizeof a, "%lld", (long long)since);
		snprintf(b, sizeof b, "%lld", (long long)(pageno < 1 ? 2 : pageno + 1));
	} else {
		/* inclusive feeds: the next round starts one second after the newest
		 * change read, so a poll with nothing new returns nothing */
		snprintf(a, sizeof a, "%lld", (long long)(maxseen > 0 ? maxseen + 1 : since));
		snprintf(b, sizeof b, "1");
	}
	snprintf(c, sizeof c, "%lld", (long long)maxseen);
	return src_wm_make(3, f);
}
