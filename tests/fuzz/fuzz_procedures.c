/*
 * fuzz_procedures.c - libFuzzer target for the procedure catalogue
 * (procedures_parse, config/procedures.json): the deadline rule of each
 * procedure.  A catalogue that parses is looked up by each of its codes.
 * Does not touch the disk.
 */
#include "config/procedures.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct procedures p;
	char *cause = NULL;

	memset(&p, 0, sizeof p);
	if (procedures_parse("procedures.json", text, size, &p, &cause) == 0) {
		for (size_t i = 0; i < p.n; i++)
			if (p.items[i].code == NULL || procedures_find(&p, p.items[i].code) == NULL)
				abort();
		procedures_release(&p);
	} else if (cause == NULL) {
		abort();
	} else {
		fuzz_require_line("the refusal", cause); /* "PATH: problem" */
	}
	free(cause);
	free(text);
	return 0;
}
