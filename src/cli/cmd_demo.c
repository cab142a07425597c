/*
 * cmd_demo.c - `motcua demo`: one command for a trainer.
 *
 * Starts motcua-sandbox (next to this executable, else in PATH) on a free
 * loopback port with a lively scenario, in a private data folder (a fresh
 * 0700 folder under $XDG_RUNTIME_DIR or /tmp, removed at the end, so the
 * trainer's own data and keyring are never touched), signs in through the
 * sandbox's provider by approving the user code the way the phone would
 * (POST {issuer}/_control/approve, through src/net), and runs the console
 * with the TRAINING banner in this process.  Quitting, SIGINT, SIGTERM and
 * SIGHUP stop the sandbox (by its PID) and remove the folder; if the
 * sandbox dies first, the console says so in the status bar.  `--check`
 * does the same without the console and prints a summary, for CI and for a
 * trainer checking a machine.
 *
 * What it does not do: draw (ui/ does), speak any backend's dialect
 * (src/sources does), or keep anything after it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "auth/auth.h"
#include "auth/keyring.h"
#include "cli/cli.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "store/store.h"
#include "app/env.h"
#include "sync/sync.h"
#include "ui/console.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "app/trust.h"

#define READY_FD 3            /* the sandbox's --ready-fd in the child */
#define READY_TIMEOUT_MS 20000
#define SIGNIN_TIMEOUT_S 60
#define STOP_WAIT_MS 3000
#define DEMO_CREDENTIAL "sandbox-ec-01" /* a test credential of the sandbox's signer */

struct demo {
	char home[PATH_MAX];      /* "" until created */
	char url[256];            /* the sandbox's base URL = the issuer */
	pid_t pid;                /* the sandbox; 0 when none */
	bool exited;              /* reaped */
	int wstatus;
	struct sync_env env;      /* config, store, session, sources, sync */
	bool env_open;
	struct net *net;          /* env's */
	struct auth *auth;        /* env's session's */
	/* sign-in */
	bool signin_done;
	enum auth_status signin_status;
	char signin_detail[256];
	char approve_error[160];
	bool approved;
};

static volatile sig_atomic_t demo_stop;
static struct net *demo_signal_net;

static void
on_stop(int sig)
{
	(void)sig;
	demo_stop = 1;
	if (demo_signal_net != NULL)
		net_wakeup(demo_signal_net);
}

/* The terminal went away: end like SIGTERM, whoever handles that now. */
static void
on_hup(int sig)
{
	(void)sig;
	demo_stop = 1;
	kill(getpid(), SIGTERM);
}

static struct sigaction old_int, old_term, old_hup;

static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, &old_hup);
}

