/*
 * words.c - the sentences for the codes of the layers below (words.h).
 * The msgids are English; locale/vi.po holds the Vietnamese.
 */
#include "ui/words.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/status.h"
#include "core/visible.h"
#include "ui/i18n.h"

const char *
words_action(enum action a)
{
	const char *s = ui_i18n_pick(action_label_vi(a), action_label_en(a));

	return s != NULL ? s : "?";
}

const char *
words_status(int status)
{
	const char *s = ui_i18n_pick(status_label_vi(status), status_label_en(status));

	return s != NULL ? s : "?";
}

/* The sentence for a code: its msgid and what its one %s stands for. */
enum arg { ARG_NONE = 0, ARG_SYSTEM, ARG_FIELD };
struct pattern {
	const char *msgid;
	enum arg arg;
};

#define P(text, arg) ((struct pattern){(text), (arg)})

static struct pattern
pattern(enum mc_errc code)
{
	switch (code) {
	case MC_OK:
		return P(N_("no error"), ARG_NONE);
	case MC_E_NETWORK:
		return P(N_("%s cannot be reached"), ARG_SYSTEM);
	case MC_E_HTTP:
		return P(N_("%s answered with an unexpected error"), ARG_SYSTEM);
	case MC_E_UNAVAILABLE:
		return P(N_("%s is not working right now; it will be tried again"), ARG_SYSTEM);
	case MC_E_SIGNED_OUT:
		return P(N_("not signed in: sign in again (queued work is kept)"), ARG_NONE);
	case MC_E_TOKEN:
		return P(N_("the sign-in gave no access to %s"), ARG_SYSTEM);
	case MC_E_TOKEN_REFUSED:
		return P(N_("%s refused our sign-in; it will be tried again"), ARG_SYSTEM);
	case MC_E_ACCESS_REFUSED:
		return P(N_("%s refused access"), ARG_SYSTEM);
	case MC_E_LOGIN:
		return P(N_("%s refused its session login"), ARG_SYSTEM);
	case MC_E_REPLY:
		return P(N_("%s answered in a form motcua cannot read"), ARG_SYSTEM);
	case MC_E_FEED_STUCK:
		return P(N_("%s keeps sending the same page; the pull stopped"), ARG_SYSTEM);
	case MC_E_TOO_MANY_PAGES:
		return P(N_("%s has more than one pull can take; the rest comes next time"), ARG_SYSTEM);
	case MC_E_TIME_LIMIT:
		return P(N_("%s was too slow: the pull stopped at its time limit; the rest comes "
			    "next time"),
			 ARG_SYSTEM);
	case MC_E_NO_CONNECTOR:
		return P(N_("no system is set up: sign in once, or add a profile to sources.d"), ARG_NONE);
	case MC_E_NOT_CONFIGURED:
		return P(N_("system %s is not set up on this terminal"), ARG_SYSTEM);
	case MC_E_NO_URL:
		return P(N_("system %s has no address (base_url)"), ARG_SYSTEM);
	case MC_E_CANCELLED:
		return P(N_("cancelled"), ARG_NONE);
	case MC_E_REFUSED:
		return P(N_("%s refused it"), ARG_SYSTEM);
	case MC_E_CONFLICT:
		return P(N_("the dossier changed at %s: re-apply or drop it"), ARG_SYSTEM);
	case MC_E_UNSUPPORTED:
		return P(N_("%s cannot do this"), ARG_SYSTEM);
	case MC_E_STORE:
		return P(N_("the local store failed"), ARG_NONE);
	case MC_E_STORE_DAMAGED:
		return P(N_("the local store '%s' is damaged: nothing more is written to it and "
			    "what it holds is kept; repair it with motcua doctor"),
			 ARG_FIELD);
	case MC_E_STORE_MISSING:
		return P(N_("the local store '%s' is missing or empty, yet this terminal still "
			    "holds its data key: what it held (the queue, the audit log) is gone, "
			    "so no new one is made silently; motcua doctor can make a new, empty "
			    "one"),
			 ARG_FIELD);
	case MC_E_READ_ONLY:
		return P(N_("'%s' is on a read-only disk or is read-only: nothing can be saved"),
			 ARG_FIELD);
	case MC_E_DISK_FULL:
		return P(N_("the disk holding '%s' is full: nothing can be saved until space is "
			    "freed (nothing was lost)"),
			 ARG_FIELD);
	case MC_E_PERMISSION:
		return P(N_("no permission to write '%s'"), ARG_FIELD);
	case MC_E_FILE:
		return P(N_("cannot read the file '%s'"), ARG_FIELD);
	case MC_E_NOT_FILE:
		return P(N_("'%s' is not a regular file"), ARG_FIELD);
	case MC_E_CONFIG:
		return P(N_("the configuration %s is not right"), ARG_FIELD);
	case MC_E_INTERNAL:
		return P(N_("something went wrong"), ARG_NONE);
	case MC_E_UNKNOWN_ACTION:
		return P(N_("there is no action '%s'"), ARG_FIELD);
	case MC_E_NO_DOSSIER:
		return P(N_("dossier %s is not on this terminal yet: sync first"), ARG_FIELD);
	case MC_E_NOT_ALLOWED:
	case MC_E_NOT_ALLOWED_SERVER:
	case MC_E_NEED_REASON:
	case MC_E_BLOCKED:
		return P(NULL, ARG_NONE); /* worded with the action or the status */
	case MC_E_NEED_TARGET:
		return P(N_("forwarding needs the receiving unit"), ARG_NONE);
	case MC_E_NO_ENTRY:
		return P(N_("there is no queue entry #%s"), ARG_FIELD);
	case MC_E_ENTRY_STATE:
		return P(N_("queue entry #%s is not a conflict or a refusal"), ARG_FIELD);
	case MC_E_ENTRY_SENT:
		return P(N_("queue entry #%s was already sent and cannot be taken back"), ARG_FIELD);
	case MC_E_FILE_CHANGED:
		return P(N_("the result file '%s' changed after it was queued"), ARG_FIELD);
	case MC_E_EMPTY_FILE:
		return P(N_("the result file '%s' is empty"), ARG_FIELD);
	case MC_E_FOREIGN_URL:
		return P(N_("%s pointed to another server; not followed"), ARG_SYSTEM);
	case MC_E_NEED_FILE:
		return P(N_("returning a result needs at least one result file"), ARG_NONE);
	case MC_E_SAME_NAME:
		return P(N_("two result files are both named '%s'"), ARG_FIELD);
	case MC_E_PREVIOUS_DROPPED:
		return P(N_("the action queued before it was dropped: re-apply or drop this one"),
			 ARG_NONE);
	case MC_E_TOO_LARGE:
		return P(NULL, ARG_NONE); /* worded with the limit */
	case MC_E_PIN:
		return P(N_("a PIN is 4 to 12 digits"), ARG_NONE);
	case MC_E_INSECURE:
		return P(N_("%s: refused: its address is plain http:// to another machine; "
			    "only https:// leaves this one"),
			 ARG_SYSTEM);
	case MC_E_TLS_UNTRUSTED:
		return P(N_("%s: its certificate is not from an authority trusted here "
			    "(support: add that CA with tls.ca_file in config.json)"),
			 ARG_SYSTEM);
	case MC_E_TLS_EXPIRED:
		return P(N_("%s: its certificate has expired or is not valid yet"), ARG_SYSTEM);
	case MC_E_TLS_NAME:
		return P(N_("%s: its certificate was issued for another address"), ARG_SYSTEM);
	case MC_E_TLS_PIN:
		return P(N_("%s: its key is not the one pinned in config.json (tls.systems)"),
			 ARG_SYSTEM);
	case MC_E_TLS:
		return P(N_("%s: the secure connection failed"), ARG_SYSTEM);
	case MC_E_NOTHING_OWED:
		return P(N_("nothing is owed on dossier %s (its fees total 0 đ): no payment to "
			    "request"),
			 ARG_FIELD);
	case MC_E_EXISTS:
		return P(N_("the file '%s' exists already: give another name"), ARG_FIELD);
	case MC_E_WRITE:
		return P(N_("cannot write the file '%s'"), ARG_FIELD);
	case MC_E_NOT_DESCRIBED:
		return P(NULL, ARG_NONE); /* worded with the system and the action */
	case MC_E_BAD_FILTER:
		return P(NULL, ARG_NONE); /* worded with the token */
	case MC_E_AUDIT_DIFFERS:
		return P(N_("the server's copy of the audit log differs from this terminal's; "
			    "shipping stopped"),
			 ARG_NONE);
	case MC_E_N_CODES:
		break;
	}
	return P(N_("something went wrong"), ARG_NONE);
}

