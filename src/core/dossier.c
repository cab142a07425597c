/*
 * dossier.c - lifecycle and small helpers of the dossier model.
 */
#include "core/dossier.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void
dossier_init(struct dossier *d)
{
	memset(d, 0, sizeof *d);
}

void
dossier_release(struct dossier *d)
{
	free(d->code);
	free(d->source);
	free(d->procedure_code);
	free(d->procedure_name);
	free(d->field_code);
	free(d->field_name);
	free(d->applicant_name);
	xfree_secret(d->applicant_id);
	free(d->area);
	free(d->summary);
	free(d->unit);
	free(d->raw_status);
	free(d->version);
	for (size_t i = 0; i < d->n_fees; i++) {
		free(d->fees[i].code);
		free(d->fees[i].name);
	}
	free(d->fees);
	for (size_t i = 0; i < d->n_attachments; i++) {
		free(d->attachments[i].id);
		free(d->attachments[i].name);
		free(d->attachments[i].component_code);
		free(d->attachments[i].url);
	}
	free(d->attachments);
	for (size_t i = 0; i < d->n_history; i++) {
		free(d->history[i].actor);
		free(d->history[i].unit);
		free(d->history[i].content);
	}
	free(d->history);
	for (size_t i = 0; i < d->n_supplements; i++)
		free(d->supplements[i].reason);
	free(d->supplements);
	free(d->payment_channel);
	for (size_t i = 0; i < d->n_receipts; i++) {
		free(d->receipts[i].number);
		free(d->receipts[i].series);
		free(d->receipts[i].issuer);
	}
	free(d->receipts);
	memset(d, 0, sizeof *d);
}

#define DUP(f) dst->f = xstrdup_or_null(src->f)

void
dossier_copy(struct dossier *dst, const struct dossier *src)
{
	*dst = *src;
	DUP(code);
	DUP(source);
	DUP(procedure_code);
	DUP(procedure_name);
	DUP(field_code);
	DUP(field_name);
	DUP(applicant_name);
	DUP(applicant_id);
	DUP(area);
	DUP(summary);
	DUP(unit);
	DUP(raw_status);
	DUP(version);
	DUP(payment_channel);
	dst->receipts = NULL;
	dst->n_receipts = 0;
	dst->fees = NULL;
	dst->attachments = NULL;
	dst->history = NULL;
	dst->supplements = NULL;
	dst->n_fees = dst->n_attachments = dst->n_history = dst->n_supplements = 0;
	for (size_t i = 0; i < src->n_fees; i++)
		dossier_add_fee(dst, src->fees[i].code, src->fees[i].name, src->fees[i].amount);
	for (size_t i = 0; i < src->n_attachments; i++) {
		const struct dossier_attachment *a = &src->attachments[i];
		dossier_add_attachment(dst, a->id, a->name, a->component_code, a->url, a->size);
	}
	for (size_t i = 0; i < src->n_history; i++) {
		const struct dossier_event *e = &src->history[i];
		dossier_add_event(dst, e->at, e->actor, e->unit, e->content, e->status);
	}
	for (size_t i = 0; i < src->n_supplements; i++) {
		const struct dossier_supplement *s = &src->supplements[i];
		dossier_add_supplement(dst, s->requested_at, s->completed_at, s->reason);
	}
	for (size_t i = 0; i < src->n_receipts; i++) {
		const struct dossier_receipt *r = &src->receipts[i];
		dossier_add_receipt(dst, r->number, r->series, r->issuer, r->amount, r->issued_at);
	}
}

#undef DUP

struct dossier_fee *
dossier_add_fee(struct dossier *d, const char *code, const char *name, int64_t amount)
{
	struct dossier_fee *f;
	d->fees = xreallocarray(d->fees, d->n_fees + 1, sizeof *d->fees);
	f = &d->fees[d->n_fees++];
	f->code = xstrdup_or_null(code);
	f->name = xstrdup_or_null(name);
	f->amount = amount;
	return f;
}

struct dossier_attachment *
dossier_add_attachment(struct dossier *d, const char *id, const char *name,
		       const char *component, const char *url, int64_t size)
{
	struct dossier_attachment *a;
	d->attachments = xreallocarray(d->attachments, d->n_attachments + 1, sizeof *a);
	a = &d->attachments[d->n_attachments++];
	a->id = xstrdup_or_null(id);
	a->name = xstrdup_or_null(name);
	a->component_code = xstrdup_or_null(component);
	a->url = xstrdup_or_null(url);
	a->size = size;
	return a;
}

