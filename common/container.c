/* container.c: see container.h. */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "crc.h"
#include "outfile.h"
#include "num.h"
#include "util.h"

#define HDR 64
#define ENT 48

struct wsec {
	char name[24];
	const void *data;
	size_t size;
	int have_crc;             /* crc made from the block CRCs */
	uint32_t crc;
};

struct container_writer {
	char kind[8];
	uint32_t version;
	struct wsec sec[CONTAINER_MAX_SECTIONS];
	uint32_t nsec;
	char *params;
	size_t plen, pcap;
	int bad;          /* a call failed; container_writer_write reports it */
	char blocks_name[24];     /* block CRC section, "" when none */
	uint32_t block;           /* its block size */
	unsigned char *blocks;    /* its bytes, made at write time */
};

static size_t
align64(size_t v)
{
	return (v + 63) & ~(size_t)63;
}

container_writer *
container_writer_new(const char *kind, uint32_t version)
{
	container_writer *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	if (strlen(kind) > sizeof w->kind)
		w->bad = 1;
	else
		memcpy(w->kind, kind, strlen(kind));
	w->version = version;
	return w;
}

void
container_writer_free(container_writer *w)
{
	if (w == NULL)
		return;
	free(w->params);
	free(w->blocks);
	free(w);
}

int
container_writer_param(container_writer *w, const char *key, const char *fmt, ...)
{
	char val[4096];
	size_t need;
	const char *k;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	for (k = key; *k != '\0'; k++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.-", *k) == NULL)
			break;
	if (*k != '\0' || *key == '\0' || strchr(val, '\n') != NULL) {
		w->bad = 1;
		return -1;
	}
	need = strlen(key) + strlen(val) + 3;   /* "=", "\n", sprintf's NUL */
	if (w->plen + need > w->pcap) {
		size_t ncap = (w->plen + need) * 2;
		char *np = realloc(w->params, ncap);

		if (np == NULL) {
			w->bad = 1;
			return -1;
		}
		w->params = np;
		w->pcap = ncap;
	}
	w->plen += (size_t)sprintf(w->params + w->plen, "%s=%s\n", key, val);
	return 0;
}

int
container_writer_section(container_writer *w, const char *name, const void *data, size_t size)
{
	struct wsec *s;

	if (w->nsec == CONTAINER_MAX_SECTIONS || strlen(name) >= sizeof s->name ||
	    (data == NULL && size > 0)) {
		w->bad = 1;
		return -1;
	}
	s = &w->sec[w->nsec++];
	memset(s->name, 0, sizeof s->name);
	memcpy(s->name, name, strlen(name));
	s->data = data;
	s->size = size;
	s->have_crc = 0;
	return 0;
}

int
container_writer_block_crcs(container_writer *w, const char *name,
    uint32_t block)
{
	if (strlen(name) >= sizeof w->blocks_name || block == 0 ||
	    w->blocks_name[0] != '\0') {
		w->bad = 1;
		return -1;
	}
	memcpy(w->blocks_name, name, strlen(name) + 1);
	w->block = block;
	return 0;
}

/* The block CRC section over the sections added so far, added last; each
 * of those sections' CRC is combined from its blocks' (zlib's
 * crc32_combine), so the data is read once. */
static int
add_block_crcs(container_writer *w)
{
	size_t n = 0, i, k, off;
	unsigned char *p;

	for (i = 0; i < w->nsec; i++)
		n += (w->sec[i].size + w->block - 1) / w->block;
	if ((p = w->blocks = malloc(n * 4 + 1)) == NULL)
		return -1;
	for (i = 0; i < w->nsec; i++) {
		uLong all = crc32(0, NULL, 0);

		for (off = 0; off < w->sec[i].size; off += w->block) {
			uint32_t c;

			k = w->sec[i].size - off < w->block ?
			    w->sec[i].size - off : w->block;
			c = crc_update(0, (const unsigned char *)
			    w->sec[i].data + off, k);
			util_le_put32(p, c);
			all = crc32_combine(all, c, (z_off_t)k);
			p += 4;
		}
		w->sec[i].crc = (uint32_t)all;
		w->sec[i].have_crc = 1;
	}
	return container_writer_section(w, w->blocks_name, w->blocks, n * 4);
}

int
container_writer_write(container_writer *w, const char *path, rs_err *e)
{
	static const unsigned char zeros[64];
	unsigned char *hdr;
	size_t hlen, off, i;
	outfile o;
	int rc;

	if (w->blocks_name[0] != '\0' && w->blocks == NULL &&
	    add_block_crcs(w) != 0)
		return rs_oom(e);
	if (w->bad)
		return rs_errf(e, EX_SOFTWARE, "%s: bad container parameters "
		    "or sections (internal error)", path);
	hlen = HDR + ENT * (size_t)w->nsec + w->plen;
	if ((hdr = calloc(1, align64(hlen))) == NULL)
		return rs_oom(e);
	memcpy(hdr, CONTAINER_MAGIC, 8);
	memcpy(hdr + 8, w->kind, 8);
	util_le_put32(hdr + 16, w->version);
	util_le_put32(hdr + 20, w->nsec);
	util_le_put32(hdr + 32, (uint32_t)w->plen);
	off = align64(hlen);
	for (i = 0; i < w->nsec; i++) {
		unsigned char *ent = hdr + HDR + ENT * i;

		memcpy(ent, w->sec[i].name, 24);
		util_le_put64(ent + 24, off);
		util_le_put64(ent + 32, w->sec[i].size);
		util_le_put32(ent + 40, w->sec[i].have_crc ? w->sec[i].crc :
		    crc_update(0, w->sec[i].data, w->sec[i].size));
		off = align64(off + w->sec[i].size);
	}
	/* The file ends where the last section ends, without padding. */
	if (w->nsec > 0)
		off = util_le_get64(hdr + HDR + ENT * (w->nsec - 1) + 24) +
		    w->sec[w->nsec - 1].size;
	else
		off = hlen;
	util_le_put64(hdr + 24, off);
	if (w->plen > 0)
		memcpy(hdr + HDR + ENT * w->nsec, w->params, w->plen);
	util_le_put32(hdr + 36, crc_update(0, hdr, hlen));

	if ((rc = outfile_open(&o, path, e)) != 0) {
		free(hdr);
		return rc;
	}
	fwrite(hdr, 1, hlen, o.fp);
	off = hlen;
	for (i = 0; i < w->nsec; i++) {
		size_t start = align64(off);

		fwrite(zeros, 1, start - off, o.fp);
		if (w->sec[i].size > 0)
			fwrite(w->sec[i].data, 1, w->sec[i].size, o.fp);
		off = start + w->sec[i].size;
	}
	free(hdr);
	return outfile_commit(&o, e);
}

/* Every failure of container_open goes through here. */
static int
bad(container *c, rs_err *e, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	container_close(c);
	return rs_errf(e, EX_DATAERR, "%s: %s", path, msg);
}

int
container_open(container *c, const char *path, const char *kind, uint32_t version,
    int flags, rs_err *e)
{
	struct stat st;
	const unsigned char *b;
	unsigned char *hcopy;
	uint64_t fsize, prev_end;
	uint32_t nsec, plen, hcrc, i;
	size_t hlen;
	void *map;
	int fd;

	memset(c, 0, sizeof *c);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rs_errf(e, EX_NOINPUT, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		close(fd);
		return rs_errf(e, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return rs_errf(e, EX_DATAERR, "%s: not a regular file", path);
	}
	if ((size_t)st.st_size < HDR) {
		close(fd);
		return rs_errf(e, EX_DATAERR, "%s: too short for a container "
		    "(%lld bytes, truncated?)", path, (long long)st.st_size);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return rs_errf(e, EX_IOERR, "%s: mmap: %s", path,
		    strerror(errno));
	c->base = b = map;
	c->size = (size_t)st.st_size;
	c->path = strdup(path);
	if (memcmp(b, CONTAINER_MAGIC, 8) != 0)
		return bad(c, e, path, "not a recsys-ecom container (bad magic)");
	memcpy(c->kind, b + 8, 8);
	if (kind != NULL && strcmp(c->kind, kind) != 0)
		return bad(c, e, path, "container of kind \"%s\", expected "
		    "\"%s\"", c->kind, kind);
	c->version = util_le_get32(b + 16);
	if (kind != NULL && c->version != version)
		return bad(c, e, path, "%s version %u, this program reads "
		    "version %u", c->kind, c->version, version);
	nsec = util_le_get32(b + 20);
	fsize = util_le_get64(b + 24);
	plen = util_le_get32(b + 32);
	hcrc = util_le_get32(b + 36);
	if (fsize != c->size)
		return bad(c, e, path, "size %zu bytes, header says %llu "
		    "(truncated or extended)", c->size,
		    (unsigned long long)fsize);
	if (nsec > CONTAINER_MAX_SECTIONS)
		return bad(c, e, path, "%u sections (at most %u)", nsec,
		    CONTAINER_MAX_SECTIONS);
	hlen = HDR + (size_t)ENT * nsec + plen;
	if (hlen > c->size)
		return bad(c, e, path, "header runs past the end of the file");
	if ((hcopy = malloc(hlen)) == NULL)
		return bad(c, e, path, "out of memory");
	memcpy(hcopy, b, hlen);
	util_le_put32(hcopy + 36, 0);
	if (crc_update(0, hcopy, hlen) != hcrc) {
		free(hcopy);
		return bad(c, e, path, "header checksum mismatch (corrupt)");
	}
	free(hcopy);
	c->header_crc = hcrc;
	c->nsec = nsec;
	c->params = (const char *)b + HDR + ENT * nsec;
	c->params_len = plen;
	prev_end = hlen;
	for (i = 0; i < nsec; i++) {
		const unsigned char *ent = b + HDR + ENT * i;
		uint64_t off = util_le_get64(ent + 24), size = util_le_get64(ent + 32);

		if (memchr(ent, '\0', 24) == NULL)
			return bad(c, e, path, "section %u: name not "
			    "terminated", i);
		if (off % 64 != 0 || off < prev_end || off > c->size ||
		    size > c->size - off)
			return bad(c, e, path, "section \"%.24s\": offset "
			    "%llu size %llu out of bounds or misaligned",
			    (const char *)ent, (unsigned long long)off,
			    (unsigned long long)size);
		prev_end = off + size;
	}
	if ((flags & CONTAINER_VERIFY) && container_verify(c, e) != 0) {
		container_close(c);
		return EX_DATAERR;
	}
	return 0;
}

int
container_verify(const container *c, rs_err *e)
{
	uint32_t i;

	for (i = 0; i < c->nsec; i++) {
		const unsigned char *ent = c->base + HDR + ENT * i;
		uint64_t off = util_le_get64(ent + 24), size = util_le_get64(ent + 32);

		if (crc_update(0, c->base + off, size) != util_le_get32(ent + 40))
			return rs_errf(e, EX_DATAERR, "%s: section \"%.24s\": "
			    "checksum mismatch (corrupt)", c->path,
			    (const char *)ent);
	}
	return 0;
}

void
container_close(container *c)
{
	if (c->base != NULL)
		munmap((void *)c->base, c->size);
	free(c->path);
	memset(c, 0, sizeof *c);
}

int
container_section_crc(const container *c, const char *name, uint32_t *crc)
{
	uint32_t i;

	for (i = 0; i < c->nsec; i++) {
		const unsigned char *ent = c->base + HDR + ENT * i;

		if (strncmp((const char *)ent, name, 24) == 0) {
			*crc = util_le_get32(ent + 40);
			return 0;
		}
	}
	return -1;
}

const void *
container_section_at(const container *c, uint32_t i, const char **name,
    size_t *size)
{
	const unsigned char *ent = c->base + HDR + ENT * i;

	*name = (const char *)ent;
	*size = util_le_get64(ent + 32);
	return c->base + util_le_get64(ent + 24);
}

const void *
container_section(const container *c, const char *name, size_t *size)
{
	uint32_t i;

	for (i = 0; i < c->nsec; i++) {
		const unsigned char *ent = c->base + HDR + ENT * i;

		if (strncmp((const char *)ent, name, 24) == 0) {
			if (size != NULL)
				*size = util_le_get64(ent + 32);
			return c->base + util_le_get64(ent + 24);
		}
	}
	return NULL;
}

int
container_array(const container *c, const char *name, size_t elsize, size_t count,
    const void **p, size_t *n, rs_err *e)
{
	size_t size;
	const void *s = container_section(c, name, &size);

	if (s == NULL)
		return rs_errf(e, EX_DATAERR, "%s: section \"%s\" missing",
		    c->path, name);
	if (size % elsize != 0 || (count != SIZE_MAX && size / elsize != count))
		return rs_errf(e, EX_DATAERR, "%s: section \"%s\" has %zu "
		    "bytes, expected %zu elements of %zu bytes", c->path, name,
		    size, count == SIZE_MAX ? size / elsize : count, elsize);
	*p = s;
	if (n != NULL)
		*n = size / elsize;
	return 0;
}

int
container_param(const container *c, const char *key, char *buf, size_t bufsz)
{
	const char *p = c->params, *end = c->params + c->params_len;
	size_t klen = strlen(key);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;

		if ((size_t)(le - p) > klen && memcmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			size_t vlen = (size_t)(le - p) - klen - 1;

			if (vlen + 1 > bufsz)
				return -1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return 0;
		}
		p = le + 1;
	}
	return -1;
}

int
container_param_u64(const container *c, const char *key, uint64_t *v, rs_err *e)
{
	char buf[64];
	const char *why;

	if (container_param(c, key, buf, sizeof buf) != 0)
		return rs_errf(e, EX_DATAERR, "%s: parameter \"%s\" missing",
		    c->path, key);
	if ((why = num_u64(buf, v)) != NULL)
		return rs_errf(e, EX_DATAERR, "%s: parameter %s=\"%s\": %s",
		    c->path, key, buf, why);
	return 0;
}

int
container_param_double(const container *c, const char *key, double *v, rs_err *e)
{
	char buf[64];
	const char *why;

	if (container_param(c, key, buf, sizeof buf) != 0)
		return rs_errf(e, EX_DATAERR, "%s: parameter \"%s\" missing",
		    c->path, key);
	if ((why = num_double(buf, v)) != NULL)
		return rs_errf(e, EX_DATAERR, "%s: parameter %s=\"%s\": %s",
		    c->path, key, buf, why);
	return 0;
}

void
container_id(const container *c, char buf[16])
{
	snprintf(buf, 16, "crc32:%08x", c->header_crc);
}
