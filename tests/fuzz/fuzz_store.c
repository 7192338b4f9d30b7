/*
 * fuzz_store.c: the store loader (store_open) and its lookups, on damaged
 * copies of a good store.  Random files never get past the header CRC, so
 * the input is a list of patches to the fuzz_serve.h store: after a first
 * mode byte, every 4 bytes are a 24-bit offset (modulo the file size) and
 * a byte XORed there.
 *
 * Raw mode (mode byte even): the patched file as it is.  The property is
 * the one rec-serve promises: whatever the damage, a lookup either records
 * damage or gives the undamaged answer, with the per-block checks (flags
 * 0) and after a whole verification (STORE_VERIFY); nothing is read
 * outside the file.
 *
 * Fast mode (odd): the block CRCs of the touched blocks, the section CRCs
 * of the touched sections and the header CRC are recomputed first, so the
 * structural checks behind the checksums are what gets fuzzed.  The
 * property: a store that passes STORE_VERIFY gives, opened without it,
 * the same answers and no damage; a store that fails either open says
 * why; and no lookup of either reads outside the file.
 *
 * Speed: the store lives in one memfd, mapped writable by the harness and
 * read-only by store_open (the same pages); the patches are applied in
 * place and undone after each input, so an input costs its patches and
 * the opens, not a copy of the half-megabyte file.  Fast mode's repair
 * writes the same checksums as summing every touched section whole would,
 * but derives them from the good image's (CRC-32 is affine: each changed
 * byte changes the CRC by a term crc32_combine carries to the end), so the
 * opens under test, not the repair, take the time.
 */
#include "fuzz_common.h"
#include "fuzz_crc.h"
#include "fuzz_serve.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "blend.h"

/* The harness's own bookkeeping (patching, repair, undo) is not what is
 * fuzzed: no coverage or comparison hooks in it, which would cost as much
 * as the opens and steer the fuzzer by the harness's branches. */
#define HARNESS __attribute__((no_sanitize("coverage")))

/* Built with -DCHECK_REPAIR, each checksum the repair derives is compared
 * with a whole sum of the same bytes (slow; for changes to the repair). */
#ifdef CHECK_REPAIR
#define CHECK(derived, summed) do { \
	if ((derived) != (summed)) \
		abort(); \
} while (0)
#else
#define CHECK(derived, summed) ((void)0)
#endif

#define NQ 8
static const uint64_t q_user[NQ] = { 7, 3, 4, 999, 7, 4, 4, 0 };
static const uint64_t q_last[NQ][2] = {
	{ 0, 0 }, { 0, 0 }, { 101, 0 }, { 201, 301 }, { 501, 102 },
	{ 401, 0 }, { 9, 502 }, { 101, 201 }
};
static const size_t q_nlast[NQ] = { 0, 0, 1, 2, 2, 1, 2, 2 };

#define MAXPATCH 4096            /* patches per input (libFuzzer -max_len) */

static uint8_t *live;            /* the memfd, mapped read-write */
static uint8_t *image;           /* the good store, a private copy */
static size_t image_size;
static char live_path[64];
static uint64_t ref[NQ][STORE_MAX_LIST];
static size_t ref_n[NQ];
/* What an input changed, to undo it: offsets into live. */
static size_t dirty[8 * MAXPATCH + 4096];
static size_t ndirty;
static size_t npatch;            /* the first npatch are the patches */

/* The good image's sections (its table is trusted), for repair. */
static struct {
	uint64_t off, size;
	uint32_t crc;           /* section CRC */
	const uint8_t *blk;     /* its block CRCs in image; NULL for the last */
} orig[CONTAINER_MAX_SECTIONS];
static uint32_t norig;
static uint32_t *mark;           /* per byte of live: last seen at pass */
static uint32_t pass;
static uint32_t crc1[256];       /* CRC-32 of each one-byte message */
static size_t chg[sizeof dirty / sizeof dirty[0]];
static uint8_t *bchg;            /* per block of a section: changed */

/* The answers of st, in out/out_n; 1 when a lookup recorded damage
 * (the damage is cleared and that answer left empty). */
static int
answers(const store *st, uint64_t out[NQ][STORE_MAX_LIST], size_t out_n[NQ])
{
	enum blend_source src;
	int damaged = 0;
	size_t i;

	for (i = 0; i < NQ; i++) {
		out_n[i] = blend_recs(st, q_user[i], 6, q_last[i], q_nlast[i],
		    out[i], &src);
		if (out_n[i] > 6)
			abort();   /* more than asked */
		if (store_damage(st, NULL) != NULL) {
			store_damage_clear(st);
			out_n[i] = 0;
			damaged = 1;
		}
	}
	return damaged;
}

