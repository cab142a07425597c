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
