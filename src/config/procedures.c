/*
 * procedures.c - reading the procedure catalogue (procedures.h).
 *
 * The file is configuration an administrator edits by hand, so every entry
 * is checked (code present, duration 0..3650, a known unit and policy, a
 * valid HH:MM cut-off) and the first problem is reported with the entry's
 * index.  It decides nothing about dossiers.
 */
#include "config/procedures.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/file.h"
#include "core/civil.h"
#include "core/xalloc.h"

static char *
msg(const char *path, size_t idx, const char *what)
{
	char buf[512];
	if (idx == (size_t)-1)
		snprintf(buf, sizeof buf, "%s: %s", path, what);
	else
		snprintf(buf, sizeof buf, "%s: procedures[%zu]: %s", path, idx, what);
	/* One printable line: jansson quotes the bytes near an error. */
	return xstr_one_line(xstrdup(buf));
}

static const char *
opt_str(json_t *o, const char *key, size_t max, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) > max) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

int
procedures_parse(const char *path, const char *text, size_t len, struct procedures *out,
		 char **cause)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err);
	json_t *list, *e;
	size_t i;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	if (root == NULL) {
		char buf[300];
		char why[160];
		config_file_json_error(&err, why, sizeof why);
		snprintf(buf, sizeof buf, "line %d: %s", err.line, why);
		*cause = msg(path, (size_t)-1, buf);
		return -1;
	}
	list = json_object_get(root, "procedures");
	if (!json_is_array(list)) {
		*cause = msg(path, (size_t)-1, "\"procedures\" must be a list");
		json_decref(root);
		return -1;
	}
	out->items = xcalloc(json_array_size(list) + 1, sizeof *out->items);
	json_array_foreach(list, i, e) {
		struct procedure *p = &out->items[out->n];
		struct due_rule rule = DEADLINE_RULE_INIT;
		bool bad = false;
		const char *code = opt_str(e, "code", 64, &bad);
		const char *name = opt_str(e, "name", 256, &bad);
		const char *short_name = opt_str(e, "short", 64, &bad);
		const char *field = opt_str(e, "field", 256, &bad);
		const char *system = opt_str(e, "system", 64, &bad);
		const char *unit = opt_str(e, "unit", 32, &bad);
		const char *cutoff = opt_str(e, "cutoff", 8, &bad);
		const char *sup = opt_str(e, "supplement", 16, &bad);
		json_t *dur = json_object_get(e, "duration");
		const char *why = NULL;

		if (!json_is_object(e))
			why = "must be an object";
		else if (bad)
			why = "a value is not a string or too long";
		else if (code == NULL || code[0] == '\0')
			why = "\"code\" is required";
		else if (!json_is_integer(dur) || json_integer_value(dur) < 0 ||
			 json_integer_value(dur) > DEADLINE_MAX_DURATION)
			why = "\"duration\" must be an integer 0..3650";
		else if (unit != NULL && deadline_unit_parse(unit, &rule.unit) != 0)
			why = "\"unit\" must be hours, working-days or calendar-days";
		else if (sup != NULL && deadline_policy_parse(sup, &rule.supplement) != 0)
			why = "\"supplement\" must be restart or pause";
		else if (cutoff != NULL && civil_parse_hhmm(cutoff, &rule.cutoff) != 0)
			why = "\"cutoff\" must be HH:MM or null";
		else if (procedures_find(out, code) != NULL)
			why = "\"code\" appears twice";
		if (why == NULL) {
			rule.duration = (int)json_integer_value(dur);
			if (rule.cutoff == 0)
				rule.cutoff = -1; /* 00:00 is no cut-off */
			if (deadline_rule_check(&rule) != 0)
				why = "the rule is out of range";
		}
		if (why != NULL) {
			*cause = msg(path, i, why);
			json_decref(root);
			procedures_release(out);
			return -1;
		}
		p->code = xstrdup(code);
		p->name = xstrdup_or_null(name);
		p->short_name = short_name != NULL && short_name[0] != '\0' ? xstrdup(short_name)
									     : NULL;
		p->field = xstrdup_or_null(field);
		p->system = xstrdup_or_null(system);
		p->rule = rule;
		out->n++;
	}
	json_decref(root);
	return 0;
}

