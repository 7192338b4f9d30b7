/*
 * rec-serve: the recommendation service, inetd-style.
 *
 * Talks on standard input and output, so inetd, xinetd, systemd socket
 * activation (Accept=yes) and tcpserver can run it one process per
 * connection; with --listen it is its own superserver (pre-forked epoll
 * workers, or a fork per connection with -w 0).  HTTP/1.1 with keep-alive,
 * or the TSV line protocol when the first byte is a digit.  The protocol
 * engine is common/serve*.c (map in common/serve_int.h); see rec-serve(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "num.h"
#include "outfile.h"
#include "rs_err.h"
#include "sandbox.h"
#include "serve.h"

static const char usage_text[] =
    "usage: rec-serve [-v] [-m FILE] [-t SECONDS] [-i SECONDS]\n"
    "                 [-l ADDR:PORT [-w N] [-c N] [-u USER]] [-o FILE] RECS.db\n";

static const cli_option options[] = {
	{'l', "listen", "ADDR:PORT", "serve on a TCP socket (else "
	    "stdin/stdout)"},
	{'w', "workers", "N", "pre-forked workers (default: CPUs;\n0: a "
	    "process per connection)"},
	{'c', "max-conns", "N", "connections per worker (default 1024)"},
	{'m', "metrics", "FILE", "counters shared by every process"},
	{'t', "timeout", "SECONDS", "to receive a whole request (default 10)"},
	{'i', "idle", "SECONDS", "keep-alive idle time (default 5)"},
	{'u', "user", "USER", "with -l started as root: run as USER once\n"
	    "the socket is bound"},
	{0, NULL, NULL, NULL}
};

/* -o: the responses of a shell pipeline (requests on standard input); a
 * server answers on its connections, so -o with --listen or under a
 * superserver is a usage error. */
static const cli_program program = {
	.usage = usage_text,
	.options = options,
	.output_help = "responses to FILE (atomic), not standard output,\n"
	    "when requests come on standard input",
	.verbose_help = "log store reloads and bad requests",
};

static const char ready_line[] =
    "RecSysHandler data loaded, ready to serve requests.";

static volatile sig_atomic_t stop;

#define LISTEN_MAX 256

static void split_listen(const char *spec, char host[static LISTEN_MAX],
    char **port);
static int listen_on(const char *spec);
static int run_listen(server *s, int lfd, long workers, int max_conns);
static void on_stop(int sig);
static int is_socket(int fd);
static void log_listening(int lfd, long workers);
static void drop_to(const char *user);
static void sandbox_dirs(const char *store_path);
static void sandbox(int flags);

