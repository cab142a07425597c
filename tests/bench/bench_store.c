/*
 * bench_store.c - the store against DESIGN.md section 10: 100,000 cached
 * dossiers from 5 sources; first inbox page, search and filter keystrokes,
 * resident memory.
 *
 * The data is synthetic (Vietnamese names drawn from common family, middle
 * and given names; ID numbers like "000000012345" that are obviously fake).
 * Filling the store runs in a child process, so the parent's peak resident
 * memory (VmHWM) is that of a console that opens an existing store and
 * answers queries, which is what the 48 MB target is about.  The child
 * reports its own peak separately.
 *
 * Usage: bench_store [N]   (N dossiers, default 100000)
 * Environment: BENCH_FILL_ONLY stops after filling (to profile applying),
 * BENCH_KEEP keeps the file, BENCH_STORE=FILE measures the queries on a kept
 * file without filling, BENCH_VERBOSE prints every query's time.
 * Prints "store.<figure> <value> (target ...)" lines; exits 0 unless the
 * store itself fails.  It does not judge the targets: tests/bench/run.sh does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "store/store.h"

#define PAGE 50
#define BATCH 4000 /* dossiers a store transaction applies, as sync.c does */
#define NOW ((mc_time)1773280800) /* 2026-03-12 09:00 +07:00 */

static const char *const sources[] = {"dvcqg", "tuphap", "congan", "nnmt", "tinh"};

