/* The Migrate message and its replies (MOPS §4.1, profile §5). */
#include "internal.h"

void mops_decode_migrate(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_migrate *g = &m->u.migrate;
    m->kind = MOPS_ICMP_KIND_MIGRATE;
    g->version = m->byte7 >> 4;
    g->reserved = m->byte7 & 0xf;
    mops_mops_check_version(d, m, g->version);
    if (!mops_migrate_code_name(m->code))
        mops_problem_add(pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6, "unknown Migrate code %u", m->code);
    struct mops_opening o;
    if (!mops_mops_read_opening(d, r, m, "Migrate", "mops.migrate.prev_addr", "mops.migrate.mig_addr", &o))
        return;
    pkt->layers |= MOPS_L_MOPS;
    g->proto = o.field0;
    g->prev_addr = o.addr0;
    g->n_ports = o.field1;
    g->mig_addr = o.addr1;
    uint32_t n = mops_mops_entries(d, m, g->n_ports, MOPS_MIGRATE_FIXED_LEN, MOPS_MIGRATE_PORT_LEN, "Migrate");
    for (uint32_t i = 0; i < n && i < MOPS_MAX_MIGRATE_PORTS; i++) {
        struct mops_migrate_port *p = &pkt->pool.migrate[i];
        p->prev_sport = mops_rd_u16(r);
        p->mig_sport = mops_rd_u16(r);
        p->prev_dport = mops_rd_u16(r);
        p->mig_dport = mops_rd_u16(r);
        p->seq = mops_rd_u64(r);
        if (mops_rd_failed(r)) {
            mops_problem_short(pkt, r, MOPS_P_MOPS_LENGTH, "Migrate port entry");
            return;
        }
        g->n_decoded++;
    }
}