static void
signals_restore(void)
{
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
}

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	fputs("motcua demo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- the private folder ----------------------------------------------- */

static int
home_create(struct demo *d)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (base == NULL || base[0] != '/' || stat(base, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(base, W_OK) != 0)
		base = getenv("TMPDIR");
	if (base == NULL || base[0] != '/' || access(base, W_OK) != 0)
		base = "/tmp";
	if ((size_t)snprintf(d->home, sizeof d->home, "%s/motcua-demo-XXXXXX", base) >=
	    sizeof d->home) {
		d->home[0] = '\0';
		return -1;
	}
	if (mkdtemp(d->home) == NULL) { /* mode 0700 */
		d->home[0] = '\0';
		return -1;
	}
	return 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
home_remove(struct demo *d)
{
	if (d->home[0] == '\0')
		return;
	nftw(d->home, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	d->home[0] = '\0';
}

static char *
home_file(const struct demo *d, const char *name)
{
	size_t n = strlen(d->home) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", d->home, name);
	return p;
}

/* ---- the sandbox process ---------------------------------------------- */

/* motcua-sandbox next to this executable, else the bare name (PATH). */
static char *
sandbox_path(const char *given)
{
	char exe[PATH_MAX], *slash, *p;
	ssize_t n;

	if (given != NULL)
		return xstrdup(given);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			size_t len = (size_t)(slash - exe) + sizeof "/motcua-sandbox";
			p = xmalloc(len);
			snprintf(p, len, "%.*s/motcua-sandbox", (int)(slash - exe), exe);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup("motcua-sandbox");
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void __attribute__((noreturn))
child_exec(const char *bin, char *const argv[], int ready_w, int log_fd, int null_fd,
	   pid_t parent)
{
	sigset_t none;

	/* Its own process group: the terminal's C-c reaches motcua only, and
	 * motcua decides when the sandbox stops.  If motcua dies, so does it. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
	    dup2(log_fd, STDERR_FILENO) < 0)
		_exit(127);
	if (ready_w == READY_FD) {
		if (fcntl(READY_FD, F_SETFD, 0) < 0)
			_exit(127);
	} else if (dup2(ready_w, READY_FD) < 0) {
		_exit(127);
	}
	if (strchr(bin, '/') != NULL)
		execv(bin, argv);
	else
		execvp(bin, argv);
	_exit(127);
}

struct sandbox_args {
	const char *bin;
	const char *scenario;
	const char *rate;
	const char *dossiers;   /* NULL: the sandbox's default */
	const char *seed;       /* NULL: the sandbox's default */
};

/* Reap the sandbox if it ended; true while it runs. */
static bool
sandbox_running(struct demo *d)
{
	if (d->pid <= 0 || d->exited)
		return false;
	if (waitpid(d->pid, &d->wstatus, WNOHANG) == d->pid)
		d->exited = true;
	return !d->exited;
}

/* Read the base URL the sandbox writes when ready. 0, or -1 with *why. */
static int
read_ready(struct demo *d, int fd, const char **why)
{
	size_t len = 0;
	int waited = 0;

	while (waited < READY_TIMEOUT_MS) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;
		int pr;

		if (demo_stop) {
			*why = _("interrupted");
			return -1;
		}
		pr = poll(&p, 1, 100);
		if (pr < 0 && errno != EINTR) {
			*why = strerror(errno);
			return -1;
		}
		if (pr <= 0) {
			waited += 100;
			continue;
		}
		r = read(fd, d->url + len, sizeof d->url - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		d->url[len] = '\0';
		if (memchr(d->url, '\n', len) != NULL || len >= sizeof d->url - 1)
			break;
	}
	d->url[len] = '\0';
	d->url[strcspn(d->url, "\r\n")] = '\0';
	if (strncmp(d->url, "http://", 7) != 0) {
		*why = waited >= READY_TIMEOUT_MS ? _("it did not get ready in time")
						  : _("it stopped before it was ready");
		return -1;
	}
	return 0;
}

static int
sandbox_start(struct demo *d, const struct sandbox_args *a, const char **why)
{
	char ready_fd[8];
	char *argv[20];
	int n = 0, p[2] = {-1, -1}, log_fd = -1, null_fd = -1, rc = -1;
	char *log_path = home_file(d, "sandbox.log");
	pid_t parent = getpid(), pid;

	snprintf(ready_fd, sizeof ready_fd, "%d", READY_FD);
	argv[n++] = (char *)"motcua-sandbox";
	argv[n++] = (char *)"--port";
	argv[n++] = (char *)"0";
	argv[n++] = (char *)"--ready-fd";
	argv[n++] = ready_fd;
	argv[n++] = (char *)"--scenario";
	argv[n++] = (char *)a->scenario;
	argv[n++] = (char *)"--rate";
	argv[n++] = (char *)a->rate;
	if (a->dossiers != NULL) {
		argv[n++] = (char *)"--dossiers";
		argv[n++] = (char *)a->dossiers;
	}
	if (a->seed != NULL) {
		argv[n++] = (char *)"--seed";
		argv[n++] = (char *)a->seed;
	}
	argv[n] = NULL;

	if (pipe2(p, O_CLOEXEC) != 0 ||
	    (log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
	    (null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		*why = strerror(errno);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		*why = strerror(errno);
		goto out;
	}
	if (pid == 0)
		child_exec(a->bin, argv, p[1], log_fd, null_fd, parent);
	d->pid = pid;
	close(p[1]);
	p[1] = -1;
	if (read_ready(d, p[0], why) != 0) {
		/* 127: the child could not exec it (give it a moment to end). */
		for (int i = 0; i < 25 && sandbox_running(d); i++) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		if (!sandbox_running(d) && WIFEXITED(d->wstatus) && WEXITSTATUS(d->wstatus) == 127)
			*why = _("the program cannot be run (is motcua-sandbox installed?)");
		goto out;
	}
	rc = 0;
out:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (log_fd >= 0)
		close(log_fd);
	if (null_fd >= 0)
		close(null_fd);
	free(log_path);
	return rc;
}

static void
sandbox_stop(struct demo *d)
{
	int waited = 0;

	if (d->pid <= 0)
		return;
	if (sandbox_running(d)) {
		kill(d->pid, SIGTERM);
		while (waited < STOP_WAIT_MS && sandbox_running(d)) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
			waited += 20;
		}
		if (sandbox_running(d)) {
			kill(d->pid, SIGKILL);
			if (waitpid(d->pid, &d->wstatus, 0) == d->pid)
				d->exited = true;
		}
	}
	d->pid = 0;
}

static int
training_state(void *ctx, int *code)
{
	struct demo *d = ctx;

	if (sandbox_running(d))
		return 0;
	if (WIFSIGNALED(d->wstatus)) {
		*code = WTERMSIG(d->wstatus);
		return 2;
	}
	*code = WIFEXITED(d->wstatus) ? WEXITSTATUS(d->wstatus) : -1;
	return 1;
}

/* The sandbox's PID where the tests (and a curious trainer) find it. */
static void
write_pid_file(const struct demo *d)
{
	char *path = home_file(d, "sandbox.pid");
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fprintf(f, "%ld\n%s\n", (long)d->pid, d->url);
		fclose(f);
	}
	free(path);
}

/* The end of the sandbox's log on stderr, before the folder goes away. */
static void
log_tail(const struct demo *d)
{
	char *path = home_file(d, "sandbox.log");
	char buf[2048], *start = buf;
	FILE *f = fopen(path, "r");
	bool cut = false;
	size_t n;

	free(path);
	if (f == NULL)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)sizeof buf - 1) {
		fseek(f, -(long)(sizeof buf - 1), SEEK_END);
		cut = true;
	} else {
		rewind(f);
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (cut && strchr(buf, '\n') != NULL)
		start = strchr(buf, '\n') + 1; /* whole lines only */
	if (*start != '\0')
		fprintf(stderr, "%s%s", start, buf[n - 1] == '\n' ? "" : "\n");
}

/*
 * A small result document for returning results in a demo (the sandbox
 * wants result files with return-result).  Synthetic, no personal data.
 */
static char *
write_sample_result(const struct demo *d)
{
	static const char pdf[] =
		"%PDF-1.4\n"
		"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
		"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
		"trailer << /Root 1 0 R >>\n"
		"%%EOF\n";
	char *path = home_file(d, "ket-qua-mau.pdf");
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(pdf, 1, sizeof pdf - 1, f) != sizeof pdf - 1) {
		if (f != NULL)
			fclose(f);
		free(path);
		return NULL;
	}
	fclose(f);
	return path;
}

/*
 * config.json in the private folder: the sandbox's remote signer, so K in
 * the console can sign a result with the OTP the trainer reads at
 * otp_url().  Nothing else: every other setting keeps its default.  0 or -1.
 */
static int
write_config(const struct demo *d)
{
	json_t *o = json_pack("{s:{s:s+, s:s, s:s+}}", "signing", "remote_url", d->url,
			      "/csc/v2", "credential", DEMO_CREDENTIAL, "tsa_url", d->url, "/tsa");
	char *path = home_file(d, "config.json");
	int fd = o != NULL ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
	int rc = fd >= 0 && json_dumpfd(o, fd, JSON_INDENT(2)) == 0 ? 0 : -1;

	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	json_decref(o);
	free(path);
	return rc;
}

/* Where the sandbox's simulated phone shows the signing OTP.  Caller frees. */
static char *
otp_url(const struct demo *d)
{
	size_t n = strlen(d->url) + sizeof "/csc/_sandbox/otp?credentialID=" +
		   sizeof DEMO_CREDENTIAL;
	char *url = xmalloc(n);

	snprintf(url, n, "%s/csc/_sandbox/otp?credentialID=%s", d->url, DEMO_CREDENTIAL);
	return url;
}

/* ---- signing in as the phone would ------------------------------------ */

static void
on_approved(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct demo *d = arg;

	(void)req;
	if (resp->result != NET_OK)
		snprintf(d->approve_error, sizeof d->approve_error, "%s", resp->error);
	else if (resp->status != 200)
		snprintf(d->approve_error, sizeof d->approve_error, "HTTP %ld", resp->status);
	else
		d->approved = true;
}

/* POST {issuer}/_control/approve user_code=...: what the phone does. */
static void
approve_code(void *ctx, const char *user_code)
{
	struct demo *d = ctx;
	size_t n = strlen(d->url) + sizeof "/_control/approve";
	char *url = xmalloc(n);
	struct net_request *req;

	snprintf(url, n, "%s/_control/approve", d->url);
	req = net_request_new(d->net, "POST", url);
	free(url);
	net_request_source(req, "sandbox");
	net_request_kind(req, "control");
	net_request_form_add(req, "user_code", user_code);
	net_request_on_done(req, on_approved, d);
	net_submit(d->net, req);
}

static void
on_prompt(struct auth *auth, const struct auth_device_prompt *p, void *arg)
{
	(void)auth;
	approve_code(arg, p->user_code);
}

static void
on_signed_in(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct demo *d = arg;

	(void)auth;
	d->signin_done = true;
	d->signin_status = status;
	snprintf(d->signin_detail, sizeof d->signin_detail, "%s", detail != NULL ? detail : "");
}

static int
sign_in(struct demo *d, const char **why)
{
	time_t until = time(NULL) + SIGNIN_TIMEOUT_S;

	auth_sign_in(d->auth, on_prompt, on_signed_in, d);
	while (!d->signin_done) {
		if (demo_stop || time(NULL) > until || !sandbox_running(d)) {
			auth_cancel(d->auth);
			while (auth_busy(d->auth) && net_poll(d->net, 100, NULL, 0) >= 0)
				;
			*why = demo_stop ? _("interrupted")
			       : !sandbox_running(d) ? _("the sandbox stopped")
						     : _("no answer in time");
			return -1;
		}
		if (net_poll(d->net, 500, NULL, 0) < 0) {
			*why = _("the network loop failed");
			return -1;
		}
	}
	if (d->signin_status != AUTH_OK) {
		*why = d->approve_error[0] != '\0' ? d->approve_error
						   : auth_status_message(d->signin_status);
		return -1;
	}
	return 0;
}

/* ---- the first pull --------------------------------------------------- */

/* --check: one pass of every system, a line per system; 0 when all went well. */
static int
first_sync(struct demo *d)
{
	struct sync *sync = d->env.sync;
	struct sync_report r[32];
	size_t n;
	int rc = 0;

	if (sync == NULL || sync_n_sources(sync) == 0) {
		printf("sync: no systems\n");
		return -1;
	}
	sync_start(sync, NULL);
	while (sync_busy(sync) && !demo_stop && sandbox_running(d)) {
		sync_flush(sync);
		if (net_poll(d->net, 500, NULL, 0) < 0)
			break;
	}
	sync_flush(sync);
	n = sync_reports(sync, r, 32);
	for (size_t i = 0; i < n && i < 32; i++) {
		printf("sync: %s %s new=%lld changed=%lld rejected=%lld bytes_in=%llu%s%s\n",
		       r[i].name, r[i].ok ? "ok" : "failed", (long long)r[i].n_new,
		       (long long)r[i].n_changed, (long long)r[i].n_rejected,
		       (unsigned long long)r[i].bytes_in, r[i].error != NULL ? " error=" : "",
		       r[i].error != NULL ? r[i].error : "");
		if (!r[i].ok)
			rc = -1;
	}
	return demo_stop ? -1 : rc;
}

static void
on_env_warn(void *ctx, const char *msg)
{
	(void)ctx;
	say("%s", msg);
}

/* ---- the command ------------------------------------------------------ */

static void
print_summary(struct demo *d)
{
	struct auth_info info;
	struct auth_system_info si;
	char *otp;

	auth_get_info(d->auth, &info);
	printf("sandbox: %s\n", d->url);
	printf("sandbox_pid: %ld\n", (long)d->pid);
	printf("home: %s\n", d->home);
	printf("signed_in: %s\n", info.name != NULL ? info.name
				  : info.subject != NULL ? info.subject : "?");
	otp = otp_url(d);
	printf("signing_otp: %s\n", otp);
	free(otp);
	printf("systems:");
	for (size_t i = 0; auth_get_system(d->auth, i, &si) == 0; i++)
		printf(" %s", si.name);
	printf("\n");
	fflush(stdout);
}

static bool
is_number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && v >= lo && v <= hi;
}

int
cmd_demo(int argc, char **argv)
{
	struct demo d;
	struct sandbox_args sa = {.scenario = "quiet-morning", .rate = "3"};
	struct ui_training training = {
		.sandbox_state = training_state, .approve = approve_code, .ctx = &d};
	struct ui_options opt;
	struct sync_env_options eo = {0};
	struct ui_engine_options go = {0};
	struct ui_engine *engine = NULL;
	struct ui_trust_options to = {0};
	struct ui_trust *trust = NULL;
	struct auth_info info;
	const char *lang = NULL, *why = NULL, *given_bin = NULL;
	char *bin = NULL, *cause = NULL, *sample = NULL, *otp = NULL;
	bool check = false;
	int rc = CLI_FAIL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--check") == 0) {
			check = true;
		} else if (strcmp(a, "--lang") == 0 && v != NULL) {
			if (strcmp(v, "vi") != 0 && strcmp(v, "en") != 0)
				return cli_usage_error("demo", "--lang must be vi or en");
			lang = argv[++i];
		} else if (strcmp(a, "--scenario") == 0 && v != NULL) {
			sa.scenario = argv[++i];
		} else if (strcmp(a, "--rate") == 0 && v != NULL) {
			if (!is_number(v, 0, 1000))
				return cli_usage_error("demo", "--rate must be 0..1000");
			sa.rate = argv[++i];
		} else if (strcmp(a, "--dossiers") == 0 && v != NULL) {
			if (!is_number(v, 0, 1000000))
				return cli_usage_error("demo", "--dossiers must be 0..1000000");
			sa.dossiers = argv[++i];
		} else if (strcmp(a, "--seed") == 0 && v != NULL) {
			if (!is_number(v, 0, LONG_MAX))
				return cli_usage_error("demo", "--seed must be a number");
			sa.seed = argv[++i];
		} else if (strcmp(a, "--sandbox") == 0 && v != NULL) {
			given_bin = argv[++i];
		} else {
			return cli_usage_error("demo", "unknown option '%s'", a);
		}
	}

	memset(&d, 0, sizeof d);
	setlocale(LC_ALL, "");
	ui_text_init();
	ui_i18n_init(lang);
	auth_json_wipe_on_free();
	demo_stop = 0;
	signals_install();

	if (home_create(&d) != 0) {
		rc = cli_fail("demo", _("cannot create a private folder for the demo: %s"),
			      strerror(errno));
		goto out;
	}
	/* Everything this process and the console read or write stays here. */
	setenv("MOTCUA_HOME", d.home, 1);
	setenv("MOTCUA_KEYRING", "memory", 1);
	unsetenv("MOTCUA_CLIENT_ID");

	bin = sandbox_path(given_bin);
	sa.bin = bin;
	say(_("starting the sandbox (%s)..."), sa.scenario);
	if (sandbox_start(&d, &sa, &why) != 0) {
		sandbox_stop(&d);
		log_tail(&d);
		rc = cli_fail("demo", _("the sandbox (%s) did not start: %s"), bin, why);
		goto out;
	}
	write_pid_file(&d);
	if (write_config(&d) == 0) {
		char *phone = otp_url(&d);
		/* Not in the catalogues: one line for the trainer in both languages. */
		say("Mã OTP ký số (sandbox) / signing OTP (sandbox): %s", phone);
		free(phone);
	} else {
		say("không ghi được cấu hình ký số (cannot write the signing settings): %s",
		    strerror(errno));
	}
	setenv("MOTCUA_ISSUER", d.url, 1);
	eo.sign_in = true;
	eo.sources = true;
	eo.cal = cli_open_calendar(NULL);
	eo.warn = on_env_warn;
	d.env_open = true;
	if (sync_env_open(&d.env, &eo, &cause) != 0 || !d.env.have_session) {
		rc = cli_fail("demo", "%s", cause != NULL ? cause : d.env.session_error);
		goto out;
	}
	d.net = d.env.net;
	d.auth = d.env.session.auth;
	demo_signal_net = d.net;
	say(_("signing in through the sandbox's provider (%s)..."), d.url);
	if (sign_in(&d, &why) != 0) {
		if (!sandbox_running(&d))
			log_tail(&d);
		rc = cli_fail("demo", _("the sign-in failed: %s"), why);
		goto out;
	}
	if (check) {
		print_summary(&d);
		if (first_sync(&d) != 0) {
			rc = cli_fail("demo", _("the first sync did not complete"));
			goto out;
		}
		printf("ok\n");
		rc = CLI_OK;
		goto out;
	}
	auth_get_info(d.auth, &info);
	sample = write_sample_result(&d);
	training.sample_result = sample;
	otp = otp_url(&d);
	training.otp_url = otp; /* shown in the console's OTP prompt */
	go.store = d.env.store;
	go.net = d.net;
	go.sync = d.env.sync;
	go.tokens = &d.env.tokens;
	go.queue = true;
	go.actor = info.name;
	go.pull_every_s = 60; /* the scenario brings new dossiers every minute */
	/* The audit log as in the console: reveals and sign-ins recorded, shipped. */
	to.store = d.env.store;
	to.net = d.net;
	to.tokens = &d.env.tokens;
	to.auth = d.auth;
	to.issuer = d.env.session.issuer;
	to.retention_days = d.env.cfg.retention_days;
	trust = ui_trust_new(&to);
	go.trust = trust;
	engine = ui_engine_new(&go);

	memset(&opt, 0, sizeof opt);
	opt.store = d.env.store;
	opt.net = d.net;
	opt.auth = d.auth;
	opt.sync = ui_engine_sync(engine);
	opt.outbox = ui_engine_outbox(engine);
	opt.audit = ui_trust_audit(trust);
	opt.training = true;
	opt.sandbox = &training;
	opt.language = lang;
	opt.soon_seconds = sync_env_soon_seconds(&d.env, time(NULL));
	opt.lock_idle_minutes = d.env.cfg.lock_idle_minutes;
	opt.lock_grace_minutes = d.env.cfg.lock_grace_minutes;
	if (!demo_stop && ui_run(&opt, &cause) != 0) {
		rc = cli_fail("demo", "%s", cause);
		goto out;
	}
	rc = CLI_OK;
out:
	ui_engine_free(engine);
	ui_trust_free(trust);
	demo_signal_net = NULL;
	if (d.env_open) {
		sync_free(d.env.sync); /* its requests first, while the net is there */
		d.env.sync = NULL;
		if (d.net != NULL) {
			net_cancel_all(d.net);
			net_run_until_done(d.net);
		}
		sync_env_release(&d.env); /* the session: cancel, wipe, free */
	} else if (eo.cal != NULL) {
		calendar_free(eo.cal);
	}
	sandbox_stop(&d);
	home_remove(&d);
	signals_restore();
	free(bin);
	free(sample);
	free(otp);
	free(cause);
	return rc;
}
