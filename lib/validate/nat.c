/* NATs judged by replay (MOPS §4.3, §6, §7, Appendix B, E2): each source
 * NAT the capture shows gets a shadow, an instance of lib's NAT model
 * (model/nat.c). A NAT shows itself by its NAT acks (level 1: its inside
 * address, and the outside address it translates to), or by the same SYN
 * or Migrate leaving an inside link under one source and appearing on
 * another link under another. From then on what leaves its inside link
 * for elsewhere, and what arrives at its outside address, is fed to the
 * shadow; what the shadow sends (the translated packet, restored replies,
 * NAT acks and their relays) is compared with what the NAT sent: a NAT ack
 * it would send and that never comes, a level other than the model's, a
 * rewritten previous field or sequence, a changed ISN, a reply left
 * unrestored. The ports it picks are its own choice: the shadow takes them
 * from the capture (mops_nat_adopt). The first crossing, seen before the
 * NAT was known, is replayed to it when it becomes known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/decode/decode.h"

#include "internal.h"

/* Where the shadow's own ports start, for a mapping the capture has not
 * shown yet (the NAT's port is its choice, adopted once shown). */
#define V_NAT_OWN_PORTS 61000

static uint64_t mix(uint64_t h, uint64_t x) { return (h ^ x) * UINT64_C(0x100000001b3); }

/* What a NAT carries through unchanged of a SYN or a Migrate (not its
 * source, nor the migrated fields it rewrites): the same packet on both
 * sides of a NAT has the same key. 0: not a packet that pairs. */
static uint64_t crossing_key(const struct mops_packet *pkt)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    h = mix(h, pkt->ip.dst);
    if ((pkt->layers & MOPS_L_TCP) && (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN)
        return mix(mix(mix(h, 6), pkt->tcp.dport), pkt->tcp.seq) | 1;
    if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE &&
        pkt->icmp.code <= MOPS_MIGRATE_CODE_ATOMIC && pkt->icmp.u.migrate.n_decoded) {
        const struct mops_migrate *g = &pkt->icmp.u.migrate;
        h = mix(mix(mix(h, 100), g->proto), g->prev_addr);
        for (unsigned i = 0; i < g->n_decoded; i++)
            h = mix(mix(mix(h, pkt->pool.migrate[i].prev_sport), pkt->pool.migrate[i].prev_dport),
                    pkt->pool.migrate[i].seq);
        return h | 1;
    }
    return 0;
}

static struct v_nat *nat_by(const struct mops_validator *v, const struct vt *ix, mops_addr_t a)
{
    const struct v_addr_ix *x = vt_find(ix, &a);
    return x ? v->nats[x->i] : NULL;
}

bool v_is_nat_outside(const struct mops_validator *v, mops_addr_t a) { return nat_by(v, &v->nat_ix, a) != NULL; }

static void nat_free(struct v_nat *n)
{
    mops_nat_free(&n->m);
    free(n);
}

bool v_nats_init(struct mops_validator *v)
{
    uint32_t ix = v_table_size(v->o.capacity, 4 * V_SHADOW_CAP);
    v->n_nat_expects = v_ring_size(v->o.capacity, V_NAT_EXPECTS);
    v->crossings = mops_recycled_calloc(v->n_arrivals * sizeof *v->crossings); /* v_servers_init sized it */
    v->nat_expects = mops_recycled_calloc(v->n_nat_expects * sizeof *v->nat_expects);
    return v->crossings && v->nat_expects &&
           vt_init(&v->nat_ix, sizeof(struct v_addr_ix), sizeof(mops_addr_t), ix, !v->o.lazy) &&
           vt_init(&v->nat_inside_ix, sizeof(struct v_addr_ix), sizeof(mops_addr_t), ix, !v->o.lazy);
}

void v_nats_free(struct mops_validator *v)
{
    for (unsigned i = 0; i < v->n_nats; i++)
        nat_free(v->nats[i]);
    mops_recycled_free(v->crossings, v->n_arrivals * sizeof *v->crossings);
    mops_recycled_free(v->nat_expects, v->n_nat_expects * sizeof *v->nat_expects);
    vt_free(&v->nat_ix);
    vt_free(&v->nat_inside_ix);
}

static void feed(struct mops_validator *v, struct v_nat *n, uint64_t frame, uint64_t ts, bool inside,
                 const struct mops_packet *pkt);

/* Whether the capture shows both sides of a NAT: only then is what leaves
 * its inside link known to cross it (one link seen from a host shows its
 * NAT acks, not what the NAT translates). */
bool v_nat_both_sides(const struct mops_validator *v, const struct v_nat *n)
{
    uint32_t out = v_link_of(v, n->m.outside);
    return out != UINT32_MAX && out != n->inside_link;
}

/* A NAT found: its outside address on its outside link, its inside link
 * (and its inside address, when a NAT ack showed it). */
