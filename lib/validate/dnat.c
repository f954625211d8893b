/* Destination NATs and load balancers (MOPS §5.1), replayed through lib's
 * model (model/dnat.c). One is found where a client's SYN or Migrate to
 * one address (the virtual address) shows up one hop on, on another link,
 * addressed to another (the server behind it). Its shadow takes in what
 * comes to the virtual address on the front link and what the server sends
 * on the back link; a client packet the shadow does not let in, which the
 * node forwarded, is DNAT-REMAP: the node remapped a session the server did
 * not confirm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/claim.h"
#include "mops/decode/decode.h"

#include "internal.h"

/* What a destination NAT carries through of a SYN or a Migrate: all but its
 * destination. 0: not a packet that reveals one. */
static uint64_t front_key(const struct mops_packet *pkt)
{
    bool syn = (pkt->layers & MOPS_L_TCP) && (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN;
    bool migrate = (pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE &&
                   pkt->icmp.code <= MOPS_MIGRATE_CODE_ATOMIC && pkt->icmp.u.migrate.n_decoded;
    if (!syn && !migrate)
        return 0;
    uint64_t h = mops_mix64(UINT64_C(0xcbf29ce484222325), pkt->ip.src);
    if (syn)
        return mops_mix64(mops_mix64(mops_mix64(h, pkt->tcp.sport), pkt->tcp.dport), pkt->tcp.seq) | 1;
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    h = mops_mix64(mops_mix64(h, g->prev_addr), g->mig_addr);
    for (unsigned i = 0; i < g->n_decoded; i++)
        h = mops_mix64(mops_mix64(h, pkt->pool.migrate[i].prev_sport), pkt->pool.migrate[i].seq);
    return h | 1;
}

/* A client's segment or datagram as the server behind the DNAT gets it. */
static uint64_t data_key(const struct mops_packet *pkt)
{
    uint64_t h = mops_mix64(UINT64_C(0x84222325cbf29ce4), pkt->ip.src);
    if (pkt->layers & MOPS_L_TCP)
        return mops_mix64(mops_mix64(mops_mix64(mops_mix64(h, pkt->tcp.sport), pkt->tcp.dport), pkt->tcp.seq),
                          pkt->tcp.payload_len) |
               1;
    if (pkt->layers & MOPS_L_UDP)
        return mops_mix64(mops_mix64(mops_mix64(h, pkt->udp.sport), pkt->udp.dport), pkt->udp.payload_len) | 1;
    return 0;
}

static struct v_dnat *dnat_of(const struct mops_validator *v, mops_addr_t vip)
{
    for (unsigned i = 0; i < v->n_dnats; i++)
        if (v->dnats[i]->m.vip == vip)
            return v->dnats[i];
    return NULL;
}

static void feed(struct mops_validator *v, struct v_dnat *d, uint64_t frame, uint64_t ts, const struct mops_packet *pkt)
{
    mops_outbox_clear(&v->shadow_out);
    bool client = pkt->ip.dst == d->m.vip;
    mops_dnat_input(&d->m, ts, pkt, &v->shadow_out);
    if (!client || !(pkt->layers & (MOPS_L_TCP | MOPS_L_UDP)))
        return;
    d->judged++;
    if (v->shadow_out.n)
        return;
    /* Not let in: the node's copy, if it forwards one, is the fault. */
    struct v_dnat_drop *x = &d->dropped[d->dropped_i++ % V_DNAT_DROPS];
    *x = (struct v_dnat_drop){data_key(pkt), frame, ts, true};
}

static void found(struct mops_validator *v, const struct v_dnat_seen *s, uint32_t ifid, mops_addr_t backend)
{
    if (v->n_dnats == V_DNAT_CAP || dnat_of(v, s->dst))
        return;
    struct v_dnat *d = calloc(1, sizeof *d);
    char name[MOPS_ADDR_STRLEN];
    struct mops_model_caps caps = mops_model_caps_default;
    caps.claim = !v->o.lazy;
    if (!d || mops_dnat_init(&d->m, &v->st, mops_addr_format(s->dst, name), s->dst, backend, false, 0, &caps) < 0) {
        free(d);
        return;
    }
    d->m.partial_view = true; /* its sessions from before the capture are as the capture shows them */
    d->front = s->ifid;
    d->back = ifid;
    v->dnats[v->n_dnats++] = d;
    /* What revealed it came in at its front: it takes that in first. */
    struct mops_packet *p = &v->replay_pkt;
    mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, s->bytes, s->len, s->len, p);
    if (p->status == MOPS_ST_OK)
        feed(v, d, s->frame, s->ts, p);
}

/* The same SYN or Migrate on two links: one hop apart, to two addresses. */
static void sighting(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                     const struct mops_packet *pkt)
{
    uint64_t key = front_key(pkt);
    if (!key)
        return;
    struct v_dnat_seen *s = NULL;
    for (unsigned i = 0; i < V_DNAT_SEEN && !s; i++)
        if (v->dnat_seen[i].key == key)
            s = &v->dnat_seen[i];
    /* One hop on, as a NAT is (nat.c). */
    if (s && s->ifid != ifid && s->dst != pkt->ip.dst && pkt->ip.htl + 1 == s->htl && ts - s->ts < V_SIGHT_WINDOW_NS) {
        found(v, s, ifid, pkt->ip.dst);
        return;
    }
    uint32_t len = pkt->link.ipff_off <= pkt->caplen ? pkt->caplen - pkt->link.ipff_off : 0;
    if (len > sizeof s->bytes)
        return;
    if (!s)
        s = &v->dnat_seen[v->dnat_seen_i++ % V_DNAT_SEEN];
    /* The last link it was seen on before the DNAT is the DNAT's front. */
    *s = (struct v_dnat_seen){
        .key = key, .ifid = ifid, .dst = pkt->ip.dst, .htl = pkt->ip.htl, .ts = ts, .frame = frame, .len = len};
    memcpy(s->bytes, pkt->frame + pkt->link.ipff_off, len);
}

void v_dnat_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                   bool first)
{
    sighting(v, frame, ifid, ts, pkt);
    for (unsigned i = 0; i < v->n_dnats; i++) {
        struct v_dnat *d = v->dnats[i];
        if (ifid == d->front && pkt->ip.dst == d->m.vip)
            feed(v, d, frame, ts, pkt); /* from a client */
        else if (ifid == d->back && pkt->ip.src == d->m.backend)
            feed(v, d, frame, ts, pkt); /* from the server: its replies confirm remaps */
        else if (ifid == d->back && pkt->ip.dst == d->m.backend && first) {
            uint64_t key = data_key(pkt);
            for (unsigned k = 0; key && k < V_DNAT_DROPS; k++) {
                struct v_dnat_drop *x = &d->dropped[k];
                if (!x->used || x->key != key || ts - x->ts >= V_SIGHT_WINDOW_NS)
                    continue;
                x->used = false;
                uint16_t sport = (pkt->layers & MOPS_L_TCP) ? pkt->tcp.sport : pkt->udp.sport;
                char flow[120], a[40], b[MOPS_ADDR_STRLEN], c[MOPS_ADDR_STRLEN];
                v_tuple(a, sizeof a, pkt->ip.src, sport);
                snprintf(flow, sizeof flow, "dnat %s from %s", mops_addr_format(d->m.vip, b), a);
                bool refused = mops_dnat_refused(&d->m, pkt->l4_proto, pkt->ip.src, sport);
                v_judge(v, "dnat", d->m.vip);
                d->faults++;
                v_emit(v, MOPS_R_DNAT_REMAP, frame, ts, flow, "not forwarded: no session of the server's there",
                       "forwarded to the server", "the load balancer %s forwarded frame %llu from %s to %s%s", b,
                       (unsigned long long)x->frame, a, mops_addr_format(d->m.backend, c),
                       refused ? ", a tuple the server refused to migrate a session to: it remapped without the "
                                 "server's success"
                               : "");
            }
        }
    }
}

void v_dnats_free(struct mops_validator *v)
{
    for (unsigned i = 0; i < v->n_dnats; i++) {
        mops_dnat_free(&v->dnats[i]->m);
        free(v->dnats[i]);
    }
    v->n_dnats = 0;
}
