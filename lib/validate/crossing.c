/* NATs as the capture shows them (MOPS §4.3, §6, §7, Appendix B): the same
 * SYN or Migrate seen on two links with its source translated is a NAT
 * crossing. The crossing must keep previous fields, sequence numbers and
 * ISNs, and call for a NAT ack level 1 to the inner source; the acks a node
 * receives must chain level by level; a mobile names its outermost
 * translation as previous. Also the received-source option (MOPS §3.2). */
#include <stdio.h>
#include <string.h>

#include "mops/core/timers.h"

#include "internal.h"

#define PAIR_NS (MOPS_NS_PER_SEC / 20) /* the same packet on the next link */
#define ACK_DUE_NS MOPS_NS_PER_SEC     /* a NAT ack follows its crossing within this */

static void expect_ack(struct mops_validator *v, const char *what, mops_addr_t inner, uint16_t inner_port,
                       mops_addr_t outer, uint16_t outer_port, uint16_t proto, uint64_t ts, uint64_t frame)
{
    for (unsigned i = 0; i < V_PENDING; i++) {
        struct v_pending_ack *p = &v->pending[i];
        if (p->used && p->inner == inner && p->inner_port == inner_port && p->outer == outer &&
            p->outer_port == outer_port)
            return; /* the mapping exists: one ack per mapping */
    }
    struct v_pending_ack *p = &v->pending[v->pending_i++ % V_PENDING];
    *p = (struct v_pending_ack){true, false, inner, outer, inner_port, outer_port, proto, ts + ACK_DUE_NS, frame, ""};
    if (!v->pending_next_due || p->due_ts < v->pending_next_due)
        v->pending_next_due = p->due_ts;
    snprintf(p->what, sizeof p->what, "%s", what);
}

/* The ack a crossing called for, seen within ACK_DUE_NS either side. */
static const struct v_seen_ack *ack_for(const struct mops_validator *v, const struct v_pending_ack *p)
{
    for (unsigned i = 0; i < V_ACKS; i++) {
        const struct v_seen_ack *a = &v->acks[i];
        if (a->used && a->receiver == p->inner && a->orig == p->inner && a->orig_port == p->inner_port &&
            a->ts + 2 * ACK_DUE_NS >= p->due_ts && a->ts <= p->due_ts)
            return a;
    }
    return NULL;
}

static void pending_due(struct mops_validator *v, uint64_t now, bool all)
{
    /* Scanned only when the earliest one falls due: this runs per packet. */
    if (!all && (!v->pending_next_due || now < v->pending_next_due))
        return;
    v->pending_next_due = 0;
    for (unsigned i = 0; i < V_PENDING; i++) {
        struct v_pending_ack *p = &v->pending[i];
        if (!p->used || p->done)
            continue;
        if (!all && now < p->due_ts) {
            if (!v->pending_next_due || p->due_ts < v->pending_next_due)
                v->pending_next_due = p->due_ts;
            continue;
        }
        p->done = true;
        char in[40], out[40], flow[120], exp[160], act[96];
        v_tuple(in, sizeof in, p->inner, p->inner_port);
        v_tuple(out, sizeof out, p->outer, p->outer_port);
        snprintf(flow, sizeof flow, "nat %s -> %s", in, out);
        const struct v_seen_ack *a = ack_for(v, p);
        if (a && a->trans == p->outer && a->trans_port == p->outer_port)
            continue;
        if (a) {
            snprintf(exp, sizeof exp, "translation %s", out);
            v_tuple(act, sizeof act, a->trans, a->trans_port);
            v_emit(v, MOPS_R_NAT_REWRITE, a->frame, a->ts, flow, exp, act,
                   "the NAT translated frame %llu to %s, but its NAT ack says %s", (unsigned long long)p->frame, out,
                   act);
            continue;
        }
        snprintf(exp, sizeof exp, "NAT ack level 1 to %s: %s -> %s", in, in, out);
        v_emit(v, MOPS_R_NAT_ACK_MISSING, p->frame, p->due_ts - ACK_DUE_NS, flow, exp, "no NAT ack",
               "the NAT that translated the %s of frame %llu (%s -> %s) sent no NAT acknowledgement", p->what,
               (unsigned long long)p->frame, in, out);
    }
}

