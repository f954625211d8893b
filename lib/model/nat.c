/* The source NAT (MOPS §4.3, §7, Appendix B, errata E2 and E7). */
#include "mops/model/nat.h"

#include <stdio.h>

#include "mops/decode/decode.h"
#include <stdlib.h>
#include <string.h>

#define SEQ_SHIFT 0x10000u /* misbehaviour translate-tcp-seq */

int mops_nat_init(struct mops_nat *n, const struct mops_settings *st, const char *name, mops_addr_t outside,
                  mops_addr_t inside_addr, const struct mops_prefix *inside, uint16_t first_port, uint32_t bad,
                  const struct mops_model_caps *caps)
{
    if (!caps)
        caps = &mops_model_caps_default;
    memset(n, 0, sizeof *n);
    n->n_maps = caps->nat_maps;
    n->n_icpt = caps->nat_intercepts ? caps->nat_intercepts : 1; /* a ring: at least one slot */
    n->maps = mops_model_table(caps, n->n_maps, sizeof *n->maps);
    n->icpt = mops_model_table(caps, n->n_icpt, sizeof *n->icpt);
    if (mops_index_init(&n->by_in, caps, n->n_maps) < 0 || mops_index_init(&n->by_out, caps, n->n_maps) < 0 ||
        !n->maps || !n->icpt) {
        mops_nat_free(n);
        return -1;
    }
    snprintf(n->name, sizeof n->name, "%s", name);
    n->st = st;
    n->outside = outside;
    n->inside_addr = inside_addr;
    n->inside = *inside;
    n->next_port = first_port;
    n->bad = bad;
    return 0;
}

void mops_nat_free(struct mops_nat *n)
{
    free(n->maps);
    free(n->icpt);
    mops_index_free(&n->by_in);
    mops_index_free(&n->by_out);
    n->maps = NULL;
    n->icpt = NULL;
}

static uint32_t in_hash(const struct mops_nat *n, uint16_t proto, mops_addr_t a, uint16_t port)
{
    return mops_index_bucket(&n->by_in, a ^ ((uint64_t)port << 50) ^ proto);
}

static uint32_t out_hash(const struct mops_nat *n, uint16_t proto, uint16_t port)
{
    return mops_index_bucket(&n->by_out, (uint64_t)port << 16 ^ proto);
}

/* Every change of a mapping's keys goes through these, to keep the index. */
static void index_del(struct mops_nat *n, const struct mops_nat_map *m)
{
    int32_t i = (int32_t)(m - n->maps);
    mops_index_del(&n->by_in, in_hash(n, m->proto, m->in_addr, m->in_port), i);
    mops_index_del(&n->by_out, out_hash(n, m->proto, m->out_port), i);
}

static void index_add(struct mops_nat *n, const struct mops_nat_map *m)
{
    int32_t i = (int32_t)(m - n->maps);
    mops_index_add(&n->by_in, in_hash(n, m->proto, m->in_addr, m->in_port), i);
    mops_index_add(&n->by_out, out_hash(n, m->proto, m->out_port), i);
}

const struct mops_nat_map *mops_nat_lookup(const struct mops_nat *n, uint16_t proto, mops_addr_t in_addr,
                                           uint16_t in_port)
{
    for (int32_t i = n->by_in.head[in_hash(n, proto, in_addr, in_port)]; i >= 0; i = n->by_in.next[i]) {
        const struct mops_nat_map *m = &n->maps[i];
        if (m->used && m->proto == proto && m->in_addr == in_addr && m->in_port == in_port)
            return m;
    }
    return NULL;
}

/* A free slot, taken in turn; with a partial view, the oldest when none is
 * free (its mapping forgotten); NULL when full. */
static struct mops_nat_map *free_slot(struct mops_nat *n)
{
    for (unsigned t = 0; t < n->n_maps; t++) {
        struct mops_nat_map *m = &n->maps[n->cursor++ % n->n_maps];
        if (!m->used)
            return m;
        if (n->partial_view) {
            index_del(n, m);
            return m;
        }
    }
    return NULL;
}

