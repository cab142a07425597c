/*
 * generic.c - the connector driven by a profile (profile.h, doc/sources.md):
 * a new system whose API fits one of the paging styles (cursor, offset,
 * page, since, next link), maps its fields by dotted paths, its statuses by
 * a table and its dates by a known format or a pattern needs no C code.
 *
 * This file pages and acts; one record (fields, dates, the lists a profile
 * maps) is read in generic_read.c.  Watermarks: cursor paging keeps the
 * cursor; the others "SINCE|PAGE-OR-OFFSET|MAXSEEN" in epoch seconds (with
 * "|URL" inside a round of next links).  No I/O here (source.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/generic_int.h"
#include "sources/profile.h"
#include "sources/source_int.h"

static const struct source_profile *
prof(const struct source *src)
{
	return src->priv;
}

static int
generic_init(struct source *src, const struct source_config *cfg, char **cause)
{
	if (cfg->parsed == NULL) {
		*cause = src_cause(src, "generic connector without a profile");
		return -1;
	}
	src->priv = source_profile_ref(cfg->parsed);
	src->no_token = !cfg->parsed->bearer;
	src->key_header = xstrdup_or_null(cfg->parsed->key_header);
	return 0;
}

static void
generic_release(struct source *src)
{
	source_profile_free(src->priv);
	src->priv = NULL;
}

static bool
read_item(const struct source_profile *p, struct src_rd *rd, json_t *o, const char *source,
	  struct dossier *d)
{
	if (!json_is_object(o)) {
		src_rd_fail(rd, NULL, "not an object");
		return false;
	}
	/* the lists a profile does not map: what the store has of them stays */
	d->lists_absent = DOSSIER_LIST_SUPPLEMENTS;
	generic_read_lists(p, rd, o, d);
	d->code = generic_path_str(rd, o, p->f_code, SRC_MAX_CODE, true);
	d->source = xstrdup(source);
	d->procedure_code = generic_path_str(rd, o, p->f_procedure_code, SRC_MAX_CODE, false);
	d->procedure_name = generic_path_str(rd, o, p->f_procedure_name, SRC_MAX_SHORT, false);
	d->field_code = generic_path_str(rd, o, p->f_field_code, SRC_MAX_CODE, false);
	d->field_name = generic_path_str(rd, o, p->f_field_name, SRC_MAX_SHORT, false);
	d->applicant_name = generic_path_str(rd, o, p->f_applicant_name, SRC_MAX_SHORT, false);
	d->applicant_id = generic_path_str(rd, o, p->f_applicant_id, SRC_MAX_CODE, false);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	d->unit = generic_path_str(rd, o, p->f_unit, SRC_MAX_SHORT, false);
	d->area = src_area_from_unit(d->unit);
	d->summary = generic_path_str(rd, o, p->f_summary, SRC_MAX_TEXT, false);
	d->raw_status = generic_path_str(rd, o, p->f_status, SRC_MAX_SHORT, true);
	d->status = generic_status_of(p, d->raw_status);
	if (!rd->bad && d->status == 0)
		src_rd_fail(rd, p->f_status, "unknown status");
	d->received_at = generic_path_date(rd, o, p->f_received_at, p->date_fmt);
	d->source_due_at = generic_path_date(rd, o, p->f_due_at, p->date_fmt);
	d->finished_at = generic_path_date(rd, o, p->f_finished_at, p->date_fmt);
	d->updated_at = generic_path_date(rd, o, p->f_updated_at, p->date_fmt);
	d->version = generic_path_str(rd, o, p->f_version, SRC_MAX_CODE, false);
	return !rd->bad;
}

/* Append "&name=value" (value encoded) to a growing query. */
static void
add_param(char *q, size_t size, const char *name, const char *value)
{
	char *enc;
	size_t n = strlen(q);

	if (name == NULL || value == NULL)
		return;
	enc = src_urlencode(value);
	snprintf(q + n, size - n, "%s%s=%s", n == 0 ? "" : "&", name, enc);
	free(enc);
}

