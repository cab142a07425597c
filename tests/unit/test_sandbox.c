/*
 * Unit tests for the sandbox's world: deterministic generation, a realistic
 * spread (every status, Đ/đ names, synthetic 12-digit IDs, codes in the real
 * shape), histories that follow the action table, due dates from the
 * deadline engine, change feeds, actions with versions, the coordination
 * system's lag and the provincial 5/6/8 -> 9 mapping, life, and the
 * receiving clerk's text note.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "sandbox/gen.h"
#include "sandbox/world.h"

static mc_time
at(const char *s)
{
	mc_time t = 0;
	assert_int_equal(civil_parse_datetime(s, &t), 0);
	return t;
}

static struct world *
make(uint64_t seed, size_t n, double rate)
{
	struct world_config cfg = {.seed = seed, .n_dossiers = n, .now = at("2026-03-12 09:30"),
				   .rate = rate, .dvcqg_share = 0.2};
	return world_new(&cfg);
}

static void
test_deterministic(void **state)
{
	(void)state;
	struct world *a = make(42, 2000, 0), *b = make(42, 2000, 0), *c = make(43, 2000, 0);
	size_t differ = 0;
	for (uint32_t i = 0; i < 2000; i++) {
		struct world_dossier *x = world_get(a, i), *y = world_get(b, i), *z = world_get(c, i);
		assert_string_equal(x->code, y->code);
		assert_int_equal(x->status, y->status);
		assert_int_equal(x->due_at, y->due_at);
		assert_int_equal(x->coord_status, y->coord_status);
		struct gen_person p, q;
		gen_person(42, x->gen, x->commune, &p);
		gen_person(42, y->gen, y->commune, &q);
		assert_string_equal(p.name, q.name);
		assert_string_equal(p.id, q.id);
		differ += strcmp(x->code, z->code) != 0 || x->status != z->status;
	}
	assert_true(differ > 1000); /* another seed, another world */
	world_free(a);
	world_free(b);
	world_free(c);
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[n] == '\0';
}

static void
test_realistic(void **state)
{
	(void)state;
	struct world *w = make(7, 5000, 0);
	int statuses[STATUS_MAX + 1] = {0};
	int with_d = 0, overdue = 0, due_today = 0, supplements = 0, in_coord = 0, lagging = 0;
	mc_time now = at("2026-03-12 09:30");
	for (uint32_t i = 0; i < world_count(w); i++) {
		struct world_dossier *d = world_get(w, i);
		statuses[d->status]++;
		struct gen_person p;
		gen_person(7, d->gen, d->commune, &p);
		if (strstr(p.name, "Đ") != NULL || strstr(p.name, "đ") != NULL)
			with_d++;
		/* 12 digits: province, century/sex, year, then the "99" marker. */
		assert_true(all_digits(p.id, 12));
		assert_memory_equal(p.id + 6, "99", 2);
		assert_int_equal(p.id[3] - '0', (p.birth_year >= 2000 ? 2 : 0) + p.female);
		assert_int_equal((p.id[4] - '0') * 10 + (p.id[5] - '0'), p.birth_year % 100);
		/* MaHoSo: agency-yymmdd-nnnnn */
		const char *dash = strchr(d->code, '-');
		assert_non_null(dash);
		assert_int_equal(strlen(dash), 1 + 6 + 1 + 5);
		assert_true(d->updated_at <= now);
		if (!status_is_finished(d->status) && d->due_at != 0) {
			overdue += d->due_at < now;
			due_today += civil_day_of(d->due_at) == civil_day_of(now) && d->due_at >= now;
		}
		supplements += d->supp_req_at != 0;
		if (d->coord_status != 0) {
			in_coord++;
			lagging += d->coord_status != d->status;
		}
		if (d->status == STATUS_NEW) {
			assert_int_equal(d->received_at, 0);
			assert_int_equal(d->coord_status, 0);
		} else {
			assert_true(d->received_at >= d->submitted_at);
			assert_true(d->due_at > d->received_at);
		}
	}
	for (int s = STATUS_MIN; s <= STATUS_MAX; s++)
		assert_true(statuses[s] > 10);
	assert_true(with_d > 500);
	assert_true(overdue > 20);
	assert_true(due_today > 10);
	assert_true(supplements > 100);
	assert_true(in_coord > 700 && in_coord < 2000);
	assert_true(lagging > 100);
	assert_int_equal(world_count(w), 5000);
	world_free(w);
}

/* Every generated history step is a transition the action table allows. */
static void
test_paths_follow_rules(void **state)
{
	(void)state;
	struct world *w = make(9, 3000, 0);
	for (uint32_t i = 0; i < world_count(w); i++) {
		struct world_dossier *d = world_get(w, i);
		assert_int_equal(d->path[0], STATUS_NEW);
		assert_int_equal(d->path[d->n_path - 1], d->status);
		for (size_t k = 1; k < d->n_path; k++) {
			bool ok = false;
			for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
				ok |= action_apply((enum action)a, d->path[k - 1]) == d->path[k];
			assert_true(ok);
		}
	}
	world_free(w);
}

