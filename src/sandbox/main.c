/*
 * main.c - motcua-sandbox: parse options, generate the world (or a class of
 * seats, class.h), load an exercise when asked, serve until SIGINT or
 * SIGTERM, then free everything.
 *
 * Signals are blocked before the server's threads start and waited for with
 * sigwait(), so no handler runs on a server thread and shutdown happens on the
 * main thread in order: stop the server (joins its threads), then free the
 * sandbox.  Exit 0 after a signal, 1 when the server cannot start, 2 for bad
 * usage (an exercise file that does not load included).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/civil.h"
#include "core/xalloc.h"
#include "sandbox/class.h"
#include "sandbox/http.h"
#include "sandbox/sandbox.h"

static const char usage_text[] =
	"usage: motcua-sandbox [options]\n"
	"  --port N            listen on port N (default 8080; 0 = any free port)\n"
	"  --host ADDR         IPv4 address to bind (default 127.0.0.1)\n"
	"  --seed N            seed of all generated data and faults (default 1)\n"
	"  --dossiers N        dossiers to generate (default 3000, up to 1000000)\n"
	"  --now 'YYYY-MM-DD HH:MM'  start the sandbox clock there (default: now)\n"
	"  --speed X           sandbox seconds per real second (default 1; 0 = frozen)\n"
	"  --rate N            new dossiers per sandbox minute (default 0)\n"
	"  --scenario NAME     quiet-morning | post-tet-backlog | rural-outage\n"
	"  --faults SPEC       fault rules, e.g. 'tuphap:latency=200,error=0.1'\n"
	"  --payment-secret S  shared secret of the payment platform's MaXacThuc\n"
	"  --ready-fd N        write the base URL and a newline to fd N when ready\n"
	"  --public-url URL    the URL the sandbox is reached at through a reverse proxy\n"
	"                      (a TLS front): discovery, issuer and links say it\n"
	"  --exercise FILE     load a guided exercise (doc/sandbox.md section 14)\n"
	"  --class N           serve N trainees (1..40), each a whole sandbox under\n"
	"                      /seat/K; GET /class lists their progress\n"
	"  --verbose           log one line per request on stderr\n"
	"  --help              this text\n"
	"When ready it prints 'motcua-sandbox: listening on URL' on stdout\n"
	"(with --class, then one 'motcua-sandbox: seat K: URL' line per seat).\n"
	"See doc/sandbox.md for every endpoint.\n";

static int
bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "motcua-sandbox: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "",
		usage_text);
	return 2;
}

static int
parse_num(const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

enum { OPT_PORT = 256, OPT_HOST, OPT_SEED, OPT_DOSSIERS, OPT_NOW, OPT_SPEED, OPT_RATE,
       OPT_SCENARIO, OPT_FAULTS, OPT_SECRET, OPT_READY_FD, OPT_VERBOSE, OPT_HELP,
       OPT_PUBLIC_URL, OPT_EXERCISE, OPT_CLASS };

static const struct option options[] = {
	{"port", required_argument, NULL, OPT_PORT},
	{"host", required_argument, NULL, OPT_HOST},
	{"seed", required_argument, NULL, OPT_SEED},
	{"dossiers", required_argument, NULL, OPT_DOSSIERS},
	{"now", required_argument, NULL, OPT_NOW},
	{"speed", required_argument, NULL, OPT_SPEED},
	{"rate", required_argument, NULL, OPT_RATE},
	{"scenario", required_argument, NULL, OPT_SCENARIO},
	{"faults", required_argument, NULL, OPT_FAULTS},
	{"payment-secret", required_argument, NULL, OPT_SECRET},
	{"ready-fd", required_argument, NULL, OPT_READY_FD},
	{"verbose", no_argument, NULL, OPT_VERBOSE},
	{"help", no_argument, NULL, OPT_HELP},
	{"public-url", required_argument, NULL, OPT_PUBLIC_URL},
	{"exercise", required_argument, NULL, OPT_EXERCISE},
	{"class", required_argument, NULL, OPT_CLASS},
	{NULL, 0, NULL, 0},
};

/* The whole exercise file (at most EXERCISE_MAX_FILE + 1 bytes, so that a
 * larger one is refused by the loader with its usual message).  NULL with
 * errno when it cannot be read. */
static char *
read_exercise(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL)
		return NULL;
	buf = xmalloc(EXERCISE_MAX_FILE + 2);
	*len = fread(buf, 1, EXERCISE_MAX_FILE + 1, f);
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Load the exercise into every seat (one sandbox: one seat).  0, or 2 after
 * saying why. */
static int
load_exercise(const char *path, struct sandbox **seats, size_t n)
{
	size_t len = 0;
	char *text = read_exercise(path, &len), *cause = NULL;
	int rc = 0;

	if (text == NULL) {
		fprintf(stderr, "motcua-sandbox: %s: %s\n", path, strerror(errno));
		return 2;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (sandbox_exercise_load(seats[i], text, len, path, &cause) != 0) {
			fprintf(stderr, "motcua-sandbox: %s\n", cause);
			free(cause);
			rc = 2;
		}
	}
	free(text);
	return rc;
}

