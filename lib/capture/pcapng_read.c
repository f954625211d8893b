/* A pcapng reader (libpcap 1.10 neither reports interface ids nor reads
 * interfaces of different link types): SHB, IDB, EPB, SPB, the obsolete
 * Packet Block; other blocks are skipped. Both byte orders, several sections,
 * per-interface timestamp resolution and offset. Read in large chunks
 * (chunk.c) with blocks parsed where they lie and packets handed out in
 * batches, as pcap is: pcapng at pcap speed (issue 17). Every length is
 * checked before use. */
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
    struct mops_chunk in;
    bool swap;            /* file byte order differs from the host's */
    bool file_be;         /* the section is big-endian */
    uint64_t file_off;    /* of the current block, for messages */
    unsigned sections;    /* section headers read */
    struct ng_iface *ifs; /* of the current section */
    unsigned n_ifs, cap_ifs;
    bool deferred_error; /* reading the interfaces at open failed: reported by the first read */
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

static int fail(struct mops_cap *c, const struct mops_pcapng_reader *r, const char *why)
{
    snprintf(c->err, sizeof c->err, "%s%scorrupt pcapng at file offset %llu: %s", c->name, c->name[0] ? ": " : "",
             (unsigned long long)r->file_off, why);
    return MOPS_CAP_ERROR;
}

/* n octets readable at the block's start: 1; 0 when they are not read yet
 * (without refill, or on a stop) or the file ends cleanly before the block
 * (left is then 0); -1 on a read error. */
static int have(struct mops_pcapng_reader *r, struct mops_cap *c, size_t n, bool refill)
{
    if (mops_chunk_left(&r->in) >= n)
        return 1;
    if (!refill)
        return 0;
    if (mops_chunk_fill(&r->in, c, n) < 0)
        return -1;
    return mops_chunk_left(&r->in) >= n;
}

/* A section header at the block's start: the byte-order magic decides how
 * to read the rest. MOPS_CAP_END when read (interface ids restart),
 * MOPS_CAP_FRAME when it is not read yet, MOPS_CAP_ERROR. */
static int section(struct mops_pcapng_reader *r, struct mops_cap *c, bool refill)
{
    int k = have(r, c, 12, refill);
    if (k <= 0)
        return k < 0 || r->in.eof ? fail(c, r, "file ends inside the section header") : MOPS_CAP_FRAME;
    const uint8_t *b = r->in.buf + r->in.pos;
    uint32_t le = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
    if (le == MOPS_PCAPNG_BOM)
        r->file_be = false;
    else if (__builtin_bswap32(le) == MOPS_PCAPNG_BOM)
        r->file_be = true;
    else
        return fail(c, r, "section header with an unknown byte-order magic");
    r->swap = r->file_be != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
    uint32_t total = rd32(r, b + 4);
    if (total < 28 || total % 4 != 0 || total > MAX_BLOCK)
        return fail(c, r, "section header length out of range");
    k = have(r, c, total, refill);
    if (k <= 0)
        return k < 0 || r->in.eof ? fail(c, r, "file ends inside the section header") : MOPS_CAP_FRAME;
    b = r->in.buf + r->in.pos;
    if (rd32(r, b + total - 4) != total)
        return fail(c, r, "trailing block length differs from the leading one");
    if (rd16(r, b + 12) != 1)
        return fail(c, r, "pcapng major version is not 1");
    /* The first section's comment (shb_comment, code 1): what Wireshark
     * shows as the capture file's comments. */
    for (uint32_t p = 24; r->sections == 0 && !c->comment[0] && p + 4 <= total - 4;) {
        uint16_t code = rd16(r, b + p), len = rd16(r, b + p + 2);
        p += 4;
        if (code == 0 || len > total - 4 - p)
            break;
        if (code == 1) {
            size_t k = len < sizeof c->comment - 1 ? len : sizeof c->comment - 1;
            memcpy(c->comment, b + p, k);
            c->comment[k] = 0;
        }
        p += (len + 3u) & ~3u;
    }
    r->in.pos += total;
    r->n_ifs = 0;
    r->sections++;
    return MOPS_CAP_END;
}

