/*
 * exercise.c - training exercises: the files, and their progress as the
 * sandbox tells it (exercise.h).
 *
 * The sandbox's answers are untrusted like any server's: every member is
 * type-checked and copied into fixed buffers (cut, never overrun); a reply
 * that is not the expected object leaves the last status and says why.
 */
#include "app/exercise.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "config/config.h"
#include "config/file.h"
#include "core/xalloc.h"
#include "net/net.h"

#define MAX_FILE (256 * 1024)
#define MAX_REPLY (1024 * 1024)

struct app_exercise {
	struct app *app;
	char *url;               /* the sandbox (a seat) */
	bool busy;               /* a status request is on its way */
	struct app_exercise_status st;
	/* a blocking load waits for this */
	bool load_done;
	bool load_ok;
	char load_error[200];     /* the last load's refusal, until one succeeds */
	/* requests whose callback has not run: it uses this struct, so it is
	 * freed only once they have (a cancelled one runs at the next poll) */
	int inflight;
	bool orphan;              /* freed by its owner: the last callback frees it */
};

static void
exercise_release(struct app_exercise *e)
{
	free(e->url);
	free(e);
}

/* ---- files ---------------------------------------------------------------- */

static bool
is_path(const char *name)
{
	size_t n = strlen(name);
	return strchr(name, '/') != NULL || (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static bool
name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 60)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-' || name[i] == '_'))
			return false;
	return true;
}

char *
app_exercise_locate(const char *name, const char **why)
{
	struct config_paths paths;
	char *rel, *found;

	if (is_path(name)) {
		if (access(name, R_OK) != 0) {
			*why = "cannot be read";
			return NULL;
		}
		return xstrdup(name);
	}
	if (!name_ok(name)) {
		*why = "an exercise's name is a-z 0-9 - _ (or give a path to its file)";
		return NULL;
	}
	config_paths_init(&paths, NULL);
	rel = xasprintf("exercises/%s.json", name);
	found = config_paths_find(&paths, rel);
	free(rel);
	config_paths_release(&paths);
	if (found == NULL)
		*why = "no such exercise (motcua demo --exercise list shows them)";
	return found;
}

int
app_exercise_read(const char *path, char **text, char **scenario, char **why)
{
	char *data = NULL;
	size_t len = 0;
	const char *cause = NULL;
	json_t *root;
	json_error_t jerr;
	const char *s;

	*text = NULL;
	*scenario = NULL;
	*why = NULL;
	if (config_file_read(path, MAX_FILE, &data, &len, &cause) != 0) {
		*why = xasprintf("%s: %s", path, cause != NULL ? cause : "cannot be read");
		return -1;
	}
	root = json_loadb(data, len, 0, &jerr);
	if (!json_is_object(root) || !json_is_array(json_object_get(root, "steps"))) {
		char msg[160];
		config_file_json_error(&jerr, msg, sizeof msg);
		*why = root == NULL ? xasprintf("%s: line %d: %s", path, jerr.line, msg)
				    : xasprintf("%s: not an exercise (an object with \"steps\")", path);
		json_decref(root);
		free(data);
		return -1;
	}
	s = json_string_value(json_object_get(root, "scenario"));
	if (s != NULL && strlen(s) < 64)
		*scenario = xstrdup(s);
	*text = data;
	json_decref(root);
	return 0;
}

struct listed {
	char *name, *title;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->name, ((const struct listed *)b)->name);
}

size_t
app_exercise_list(const char *lang, char ***names, char ***titles)
{
	struct config_paths paths;
	struct listed *v = NULL;
	size_t n = 0, cap = 0;

	config_paths_init(&paths, NULL);
	for (size_t i = 0; i < paths.n_dirs; i++) {
		char *dir = xasprintf("%s/exercises", paths.dirs[i]);
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d != NULL && (de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);
			char name[64], *path, *text, *scen, *why;
			bool seen = false;
			json_t *root, *t;

			if (len <= 5 || len > 64 || strcmp(de->d_name + len - 5, ".json") != 0)
				continue;
			snprintf(name, sizeof name, "%.*s", (int)(len - 5), de->d_name);
			for (size_t k = 0; k < n; k++)
				seen = seen || strcmp(v[k].name, name) == 0;
			if (seen || !name_ok(name)) /* the first folder's wins */
				continue;
			path = xasprintf("%s/%s", dir, de->d_name);
			if (app_exercise_read(path, &text, &scen, &why) != 0) {
				free(why);
				free(path);
				continue;
			}
			root = json_loads(text, 0, NULL);
			t = json_object_get(json_object_get(root, "title"), lang);
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[n].name = xstrdup(name);
			v[n++].title = xstrdup(json_is_string(t) ? json_string_value(t) : "");
			json_decref(root);
			free(text);
			free(scen);
			free(path);
		}
		if (d != NULL)
			closedir(d);
		free(dir);
	}
	config_paths_release(&paths);
	if (n > 0)
		qsort(v, n, sizeof *v, by_name);
	*names = xcalloc(n + 1, sizeof **names);
	*titles = xcalloc(n + 1, sizeof **titles);
	for (size_t i = 0; i < n; i++) {
		(*names)[i] = v[i].name;
		(*titles)[i] = v[i].title;
	}
	free(v);
	return n;
}

