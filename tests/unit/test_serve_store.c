/*
 * test_serve_store.c: a store file that shrinks while rec-serve opens or
 * verifies it (SIGBUS inside store_open) fails that open: at start the
 * server has no store and says why; at a swap the old store stays in
 * use, the failure is logged and counted.
 *
 * Deterministic: this program defines mmap(2) (the executable's
 * definition is the one container_open calls), which maps as usual and
 * then, when armed, truncates the file just mapped, so the open's first
 * read past the new end faults.  No timing, no second process.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "serve.h"
#include "serve_int.h"
#include "store.h"
#include "t.h"
#include "tutil.h"

#define FX "tests/fixtures/rec-blend/"

static const char *trunc_path;
static off_t trunc_to;
static int trunc_armed;

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	if (trunc_armed && fd >= 0 && p != MAP_FAILED) {
		trunc_armed = 0;
		if (truncate(trunc_path, trunc_to) != 0)
			abort();
	}
	return p;
}

/* Builds a store of list_len into path. */
static void
build(const char *path, size_t list_len)
{
	store_build_opts o = {
		.items_path = FX "items.tsv", .popular_path = FX "popular.tsv",
		.personal_path = FX "recs.tsv", .list_len = list_len,
		.last_items = 3, .built_ms = 0
	};
	rs_err e = {0};

	CHECK(store_build(&o, path, &e) == 0);
}

/* The next store: built aside and renamed over the path (a new file). */
static void
swap_in(const char *path, const char *tmp, size_t list_len)
{
	build(tmp, list_len);
	CHECK(rename(tmp, path) == 0);
}

/* How many items a cold user gets for 6 asked: the store's list_len. */
static long
cold(server *s)
{
	uint64_t out[STORE_MAX_LIST];

	return serve_blend(s, 999, 6, NULL, 0, out);
}

/* What stderr got since the last call (the log), from the file it is
 * redirected to. */
static const char *
logged(int fd)
{
	static char buf[4096];
	ssize_t n;

	fflush(stderr);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (ftruncate(fd, 0) != 0)
		abort();
	return buf;
}

/* stderr into the log file while the server runs (and back for
 * CHECK's messages). */
static int logfd, saved_err;

static void
to_log(int on)
{
	fflush(stderr);
	dup2(on ? logfd : saved_err, 2);
}

static void
look(server *s)
{
	s->checked_ms = -1000000;   /* a look now, whatever the clock */
	to_log(1);
	serve_check_store(s);
	to_log(0);
}

static int
init(server *s, const char *path, rs_err *se, rs_err *e)
{
	int rc;

	to_log(1);
	rc = serve_init(s, path, NULL, se, e);
	to_log(0);
	return rc;
}

int
main(void)
{
	const char *dir = t_dir();
	char path[600], tmp[600], logp[600];
	rs_err se = {0}, e = {0};
	server s;

	snprintf(path, sizeof path, "%s/recs.db", dir);
	snprintf(tmp, sizeof tmp, "%s/next.db", dir);
	snprintf(logp, sizeof logp, "%s/log", dir);
	trunc_path = path;
	logfd = open(logp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	saved_err = dup(2);
	CHECK(logfd >= 0 && saved_err >= 0);

	/* At start (--listen verifies): the file shrinks to nothing after
	 * it is mapped, the header read faults; no store, and why. */
	build(path, 6);
	memset(&s, 0, sizeof s);
	s.verify = 1;
	trunc_to = 0;
	trunc_armed = 1;
	CHECK(init(&s, path, &se, &e) == 0);
	CHECK(!trunc_armed && !s.have_store);
	CHECK_HAS(se.msg, "recs.db: the store file shrank while it was "
	    "being verified (SIGBUS)");
	CHECK(s.mt.m->store_truncated == 1);
	serve_fini(&s);

	/* The same without verification (inetd, pipe): "opened". */
	build(path, 6);
	memset(&s, 0, sizeof s);
	memset(&se, 0, sizeof se);
	trunc_armed = 1;
	CHECK(init(&s, path, &se, &e) == 0);
	CHECK(!s.have_store);
	CHECK_HAS(se.msg, "the store file shrank while it was being opened "
	    "(SIGBUS)");
	serve_fini(&s);

	/* A server with a good store (list_len 6). */
	build(path, 6);
	memset(&s, 0, sizeof s);
	memset(&se, 0, sizeof se);
	s.verify = 1;
	CHECK(init(&s, path, &se, &e) == 0 && s.have_store);
	CHECK(cold(&s) == 6);
	(void)logged(logfd);

	/* A swap whose new file shrinks to its first page while it is
	 * verified: the whole-file CRC read faults past that page.  The
	 * old store stays, logged and counted. */
	swap_in(path, tmp, 4);
	trunc_to = 4096;
	trunc_armed = 1;
	look(&s);
	CHECK(!trunc_armed && s.have_store);
	CHECK(cold(&s) == 6);
	CHECK_HAS(logged(logfd), "recs.db: the store file shrank while it "
	    "was being verified (SIGBUS); keeping the store in use");
	CHECK(s.mt.m->store_rejected == 1 && s.mt.m->store_truncated == 1);
	CHECK(s.mt.m->store_reloads == 0);

	/* Shrunk to nothing: the header read faults. */
	swap_in(path, tmp, 4);
	trunc_to = 0;
	trunc_armed = 1;
	look(&s);
	CHECK(s.have_store && cold(&s) == 6);
	CHECK(s.mt.m->store_rejected == 2 && s.mt.m->store_truncated == 2);

	/* A whole new store is then taken. */
	swap_in(path, tmp, 4);
	look(&s);
	CHECK(s.have_store && cold(&s) == 4);
	CHECK(s.mt.m->store_reloads == 1);
	CHECK(s.mt.m->store_rejected == 2);
	serve_fini(&s);

	close(saved_err);
	close(logfd);
	return t_done();
}