/* A new mapping in_addr:in_port -> outside:out_port, or NULL when full. */
static struct mops_nat_map *new_map(struct mops_nat *n, uint16_t proto, mops_addr_t in_addr, uint16_t in_port,
                                    uint16_t out_port)
{
    struct mops_nat_map *m = free_slot(n);
    if (m) {
        memset(m, 0, sizeof *m);
        m->used = true;
        m->proto = proto;
        m->in_addr = in_addr;
        m->in_port = in_port;
        m->out_port = out_port;
        m->levels[0] = (struct mops_natt_entry){proto, 1, in_addr, n->outside, in_port, out_port};
        m->n_levels = 1;
        index_add(n, m);
    }
    return m;
}

static struct mops_nat_map *map_for(struct mops_nat *n, uint16_t proto, mops_addr_t in_addr, uint16_t in_port)
{
    struct mops_nat_map *m = (struct mops_nat_map *)mops_nat_lookup(n, proto, in_addr, in_port);
    if (m)
        return m;
    m = new_map(n, proto, in_addr, in_port, n->next_port);
    if (m)
        n->next_port++;
    return m;
}

struct mops_nat_map *mops_nat_adopt(struct mops_nat *n, uint16_t proto, mops_addr_t in_addr, uint16_t in_port,
                                    uint16_t out_port, bool mobile)
{
    struct mops_nat_map *m = (struct mops_nat_map *)mops_nat_lookup(n, proto, in_addr, in_port);
    if (!m)
        m = new_map(n, proto, in_addr, in_port, out_port);
    if (!m)
        return NULL;
    /* The port is the NAT's choice: what the capture shows it chose. */
    index_del(n, m);
    m->out_port = out_port;
    index_add(n, m);
    m->levels[0].trans_port = out_port;
    m->mobile |= mobile;
    return m;
}

static struct mops_nat_map *map_by_out(struct mops_nat *n, uint16_t proto, uint16_t out_port)
{
    for (int32_t i = n->by_out.head[out_hash(n, proto, out_port)]; i >= 0; i = n->by_out.next[i])
        if (n->maps[i].used && n->maps[i].proto == proto && n->maps[i].out_port == out_port)
            return &n->maps[i];
    return NULL;
}

/* A NAT ack to an inside host: level, one address pair, n port pairs. */
static void send_natack(struct mops_nat *n, mops_addr_t to, uint8_t level, uint16_t proto, mops_addr_t orig,
                        mops_addr_t trans, const struct mops_nat_port *ports, unsigned count, struct mops_outbox *out)
{
    if ((n->bad & MOPS_BAD_NO_NATACK) || !count)
        return;
    struct mops_builder *b = mops_outbox_builder(out, n->st);
    /* MOPS §4.3: sent with Hops to Live 1. */
    struct mops_ipff_hdr h = {
        .src = n->inside_addr, .dst = to, .htl = (n->bad & MOPS_BAD_NATACK_HTL) ? 64 : MOPS_NATACK_HTL};
    mops_build_ipff(b, &h);
    struct mops_nat_ack a = {.version = MOPS_MOPS_VERSION,
                             .level = level,
                             .proto = proto,
                             .orig_addr = orig,
                             .n_ports = (uint16_t)count,
                             .trans_addr = trans};
    mops_build_nat_ack(b, &a, ports, count);
    mops_outbox_add_built(out, b);
    n->natacks_sent++;
}

