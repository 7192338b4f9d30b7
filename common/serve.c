/* serve.c: the server and its store handle (see serve.h, serve_int.h);
 * the API is rec-serve(8). */
#include "serve.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "blend.h"
#include "serve_int.h"
#include "util.h"

uint64_t
serve_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the store ---- */

static void
file_id(serve_file_id *id, const struct stat *st)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
}

static int
same_file(const serve_file_id *id, const struct stat *st)
{
	return st->st_dev == id->dev && st->st_ino == id->ino &&
	    st->st_size == id->size && st->st_mtim.tv_sec == id->mtime.tv_sec &&
	    st->st_mtim.tv_nsec == id->mtime.tv_nsec;
}

static int guarded_open(server *s, store *st, rs_err *e);

/*
 * Opens the file now at the store path.  The identity is taken from a
 * stat before the open, so a rename between the two only makes the next
 * check reopen once more.
 */
static int
open_store(server *s, const struct stat *st)
{
	rs_err e = {0};
	store nst;

	if (guarded_open(s, &nst, &e) != 0) {
		if (s->have_store) {
			serve_metrics_add(&s->mt.m->store_rejected, 1);
			rs_warnx("%s; keeping the store in use", e.msg);
		} else if (strcmp(e.msg, s->store_err) != 0 || s->verbose) {
			rs_warnx("%s", e.msg);
		}
		memcpy(s->store_err, e.msg, sizeof s->store_err);
		file_id(&s->rejected, st);
		return 0;
	}
	if (s->have_store) {
		store_close(&s->st);
		serve_metrics_add(&s->mt.m->store_reloads, 1);
		if (s->verbose)
			rs_warnx("%s: reopened (a new store)", s->store_path);
	}
	s->st = nst;
	s->have_store = 1;
	s->store_err[0] = '\0';
	file_id(&s->id, st);
	return 1;
}

int
serve_check_store(server *s)
{
	struct stat st;
	int64_t now = util_mono_ms();

	if (s->have_store && now - s->checked_ms < SRV_CHECK_MS)
		return 1;
	s->checked_ms = now;
	if (stat(s->store_path, &st) != 0) {
		if (!s->have_store)
			snprintf(s->store_err, sizeof s->store_err, "%s: %s",
			    s->store_path, strerror(errno));
		return s->have_store;
	}
	if ((!s->have_store || !same_file(&s->id, &st)) &&
	    !same_file(&s->rejected, &st))
		open_store(s, &st);
	return s->have_store;
}

/*
 * SIGBUS.  A store file overwritten in place (cp over it) or truncated
 * shrinks under the mapping, and reading a page past its new end raises
 * SIGBUS.  Checking the size before each read cannot close the window
 * (the file can shrink between the check and the read, and it costs a
 * system call per request), so the reads are guarded instead: serve_guard
 * runs them after a sigsetjmp, and the handler, when the faulting address
 * is inside the store's mapping, jumps back; the request gets an error,
 * the store is dropped and reopened at the next check.  A fault anywhere
 * else is a bug: the handler restores the default action and re-raises.
 * sigsetjmp(.., 0) saves no signal mask (no system call per request);
 * SA_NODEFER leaves SIGBUS unblocked after the jump.
 */
static sigjmp_buf *bus_jump;
static const unsigned char *bus_lo, *bus_hi;
/* A store being opened (guarded_open): its mapping, once made. */
static const store *volatile bus_opening;

