/* The MOPS messages inside ICMPv5 (MOPS §4, profile §5): what their bodies
 * share, and which decoder each type goes to (migrate.c, anycast_ack.c,
 * natack.c). */
#include "internal.h"

void mops_mops_check_version(struct mops_dec *d, const struct mops_icmp *m, uint8_t version)
{
    if (version != MOPS_MOPS_VERSION)
        mops_problem_add(d->pkt, MOPS_P_MOPS_VERSION, m->off + 7, "MOPS version %u, expected %u", version,
                         MOPS_MOPS_VERSION);
}

/* Every MOPS body opens with two words, each a 14-bit field over an address
 * (MOPS §4.1-4.3). Reads and checks them; false, with the problem reported,
 * when the message is cut short before they end. */
bool mops_mops_read_opening(struct mops_dec *d, struct mops_rd *r, const struct mops_icmp *m, const char *what,
                            const char *addr0_name, const char *addr1_name, struct mops_opening *o)
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
uint32_t mops_mops_entries(struct mops_dec *d, const struct mops_icmp *m, uint32_t n_ports, uint32_t fixed,
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

void mops_decode_mops(struct mops_dec *d, struct mops_rd *r)
{
    struct mops_icmp *m = &d->pkt->icmp;
    if (m->type == d->s->type_migrate)
        mops_decode_migrate(d, r, m);
    else if (m->type == d->s->type_anycast_ack)
        mops_decode_anycast_ack(d, r, m);
    else
        mops_decode_natack(d, r, m);
}