void
dossier_keep_lists(struct dossier *d, const struct dossier *from)
{
	unsigned absent = d->lists_absent;

	if ((absent & DOSSIER_LIST_HISTORY) != 0 && d->n_history == 0)
		for (size_t i = 0; i < from->n_history; i++) {
			const struct dossier_event *e = &from->history[i];
			dossier_add_event(d, e->at, e->actor, e->unit, e->content, e->status);
		}
	if ((absent & DOSSIER_LIST_ATTACHMENTS) != 0 && d->n_attachments == 0)
		for (size_t i = 0; i < from->n_attachments; i++) {
			const struct dossier_attachment *a = &from->attachments[i];
			dossier_add_attachment(d, a->id, a->name, a->component_code, a->url,
					       a->size);
		}
	if ((absent & DOSSIER_LIST_FEES) != 0 && d->n_fees == 0)
		for (size_t i = 0; i < from->n_fees; i++)
			dossier_add_fee(d, from->fees[i].code, from->fees[i].name,
					from->fees[i].amount);
	if ((absent & DOSSIER_LIST_SUPPLEMENTS) != 0 && d->n_supplements == 0)
		for (size_t i = 0; i < from->n_supplements; i++) {
			const struct dossier_supplement *s = &from->supplements[i];
			dossier_add_supplement(d, s->requested_at, s->completed_at, s->reason);
		}
	if ((absent & DOSSIER_LIST_PAYMENT) != 0 && d->n_receipts == 0) {
		/* a record silent on the payment does not undo what a detail said */
		if ((d->payment == PAYMENT_NONE || d->payment == PAYMENT_UNKNOWN) &&
		    from->detail_at != 0 && from->payment != PAYMENT_NONE)
			d->payment = from->payment;
		if (d->payment_channel == NULL)
			d->payment_channel = xstrdup_or_null(from->payment_channel);
		for (size_t i = 0; i < from->n_receipts; i++) {
			const struct dossier_receipt *r = &from->receipts[i];
			dossier_add_receipt(d, r->number, r->series, r->issuer, r->amount,
					    r->issued_at);
		}
	}
	d->lists_absent = 0;
}

struct dossier_receipt *
dossier_add_receipt(struct dossier *d, const char *number, const char *series, const char *issuer,
		    int64_t amount, mc_time issued_at)
{
	struct dossier_receipt *r;
	d->receipts = xreallocarray(d->receipts, d->n_receipts + 1, sizeof *r);
	r = &d->receipts[d->n_receipts++];
	r->number = xstrdup_or_null(number);
	r->series = xstrdup_or_null(series);
	r->issuer = xstrdup_or_null(issuer);
	r->amount = amount;
	r->issued_at = issued_at;
	return r;
}

struct dossier_event *
dossier_add_event(struct dossier *d, mc_time at, const char *actor, const char *unit,
		  const char *content, int status)
{
	struct dossier_event *e;
	d->history = xreallocarray(d->history, d->n_history + 1, sizeof *e);
	e = &d->history[d->n_history++];
	e->at = at;
	e->actor = xstrdup_or_null(actor);
	e->unit = xstrdup_or_null(unit);
	e->content = xstrdup_or_null(content);
	e->status = status;
	return e;
}

struct dossier_supplement *
dossier_add_supplement(struct dossier *d, mc_time requested_at, mc_time completed_at,
		       const char *reason)
{
	struct dossier_supplement *s;
	d->supplements = xreallocarray(d->supplements, d->n_supplements + 1, sizeof *s);
	s = &d->supplements[d->n_supplements++];
	s->requested_at = requested_at;
	s->completed_at = completed_at;
	s->reason = xstrdup_or_null(reason);
	return s;
}

int
dossier_status_mismatch(const struct dossier *d)
{
	return d->coord_status != 0 && d->coord_status != d->status;
}

int64_t
dossier_fees_total(const struct dossier *d)
{
	int64_t sum = 0;
	for (size_t i = 0; i < d->n_fees; i++)
		sum += d->fees[i].amount;
	return sum;
}

char *
dossier_mask_id(const char *id, char *buf, size_t size)
{
	size_t len, full, i;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (id == NULL)
		return buf;
	/* Decide what to hide from the whole ID, so a short buffer never reveals more. */
	full = len = strlen(id);
	if (len >= size)
		len = size - 1;
	for (i = 0; i < len; i++)
		buf[i] = (full > 4 && i < full - 4) ? '*' : id[i];
	buf[len] = '\0';
	return buf;
}

bool
dossier_source_name_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

struct dossier_supplement *
dossier_supplements_completed(const struct dossier *d, mc_time at)
{
	struct dossier_supplement *sup;

	if (d->n_supplements == 0)
		return NULL;
	sup = xreallocarray(NULL, d->n_supplements, sizeof *sup);
	memcpy(sup, d->supplements, d->n_supplements * sizeof *sup);
	for (size_t i = 0; i < d->n_supplements; i++)
		if (sup[i].requested_at != 0 && sup[i].completed_at == 0)
			sup[i].completed_at = at > sup[i].requested_at ? at : sup[i].requested_at;
	return sup;
}