int
main(int argc, char **argv)
{
	const char *listen_spec = NULL, *metrics_path = NULL, *run_as = NULL;
	long workers = -1;
	int max_conns = 1024, c, lfd, rc;
	rs_err e = {0}, se = {0};
	cli_common cc = {0};
	outfile out;
	server s;

	cli_init(argc, argv, &program);
	memset(&s, 0, sizeof s);
	s.timeout_ms = 10000;
	s.idle_ms = 5000;
	while ((c = cli_getopt(argc, argv, &cc)) != -1)
		switch (c) {
		case 'l':
			listen_spec = optarg;
			break;
		case 'w':
			workers = (long)cli_u64("-w", optarg, 0, 256);
			break;
		case 'u':
			run_as = optarg;
			break;
		case 'c':
			max_conns = (int)cli_u64("-c", optarg, 1, 65536);
			break;
		case 'm':
			metrics_path = optarg;
			break;
		case 't':
			s.timeout_ms = (int)(cli_double("-t", optarg, 0.001,
			    3600) * 1000);
			break;
		case 'i':
			s.idle_ms = (int)(cli_double("-i", optarg, 0.001,
			    3600) * 1000);
			break;
		}
	s.verbose = cc.verbose != 0;
	if (argc - optind != 1)
		cli_usage_error(usage_text, argc == optind ?
		    "the store RECS.db is required" : "one store only");
	if (listen_spec == NULL && run_as != NULL)
		cli_usage_error(usage_text, "-u needs -l");
	if (listen_spec == NULL && workers >= 0)
		cli_usage_error(usage_text, "-w needs -l");
	if (listen_spec != NULL) {
		char host[LISTEN_MAX], *port;

		split_listen(listen_spec, host, &port);
	}
	if (cc.output != NULL && (listen_spec != NULL || is_socket(0)))
		cli_usage_error(usage_text, "-o applies when requests come on "
		    "standard input (a server answers on its connections)");
	signal(SIGPIPE, SIG_IGN);

	/* A long-lived --listen server verifies each store whole, once; a
	 * process per connection checks only the blocks it reads. */
	s.verify = listen_spec != NULL;
	if (serve_init(&s, argv[optind], metrics_path, &se, &e) != 0)
		rs_die_err(&e);
	if (listen_spec != NULL) {
		if (!s.have_store)
			rs_die_err(&se);
		lfd = listen_on(listen_spec);
		if (run_as != NULL)
			drop_to(run_as);
		sandbox_dirs(s.store_path);
		if (workers < 0)
			workers = cli_ncpu();
		log_listening(lfd, workers);
		rs_warnx("%s", ready_line);
		rc = run_listen(&s, lfd, workers, max_conns);
		serve_fini(&s);
		return rc;
	}
	if (!is_socket(0)) {
		/* A shell pipeline: no store is an error, as in any tool. */
		if (!s.have_store)
			rs_die_err(&se);
		cli_stdin_notice(NULL, 0, "requests (JSON or TSV lines)");
		if (cc.output == NULL) {
			rc = serve_run_fd(&s, 0, 1, 0, &e);
			if (e.code != 0)
				rs_die(e.code, "%s: %s", strstr(e.msg, "read") ==
				    e.msg ? "stdin" : "stdout", e.msg);
		} else {
			/* Error lines are part of the answer: the file is
			 * kept (as standard output would be), the status
			 * says some requests were invalid. */
			if (outfile_open(&out, cc.output, &e) != 0)
				rs_die_err(&e);
			rc = serve_run_fd(&s, 0, fileno(out.fp), 0, &e);
			if (e.code != 0) {
				outfile_abort(&out);
				rs_die(e.code, "%s: %s", strstr(e.msg, "read") ==
				    e.msg ? "stdin" : cc.output, e.msg);
			}
			if (outfile_commit(&out, &e) != 0)
				rs_die_err(&e);
		}
		serve_fini(&s);
		if (rc != 0)
			rs_die(EX_DATAERR, "some requests were invalid (see the "
			    "\"error\" lines)");
		return 0;
	}
	/* Under a superserver: a missing store is answered with 503, and
	 * logged, rather than a dropped connection. */
	if (!s.have_store)
		rs_warnx("%s", se.msg);
	else if (s.verbose)
		rs_warnx("%s", ready_line);
	/* The store is mapped and the connection open: from here on no
	 * exec, no TCP, nothing opened but what is beside the store (a
	 * swap is still followed) and /proc; Landlock alone where it does
	 * that (seccomp's cost per process is not paid per connection). */
	sandbox_dirs(s.store_path);
	sandbox(SANDBOX_LIGHT);
	/* A client that goes away is not an error of the server. */
	serve_run_fd(&s, 0, 1, 1, &e);
	serve_fini(&s);
	return 0;
}

/*
 * -u: the socket is bound (a port below 1024 needs root), so give up
 * root: the user's groups, group and user, for good (setuid(0) must then
 * fail).  The metrics file is already open; a new store must be readable
 * by the user.
 */
static void
drop_to(const char *user)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		rs_die(EX_NOUSER, "-u: %s: %s", user, errno != 0 ?
		    strerror(errno) : "no such user");
	if (geteuid() != 0)
		rs_die(EX_USAGE, "-u: only root can change user");
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		rs_die(EX_OSERR, "-u: %s: %s", user, strerror(errno));
	if (pw->pw_uid != 0 && setuid(0) == 0)
		rs_die(EX_OSERR, "-u: %s: root could be regained", user);
}

/*
 * What a worker may still read: the store's directory, that of the file
 * it resolves to now, /proc (its own metrics), and, for each symlink on
 * the store's path, the directory holding that symlink, since switching
 * it (a "current" link) points the path at a sibling.  Set in the master,
 * before the workers are forked.
 */
