/* test_container.c: the binary container: byte layout, round trip, parameters,
 * and every corruption the loader must name. */
#include <stdint.h>

#include "container.h"
#include "t.h"
#include "tutil.h"
#include "util.h"


/* Recomputes the header CRC after an edit, as a careful forger would, so
 * that the checks behind it are reached. */
static void
fix_hcrc(unsigned char *b)
{
	size_t hlen = 64 + 48 * (size_t)util_le_get32(b + 20) + util_le_get32(b + 32);

	util_le_put32(b + 36, 0);
	util_le_put32(b + 36, (uint32_t)crc32(0, b, (uInt)hlen));
}

static const unsigned char sec_a[5] = {1, 2, 3, 4, 5};
static uint64_t sec_b[100];

/* Writes the reference container: kind "testkind" v3, params, sections
 * "a" (5 bytes), "empty" (0 bytes), "b" (800 bytes). */
static const char *
write_ref(const char *name)
{
	rs_err e = {0};
	container_writer *w = container_writer_new("testkind", 3);
	const char *p = t_path(name);
	size_t i;

	for (i = 0; i < 100; i++)
		sec_b[i] = (uint64_t)i * 0x0101010101010101ULL;
	CHECK(container_writer_param(w, "rows", "%d", 100) == 0);
	CHECK(container_writer_param(w, "alpha", "%g", 0.25) == 0);
	CHECK(container_writer_param(w, "seed.name-x_1", "%s", "text with = and spaces")
	    == 0);
	CHECK(container_writer_section(w, "a", sec_a, sizeof sec_a) == 0);
	CHECK(container_writer_section(w, "empty", NULL, 0) == 0);
	CHECK(container_writer_section(w, "b", sec_b, sizeof sec_b) == 0);
	CHECK(container_writer_write(w, p, &e) == 0);
	container_writer_free(w);
	return p;
}

/* Loads path's bytes, lets edit change them, writes them to a new file and
 * returns container_open's status (message in e). */
static int
open_edited(const char *src, const char *name, void (*edit)(unsigned char *,
    size_t *), const char *kind, uint32_t version, int flags, rs_err *e)
{
	size_t len;
	char *b = t_slurp(src, &len);
	unsigned char *buf = malloc(len + 4096);
	container c;
	int rc;

	memcpy(buf, b, len);
	memset(buf + len, 0, 4096);
	free(b);
	edit(buf, &len);
	rc = container_open(&c, t_file(name, buf, len), kind, version, flags, e);
	free(buf);
	if (rc == 0)
		container_close(&c);
	else
		CHECK(c.base == NULL && c.path == NULL);   /* cleaned up */
	return rc;
}

/* The message after "path: ". */
static const char *
why(const rs_err *e, const char *name)
{
	const char *p = t_path(name);
	size_t n = strlen(p);

	if (strncmp(e->msg, p, n) == 0 && e->msg[n] == ':' &&
	    e->msg[n + 1] == ' ')
		return e->msg + n + 2;
	return e->msg;
}

