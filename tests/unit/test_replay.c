/* test_replay.c: rec-eval --replay's engine on a hand-made store
 * (tests/fixtures/rec-eval/replay), every figure worked out by hand in
 * rec-eval(1)'s terms: k = 2, the global list 501 502. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval.h"
#include "replay.h"
#include "store.h"
#include "t.h"

#define FX "tests/fixtures/rec-eval/replay/"
#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

int
main(void)
{
	char path[] = "/tmp/test_replay.XXXXXX";
	store_build_opts o = {
		.items_path = FX "items.tsv", .popular_path = FX "popular.tsv",
		.personal_path = FX "personal.tsv", .list_len = 3,
		.last_items = 3, .cutoff = "test", .built_ms = 0
	};
	rs_err e = {0};
	eval_truth t;
	replay_events ev;
	replay_result res;
	items cat;
	store st;
	double h, c;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	CHECK(store_build(&o, path, &e) == 0);
	CHECK(store_open(&st, path, STORE_VERIFY, &e) == 0);
	CHECK(items_load(&cat, FX "items.tsv", &e) == 0);
	CHECK(eval_truth_load(&t, FX "test.tsv", FX "train.tsv", &e) == 0);
	CHECK(t.nusers == 5 && t.ncarts == 8 && t.nhistory == 2);

	CHECK(replay_events_load(&ev, &t, FX "test.tsv", &e) == 0);
	CHECK(ev.n == 14);             /* user 9 (no cart) and the
	                                   transaction are left out */
	CHECK(replay_run(&res, &ev, &st, 2, &t, &cat, &e) == 0);

	CHECK(res.g[REPLAY_ALL].carts == 8 && res.g[REPLAY_ALL].hits == 5);
	CHECK(replay_figures(&res.g[REPLAY_ALL], cat.n, &h, &c) == 1);
	CHECK(NEAR(h, 62.5) && NEAR(c, 100.0 * 5 / 9));

	CHECK(res.g[REPLAY_HISTORY].carts == 4);
	CHECK(res.g[REPLAY_HISTORY].hits == 3);
	CHECK(replay_figures(&res.g[REPLAY_HISTORY], cat.n, &h, &c) == 1);
	CHECK(NEAR(h, 75.0) && NEAR(c, 100.0 * 4 / 9));

	/* User 7: 501 301 twice; 301 is a hit, 202 is not. */
	CHECK(res.g[REPLAY_PERSONAL].carts == 2);
	CHECK(res.g[REPLAY_PERSONAL].hits == 1);
	/* User 2: 201 501, then 101 201 (the view at the cart's ms counts,
	 * the unknown 999 is dropped). */
	CHECK(res.g[REPLAY_ONLINE].carts == 2);
	CHECK(res.g[REPLAY_ONLINE].hits == 2);
	CHECK(replay_figures(&res.g[REPLAY_ONLINE], cat.n, &h, &c) == 1);
	CHECK(NEAR(h, 100.0) && NEAR(c, 100.0 * 3 / 9));
	/* Users 1, 3 (the view comes after the cart) and 8 (unknown view). */
	CHECK(res.g[REPLAY_COLD].carts == 4 && res.g[REPLAY_COLD].hits == 2);
	CHECK(replay_figures(&res.g[REPLAY_COLD], cat.n, &h, &c) == 1);
	CHECK(NEAR(h, 50.0) && NEAR(c, 100.0 * 2 / 9));
	replay_result_free(&res);

	/* k = 1: only the first item of each answer. */
	CHECK(replay_run(&res, &ev, &st, 1, &t, &cat, &e) == 0);
	/* 501 hit (u1), 201 hit, 101 hit (u2), 501 miss (u3), 501 miss x2
	 * (u7), 501 miss (u8). */
	CHECK(res.g[REPLAY_ALL].carts == 8 && res.g[REPLAY_ALL].hits == 3);
	replay_result_free(&res);

	/* An empty group has no figures. */
	{
		replay_tally z;

		memset(&z, 0, sizeof z);
		CHECK(replay_figures(&z, cat.n, &h, &c) == 0);
		CHECK(h == 0 && c == 0);
	}

	replay_events_free(&ev);
	eval_truth_free(&t);
	items_free(&cat);
	store_close(&st);
	unlink(path);
	return t_done();
}
