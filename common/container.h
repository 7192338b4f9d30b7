/*
 * container.h: the binary container every artifact uses (recsys-container(5)).
 *
 * Layout, all integers little-endian:
 *   0    8  magic "\x89RSC\r\n\x1a\n"
 *   8    8  kind, ASCII, NUL-padded ("matrix", "alsmodel", "recsdb", ...)
 *   16   4  u32 kind version (the layout of the sections of this kind)
 *   20   4  u32 N, number of sections
 *   24   8  u64 file size in bytes
 *   32   4  u32 P, bytes of parameter text
 *   36   4  u32 header CRC-32 (zlib) of bytes [0, 64+48N+P) with this
 *           field read as zero
 *   40  24  reserved, zero
 *   64  48N section table, per entry: name[24] NUL-padded, u64 offset,
 *           u64 size, u32 CRC-32 of the section bytes, u32 reserved (0)
 *   64+48N P parameters: UTF-8 lines "key=value\n"
 * Sections follow, each at an offset that is a multiple of 64, in table
 * order, zero bytes between; the file ends where the last section ends.
 * So every section can be used in place from an mmap of the file.
 */
#ifndef RS_CONTAINER_H
#define RS_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

#define CONTAINER_MAGIC "\x89RSC\r\n\x1a\n"
#define CONTAINER_MAX_SECTIONS 64

typedef struct container_writer container_writer;

/* A writer for a container of the given kind and kind version. */
container_writer *container_writer_new(const char *kind, uint32_t version);
void container_writer_free(container_writer *w);
/* Records key=value (key: [A-Za-z0-9_.-], value: no newline). */
int container_writer_param(container_writer *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a section; data is referenced, not copied, until container_writer_write. */
int container_writer_section(container_writer *w, const char *name, const void *data, size_t size);
/*
 * Asks for a block checksum section: when the file is written, a last
 * section called name holds the CRC-32 (u32) of every block of block
 * bytes of every other section, in table order, a section's last block
 * possibly short, an empty section none.  A reader can then check only
 * the blocks it reads (see store.h).
 */
int container_writer_block_crcs(container_writer *w, const char *name,
    uint32_t block);
/* Writes the file atomically (see outfile.h); "-" writes to stdout. */
int container_writer_write(container_writer *w, const char *path, rs_err *e);

typedef struct container {
	const unsigned char *base;   /* the whole file, mapped read-only */
	size_t size;
	char *path;
	char kind[9];
	uint32_t version;
	uint32_t nsec;
	const char *params;
	size_t params_len;
	uint32_t header_crc;         /* identifies the content (see container_id) */
} container;

enum {
	CONTAINER_VERIFY = 1    /* also check every section's CRC-32 */
};

/*
 * Maps path and validates size, magic, kind, kind version, header CRC, the
 * section table (bounds, alignment, no overlap) and, with CONTAINER_VERIFY, every
 * section's CRC.  kind NULL accepts any kind.  EX_NOINPUT when the file
 * cannot be opened, EX_DATAERR saying exactly what is wrong otherwise.
 * Without CONTAINER_VERIFY the cost does not depend on the file's size.
 */
int container_open(container *c, const char *path, const char *kind, uint32_t version,
    int flags, rs_err *e);
void container_close(container *c);

/* Checks every section's CRC of an open container. */
int container_verify(const container *c, rs_err *e);

/* Section i (< c->nsec) of the table: its bytes, NUL-padded name (24
 * bytes, at least one NUL, checked at open) and size. */
const void *container_section_at(const container *c, uint32_t i,
    const char **name, size_t *size);

/* The CRC-32 the section table records for the section called name;
 * -1 when there is no such section. */
int container_section_crc(const container *c, const char *name, uint32_t *crc);

/* The section called name, or NULL; *size set when not NULL. */
const void *container_section(const container *c, const char *name, size_t *size);

/*
 * The section called name as an array of elements of elsize bytes; with
 * count != SIZE_MAX its length must be exactly count elements.  Sets *p and
 * *n; EX_DATAERR naming the file and section when missing or mis-sized.
 */
int container_array(const container *c, const char *name, size_t elsize, size_t count,
    const void **p, size_t *n, rs_err *e);

/* Copies the value of key into buf; -1 when absent or too long. */
int container_param(const container *c, const char *key, char *buf, size_t bufsz);
/* Parameter as a number; EX_DATAERR naming file and key when bad. */
int container_param_u64(const container *c, const char *key, uint64_t *v, rs_err *e);
int container_param_double(const container *c, const char *key, double *v, rs_err *e);

/* "crc32:xxxxxxxx", the header CRC, as lineage recorded by consumers. */
void container_id(const container *c, char buf[16]);

#endif
