/*
 * outbox.c - the offline queue's rows (outbox.h): enqueue with the
 * optimistic effect, the per-dossier chain, and each replay outcome written
 * together with what it means for the cached dossier.
 *
 * Every function is one transaction (BEGIN IMMEDIATE, synchronous=FULL), or
 * a savepoint inside the caller's batch.  This file does not decide when to
 * send or what an answer means (src/outbox/outbox_replay.c does) and never
 * talks to a server.
 */
#include "store/outbox.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store_int.h"

static const char *const state_names[STORE_OUTBOX_N_STATES] = {
	"pending", "sending", "done", "conflict", "failed",
};

const char *
store_outbox_state_name(enum store_outbox_state st)
{
	if ((int)st < 0 || (int)st >= STORE_OUTBOX_N_STATES)
		return "?";
	return state_names[st];
}

int
store_outbox_state_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < STORE_OUTBOX_N_STATES; i++)
		if (strcmp(state_names[i], name) == 0)
			return i;
	return -1;
}

void
store_outbox_entry_release(struct store_outbox_entry *e)
{
	if (e == NULL)
		return;
	free(e->code);
	free(e->source);
	free(e->idem_key);
	free(e->base_version);
	free(e->payload);
	free(e->last_error);
	free(e->probe);
	free(e->server_version);
	free(e->server_raw_status);
	memset(e, 0, sizeof *e);
}

void
store_outbox_list_free(struct store_outbox_entry *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		store_outbox_entry_release(&v[i]);
	free(v);
}

/* ------------------------------------------------------------------ */
/* Transactions                                                        */

static int
tx_begin(struct store *s)
{
	if (store_durable_here(s, "writing to the queue") != 0)
		return -1;
	if (s->in_batch)
		return store_exec(s, "SAVEPOINT outbox");
	/* The store opens with FULL already; say it again in case a bulk
	 * writer relaxed it: a queued action must survive power loss. */
	if (store_exec(s, "PRAGMA synchronous = FULL") != 0)
		return -1;
	return store_exec(s, "BEGIN IMMEDIATE");
}

/* Commit when rc == 0, else undo; returns rc (or -1 when the commit failed). */
static int
tx_end(struct store *s, int rc)
{
	if (s->in_batch) {
		if (rc == 0)
			return store_exec(s, "RELEASE outbox") == 0 ? 0 : -1;
		sqlite3_exec(s->db, "ROLLBACK TO outbox; RELEASE outbox", NULL, NULL, NULL);
		return rc;
	}
	if (rc == 0) {
		if (store_exec(s, "COMMIT") == 0)
			return 0;
		rc = -1;
	}
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reading rows                                                        */

#define ENTRY_COLUMNS                                                                  \
	"id, code, source, action, idem_key, base_version, base_status, target_status," \
	" chained, payload, state, attempts, last_error, probe, server_status,"         \
	" server_version, server_raw_status, next_at, created_at, updated_at"

static void
read_entry(sqlite3_stmt *st, struct store_outbox_entry *e)
{
	const char *state = (const char *)sqlite3_column_text(st, 10);
	int si = store_outbox_state_from_name(state);

	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->code = store_column_dup(st, 1);
	e->source = store_column_dup(st, 2);
	e->action = (enum action)sqlite3_column_int(st, 3);
	e->idem_key = store_column_dup(st, 4);
	e->base_version = store_column_dup(st, 5);
	e->base_status = sqlite3_column_int(st, 6);
	e->target_status = sqlite3_column_int(st, 7);
	e->chained = sqlite3_column_int(st, 8) != 0;
	e->payload = store_column_dup(st, 9);
	e->state = si < 0 ? STORE_OUTBOX_FAILED : (enum store_outbox_state)si;
	e->attempts = sqlite3_column_int(st, 11);
	e->last_error = store_column_dup(st, 12);
	e->probe = store_column_dup(st, 13);
	e->server_status = sqlite3_column_int(st, 14);
	e->server_version = store_column_dup(st, 15);
	e->server_raw_status = store_column_dup(st, 16);
	e->next_at = sqlite3_column_int64(st, 17);
	e->created_at = sqlite3_column_int64(st, 18);
	e->updated_at = sqlite3_column_int64(st, 19);
}

/* Step st to the end, collecting rows into a growing array. */
static int
collect(struct store *s, sqlite3_stmt *st, struct store_outbox_entry **out, size_t *n)
{
	struct store_outbox_entry *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		read_entry(st, &v[len++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_outbox_list_free(v, len);
		*out = NULL;
		*n = 0;
		return store_fail(s, "reading the outbox");
	}
	*out = v;
	*n = len;
	return 0;
}

static int
get_entry(struct store *s, int64_t id, struct store_outbox_entry *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ENTRY_COLUMNS " FROM outbox WHERE id = ?1");
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_entry(st, out);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 1;
	return store_fail(s, "reading an outbox entry");
}

int
store_outbox_get(struct store *s, int64_t id, struct store_outbox_entry *out)
{
	return get_entry(s, id, out);
}

int
store_outbox_list(struct store *s, unsigned flags, struct store_outbox_entry **out,
		  size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, (flags & STORE_OUTBOX_LIST_DONE)
						 ? "SELECT " ENTRY_COLUMNS " FROM outbox ORDER BY id"
						 : "SELECT " ENTRY_COLUMNS " FROM outbox"
						   " WHERE state <> 'done' ORDER BY id");

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	return collect(s, st, out, n);
}

