/*
 * merge.c - one dossier seen by two systems becomes one row (sync.h), and
 * its own due date.
 *
 * The handling system is the record.  The coordination system's copy only
 * tells coord_status, except while the handling system's record has not
 * arrived yet: then the copy is kept as the dossier, under the coordination
 * system's name, and the handling system's record replaces it whole when it
 * comes (keeping coord_status).  The copy never overwrites a handling
 * system's record.
 * Pure: no store, no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/outbox.h"
#include "sync/sync.h"

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* What the inbox would show differently. */
static bool
differs(const struct dossier *a, const struct dossier *b)
{
	return a->status != b->status || a->coord_status != b->coord_status ||
	       a->updated_at != b->updated_at || a->source_due_at != b->source_due_at ||
	       a->finished_at != b->finished_at || a->received_at != b->received_at ||
	       a->payment != b->payment || a->n_supplements != b->n_supplements ||
	       !str_eq(a->version, b->version) || !str_eq(a->raw_status, b->raw_status) ||
	       !str_eq(a->source, b->source) || !str_eq(a->applicant_name, b->applicant_name) ||
	       !str_eq(a->procedure_code, b->procedure_code);
}

/* Move every field of src into dst (dst released first); src is left empty. */
static void
move_dossier(struct dossier *dst, struct dossier *src)
{
	*dst = *src;
	dossier_init(src);
}

enum sync_merge_result
sync_merge(const struct dossier *existing, bool existing_is_copy, struct dossier *incoming,
	   bool from_coordination, struct dossier *out)
{
	dossier_init(out);
	if (from_coordination) {
		if (existing != NULL && !existing_is_copy) {
			if (existing->coord_status == incoming->status)
				return SYNC_MERGE_SAME;
			dossier_copy(out, existing);
			out->coord_status = incoming->status;
			return SYNC_MERGE_CHANGED;
		}
		incoming->coord_status = incoming->status;
		if (existing != NULL && !differs(existing, incoming))
			return SYNC_MERGE_SAME;
		move_dossier(out, incoming);
		return existing == NULL ? SYNC_MERGE_NEW : SYNC_MERGE_CHANGED;
	}
	incoming->coord_status = existing != NULL ? existing->coord_status : 0;
	if (existing == NULL) {
		move_dossier(out, incoming);
		return SYNC_MERGE_NEW;
	}
	if (!differs(existing, incoming))
		return SYNC_MERGE_SAME;
	/* a feed item without history or receipts must not wipe a detail's */
	if (!existing_is_copy)
		dossier_keep_lists(incoming, existing);
	move_dossier(out, incoming);
	return SYNC_MERGE_CHANGED;
}

mc_time
sync_due_at_with(const struct dossier *d, mc_time supplement_in, const struct procedures *procs,
		 struct calendar *cal, const struct worktime *wt)
{
	const struct procedure *p;
	struct dossier_supplement *sup = NULL;
	mc_time due = 0;

	if (procs == NULL || cal == NULL || d->received_at == 0)
		return 0;
	p = procedures_find(procs, d->procedure_code);
	if (p == NULL)
		return 0;
	if (supplement_in != 0)
		sup = dossier_supplements_completed(d, supplement_in);
	if (deadline_due_supplemented(cal, wt, &p->rule, d->received_at,
				      sup != NULL ? sup : d->supplements, d->n_supplements,
				      &due) != DEADLINE_OK)
		due = 0;
	free(sup);
	return due;
}

mc_time
sync_due_at(const struct dossier *d, const struct procedures *procs, struct calendar *cal,
	    const struct worktime *wt)
{
	return sync_due_at_with(d, 0, procs, cal, wt);
}

int
sync_supplement_queued(struct store *st, const struct dossier *d, mc_time *at)
{
	bool pending = false;

	*at = 0;
	for (size_t i = 0; i < d->n_supplements; i++)
		pending = pending ||
			  (d->supplements[i].requested_at != 0 && d->supplements[i].completed_at == 0);
	if (!pending)
		return 0;
	return store_outbox_open_since(st, d->code, ACTION_SUPPLEMENT_RECEIVED, at) < 0 ? -1 : 0;
}

int
sync_local_due(struct store *st, const struct dossier *d, const struct procedures *procs,
	       struct calendar *cal, const struct worktime *wt, mc_time *due)
{
	mc_time in_at = 0;

	*due = sync_due_at(d, procs, cal, wt);
	if (*due != 0)
		return 0;
	/* the clerk's queued "supplement received" keeps a known date */
	if (sync_supplement_queued(st, d, &in_at) != 0)
		return -1;
	if (in_at != 0)
		*due = sync_due_at_with(d, in_at, procs, cal, wt);
	return 0;
}
