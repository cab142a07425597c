/*
 * class.c - N seats behind one server (class.h).
 *
 * Routing: /seat/K/... goes to seat K with the prefix taken off; /class is
 * the trainer's list (read-only, so from any machine of the classroom: the
 * trainer may watch from a laptop); / names the seats.
 */
#include "sandbox/class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct sbx_class {
	struct sandbox **seats;
	size_t n;
	char base_url[256];
};

struct sbx_class *
class_new(const struct sandbox_config *cfg, size_t n, const char **err)
{
	struct sbx_class *c;

	if (n == 0 || n > CLASS_MAX_SEATS) {
		*err = "a class has 1..40 seats";
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->seats = xcalloc(n, sizeof(*c->seats));
	for (c->n = 0; c->n < n; c->n++) {
		c->seats[c->n] = sandbox_new(cfg, err);
		if (c->seats[c->n] == NULL) {
			class_free(c);
			return NULL;
		}
		snprintf(c->seats[c->n]->path_prefix, sizeof(c->seats[c->n]->path_prefix),
			 "/seat/%zu", c->n + 1);
	}
	return c;
}

void
class_free(struct sbx_class *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		sandbox_free(c->seats[i]);
	free(c->seats);
	free(c);
}

size_t
class_n_seats(const struct sbx_class *c)
{
	return c->n;
}

struct sandbox *
class_seat(struct sbx_class *c, size_t k)
{
	return k >= 1 && k <= c->n ? c->seats[k - 1] : NULL;
}

void
class_set_base_url(struct sbx_class *c, const char *base_url)
{
	size_t len = strlen(base_url);

	while (len > 0 && base_url[len - 1] == '/')
		len--;
	snprintf(c->base_url, sizeof(c->base_url), "%.*s", (int)len, base_url);
	for (size_t i = 0; i < c->n; i++) {
		char url[sizeof(c->base_url) + 16];
		snprintf(url, sizeof(url), "%s%s", c->base_url, c->seats[i]->path_prefix);
		sandbox_set_base_url(c->seats[i], url);
	}
}

static json_t *
seat_url(const struct sbx_class *c, size_t i)
{
	char url[sizeof(c->base_url) + 16];

	snprintf(url, sizeof(url), "%s%s", c->base_url, c->seats[i]->path_prefix);
	return json_string(url);
}

/* GET /class: {"seats":[{"seat":K,"url":...,<the seat's exercise status>}]} */
static void
list(struct sbx_class *c, const struct sbx_request *req, struct sbx_response *resp)
{
	json_t *seats = json_array();

	/* read-only progress of synthetic training: the trainer may watch
	 * from another machine of the classroom */
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		sbx_response_json(resp, 405, json_pack("{s:b,s:s}", "ok", 0, "error",
						       "method not allowed"));
		json_decref(seats);
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		json_t *s = json_pack("{s:I,s:o}", "seat", (json_int_t)i + 1, "url", seat_url(c, i));
		json_t *st = sandbox_exercise_status(c->seats[i]);
		json_object_update(s, st);
		json_decref(st);
		json_array_append_new(seats, s);
	}
	sbx_response_json(resp, 200, json_pack("{s:o}", "seats", seats));
}

/* "/seat/12/tuphap/..." -> seat 12 and "/tuphap/..."; 0 when not a seat path. */
static size_t
seat_of(const struct sbx_class *c, const char *path, const char **rest)
{
	const char *p = path + 6;
	size_t k = 0;

	if (strncmp(path, "/seat/", 6) != 0 || *p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		k = k * 10 + (size_t)(*p - '0');
		if (k > c->n)
			return 0;
	}
	if (*p != '\0' && *p != '/')
		return 0;
	*rest = *p == '\0' ? "/" : p;
	return k;
}

void
class_handle(void *ctx, struct sbx_request *req, struct sbx_response *resp)
{
	struct sbx_class *c = ctx;
	const char *rest = NULL;
	size_t k = seat_of(c, req->path, &rest);

	if (k != 0) {
		struct sbx_request seat = *req;
		seat.path = rest;
		sandbox_handle(c->seats[k - 1], &seat, resp);
		req->now = seat.now;
		return;
	}
	if (strcmp(req->path, "/class") == 0) {
		list(c, req, resp);
		return;
	}
	if (strcmp(req->path, "/") == 0) {
		json_t *urls = json_array();
		for (size_t i = 0; i < c->n; i++)
			json_array_append_new(urls, seat_url(c, i));
		sbx_response_json(resp, 200,
				  json_pack("{s:s,s:I,s:o,s:s}", "name", "motcua-sandbox", "seats",
					    (json_int_t)c->n, "seat_urls", urls, "class", "/class"));
		return;
	}
	sbx_response_text(resp, 404, "text/plain; charset=utf-8",
			  "not found (a class: /seat/K/... or /class)\n");
}
