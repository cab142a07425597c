/*
 * training.c - the training sandbox behind `motcua demo` (training.h):
 * the private folder, the sandbox process, its signing settings, and the
 * sign-in approved as the phone would.
 */
#include "app/training.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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

#include "app/app.h"
#include "app/signin.h"
#include "core/xalloc.h"
#include "net/net.h"

#define READY_FD 3            /* the sandbox's --ready-fd in the child */
#define READY_TIMEOUT_MS 20000
#define STOP_WAIT_MS 3000
#define DEMO_CREDENTIAL "sandbox-ec-01" /* a test credential of the sandbox's signer */

struct app_training {
	char home[PATH_MAX];      /* "" until created */
	bool joined;              /* a class's seat, not a sandbox of ours */
	char url[256];            /* the sandbox's base URL = the issuer */
	pid_t pid;                /* the sandbox; 0 when none */
	bool exited;              /* reaped */
	int wstatus;
	bool not_found;           /* the program could not be run */
	bool signing_ready;       /* config.json with its signer written */
	char *sample;             /* the sample result file */
	char *otp;                /* the OTP page's URL */
	volatile int *stop;
	char detail[256];
	/* sign-in */
	bool signin_done;
	enum app_signin_result signin_status;
	char signin_detail[256];
	char approve_error[160];
	/* the sandbox's clock: its time less ours, read at sign-in */
	int64_t clock_offset;
	bool clock_known;
};

struct sandbox_args {
	const char *bin;
	const char *scenario;
	const char *rate;
	const char *dossiers;   /* NULL: the sandbox's default */
	const char *seed;       /* NULL: the sandbox's default */
};

/* ---- the private folder ----------------------------------------------- */

