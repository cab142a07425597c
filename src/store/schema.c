/*
 * schema.c - the store's schema as numbered migrations.
 *
 * Each entry takes the database from version N-1 to N; they run in order,
 * all in one transaction, at open, and PRAGMA user_version records the result.
 * An entry is never edited once released: a change is a new entry at the end
 * (the outbox and the audit log arrive as versions 2 and 3, say).  This file
 * does not decide whether a file may be opened at all (store.c refuses newer
 * or foreign files before anything here runs).
 */
#include <stddef.h>
#include <stdio.h>

#include "store/store_int.h"

struct migration {
	int version;
	const char *what;
	const char *sql;
};

/*
 * Version 1.  Notes on the choices:
 * - dossiers.id is the rowid that children and the search index key on; code
 *   (MaHoSo) is the natural key the sync merges on.
 * - `search` is fold_text(code, applicant name, procedure name, ID number); the
 *   FTS5 table indexes it with the trigram tokenizer (substring search,
 *   external content, kept in step by triggers).
 * - due_key is the due sort key: the effective due instant for open dossiers,
 *   STORE_DUE_KEY_NONE (2^60) for open ones without a due date, and
 *   STORE_DUE_KEY_FINISHED (2^61) + due for finished ones, so "by due" lists
 *   what needs attention first and every due class is a range of one index.
 * - dossiers_due_search carries the folded text so that a search typed into
 *   the default (due-sorted) inbox can be answered by walking one index in
 *   order without touching table rows (see inbox.c and doc/store.md).
 */
static const char schema_v1[] =
	"PRAGMA application_id = 1296258369;" /* 'MCUA', STORE_APPLICATION_ID */
	"CREATE TABLE dossiers ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" procedure_code TEXT, procedure_name TEXT,"
	" field_code TEXT, field_name TEXT,"
	" applicant_name TEXT, applicant_id TEXT,"
	" applicant_kind INTEGER NOT NULL DEFAULT 0,"
	" area TEXT, summary TEXT, unit TEXT,"
	" channel INTEGER NOT NULL DEFAULT 0,"
	" received_at INTEGER NOT NULL DEFAULT 0,"
	" source_due_at INTEGER NOT NULL DEFAULT 0,"
	" due_at INTEGER NOT NULL DEFAULT 0,"
	" finished_at INTEGER NOT NULL DEFAULT 0,"
	" updated_at INTEGER NOT NULL DEFAULT 0,"
	" status INTEGER NOT NULL DEFAULT 0,"
	" raw_status TEXT,"
	" coord_status INTEGER NOT NULL DEFAULT 0,"
	" version TEXT,"
	" payment INTEGER NOT NULL DEFAULT 0,"
	" due_key INTEGER NOT NULL,"
	" search TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE UNIQUE INDEX dossiers_code ON dossiers(code);"
	"CREATE INDEX dossiers_due_search ON dossiers(due_key, search);"
	"CREATE INDEX dossiers_source_due ON dossiers(source, due_key);"
	"CREATE INDEX dossiers_status_due ON dossiers(status, due_key);"
	"CREATE INDEX dossiers_received ON dossiers(received_at);"
	"CREATE INDEX dossiers_updated ON dossiers(updated_at);"
	"CREATE INDEX dossiers_procedure ON dossiers(procedure_code, due_key);"
	"CREATE INDEX dossiers_field ON dossiers(field_code, due_key);"
	"CREATE INDEX dossiers_area ON dossiers(area, due_key);"
	"CREATE INDEX dossiers_mismatch ON dossiers(due_key)"
	" WHERE coord_status <> 0 AND coord_status <> status;"

	"CREATE VIRTUAL TABLE dossier_fts USING fts5("
	" search, content='dossiers', content_rowid='id', tokenize='trigram');"
	"CREATE TRIGGER dossiers_fts_ins AFTER INSERT ON dossiers BEGIN"
	" INSERT INTO dossier_fts(rowid, search) VALUES (new.id, new.search);"
	"END;"
	"CREATE TRIGGER dossiers_fts_del AFTER DELETE ON dossiers BEGIN"
	" INSERT INTO dossier_fts(dossier_fts, rowid, search)"
	" VALUES ('delete', old.id, old.search);"
	"END;"
	"CREATE TRIGGER dossiers_fts_upd AFTER UPDATE OF search ON dossiers"
	" WHEN old.search IS NOT new.search BEGIN"
	" INSERT INTO dossier_fts(dossier_fts, rowid, search)"
	" VALUES ('delete', old.id, old.search);"
	" INSERT INTO dossier_fts(rowid, search) VALUES (new.id, new.search);"
	"END;"

	"CREATE TABLE dossier_events ("
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" at INTEGER NOT NULL DEFAULT 0,"
	" actor TEXT, unit TEXT, content TEXT,"
	" status INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (dossier_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE dossier_attachments ("
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" attachment_id TEXT, name TEXT, component_code TEXT, url TEXT,"
	" size INTEGER NOT NULL DEFAULT -1,"
	" PRIMARY KEY (dossier_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE dossier_fees ("
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" code TEXT, name TEXT,"
	" amount INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (dossier_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE dossier_supplements ("
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" requested_at INTEGER NOT NULL DEFAULT 0,"
	" completed_at INTEGER NOT NULL DEFAULT 0,"
	" reason TEXT,"
	" PRIMARY KEY (dossier_id, seq)) WITHOUT ROWID;"

	"CREATE TABLE sync_state ("
	" source TEXT PRIMARY KEY,"
	" cursor TEXT, watermark TEXT,"
	" last_sync_at INTEGER NOT NULL DEFAULT 0,"
	" last_ok_at INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT);"

	"CREATE TABLE traffic ("
	" source TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" day INTEGER NOT NULL,"
	" bytes_in INTEGER NOT NULL DEFAULT 0,"
	" bytes_out INTEGER NOT NULL DEFAULT 0,"
	" requests INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (source, kind, day)) WITHOUT ROWID;";