static struct v_nat *nat_new(struct mops_validator *v, mops_addr_t outside, uint32_t inside_link,
                             mops_addr_t inside_addr)
{
    if (v->n_nats == V_SHADOW_CAP) {
        v->nats_unshadowed++;
        return NULL;
    }
    struct v_nat *n = calloc(1, sizeof *n);
    struct mops_model_caps caps = mops_model_caps_default;
    caps.nat_maps = v_table_size(v->o.capacity, 1024);
    caps.claim = !v->o.lazy;
    char name[MOPS_ADDR_STRLEN];
    /* The inside network is configuration the capture does not show: only
     * the NAT's own inside address is taken for inside. */
    struct mops_prefix inside = {inside_addr, 50};
    if (!n || mops_nat_init(&n->m, &v->st, mops_addr_format(outside, name), outside, inside_addr, &inside,
                            V_NAT_OWN_PORTS, 0, &caps) < 0) {
        free(n);
        v->nats_unshadowed++;
        return NULL;
    }
    n->m.partial_view = true; /* the capture may show years of its mappings */
    n->inside_link = inside_link;
    struct v_addr_ix *x = vt_add(&v->nat_ix, &outside);
    x->i = v->n_nats;
    if (inside_addr) {
        x = vt_add(&v->nat_inside_ix, &inside_addr);
        x->i = v->n_nats;
    }
    v->nats[v->n_nats++] = n;
    return n;
}

static void learn_inside_addr(struct mops_validator *v, struct v_nat *n, mops_addr_t a)
{
    if (n->m.inside_addr)
        return;
    n->m.inside_addr = a;
    n->m.inside = (struct mops_prefix){a, 50};
    for (unsigned i = 0; i < v->n_nats; i++)
        if (v->nats[i] == n) {
            struct v_addr_ix *x = vt_add(&v->nat_inside_ix, &a);
            x->i = i;
        }
}

/* The crossing seen before its NAT was known: replayed to it now. */
static void replay_crossing(struct mops_validator *v, struct v_nat *n, struct v_crossing *c)
{
    if (!c || !c->used)
        return;
    c->used = false;
    struct mops_packet *pkt = &v->replay_pkt;
    mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, c->bytes, c->len, c->len, pkt);
    if (pkt->status == MOPS_ST_OK)
        feed(v, n, c->frame, c->ts, true, pkt);
}

/* Every crossing kept from link ifid, oldest first, to a NAT just found
 * there: the packets it took in before it was known. */
static void replay_link(struct mops_validator *v, struct v_nat *n, uint32_t ifid)
{
    if (!v_nat_both_sides(v, n)) {
        n->replay_pending = true; /* until its outside shows: what leaves the link may not cross it */
        return;
    }
    n->replay_pending = false;
    for (;;) {
        struct v_crossing *oldest = NULL;
        for (unsigned i = 0; i < v->n_arrivals; i++) {
            struct v_crossing *c = &v->crossings[i];
            if (c->used && c->ifid == ifid && c->src != n->m.outside && (!oldest || c->ts < oldest->ts))
                oldest = c;
        }
        if (!oldest)
            return;
        replay_crossing(v, n, oldest);
    }
}

/* The store is probed over a few slots, so that the SYNs of a multi-port
 * session do not push each other out before a NAT shows. */
#define V_CROSSING_PROBES 4

static struct v_crossing *crossing_find(struct mops_validator *v, uint64_t key)
{
    for (unsigned i = 0; i < V_CROSSING_PROBES; i++) {
        struct v_crossing *c = &v->crossings[((key >> 7) + i) % v->n_arrivals];
        if (c->used && c->key == key)
            return c;
    }
    return NULL;
}

/* Where to keep key: its own slot, a free one, or the oldest of those probed. */
static struct v_crossing *crossing_slot(struct mops_validator *v, uint64_t key)
{
    struct v_crossing *best = crossing_find(v, key);
    for (unsigned i = 0; !best && i < V_CROSSING_PROBES; i++) {
        struct v_crossing *c = &v->crossings[((key >> 7) + i) % v->n_arrivals];
        if (!c->used)
            best = c;
    }
    if (best)
        return best;
    best = &v->crossings[(key >> 7) % v->n_arrivals];
    for (unsigned i = 1; i < V_CROSSING_PROBES; i++) {
        struct v_crossing *c = &v->crossings[((key >> 7) + i) % v->n_arrivals];
        if (c->ts < best->ts)
            best = c;
    }
    return best;
}

static uint32_t ipff_len(const struct mops_packet *pkt)
{
    if (pkt->caplen < pkt->link.ipff_off + pkt->link.trailer_len)
        return 0;
    return pkt->caplen - pkt->link.ipff_off - pkt->link.trailer_len;
}

