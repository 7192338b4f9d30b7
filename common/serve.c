/* serve.c: the server and its store handle (see serve.h, serve_int.h);
 * the API is rec-serve(8). */
#include "serve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "serve_int.h"

int64_t
serve_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

	if (store_open(&nst, s->store_path, s->verify ? STORE_VERIFY : 0,
	    &e) != 0) {
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
	int64_t now = serve_now_ms();

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
		/* The first open reports its error to the caller, not the
		 * log. */
		int verbose = s->verbose;
		struct stat st;

		s->verbose = 0;
		if (stat(store_path, &st) != 0)
			rs_errf(store_e, EX_NOINPUT, "%s: %s", store_path,
			    strerror(errno));
		else if (store_open(&s->st, store_path, s->verify ?
		    STORE_VERIFY : 0, store_e) == 0) {
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