int
store_outbox_of(struct store *s, const char *code, struct store_outbox_entry **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ENTRY_COLUMNS " FROM outbox"
					 " WHERE code = ?1 ORDER BY id");

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	return collect(s, st, out, n);
}

/* The head of each dossier: no open entry of the same dossier before it. */
#define HEAD_WHERE                                                                  \
	" o.state IN ('pending', 'sending') AND NOT EXISTS (SELECT 1 FROM outbox p"  \
	" WHERE p.code = o.code AND p.id < o.id AND p.state <> 'done')"

int
store_outbox_ready(struct store *s, mc_time now, size_t limit, const char *source,
		   struct store_outbox_entry **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ENTRY_COLUMNS " FROM outbox o WHERE"
					 HEAD_WHERE " AND o.next_at <= ?1"
					 " AND (?3 IS NULL OR o.source = ?3) ORDER BY o.id LIMIT ?2");

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, limit > 0 && limit < INT64_MAX ? (int64_t)limit : -1);
	store_bind_text(st, 3, source);
	return collect(s, st, out, n);
}

int
store_outbox_next_due(struct store *s, const char *source, mc_time *at, int64_t *n_open)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT min(o.next_at), count(*) FROM outbox o WHERE"
					 HEAD_WHERE " AND (?1 IS NULL OR o.source = ?1)");

	*at = 0;
	*n_open = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, source);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, "reading the outbox");
	}
	*at = sqlite3_column_int64(st, 0);
	*n_open = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}

int
store_outbox_counts(struct store *s, int64_t counts[STORE_OUTBOX_N_STATES])
{
	sqlite3_stmt *st = store_stmt(s, "SELECT state, count(*) FROM outbox GROUP BY state");
	int rc;

	memset(counts, 0, sizeof(int64_t) * STORE_OUTBOX_N_STATES);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = store_outbox_state_from_name((const char *)sqlite3_column_text(st, 0));
		if (i >= 0)
			counts[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "counting the outbox");
}

int
store_outbox_trouble_count(struct store *s, const char *code, int64_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM outbox"
					 " WHERE code = ?1 AND state IN ('conflict', 'failed')");

	*n = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, "counting the outbox");
	}
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
store_outbox_open_count(struct store *s, const char *code, int64_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM outbox"
					 " WHERE code = ?1 AND state <> 'done'");

	*n = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, "counting the outbox");
	}
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
store_outbox_open_since(struct store *s, const char *code, int action, mc_time *at)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT min(created_at) FROM outbox"
					 " WHERE code = ?1 AND action = ?2 AND state <> 'done'");

	*at = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, action);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, "reading the outbox");
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		*at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return *at != 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* The cached dossier                                                  */

/* Status, version and source of a cached dossier.  0, 1 not found, -1. */
static int
dossier_get(struct store *s, const char *code, int *status, char **version, char **source)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT status, version, source FROM dossiers"
					 " WHERE code = ?1");
	int rc;

	*version = NULL;
	*source = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*status = sqlite3_column_int(st, 0);
		*version = store_column_dup(st, 1);
		*source = store_column_dup(st, 2);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 1 : store_fail(s, "reading a dossier");
}

static int
dossier_set_status(struct store *s, const char *code, int status)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE dossiers SET status = ?2 WHERE code = ?1");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, status);
	return store_step_done(s, st, "updating a dossier's status");
}

