/* Capture writers: classic pcap through libpcap's dumper, pcapng with our
 * own blocks (libpcap 1.10 cannot write pcapng). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/capture/dump.h"
#include "mops/core/timers.h"

struct mops_dump {
    enum mops_dump_format fmt;
    FILE *fp;
    bool is_stdout;
    pcap_t *dead;          /* pcap */
    pcap_dumper_t *dumper; /* pcap */
    uint32_t pcap_linktype;
    unsigned n_ifaces; /* pcapng */
    uint64_t bytes;
    bool failed;
    char err[MOPS_CAP_ERRLEN];
};

enum mops_dump_format mops_dump_format_for(const char *path)
{
    size_t n = strlen(path);
    if ((n >= 7 && strcmp(path + n - 7, ".pcapng") == 0) || (n >= 5 && strcmp(path + n - 5, ".ntar") == 0))
        return MOPS_DUMP_PCAPNG;
    return MOPS_DUMP_PCAP;
}

static int put(struct mops_dump *d, const void *p, size_t n)
{
    if (d->failed)
        return -1;
    if (n == 0)
        return 0;
    if (fwrite(p, 1, n, d->fp) != n) {
        d->failed = true;
        snprintf(d->err, sizeof d->err, "write failed: %s", strerror(errno));
        return -1;
    }
    d->bytes += n;
    return 0;
}

static int put32(struct mops_dump *d, uint32_t v) { return put(d, &v, 4); }
static int put16(struct mops_dump *d, uint16_t v) { return put(d, &v, 2); }

/* One option: code, length, value padded to 4. */
static int put_opt(struct mops_dump *d, uint16_t code, const void *v, uint16_t len)
{
    static const uint8_t zero[4];
    put16(d, code);
    put16(d, len);
    put(d, v, len);
    return put(d, zero, (4 - len % 4) % 4);
}

static uint32_t opt_size(uint16_t len) { return 4 + ((len + 3u) & ~3u); }

static int write_shb(struct mops_dump *d, const char *comment)
{
    static const char app[] = "mops " MOPS_VERSION_STRING;
    uint16_t alen = (uint16_t)strlen(app);
    size_t clen0 = comment ? strlen(comment) : 0;
    uint16_t clen = (uint16_t)(clen0 < UINT16_MAX ? clen0 : UINT16_MAX);
    uint32_t total = 28 + (clen ? opt_size(clen) : 0) + opt_size(alen) + 4;
    put32(d, 0x0A0D0D0A);
    put32(d, total);
    put32(d, 0x1A2B3C4D);
    put16(d, 1);
    put16(d, 0);
    uint64_t section_len = UINT64_MAX; /* unknown: we stream */
    put(d, &section_len, 8);
    if (clen)
        put_opt(d, 1, comment, clen); /* shb_comment, the source's kept */
    put_opt(d, 4, app, alen);         /* shb_userappl */
    put_opt(d, 0, NULL, 0);
    return put32(d, total);
}

int mops_dump_add_iface(struct mops_dump *d, const struct mops_cap_iface *i)
{
    if (d->fmt == MOPS_DUMP_PCAP) {
        if (d->dumper && i->linktype != d->pcap_linktype) {
            snprintf(d->err, sizeof d->err, "a pcap file holds one link type (%u), not also %u: write pcapng instead",
                     d->pcap_linktype, i->linktype);
            return -1;
        }
        return 0;
    }
    uint16_t nlen = (uint16_t)strnlen(i->name, sizeof i->name);
    uint16_t dlen = (uint16_t)strnlen(i->description, sizeof i->description);
    uint8_t tsresol = 9; /* nanoseconds */
    /* 20: fixed part and trailing length; 4: end of options */
    uint32_t total = 20 + (nlen ? opt_size(nlen) : 0) + (dlen ? opt_size(dlen) : 0) + opt_size(1) + 4;
    put32(d, 1);
    put32(d, total);
    put16(d, (uint16_t)i->linktype);
    put16(d, 0);
    put32(d, i->snaplen);
    if (nlen)
        put_opt(d, 2, i->name, nlen); /* if_name */
    if (dlen)
        put_opt(d, 3, i->description, dlen); /* if_description */
    put_opt(d, 9, &tsresol, 1);              /* if_tsresol */
    put_opt(d, 0, NULL, 0);
    if (put32(d, total) < 0)
        return -1;
    return (int)d->n_ifaces++;
}

int mops_dump_open(const char *path, enum mops_dump_format fmt, const struct mops_cap_iface *ifaces, unsigned n_ifaces,
                   struct mops_dump **out, char err[MOPS_CAP_ERRLEN])
{
    return mops_dump_open_section(path, fmt, ifaces, n_ifaces, NULL, out, err);
}

int mops_dump_open_section(const char *path, enum mops_dump_format fmt, const struct mops_cap_iface *ifaces,
                           unsigned n_ifaces, const char *comment, struct mops_dump **out, char err[MOPS_CAP_ERRLEN])
{
    return mops_dump_open_fp(NULL, path, fmt, ifaces, n_ifaces, comment, out, err);
}

