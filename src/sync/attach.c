/*
 * attach.c - one attachment downloaded on demand into the data folder,
 * streamed to a .part file and resumed with Range (see attach.h).
 *
 * States: link (waiting for the system's link: token, session) -> transfer
 * (a request in the net) -> finished.  A cut link resumes from the .part's size after a
 * short backoff, up to max_attempts.  This module does not know about the
 * console or translations, and never reads the store.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "core/visible.h"
#include "core/xalloc.h"
#include "sync/attach.h"

#define SAFE_MAX 160

struct attach {
	struct net *net;
	struct source_link *link;
	struct source *src;  /* the link's */
	char *url;
	char *path;          /* final */
	char *part;          /* path + ".part" */
	int64_t size;        /* announced; -1 unknown */
	uint64_t total;      /* best known size, 0 unknown */
	unsigned max_attempts, attempts;
	attach_progress_fn *progress;
	attach_done_fn *done;
	void *arg;

	int fd;
	uint64_t offset;     /* bytes in the .part before this request */
	uint64_t written;    /* bytes written by this request */
	uint64_t received;   /* all attempts */
	bool head_seen;      /* the write callback checked this answer's status */
	bool restarted;      /* a 416 that did not match already started over */
	bool cancelled;
	bool in_start;       /* attach_start() is on the stack: no done yet */
	bool finished;
	bool link_wait;      /* registered with the link, its answer to come */
	bool orphan;         /* attach_free() came first: the last callback frees */
	enum attach_status early;  /* failure during attach_start() */
	char *early_detail;
	struct net_request *req;   /* referenced while in the net */
	struct timespec t0;
};

/* A plain English detail for a status, when the transport gave none. */
static const char *
attach_status_text(enum attach_status st)
{
	static const char *const text[] = {
		[ATTACH_OK] = "downloaded",
		[ATTACH_CANCELLED] = "cancelled",
		[ATTACH_E_NETWORK] = "the connection failed",
		[ATTACH_E_AUTH] = "the system refused our sign-in",
		[ATTACH_E_GONE] = "the system no longer has this file",
		[ATTACH_E_SERVER] = "the system answered with an error",
		[ATTACH_E_DISK] = "the file could not be written",
		[ATTACH_E_CHANGED] = "the file does not match its announced size",
		[ATTACH_E_UNSUPPORTED] = "this system serves no files",
	};

	if ((size_t)st < sizeof text / sizeof text[0] && text[st] != NULL)
		return text[st];
	return "error";
}

char *
attach_safe_name(const char *name)
{
	size_t n = 0, len;
	char *out;
	const unsigned char *p = (const unsigned char *)(name != NULL ? name : "");

	while (*p == '.' || *p == ' ' || *p == '\t')
		p++;
	len = strlen((const char *)p);
	out = xmalloc(len + 1 > SAFE_MAX + 1 ? SAFE_MAX + 1 : len + 1);
	while (*p != '\0' && n < SAFE_MAX) {
		unsigned char c = *p;
		uint32_t cp;
		char esc[VISIBLE_ESCAPE_SIZE];
		size_t k;

		if (c < 0x80) {
			bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
				  (c >= 'A' && c <= 'Z') || strchr(" .-_()+,=@", c) != NULL;
			out[n++] = ok ? (char)c : '_';
			p++;
			continue;
		}
		/* letters of any script stay; C1 and bidirectional controls (a
		 * right-to-left override makes "exe.pdf" read "fdp.exe") and bytes
		 * that are not UTF-8 do not */
		k = visible_decode((const char *)p, strlen((const char *)p), &cp);
		if (k == 0 || visible_escape(cp, esc) != 0) {
			out[n++] = '_';
			p += k > 0 ? k : 1;
			continue;
		}
		if (n + k > SAFE_MAX)
			break;
		memcpy(out + n, p, k);
		n += k;
		p += k;
	}
	/* (whole characters only were copied: nothing is cut inside one) */
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '.'))
		n--;
	out[n] = '\0';
	if (n == 0) {
		free(out);
		return xstrdup("file");
	}
	return out;
}

char *
attach_path(const char *data_dir, const char *code, const char *name)
{
	char *c = attach_safe_name(code), *f = attach_safe_name(name);
	char *p = xasprintf("%s/attachments/%s/%s", data_dir, c, f);

	free(c);
	free(f);
	return p;
}