/*
 * The server's state onto the cached dossier: status (keeping `fallback`
 * when unknown), and version, raw status and times when known.  The due
 * sort key moves into the finished range when the status ends processing.
 */
static int
dossier_take_server(struct store *s, const char *code, const struct store_outbox_server *srv,
		    int fallback)
{
	sqlite3_stmt *st = store_stmt(
		s, "UPDATE dossiers SET status = ?2,"
		   " version = coalesce(?3, version),"
		   " raw_status = coalesce(?4, raw_status),"
		   " updated_at = CASE WHEN ?5 > updated_at THEN ?5 ELSE updated_at END,"
		   " finished_at = CASE WHEN ?6 > 0 THEN ?6 ELSE finished_at END,"
		   " due_key = CASE WHEN ?7 AND due_key < ?8"
		   "  THEN ?8 + CASE WHEN due_key = ?9 THEN 0 ELSE due_key END ELSE due_key END"
		   " WHERE code = ?1");
	int status = srv != NULL && status_valid(srv->status) ? srv->status : fallback;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, status);
	store_bind_text(st, 3, srv != NULL ? srv->version : NULL);
	store_bind_text(st, 4, srv != NULL ? srv->raw_status : NULL);
	sqlite3_bind_int64(st, 5, srv != NULL ? srv->updated_at : 0);
	sqlite3_bind_int64(st, 6, srv != NULL ? srv->finished_at : 0);
	sqlite3_bind_int(st, 7, status_is_finished(status));
	sqlite3_bind_int64(st, 8, STORE_DUE_KEY_FINISHED);
	sqlite3_bind_int64(st, 9, STORE_DUE_KEY_NONE);
	return store_step_done(s, st, "updating a dossier from the server");
}

/* Target of the dossier's last open entry in pending/sending: 0, 1 none, -1. */
static int
last_open_target(struct store *s, const char *code, int *target, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT target_status, id FROM outbox"
					 " WHERE code = ?1 AND state <> 'done'"
					 " ORDER BY id DESC LIMIT 1");
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*target = sqlite3_column_int(st, 0);
		*id = sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 1 : store_fail(s, "reading the outbox");
}

/* ------------------------------------------------------------------ */
/* Enqueue                                                             */

static int
enqueue_locked(struct store *s, struct store_outbox_entry *e, mc_time now, int *from_status)
{
	int status = 0, target = 0, rc;
	char *version = NULL, *source = NULL;
	int64_t last_id = 0;
	sqlite3_stmt *st;

	rc = dossier_get(s, e->code, &status, &version, &source);
	if (rc != 0)
		goto out;
	/* An unresolved conflict or refusal: the clerk decides on it first. */
	st = store_stmt(s, "SELECT id FROM outbox WHERE code = ?1"
			   " AND state IN ('conflict', 'failed') ORDER BY id LIMIT 1");
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	store_bind_text(st, 1, e->code);
	if (sqlite3_step(st) == SQLITE_ROW) {
		e->id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		*from_status = status;
		rc = 3;
		goto out;
	}
	sqlite3_reset(st);
	/* An open entry before it: this one is based on that one's result. */
	rc = last_open_target(s, e->code, &target, &last_id);
	if (rc < 0)
		goto out;
	e->chained = rc == 0;
	if (e->chained)
		status = target;
	*from_status = status;
	if (!action_allowed(e->action, status)) {
		rc = 2;
		goto out;
	}
	e->base_status = status;
	e->target_status = action_apply(e->action, status);
	free(e->base_version);
	if (!e->chained) {
		e->base_version = version;
		version = NULL;
	}
	if (e->source == NULL) {
		e->source = source;
		source = NULL;
	}
	e->state = STORE_OUTBOX_PENDING;
	e->created_at = e->updated_at = now;
	st = store_stmt(s, "INSERT INTO outbox (code, source, action, idem_key, base_version,"
			   " base_status, target_status, chained, payload, state, created_at,"
			   " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending',"
			   " ?10, ?10)");
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	store_bind_text(st, 1, e->code);
	store_bind_text(st, 2, e->source);
	sqlite3_bind_int(st, 3, e->action);
	store_bind_text(st, 4, e->idem_key);
	store_bind_text(st, 5, e->base_version);
	sqlite3_bind_int(st, 6, e->base_status);
	sqlite3_bind_int(st, 7, e->target_status);
	sqlite3_bind_int(st, 8, e->chained);
	store_bind_text(st, 9, e->payload != NULL ? e->payload : "{}");
	sqlite3_bind_int64(st, 10, now);
	rc = store_step_done(s, st, "queueing an action");
	if (rc != 0)
		goto out;
	e->id = sqlite3_last_insert_rowid(s->db);
	rc = dossier_set_status(s, e->code, e->target_status);
out:
	free(version);
	free(source);
	return rc;
}