static struct net_request *
generic_pull_request(struct source *src, struct net *net, const char *watermark)
{
	const struct source_profile *p = prof(src);
	char q[1024] = "", num[32], date[48];
	int size = src->page_size > 0 ? src->page_size : p->page_size;
	char *url;
	struct net_request *req;

	if (p->paging == PROFILE_PAGING_NEXT) {
		/* within a round: the URL the last page named (checked when read) */
		char *next = src_wm_field(watermark, 3);
		if (next[0] != '\0' && src_position_since(src, src_wm_int(watermark, 0, 0)) ==
						src_wm_int(watermark, 0, 0)) {
			req = src_get(src, net, "pull", next);
			free(next);
			return req;
		}
		free(next);
	}
	snprintf(num, sizeof num, "%d", size);
	if (p->paging == PROFILE_PAGING_CURSOR) {
		add_param(q, sizeof q, p->p_cursor, watermark != NULL ? watermark : "");
	} else {
		int64_t since = src_position_since(src, src_wm_int(watermark, 0, 0));
		if (since > 0)
			add_param(q, sizeof q, p->p_since,
				  src_date_format(since, (enum src_date_fmt)p->date_fmt, date,
						  sizeof date));
		else if (p->date_fmt == SRC_DATE_EPOCH_MS || p->date_fmt == SRC_DATE_EPOCH_S)
			add_param(q, sizeof q, p->p_since, "0");
		if (p->paging == PROFILE_PAGING_OFFSET) {
			char off[32];
			snprintf(off, sizeof off, "%" PRId64, src_wm_step(src, watermark, 1, 0));
			add_param(q, sizeof q, p->p_offset, off);
		} else if (p->paging == PROFILE_PAGING_PAGE) {
			char pg[32];
			snprintf(pg, sizeof pg, "%" PRId64,
				 src_wm_step(src, watermark, 1, p->first_page));
			add_param(q, sizeof q, p->p_page, pg);
		}
	}
	if (p->paging != PROFILE_PAGING_SINCE)
		add_param(q, sizeof q, p->p_size, num);
	url = src_url(src, "%s%s%s", p->pull_path,
		      q[0] == '\0' ? "" : strchr(p->pull_path, '?') != NULL ? "&" : "?", q);
	req = src_get(src, net, "pull", url);
	free(url);
	return req;
}

/*
 * The next watermark "SINCE|STEP|MAXSEEN[|NEXT]" of the paged styles: the
 * next step (page, or the next URL) while `more`, else a new round from the
 * newest change read (plus one second when `since` includes its instant),
 * at the first step.
 */
static char *
round_next(const struct source *src, const char *wm, bool more, const char *step,
	   const char *first, const char *next_url, mc_time page_max)
{
	const struct source_profile *p = prof(src);
	int64_t since = src_position_since(src, src_wm_int(wm, 0, 0));
	int64_t maxseen = src_position_since(src, src_wm_int(wm, 2, 0));
	char a[24], c[24];
	const char *f[4] = {a, more ? step : first, c, more ? next_url : NULL};

	if (page_max > maxseen)
		maxseen = page_max;
	if (!more && maxseen > 0)
		since = maxseen + (p->since_inclusive ? 1 : 0);
	snprintf(a, sizeof a, "%" PRId64, since);
	snprintf(c, sizeof c, "%" PRId64, maxseen);
	return src_wm_make(f[3] != NULL ? 4 : 3, f);
}

