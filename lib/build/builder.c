/* The builder's frame: the IPFF header, layer chaining, lengths, checksums,
 * deliberate damage. */
#include "mops/core/checksum.h"

#include "internal.h"

void mops_build_init(struct mops_builder *b, const struct mops_settings *s)
{
    b->s = s ? s : &mops_settings_default;
    b->head = b->tail = MOPS_BUILD_HEADROOM;
    b->ipff = b->proto_at = b->l4 = 0;
    b->l4_proto = MOPS_PROTO_NONE;
    b->inner_type = b->s->ethertype;
    b->finished = b->overflow = false;
    b->src = b->dst = 0;
}

static void patch_proto(struct mops_builder *b, uint16_t type)
{
    if (!b->proto_at || b->overflow)
        return;
    uint8_t *p = b->buf + b->proto_at;
    mops_put16(p, (uint16_t)((type & 0x3fff) << 2 | (mops_get16(p) & 3)));
}

void mops_build_begin_layer(struct mops_builder *b, uint16_t type, bool upper)
{
    patch_proto(b, type);
    if (upper) {
        b->l4 = b->tail;
        b->l4_proto = type;
        b->proto_at = 0;
    } else {
        b->proto_at = b->tail;
    }
}

void mops_build_ipff(struct mops_builder *b, const struct mops_ipff_hdr *h)
{
    b->ipff = b->tail;
    b->src = h->src & MOPS_ADDR_MASK;
    b->dst = h->dst & MOPS_ADDR_MASK;
    uint8_t version = h->version ? h->version : MOPS_IPFF_VERSION;
    mops_wr_u64(b, (uint64_t)(version & 0xf) << 60 | (uint64_t)(h->reserved & 0x3ff) << 50 | b->src);
    b->proto_at = b->tail;
    mops_wr_field_addr(b, MOPS_PROTO_NONE, b->dst);
    mops_wr_u8(b, h->htl);
    mops_wr_u8(b, h->tos);
    mops_wr_u16(b, h->plen);
}

void mops_build_raw(struct mops_builder *b, uint16_t proto, const uint8_t *data, size_t len)
{
    mops_build_begin_layer(b, proto, true);
    mops_wr_bytes(b, data, len);
}

int mops_build_finish(struct mops_builder *b)
{
    if (b->overflow)
        return -1;
    uint32_t plen = b->tail - b->ipff - MOPS_IPFF_HDR_LEN;
    if (plen > 0xffff) {
        b->overflow = true;
        return -1;
    }
    mops_put16(b->buf + b->ipff + 18, (uint16_t)plen);
    if (b->l4) {
        uint8_t *m = b->buf + b->l4;
        size_t len = b->tail - b->l4;
        switch (b->l4_proto) {
            case MOPS_PROTO_ICMPV5:
                if (len >= MOPS_ICMP_HDR_LEN)
                    mops_put32(m, mops_icmpv5_crc(b->src, b->dst, m, len));
                break;
            case MOPS_PROTO_TCP:
                if (len >= 20)
                    mops_put16(m + 16, mops_inet_checksum(b->src, b->dst, MOPS_PROTO_TCP, m, len, 16));
                break;
            case MOPS_PROTO_UDPV5:
                if (len >= MOPS_UDPV5_HDR_LEN)
                    mops_put16(m + 4, mops_udpv5_checksum(b->src, b->dst, m, len));
                break;
        }
    }
    b->finished = true;
    return 0;
}

void mops_build_set_checksum(struct mops_builder *b, uint32_t value)
{
    if (!b->l4 || b->overflow)
        return;
    uint8_t *m = b->buf + b->l4;
    if (b->l4_proto == MOPS_PROTO_ICMPV5)
        mops_put32(m, value);
    else if (b->l4_proto == MOPS_PROTO_TCP)
        mops_put16(m + 16, (uint16_t)value);
    else if (b->l4_proto == MOPS_PROTO_UDPV5)
        mops_put16(m + 4, (uint16_t)value);
}

void mops_build_set_plen(struct mops_builder *b, uint16_t plen)
{
    if (!b->overflow)
        mops_put16(b->buf + b->ipff + 18, plen);
}

void mops_build_trailer(struct mops_builder *b, size_t n)
{
    uint8_t *p = mops_wr_grow(b, n);
    if (p)
        memset(p, 0, n);
}
