/* Rotation as tcpdump does it: -C N starts a new file once N million octets
 * are written (file, file1, file2, ...; with -W, a ring of W zero-padded
 * names); -G S starts a new file every S seconds of wall-clock time, its name
 * passed through strftime; -G with -W stops after W files. */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mops/capture/sandbox.h"

static int digits(int n)
{
    int d = 1;
    while (n >= 10)
        n /= 10, d++;
    return d;
}

static void make_name(struct md_writer *w)
{
    const struct md_opts *o = w->o;
    char base[4096];
    if (o->rotate_seconds) {
        struct tm tm;
        localtime_r(&w->period_start, &tm);
        if (strftime(base, sizeof base, o->write_file, &tm) == 0)
            snprintf(base, sizeof base, "%s", o->write_file);
    } else {
        snprintf(base, sizeof base, "%s", o->write_file);
    }
    if (o->rotate_bytes && o->rotate_files)
        snprintf(w->name, sizeof w->name, "%.4000s%0*u", base, digits(o->rotate_files - 1), w->index);
    else if (o->rotate_bytes && w->index)
        snprintf(w->name, sizeof w->name, "%.4000s%u", base, w->index);
    else
        snprintf(w->name, sizeof w->name, "%.4000s", base);
}

static int open_file(struct md_writer *w)
{
    make_name(w);
    unsigned n = mops_cap_n_ifaces(w->cap);
    struct mops_cap_iface ifs[64];
    unsigned k = n < 64 ? n : 64;
    for (unsigned i = 0; i < k; i++)
        ifs[i] = *mops_cap_iface(w->cap, i);
    FILE *fp = NULL;
    if (w->dir_fd >= 0) {
        const char *slash = strrchr(w->name, '/');
        int fd = mops_sandbox_create(w->dir_fd, slash ? slash + 1 : w->name);
        if (fd < 0 || !(fp = fdopen(fd, "wb"))) {
            snprintf(w->err, sizeof w->err, "%.300s: %.200s", w->name, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
    }
    if (mops_dump_open_fp(fp, w->name, w->fmt, ifs, k, mops_cap_comment(w->cap), &w->d, w->err) < 0)
        return -1;
    w->n_ifaces = k;
    w->files++;
    return 0;
}

int md_writer_open(struct md_writer *w, const struct md_opts *o, const struct mops_cap *cap)
{
    memset(w, 0, sizeof *w);
    w->o = o;
    w->cap = cap;
    /* Standard output has no name to go by: keep the input's format. */
    if (strcmp(o->write_file, "-") == 0)
        w->fmt = mops_cap_is_pcapng(cap) ? MOPS_DUMP_PCAPNG : MOPS_DUMP_PCAP;
    else
        w->fmt = mops_dump_format_for(o->write_file);
    w->period_start = time(NULL);
    w->dir_fd = -1;
    /* Every file goes in the first one's directory, opened now: the
     * sandbox creates files there and nowhere else. A -G pattern whose
     * directory changes with the time cannot be followed there. */
    if (strcmp(o->write_file, "-") != 0) {
        /* "x.pcap" in ".", "/x.pcap" in "/", "a/b/x.pcap" in "a/b" */
        const char *slash = strrchr(o->write_file, '/');
        char dir[4096] = ".";
        if (slash)
            snprintf(dir, sizeof dir, "%.*s", slash == o->write_file ? 1 : (int)(slash - o->write_file), o->write_file);
        if (o->rotate_seconds && strchr(dir, '%') && !o->no_sandbox) {
            snprintf(w->err, sizeof w->err,
                     "-G with a directory that changes with the time (%.300s) needs --no-sandbox", dir);
            return -1;
        }
        if (!o->no_sandbox && (w->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
            snprintf(w->err, sizeof w->err, "%.300s: %.200s", dir, strerror(errno));
            return -1;
        }
    }
    return open_file(w);
}

static int rotate(struct md_writer *w)
{
    if (mops_dump_close(w->d) < 0) {
        w->d = NULL;
        snprintf(w->err, sizeof w->err, "%.300s: write failed", w->name);
        return -1;
    }
    w->d = NULL;
    return open_file(w);
}

int md_writer_write(struct md_writer *w, const struct mops_frame *f)
{
    const struct md_opts *o = w->o;
    if (w->done)
        return 1;
    if (o->rotate_seconds) {
        time_t now = time(NULL);
        if (now - w->period_start >= o->rotate_seconds) {
            if (o->rotate_files && !o->rotate_bytes && w->files >= o->rotate_files) {
                w->done = true;
                return 1;
            }
            w->period_start = now;
            w->index = 0;
            if (rotate(w) < 0)
                return -1;
        }
    }
    if (o->rotate_bytes && mops_dump_bytes(w->d) + f->caplen + 32 > o->rotate_bytes && mops_dump_bytes(w->d) > 64) {
        w->index++;
        if (o->rotate_files)
            w->index %= (unsigned)o->rotate_files;
        if (rotate(w) < 0)
            return -1;
    }
    /* pcapng input describes interfaces as it goes. */
    while (w->n_ifaces <= f->ifid) {
        const struct mops_cap_iface *i = mops_cap_iface(w->cap, w->n_ifaces);
        if (!i || mops_dump_add_iface(w->d, i) < 0) {
            snprintf(w->err, sizeof w->err, "%.300s: %.200s", w->name, mops_dump_error(w->d));
            return -1;
        }
        w->n_ifaces++;
    }
    if (mops_dump_write(w->d, f) < 0 || (o->packet_buffered && mops_dump_flush(w->d) < 0)) {
        snprintf(w->err, sizeof w->err, "%.300s: %.200s", w->name, mops_dump_error(w->d));
        return -1;
    }
    return 0;
}

int md_writer_close(struct md_writer *w)
{
    if (!w->d)
        return 0;
    int rc = mops_dump_close(w->d);
    w->d = NULL;
    if (rc < 0)
        snprintf(w->err, sizeof w->err, "%.300s: write failed", w->name);
    return rc;
}
