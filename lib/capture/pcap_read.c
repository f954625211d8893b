/* The classic pcap format read in large chunks (chunk.c), records parsed
 * where they lie. Only the common files come here: version 2.4, either
 * byte order, micro- or nanosecond magic, link types this library decodes.
 * libpcap keeps everything else, and the messages below are libpcap 1.10's
 * own, so that a damaged file reads the same either way. */
#include <stdlib.h>
#include <string.h>

#include "mops/core/timers.h"

#include "internal.h"

#define MAX_CAPLEN 262144u /* libpcap's MAXIMUM_SNAPLEN */
#define REC_HDR 16u

struct mops_pcap_reader {
    struct mops_chunk in;
    bool swap, nano;
    uint32_t snaplen;
};

static uint32_t u32(const struct mops_pcap_reader *r, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return r->swap ? __builtin_bswap32(v) : v;
}

/* The link types decode_link.c knows; their numbers are libpcap's DLT
 * numbers too (or mapped by mops_dlt_to_linktype) and their maximum
 * snapshot is libpcap's usual one. Others (D-Bus, USBPcap, ...) stay with
 * libpcap. */
static bool fast_linktype(uint32_t lt)
{
    return lt == 0 || lt == 1 || lt == 12 || lt == 14 || lt == 101 || lt == 108 || lt == 113 ||
           (lt >= 147 && lt <= 162) || lt == 228 || lt == 229 || lt == 276;
}

struct mops_pcap_reader *mops_pcap_open(int fd, const uint8_t hdr[24], struct mops_cap *c)
{
    uint32_t magic;
    memcpy(&magic, hdr, 4);
    bool swap = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
    bool nano = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
    if (!swap && magic != 0xa1b2c3d4u && magic != 0xa1b23c4du)
        return NULL;
    struct mops_pcap_reader probe = {.swap = swap};
    uint16_t major, minor;
    memcpy(&major, hdr + 4, 2);
    memcpy(&minor, hdr + 6, 2);
    if (swap) {
        major = __builtin_bswap16(major);
        minor = __builtin_bswap16(minor);
    }
    uint32_t snaplen = u32(&probe, hdr + 16), linktype = u32(&probe, hdr + 20) & 0x03ffffffu;
    if (major != 2 || minor != 4 || !fast_linktype(linktype))
        return NULL;
    struct mops_pcap_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (mops_chunk_init(&r->in, fd, NULL, 0, 24) < 0) {
        free(r);
        return NULL;
    }
    r->in.unpack = c->unpack;
    r->swap = swap;
    r->nano = nano;
    /* As libpcap, which keeps it in an int: 0 or "negative" means its maximum. */
    r->snaplen = snaplen && snaplen <= INT32_MAX ? snaplen : MAX_CAPLEN;
    mops_cap_add_iface(c, mops_dlt_to_linktype((int)linktype), r->snaplen, "", nano ? 9 : 6);
    return r;
}

static int truncated(struct mops_cap *c, const char *what, size_t want, size_t got)
{
    snprintf(c->err, sizeof c->err, "%.200s: truncated dump file; tried to read %zu %s bytes, only got %zu", c->name,
             want, what, got);
    return MOPS_CAP_ERROR;
}

/* The record at buf + pos if it is whole in the buffer: MOPS_CAP_FRAME, or
 * MOPS_CAP_END when more must be read first (or the file ended there), or
 * MOPS_CAP_ERROR (judged only once the file has no more to give). */
static int record(struct mops_pcap_reader *r, struct mops_cap *c, struct mops_frame *f)
{
    size_t left = mops_chunk_left(&r->in);
    if (left < REC_HDR)
        return r->in.eof && left ? truncated(c, "header", REC_HDR, left) : MOPS_CAP_END;
    const uint8_t *h = r->in.buf + r->in.pos;
    uint32_t caplen = u32(r, h + 8), len = u32(r, h + 12);
    if (caplen > MAX_CAPLEN) {
        if (caplen > r->snaplen)
            snprintf(c->err, sizeof c->err, "%.200s: invalid packet capture length %u, bigger than snaplen of %u",
                     c->name, caplen, r->snaplen);
        else
            snprintf(c->err, sizeof c->err, "%.200s: invalid packet capture length %u, bigger than maximum of %u",
                     c->name, caplen, MAX_CAPLEN);
        return MOPS_CAP_ERROR;
    }
    /* A record longer than the snapshot length is cut to it (libpcap). */
    uint32_t keep = caplen > r->snaplen ? r->snaplen : caplen;
    if (left - REC_HDR < caplen) {
        if (!r->in.eof)
            return MOPS_CAP_END;
        size_t got = left - REC_HDR;
        return truncated(c, "captured", got < keep ? keep : caplen, got);
    }
    uint64_t sec = u32(r, h), frac = u32(r, h + 4);
    f->ts_ns = sec * MOPS_NS_PER_SEC + frac * (r->nano ? 1u : 1000u);
    f->caplen = keep;
    f->wirelen = len < keep ? keep : len;
    f->linktype = c->ifaces[0].linktype;
    f->ifid = 0;
    f->data = h + REC_HDR;
    f->comment = NULL;
    f->comment_len = 0;
    r->in.pos += REC_HDR + caplen;
    return MOPS_CAP_FRAME;
}

int mops_pcap_next(struct mops_pcap_reader *r, struct mops_cap *c, struct mops_frame *f, bool refill)
{
    int rc = record(r, c, f);
    if (rc != MOPS_CAP_END || !refill || r->in.eof)
        return rc;
    /* The header, then the whole record, read in one go where they can. */
    if (mops_chunk_fill(&r->in, c, REC_HDR) < 0)
        return MOPS_CAP_ERROR;
    if (mops_chunk_left(&r->in) >= REC_HDR) {
        uint32_t caplen = u32(r, r->in.buf + r->in.pos + 8);
        if (caplen <= MAX_CAPLEN && mops_chunk_fill(&r->in, c, REC_HDR + caplen) < 0)
            return MOPS_CAP_ERROR;
    }
    if (mops_cap_stopped(c))
        return MOPS_CAP_END;
    return record(r, c, f);
}

void mops_pcap_close(struct mops_pcap_reader *r)
{
    if (!r)
        return;
    mops_chunk_free(&r->in);
    free(r);
}
