/*
 * sign_return.c - sign result files and queue return-result (sign_return.h).
 *
 * Checks come first and read only the store and the file system, so a
 * refusal never costs the clerk a PIN.  The copies go into the data folder
 * beside attachments/ (results/<code>/), written to a temporary name and
 * renamed, so a half-copied file is never signed.  It draws and asks
 * nothing; the signer is the caller's.
 */
#include "app/sign_return.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "core/dossier.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "store/outbox.h"
#include "sync/attach.h"
#include "outbox/outbox.h"

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static void
remove_out(struct sign_return_item *it)
{
	for (size_t i = 0; i < it->n_out; i++) {
		if (it->out[i] != NULL)
			unlink(it->out[i]);
		free(it->out[i]);
	}
	free(it->out);
	it->out = NULL;
	it->n_out = 0;
}

void
sign_return_item_release(struct sign_return_item *it)
{
	if (it == NULL)
		return;
	for (size_t i = 0; i < it->n_out; i++)
		free(it->out[i]);
	free(it->out);
	it->out = NULL;
	it->n_out = 0;
}

char *
sign_return_dir(struct store *s, const char *code)
{
	const char *db = store_path(s);
	const char *slash = db != NULL ? strrchr(db, '/') : NULL;
	char *data = slash == NULL ? xstrdup(".")
		     : slash == db ? xstrdup("")
				   : xstrndup(db, (size_t)(slash - db));
	char *safe = attach_safe_name(code);
	char *dir = xasprintf("%s/results/%s", data, safe);

	free(data);
	free(safe);
	return dir;
}

/* ---- checks before any PIN ---------------------------------------------- */

static int
refuse(struct sign_return_item *it, const struct mc_err *err)
{
	it->state = SIGN_RETURN_REFUSED;
	it->refusal = *err;
	return -1;
}

static int
refuse_code(struct sign_return_item *it, enum mc_errc code, const char *field,
	    const char *detail)
{
	struct mc_err err;

	mc_err_set(&err, code, NULL, "%s", detail != NULL ? detail : "");
	mc_err_field(&err, field);
	return refuse(it, &err);
}

static int
check_file(struct sign_return_item *it, size_t k)
{
	const char *path = it->files[k];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return refuse_code(it, MC_E_FILE, path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return refuse_code(it, MC_E_NOT_FILE, path, NULL);
	}
	close(fd);
	/* Two files of one dossier must not land on one name (x, x.p7s). */
	for (size_t j = 0; j < it->n_files; j++) {
		char with[1024];
		if (j == k)
			continue;
		snprintf(with, sizeof with, "%s.p7s", base_name(it->files[j]));
		if (strcmp(base_name(path), base_name(it->files[j])) == 0 ||
		    strcmp(base_name(path), with) == 0)
			return refuse_code(it, MC_E_SAME_NAME, base_name(path), NULL);
	}
	return 0;
}

/* 1 blocked by entry *id, 0 not, -1 error. */
static int
blocked(struct store *s, const char *code, int64_t *id)
{
	struct store_outbox_entry *v = NULL;
	size_t n = 0;
	int rc = 0;

	if (store_outbox_list(s, 0, &v, &n) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (strcmp(v[i].code, code) == 0 && (v[i].state == STORE_OUTBOX_CONFLICT ||
						     v[i].state == STORE_OUTBOX_FAILED)) {
			*id = v[i].id;
			rc = 1;
		}
	store_outbox_list_free(v, n);
	return rc;
}

int
sign_return_check_dossier(struct store *s, const char *code, struct mc_err *err)
{
	struct dossier d;
	int64_t id = 0;
	int rc;

	mc_err_clear(err);
	dossier_init(&d);
	rc = store_dossier_load(s, code, &d);
	if (rc < 0)
		return mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
	if (rc > 0) {
		mc_err_set(err, MC_E_NO_DOSSIER, NULL, NULL);
		mc_err_field(err, code);
		return -1;
	}
	/* The cached status carries the queued effects (store_outbox_enqueue). */
	if (!action_allowed(ACTION_RETURN_RESULT, d.status)) {
		mc_err_set(err, MC_E_NOT_ALLOWED, NULL, NULL);
		mc_err_field(err, action_name(ACTION_RETURN_RESULT));
		err->status = d.status;
		dossier_release(&d);
		return -1;
	}
	dossier_release(&d);
	rc = blocked(s, code, &id);
	if (rc < 0) {
		mc_err_set(err, store_errc(s), NULL, "%s", store_errmsg(s));
	} else if (rc > 0) {
		mc_err_set(err, MC_E_BLOCKED, NULL, "%" PRId64, id);
		mc_err_field(err, code);
	}
	return rc == 0 ? 0 : -1;
}

static int
check_item(struct store *s, struct sign_return_item *it)
{
	struct mc_err err;

	if (sign_return_check_dossier(s, it->code, &err) != 0)
		return refuse(it, &err);
	if (it->n_files == 0)
		return refuse_code(it, MC_E_NEED_FILE, it->code, NULL);
	for (size_t k = 0; k < it->n_files; k++)
		if (check_file(it, k) != 0)
			return -1;
	return 0;
}

int
sign_return_prepare(struct store *s, struct sign_return_item *items, size_t n)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		if (items[i].state != SIGN_RETURN_READY)
			continue;
		if (check_item(s, &items[i]) == 0)
			ready++;
	}
	return ready;
}

