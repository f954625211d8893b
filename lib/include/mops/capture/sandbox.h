/* A seccomp filter for the tools that parse what strangers send (mopsdump,
 * mopstop): entered once their inputs and outputs are open, it lets them
 * read, decode, print and write on the descriptors they hold, and no more.
 * A decoder bug cannot open files, exec, or open sockets (docs/robustness.md). */
#ifndef MOPS_SANDBOX_H
#define MOPS_SANDBOX_H

#include <stdbool.h>

struct mops_sandbox_opts {
    /* -w rotation: new files only in this directory (an fd opened before),
     * created write-only (mops_sandbox_create); -1 for none. */
    int dir_fd;
    /* A terminal UI: it may set the terminal's modes and ask its size. */
    bool terminal;
};

/* Installs the filter for this process and all its threads. 0, or -1 with a
 * message in err (the kernel or the library refused). Set
 * MOPS_SANDBOX_TEST=1 to have it try a forbidden call (socket) once the
 * filter is on: the process then dies by SIGSYS (the tests' proof).
 * MOPS_SANDBOX_TEST=escape instead tries to create the file named by
 * MOPS_SANDBOX_ESCAPE through o->dir_fd, says on stderr whether it was
 * refused, and goes on (exit 3 if it was created).
 * Sanitizer builds enter a denylist, or with MOPS_SANDBOX_TEST=allowlist
 * (or allowlist,escape) the allowlist of release builds (leak checking must
 * then be off). On kernels with Landlock, files are also confined by path
 * (lib/capture/landlock.c). */
int mops_sandbox_enter(const struct mops_sandbox_opts *o, char err[256]);
/* The one way to create a file once in: name (no '/') in o->dir_fd,
 * truncated, write-only. An fd, or -1 with errno. */
int mops_sandbox_create(int dir_fd, const char *name);

#endif
