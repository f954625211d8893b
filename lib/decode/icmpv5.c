/* ICMPv5 (profile §5): the CRC-32-first common header (E9), the CRC over the
 * pseudo-header, and the base messages. MOPS messages go to mops.c, LARA's
 * to lara.c. */
#include "mops/core/checksum.h"

#include "internal.h"

static bool is_mops_type(const struct mops_settings *s, uint16_t t)
{
    return t == s->type_migrate || t == s->type_anycast_ack || t == s->type_nat_ack;
}

/* The invoking excerpt: IPFF header + 24 payload octets (profile §5). The
 * caller has checked the declared length, so a failed read here means the
 * capture was cut. */
static void decode_invoking(struct mops_rd *r, struct mops_invoking *inv)
{
    inv->off = r->pos;
    uint64_t w0 = mops_rd_u64(r);
    uint64_t w1 = mops_rd_u64(r);
    inv->ip.htl = mops_rd_u8(r);
    inv->ip.tos = mops_rd_u8(r);
    inv->ip.plen = mops_rd_u16(r);
    if (mops_rd_failed(r))
        return;
    inv->present = true;
    inv->ip.version = (uint8_t)(w0 >> 60);
    inv->ip.reserved = (uint16_t)((w0 >> 50) & 0x3ff);
    inv->ip.src = w0 & MOPS_ADDR_MASK;
    inv->ip.proto = (uint16_t)(w1 >> 50);
    inv->ip.dst = w1 & MOPS_ADDR_MASK;
    if (inv->ip.proto == MOPS_PROTO_TCP || inv->ip.proto == MOPS_PROTO_UDPV5) {
        inv->sport = mops_rd_u16(r);
        inv->dport = mops_rd_u16(r);
        inv->has_ports = !mops_rd_failed(r);
        if (inv->ip.proto == MOPS_PROTO_TCP) {
            inv->tcp_seq = mops_rd_u32(r);
            inv->has_tcp_seq = !mops_rd_failed(r);
        }
    }
    if (!mops_rd_failed(r))
        mops_rd_skip(r, MOPS_ICMP_EXCERPT_LEN - (r->pos - inv->off));
}

static void decode_error(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m)
{
    uint32_t fixed = MOPS_ICMP_HDR_LEN;
    if (m->type == MOPS_ICMP_PACKET_TOO_BIG || m->type == MOPS_ICMP_PARAM_PROBLEM)
        fixed += 4;
    else if (m->type == MOPS_ICMP_REDIRECT)
        fixed += 8;
    uint32_t want = fixed + MOPS_ICMP_EXCERPT_LEN;
    const char *name = mops_icmp_base_type_name(m->type);
    if (m->len < want) {
        mops_problem_add(d->pkt, MOPS_P_ICMP5_LENGTH, m->off, "%s of %u octets, expected %u", name, m->len, want);
        return;
    }
    if (m->type == MOPS_ICMP_PACKET_TOO_BIG || m->type == MOPS_ICMP_PARAM_PROBLEM) {
        m->u.error.param = mops_rd_u32(r);
    } else if (m->type == MOPS_ICMP_REDIRECT) {
        uint64_t w = mops_rd_u64(r);
        m->u.error.router_pad = (uint16_t)(w >> 50);
        m->u.error.router = w & MOPS_ADDR_MASK;
        if (!mops_rd_failed(r))
            mops_check_addr(d->pkt, m->u.error.router, m->off + 8, "icmpv5.redirect.router");
    }
    if (!mops_rd_failed(r))
        decode_invoking(r, &m->u.error.inv);
    if (mops_rd_failed(r)) {
        mops_problem_short(d->pkt, r, MOPS_P_ICMP5_LENGTH, name);
        return;
    }
    if (m->len > want)
        mops_problem_add(d->pkt, MOPS_P_ICMP5_LENGTH, m->off + want,
                         "%s of %u octets, expected %u: %u extra octets ignored", name, m->len, want, m->len - want);
}

void mops_decode_icmpv5(struct mops_dec *d, struct mops_rd *r, bool complete)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_icmp *m = &pkt->icmp;
    m->off = r->pos;
    m->len = pkt->l4_len;
    m->crc = mops_rd_u32(r);
    m->type = mops_rd_u16(r);
    m->code = mops_rd_u8(r);
    m->byte7 = mops_rd_u8(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(pkt, r, MOPS_P_ICMP5_LENGTH, "ICMPv5 header");
        return;
    }
    pkt->layers |= MOPS_L_ICMP;

    if (!complete)
        mops_check_unverified(&m->crc_check, m->crc);
    else if (!mops_check_verified(&m->crc_check, m->crc,
                                  mops_icmpv5_crc(pkt->ip.src, pkt->ip.dst, pkt->frame + m->off, m->len)))
        mops_problem_add(pkt, MOPS_P_ICMP5_CRC, m->off, "bad crc 0x%08x != 0x%08x", m->crc, m->crc_check.expected);

    if (is_mops_type(d->s, m->type)) {
        mops_decode_mops(d, r);
        return;
    }
    if (mops_is_lara_type(d->s, m->type)) {
        mops_decode_lara(d, r);
        return;
    }
    const char *name = mops_icmp_base_type_name(m->type);
    if (!name) {
        m->kind = MOPS_ICMP_KIND_UNKNOWN;
        mops_problem_add(pkt, MOPS_P_ICMP5_TYPE_UNKNOWN, m->off + 4, "unknown ICMPv5 type %u", m->type);
        return;
    }
    if (!mops_icmp_base_code_name(m->type, m->code))
        mops_problem_add(pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6, "unknown code %u for %s", m->code, name);
    if (m->type >= MOPS_ICMP_ECHO_REQUEST) {
        m->kind = MOPS_ICMP_KIND_ECHO;
        m->u.echo.id = mops_rd_u32(r);
        m->u.echo.seq = mops_rd_u32(r);
        if (mops_rd_failed(r)) {
            mops_problem_short(pkt, r, MOPS_P_ICMP5_LENGTH, name);
            return;
        }
        m->u.echo.data_off = r->pos;
        m->u.echo.data_len = m->off + m->len - r->pos;
        return;
    }
    m->kind = MOPS_ICMP_KIND_ERROR;
    decode_error(d, r, m);
}