char *
attach_saved(const char *data_dir, const char *code, const char *name, int64_t size)
{
	char *p = attach_path(data_dir, code, name);
	struct stat st;

	if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && (size < 0 || st.st_size == size))
		return p;
	free(p);
	return NULL;
}

static uint64_t
elapsed_ms(const struct attach *a)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	int64_t ms = (int64_t)(t.tv_sec - a->t0.tv_sec) * 1000 +
		     (int64_t)(t.tv_nsec - a->t0.tv_nsec) / 1000000;
	return ms > 0 ? (uint64_t)ms : 0;
}

static void
finish(struct attach *a, enum attach_status st, long http, const char *detail)
{
	struct attach_result r;
	struct stat sb;

	if (a->finished)
		return;
	if (a->fd >= 0) {
		close(a->fd);
		a->fd = -1;
	}
	if (a->in_start) {
		a->early = st;
		free(a->early_detail);
		a->early_detail = xstrdup(detail != NULL ? detail : attach_status_text(st));
		a->finished = true;
		return;
	}
	a->finished = true;
	r = (struct attach_result){
		.status = st,
		.path = a->path,
		.detail = st == ATTACH_OK ? "" : detail != NULL ? detail : attach_status_text(st),
		.received = a->received,
		.elapsed_ms = elapsed_ms(a),
		.http_status = http,
	};
	if (stat(st == ATTACH_OK ? a->path : a->part, &sb) == 0)
		r.bytes = (uint64_t)sb.st_size;
	if (a->done != NULL)
		a->done(a->arg, &r);
}