/* A packet leaving a node's link for elsewhere that a NAT may translate:
 * kept, so that the NAT found by it (or by its NAT ack) judges it too. */
static void note_crossing(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                          const struct mops_packet *pkt, uint64_t key)
{
    uint32_t len = ipff_len(pkt);
    if (!len || len > sizeof v->crossings[0].bytes)
        return;
    struct v_crossing *c = crossing_slot(v, key);
    c->used = true;
    c->key = key;
    c->ifid = ifid;
    c->src = pkt->ip.src;
    c->sport = (pkt->layers & MOPS_L_TCP) ? pkt->tcp.sport : 0;
    c->mig_sport = (pkt->layers & MOPS_L_MOPS) && pkt->icmp.u.migrate.n_decoded ? pkt->pool.migrate[0].mig_sport : 0;
    c->frame = frame;
    c->ts = ts;
    c->htl = pkt->ip.htl;
    c->len = len;
    memcpy(c->bytes, pkt->frame + pkt->link.ipff_off, len);
}

/* An awaited packet seen: it no longer counts as awaited from its NAT. */
static void expect_done(struct v_nat_expect *e)
{
    if (!e->matched)
        e->nat->expects_live--;
    e->matched = true;
}

/* What the shadow sent, kept until the NAT's own packet is seen. */
static void expect_outputs(struct mops_validator *v, struct v_nat *n, uint64_t frame, uint64_t ts, bool inside,
                           const struct mops_packet *in)
{
    for (unsigned i = 0; i < v->shadow_out.n; i++) {
        uint32_t len = v->shadow_out.v[i].len;
        if (len > sizeof v->nat_expects[0].out)
            continue;
        struct mops_packet *q = &v->shadow_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, v->shadow_out.v[i].data, len, len, q);
        if (q->status != MOPS_ST_OK)
            continue;
        struct v_nat_expect *e = &v->nat_expects[v->nat_expects_i++ % v->n_nat_expects];
        if (e->used && !e->matched)
            e->nat->expects_live--;
        memset(e, 0, offsetof(struct v_nat_expect, out));
        e->used = true;
        n->expects_live++;
        e->nat = n;
        e->frame = frame;
        e->ts = ts;
        e->from_inside = inside;
        e->ack = (q->layers & MOPS_L_MOPS) && q->icmp.kind == MOPS_ICMP_KIND_NAT_ACK;
        e->inward = !inside && !e->ack;
        /* A NAT ack goes out on the inside link, where the input was seen
         * or where its inside host is; it must come by the mobile node's
         * resend timer. The translated packet is compared when seen, and
         * not asked for (the outside link may not be in the capture). */
        if (e->ack) {
            e->due = ts + MOPS_MIGRATE_RETX_NS;
            if (!v->nat_next_due || e->due < v->nat_next_due)
                v->nat_next_due = e->due;
        }
        e->in_addr = in->ip.src;
        e->in_port = (in->layers & MOPS_L_TCP) ? in->tcp.sport : (in->layers & MOPS_L_UDP) ? in->udp.sport : 0;
        e->in_proto = in->l4_proto;
        e->len = len;
        memcpy(e->out, v->shadow_out.v[i].data, len);
        /* A Migrate's inside ports, in order: the NAT's ports are adopted by them. */
        uint32_t in_len = ipff_len(in);
        if ((in->layers & MOPS_L_MOPS) && in->icmp.kind == MOPS_ICMP_KIND_MIGRATE && in_len <= sizeof e->in) {
            e->in_len = in_len;
            memcpy(e->in, in->frame + in->link.ipff_off, in_len);
        }
    }
}

static void feed(struct mops_validator *v, struct v_nat *n, uint64_t frame, uint64_t ts, bool inside,
                 const struct mops_packet *pkt)
{
    mops_outbox_clear(&v->shadow_out);
    mops_nat_input(&n->m, ts, inside, pkt, &v->shadow_out);
    n->inputs++;
    n->last_input = frame;
    expect_outputs(v, n, frame, ts, inside, pkt);
}

/* Whether packet p (the NAT's) is the one expectation q (the shadow's)
 * stands for: the same kind of packet to the same place. */