static void ed_none(unsigned char *b, size_t *n) { (void)b; (void)n; }
static void ed_magic(unsigned char *b, size_t *n) { (void)n; b[1] = 'X'; }
static void ed_short(unsigned char *b, size_t *n) { (void)b; *n = 40; }
static void ed_cut(unsigned char *b, size_t *n) { (void)b; *n -= 1; }
static void ed_extend(unsigned char *b, size_t *n) { (void)b; *n += 64; }
static void ed_version(unsigned char *b, size_t *n)
{
	(void)n;
	util_le_put32(b + 16, 4);
	fix_hcrc(b);
}
static void ed_param(unsigned char *b, size_t *n)
{
	(void)n;
	b[64 + 48 * 3 + 1] ^= 1;   /* a byte of the parameter text */
}
static void ed_table(unsigned char *b, size_t *n)
{
	(void)n;
	b[64 + 48 * 2 + 40] ^= 1;  /* the stored CRC of section "b" */
}
static void ed_data(unsigned char *b, size_t *n)
{
	b[*n - 1] ^= 0x80;          /* the last byte of section "b" */
}
static void ed_nsec(unsigned char *b, size_t *n)
{
	(void)n;
	util_le_put32(b + 20, 65);
}
static void ed_plen(unsigned char *b, size_t *n)
{
	(void)n;
	util_le_put32(b + 32, 1u << 20);
}
static void ed_misalign(unsigned char *b, size_t *n)
{
	unsigned char *ent = b + 64 + 48 * 2;   /* "b" */

	(void)n;
	util_le_put64(ent + 24, util_le_get64(ent + 24) + 8);
	fix_hcrc(b);
}
static void ed_past_end(unsigned char *b, size_t *n)
{
	unsigned char *ent = b + 64 + 48 * 2;

	(void)n;
	util_le_put64(ent + 32, util_le_get64(ent + 32) + 1);
	fix_hcrc(b);
}
static void ed_huge(unsigned char *b, size_t *n)
{
	unsigned char *ent = b + 64 + 48 * 2;

	(void)n;
	util_le_put64(ent + 32, UINT64_MAX - 63);   /* off + size would wrap */
	fix_hcrc(b);
}
static void ed_offset_far(unsigned char *b, size_t *n)
{
	unsigned char *ent = b + 64 + 48 * 2;

	(void)n;
	util_le_put64(ent + 24, (uint64_t)1 << 62);
	fix_hcrc(b);
}
static void ed_overlap(unsigned char *b, size_t *n)
{
	unsigned char *ent = b + 64 + 48 * 2;   /* "b" back onto "a" */

	(void)n;
	util_le_put64(ent + 24, util_le_get64(b + 64 + 24));
	fix_hcrc(b);
}
static void ed_inside_header(unsigned char *b, size_t *n)
{
	unsigned char *ent = b + 64;            /* "a" at offset 0 */

	(void)n;
	util_le_put64(ent + 24, 0);
	fix_hcrc(b);
}
static void ed_name(unsigned char *b, size_t *n)
{
	(void)n;
	memset(b + 64, 'n', 24);
	fix_hcrc(b);
}