#define SB_MAX 8
static char sb_buf[SB_MAX][PATH_MAX];
static const char *sb_dirs[SB_MAX + 2];

static void
sandbox_dirs(const char *store_path)
{
	char p[PATH_MAX], real[PATH_MAX], *slash;
	struct stat st;
	size_t n = 0;

	snprintf(p, sizeof p, "%s", store_path);
	snprintf(sb_buf[n], PATH_MAX, "%s", dirname(p));
	sb_dirs[n] = sb_buf[n];
	n++;
	if (realpath(store_path, real) != NULL) {
		struct stat a, b;

		snprintf(sb_buf[n], PATH_MAX, "%s", dirname(real));
		/* Another directory than the path's own (one rule less for
		 * each inetd process when it is the same). */
		if (stat(sb_buf[0], &a) != 0 || stat(sb_buf[n], &b) != 0 ||
		    a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
			sb_dirs[n] = sb_buf[n];
			n++;
		}
	}
	/* Each prefix of the path that is a symlink, longest first. */
	snprintf(p, sizeof p, "%s", store_path);
	while (n < SB_MAX && (slash = strrchr(p, '/')) != NULL) {
		if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
			char q[PATH_MAX];

			snprintf(q, sizeof q, "%s", p);
			snprintf(sb_buf[n], PATH_MAX, "%s", dirname(q));
			sb_dirs[n] = sb_buf[n];
			n++;
		}
		*slash = '\0';
	}
	if (n < SB_MAX && p[0] != '\0' && lstat(p, &st) == 0 &&
	    S_ISLNK(st.st_mode))
		sb_dirs[n++] = ".";
	sb_dirs[n++] = "/proc";
	sb_dirs[n] = NULL;
}

/* A worker (or a -w 0 child, or an inetd process: flags), set up: see
 * sandbox.h.  A failure is logged, not fatal: serving goes on without
 * it. */
static void
sandbox(int flags)
{
	static int warned;
	rs_err e = {0};
	int m = sandbox_enter(sb_dirs, flags, &e);

	if (m < 0 && !warned++)
		rs_warnx("sandbox not entered: %s", e.msg);
	else if (m >= 0 && !(m & SANDBOX_LANDLOCK) && !warned++)
		rs_warnx("sandbox: seccomp only (no Landlock in this kernel)");
}

static int
is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* "listening on ADDR:PORT": the port is the kernel's choice with :0. */
static void
log_listening(int lfd, long workers)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[NI_MAXHOST], port[NI_MAXSERV], what[64];

	if (getsockname(lfd, (struct sockaddr *)&ss, &len) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port,
	    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return;
	if (workers == 0)
		snprintf(what, sizeof what, "a process per connection");
	else
		snprintf(what, sizeof what, "%ld worker%s", workers,
		    workers == 1 ? "" : "s");
	rs_warnx("listening on %s%s%s:%s, %s", ss.ss_family == AF_INET6 ?
	    "[" : "", host, ss.ss_family == AF_INET6 ? "]" : "", port, what);
}

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * ADDR:PORT, [V6ADDR]:PORT or :PORT (every address) into host (empty for
 * every address) and port; a usage error (64) names what is wrong, before
 * anything is loaded.
 */
