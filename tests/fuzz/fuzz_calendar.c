/*
 * fuzz_calendar.c - libFuzzer target for yearly calendar override files
 * (calendar_file_parse, config/calendar/YYYY.json, format in doc/calendar.md).
 *
 * The year the file is named after is the first run of four digits in the
 * input between 1900 and 2100 (2026 when there is none), so seeds stay plain
 * JSON and the fuzzer can still reach the "wrong year" paths.  A file that
 * parses is applied to a calendar and the year's days off are listed, as
 * `motcua calendar YEAR` would.  Does not touch the disk.
 */
#include "config/calendar_file.h"
#include "core/calendar.h"
#include "fuzz.h"

static int
year_of(const char *text, size_t size)
{
	for (size_t i = 0; i + 4 <= size; i++) {
		int y = 0;
		size_t k;
		for (k = 0; k < 4 && text[i + k] >= '0' && text[i + k] <= '9'; k++)
			y = y * 10 + (text[i + k] - '0');
		if (k == 4 && y >= 1900 && y <= 2100)
			return y;
	}
	return 2026;
}

static void
warned(void *ctx, const char *msg)
{
	(void)ctx;
	if (msg == NULL)
		abort();
	fuzz_require_line("a warning", msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	int year = year_of(text, size);
	struct calendar_override ov;
	char *cause = NULL;

	if (calendar_file_parse("2026.json", text, size, year, &ov, &cause, warned, NULL) == 0) {
		struct calendar *cal = calendar_new();
		const struct calendar_day *days;
		if (calendar_add_override(cal, &ov) != 0)
			abort(); /* the file checks promise what the calendar checks */
		(void)calendar_days_off(cal, year, &days);
		(void)calendar_working_overrides(cal, year, &days);
		calendar_free(cal);
		calendar_override_release(&ov);
	} else if (cause == NULL) {
		abort(); /* a refusal says why */
	} else {
		fuzz_require_line("the refusal", cause);
	}
	free(cause);
	free(text);
	return 0;
}