int
main(int argc, char **argv)
{
	struct sandbox_config cfg = {.seed = 1, .n_dossiers = 3000, .speed = 1.0};
	const char *host = "127.0.0.1";
	const char *public_url = NULL;
	double port = 8080, num;
	uint64_t u;
	int ready_fd = -1;
	bool have_now = false;
	const char *exercise = NULL;
	size_t n_seats = 0; /* 0: one sandbox at the root, no class */
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case OPT_PORT:
			if (parse_num(optarg, 0, 65535, &port) != 0)
				return bad_usage("bad --port", optarg);
			break;
		case OPT_HOST:
			host = optarg;
			break;
		case OPT_PUBLIC_URL:
			if ((strncmp(optarg, "https://", 8) != 0 && strncmp(optarg, "http://", 7) != 0) ||
			    strlen(optarg) > 200)
				return bad_usage("bad --public-url (http:// or https://)", optarg);
			public_url = optarg;
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &cfg.seed) != 0)
				return bad_usage("bad --seed", optarg);
			break;
		case OPT_DOSSIERS:
			if (parse_u64(optarg, &u) != 0 || u > 1000000)
				return bad_usage("bad --dossiers (0..1000000)", optarg);
			cfg.n_dossiers = (size_t)u;
			break;
		case OPT_NOW:
			if (civil_parse_datetime(optarg, &cfg.start) != 0)
				return bad_usage("bad --now (YYYY-MM-DD HH:MM)", optarg);
			have_now = true;
			break;
		case OPT_SPEED:
			if (parse_num(optarg, 0, 100000, &cfg.speed) != 0)
				return bad_usage("bad --speed", optarg);
			break;
		case OPT_RATE:
			if (parse_num(optarg, 0, 1000, &cfg.rate) != 0)
				return bad_usage("bad --rate (0..1000 per minute)", optarg);
			break;
		case OPT_SCENARIO:
			cfg.scenario = world_scenario_from_name(optarg);
			if (cfg.scenario < 0)
				return bad_usage("unknown --scenario", optarg);
			break;
		case OPT_FAULTS:
			cfg.faults = optarg;
			break;
		case OPT_SECRET:
			cfg.payment_secret = optarg;
			break;
		case OPT_READY_FD:
			if (parse_num(optarg, 0, 1 << 20, &num) != 0)
				return bad_usage("bad --ready-fd", optarg);
			ready_fd = (int)num;
			break;
		case OPT_EXERCISE:
			exercise = optarg;
			break;
		case OPT_CLASS:
			if (parse_u64(optarg, &u) != 0 || u < 1 || u > CLASS_MAX_SEATS)
				return bad_usage("bad --class (1..40 seats)", optarg);
			n_seats = (size_t)u;
			break;
		case OPT_VERBOSE:
			cfg.verbose = true;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 0;
		default:
			return bad_usage("unknown option", NULL);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument", argv[optind]);
	if (!have_now)
		cfg.start = (mc_time)time(NULL);
	if (cfg.scenario == SCENARIO_QUIET_MORNING && cfg.rate == 0)
		cfg.rate = 0.5;
	if (cfg.scenario == SCENARIO_POST_TET_BACKLOG && cfg.rate == 0)
		cfg.rate = 2;
	if (!have_now)
		cfg.start = world_scenario_clock(cfg.scenario, cfg.start);

	/* Block the signals before any thread exists; sigwait() takes them. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	const char *err = NULL;
	struct timespec t0, t1;
	struct sandbox *sb = NULL, **seats = &sb;
	struct sbx_class *class = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (n_seats > 0) {
		class = class_new(&cfg, n_seats, &err);
		if (class == NULL)
			return bad_usage("bad --faults", err);
		seats = xcalloc(n_seats, sizeof(*seats));
		for (size_t k = 1; k <= n_seats; k++)
			seats[k - 1] = class_seat(class, k);
	} else {
		sb = sandbox_new(&cfg, &err);
		if (sb == NULL)
			return bad_usage("bad --faults", err);
		n_seats = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (cfg.verbose)
		fprintf(stderr, "motcua-sandbox: generated %zu dossiers%s in %.0f ms\n",
			cfg.n_dossiers, class != NULL ? " per seat" : "",
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	int rc = 0;
	if (exercise != NULL && (rc = load_exercise(exercise, seats, n_seats)) != 0)
		goto out;

	struct sbx_http *srv = class != NULL
				       ? sbx_http_start(host, (unsigned)port, class_handle, class, &err)
				       : sbx_http_start(host, (unsigned)port, sandbox_handle, sb, &err);
	if (srv == NULL) {
		fprintf(stderr, "motcua-sandbox: cannot listen on %s:%u: %s\n", host, (unsigned)port,
			err);
		rc = 1;
		goto out;
	}
	char url[96];
	snprintf(url, sizeof(url), "http://%s:%u", host, sbx_http_port(srv));
	/* behind a reverse proxy (a TLS front): the URLs it hands out are the proxy's */
	const char *base = public_url != NULL ? public_url : url;
	if (class != NULL)
		class_set_base_url(class, base);
	else
		sandbox_set_base_url(sb, base);
	printf("motcua-sandbox: listening on %s\n", url);
	for (size_t k = 0; class != NULL && k < n_seats; k++)
		printf("motcua-sandbox: seat %zu: %s\n", k + 1, seats[k]->base_url);
	fflush(stdout);
	if (ready_fd >= 0) {
		dprintf(ready_fd, "%s\n", url);
		close(ready_fd);
	}

	int sig = 0;
	sigwait(&sigs, &sig);
	sbx_http_stop(srv);
out:
	if (class != NULL) {
		free(seats);
		class_free(class);
	} else {
		sandbox_free(sb);
	}
	return rc;
}