static struct v_recent *pair(struct v_recent *ring, uint32_t ifid, uint64_t ts, const struct v_recent *now,
                             bool migrate)
{
    struct v_recent *best = NULL;
    for (unsigned i = 0; i < V_RECENT; i++) {
        struct v_recent *r = &ring[i];
        if (!r->used || r->ifid == ifid || ts - r->ts > PAIR_NS || r->dst != now->dst || r->proto != now->proto)
            continue;
        if (migrate
                ? (r->n_ports != now->n_ports || r->dport != now->dport || (r->prev != now->prev && r->seq != now->seq))
                : (r->dport != now->dport || r->window != now->window || r->mc != now->mc))
            continue;
        if (!best || r->ts > best->ts)
            best = r;
    }
    /* The latest copy on another link is the one this came from; a NAT
     * translates the source address, a router does not. */
    return best && best->src != now->src ? best : NULL;
}

/* A number a NAT must carry through unchanged (MOPS §6, §7), changed. */
static void number_changed(struct mops_validator *v, int rule, uint64_t frame, uint64_t ts, const char *flow,
                           const char *what, const char *of, uint64_t from_frame, uint64_t old, uint64_t now)
{
    char exp[96], act[96];
    snprintf(exp, sizeof exp, "%s %llu kept", what, (unsigned long long)old);
    snprintf(act, sizeof act, "%s %llu", what, (unsigned long long)now);
    v_emit(v, rule, frame, ts, flow, exp, act, "a NAT changed the %s of the %s of frame %llu from %llu to %llu", what,
           of, (unsigned long long)from_frame, (unsigned long long)old, (unsigned long long)now);
}

static void migrate_crossing(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                             const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    if (!g->n_decoded)
        return;
    const struct mops_migrate_port *p0 = &pkt->pool.migrate[0];
    struct v_recent now = {.used = true,
                           .ifid = ifid,
                           .ts = ts,
                           .frame = frame,
                           .src = pkt->ip.src,
                           .dst = pkt->ip.dst,
                           .prev = g->prev_addr,
                           .mig = g->mig_addr,
                           .dport = p0->prev_dport,
                           .proto = g->proto,
                           .n_ports = g->n_ports,
                           .prev_sport = p0->prev_sport,
                           .mig_sport = p0->mig_sport,
                           .seq = p0->seq};
    struct v_recent *r = pair(v->recent_mig, ifid, ts, &now, true);
    if (r && (r->mig != now.mig || r->mig_sport != now.mig_sport)) {
        v->translated = true;
        char flow[120], a[40], b[40], exp[160], act[160];
        snprintf(flow, sizeof flow, "nat %s -> %s", v_tuple(a, sizeof a, r->mig, r->mig_sport),
                 v_tuple(b, sizeof b, now.mig, now.mig_sport));
        if (r->prev != now.prev || r->prev_sport != now.prev_sport) {
            snprintf(exp, sizeof exp, "previous %s kept", v_tuple(a, sizeof a, r->prev, r->prev_sport));
            snprintf(act, sizeof act, "previous %s", v_tuple(b, sizeof b, now.prev, now.prev_sport));
            v_emit(v, MOPS_R_NAT_REWRITE, frame, ts, flow, exp, act,
                   "a NAT rewrote the previous address and port of Migrate frame %llu: %s",
                   (unsigned long long)r->frame, act);
            v->nat_rewrite_ts = ts;
        }
        if (r->seq != now.seq) {
            number_changed(v, MOPS_R_NAT_REWRITE, frame, ts, flow, "sequence", "Migrate", r->frame, r->seq, now.seq);
            v->nat_rewrite_ts = ts;
        }
        expect_ack(v, "Migrate", r->mig, r->mig_sport, now.mig, now.mig_sport, g->proto, ts, frame);
    }
    v->recent_mig[v->recent_mig_i++ % V_RECENT] = now;
}

