/*
 * generic_read.c - reading one record of a profile system (generic_int.h):
 * a member at a dotted path as text, a date in the profile's format, a
 * status through its map, and the lists the profile maps (history,
 * attachments, fees, receipts, payment).  The paging and the actions stay
 * in generic.c.  No I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/generic_int.h"
#include "sources/profile.h"
#include "sources/source_int.h"

int
generic_status_of(const struct source_profile *p, const char *raw)
{
	for (size_t i = 0; raw != NULL && i < p->n_status; i++)
		if (strcmp(p->st_raw[i], raw) == 0)
			return p->st_code[i];
	return 0;
}

/* The member at a dotted path: read through src_rd on its parent object. */
char *
generic_path_str(struct src_rd *rd, json_t *item, const char *path, size_t max, bool required)
{
	const char *dot;
	char parent[128];
	json_t *obj = item;

	if (path == NULL)
		return NULL;
	dot = strrchr(path, '.');
	if (dot != NULL) {
		snprintf(parent, sizeof parent, "%.*s", (int)(dot - path), path);
		obj = src_path(item, parent);
		if (!json_is_object(obj)) {
			if (required)
				src_rd_fail(rd, path, "missing");
			return NULL;
		}
	}
	return src_str(rd, obj, dot != NULL ? dot + 1 : path, max, required, true);
}

mc_time
generic_path_date(struct src_rd *rd, json_t *item, const char *path, int fmt)
{
	const char *dot;
	char parent[128];
	json_t *obj = item;

	if (path == NULL)
		return 0;
	dot = strrchr(path, '.');
	if (dot != NULL) {
		snprintf(parent, sizeof parent, "%.*s", (int)(dot - path), path);
		obj = src_path(item, parent);
		if (obj == NULL)
			return 0;
	}
	return src_date(rd, obj, dot != NULL ? dot + 1 : path, (enum src_date_fmt)fmt, false);
}

/* An amount or a size at a dotted path: an integer or a string of digits. */
static int64_t
path_int(struct src_rd *rd, json_t *e, const char *path, bool required)
{
	const char *dot;
	char parent[128];
	json_t *obj = e;
	int64_t v = required ? 0 : -1;

	if (path == NULL)
		return -1;
	dot = strrchr(path, '.');
	if (dot != NULL) {
		snprintf(parent, sizeof parent, "%.*s", (int)(dot - path), path);
		obj = src_path(e, parent);
	}
	if (!src_int(rd, obj, dot != NULL ? dot + 1 : path, true, required, &v))
		return required ? 0 : -1;
	if (!rd->bad && v < 0)
		src_rd_fail(rd, path, "negative");
	return v;
}

/* The array of a mapped list in dossier o, marking it absent when o does
 * not carry it (the store keeps what it had). */
static json_t *
list_of(const struct profile_list *l, struct src_rd *rd, json_t *o, struct dossier *d,
	unsigned bit)
{
	json_t *a = l->items != NULL ? src_path(o, l->items) : NULL;

	if (a == NULL || json_is_null(a)) {
		d->lists_absent |= bit;
		return NULL;
	}
	if (!json_is_array(a))
		src_rd_fail(rd, l->items, "not a list");
	else if (json_array_size(a) > SRC_MAX_LIST)
		src_rd_fail(rd, l->items, "list too long");
	return rd->bad ? NULL : a;
}

