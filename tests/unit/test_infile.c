/* test_infile.c: plain and gzip input, line splitting, buffer growth, errors. */
#include <errno.h>
#include <stdint.h>

#include "infile.h"
#include "t.h"
#include "tutil.h"

/* Reads every line of path, joined with "|", into out; returns the status
 * of the last infile_line call (0 at a clean end). */
static int
all_lines(const char *path, char *out, size_t outsz, uint64_t *nlines,
    rs_err *e)
{
	infile *r = infile_open(path, e);
	char *line;
	size_t len, used = 0;
	int rc;

	out[0] = '\0';
	if (r == NULL)
		return e->code;
	while ((rc = infile_line(r, &line, &len, e)) == 1) {
		CHECK(strlen(line) == len);
		used += (size_t)snprintf(out + used, outsz - used, "%s%s",
		    used ? "|" : "", line);
		if (used >= outsz)
			used = outsz - 1;
	}
	if (nlines != NULL)
		*nlines = infile_lineno(r);
	infile_close(r);
	return rc;
}

static unsigned char *
cat2(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	unsigned char *p = malloc(alen + blen);

	memcpy(p, a, alen);
	memcpy(p + alen, b, blen);
	return p;
}

/* Writes gz bytes into a pipe: first one byte, a pause, then the rest (so
 * the reader's sniffing sees a short first read). */
struct slow_arg {
	const unsigned char *data;
	size_t len;
	int fd;
};

static void
slow_writer(void *arg)
{
	struct slow_arg *a = arg;

	if (write(a->fd, a->data, 1) != 1)
		_exit(3);
	usleep(50000);
	if (write(a->fd, a->data + 1, a->len - 1) != (ssize_t)(a->len - 1))
		_exit(3);
	close(a->fd);
}

