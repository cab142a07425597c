/*
 * fuzz_exercise.c - libFuzzer target for guided exercise files
 * (src/sandbox/exercise.c, format in doc/sandbox.md section 14): a trainer's
 * file, or any body POSTed to /_control/exercise.
 *
 * An input that loads is driven as a trainee would drive it: each target
 * viewed and acted on (applied, then refused), a hint asked, the status
 * read; one that does not load must say why, in one line.
 */
#include "fuzz.h"
#include "sandbox/exercise.h"

static struct world *fz_world;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct world_config cfg = {.seed = 7, .n_dossiers = 300, .now = 1773282600,
				   .dvcqg_share = 0.2};

	(void)argc;
	(void)argv;
	fz_world = world_new(&cfg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	char *cause = NULL;
	struct exercise *ex = exercise_load(text, size, "fuzz.json", fz_world, 1773282600, 1000,
					    &cause);
	const char *files[] = {"a.pdf", "a.pdf.p7s"};

	if (ex == NULL) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		free(text);
		return 0;
	}
	for (size_t k = 0; k < 2 * ex->n_steps + 2 && !exercise_done(ex); k++) {
		const struct exercise_step *st = exercise_current(ex);
		uint32_t idx = ex->targets[st->target].idx;
		struct world_act act = {.action = st->check == EXERCISE_CHECK_ACTION ? st->action
										   : ACTION_RECEIVE,
					.reason = k % 2 ? "lý do" : NULL, .result_files = files,
					.n_result_files = 2};

		exercise_hint(ex);
		exercise_acted(ex, idx + 1, "X", &act, WORLD_ACT_STALE, 2000 + k);
		exercise_viewed(ex, idx, 3000 + k);
		exercise_acted(ex, idx, "Y", &act, WORLD_ACT_OK, 4000 + k);
	}
	json_t *j = exercise_status(ex, 5000);
	char *s = json_dumps(j, 0);
	if (s == NULL)
		abort();
	free(s);
	json_decref(j);
	exercise_free(ex);
	free(text);
	return 0;
}
