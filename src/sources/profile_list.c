/*
 * profile_list.c - the "lists" of a profile (profile.h, doc/sources.md):
 * where a dossier's history, attachments, fees and receipts are in a
 * system's record, what their members are called, and what its payment
 * states mean.  Checked like every other part of a profile: an unknown
 * key, a path that is not a.b.c or a value out of range is refused with
 * "PATH: lists.KIND.key: problem".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "sources/profile_int.h"
#include "sources/source_int.h"

static const char *const kind_names[PROFILE_LIST_COUNT] = {"history", "attachments", "fees",
							   "receipts"};

const char *const profile_list_members[PROFILE_LIST_COUNT][PROFILE_LIST_MEMBERS] = {
	{"at", "actor", "unit", "content", "status"},
	{"id", "name", "component", "url", "size"},
	{"code", "name", "amount", NULL, NULL},
	{"number", "series", "issuer", "amount", "issued_at"},
};

/* The member each kind cannot do without. */
static const char *const required_member[PROFILE_LIST_COUNT] = {"at", "id", "amount", "number"};

static const struct {
	const char *name;
	int value;
} payment_names[] = {
	{"none", PAYMENT_NONE},       {"paid", PAYMENT_PAID},	    {"unknown", PAYMENT_UNKNOWN},
	{"pending", PAYMENT_PENDING}, {"failed", PAYMENT_FAILED},
};

static bool
path_value_ok(json_t *v)
{
	const char *s = json_string_value(v);
	return s != NULL && strlen(s) == json_string_length(v) && profile_ident_ok(s, true);
}

static int
read_list(struct source_profile *p, int kind, json_t *o, char **cause)
{
	struct profile_list *l = &p->lists[kind];
	const char *k;
	json_t *v;

	if (!json_is_object(o)) {
		*cause = profile_fail(p->path, "lists.%s: must be an object", kind_names[kind]);
		return -1;
	}
	json_object_foreach(o, k, v) {
		int m = 0;
		if (profile_is_comment(k))
			continue;
		if (!path_value_ok(v)) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(p->path, "lists.%s.%s: must be a field path like a.b",
					      kind_names[kind], safe);
			return -1;
		}
		if (strcmp(k, "items") == 0) {
			l->items = xstrdup(json_string_value(v));
			continue;
		}
		while (m < PROFILE_LIST_MEMBERS && (profile_list_members[kind][m] == NULL ||
						    strcmp(profile_list_members[kind][m], k) != 0))
			m++;
		if (m == PROFILE_LIST_MEMBERS) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(p->path, "lists.%s: unknown key \"%s\"", kind_names[kind],
					      safe);
			return -1;
		}
		l->member[m] = xstrdup(json_string_value(v));
	}
	if (l->items == NULL) {
		*cause = profile_fail(p->path, "lists.%s.items: required (where the list is)",
				      kind_names[kind]);
		return -1;
	}
	for (int m = 0; m < PROFILE_LIST_MEMBERS; m++)
		if (profile_list_members[kind][m] != NULL &&
		    strcmp(profile_list_members[kind][m], required_member[kind]) == 0 &&
		    l->member[m] == NULL) {
			*cause = profile_fail(p->path, "lists.%s.%s: required", kind_names[kind],
					      required_member[kind]);
			return -1;
		}
	return 0;
}

static int
read_payment(struct source_profile *p, json_t *o, char **cause)
{
	struct profile_payment *pay = &p->payment;
	json_t *values = json_object_get(o, "values");
	const char *k;
	json_t *v;

	if (!json_is_object(o)) {
		*cause = profile_fail(p->path, "lists.payment: must be an object");
		return -1;
	}
	json_object_foreach(o, k, v) {
		if (profile_is_comment(k) || strcmp(k, "values") == 0)
			continue;
		if (strcmp(k, "state") != 0 && strcmp(k, "channel") != 0) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(p->path, "lists.payment: unknown key \"%s\"", safe);
			return -1;
		}
		if (!path_value_ok(v)) {
			*cause = profile_fail(p->path, "lists.payment.%s: must be a field path like a.b",
					      k);
			return -1;
		}
		*(strcmp(k, "state") == 0 ? &pay->state : &pay->channel) =
			xstrdup(json_string_value(v));
	}
	if (pay->state != NULL &&
	    (!json_is_object(values) || json_object_size(values) == 0 ||
	     json_object_size(values) > 50)) {
		*cause = profile_fail(p->path, "lists.payment.values: required with state: the "
					       "system's values -> paid, pending, failed, none, unknown");
		return -1;
	}
	if (values == NULL)
		return 0;
	if (!json_is_object(values) || json_object_size(values) > 50) {
		*cause = profile_fail(p->path, "lists.payment.values: must be an object");
		return -1;
	}
	pay->raw = xcalloc(json_object_size(values), sizeof *pay->raw);
	pay->value = xcalloc(json_object_size(values), sizeof *pay->value);
	json_object_foreach(values, k, v) {
		const char *s = json_string_value(v);
		size_t i = 0;
		if (profile_is_comment(k))
			continue;
		while (s != NULL && i < sizeof payment_names / sizeof payment_names[0] &&
		       strcmp(payment_names[i].name, s) != 0)
			i++;
		if (s == NULL || i == sizeof payment_names / sizeof payment_names[0] ||
		    strlen(k) > SRC_MAX_SHORT) {
			*cause = profile_fail(p->path, "lists.payment.values: every value must be "
						       "paid, pending, failed, none or unknown");
			return -1;
		}
		pay->raw[pay->n] = xstrdup(k);
		pay->value[pay->n++] = payment_names[i].value;
	}
	return 0;
}

int
profile_read_lists(struct source_profile *p, json_t *lists, char **cause)
{
	const char *k;
	json_t *v;

	if (!json_is_object(lists)) {
		*cause = profile_fail(p->path, "lists: must be an object");
		return -1;
	}
	json_object_foreach(lists, k, v) {
		int kind = 0;
		if (profile_is_comment(k))
			continue;
		if (strcmp(k, "payment") == 0) {
			if (read_payment(p, v, cause) != 0)
				return -1;
			continue;
		}
		while (kind < PROFILE_LIST_COUNT && strcmp(kind_names[kind], k) != 0)
			kind++;
		if (kind == PROFILE_LIST_COUNT) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(p->path, "lists: unknown key \"%s\" (history, "
						       "attachments, fees, receipts, payment)",
					      safe);
			return -1;
		}
		if (read_list(p, kind, v, cause) != 0)
			return -1;
	}
	return 0;
}

void
profile_lists_free(struct source_profile *p)
{
	for (int k = 0; k < PROFILE_LIST_COUNT; k++) {
		free(p->lists[k].items);
		for (int m = 0; m < PROFILE_LIST_MEMBERS; m++)
			free(p->lists[k].member[m]);
	}
	free(p->payment.state);
	free(p->payment.channel);
	for (size_t i = 0; i < p->payment.n; i++)
		free(p->payment.raw[i]);
	free(p->payment.raw);
	free(p->payment.value);
}
