/* The Anycast Server Acknowledgement (MOPS §4.2, profile §5). */
#include "internal.h"

void mops_decode_anycast_ack(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_anycast_ack *a = &m->u.anycast;
    m->kind = MOPS_ICMP_KIND_ANYCAST_ACK;
    a->version = m->byte7 >> 4;
    a->reserved = m->byte7 & 0xf;
    mops_mops_check_version(d, m, a->version);
    if (m->code != 0)
        mops_problem_add(pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6,
                         "Anycast Server Acknowledgement with code %u, expected 0", m->code);
    if (m->len != MOPS_ANYCAST_ACK_LEN)
        mops_problem_add(pkt, MOPS_P_MOPS_LENGTH, m->off, "Anycast Server Acknowledgement of %u octets, expected %u",
                         m->len, MOPS_ANYCAST_ACK_LEN);
    struct mops_opening o;
    if (!mops_mops_read_opening(d, r, m, "Anycast Server Acknowledgement", "mops.anycast.anycast_addr",
                                "mops.anycast.unicast_addr", &o))
        return;
    a->proto = o.field0;
    a->anycast_addr = o.addr0;
    a->reserved2 = o.field1;
    a->unicast_addr = o.addr1;
    a->sport = mops_rd_u16(r);
    a->dport = mops_rd_u16(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(pkt, r, MOPS_P_MOPS_LENGTH, "Anycast Server Acknowledgement");
        return;
    }
    pkt->layers |= MOPS_L_MOPS;
}