int
store_outbox_enqueue(struct store *s, struct store_outbox_entry *e, mc_time now,
		     int *from_status)
{
	int dummy;

	if (from_status == NULL)
		from_status = &dummy;
	*from_status = 0;
	if (e->code == NULL || e->idem_key == NULL || action_name(e->action) == NULL)
		return store_failf(s, "queueing an action: code, key and action are required");
	if (tx_begin(s) != 0)
		return -1;
	return tx_end(s, enqueue_locked(s, e, now, from_status));
}

/* ------------------------------------------------------------------ */
/* Outcomes                                                            */

int
store_outbox_mark_sending(struct store *s, int64_t id, mc_time now, const char *probe)
{
	sqlite3_stmt *st;

	if (tx_begin(s) != 0)
		return -1;
	st = store_stmt(s, "UPDATE outbox SET state = 'sending', attempts = attempts + 1,"
			   " updated_at = ?2, probe = coalesce(?3, probe)"
			   " WHERE id = ?1 AND state IN ('pending', 'sending')");
	if (st == NULL)
		return tx_end(s, -1);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	store_bind_text(st, 3, probe);
	if (store_step_done(s, st, "marking an action as sent") != 0)
		return tx_end(s, -1);
	return tx_end(s, sqlite3_changes(s->db) == 1 ? 0 : 1);
}

int
store_outbox_set_payload(struct store *s, int64_t id, const char *payload, mc_time now)
{
	sqlite3_stmt *st;

	if (tx_begin(s) != 0)
		return -1;
	st = store_stmt(s, "UPDATE outbox SET payload = ?2, updated_at = ?3 WHERE id = ?1");
	if (st == NULL)
		return tx_end(s, -1);
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, payload);
	sqlite3_bind_int64(st, 3, now);
	return tx_end(s, store_step_done(s, st, "saving upload progress"));
}

int
store_outbox_wake(struct store *s, const char *source, mc_time now)
{
	sqlite3_stmt *st;

	if (tx_begin(s) != 0)
		return -1;
	st = store_stmt(s, "UPDATE outbox SET next_at = ?1 WHERE state IN ('pending', 'sending')"
			   " AND next_at > ?1 AND (?2 IS NULL OR source = ?2)");
	if (st == NULL)
		return tx_end(s, -1);
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, source);
	return tx_end(s, store_step_done(s, st, "waking the queue"));
}

int
store_outbox_later(struct store *s, int64_t id, enum store_outbox_state state, mc_time next_at,
		   const char *error, mc_time now)
{
	sqlite3_stmt *st;

	if (state != STORE_OUTBOX_PENDING && state != STORE_OUTBOX_SENDING)
		return store_failf(s, "outbox: 'later' takes pending or sending");
	if (tx_begin(s) != 0)
		return -1;
	st = store_stmt(s, "UPDATE outbox SET state = ?2, next_at = ?3, last_error = ?4,"
			   " updated_at = ?5 WHERE id = ?1 AND state IN ('pending', 'sending')");
	if (st == NULL)
		return tx_end(s, -1);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state_names[state], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, next_at);
	store_bind_text(st, 4, error);
	sqlite3_bind_int64(st, 5, now);
	return tx_end(s, store_step_done(s, st, "rescheduling an action"));
}

static int
done_locked(struct store *s, int64_t id, const struct store_outbox_server *srv, mc_time now)
{
	struct store_outbox_entry e;
	sqlite3_stmt *st;
	int rc = get_entry(s, id, &e);

	if (rc != 0)
		return rc;
	st = store_stmt(s, "UPDATE outbox SET state = 'done', last_error = NULL, updated_at = ?2,"
			   " server_status = ?3, server_version = ?4, server_raw_status = ?5"
			   " WHERE id = ?1");
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, srv != NULL ? srv->status : 0);
	store_bind_text(st, 4, srv != NULL ? srv->version : NULL);
	store_bind_text(st, 5, srv != NULL ? srv->raw_status : NULL);
	rc = store_step_done(s, st, "marking an action done");
	if (rc != 0)
		goto out;
	/* The cached dossier: the server's word; but while later entries of
	 * this dossier are still open, their optimistic effect stays shown. */
	rc = dossier_take_server(s, e.code, srv, e.target_status);
	if (rc != 0)
		goto out;
	if (srv != NULL && srv->version != NULL) {
		st = store_stmt(s, "UPDATE outbox SET base_version = ?2 WHERE id ="
				   " (SELECT min(id) FROM outbox WHERE code = ?1 AND id > ?3"
				   "  AND state <> 'done') AND chained = 1 AND state = 'pending'");
		if (st == NULL) {
			rc = -1;
			goto out;
		}
		store_bind_text(st, 1, e.code);
		store_bind_text(st, 2, srv->version);
		sqlite3_bind_int64(st, 3, id);
		rc = store_step_done(s, st, "passing the new version on");
		if (rc != 0)
			goto out;
	}
	rc = store_outbox_reapply(s, e.code);