int
main(void)
{
	rs_err e = {0};
	char out[8192];
	uint64_t n;
	size_t gzlen, gz2len;
	unsigned char *gz, *gz2, *both;
	const char *p;
	infile *r;
	char *line;
	size_t len;

	/* Plain file: empty lines kept, last line without LF returned. */
	p = t_text("plain.txt", "a\nbb\n\nccc");
	CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
	CHECK_STR(out, "a|bb||ccc");
	CHECK(n == 4);
	p = t_text("lf.txt", "a\nbb\n");
	CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
	CHECK_STR(out, "a|bb");
	CHECK(n == 2);
	p = t_text("empty.txt", "");
	CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
	CHECK_STR(out, "");
	CHECK(n == 0);
	p = t_text("onebyte.txt", "x");
	CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
	CHECK_STR(out, "x");
	p = t_text("half-magic.txt", "\x1f");
	CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
	CHECK_STR(out, "\x1f");
	p = t_text("crlf.txt", "a\r\nb\r\n");      /* CR is the caller's */
	CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
	CHECK_STR(out, "a\r|b\r");

	/* Gzip: detected by magic, not by name. */
	gz = t_gzip("x\ny\nlast", 8, &gzlen);
	p = t_file("gz-no-suffix", gz, gzlen);
	r = infile_open(p, &e);
	CHECK(r != NULL);
	CHECK(infile_line(r, &line, &len, &e) == 1 && strcmp(line, "x") == 0);
	CHECK(infile_is_gzip(r));
	CHECK(infile_line(r, &line, &len, &e) == 1 && strcmp(line, "y") == 0);
	CHECK(infile_line(r, &line, &len, &e) == 1 && strcmp(line, "last") == 0);
	CHECK(infile_line(r, &line, &len, &e) == 0);
	CHECK(infile_line(r, &line, &len, &e) == 0);      /* stays at end */
	CHECK(infile_raw_bytes(r) == gzlen);
	CHECK(infile_lineno(r) == 3);
	infile_close(r);
	p = t_text("plain2.txt", "q\n");
	r = infile_open(p, &e);
	CHECK(infile_line(r, &line, &len, &e) == 1);
	CHECK(!infile_is_gzip(r));
	infile_close(r);

	/* Multi-member gzip (cat a.gz b.gz), the boundary inside a line. */
	gz2 = t_gzip("ne\nz\n", 5, &gz2len);
	both = cat2(gz, gzlen, gz2, gz2len);
	p = t_file("two.gz", both, gzlen + gz2len);
	CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
	CHECK_STR(out, "x|y|lastne|z");
	free(both);
	/* An empty member in between is fine too. */
	{
		size_t elen;
		unsigned char *egz = t_gzip("", 0, &elen);
		unsigned char *ab = cat2(gz, gzlen, egz, elen);
		unsigned char *abc = cat2(ab, gzlen + elen, gz2, gz2len);

		p = t_file("three.gz", abc, gzlen + elen + gz2len);
		CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
		CHECK_STR(out, "x|y|lastne|z");
		p = t_file("empty.gz", egz, elen);
		CHECK(all_lines(p, out, sizeof out, &n, &e) == 0);
		CHECK(n == 0);
		free(egz);
		free(ab);
		free(abc);
	}

	/* Truncated gzip: an error, never a short read. */
	{
		size_t cut;
		int bad = 0;

		for (cut = 2; cut < gzlen; cut++) {
			char name[32];

			snprintf(name, sizeof name, "trunc%zu.gz", cut);
			p = t_file(name, gz, cut);
			memset(&e, 0, sizeof e);
			if (all_lines(p, out, sizeof out, NULL, &e) !=
			    EX_DATAERR || e.code != EX_DATAERR ||
			    strstr(e.msg, "truncated gzip input") == NULL) {
				bad++;
				fprintf(stderr, "cut %zu: %s\n", cut, e.msg);
			}
			unlink(p);
		}
		CHECK(bad == 0);
		p = t_file("trunc.gz", gz, gzlen - 3);
		all_lines(p, out, sizeof out, NULL, &e);
		CHECK(strncmp(e.msg, p, strlen(p)) == 0);
		CHECK_HAS(e.msg, ": truncated gzip input (unexpected end of "
		    "compressed data)");
		/* The second member cut short. */
		both = cat2(gz, gzlen, gz2, gz2len - 5);
		p = t_file("two-trunc.gz", both, gzlen + gz2len - 5);
		CHECK(all_lines(p, out, sizeof out, NULL, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "truncated gzip input");
		free(both);
	}

	/* Corrupt gzip: damaged data, damaged CRC, bad method, garbage
	 * after the last member. */
	{
		unsigned char *c = malloc(gzlen + 8);

		memcpy(c, gz, gzlen);
		c[gzlen - 8] ^= 0xff;         /* stored CRC-32 */
		p = t_file("crc.gz", c, gzlen);
		CHECK(all_lines(p, out, sizeof out, NULL, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "crc.gz: corrupt gzip input: incorrect data "
		    "check");
		memcpy(c, gz, gzlen);
		c[2] = 7;                     /* compression method */
		p = t_file("method.gz", c, gzlen);
		CHECK(all_lines(p, out, sizeof out, NULL, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "method.gz: corrupt gzip input: unknown "
		    "compression method");
		memcpy(c, gz, gzlen);
		memcpy(c + gzlen, "garbage!", 8);
		p = t_file("trailing.gz", c, gzlen + 8);
		CHECK(all_lines(p, out, sizeof out, NULL, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "trailing.gz: corrupt gzip input: incorrect "
		    "header check");
		memcpy(c, gz, gzlen);
		c[10] = 0xff;                 /* first deflate block header */
		c[11] = 0xff;
		p = t_file("data.gz", c, gzlen);
		CHECK(all_lines(p, out, sizeof out, NULL, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "data.gz: corrupt gzip input: ");
		free(c);
	}
	free(gz);
	free(gz2);

	/* Long lines force the buffer to grow (initial 1 MiB), plain and
	 * gzip; lines before and after stay intact. */
	{
		size_t big = 3u * 1024 * 1024 + 17, tot = big + 16, k;
		char *d = malloc(tot);
		unsigned char *z;
		size_t zlen;
		int pass;

		memcpy(d, "first\n", 6);
		for (k = 0; k < big; k++)
			d[6 + k] = (char)('a' + k % 26);
		memcpy(d + 6 + big, "\nlast\n", 6);
		tot = big + 12;
		z = t_gzip(d, tot, &zlen);
		for (pass = 0; pass < 2; pass++) {
			p = pass == 0 ? t_file("long.txt", d, tot) :
			    t_file("long.gz", z, zlen);
			r = infile_open(p, &e);
			CHECK(infile_line(r, &line, &len, &e) == 1 &&
			    strcmp(line, "first") == 0);
			CHECK(infile_line(r, &line, &len, &e) == 1 && len == big &&
			    memcmp(line, d + 6, big) == 0 && line[len] == '\0');
			CHECK(infile_line(r, &line, &len, &e) == 1 &&
			    strcmp(line, "last") == 0);
			CHECK(infile_line(r, &line, &len, &e) == 0);
			CHECK(infile_lineno(r) == 3);
			infile_close(r);
		}
		free(z);
		/* Many lines of varying length across many refills. */
		{
			size_t off = 0, i, want = 200000;
			char *m = malloc(want * 12), *got;
			int ok = 1;

			for (i = 0; i < want; i++)
				off += (size_t)sprintf(m + off, "%zu\n",
				    i * 7919 % 100003);
			z = t_gzip(m, off, &zlen);
			p = t_file("many.gz", z, zlen);
			r = infile_open(p, &e);
			for (i = 0; i < want && ok; i++) {
				char exp[24];

				snprintf(exp, sizeof exp, "%zu",
				    i * 7919 % 100003);
				got = NULL;
				ok = infile_line(r, &got, &len, &e) == 1 &&
				    strcmp(got, exp) == 0;
			}
			CHECK(ok && infile_line(r, &got, &len, &e) == 0);
			infile_close(r);
			free(z);
			free(m);
		}
		free(d);
	}

	/* A line longer than 64 MiB is refused as bad data. */
	{
		size_t huge = 64u * 1024 * 1024 + 10;
		char *d = malloc(huge);
		unsigned char *z;
		size_t zlen;

		memset(d, 'x', huge);
		z = t_gzip(d, huge, &zlen);
		free(d);
		p = t_file("huge.gz", z, zlen);
		free(z);
		CHECK(all_lines(p, out, sizeof out, NULL, &e) == EX_DATAERR);
		CHECK_HAS(e.msg, "huge.gz:1: line longer than 67108864 bytes");
		unlink(p);
	}

	/* Cannot open: EX_NOINPUT naming the file and the reason. */
	memset(&e, 0, sizeof e);
	CHECK(infile_open(t_path("absent.csv"), &e) == NULL);
	CHECK(e.code == EX_NOINPUT);
	CHECK_HAS(e.msg, "absent.csv: No such file or directory");
	/* A directory opens but cannot be read: EX_IOERR. */
	r = infile_open(t_dir(), &e);
	CHECK(r != NULL);
	CHECK(infile_line(r, &line, &len, &e) == EX_IOERR);
	CHECK_HAS(e.msg, ": read: Is a directory");
	infile_close(r);
	infile_close(NULL);

	/* infile_peek shows bytes without consuming them. */
	{
		const char *pk;
		long got;

		p = t_text("peek.txt", "hello\nworld\n");
		r = infile_open(p, &e);
		got = infile_peek(r, 3, &pk, &e);
		CHECK(got >= 3 && memcmp(pk, "hel", 3) == 0);
		got = infile_peek(r, 1000, &pk, &e);   /* more than there is */
		CHECK(got == 12 && memcmp(pk, "hello\nworld\n", 12) == 0);
		CHECK(infile_line(r, &line, &len, &e) == 1 &&
		    strcmp(line, "hello") == 0);
		got = infile_peek(r, 2, &pk, &e);
		CHECK(got == 6 && memcmp(pk, "world\n", 6) == 0);
		CHECK(infile_line(r, &line, &len, &e) == 1 &&
		    strcmp(line, "world") == 0);
		CHECK(infile_peek(r, 1, &pk, &e) == 0);
		infile_close(r);
		/* through gzip */
		gz = t_gzip("\x89RSC binary", 11, &gzlen);
		p = t_file("peek.gz", gz, gzlen);
		free(gz);
		r = infile_open(p, &e);
		CHECK(infile_peek(r, 4, &pk, &e) >= 4 &&
		    memcmp(pk, "\x89RSC", 4) == 0);
		CHECK(infile_is_gzip(r));
		infile_close(r);
		/* a peek error: truncated gzip */
		gz = t_gzip("abcdefgh", 8, &gzlen);
		p = t_file("peek-trunc.gz", gz, gzlen - 6);
		free(gz);
		r = infile_open(p, &e);
		CHECK(infile_peek(r, 100, &pk, &e) < 0);
		CHECK_HAS(e.msg, "truncated gzip input");
		infile_close(r);
	}

	/* infile_read: raw decoded bytes in pieces. */
	{
		unsigned char bin[5000], back[5000];
		long got;
		size_t k;

		for (k = 0; k < sizeof bin; k++)
			bin[k] = (unsigned char)(k * 31 + 7);
		gz = t_gzip(bin, sizeof bin, &gzlen);
		p = t_file("bin.gz", gz, gzlen);
		free(gz);
		r = infile_open(p, &e);
		got = infile_read(r, back, 1000, &e);
		CHECK(got == 1000);
		got = infile_read(r, back + 1000, 9000, &e);
		CHECK(got == 4000);
		CHECK(memcmp(bin, back, sizeof bin) == 0);
		CHECK(infile_read(r, back, 10, &e) == 0);
		infile_close(r);
	}

	/* Standard input: "-" and NULL, shown as <stdin>. */
	{
		int saved = dup(0), fd;

		p = t_text("stdin.txt", "s1\ns2\n");
		fd = open(p, O_RDONLY);
		dup2(fd, 0);
		close(fd);
		r = infile_open("-", &e);
		CHECK_STR(infile_name(r), "<stdin>");
		CHECK(infile_line(r, &line, &len, &e) == 1 &&
		    strcmp(line, "s1") == 0);
		infile_close(r);       /* does not close fd 0 */
		r = infile_open(NULL, &e);
		CHECK_STR(infile_name(r), "<stdin>");
		CHECK(fcntl(0, F_GETFD) != -1);
		infile_close(r);
		dup2(saved, 0);
		close(saved);
	}

	/* A pipe whose first read returns one byte: gzip still detected. */
	{
		int pfd[2];
		struct slow_arg a;
		pid_t pid;

		gz = t_gzip("p1\np2\n", 6, &gzlen);
		CHECK(pipe(pfd) == 0);
		a.data = gz;
		a.len = gzlen;
		a.fd = pfd[1];
		pid = fork();
		if (pid == 0) {
			close(pfd[0]);
			slow_writer(&a);
			_exit(0);
		}
		close(pfd[1]);
		{
			int saved = dup(0);

			dup2(pfd[0], 0);
			close(pfd[0]);
			r = infile_open("-", &e);
			CHECK(infile_line(r, &line, &len, &e) == 1 &&
			    strcmp(line, "p1") == 0);
			CHECK(infile_is_gzip(r));
			CHECK(infile_line(r, &line, &len, &e) == 1 &&
			    strcmp(line, "p2") == 0);
			CHECK(infile_line(r, &line, &len, &e) == 0);
			infile_close(r);
			dup2(saved, 0);
			close(saved);
		}
		waitpid(pid, NULL, 0);
		free(gz);
	}

	/* A small file gets small buffers: a gzip file of a few hundred
	 * bytes that decodes to 3 MB of lines, and a small plain file whose
	 * one line is longer than its first buffer, still read whole. */
	{
		size_t big = 3000000, k, got = 0, lines = 0;
		char *text = malloc(big), *lng = malloc(20001);

		for (k = 0; k < big; k++)
			text[k] = k % 100 == 99 ? '\n' : 'a';
		gz = t_gzip(text, big, &gzlen);
		CHECK(gzlen < 64 * 1024);
		p = t_file("small-but-big.gz", gz, gzlen);
		r = infile_open(p, &e);
		while (infile_line(r, &line, &len, &e) == 1) {
			got += len + 1;
			lines += len == 99;
		}
		CHECK(got == big && lines == big / 100);
		infile_close(r);
		free(gz);
		memset(lng, 'b', 20000);
		lng[20000] = '\0';
		p = t_text("one-long-line.txt", lng);
		CHECK(all_lines(p, out, sizeof out, &n, &e) == 0 && n == 1);
		CHECK(strlen(out) == sizeof out - 1);
		r = infile_open(p, &e);
		CHECK(infile_line(r, &line, &len, &e) == 1 && len == 20000 &&
		    line[19999] == 'b');
		infile_close(r);
		free(text);
		free(lng);
	}
	return t_done();
}
