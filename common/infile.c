/* infile.c: see infile.h.  One refillable buffer of decoded bytes over read(2) or
 * zlib's inflate; lines are found with memchr over the buffer. */
#include "infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define INFILE_RAWSZ  (256u * 1024)
#define INFILE_BUFSZ  (1024u * 1024)
#define INFILE_MINSZ  (4u * 1024)
#define INFILE_MAXLINE (64u * 1024 * 1024)

struct infile {
	int fd;
	int own_fd;
	char *name;
	uint64_t lineno;
	uint64_t raw_bytes;
	/* decoded bytes: buf[pos..end) not yet consumed */
	char *buf;
	size_t cap, pos, end;
	int eof;                 /* no more decoded bytes will come */
	int sniffed;
	/* gzip state */
	int gz;
	z_stream zs;
	unsigned char *raw;
	size_t rawsz;            /* size of raw */
	size_t raw_len;          /* valid bytes in raw starting at zs.next_in */
	int raw_eof;
	int member_done;         /* inflate saw Z_STREAM_END of a member */
	int failed;              /* a read or decode error happened */
};

static int
read_fd(infile *r, void *buf, size_t n, rs_err *e)
{
	ssize_t got;

	for (;;) {
		got = read(r->fd, buf, n);
		if (got >= 0)
			break;
		if (errno != EINTR)
			return -rs_errf(e, EX_IOERR, "%s: read: %s", r->name,
			    strerror(errno));
	}
	r->raw_bytes += (uint64_t)got;
	return (int)got;
}

/*
 * A regular file smaller than the buffers gets buffers just big enough
 * (a power of two, at least INFILE_MINSZ): a small file costs no
 * megabyte-sized allocation.  The decoded buffer still grows when a line
 * needs it, and a gzip file is decoded in as many fills as it takes.
 */
static void
size_buffers(infile *r)
{
	struct stat sb;
	size_t want = INFILE_MINSZ;

	r->cap = INFILE_BUFSZ;
	r->rawsz = INFILE_RAWSZ;
	if (fstat(r->fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size >= (off_t)INFILE_BUFSZ)
		return;
	while (want <= (size_t)sb.st_size)
		want *= 2;
	r->cap = want;
	if (want < r->rawsz)
		r->rawsz = want;
}

infile *
infile_open(const char *path, rs_err *e)
{
	infile *r = calloc(1, sizeof *r);

	if (r == NULL) {
		rs_oom(e);
		return NULL;
	}
	if (path == NULL || strcmp(path, "-") == 0) {
		r->fd = STDIN_FILENO;
		r->name = strdup("<stdin>");
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		r->own_fd = 1;
		r->name = strdup(path);
		if (r->fd < 0) {
			rs_errf(e, EX_NOINPUT, "%s: %s", path, strerror(errno));
			free(r->name);
			free(r);
			return NULL;
		}
	}
	size_buffers(r);
	r->buf = malloc(r->cap + 1 + INFILE_PAD);
	r->raw = malloc(r->rawsz);
	if (r->name == NULL || r->buf == NULL || r->raw == NULL) {
		rs_oom(e);
		infile_close(r);
		return NULL;
	}
	return r;
}

void
infile_close(infile *r)
{
	if (r == NULL)
		return;
	if (r->gz)
		inflateEnd(&r->zs);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->name);
	free(r->buf);
	free(r->raw);
	free(r);
}

const char *
infile_name(const infile *r)
{
	return r->name;
}

uint64_t
infile_lineno(const infile *r)
{
	return r->lineno;
}

uint64_t
infile_raw_bytes(const infile *r)
{
	return r->raw_bytes;
}

int
infile_is_gzip(const infile *r)
{
	return r->gz;
}

/* Reads the first raw bytes and decides whether the input is gzip. */
static int
sniff(infile *r, rs_err *e)
{
	int got;

	r->sniffed = 1;
	while (r->raw_len < 2) {
		got = read_fd(r, r->raw + r->raw_len, r->rawsz - r->raw_len, e);
		if (got < 0)
			return -1;
		if (got == 0) {
			r->raw_eof = 1;
			break;
		}
		r->raw_len += (size_t)got;
	}
	if (r->raw_len >= 2 && r->raw[0] == 0x1f && r->raw[1] == 0x8b) {
		memset(&r->zs, 0, sizeof r->zs);
		if (inflateInit2(&r->zs, 15 + 16) != Z_OK)
			return -rs_errf(e, EX_SOFTWARE, "%s: zlib init failed",
			    r->name);
		r->gz = 1;
		r->zs.next_in = r->raw;
		r->zs.avail_in = (uInt)r->raw_len;
	}
	return 0;
}