static bool same_packet(const struct mops_packet *q, const struct mops_packet *p, bool ack)
{
    if (q->ip.dst != p->ip.dst || q->l4_proto != p->l4_proto)
        return false;
    if (ack)
        return (p->layers & MOPS_L_MOPS) && p->icmp.kind == MOPS_ICMP_KIND_NAT_ACK &&
               q->icmp.u.natack.orig_addr == p->icmp.u.natack.orig_addr &&
               q->icmp.u.natack.proto == p->icmp.u.natack.proto && q->icmp.u.natack.n_decoded &&
               p->icmp.u.natack.n_decoded && q->pool.natack[0].orig_port == p->pool.natack[0].orig_port;
    if (q->layers & MOPS_L_TCP)
        return (p->layers & MOPS_L_TCP) && q->tcp.dport == p->tcp.dport && q->tcp.flags == p->tcp.flags &&
               q->tcp.payload_len == p->tcp.payload_len && q->ip.src == p->ip.src;
    if (q->layers & MOPS_L_UDP)
        return (p->layers & MOPS_L_UDP) && q->udp.dport == p->udp.dport && q->udp.payload_len == p->udp.payload_len;
    if (q->layers & MOPS_L_MOPS)
        return (p->layers & MOPS_L_MOPS) && q->icmp.kind == p->icmp.kind && q->icmp.code == p->icmp.code &&
               q->icmp.u.migrate.n_decoded == p->icmp.u.migrate.n_decoded;
    return (p->layers & MOPS_L_ICMP) && q->icmp.type == p->icmp.type;
}

/* Whether p carries what q does unchanged (the numbers a NAT keeps). */
static bool unchanged(const struct mops_packet *q, const struct mops_packet *p)
{
    if (q->layers & MOPS_L_TCP)
        return q->tcp.seq == p->tcp.seq && q->tcp.ack == p->tcp.ack;
    if ((q->layers & MOPS_L_MOPS) && q->icmp.kind == MOPS_ICMP_KIND_MIGRATE) {
        const struct mops_migrate *a = &q->icmp.u.migrate, *b = &p->icmp.u.migrate;
        if (a->prev_addr != b->prev_addr || a->n_decoded != b->n_decoded)
            return false;
        for (unsigned i = 0; i < a->n_decoded; i++)
            if (q->pool.migrate[i].seq != p->pool.migrate[i].seq ||
                q->pool.migrate[i].prev_sport != p->pool.migrate[i].prev_sport)
                return false;
    }
    return true;
}

/* Whether the NAT's mapping, as its NAT acks taught it, sends e's input out
 * with p's port: 1 yes, 0 no, -1 not known (no mapping, or the shadow's own
 * placeholder port). */
static int map_fit(struct mops_validator *v, const struct v_nat *n, const struct v_nat_expect *e,
                   const struct mops_packet *p)
{
    uint16_t in_port = e->in_port, out_port = (p->layers & MOPS_L_TCP) ? p->tcp.sport : 0;
    if ((p->layers & MOPS_L_MOPS) && e->in_len && p->icmp.u.migrate.n_decoded) {
        struct mops_packet *in = &v->replay_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, e->in, e->in_len, e->in_len, in);
        in_port = in->status == MOPS_ST_OK && in->icmp.u.migrate.n_decoded ? in->pool.migrate[0].mig_sport : 0;
        out_port = p->pool.migrate[0].mig_sport;
    }
    const struct mops_nat_map *m = mops_nat_lookup(&n->m, e->in_proto, e->in_addr, in_port);
    if (!m || m->out_port >= V_NAT_OWN_PORTS)
        return -1;
    return m->out_port == out_port;
}

/* The shadow's packet the NAT's p stands for: the oldest with the same
 * numbers; failing that, the one of its kind whose inside port the NAT's
 * acks map to p's, or the only one of its kind when no mapping is known
 * and it is the packet the NAT took in last (which the NAT changed:
 * judged); none when several fit (a packet lost on the way in would pair
 * the others wrongly). */
static struct v_nat_expect *expect_match(struct mops_validator *v, const struct v_nat *n, const struct mops_packet *p,
                                         bool ack, bool inward, uint64_t ts)
{
    struct v_nat_expect *exact = NULL, *other = NULL, *by_map = NULL;
    unsigned n_other = 0, n_by_map = 0;
    int other_fit = -1;
    if (!n->expects_live)
        return NULL; /* most packets: nothing of this NAT awaited */
    for (uint32_t i = 0, used = v_ring_used(v->nat_expects_i, v->n_nat_expects); i < used; i++) {
        struct v_nat_expect *e = &v->nat_expects[i];
        if (!e->used || e->matched || e->nat != n || e->ack != ack || e->inward != inward ||
            ts - e->ts > MOPS_MIGRATE_LIFE_NS)
            continue;
        struct mops_packet *q = &v->shadow_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, e->out, e->len, e->len, q);
        if (q->status != MOPS_ST_OK || !same_packet(q, p, ack))
            continue;
        if (ack || unchanged(q, p)) {
            if (!exact || e->ts < exact->ts)
                exact = e;
            continue;
        }
        int fit = inward ? -1 : map_fit(v, n, e, p);
        if (fit == 1 && (!by_map || e->ts < by_map->ts))
            by_map = e;
        n_by_map += fit == 1;
        if (!other || e->ts < other->ts)
            other = e, other_fit = fit;
        n_other++;
    }
    struct v_nat_expect *best = exact;
    if (!best && n_by_map == 1)
        best = by_map;
    else if (!best && n_other == 1 && (inward || (other_fit == -1 && other->frame == n->last_input)))
        best = other;
    if (best)
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, best->out, best->len, best->len, &v->shadow_pkt);
    return best;
}