/* 1 when the answers of st equal ref, those of damaged lookups aside. */
static int
same_answers(const store *st)
{
	static uint64_t out[NQ][STORE_MAX_LIST];
	enum blend_source src;
	size_t i, n;

	for (i = 0; i < NQ; i++) {
		n = blend_recs(st, q_user[i], 6, q_last[i], q_nlast[i], out[i],
		    &src);
		if (store_damage(st, NULL) != NULL) {
			store_damage_clear(st);
			continue;
		}
		if (n != ref_n[i] || memcmp(out[i], ref[i], n * 8) != 0)
			return 0;
	}
	return 1;
}

/* orig[] from the good image (verified by then), mark and crc1. */
static void
load_orig(void)
{
	uint64_t bc, crc0 = 0;
	uint32_t i;
	uint8_t c;

	norig = rd32(image + 20);
	bc = rd64(image + 64 + 48 * (norig - 1) + 24);
	for (i = 0; i < norig; i++) {
		const uint8_t *ent = image + 64 + 48 * i;

		orig[i].off = rd64(ent + 24);
		orig[i].size = rd64(ent + 32);
		orig[i].crc = rd32(ent + 40);
		orig[i].blk = i + 1 < norig ? image + bc + 4 * crc0 : NULL;
		crc0 += (orig[i].size + STORE_BLOCK - 1) / STORE_BLOCK;
	}
	if ((mark = calloc(image_size, sizeof *mark)) == NULL ||
	    (bchg = malloc(image_size / STORE_BLOCK + 1)) == NULL)
		abort();
	for (i = 0; i < 256; i++) {
		c = (uint8_t)i;
		crc1[i] = (uint32_t)crc32(0, &c, 1);
	}
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
	fd = fuzz_memfile(image, image_size, live_path, sizeof live_path);
	live = mmap(NULL, image_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0);
	if (live == MAP_FAILED)
		abort();
	/* fd stays open: live_path names it. */
	if (store_open(&st, live_path, STORE_VERIFY, &e) != 0)
		abort();
	load_orig();
	for (i = 0; i < NQ; i++) {
		enum blend_source src;

		ref_n[i] = blend_recs(&st, q_user[i], 6, q_last[i],
		    q_nlast[i], ref[i], &src);
	}
	store_close(&st);
}

HARNESS static void
touch(size_t off)
{
	if (ndirty < sizeof dirty / sizeof dirty[0])
		dirty[ndirty++] = off;
	else
		abort();   /* MAXPATCH too small for -max_len */
}

/* Writes v at live[off], remembering it for the undo. */
HARNESS static void
put32(size_t off, uint32_t v)
{
	size_t k;

	for (k = 0; k < 4; k++)
		touch(off + k);
	wr32(live + off, v);
}

/* Writes crc as the CRC of block blk of a section whose first block is
 * crc0 in the "block_crc" section at bc_off; 1 when it has an entry
 * there. */
HARNESS static int
put_block(size_t bc_off, uint64_t bc_size, size_t crc0, uint64_t blk,
    uint32_t crc)
{
	if ((crc0 + blk + 1) * 4 > bc_size)
		return 0;
	put32(bc_off + (crc0 + blk) * 4, crc);
	return 1;
}

/* The CRC of block blk of the section at sec, sz bytes, as it reads. */
HARNESS static uint32_t
block_crc(const uint8_t *sec, uint64_t sz, uint64_t blk)
{
	size_t bo = blk * STORE_BLOCK;
	size_t bn = sz - bo < STORE_BLOCK ? sz - bo : STORE_BLOCK;

	return (uint32_t)crc32(0, sec + bo, (uInt)bn);
}

/* The input's patches (after its mode byte) applied, their offsets in
 * offs; how many.  *changed: whether any byte now differs. */
HARNESS static size_t
patch(const uint8_t *data, size_t size, size_t *offs, int *changed)
{
	size_t i, n = 0;

	ndirty = 0;
	for (i = 1; i + 4 <= size && n < MAXPATCH; i += 4) {
		size_t off = ((size_t)data[i] | (size_t)data[i + 1] << 8 |
		    (size_t)data[i + 2] << 16) % image_size;

		touch(off);
		offs[n++] = off;
		live[off] ^= data[i + 3] | 1;
	}
	npatch = n;
	*changed = 0;
	for (i = 0; i < n && !*changed; i++)
		*changed = live[offs[i]] != image[offs[i]];
	return n;
}

