/*
 * app_audit.c - the audit log for the front ends (app.h): what the clerk
 * was shown, and sign-ins, with the clerk from the sign-in (its subject,
 * else the last sign-in recorded in the store) and the purpose the clerk
 * gave.  The details name what was shown, never the value.  A record that
 * cannot be written means the data is not shown (the caller checks).
 * Shipping is the loop's (app.c, outbox/audit_ship.h).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app_int.h"
#include "app/audit_anchor.h"
#include "auth/auth.h"
#include "core/xalloc.h"
#include "store/audit.h"

/* The entry's details as JSON text the store keeps (caller frees). */
static char *
details_for(const char *kind, const char *purpose, const char *via, const struct auth_info *info)
{
	const char *v = via != NULL ? via : "cli";
	json_t *o;
	char *text;

	if (strcmp(kind, STORE_AUDIT_SIGNIN) == 0)
		o = json_pack("{s:s?,s:s?,s:s,s:s}", "name", info->name, "issuer", info->issuer,
			      "how", purpose != NULL ? purpose : "device", "via", v);
	else if (strcmp(kind, STORE_AUDIT_REVEAL_ID) == 0 || strcmp(kind, STORE_AUDIT_REVEAL) == 0)
		o = json_pack("{s:[s],s:s}", "fields", "applicant_id", "via", v);
	else
		o = json_pack("{s:s}", "via", v);
	text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	return text != NULL ? text : xstrdup("{}");
}

int
app_audit_record(struct app *a, const char *kind, const char *code, const char *purpose,
		 const char *via, struct mc_err *err)
{
	struct auth_info info;
	bool signin = strcmp(kind, STORE_AUDIT_SIGNIN) == 0;
	char *details;
	int rc;

	memset(&info, 0, sizeof info);
	mc_err_clear(err);
	if (a->have_session)
		auth_get_info(a->session.auth, &info);
	details = details_for(kind, purpose, via, &info);
	rc = store_audit_append(a->store,
				&(struct store_audit_record){
					.clerk = info.subject != NULL ? info.subject : info.name,
					.kind = kind,
					.dossier = code,
					.purpose = signin ? NULL : purpose,
					.details = details,
				},
				app_now(a), NULL);
	free(details);
	if (rc != 0)
		return mc_err_set(err, store_errc(a->store), NULL, "%s", store_errmsg(a->store));
	return 0;
}

int
app_audit_list(struct app *a, int64_t after, int64_t limit, struct store_audit_entry **out,
	       size_t *n)
{
	return store_audit_list(a->store, after, limit, out, n);
}

void
app_audit_list_free(struct store_audit_entry *v, size_t n)
{
	store_audit_list_free(v, n);
}

int
app_audit_verify(struct app *a, struct store_audit_verdict *v, struct store_audit_state *st)
{
	struct store_audit_anchor anchor;
	int found = audit_anchor_read(a->db_path, &anchor);

	if (store_audit_verify_anchored(a->store, found == 1 ? &anchor : NULL, v) != 0 ||
	    store_audit_state(a->store, st) != 0)
		return -1;
	if (found == 0) {
		/* a keyring, but no anchor yet (a log from before anchors, or one the
		 * kernel keyring forgot after days unused): anchored from here */
		v->tail = STORE_AUDIT_TAIL_NEW;
		if (v->problem == STORE_AUDIT_OK && !a->store_degraded &&
		    audit_anchor_advance(a->store, a->db_path, false) >= 0)
			(void)store_audit_anchor_get(a->store, &a->anchor_seen);
	}
	return 0;
}

const char *
app_audit_tail_name(enum store_audit_tail t)
{
	return store_audit_tail_name(t);
}

void
app_audit_anchor_follow(struct app *a)
{
	struct store_audit_anchor now;
	struct audit_ship_stats st;

	if (a->store == NULL || a->store_degraded || store_audit_anchor_get(a->store, &now) != 0)
		return;
	if (strcmp(now.chain, a->anchor_seen.chain) == 0 &&
	    now.head_seq == a->anchor_seen.head_seq &&
	    now.shipped_seq == a->anchor_seen.shipped_seq &&
	    now.refused_seq == a->anchor_seen.refused_seq)
		return;
	audit_ship_get_stats(a->ship, &st);
	(void)audit_anchor_advance(a->store, a->db_path, st.accepted);
	a->anchor_seen = now;
}

const char *
app_audit_problem_name(enum store_audit_problem p)
{
	return store_audit_problem_name(p);
}

const char *
app_audit_keying_name(enum store_audit_keying k)
{
	return store_audit_keying_name(k);
}

int
app_audit_note(struct app *a, const char *clerk, const char *kind, const char *purpose,
	       const char *details, struct mc_err *err)
{
	mc_err_clear(err);
	if (store_audit_append(a->store,
			       &(struct store_audit_record){
				       .clerk = clerk,
				       .kind = kind,
				       .purpose = purpose,
				       .details = details != NULL ? details : "{}",
			       },
			       app_now(a), NULL) != 0)
		return mc_err_set(err, store_errc(a->store), NULL, "%s", store_errmsg(a->store));
	return 0;
}