/* The next block other than a section header, whole at in.buf + in.pos (not
 * consumed): MOPS_CAP_FRAME with its type and total length; MOPS_CAP_END at
 * the end of the file or, without refill, when it is not read yet;
 * MOPS_CAP_ERROR. */
static int peek_block(struct mops_pcapng_reader *r, struct mops_cap *c, bool refill, uint32_t *type, uint32_t *total)
{
    for (;;) {
        r->file_off = r->in.offset + r->in.pos;
        int k = have(r, c, 8, refill);
        if (k < 0)
            return MOPS_CAP_ERROR;
        if (k == 0) {
            if (r->in.eof && mops_chunk_left(&r->in))
                return fail(c, r, "file ends inside a block header (truncated capture)");
            return MOPS_CAP_END;
        }
        const uint8_t *b = r->in.buf + r->in.pos;
        *type = rd32(r, b);
        if (*type == MOPS_PCAPNG_SHB || __builtin_bswap32(*type) == MOPS_PCAPNG_SHB) {
            int rc = section(r, c, refill);
            if (rc != MOPS_CAP_END)
                return rc == MOPS_CAP_FRAME ? MOPS_CAP_END : rc;
            continue;
        }
        *total = rd32(r, b + 4);
        if (*total < 12 || *total % 4 != 0 || *total > MAX_BLOCK) {
            char why[96];
            snprintf(why, sizeof why, "block length %u is not a multiple of 4 from 12 to %u", *total, MAX_BLOCK);
            return fail(c, r, why);
        }
        k = have(r, c, *total, refill);
        if (k < 0)
            return MOPS_CAP_ERROR;
        if (k == 0)
            return r->in.eof ? fail(c, r, "file ends inside a block (truncated capture)") : MOPS_CAP_END;
        b = r->in.buf + r->in.pos;
        if (rd32(r, b + *total - 4) != *total)
            return fail(c, r, "trailing block length differs from the leading one");
        return MOPS_CAP_FRAME;
    }
}

static int add_iface(struct mops_pcapng_reader *r, struct mops_cap *c, const uint8_t *b, uint32_t n)
{
    if (n < 8)
        return fail(c, r, "interface description shorter than 8 octets");
    uint32_t linktype = rd16(r, b);
    uint32_t snaplen = rd32(r, b + 4);
    struct ng_iface ifc = {1000000, 0, snaplen, 0};
    uint8_t digits = 6;
    char name[64] = "", descr[128] = "";
    /* Options: code(2) length(2) value padded to 4. */
    uint32_t p = 8;
    while (p + 4 <= n) {
        uint16_t code = rd16(r, b + p), len = rd16(r, b + p + 2);
        p += 4;
        if (code == 0)
            break;
        if (len > n - p)
            return fail(c, r, "interface option runs past its block");
        if (code == 2 || code == 3) { /* if_name, if_description */
            char *to = code == 2 ? name : descr;
            size_t room = code == 2 ? sizeof name : sizeof descr;
            size_t k = len < room - 1 ? len : room - 1;
            memcpy(to, b + p, k);
            to[k] = 0;
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
    snprintf(c->ifaces[idx].description, sizeof c->ifaces[idx].description, "%s", descr);
    struct ng_iface *grown = mops_grow(r->ifs, &r->cap_ifs, r->n_ifs, sizeof *r->ifs, 4);
    if (!grown)
        return fail(c, r, "out of memory");
    r->ifs = grown;
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
                  uint32_t caplen, uint32_t wirelen, const uint8_t *body, uint32_t data_off, uint32_t body_len,
                  bool opts)
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
    f->data = body + data_off;
    f->comment = NULL;
    f->comment_len = 0;
    /* Options after the padded data (EPB, PB): the first opt_comment. One
     * test for the usual packet, which has none. */
    for (uint32_t p = data_off + ((caplen + 3u) & ~3u); opts && p + 4 <= body_len;) {
        uint16_t code = rd16(r, body + p), len = rd16(r, body + p + 2);
        p += 4;
        if (code == 0 || len > body_len - p)
            break; /* a damaged option loses the comment, not the packet */
        if (code == 1) {
            f->comment = (const char *)body + p;
            f->comment_len = len;
            break;
        }
        p += (len + 3u) & ~3u;
    }
    return MOPS_CAP_FRAME;
}

/* Handles one block: MOPS_CAP_FRAME with f filled for a packet, MOPS_CAP_END
 * for anything else (an interface, a skipped block), or MOPS_CAP_ERROR. */
static int process_block(struct mops_pcapng_reader *r, struct mops_cap *c, uint32_t type, const uint8_t *b, uint32_t n,
                         struct mops_frame *f)
{
    switch (type) {
        case BT_IDB: return add_iface(r, c, b, n);
        case BT_EPB:
            if (n < 20)
                return fail(c, r, "enhanced packet block shorter than 20 octets");
            return packet(r, c, f, rd32(r, b), (uint64_t)rd32(r, b + 4) << 32 | rd32(r, b + 8), rd32(r, b + 12),
                          rd32(r, b + 16), b, 20, n, true);
        case BT_PB:
            if (n < 20)
                return fail(c, r, "packet block shorter than 20 octets");
            return packet(r, c, f, rd16(r, b), (uint64_t)rd32(r, b + 4) << 32 | rd32(r, b + 8), rd32(r, b + 12),
                          rd32(r, b + 16), b, 20, n, true);
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
            return packet(r, c, f, 0, 0, cap, wire, b, 4, n, false);
        }
    }
    return MOPS_CAP_END; /* name resolution, statistics, custom, unknown: skipped */
}