static void syn_crossing(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                         const struct mops_packet *pkt)
{
    const struct mops_tcp *t = &pkt->tcp;
    struct v_recent now = {.used = true,
                           .ifid = ifid,
                           .ts = ts,
                           .frame = frame,
                           .src = pkt->ip.src,
                           .dst = pkt->ip.dst,
                           .sport = t->sport,
                           .dport = t->dport,
                           .proto = MOPS_PROTO_TCP,
                           .window = t->window,
                           .seq = t->seq,
                           .mc = t->mobile_capable};
    struct v_recent *r = pair(v->recent_syn, ifid, ts, &now, false);
    if (r) {
        v->translated = true; /* the NAT's copy: not a SYN of its own */
        char flow[120], a[40], b[40];
        snprintf(flow, sizeof flow, "nat %s -> %s", v_tuple(a, sizeof a, r->src, r->sport),
                 v_tuple(b, sizeof b, now.src, now.sport));
        if (r->seq != now.seq)
            number_changed(v, MOPS_R_NAT_ISN, frame, ts, flow, "ISN", "SYN", r->frame, r->seq, now.seq);
        if (now.mc)
            expect_ack(v, "SYN", r->src, r->sport, now.src, now.sport, MOPS_PROTO_TCP, ts, frame);
    }
    v->recent_syn[v->recent_syn_i++ % V_RECENT] = now;
}

static const struct v_level *level_find(const struct mops_validator *v, mops_addr_t receiver, mops_addr_t orig,
                                        uint16_t port, uint16_t proto)
{
    struct {
        mops_addr_t receiver, orig;
        uint16_t orig_port, proto;
        uint32_t pad;
    } k;
    memset(&k, 0, sizeof k);
    k.receiver = receiver;
    k.orig = orig;
    k.orig_port = port;
    k.proto = proto;
    return vt_find(&v->levels, &k);
}

static void nat_ack(struct mops_validator *v, uint64_t frame, uint64_t ts, const struct mops_packet *pkt)
{
    const struct mops_nat_ack *a = &pkt->icmp.u.natack;
    mops_addr_t d = pkt->ip.dst;
    for (unsigned i = 0; i < a->n_decoded; i++) {
        const struct mops_nat_port *np = &pkt->pool.natack[i];
        v->acks[v->acks_i++ % V_ACKS] =
            (struct v_seen_ack){true, d, a->orig_addr, a->trans_addr, np->orig_port, np->trans_port, ts, frame};
        struct {
            mops_addr_t receiver, orig;
            uint16_t orig_port, proto;
            uint32_t pad;
        } k;
        memset(&k, 0, sizeof k);
        k.receiver = d;
        k.orig = a->orig_addr;
        k.orig_port = np->orig_port;
        k.proto = a->proto;
        struct v_level *l = vt_get(&v->levels, &k, NULL);
        l->trans = a->trans_addr;
        l->trans_port = np->trans_port;
        l->level = a->level;
        l->frame = frame;
        l->ts = ts;
        struct v_level_by_trans *bt =
            vt_get(&v->level_by_trans,
                   &(struct v_level_by_trans){.k = {d, a->trans_addr, np->trans_port, a->proto, 0}}.k, NULL);
        bt->orig = a->orig_addr;
        bt->orig_port = np->orig_port;
        if (a->level == 1 && a->trans_addr != d)
            vt_get(&v->nat_addrs, &a->trans_addr, NULL);
        /* Level 1 names the receiver itself; level n continues level n - 1. */
        char flow[120], x[40], exp[160], act[96];
        snprintf(flow, sizeof flow, "natack to %s", v_tuple(x, sizeof x, a->orig_addr, np->orig_port));
        snprintf(act, sizeof act, "level %u", a->level);
        if (a->level == 0) {
            l->bad = true;
            v_emit(v, MOPS_R_NAT_LEVEL, frame, ts, flow, "level 1 or more", act, "NAT ack level 0: levels start at 1");
        } else if (a->level == 1 && a->orig_addr != d) {
            l->bad = true;
            snprintf(exp, sizeof exp, "a higher level: %s is not the receiver's own address", x);
            v_emit(v, MOPS_R_NAT_LEVEL, frame, ts, flow, exp, act,
                   "NAT ack level 1 whose Original Source %s is not its receiver", x);
        } else if (a->level > 1) {
            const struct v_level_by_trans *pt = vt_find(
                &v->level_by_trans, &(struct v_level_by_trans){.k = {d, a->orig_addr, np->orig_port, a->proto, 0}}.k);
            const struct v_level *prev = pt ? level_find(v, d, pt->orig, pt->orig_port, a->proto) : NULL;
            if (prev && prev != l && prev->trans == a->orig_addr && prev->trans_port == np->orig_port) {
                if (prev->level + 1 != a->level) {
                    l->bad = true;
                    snprintf(exp, sizeof exp, "level %u, after level %u (frame %llu)", prev->level + 1, prev->level,
                             (unsigned long long)prev->frame);
                    v_emit(v, MOPS_R_NAT_LEVEL, frame, ts, flow, exp, act, "NAT ack level %u continues level %u",
                           a->level, prev->level);
                }
            }
        }
    }
}