static char *
sentence(const struct mc_err *e, char *buf, size_t size, bool outside)
{
	const char *sys = e->system[0] != '\0' ? e->system : _("the system");
	struct pattern pat = pattern(e->code);
	size_t len;

	switch (e->code) {
	case MC_E_NOT_ALLOWED:
		snprintf(buf, size, _("'%s' is not possible from the status '%s' (%d)"),
			 e->field, words_status(e->status), e->status);
		break;
	case MC_E_NOT_ALLOWED_SERVER:
		snprintf(buf, size, _("'%s' is not possible from the system's status '%s' (%d)"),
			 e->field, words_status(e->status), e->status);
		break;
	case MC_E_NEED_REASON:
		snprintf(buf, size, _("'%s' needs a reason"), e->field);
		break;
	case MC_E_TOO_LARGE:
		snprintf(buf, size, _("the result file '%s' is over %d MB, the most %s takes"),
			 e->field, e->status, sys);
		break;
	case MC_E_NO_CONNECTOR:
		if (e->system[0] == '\0')
			goto plain;
		snprintf(buf, size, _("no connector or profile in sources.d speaks to %s"),
			 e->system);
		break;
	case MC_E_BAD_FILTER:
		if (strcmp(e->detail, "key") == 0)
			snprintf(buf, size, _("'%s': no such filter (tt:, nguon:, han:, ten:, ma:, tthc:)"),
				 e->field);
		else if (strcmp(e->detail, "status") == 0)
			snprintf(buf, size,
				 _("'%s': no such status (tt:moi, da-nhan, dang-xu-ly, cho-bo-sung, "
				   "cho-nop-phi, da-xong, da-tra, or 1..10)"),
				 e->field);
		else if (strcmp(e->detail, "several") == 0)
			snprintf(buf, size, _("'%s' names more than one status: type more of it"),
				 e->field);
		else if (strcmp(e->detail, "source") == 0)
			snprintf(buf, size, _("'%s': no such system on this terminal"), e->field);
		else if (strcmp(e->detail, "name") == 0)
			snprintf(buf, size,
				 _("'%s': a view's name has no spaces and at most 24 letters"),
				 e->field);
		else if (strcmp(e->detail, "due") == 0)
			snprintf(buf, size, _("'%s': han: is qua-han, sap-den-han or hom-nay"),
				 e->field);
		else
			snprintf(buf, size, _("'%s' has no value after the colon"), e->field);
		return buf;
	case MC_E_NOT_DESCRIBED:
		if (e->detail[0] != '\0')
			snprintf(buf, size,
				 _("the profile of %s (%s) does not describe the action '%s': it "
				   "cannot be sent to that system"),
				 sys, e->detail, e->field);
		else
			snprintf(buf, size,
				 _("%s cannot take the action '%s': its profile does not describe it"),
				 sys, e->field);
		return buf; /* the detail is the file: said already */
	case MC_E_BLOCKED:
		snprintf(buf, size,
			 _("dossier %s has queue entry #%s unresolved: re-apply or drop it first"),
			 e->field, e->detail);
		return buf; /* the detail is the entry: said already */
	default:
	plain:
		if (pat.arg == ARG_FIELD && e->field[0] == '\0' && e->detail[0] != '\0') {
			/* the detail names it ("PATH:LINE: ...") */
			snprintf(buf, size, "%s", e->detail);
			return buf;
		}
		if (pat.arg == ARG_FIELD)
			snprintf(buf, size, _(pat.msgid), e->field);
		else if (pat.arg == ARG_SYSTEM)
			snprintf(buf, size, _(pat.msgid), sys);
		else
			snprintf(buf, size, "%s", _(pat.msgid));
		break;
	}
	if (!outside)
		return buf;
	len = strlen(buf);
	if (e->http > 0 && len + 16 < size) {
		snprintf(buf + len, size - len, " (HTTP %d)", e->http);
		len = strlen(buf);
	}
	if (e->detail[0] != '\0' && len + 3 < size)
		snprintf(buf + len, size - len, ": %s", e->detail);
	return buf;
}