static int
home_create(struct app_training *d)
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
home_remove(struct app_training *d)
{
	if (d->home[0] == '\0')
		return;
	nftw(d->home, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	d->home[0] = '\0';
}

static char *
home_file(const struct app_training *d, const char *name)
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


/* Reap the sandbox if it ended; true while it runs. */
static bool
sandbox_running(struct app_training *d)
{
	if (d->joined)
		return true; /* the trainer's: its end shows as a lost connection */
	if (d->pid <= 0 || d->exited)
		return false;
	if (waitpid(d->pid, &d->wstatus, WNOHANG) == d->pid)
		d->exited = true;
	return !d->exited;
}

/* Read the base URL the sandbox writes when ready. 0, or -1 with *why. */
static int
read_ready(struct app_training *d, int fd, const char **why)
{
	size_t len = 0;
	int waited = 0;

	while (waited < READY_TIMEOUT_MS) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;
		int pr;

		if (d->stop != NULL && *d->stop) {
			*why = "interrupted";
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
		*why = waited >= READY_TIMEOUT_MS ? "it did not get ready in time"
						  : "it stopped before it was ready";
		return -1;
	}
	return 0;
}

static int
sandbox_start(struct app_training *d, const struct sandbox_args *a, const char **why)
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
			d->not_found = true;
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
sandbox_stop(struct app_training *d)
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

int
app_training_state(struct app_training *d, int *code)
{

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
write_pid_file(const struct app_training *d)
{
	char *path = home_file(d, "sandbox.pid");
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fprintf(f, "%ld\n%s\n", (long)d->pid, d->url);
		fclose(f);
	}
	free(path);
}

char *
app_training_log_tail(const struct app_training *d)
{
	char *path = home_file(d, "sandbox.log");
	char buf[2048], *start = buf;
	FILE *f = fopen(path, "r");
	bool cut = false;
	size_t n;

	free(path);
	if (f == NULL)
		return NULL;
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
	return *start != '\0' ? xstrdup(start) : NULL;
}

/*
 * A small result document for returning results in a demo (the sandbox
 * wants result files with return-result).  Synthetic, no personal data.
 */
static char *
write_sample_result(const struct app_training *d)
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
write_config(const struct app_training *d)
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
otp_url(const struct app_training *d)
{
	size_t n = strlen(d->url) + sizeof "/csc/_sandbox/otp?credentialID=" +
		   sizeof DEMO_CREDENTIAL;
	char *url = xmalloc(n);

	snprintf(url, n, "%s/csc/_sandbox/otp?credentialID=%s", d->url, DEMO_CREDENTIAL);
	return url;
}


/* ---- the public side ---------------------------------------------------- */

int
app_training_start(struct app_training **out, const struct app_training_options *o,
		   enum app_training_error *e, const char **detail)
{
	struct app_training *d = xcalloc(1, sizeof *d);
	struct sandbox_args sa = {
		.scenario = o->scenario != NULL ? o->scenario : "quiet-morning",
		.rate = o->rate != NULL ? o->rate : "3",
		.dossiers = o->dossiers,
		.seed = o->seed,
	};
	const char *why = NULL;
	char *bin;

	*out = d;
	*e = APP_TRAINING_OK;
	*detail = "";
	d->stop = o->stop;
	if (home_create(d) != 0) {
		snprintf(d->detail, sizeof d->detail, "%s", strerror(errno));
		*e = APP_TRAINING_E_FOLDER;
		*detail = d->detail;
		return -1;
	}
	/* Everything this process reads or writes stays here. */
	setenv("MOTCUA_HOME", d->home, 1);
	setenv("MOTCUA_KEYRING", "memory", 1);
	unsetenv("MOTCUA_CLIENT_ID");
	if (o->join_url != NULL) {
		/* a seat of a class: the URL is all there is to it */
		size_t n = strlen(o->join_url);
		if (n == 0 || n >= sizeof d->url ||
		    (strncmp(o->join_url, "http://", 7) != 0 &&
		     strncmp(o->join_url, "https://", 8) != 0)) {
			snprintf(d->detail, sizeof d->detail, "%s", "not an http:// or https:// URL");
			*e = APP_TRAINING_E_START;
			*detail = d->detail;
			return -1;
		}
		snprintf(d->url, sizeof d->url, "%.*s", (int)(o->join_url[n - 1] == '/' ? n - 1 : n),
			 o->join_url);
		d->joined = true;
		goto started;
	}
	bin = sandbox_path(o->sandbox_bin);
	sa.bin = bin;
	if (sandbox_start(d, &sa, &why) != 0) {
		sandbox_stop(d);
		snprintf(d->detail, sizeof d->detail, "%s: %s", bin, why != NULL ? why : "");
		free(bin);
		*e = d->not_found ? APP_TRAINING_E_NOT_FOUND : APP_TRAINING_E_START;
		*detail = d->detail;
		return -1;
	}
	free(bin);
started:
	write_pid_file(d);
	d->signing_ready = write_config(d) == 0;
	d->sample = write_sample_result(d);
	d->otp = otp_url(d);
	setenv("MOTCUA_ISSUER", d->url, 1);
	return 0;
}

const char *
app_training_url(const struct app_training *t)
{
	return t->url;
}

const char *
app_training_home(const struct app_training *t)
{
	return t->home;
}

long
app_training_pid(const struct app_training *t)
{
	return (long)t->pid;
}

const char *
app_training_otp_url(const struct app_training *t)
{
	return t->otp;
}

const char *
app_training_sample_result(const struct app_training *t)
{
	return t->sample;
}

bool
app_training_signing_ready(const struct app_training *t)
{
	return t->signing_ready;
}

/* ---- signing in as the phone would ------------------------------------ */

static void
on_approved(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct app_training *d = arg;

	(void)req;
	if (resp->result != NET_OK)
		snprintf(d->approve_error, sizeof d->approve_error, "%s", resp->error);
	else if (resp->status != 200)
		snprintf(d->approve_error, sizeof d->approve_error, "HTTP %ld", resp->status);
}

/* POST {issuer}/_control/approve user_code=...: what the phone does. */
void
app_training_approve(struct app_training *d, struct app *a, const char *user_code)
{
	char *url = xasprintf("%s/_control/approve", d->url);
	struct net_request *req = net_request_new(app_net(a), "POST", url);

	free(url);
	net_request_source(req, "sandbox");
	net_request_kind(req, "control");
	net_request_form_add(req, "user_code", user_code);
	net_request_on_done(req, on_approved, d);
	net_submit(app_net(a), req);
}

/* GET {issuer}/_control/clock: the scenario's time, which the console
 * takes as its own (a post-Tết backlog reads as the morning after Tết). */
static void
on_clock(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct app_training *d = arg;
	json_t *o, *epoch;

	(void)req;
	if (resp->result != NET_OK || resp->status != 200)
		return;
	o = json_loadb(resp->body, resp->body_len, 0, NULL);
	epoch = json_object_get(o, "epoch");
	if (json_is_integer(epoch)) {
		d->clock_offset = (int64_t)json_integer_value(epoch) - (int64_t)time(NULL);
		d->clock_known = true;
	}
	json_decref(o);
}

static void
read_clock(struct app_training *d, struct app *a)
{
	char *url = xasprintf("%s/_control/clock", d->url);
	struct net_request *req = net_request_new(app_net(a), "GET", url);

	free(url);
	net_request_source(req, "sandbox");
	net_request_kind(req, "control");
	net_request_on_done(req, on_clock, d);
	net_submit(app_net(a), req);
}

mc_time
app_training_now(void *arg)
{
	const struct app_training *d = arg;

	return (mc_time)time(NULL) + (d != NULL && d->clock_known ? d->clock_offset : 0);
}

struct signin_call {
	struct app_training *t;
	struct app *a;
};

static void
on_prompt(void *arg, const struct app_device_prompt *p)
{
	struct signin_call *c = arg;

	app_training_approve(c->t, c->a, p->user_code);
}

static void
on_signed_in(void *arg, enum app_signin_result r, const char *detail)
{
	struct signin_call *c = arg;

	c->t->signin_done = true;
	c->t->signin_status = r;
	snprintf(c->t->signin_detail, sizeof c->t->signin_detail, "%s",
		 detail != NULL ? detail : "");
}

int
app_training_sign_in(struct app_training *d, struct app *a, int timeout_s,
		     enum app_training_error *e, const char **detail)
{
	struct signin_call c = {d, a};
	time_t until = time(NULL) + timeout_s;

	*e = APP_TRAINING_OK;
	*detail = "";
	d->signin_done = false;
	read_clock(d, a);
	app_signin_device(a, on_prompt, on_signed_in, &c);
	while (!d->signin_done) {
		bool stopped = d->stop != NULL && *d->stop;
		if (stopped || time(NULL) > until || !sandbox_running(d)) {
			app_signin_cancel(a);
			while (app_signin_busy(a) && app_wait(a, 100, -1) >= 0)
				;
			*e = APP_TRAINING_E_STOPPED;
			*detail = stopped			? "interrupted"
				  : !sandbox_running(d) ? "the sandbox stopped"
							: "no answer in time";
			return -1;
		}
		if (app_wait(a, 500, -1) < 0) {
			*e = APP_TRAINING_E_SIGNIN;
			*detail = "the network loop failed";
			return -1;
		}
	}
	if (d->signin_status != APP_SIGNIN_OK) {
		*e = APP_TRAINING_E_SIGNIN;
		snprintf(d->detail, sizeof d->detail, "%s",
			 d->approve_error[0] != '\0' ? d->approve_error : d->signin_detail);
		*detail = d->detail;
		return -1;
	}
	return 0;
}

void
app_training_stop(struct app_training *t)
{
	if (t == NULL)
		return;
	sandbox_stop(t);
	home_remove(t);
	free(t->sample);
	free(t->otp);
	free(t);
}