static void intercept_migrate(struct mops_nat *n, const struct mops_packet *pkt, struct mops_outbox *out)
{
    struct mops_packet *scratch = mops_outbox_scratch(out);
    mops_packet_copy(scratch, pkt);
    struct mops_migrate *g = &scratch->icmp.u.migrate;
    struct mops_migrate_port *ports = scratch->pool.migrate;
    unsigned count = g->n_decoded < MOPS_MN_PORTS ? g->n_decoded : MOPS_MN_PORTS;
    struct mops_nat_intercept *x = NULL;
    for (unsigned i = 0; i < n->n_icpt && !x; i++)
        if (!n->icpt[i].used)
            x = &n->icpt[i];
    if (!x)
        x = &n->icpt[n->migrates_intercepted % n->n_icpt];
    memset(x, 0, sizeof *x);
    x->used = true;
    x->proto = g->proto;
    x->prev_addr = g->prev_addr;
    x->in_mig_addr = g->mig_addr;
    x->client = pkt->ip.src;
    struct mops_nat_port acked[MOPS_MN_PORTS];
    for (unsigned i = 0; i < count; i++) {
        /* MOPS §7: as for a new session: a mapping, and firewall state. */
        struct mops_nat_map *m = map_for(n, g->proto, g->mig_addr, ports[i].mig_sport);
        if (!m)
            return;
        m->mobile = true;
        x->in_mig_sport[i] = ports[i].mig_sport;
        x->out_mig_sport[i] = m->out_port;
        acked[i] = (struct mops_nat_port){ports[i].mig_sport, m->out_port};
        /* Only the migrated fields change; previous fields and sequence stay. */
        ports[i].mig_sport = m->out_port;
        if (n->bad & MOPS_BAD_REWRITE_PREV)
            ports[i].prev_sport = m->out_port;
        if ((n->bad & MOPS_BAD_REWRITE_SEQ) && i + 1 == count)
            ports[i].seq++;
    }
    x->n = count;
    if (n->bad & MOPS_BAD_REWRITE_PREV)
        g->prev_addr = n->outside;
    g->mig_addr = n->outside;
    scratch->ip.src = n->outside;
    n->migrates_intercepted++;
    send_natack(n, pkt->ip.src, 1, x->proto, x->in_mig_addr, n->outside, acked, count, out);
    uint32_t old_crc = pkt->icmp.crc;
    mops_outbox_forward(out, n->st, scratch, (n->bad & MOPS_BAD_STALE_CRC) ? &old_crc : NULL);
}

static bool from_inside(struct mops_nat *n, const struct mops_packet *pkt, struct mops_outbox *out)
{
    if (mops_prefix_match(&n->inside, pkt->ip.dst) || pkt->ip.dst == n->inside_addr)
        return false; /* inside to inside: not ours to translate */
    if (pkt->layers & (MOPS_L_TCP | MOPS_L_UDP)) {
        bool tcp = pkt->layers & MOPS_L_TCP;
        uint16_t sport = tcp ? pkt->tcp.sport : pkt->udp.sport;
        bool fresh = !mops_nat_lookup(n, pkt->l4_proto, pkt->ip.src, sport);
        struct mops_nat_map *m = map_for(n, pkt->l4_proto, pkt->ip.src, sport);
        if (!m)
            return true;
        struct mops_packet *scratch = mops_outbox_scratch(out);
        mops_packet_copy(scratch, pkt);
        scratch->ip.src = n->outside;
        if (tcp) {
            scratch->tcp.sport = m->out_port;
            if ((n->bad & MOPS_BAD_TRANSLATE_TCP_SEQ) ||
                ((n->bad & MOPS_BAD_SHIFT_DATA_SEQ) && !(pkt->tcp.flags & MOPS_TCP_SYN)))
                scratch->tcp.seq += SEQ_SHIFT;
        } else {
            scratch->udp.sport = m->out_port;
        }
        /* MOPS §4.3: a mapping for a MOBILE_CAPABLE SYN gets a NAT ack. */
        if (fresh && tcp && (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN &&
            pkt->tcp.mobile_capable) {
            m->mobile = true;
            struct mops_nat_port p = {sport, m->out_port};
            send_natack(n, pkt->ip.src, 1, pkt->l4_proto, pkt->ip.src, n->outside, &p, 1, out);
        }
        mops_outbox_forward(out, n->st, scratch, NULL);
        return true;
    }
    if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE &&
        pkt->icmp.code <= MOPS_MIGRATE_CODE_ATOMIC) {
        intercept_migrate(n, pkt, out);
        return true;
    }
    if (pkt->layers & MOPS_L_ICMP) { /* other ICMPv5 leaves under the outside address */
        struct mops_packet *scratch = mops_outbox_scratch(out);
        mops_packet_copy(scratch, pkt);
        scratch->ip.src = n->outside;
        mops_outbox_forward(out, n->st, scratch, NULL);
        return true;
    }
    return false;
}

/* Appendix B: an upstream NAT's ack names, as its original, the top of one
 * of our chains: one level more to learn, and to tell the inside host. */