void
app_exercise_list_free(char **names, char **titles, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(titles[i]);
	}
	free(names);
	free(titles);
}

/* ---- the sandbox's answers ------------------------------------------------ */

static void
copy(char *dst, size_t size, json_t *v)
{
	const char *s = json_string_value(v);
	size_t n;

	dst[0] = '\0';
	if (s == NULL)
		return;
	n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int64_t
int_of(json_t *v, int64_t lo, int64_t hi)
{
	int64_t x = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
	return x < lo ? lo : x > hi ? hi : x;
}

/* One status object (GET /_control/exercise, or a seat of /class). */
static void
read_status(json_t *o, struct app_exercise_status *st)
{
	json_t *v, *m;
	size_t i;

	memset(st, 0, sizeof *st);
	st->known = true;
	st->active = json_is_true(json_object_get(o, "active"));
	st->seat = (int)int_of(json_object_get(o, "seat"), 0, 1000);
	if (!st->active)
		return;
	st->done = json_is_true(json_object_get(o, "done"));
	copy(st->name, sizeof st->name, json_object_get(o, "name"));
	v = json_object_get(o, "title");
	copy(st->title_vi, sizeof st->title_vi, json_object_get(v, "vi"));
	copy(st->title_en, sizeof st->title_en, json_object_get(v, "en"));
	st->n_steps = (int)int_of(json_object_get(o, "n_steps"), 0, APP_EXERCISE_MAX_STEPS);
	st->step = (int)int_of(json_object_get(o, "step"), 0, st->n_steps + 1);
	v = json_object_get(o, "do");
	copy(st->do_vi, sizeof st->do_vi, json_object_get(v, "vi"));
	copy(st->do_en, sizeof st->do_en, json_object_get(v, "en"));
	v = json_object_get(o, "hint");
	st->hint_shown = json_is_object(v);
	copy(st->hint_vi, sizeof st->hint_vi, json_object_get(v, "vi"));
	copy(st->hint_en, sizeof st->hint_en, json_object_get(v, "en"));
	json_array_foreach(json_object_get(o, "hints_used"), i, v)
		if (i < APP_EXERCISE_MAX_STEPS)
			st->hint_used[i] = json_is_true(v);
	st->hints = (int)int_of(json_object_get(o, "hints"), 0, APP_EXERCISE_MAX_STEPS);
	st->elapsed_s = int_of(json_object_get(o, "elapsed_s"), 0, INT64_C(1) << 40);
	/* the current step began when the one before it was done */
	st->step_s = st->done ? 0 : st->elapsed_s;
	if (!st->done && st->step >= 2) {
		v = json_array_get(json_object_get(o, "step_done_s"), (size_t)(st->step - 2));
		if (json_is_integer(v))
			st->step_s = st->elapsed_s - int_of(v, 0, st->elapsed_s);
	}
	st->mistakes = (int)int_of(json_object_get(o, "mistakes"), 0, 1000000);
	m = json_object_get(o, "last_mistake");
	if (json_is_object(m)) {
		st->has_mistake = true;
		copy(st->last.kind, sizeof st->last.kind, json_object_get(m, "kind"));
		st->last.step = (int)int_of(json_object_get(m, "step"), 0, APP_EXERCISE_MAX_STEPS + 1);
		copy(st->last.code, sizeof st->last.code, json_object_get(m, "code"));
		copy(st->last.expected, sizeof st->last.expected, json_object_get(m, "expected"));
		copy(st->last.action, sizeof st->last.action, json_object_get(m, "action"));
		copy(st->last.expected_action, sizeof st->last.expected_action,
		     json_object_get(m, "expected_action"));
		copy(st->last.why, sizeof st->last.why, json_object_get(m, "why"));
		st->last.at_s = int_of(json_object_get(m, "at_s"), 0, INT64_C(1) << 40);
	}
}

/* The body of a reply: a JSON object, or NULL with e's error set. */
static json_t *
reply_object(const struct net_response *resp, char *err, size_t size)
{
	json_t *o;

	if (resp->result != NET_OK) {
		snprintf(err, size, "the sandbox cannot be reached: %s", resp->error);
		return NULL;
	}
	o = json_loadb(resp->body, resp->body_len, 0, NULL);
	if (resp->status != 200) {
		const char *e = json_string_value(json_object_get(o, "error"));
		snprintf(err, size, "%s", e != NULL ? e : "the sandbox refused it");
		for (char *p = err; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		json_decref(o);
		return NULL;
	}
	if (!json_is_object(o)) {
		snprintf(err, size, "the sandbox's answer is not an exercise's status");
		json_decref(o);
		return NULL;
	}
	return o;
}

static void
on_status(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct app_exercise *e = arg;
	char err[200] = "";
	json_t *o;
	bool loading;

	e->inflight--;
	if (e->orphan) {
		if (e->inflight == 0)
			exercise_release(e);
		return;
	}
	o = reply_object(resp, err, sizeof err);
	loading = strcmp(net_request_get_method(req), "POST") == 0 &&
		  strstr(net_request_get_url(req), "/hint") == NULL;

	if (loading)
		snprintf(e->load_error, sizeof e->load_error, "%s", err);
	if (o != NULL) {
		read_status(o, &e->st);
		json_decref(o);
	} else {
		snprintf(e->st.error, sizeof e->st.error, "%s", err);
	}
	/* a refused exercise is said until another one is taken */
	if (e->load_error[0] != '\0')
		snprintf(e->st.error, sizeof e->st.error, "%s", e->load_error);
	if (loading) {
		e->load_done = true;
		e->load_ok = o != NULL;
	} else {
		e->busy = false;
	}
}

static struct net_request *
control(struct app_exercise *e, const char *method, const char *path)
{
	char *url = xasprintf("%s/_control/%s", e->url, path);
	struct net_request *req = net_request_new(app_net(e->app), method, url);

	free(url);
	net_request_source(req, "exercise");
	net_request_kind(req, "control");
	net_request_max_body(req, MAX_REPLY);
	net_request_on_done(req, on_status, e);
	e->inflight++; /* every request made here is submitted at once */
	return req;
}

struct app_exercise *
app_exercise_new(struct app *a, const char *base_url)
{
	struct app_exercise *e = xcalloc(1, sizeof *e);

	e->app = a;
	e->url = xstrdup(base_url);
	return e;
}

void
app_exercise_free(struct app_exercise *e)
{
	if (e == NULL)
		return;
	if (e->inflight > 0) {
		/* the cancelled requests' callbacks run at the next polls */
		net_cancel_source(app_net(e->app), "exercise");
		for (int i = 0; e->inflight > 0 && i < 100; i++)
			if (app_wait(e->app, 20, -1) < 0)
				break;
	}
	if (e->inflight > 0) {
		e->orphan = true; /* the last callback frees it */
		return;
	}
	exercise_release(e);
}

int
app_exercise_load(struct app_exercise *e, const char *text, int timeout_ms)
{
	struct net_request *req = control(e, "POST", "exercise");

	net_request_body(req, "application/json", text, strlen(text));
	e->load_done = false;
	e->st.error[0] = '\0';
	net_submit(app_net(e->app), req);
	if (timeout_ms <= 0)
		return 0;
	for (int waited = 0; !e->load_done && waited < timeout_ms; waited += 100)
		if (app_wait(e->app, 100, -1) < 0)
			break;
	return e->load_done && e->load_ok ? 0 : -1;
}

void
app_exercise_hint(struct app_exercise *e)
{
	net_submit(app_net(e->app), control(e, "POST", "exercise/hint"));
}

void
app_exercise_poll(struct app_exercise *e)
{
	if (e->busy)
		return;
	e->busy = true;
	net_submit(app_net(e->app), control(e, "GET", "exercise"));
}

const struct app_exercise_status *
app_exercise_status(const struct app_exercise *e)
{
	return &e->st;
}

/* ---- a class -------------------------------------------------------------- */

struct class_call {
	json_t *root;
	char *why;
	size_t why_size;
};

static void
on_class(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct class_call *c = arg;

	(void)req;
	c->root = reply_object(resp, c->why, c->why_size);
}

int
app_class_read(const char *base_url, struct app_class_seat *seats, int max, int timeout_ms,
	       char *why_buf, size_t why_size)
{
	const char *cause = NULL;
	struct net *net = net_new(&cause);
	struct net_timeouts t = net_timeouts_default();
	struct class_call c = {NULL, why_buf, why_size};
	char *url;
	struct net_request *req;
	json_t *arr, *s;
	size_t i;
	int n = 0;

	why_buf[0] = '\0';
	if (net == NULL) {
		snprintf(why_buf, why_size, "%s", cause != NULL ? cause : "no network");
		return -1;
	}
	url = xasprintf("%s/class", base_url);
	req = net_request_new(net, "GET", url);
	free(url);
	t.total_ms = timeout_ms > 0 ? timeout_ms : 5000;
	net_request_timeouts(req, &t);
	net_request_max_body(req, MAX_REPLY);
	net_request_on_done(req, on_class, &c);
	net_submit(net, req);
	net_run_until_done(net);
	net_free(net);
	if (c.root == NULL)
		return -1;
	arr = json_object_get(c.root, "seats");
	if (!json_is_array(arr)) {
		snprintf(why_buf, why_size, "the answer of %s/class lists no seats", base_url);
		json_decref(c.root);
		return -1;
	}
	json_array_foreach(arr, i, s) {
		if (n == max || !json_is_object(s))
			continue;
		read_status(s, &seats[n].st);
		seats[n].seat = (int)int_of(json_object_get(s, "seat"), 0, 1000);
		copy(seats[n].url, sizeof seats[n].url, json_object_get(s, "url"));
		n++;
	}
	json_decref(c.root);
	return n;
}
