/* test_sandbox.c: a sandboxed child can read beneath the allowed
 * directories and do nothing forbidden: exec, socket, open elsewhere,
 * create or write files.  Each forbidden call is tried and must fail. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		int r = 0, m = sandbox_enter(dirs, &e);
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
	/* The parent is untouched. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	close(fd);
	unlink(file);
	unlink(made);
	rmdir(dir);
	return t_done();
}