/* The field, the system and the detail quote servers, files and the
 * command line: the sentence is shown with their controls escaped
 * (core/visible.h), wherever it is printed or drawn. */
char *
words_err(const struct mc_err *e, char *buf, size_t size)
{
	return visible_in_place(sentence(e, buf, size, true), size);
}

char *
words_err_short(const struct mc_err *e, char *buf, size_t size)
{
	return visible_in_place(sentence(e, buf, size, false), size);
}

/* What a key takes, for "\"KEY\" must be ...". */
static void
expectation(const struct config_error *e, char *buf, size_t size)
{
	switch (e->expect) {
	case CONFIG_WANT_STRING:
		snprintf(buf, size, "%s", _("a non-empty text"));
		break;
	case CONFIG_WANT_NUMBER:
		snprintf(buf, size, _("a whole number from %ld to %ld"), e->min, e->max);
		break;
	case CONFIG_WANT_BOOL:
		snprintf(buf, size, "%s", _("true or false"));
		break;
	case CONFIG_WANT_URL:
		snprintf(buf, size, "%s", _("an http:// or https:// address"));
		break;
	case CONFIG_WANT_LANGUAGE:
		snprintf(buf, size, "%s", _("\"vi\" or \"en\""));
		break;
	case CONFIG_WANT_DAYS:
		snprintf(buf, size, "%s", _("a non-empty list of \"mon\" .. \"sun\""));
		break;
	case CONFIG_WANT_HOURS:
		snprintf(buf, size, "%s",
			 _("like \"07:00-11:30,13:30-17:00\" (in order, not overlapping)"));
		break;
	case CONFIG_WANT_SIGNING:
		snprintf(buf, size, "%s",
			 _("an object of pkcs11_module, token, key, remote_url, credential, tsa_url"));
		break;
	case CONFIG_WANT_BINDINGS:
		snprintf(buf, size, "%s", _("an object of action: key or [keys]"));
		break;
	case CONFIG_WANT_VIEWS:
		snprintf(buf, size, "%s",
			 _("an object of name (no spaces, at most 24 bytes): search text"));
		break;
	case CONFIG_WANT_KEY_NAMES:
		snprintf(buf, size, _("a key name or a list of up to %ld"), e->max);
		break;
	case CONFIG_WANT_TLS:
		snprintf(buf, size, "%s", _("an object of ca_file, ca_dir, systems"));
		break;
	case CONFIG_WANT_TLS_SYSTEM:
		snprintf(buf, size, "%s", _("an object of ca_file, ca_dir, pin"));
		break;
	case CONFIG_WANT_DAY_HOURS:
		snprintf(buf, size, "%s",
			 _("an object of weekdays \"mon\" .. \"sun\" and their hours, like "
			   "{\"sat\": \"07:30-11:30\"}"));
		break;
	case CONFIG_WANT_READING:
		snprintf(buf, size, "%s",
			 _("an object of calendar_days_from, lunch_break, working_days"));
		break;
	case CONFIG_WANT_CALENDAR_FROM:
		snprintf(buf, size, "%s", _("\"reception\" or \"next_day\""));
		break;
	case CONFIG_WANT_BREAK:
		snprintf(buf, size, "%s", _("\"before\" or \"after\""));
		break;
	case CONFIG_WANT_DAYS_AS:
		snprintf(buf, size, "%s", _("\"hours\" or \"day_end\""));
		break;
	case CONFIG_WANT_PIN:
		snprintf(buf, size, "%s",
			 _("\"sha256//\" and the key's base64 SHA-256 (44 characters), ';' between several"));
		break;
	case CONFIG_WANT_COLUMNS:
	case CONFIG_WANT_COLUMN_ONCE:
		snprintf(buf, size, _("a list of column names: %s"), CONFIG_COLUMN_NAMES);
		break;
	}
}

