/* The IPFF header (IPFF §3, profile §3) and the dispatch of its payload. */
#include "internal.h"

static void decode_upper(struct mops_dec *d, struct mops_rd *r, bool complete)
{
    struct mops_packet *pkt = d->pkt;
    switch (pkt->l4_proto) {
        case MOPS_PROTO_ICMPV5: mops_decode_icmpv5(d, r, complete); break;
        case MOPS_PROTO_TCP: mops_decode_tcp(d, r, complete); break;
        case MOPS_PROTO_UDPV5: mops_decode_udpv5(d, r, complete); break;
        case MOPS_PROTO_NONE: /* IPFF §4.7: what follows is opaque */ break;
        default:
            mops_problem_add(pkt, MOPS_P_IPFF_PROTO_UNKNOWN, pkt->l4_off, "protocol %u not decoded (%u octets)",
                             pkt->l4_proto, pkt->l4_len);
            break;
    }
}

void mops_decode_ipff(struct mops_dec *d)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_link *l = &pkt->link;
    struct mops_ipff_hdr *ip = &pkt->ip;
    uint32_t off = l->ipff_off;
    uint32_t wire_end = off + l->ipff_wire;
    uint32_t cap_end = wire_end < pkt->caplen ? wire_end : pkt->caplen;
    struct mops_rd r = mops_rd_span(pkt->frame, off, cap_end, cap_end < wire_end);

    /* The version nibble decides whether the rest means anything. */
    if (mops_rd_left(&r) >= 1 && (pkt->frame[off] >> 4) != MOPS_IPFF_VERSION) {
        ip->version = pkt->frame[off] >> 4;
        mops_problem_add(pkt, MOPS_P_IPFF_VERSION, off, "IPFF version %u, expected %u", ip->version, MOPS_IPFF_VERSION);
        return;
    }
    uint64_t w0 = mops_rd_u64(&r);
    uint64_t w1 = mops_rd_u64(&r);
    ip->htl = mops_rd_u8(&r);
    ip->tos = mops_rd_u8(&r);
    ip->plen = mops_rd_u16(&r);
    if (mops_rd_failed(&r)) {
        mops_problem_short(pkt, &r, MOPS_P_IPFF_LENGTH, "IPFF header");
        return;
    }
    ip->version = (uint8_t)(w0 >> 60);
    ip->reserved = (uint16_t)((w0 >> 50) & 0x3ff);
    ip->src = w0 & MOPS_ADDR_MASK;
    ip->proto = (uint16_t)(w1 >> 50);
    ip->dst = w1 & MOPS_ADDR_MASK;
    pkt->layers |= MOPS_L_IPFF;
    if (ip->reserved)
        mops_problem_add(pkt, MOPS_P_IPFF_RESERVED, off, "reserved bits 0x%03x set", ip->reserved);
    mops_check_addr(pkt, ip->src, off, "ipff.src");
    mops_check_addr(pkt, ip->dst, off + 8, "ipff.dst");

    /* profile §1: the Payload Length decides; what the carrier has beyond it
     * is a trailer (Ethernet padding). */
    uint32_t pay_off = off + MOPS_IPFF_HDR_LEN;
    uint32_t decl_end = pay_off + ip->plen;
    bool lied = false;
    if (decl_end > wire_end) {
        mops_problem_add(pkt, MOPS_P_IPFF_LENGTH, off + 18,
                         "Payload Length %u but the frame carries %u octets after the header", ip->plen,
                         wire_end - pay_off);
        decl_end = wire_end;
        lied = true;
    } else {
        l->trailer_len = wire_end - decl_end;
    }
    uint32_t pay_cap_end = decl_end < pkt->caplen ? decl_end : pkt->caplen;
    struct mops_rd pr = mops_rd_span(pkt->frame, pay_off, pay_cap_end, pay_cap_end < decl_end);

    bool ok = mops_decode_ext_chain(d, &pr);
    pkt->l4_off = pr.pos;
    pkt->l4_len = decl_end - pr.pos;
    if (!ok)
        return;
    bool complete = !lied && pay_cap_end == decl_end;
    decode_upper(d, &pr, complete);
    /* The capture ended inside a part no decoder needed (a payload): still
     * say so, since checksums could not be verified. */
    if (pay_cap_end < decl_end && !mops_packet_truncated(pkt))
        mops_problem_add(pkt, MOPS_P_IPFF_TRUNCATED, pay_cap_end,
                         "truncated at offset %u: %u of %u payload octets captured", pay_cap_end, pay_cap_end - pay_off,
                         decl_end - pay_off);
}