/* Open the .part for appending; a.offset = its size. 0 or -1. */
static int
open_part(struct attach *a)
{
	struct stat st;

	if (a->fd < 0)
		a->fd = open(a->part, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (a->fd < 0 || fstat(a->fd, &st) != 0)
		return -1;
	(void)fchmod(a->fd, 0600);
	a->offset = (uint64_t)st.st_size;
	if (a->size >= 0 && a->offset > (uint64_t)a->size) {
		/* longer than the file: not ours to trust */
		if (ftruncate(a->fd, 0) != 0)
			return -1;
		a->offset = 0;
	}
	if (lseek(a->fd, (off_t)a->offset, SEEK_SET) < 0)
		return -1;
	return 0;
}

static int
restart_part(struct attach *a)
{
	if (ftruncate(a->fd, 0) != 0 || lseek(a->fd, 0, SEEK_SET) < 0)
		return -1;
	a->offset = 0;
	return 0;
}

/* "bytes a-b/total" or "bytes * /total": the start (or -1) and the total (or 0). */
static void
content_range(const char *v, int64_t *start, uint64_t *total)
{
	const char *slash;
	char *end;

	*start = -1;
	*total = 0;
	if (v == NULL || strncmp(v, "bytes ", 6) != 0)
		return;
	v += 6;
	if (*v >= '0' && *v <= '9') {
		errno = 0;
		long long s = strtoll(v, &end, 10);
		if (errno == 0 && end != v && *end == '-')
			*start = s;
	}
	slash = strchr(v, '/');
	if (slash != NULL && slash[1] >= '0' && slash[1] <= '9') {
		errno = 0;
		unsigned long long t = strtoull(slash + 1, &end, 10);
		if (errno == 0 && *end == '\0')
			*total = t;
	}
}

static void
destroy(struct attach *a)
{
	if (a->fd >= 0)
		close(a->fd);
	free(a->early_detail);
	free(a->url);
	free(a->path);
	free(a->part);
	free(a);
}

static int
on_write(struct net_request *req, const struct net_response *head, const void *data, size_t len,
	 void *arg)
{
	struct attach *a = arg;
	const char *p = data;

	(void)req;
	if (a->orphan)
		return -1;
	if (!a->head_seen) {
		a->head_seen = true;
		if (head->status == 206) {
			int64_t start;
			uint64_t total;
			content_range(net_response_header(head, "Content-Range"), &start, &total);
			if (total > 0)
				a->total = total;
			if (start != (int64_t)a->offset) {
				/* a range we did not ask for: start over (on_done resends) */
				(void)restart_part(a);
				return -1;
			}
		} else {
			/* 200: the whole file from the start */
			if (a->offset > 0 && restart_part(a) != 0)
				return -1;
			const char *cl = net_response_header(head, "Content-Length");
			if (cl != NULL) {
				char *end;
				errno = 0;
				unsigned long long t = strtoull(cl, &end, 10);
				if (errno == 0 && end != cl && *end == '\0')
					a->total = t;
			}
		}
	}
	a->received += len;
	while (len > 0) {
		ssize_t w = write(a->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
		a->written += (uint64_t)w;
	}
	/* a server sending more than it announced is not followed */
	if (a->total > 0 && a->offset + a->written > a->total)
		return -1;
	return 0;
}

static void
on_progress(struct net_request *req, uint64_t down_now, uint64_t down_total, uint64_t up_now,
	    uint64_t up_total, void *arg)
{
	struct attach *a = arg;

	(void)req;
	(void)down_now;
	(void)down_total;
	(void)up_now;
	(void)up_total;
	if (a->progress != NULL && !a->finished && !a->orphan)
		a->progress(a->arg, a->offset + a->written, a->total);
}

static void submit(struct attach *a, uint64_t delay_ms);

static void
complete(struct attach *a, long http)
{
	struct stat st;

	if (a->fd >= 0 && fsync(a->fd) != 0) {
		finish(a, ATTACH_E_DISK, http, strerror(errno));
		return;
	}
	if (stat(a->part, &st) != 0) {
		finish(a, ATTACH_E_DISK, http, strerror(errno));
		return;
	}
	if ((a->size >= 0 && st.st_size != a->size) ||
	    (a->total > 0 && (uint64_t)st.st_size != a->total)) {
		finish(a, ATTACH_E_CHANGED, http, NULL);
		return;
	}
	if (rename(a->part, a->path) != 0) {
		finish(a, ATTACH_E_DISK, http, strerror(errno));
		return;
	}
	if (a->progress != NULL)
		a->progress(a->arg, (uint64_t)st.st_size, (uint64_t)st.st_size);
	finish(a, ATTACH_OK, http, NULL);
}

static bool
resumable(enum net_result r)
{
	return r == NET_ERR_TIMEOUT || r == NET_ERR_RESET || r == NET_ERR_TRUNCATED ||
	       r == NET_ERR_REFUSED || r == NET_ERR_OTHER;
}

static void
on_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct attach *a = arg;
	long st = resp->status;
	char buf[96];

	net_request_unref(req);
	a->req = NULL;
	if (a->orphan) {
		destroy(a);
		return;
	}
	source_link_answered(a->link, resp);
	if (a->cancelled || resp->result == NET_ERR_CANCELLED) {
		finish(a, ATTACH_CANCELLED, st, NULL);
		return;
	}
	if (resp->result == NET_OK && (st == 200 || st == 206)) {
		complete(a, st);
		return;
	}
	if (resp->result == NET_OK && st == 416) {
		int64_t start;
		uint64_t total;
		content_range(net_response_header(resp, "Content-Range"), &start, &total);
		if (total > 0 && total == a->offset &&
		    (a->size < 0 || (uint64_t)a->size == total)) {
			a->total = total;
			complete(a, st);
			return;
		}
		if (!a->restarted && restart_part(a) == 0) {
			a->restarted = true;
			submit(a, 0);
			return;
		}
		finish(a, ATTACH_E_CHANGED, st, NULL);
		return;
	}
	if (resp->result == NET_OK && (st == 401 || st == 403)) {
		(void)source_link_refused(a->link);
		finish(a, ATTACH_E_AUTH, st, NULL);
		return;
	}
	if (resp->result == NET_OK && (st == 404 || st == 410)) {
		finish(a, ATTACH_E_GONE, st, NULL);
		return;
	}
	if (resp->result == NET_OK) {
		snprintf(buf, sizeof buf, "HTTP %ld", st);
		if (st >= 500 && a->attempts < a->max_attempts) {
			submit(a, 1000u * a->attempts);
			return;
		}
		finish(a, ATTACH_E_SERVER, st, buf);
		return;
	}
	if (resp->result == NET_ERR_WRITE) {
		/* our own refusal: a disk error, or a range we did not ask for */
		if (a->fd >= 0 && a->attempts < a->max_attempts && a->written == 0) {
			submit(a, 0);
			return;
		}
		finish(a, ATTACH_E_DISK, st, "write refused");
		return;
	}
	if (resumable(resp->result) && a->attempts < a->max_attempts) {
		submit(a, 500u * a->attempts);
		return;
	}
	finish(a, ATTACH_E_NETWORK, st, resp->error);
}

static void
submit(struct attach *a, uint64_t delay_ms)
{
	struct net_request *req;

	if (open_part(a) != 0) {
		finish(a, ATTACH_E_DISK, 0, strerror(errno));
		return;
	}
	req = a->src->ops->attachment_request != NULL
		      ? a->src->ops->attachment_request(a->src, a->net, a->url, a->offset)
		      : NULL;
	if (req == NULL) {
		finish(a, ATTACH_E_UNSUPPORTED, 0, NULL);
		return;
	}
	a->attempts++;
	a->written = 0;
	a->head_seen = false;
	net_request_max_body(req, 0);
	net_request_on_write(req, on_write, a);
	net_request_on_progress(req, on_progress, a);
	net_request_on_done(req, on_done, a);
	if (delay_ms > 0)
		net_request_delay_ms(req, delay_ms);
	a->req = net_request_ref(req);
	net_submit(a->net, req);
}

static void
on_link(void *arg, struct source_link *l, const struct mc_err *err)
{
	struct attach *a = arg;

	(void)l;
	a->link_wait = false;
	if (a->cancelled) {
		finish(a, ATTACH_CANCELLED, 0, NULL);
		return;
	}
	if (err != NULL) {
		finish(a, err->code == MC_E_NETWORK ? ATTACH_E_NETWORK : ATTACH_E_AUTH, 0,
		       err->detail[0] != '\0' ? err->detail : mc_err_name(err->code));
		return;
	}
	submit(a, 0);
}

struct attach *
attach_start(const struct attach_options *opt, char **cause)
{
	struct attach *a;
	char *dir, *code;

	*cause = NULL;
	if (source_link_source(opt->link)->ops->attachment_request == NULL) {
		*cause = xasprintf("%s: %s", source_link_name(opt->link),
				   attach_status_text(ATTACH_E_UNSUPPORTED));
		return NULL;
	}
	code = attach_safe_name(opt->code);
	dir = opt->dest_dir != NULL ? xstrdup(opt->dest_dir)
				    : xasprintf("%s/attachments/%s", opt->data_dir, code);
	free(code);
	if (config_ensure_dir(dir, cause) != 0) {
		free(dir);
		return NULL;
	}
	free(dir);
	a = xcalloc(1, sizeof *a);
	a->fd = -1;
	a->net = opt->net;
	a->link = opt->link;
	a->src = source_link_source(opt->link);
	a->url = xstrdup(opt->url != NULL ? opt->url : "");
	if (opt->dest_dir != NULL) {
		char *f = attach_safe_name(opt->name);
		a->path = xasprintf("%s/%s", opt->dest_dir, f);
		free(f);
	} else {
		a->path = attach_path(opt->data_dir, opt->code, opt->name);
	}
	a->part = xasprintf("%s.part", a->path);
	a->size = opt->size;
	a->total = opt->size > 0 ? (uint64_t)opt->size : 0;
	a->max_attempts = opt->max_attempts > 0 ? opt->max_attempts : 3;
	a->progress = opt->progress;
	a->done = opt->done;
	a->arg = opt->arg;
	clock_gettime(CLOCK_MONOTONIC, &a->t0);
	a->in_start = true;
	a->link_wait = true;
	source_link_want(a->link, on_link, a); /* may answer at once */
	a->in_start = false;
	if (a->finished) {
		*cause = xasprintf("%s: %s", a->src->name,
			     a->early_detail != NULL ? a->early_detail : "error");
		destroy(a); /* finished inside start: no request, no token wait */
		return NULL;
	}
	return a;
}

void
attach_cancel(struct attach *a)
{
	if (a == NULL || a->finished)
		return;
	a->cancelled = true;
	if (a->req != NULL)
		net_cancel(a->req);
}

bool
attach_finished(const struct attach *a)
{
	return a->finished;
}

void
attach_free(struct attach *a)
{
	if (a == NULL)
		return;
	if (a->link_wait) {
		source_link_forget(a->link, a);
		a->link_wait = false;
	}
	if (a->req != NULL) {
		/* a callback is still to come: it frees (done is not called) */
		a->orphan = true;
		if (a->fd >= 0)
			close(a->fd);
		a->fd = -1;
		if (a->req != NULL)
			net_cancel(a->req);
		return;
	}
	destroy(a);
}