/*
 * Version 2: the offline queue (outbox.c, doc/outbox.md).  One row per
 * action the clerk queued; `state` is pending|sending|done|conflict|failed.
 * idem_key is generated once at enqueue and sent as the dialect's client
 * reference on every attempt.  base_* is what the action was based on
 * (chained = 1: the entry before it on the same dossier supplies the base
 * version when it completes); server_* is the server's state after a
 * conflict or refusal; probe is the server's fingerprint read before the
 * first send of an action that a dialect without idempotency could not tell
 * apart afterwards.  outbox_head finds each dossier's first open entry.
 */
static const char schema_v2[] =
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" code TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" action INTEGER NOT NULL,"
	" idem_key TEXT NOT NULL UNIQUE,"
	" base_version TEXT,"
	" base_status INTEGER NOT NULL DEFAULT 0,"
	" target_status INTEGER NOT NULL DEFAULT 0,"
	" chained INTEGER NOT NULL DEFAULT 0,"
	" payload TEXT NOT NULL DEFAULT '{}',"
	" state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
	"  ('pending', 'sending', 'done', 'conflict', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" probe TEXT,"
	" server_status INTEGER NOT NULL DEFAULT 0,"
	" server_version TEXT,"
	" server_raw_status TEXT,"
	" next_at INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL DEFAULT 0,"
	" updated_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX outbox_head ON outbox(code, id) WHERE state <> 'done';";

/*
 * Version 3: the audit log and the protection of cached personal data
 * (audit.c, protect.c, doc/security.md).  `audit` is append-only (the
 * triggers stop mistakes; the hash chain catches the rest); `audit_state`
 * is its one-row head: the chain's random id, the last entry written, how
 * far the server has it, and the clerk signed in.  `protect_state` holds a
 * check value of the data key the ID numbers are sealed under (never the
 * key).  dossiers.applicant_id holds "enc1:..." when sealed.
 */
static const char schema_v3[] =
	"CREATE TABLE audit ("
	" seq INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" clerk TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" dossier TEXT,"
	" purpose TEXT,"
	" details TEXT NOT NULL DEFAULT '{}',"
	" prev_hash TEXT NOT NULL,"
	" hash TEXT NOT NULL);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TABLE audit_state ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" chain TEXT NOT NULL,"
	" head_seq INTEGER NOT NULL DEFAULT 0,"
	" head_hash TEXT NOT NULL DEFAULT '',"
	" shipped_seq INTEGER NOT NULL DEFAULT 0,"
	" clerk TEXT);"
	"CREATE TABLE protect_state ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" key_check TEXT);";

