/* A pcapng reader (libpcap 1.10 neither reports interface ids nor reads
 * interfaces of different link types): SHB, IDB, EPB, SPB, the obsolete
 * Packet Block; other blocks are skipped. Both byte orders, several sections,
 * per-interface timestamp resolution and offset. Every length is checked
 * before use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/timers.h"

#include "internal.h"

#define BT_IDB 1u
#define BT_PB 2u
#define BT_SPB 3u
#define BT_EPB 6u
#define MAX_BLOCK (16u << 20) /* larger is taken as corruption, not allocated */
#define MAX_CAPLEN (256u << 10)

struct ng_iface {
    uint64_t units_per_sec; /* if_tsresol */
    int64_t offset_sec;     /* if_tsoffset */
    uint32_t snaplen;
    uint32_t cap_index; /* index in mops_cap's interface list */
};

struct mops_pcapng_reader {
    FILE *fp;
    bool swap;         /* file byte order differs from the host's */
    bool file_be;      /* the section is big-endian */
    uint64_t pos;      /* octets consumed (ftello fails on pipes) */
    uint64_t file_off; /* of the current block */
    uint8_t *buf;
    size_t buf_size;
    struct ng_iface *ifs; /* of the current section */
    unsigned n_ifs, cap_ifs;
    uint8_t pending[4]; /* octets read before the reader existed */
    size_t n_pending;
    bool have_block;     /* a block read ahead at open, not yet handled */
    bool deferred_error; /* the read-ahead failed: reported by the first read, as any read error */
    uint32_t block_type, block_len;
};

static uint32_t rd32(const struct mops_pcapng_reader *r, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const struct mops_pcapng_reader *r, const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return r->swap ? __builtin_bswap16(v) : v;
}

/* Reads exactly n octets; 1 done, 0 clean end before any octet, -1 short. */
static int read_exact(struct mops_pcapng_reader *r, uint8_t *dst, size_t n)
{
    size_t got = 0;
    while (r->n_pending && got < n) {
        dst[got++] = r->pending[0];
        memmove(r->pending, r->pending + 1, --r->n_pending);
    }
    size_t k = fread(dst + got, 1, n - got, r->fp);
    r->pos += k; /* the pending octets were counted when they were peeked */
    got += k;
    if (got == n)
        return 1;
    return got == 0 ? 0 : -1;
}

static int grow(struct mops_pcapng_reader *r, size_t n)
{
    if (n <= r->buf_size)
        return 0;
    uint8_t *p = realloc(r->buf, n);
    if (!p)
        return -1;
    r->buf = p;
    r->buf_size = n;
    return 0;
}

static int fail(struct mops_cap *c, const struct mops_pcapng_reader *r, const char *why)
{
    snprintf(c->err, sizeof c->err, "%s%scorrupt pcapng at file offset %llu: %s", c->name, c->name[0] ? ": " : "",
             (unsigned long long)r->file_off, why);
    return MOPS_CAP_ERROR;
}

/* Reads the block whose first 4 octets (type) are in hdr; leaves the body
 * (after type and length, before the trailing length) in r->buf. */
static int read_block(struct mops_pcapng_reader *r, struct mops_cap *c, const uint8_t hdr[8], uint32_t *body_len)
{
    uint32_t total = rd32(r, hdr + 4);
    if (total < 12 || total % 4 != 0 || total > MAX_BLOCK) {
        char why[96];
        snprintf(why, sizeof why, "block length %u is not a multiple of 4 from 12 to %u", total, MAX_BLOCK);
        return fail(c, r, why);
    }
    if (grow(r, total) < 0)
        return fail(c, r, "out of memory");
    if (read_exact(r, r->buf, total - 8) != 1) {
        if (ferror(r->fp))
            return fail(c, r, strerror(errno));
        return fail(c, r, "file ends inside a block (truncated capture)");
    }
    if (rd32(r, r->buf + total - 12) != total)
        return fail(c, r, "trailing block length differs from the leading one");
    *body_len = total - 12;
    return MOPS_CAP_FRAME;
}

/* Section Header Block: the byte-order magic decides how to read the rest. */
static int read_shb(struct mops_pcapng_reader *r, struct mops_cap *c, uint8_t hdr[8])
{
    uint8_t bom[4];
    if (read_exact(r, bom, 4) != 1)
        return fail(c, r, "file ends inside the section header");
    uint32_t le = (uint32_t)bom[0] | (uint32_t)bom[1] << 8 | (uint32_t)bom[2] << 16 | (uint32_t)bom[3] << 24;
    if (le == MOPS_PCAPNG_BOM)
        r->file_be = false;
    else if (__builtin_bswap32(le) == MOPS_PCAPNG_BOM)
        r->file_be = true;
    else
        return fail(c, r, "section header with an unknown byte-order magic");
    r->swap = r->file_be != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
    uint32_t total = rd32(r, hdr + 4);
    if (total < 28 || total % 4 != 0 || total > MAX_BLOCK)
        return fail(c, r, "section header length out of range");
    if (grow(r, total) < 0)
        return fail(c, r, "out of memory");
    if (read_exact(r, r->buf, total - 12) != 1)
        return fail(c, r, "file ends inside the section header");
    if (rd32(r, r->buf + total - 16) != total)
        return fail(c, r, "trailing block length differs from the leading one");
    uint16_t major = rd16(r, r->buf);
    if (major != 1)
        return fail(c, r, "pcapng major version is not 1");
    r->n_ifs = 0; /* interface ids restart with each section */
    return MOPS_CAP_END;
}

