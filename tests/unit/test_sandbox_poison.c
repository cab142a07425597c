/*
 * test_sandbox_poison.c - the sandbox's hostile data (/_control/poison,
 * world_poison*): a poisoned name, procedure, unit or area is what the
 * dialects render for that dossier only; every poisoning is a change that
 * incremental feeds carry; a poisoned update time (2199, or the past) is
 * served as it is and filtered by "updated since" correctly while the real
 * changes keep their own order; a new raw code moves the lookup by code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
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
make(void)
{
	struct world_config cfg = {.seed = 43, .n_dossiers = 600, .now = at("2026-03-12 09:30"),
				   .rate = 0, .dvcqg_share = 0.2};

	return world_new(&cfg);
}

/* The first dossier of src (with a copy in dvcqg when in_coord), and its
 * successor in the same system. */
static uint32_t
pick(struct world *w, int src, bool in_coord, uint32_t after)
{
	for (uint32_t i = after; i < world_count(w); i++) {
		const struct world_dossier *d = world_get(w, i);

		if (world_source_of(d) == src && (d->coord_status != 0) == in_coord)
			return i;
	}
	fail_msg("no dossier of system %d", src);
	return 0;
}

/* Whether idx is among the changes of src after (cursor, since). */
static bool
in_feed(struct world *w, int src, uint64_t cursor, mc_time since, uint32_t idx)
{
	uint32_t out[700];
	uint64_t last;
	bool more;
	size_t n = world_feed(w, src, cursor, since, 0, 700, out, &last, &more);

	assert_false(more);
	for (size_t i = 0; i < n; i++)
		if (out[i] == idx)
			return true;
	return false;
}

static void
text_fields_of_one_dossier(void **state)
{
	struct world *w = make();
	mc_time now = at("2026-03-12 10:00");
	uint32_t a = pick(w, SRC_TUPHAP, true, 0), b;
	struct world_dossier *d = world_get(w, a);
	struct gen_person who;
	const char *name = "\x1b]0;owned\x07Nguy\xe1\xbb\x85n \xe2\x80\xae" "A";
	uint64_t cursor = world_seq_in(d, SRC_TUPHAP), coord_cursor = world_seq_in(d, SRC_DVCQG);
	uint32_t version = d->version;

	(void)state;
	/* later changes of the feed: none of a before the poison */
	for (uint32_t i = 0; i < world_count(w); i++) {
		if (world_seq_in(world_get(w, i), SRC_TUPHAP) > cursor)
			cursor = world_seq_in(world_get(w, i), SRC_TUPHAP);
		if (world_seq_in(world_get(w, i), SRC_DVCQG) > coord_cursor)
			coord_cursor = world_seq_in(world_get(w, i), SRC_DVCQG);
	}
	assert_false(in_feed(w, SRC_TUPHAP, cursor, 0, a));
	assert_int_equal(world_poison(w, a, WORLD_POISON_NAME, name, now), 0);
	d = world_get(w, a);
	world_person(w, d, &who);
	assert_string_equal(who.name, name);
	assert_int_equal(d->version, version + 1);
	assert_int_equal(d->updated_at, now);
	/* a change both systems that hold it carry */
	assert_true(in_feed(w, SRC_TUPHAP, cursor, 0, a));
	assert_true(in_feed(w, SRC_DVCQG, coord_cursor, 0, a));
	assert_true(in_feed(w, SRC_TUPHAP, 0, now - 1, a));

	/* the procedure's name, of this dossier only */
	b = pick(w, SRC_TUPHAP, false, 0);
	assert_int_equal(world_poison(w, a, WORLD_POISON_PROCEDURE, "Ch\xe1\xbb\xa9ng \x1b[2J", now),
			 0);
	assert_string_equal(world_procedure(world_get(w, a))->name, "Ch\xe1\xbb\xa9ng \x1b[2J");
	assert_string_equal(world_procedure(world_get(w, a))->code,
			    catalog_procedures[world_get(w, a)->proc].code);
	assert_ptr_equal(world_procedure(world_get(w, b)), &catalog_procedures[world_get(w, b)->proc]);
	assert_string_not_equal(catalog_procedures[world_get(w, a)->proc].name,
				"Ch\xe1\xbb\xa9ng \x1b[2J");
	/* the unit, and the area a client takes from it */
	assert_int_equal(world_poison(w, a, WORLD_POISON_UNIT, "UBND \xc2\x9b", now), 0);
	assert_string_equal(world_unit(world_get(w, a)), "UBND \xc2\x9b");
	assert_int_equal(world_poison(w, a, WORLD_POISON_AREA, "x\xc3\xa3 \r", now), 0);
	assert_string_equal(world_unit(world_get(w, a)), "UBND x\xc3\xa3 \r");
	assert_string_equal(world_unit(world_get(w, b)), catalog_communes[world_get(w, b)->commune].unit);
	/* refused: empty, a name longer than the generator's buffer */
	assert_int_equal(world_poison(w, a, WORLD_POISON_NAME, "", now), -1);
	{
		char long_name[200];

		memset(long_name, 'A', sizeof long_name - 1);
		long_name[sizeof long_name - 1] = '\0';
		assert_int_equal(world_poison(w, a, WORLD_POISON_NAME, long_name, now), -1);
	}
	assert_int_equal(world_poison_field_from_name("area"), WORLD_POISON_AREA);
	assert_int_equal(world_poison_field_from_name("colour"), -1);
	world_free(w);
}

