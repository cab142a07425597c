/*
 * class.h - one process for a class of trainees: `motcua-sandbox --class N`
 * serves N seats, each a whole sandbox (its own world generated from the
 * same seed and options, its own provider, ledger, faults, uploads and
 * exercise), under the path prefix /seat/K, K = 1..N.  A seat's base URL is
 * BASE/seat/K and everything works under it as a single sandbox does at its
 * root: the prefix is taken off before the seat routes the request, and the
 * seat's issuer and the paths it hands out carry it.  GET /class lists the
 * seats with each one's exercise progress, for the trainer's screen.
 *
 * Seats share nothing but the HTTP server, whose one lock serialises every
 * handler (http.h), so a seat is as single-threaded as a lone sandbox.
 */
#ifndef MOTCUA_SBX_CLASS_H
#define MOTCUA_SBX_CLASS_H

#include <stddef.h>

#include "sandbox/sandbox.h"

#define CLASS_MAX_SEATS 40

struct sbx_class;

/* n seats (1..CLASS_MAX_SEATS) of cfg.  NULL with *err (static) on a bad
 * fault spec, as sandbox_new. */
struct sbx_class *class_new(const struct sandbox_config *cfg, size_t n, const char **err);
void class_free(struct sbx_class *c);

size_t class_n_seats(const struct sbx_class *c);
/* Seat k, 1-based (borrowed). */
struct sandbox *class_seat(struct sbx_class *c, size_t k);

/* The class's base URL (no seat); each seat gets BASE/seat/K and starts answering. */
void class_set_base_url(struct sbx_class *c, const char *base_url);

/* The sbx_http_handler of a class (ctx = the class). */
void class_handle(void *ctx, struct sbx_request *req, struct sbx_response *resp);

#endif