static void nat_flow(char *buf, size_t n, const struct v_nat *x, const struct v_nat_expect *e)
{
    char a[40], b[MOPS_ADDR_STRLEN];
    snprintf(buf, n, "nat %s %s -> %s", x->m.name, v_tuple(a, sizeof a, e->in_addr, e->in_port),
             mops_addr_format(x->m.outside, b));
}

/* Whether this fault of this NAT was reported already (the same rewrite
 * of a resend, the same shift on every segment of a session): once. */
static bool told(struct v_nat *n, int rule, uint64_t what)
{
    uint64_t k = mix(mix(UINT64_C(0xcbf29ce484222325), (uint64_t)rule), what) | 1;
    for (unsigned i = 0; i < sizeof n->told / sizeof n->told[0]; i++)
        if (n->told[i] == k)
            return true;
    n->told[n->told_i++ % (sizeof n->told / sizeof n->told[0])] = k;
    return false;
}

static void changed(struct mops_validator *v, int rule, uint64_t frame, uint64_t ts, const char *flow, const char *what,
                    const char *of, uint64_t from_frame, uint64_t want, uint64_t got)
{
    char exp[96], act[96];
    snprintf(exp, sizeof exp, "%s %llu kept", what, (unsigned long long)want);
    snprintf(act, sizeof act, "%s %llu", what, (unsigned long long)got);
    v_emit(v, rule, frame, ts, flow, exp, act, "a NAT changed the %s of the %s of frame %llu from %llu to %llu", what,
           of, (unsigned long long)from_frame, (unsigned long long)want, (unsigned long long)got);
}

/* The NAT was seen acting on the packet of e (its translation, at frame):
 * it is done with that packet and with every one before it that came over
 * the same link, whose NAT acks it has sent, or never will (a NAT works in
 * order; a link delivers in order, but its two links have their own
 * delays, so the capture's order across them is not the NAT's). */
static void nat_past(struct mops_validator *v, const struct v_nat *n, const struct v_nat_expect *e, uint64_t frame)
{
    for (uint32_t i = 0, used = v_ring_used(v->nat_expects_i, v->n_nat_expects); i < used; i++) {
        struct v_nat_expect *x = &v->nat_expects[i];
        if (!x->used || x->nat != n || x->frame > e->frame || x->processed || x->from_inside != e->from_inside)
            continue;
        x->processed = true;
        if (x->frame == e->frame)
            x->out_frame = frame;
        if (x->ack && !x->matched && (x->frame < e->frame || !v->nat_next_due))
            v->nat_next_due = 1; /* judged at the next packet */
    }
}