/* The lists the profile maps ("lists"); the others stay as the store has them. */
void
generic_read_lists(const struct source_profile *p, struct src_rd *rd, json_t *o, struct dossier *d)
{
	const struct profile_list *L = p->lists;
	const int fmt = p->date_fmt;
	json_t *a, *e;
	size_t i;

	if ((a = list_of(&L[PROFILE_LIST_HISTORY], rd, o, d, DOSSIER_LIST_HISTORY)) != NULL)
		json_array_foreach(a, i, e) {
			char *const *m = L[PROFILE_LIST_HISTORY].member;
			mc_time at = generic_path_date(rd, e, m[0], fmt);
			char *actor = generic_path_str(rd, e, m[1], SRC_MAX_SHORT, false);
			char *unit = generic_path_str(rd, e, m[2], SRC_MAX_SHORT, false);
			char *content = generic_path_str(rd, e, m[3], SRC_MAX_TEXT, false);
			char *st = generic_path_str(rd, e, m[4], SRC_MAX_SHORT, false);
			if (!rd->bad && at == 0)
				src_rd_fail(rd, m[0], "missing");
			if (!rd->bad)
				dossier_add_event(d, at, actor, unit, content, generic_status_of(p, st));
			free(actor);
			free(unit);
			free(content);
			free(st);
		}
	if ((a = list_of(&L[PROFILE_LIST_ATTACHMENTS], rd, o, d, DOSSIER_LIST_ATTACHMENTS)) !=
	    NULL)
		json_array_foreach(a, i, e) {
			char *const *m = L[PROFILE_LIST_ATTACHMENTS].member;
			char *id = generic_path_str(rd, e, m[0], SRC_MAX_CODE, true);
			char *name = generic_path_str(rd, e, m[1], SRC_MAX_SHORT, false);
			char *comp = generic_path_str(rd, e, m[2], SRC_MAX_CODE, false);
			char *url = generic_path_str(rd, e, m[3], SRC_MAX_URL, false);
			int64_t size = path_int(rd, e, m[4], false);
			if (!rd->bad)
				dossier_add_attachment(d, id, name, comp, url, size);
			free(id);
			free(name);
			free(comp);
			free(url);
		}
	if ((a = list_of(&L[PROFILE_LIST_FEES], rd, o, d, DOSSIER_LIST_FEES)) != NULL)
		json_array_foreach(a, i, e) {
			char *const *m = L[PROFILE_LIST_FEES].member;
			char *code = generic_path_str(rd, e, m[0], SRC_MAX_CODE, false);
			char *name = generic_path_str(rd, e, m[1], SRC_MAX_SHORT, false);
			int64_t amount = path_int(rd, e, m[2], true);
			if (!rd->bad)
				dossier_add_fee(d, code, name, amount);
			free(code);
			free(name);
		}
	if ((a = list_of(&L[PROFILE_LIST_RECEIPTS], rd, o, d, DOSSIER_LIST_PAYMENT)) != NULL)
		json_array_foreach(a, i, e) {
			char *const *m = L[PROFILE_LIST_RECEIPTS].member;
			char *number = generic_path_str(rd, e, m[0], SRC_MAX_CODE, true);
			char *series = generic_path_str(rd, e, m[1], SRC_MAX_CODE, false);
			char *issuer = generic_path_str(rd, e, m[2], SRC_MAX_SHORT, false);
			int64_t amount = path_int(rd, e, m[3], false);
			mc_time at = generic_path_date(rd, e, m[4], fmt);
			if (!rd->bad)
				dossier_add_receipt(d, number, series, issuer, amount < 0 ? 0 : amount,
						    at);
			free(number);
			free(series);
			free(issuer);
		}
	/* the payment state: the system's word through lists.payment.values; a
	 * value not listed is "unknown" when fees are owed, never "nothing due" */
	d->payment = dossier_fees_total(d) > 0 ? PAYMENT_UNKNOWN : PAYMENT_NONE;
	if (p->payment.state != NULL) {
		char *st = generic_path_str(rd, o, p->payment.state, SRC_MAX_SHORT, false);
		for (size_t k = 0; st != NULL && k < p->payment.n; k++)
			if (strcmp(p->payment.raw[k], st) == 0)
				d->payment = p->payment.value[k];
		free(st);
	}
	d->payment_channel = generic_path_str(rd, o, p->payment.channel, SRC_MAX_SHORT, false);
	if (p->lists[PROFILE_LIST_RECEIPTS].items == NULL && d->payment_channel == NULL)
		d->lists_absent |= DOSSIER_LIST_PAYMENT;
}

