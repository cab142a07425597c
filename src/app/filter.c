/*
 * filter.c - field filters typed in the search box or given to `motcua
 * inbox --search` (app.h, app_filter_parse): "tt:cho-bo-sung nguon:tuphap
 * han:hom-nay nguyen" is status 5, system tuphap, due today, and the word
 * "nguyen".  Keys and values are folded (diacritics, case) so "tt:Chờ bổ
 * sung" is the same filter; a value may be cut short where only one fits
 * ("tt:cho-bo").  What is not a filter stays the words of the search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "core/civil.h"
#include "core/fold.h"
#include "core/xalloc.h"

enum fkey { F_STATUS, F_SOURCE, F_DUE, F_WORDS };

static const struct {
	const char *name;
	enum fkey key;
} fkeys[] = {
	{"tt", F_STATUS},    {"trang-thai", F_STATUS}, {"status", F_STATUS},
	{"nguon", F_SOURCE}, {"he-thong", F_SOURCE},   {"ht", F_SOURCE},  {"source", F_SOURCE},
	{"han", F_DUE},      {"due", F_DUE},
	/* words of the search under a name: the search already covers them */
	{"ten", F_WORDS},    {"name", F_WORDS},        {"ma", F_WORDS},   {"code", F_WORDS},
	{"tthc", F_WORDS},   {"thu-tuc", F_WORDS},
};

/* What a clerk calls each status: the inbox's short label, DOMAIN.md's, the
 * English one, folded and hyphenated. */
static const struct {
	int status;
	const char *slug;
} statuses[] = {
	{1, "moi"},          {1, "moi-dang-ky"},  {1, "new"},            {1, "submitted"},
	{2, "da-nhan"},      {2, "da-tiep-nhan"}, {2, "duoc-tiep-nhan"}, {2, "received"},
	{3, "tu-choi"},      {3, "khong-duoc-tiep-nhan"},                {3, "refused"},
	{4, "dang-xu-ly"},   {4, "processing"},
	{5, "cho-bo-sung"},  {5, "yeu-cau-bo-sung"},                     {5, "supplement"},
	{6, "cho-nop-phi"},  {6, "nghia-vu-tai-chinh"},                  {6, "fee"},
	{7, "da-rut"},       {7, "rut-ho-so"},    {7, "withdrawn"},
	{8, "dung-xu-ly"},   {8, "stopped"},
	{9, "da-xong"},      {9, "da-xu-ly-xong"}, {9, "done"},
	{10, "da-tra"},      {10, "da-tra-ket-qua"}, {10, "returned"},
};

/* The folded word with its spaces made hyphens ("cho bo sung" typed in a
 * quoted value never arrives here, but "Chờ-bổ-sung" does). */
static char *
slug_of(const char *text)
{
	char *f = fold_text(text);

	for (char *p = f; *p != '\0'; p++)
		if (*p == ' ' || *p == '_')
			*p = '-';
	return f;
}

/* The status a value names: exactly, or as the start of one status's names
 * only.  0 when none, -1 when several. */
static int
status_named(const char *value)
{
	char *v = slug_of(value);
	char *end;
	long n = strtol(v, &end, 10);
	int found = 0;

	if (*end == '\0' && end != v && n >= 1 && n <= 10) {
		free(v);
		return (int)n;
	}
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(statuses[i].slug, v) == 0) {
			free(v);
			return statuses[i].status;
		}
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strncmp(statuses[i].slug, v, strlen(v)) == 0) {
			if (found != 0 && found != statuses[i].status) {
				free(v);
				return -1;
			}
			found = statuses[i].status;
		}
	free(v);
	return found;
}

static int
bad(struct mc_err *err, const char *token, const char *why)
{
	mc_err_set(err, MC_E_BAD_FILTER, NULL, "%s", why);
	mc_err_field(err, token);
	return -1;
}

/* Append word to out (a space between words). */
static void
add_word(char *out, size_t size, const char *word)
{
	size_t len = strlen(out), n = strlen(word);

	if (len + n + 2 > size)
		return;
	if (len > 0)
		out[len++] = ' ';
	memcpy(out + len, word, n + 1);
}

/*
 * Whether the terminal knows system `name`: configured, pulled once, or with
 * dossiers in the store.  Cheap lookups only (a row of sync_state, one row of
 * the source index): this runs at every keystroke of a search.
 */