char *
words_config(const struct config_error *e, char *buf, size_t size)
{
	char where[600], what[160];

	if (e->line > 0)
		snprintf(where, sizeof where, "%s:%d", e->path, e->line);
	else
		snprintf(where, sizeof where, "%s", e->path);
	switch (e->problem) {
	case CONFIG_OK:
		snprintf(buf, size, "%s", where);
		break;
	case CONFIG_E_READ:
		snprintf(buf, size, _("%s: cannot be read: %s"), where, e->detail);
		break;
	case CONFIG_E_TOO_BIG:
		snprintf(buf, size, _("%s: larger than %ld bytes"), where, e->max);
		break;
	case CONFIG_E_JSON:
		snprintf(buf, size, _("%s: not valid JSON: %s"), where, e->detail);
		break;
	case CONFIG_E_NOT_OBJECT:
		snprintf(buf, size, _("%s: the configuration must be a JSON object"), where);
		break;
	case CONFIG_E_UNKNOWN_KEY:
		if (e->near[0] != '\0')
			snprintf(buf, size, _("%s: unknown key \"%s\" (did you mean \"%s\"?)"), where,
				 e->key, e->near);
		else
			snprintf(buf, size, _("%s: unknown key \"%s\""), where, e->key);
		break;
	case CONFIG_E_VALUE:
		if (e->expect == CONFIG_WANT_COLUMNS && e->detail[0] != '\0' && e->near[0] != '\0')
			snprintf(buf, size,
				 _("%s: \"%s\": no column is called \"%s\" (did you mean \"%s\"?); "
				   "the columns are: %s"),
				 where, e->key, e->detail, e->near, CONFIG_COLUMN_NAMES);
		else if (e->expect == CONFIG_WANT_COLUMNS && e->detail[0] != '\0')
			snprintf(buf, size,
				 _("%s: \"%s\": no column is called \"%s\"; the columns are: %s"),
				 where, e->key, e->detail, CONFIG_COLUMN_NAMES);
		else if (e->expect == CONFIG_WANT_COLUMN_ONCE)
			snprintf(buf, size, _("%s: \"%s\": the column \"%s\" is named twice"), where,
				 e->key, e->detail);
		else {
			expectation(e, what, sizeof what);
			snprintf(buf, size, _("%s: \"%s\" must be %s"), where, e->key, what);
		}
		break;
	case CONFIG_E_SYMLINK:
		snprintf(buf, size, _("%s: a symbolic link; give the file itself"), where);
		break;
	case CONFIG_E_NOT_REGULAR:
		snprintf(buf, size, _("%s: not a regular file"), where);
		break;
	case CONFIG_E_OWNER:
		snprintf(buf, size,
			 _("%s: owned by another user; only the user's own files or root's are "
			   "read"),
			 where);
		break;
	}
	return visible_in_place(buf, size); /* a path, a key, a parser's words */
}