static int add_iface(struct mops_pcapng_reader *r, struct mops_cap *c, const uint8_t *b, uint32_t n)
{
    if (n < 8)
        return fail(c, r, "interface description shorter than 8 octets");
    uint32_t linktype = rd16(r, b);
    uint32_t snaplen = rd32(r, b + 4);
    struct ng_iface ifc = {1000000, 0, snaplen, 0};
    uint8_t digits = 6;
    char name[64] = "";
    /* Options: code(2) length(2) value padded to 4. */
    uint32_t p = 8;
    while (p + 4 <= n) {
        uint16_t code = rd16(r, b + p), len = rd16(r, b + p + 2);
        p += 4;
        if (code == 0)
            break;
        if (len > n - p)
            return fail(c, r, "interface option runs past its block");
        if (code == 2) { /* if_name */
            size_t k = len < sizeof name - 1 ? len : sizeof name - 1;
            memcpy(name, b + p, k);
            name[k] = 0;
        } else if (code == 9 && len >= 1) { /* if_tsresol */
            uint8_t v = b[p];
            unsigned e = v & 0x7f;
            uint64_t u = 1;
            if (e > ((v & 0x80) ? 63 : 19))
                return fail(c, r, "if_tsresol out of range");
            for (unsigned i = 0; i < e; i++)
                u *= (v & 0x80) ? 2 : 10;
            ifc.units_per_sec = u;
            /* 2^-e seconds need ceil(e * log10 2) decimal digits. */
            digits = (uint8_t)((v & 0x80) ? (e * 30103u + 99999u) / 100000u : e);
        } else if (code == 14 && len >= 8) { /* if_tsoffset */
            /* A 64-bit value in the section's byte order. */
            uint64_t first = rd32(r, b + p), second = rd32(r, b + p + 4);
            uint64_t v = r->file_be ? first << 32 | second : second << 32 | first;
            ifc.offset_sec = (int64_t)v;
        }
        p += (len + 3u) & ~3u;
    }
    int idx = mops_cap_add_iface(c, linktype, snaplen, name, digits);
    if (idx < 0)
        return fail(c, r, "too many interfaces");
    ifc.cap_index = (uint32_t)idx;
    if (r->n_ifs == r->cap_ifs) {
        unsigned m = r->cap_ifs ? r->cap_ifs * 2 : 4;
        struct ng_iface *q = realloc(r->ifs, m * sizeof *q);
        if (!q)
            return fail(c, r, "out of memory");
        r->ifs = q;
        r->cap_ifs = m;
    }
    r->ifs[r->n_ifs++] = ifc;
    return MOPS_CAP_END;
}

static uint64_t to_ns(const struct ng_iface *i, uint64_t t)
{
    uint64_t sec = t / i->units_per_sec, frac = t % i->units_per_sec;
    uint64_t ns = (uint64_t)((unsigned __int128)frac * MOPS_NS_PER_SEC / i->units_per_sec);
    return (sec + (uint64_t)i->offset_sec) * MOPS_NS_PER_SEC + ns;
}

static int packet(struct mops_pcapng_reader *r, struct mops_cap *c, struct mops_frame *f, uint32_t ifid, uint64_t ts,
                  uint32_t caplen, uint32_t wirelen, uint32_t data_off, uint32_t body_len)
{
    if (ifid >= r->n_ifs) {
        char why[96];
        snprintf(why, sizeof why, "packet names interface %u, only %u described", ifid, r->n_ifs);
        return fail(c, r, why);
    }
    if (caplen > body_len - data_off)
        return fail(c, r, "captured length runs past its block");
    if (caplen > MAX_CAPLEN)
        return fail(c, r, "captured length above 256 KiB");
    const struct ng_iface *i = &r->ifs[ifid];
    f->ts_ns = to_ns(i, ts);
    f->caplen = caplen;
    f->wirelen = wirelen < caplen ? caplen : wirelen;
    f->ifid = i->cap_index;
    f->linktype = c->ifaces[i->cap_index].linktype;
    f->data = r->buf + data_off;
    return MOPS_CAP_FRAME;
}

/* Reads the next block other than a section header into r->buf (body of n
 * octets). Returns MOPS_CAP_FRAME when there is one, MOPS_CAP_END or
 * MOPS_CAP_ERROR. */