/* Appends decoded bytes after buf[end]; returns bytes added, 0 at end. */
static long
fill_buf(infile *r, rs_err *e)
{
	size_t room;
	int got;

	if (!r->sniffed && sniff(r, e) < 0)
		return -1;
	if (r->eof)
		return 0;
	/* Make room: slide unconsumed bytes to the front, then grow. */
	if (r->pos > 0 && (r->end == r->cap || r->pos > r->cap / 2)) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end == r->cap) {
		char *nb;

		if (r->cap >= INFILE_MAXLINE)
			return -rs_errf(e, EX_DATAERR, "%s:%llu: line longer "
			    "than %u bytes", r->name,
			    (unsigned long long)r->lineno + 1, INFILE_MAXLINE);
		nb = realloc(r->buf, r->cap * 2 + 1 + INFILE_PAD);
		if (nb == NULL)
			return -rs_oom(e);
		r->buf = nb;
		r->cap *= 2;
	}
	room = r->cap - r->end;
	if (!r->gz) {
		if (r->raw_len > 0) {       /* bytes read while sniffing */
			size_t n = r->raw_len < room ? r->raw_len : room;

			memcpy(r->buf + r->end, r->raw, n);
			memmove(r->raw, r->raw + n, r->raw_len - n);
			r->raw_len -= n;
			r->end += n;
			return (long)n;
		}
		if (r->raw_eof) {
			r->eof = 1;
			return 0;
		}
		got = read_fd(r, r->buf + r->end, room, e);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = 1;
		r->end += (size_t)got;
		return got;
	}
	for (;;) {
		int zr;
		size_t before;

		if (r->zs.avail_in == 0 && !r->raw_eof) {
			got = read_fd(r, r->raw, r->rawsz, e);
			if (got < 0)
				return -1;
			if (got == 0)
				r->raw_eof = 1;
			r->zs.next_in = r->raw;
			r->zs.avail_in = (uInt)got;
		}
		if (r->member_done) {
			/* Another member follows, or the input ends cleanly. */
			if (r->zs.avail_in == 0 && r->raw_eof) {
				r->eof = 1;
				return 0;
			}
			if (r->zs.avail_in == 0)
				continue;
			if (inflateReset(&r->zs) != Z_OK)
				return -rs_errf(e, EX_SOFTWARE, "%s: zlib reset",
				    r->name);
			r->member_done = 0;
		}
		r->zs.next_out = (Bytef *)r->buf + r->end;
		r->zs.avail_out = (uInt)room;
		before = room;
		zr = inflate(&r->zs, Z_NO_FLUSH);
		r->end += before - r->zs.avail_out;
		if (zr == Z_STREAM_END) {
			r->member_done = 1;
		} else if (zr == Z_BUF_ERROR && r->zs.avail_in == 0 &&
		    r->raw_eof) {
			return -rs_errf(e, EX_DATAERR, "%s: truncated gzip "
			    "input (unexpected end of compressed data)",
			    r->name);
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return -rs_errf(e, EX_DATAERR, "%s: corrupt gzip "
			    "input: %s", r->name,
			    r->zs.msg != NULL ? r->zs.msg : "inflate failed");
		}
		if (before != r->zs.avail_out)
			return (long)(before - r->zs.avail_out);
		if (r->zs.avail_in == 0 && r->raw_eof && !r->member_done)
			return -rs_errf(e, EX_DATAERR, "%s: truncated gzip "
			    "input (unexpected end of compressed data)",
			    r->name);
	}
}

/* fill_buf, remembering a failure for infile_failed(). */
static long
fill(infile *r, rs_err *e)
{
	long got = fill_buf(r, e);

	if (got < 0)
		r->failed = 1;
	return got;
}

int
infile_failed(const infile *r)
{
	return r->failed;
}

int
infile_line(infile *r, char **line, size_t *len, rs_err *e)
{
	size_t scan = r->pos;

	for (;;) {
		char *nl = memchr(r->buf + scan, '\n', r->end - scan);
		long got;

		if (nl != NULL) {
			*line = r->buf + r->pos;
			*len = (size_t)(nl - *line);
			*nl = '\0';
			r->pos = (size_t)(nl - r->buf) + 1;
			r->lineno++;
			return 1;
		}
		scan = r->end - r->pos;   /* offset already scanned */
		got = fill(r, e);
		if (got < 0)
			return e != NULL && e->code ? e->code : EX_IOERR;
		scan += r->pos;
		if (got == 0) {
			if (r->pos == r->end)
				return 0;
			*line = r->buf + r->pos;
			*len = r->end - r->pos;
			r->buf[r->end] = '\0';
			r->pos = r->end;
			r->lineno++;
			return 1;
		}
	}
}

long
infile_lines(infile *r, char **p, rs_err *e)
{
	size_t scan = r->pos;

	for (;;) {
		char *nl = memrchr(r->buf + scan, '\n', r->end - scan);
		long got;

		if (nl != NULL) {
			*p = r->buf + r->pos;
			return (long)(nl + 1 - *p);
		}
		scan = r->end - r->pos;   /* offset already scanned */
		got = fill(r, e);
		if (got <= 0)
			return got;
		scan += r->pos;
	}
}

void
infile_skip(infile *r, size_t n, uint64_t nlines)
{
	r->pos += n;
	r->lineno += nlines;
}

long
infile_peek(infile *r, size_t min, const char **p, rs_err *e)
{
	while (r->end - r->pos < min) {
		long got = fill(r, e);

		if (got < 0)
			return -1;
		if (got == 0)
			break;
	}
	*p = r->buf + r->pos;
	return (long)(r->end - r->pos);
}

long
infile_read(infile *r, void *buf, size_t n, rs_err *e)
{
	size_t done = 0;

	while (done < n) {
		size_t avail = r->end - r->pos, take;

		if (avail == 0) {
			long got = fill(r, e);

			if (got < 0)
				return -1;
			if (got == 0)
				break;
			continue;
		}
		take = avail < n - done ? avail : n - done;
		memcpy((char *)buf + done, r->buf + r->pos, take);
		r->pos += take;
		done += take;
	}
	return (long)done;
}
