/* Encoders of TCP over IPFF and UDPv5 (profile §6); checksums set by finish. */
#include "internal.h"

/* One option from its kind and the values in t. */
static void put_option(struct mops_builder *b, const struct mops_tcp *t, const struct mops_tcp_option *o,
                       unsigned *sack_i)
{
    uint8_t kind = o->kind;
    mops_wr_u8(b, kind);
    if (kind == MOPS_TCPOPT_EOL || kind == MOPS_TCPOPT_NOP)
        return;
    if (kind == b->s->mobile_capable_kind) {
        mops_wr_u8(b, MOPS_MOBILE_CAPABLE_LEN);
        return;
    }
    switch (kind) {
        case MOPS_TCPOPT_MSS:
            mops_wr_u8(b, 4);
            mops_wr_u16(b, t->mss);
            return;
        case MOPS_TCPOPT_WS:
            mops_wr_u8(b, 3);
            mops_wr_u8(b, t->ws);
            return;
        case MOPS_TCPOPT_SACK_PERM: mops_wr_u8(b, 2); return;
        case MOPS_TCPOPT_TS:
            mops_wr_u8(b, 10);
            mops_wr_u32(b, t->ts_val);
            mops_wr_u32(b, t->ts_ecr);
            return;
        case MOPS_TCPOPT_SACK: {
            unsigned n = t->n_sack - *sack_i;
            mops_wr_u8(b, (uint8_t)(2 + 8 * n));
            for (; *sack_i < t->n_sack; (*sack_i)++) {
                mops_wr_u32(b, t->sack_left[*sack_i]);
                mops_wr_u32(b, t->sack_right[*sack_i]);
            }
            return;
        }
    }
    /* Unknown kinds keep their length, with zero data. */
    uint8_t len = o->len < 2 ? 2 : o->len;
    mops_wr_u8(b, len);
    for (unsigned i = 2; i < len; i++)
        mops_wr_u8(b, 0);
}

void mops_build_tcp(struct mops_builder *b, const struct mops_tcp *t, const uint8_t *payload, size_t len)
{
    mops_build_begin_layer(b, MOPS_PROTO_TCP, true);
    uint32_t start = b->tail;
    mops_wr_u16(b, t->sport);
    mops_wr_u16(b, t->dport);
    mops_wr_u32(b, t->seq);
    mops_wr_u32(b, t->ack);
    uint32_t doff_at = b->tail;
    mops_wr_u16(b, (uint16_t)((t->reserved & 0xf) << 8 | t->flags));
    mops_wr_u16(b, t->window);
    mops_wr_u16(b, 0); /* checksum, set by finish */
    mops_wr_u16(b, t->urg);
    unsigned sack_i = 0;
    for (unsigned i = 0; i < t->n_opts; i++)
        put_option(b, t, &t->opts[i], &sack_i);
    while ((b->tail - start) % 4)
        mops_wr_u8(b, MOPS_TCPOPT_EOL);
    if ((b->tail - start) / 4 > 15) /* more than 40 octets of options */
        b->overflow = true;
    if (!b->overflow)
        b->buf[doff_at] |= (uint8_t)(((b->tail - start) / 4) << 4);
    mops_wr_bytes(b, payload, len);
}

void mops_build_udpv5(struct mops_builder *b, uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
    mops_build_begin_layer(b, MOPS_PROTO_UDPV5, true);
    mops_wr_u16(b, sport);
    mops_wr_u16(b, dport);
    mops_wr_u16(b, 0); /* checksum, set by finish */
    mops_wr_bytes(b, payload, len);
}