const char *
words_kept_in(const char *kept_in)
{
	if (kept_in != NULL && strcmp(kept_in, "secret-service") == 0)
		return _("the Secret Service (it outlives this process)");
	if (kept_in != NULL && strcmp(kept_in, "kernel-keyring") == 0)
		return _("this user's kernel keyring (it outlives this process and the login "
			 "session; dropped after days without use)");
	return _("this process's memory only (it ends with the process)");
}

const char *
words_sign(enum app_sign_error e)
{
	static const char *const text[APP_SIGN_E_COUNT] = {
		[APP_SIGN_OK] = N_("signed"),
		[APP_SIGN_E_NO_MODULE] = N_("the token's PKCS#11 module cannot be loaded"),
		[APP_SIGN_E_NO_TOKEN] = N_("no signing token found: plug the token in"),
		[APP_SIGN_E_PIN_INCORRECT] = N_("wrong token PIN; nothing was signed"),
		[APP_SIGN_E_PIN_LOCKED] = N_("the token PIN is locked after too many wrong tries: "
					     "ask the certificate issuer to unlock it"),
		[APP_SIGN_E_PIN_INVALID] = N_("the PIN is not valid (empty, too long or badly "
					      "formed)"),
		[APP_SIGN_E_TOKEN_REMOVED] = N_("the token was removed while signing; nothing more "
						"was signed"),
		[APP_SIGN_E_NO_KEY] = N_("no signing key with a matching certificate"),
		[APP_SIGN_E_KEY_UNSUPPORTED] = N_("the key type or signing mechanism is not "
						  "supported"),
		[APP_SIGN_E_DEVICE] = N_("the signing token reported an error"),
		[APP_SIGN_E_CANCELLED] = N_("no PIN/OTP was entered; signing cancelled"),
		[APP_SIGN_E_UNAUTHORIZED] = N_("the remote signing service refused the sign-in: "
					       "sign in again"),
		[APP_SIGN_E_OTP_REJECTED] = N_("the OTP was wrong or expired; nothing was signed"),
		[APP_SIGN_E_REMOTE] = N_("the remote signing service refused to sign"),
		[APP_SIGN_E_OFFLINE] = N_("cannot reach the remote signing service; try again "
					  "later"),
		[APP_SIGN_E_UNAVAILABLE] = N_("the remote signing service is not working right "
					      "now; try again later"),
		[APP_SIGN_E_PROTOCOL] = N_("the remote signing service gave an unexpected answer"),
		[APP_SIGN_E_FILE] = N_("cannot read or write the file"),
		[APP_SIGN_E_CRYPTO] = N_("building the signature failed (OpenSSL)"),
		[APP_SIGN_E_TSA] = N_("no timestamp from the time-stamping authority (TSA); the "
				      "signature was not written"),
		[APP_SIGN_E_TRUST] = N_("the signing service's or the TSA's certificate is refused "
					"here; nothing was signed (support: a missing authority goes "
					"in tls.ca_file in config.json)"),
	};

	if ((unsigned)e < APP_SIGN_E_COUNT && text[e] != NULL)
		return _(text[e]);
	return _("signing failed");
}