static void
split_listen(const char *spec, char host[static LISTEN_MAX], char **port)
{
	const char *colon = strrchr(spec, ':'), *why;
	uint64_t portno;

	if (colon == NULL || colon[1] == '\0' ||
	    (size_t)(colon - spec) >= LISTEN_MAX)
		rs_die(EX_USAGE, "-l: \"%s\": expected ADDR:PORT", spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	*port = host + strlen(host) + 1;
	if ((size_t)(*port - host) + strlen(colon + 1) >= LISTEN_MAX)
		rs_die(EX_USAGE, "-l: \"%s\": too long", spec);
	strcpy(*port, colon + 1);
	if ((why = num_u64(*port, &portno)) != NULL)
		rs_die(EX_USAGE, "-l: \"%s\": port \"%s\": %s", spec, *port,
		    why);
	if (portno > 65535)
		rs_die(EX_USAGE, "-l: \"%s\": port %s: out of range (0 to "
		    "65535)", spec, *port);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
}

/* A listening socket on the address split_listen accepted. */
static int
listen_on(const char *spec)
{
	struct addrinfo hints, *res, *ai;
	char host[LISTEN_MAX], *port;
	int fd = -1, one = 1, err;

	split_listen(spec, host, &port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((err = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0)
		rs_die(EX_USAGE, "-l: \"%s\": %s", spec, gai_strerror(err));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 1024) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
		errno = err;
	}
	freeaddrinfo(res);
	if (fd < 0)
		rs_die(EX_OSERR, "-l: %s: %s", spec, strerror(errno));
	return fd;
}

/* One pre-forked worker: the epoll loop until told to stop. */
static noreturn void
worker(server *s, int lfd, int max_conns, serve_load *load, int self)
{
	rs_err e = {0};

	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	sandbox(0);
	if (serve_run_listener(s, lfd, max_conns, load, self, &stop, &e) != 0)
		rs_warnx("worker: %s", e.msg);
	serve_fini(s);
	_exit(e.code != 0 ? EX_OSERR : 0);
}

/* -w 0: accept, and fork a process for each connection. */
static int
fork_per_connection(server *s, int lfd)
{
	int fl = fcntl(lfd, F_GETFL);
	rs_err ce = {0};   /* a client that goes away is not our error */

	fcntl(lfd, F_SETFL, fl & ~O_NONBLOCK);
	signal(SIGCHLD, SIG_IGN);   /* children are reaped by the kernel */
	while (!stop) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		pid_t pid;

		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				rs_warnx("accept: %s", strerror(errno));
			continue;
		}
		/* Follow a swapped store here too, so that the children
		 * start with the current one and an old file is not kept. */
		serve_check_store(s);
		if ((pid = fork()) == 0) {
			close(lfd);
			signal(SIGCHLD, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			sandbox(0);
			serve_run_fd(s, fd, fd, 1, &ce);
			serve_fini(s);
			_exit(0);
		}
		if (pid < 0)
			rs_warnx("fork: %s", strerror(errno));
		close(fd);
	}
	return 0;
}

static int
run_listen(server *s, int lfd, long workers, int max_conns)
{
	pid_t *pid;
	serve_load *load;
	long i, alive = 0;
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;   /* no SA_RESTART: accept/wait return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (workers == 0)
		return fork_per_connection(s, lfd);
	if ((pid = calloc((size_t)workers, sizeof *pid)) == NULL)
		rs_die(EX_OSERR, "out of memory");
	if ((load = serve_load_new((int)workers)) == NULL)
		rs_die(EX_OSERR, "mmap: %s", strerror(errno));
	while (!stop) {
		int status;
		pid_t dead;

		for (i = 0; i < workers && !stop; i++) {
			if (pid[i] > 0)
				continue;
			if ((pid[i] = fork()) == 0)
				worker(s, lfd, max_conns, load, (int)i);
			if (pid[i] < 0) {
				rs_warnx("fork: %s", strerror(errno));
				pid[i] = 0;
				sleep(1);
			} else {
				alive++;
			}
		}
		/* The workers have their own mappings and follow swaps; the
		 * master lets go of its store, so that a replaced file's space
		 * is freed, and a restarted worker opens the current one. */
		if (s->have_store) {
			store_close(&s->st);
			s->have_store = 0;
		}
		dead = wait(&status);
		if (dead < 0)
			continue;
		for (i = 0; i < workers; i++)
			if (pid[i] == dead) {
				pid[i] = 0;
				load->conns[i] = 0;
				alive--;
				if (!stop) {
					if (WIFSIGNALED(status))
						rs_warnx("worker %ld (pid %ld) "
						    "killed by signal %d; "
						    "restarting", i, (long)dead,
						    WTERMSIG(status));
					else
						rs_warnx("worker %ld (pid %ld) "
						    "exited with %d; restarting",
						    i, (long)dead,
						    WEXITSTATUS(status));
					sleep(1);
				}
			}
	}
	for (i = 0; i < workers; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGTERM);
	while (alive > 0 && wait(NULL) > 0)
		alive--;
	free(pid);
	serve_load_free(load);
	return 0;
}