/*
 * Version 4: the keyed audit chain (audit.c, doc/security.md).  Each entry
 * written with the store's audit key (derived from the data key in the
 * Secret Service) carries `mac`, an HMAC-SHA-256 of its hash; NULL when it
 * was written without the key (no Secret Service, or before keying).  The
 * hash itself stays the plain SHA-256 chain the server recomputes.
 * audit_state remembers where keying starts (keyed_from: 0 never keyed, -1
 * an older store, keyed at its next open with the key), the last entry
 * written with the key (keyed_head, keyed_hash) and keyed_mac, an HMAC of
 * those under the key, so a tail cut or a rewrite of the state is caught.
 */
static const char schema_v4[] =
	"ALTER TABLE audit ADD COLUMN mac TEXT;"
	"ALTER TABLE audit_state ADD COLUMN keyed_from INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE audit_state ADD COLUMN keyed_head INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE audit_state ADD COLUMN keyed_hash TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE audit_state ADD COLUMN keyed_mac TEXT;"
	"UPDATE audit_state SET keyed_from = -1;";

/*
 * Version 5: the audit log's anchors (audit.c, doc/security.md
 * "Anchoring").  shipped_hash is the server's receipt: the hash of entry
 * shipped_seq as the server acknowledged it; refused_seq and refused_why
 * remember that the server refused the log's continuity (409), until a
 * later shipment is accepted.
 */
static const char schema_v5[] =
	"ALTER TABLE audit_state ADD COLUMN shipped_hash TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE audit_state ADD COLUMN refused_seq INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE audit_state ADD COLUMN refused_why TEXT;";

/*
 * Version 6: what each system last said it holds (sync_state.server_total:
 * the total its first page reported, -1 unknown), so a pull that sees it
 * grow while nothing new comes is noticed (sync.c).
 */
static const char schema_v6[] =
	"ALTER TABLE sync_state ADD COLUMN server_total INTEGER NOT NULL DEFAULT -1;";

/*
 * Version 7: the dossier's detail as its system gives it on demand
 * (sync/detail.c): how the citizen pays (payment_channel), the e-receipts
 * (biên lai điện tử), when the detail was last read here (detail_at) and
 * the version it had then (detail_version, for a conditional re-read).
 */
static const char schema_v7[] =
	"ALTER TABLE dossiers ADD COLUMN payment_channel TEXT;"
	"ALTER TABLE dossiers ADD COLUMN detail_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE dossiers ADD COLUMN detail_version TEXT;"
	"CREATE TABLE dossier_receipts ("
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" number TEXT, series TEXT, issuer TEXT,"
	" amount INTEGER NOT NULL DEFAULT 0,"
	" issued_at INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (dossier_id, seq)) WITHOUT ROWID;";

/*
 * Version 8: what the stored local due dates were computed from
 * (store/due.c, app/app_due.c): the fingerprint of the calendar's days,
 * the procedures' rules and the working time.  One row; none until the
 * first open that computed them all.  A repair does not copy it: the next
 * open re-computes, which a repaired store deserves anyway.
 */
static const char schema_v8[] =
	"CREATE TABLE due_state ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" inputs TEXT NOT NULL);";

/*
 * Version 9: new rows reach the search index in one statement per batch
 * (dossiers.c, store_fts_flush()), not one trigger call per row: FTS5 writes
 * its pending terms to disk at every savepoint, and a sync batch opens one
 * (a statement journal) for nearly every statement, so the trigger turned
 * each new dossier into its own index segment and merge work (about 40 %
 * of applying a page).  Updates of `search` and deletes keep their triggers:
 * they are rare, and a pending row is indexed before either can touch it.
 */
static const char schema_v9[] =
	"DROP TRIGGER dossiers_fts_ins;";

/*
 * Version 10: what each system's rows were last read with
 * (sync_state.fingerprint: its sources.d profile's fingerprint, "" for a
 * built-in dialect, NULL not recorded yet), so a pass after the profile
 * changed reads the system again from the start (sync.c): the rows the old
 * mapping refused come in although the position had moved past them.
 */
