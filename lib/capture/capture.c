/* Opening captures (files of either format, stdin, live interfaces), BPF
 * filters, the frame loop, stats and interface listing, over libpcap. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mops/core/timers.h"

#include "internal.h"

#define MAX_IFACES 65536

static void set_err(char *err, const char *fmt, const char *a, const char *b)
{
    snprintf(err, MOPS_CAP_ERRLEN, fmt, a, b);
}

int mops_cap_add_iface(struct mops_cap *c, uint32_t linktype, uint32_t snaplen, const char *name, uint8_t ts_digits)
{
    if (c->n_ifaces >= MAX_IFACES)
        return -1;
    struct mops_cap_iface *grown = mops_grow(c->ifaces, &c->cap_ifaces, c->n_ifaces, sizeof *c->ifaces, 4);
    if (!grown)
        return -1;
    c->ifaces = grown;
    struct mops_cap_iface *i = &c->ifaces[c->n_ifaces];
    i->linktype = linktype;
    i->snaplen = snaplen;
    snprintf(i->name, sizeof i->name, "%s", name ? name : "");
    i->description[0] = 0;
    i->ts_digits = ts_digits;
    return (int)c->n_ifaces++;
}

/* stdin cannot be rewound after its header is read: this stream gives the
 * peeked octets back before the rest, so libpcap sees the whole file. */
struct peek_stream {
    FILE *under;
    uint8_t buf[24];
    size_t n, pos;
};

static ssize_t peek_read(void *cookie, char *out, size_t size)
{
    struct peek_stream *p = cookie;
    if (p->pos < p->n) {
        size_t k = p->n - p->pos < size ? p->n - p->pos : size;
        memcpy(out, p->buf + p->pos, k);
        p->pos += k;
        return (ssize_t)k;
    }
    size_t k = fread(out, 1, size, p->under);
    if (k == 0 && ferror(p->under))
        return -1;
    return (ssize_t)k;
}

static int peek_close(void *cookie)
{
    struct peek_stream *p = cookie;
    int rc = p->under == stdin ? 0 : fclose(p->under);
    free(p);
    return rc;
}

static FILE *replay_stream(FILE *under, const uint8_t *peeked, size_t n)
{
    struct peek_stream *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->under = under;
    memcpy(p->buf, peeked, n);
    p->n = n;
    cookie_io_functions_t io = {.read = peek_read, .close = peek_close};
    FILE *f = fopencookie(p, "r", io);
    if (!f)
        free(p);
    return f;
}

/* Reads up to n octets (fewer only at the end), decompressed if the file
 * is; -1 on an error. */