/* ---- copies ------------------------------------------------------------- */

static int
copy_file(const char *from, const char *to, char **cause)
{
	size_t tlen = strlen(to) + 8;
	char *tmp = xmalloc(tlen);
	char buf[65536];
	int in = -1, out = -1, rc = -1;
	ssize_t r;

	snprintf(tmp, tlen, "%s.XXXXXX", to);
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		*cause = xstrdup(strerror(errno));
		goto out;
	}
	out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0) {
		*cause = xasprintf("%s: %s", to, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	while ((r = read(in, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*cause = xstrdup(strerror(errno));
			goto out;
		}
		for (ssize_t done = 0; done < r;) {
			ssize_t w = write(out, buf + done, (size_t)(r - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				*cause = xasprintf("%s: %s", to, strerror(errno));
				goto out;
			}
			done += w;
		}
	}
	if (fsync(out) != 0 || close(out) != 0) {
		out = -1;
		*cause = xasprintf("%s: %s", to, strerror(errno));
		goto out;
	}
	out = -1;
	if (rename(tmp, to) != 0) {
		*cause = xasprintf("%s: %s", to, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (tmp[0] != '\0')
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Copy the item's files into results/<code>/ and name the .p7s beside them. */
static int
make_copies(struct store *s, struct sign_return_item *it)
{
	char *dir = sign_return_dir(s, it->code);
	char *cause = NULL;
	int rc = -1;

	if (config_ensure_dir(dir, &cause) != 0) {
		refuse_code(it, MC_E_FILE, dir, cause);
		free(cause);
		goto out;
	}
	it->out = xcalloc(2 * it->n_files, sizeof *it->out);
	for (size_t k = 0; k < it->n_files; k++) {
		char *safe = attach_safe_name(base_name(it->files[k]));
		char *copy = xasprintf("%s/%s", dir, safe);

		free(safe);
		it->out[it->n_out++] = copy;
		it->out[it->n_out++] = xasprintf("%s.p7s", copy);
		if (copy_file(it->files[k], copy, &cause) != 0) {
			remove_out(it);
			refuse_code(it, MC_E_FILE, it->files[k], cause);
			free(cause);
			goto out;
		}
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

/* ---- sign and queue ----------------------------------------------------- */

static void
sign_failed(struct sign_return_item *it, const struct sign_job *job)
{
	char *d = xasprintf("%s%s%s", base_name(job->path), job->detail[0] != '\0' ? ": " : "",
			    job->detail);

	snprintf(it->err.detail, sizeof it->err.detail, "%.*s", (int)sizeof it->err.detail - 1,
		 d);
	free(d);
	it->state = SIGN_RETURN_SIGN_FAILED;
	it->err.status = job->status;
	remove_out(it);
}

void
sign_return_fail_all(struct sign_return_item *items, size_t n, const struct sign_error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct sign_return_item *it = &items[i];
		if (it->state != SIGN_RETURN_READY)
			continue;
		it->state = SIGN_RETURN_SIGN_FAILED;
		it->err = *err;
		remove_out(it);
	}
}

static void
queue_item(struct store *s, struct sign_return_item *it, time_t now)
{
	struct outbox_act_request req = {
		.code = it->code,
		.action = action_name(ACTION_RETURN_RESULT),
		.files = (const char *const *)it->out,
		.n_files = it->n_out,
	};
	if (outbox_act(s, &req, (mc_time)now, &it->entry, &it->refusal) != OUTBOX_ACT_OK) {
		it->state = SIGN_RETURN_QUEUE_FAILED;
		remove_out(it);
		return;
	}
	it->state = SIGN_RETURN_QUEUED;
}

size_t
sign_return_run(struct store *s, struct signer *signer, const struct sign_key *key,
		const struct sign_tsa *tsa, struct sign_return_item *items, size_t n, time_t now)
{
	struct sign_job *jobs = NULL;
	size_t *first = xcalloc(n ? n : 1, sizeof *first);
	size_t n_jobs = 0, queued = 0;

	for (size_t i = 0; i < n; i++) {
		struct sign_return_item *it = &items[i];
		if (it->state != SIGN_RETURN_READY || make_copies(s, it) != 0)
			continue;
		first[i] = n_jobs;
		jobs = xreallocarray(jobs, n_jobs + it->n_files, sizeof *jobs);
		for (size_t k = 0; k < it->n_files; k++) {
			memset(&jobs[n_jobs], 0, sizeof jobs[n_jobs]);
			jobs[n_jobs].path = it->out[2 * k];
			jobs[n_jobs].out_path = it->out[2 * k + 1];
			n_jobs++;
		}
	}
	if (n_jobs > 0)
		sign_files_ts(signer, key, jobs, n_jobs, now, tsa);
	for (size_t i = 0; i < n; i++) {
		struct sign_return_item *it = &items[i];
		const struct sign_job *bad = NULL;

		if (it->state != SIGN_RETURN_READY)
			continue;
		for (size_t k = 0; k < it->n_files && bad == NULL; k++)
			if (jobs[first[i] + k].status != SIGN_OK)
				bad = &jobs[first[i] + k];
		if (bad != NULL) {
			sign_failed(it, bad);
			continue;
		}
		queue_item(s, it, now);
		if (it->state == SIGN_RETURN_QUEUED)
			queued++;
	}
	free(jobs);
	free(first);
	return queued;
}