/* The input's changes undone. */
HARNESS static void
undo(void)
{
	size_t i;

	for (i = ndirty; i-- > 0;)
		live[dirty[i]] = image[dirty[i]];
}

/* The index in orig of a section at off of sz bytes, if the good image
 * has one there; -1 if not. */
HARNESS static int
orig_at(uint64_t off, uint64_t sz)
{
	uint32_t i;

	for (i = 0; i < norig; i++)
		if (orig[i].off == off && orig[i].size == sz)
			return (int)i;
	return -1;
}

/* Into chg, the offsets in [off, off + sz) where a patch left live
 * different from image, each once; how many, or SIZE_MAX past max of
 * them.  Only the patches are looked at (dirty[0..npatch)): the range
 * must be one the repair's own writes (header, "block_crc") never reach. */
HARNESS static size_t
changed_in(uint64_t off, uint64_t sz, size_t max)
{
	size_t k, p, n = 0;

	if (++pass == 0) {
		memset(mark, 0, image_size * sizeof *mark);
		pass = 1;
	}
	for (k = 0; k < npatch; k++) {
		p = dirty[k];
		if (p < off || p - off >= sz || mark[p] == pass)
			continue;
		mark[p] = pass;
		if (live[p] == image[p])
			continue;
		if (n == max)
			return SIZE_MAX;
		chg[n++] = p;
	}
	return n;
}

/*
 * crc32 of live[off, off + sz) (inside the file).  When ok, the good
 * image's same bytes sum to ref and only patches changed them (see
 * changed_in).  CRC-32 is affine, so a byte that differs at p changes
 * the CRC by the difference of its own one-byte CRCs carried over the
 * sz - 1 - (p - off) bytes after it: crc32_combine of that with the empty
 * CRC 0.  A combine costs about as much as summing 1.5 KB, so past
 * sz / 2048 changed bytes the range is summed whole.
 */
HARNESS static uint32_t
crc_range(uint64_t off, uint64_t sz, int ok, uint32_t ref)
{
	size_t n, k;

	if (!ok || (n = changed_in(off, sz, (size_t)(sz / 2048))) ==
	    SIZE_MAX)
		return (uint32_t)crc32(0, live + off, (uInt)sz);
	for (k = 0; k < n; k++)
		ref ^= (uint32_t)crc32_combine(crc1[image[chg[k]]] ^
		    crc1[live[chg[k]]], 0, (z_off_t)(off + sz - 1 - chg[k]));
	CHECK(ref, (uint32_t)crc32(0, live + off, (uInt)sz));
	return ref;
}

/* Whether [a, a + an) and [b, b + bn) overlap. */
HARNESS static int
overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/*
 * Fast mode's checksum repair, for the patches at offs[0..n): the block
 * CRC of every touched block of a section, the CRC of every touched
 * section (and of "block_crc" when a block CRC changed), then the header
 * CRC and recorded size.  A patch inside the header may change the
 * section table itself: then every CRC is recomputed (fix_crcs), blocks
 * included, over the table as it now reads.
 */