/* A receiver of NAT acks that is itself some NAT's translation. */
static bool v_is_nat(const struct mops_validator *v, mops_addr_t a) { return vt_find(&v->nat_addrs, &a) != NULL; }

/* The levels a receiver learned for its tuple a:port, from level 1 out. */
static unsigned chain_walk(const struct mops_validator *v, mops_addr_t a, uint16_t port, uint16_t proto,
                           struct mops_nat_level *out, bool *bad)
{
    unsigned n = 0;
    *bad = false;
    for (const struct v_level *l = level_find(v, a, a, port, proto); l && n < MOPS_CHAIN_MAX;
         l = level_find(v, a, l->trans, l->trans_port, proto)) {
        out[n++] =
            (struct mops_nat_level){l->level, l->k.orig, l->trans, l->k.orig_port, l->trans_port, l->frame, l->ts};
        *bad |= l->bad;
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
        bool bad;
        c->mobile = l->k.receiver;
        c->port = l->k.orig_port;
        c->proto = l->k.proto;
        c->n = chain_walk(v, c->mobile, c->port, c->proto, c->levels, &bad);
    }
    return n;
}

/* The option names the source the server saw (MOPS §3.2): on the server's
 * link, the packet's own destination. */
static void recv_src(struct mops_validator *v, uint32_t ifid, uint64_t frame, uint64_t ts,
                     const struct mops_packet *pkt)
{
    const struct mops_recv_src *r = &pkt->recv_src;
    uint16_t dport = (pkt->layers & MOPS_L_TCP) ? pkt->tcp.dport : (pkt->layers & MOPS_L_UDP) ? pkt->udp.dport : 0;
    if (!dport || v_link_of(v, pkt->ip.src) != ifid || (r->addr == pkt->ip.dst && r->port == dport))
        return;
    char flow[120], x[40], y[40], exp[96], act[96];
    v_tuple(x, sizeof x, pkt->ip.dst, dport);
    v_tuple(y, sizeof y, r->addr, r->port);
    snprintf(flow, sizeof flow, "recv-src to %s", x);
    snprintf(exp, sizeof exp, "received source %s", x);
    snprintf(act, sizeof act, "received source %s", y);
    v_emit(v, MOPS_R_RSRC_MISMATCH, frame, ts, flow, exp, act,
           "the received-source option says %s, but the server sent this to %s", y, x);
}

void v_nat_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                  const struct mops_track_result *tr, bool first)
{
    v->translated = false;
    pending_due(v, ts, false);
    bool mops = pkt->layers & MOPS_L_MOPS;
    if (mops && tr->kind == MOPS_TRACK_REQUEST) {
        migrate_crossing(v, frame, ifid, ts, pkt);
    }
    if ((pkt->layers & MOPS_L_TCP) && (pkt->tcp.flags & MOPS_TCP_SYN) && !(pkt->tcp.flags & MOPS_TCP_ACK))
        syn_crossing(v, frame, ifid, ts, pkt);
    if (!first)
        return;
    if (mops && pkt->icmp.kind == MOPS_ICMP_KIND_NAT_ACK)
        nat_ack(v, frame, ts, pkt);
    if (pkt->recv_src.present)
        recv_src(v, ifid, frame, ts, pkt);
}

void v_nat_finish(struct mops_validator *v, uint64_t end_ns) { pending_due(v, end_ns, true); }