static int next_block(struct mops_pcapng_reader *r, struct mops_cap *c, uint32_t *type, uint32_t *n)
{
    if (r->deferred_error)
        return MOPS_CAP_ERROR; /* c->err still says why */
    if (r->have_block) {
        r->have_block = false;
        *type = r->block_type;
        *n = r->block_len;
        return MOPS_CAP_FRAME;
    }
    for (;;) {
        uint8_t hdr[8];
        r->file_off = r->pos - r->n_pending;
        int rc = read_exact(r, hdr, 8);
        if (rc == 0)
            return MOPS_CAP_END;
        if (rc < 0)
            return fail(c, r, "file ends inside a block header (truncated capture)");
        *type = rd32(r, hdr);
        if (*type == MOPS_PCAPNG_SHB || __builtin_bswap32(*type) == MOPS_PCAPNG_SHB) {
            if (read_shb(r, c, hdr) == MOPS_CAP_ERROR)
                return MOPS_CAP_ERROR;
            continue;
        }
        return read_block(r, c, hdr, n);
    }
}

/* Handles one block: MOPS_CAP_FRAME with f filled for a packet, MOPS_CAP_END
 * for anything else (an interface, a skipped block), or MOPS_CAP_ERROR. */
static int process_block(struct mops_pcapng_reader *r, struct mops_cap *c, uint32_t type, uint32_t n,
                         struct mops_frame *f)
{
    const uint8_t *b = r->buf;
    switch (type) {
        case BT_IDB: return add_iface(r, c, b, n);
        case BT_EPB:
            if (n < 20)
                return fail(c, r, "enhanced packet block shorter than 20 octets");
            return packet(r, c, f, rd32(r, b), (uint64_t)rd32(r, b + 4) << 32 | rd32(r, b + 8), rd32(r, b + 12),
                          rd32(r, b + 16), 20, n);
        case BT_PB:
            if (n < 20)
                return fail(c, r, "packet block shorter than 20 octets");
            return packet(r, c, f, rd16(r, b), (uint64_t)rd32(r, b + 4) << 32 | rd32(r, b + 8), rd32(r, b + 12),
                          rd32(r, b + 16), 20, n);
        case BT_SPB: {
            if (n < 4)
                return fail(c, r, "simple packet block shorter than 4 octets");
            if (r->n_ifs == 0)
                return fail(c, r, "simple packet block before any interface");
            uint32_t wire = rd32(r, b);
            uint32_t cap = n - 4;
            if (wire < cap)
                cap = wire;
            if (r->ifs[0].snaplen && cap > r->ifs[0].snaplen)
                cap = r->ifs[0].snaplen;
            return packet(r, c, f, 0, 0, cap, wire, 4, n);
        }
    }
    return MOPS_CAP_END; /* name resolution, statistics, custom, unknown: skipped */
}

int mops_pcapng_next(struct mops_pcapng_reader *r, struct mops_cap *c, struct mops_frame *f)
{
    for (;;) {
        if (mops_cap_stopped(c))
            return MOPS_CAP_END;
        uint32_t type, n;
        int rc = next_block(r, c, &type, &n);
        if (rc != MOPS_CAP_FRAME)
            return rc;
        rc = process_block(r, c, type, n, f);
        if (rc != MOPS_CAP_END)
            return rc;
    }
}

struct mops_pcapng_reader *mops_pcapng_open(FILE *fp, const uint8_t *peeked, size_t n_peeked, struct mops_cap *c)
{
    struct mops_pcapng_reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return NULL;
    }
    r->fp = fp;
    memcpy(r->pending, peeked, n_peeked);
    r->n_pending = n_peeked;
    r->pos = n_peeked; /* the opener read these already */
    /* The section header now, so that a bad file fails at open; and the
     * interfaces described before the first packet, so that a writer knows
     * the link types from the start. The first other block waits. */
    uint8_t hdr[8];
    r->file_off = 0;
    if (read_exact(r, hdr, 8) != 1) {
        fail(c, r, "file ends inside the section header");
        mops_pcapng_close(r);
        return NULL;
    }
    if (read_shb(r, c, hdr) == MOPS_CAP_ERROR) {
        mops_pcapng_close(r);
        return NULL;
    }
    for (;;) {
        uint32_t type, n;
        int rc = next_block(r, c, &type, &n);
        if (rc == MOPS_CAP_END)
            break;
        if (rc == MOPS_CAP_ERROR) {
            r->deferred_error = true;
            break;
        }
        if (type != BT_IDB) {
            r->have_block = true;
            r->block_type = type;
            r->block_len = n;
            break;
        }
        if (add_iface(r, c, r->buf, n) == MOPS_CAP_ERROR) {
            r->deferred_error = true;
            break;
        }
    }
    return r;
}

void mops_pcapng_close(struct mops_pcapng_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->ifs);
    free(r);
}
