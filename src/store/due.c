/*
 * due.c - the stored local due dates re-computed in bulk, and the
 * fingerprint of what they were computed from (store.h, "Local due dates").
 *
 * The store never computes a deadline: the caller's function does, one
 * dossier at a time, over the few columns a due date depends on.  What is
 * here is the walk - by rowid, in batches, each its own transaction, so a
 * long run neither holds the write lock for long nor loses more than one
 * batch to a crash - and the update of due_at with its sort key.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/hex.h"
#include "core/xalloc.h"

void
store_due_inputs_digest(const char *text, size_t len, char out[STORE_DUE_INPUTS_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		abort(); /* only without memory */
	hex_encode(md, 32, out);
}

int
store_due_inputs_get(struct store *s, char out[STORE_DUE_INPUTS_LEN + 1])
{
	sqlite3_stmt *st = store_stmt(s, "SELECT inputs FROM due_state WHERE id = 1");
	int rc;

	out[0] = '\0';
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(out, STORE_DUE_INPUTS_LEN + 1, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(s, "reading what the due dates were computed from");
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_due_inputs_set(struct store *s, const char *inputs)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO due_state (id, inputs) VALUES (1, ?1)"
					 " ON CONFLICT (id) DO UPDATE SET inputs = excluded.inputs");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, inputs);
	return store_step_done(s, st, "noting what the due dates were computed from");
}

/* One dossier of a batch: its row id and what the caller's function reads. */
struct due_item {
	int64_t id;
	struct dossier d;
};

static void
release_items(struct due_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dossier_release(&items[i].d);
}

/*
 * Where the walk stands: the last row read, by the index dossiers_due_search
 * (due_key, search, rowid).  The walk goes in due order, not row order, so
 * that a batch's rewrites fall on neighbouring pages of the due indexes (a
 * date that moves moves a little): in row order each batch dirtied nearly
 * every page of the seven indexes that hold due_key, and wrote them all to
 * the WAL again, ten times slower.  A row whose new key lies ahead of the
 * cursor is read once more later; its date is then already right and
 * nothing is written.
 */
struct due_cursor {
	bool started;
	int64_t key, id;
	char *search;
};

static int
add_supplements(struct store *s, struct due_item *it)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT requested_at, completed_at FROM dossier_supplements"
					 " WHERE dossier_id = ?1 ORDER BY seq");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, it->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dossier_add_supplement(&it->d, sqlite3_column_int64(st, 0),
				       sqlite3_column_int64(st, 1), NULL);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "reading the dossiers' supplements");
}

/*
 * Up to `batch` dossiers after the cursor, with their supplements, into
 * items; *n how many.  The statements are done with before the caller's
 * function runs (it may use the store: the queue's "supplement received").
 */
static int
read_batch(struct store *s, struct due_cursor *c, size_t batch, struct due_item *items,
	   size_t *n)
{
	sqlite3_stmt *st;
	size_t k = 0;
	int rc;

	*n = 0;
	if (!c->started) {
		st = store_stmt(s, "SELECT id, code, source, procedure_code, received_at,"
				   " source_due_at, due_at, finished_at, status, due_key, search"
				   " FROM dossiers ORDER BY due_key, search, id LIMIT ?4");
	} else {
		st = store_stmt(s, "SELECT id, code, source, procedure_code, received_at,"
				   " source_due_at, due_at, finished_at, status, due_key, search"
				   " FROM dossiers WHERE (due_key, search, id) > (?1, ?2, ?3)"
				   " ORDER BY due_key, search, id LIMIT ?4");
	}
	if (st == NULL)
		return -1;
	if (c->started) {
		sqlite3_bind_int64(st, 1, c->key);
		store_bind_text(st, 2, c->search);
		sqlite3_bind_int64(st, 3, c->id);
	}
	sqlite3_bind_int64(st, 4, (int64_t)batch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct due_item *it = &items[k++];

		it->id = sqlite3_column_int64(st, 0);
		dossier_init(&it->d);
		it->d.code = store_column_dup(st, 1);
		it->d.source = store_column_dup(st, 2);
		it->d.procedure_code = store_column_dup(st, 3);
		it->d.received_at = sqlite3_column_int64(st, 4);
		it->d.source_due_at = sqlite3_column_int64(st, 5);
		it->d.due_at = sqlite3_column_int64(st, 6);
		it->d.finished_at = sqlite3_column_int64(st, 7);
		it->d.status = sqlite3_column_int(st, 8);
		c->key = sqlite3_column_int64(st, 9);
		free(c->search);
		c->search = store_column_dup(st, 10);
		c->id = it->id;
		c->started = true;
	}
	*n = k;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "reading the dossiers' due dates");
	for (size_t i = 0; i < k; i++)
		if (add_supplements(s, &items[i]) != 0)
			return -1;
	return 0;
}

static int
update_due(struct store *s, const struct due_item *it, mc_time due_at)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE dossiers SET due_at = ?2, due_key = ?3"
					 " WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, it->id);
	sqlite3_bind_int64(st, 2, due_at);
	sqlite3_bind_int64(st, 3, store_due_key(it->d.status, it->d.finished_at, due_at,
						it->d.source_due_at));
	return store_step_done(s, st, "saving a due date");
}

int
store_due_recompute(struct store *s, size_t batch, store_due_fn *fn,
		    store_due_progress_fn *progress, void *ctx, struct store_due_run *run)
{
	struct due_item *items;
	struct due_cursor cursor = {0};
	int ret = -1;

	memset(run, 0, sizeof *run);
	if (s->in_batch)
		return store_failf(s, "re-computing due dates inside a batch");
	if (batch == 0)
		batch = STORE_DUE_BATCH;
	if (store_dossier_count(s, NULL, &run->total) != 0)
		return -1;
	if (progress != NULL)
		progress(ctx, 0, run->total);
	items = xcalloc(batch, sizeof *items);
	for (;;) {
		size_t n = 0;

		/* batches of cached data (store.h): a date is computed again from
		 * what it depends on, and the fingerprint the caller notes after
		 * the run, with synchronous=FULL, makes them all durable; a run
		 * a power cut took back is done again at the next open.  100,000
		 * dossiers, nearly all moved: 2.4-2.6 s -> 1.7 s */
		if (store_begin_ex(s, STORE_BATCH_CACHE) != 0)
			break;
		if (read_batch(s, &cursor, batch, items, &n) != 0)
			goto fail;
		for (size_t i = 0; i < n; i++) {
			mc_time due = 0;

			if (fn(ctx, &items[i].d, &due) != 0)
				goto fail;
			if (due != items[i].d.due_at) {
				if (update_due(s, &items[i], due) != 0)
					goto fail;
				run->changed++;
			}
		}
		if (store_commit(s) != 0)
			goto fail;
		/* a row read twice (its key moved ahead) counts once */
		run->done += (int64_t)n;
		if (run->done > run->total)
			run->done = run->total;
		release_items(items, n);
		if (n < batch) {
			ret = 0;
			break;
		}
		/* the end is said once, below, however many rows are read twice */
		if (progress != NULL && run->done < run->total)
			progress(ctx, run->done, run->total);
		continue;
fail:
		{
			char why[STORE_ERR_LEN];

			memcpy(why, s->err, sizeof why);
			store_rollback(s);
			memcpy(s->err, why, sizeof why);
		}
		release_items(items, n);
		break;
	}
	if (ret == 0) {
		/* rows another process added meanwhile were walked too */
		run->done = run->total;
		if (progress != NULL)
			progress(ctx, run->done, run->total);
	}
	free(cursor.search);
	free(items);
	return ret;
}