/* Family names with rough real frequencies (per mille). */
static const struct {
	const char *name;
	int weight;
} families[] = {
	{"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95}, {"Phạm", 70}, {"Hoàng", 51},
	{"Huỳnh", 30},   {"Phan", 45},  {"Vũ", 40}, {"Võ", 30},   {"Đặng", 21},
	{"Bùi", 20},     {"Đỗ", 14},    {"Hồ", 13}, {"Ngô", 13},  {"Dương", 10},
	{"Lý", 5},       {"Đinh", 10},  {"Trương", 10}, {"Đoàn", 8}, {"Lâm", 5},
};
static const char *const middles[] = {
	"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu",
	"Hoài", "Công", "Kim", "Bảo", "Gia", "Đình", "Quốc", "Thùy", "Mỹ", "Anh",
};
static const char *const givens[] = {
	"Anh",  "Bình", "Cường", "Dũng",  "Đường", "Giang", "Hà",   "Hải",  "Hạnh", "Hiếu",
	"Hoa",  "Hùng", "Hương", "Khánh", "Lan",   "Linh",  "Long", "Mai",  "Nam",  "Nga",
	"Ngân", "Phong", "Phúc", "Phương", "Quân", "Sơn",   "Tâm",  "Thảo", "Thắng", "Thủy",
	"Trang", "Tuấn", "Việt", "Vy",    "Yến",   "Duyên", "Đạt",  "Lộc",  "Nhung", "Ước",
};
static const struct {
	const char *code;
	const char *name;
	const char *field;
	int days;
} procedures[] = {
	{"1.001193", "Đăng ký khai sinh", "HT", 1},
	{"1.000894", "Đăng ký kết hôn", "HT", 1},
	{"1.000656", "Đăng ký khai tử", "HT", 1},
	{"2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "CT", 1},
	{"2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "CT", 1},
	{"1.004746", "Cấp bản sao trích lục hộ tịch", "HT", 1},
	{"1.004884", "Xác nhận tình trạng hôn nhân", "HT", 3},
	{"1.001022", "Đăng ký nhận cha, mẹ, con", "HT", 3},
	{"1.004194", "Đăng ký thường trú", "CT", 7},
	{"1.004227", "Đăng ký tạm trú", "CT", 3},
	{"1.004206", "Xóa đăng ký thường trú", "CT", 1},
	{"1.003003", "Đăng ký biến động quyền sử dụng đất", "DD", 10},
	{"1.004227a", "Cấp đổi giấy chứng nhận quyền sử dụng đất", "DD", 7},
	{"1.001612", "Đăng ký hộ kinh doanh", "KD", 3},
	{"1.001776", "Trợ cấp xã hội hàng tháng đối với người cao tuổi", "XH", 15},
	{"1.010938", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "XD", 15},
};
static const char *const areas[] = {
	"Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc", "Thôn Thượng", "Thôn Hạ",
	"Ấp 1", "Ấp 2", "Ấp 3", "Ấp 4", "Bản Mường", "Bản Nà", "Tổ dân phố 1",
	"Tổ dân phố 2", "Tổ dân phố 3", "Xóm Chùa", "Xóm Giữa", "Xóm Bãi", "Khu phố Chợ",
	"Khu phố Mới",
};
/* Canonical statuses with rough weights: most are in progress or done. */
static const struct {
	int status;
	int weight;
} statuses[] = {
	{1, 6}, {2, 14}, {3, 2}, {4, 30}, {5, 6}, {6, 3}, {7, 1}, {8, 1}, {9, 12}, {10, 25},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t
rng(void)
{
	/* xorshift64*: deterministic, good enough for synthetic data */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t
rng_below(uint32_t n)
{
	return rng() % n;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
vm_hwm_mb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	double mb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmHWM:", 6) == 0) {
			char *end;
			long kb = strtol(line + 6, &end, 10);

			if (end != line + 6)
				mb = (double)kb / 1024.0;
		}
	}
	fclose(f);
	return mb;
}

static void
make_dossier(struct dossier *d, long i)
{
	char buf[256];
	int fw = 0, total = 0, st = 0;
	const char *family = families[0].name;
	long sidx = i % (long)NELEM(sources);
	int p = (int)rng_below(NELEM(procedures));
	mc_time received;

	dossier_init(d);
	for (size_t k = 0; k < NELEM(families); k++)
		total += families[k].weight;
	fw = (int)rng_below((uint32_t)total);
	for (size_t k = 0; k < NELEM(families); k++) {
		if (fw < families[k].weight) {
			family = families[k].name;
			break;
		}
		fw -= families[k].weight;
	}
	snprintf(buf, sizeof buf, "%s %s %s", family, middles[rng_below(NELEM(middles))],
		 givens[rng_below(NELEM(givens))]);
	d->applicant_name = xstrdup(buf);
	snprintf(buf, sizeof buf, "000000%06ld", i);
	d->applicant_id = xstrdup(buf);
	received = NOW - (mc_time)rng_below(180 * CIVIL_DAY);
	{
		struct civil_time ct = civil_split(received);

		snprintf(buf, sizeof buf, "H%02ld.%02d-%02d%02d%02d-%05ld", 10 + sidx * 11,
			 (int)(i % 40), ct.date.year % 100, ct.date.month, ct.date.day, i);
	}
	d->code = xstrdup(buf);
	d->source = xstrdup(sources[sidx]);
	d->procedure_code = xstrdup(procedures[p].code);
	d->procedure_name = xstrdup(procedures[p].name);
	d->field_code = xstrdup(procedures[p].field);
	d->field_name = xstrdup(procedures[p].field);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	d->area = xstrdup(areas[rng_below(NELEM(areas))]);
	d->summary = xstrdup("Hồ sơ tổng hợp dùng cho đo hiệu năng");
	d->unit = xstrdup("UBND xã Thử Nghiệm");
	d->channel = 1 + (int)rng_below(3);
	total = 0;
	for (size_t k = 0; k < NELEM(statuses); k++)
		total += statuses[k].weight;
	fw = (int)rng_below((uint32_t)total);
	for (size_t k = 0; k < NELEM(statuses); k++) {
		if (fw < statuses[k].weight) {
			st = statuses[k].status;
			break;
		}
		fw -= statuses[k].weight;
	}
	d->status = st;
	snprintf(buf, sizeof buf, "%d", st);
	d->raw_status = xstrdup(buf);
	d->coord_status = rng_below(20) == 0 ? 4 : st;
	d->received_at = received;
	d->due_at = received + (mc_time)procedures[p].days * CIVIL_DAY + 8 * 3600;
	d->source_due_at = rng_below(10) == 0 ? d->due_at - CIVIL_DAY : d->due_at;
	d->updated_at = received + (mc_time)rng_below(CIVIL_DAY);
	if (st == 3 || st >= 7)
		d->finished_at = d->updated_at;
	snprintf(buf, sizeof buf, "W/\"%lx\"", (unsigned long)rng());
	d->version = xstrdup(buf);
	dossier_add_event(d, received, "Cán bộ một cửa", "Bộ phận một cửa", "Tiếp nhận hồ sơ", 2);
	dossier_add_event(d, d->updated_at, "Cán bộ chuyên môn", "Phòng chuyên môn",
			  "Chuyển xử lý", st);
	dossier_add_attachment(d, "tep-1", "don-de-nghi.pdf", "TP1", "/files/tep-1",
			       40000 + rng_below(200000));
	if (rng_below(3) == 0)
		dossier_add_fee(d, "LP01", "Lệ phí", 8000);
}

/* CPU seconds (user + system) this process has used so far. */
static double
cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
fill(const char *path, long n)
{
	struct store *s = NULL;
	struct dossier *batch = NULL;
	char *err = NULL;
	double t0, t1, c0, c1;
	int ret = 1;

	if (store_open(path, &s, &err) != 0) {
		fprintf(stderr, "bench_store: %s\n", err);
		free(err);
		return 1;
	}
	t0 = now_ms();
	c0 = cpu_s();
	/* Batches as sync applies them: a few thousand dossiers of cached data
	 * each (sync.c, APPLY_MIN_DOSSIERS), stored together */
	batch = xreallocarray(NULL, BATCH, sizeof *batch);
	for (long i = 0; i < n; i += BATCH) {
		size_t m = (size_t)(n - i < BATCH ? n - i : BATCH);
		int rc;

		for (size_t k = 0; k < m; k++)
			make_dossier(&batch[k], i + (long)k);
		rc = store_begin_ex(s, STORE_BATCH_CACHE);
		if (rc == 0)
			rc = store_dossiers_upsert(s, batch, m); /* releases them */
		else
			for (size_t k = 0; k < m; k++)
				dossier_release(&batch[k]);
		if (rc != 0 || store_commit(s) != 0)
			goto out;
	}
	t1 = now_ms();
	c1 = cpu_s();
	printf("store.insert_s %.1f (%ld dossiers)\n", (t1 - t0) / 1e3, n);
	printf("store.insert_per_s %.0f (target >= 30000, search index and due dates included)\n",
	       (double)n / ((t1 - t0) / 1e3));
	/* the CPU alone: on a loaded machine or a slow disk the wall time
	 * above says more about them than about the store */
	printf("store.insert_cpu_s %.2f (%.0f a second of CPU)\n", c1 - c0,
	       c1 > c0 ? (double)n / (c1 - c0) : 0.0);
	printf("store.insert_rss_mb %.1f (filling process, informational)\n", vm_hwm_mb());
	ret = 0;
out:
	if (ret != 0)
		fprintf(stderr, "bench_store: %s\n", store_errmsg(s));
	free(batch);
	store_close(s);
	return ret;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
percentile(double *v, size_t n, double p)
{
	size_t k;

	qsort(v, n, sizeof *v, cmp_double);
	k = (size_t)(p * (double)(n - 1) + 0.5);
	return v[k];
}

static int
count_row(void *ctx, const struct store_row *r)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

/* One keystroke: the page the screen shows and its count, capped at 1000
 * and within the keystroke's time, as the console asks for them. */
static int
answer(struct store *s, const struct store_query *q, double *ms, double *page_ms)
{
	size_t rows = 0;
	int64_t n = 0;
	bool partial;
	double t0 = now_ms(), t1;

	if (store_inbox_each(s, q, count_row, &rows) != 0)
		return -1;
	t1 = now_ms();
	if (store_inbox_count_within(s, q, 1000, STORE_COUNT_TYPING_MS, &n, &partial) != 0)
		return -1;
	*ms = now_ms() - t0;
	if (page_ms != NULL)
		*page_ms = t1 - t0;
	return 0;
}

static int
answer_filter(struct store *s, const struct store_query *q, double *ms)
{
	if (answer(s, q, ms, NULL) != 0)
		return -1;
	if (getenv("BENCH_VERBOSE") != NULL)
		printf("  filter src=%s st=%d due=%d sort=%d%s mis=%d area=%s off=%lld %7.2f ms\n",
		       q->source ? q->source : "-", q->status, (int)q->due, (int)q->sort,
		       q->descending ? " desc" : "", (int)q->mismatch_only,
		       q->area ? q->area : "-", (long long)q->offset, *ms);
	return 0;
}

static const char *const typed[] = {
	"nguyen van duong", "Nguyễn Văn Đường", "tran thi hoa", "Lê Minh Tuấn",
	"pham ngoc lan",    "dang ky khai sinh", "chứng thực", "H21.05",
	"00000001234",      "hoang duc",         "Đỗ Thị Nhung", "thuong tru",
	"ngo bao",          "vu xuan",           "duyen", "uoc",
};

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/motcua-bench-XXXXXX";
	char path[256];
	long n = 100000;
	struct store *s = NULL;
	char *err = NULL;
	double t0, ms, page_ms, search[400], search_page[400], filters[64];
	size_t n_search = 0, n_filters = 0;
	struct store_page page;
	struct store_query q;
	pid_t pid;
	int status = 0, ret = 1;
	int64_t count = 0;

	if (argc > 1) {
		char *end;

		n = strtol(argv[1], &end, 10);
		if (*end != '\0' || n <= 0) {
			fprintf(stderr, "usage: bench_store [N]\n");
			return 2;
		}
	}
	if (getenv("BENCH_STORE") != NULL) {
		/* a store kept by an earlier run (BENCH_KEEP): its queries only */
		snprintf(path, sizeof path, "%s", getenv("BENCH_STORE"));
		goto filled;
	}
	if (mkdtemp(dir) == NULL) {
		perror("bench_store: mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/cache.db", dir);

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("bench_store: fork");
		return 1;
	}
	if (pid == 0) {
		int rc = fill(path, n);

		fflush(stdout);
		_exit(rc);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_store: filling the store failed\n");
		goto out;
	}
	{
		/* the file's size: what a ward's years of dossiers take on disk */
		struct stat sb;
		char wal[300];
		long long bytes = 0;

		if (stat(path, &sb) == 0)
			bytes += (long long)sb.st_size;
		snprintf(wal, sizeof wal, "%s-wal", path);
		if (stat(wal, &sb) == 0)
			bytes += (long long)sb.st_size;
		printf("store.file_mb %.1f (%ld dossiers, WAL included)\n", (double)bytes / 1048576.0,
		       n);
		printf("store.file_bytes_per_dossier %.0f\n", (double)bytes / (double)n);
	}
filled:
	if (getenv("BENCH_FILL_ONLY") != NULL) {
		ret = 0; /* profiling the apply path alone */
		goto out;
	}

	/* First screen: open the store, first page sorted by due, its count. */
	t0 = now_ms();
	if (store_open(path, &s, &err) != 0) {
		fprintf(stderr, "bench_store: %s\n", err);
		goto out;
	}
	store_query_init(&q, NOW);
	if (store_inbox_page(s, &q, &page) != 0)
		goto fail;
	if (store_inbox_count(s, &q, 0, &count) != 0)
		goto fail;
	ms = now_ms() - t0;
	printf("store.first_page_ms %.1f (target < 100; %zu rows of %lld)\n", ms, page.n,
	       (long long)count);
	store_page_release(&page);

	/* Search keystrokes: every prefix of each typed text, twice over. */
	for (int round = 0; round < 2; round++) {
		for (size_t t = 0; t < NELEM(typed) && n_search < NELEM(search); t++) {
			char prefix[128];
			const char *text = typed[t];

			for (size_t len = 1; text[len - 1] != '\0' && n_search < NELEM(search);
			     len++) {
				if (((unsigned char)text[len] & 0xC0) == 0x80)
					continue; /* inside a multibyte character */
				if (len >= sizeof prefix)
					break;
				memcpy(prefix, text, len);
				prefix[len] = '\0';
				store_query_init(&q, NOW);
				q.search = prefix;
				if (answer(s, &q, &ms, &page_ms) != 0)
					goto fail;
				if (getenv("BENCH_VERBOSE") != NULL)
					printf("  search %-20s %7.2f ms (page %.2f count %.2f)\n",
					       prefix, ms, page_ms, ms - page_ms);
				search_page[n_search] = page_ms;
				search[n_search++] = ms;
			}
		}
	}
	if (n_search > 200)
		n_search = 200;
	printf("store.search_keystrokes %zu\n", n_search);
	printf("store.search_p50_ms %.2f\n", percentile(search, n_search, 0.50));
	printf("store.search_p95_ms %.2f (target < 16)\n", percentile(search, n_search, 0.95));
	printf("store.search_max_ms %.2f\n", percentile(search, n_search, 1.0));
	printf("store.search_page_p95_ms %.2f (page only, without the count)\n",
	       percentile(search_page, n_search, 0.95));

	/* Filter changes: each source, each status, each due class, sort keys. */
	for (size_t i = 0; i < NELEM(sources); i++) {
		store_query_init(&q, NOW);
		q.source = sources[i];
		if (answer_filter(s, &q, &filters[n_filters++]) != 0)
			goto fail;
	}
	for (int st = 1; st <= 10; st++) {
		store_query_init(&q, NOW);
		q.status = st;
		if (answer_filter(s, &q, &filters[n_filters++]) != 0)
			goto fail;
	}
	for (int c = STORE_DUE_OVERDUE; c <= STORE_DUE_FINISHED; c++) {
		store_query_init(&q, NOW);
		q.due = (enum store_due_class)c;
		if (answer_filter(s, &q, &filters[n_filters++]) != 0)
			goto fail;
		q.source = sources[c % 5];
		if (answer_filter(s, &q, &filters[n_filters++]) != 0)
			goto fail;
	}
	for (int so = STORE_SORT_DUE; so <= STORE_SORT_UPDATED; so++) {
		store_query_init(&q, NOW);
		q.sort = (enum store_sort)so;
		q.descending = so % 2 == 1;
		if (answer_filter(s, &q, &filters[n_filters++]) != 0)
			goto fail;
		q.status = 4;
		if (answer_filter(s, &q, &filters[n_filters++]) != 0)
			goto fail;
	}
	store_query_init(&q, NOW);
	q.mismatch_only = true;
	if (answer_filter(s, &q, &filters[n_filters++]) != 0)
		goto fail;
	store_query_init(&q, NOW);
	q.area = areas[3];
	q.due = STORE_DUE_OVERDUE;
	if (answer_filter(s, &q, &filters[n_filters++]) != 0)
		goto fail;
	store_query_init(&q, NOW);
	q.offset = n > 1000 ? n - 1000 : 0; /* G: near the end */
	if (answer_filter(s, &q, &filters[n_filters++]) != 0)
		goto fail;
	printf("store.filter_changes %zu\n", n_filters);
	printf("store.filter_p50_ms %.2f\n", percentile(filters, n_filters, 0.50));
	printf("store.filter_p95_ms %.2f (target < 16)\n", percentile(filters, n_filters, 0.95));
	printf("store.filter_max_ms %.2f\n", percentile(filters, n_filters, 1.0));

	printf("store.rss_mb %.1f (target < 48)\n", vm_hwm_mb());
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "bench_store: %s\n", store_errmsg(s));
out:
	free(err);
	store_close(s);
	if (getenv("BENCH_KEEP") != NULL || getenv("BENCH_STORE") != NULL)
		printf("store.kept %s\n", path);
	else {
		char side[300];

		unlink(path);
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
		rmdir(dir);
	}
	return ret;
}
