/* sandbox.c: see sandbox.h. */
#include "sandbox.h"

#include <errno.h>
#include <string.h>

#ifdef __linux__
#include <fcntl.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SB_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SB_ARCH AUDIT_ARCH_AARCH64
#endif

/* The filesystem rights Landlock ABI 1 knows. */
#define LL_FS_ALL (LANDLOCK_ACCESS_FS_EXECUTE | \
    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
#define LL_FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/*
 * The ruleset attribute as Landlock ABI 4 has it (handled_access_net:
 * TCP bind and connect), declared here since older kernel headers stop
 * at handled_access_fs; the kernel takes the size of the ABI it knows.
 */
struct sb_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
};
#define SB_NET_BIND_TCP    (1ULL << 0)
#define SB_NET_CONNECT_TCP (1ULL << 1)

/* SANDBOX_LANDLOCK (| SANDBOX_LANDLOCK_NET) applied, 0 not available, -1
 * failed (errno). */
static int
landlock(const char *const *dirs)
{
	struct sb_ruleset_attr ra;
	struct landlock_path_beneath_attr pb;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	int rs, fd, err, got = SANDBOX_LANDLOCK;

	if (abi < 1)
		return 0;
	memset(&ra, 0, sizeof ra);
	ra.handled_access_fs = LL_FS_ALL;
	/* From ABI 4 no TCP port can be bound or connected to (none is
	 * allowed): the sockets a process has stay its only ones. */
	if (abi >= 4) {
		ra.handled_access_net = SB_NET_BIND_TCP | SB_NET_CONNECT_TCP;
		got |= SANDBOX_LANDLOCK_NET;
	}
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &ra, abi >= 4 ?
	    sizeof ra : sizeof ra.handled_access_fs, 0)) < 0)
		return -1;
	for (; *dirs != NULL; dirs++) {
		if ((fd = open(*dirs, O_PATH | O_CLOEXEC)) < 0)
			continue;   /* gone: nothing to allow */
		memset(&pb, 0, sizeof pb);
		pb.allowed_access = LL_FS_READ;
		pb.parent_fd = fd;
		err = (int)syscall(SYS_landlock_add_rule, rs,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
		close(fd);
		if (err != 0) {
			err = errno;
			close(rs);
			errno = err;
			return -1;
		}
	}
	err = (int)syscall(SYS_landlock_restrict_self, rs, 0);
	fd = errno;
	close(rs);
	errno = fd;
	return err == 0 ? got : -1;
}

#define DENY(nr) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

static int
seccomp(void)
{
#ifdef SB_ARCH
	struct sock_filter f[] = {
		/* Another architecture's numbers (x32, i386 on x86_64)
		 * would dodge the list: refuse them all. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SB_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
#ifdef __X32_SYSCALL_BIT
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		DENY(__NR_execve),
		DENY(__NR_execveat),
		DENY(__NR_socket),
		DENY(__NR_socketpair),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof f / sizeof f[0]),
	    f };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int
sandbox_enter(const char *const *read_dirs, int flags, rs_err *e)
{
	int got = 0, r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return rs_errf(e, EX_OSERR, "prctl(NO_NEW_PRIVS): %s",
		    strerror(errno)), -1;
	if ((r = landlock(read_dirs)) < 0)
		return rs_errf(e, EX_OSERR, "landlock: %s", strerror(errno)),
		    -1;
	got |= r;
	if ((flags & SANDBOX_LIGHT) && (got & SANDBOX_LANDLOCK_NET))
		return got;
	if (seccomp() != 0)
		return rs_errf(e, EX_OSERR, "seccomp: %s", strerror(errno)),
		    -1;
	return got | SANDBOX_SECCOMP;
}

#else

int
sandbox_enter(const char *const *read_dirs, int flags, rs_err *e)
{
	(void)read_dirs;
	(void)flags;
	return rs_errf(e, EX_OSERR, "no sandbox on this system"), -1;
}

#endif