out:
	store_outbox_entry_release(&e);
	return rc;
}

int
store_outbox_done(struct store *s, int64_t id, const struct store_outbox_server *srv,
		  mc_time now)
{
	if (tx_begin(s) != 0)
		return -1;
	return tx_end(s, done_locked(s, id, srv, now));
}

static int
settle_locked(struct store *s, int64_t id, enum store_outbox_state state,
	      const struct store_outbox_server *srv, const char *error, mc_time now)
{
	struct store_outbox_entry e;
	sqlite3_stmt *st;
	int rc = get_entry(s, id, &e);

	if (rc != 0)
		return rc;
	st = store_stmt(s, "UPDATE outbox SET state = ?2, last_error = ?3, updated_at = ?4,"
			   " server_status = ?5, server_version = ?6, server_raw_status = ?7"
			   " WHERE id = ?1");
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state_names[state], -1, SQLITE_STATIC);
	store_bind_text(st, 3, error);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int(st, 5, srv != NULL ? srv->status : 0);
	store_bind_text(st, 6, srv != NULL ? srv->version : NULL);
	store_bind_text(st, 7, srv != NULL ? srv->raw_status : NULL);
	rc = store_step_done(s, st, "recording a conflict");
	if (rc != 0)
		goto out;
	/* The truth on screen: the server's state, not our intent. */
	rc = dossier_take_server(s, e.code, srv, e.base_status);
out:
	store_outbox_entry_release(&e);
	return rc;
}

int
store_outbox_settle(struct store *s, int64_t id, enum store_outbox_state state,
		    const struct store_outbox_server *srv, const char *error, mc_time now)
{
	if (state != STORE_OUTBOX_CONFLICT && state != STORE_OUTBOX_FAILED)
		return store_failf(s, "outbox: settle takes conflict or failed");
	if (tx_begin(s) != 0)
		return -1;
	return tx_end(s, settle_locked(s, id, state, srv, error, now));
}

/* ------------------------------------------------------------------ */
/* The clerk's choices                                                 */

static int
retry_locked(struct store *s, int64_t id, const char *new_key, mc_time now, int *from_status)
{
	struct store_outbox_entry e;
	sqlite3_stmt *st;
	int rc = get_entry(s, id, &e), base, cached = 0;
	char *version = NULL, *source = NULL;

	if (rc != 0)
		return rc;
	if (e.state != STORE_OUTBOX_CONFLICT && e.state != STORE_OUTBOX_FAILED) {
		*from_status = -1;
		rc = 2;
		goto out;
	}
	rc = dossier_get(s, e.code, &cached, &version, &source);
	if (rc != 0)
		goto out;
	/* The server's state as the conflict reported it; else what the cache
	 * holds now (a sync may have refreshed it since). */
	base = status_valid(e.server_status) ? e.server_status : cached;
	*from_status = base;
	if (!action_allowed(e.action, base)) {
		rc = 2;
		goto out;
	}
	st = store_stmt(s, "UPDATE outbox SET state = 'pending', attempts = 0, next_at = 0,"
			   " idem_key = ?2, base_status = ?3, target_status = ?4,"
			   " base_version = ?5, chained = 0, probe = NULL, last_error = NULL,"
			   " updated_at = ?6 WHERE id = ?1");
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, new_key);
	sqlite3_bind_int(st, 3, base);
	sqlite3_bind_int(st, 4, action_apply(e.action, base));
	store_bind_text(st, 5, e.server_version != NULL ? e.server_version : version);
	sqlite3_bind_int64(st, 6, now);
	rc = store_step_done(s, st, "re-queueing an action");
	if (rc == 0)
		rc = store_outbox_reapply(s, e.code);