const char *
words_signin(enum app_signin_result r)
{
	static const char *const text[] = {
		[APP_SIGNIN_OK] = N_("Signed in."),
		[APP_SIGNIN_NO_SESSION] = N_("You are not signed in."),
		[APP_SIGNIN_REVOKED] = N_("Your sign-in was ended by the provider. Please sign in "
					  "again."),
		[APP_SIGNIN_EXPIRED] = N_("The code expired before it was approved."),
		[APP_SIGNIN_DENIED] = N_("The sign-in was refused on the phone (access denied)."),
		[APP_SIGNIN_OFFLINE] = N_("The sign-in service cannot be reached. Check the "
					  "network."),
		[APP_SIGNIN_UNSUPPORTED] = N_("The sign-in service does not offer sign-in by "
					      "phone."),
		[APP_SIGNIN_UNKNOWN_SYSTEM] = N_("The sign-in service does not know this system."),
		[APP_SIGNIN_PROTOCOL] = N_("The sign-in service gave an answer that makes no "
					   "sense."),
		[APP_SIGNIN_KEYRING] = N_("The sign-in could not be kept in the keyring."),
		[APP_SIGNIN_CANCELLED] = N_("Cancelled."),
	};

	if ((size_t)r < sizeof text / sizeof text[0] && text[r] != NULL)
		return _(text[r]);
	return _("The sign-in failed.");
}

char *
words_signin_failure(enum app_signin_result r, enum mc_errc transport, const char *detail,
		     char *buf, size_t size)
{
	if (r == APP_SIGNIN_OFFLINE && transport != MC_OK && transport != MC_E_NETWORK) {
		/* not the network: the provider's certificate, or a refused address */
		struct mc_err e;

		mc_err_set(&e, transport, _("the sign-in service"), "%s",
			   detail != NULL ? detail : "");
		return words_err(&e, buf, size);
	}
	if (detail != NULL && detail[0] != '\0')
		snprintf(buf, size, "%s [%s]", words_signin(r), detail);
	else
		snprintf(buf, size, "%s", words_signin(r));
	return buf;
}

const char *
words_download(enum app_dl_error e)
{
	static const char *const text[] = {
		[APP_DL_E_NONE] = N_("unknown error"),
		[APP_DL_E_NETWORK] = N_("the connection failed; what came so far is kept"),
		[APP_DL_E_AUTH] = N_("the system refused the sign-in"),
		[APP_DL_E_GONE] = N_("the system no longer has this file"),
		[APP_DL_E_SERVER] = N_("the system answered with an error; try again later"),
		[APP_DL_E_DISK] = N_("the file could not be saved on this computer (disk full or "
				     "no permission)"),
		[APP_DL_E_CHANGED] = N_("the file changed on the system while downloading"),
		[APP_DL_E_UNSUPPORTED] = N_("this system does not offer its files for download"),
		[APP_DL_E_NO_SUCH] = N_("there is no such attachment"),
	};

	if ((size_t)e < sizeof text / sizeof text[0] && text[e] != NULL)
		return _(text[e]);
	return _(text[APP_DL_E_NONE]);
}