static const char schema_v10[] =
	"ALTER TABLE sync_state ADD COLUMN fingerprint TEXT;";

/*
 * Version 11: the inbox sorts by applicant (inbox.c, STORE_SORT_APPLICANT).
 * A Vietnamese name sorts by its given name, the last word, which no index
 * on applicant_name can give; so `name_key` is derived in C like `search`
 * and `due_key` (store_name_key() in dossiers.c) and indexed with due_key,
 * the order within one name.  The rows already stored get theirs here,
 * from the SQL function motcua_name_key() that store.c registers before
 * it migrates (the fold is C's; doing it in SQL keeps the backfill inside
 * this migration's transaction, so a store is never at version 11 with
 * its keys missing).  A repair fills the column again the same way.
 */
static const char schema_v11[] =
	"ALTER TABLE dossiers ADD COLUMN name_key TEXT NOT NULL DEFAULT '';"
	"UPDATE dossiers SET name_key = motcua_name_key(applicant_name, applicant_kind);"
	"CREATE INDEX dossiers_name ON dossiers(name_key, due_key);";

/*
 * Version 12: the search index merges its segments eight at a time, not
 * four, and writes leaves of up to 16,000 bytes, not 1,000 (FTS5's
 * `automerge` and `pgsz`; the store's pages are 16 KB).  A batch of new
 * dossiers becomes one segment at its commit; with four, merging them was
 * about a quarter of applying a batch.  Filling 100,000 went from
 * 21,200-22,100 to 24,300-24,400 dossiers a second (bench_store); the search
 * keystroke p95 from 4.6-4.7 to 5.3-5.5 ms at 100,000 dossiers and 8.4 ms
 * at 1,000,000 either way (narrowing, inbox.c, answers most keystrokes
 * without the index).  Existing segments keep their leaves.
 */
static const char schema_v12[] =
	"INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('automerge', 8);"
	"INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('pgsz', 16000);";

static const struct migration migrations[] = {
	{1, "dossiers, children, trigram search, sync state, traffic", schema_v1},
	{2, "outbox", schema_v2},
	{3, "audit log, sealed ID numbers", schema_v3},
	{4, "keyed audit chain", schema_v4},
	{5, "audit anchors: the server's receipt, its refusal", schema_v5},
	{6, "the total each system reported", schema_v6},
	{7, "the detail on demand: payment channel, receipts, its age", schema_v7},
	{8, "what the local due dates were computed from", schema_v8},
	{9, "new rows indexed for search once per batch", schema_v9},
	{10, "what each system was last read with", schema_v10},
	{11, "the applicant sort key", schema_v11},
	{12, "search index segments merged eight at a time", schema_v12},
};

#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

int
store_schema_latest(void)
{
	return migrations[N_MIGRATIONS - 1].version;
}

static int
user_version(struct store *s, int *v)
{
	sqlite3_stmt *st = store_stmt(s, "PRAGMA user_version");
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, "reading the schema version");
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
store_schema_version(struct store *s)
{
	int v = -1;

	if (user_version(s, &v) != 0)
		return -1;
	return v;
}

int
store_schema_migrate(struct store *s)
{
	int v;
	char pragma[64];

	if (user_version(s, &v) != 0)
		return -1;
	if (v == store_schema_latest())
		return 0;
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (user_version(s, &v) != 0)
		goto fail;
	if (v > store_schema_latest()) {
		store_failf(s, "written by a newer motcua (schema %d, this build knows %d); "
			    "left unchanged", v, store_schema_latest());
		s->last_fault = STORE_FAULT_FOREIGN;
		goto fail;
	}
	for (size_t i = 0; i < N_MIGRATIONS; i++) {
		const struct migration *m = &migrations[i];

		if (m->version <= v)
			continue;
		if (sqlite3_exec(s->db, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
			store_failf(s, "schema migration %d (%s) failed: %s", m->version,
				    m->what, sqlite3_errmsg(s->db));
			store_note_failure(s); /* full, read-only, damaged: said as such */
			goto fail;
		}
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", store_schema_latest());
	if (store_exec(s, pragma) != 0)
		goto fail;
	if (store_exec(s, "COMMIT") != 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
