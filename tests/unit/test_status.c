/* Unit tests for src/core/status.c: labels and the action transition table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/status.h"

static void
test_labels(void **state)
{
	(void)state;
	assert_string_equal(status_label_vi(1), "Mới đăng ký");
	assert_string_equal(status_label_vi(4), "Đang xử lý");
	assert_string_equal(status_label_vi(10), "Đã trả kết quả");
	assert_string_equal(status_label_vi(0), "?");
	assert_string_equal(status_label_vi(11), "?");
	for (int s = STATUS_MIN; s <= STATUS_MAX; s++)
		assert_string_not_equal(status_label_en(s), "?");
	/* Terminal states per DOMAIN.md: 3, 7, 8, 10. */
	for (int s = STATUS_MIN; s <= STATUS_MAX; s++)
		assert_int_equal(status_is_terminal(s), s == 3 || s == 7 || s == 8 || s == 10);
	assert_true(status_is_finished(9));
	assert_false(status_is_finished(4));
}

static void
test_names(void **state)
{
	(void)state;
	for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
		assert_int_equal(action_from_name(action_name((enum action)a)), a);
	assert_int_equal(action_from_name("reject"), ACTION_REFUSE);
	assert_int_equal(action_from_name("supplement"), ACTION_REQUEST_SUPPLEMENT);
	assert_int_equal(action_from_name("return"), ACTION_RETURN_RESULT);
	assert_int_equal(action_from_name("payment"), ACTION_REQUEST_PAYMENT);
	assert_int_equal(action_from_name("sign"), ACTION_NONE);
	assert_int_equal(action_from_name(""), ACTION_NONE);
	assert_int_equal(action_from_name(NULL), ACTION_NONE);
	assert_null(action_name(ACTION_NONE));
}

/* The expected table, written out in full so a change to status.c shows here. */
static void
test_transitions(void **state)
{
	static const struct {
		enum action a;
		int from;
		int to; /* 0 = not allowed */
	} rows[] = {
		{ACTION_RECEIVE, 1, 2},              {ACTION_RECEIVE, 2, 0},
		{ACTION_RECEIVE, 4, 0},              {ACTION_REFUSE, 1, 3},
		{ACTION_REFUSE, 2, 0},               {ACTION_REQUEST_SUPPLEMENT, 1, 5},
		{ACTION_REQUEST_SUPPLEMENT, 2, 5},   {ACTION_REQUEST_SUPPLEMENT, 4, 5},
		{ACTION_REQUEST_SUPPLEMENT, 5, 0},   {ACTION_REQUEST_SUPPLEMENT, 9, 0},
		{ACTION_SUPPLEMENT_RECEIVED, 5, 4},  {ACTION_SUPPLEMENT_RECEIVED, 4, 0},
		{ACTION_FORWARD, 2, 4},              {ACTION_FORWARD, 4, 4},
		{ACTION_FORWARD, 1, 0},              {ACTION_APPROVE, 4, 9},
		{ACTION_APPROVE, 2, 9},              {ACTION_APPROVE, 6, 9},
		{ACTION_APPROVE, 5, 0},              {ACTION_APPROVE, 1, 0},
		{ACTION_REQUEST_PAYMENT, 4, 6},      {ACTION_REQUEST_PAYMENT, 6, 0},
		{ACTION_STOP, 4, 8},                 {ACTION_STOP, 5, 8},
		{ACTION_STOP, 9, 0},                 {ACTION_RETURN_RESULT, 9, 10},
		{ACTION_RETURN_RESULT, 4, 0},        {ACTION_RETURN_RESULT, 10, 0},
		{ACTION_WITHDRAW, 1, 7},             {ACTION_WITHDRAW, 5, 7},
		{ACTION_WITHDRAW, 9, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		assert_int_equal(action_apply(rows[i].a, rows[i].from), rows[i].to);
		assert_int_equal(action_allowed(rows[i].a, rows[i].from), rows[i].to != 0);
	}
}

static void
test_terminal_states_allow_nothing(void **state)
{
	enum action list[ACTION_COUNT];
	(void)state;
	for (int s = STATUS_MIN; s <= STATUS_MAX; s++) {
		int n = action_allowed_list(s, list);
		if (status_is_terminal(s))
			assert_int_equal(n, 0);
		else
			assert_true(n > 0);
		for (int i = 0; i < n; i++) {
			int to = action_apply(list[i], s);
			assert_true(to >= STATUS_MIN && to <= STATUS_MAX);
		}
	}
	assert_int_equal(action_apply(ACTION_RECEIVE, 0), 0);
	assert_int_equal(action_apply(ACTION_RECEIVE, 11), 0);
	assert_int_equal(action_apply(ACTION_COUNT, 1), 0);
}

static void
test_reasons_and_confirmations(void **state)
{
	(void)state;
	assert_true(action_needs_reason(ACTION_REFUSE));
	assert_true(action_needs_reason(ACTION_REQUEST_SUPPLEMENT));
	assert_true(action_needs_reason(ACTION_STOP));
	assert_false(action_needs_reason(ACTION_RECEIVE));
	assert_true(action_is_destructive(ACTION_REFUSE));
	assert_true(action_is_destructive(ACTION_STOP));
	assert_true(action_is_destructive(ACTION_RETURN_RESULT));
	assert_false(action_is_destructive(ACTION_FORWARD));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_terminal_states_allow_nothing),
		cmocka_unit_test(test_reasons_and_confirmations),
	};
	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