/* The NAT's translated packet against the shadow's (q). */
static void judge_forward(struct mops_validator *v, struct v_nat *n, struct v_nat_expect *e, uint64_t frame,
                          uint64_t ts, const struct mops_packet *p)
{
    v_judge(v, "nat", n->m.outside);
    const struct mops_packet *q = &v->shadow_pkt;
    char flow[160], exp[160], act[160], x[40], y[40];
    nat_flow(flow, sizeof flow, n, e);
    n->judged++;
    if (p->layers & MOPS_L_TCP) {
        bool syn = (p->tcp.flags & MOPS_TCP_SYN) != 0;
        /* One session either way: a NAT that moves the sequence out and
         * back in has made one fault, reported once. */
        uint64_t session = e->inward ? mix(mix(p->ip.dst, p->tcp.dport), p->ip.src) ^ ((uint64_t)p->tcp.sport << 48)
                                     : mix(mix(e->in_addr, e->in_port), p->ip.dst) ^ ((uint64_t)p->tcp.dport << 48);
        bool differs = q->tcp.seq != p->tcp.seq || ((q->tcp.flags & MOPS_TCP_ACK) && q->tcp.ack != p->tcp.ack);
        if (differs && told(n, MOPS_R_NAT_ISN, session))
            ;
        else if (q->tcp.seq != p->tcp.seq)
            changed(v, MOPS_R_NAT_ISN, frame, ts, flow, syn ? "ISN" : "sequence", syn ? "SYN" : "segment", e->frame,
                    q->tcp.seq, p->tcp.seq);
        else if ((q->tcp.flags & MOPS_TCP_ACK) && q->tcp.ack != p->tcp.ack)
            changed(v, MOPS_R_NAT_ISN, frame, ts, flow, "acknowledgement", "segment", e->frame, q->tcp.ack, p->tcp.ack);
        if (!e->inward)
            mops_nat_adopt(&n->m, MOPS_PROTO_TCP, e->in_addr, e->in_port, p->tcp.sport, syn && p->tcp.mobile_capable);
        return;
    }
    if (p->layers & MOPS_L_UDP) {
        if (!e->inward)
            mops_nat_adopt(&n->m, MOPS_PROTO_UDPV5, e->in_addr, e->in_port, p->udp.sport, false);
        return;
    }
    if (!(p->layers & MOPS_L_MOPS) || p->icmp.kind != MOPS_ICMP_KIND_MIGRATE)
        return;
    const struct mops_migrate *w = &q->icmp.u.migrate, *g = &p->icmp.u.migrate;
    if (e->inward) { /* the reply back in: restored (MOPS §7) */
        bool ok = w->mig_addr == g->mig_addr;
        for (unsigned i = 0; ok && i < g->n_decoded; i++)
            ok = q->pool.migrate[i].mig_sport == p->pool.migrate[i].mig_sport;
        if (!ok && !v_mismatch_seen(v, p->ip.src, g->prev_addr, ts)) {
            char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
            snprintf(exp, sizeof exp, "mops.migrate.mig_addr %s, mops.migrate.mig_sport %u (restored)",
                     mops_addr_format(w->mig_addr, a), w->n_decoded ? q->pool.migrate[0].mig_sport : 0);
            snprintf(act, sizeof act, "mops.migrate.mig_addr %s, mops.migrate.mig_sport %u",
                     mops_addr_format(g->mig_addr, b), g->n_decoded ? p->pool.migrate[0].mig_sport : 0);
            v_emit(v, MOPS_P_MIG_REPLY_MISMATCH, frame, ts, flow, exp, act,
                   "a NAT left the reply unrestored: expected %s, actual %s", exp, act);
        }
        return;
    }
    /* Every port: the previous fields and the sequence pass unchanged
     * (MOPS §7). One finding per rewritten Migrate, resends included. */
    bool rewrote = false;
    for (unsigned i = 0; i < g->n_decoded && i < w->n_decoded && !rewrote; i++) {
        const struct mops_migrate_port *a = &q->pool.migrate[i], *b = &p->pool.migrate[i];
        if (w->prev_addr != g->prev_addr || a->prev_sport != b->prev_sport || a->prev_dport != b->prev_dport) {
            rewrote = true;
            if (told(n, MOPS_R_NAT_REWRITE, crossing_key(p)))
                break;
            snprintf(exp, sizeof exp, "port %u: previous %s kept", i + 1,
                     v_tuple(x, sizeof x, w->prev_addr, a->prev_sport));
            snprintf(act, sizeof act, "port %u: previous %s", i + 1, v_tuple(y, sizeof y, g->prev_addr, b->prev_sport));
            v_emit(v, MOPS_R_NAT_REWRITE, frame, ts, flow, exp, act,
                   "a NAT rewrote the previous address and port of Migrate frame %llu: %s",
                   (unsigned long long)e->frame, act);
        } else if (a->seq != b->seq) {
            rewrote = true;
            if (!told(n, MOPS_R_NAT_REWRITE, crossing_key(p)))
                changed(v, MOPS_R_NAT_REWRITE, frame, ts, flow, "sequence", "Migrate", e->frame, a->seq, b->seq);
        }
    }
    if (rewrote)
        v_mismatch_seen(v, p->ip.dst, g->prev_addr, ts); /* the reply's mismatch is its echo */
    /* Its ports are its choice: the migrated ports it picked. The input
     * the expectation kept names the inside ports in the same order. */
    struct mops_packet *in = &v->replay_pkt;
    if (e->in_len) {
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, e->in, e->in_len, e->in_len, in);
        for (unsigned i = 0; in->status == MOPS_ST_OK && i < g->n_decoded && i < in->icmp.u.migrate.n_decoded; i++)
            mops_nat_adopt(&n->m, g->proto, in->icmp.u.migrate.mig_addr, in->pool.migrate[i].mig_sport,
                           p->pool.migrate[i].mig_sport, true);
    }
}