const char *
words_queue_state(enum store_outbox_state st)
{
	static const char *const text[STORE_OUTBOX_N_STATES] = {
		[STORE_OUTBOX_PENDING] = N_("waiting"),
		[STORE_OUTBOX_SENDING] = N_("sending"),
		[STORE_OUTBOX_DONE] = N_("sent"),
		[STORE_OUTBOX_CONFLICT] = N_("conflict"),
		[STORE_OUTBOX_FAILED] = N_("refused"),
	};

	return (unsigned)st < STORE_OUTBOX_N_STATES ? _(text[st]) : "?";
}

/* "30/04/2026" */
static char *
date_of(int32_t day, char *buf, size_t size)
{
	struct civil_date d = civil_split(civil_make_time(day, 0)).date;

	snprintf(buf, size, "%02d/%02d/%04d", d.day, d.month, d.year);
	return buf;
}

/* "09:30 30/04/2026", as the console shows instants */
static char *
instant(mc_time t, char *buf, size_t size)
{
	struct civil_time ct = civil_split(t);

	snprintf(buf, size, "%02d:%02d %02d/%02d/%04d", ct.hour, ct.minute, ct.date.day,
		 ct.date.month, ct.date.year);
	return buf;
}

/* "30/04/2026" or "30/04/2026 - 03/05/2026" */
static char *
day_span(int32_t from, int32_t to, char *buf, size_t size)
{
	char a[32], b[32];

	if (to == from)
		snprintf(buf, size, "%s", date_of(from, a, sizeof a));
	else
		snprintf(buf, size, "%s - %s", date_of(from, a, sizeof a), date_of(to, b, sizeof b));
	return buf;
}

/* "07:30-11:30, 13:30-17:00" */
static char *
periods_text(const struct worktime_day *h, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < h->n_periods && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%02d:%02d-%02d:%02d",
				 i > 0 ? ", " : "", h->periods[i].start / 60,
				 h->periods[i].start % 60, h->periods[i].end / 60,
				 h->periods[i].end % 60);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

char *
words_due_rule(const struct due_rule *r, char *buf, size_t size)
{
	char cut[64] = "";
	const char *unit;

	switch (r->unit) {
	case DEADLINE_HOURS:
		unit = r->duration == 1 ? _("working hour") : _("working hours");
		break;
	case DEADLINE_CALENDAR_DAYS:
		unit = r->duration == 1 ? _("calendar day") : _("calendar days");
		break;
	default:
		unit = r->duration == 1 ? _("working day") : _("working days");
		break;
	}
	if (r->cutoff > 0)
		snprintf(cut, sizeof cut, _(", same-day cut-off %02d:%02d"), r->cutoff / 60,
			 r->cutoff % 60);
	if (r->duration == 0)
		snprintf(buf, size, _("same day%s; supplement: %s"), cut,
			 r->supplement == DEADLINE_PAUSE ? _("the clock pauses")
							 : _("the clock restarts"));
	else
		snprintf(buf, size, _("%d %s%s; supplement: %s"), r->duration, unit, cut,
			 r->supplement == DEADLINE_PAUSE ? _("the clock pauses")
							 : _("the clock restarts"));
	return buf;
}

