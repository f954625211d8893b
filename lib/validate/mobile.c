/* Mobile nodes judged by replay (MOPS §3, §4.1, §4.3): each node that opens
 * a MOBILE_CAPABLE session or sends a Migrate gets a shadow, an instance of
 * lib's mobile node model (model/mobile.c). On its link the shadow takes in
 * what arrives for the node (SYN-ACKs, NAT acks, replies) and adopts the
 * sessions the node's own segments show. When the node appears at a new
 * address and migrates, the shadow is attached there too and its Migrate
 * is compared with the node's: a port the model leaves out (a session that
 * is not MOBILE_CAPABLE), a previous address that is not the outermost
 * translation its NAT acks taught. Resends are compared with the model's
 * timer: one the model would not send yet is early, one after it gave up
 * is in excess. The shadow then takes what the node sent. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/decode/decode.h"

#include "internal.h"

static struct v_mobile *mobile_find(const struct mops_validator *v, mops_addr_t a)
{
    const struct v_addr_ix *x = vt_find(&v->mobile_ix, &a);
    return x ? v->mobiles[x->i] : NULL;
}

static void mobile_index(struct mops_validator *v, mops_addr_t a, unsigned i)
{
    bool created;
    struct v_addr_ix *x = vt_get(&v->mobile_ix, &a, &created);
    x->i = i;
}

static struct v_mobile *mobile_get(struct mops_validator *v, uint64_t ts, mops_addr_t a)
{
    struct v_mobile *s = mobile_find(v, a);
    if (s)
        return s;
    if (v->n_mobiles == V_SHADOW_CAP) {
        v->mobiles_unshadowed++;
        return NULL;
    }
    s = calloc(1, sizeof *s);
    struct mops_model_caps caps = mops_model_caps_default;
    caps.mobile_socks = v_table_size(v->o.capacity, 256);
    caps.claim = !v->o.lazy;
    char name[MOPS_ADDR_STRLEN];
    if (!s || mops_mobile_init(&s->m, &v->st, mops_addr_format(a, name), 0, 0, &caps) < 0) {
        free(s);
        v->mobiles_unshadowed++;
        return NULL;
    }
    mops_outbox_clear(&v->shadow_out);
    mops_mobile_attach(&s->m, ts, a, &v->shadow_out);
    s->first_addr = a;
    mobile_index(v, a, v->n_mobiles);
    v->mobiles[v->n_mobiles++] = s;
    return s;
}

/* The node at a new address: a copy of its shadow there, the old one
 * standing on for the old address (a Migrate may come from an attacker,
 * the node itself staying where it was). */
static struct v_mobile *mobile_moved(struct mops_validator *v, const struct v_mobile *old, mops_addr_t a)
{
    if (v->n_mobiles == V_SHADOW_CAP) {
        v->mobiles_unshadowed++;
        return NULL;
    }
    struct v_mobile *s = calloc(1, sizeof *s);
    if (!s || mops_mobile_copy(&s->m, &old->m) < 0) {
        free(s);
        v->mobiles_unshadowed++;
        return NULL;
    }
    s->m.migrations_ok = s->m.migrations_failed = s->m.resends = 0;
    s->first_addr = a;
    s->from_addr = old->m.addr;
    mobile_index(v, a, v->n_mobiles);
    v->mobiles[v->n_mobiles++] = s;
    return s;
}

bool v_mobiles_init(struct mops_validator *v)
{
    return vt_init(&v->mobile_ix, sizeof(struct v_addr_ix), sizeof(mops_addr_t),
                   v_table_size(v->o.capacity, 4 * V_SHADOW_CAP), !v->o.lazy) &&
           vt_init(&v->mobile_natt_ix, sizeof(struct v_natt_ix), 16, v_table_size(v->o.capacity, 64 * V_SHADOW_CAP),
                   !v->o.lazy);
}

void v_mobiles_free(struct mops_validator *v)
{
    for (unsigned i = 0; i < v->n_mobiles; i++) {
        mops_mobile_free(&v->mobiles[i]->m);
        free(v->mobiles[i]);
    }
    vt_free(&v->mobile_ix);
    vt_free(&v->mobile_natt_ix);
}

static struct v_natt_ix natt_key(mops_addr_t a, uint16_t port, uint16_t proto)
{
    struct v_natt_ix k;
    memset(&k, 0, sizeof k);
    k.addr = a;
    k.port = port;
    k.proto = proto;
    return k;
}

/* A translation of one of the shadow's sockets (NAT ack or received
 * source), to find the shadow by it: the first shadow holding it, as a
 * scan in the order they were made would find. */
