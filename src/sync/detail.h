/*
 * detail.h - one dossier's whole detail from its system, on demand: the
 * history, the components and their attachments, the fees with the payment
 * state, its channel and the e-receipts, which the change feeds do not all
 * carry (doc/sync.md "Detail on demand").
 *
 * The request goes through the system's link (its token and session, shared
 * with the pull and the queue), conditional on the stored version where the
 * dialect allows it (a 304 says the stored copy is current).  Nothing
 * blocks: the answer arrives in the caller's net_poll(), where `done` runs
 * once with the parsed dossier (or at once when the link is down).  sync_detail_apply() then puts it in the
 * store as the pull would (the coordination status kept, the lists it does
 * not carry kept, the local due date computed), and marks when it was read.
 *
 * Ownership: the options' net and link are borrowed and must outlive the
 * job; sync_detail_free() abandons a request in flight (done never runs
 * after it).  One loop, no threads.
 */
#ifndef MOTCUA_SYNC_DETAIL_H
#define MOTCUA_SYNC_DETAIL_H

#include <stdbool.h>

#include "config/procedures.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "core/dossier.h"
#include "core/error.h"
#include "net/net.h"
#include "sources/link.h"
#include "store/store.h"

enum sync_detail_status {
	SYNC_DETAIL_OK = 0,     /* the detail came: r->dossier */
	SYNC_DETAIL_CURRENT,    /* 304: the stored copy is the system's current one */
	SYNC_DETAIL_FAILED,     /* r->err (MC_E_NO_DOSSIER when the system has no such
	                           dossier, MC_E_UNSUPPORTED when it has no detail call) */
};

struct sync_detail_result {
	enum sync_detail_status status;
	struct dossier *dossier;       /* OK: the caller may take it (dossier_init after) */
	struct mc_err err;             /* FAILED */
	uint64_t bytes_in;             /* the answer's size */
};

typedef void sync_detail_fn(void *arg, struct sync_detail_result *r);

struct sync_detail_options {
	struct net *net;               /* borrowed */
	struct source_link *link;      /* borrowed: the dossier's system */
	const char *code;              /* MaHoSo (copied) */
	const char *version;           /* the stored version for a conditional read; may
	                                  be NULL (copied) */
	sync_detail_fn *done;          /* called exactly once, possibly before
	                                  sync_detail_start() returns (the link down) */
	void *arg;
};

struct sync_detail;

/* Start; never NULL.  done runs from a later net_poll(), or at once. */
struct sync_detail *sync_detail_start(const struct sync_detail_options *opt);
/* Abandon (when still running) and free.  NULL is fine. */
void sync_detail_free(struct sync_detail *j);
bool sync_detail_running(const struct sync_detail *j);

/*
 * Put a detail read from system `coordination` (true: the coordination
 * system) into the store as the pull would, read at `now`: the lists it
 * does not carry and the coordination status kept from the stored copy,
 * the local due date computed, the queued actions' effects put back.
 * Takes *in's contents (left empty).  0, or -1 on a store error.
 */
int sync_detail_apply(struct store *st, const struct procedures *procs, struct calendar *cal,
		      const struct worktime *wt, bool coordination, struct dossier *in,
		      mc_time now);

#endif