char *
words_due_step(const struct due_step *s, char *buf, size_t size)
{
	char a[40], b[40], span[80];

	switch (s->kind) {
	case DUE_STEP_RECEIVED:
		snprintf(buf, size, _("received %s"), instant(s->at, a, sizeof a));
		break;
	case DUE_STEP_AFTER_CUTOFF:
		snprintf(buf, size,
			 _("received after the same-day cut-off %02d:%02d: counted from the next "
			   "working day, %s"),
			 s->cutoff / 60, s->cutoff % 60, instant(s->until, a, sizeof a));
		break;
	case DUE_STEP_OUTSIDE_HOURS:
		snprintf(buf, size, _("received outside working time: counted from %s"),
			 instant(s->until, a, sizeof a));
		break;
	case DUE_STEP_START:
		snprintf(buf, size, _("the clock starts %s"), instant(s->at, a, sizeof a));
		break;
	case DUE_STEP_DAYS_OFF:
		day_span(s->day, s->day_end, span, sizeof span);
		switch (s->day_kind) {
		case DUE_DAY_WEEKEND:
			snprintf(buf, size, _("%s not counted: weekend"), span);
			break;
		case DUE_DAY_HOLIDAY:
			snprintf(buf, size, _("%s not counted: %s (public holiday)"), span,
				 s->name != NULL ? s->name : "");
			break;
		case DUE_DAY_IN_LIEU:
			snprintf(buf, size, _("%s not counted: %s (day off in lieu)"), span,
				 s->name != NULL ? s->name : "");
			break;
		case DUE_DAY_NOTICE:
			/* the document when the notice names one, else at least its file */
			if (s->source != NULL)
				snprintf(buf, size, _("%s not counted: %s (official notice: %s)"),
					 span, s->name != NULL ? s->name : "", s->source);
			else if (s->file != NULL)
				snprintf(buf, size,
					 _("%s not counted: %s (official notice of the year, %s)"),
					 span, s->name != NULL ? s->name : "", s->file);
			else
				snprintf(buf, size,
					 _("%s not counted: %s (official notice of the year)"), span,
					 s->name != NULL ? s->name : "");
			break;
		}
		break;
	case DUE_STEP_PAUSE:
		snprintf(buf, size,
			 _("supplement asked %s, received %s: the clock stood still meanwhile"),
			 instant(s->at, a, sizeof a), instant(s->until, b, sizeof b));
		break;
	case DUE_STEP_RESTART:
		snprintf(buf, size, _("supplement received %s: the full duration again from there"),
			 instant(s->at, a, sizeof a));
		break;
	case DUE_STEP_WAITING:
		snprintf(buf, size,
			 _("supplement asked %s, not received yet: no due date until it is"),
			 instant(s->at, a, sizeof a));
		break;
	case DUE_STEP_MOVED:
		snprintf(buf, size, _("%s falls on a day off or outside working time: moved to %s"),
			 instant(s->at, a, sizeof a), instant(s->until, b, sizeof b));
		break;
	case DUE_STEP_DUE:
		snprintf(buf, size, _("due %s"), instant(s->at, a, sizeof a));
		break;
	case DUE_STEP_DAY_HOURS:
		snprintf(buf, size, _("%s counted with that weekday's own working hours, %s"),
			 date_of(s->day, a, sizeof a),
			 periods_text(&s->hours, span, sizeof span));
		break;
	}
	return buf;
}

static const char *
calendar_from_words(enum deadline_calendar_from v)
{
	return v == DEADLINE_FROM_NEXT_DAY
		       ? _("calendar days counted from the day after the reception, to the end "
			   "of the last day's working hours")
		       : _("calendar days counted from the reception instant");
}

static const char *
break_words(enum deadline_break v)
{
	return v == DEADLINE_BREAK_AFTER
		       ? _("a due time in the lunch break moves to the afternoon's start")
		       : _("a due time in the lunch break stays at the morning's end");
}

static const char *
days_as_words(enum deadline_days_as v)
{
	return v == DEADLINE_DAYS_TO_DAY_END
		       ? _("working days counted to the end of the last working day")
		       : _("working days counted as N times a working day's hours");
}

char *
words_due_reading(const struct due_explanation *e, char *buf, size_t size)
{
	const struct deadline_reading *r = &e->reading;

	if (e->rule.duration == 0)
		snprintf(buf, size, "%s", "");
	else if (e->rule.unit == DEADLINE_CALENDAR_DAYS)
		snprintf(buf, size, "%s; %s", calendar_from_words(r->calendar_from),
			 break_words(r->in_break));
	else if (e->rule.unit == DEADLINE_WORKING_DAYS)
		snprintf(buf, size, "%s; %s", days_as_words(r->working_days),
			 break_words(r->in_break));
	else
		snprintf(buf, size, "%s", break_words(r->in_break));
	return buf;
}

const char *
words_due_stale(void)
{
	return _("the stored due date above differs: it was computed with another calendar, "
		 "rule or working hours; this is what they give now");
}
