/*
 * serve-inetd-cpu: the CPU a one-request rec-serve process costs on the
 * per-connection (inetd) path, for scripts/bench-serve.sh; built by it
 * with cc alone (no library).
 *
 *   serve-inetd-cpu N ROUNDS REQUEST BIN_A DB_A BIN_B DB_B
 *
 * Runs ROUNDS rounds of N processes "BIN_A DB_A" and N "BIN_B DB_B",
 * A and B alternately (A B A B ...: a change of the machine's load falls
 * on both), one at a time, each with its standard input and output a
 * connected socket (as inetd gives them, so rec-serve takes its
 * superserver path), each sent the bytes of the file REQUEST and read
 * to the end of its answer.  A process's CPU is its user+system time
 * from wait4(2), so nothing else on a loaded machine is counted.  Prints
 * one line per round (each binary's mean CPU per request and their
 * ratio), then the medians over the rounds: of A's and B's figures, and
 * of the rounds' ratios B/A, the figure to read.  Exit 1 when a process fails or an answer is not
 * HTTP 200.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char req[65536];
static size_t req_len;

/* One process: its CPU in microseconds. */
static double
one(const char *bin, const char *db)
{
	char ans[65536];
	size_t got = 0;
	struct rusage ru;
	int sv[2], status;
	pid_t pid;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		perror("socketpair");
		exit(1);
	}
	if ((pid = fork()) < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		close(sv[0]);
		close(sv[1]);
		execl(bin, bin, db, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	if (write(sv[0], req, req_len) != (ssize_t)req_len) {
		perror("write");
		exit(1);
	}
	while ((n = read(sv[0], ans + got, sizeof ans - 1 - got)) > 0)
		got += (size_t)n;
	ans[got] = '\0';
	close(sv[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || strncmp(ans, "HTTP/1.1 200", 12) != 0) {
		fprintf(stderr, "serve-inetd-cpu: %s: status %d, answer "
		    "\"%.60s\"\n", bin, status, ans);
		exit(1);
	}
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
	double *a, *b, *q, ma, mb;
	int n, rounds, r, i;
	FILE *fp;

	if (argc != 8) {
		fprintf(stderr, "usage: serve-inetd-cpu N ROUNDS REQUEST "
		    "BIN_A DB_A BIN_B DB_B\n");
		return 2;
	}
	n = atoi(argv[1]);
	rounds = atoi(argv[2]);
	if (n < 1 || rounds < 1 || (fp = fopen(argv[3], "rb")) == NULL) {
		fprintf(stderr, "serve-inetd-cpu: bad N, ROUNDS or REQUEST\n");
		return 2;
	}
	req_len = fread(req, 1, sizeof req, fp);
	fclose(fp);
	a = calloc((size_t)rounds, sizeof *a);
	b = calloc((size_t)rounds, sizeof *b);
	q = calloc((size_t)rounds, sizeof *q);
	if (a == NULL || b == NULL || q == NULL)
		return 1;
	for (r = 0; r < rounds; r++) {
		double sa = 0, sb = 0;

		for (i = 0; i < n; i++) {
			sa += one(argv[4], argv[5]);
			sb += one(argv[6], argv[7]);
		}
		a[r] = sa / n;
		b[r] = sb / n;
		q[r] = b[r] / a[r];
		printf("round %d: A %.1f us  B %.1f us  (B/A %.3f)\n", r + 1,
		    a[r], b[r], b[r] / a[r]);
		fflush(stdout);
	}
	ma = median(a, rounds);
	mb = median(b, rounds);
	printf("median: A %.1f us  B %.1f us  B/A %.3f (of the rounds' "
	    "ratios)\n", ma, mb, median(q, rounds));
	return 0;
}