int mops_dump_open_fp(FILE *fp, const char *path, enum mops_dump_format fmt, const struct mops_cap_iface *ifaces,
                      unsigned n_ifaces, const char *comment, struct mops_dump **out, char err[MOPS_CAP_ERRLEN])
{
    *out = NULL;
    struct mops_dump *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, MOPS_CAP_ERRLEN, "out of memory");
        return -1;
    }
    d->fmt = fmt;
    d->is_stdout = !fp && strcmp(path, "-") == 0;
    d->fp = fp ? fp : d->is_stdout ? stdout : fopen(path, "wb");
    if (!d->fp) {
        snprintf(err, MOPS_CAP_ERRLEN, "%s: %s", path, strerror(errno));
        free(d);
        return -1;
    }
    if (fmt == MOPS_DUMP_PCAP) {
        if (n_ifaces == 0) {
            snprintf(err, MOPS_CAP_ERRLEN, "%s: a pcap file needs a link type", path);
            mops_dump_close(d);
            return -1;
        }
        for (unsigned i = 1; i < n_ifaces; i++)
            if (ifaces[i].linktype != ifaces[0].linktype) {
                snprintf(err, MOPS_CAP_ERRLEN,
                         "%s: the input has several link types; a pcap file holds one: write pcapng", path);
                mops_dump_close(d);
                return -1;
            }
        d->pcap_linktype = ifaces[0].linktype;
        d->dead = pcap_open_dead(mops_linktype_to_dlt(ifaces[0].linktype),
                                 ifaces[0].snaplen ? (int)ifaces[0].snaplen : MOPS_CAP_DEFAULT_SNAPLEN);
        d->dumper = d->dead ? pcap_dump_fopen(d->dead, d->fp) : NULL;
        if (!d->dumper) {
            snprintf(err, MOPS_CAP_ERRLEN, "%s: %s", path, d->dead ? pcap_geterr(d->dead) : "libpcap failed");
            mops_dump_close(d);
            return -1;
        }
        d->bytes = 24;
        *out = d;
        return 0;
    }
    write_shb(d, comment);
    for (unsigned i = 0; i < n_ifaces; i++)
        mops_dump_add_iface(d, &ifaces[i]);
    if (d->failed) {
        snprintf(err, MOPS_CAP_ERRLEN, "%s: %.400s", path, d->err);
        mops_dump_close(d);
        return -1;
    }
    *out = d;
    return 0;
}

int mops_dump_write(struct mops_dump *d, const struct mops_frame *f)
{
    if (d->failed)
        return -1;
    if (d->fmt == MOPS_DUMP_PCAP) {
        if (f->linktype != d->pcap_linktype) {
            snprintf(d->err, sizeof d->err, "frame of link type %u in a pcap file of link type %u", f->linktype,
                     d->pcap_linktype);
            return -1;
        }
        struct pcap_pkthdr h;
        h.ts.tv_sec = (time_t)(f->ts_ns / MOPS_NS_PER_SEC);
        h.ts.tv_usec = (suseconds_t)(f->ts_ns % MOPS_NS_PER_SEC / 1000u);
        h.caplen = f->caplen;
        h.len = f->wirelen;
        pcap_dump((u_char *)d->dumper, &h, f->data);
        d->bytes += 16 + f->caplen;
        if (ferror(d->fp)) {
            d->failed = true;
            snprintf(d->err, sizeof d->err, "write failed: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    if (f->ifid >= d->n_ifaces) {
        snprintf(d->err, sizeof d->err, "frame of interface %u, only %u described", f->ifid, d->n_ifaces);
        return -1;
    }
    static const uint8_t zero[4];
    uint32_t pad = (4 - f->caplen % 4) % 4;
    uint16_t clen = (uint16_t)(f->comment_len < UINT16_MAX ? f->comment_len : UINT16_MAX);
    uint32_t total = 32 + f->caplen + pad + (clen ? opt_size(clen) + 4 : 0);
    put32(d, 6);
    put32(d, total);
    put32(d, f->ifid);
    put32(d, (uint32_t)(f->ts_ns >> 32));
    put32(d, (uint32_t)f->ts_ns);
    put32(d, f->caplen);
    put32(d, f->wirelen);
    put(d, f->data, f->caplen);
    put(d, zero, pad);
    if (clen) {
        put_opt(d, 1, f->comment, clen); /* opt_comment, kept */
        put_opt(d, 0, NULL, 0);
    }
    return put32(d, total);
}

int mops_dump_flush(struct mops_dump *d)
{
    if (fflush(d->fp) != 0 && !d->failed) {
        d->failed = true;
        snprintf(d->err, sizeof d->err, "write failed: %s", strerror(errno));
    }
    return d->failed ? -1 : 0;
}

int mops_dump_close(struct mops_dump *d)
{
    if (!d)
        return 0;
    int rc = d->fp ? mops_dump_flush(d) : 0;
    /* A pcap_dumper_t is libpcap's FILE *: closing the FILE ourselves (never
     * stdout) is pcap_dump_close without losing fclose's error. */
    if (d->fp && !d->is_stdout && fclose(d->fp) != 0)
        rc = -1;
    if (d->dead)
        pcap_close(d->dead);
    free(d);
    return rc;
}

const char *mops_dump_error(const struct mops_dump *d) { return d->err; }
uint64_t mops_dump_bytes(const struct mops_dump *d) { return d->bytes; }