static ssize_t read_full(const struct mops_cap *c, int fd, uint8_t *dst, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = c->unpack ? mops_unpack_read(c->unpack, dst + got, n - got) : read(fd, dst + got, n - got);
        if (k < 0 && c->unpack)
            return -1;
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

int mops_linktype_to_dlt(uint32_t linktype) { return linktype == 101 ? DLT_RAW : (int)linktype; }

uint32_t mops_dlt_to_linktype(int dlt)
{
    /* DLT_RAW is 12 on most systems and 14 on OpenBSD. */
    return dlt == DLT_RAW || dlt == 12 || dlt == 14 ? 101u : (uint32_t)dlt;
}

/* A compressed file for libpcap (the variants our readers leave to it):
 * the decompressed octets as a stream; the capture closes the rest. */
static ssize_t unpack_read(void *cookie, char *out, size_t size)
{
    ssize_t k = mops_unpack_read(cookie, (uint8_t *)out, size);
    if (k < 0)
        errno = EIO;
    return k;
}

static int open_file(struct mops_cap *c, const struct mops_cap_opts *o, char *err)
{
    bool is_stdin = strcmp(o->path, "-") == 0;
    const char *name = is_stdin ? "standard input" : o->path;
    snprintf(c->name, sizeof c->name, "%s", name);
    /* The header through the descriptor, so that stdin's stdio buffer is
     * still empty for libpcap, which takes a FILE. */
    int fd = is_stdin ? STDIN_FILENO : open(o->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, "%s: %s", o->path, strerror(errno));
        return -1;
    }
    uint8_t hdr[24];
    ssize_t n = read_full(c, fd, hdr, 4);
    enum mops_pack pack = n == 4 ? mops_pack_of(hdr, 4) : MOPS_PACK_NONE;
    if (pack != MOPS_PACK_NONE) {
        /* Compressed: the readers below see the plain file (unpack.c). */
        if (!(c->unpack = mops_unpack_new(pack, fd, hdr, 4))) {
            set_err(err, "%s: %s", name, "out of memory");
            if (!is_stdin)
                close(fd);
            return -1;
        }
        c->fd = fd;
        n = read_full(c, fd, hdr, 4);
    }
    if (n < 4) {
        if (n < 0 && c->unpack)
            set_err(err, "%s: %s", name, mops_unpack_error(c->unpack));
        else if (n < 0)
            set_err(err, "%s: %s", name, strerror(errno));
        else
            set_err(err, "%s: %s", name, n == 0 ? "empty file, not a capture" : "file too short to be a capture");
        if (!is_stdin && c->fd != fd) /* else mops_cap_close closes it */
            close(fd);
        return -1;
    }
    uint32_t be = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
    bool nano = be == 0xa1b23c4du || be == 0x4d3cb2a1u;
    if (nano || be == 0xa1b2c3d4u || be == 0xd4c3b2a1u) {
        ssize_t k = read_full(c, fd, hdr + 4, 20);
        n = k < 0 ? 4 : 4 + k;
        if (n == 24 && (c->pc = mops_pcap_open(fd, hdr, c)) != NULL) {
            c->fd = fd;
            return 0;
        }
    }
    if (be == MOPS_PCAPNG_SHB) {
        c->pcapng = true;
        c->ng = mops_pcapng_open(fd, hdr, 4, c);
        if (!c->ng) {
            snprintf(err, MOPS_CAP_ERRLEN, "%s", c->err); /* names the file already */
            if (!is_stdin && c->fd != fd)
                close(fd);
            return -1;
        }
        c->fd = fd;
        return 0;
    }
    cookie_io_functions_t unpacked = {.read = unpack_read};
    FILE *fp = c->unpack ? fopencookie(c->unpack, "r", unpacked) : is_stdin ? stdin : fdopen(fd, "rb");
    if (!fp) {
        set_err(err, "%s: %s", name, strerror(errno));
        if (c->fd != fd)
            close(fd);
        return -1;
    }
    if (!is_stdin)
        setvbuf(fp, NULL, _IOFBF, 1 << 20);
    /* Anything else goes to libpcap, which knows every pcap variant and
     * says clearly what is wrong with a file that is none. */
    FILE *pf = fp;
    if (is_stdin || fseek(fp, 0, SEEK_SET) != 0)
        pf = replay_stream(fp, hdr, (size_t)n);
    if (!pf) {
        set_err(err, "%s: %s", name, strerror(errno));
        if (!is_stdin)
            fclose(fp);
        return -1;
    }
    char perr[PCAP_ERRBUF_SIZE] = "";
    c->pcap = pcap_fopen_offline_with_tstamp_precision(pf, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!c->pcap) {
        set_err(err, "%s: %s", name, perr);
        if (pf != stdin)
            fclose(pf);
        return -1;
    }
    /* The file's own precision: the nanosecond magic, else microseconds. */
    mops_cap_add_iface(c, mops_dlt_to_linktype(pcap_datalink(c->pcap)), (uint32_t)pcap_snapshot(c->pcap), "",
                       nano ? 9 : 6);
    return 0;
}

