/* The seccomp filter of mops/capture/sandbox.h, through libseccomp. An
 * allowlist: what is not named kills the process (SIGSYS), but for the
 * calls that libraries try and can do without (opening a file: EACCES;
 * clone3: ENOSYS, so that glibc falls back to clone, whose flags can be
 * checked). */
#include "mops/capture/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "mops/core/sanitizer.h"
#ifdef MOPS_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define CREATE_FLAGS (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)

int mops_sandbox_create(int dir_fd, const char *name)
{
    if (strchr(name, '/')) {
        errno = EACCES;
        return -1;
    }
    return openat(dir_fd, name, CREATE_FLAGS, 0666);
}

/* Reading, decoding, printing, writing; memory, threads, time, signals.
 * sysinfo: glibc's qsort asks the memory's size (sysconf(_SC_PHYS_PAGES))
 * for arrays over 1 KiB (mopstop's rows, the report's latencies). */
static const int allowed[] = {SCMP_SYS(read),
                              SCMP_SYS(readv),
                              SCMP_SYS(pread64),
                              SCMP_SYS(preadv),
                              SCMP_SYS(write),
                              SCMP_SYS(writev),
                              SCMP_SYS(pwrite64),
                              SCMP_SYS(lseek),
                              SCMP_SYS(close),
                              SCMP_SYS(fstat),
                              SCMP_SYS(newfstatat),
                              SCMP_SYS(statx),
                              SCMP_SYS(fsync),
                              SCMP_SYS(fdatasync),
                              SCMP_SYS(ftruncate),
                              SCMP_SYS(fcntl),
                              SCMP_SYS(dup),
                              SCMP_SYS(poll),
                              SCMP_SYS(ppoll),
                              SCMP_SYS(select),
                              SCMP_SYS(pselect6),
                              SCMP_SYS(recvfrom),
                              SCMP_SYS(recvmsg),
                              SCMP_SYS(getsockopt),
                              SCMP_SYS(getsockname),
                              SCMP_SYS(setsockopt),
                              SCMP_SYS(brk),
                              SCMP_SYS(munmap),
                              SCMP_SYS(mremap),
                              SCMP_SYS(madvise),
                              SCMP_SYS(futex),
                              SCMP_SYS(set_robust_list),
                              SCMP_SYS(rseq),
                              SCMP_SYS(sched_yield),
                              SCMP_SYS(sched_getaffinity),
                              SCMP_SYS(exit),
                              SCMP_SYS(exit_group),
                              SCMP_SYS(clock_gettime),
                              SCMP_SYS(clock_getres),
                              SCMP_SYS(gettimeofday),
                              SCMP_SYS(time),
                              SCMP_SYS(nanosleep),
                              SCMP_SYS(clock_nanosleep),
                              SCMP_SYS(rt_sigaction),
                              SCMP_SYS(rt_sigprocmask),
                              SCMP_SYS(rt_sigreturn),
                              SCMP_SYS(sigaltstack),
                              SCMP_SYS(getpid),
                              SCMP_SYS(gettid),
                              SCMP_SYS(getuid),
                              SCMP_SYS(geteuid),
                              SCMP_SYS(getgid),
                              SCMP_SYS(getegid),
                              SCMP_SYS(getrandom),
                              SCMP_SYS(sysinfo),
                              SCMP_SYS(restart_syscall),
                              SCMP_SYS(prlimit64)};

/* libseccomp's SCMP_An macros leave the second datum to be zeroed, which
 * clang's -Wmissing-field-initializers rejects. */
static struct scmp_arg_cmp cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
    return (struct scmp_arg_cmp){arg, op, a, b};
}

static int add(scmp_filter_ctx f, int sys, unsigned n, const struct scmp_arg_cmp *a)
{
    return seccomp_rule_add_array(f, SCMP_ACT_ALLOW, sys, n, a);
}