static void
update_time_far_future_and_past(void **state)
{
	struct world *w = make();
	mc_time now = at("2026-03-12 10:00"), future = at("2199-12-31 23:59:00");
	mc_time past = at("2001-01-01 08:00");
	uint32_t a = pick(w, SRC_TINH, false, 0), b = pick(w, SRC_TINH, false, a + 1);
	uint32_t c = pick(w, SRC_TINH, false, b + 1);
	struct world_act rec = {.action = ACTION_RECEIVE};

	(void)state;
	world_poison_updated(w, a, future);
	assert_int_equal(world_get(w, a)->updated_at, future);
	/* found by every since-time before 2199, not by one after it */
	assert_true(in_feed(w, SRC_TINH, 0, now - 1, a));
	assert_true(in_feed(w, SRC_TINH, 0, future - 1, a));
	assert_false(in_feed(w, SRC_TINH, 0, future, a));
	/* a real change afterwards keeps its real time: a client whose position
	 * jumped to 2199 never sees it, one at its real position does */
	world_get(w, b)->status = STATUS_NEW;
	assert_int_equal(world_act(w, b, &rec, now + 60), WORLD_ACT_OK);
	assert_int_equal(world_get(w, b)->updated_at, now + 60);
	assert_true(in_feed(w, SRC_TINH, 0, now + 30, b));
	assert_false(in_feed(w, SRC_TINH, 0, future, b));
	assert_int_equal(world_feed_count(w, SRC_TINH, 0, now + 30), 2);
	assert_int_equal(world_feed_count(w, SRC_TINH, 0, now + 60), 1); /* only 2199 */
	/* a time in the past: not found since now, found since before it */
	world_poison_updated(w, c, past);
	assert_int_equal(world_get(w, c)->updated_at, past);
	assert_false(in_feed(w, SRC_TINH, 0, now - 1, c));
	assert_true(in_feed(w, SRC_TINH, 0, past - 1, c));
	/* a later real change of the poisoned dossier ends the poison */
	world_get(w, a)->status = STATUS_NEW;
	assert_int_equal(world_act(w, a, &rec, now + 120), WORLD_ACT_OK);
	assert_int_equal(world_get(w, a)->updated_at, now + 120);
	assert_false(in_feed(w, SRC_TINH, 0, now + 200, a));
	world_free(w);
}

static void
update_time_in_dvcqg_too(void **state)
{
	struct world *w = make();
	mc_time future = at("9999-12-31 23:59:59");
	uint32_t a = pick(w, SRC_CONGAN, true, 0);

	(void)state;
	world_poison_updated(w, a, future);
	assert_int_equal(world_updated_in(world_get(w, a), SRC_CONGAN), future);
	assert_int_equal(world_updated_in(world_get(w, a), SRC_DVCQG), future);
	assert_true(in_feed(w, SRC_DVCQG, 0, future - 1, a));
	world_free(w);
}

static void
raw_code_moves_the_lookup(void **state)
{
	struct world *w = make();
	mc_time now = at("2026-03-12 10:00");
	uint32_t a = pick(w, SRC_NNMT, false, 0), b = pick(w, SRC_NNMT, false, a + 1);
	char old[48];
	const char *bad = "H56.14-\x1b[2J-\xe2\x80\xaeX";

	(void)state;
	snprintf(old, sizeof old, "%s", world_get(w, a)->code);
	assert_int_equal(world_poison_code(w, a, bad, now), 0);
	assert_string_equal(world_get(w, a)->code, bad);
	assert_int_equal(world_find(w, bad), a);
	assert_int_equal(world_find(w, old), -1);
	assert_true(in_feed(w, SRC_NNMT, 0, now - 1, a));
	/* another dossier's code, none, one too long: refused */
	assert_int_equal(world_poison_code(w, b, bad, now), -2);
	assert_int_equal(world_poison_code(w, b, "", now), -1);
	assert_int_equal(world_poison_code(w, b, "0123456789012345678901234567890123456789012345678",
					   now),
			 -1);
	/* the same code again is no change of owner */
	assert_int_equal(world_poison_code(w, a, bad, now), 0);
	assert_int_equal(world_find(w, world_get(w, b)->code), b);
	world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_fields_of_one_dossier),
		cmocka_unit_test(update_time_far_future_and_past),
		cmocka_unit_test(update_time_in_dvcqg_too),
		cmocka_unit_test(raw_code_moves_the_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