static int open_live(struct mops_cap *c, const struct mops_cap_opts *o, char *err)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    c->live = true;
    c->pcap = pcap_create(o->iface, perr);
    if (!c->pcap) {
        set_err(err, "%s: %s", o->iface, perr);
        return -1;
    }
    int snaplen = o->snaplen > 0 ? o->snaplen : MOPS_CAP_DEFAULT_SNAPLEN;
    int buffer = o->buffer_kib > 0 ? o->buffer_kib * 1024 : 0;
    /* Before activation these fail only on a handle already active. */
    int set = pcap_set_snaplen(c->pcap, snaplen) | pcap_set_promisc(c->pcap, !o->no_promisc) |
              pcap_set_timeout(c->pcap, o->timeout_ms > 0 ? o->timeout_ms : 100);
    if (o->immediate) {
        set |= pcap_set_immediate_mode(c->pcap, 1);
        /* Immediate mode makes libpcap use TPACKET_V2, whose ring slots are
         * each a whole snaplen: the 2 MiB default would hold ~7 frames and
         * drop any burst. Room for 64 full frames unless told otherwise. */
        if (!buffer)
            buffer = 64 * snaplen;
    }
    if (buffer)
        set |= pcap_set_buffer_size(c->pcap, buffer);
    if (set) {
        set_err(err, "%s: cannot set the capture's options: %s", o->iface, pcap_geterr(c->pcap));
        return -1;
    }
    /* Nanoseconds where the device gives them; else microseconds, as read
     * back once active. */
    int nano = pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO);
    (void)nano;
    int rc = pcap_activate(c->pcap);
    if (rc < 0) {
        const char *why = pcap_geterr(c->pcap);
        switch (rc) {
            case PCAP_ERROR_NO_SUCH_DEVICE:
                set_err(err, "%s: no such interface (mopsdump -D lists them)%s", o->iface, "");
                break;
            case PCAP_ERROR_PERM_DENIED:
                set_err(err, "%s: permission denied: capturing needs root or CAP_NET_RAW (%s)", o->iface, why);
                break;
            case PCAP_ERROR_IFACE_NOT_UP: set_err(err, "%s: interface is not up%s", o->iface, ""); break;
            default: set_err(err, "%s: %s", o->iface, why && *why ? why : pcap_statustostr(rc));
        }
        return -1;
    }
    if (rc > 0)
        snprintf(c->warn, sizeof c->warn, "%s: %s", o->iface,
                 *pcap_geterr(c->pcap) ? pcap_geterr(c->pcap) : pcap_statustostr(rc));
    /* As tcpdump does, cooked v2 on "any" so the interface index is kept. */
    if (strcmp(o->iface, "any") == 0 && pcap_set_datalink(c->pcap, DLT_LINUX_SLL2) != 0)
        snprintf(c->warn, sizeof c->warn, "%s: no cooked v2 link type, interface indexes not kept (%s)", o->iface,
                 pcap_geterr(c->pcap));
    mops_cap_add_iface(c, mops_dlt_to_linktype(pcap_datalink(c->pcap)), (uint32_t)pcap_snapshot(c->pcap), o->iface,
                       pcap_get_tstamp_precision(c->pcap) == PCAP_TSTAMP_PRECISION_NANO ? 9 : 6);
    return 0;
}

