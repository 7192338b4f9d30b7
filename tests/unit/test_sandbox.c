/* test_sandbox.c: a sandboxed child can read beneath the allowed
 * directories and do nothing forbidden: exec, socket, open elsewhere,
 * create or write files; under SANDBOX_LIGHT (inetd processes) exec,
 * TCP connect and bind, other files.  Each forbidden call is tried and
 * must fail. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "t.h"

/* What the child found, one bit each (set: as expected). */
enum {
	R_ENTER = 1, R_READ_ALLOWED = 2, R_READ_PROC = 4, R_NO_SOCKET = 8,
	R_NO_EXEC = 16, R_NO_OTHER = 32, R_NO_CREATE = 64, R_NO_WRITE = 128
};

/* What the SANDBOX_LIGHT child found (an inetd process's sandbox). */
enum {
	L_FALLBACK = 1, L_NO_SECCOMP = 2, L_READ_ALLOWED = 4, L_NO_EXEC = 8,
	L_NO_CONNECT = 16, L_NO_BIND = 32, L_NO_OTHER = 64, L_NO_WRITE = 128
};

/*
 * SANDBOX_LIGHT: with Landlock ABI 4 no seccomp filter, yet exec, TCP
 * connect and bind, other files and writes all refused (EACCES, by
 * Landlock); without ABI 4 it falls back to the whole sandbox.
 */
static void
light(const char *dir, const char *file, const char *const *dirs)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), st, got;
	pid_t pid;

	(void)dir;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    listen(lfd, 4) == 0 &&
	    getsockname(lfd, (struct sockaddr *)&sa, &len) == 0);
	if ((pid = fork()) == 0) {
		rs_err e = {0};
		int r = 0, m = sandbox_enter(dirs, SANDBOX_LIGHT, &e), fd;
		char *argv[] = { "/bin/true", NULL };
		struct sockaddr_in any;

		if (m < 0)
			_exit(0);
		if (!(m & SANDBOX_LANDLOCK_NET)) {
			/* No Landlock ABI 4: the whole sandbox instead. */
			fprintf(stderr, "sandbox: no Landlock ABI 4 here\n");
			_exit(m & SANDBOX_SECCOMP ? L_FALLBACK : 0);
		}
		if (!(m & SANDBOX_SECCOMP))
			r |= L_NO_SECCOMP;
		if ((fd = open(file, O_RDONLY)) >= 0 && close(fd) == 0)
			r |= L_READ_ALLOWED;
		execve(argv[0], argv, NULL);
		if (errno == EACCES)
			r |= L_NO_EXEC;
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0
		    && errno == EACCES)
			r |= L_NO_CONNECT;
		close(fd);
		memset(&any, 0, sizeof any);
		any.sin_family = AF_INET;
		any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && bind(fd, (struct sockaddr *)&any, sizeof any) < 0
		    && errno == EACCES)
			r |= L_NO_BIND;
		close(fd);
		if (open("/etc/passwd", O_RDONLY) < 0 && errno == EACCES)
			r |= L_NO_OTHER;
		if (open(file, O_WRONLY) < 0 && errno == EACCES)
			r |= L_NO_WRITE;
		_exit(r);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	got = WEXITSTATUS(st);
	close(lfd);
	CHECK(got != 0);
	if (got == L_FALLBACK)
		return;   /* the whole sandbox, checked above */
	CHECK(got & L_NO_SECCOMP);
	CHECK(got & L_READ_ALLOWED);
	CHECK(got & L_NO_EXEC);
	CHECK(got & L_NO_CONNECT);
	CHECK(got & L_NO_BIND);
	CHECK(got & L_NO_OTHER);
	CHECK(got & L_NO_WRITE);
}

int
main(void)
{
	char dir[] = "/tmp/test_sandbox.XXXXXX", file[64], made[64];
	const char *dirs[3];
	int st, fd, got = 0;
	pid_t pid;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof file, "%s/recs.db", dir);
	snprintf(made, sizeof made, "%s/new", dir);
	fd = open(file, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
	dirs[0] = dir;
	dirs[1] = "/proc";
	dirs[2] = NULL;
	if ((pid = fork()) == 0) {
		rs_err e = {0};
		int r = 0, m = sandbox_enter(dirs, 0, &e);
		char *argv[] = { "/bin/true", NULL };

		if (m < 0) {
			fprintf(stderr, "sandbox: %s\n", e.msg);
			_exit(0);
		}
		r |= R_ENTER;
		if ((fd = open(file, O_RDONLY)) >= 0 && close(fd) == 0)
			r |= R_READ_ALLOWED;
		if ((fd = open("/proc/self/stat", O_RDONLY)) >= 0 &&
		    close(fd) == 0)
			r |= R_READ_PROC;
		if (socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM)
			r |= R_NO_SOCKET;
		execve(argv[0], argv, NULL);
		if (errno == EPERM)
			r |= R_NO_EXEC;
		if (!(m & SANDBOX_LANDLOCK)) {
			/* Without Landlock only seccomp's part is checked. */
			fprintf(stderr, "sandbox: no Landlock here\n");
			r |= R_NO_OTHER | R_NO_CREATE | R_NO_WRITE;
		} else {
			if (open("/etc/passwd", O_RDONLY) < 0 &&
			    errno == EACCES)
				r |= R_NO_OTHER;
			if (open(made, O_WRONLY | O_CREAT, 0644) < 0 &&
			    errno == EACCES)
				r |= R_NO_CREATE;
			if (open(file, O_WRONLY) < 0 && errno == EACCES)
				r |= R_NO_WRITE;
		}
		_exit(r);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	got = WEXITSTATUS(st);
	CHECK(got & R_ENTER);
	CHECK(got & R_READ_ALLOWED);
	CHECK(got & R_READ_PROC);
	CHECK(got & R_NO_SOCKET);
	CHECK(got & R_NO_EXEC);
	CHECK(got & R_NO_OTHER);
	CHECK(got & R_NO_CREATE);
	CHECK(got & R_NO_WRITE);
	light(dir, file, dirs);
	/* The parent is untouched. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	unlink(file);
	unlink(made);
	rmdir(dir);
	return t_done();
}