/* The URL of Link: <URL>; rel="next" (RFC 8288), malloc'd, or NULL. */
static char *
link_next(const struct net_response *resp)
{
	const char *h = net_response_header(resp, "Link");

	while (h != NULL && *h != '\0') {
		const char *lt = strchr(h, '<'), *gt, *end;
		if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
			return NULL;
		end = strchr(gt, ',');
		if (end == NULL)
			end = gt + strlen(gt);
		/* the parameters of this link: rel="next" or rel=next, maybe among others */
		for (const char *r = gt; (r = strstr(r, "rel=")) != NULL && r < end; r += 4) {
			const char *v = r + 4 + (r[4] == '"');
			size_t len = strcspn(v, "\" ;,");
			if (len == 4 && strncmp(v, "next", 4) == 0)
				return xstrndup(lt + 1, (size_t)(gt - lt - 1));
			/* rel="first next": a list of relations */
			if (r[4] == '"') {
				const char *q = strchr(v, '"');
				for (const char *w = v; q != NULL && w < q; w += strcspn(w, " \"") + 1)
					if (strncmp(w, "next", 4) == 0 && (w[4] == ' ' || w[4] == '"'))
						return xstrndup(lt + 1, (size_t)(gt - lt - 1));
			}
		}
		h = *end == ',' ? end + 1 : end;
	}
	return NULL;
}

/*
 * The next page's URL, absolute on this system's origin, with any '|'
 * escaped (it lives in a watermark): NULL and *cause when the reply names
 * one that cannot be followed; NULL and no cause when there is none.
 */
static char *
next_url(struct source *src, json_t *root, const struct net_response *resp, char **cause)
{
	const struct source_profile *p = prof(src);
	char *raw = NULL, *abs, *out;
	size_t n = 0;

	if (p->next_link != NULL) {
		json_t *v = src_path(root, p->next_link);
		if (v == NULL || json_is_null(v) ||
		    (json_is_string(v) && json_string_length(v) == 0))
			return NULL;
		if (!json_is_string(v) || json_string_length(v) > 2048 ||
		    strlen(json_string_value(v)) != json_string_length(v)) {
			*cause = src_cause(src, "\"%s\" is not a URL", p->next_link);
			return NULL;
		}
		raw = xstrdup(json_string_value(v));
	} else if ((raw = link_next(resp)) == NULL) {
		return NULL;
	}
	for (const char *c = raw; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f) {
			free(raw);
			*cause = src_cause(src, "the next page's URL has spaces or control characters");
			return NULL;
		}
	abs = source_resolve_url(src, raw);
	free(raw);
	if (abs == NULL) {
		*cause = src_cause(src, "the next page is on another server: not followed with "
					"this system's credentials");
		return NULL;
	}
	out = xmalloc(strlen(abs) * 3 + 1);
	for (const char *c = abs; *c != '\0'; c++) {
		if (*c == '|') {
			memcpy(out + n, "%7C", 3);
			n += 3;
		} else {
			out[n++] = *c;
		}
	}
	out[n] = '\0';
	free(abs);
	return out;
}