static int compile_for(const char *expr, uint32_t linktype, uint32_t snaplen, struct bpf_program *prog, char *err)
{
    pcap_t *dead = pcap_open_dead(mops_linktype_to_dlt(linktype), snaplen ? (int)snaplen : MOPS_CAP_DEFAULT_SNAPLEN);
    if (!dead) {
        set_err(err, "cannot compile a filter for link type %s%s", "", "");
        return -1;
    }
    int rc = pcap_compile(dead, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
    if (rc < 0)
        set_err(err, "bad filter expression: %s (\"%s\")", pcap_geterr(dead), expr);
    pcap_close(dead);
    return rc < 0 ? -1 : 0;
}

int mops_cap_check_filter(const char *expr, uint32_t linktype, char err[MOPS_CAP_ERRLEN])
{
    struct bpf_program prog;
    if (compile_for(expr, linktype, 0, &prog, err) < 0)
        return -1;
    pcap_freecode(&prog);
    return 0;
}

/* pcapng: a program per interface, compiled when the interface appears. An
 * expression that means nothing on an interface's link type (e.g. "udp" on
 * bare USER0) matches none of its frames, with a warning; typos were caught
 * at open. */
static int ensure_progs(struct mops_cap *c)
{
    while (c->n_progs < c->n_ifaces) {
        struct mops_cap_prog *p = realloc(c->progs, (c->n_progs + 1) * sizeof *p);
        if (!p) {
            snprintf(c->err, sizeof c->err, "out of memory compiling the filter");
            return -1;
        }
        c->progs = p;
        const struct mops_cap_iface *i = &c->ifaces[c->n_progs];
        char why[MOPS_CAP_ERRLEN];
        p[c->n_progs].usable = compile_for(c->filter, i->linktype, i->snaplen, &p[c->n_progs].prog, why) == 0;
        if (!p[c->n_progs].usable)
            snprintf(c->warn, sizeof c->warn,
                     "the filter does not apply to interface %u (link type %u); its frames are skipped", c->n_progs,
                     i->linktype);
        c->n_progs++;
    }
    return 0;
}

int mops_cap_open(const struct mops_cap_opts *o, struct mops_cap **out, char err[MOPS_CAP_ERRLEN])
{
    *out = NULL;
    err[0] = 0;
    if (o->n_paths == 1 && !o->path) {
        struct mops_cap_opts one = *o;
        one.path = o->paths[0];
        one.n_paths = 0;
        return mops_cap_open(&one, out, err);
    }
    if (o->n_paths > 1) {
        struct mops_cap *m = calloc(1, sizeof *m);
        if (!m) {
            set_err(err, "out of memory%s%s", "", "");
            return -1;
        }
        m->fd = -1;
        if (mops_multi_open(m, o, err) < 0) {
            mops_cap_close(m);
            return -1;
        }
        *out = m;
        return 0;
    }
    if (!o->path == !o->iface) {
        set_err(err, "give either a file or an interface%s%s", "", "");
        return -1;
    }
    struct mops_cap *c = calloc(1, sizeof *c);
    if (!c) {
        set_err(err, "out of memory%s%s", "", "");
        return -1;
    }
    c->fd = -1;
    if ((o->path ? open_file(c, o, err) : open_live(c, o, err)) < 0) {
        mops_cap_close(c);
        return -1;
    }
    if (o->filter && *o->filter) {
        c->filter = strdup(o->filter);
        if (c->pcap) {
            struct bpf_program prog;
            if (pcap_compile(c->pcap, &prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
                set_err(err, "bad filter expression: %s (\"%s\")", pcap_geterr(c->pcap), o->filter);
                mops_cap_close(c);
                return -1;
            }
            int rc = pcap_setfilter(c->pcap, &prog);
            pcap_freecode(&prog);
            if (rc < 0) {
                set_err(err, "cannot apply the filter: %s%s", pcap_geterr(c->pcap), "");
                mops_cap_close(c);
                return -1;
            }
        } else {
            /* Check the expression now, so that a typo is reported before
             * reading: against the file's link type (one, known now, as
             * libpcap does), else against Ethernet; the per-interface
             * programs come later. */
            if (mops_cap_check_filter(o->filter, c->pc ? c->ifaces[0].linktype : 1, err) < 0) {
                mops_cap_close(c);
                return -1;
            }
        }
    }
    *out = c;
    return 0;
}

static int next_pcap(struct mops_cap *c, struct mops_frame *f)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(c->pcap, &h, &data);
    if (rc == 1) {
        f->ts_ns =
            (uint64_t)h->ts.tv_sec * MOPS_NS_PER_SEC +
            (uint64_t)h->ts.tv_usec * (pcap_get_tstamp_precision(c->pcap) == PCAP_TSTAMP_PRECISION_NANO ? 1u : 1000u);
        f->caplen = h->caplen;
        f->wirelen = h->len < h->caplen ? h->caplen : h->len;
        f->linktype = c->ifaces[0].linktype;
        f->ifid = 0;
        f->data = data;
        f->comment = NULL;
        f->comment_len = 0;
        c->seen++;
        return MOPS_CAP_FRAME;
    }
    if (rc == 0)
        return MOPS_CAP_TIMEOUT;
    if (rc == PCAP_ERROR_BREAK)
        return mops_cap_stopped(c) || !c->live ? MOPS_CAP_END : MOPS_CAP_TIMEOUT;
    if (c->live)
        snprintf(c->err, sizeof c->err, "%s", pcap_geterr(c->pcap));
    else if (c->unpack && mops_unpack_error(c->unpack)[0]) /* what libpcap saw as a read error */
        snprintf(c->err, sizeof c->err, "%.200s: %.300s", c->name, mops_unpack_error(c->unpack));
    else
        snprintf(c->err, sizeof c->err, "%.200s: %.300s", c->name, pcap_geterr(c->pcap));
    return MOPS_CAP_ERROR;
}

/* The readers of our own (pcap_read.c, pcapng_read.c), with the filter. */
static int next_own(struct mops_cap *c, struct mops_frame *f, bool refill)
{
    for (;;) {
        if (mops_cap_stopped(c))
            return MOPS_CAP_END;
        int rc = c->pc ? mops_pcap_next(c->pc, c, f, refill) : mops_pcapng_next(c->ng, c, f, refill);
        if (rc != MOPS_CAP_FRAME)
            return rc;
        c->seen++;
        if (c->filter) {
            if (ensure_progs(c) < 0)
                return MOPS_CAP_ERROR;
            const struct mops_cap_prog *p = &c->progs[f->ifid];
            struct pcap_pkthdr h = {.caplen = f->caplen, .len = f->wirelen};
            if (!p->usable || !pcap_offline_filter(&p->prog, &h, f->data))
                continue;
        }
        c->frames++;
        return MOPS_CAP_FRAME;
    }
}

int mops_cap_next_buffered(struct mops_cap *c, struct mops_frame *f)
{
    return c->pc || c->ng ? next_own(c, f, false) : MOPS_CAP_END;
}

int mops_cap_next(struct mops_cap *c, struct mops_frame *f)
{
    if (mops_cap_stopped(c))
        return MOPS_CAP_END;
    if (c->multi) {
        unsigned n;
        return mops_multi_next(c, f, 1, &n);
    }
    if (!c->pcap)
        return next_own(c, f, true);
    int rc = next_pcap(c, f);
    if (rc == MOPS_CAP_FRAME)
        c->frames++;
    return rc;
}

int mops_cap_next_batch(struct mops_cap *c, struct mops_frame *f, unsigned max, unsigned *n)
{
    *n = 0;
    if (c->multi)
        return mops_cap_stopped(c) ? MOPS_CAP_END : mops_multi_next(c, f, max, n);
    int rc = mops_cap_next(c, &f[0]);
    if (rc != MOPS_CAP_FRAME)
        return rc;
    *n = 1;
    /* More only from what is read already; a stop at an error or the end
     * is found again by the next call. */
    while ((c->pc || c->ng) && *n < max && next_own(c, &f[*n], false) == MOPS_CAP_FRAME)
        (*n)++;
    return MOPS_CAP_FRAME;
}

void mops_cap_break(struct mops_cap *c)
{
    __atomic_store_n(&c->stop, 1, __ATOMIC_RELAXED);
    if (c->multi)
        mops_multi_break(c->multi);
    if (c->pcap)
        pcap_breakloop(c->pcap);
}

const char *mops_cap_error(const struct mops_cap *c) { return c->err; }
const char *mops_cap_warning(const struct mops_cap *c) { return c->warn[0] ? c->warn : NULL; }
bool mops_cap_is_live(const struct mops_cap *c) { return c->live; }
bool mops_cap_is_pcapng(const struct mops_cap *c) { return c->pcapng; }
const char *mops_cap_comment(const struct mops_cap *c) { return c->comment; }
unsigned mops_cap_n_ifaces(const struct mops_cap *c) { return c->n_ifaces; }

const struct mops_cap_iface *mops_cap_iface(const struct mops_cap *c, unsigned i)
{
    return i < c->n_ifaces ? &c->ifaces[i] : NULL;
}

void mops_cap_stats(struct mops_cap *c, struct mops_cap_stats *st)
{
    memset(st, 0, sizeof *st);
    st->frames = c->frames;
    st->seen = c->seen;
    if (c->multi)
        mops_multi_seen(c->multi, &st->seen);
    struct pcap_stat ps;
    if (c->live && pcap_stats(c->pcap, &ps) == 0) {
        st->have_kernel = true;
        st->received = ps.ps_recv;
        st->dropped = ps.ps_drop;
        st->if_dropped = ps.ps_ifdrop;
    }
}

int mops_cap_fd(const struct mops_cap *c) { return c->live ? pcap_get_selectable_fd(c->pcap) : -1; }

void mops_cap_close(struct mops_cap *c)
{
    if (!c)
        return;
    if (c->pcap)
        pcap_close(c->pcap); /* closes the FILE it was given */
    mops_multi_close(c->multi);
    mops_unpack_free(c->unpack);
    mops_pcapng_close(c->ng);
    mops_pcap_close(c->pc);
    if (c->fd >= 0 && c->fd != STDIN_FILENO)
        close(c->fd);
    for (unsigned i = 0; i < c->n_progs; i++)
        if (c->progs[i].usable)
            pcap_freecode(&c->progs[i].prog);
    free(c->progs);
    free(c->filter);
    free(c->ifaces);
    free(c);
}

int mops_cap_list_interfaces(struct mops_if_info *out, int max, char err[MOPS_CAP_ERRLEN])
{
    pcap_if_t *all;
    char perr[PCAP_ERRBUF_SIZE];
    if (pcap_findalldevs(&all, perr) < 0) {
        set_err(err, "cannot list interfaces: %s%s", perr, "");
        return -1;
    }
    int n = 0;
    for (pcap_if_t *d = all; d && n < max; d = d->next, n++) {
        snprintf(out[n].name, sizeof out[n].name, "%s", d->name);
        snprintf(out[n].description, sizeof out[n].description, "%s", d->description ? d->description : "");
        out[n].up = d->flags & PCAP_IF_UP;
        out[n].running = d->flags & PCAP_IF_RUNNING;
        out[n].loopback = d->flags & PCAP_IF_LOOPBACK;
    }
    pcap_freealldevs(all);
    return n;
}