static void
on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	const unsigned char *a = si->si_addr;
	const store *o = bus_opening;

	(void)ctx;
	if (bus_jump != NULL && a >= bus_lo && a < bus_hi)
		siglongjmp(*bus_jump, 1);
	if (bus_jump != NULL && o != NULL && o->c.base != NULL &&
	    a >= o->c.base && a < o->c.base + o->c.size)
		siglongjmp(*bus_jump, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * store_open under the guard: a file that shrinks while it is being
 * opened or verified (its header, or STORE_VERIFY's whole read) fails
 * the open instead of killing the process.  container_open records the
 * mapping in st->c before it reads any of it, which is what the handler
 * compares the faulting address with; after the jump store_close
 * releases what the open had taken (st was zeroed first).
 */
static int
guarded_open(server *s, store *st, rs_err *e)
{
	sigjmp_buf jb;

	memset(st, 0, sizeof *st);
	if (sigsetjmp(jb, 0) != 0) {
		bus_jump = NULL;
		bus_opening = NULL;
		store_close(st);
		serve_metrics_add(&s->mt.m->store_truncated, 1);
		return rs_errf(e, EX_DATAERR, "%s: the store file shrank "
		    "while it was being %s (SIGBUS)", s->store_path,
		    s->verify ? "verified" : "opened");
	}
	bus_lo = bus_hi = NULL;
	bus_opening = st;
	bus_jump = &jb;
	if (store_open(st, s->store_path, s->verify ? STORE_VERIFY : 0,
	    e) != 0) {
		bus_jump = NULL;
		bus_opening = NULL;
		return e->code;
	}
	bus_jump = NULL;
	bus_opening = NULL;
	return 0;
}

static void
store_dropped(server *s)
{
	rs_warnx("%s: the store file shrank under its mapping (overwritten "
	    "in place?); answered with an error, reopening", s->store_path);
	serve_metrics_add(&s->mt.m->store_truncated, 1);
	store_close(&s->st);
	s->have_store = 0;
	memset(&s->id, 0, sizeof s->id);
	memset(&s->rejected, 0, sizeof s->rejected);
	s->checked_ms = 0;
	snprintf(s->store_err, sizeof s->store_err, "%s: the store file "
	    "shrank under its mapping", s->store_path);
}

int
serve_guard(server *s, void (*fn)(server *, void *), void *arg)
{
	sigjmp_buf jb;

	if (!s->have_store) {
		fn(s, arg);
		return 0;
	}
	if (sigsetjmp(jb, 0) != 0) {
		bus_jump = NULL;
		store_dropped(s);
		return -1;
	}
	bus_lo = s->st.c.base;
	bus_hi = s->st.c.base + s->st.c.size;
	bus_jump = &jb;
	fn(s, arg);
	bus_jump = NULL;
	return 0;
}

int
serve_store_damaged(server *s)
{
	size_t block;
	const char *sec = store_damage(&s->st, &block);

	if (sec == NULL)
		return 0;
	rs_warnx("%s: section \"%s\" block %zu: checksum mismatch "
	    "(damaged store); answered with an error", s->store_path, sec,
	    block);
	serve_metrics_add(&s->mt.m->store_damaged, 1);
	store_damage_clear(&s->st);
	return 1;
}

struct blend_call {
	uint64_t user;
	size_t n;
	const uint64_t *last;
	size_t n_last;
	uint64_t *out;
	enum blend_source src;
	size_t got;
};

static void
blend_call(server *s, void *arg)
{
	struct blend_call *b = arg;

	b->got = blend_recs(&s->st, b->user, b->n, b->last, b->n_last, b->out,
	    &b->src);
}

long
serve_blend(server *s, uint64_t user, size_t n, const uint64_t *last,
    size_t n_last, uint64_t *out)
{
	struct blend_call b = { user, n, last, n_last, out, BLEND_POPULAR, 0 };

	if (serve_guard(s, blend_call, &b) != 0)
		return -1;
	if (serve_store_damaged(s))
		return -2;
	serve_metrics_add(&s->mt.m->recs[b.src], 1);
	return (long)b.got;
}

int
serve_init(server *s, const char *store_path, const char *metrics_path,
    rs_err *store_e, rs_err *e)
{
	int rc;

	s->store_path = store_path;
	s->have_store = 0;
	s->store_err[0] = '\0';
	s->cpu_reported_ns = 0;
	if ((rc = serve_metrics_open(&s->mt, metrics_path, e)) != 0)
		return rc;
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
	}
	{
		/* The first open reports its error to the caller, not the
		 * log. */
		int verbose = s->verbose;
		struct stat st;

		s->verbose = 0;
		if (stat(store_path, &st) != 0)
			rs_errf(store_e, EX_NOINPUT, "%s: %s", store_path,
			    strerror(errno));
		else if (guarded_open(s, &s->st, store_e) == 0) {
			s->have_store = 1;
			file_id(&s->id, &st);
		}
		if (!s->have_store)
			memcpy(s->store_err, store_e->msg,
			    sizeof s->store_err);
		s->verbose = verbose;
	}
	return 0;
}

void
serve_fini(server *s)
{
	serve_account_cpu(s);
	if (s->have_store)
		store_close(&s->st);
	s->have_store = 0;
	serve_metrics_close(&s->mt);
}

void
serve_account_cpu(server *s)
{
	uint64_t now = serve_metrics_self_cpu_ns();

	if (now > s->cpu_reported_ns) {
		serve_metrics_add(&s->mt.m->cpu_ns, now - s->cpu_reported_ns);
		s->cpu_reported_ns = now;
	}
}

