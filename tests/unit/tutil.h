/*
 * tutil.h: scratch files for the C unit tests of common/.
 *
 * t_dir() makes one mkdtemp directory per test binary (under $TMPDIR or
 * /tmp) and removes it with everything in it at exit; t_file() writes bytes
 * to a file in it and returns the path; t_gzip() compresses bytes as one
 * gzip member.  Paths are static buffers reused in rotation, enough for the
 * few a test holds at once.
 */
#ifndef RS_TUTIL_H
#define RS_TUTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static char t_dirbuf[512];
static pid_t t_owner;      /* only the process that made it removes it */

static int
t_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP) {
		chmod(path, 0700);
		rmdir(path);
	} else {
		unlink(path);
	}
	return 0;
}

/* Removes the scratch directory and everything below it. */
static void
t_rmdir(void)
{
	if (t_dirbuf[0] == '\0' || getpid() != t_owner)
		return;
	nftw(t_dirbuf, t_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline const char *
t_dir(void)
{
	if (t_dirbuf[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(t_dirbuf, sizeof t_dirbuf, "%s/rs-unit.XXXXXX",
		    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
		if (mkdtemp(t_dirbuf) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
		t_owner = getpid();
		atexit(t_rmdir);
	}
	return t_dirbuf;
}

/* A path in the scratch directory (not created). */
static inline const char *
t_path(const char *name)
{
	static char bufs[8][1024];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof bufs[0], "%s/%s", t_dir(), name);
	return b;
}

/* Writes len bytes to the scratch file name and returns its path. */
static inline const char *
t_file(const char *name, const void *data, size_t len)
{
	const char *p = t_path(name);
	FILE *fp = fopen(p, "wb");

	if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		perror(p);
		exit(2);
	}
	return p;
}

static inline const char *
t_text(const char *name, const char *s)
{
	return t_file(name, s, strlen(s));
}

/* One gzip member of data; *outlen set; the caller frees. */
static inline unsigned char *
t_gzip(const void *data, size_t len, size_t *outlen)
{
	z_stream zs;
	size_t cap = len + len / 100 + 1024;
	unsigned char *out = malloc(cap);

	memset(&zs, 0, sizeof zs);
	if (out == NULL || deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		exit(2);
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		exit(2);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/* Reads a whole scratch file into a NUL-terminated buffer (caller frees);
 * NULL when it cannot be read. */
static inline char *
t_slurp(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *b = NULL;
	size_t len = 0, cap = 0, got;

	if (lenp != NULL)
		*lenp = 0;
	if (fp == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			b = realloc(b, cap);
		}
		got = fread(b + len, 1, 4096, fp);
		len += got;
	} while (got > 0);
	fclose(fp);
	b[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return b;
}

/* Number of entries in the scratch directory (not "." and ".."). */
static inline int
t_count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/*
 * Runs fn(arg) in a child whose stderr goes to a scratch file; returns the
 * child's exit status (or 128+signal) and its stderr in a static buffer.
 */
static inline int
t_child(void (*fn)(void *), void *arg, const char **errout)
{
	static char errbuf[4096];
	const char *ep = t_path("child.stderr");
	char *got;
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		exit(2);
	if (pid == 0) {
		int fd = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		close(fd);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	got = t_slurp(ep, NULL);
	snprintf(errbuf, sizeof errbuf, "%s", got != NULL ? got : "");
	free(got);
	unlink(ep);
	if (errout != NULL)
		*errout = errbuf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