static bool
system_known(struct app *a, const char *name)
{
	struct store_sync_state st;
	struct store_query q;
	int64_t n = 0;

	if (app_link(a, name) != NULL)
		return true;
	if (a->store == NULL)
		return false;
	if (store_sync_state_get(a->store, name, &st) == 0) {
		store_sync_state_release(&st);
		return true; /* pulled at least once */
	}
	store_query_init(&q, 0);
	q.source = name;
	return store_inbox_count(a->store, &q, 1, &n) == 0 && n > 0;
}

int
app_filter_parse(struct app *a, const char *text, struct store_query *q, struct app_filter *f,
		 struct mc_err *err)
{
	char *copy = xstrdup(text != NULL ? text : ""), *save = NULL;
	char *words = f->words;
	size_t size = sizeof f->words;
	int rc = 0;

	mc_err_clear(err);
	memset(f, 0, sizeof *f);
	for (char *tok = strtok_r(copy, " \t", &save); tok != NULL && rc == 0;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *colon = strchr(tok, ':'), *key, *value;
		bool known = false;

		if (colon == NULL || colon == tok) {
			add_word(words, size, tok);
			continue;
		}
		*colon = '\0';
		key = slug_of(tok);
		value = colon + 1;
		*colon = ':';
		for (size_t i = 0; i < sizeof fkeys / sizeof fkeys[0] && !known; i++) {
			if (strcmp(fkeys[i].name, key) != 0)
				continue;
			known = true;
			if (value[0] == '\0') {
				rc = bad(err, tok, "value");
				break;
			}
			switch (fkeys[i].key) {
			case F_STATUS: {
				int st = status_named(value);
				if (st <= 0)
					rc = bad(err, tok, st < 0 ? "several" : "status");
				else
					q->status = st;
				break;
			}
			case F_SOURCE: {
				/* the system's name as the store has it: lower case */
				char *name = slug_of(value);
				if (strlen(name) >= sizeof f->source || !system_known(a, name)) {
					rc = bad(err, tok, "source");
				} else {
					snprintf(f->source, sizeof f->source, "%s", name);
					app_query_source(a, q, f->source);
				}
				free(name);
				break;
			}
			case F_DUE: {
				char *v = slug_of(value);
				if (strncmp("qua-han", v, strlen(v)) == 0 ||
				    strncmp("overdue", v, strlen(v)) == 0) {
					q->due = STORE_DUE_OVERDUE;
				} else if (strncmp("sap-den-han", v, strlen(v)) == 0 ||
					   strncmp("soon", v, strlen(v)) == 0) {
					q->due = STORE_DUE_SOON;
				} else if (strncmp("hom-nay", v, strlen(v)) == 0 ||
					   strncmp("today", v, strlen(v)) == 0) {
					/* a wall-clock window, as the inbox's "due today" */
					q->due = STORE_DUE_SOON;
					q->soon_end = civil_make_time(civil_day_of(q->now) + 1, 0);
				} else {
					rc = bad(err, tok, "due");
				}
				free(v);
				break;
			}
			case F_WORDS:
				add_word(words, size, value);
				break;
			}
		}
		free(key);
		if (!known && rc == 0)
			rc = bad(err, tok, "key");
	}
	free(copy);
	q->search = f->words[0] != '\0' ? f->words : NULL;
	return rc;
}

int
app_view_save(struct app *a, const char *name, const char *filter, struct mc_err *err)
{
	struct store_query q;
	struct app_filter f;
	char *cause = NULL;

	mc_err_clear(err);
	if (name == NULL || name[0] == '\0' || strlen(name) > CONFIG_VIEW_NAME_MAX ||
	    strpbrk(name, " \t\r\n") != NULL || filter == NULL ||
	    strlen(filter) > CONFIG_VIEW_FILTER_MAX) {
		mc_err_set(err, MC_E_BAD_FILTER, NULL, "name");
		mc_err_field(err, name != NULL ? name : "");
		return -1;
	}
	/* a filter that selects nothing is not saved */
	app_query_init(a, &q, app_now(a));
	if (app_filter_parse(a, filter, &q, &f, err) != 0)
		return -1;
	if (config_ensure_dir(a->paths.config_dir, &cause) != 0 ||
	    config_save_view(a->paths.config_file, name, filter, &cause) != 0) {
		mc_err_set(err, MC_E_WRITE, NULL, "%s", cause != NULL ? cause : "");
		mc_err_field(err, a->paths.config_file);
		free(cause);
		return -1;
	}
	for (size_t i = 0; i < a->cfg.n_views; i++)
		if (strcmp(a->cfg.views[i].name, name) == 0) {
			free(a->cfg.views[i].filter);
			a->cfg.views[i].filter = xstrdup(filter);
			return 0;
		}
	a->cfg.views = xreallocarray(a->cfg.views, a->cfg.n_views + 1, sizeof *a->cfg.views);
	a->cfg.views[a->cfg.n_views].name = xstrdup(name);
	a->cfg.views[a->cfg.n_views].filter = xstrdup(filter);
	a->cfg.n_views++;
	return 0;
}