static void
test_due_from_deadline_engine(void **state)
{
	(void)state;
	struct world *w = make(3, 2000, 0);
	int checked = 0;
	for (uint32_t i = 0; i < world_count(w); i++) {
		struct world_dossier *d = world_get(w, i);
		if (d->received_at == 0 || d->supp_req_at != 0)
			continue;
		mc_time due;
		assert_int_equal(deadline_due(world_calendar(w), world_worktime(w),
					      &world_procedure(d)->rule, d->received_at, &due),
				 0);
		assert_int_equal(d->due_at, due);
		checked++;
	}
	assert_true(checked > 1000);
	world_free(w);
}

static void
test_feed_and_actions(void **state)
{
	(void)state;
	struct world *w = make(5, 1000, 0);
	mc_time now = at("2026-03-12 10:00");
	/* The feed lists each tuphap dossier once. */
	uint32_t out[100];
	uint64_t cursor = 0, last;
	bool more = true;
	size_t seen = 0;
	while (more) {
		size_t n = world_feed(w, SRC_TUPHAP, cursor, 0, 0, 100, out, &last, &more);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(world_source_of(world_get(w, out[i])), SRC_TUPHAP);
		seen += n;
		cursor = last;
	}
	assert_int_equal(seen, world_source_count(w, SRC_TUPHAP));
	assert_int_equal(world_feed_count(w, SRC_TUPHAP, cursor, 0), 0);

	/* Receive a new one: version moves, it reappears in the feed once. */
	uint32_t idx = UINT32_MAX;
	for (uint32_t i = 0; i < world_count(w); i++)
		if (world_get(w, i)->status == STATUS_NEW &&
		    world_source_of(world_get(w, i)) == SRC_TUPHAP)
			idx = i;
	assert_int_not_equal(idx, UINT32_MAX);
	struct world_act stale = {.action = ACTION_RECEIVE, .check_version = true, .version = 7};
	assert_int_equal(world_act(w, idx, &stale, now), WORLD_ACT_STALE);
	struct world_act refuse = {.action = ACTION_REFUSE};
	assert_int_equal(world_act(w, idx, &refuse, now), WORLD_ACT_NEED_REASON);
	struct world_act rec = {.action = ACTION_RECEIVE, .check_version = true, .version = 1};
	assert_int_equal(world_act(w, idx, &rec, now), WORLD_ACT_OK);
	struct world_dossier *d = world_get(w, idx);
	assert_int_equal(d->status, STATUS_RECEIVED);
	assert_int_equal(d->version, 2);
	assert_int_equal(d->received_at, now);
	assert_true(d->due_at > now);
	assert_int_equal(world_act(w, idx, &rec, now), WORLD_ACT_STALE);
	rec.check_version = false;
	assert_int_equal(world_act(w, idx, &rec, now), WORLD_ACT_NOT_ALLOWED);
	size_t n = world_feed(w, SRC_TUPHAP, cursor, 0, 0, 100, out, &last, &more);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], idx);
	/* Updated-since: only the change at `now`. */
	assert_int_equal(world_feed_count(w, SRC_TUPHAP, 0, now - 1), 1);
	struct world_step steps[16];
	size_t hs = world_history(w, d, steps, 16);
	assert_int_equal(steps[hs - 1].status, STATUS_RECEIVED);
	assert_int_equal(steps[hs - 1].action, ACTION_RECEIVE);
	world_free(w);
}

static void
test_coordination_lag(void **state)
{
	(void)state;
	struct world *w = make(11, 4000, 0);
	mc_time now = at("2026-03-12 10:00");
	int lossy = 0;
	uint32_t idx = UINT32_MAX;
	for (uint32_t i = 0; i < world_count(w); i++) {
		struct world_dossier *d = world_get(w, i);
		if (d->coord_status == 0)
			continue;
		if (world_source_of(d) == SRC_TINH) {
			/* The provincial system never shows 5, 6 or 8 in dvcqg. */
			assert_true(d->coord_status != 5 && d->coord_status != 6 &&
				    d->coord_status != 8);
			lossy += d->status == 5 || d->status == 6 || d->status == 8;
		}
		if (d->status == STATUS_PROCESSING && world_source_of(d) == SRC_CONGAN)
			idx = i;
	}
	assert_true(lossy > 0);
	assert_int_not_equal(idx, UINT32_MAX);
	struct world_act sup = {.action = ACTION_REQUEST_SUPPLEMENT, .reason = "Thiếu giấy tờ"};
	assert_int_equal(world_act(w, idx, &sup, now), WORLD_ACT_OK);
	struct world_dossier *d = world_get(w, idx);
	assert_int_equal(d->coord_pending, STATUS_SUPPLEMENT);
	assert_int_not_equal(d->coord_status, STATUS_SUPPLEMENT); /* not yet */
	world_advance(w, now + 60);
	d = world_get(w, idx);
	assert_int_equal(d->coord_status == STATUS_SUPPLEMENT, d->coord_pending_at <= now + 60);
	world_advance(w, now + 21 * 60); /* at most 20 minutes later it arrived */
	d = world_get(w, idx);
	assert_int_equal(d->coord_status, STATUS_SUPPLEMENT);
	assert_int_equal(d->coord_pending, 0);
	world_free(w);
}