HARNESS static void
repair(const size_t *offs, size_t n)
{
	uint8_t *b = live;
	uint32_t nsec = rd32(b + 20), plen = rd32(b + 32), i, last;
	size_t hlen = 64 + 48 * (size_t)nsec + plen, k, crc0;
	int table_hit = 0, bc_dirty = 0;
	uint8_t sec_dirty[CONTAINER_MAX_SECTIONS] = {0};
	uint64_t bc_off, bc_size;

	if (nsec == 0 || nsec > CONTAINER_MAX_SECTIONS || hlen > image_size)
		return;   /* no table to repair by: left as it is */
	for (k = 0; k < n; k++)
		if (offs[k] < hlen)
			table_hit = 1;
	last = nsec - 1;
	bc_off = rd64(b + 64 + 48 * last + 24);
	bc_size = rd64(b + 64 + 48 * last + 32);
	if (bc_off > image_size || bc_size > image_size - bc_off)
		goto header;
	for (i = 0, crc0 = 0; i < last; i++) {
		uint8_t *ent = b + 64 + 48 * i;
		uint64_t off = rd64(ent + 24), sz = rd64(ent + 32), blk;

		if (off > image_size || sz > image_size - off)
			break;
		for (k = 0; k < n && !table_hit; k++) {
			if (offs[k] < off || offs[k] >= off + sz)
				continue;
			sec_dirty[i] = 1;
			blk = (offs[k] - off) / STORE_BLOCK;
			bc_dirty |= put_block(bc_off, bc_size, crc0, blk,
			    block_crc(b + off, sz, blk));
		}
		if (table_hit) {
			/* Every block; where the good image has this
			 * section and the writes here cannot reach it, the
			 * blocks with no changed byte keep their CRC. */
			int o = orig_at(off, sz), keep = 0;
			size_t m;

			if (o >= 0 && orig[o].blk != NULL &&
			    !overlap(off, sz, bc_off, bc_size) &&
			    !overlap(off, sz, 0, hlen) &&
			    (m = changed_in(off, sz, sizeof chg /
			    sizeof chg[0])) != SIZE_MAX) {
				keep = 1;
				memset(bchg, 0, (size_t)(sz / STORE_BLOCK + 1));
				for (k = 0; k < m; k++)
					bchg[(chg[k] - off) / STORE_BLOCK] = 1;
			}
			for (blk = 0; blk * STORE_BLOCK < sz; blk++) {
				uint32_t c;

				if (keep && !bchg[blk]) {
					c = rd32(orig[o].blk + 4 * blk);
					CHECK(c, block_crc(b + off, sz, blk));
				} else {
					c = block_crc(b + off, sz, blk);
				}
				(void)put_block(bc_off, bc_size, crc0, blk, c);
			}
			sec_dirty[i] = 1;
			bc_dirty = 1;
		}
		crc0 += (sz + STORE_BLOCK - 1) / STORE_BLOCK;
	}
	for (k = 0; k < n; k++)
		if (offs[k] >= bc_off && offs[k] < bc_off + bc_size)
			bc_dirty = 1;   /* a block CRC patched itself */
	if (bc_dirty)
		sec_dirty[last] = 1;
	for (i = 0; i < nsec; i++) {
		uint8_t *ent = b + 64 + 48 * i;
		uint64_t off = rd64(ent + 24), sz = rd64(ent + 32);

		if ((sec_dirty[i] || table_hit) && off <= image_size &&
		    sz <= image_size - off) {
			int o = orig_at(off, sz);

			put32((size_t)(ent + 40 - b), crc_range(off, sz,
			    o >= 0 && !overlap(off, sz, 0, hlen) &&
			    !overlap(off, sz, bc_off, bc_size),
			    o >= 0 ? orig[o].crc : 0));
		}
	}
header:
	put32(24, (uint32_t)image_size);
	put32(28, 0);
	put32(36, 0);
	put32(36, (uint32_t)crc32(0, b, (uInt)hlen));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t offs[MAXPATCH];
	static uint64_t a0[NQ][STORE_MAX_LIST], av[NQ][STORE_MAX_LIST];
	size_t a0_n[NQ], av_n[NQ];
	rs_err e = {0};
	store st;
	size_t i, n;
	int fast, changed, ok0;

	if (!ready)
		load_image();
	if (size < 1)
		return 0;
	fast = data[0] & 1;
	n = patch(data, size, offs, &changed);
	if (fast && changed)
		repair(offs, n);
	if (!fast) {
		if (store_open(&st, live_path, 0, &e) == 0) {
			if (!same_answers(&st))
				abort();   /* a wrong answer from a damaged store */
			store_close(&st);
		} else if (e.code == 0 || e.msg[0] == '\0') {
			abort();
		}
		/* Unchanged (the patches cancelled out), the file is the
		 * store load_image verified. */
		if (changed && store_open(&st, live_path, STORE_VERIFY,
		    &e) == 0) {
			if (store_damage(&st, NULL) != NULL ||
			    !same_answers(&st))
				abort();
			store_close(&st);
		}
	} else if (changed) {
		ok0 = 0;
		if (store_open(&st, live_path, 0, &e) == 0) {
			ok0 = 1;
			if (answers(&st, a0, a0_n) != 0)
				ok0 = 2;   /* damage seen by the block checks */
			store_close(&st);
		} else if (e.code == 0 || e.msg[0] == '\0') {
			abort();
		}
		if (store_open(&st, live_path, STORE_VERIFY, &e) == 0) {
			if (answers(&st, av, av_n) != 0)
				abort();   /* verified, yet damage found */
			store_close(&st);
			/* What passes the whole verification opens without
			 * it, undamaged, with the same answers. */
			if (ok0 != 1)
				abort();
			for (i = 0; i < NQ; i++)
				if (a0_n[i] != av_n[i] || memcmp(a0[i], av[i],
				    av_n[i] * 8) != 0)
					abort();
		} else if (e.code == 0 || e.msg[0] == '\0') {
			abort();
		}
	}
	undo();
	return 0;
}
