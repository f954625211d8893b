/* Encoders of the extension headers of profile §4. */
#include "internal.h"

/* `Protocol(14) | 00 | Hdr Ext Len` opening of Hop-by-Hop, Routing and
 * Destination Options; returns the offset of the Hdr Ext Len octet. */
static uint32_t open_var_header(struct mops_builder *b, uint16_t type)
{
    mops_build_begin_layer(b, type, false);
    mops_wr_u16(b, MOPS_PROTO_NONE << 2);
    uint32_t hel_at = b->tail;
    mops_wr_u8(b, 0);
    return hel_at;
}

/* Pads to a multiple of 8 from `start` with Pad1 or PadN and sets Hdr Ext Len. */
static void close_var_header(struct mops_builder *b, uint32_t start, uint32_t hel_at)
{
    uint32_t len = b->tail - start;
    uint32_t pad = (8 - len % 8) % 8;
    if (pad == 1) {
        mops_wr_u8(b, MOPS_OPT_PAD1);
    } else if (pad > 1) {
        mops_wr_u8(b, MOPS_OPT_PADN);
        mops_wr_u8(b, (uint8_t)(pad - 2));
        for (uint32_t i = 0; i < pad - 2; i++)
            mops_wr_u8(b, 0);
    }
    if (!b->overflow)
        b->buf[hel_at] = (uint8_t)((b->tail - start) / 8 - 1);
}

void mops_build_opts_header(struct mops_builder *b, uint16_t type, const struct mops_opt_spec *opts, unsigned n)
{
    uint32_t start = b->tail;
    uint32_t hel_at = open_var_header(b, type);
    for (unsigned i = 0; i < n; i++) {
        mops_wr_u8(b, opts[i].type);
        if (opts[i].type == MOPS_OPT_PAD1)
            continue;
        mops_wr_u8(b, opts[i].len);
        mops_wr_bytes(b, opts[i].data, opts[i].len);
    }
    close_var_header(b, start, hel_at);
}

void mops_opt_recv_src(const struct mops_settings *s, struct mops_opt_spec *spec, uint8_t data[10], uint16_t port,
                       mops_addr_t addr)
{
    spec->type = (s ? s : &mops_settings_default)->recv_src_option;
    spec->len = MOPS_RECV_SRC_OPT_LEN;
    spec->data = data;
    mops_put16(data, port);
    mops_put64(data + 2, addr & MOPS_ADDR_MASK); /* E8: 14 zero bits first */
}

void mops_build_routing0(struct mops_builder *b, uint8_t segments_left, const mops_addr_t *addrs, unsigned n)
{
    uint32_t start = b->tail;
    uint32_t hel_at = open_var_header(b, MOPS_PROTO_ROUTING);
    mops_wr_u8(b, 0); /* Routing Type 0 */
    mops_wr_u8(b, segments_left);
    mops_wr_u8(b, 0);
    mops_wr_u16(b, 0);
    for (unsigned i = 0; i < n; i++)
        mops_wr_u64(b, addrs[i] & MOPS_ADDR_MASK);
    /* E5: Hdr Ext Len = n (8-octet addresses). */
    if (!b->overflow)
        b->buf[hel_at] = (uint8_t)((b->tail - start) / 8 - 1);
}

void mops_build_vrf1(struct mops_builder *b, uint32_t label)
{
    mops_build_begin_layer(b, MOPS_PROTO_VRF1, false);
    mops_wr_u32(b, (uint32_t)MOPS_PROTO_NONE << 18 | (label & 0x3ffff));
}

void mops_build_vrf2(struct mops_builder *b, mops_addr_t encap, mops_addr_t decap, uint32_t label)
{
    mops_build_begin_layer(b, MOPS_PROTO_VRF2, false);
    mops_wr_field_addr(b, MOPS_PROTO_NONE, encap);
    mops_wr_field_addr(b, 0, decap);
    mops_wr_u32(b, label);
}

void mops_build_flow_label(struct mops_builder *b, uint32_t label)
{
    mops_build_begin_layer(b, MOPS_PROTO_FLOW_LABEL, false);
    mops_wr_u32(b, (uint32_t)MOPS_PROTO_NONE << 18 | (label & 0x3ffff));
}

void mops_build_ext_raw(struct mops_builder *b, uint16_t type, const uint8_t *bytes, size_t len)
{
    mops_build_begin_layer(b, type, false);
    uint32_t at = b->tail;
    mops_wr_bytes(b, bytes, len);
    /* Until a later layer names itself, this header ends the chain. */
    if (!b->overflow && len >= 2)
        mops_put16(b->buf + at, (uint16_t)(MOPS_PROTO_NONE << 2 | (mops_get16(b->buf + at) & 3)));
}
