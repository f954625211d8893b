/* Encoders of the MOPS messages (MOPS §4, profile §5). Counts and versions
 * are written as the structs give them, so tests can make bad ones. */
#include "internal.h"

void mops_build_migrate(struct mops_builder *b, uint8_t code, const struct mops_migrate *g,
                        const struct mops_migrate_port *ports, unsigned n)
{
    mops_build_icmp_header(b, b->s->type_migrate, code, (uint8_t)(g->version << 4 | (g->reserved & 0xf)));
    mops_wr_field_addr(b, g->proto, g->prev_addr);
    mops_wr_field_addr(b, g->n_ports, g->mig_addr);
    for (unsigned i = 0; i < n; i++) {
        mops_wr_u16(b, ports[i].prev_sport);
        mops_wr_u16(b, ports[i].mig_sport);
        mops_wr_u16(b, ports[i].prev_dport);
        mops_wr_u16(b, ports[i].mig_dport);
        mops_wr_u64(b, ports[i].seq);
    }
}

void mops_build_anycast_ack(struct mops_builder *b, const struct mops_anycast_ack *a)
{
    mops_build_icmp_header(b, b->s->type_anycast_ack, 0, (uint8_t)(a->version << 4 | (a->reserved & 0xf)));
    mops_wr_field_addr(b, a->proto, a->anycast_addr);
    mops_wr_field_addr(b, a->reserved2, a->unicast_addr);
    mops_wr_u16(b, a->sport);
    mops_wr_u16(b, a->dport);
}

void mops_build_nat_ack(struct mops_builder *b, const struct mops_nat_ack *a, const struct mops_nat_port *ports,
                        unsigned n)
{
    mops_build_icmp_header(b, b->s->type_nat_ack, 0, (uint8_t)(a->version << 4 | (a->level & 0xf)));
    mops_wr_field_addr(b, a->proto, a->orig_addr);
    mops_wr_field_addr(b, a->n_ports, a->trans_addr);
    for (unsigned i = 0; i < n; i++) {
        mops_wr_u16(b, ports[i].orig_port);
        mops_wr_u16(b, ports[i].trans_port);
    }
}