int
procedures_load(const char *path, struct procedures *out, char **cause)
{
	char *buf = NULL;
	const char *why = NULL;
	size_t n;
	int rc;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	rc = config_file_read(path, 4 * 1024 * 1024, &buf, &n, &why);
	if (rc == 1)
		return 1;
	if (rc != 0) {
		*cause = msg(path, (size_t)-1, rc == CONFIG_FILE_E_TOO_BIG ? "larger than 4 MB" : why);
		return -1;
	}
	rc = procedures_parse(path, buf, n, out, cause);
	free(buf);
	return rc;
}

static const struct {
	const char *code, *name, *short_name, *field, *system;
	int duration, cutoff;
} builtin[] = {
	{"1.001193.000.00.00.H56", "Đăng ký khai sinh", "Khai sinh", "Hộ tịch", "tuphap", 0, 900},
	{"1.000894.000.00.00.H56", "Đăng ký kết hôn", "Kết hôn", "Hộ tịch", "tuphap", 0, 900},
	{"1.000656.000.00.00.H56", "Đăng ký khai tử", "Khai tử", "Hộ tịch", "tuphap", 0, 900},
	{"2.000635.000.00.00.H56", "Cấp bản sao trích lục hộ tịch", "Trích lục",
	 "Hộ tịch", "tuphap", 0, 900},
	{"2.000815.000.00.00.H56", "Chứng thực bản sao từ bản chính", "CT bản sao",
	 "Chứng thực", "tuphap", 0, 900},
	{"2.000884.000.00.00.H56", "Chứng thực chữ ký", "CT chữ ký",
	 "Chứng thực", "tuphap", 0, 900},
	{"1.004194.000.00.00.H56", "Đăng ký thường trú", "Thường trú", "Cư trú", "congan", 7, -1},
	{"1.004222.000.00.00.H56", "Đăng ký tạm trú", "Tạm trú", "Cư trú", "congan", 3, -1},
	{"1.004197.000.00.00.H56", "Xác nhận thông tin về cư trú", "XN cư trú",
	 "Cư trú", "congan", 1, -1},
	{"1.003003.000.00.00.H56", "Đăng ký biến động quyền sử dụng đất", "Biến động",
	 "Đất đai", "nnmt", 10, -1},
	{"1.004227.000.00.00.H56", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "GCN đất",
	 "Đất đai", "nnmt", 20, -1},
	{"1.001776.000.00.00.H56", "Trợ cấp xã hội hằng tháng", "Trợ cấp XH",
	 "Bảo trợ xã hội", "tinh", 10, -1},
	{"2.000720.000.00.00.H56", "Đăng ký hộ kinh doanh", "Hộ KD",
	 "Hộ kinh doanh", "tinh", 3, -1},
};

void
procedures_builtin(struct procedures *out)
{
	size_t n = sizeof builtin / sizeof builtin[0];

	out->items = xcalloc(n, sizeof *out->items);
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		struct procedure *p = &out->items[i];
		p->code = xstrdup(builtin[i].code);
		p->name = xstrdup(builtin[i].name);
		p->short_name = xstrdup(builtin[i].short_name);
		p->field = xstrdup(builtin[i].field);
		p->system = xstrdup(builtin[i].system);
		p->rule.duration = builtin[i].duration;
		p->rule.unit = DEADLINE_WORKING_DAYS;
		p->rule.cutoff = builtin[i].cutoff;
		p->rule.supplement = DEADLINE_RESTART;
	}
}

const struct procedure *
procedures_find(const struct procedures *p, const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].code, code) == 0)
			return &p->items[i];
	return NULL;
}

void
procedures_release(struct procedures *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].code);
		free(p->items[i].name);
		free(p->items[i].short_name);
		free(p->items[i].field);
		free(p->items[i].system);
	}
	free(p->items);
	memset(p, 0, sizeof *p);
}
