/* UDPv5 (profile §6): `Source Port | Destination Port | Checksum`, no Length;
 * the checksum is mandatory. */
#include "mops/core/checksum.h"

#include "internal.h"

void mops_decode_udpv5(struct mops_dec *d, struct mops_rd *r, bool complete)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_udp *u = &pkt->udp;
    u->off = r->pos;
    u->sport = mops_rd_u16(r);
    u->dport = mops_rd_u16(r);
    u->csum = mops_rd_u16(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(pkt, r, MOPS_P_IPFF_LENGTH, "UDPv5 header");
        return;
    }
    pkt->layers |= MOPS_L_UDP;
    u->payload_off = u->off + MOPS_UDPV5_HDR_LEN;
    u->payload_len = pkt->l4_len - MOPS_UDPV5_HDR_LEN;
    bool good = true;
    if (!complete)
        mops_check_unverified(&u->csum_check, u->csum);
    else
        good = mops_check_verified(&u->csum_check, u->csum,
                                   mops_udpv5_checksum(pkt->ip.src, pkt->ip.dst, pkt->frame + u->off, pkt->l4_len));
    if (u->csum == 0 && complete)
        mops_problem_add(pkt, MOPS_P_UDP5_ZERO_CHECKSUM, u->off + 4,
                         "UDPv5 checksum 0 (the checksum is mandatory), should be 0x%04x", u->csum_check.expected);
    else if (u->csum == 0)
        mops_problem_add(pkt, MOPS_P_UDP5_ZERO_CHECKSUM, u->off + 4, "UDPv5 checksum 0 (the checksum is mandatory)");
    else if (!good)
        mops_problem_add(pkt, MOPS_P_UDP5_CHECKSUM, u->off + 4, "bad udp checksum 0x%04x != 0x%04x", u->csum,
                         u->csum_check.expected);
}
