/*
 * fuzz_store.c: the store loader (store_open) and its lookups, on damaged
 * copies of a good store.  Random files never get past the header CRC, so
 * the input is a list of patches to the fuzz_serve.h store: every 4 bytes
 * are a 24-bit offset (modulo the file size) and a byte XORed there.  The
 * property checked is the one rec-serve promises: whatever the damage, a
 * lookup either records damage or gives the undamaged answer, with the
 * per-block checks (flags 0) and after a whole verification
 * (STORE_VERIFY); and nothing is read outside the file.
 */
#include "fuzz_common.h"
#include "fuzz_serve.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "blend.h"

#define NQ 8
static const uint64_t q_user[NQ] = { 7, 3, 4, 999, 7, 4, 4, 0 };
static const uint64_t q_last[NQ][2] = {
	{ 0, 0 }, { 0, 0 }, { 101, 0 }, { 201, 301 }, { 501, 102 },
	{ 401, 0 }, { 9, 502 }, { 101, 201 }
};
static const size_t q_nlast[NQ] = { 0, 0, 1, 2, 2, 1, 2, 2 };

static uint8_t *image;
static size_t image_size;
static uint64_t ref[NQ][STORE_MAX_LIST];
static size_t ref_n[NQ];

/* The answers of st to the queries; 1 when all equal ref (or, with
 * damage recorded, when the damage explains the difference). */
static int
same_answers(const store *st)
{
	uint64_t out[STORE_MAX_LIST];
	enum blend_source src;
	size_t i, n;

	for (i = 0; i < NQ; i++) {
		n = blend_recs(st, q_user[i], 6, q_last[i], q_nlast[i], out,
		    &src);
		if (store_damage(st, NULL) != NULL) {
			store_damage_clear(st);
			continue;
		}
		if (n != ref_n[i] || memcmp(out, ref[i], n * 8) != 0)
			return 0;
	}
	return 1;
}

static void
load_image(void)
{
	struct stat sb;
	store st;
	rs_err e = {0};
	size_t i;
	int fd;

	setup();
	if ((fd = open(fuzz_store_path, O_RDONLY)) < 0 ||
	    fstat(fd, &sb) != 0 || (image = malloc((size_t)sb.st_size)) ==
	    NULL || read(fd, image, (size_t)sb.st_size) != sb.st_size)
		abort();
	close(fd);
	image_size = (size_t)sb.st_size;
	if (store_open(&st, fuzz_store_path, STORE_VERIFY, &e) != 0)
		abort();
	for (i = 0; i < NQ; i++) {
		enum blend_source src;

		ref_n[i] = blend_recs(&st, q_user[i], 6, q_last[i],
		    q_nlast[i], ref[i], &src);
	}
	store_close(&st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	uint8_t *copy;
	rs_err e = {0};
	store st;
	size_t i;
	int fd;

	if (!ready)
		load_image();
	if ((copy = malloc(image_size)) == NULL)
		return 0;
	memcpy(copy, image, image_size);
	for (i = 0; i + 4 <= size; i += 4) {
		size_t off = ((size_t)data[i] | (size_t)data[i + 1] << 8 |
		    (size_t)data[i + 2] << 16) % image_size;

		copy[off] ^= data[i + 3] | 1;
	}
	fd = fuzz_memfile(copy, image_size, path, sizeof path);
	free(copy);
	if (store_open(&st, path, 0, &e) == 0) {
		if (!same_answers(&st))
			abort();   /* a wrong answer from a damaged store */
		store_close(&st);
	} else if (e.code == 0 || e.msg[0] == '\0') {
		abort();
	}
	if (store_open(&st, path, STORE_VERIFY, &e) == 0) {
		if (store_damage(&st, NULL) != NULL || !same_answers(&st))
			abort();
		store_close(&st);
	}
	close(fd);
	return 0;
}