/* Open a reply: HTTP status, JSON, the legacy success marker. */
static json_t *
open_reply(struct source *src, const struct net_response *resp, bool *repaired, int *rc,
	   char **cause)
{
	const struct source_profile *p = prof(src);
	json_t *root;

	*rc = src_http_error(src, resp, cause);
	if (*rc != SOURCE_PARSE_OK)
		return NULL;
	root = src_json_parse(src, resp->body, resp->body_len, repaired, cause);
	if (root == NULL) {
		*rc = SOURCE_PARSE_ERROR;
		return NULL;
	}
	if (p->ok_path != NULL) {
		json_t *v = src_path(root, p->ok_path);
		if (!json_is_string(v) || strcmp(json_string_value(v), p->ok_value) != 0) {
			*cause = src_cause(src, "the reply says it failed (%s is not \"%s\")",
					   p->ok_path, p->ok_value);
			*rc = SOURCE_PARSE_ERROR;
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

static int
generic_pull_parse(struct source *src, const struct net_response *resp, const char *watermark,
		   struct source_page *page, char **cause)
{
	const struct source_profile *p = prof(src);
	bool repaired = false;
	int rc;
	json_t *root = open_reply(src, resp, &repaired, &rc, cause);
	json_t *items, *e, *more;
	size_t i, n;
	mc_time page_max = 0;
	int size = src->page_size > 0 ? src->page_size : p->page_size;

	if (root == NULL)
		return rc;
	items = p->items[0] == '\0' ? root : src_path(root, p->items);
	if (!json_is_array(items)) {
		json_decref(root);
		*cause = src_cause(src, "reply without the items list \"%s\"", p->items);
		return SOURCE_PARSE_ERROR;
	}
	json_array_foreach(items, i, e) {
		struct src_rd rd;
		struct dossier *d = src_page_push(page);
		bool ok;

		src_rd_init(&rd, repaired);
		ok = read_item(p, &rd, e, src->name, d);
		if (ok && !src_code_clean(d->code)) {
			src_rd_fail(&rd, p->f_code, "control characters");
			ok = false;
		}
		if (!ok) {
			struct src_rd r2;
			char *code;
			mc_time t;
			src_rd_init(&r2, repaired);
			code = generic_path_str(&r2, e, p->f_code, SRC_MAX_CODE, false);
			t = generic_path_date(&r2, e, p->f_updated_at, p->date_fmt);
			if (t > page_max && src_position_ok(src, page, code, p->f_updated_at, t))
				page_max = t;
			src_page_reject(page, code, i, &rd);
			free(code);
			src_page_pop(page);
		} else if (d->updated_at > page_max &&
			   src_position_ok(src, page, d->code, p->f_updated_at, d->updated_at)) {
			page_max = d->updated_at;
		}
	}
	n = json_array_size(items);
	more = p->more != NULL ? src_path(root, p->more) : NULL;
	if (p->more != NULL && more != NULL && !json_is_boolean(more)) {
		json_decref(root);
		*cause = src_cause(src, "\"%s\" is not true or false", p->more);
		return SOURCE_PARSE_ERROR;
	}
	switch (p->paging) {
	case PROFILE_PAGING_CURSOR: {
		json_t *next = src_path(root, p->next_cursor);
		const char *c = json_string_value(next);
		if (c == NULL || strlen(c) > 512 || strchr(c, '|') != NULL) {
			json_decref(root);
			*cause = src_cause(src, "reply without a usable \"%s\"", p->next_cursor);
			return SOURCE_PARSE_ERROR;
		}
		/* without `more`: a full page whose cursor moved has a next one */
		page->more = n > 0 && (p->more != NULL ? json_is_true(more)
						       : (int)n >= size &&
							 (watermark == NULL || strcmp(c, watermark) != 0));
		page->next_watermark = xstrdup(c);
		break;
	}
	case PROFILE_PAGING_NEXT: {
		char *why = NULL, *url = next_url(src, root, resp, &why);
		if (why != NULL) {
			json_decref(root);
			*cause = why;
			return SOURCE_PARSE_ERROR;
		}
		page->more = url != NULL && n > 0 && (more == NULL || json_is_true(more));
		page->next_watermark = round_next(src, watermark, page->more, "0", "0", url,
						  page_max);
		free(url);
		break;
	}
	case PROFILE_PAGING_PAGE: {
		json_t *tp = p->total_pages != NULL ? src_path(root, p->total_pages) : NULL;
		int64_t pageno = src_wm_step(src, watermark, 1, p->first_page);
		if (tp != NULL && json_is_integer(tp))
			page->more = n > 0 && pageno - p->first_page + 1 < json_integer_value(tp);
		else if (more != NULL)
			page->more = json_is_true(more) && n > 0;
		else
			page->more = n > 0 && (int)n >= size;
		{
			char step[24], first[24];
			snprintf(step, sizeof step, "%" PRId64, pageno + 1);
			snprintf(first, sizeof first, "%d", p->first_page);
			page->next_watermark =
				round_next(src, watermark, page->more, step, first, NULL, page_max);
		}
		break;
	}
	case PROFILE_PAGING_OFFSET: {
		int64_t since = src_position_since(src, src_wm_int(watermark, 0, 0));
		int64_t off = src_wm_step(src, watermark, 1, 0);
		int64_t maxseen = src_position_since(src, src_wm_int(watermark, 2, 0));
		char a[24], b[24], c[24];
		const char *f[3] = {a, b, c};
		if (page_max > maxseen)
			maxseen = page_max;
		page->more = n > 0 && (more != NULL ? json_is_true(more) : (int)n >= size);
		if (page->more) {
			snprintf(a, sizeof a, "%" PRId64, since);
			snprintf(b, sizeof b, "%" PRId64, off + (int64_t)(n > 1 ? n - 1 : n));
		} else {
			snprintf(a, sizeof a, "%" PRId64,
				 maxseen > 0 ? maxseen + (p->since_inclusive ? 1 : 0) : since);
			snprintf(b, sizeof b, "0");
		}
		snprintf(c, sizeof c, "%" PRId64, maxseen);
		page->next_watermark = src_wm_make(3, f);
		break;
	}
	case PROFILE_PAGING_SINCE:
		page->more = false;
		page->next_watermark = src_paged_next(src, watermark, false,
						      p->since_inclusive ? page_max : page_max - 1);
		break;
	}
	json_decref(root);
	return SOURCE_PARSE_OK;
}

static struct net_request *
generic_detail_request(struct source *src, struct net *net, const char *code,
		       const char *version)
{
	const struct source_profile *p = prof(src);
	const char *at;
	char *enc, *url;
	struct net_request *req;

	(void)version;
	if (p->detail_path == NULL)
		return NULL;
	at = strstr(p->detail_path, "{code}");
	enc = src_urlencode(code);
	url = src_url(src, "%.*s%s%s", (int)(at - p->detail_path), p->detail_path, enc, at + 6);
	req = src_get(src, net, "detail", url);
	free(enc);
	free(url);
	return req;
}

static int
generic_detail_parse(struct source *src, const struct net_response *resp, struct dossier *out,
		     char **cause)
{
	const struct source_profile *p = prof(src);
	bool repaired = false;
	int rc;
	json_t *root;
	struct src_rd rd;

	if (resp->result == NET_OK && resp->status == 404)
		return SOURCE_PARSE_NOT_FOUND;
	root = open_reply(src, resp, &repaired, &rc, cause);
	if (root == NULL)
		return rc;
	src_rd_init(&rd, repaired);
	dossier_init(out);
	if (read_item(p, &rd, p->detail_object != NULL ? src_path(root, p->detail_object) : root,
		      src->name, out) &&
	    !src_code_clean(out->code))
		src_rd_fail(&rd, p->f_code, "control characters");
	if (rd.bad) {
		*cause = src_cause(src, "dossier refused: field '%s': %s", rd.field,
				   rd.why != NULL ? rd.why : "invalid");
		dossier_release(out);
		json_decref(root);
		return SOURCE_PARSE_ERROR;
	}
	json_decref(root);
	return SOURCE_PARSE_OK;
}

/* ---- actions ------------------------------------------------------------------ */

static const struct profile_action *
described(const struct source *src, enum action a)
{
	const struct source_profile *p = prof(src);

	return source_profile_can_send(p, a) ? p->actions[a] : NULL;
}

static bool
generic_action_caps(const struct source *src, enum action a, bool *idempotent, bool *versioned)
{
	const struct profile_action *pa = described(src, a);

	*idempotent = pa != NULL && pa->idem_header != NULL;
	*versioned = pa != NULL && pa->version != PROFILE_VERSION_NONE;
	return pa != NULL;
}

/* The value of one placeholder (profile.c checked the name); NULL: none. */
static json_t *
placeholder_value(const char *name, const struct source_action *act)
{
	const char *s = NULL;

	if (strcmp(name, "{code}") == 0)
		s = act->code;
	else if (strcmp(name, "{action}") == 0)
		s = action_name(act->action);
	else if (strcmp(name, "{reason}") == 0)
		s = act->reason;
	else if (strcmp(name, "{to_unit}") == 0)
		s = act->to_unit;
	else if (strcmp(name, "{actor}") == 0)
		s = act->actor;
	else if (strcmp(name, "{key}") == 0)
		s = act->idempotency_key;
	else if (strcmp(name, "{version}") == 0)
		s = act->base_version != NULL && act->base_version[0] != '\0' ? act->base_version
									       : NULL;
	else if (strcmp(name, "{version_int}") == 0) {
		long long v;
		return src_base_version(act->base_version, &v) ? json_integer(v) : NULL;
	} else if (strcmp(name, "{files}") == 0) {
		json_t *list = json_array();
		for (size_t i = 0; i < act->n_files; i++)
			json_array_append_new(list, json_string(act->file_ids[i]));
		return list;
	} else {
		return json_string(name); /* not a placeholder: literal */
	}
	return s != NULL ? json_string(s) : NULL;
}

/* The body template with its placeholders replaced; a value the action has
 * not (no reason, no version) leaves its key out.  New reference. */
static json_t *
expand(json_t *t, const struct source_action *act)
{
	const char *k;
	json_t *v, *out;
	size_t i;

	if (json_is_object(t)) {
		out = json_object();
		json_object_foreach(t, k, v) {
			json_t *e;
			if (strcmp(k, "_comment") == 0)
				continue; /* the profile's, not the server's */
			e = expand(v, act);
			if (e != NULL)
				json_object_set_new(out, k, e);
		}
		return out;
	}
	if (json_is_array(t)) {
		out = json_array();
		json_array_foreach(t, i, v) {
			json_t *e = expand(v, act);
			if (e != NULL)
				json_array_append_new(out, e);
		}
		return out;
	}
	if (json_is_string(t) && json_string_value(t)[0] == '{')
		return placeholder_value(json_string_value(t), act);
	return json_deep_copy(t);
}

/* The path template with {code} and {action} replaced (encoded). */
static char *
action_url(struct source *src, const char *tmpl, const struct source_action *act)
{
	char path[2048];
	size_t n = 0;
	const char *p = tmpl;

	path[0] = '\0';
	while (*p != '\0' && n + 1 < sizeof path) {
		const char *val = NULL;
		size_t skip = 0;
		if (strncmp(p, "{code}", 6) == 0) {
			val = act->code;
			skip = 6;
		} else if (strncmp(p, "{action}", 8) == 0) {
			val = action_name(act->action);
			skip = 8;
		}
		if (skip > 0) {
			char *enc = src_urlencode(val != NULL ? val : "");
			snprintf(path + n, sizeof path - n, "%s", enc);
			free(enc);
			n = strlen(path);
			p += skip;
		} else {
			path[n++] = *p++;
			path[n] = '\0';
		}
	}
	return src_url(src, "%s", path);
}

static struct net_request *
generic_action_request(struct source *src, struct net *net, const struct source_action *act)
{
	const struct profile_action *pa = described(src, act->action);
	struct net_request *req;
	char *url;

	if (pa == NULL)
		return NULL;
	url = action_url(src, pa->path, act);
	req = net_request_new(net, pa->method, url);
	free(url);
	net_request_source(req, src->name);
	net_request_kind(req, "action");
	source_authorize(src, req);
	(void)net_request_header(req, "Accept", "application/json");
	if (pa->idem_header != NULL && act->idempotency_key != NULL)
		(void)net_request_header(req, pa->idem_header, act->idempotency_key);
	if (pa->version == PROFILE_VERSION_IF_MATCH) {
		char etag[80];
		if (act->base_version != NULL && act->base_version[0] != '\0')
			snprintf(etag, sizeof etag, "\"%.60s\"", act->base_version);
		else
			snprintf(etag, sizeof etag, "*");
		(void)net_request_header(req, "If-Match", etag);
	}
	if (pa->body != NULL)
		src_json_body(req, expand(pa->body, act));
	return req;
}

static bool
listed(const int *codes, long status)
{
	for (size_t i = 0; codes[i] != 0; i++)
		if (codes[i] == status)
			return true;
	return false;
}

/* What the HTTP status alone says, by the profile's lists or the defaults. */
static enum source_outcome
by_status(const struct profile_action *pa, long st)
{
	if (pa->applied[0] != 0 ? listed(pa->applied, st) : st >= 200 && st < 300)
		return SOURCE_APPLIED;
	if (pa->conflict[0] != 0 ? listed(pa->conflict, st) : st == 409 || st == 412)
		return SOURCE_CONFLICT;
	if (pa->refused[0] != 0 ? listed(pa->refused, st) : st >= 400 && st < 500)
		return SOURCE_REJECTED;
	return SOURCE_UNKNOWN;
}

static void
generic_action_parse(struct source *src, const struct net_response *resp,
		     const struct source_action *act, struct source_result *out)
{
	const struct source_profile *p = prof(src);
	const struct profile_action *pa = described(src, act->action);
	bool repaired = false;
	char *cause = NULL;
	json_t *root = NULL, *v;
	char words[320] = "";

	if (src_action_common(resp, out))
		return;
	if (pa == NULL) {
		out->outcome = SOURCE_REJECTED;
		out->message = src_cause(src, "the profile does not describe '%s'",
					 action_name(act->action));
		return;
	}
	out->outcome = by_status(pa, resp->status);
	if (resp->body_len > 0)
		root = src_json_parse(src, resp->body, resp->body_len, &repaired, &cause);
	free(cause);
	if (pa->result.path != NULL) {
		const char *r = json_string_value(src_path(root, pa->result.path));
		if (r != NULL && pa->result.applied != NULL && strcmp(r, pa->result.applied) == 0)
			out->outcome = SOURCE_APPLIED;
		else if (r != NULL && pa->result.conflict != NULL &&
			 strcmp(r, pa->result.conflict) == 0)
			out->outcome = SOURCE_CONFLICT;
		else if (r != NULL && pa->result.refused != NULL &&
			 strcmp(r, pa->result.refused) == 0)
			out->outcome = SOURCE_REJECTED;
		else if (out->outcome == SOURCE_APPLIED && pa->result.applied != NULL)
			/* a success status without the envelope's marker: a proxy's
			 * page, or garbage; whether it was applied is not known */
			out->outcome = SOURCE_UNKNOWN;
	}
	if (pa->message != NULL) {
		const char *m = json_string_value(src_path(root, pa->message));
		if (m != NULL && strlen(m) >= sizeof words) {
			/* cut at a character boundary, not inside one */
			size_t n = sizeof words - 1;
			while (n > 0 && ((unsigned char)m[n] & 0xC0) == 0x80)
				n--;
			snprintf(words, sizeof words, "%.*s", (int)n, m);
		} else if (m != NULL) {
			snprintf(words, sizeof words, "%s", m);
		}
	}
	if (pa->dossier != NULL) {
		v = pa->dossier[0] == '\0' ? root : src_path(root, pa->dossier);
		if (json_is_object(v)) {
			struct src_rd rd;
			src_rd_init(&rd, repaired);
			dossier_init(&out->current);
			if (read_item(p, &rd, v, src->name, &out->current) &&
			    src_code_clean(out->current.code) &&
			    strcmp(out->current.code, act->code) == 0) {
				out->has_current = true;
				out->current_status = out->current.status;
			} else {
				dossier_release(&out->current);
				dossier_init(&out->current);
			}
		}
	}
	if (!out->has_current && pa->status != NULL) {
		json_t *st = src_path(root, pa->status);
		char num[32];
		const char *raw = json_string_value(st);
		if (json_is_integer(st)) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(st));
			raw = num;
		}
		out->current_status = generic_status_of(p, raw);
	}
	if (words[0] != '\0')
		out->message = src_cause(NULL, "%s", words);
	else if (out->outcome != SOURCE_APPLIED)
		out->message = src_cause(NULL, "HTTP %ld", resp->status);
	json_decref(root);
}

const struct source_ops source_ops_generic = {
	.dialect = "generic",
	.init = generic_init,
	.release = generic_release,
	.pull_request = generic_pull_request,
	.pull_parse = generic_pull_parse,
	.detail_request = generic_detail_request,
	.detail_parse = generic_detail_parse,
	.action_request = generic_action_request,
	.action_parse = generic_action_parse,
	.action_caps = generic_action_caps,
	.attachment_request = source_attachment_request,
};
