/* The MOPS messages inside ICMPv5 (MOPS §4, profile §5): Migrate (and its
 * replies), Anycast Server Acknowledgement, NAT Acknowledgement. */
#include "internal.h"

static void check_version(struct mops_dec *d, const struct mops_icmp *m, uint8_t version)
{
    if (version != MOPS_MOPS_VERSION)
        mops_problem_add(d->pkt, MOPS_P_MOPS_VERSION, m->off + 7, "MOPS version %u, expected %u", version,
                         MOPS_MOPS_VERSION);
}

/* Every MOPS body opens with two words, each a 14-bit field over an address
 * (MOPS §4.1-4.3). Reads and checks them; false, with the problem reported,
 * when the message is cut short before they end. */
struct opening {
    uint16_t field0, field1;
    mops_addr_t addr0, addr1;
};

static bool read_opening(struct mops_dec *d, struct mops_rd *r, const struct mops_icmp *m, const char *what,
                         const char *addr0_name, const char *addr1_name, struct opening *o)
{
    uint64_t w0 = mops_rd_u64(r);
    uint64_t w1 = mops_rd_u64(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(d->pkt, r, MOPS_P_MOPS_LENGTH, what);
        return false;
    }
    o->field0 = (uint16_t)(w0 >> 50);
    o->addr0 = w0 & MOPS_ADDR_MASK;
    o->field1 = (uint16_t)(w1 >> 50);
    o->addr1 = w1 & MOPS_ADDR_MASK;
    mops_check_addr(d->pkt, o->addr0, m->off + 8, addr0_name);
    mops_check_addr(d->pkt, o->addr1, m->off + 16, addr1_name);
    return true;
}

/* Checks the Number of Ports against the message length and returns how many
 * entries the message has room for. */
static uint32_t entries_in(struct mops_dec *d, const struct mops_icmp *m, uint32_t n_ports, uint32_t fixed,
                           uint32_t entry, const char *what)
{
    uint32_t room = m->len > fixed ? (m->len - fixed) / entry : 0;
    if (n_ports == 0)
        mops_problem_add(d->pkt, MOPS_P_MOPS_LENGTH, m->off + 16, "%s with Number of Ports 0 (at least 1 is required)",
                         what);
    else if (m->len != fixed + n_ports * entry)
        mops_problem_add(d->pkt, MOPS_P_MOPS_LENGTH, m->off + 16,
                         "%s with Number of Ports %u needs %u octets, the message has %u", what, n_ports,
                         fixed + n_ports * entry, m->len);
    return n_ports < room ? n_ports : room;
}

static void decode_migrate(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_migrate *g = &m->u.migrate;
    m->kind = MOPS_ICMP_KIND_MIGRATE;
    g->version = m->byte7 >> 4;
    g->reserved = m->byte7 & 0xf;
    check_version(d, m, g->version);
    if (!mops_migrate_code_name(m->code))
        mops_problem_add(pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6, "unknown Migrate code %u", m->code);
    struct opening o;
    if (!read_opening(d, r, m, "Migrate", "mops.migrate.prev_addr", "mops.migrate.mig_addr", &o))
        return;
    pkt->layers |= MOPS_L_MOPS;
    g->proto = o.field0;
    g->prev_addr = o.addr0;
    g->n_ports = o.field1;
    g->mig_addr = o.addr1;
    uint32_t n = entries_in(d, m, g->n_ports, MOPS_MIGRATE_FIXED_LEN, MOPS_MIGRATE_PORT_LEN, "Migrate");
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

static void decode_anycast(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_anycast_ack *a = &m->u.anycast;
    m->kind = MOPS_ICMP_KIND_ANYCAST_ACK;
    a->version = m->byte7 >> 4;
    a->reserved = m->byte7 & 0xf;
    check_version(d, m, a->version);
    if (m->code != 0)
        mops_problem_add(pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6,
                         "Anycast Server Acknowledgement with code %u, expected 0", m->code);
    if (m->len != MOPS_ANYCAST_ACK_LEN)
        mops_problem_add(pkt, MOPS_P_MOPS_LENGTH, m->off, "Anycast Server Acknowledgement of %u octets, expected %u",
                         m->len, MOPS_ANYCAST_ACK_LEN);
    struct opening o;
    if (!read_opening(d, r, m, "Anycast Server Acknowledgement", "mops.anycast.anycast_addr",
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

static void decode_natack(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_nat_ack *a = &m->u.natack;
    m->kind = MOPS_ICMP_KIND_NAT_ACK;
    a->version = m->byte7 >> 4;
    a->level = m->byte7 & 0xf;
    check_version(d, m, a->version);
    if (m->code != 0)
        mops_problem_add(pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6, "NAT Acknowledgement with code %u, expected 0",
                         m->code);
    if (pkt->ip.htl != MOPS_NATACK_HTL)
        mops_problem_add(pkt, MOPS_P_MOPS_NATACK_HTL, pkt->link.ipff_off + 16,
                         "NAT Acknowledgement with Hops to Live %u, expected %u", pkt->ip.htl, MOPS_NATACK_HTL);
    struct opening o;
    if (!read_opening(d, r, m, "NAT Acknowledgement", "mops.natack.orig_addr", "mops.natack.trans_addr", &o))
        return;
    pkt->layers |= MOPS_L_MOPS;
    a->proto = o.field0;
    a->orig_addr = o.addr0;
    a->n_ports = o.field1;
    a->trans_addr = o.addr1;
    uint32_t n = entries_in(d, m, a->n_ports, MOPS_NATACK_FIXED_LEN, MOPS_NATACK_PORT_LEN, "NAT Acknowledgement");
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

void mops_decode_mops(struct mops_dec *d, struct mops_rd *r)
{
    struct mops_icmp *m = &d->pkt->icmp;
    if (m->type == d->s->type_migrate)
        decode_migrate(d, r, m);
    else if (m->type == d->s->type_anycast_ack)
        decode_anycast(d, r, m);
    else
        decode_natack(d, r, m);
}