static void natt_index_one(struct mops_validator *v, const struct v_mobile *s, mops_addr_t a, uint16_t port,
                           uint16_t proto)
{
    unsigned i = 0;
    while (i < v->n_mobiles && v->mobiles[i] != s)
        i++;
    struct v_natt_ix key = natt_key(a, port, proto);
    bool created;
    struct v_natt_ix *x = vt_get(&v->mobile_natt_ix, &key.addr, &created);
    if (created || x->i > i)
        x->i = i;
}

static void natt_index(struct mops_validator *v, const struct v_mobile *s, const struct mops_packet *pkt)
{
    if (!(pkt->layers & MOPS_L_MOPS)) { /* a received-source option */
        natt_index_one(v, s, pkt->recv_src.addr, pkt->recv_src.port, pkt->l4_proto);
        return;
    }
    const struct mops_nat_ack *a = &pkt->icmp.u.natack;
    for (unsigned k = 0; k < a->n_decoded; k++)
        natt_index_one(v, s, a->trans_addr, pkt->pool.natack[k].trans_port, a->proto);
}

static void flow_text(char *buf, size_t n, const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN], c[MOPS_ADDR_STRLEN];
    snprintf(buf, n, "migrate %s -> %s at %s, port %u", mops_addr_format(g->prev_addr, a),
             mops_addr_format(g->mig_addr, b), mops_addr_format(pkt->ip.dst, c),
             g->n_decoded ? pkt->pool.migrate[0].prev_sport : 0);
}

/* A segment or datagram the node sent: the session it shows, as the shadow
 * keeps it (its sequence is the node's, not the protocol's). */
static void sent_data(struct mops_validator *v, struct v_mobile *s, uint32_t ifid, const struct mops_packet *pkt)
{
    bool tcp = pkt->layers & MOPS_L_TCP;
    uint16_t sport = tcp ? pkt->tcp.sport : pkt->udp.sport, dport = tcp ? pkt->tcp.dport : pkt->udp.dport;
    struct mops_sock *k = mops_mobile_find(&s->m, pkt->l4_proto, pkt->ip.dst, dport, sport);
    if (!tcp) {
        if (!k) {
            struct mops_sock_seen seen = {.proto = pkt->l4_proto,
                                          .laddr = pkt->ip.src,
                                          .raddr = pkt->ip.dst,
                                          .lport = sport,
                                          .rport = dport,
                                          .mobile = true};
            mops_mobile_adopt(&s->m, &seen);
        }
        return;
    }
    const struct mops_tcp *t = &pkt->tcp;
    if ((t->flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN) {
        /* The node connects: so does its shadow, with the node's ISN. */
        if (k)
            return;
        mops_outbox_clear(&v->shadow_out);
        int i = mops_mobile_connect(&s->m, 0, MOPS_PROTO_TCP, pkt->ip.dst, dport, sport, NULL, t->mobile_capable,
                                    &v->shadow_out);
        if (i >= 0)
            s->m.socks[i].snd_nxt = t->seq + 1;
        return;
    }
    if (t->flags & MOPS_TCP_SYN)
        return;
    uint32_t nxt = t->seq + t->payload_len + ((t->flags & MOPS_TCP_FIN) ? 1 : 0);
    if (!k) {
        struct v_sess_view view;
        /* A session whose SYN the capture does not hold may be mobile: as
         * the server's shadow, take it so (unknown is not judged). */
        bool mc = !v_session_find(v, ifid, MOPS_PROTO_TCP, pkt->ip.src, sport, pkt->ip.dst, dport, &view) ||
                  !view.s->syn || (view.s->synack ? view.s->mc_synack : view.s->mc_syn);
        struct mops_sock_seen seen = {.proto = MOPS_PROTO_TCP,
                                      .laddr = pkt->ip.src,
                                      .raddr = pkt->ip.dst,
                                      .lport = sport,
                                      .rport = dport,
                                      .mobile = mc,
                                      .rcv_known = (t->flags & MOPS_TCP_ACK) != 0,
                                      .rcv_nxt = t->ack,
                                      .rcv_wnd = t->window,
                                      .snd_known = true,
                                      .snd_nxt = nxt};
        mops_mobile_adopt(&s->m, &seen);
        return;
    }
    if (!k->snd_known || (int32_t)(nxt - k->snd_nxt) > 0)
        k->snd_nxt = nxt;
    k->snd_known = true;
}

/* The ACK the shadow sent on a SYN-ACK: the handshake's third segment
 * as the model sends it, for the node's to be judged by (session.c). */
static void model_ack(struct mops_validator *v, struct v_sess *sess)
{
    for (unsigned i = 0; i < v->shadow_out.n; i++) {
        struct mops_packet *q = &v->shadow_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, v->shadow_out.v[i].data, v->shadow_out.v[i].len,
                          v->shadow_out.v[i].len, q);
        if (q->status == MOPS_ST_OK && (q->layers & MOPS_L_TCP) && (q->tcp.flags & MOPS_TCP_ACK) &&
            !(q->tcp.flags & MOPS_TCP_SYN))
            sess->mc_model = q->tcp.mobile_capable ? V_MC_WITH : V_MC_WITHOUT;
    }
}

