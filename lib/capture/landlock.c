/* The file half of the sandbox (mops/capture/sandbox.h): seccomp sees
 * openat's descriptor and flags but not its path, and an absolute path
 * ignores the descriptor, so openat(dir_fd, "/home/u/.profile", ...) passed
 * the filter. Landlock judges the path itself: nothing may be written,
 * created, truncated, removed or renamed by path, but a regular file inside
 * the rotation directory. Descriptors opened before (the outputs, standard
 * output) are untouched. Reading is left to seccomp (sanitizer builds must
 * still read /proc at exit). */
#include <errno.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Rights of ABI 2 and 3 (Linux 5.19, 6.2), named here for older headers. */
#define FS_REFER (1ULL << 13)
#define FS_TRUNCATE (1ULL << 14)

#define FS_CHANGE                                                                                                      \
    (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |                  \
     LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                        \
     LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |                     \
     LANDLOCK_ACCESS_FS_MAKE_SYM)

int mops_landlock_confine(int dir_fd, char err[256])
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) /* a kernel without Landlock (before 5.13, or not enabled): seccomp alone */
        return 0;
    uint64_t handled = FS_CHANGE | (abi >= 2 ? FS_REFER : 0) | (abi >= 3 ? FS_TRUNCATE : 0);
    struct landlock_ruleset_attr attr = {.handled_access_fs = handled};
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    int rc = rs < 0 ? -1 : 0;
    if (rc == 0 && dir_fd >= 0) {
        struct landlock_path_beneath_attr beneath = {.allowed_access = LANDLOCK_ACCESS_FS_WRITE_FILE |
                                                                       LANDLOCK_ACCESS_FS_MAKE_REG |
                                                                       (abi >= 3 ? FS_TRUNCATE : 0),
                                                     .parent_fd = dir_fd};
        rc = (int)syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0);
    }
    /* Landlock, as seccomp, wants no_new_privs (seccomp_load sets it too). */
    if (rc == 0)
        rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (rc == 0)
        rc = (int)syscall(SYS_landlock_restrict_self, rs, 0);
    int e = errno;
    if (rs >= 0)
        close(rs);
    if (rc != 0) {
        snprintf(err, 256, "sandbox: landlock: %s (--no-sandbox runs without)", strerror(e));
        return -1;
    }
    return 0;
}
