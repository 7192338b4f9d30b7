/*
 * fuzz_common.h: what the libFuzzer harnesses share.  The readers under
 * test take a path, so each input is put in an in-memory file (memfd) and
 * opened again through /proc/self/fd, which is a regular file to open(2),
 * fstat(2) and mmap(2) alike: no disk traffic per input.
 */
#ifndef RS_FUZZ_COMMON_H
#define RS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes data to a fresh memfd and returns its fd; path gets a name that
 * opens it.  Aborts on failure (a harness problem, not a finding). */
static int
fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t pathsz)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		abort();
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