/* The node's first Migrate from a new address, against the model's. */
static void judge_migrate(struct mops_validator *v, struct v_mobile *s, uint64_t frame, uint64_t ts,
                          const struct mops_packet *pkt)
{
    v_judge(v, "mobile", s->m.addr);
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    char flow[120], exp[160], act[160], x[40], y[40];
    flow_text(flow, sizeof flow, pkt);
    /* The model's Migrate to the same server, if it sends one. */
    struct mops_packet *want = &v->shadow_pkt;
    bool have = false;
    for (unsigned i = 0; i < s->n_moves && !have; i++) {
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, s->move[i], s->move_len[i], s->move_len[i], want);
        have = want->status == MOPS_ST_OK && (want->layers & MOPS_L_MOPS) &&
               want->icmp.kind == MOPS_ICMP_KIND_MIGRATE && want->ip.dst == pkt->ip.dst &&
               want->icmp.u.migrate.proto == g->proto;
    }
    s->judged++;
    for (unsigned i = 0; i < g->n_decoded; i++) {
        const struct mops_migrate_port *p = &pkt->pool.migrate[i];
        const struct mops_sock *k = mops_mobile_sock_for(&s->m, pkt->ip.dst, g->proto, g->prev_addr, p);
        if (!k)
            continue; /* a session the shadow never saw: not judged */
        bool in_model = false;
        for (unsigned j = 0; have && j < want->icmp.u.migrate.n_decoded && !in_model; j++)
            in_model = want->pool.migrate[j].prev_dport == p->prev_dport && want->pool.migrate[j].mig_sport == k->lport;
        if (!in_model && !k->mobile && k->snd_known)
            v_emit(v, MOPS_R_MIG_NOT_MOBILE, frame, ts, flow, "no Migrate for this session", "a Migrate for it",
                   "port %u: the session's handshake carried no MOBILE_CAPABLE", p->prev_sport);
        if (!k->mobile)
            continue;
        mops_addr_t oa;
        uint16_t op;
        mops_mobile_outermost(&s->m, k, &oa, &op);
        if (oa != k->laddr && (oa != g->prev_addr || op != p->prev_sport)) {
            v_tuple(x, sizeof x, oa, op);
            v_tuple(y, sizeof y, g->prev_addr, p->prev_sport);
            snprintf(exp, sizeof exp, "previous %s", x);
            snprintf(act, sizeof act, "previous %s", y);
            v_emit(v, MOPS_R_MIG_PREV_UNTRANSLATED, frame, ts, flow, exp, act,
                   "the Migrate names %s as previous, but %s %s", y,
                   k->rsrc_known ? "the server's received-source option told it"
                                 : "the NAT acks it received translate it to",
                   x);
        }
    }
}

/* A resend of the node's Migrate, against the model's timer. */
static bool model_resends(struct mops_validator *v, struct v_mobile *s, uint64_t ts, const struct mops_packet *pkt)
{
    mops_outbox_clear(&v->shadow_out);
    mops_mobile_tick(&s->m, ts + V_CLOCK_SLACK_NS, &v->shadow_out);
    uint32_t len = pkt->caplen - pkt->link.ipff_off - pkt->link.trailer_len;
    const uint8_t *bytes = pkt->frame + pkt->link.ipff_off;
    for (unsigned i = 0; i < v->shadow_out.n; i++)
        if (v->shadow_out.v[i].len == len && memcmp(v->shadow_out.v[i].data, bytes, len) == 0)
            return true;
    return false;
}

