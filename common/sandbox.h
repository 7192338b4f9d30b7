/*
 * sandbox.h: what a rec-serve worker may still do once it is set up.
 *
 * After the store is mapped and the listening socket is open, a worker
 * needs to read (to reopen the store on a swap, and /proc for its own
 * metrics), to serve connections it accepts, and nothing else.
 * sandbox_enter takes away, for the process and every child it would
 * fork:
 *   - with seccomp-bpf (prctl): execve, execveat, socket and socketpair
 *     fail with EPERM (accept4 still works on the open listening socket);
 *   - with Landlock, when the kernel has it (ABI 1 or later): files can be
 *     opened for reading only beneath the directories given (the store's
 *     directory and that of the file it resolves to, and /proc), and
 *     nowhere can a file be written, created, removed or executed.
 *   - with Landlock ABI 4 or later, also: no TCP port can be bound or
 *     connected to.
 * Open stays allowed as a system call, since a swap reopens the store by
 * its path: Landlock, not seccomp, confines which files it reaches.  A
 * directory is the finest grain Landlock gives for a path that is
 * replaced by rename, so other files beside the store stay readable.
 *
 * SANDBOX_LIGHT is for a process per connection (inetd), where installing
 * the seccomp filter (a BPF program compiled per process) cost about 7%
 * of a request's CPU: when Landlock ABI 4 is there, it alone is applied
 * (exec is then refused by Landlock, EACCES, and a socket can be created
 * but reach nothing over TCP); else seccomp as well.
 *
 * Linux-only; elsewhere sandbox_enter does nothing and says so.
 */
#ifndef RS_SANDBOX_H
#define RS_SANDBOX_H

#include "rs_err.h"

/* What sandbox_enter applied. */
enum {
	SANDBOX_SECCOMP = 1,
	SANDBOX_LANDLOCK = 2,
	SANDBOX_LANDLOCK_NET = 4      /* Landlock's TCP rules (ABI 4) */
};

/* flags of sandbox_enter */
enum {
	SANDBOX_LIGHT = 1             /* no seccomp when Landlock suffices */
};

/*
 * Enters the sandbox; read_dirs is a NULL-terminated list of directories
 * that stay readable; flags 0 or SANDBOX_LIGHT.  Returns the SANDBOX_*
 * mechanisms applied (Landlock is skipped when the kernel lacks it), or
 * -1 with e filled (EX_OSERR) when one cannot be installed.
 */
int sandbox_enter(const char *const *read_dirs, int flags, rs_err *e);

#endif