int
main(void)
{
	rs_err e = {0};
	container c;
	char ref[1024];
	size_t len;
	unsigned char *b;
	char buf[128];

	/* t_path's buffers rotate: keep a copy of this one. */
	snprintf(ref, sizeof ref, "%s", write_ref("ref.container"));
	b = (unsigned char *)t_slurp(ref, &len);

	/* The byte layout, as recsys-container(5) specifies it. */
	CHECK(memcmp(b, "\x89RSC\r\n\x1a\n", 8) == 0);
	CHECK(memcmp(b + 8, "testkind", 8) == 0);
	CHECK(util_le_get32(b + 16) == 3);
	CHECK(util_le_get32(b + 20) == 3);
	CHECK(util_le_get64(b + 24) == len);
	{
		static const char params[] = "rows=100\nalpha=0.25\n"
		    "seed.name-x_1=text with = and spaces\n";
		size_t plen = sizeof params - 1, hlen = 64 + 48 * 3 + plen, k;
		unsigned char z[64] = {0};
		unsigned char *h = malloc(hlen);

		CHECK(util_le_get32(b + 32) == plen);
		CHECK(memcmp(b + 64 + 48 * 3, params, plen) == 0);
		CHECK(memcmp(b + 40, z, 24) == 0);       /* reserved */
		memcpy(h, b, hlen);
		util_le_put32(h + 36, 0);
		CHECK(util_le_get32(b + 36) == (uint32_t)crc32(0, h, (uInt)hlen));
		free(h);
		/* Section table: names, 64-aligned offsets in order, sizes,
		 * CRCs, zero padding, file ends with the last section. */
		CHECK(strcmp((char *)b + 64, "a") == 0);
		CHECK(strcmp((char *)b + 64 + 48, "empty") == 0);
		CHECK(strcmp((char *)b + 64 + 96, "b") == 0);
		CHECK(util_le_get64(b + 64 + 24) == 320);   /* align64(64+144+57) */
		CHECK(util_le_get64(b + 64 + 32) == 5);
		CHECK(util_le_get32(b + 64 + 40) == (uint32_t)crc32(0, sec_a, 5));
		CHECK(util_le_get32(b + 64 + 44) == 0);
		CHECK(util_le_get64(b + 64 + 48 + 24) == 384);
		CHECK(util_le_get64(b + 64 + 48 + 32) == 0);
		CHECK(util_le_get32(b + 64 + 48 + 40) == 0);  /* CRC-32 of nothing */
		CHECK(util_le_get64(b + 64 + 96 + 24) == 384);
		CHECK(util_le_get64(b + 64 + 96 + 32) == 800);
		CHECK(len == 384 + 800);
		CHECK(memcmp(b + 320, sec_a, 5) == 0);
		CHECK(memcmp(b + 384, sec_b, 800) == 0);
		for (k = 64 + 48 * 3 + plen; k < 320; k++)
			if (b[k] != 0)
				break;
		CHECK(k == 320);
		for (k = 325; k < 384; k++)
			if (b[k] != 0)
				break;
		CHECK(k == 384);
	}

	/* Round trip. */
	CHECK(container_open(&c, ref, "testkind", 3, CONTAINER_VERIFY, &e) == 0);
	{
		size_t sz;
		const unsigned char *s = container_section(&c, "a", &sz);
		const void *arr;
		size_t n;
		uint64_t u;
		double dv;

		CHECK(s != NULL && sz == 5 && memcmp(s, sec_a, 5) == 0);
		CHECK(((uintptr_t)container_section(&c, "b", &sz) & 63) == 0);
		CHECK(sz == 800);
		CHECK(container_section(&c, "empty", &sz) != NULL && sz == 0);
		CHECK(container_section(&c, "nope", &sz) == NULL);
		CHECK(container_section(&c, "", NULL) == NULL);
		CHECK(strcmp(c.kind, "testkind") == 0 && c.version == 3);
		CHECK(c.nsec == 3 && c.size == len);
		CHECK(container_array(&c, "b", 8, 100, &arr, &n, &e) == 0);
		CHECK(n == 100 && memcmp(arr, sec_b, 800) == 0);
		CHECK(container_array(&c, "b", 8, SIZE_MAX, &arr, &n, &e) == 0 &&
		    n == 100);
		CHECK(container_array(&c, "b", 8, 99, &arr, &n, &e) == EX_DATAERR);
		CHECK_STR(why(&e, "ref.container"), "section \"b\" has 800 bytes, "
		    "expected 99 elements of 8 bytes");
		CHECK(container_array(&c, "a", 4, SIZE_MAX, &arr, &n, &e) ==
		    EX_DATAERR);
		CHECK_STR(why(&e, "ref.container"), "section \"a\" has 5 bytes, "
		    "expected 1 elements of 4 bytes");
		CHECK(container_array(&c, "zz", 4, SIZE_MAX, &arr, &n, &e) ==
		    EX_DATAERR);
		CHECK_STR(why(&e, "ref.container"), "section \"zz\" missing");
		/* Parameters. */
		CHECK(container_param(&c, "rows", buf, sizeof buf) == 0);
		CHECK_STR(buf, "100");
		CHECK(container_param(&c, "seed.name-x_1", buf, sizeof buf) == 0);
		CHECK_STR(buf, "text with = and spaces");
		CHECK(container_param(&c, "row", buf, sizeof buf) == -1);
		CHECK(container_param(&c, "rowsx", buf, sizeof buf) == -1);
		CHECK(container_param(&c, "rows", buf, 3) == -1);  /* too long */
		CHECK(container_param(&c, "rows", buf, 4) == 0);
		CHECK(container_param_u64(&c, "rows", &u, &e) == 0 && u == 100);
		CHECK(container_param_double(&c, "alpha", &dv, &e) == 0 &&
		    dv == 0.25);
		CHECK(container_param_u64(&c, "alpha", &u, &e) == EX_DATAERR);
		CHECK_STR(why(&e, "ref.container"), "parameter alpha=\"0.25\": not a "
		    "number");
		CHECK(container_param_u64(&c, "beta", &u, &e) == EX_DATAERR);
		CHECK_STR(why(&e, "ref.container"), "parameter \"beta\" missing");
		CHECK(container_param_double(&c, "seed.name-x_1", &dv, &e) ==
		    EX_DATAERR);
		CHECK_STR(why(&e, "ref.container"), "parameter seed.name-x_1=\"text "
		    "with = and spaces\": not a number");
		CHECK(container_param_double(&c, "gamma", &dv, &e) == EX_DATAERR);
		CHECK_STR(why(&e, "ref.container"), "parameter \"gamma\" missing");
		container_id(&c, buf);
		CHECK(strlen(buf) == 14 && strncmp(buf, "crc32:", 6) == 0);
		snprintf(buf + 32, 32, "crc32:%08x", util_le_get32(b + 36));
		CHECK_STR(buf, buf + 32);
		CHECK(container_verify(&c, &e) == 0);
	}
	container_close(&c);
	/* kind NULL accepts any kind and version. */
	CHECK(container_open(&c, ref, NULL, 0, 0, &e) == 0);
	CHECK_STR(c.kind, "testkind");
	container_close(&c);

	/* Every corruption, with its exact message. */
#define BAD(name, edit, kind, ver, flags, msg) do { \
		memset(&e, 0, sizeof e); \
		CHECK(open_edited(ref, name, edit, kind, ver, flags, &e) == \
		    EX_DATAERR); \
		CHECK(e.code == EX_DATAERR); \
		CHECK_STR(why(&e, name), msg); \
	} while (0)
	CHECK(open_edited(ref, "same.container", ed_none, "testkind", 3, CONTAINER_VERIFY,
	    &e) == 0);
	BAD("magic.container", ed_magic, "testkind", 3, 0,
	    "not a recsys-ecom container (bad magic)");
	BAD("kind.container", ed_none, "matrix", 1, 0,
	    "container of kind \"testkind\", expected \"matrix\"");
	BAD("version.container", ed_none, "testkind", 2, 0,
	    "testkind version 3, this program reads version 2");
	BAD("version4.container", ed_version, "testkind", 3, 0,
	    "testkind version 4, this program reads version 3");
	BAD("short.container", ed_short, "testkind", 3, 0,
	    "too short for a container (40 bytes, truncated?)");
	BAD("cut.container", ed_cut, "testkind", 3, 0,
	    "size 1183 bytes, header says 1184 (truncated or extended)");
	BAD("extended.container", ed_extend, "testkind", 3, 0,
	    "size 1248 bytes, header says 1184 (truncated or extended)");
	BAD("hcrc.container", ed_param, "testkind", 3, 0,
	    "header checksum mismatch (corrupt)");
	BAD("hcrc2.container", ed_table, "testkind", 3, 0,
	    "header checksum mismatch (corrupt)");
	BAD("nsec.container", ed_nsec, "testkind", 3, 0,
	    "65 sections (at most 64)");
	BAD("plen.container", ed_plen, "testkind", 3, 0,
	    "header runs past the end of the file");
	BAD("misalign.container", ed_misalign, "testkind", 3, 0,
	    "section \"b\": offset 392 size 800 out of bounds or misaligned");
	BAD("pastend.container", ed_past_end, "testkind", 3, 0,
	    "section \"b\": offset 384 size 801 out of bounds or misaligned");
	BAD("huge.container", ed_huge, "testkind", 3, 0,
	    "section \"b\": offset 384 size 18446744073709551552 out of bounds "
	    "or misaligned");
	BAD("far.container", ed_offset_far, "testkind", 3, 0,
	    "section \"b\": offset 4611686018427387904 size 800 out of bounds "
	    "or misaligned");
	BAD("overlap.container", ed_overlap, "testkind", 3, 0,
	    "section \"b\": offset 320 size 800 out of bounds or misaligned");
	BAD("inhdr.container", ed_inside_header, "testkind", 3, 0,
	    "section \"a\": offset 0 size 5 out of bounds or misaligned");
	BAD("name.container", ed_name, "testkind", 3, 0,
	    "section 0: name not terminated");
	/* Section data: only CONTAINER_VERIFY (or container_verify) reads it. */
	BAD("data.container", ed_data, "testkind", 3, CONTAINER_VERIFY,
	    "section \"b\": checksum mismatch (corrupt)");
	CHECK(open_edited(ref, "data2.container", ed_data, "testkind", 3, 0, &e) ==
	    0);
	CHECK(container_open(&c, t_path("data2.container"), "testkind", 3, 0, &e) == 0);
	CHECK(container_verify(&c, &e) == EX_DATAERR);
	CHECK_STR(why(&e, "data2.container"),
	    "section \"b\": checksum mismatch (corrupt)");
	container_close(&c);

	/* Not a container at all. */
	CHECK(container_open(&c, t_path("absent.container"), NULL, 0, 0, &e) ==
	    EX_NOINPUT);
	CHECK_STR(why(&e, "absent.container"), "No such file or directory");
	mkdir(t_path("adir"), 0700);
	CHECK(container_open(&c, t_path("adir"), NULL, 0, 0, &e) == EX_DATAERR);
	CHECK_STR(why(&e, "adir"), "not a regular file");
	CHECK(container_open(&c, t_text("empty.container", ""), NULL, 0, 0, &e) ==
	    EX_DATAERR);
	CHECK_STR(why(&e, "empty.container"),
	    "too short for a container (0 bytes, truncated?)");
	{
		char text[200];

		memset(text, 'x', sizeof text - 1);
		text[sizeof text - 1] = '\0';
		CHECK(container_open(&c, t_text("text.container", text), NULL, 0, 0, &e) ==
		    EX_DATAERR);
		CHECK_STR(why(&e, "text.container"),
		    "not a recsys-ecom container (bad magic)");
	}
	free(b);

	/* A container with no sections and no parameters: just a header. */
	{
		container_writer *w = container_writer_new("k", 1);

		CHECK(container_writer_write(w, t_path("bare.container"), &e) == 0);
		container_writer_free(w);
		CHECK(container_open(&c, t_path("bare.container"), "k", 1, CONTAINER_VERIFY,
		    &e) == 0);
		CHECK(c.size == 64 && c.nsec == 0 && c.params_len == 0);
		CHECK(container_param(&c, "x", buf, sizeof buf) == -1);
		container_close(&c);
	}

	/* Writer misuse is reported at write time as an internal error. */
	{
		static const char *const cases[] = {
			"kind", "key", "value", "name", "null", "count"
		};
		size_t k, i;

		for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			container_writer *w = container_writer_new(k == 0 ? "ninechars" : "k", 1);

			if (k == 1)
				CHECK(container_writer_param(w, "bad key", "1") == -1);
			if (k == 2)
				CHECK(container_writer_param(w, "k", "a\nb") == -1);
			if (k == 3)
				CHECK(container_writer_section(w,
				    "a-name-of-24-characters!", sec_a, 5) ==
				    -1);
			if (k == 4)
				CHECK(container_writer_section(w, "n", NULL, 5) == -1);
			if (k == 5) {
				for (i = 0; i < CONTAINER_MAX_SECTIONS; i++)
					CHECK(container_writer_section(w, "s", sec_a, 1) ==
					    0);
				CHECK(container_writer_section(w, "s", sec_a, 1) == -1);
			}
			CHECK(container_writer_write(w, t_path("misuse.container"), &e) ==
			    EX_SOFTWARE);
			CHECK_STR(why(&e, "misuse.container"), "bad container "
			    "parameters or sections (internal error)");
			CHECK(access(t_path("misuse.container"), F_OK) != 0);
			container_writer_free(w);
		}
		{
			container_writer *w = container_writer_new("k", 1);

			CHECK(container_writer_param(w, "", "1") == -1);   /* empty key */
			CHECK(container_writer_write(w, t_path("misuse.container"), &e) ==
			    EX_SOFTWARE);
			container_writer_free(w);
		}
	}
	/* A writer that cannot create its output. */
	{
		container_writer *w = container_writer_new("k", 1);

		CHECK(container_writer_write(w, t_path("nodir/x.container"), &e) ==
		    EX_CANTCREAT);
		CHECK_HAS(e.msg, "nodir/x.container: cannot create: No such file");
		container_writer_free(w);
	}
	/* An 8-character kind fills its field without a NUL. */
	{
		container_writer *w = container_writer_new("alsmodel", 2);

		CHECK(container_writer_write(w, t_path("k8.container"), &e) == 0);
		container_writer_free(w);
		CHECK(container_open(&c, t_path("k8.container"), "alsmodel", 2, 0, &e) ==
		    0);
		CHECK_STR(c.kind, "alsmodel");
		container_close(&c);
	}
	return t_done();
}
