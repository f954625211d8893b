/* The NAT Acknowledgement (MOPS §4.3, profile §5): a NAT tells the mobile
 * node one level of its translation. */
#include "internal.h"

void mops_decode_natack(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_nat_ack *a = &m->u.natack;
    m->kind = MOPS_ICMP_KIND_NAT_ACK;
    a->version = m->byte7 >> 4;
    a->level = m->byte7 & 0xf;
    mops_mops_check_version(d, m, a->version);
    if (m->code != 0)
        mops_problem_add(pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6, "NAT Acknowledgement with code %u, expected 0",
                         m->code);
    if (pkt->ip.htl != MOPS_NATACK_HTL)
        mops_problem_add(pkt, MOPS_P_MOPS_NATACK_HTL, pkt->link.ipff_off + 16,
                         "NAT Acknowledgement with Hops to Live %u, expected %u", pkt->ip.htl, MOPS_NATACK_HTL);
    struct mops_opening o;
    if (!mops_mops_read_opening(d, r, m, "NAT Acknowledgement", "mops.natack.orig_addr", "mops.natack.trans_addr", &o))
        return;
    pkt->layers |= MOPS_L_MOPS;
    a->proto = o.field0;
    a->orig_addr = o.addr0;
    a->n_ports = o.field1;
    a->trans_addr = o.addr1;
    uint32_t n =
        mops_mops_entries(d, m, a->n_ports, MOPS_NATACK_FIXED_LEN, MOPS_NATACK_PORT_LEN, "NAT Acknowledgement");
    for (uint32_t i = 0; i < n && i < MOPS_MAX_NATACK_PORTS; i++) {
        struct mops_nat_port *p = &pkt->pool.natack[i];
        p->orig_port = mops_rd_u16(r);
        p->trans_port = mops_rd_u16(r);
        if (mops_rd_failed(r)) {
            mops_problem_short(pkt, r, MOPS_P_MOPS_LENGTH, "NAT Acknowledgement port entry");
            return;
        }
        a->n_decoded++;
    }
}