out:
	free(version);
	free(source);
	store_outbox_entry_release(&e);
	return rc;
}

int
store_outbox_retry(struct store *s, int64_t id, const char *new_key, mc_time now,
		   int *from_status)
{
	int dummy;

	if (from_status == NULL)
		from_status = &dummy;
	*from_status = 0;
	if (new_key == NULL)
		return store_failf(s, "outbox: retry needs a new key");
	if (tx_begin(s) != 0)
		return -1;
	return tx_end(s, retry_locked(s, id, new_key, now, from_status));
}

static int
drop_locked(struct store *s, int64_t id, mc_time now, enum store_outbox_state *state)
{
	struct store_outbox_entry e;
	sqlite3_stmt *st;
	int rc = get_entry(s, id, &e);

	if (rc != 0)
		return rc;
	*state = e.state;
	if (e.state == STORE_OUTBOX_SENDING || e.state == STORE_OUTBOX_DONE) {
		rc = 2;
		goto out;
	}
	/* The next entry of the dossier was based on this one: it cannot go
	 * on silently; it becomes a conflict the clerk decides on. */
	st = store_stmt(s, "UPDATE outbox SET state = 'conflict', updated_at = ?3,"
			   " server_status = ?4, server_version = ?5,"
			   " last_error = 'previous-dropped|||0|0|'"
			   " WHERE id = (SELECT min(id) FROM outbox WHERE code = ?1 AND id > ?2"
			   "  AND state <> 'done') AND state = 'pending'");
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	store_bind_text(st, 1, e.code);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, now);
	if (e.state == STORE_OUTBOX_PENDING) {
		sqlite3_bind_int(st, 4, e.base_status);
		store_bind_text(st, 5, e.base_version);
	} else {
		sqlite3_bind_int(st, 4, e.server_status);
		store_bind_text(st, 5, e.server_version);
	}
	rc = store_step_done(s, st, "blocking the next action");
	if (rc != 0)
		goto out;
	st = store_stmt(s, "DELETE FROM outbox WHERE id = ?1");
	if (st == NULL) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = store_step_done(s, st, "dropping an action");
	if (rc != 0)
		goto out;
	/* A pending entry never reached the server: its base is the truth.
	 * (A conflict or refusal already put the server's state back.) */
	if (e.state == STORE_OUTBOX_PENDING)
		rc = dossier_set_status(s, e.code, e.base_status);
	if (rc == 0)
		rc = store_outbox_reapply(s, e.code);
out:
	store_outbox_entry_release(&e);
	return rc;
}

int
store_outbox_drop(struct store *s, int64_t id, mc_time now, enum store_outbox_state *state)
{
	enum store_outbox_state dummy;

	if (state == NULL)
		state = &dummy;
	*state = STORE_OUTBOX_PENDING;
	if (tx_begin(s) != 0)
		return -1;
	return tx_end(s, drop_locked(s, id, now, state));
}

int
store_outbox_reapply(struct store *s, const char *code)
{
	/* Only pending/sending entries carry an effect not yet on the server;
	 * a conflict or failure in the chain means the server's state shows. */
	sqlite3_stmt *st = store_stmt(
		s, "UPDATE dossiers SET status = (SELECT target_status FROM outbox"
		   " WHERE code = ?1 AND state IN ('pending', 'sending') ORDER BY id DESC LIMIT 1)"
		   " WHERE code = ?1 AND EXISTS (SELECT 1 FROM outbox WHERE code = ?1"
		   " AND state IN ('pending', 'sending')) AND NOT EXISTS (SELECT 1 FROM outbox"
		   " WHERE code = ?1 AND state IN ('conflict', 'failed'))");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	return store_step_done(s, st, "re-applying queued actions");
}

int
store_outbox_reapply_all(struct store *s)
{
	sqlite3_stmt *st = store_stmt(
		s, "UPDATE dossiers SET status = (SELECT o.target_status FROM outbox o"
		   " WHERE o.code = dossiers.code AND o.state IN ('pending', 'sending')"
		   " ORDER BY o.id DESC LIMIT 1)"
		   " WHERE code IN (SELECT code FROM outbox WHERE state IN ('pending', 'sending'))"
		   " AND code NOT IN (SELECT code FROM outbox WHERE state IN ('conflict', 'failed'))");

	if (st == NULL)
		return -1;
	return store_step_done(s, st, "re-applying queued actions");
}
