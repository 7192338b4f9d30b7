/* serve_metrics.c: see serve_metrics.h. */
#include "serve_metrics.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ROUTE_LABEL(id, path, label, allow, methods, fn) label,
static const char *const handler_label[N_ROUTES] = {
	SERVE_ROUTES(ROUTE_LABEL) "none"
};
#undef ROUTE_LABEL
static const char *const method_label[M_METHODS] = {
	"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "other"
};
static const int status_code[M_STATUSES] = {
	200, 400, 404, 405, 408, 413, 414, 422, 431, 500, 501, 503, 505, 100
};
/* Upper bounds of the latency buckets, seconds, then +Inf. */
static const double bucket_le[M_BUCKETS - 1] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1
};

int
serve_metrics_open(serve_metrics *mt, const char *path, rs_err *e)
{
	struct stat st;
	void *p;
	int fd;

	memset(mt, 0, sizeof *mt);
	if (path == NULL) {
		p = mmap(NULL, sizeof *mt->m, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return rs_errf(e, EX_OSERR, "mmap: %s",
			    strerror(errno));
		mt->m = p;
		memcpy(mt->m->magic, METRICS_MAGIC, 8);
		mt->m->created_ms = util_real_ms();
		return 0;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return rs_errf(e, EX_CANTCREAT, "%s: %s", path,
		    strerror(errno));
	if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
		close(fd);
		return rs_errf(e, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	if (st.st_size == 0 && ftruncate(fd, sizeof *mt->m) != 0) {
		close(fd);
		return rs_errf(e, EX_CANTCREAT, "%s: %s", path,
		    strerror(errno));
	} else if (st.st_size != 0 && (size_t)st.st_size != sizeof *mt->m) {
		close(fd);
		return rs_errf(e, EX_DATAERR, "%s: %lld bytes, not a metrics "
		    "file of this version (%zu bytes); remove it", path,
		    (long long)st.st_size, sizeof *mt->m);
	}
	p = mmap(NULL, sizeof *mt->m, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0);
	if (p == MAP_FAILED) {
		close(fd);
		return rs_errf(e, EX_OSERR, "%s: mmap: %s", path,
		    strerror(errno));
	}
	mt->m = p;
	mt->shared_file = 1;
	if (memcmp(mt->m->magic, "\0\0\0\0\0\0\0\0", 8) == 0) {
		/* New (or its creator died before the magic): start over. */
		memset(mt->m, 0, sizeof *mt->m);
		mt->m->created_ms = util_real_ms();
		__atomic_thread_fence(__ATOMIC_RELEASE);
		memcpy(mt->m->magic, METRICS_MAGIC, 8);
	} else if (memcmp(mt->m->magic, METRICS_MAGIC, 8) != 0) {
		serve_metrics_close(mt);
		close(fd);
		return rs_errf(e, EX_DATAERR, "%s: not a metrics file of this "
		    "version (bad magic); remove it", path);
	}
	close(fd);   /* also releases the lock */
	return 0;
}

void
serve_metrics_close(serve_metrics *mt)
{
	if (mt->m != NULL)
		munmap(mt->m, sizeof *mt->m);
	mt->m = NULL;
}

int
serve_metrics_method(const char *p, size_t n)
{
	int i;

	for (i = 0; i < MM_OTHER; i++)
		if (strlen(method_label[i]) == n &&
		    memcmp(method_label[i], p, n) == 0)
			return i;
	return MM_OTHER;
}

int
serve_metrics_status(int status)
{
	int i;

	for (i = 0; i < M_STATUSES; i++)
		if (status_code[i] == status)
			return i;
	return 9;   /* 500 */
}

void
serve_metrics_request(serve_metrics *mt, int handler, int method, int status,
    uint64_t ns)
{
	serve_metrics_shm *m = mt->m;
	int b = 0;

	while (b < M_BUCKETS - 1 && (double)ns > bucket_le[b] * 1e9)
		b++;
	serve_metrics_add(&m->requests[handler][method][serve_metrics_status(status)], 1);
	serve_metrics_add(&m->bucket[handler][method][b], 1);
	serve_metrics_add(&m->sum_ns[handler][method], ns);
}

static uint64_t
load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

uint64_t
serve_metrics_self_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A label value with \, " and newline escaped. */
static void
label(outbuf *o, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			outbuf_add(o, "\\", 1);
		if (*s == '\n')
			outbuf_str(o, "\\n");
		else
			outbuf_add(o, s, 1);
	}
}

static void
family(outbuf *o, const char *name, const char *type, const char *help)
{
	outbuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* A family of one sample: a counter of whole numbers. */
static void
one_u64(outbuf *o, const char *name, const char *help, uint64_t v)
{
	family(o, name, "counter", help);
	outbuf_printf(o, "%s %llu\n", name, (unsigned long long)v);
}

/* A family of one sample of the given type, printed with fmt. */
static void
one_num(outbuf *o, const char *name, const char *type, const char *help,
    const char *fmt, double v)
{
	char val[64];

	family(o, name, type, help);
	snprintf(val, sizeof val, fmt, v);
	outbuf_printf(o, "%s %s\n", name, val);
}

/* The process_* metrics of the Prometheus client libraries, from /proc. */
static void
process_metrics(outbuf *o)
{
	unsigned long long utime = 0, stime = 0, start = 0, vsize = 0;
	long long rss = 0, btime = 0;
	long tck = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	char buf[1024], *p;
	struct rlimit rl;
	size_t n;
	FILE *fp;
	DIR *d;
	long fds = 0;

	if ((fp = fopen("/proc/self/stat", "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		buf[n] = '\0';
		fclose(fp);
		/* Fields after the command name "(...)", which may hold
		 * spaces: state is field 3, utime 14, stime 15, starttime
		 * 22, vsize 23, rss 24. */
		if ((p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
		    "%*u %llu %llu %*d %*d %*d %*d %*d %*d %llu %llu %lld",
		    &utime, &stime, &start, &vsize, &rss) != 5)
			utime = stime = start = vsize = 0, rss = 0;
	}
	if ((fp = fopen("/proc/stat", "r")) != NULL) {
		while (fgets(buf, sizeof buf, fp) != NULL)
			if (sscanf(buf, "btime %lld", &btime) == 1)
				break;
		fclose(fp);
	}
	if ((d = opendir("/proc/self/fd")) != NULL) {
		struct dirent *de;

		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				fds++;
		closedir(d);
		fds--;   /* the directory's own descriptor */
	}
	if (tck <= 0)
		tck = 100;
	one_num(o, "process_cpu_seconds_total", "counter",
	    "Total user and system CPU time spent in seconds.",
	    "%.2f", (double)(utime + stime) / (double)tck);
	one_num(o, "process_virtual_memory_bytes", "gauge",
	    "Virtual memory size in bytes.",
	    "%.0f", (double)vsize);
	one_num(o, "process_resident_memory_bytes", "gauge",
	    "Resident memory size in bytes.",
	    "%.0f", (double)rss * page);
	one_num(o, "process_start_time_seconds", "gauge",
	    "Start time of the process since unix epoch in seconds.",
	    "%.2f", (double)btime + (double)start / (double)tck);
	one_num(o, "process_open_fds", "gauge",
	    "Number of open file descriptors.",
	    "%.0f", (double)fds);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		one_num(o, "process_max_fds", "gauge",
		    "Maximum number of open file descriptors.",
		    "%.0f", (double)rl.rlim_cur);
}

static void
store_metrics(outbuf *o, const store *s, const char *store_path)
{
	char id[16];

	if (s == NULL)
		return;
	container_id(&s->c, id);
	family(o, "rec_serve_store_info", "gauge",
	    "The recs.db in use (value 1).");
	outbuf_str(o, "rec_serve_store_info{path=\"");
	label(o, store_path);
	outbuf_str(o, "\",id=\"");
	label(o, id);
	outbuf_str(o, "\",cutoff=\"");
	label(o, s->cutoff);
	outbuf_printf(o, "\",list_len=\"%zu\",last_items=\"%zu\"} 1\n",
	    s->list_len, s->last_items);
	one_num(o, "rec_serve_store_build_timestamp_seconds", "gauge",
	    "When rec-blend built the store, unix time.",
	    "%.3f", (double)s->built_ms / 1000);
	one_num(o, "rec_serve_store_users", "gauge",
	    "Users with a personal list in the store.",
	    "%.0f", (double)s->users.n);
	one_num(o, "rec_serve_store_items", "gauge",
	    "Items of the catalogue snapshot in the store.",
	    "%.0f", (double)s->items.n);
	one_num(o, "rec_serve_store_categories", "gauge",
	    "Categories in the store.",
	    "%.0f", (double)s->n_cats);
	one_num(o, "rec_serve_store_popular_items", "gauge",
	    "Length of the global popular list.",
	    "%.0f", (double)s->n_global);
}

void
serve_metrics_render(const serve_metrics *mt, const store *s, const char *store_path,
    uint64_t own_cpu_ns, outbuf *o)
{
	const serve_metrics_shm *m = mt->m;
	int h, me, st, b, src;

	family(o, "http_requests_total", "counter",
	    "Total number of requests by method, status and handler.");
	for (h = 0; h < N_ROUTES; h++)
		for (me = 0; me < M_METHODS; me++)
			for (st = 0; st < M_STATUSES; st++) {
				uint64_t v = load(&m->requests[h][me][st]);

				if (v != 0)
					outbuf_printf(o, "http_requests_total{"
					    "handler=\"%s\",method=\"%s\","
					    "status=\"%d\"} %llu\n",
					    handler_label[h], method_label[me],
					    status_code[st],
					    (unsigned long long)v);
			}
	family(o, "http_request_duration_seconds", "histogram",
	    "Latency of HTTP requests, from the whole request read to the "
	    "response written.");
	for (h = 0; h < N_ROUTES; h++)
		for (me = 0; me < M_METHODS; me++) {
			uint64_t cum = 0, c[M_BUCKETS];

			for (b = 0; b < M_BUCKETS; b++)
				cum += c[b] = load(&m->bucket[h][me][b]);
			if (cum == 0)
				continue;
			cum = 0;
			for (b = 0; b < M_BUCKETS; b++) {
				cum += c[b];
				if (b < M_BUCKETS - 1)
					outbuf_printf(o, "http_request_duration_"
					    "seconds_bucket{handler=\"%s\","
					    "method=\"%s\",le=\"%g\"} %llu\n",
					    handler_label[h], method_label[me],
					    bucket_le[b],
					    (unsigned long long)cum);
				else
					outbuf_printf(o, "http_request_duration_"
					    "seconds_bucket{handler=\"%s\","
					    "method=\"%s\",le=\"+Inf\"} %llu\n",
					    handler_label[h], method_label[me],
					    (unsigned long long)cum);
			}
			outbuf_printf(o, "http_request_duration_seconds_sum{"
			    "handler=\"%s\",method=\"%s\"} %.9f\n",
			    handler_label[h], method_label[me],
			    (double)load(&m->sum_ns[h][me]) / 1e9);
			outbuf_printf(o, "http_request_duration_seconds_count{"
			    "handler=\"%s\",method=\"%s\"} %llu\n",
			    handler_label[h], method_label[me],
			    (unsigned long long)cum);
		}
	one_u64(o, "app_recsys_handler_exception_counter_total",
	    "Requests that failed inside the recommendation handler.",
	    load(&m->exceptions));
	family(o, "rec_serve_recs_total", "counter",
	    "Recommendation lists served, by the source that served them.");
	for (src = 0; src < BLEND_NSOURCES; src++)
		outbuf_printf(o, "rec_serve_recs_total{source=\"%s\"} %llu\n",
		    blend_source_name[src],
		    (unsigned long long)load(&m->recs[src]));
	one_u64(o, "rec_serve_line_requests_total",
	    "Requests of the TSV line protocol.",
	    load(&m->line_requests));
	one_u64(o, "rec_serve_line_errors_total",
	    "Invalid requests of the TSV line protocol.",
	    load(&m->line_errors));
	one_u64(o, "rec_serve_connections_total",
	    "Connections served.",
	    load(&m->connections));
	one_u64(o, "rec_serve_store_reloads_total",
	    "Times a server process switched to a new recs.db.",
	    load(&m->store_reloads));
	one_u64(o, "rec_serve_store_rejected_total",
	    "New stores refused (damaged or unreadable); the old one stays.",
	    load(&m->store_rejected));
	one_u64(o, "rec_serve_store_damaged_total",
	    "Requests answered with an error because a part of the store "
	    "they read failed its checksum.",
	    load(&m->store_damaged));
	one_u64(o, "rec_serve_store_truncated_total",
	    "Requests, and opens of a new store, that met a store file "
	    "shrunk under its mapping (SIGBUS).",
	    load(&m->store_truncated));
	one_u64(o, "rec_serve_evictions_total",
	    "Idle keep-alive connections closed to make room for new ones.",
	    load(&m->evictions));
	one_u64(o, "rec_serve_refused_total",
	    "Connections closed at once: every worker full, none idle.",
	    load(&m->refused));
	one_num(o, "rec_serve_cpu_seconds_total", "counter",
	    "CPU time of every rec-serve process sharing these metrics.",
	    "%.6f", (double)(load(&m->cpu_ns) + own_cpu_ns) / 1e9);
	one_num(o, "rec_serve_metrics_created_timestamp_seconds", "gauge",
	    "When the shared metrics block was created, unix time.",
	    "%.3f", (double)m->created_ms / 1000);
	store_metrics(o, s, store_path);
	process_metrics(o);
}