/* The NAT's NAT ack against the shadow's. */
static void judge_ack(struct mops_validator *v, struct v_nat *n, uint64_t frame, uint64_t ts,
                      const struct mops_packet *p)
{
    v_judge(v, "nat", n->m.outside);
    const struct mops_packet *q = &v->shadow_pkt;
    const struct mops_nat_ack *w = &q->icmp.u.natack, *a = &p->icmp.u.natack;
    char flow[120], exp[160], act[96], x[40], y[40];
    snprintf(flow, sizeof flow, "natack to %s", v_tuple(x, sizeof x, a->orig_addr, p->pool.natack[0].orig_port));
    n->judged++;
    if (w->level != a->level) {
        snprintf(exp, sizeof exp, "level %u", w->level);
        snprintf(act, sizeof act, "level %u", a->level);
        v_emit(v, MOPS_R_NAT_LEVEL, frame, ts, flow, exp, act,
               "NAT ack level %u where the NAT's model sends level %u%s", a->level, w->level,
               w->level > 1 ? " (a relayed level is the one learned plus 1, E2)" : "");
        return;
    }
    if (w->level != 1) {
        if (w->trans_addr != a->trans_addr || q->pool.natack[0].trans_port != p->pool.natack[0].trans_port) {
            snprintf(exp, sizeof exp, "translation %s",
                     v_tuple(x, sizeof x, w->trans_addr, q->pool.natack[0].trans_port));
            v_tuple(act, sizeof act, a->trans_addr, p->pool.natack[0].trans_port);
            v_emit(v, MOPS_R_NAT_REWRITE, frame, ts, flow, exp, act,
                   "the NAT relays level %u as %s, but the level it learned says %s", a->level, act, exp);
        }
        return;
    }
    /* Level 1 names the mapping: the port is the NAT's choice, but its
     * translated packets must use the one its ack names. */
    const struct mops_nat_map *m = mops_nat_lookup(&n->m, a->proto, a->orig_addr, p->pool.natack[0].orig_port);
    if (m && m->out_port != p->pool.natack[0].trans_port && m->out_port < V_NAT_OWN_PORTS) {
        v_tuple(x, sizeof x, n->m.outside, m->out_port);
        v_tuple(y, sizeof y, a->trans_addr, p->pool.natack[0].trans_port);
        snprintf(exp, sizeof exp, "translation %s", x);
        v_emit(v, MOPS_R_NAT_REWRITE, frame, ts, flow, exp, y, "the NAT translated %s to %s, but its NAT ack says %s",
               v_tuple(act, sizeof act, a->orig_addr, p->pool.natack[0].orig_port), x, y);
        return;
    }
    mops_nat_adopt(&n->m, a->proto, a->orig_addr, p->pool.natack[0].orig_port, p->pool.natack[0].trans_port, true);
}

void v_nat_due(struct mops_validator *v, uint64_t now, bool all)
{
    if (!all && (!v->nat_next_due || now < v->nat_next_due))
        return;
    v->nat_next_due = 0;
    for (uint32_t i = 0, used = v_ring_used(v->nat_expects_i, v->n_nat_expects); i < used; i++) {
        struct v_nat_expect *e = &v->nat_expects[i];
        if (!e->used || !e->due || e->matched || e->reported)
            continue;
        /* What the NAT has moved past is judged now; what it processed
         * last, at the end (its ack may follow its translation). */
        bool past = e->processed && (all || !e->out_frame);
        if (now < e->due && !past) {
            if (!v->nat_next_due || e->due < v->nat_next_due)
                v->nat_next_due = e->due;
            continue;
        }
        e->reported = true;
        struct mops_packet *q = &v->shadow_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, e->out, e->len, e->len, q);
        if (q->status != MOPS_ST_OK || !q->icmp.u.natack.n_decoded)
            continue;
        const struct mops_nat_ack *w = &q->icmp.u.natack;
        char flow[160], exp[160], x[40], y[40], d[MOPS_ADDR_STRLEN];
        nat_flow(flow, sizeof flow, e->nat, e);
        v_tuple(x, sizeof x, w->orig_addr, q->pool.natack[0].orig_port);
        /* Level 1 names the NAT's own port: the one it was seen to use. */
        const struct mops_nat_map *m = mops_nat_lookup(&e->nat->m, w->proto, w->orig_addr, q->pool.natack[0].orig_port);
        v_tuple(y, sizeof y, w->trans_addr, m && w->level == 1 ? m->out_port : q->pool.natack[0].trans_port);
        snprintf(exp, sizeof exp, "NAT ack level %u to %s: %s -> %s", w->level, mops_addr_format(q->ip.dst, d), x, y);
        /* At the NAT's translation of the packet when it was seen: that is
         * where it acted without its ack. */
        v_judge(v, "nat", e->nat->m.outside);
        uint64_t at = e->out_frame ? e->out_frame : e->frame;
        if (w->level > 1) /* Appendix B: a level learned is passed on */
            v_emit(v, MOPS_R_NAT_ACK_MISSING, at, e->ts, flow, exp, "no NAT ack",
                   "the NAT %s learned %s -> %s from the NAT ack of frame %llu and relayed no level %u NAT ack to %s",
                   e->nat->m.name, x, y, (unsigned long long)e->frame, w->level, d);
        else
            v_emit(v, MOPS_R_NAT_ACK_MISSING, at, e->ts, flow, exp, "no NAT ack",
                   "the NAT %s translated frame %llu (%s -> %s) and sent %s no level 1 NAT acknowledgement",
                   e->nat->m.name, (unsigned long long)e->frame, x, y, d);
    }
}

