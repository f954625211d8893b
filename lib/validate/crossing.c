/* The NAT chains each node learns from the NAT acks it receives, level by
 * level (MOPS §4.3, Appendix B), for the report's nat_chains; and the
 * received-source option (MOPS §3.2). Whether each NAT sent the right ack
 * is its shadow's to say (nat.c). */
#include <stdio.h>
#include <string.h>

#include "mops/core/timers.h"

#include "internal.h"

/* The key of a level: what a receiver learned for orig:port. */
struct level_key {
    mops_addr_t receiver, orig;
    uint16_t orig_port, proto;
    uint32_t pad;
};

static struct level_key level_key(mops_addr_t receiver, mops_addr_t orig, uint16_t port, uint16_t proto)
{
    struct level_key k;
    memset(&k, 0, sizeof k);
    k.receiver = receiver;
    k.orig = orig;
    k.orig_port = port;
    k.proto = proto;
    return k;
}

static const struct v_level *level_find(const struct mops_validator *v, mops_addr_t receiver, mops_addr_t orig,
                                        uint16_t port, uint16_t proto)
{
    struct level_key k = level_key(receiver, orig, port, proto);
    return vt_find(&v->levels, &k);
}

static void nat_ack(struct mops_validator *v, uint64_t frame, uint64_t ts, const struct mops_packet *pkt)
{
    const struct mops_nat_ack *a = &pkt->icmp.u.natack;
    mops_addr_t d = pkt->ip.dst;
    for (unsigned i = 0; i < a->n_decoded; i++) {
        const struct mops_nat_port *np = &pkt->pool.natack[i];
        struct level_key k = level_key(d, a->orig_addr, np->orig_port, a->proto);
        struct v_level *l = vt_get(&v->levels, &k, NULL);
        l->trans = a->trans_addr;
        l->trans_port = np->trans_port;
        l->level = a->level;
        l->frame = frame;
        l->ts = ts;
        if (a->level == 1 && a->trans_addr != d)
            vt_get(&v->nat_addrs, &a->trans_addr, NULL);
    }
}

/* A receiver of NAT acks that is itself some NAT's translation. */
static bool v_is_nat(const struct mops_validator *v, mops_addr_t a) { return vt_find(&v->nat_addrs, &a) != NULL; }

/* The levels a receiver learned for its tuple a:port, from level 1 out. */
static unsigned chain_walk(const struct mops_validator *v, mops_addr_t a, uint16_t port, uint16_t proto,
                           struct mops_nat_level *out)
{
    unsigned n = 0;
    for (const struct v_level *l = level_find(v, a, a, port, proto); l && n < MOPS_CHAIN_MAX;
         l = level_find(v, a, l->trans, l->trans_port, proto)) {
        out[n++] =
            (struct mops_nat_level){l->level, l->k.orig, l->trans, l->k.orig_port, l->trans_port, l->frame, l->ts};
    }
    return n;
}

unsigned mops_validator_chains(const struct mops_validator *v, struct mops_nat_chain *out, unsigned max)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < v->levels.cap && n < max; i++) {
        const struct v_level *l = vt_at(&v->levels, i);
        /* A chain starts where an ack names its receiver itself (whatever
         * level it claims: NAT-LEVEL says when that is wrong). */
        if (!l || l->k.receiver != l->k.orig || v_is_nat(v, l->k.receiver))
            continue;
        struct mops_nat_chain *c = &out[n++];
        c->mobile = l->k.receiver;
        c->port = l->k.orig_port;
        c->proto = l->k.proto;
        c->n = chain_walk(v, c->mobile, c->port, c->proto, c->levels);
    }
    return n;
}

/* Whether the NAT acks seen announce a:port translated, in some number of
 * levels, to b:bport: then a NAT sits between this link and the server,
 * and the received source is rightly the server's view, not this link's. */
bool v_translated_to(const struct mops_validator *v, uint16_t proto, mops_addr_t a, uint16_t port, mops_addr_t b,
                     uint16_t bport)
{
    for (unsigned hop = 0; hop < MOPS_CHAIN_MAX; hop++) {
        const struct v_level *next = NULL;
        for (uint32_t i = 0; i < v->levels.cap && !next; i++) {
            const struct v_level *l = vt_at(&v->levels, i);
            if (l && l->k.proto == proto && l->k.orig == a && l->k.orig_port == port)
                next = l;
        }
        if (!next)
            return false;
        if (next->trans == b && next->trans_port == bport)
            return true;
        a = next->trans;
        port = next->trans_port;
    }
    return false;
}

/* Whether a packet's Hops to Live is still one a stack starts with (32, 64,
 * 128, 255, as p0f reads TTLs): not forwarded yet, so seen on its sender's
 * own link. Where a capture leaves out the sender's link, its packets are
 * first seen further on, and what they say of that link is not judged. */
bool v_unforwarded(const struct mops_packet *pkt)
{
    uint8_t h = pkt->ip.htl;
    return h == 32 || h == 64 || h == 128 || h == 255;
}

/* The option names the source the server saw (MOPS §3.2): on the server's
 * link, the packet's own destination. */
static void recv_src(struct mops_validator *v, uint32_t ifid, uint64_t frame, uint64_t ts,
                     const struct mops_packet *pkt)
{
    const struct mops_recv_src *r = &pkt->recv_src;
    uint16_t dport = (pkt->layers & MOPS_L_TCP) ? pkt->tcp.dport : (pkt->layers & MOPS_L_UDP) ? pkt->udp.dport : 0;
    if (!dport || v_link_of(v, pkt->ip.src) != ifid || !v_unforwarded(pkt) ||
        (r->addr == pkt->ip.dst && r->port == dport) ||
        v_translated_to(v, pkt->l4_proto, pkt->ip.dst, dport, r->addr, r->port))
        return;
    char flow[120], x[40], y[40], exp[96], act[96];
    v_tuple(x, sizeof x, pkt->ip.dst, dport);
    v_tuple(y, sizeof y, r->addr, r->port);
    snprintf(flow, sizeof flow, "recv-src to %s", x);
    snprintf(exp, sizeof exp, "received source %s", x);
    snprintf(act, sizeof act, "received source %s", y);
    v_judge(v, "server", pkt->ip.src);
    v_emit(v, MOPS_R_RSRC_MISMATCH, frame, ts, flow, exp, act,
           "the received-source option says %s, but the server sent this to %s", y, x);
}

void v_crossing_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                       const struct mops_packet *pkt, bool first)
{
    if (!first)
        return;
    if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_NAT_ACK)
        nat_ack(v, frame, ts, pkt);
    /* A SYN-ACK's is its server's shadow's to judge (server.c). */
    if (pkt->recv_src.present && (pkt->layers & MOPS_L_UDP))
        recv_src(v, ifid, frame, ts, pkt);
}
