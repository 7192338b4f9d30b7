/* test_itemsim: the neighbours of a small hand-made case, the same for any
 * thread count, and sims.bin written, read back and refused when corrupt. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "itemsim.h"
#include "events.h"

/* Sessions {1,2,3} twice and {3,4}: c(1,2) = 2, c(1,3) = 2, c(3,4) = 1. */
static itemsim *
build(unsigned threads, enum itemsim_score score, uint32_t support)
{
	itemsim_params p;
	itemsim *s;
	rs_err e = {0};
	uint64_t u, i;

	itemsim_params_init(&p);
	weights_parse("view=1", &p.weights, NULL);
	p.threads = threads;
	p.score = score;
	p.min_support = support;
	s = itemsim_new(&p);
	for (u = 1; u <= 2; u++)
		for (i = 1; i <= 3; i++)
			CHECK(itemsim_add(s, u, i, EV_VIEW, (int64_t)(1000 * i)) == 0);
	CHECK(itemsim_add(s, 3, 3, EV_VIEW, 1) == 0);
	CHECK(itemsim_add(s, 3, 4, EV_VIEW, 2) == 0);
	CHECK(itemsim_add(s, 3, 4, EV_TRANSACTION, 3) == 0);  /* weight 0 */
	CHECK(itemsim_build(s, &e) == 0);
	return s;
}

int
main(void)
{
	char path[] = "/tmp/test_itemsim.XXXXXX";
	itemsim *s = build(1, ITEMSIM_COUNT, 1), *s3;
	const itemsim_lists *l = itemsim_result(s), *l3;
	itemsim_file f;
	rs_err e = {0};
	size_t k;
	int fd;

	CHECK(l->events == 8 && l->sessions == 3 && l->n == 4);
	/* item 1: 2 (2), 3 (2): a tie, smaller id first */
	CHECK(l->item[0] == 1 && l->off[1] == 2);
	CHECK(l->nbr[0] == 2 && l->score[0] == 2 && l->nbr[1] == 3);
	/* item 3: 1 and 2 (2 each), then 4 (1) */
	CHECK(l->item[2] == 3 && l->off[3] - l->off[2] == 3);
	CHECK(l->nbr[l->off[2] + 2] == 4 && l->score[l->off[2] + 2] == 1);
	s3 = build(3, ITEMSIM_COUNT, 1);
	l3 = itemsim_result(s3);
	CHECK(l3->n == l->n && l3->pairs == l->pairs);
	for (k = 0; k < l->pairs; k++)
		CHECK(l3->nbr[k] == l->nbr[k] && l3->score[k] == l->score[k]);
	itemsim_free(s3);
	/* support 2 drops 3-4 and leaves 4 without neighbours */
	s3 = build(2, ITEMSIM_COSINE, 2);
	CHECK(itemsim_result(s3)->n == 3);
	itemsim_free(s3);

	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK(itemsim_save(s, path, &e) == 0);
	CHECK(itemsim_open(&f, path, &e) == 0);
	CHECK(f.l.n == l->n && f.l.pairs == l->pairs && f.top_k == 50);
	for (k = 0; k < l->pairs; k++)
		CHECK(f.l.nbr[k] == l->nbr[k] && f.l.score[k] == l->score[k]);
	itemsim_close(&f);
	{
		/* one flipped byte in the last section: refused by its CRC */
		FILE *fp = fopen(path, "r+b");
		long end;

		CHECK(fp != NULL);
		fseek(fp, 0, SEEK_END);
		end = ftell(fp);
		fseek(fp, end - 1, SEEK_SET);
		fputc(0x55, fp);
		fclose(fp);
	}
	CHECK(itemsim_open(&f, path, &e) == EX_DATAERR);
	CHECK_HAS(e.msg, path);
	unlink(path);
	CHECK(itemsim_open(&f, path, &e) == EX_NOINPUT);
	itemsim_free(s);
	return t_done();
}