void v_nat_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                  const struct mops_track_result *tr, bool first)
{
    (void)tr;
    v->translated = false;
    v_nat_due(v, ts, false);
    uint32_t src_link = v->src_link, dst_link = v->dst_link;
    /* Arriving at a NAT's outside address. */
    struct v_nat *out = nat_by(v, &v->nat_ix, pkt->ip.dst);
    if (out && dst_link == ifid && v_nat_both_sides(v, out))
        feed(v, out, frame, ts, false, pkt);
    /* Translated back in, on a NAT's inside link, to its destination
     * there (a copy of what was seen on the way, so not a first sighting). */
    for (unsigned i = 0; dst_link == ifid && i < v->n_nats; i++) {
        struct v_nat *m = v->nats[i];
        if (m->inside_link != ifid)
            continue;
        struct v_nat_expect *e = expect_match(v, m, pkt, false, true, ts);
        if (e) {
            expect_done(e);
            nat_past(v, m, e, frame);
            judge_forward(v, m, e, frame, ts, pkt);
            return;
        }
    }
    if (!first || src_link != ifid)
        return;
    bool natack = (pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_NAT_ACK;
    /* A NAT ack: its sender is a NAT's inside address. */
    if (natack && pkt->icmp.u.natack.n_decoded) {
        const struct mops_nat_ack *a = &pkt->icmp.u.natack;
        struct v_nat *n = nat_by(v, &v->nat_inside_ix, pkt->ip.src);
        if (!n && a->level == 1 && a->orig_addr == pkt->ip.dst && !(n = nat_by(v, &v->nat_ix, a->trans_addr))) {
            if ((n = nat_new(v, a->trans_addr, ifid, pkt->ip.src)))
                replay_link(v, n, ifid);
        }
        if (n) {
            learn_inside_addr(v, n, pkt->ip.src);
            n->acks_seen[n->acks_seen_i++ % 8] = pkt->ip.dst ^ ((uint64_t)pkt->pool.natack[0].orig_port << 50);
            struct v_nat_expect *e = expect_match(v, n, pkt, true, false, ts);
            if (e) {
                expect_done(e);
                nat_past(v, n, e, 0);
                judge_ack(v, n, frame, ts, pkt);
            } else if (a->level == 1) {
                mops_nat_adopt(&n->m, a->proto, a->orig_addr, pkt->pool.natack[0].orig_port,
                               pkt->pool.natack[0].trans_port, true);
            }
        }
        return;
    }
    /* Sent from a NAT's outside address: its translation of what left its
     * inside link. */
    struct v_nat *n = nat_by(v, &v->nat_ix, pkt->ip.src);
    uint64_t key = crossing_key(pkt);
    if (!n && key) {
        struct v_crossing *c = crossing_find(v, key);
        /* A NAT is a hop: its copy has one Hop to Live less (a node sending
         * the same again from elsewhere, a resend or a move, has not; more
         * than one is more than one hop, through links not captured, and
         * the link it was seen on is not the NAT's inside). */
        if (c && c->ifid != ifid && c->src != pkt->ip.src && pkt->ip.htl + 1 == c->htl &&
            (n = nat_new(v, pkt->ip.src, c->ifid, 0)))
            replay_link(v, n, c->ifid);
    }
    if (n && n->replay_pending) {
        uint64_t from = v->nat_expects_i;
        replay_link(v, n, n->inside_link);
        /* The NAT acks it sent before its outside showed were seen then. */
        for (uint64_t i = from; i != v->nat_expects_i; i++) {
            struct v_nat_expect *e = &v->nat_expects[i % v->n_nat_expects];
            struct mops_packet *q = &v->shadow_pkt;
            mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, e->out, e->len, e->len, q);
            for (unsigned k = 0; e->ack && q->status == MOPS_ST_OK && q->icmp.u.natack.n_decoded && k < 8; k++)
                if (n->acks_seen[k] == (q->ip.dst ^ ((uint64_t)q->pool.natack[0].orig_port << 50)))
                    expect_done(e);
        }
    }
    if (n) {
        struct v_nat_expect *e = expect_match(v, n, pkt, false, false, ts);
        if (e) {
            expect_done(e);
            v->translated = true;
            nat_past(v, n, e, frame);
            judge_forward(v, n, e, frame, ts, pkt);
        } else if (key) {
            v->translated = true; /* a NAT's own: not judged, nothing of it was seen come in */
        }
    }
    /* Leaving a node's link for elsewhere: through the NATs of that link. */
    if (dst_link == ifid)
        return;
    for (unsigned i = 0; i < v->n_nats; i++)
        if (v->nats[i]->inside_link == ifid && v->nats[i] != n && v_nat_both_sides(v, v->nats[i]))
            feed(v, v->nats[i], frame, ts, true, pkt);
    if (key)
        note_crossing(v, frame, ifid, ts, pkt, key);
}

void v_nat_finish(struct mops_validator *v, uint64_t end_ns) { v_nat_due(v, end_ns, true); }