static void
test_life(void **state)
{
	(void)state;
	struct world *w = make(2, 500, 2.0);
	mc_time now = at("2026-03-12 09:30");
	world_advance(w, now + 10 * 60);
	struct world_life_stats life;
	world_life_stats(w, &life);
	assert_int_equal(life.arrivals, 20);
	assert_int_equal(world_count(w), 520);
	struct world_dossier *d = world_get(w, 519);
	assert_int_equal(d->status, STATUS_NEW);
	assert_true(world_find(w, d->code) == 519);
	assert_true(life.progressed > 0);
	/* A still world does not move. */
	struct world *still = make(2, 500, 0);
	world_advance(still, now + 3600);
	world_life_stats(still, &life);
	assert_int_equal(life.arrivals + life.progressed, 0);
	world_free(still);
	world_free(w);
}

static void
test_scenarios(void **state)
{
	(void)state;
	mc_time now = at("2026-11-22 14:00");
	struct civil_time q = civil_split(world_scenario_clock(SCENARIO_QUIET_MORNING, now));
	assert_int_equal(q.hour, 7);
	assert_int_equal(q.minute, 45);
	/* 22 November 2026 is a Sunday: the quiet morning is Monday's. */
	assert_int_equal(q.date.day, 23);
	/* Tết 2026: 17 February; the holiday ends on the 20th (Friday): back on
	 * Monday 23 February. */
	struct civil_time t = civil_split(world_scenario_clock(SCENARIO_POST_TET_BACKLOG, now));
	assert_int_equal(t.date.year, 2026);
	assert_int_equal(t.date.month, 2);
	assert_int_equal(t.date.day, 23);
	assert_int_equal(world_scenario_from_name("rural-outage"), SCENARIO_RURAL_OUTAGE);
	assert_int_equal(world_scenario_from_name("nope"), -1);
}

static void
test_attachments(void **state)
{
	(void)state;
	const struct catalog_procedure *land = NULL;
	for (size_t i = 0; i < catalog_n_procedures; i++)
		if (catalog_procedures[i].source == SRC_NNMT && catalog_procedures[i].n_parts == 4)
			land = &catalog_procedures[i];
	assert_non_null(land);
	int64_t size = gen_part_size(1, 77, land, 1);
	assert_true(size >= 3000 * 1024); /* a cadastral map: megabytes */
	unsigned char whole[4096], a[4096];
	gen_part_bytes(1, 77, land, 1, 0, sizeof(whole), whole);
	assert_memory_equal(whole, "II*", 3);
	gen_part_bytes(1, 77, land, 1, 1000, 500, a);
	assert_memory_equal(a, whole + 1000, 500); /* ranges agree with the whole */
	gen_part_bytes(2, 77, land, 1, 1000, 500, a);
	assert_memory_not_equal(a, whole + 1000, 500);
}

/* The clerk's note: on about one dossier in eight, decided per seed; the
 * same text every time, UTF-8 with no control but the line ends. */
static void
test_text_note(void **state)
{
	(void)state;
	const struct catalog_procedure *p = &catalog_procedures[0];
	size_t with = 0, differ = 0;
	char a[GEN_NOTE_MAX], b[GEN_NOTE_MAX];

	for (uint32_t gen = 0; gen < 4000; gen++) {
		with += gen_has_note(15, gen);
		differ += gen_has_note(15, gen) != gen_has_note(16, gen);
	}
	assert_in_range(with, 350, 650);
	assert_true(differ > 300);
	for (uint32_t gen = 0; gen < 64; gen++) {
		size_t n = gen_note_text(15, gen, p, a, sizeof(a));
		assert_int_equal(gen_note_text(15, gen, p, b, sizeof(b)), n);
		assert_string_equal(a, b);
		assert_int_equal(strlen(a), n);
		assert_non_null(strstr(a, "Ghi chú của cán bộ tiếp nhận\n"));
		assert_non_null(strstr(a, p->name));
		for (size_t i = 0; i < n; i++)
			assert_true((unsigned char)a[i] >= 0x20 || a[i] == '\n');
		/* a short buffer: cut, still terminated */
		assert_int_equal(gen_note_text(15, gen, p, b, 10), 9);
		assert_int_equal(strlen(b), 9);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_realistic),
		cmocka_unit_test(test_paths_follow_rules),
		cmocka_unit_test(test_due_from_deadline_engine),
		cmocka_unit_test(test_feed_and_actions),
		cmocka_unit_test(test_coordination_lag),
		cmocka_unit_test(test_life),
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_attachments),
		cmocka_unit_test(test_text_note),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