static void learn_level(struct mops_nat *n, const struct mops_packet *pkt, struct mops_outbox *out)
{
    const struct mops_nat_ack *a = &pkt->icmp.u.natack;
    /* E2: the relayed level is the learned one, upstream level + 1. */
    uint8_t level = (uint8_t)((n->bad & MOPS_BAD_WRONG_LEVEL) ? a->level : a->level + 1);
    for (unsigned i = 0; i < n->n_maps; i++) {
        struct mops_nat_map *m = &n->maps[i];
        if (!m->used || m->proto != a->proto)
            continue;
        const struct mops_natt_entry *top = &m->levels[m->n_levels - 1];
        for (unsigned k = 0; k < a->n_decoded; k++) {
            const struct mops_nat_port *p = &pkt->pool.natack[k];
            if (top->trans_addr != a->orig_addr || top->trans_port != p->orig_port)
                continue;
            struct mops_natt_entry e = {
                a->proto, (uint8_t)(a->level + 1), a->orig_addr, a->trans_addr, p->orig_port, p->trans_port};
            if (m->n_levels < MOPS_NAT_LEVELS)
                m->levels[m->n_levels++] = e;
            struct mops_nat_port rp = {p->orig_port, p->trans_port};
            if (!(n->bad & MOPS_BAD_NO_RELAY))
                send_natack(n, m->in_addr, level, a->proto, a->orig_addr, a->trans_addr, &rp, 1, out);
        }
    }
}

static void restore_reply(struct mops_nat *n, const struct mops_packet *pkt, struct mops_outbox *out)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    for (unsigned i = 0; i < n->n_icpt; i++) {
        struct mops_nat_intercept *x = &n->icpt[i];
        if (!x->used || x->proto != g->proto || x->prev_addr != g->prev_addr)
            continue;
        struct mops_packet *scratch = mops_outbox_scratch(out);
        mops_packet_copy(scratch, pkt);
        bool all = true;
        for (unsigned k = 0; k < g->n_decoded && all; k++) {
            unsigned j = 0;
            while (j < x->n && x->out_mig_sport[j] != pkt->pool.migrate[k].mig_sport)
                j++;
            if (j == x->n)
                all = false;
            else if (!(n->bad & MOPS_BAD_NO_RESTORE))
                scratch->pool.migrate[k].mig_sport = x->in_mig_sport[j];
        }
        if (!all)
            continue;
        /* MOPS §7: the reply carries back what the mobile node sent. */
        if (!(n->bad & MOPS_BAD_NO_RESTORE))
            scratch->icmp.u.migrate.mig_addr = x->in_mig_addr;
        scratch->ip.dst = x->client;
        mops_outbox_forward(out, n->st, scratch, NULL);
        return;
    }
}

static bool from_outside(struct mops_nat *n, const struct mops_packet *pkt, struct mops_outbox *out)
{
    if (pkt->ip.dst != n->outside)
        return false;
    if (pkt->layers & (MOPS_L_TCP | MOPS_L_UDP)) {
        bool tcp = pkt->layers & MOPS_L_TCP;
        struct mops_nat_map *m = map_by_out(n, pkt->l4_proto, tcp ? pkt->tcp.dport : pkt->udp.dport);
        if (!m)
            return true; /* no mapping, no firewall state: dropped */
        struct mops_packet *scratch = mops_outbox_scratch(out);
        mops_packet_copy(scratch, pkt);
        scratch->ip.dst = m->in_addr;
        if (tcp) {
            scratch->tcp.dport = m->in_port;
            if ((n->bad & MOPS_BAD_TRANSLATE_TCP_SEQ) ||
                ((n->bad & MOPS_BAD_SHIFT_DATA_SEQ) && !(pkt->tcp.flags & MOPS_TCP_SYN)))
                scratch->tcp.ack -= SEQ_SHIFT;
        } else {
            scratch->udp.dport = m->in_port;
        }
        mops_outbox_forward(out, n->st, scratch, NULL);
        return true;
    }
    if (pkt->layers & MOPS_L_MOPS) {
        if (pkt->icmp.kind == MOPS_ICMP_KIND_NAT_ACK)
            learn_level(n, pkt, out);
        else if (pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE && pkt->icmp.code >= MOPS_MIGRATE_CODE_SUCCESS)
            restore_reply(n, pkt, out);
    }
    return true;
}

bool mops_nat_input(struct mops_nat *n, uint64_t now, bool inside, const struct mops_packet *pkt,
                    struct mops_outbox *out)
{
    (void)now;
    /* A NAT drops what it cannot parse, and checks a checksum before it
     * rewrites (and so recomputes) it. */
    if (pkt->status != MOPS_ST_OK || mops_packet_checksum_bad(pkt))
        return true;
    return inside ? from_inside(n, pkt, out) : from_outside(n, pkt, out);
}