/* ---- completion ----------------------------------------------------------- */

/* The keys a clerk types, one per filter (the Vietnamese ones). */
static const char *const complete_keys[] = {"tt", "nguon", "han", "ten", "ma", "tthc"};
static const char *const due_values[] = {"qua-han", "sap-den-han", "hom-nay"};

struct completion {
	const char *prefix;   /* what is typed of the word (folded) */
	const char *found[64];
	int n;
};

static void
offer(struct completion *c, const char *candidate)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->found[i], candidate) == 0)
			return;
	if (c->n < 64 && strncmp(candidate, c->prefix, strlen(c->prefix)) == 0)
		c->found[c->n++] = candidate;
}

int
app_filter_complete(struct app *a, const char *text, char *out, size_t size, char *choices,
		    size_t choices_size)
{
	const char *start = strrchr(text, ' '), *colon;
	size_t head, common;
	struct completion c = {0};
	char *key = NULL, *prefix = NULL, names[16][64];
	struct app_system sys;
	size_t n_names = 0;

	snprintf(out, size, "%s", text);
	choices[0] = '\0';
	start = start != NULL ? start + 1 : text;
	head = (size_t)(start - text);
	colon = strchr(start, ':');
	if (colon == NULL) {
		/* a key */
		prefix = slug_of(start);
		c.prefix = prefix;
		for (size_t i = 0; i < sizeof complete_keys / sizeof complete_keys[0]; i++)
			offer(&c, complete_keys[i]);
	} else {
		enum fkey k = F_WORDS;
		bool known = false;
		char *typed = xstrndup(start, (size_t)(colon - start));

		key = slug_of(typed);
		free(typed);
		for (size_t i = 0; i < sizeof fkeys / sizeof fkeys[0] && !known; i++)
			if (strcmp(fkeys[i].name, key) == 0) {
				k = fkeys[i].key;
				known = true;
			}
		prefix = slug_of(colon + 1);
		c.prefix = prefix;
		if (known && k == F_STATUS) {
			/* the first (Vietnamese) name of each status */
			for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
				if (i == 0 || statuses[i].status != statuses[i - 1].status)
					offer(&c, statuses[i].slug);
			if (c.n == 0) /* typed in another of its names */
				for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
					offer(&c, statuses[i].slug);
		} else if (known && k == F_SOURCE) {
			for (size_t i = 0; n_names < 16 && app_system(a, i, &sys); i++)
				if (sys.name != NULL && strlen(sys.name) < sizeof names[0]) {
					snprintf(names[n_names], sizeof names[0], "%s", sys.name);
					offer(&c, names[n_names++]);
				}
		} else if (known && k == F_DUE) {
			for (size_t i = 0; i < sizeof due_values / sizeof due_values[0]; i++)
				offer(&c, due_values[i]);
		}
	}
	if (c.n > 0) {
		/* as far as every candidate agrees */
		common = strlen(c.found[0]);
		for (int i = 1; i < c.n; i++) {
			size_t j = 0;
			while (j < common && c.found[i][j] == c.found[0][j])
				j++;
			common = j;
		}
		if (colon == NULL)
			snprintf(out, size, "%.*s%.*s%s", (int)head, text, (int)common, c.found[0],
				 c.n == 1 ? ":" : "");
		else
			snprintf(out, size, "%.*s%.*s%.*s", (int)head, text,
				 (int)(colon + 1 - start), start, (int)common, c.found[0]);
		if (c.n > 1) {
			size_t o = 0;
			for (int i = 0; i < c.n && o + 2 < choices_size; i++)
				o += (size_t)snprintf(choices + o, choices_size - o, "%s%s",
						      i > 0 ? " " : "", c.found[i]);
		}
	}
	free(key);
	free(prefix);
	return c.n;
}