static void judge_resend(struct mops_validator *v, struct v_mobile *s, uint64_t frame, uint64_t ts,
                         const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    v_judge(v, "mobile", s->m.addr);
    if (model_resends(v, s, ts, pkt))
        return;
    char flow[120], act[64], exp[96];
    flow_text(flow, sizeof flow, pkt);
    bool pending = mops_mobile_adopt_resend(&s->m, ts, pkt);
    if (!pending) {
        /* Not pending in the shadow: a reply it took in never reached the
         * node (a capture shows what a link carried, not what a host got),
         * or the model gave up. Pending again, as resent so far, long ago:
         * whether the model resends it once more says which. */
        mops_mobile_adopt_migrate(&s->m, 0, pkt, tr->sendings >= 2 ? tr->sendings - 2 : 0);
        if (model_resends(v, s, ts, pkt))
            return;
    }
    if (pending) {
        snprintf(act, sizeof act, "resent after %.3f s", (double)tr->delta_ns / 1e9);
        snprintf(exp, sizeof exp, "resend after %.0f s without a reply", (double)MOPS_MIGRATE_RETX_NS / 1e9);
        v_emit(v, MOPS_R_MIG_RETX_EARLY, frame, ts, flow, exp, act,
               "retransmission %u of #%llu only %.3f s after the previous sending", tr->sendings - 1,
               (unsigned long long)tr->first_frame, (double)tr->delta_ns / 1e9);
    } else if (s->excess_txn != tr->first_frame) {
        s->excess_txn = tr->first_frame;
        snprintf(act, sizeof act, "resend %u", tr->sendings - 1);
        snprintf(exp, sizeof exp, "at most %u resends, then the socket is dead", MOPS_MIGRATE_MAX_RESENDS);
        v_emit(v, MOPS_R_MIG_RETX_EXCESS, frame, ts, flow, exp, act, "Migrate #%llu resent %u times",
               (unsigned long long)tr->first_frame, tr->sendings - 1);
    }
}

/* The shadow a Migrate from a new address belongs to: the one holding a
 * session it names, found by the previous address it names (the node's
 * own, or a translation its NAT acks taught), never by a scan. */
static bool holds(const struct v_mobile *s, const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    for (unsigned j = 0; j < g->n_decoded; j++)
        if (mops_mobile_sock_for(&s->m, pkt->ip.dst, g->proto, g->prev_addr, &pkt->pool.migrate[j]))
            return true;
    return false;
}

static struct v_mobile *owner(struct mops_validator *v, const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    struct v_mobile *here = mobile_find(v, pkt->ip.src); /* already moved here: its next Migrate */
    if (here && here->m.addr == pkt->ip.src && holds(here, pkt))
        return here;
    /* The first of the candidates in the order the shadows were made. */
    unsigned best = UINT_MAX;
    const struct v_addr_ix *x = vt_find(&v->mobile_ix, &g->prev_addr);
    if (x && holds(v->mobiles[x->i], pkt))
        best = x->i;
    for (unsigned j = 0; j < g->n_decoded; j++) {
        struct v_natt_ix key = natt_key(g->prev_addr, pkt->pool.migrate[j].prev_sport, g->proto);
        const struct v_natt_ix *t = vt_find(&v->mobile_natt_ix, &key.addr);
        if (t && t->i < best && holds(v->mobiles[t->i], pkt))
            best = t->i;
    }
    return best == UINT_MAX ? NULL : v->mobiles[best];
}

/* A node first seen migrating: its shadow at its previous address, with
 * the sessions that address's link showed (a node behind NATs is known by
 * its NAT acks, so only one migrating from its own address is found so). */
static struct v_mobile *from_previous_link(struct mops_validator *v, uint64_t ts, const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    uint32_t link = v_link_of(v, g->prev_addr);
    if (link == UINT32_MAX || v_is_nat_outside(v, g->prev_addr))
        return NULL; /* a NAT's address: the node behind it is known by its NAT acks */
    struct v_mobile *s = NULL;
    for (unsigned i = 0; i < g->n_decoded; i++) {
        const struct mops_migrate_port *p = &pkt->pool.migrate[i];
        struct mops_sock_seen k = {.proto = g->proto,
                                   .laddr = g->prev_addr,
                                   .raddr = pkt->ip.dst,
                                   .lport = p->prev_sport,
                                   .rport = p->prev_dport,
                                   .mobile = true};
        struct v_sess_view view;
        uint64_t left_by;
        if (g->proto == MOPS_PROTO_TCP) {
            if (!v_session_find(v, link, g->proto, g->prev_addr, p->prev_sport, pkt->ip.dst, p->prev_dport, &view))
                continue;
            k.mobile = !view.s->syn || (view.s->synack ? view.s->mc_synack : view.s->mc_syn);
            k.snd_known = view.s->c_nxt_known;
            k.snd_nxt = view.s->c_nxt;
        } else if (!v_flow_seen(v, link, g->proto, g->prev_addr, p->prev_sport, pkt->ip.dst, p->prev_dport, &left_by)) {
            continue;
        }
        if (!s && !(s = mobile_get(v, ts, g->prev_addr)))
            return NULL;
        if (!mops_mobile_find(&s->m, g->proto, pkt->ip.dst, p->prev_dport, p->prev_sport))
            mops_mobile_adopt(&s->m, &k);
    }
    return s;
}

