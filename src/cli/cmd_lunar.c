/*
 * cmd_lunar.c - `motcua lunar YYYY-MM-DD [--json]`: the Vietnamese lunar date
 * of a solar date, with the Can Chi name of its lunar year.
 *
 * Argument handling and output only; the conversion is core/lunar.c.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/civil.h"
#include "core/lunar.h"
#include "ui/i18n.h"

#define CMD "lunar"

static int
print_json(const struct lunar_date *ld, const char *can_chi)
{
	json_t *obj = json_pack("{s:i, s:i, s:i, s:b, s:s}", "year", ld->year, "month",
				ld->month, "day", ld->day, "leap", ld->leap, "can_chi", can_chi);

	if (obj == NULL)
		return -1;
	return cli_json_print(obj);
}

int
cmd_lunar(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	int opt;
	int32_t day;
	struct lunar_date ld;
	char can_chi[LUNAR_CAN_CHI_LEN], date[CIVIL_DATE_LEN];

	cli_lang_init(NULL); /* messages in the clerk's language, usage errors too */
	optind = 0; /* GNU: full re-initialisation, in case of an earlier parse */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else
			return cli_usage_error(CMD, _("unknown or malformed option '%s'"),
					       argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage_error(CMD, _("missing the date YYYY-MM-DD"));
	if (argc - optind > 1)
		return cli_usage_error(CMD, _("too many arguments ('%s')"), argv[optind + 1]);
	if (civil_parse_date(argv[optind], &day) < 0)
		return cli_usage_error(CMD, _("'%s' is not a date YYYY-MM-DD"), argv[optind]);
	if (lunar_from_solar(day, &ld) < 0)
		return cli_usage_error(CMD, _("%s is outside 1900-01-01..2100-12-31"),
				       argv[optind]);
	lunar_can_chi_year(ld.year, can_chi, sizeof can_chi);

	if (json) {
		if (print_json(&ld, can_chi) < 0)
			return cli_fail(CMD, _("cannot encode JSON"));
	} else {
		/* TRANSLATORS: the solar date, then the lunar day, month, " (leap)" or
		 * nothing, and the Can Chi name of the lunar year. */
		printf(_("%s -> day %d, month %d%s of the lunar year %s\n"),
		       civil_format_date(day, date, sizeof date), ld.day, ld.month,
		       ld.leap ? _(" (leap)") : "", can_chi);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_fail(CMD, _("cannot write the output"));
	return CLI_OK;
}