int mops_pcapng_next(struct mops_pcapng_reader *r, struct mops_cap *c, struct mops_frame *f, bool refill)
{
    for (;;) {
        if (mops_cap_stopped(c))
            return MOPS_CAP_END;
        if (r->deferred_error)
            return MOPS_CAP_ERROR; /* c->err still says why */
        uint32_t type, total;
        int rc = peek_block(r, c, refill, &type, &total);
        if (rc != MOPS_CAP_FRAME)
            return rc;
        const uint8_t *b = r->in.buf + r->in.pos;
        r->in.pos += total; /* the block stays where it is until the next fill */
        rc = process_block(r, c, type, b + 8, total - 12, f);
        if (rc != MOPS_CAP_END)
            return rc;
    }
}

struct mops_pcapng_reader *mops_pcapng_open(int fd, const uint8_t *peeked, size_t n_peeked, struct mops_cap *c)
{
    struct mops_pcapng_reader *r = calloc(1, sizeof *r);
    if (!r || mops_chunk_init(&r->in, fd, peeked, n_peeked, n_peeked) < 0) {
        free(r);
        snprintf(c->err, sizeof c->err, "out of memory");
        return NULL;
    }
    r->in.unpack = c->unpack;
    /* The section header now, so that a bad file fails at open; and the
     * interfaces described before the first packet, so that a writer knows
     * the link types from the start. The first other block waits. */
    for (;;) {
        uint32_t type, total;
        int rc = peek_block(r, c, true, &type, &total);
        if (rc == MOPS_CAP_ERROR && r->sections == 0) {
            mops_pcapng_close(r);
            return NULL;
        }
        if (rc == MOPS_CAP_ERROR)
            r->deferred_error = true;
        if (rc != MOPS_CAP_FRAME || type != BT_IDB)
            break;
        const uint8_t *b = r->in.buf + r->in.pos;
        r->in.pos += total;
        if (add_iface(r, c, b + 8, total - 12) == MOPS_CAP_ERROR) {
            r->deferred_error = true;
            break;
        }
    }
    if (r->sections == 0) { /* the file ended inside its section header */
        if (!c->err[0])
            fail(c, r, "file ends inside the section header");
        mops_pcapng_close(r);
        return NULL;
    }
    return r;
}

void mops_pcapng_close(struct mops_pcapng_reader *r)
{
    if (!r)
        return;
    mops_chunk_free(&r->in);
    free(r->ifs);
    free(r);
}
