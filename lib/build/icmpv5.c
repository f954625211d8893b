/* Encoders of ICMPv5 base messages (profile §5); the CRC is set by finish. */
#include "internal.h"

static void icmp_header(struct mops_builder *b, uint16_t type, uint8_t code, uint8_t byte7)
{
    mops_build_begin_layer(b, MOPS_PROTO_ICMPV5, true);
    mops_wr_u32(b, 0); /* CRC-32, set by mops_build_finish */
    mops_wr_u16(b, type);
    mops_wr_u8(b, code);
    mops_wr_u8(b, byte7);
}

void mops_build_icmp(struct mops_builder *b, uint16_t type, uint8_t code, uint8_t byte7, const uint8_t *body,
                     size_t len)
{
    icmp_header(b, type, code, byte7);
    mops_wr_bytes(b, body, len);
}

void mops_build_icmp_error(struct mops_builder *b, uint16_t type, uint8_t code, uint32_t param, mops_addr_t router,
                           const uint8_t *invoking, size_t len)
{
    icmp_header(b, type, code, 0);
    if (type == MOPS_ICMP_PACKET_TOO_BIG || type == MOPS_ICMP_PARAM_PROBLEM)
        mops_wr_u32(b, param);
    else if (type == MOPS_ICMP_REDIRECT)
        mops_wr_field_addr(b, 0, router);
    /* The excerpt is exactly 44 octets: cut or zero-padded. */
    size_t n = len < MOPS_ICMP_EXCERPT_LEN ? len : MOPS_ICMP_EXCERPT_LEN;
    mops_wr_bytes(b, invoking, n);
    uint8_t *p = mops_wr_grow(b, MOPS_ICMP_EXCERPT_LEN - n);
    if (p)
        memset(p, 0, MOPS_ICMP_EXCERPT_LEN - n);
}

void mops_build_echo(struct mops_builder *b, uint16_t type, uint32_t id, uint32_t seq, const uint8_t *data, size_t len)
{
    icmp_header(b, type, 0, 0);
    mops_wr_u32(b, id);
    mops_wr_u32(b, seq);
    mops_wr_bytes(b, data, len);
}

/* The MOPS messages share the common header; see build_mops.c. */
void mops_build_icmp_header(struct mops_builder *b, uint16_t type, uint8_t code, uint8_t byte7)
{
    icmp_header(b, type, code, byte7);
}
