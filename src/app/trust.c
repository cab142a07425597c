/*
 * trust.c - the audit seam, audit shipping and retention for the console
 * (trust.h).
 *
 * A reveal is recorded before the number is shown, with the clerk from the
 * sign-in (auth's subject, else the last sign-in recorded in the store) and
 * the purpose the clerk typed; when the store refuses, the console does not
 * show the number.  The details name what was shown, never the value.
 */
#include "app/trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "auth/auth.h"
#include "core/xalloc.h"
#include "store/audit.h"
#include "outbox/audit_ship.h"
#include "app/privacy.h"

struct ui_trust {
	struct store *store;
	struct auth *auth;
	struct audit_ship *ship;
	int retention_days;
	struct ui_audit seam;
};

static int
trust_record(void *ctx, const char *what, const char *code, const char *purpose, char **err)
{
	struct ui_trust *t = ctx;
	struct auth_info info = {0};
	json_t *o;
	char *details;
	bool signin = strcmp(what, STORE_AUDIT_SIGNIN) == 0;
	int rc;

	*err = NULL;
	if (t->auth != NULL)
		auth_get_info(t->auth, &info);
	if (signin)
		o = json_pack("{s:s?,s:s?,s:s,s:s}", "name", info.name, "issuer", info.issuer, "how",
			      purpose != NULL ? purpose : "device", "via", "console");
	else if (strcmp(what, STORE_AUDIT_VIEW) == 0) /* the detail screen: the record, ID masked */
		o = json_pack("{s:s}", "via", "console");
	else
		o = json_pack("{s:[s],s:s}", "fields", "applicant_id", "via", "console");
	details = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	rc = store_audit_append(t->store,
				&(struct store_audit_record){
					.clerk = info.subject != NULL ? info.subject : info.name,
					.kind = what,
					.dossier = code,
					.purpose = signin ? NULL : purpose,
					.details = details,
				},
				(mc_time)time(NULL), NULL);
	free(details);
	if (rc != 0) {
		*err = xstrdup(store_errmsg(t->store));
		return -1;
	}
	return 0;
}

struct ui_trust *
ui_trust_new(const struct ui_trust_options *opt)
{
	struct ui_trust *t = xcalloc(1, sizeof *t);
	struct audit_ship_options so = {
		.store = opt->store,
		.net = opt->net,
		.tokens = opt->tokens,
		.issuer = opt->issuer,
	};

	t->store = opt->store;
	t->auth = opt->auth;
	t->retention_days = opt->retention_days;
	t->ship = audit_ship_new(&so);
	t->seam = (struct ui_audit){.record = trust_record, .ctx = t};
	return t;
}

void
ui_trust_free(struct ui_trust *t)
{
	if (t == NULL)
		return;
	audit_ship_free(t->ship);
	free(t);
}

const struct ui_audit *
ui_trust_audit(struct ui_trust *t)
{
	return t != NULL ? &t->seam : NULL;
}

bool
ui_trust_turn(struct ui_trust *t, int64_t now, bool pass_ended)
{
	int64_t purged = 0;

	if (t == NULL)
		return false;
	audit_ship_step(t->ship, (mc_time)now);
	if (pass_ended && privacy_retention(t->store, t->retention_days, (mc_time)now, &purged) != 0)
		return false; /* tried again after the next pull */
	return purged > 0;
}