/* The filter, or NULL with libseccomp's negative errno in *err. */
static scmp_filter_ctx allowlist(const struct mops_sandbox_opts *o, int *err)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
    *err = -ENOMEM;
    if (!f)
        return NULL;
    /* Every thread: the reading thread runs already. */
    int rc = seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0] && rc == 0; i++)
        rc = add(f, allowed[i], 0, NULL);
    /* Memory, never executable (no code can be made at run time). */
    struct scmp_arg_cmp no_exec = cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
    rc = rc ?: add(f, SCMP_SYS(mmap), 1, &no_exec);
    rc = rc ?: add(f, SCMP_SYS(mprotect), 1, &no_exec);
    /* Threads, not processes; clone3's flags are out of reach. */
    struct scmp_arg_cmp thread = cmp(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
    rc = rc ?: add(f, SCMP_SYS(clone), 1, &thread);
    rc = rc ?: seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    /* Signals to itself only (abort, raise). */
    struct scmp_arg_cmp self = cmp(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
    rc = rc ?: add(f, SCMP_SYS(tgkill), 1, &self);
    rc = rc ?: add(f, SCMP_SYS(kill), 1, &self);
    /* ioctl: the terminal's size, what is waiting on a socket, whether the
     * interface is still there (libpcap, when it goes); a terminal UI also
     * sets the terminal's modes. */
    const unsigned long ioctls[] = {TCGETS,       TIOCGWINSZ,   FIONREAD,     SIOCGSTAMP,
                                    SIOCGSTAMPNS, SIOCGIFFLAGS, SIOCGIFINDEX, SIOCGIFNAME},
                        tty[] = {TCSETS, TCSETSW, TCSETSF};
    for (size_t i = 0; i < sizeof ioctls / sizeof ioctls[0] && rc == 0; i++) {
        struct scmp_arg_cmp req = cmp(1, SCMP_CMP_EQ, ioctls[i], 0);
        rc = add(f, SCMP_SYS(ioctl), 1, &req);
    }
    for (size_t i = 0; o->terminal && i < sizeof tty / sizeof tty[0] && rc == 0; i++) {
        struct scmp_arg_cmp req = cmp(1, SCMP_CMP_EQ, tty[i], 0);
        rc = add(f, SCMP_SYS(ioctl), 1, &req);
    }
    /* Files: created in the rotation directory only, write-only; any other
     * open fails (libraries that try one, gettext say, go on without). The
     * conditions do not overlap: libseccomp lets an unconditional rule for
     * a call override its conditional ones. */
    if (o->dir_fd >= 0) {
        struct scmp_arg_cmp c[2] = {cmp(0, SCMP_CMP_EQ, (scmp_datum_t)o->dir_fd, 0),
                                    cmp(2, SCMP_CMP_EQ, CREATE_FLAGS, 0)};
        rc = rc ?: add(f, SCMP_SYS(openat), 2, c);
        rc = rc
                 ?: seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
                                     cmp(0, SCMP_CMP_NE, (scmp_datum_t)o->dir_fd, 0));
        rc = rc
                 ?: seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
                                     cmp(2, SCMP_CMP_NE, CREATE_FLAGS, 0));
    } else {
        rc = rc ?: seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0);
    }
    rc = rc ?: seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0);
    *err = rc;
    if (rc != 0) {
        seccomp_release(f);
        return NULL;
    }
    return f;
}

#ifdef MOPS_ASAN
/* LeakSanitizer's check at exit reads /proc and stops the threads from a
 * task of its own by ptrace, and dies in an allowlist: sanitizer builds (the
 * tests') get a denylist of what a hijacked decoder would want, each a kill
 * (docs/mopsdump.1, --no-sandbox), unless a test asks for the allowlist
 * (MOPS_SANDBOX_TEST=allowlist, with leak checking off). */
static scmp_filter_ctx denylist(int *err)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
    const int denied[] = {SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(bind),   SCMP_SYS(listen),
                          SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(execve), SCMP_SYS(execveat),
                          SCMP_SYS(fork),   SCMP_SYS(vfork),   SCMP_SYS(sendto), SCMP_SYS(sendmsg)};
    int rc = f ? 0 : -ENOMEM;
    for (size_t i = 0; i < sizeof denied / sizeof denied[0] && rc == 0; i++)
        rc = seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, denied[i], 0);
    rc = rc ?: seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1);
    *err = rc;
    if (rc != 0 && f) {
        seccomp_release(f);
        return NULL;
    }
    return f;
}
#endif

int mops_sandbox_enter(const struct mops_sandbox_opts *o, char err[256])
{
    tzset(); /* the local time zone is read now: no file can be opened later */
    const char *t = getenv("MOPS_SANDBOX_TEST");
    int rc;
#ifdef MOPS_ASAN
    /* The sanitizer reads its maps and finds its symbolizer now. */
    __sanitizer_sandbox_arguments args = {0};
    __sanitizer_sandbox_on_notify(&args);
    scmp_filter_ctx f = t && strncmp(t, "allowlist", 9) == 0 ? allowlist(o, &rc) : denylist(&rc);
#else
    scmp_filter_ctx f = allowlist(o, &rc);
#endif
    /* Landlock first: its calls are not in the allowlist. */
    if (mops_landlock_confine(o->dir_fd, err) < 0) {
        seccomp_release(f);
        return -1;
    }
    rc = rc ?: seccomp_load(f);
    seccomp_release(f);
    if (rc != 0) {
        snprintf(err, 256, "sandbox: seccomp: %s (--no-sandbox runs without)", strerror(-rc));
        return -1;
    }
    if (t && strstr(t, "escape")) {
        /* What a hijacked writer would try: a path of its choosing through
         * the rotation directory's descriptor (the tests' proof). */
        const char *path = getenv("MOPS_SANDBOX_ESCAPE");
        int fd = path ? openat(o->dir_fd >= 0 ? o->dir_fd : AT_FDCWD, path, CREATE_FLAGS, 0666) : -1;
        if (fd >= 0) {
            fprintf(stderr, "sandbox test: %s created: the sandbox lets a path out\n", path);
            exit(3);
        }
        fprintf(stderr, "sandbox test: %s refused: %s\n", path ? path : "(no MOPS_SANDBOX_ESCAPE)", strerror(errno));
    }
    if (t && strcmp(t, "1") == 0) {
        fprintf(stderr, "sandbox test: opening a socket\n");
        int s = socket(AF_INET, SOCK_DGRAM, 0); /* SIGSYS: the process ends here */
        fprintf(stderr, "sandbox test: socket() returned %d: the filter is not on\n", s);
        exit(3);
    }
    return 0;
}
