/*
 * outbox.c - queueing actions and the rules the replay reads the server by
 * (outbox.h): keys, payloads, the checks before enqueue, the clerk's retry
 * and drop, and the pure decision after a lost answer.
 *
 * It sends nothing (outbox_replay.c does) and holds no SQL (store/outbox.c).
 */
#include "outbox/outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/xalloc.h"
#include "store/audit.h"

int
outbox_key_new(char out[OUTBOX_KEY_LEN + 1])
{
	unsigned char raw[OUTBOX_KEY_LEN / 2];
	size_t got = 0;

	while (got < sizeof raw) {
		ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* ---- payload ------------------------------------------------------------ */

void
outbox_payload_release(struct outbox_payload *p)
{
	if (p == NULL)
		return;
	free(p->reason);
	free(p->to_unit);
	for (size_t i = 0; i < p->n_files; i++) {
		free(p->files[i].path);
		free(p->files[i].name);
		free(p->files[i].upload_url);
		free(p->files[i].file_id);
	}
	free(p->files);
	memset(p, 0, sizeof *p);
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

char *
outbox_payload_dump(const struct outbox_payload *p)
{
	json_t *o = json_object(), *files = json_array();
	char *text;

	set_str(o, "reason", p->reason);
	set_str(o, "to_unit", p->to_unit);
	for (size_t i = 0; i < p->n_files; i++) {
		const struct outbox_file *f = &p->files[i];
		json_t *jf = json_object();

		set_str(jf, "path", f->path);
		set_str(jf, "name", f->name);
		json_object_set_new(jf, "size", json_integer(f->size));
		set_str(jf, "upload_url", f->upload_url);
		set_str(jf, "file_id", f->file_id);
		json_array_append_new(files, jf);
	}
	json_object_set_new(o, "files", files);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (text == NULL)
		abort(); /* jansson fails only without memory */
	return text;
}

static char *
get_str(json_t *o, const char *key, bool *bad)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return xstrdup(json_string_value(v));
}

int
outbox_payload_parse(const char *text, struct outbox_payload *p)
{
	json_t *o, *files;
	bool bad = false;

	memset(p, 0, sizeof *p);
	o = json_loads(text != NULL ? text : "{}", 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	p->reason = get_str(o, "reason", &bad);
	p->to_unit = get_str(o, "to_unit", &bad);
	files = json_object_get(o, "files");
	if (json_is_array(files) && json_array_size(files) > 0) {
		p->files = xcalloc(json_array_size(files), sizeof *p->files);
		for (size_t i = 0; i < json_array_size(files); i++) {
			json_t *jf = json_array_get(files, i);
			struct outbox_file *f = &p->files[p->n_files++];
			json_t *size = json_object_get(jf, "size");

			f->path = get_str(jf, "path", &bad);
			f->name = get_str(jf, "name", &bad);
			f->size = json_is_integer(size) ? json_integer_value(size) : -1;
			f->upload_url = get_str(jf, "upload_url", &bad);
			f->file_id = get_str(jf, "file_id", &bad);
			if (f->name == NULL)
				bad = true;
		}
	}
	json_decref(o);
	if (bad) {
		outbox_payload_release(p);
		return -1;
	}
	return 0;
}

/* ---- queueing ----------------------------------------------------------- */

/*
 * The audit log records every decision of the clerk on the queue in the
 * same transaction as the decision (doc/security.md): both are on disk, or
 * neither.  The clerk is the one signed in (store/audit.h).  Details carry
 * no personal data: the action, the entry, the system, the statuses.
 */
/* Open a batch unless the caller has one; *own says whether we did. */
static int
audit_begin(struct store *s, bool *own)
{
	*own = !store_in_batch(s);
	return *own ? store_begin(s) : 0;
}

/* rc 0: append the entry and commit (own batch); else roll back.  Returns rc,
 * or -1 when the audit entry or the commit failed. */
static int
audit_end(struct store *s, bool own, int rc, const char *kind, const char *code,
	  const char *purpose, json_t *details, mc_time now)
{
	if (rc == 0) {
		char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
		struct store_audit_record r = {.kind = kind, .dossier = code, .purpose = purpose,
					       .details = text};

		if (text == NULL || store_audit_append(s, &r, now, NULL) != 0)
			rc = -1;
		free(text);
	}
	json_decref(details);
	if (!own)
		return rc;
	if (rc == 0)
		return store_commit(s) == 0 ? 0 : -1;
	store_rollback(s);
	return rc;
}

static int
add_file(struct outbox_payload *p, const char *path, struct mc_err *err)
{
	struct stat sb;
	char *abs;
	const char *base;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct outbox_file *f;

	if (fd < 0) {
		mc_err_set(err, MC_E_FILE, NULL, "%s", strerror(errno));
		mc_err_field(err, path);
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		mc_err_set(err, MC_E_NOT_FILE, NULL, NULL);
		mc_err_field(err, path);
		return -1;
	}
	close(fd);
	abs = realpath(path, NULL);
	if (abs == NULL) {
		mc_err_set(err, MC_E_FILE, NULL, "%s", strerror(errno));
		mc_err_field(err, path);
		return -1;
	}
	base = strrchr(abs, '/');
	p->files = xreallocarray(p->files, p->n_files + 1, sizeof *p->files);
	f = &p->files[p->n_files++];
	memset(f, 0, sizeof *f);
	f->path = abs;
	f->name = xstrdup(base != NULL ? base + 1 : abs);
	f->size = (int64_t)sb.st_size;
	return 0;
}

enum outbox_act_result
outbox_act(struct store *s, const struct outbox_act_request *req, mc_time now, int64_t *id,
	   struct mc_err *err)
{
	struct outbox_payload p = {0};
	struct store_outbox_entry e = {0};
	enum outbox_act_result res = OUTBOX_ACT_ERROR;
	enum action a = action_from_name(req->action);
	char key[OUTBOX_KEY_LEN + 1];
	int from = 0, rc;
	bool own;

	*id = 0;
	mc_err_clear(err);
	if (a == ACTION_NONE) {
		mc_err_set(err, MC_E_UNKNOWN_ACTION, NULL, NULL);
		mc_err_field(err, req->action);
		return OUTBOX_ACT_BAD_ACTION;
	}
	if (action_needs_reason(a) && (req->reason == NULL || req->reason[0] == '\0')) {
		mc_err_set(err, MC_E_NEED_REASON, NULL, NULL);
		mc_err_field(err, action_name(a));
		return OUTBOX_ACT_NEED_REASON;
	}
	if (action_needs_target(a) && (req->to_unit == NULL || req->to_unit[0] == '\0')) {
		mc_err_set(err, MC_E_NEED_TARGET, NULL, NULL);
		mc_err_field(err, action_name(a));
		return OUTBOX_ACT_NEED_TARGET;
	}
	p.reason = xstrdup_or_null(req->reason);
	p.to_unit = xstrdup_or_null(req->to_unit);
	for (size_t i = 0; i < req->n_files; i++) {
		if (add_file(&p, req->files[i], err) != 0) {
			res = OUTBOX_ACT_BAD_FILE;
			goto out;
		}
	}
	if (outbox_key_new(key) != 0) {
		mc_err_set(err, MC_E_INTERNAL, NULL, "no random source: %s", strerror(errno));
		goto out;
	}
	e.code = xstrdup(req->code);
	e.source = xstrdup_or_null(req->via);
	e.action = a;
	e.idem_key = xstrdup(key);
	e.payload = outbox_payload_dump(&p);
	if (audit_begin(s, &own) != 0) {
		mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
		goto out;
	}
	rc = store_outbox_enqueue(s, &e, now, &from);
	rc = audit_end(s, own, rc, STORE_AUDIT_ACTION, req->code, req->reason,
		       json_pack("{s:s,s:I,s:s?,s:i,s:i,s:I}", "action", action_name(a), "entry",
				 (json_int_t)e.id, "via", e.source, "from", e.base_status, "to",
				 e.target_status, "files", (json_int_t)req->n_files),
		       now);
	switch (rc) {
	case 0:
		*id = e.id;
		res = OUTBOX_ACT_OK;
		break;
	case 1:
		mc_err_set(err, MC_E_NO_DOSSIER, NULL, NULL);
		mc_err_field(err, req->code);
		res = OUTBOX_ACT_NO_DOSSIER;
		break;
	case 2:
		mc_err_set(err, MC_E_NOT_ALLOWED, NULL, NULL);
		mc_err_field(err, action_name(a));
		err->status = from;
		res = OUTBOX_ACT_NOT_ALLOWED;
		break;
	case 3:
		/* the entry that blocks it, for the words "#N first" */
		mc_err_set(err, MC_E_BLOCKED, NULL, "%" PRId64, e.id);
		mc_err_field(err, req->code);
		res = OUTBOX_ACT_BLOCKED;
		break;
	default:
		mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
		break;
	}
out:
	store_outbox_entry_release(&e);
	outbox_payload_release(&p);
	return res;
}

/* The entry id as the error's field ("#12"). */
static void
entry_field(struct mc_err *err, int64_t id)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, id);
	mc_err_field(err, buf);
}

int
outbox_retry(struct store *s, int64_t id, mc_time now, struct mc_err *err)
{
	char key[OUTBOX_KEY_LEN + 1];
	int from = 0, rc;
	struct store_outbox_entry e = {0};
	bool own;

	mc_err_clear(err);
	if (outbox_key_new(key) != 0)
		return mc_err_set(err, MC_E_INTERNAL, NULL, "no random source: %s", strerror(errno));
	if (audit_begin(s, &own) != 0)
		return mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
	rc = store_outbox_retry(s, id, key, now, &from);
	if (rc == 0 && store_outbox_get(s, id, &e) == 0) {
		rc = audit_end(s, own, 0, STORE_AUDIT_RETRY, e.code, NULL,
			       json_pack("{s:s,s:I,s:i}", "action", action_name(e.action), "entry",
					 (json_int_t)id, "base", e.base_status),
			       now);
		store_outbox_entry_release(&e);
	} else {
		rc = audit_end(s, own, rc == 0 ? -1 : rc, NULL, NULL, NULL, NULL, now);
	}
	if (rc == 1) {
		mc_err_set(err, MC_E_NO_ENTRY, NULL, NULL);
		entry_field(err, id);
	} else if (rc == 2 && from < 0) {
		mc_err_set(err, MC_E_ENTRY_STATE, NULL, NULL);
		entry_field(err, id);
	} else if (rc == 2) {
		const char *name = NULL;
		if (store_outbox_get(s, id, &e) == 0)
			name = action_name(e.action);
		mc_err_set(err, MC_E_NOT_ALLOWED_SERVER, NULL, NULL);
		mc_err_field(err, name != NULL ? name : "?");
		err->status = from;
		store_outbox_entry_release(&e);
	} else if (rc < 0) {
		mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
	}
	return rc;
}

int
outbox_drop(struct store *s, int64_t id, mc_time now, struct mc_err *err)
{
	struct store_outbox_entry e = {0};
	enum store_outbox_state st = STORE_OUTBOX_PENDING;
	bool own;
	int rc;

	mc_err_clear(err);
	if (audit_begin(s, &own) != 0)
		return mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
	/* what is dropped, read before it goes */
	rc = store_outbox_get(s, id, &e);
	if (rc == 0)
		rc = store_outbox_drop(s, id, now, &st);
	rc = audit_end(s, own, rc, STORE_AUDIT_DROP, e.code, NULL,
		       rc == 0 ? json_pack("{s:s,s:I,s:s}", "action", action_name(e.action),
					   "entry", (json_int_t)id, "state",
					   store_outbox_state_name(e.state))
			       : NULL,
		       now);
	store_outbox_entry_release(&e);
	if (rc == 1)
		mc_err_set(err, MC_E_NO_ENTRY, NULL, NULL);
	else if (rc == 2 && st == STORE_OUTBOX_SENDING)
		mc_err_set(err, MC_E_ENTRY_SENT, NULL, "sending");
	else if (rc == 2)
		mc_err_set(err, MC_E_ENTRY_SENT, NULL, "done");
	else if (rc < 0)
		mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
	if (rc != 0)
		entry_field(err, id);
	return rc;
}

/* ---- fingerprints and probes -------------------------------------------- */

char *
outbox_fingerprint_dump(const struct outbox_fingerprint *fp)
{
	char buf[96];

	snprintf(buf, sizeof buf, "s=%d;h=%" PRId64 ";u=%" PRId64, fp->status, fp->n_history,
		 (int64_t)fp->updated_at);
	return xstrdup(buf);
}

int
outbox_fingerprint_parse(const char *text, struct outbox_fingerprint *fp)
{
	const char *p = text;
	long long v[3];
	static const char keys[3] = {'s', 'h', 'u'};

	fp->status = 0;
	fp->n_history = -1;
	fp->updated_at = 0;
	if (text == NULL)
		return -1;
	for (int i = 0; i < 3; i++) {
		char *end;
		if (p[0] != keys[i] || p[1] != '=')
			return -1;
		errno = 0;
		v[i] = strtoll(p + 2, &end, 10);
		if (errno != 0 || end == p + 2 || (i < 2 ? *end != ';' : *end != '\0'))
			return -1;
		p = end + (i < 2);
	}
	if (v[0] < 0 || v[0] > STATUS_MAX || v[1] < -1)
		return -1;
	fp->status = (int)v[0];
	fp->n_history = v[1];
	fp->updated_at = (mc_time)v[2];
	return 0;
}

void
outbox_fingerprint_of(const struct dossier *d, struct outbox_fingerprint *fp)
{
	fp->status = d->status;
	fp->n_history = (int64_t)d->n_history;
	fp->updated_at = d->updated_at;
}

bool
outbox_needs_fingerprint(const struct store_outbox_entry *e, bool has_idempotency,
			 bool has_versions)
{
	return !has_idempotency && !has_versions && e->target_status == e->base_status;
}

/* Versions are counters in every dialect that has them. */
static bool
parse_version(const char *v, long long *out)
{
	char *end;

	if (v == NULL || *v == '\0')
		return false;
	errno = 0;
	*out = strtoll(v, &end, 10);
	return errno == 0 && *end == '\0';
}

enum outbox_probe
outbox_probe_decide(const struct store_outbox_entry *e, bool has_versions,
		    const struct dossier *d)
{
	struct outbox_fingerprint fp;
	long long base, now;

	if (has_versions && parse_version(e->base_version, &base) &&
	    parse_version(d->version, &now)) {
		if (now == base)
			return OUTBOX_PROBE_NOT_APPLIED;
		if (now == base + 1 && d->status == e->target_status)
			return OUTBOX_PROBE_APPLIED;
		return OUTBOX_PROBE_CONFLICT;
	}
	if (e->target_status != e->base_status) {
		if (d->status == e->target_status)
			return OUTBOX_PROBE_APPLIED;
		if (d->status == e->base_status)
			return OUTBOX_PROBE_NOT_APPLIED;
		return OUTBOX_PROBE_CONFLICT;
	}
	/* A self-loop (forward while processing): only the history tells. */
	if (d->status != e->base_status)
		return OUTBOX_PROBE_CONFLICT;
	if (outbox_fingerprint_parse(e->probe, &fp) != 0)
		return OUTBOX_PROBE_CONFLICT; /* cannot tell: never guess */
	if ((fp.n_history >= 0 && (int64_t)d->n_history > fp.n_history) ||
	    (fp.updated_at != 0 && d->updated_at > fp.updated_at))
		return OUTBOX_PROBE_APPLIED;
	return OUTBOX_PROBE_NOT_APPLIED;
}
