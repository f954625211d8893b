/* libFuzzer: the capture readers (pcap, pcapng in both byte orders, the
 * compressed forms, several files as one) on the bytes of a file. The
 * first octet says how to read: frame by frame or in batches, and whether
 * the rest is one file or cut in two (a series, or two probes merged), at
 * the offset the next two octets give. The files are memory files opened by
 * name, as mopsdump -r opens them.
 *
 * Beyond "no crash": every frame's octets are readable (ASan checks each
 * one), its interface exists, its comment is within the frame's record,
 * and a read that failed says why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mops/capture/capture.h"

#define BATCH 32

static int memfile(const uint8_t *data, size_t n, char path[32])
{
    int fd = memfd_create("fuzz-capture", 0);
    if (fd < 0)
        abort();
    if (n && write(fd, data, n) != (ssize_t)n)
        abort();
    snprintf(path, 32, "/proc/self/fd/%d", fd);
    return fd;
}

static volatile uint8_t sink;

static void touch(const struct mops_cap *c, const struct mops_frame *f)
{
    uint8_t x = 0;
    for (uint32_t i = 0; i < f->caplen; i++)
        x ^= f->data[i];
    for (uint32_t i = 0; i < f->comment_len; i++)
        x ^= (uint8_t)f->comment[i];
    if (f->ifid >= mops_cap_n_ifaces(c) && mops_cap_n_ifaces(c))
        abort();
    sink = x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    bool batches = data[0] & 1, two = data[0] & 2;
    size_t cut = ((size_t)data[1] << 8 | data[2]) % (size - 2);
    const uint8_t *file = data + 3;
    size_t n = size - 3;
    char p1[32], p2[32];
    int fd1 = memfile(file, two ? cut : n, p1), fd2 = -1;
    const char *paths[2] = {p1, p2};
    struct mops_cap_opts o = {0};
    if (two) {
        fd2 = memfile(file + cut, n - cut, p2);
        o.paths = paths;
        o.n_paths = 2;
    } else {
        o.path = p1;
    }
    struct mops_cap *c;
    char err[MOPS_CAP_ERRLEN];
    if (mops_cap_open(&o, &c, err) == 0) {
        struct mops_frame f[BATCH];
        unsigned frames = 0;
        for (int r = MOPS_CAP_FRAME; r != MOPS_CAP_END && frames < 100000;) {
            unsigned got = 0;
            if (batches)
                r = mops_cap_next_batch(c, f, BATCH, &got);
            else
                got = (r = mops_cap_next(c, f)) == MOPS_CAP_FRAME;
            if (r == MOPS_CAP_ERROR) {
                const char *e = mops_cap_error(c);
                if (!e || !*e)
                    abort(); /* a failed read says why */
                break;
            }
            for (unsigned i = 0; i < got; i++)
                touch(c, &f[i]);
            frames += got;
        }
        for (unsigned i = 0; i < mops_cap_n_ifaces(c); i++)
            sink ^= (uint8_t)strlen(mops_cap_iface(c, i)->name);
        if (mops_cap_comment(c))
            sink ^= (uint8_t)strlen(mops_cap_comment(c));
        mops_cap_close(c);
    } else if (!memchr(err, 0, sizeof err) || !err[0]) {
        abort();
    }
    close(fd1);
    if (fd2 >= 0)
        close(fd2);
    return 0;
}