void v_mobile_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                     const struct mops_packet *pkt, const struct mops_track_result *tr, bool first)
{
    /* Arriving at a node, on its link. */
    if (v->dst_link == ifid) {
        struct v_mobile *s = mobile_find(v, pkt->ip.dst);
        /* A datagram telling its node where the server sees it from, not
         * its own address: a node behind NATs, which must name that
         * translation when it moves (MOPS §3.2, §4.1). UDP has no NAT ack
         * and no handshake to know such a node by. */
        if (pkt->recv_src.present && pkt->recv_src.addr != pkt->ip.dst && (pkt->layers & MOPS_L_UDP) &&
            (s || (s = mobile_get(v, ts, pkt->ip.dst))) && s->m.addr == pkt->ip.dst &&
            !mops_mobile_find(&s->m, pkt->l4_proto, pkt->ip.src, pkt->udp.sport, pkt->udp.dport)) {
            struct mops_sock_seen seen = {.proto = pkt->l4_proto,
                                          .laddr = pkt->ip.dst,
                                          .raddr = pkt->ip.src,
                                          .lport = pkt->udp.dport,
                                          .rport = pkt->udp.sport,
                                          .mobile = true};
            mops_mobile_adopt(&s->m, &seen);
        }
        if (s && s->m.addr == pkt->ip.dst) {
            mops_outbox_clear(&v->shadow_out);
            mops_mobile_input(&s->m, ts, pkt, &v->shadow_out);
            if (v->cur_sess && (pkt->layers & MOPS_L_TCP) && (pkt->tcp.flags & MOPS_TCP_SYN))
                model_ack(v, v->cur_sess);
            if (((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_NAT_ACK) ||
                (pkt->recv_src.present && pkt->recv_src.addr != pkt->ip.dst &&
                 (pkt->layers & (MOPS_L_TCP | MOPS_L_UDP))))
                natt_index(v, s, pkt);
        }
    }
    if (!first || v->translated || v->src_link != ifid)
        return;
    mops_addr_t a = pkt->ip.src;
    if (pkt->layers & (MOPS_L_TCP | MOPS_L_UDP)) {
        bool mc_syn = (pkt->layers & MOPS_L_TCP) && pkt->tcp.mobile_capable &&
                      (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN;
        struct v_mobile *s = mc_syn ? mobile_get(v, ts, a) : mobile_find(v, a);
        if (s && s->m.addr == a)
            sent_data(v, s, ifid, pkt);
        return;
    }
    if (!(pkt->layers & MOPS_L_MOPS) || pkt->icmp.kind != MOPS_ICMP_KIND_MIGRATE ||
        pkt->icmp.code > MOPS_MIGRATE_CODE_ATOMIC)
        return;
    if (tr->kind == MOPS_TRACK_RETRANSMISSION) {
        struct v_mobile *s = mobile_find(v, a);
        if (s)
            judge_resend(v, s, frame, ts, pkt, tr);
        return;
    }
    if (tr->kind != MOPS_TRACK_REQUEST)
        return;
    struct v_mobile *s = owner(v, pkt);
    if (!s)
        s = from_previous_link(v, ts, pkt);
    if (s && s->m.addr != a) { /* it moved here: the model migrates too */
        if (!(s = mobile_moved(v, s, a)))
            return;
        mops_outbox_clear(&v->shadow_out);
        mops_mobile_attach(&s->m, ts, a, &v->shadow_out);
        s->n_moves = 0;
        for (unsigned i = 0; i < v->shadow_out.n && s->n_moves < 8; i++)
            if (v->shadow_out.v[i].len <= sizeof s->move[0]) {
                memcpy(s->move[s->n_moves], v->shadow_out.v[i].data, v->shadow_out.v[i].len);
                s->move_len[s->n_moves++] = v->shadow_out.v[i].len;
            }
        judge_migrate(v, s, frame, ts, pkt);
    } else if (s && s->n_moves) {
        judge_migrate(v, s, frame, ts, pkt); /* another of the Migrates of its move */
    } else if (!s) {
        if (!(s = mobile_get(v, ts, a)))
            return;
        s->unjudged++; /* where it was before is not in the capture */
    }
    mops_mobile_adopt_migrate(&s->m, ts, pkt, 0);
}
