/* Servers judged by replay (MOPS §4.1, profile §7, E6): each server the
 * capture shows gets a shadow, an instance of lib's server model
 * (model/server.c) fed the packets captured arriving at it, on its own
 * link. What the shadow sends is what a correct server sends; the server's
 * own packets are compared with it: a reply the shadow would send that never
 * comes (by the client's resend timer), a reply it would not send, and one
 * that differs port by port or field by field. The shadow then takes what
 * the server did (mops_server_adopt_outcome), so that one fault is reported
 * once and what follows is judged from the server's real state. What the
 * shadow cannot know (a session's RCV.NXT not yet shown, the Unique ID an
 * application demands) leaves its decision UNKNOWN, and such a Migrate is
 * counted as not judged, never guessed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/decode/decode.h"
#include "mops/core/claim.h"

#include "internal.h"

/* What a shadow's table holds: a quarter of the validator's sessions each. */
static struct mops_model_caps shadow_caps(const struct mops_validator *v)
{
    struct mops_model_caps c = mops_model_caps_default;
    uint32_t big = v->o.capacity ? v->o.capacity : 65536;
    c.server_socks = big / 4 ? big / 4 : 1;
    c.server_history = v_table_size(v->o.capacity, 256);
    c.claim = !v->o.lazy;
    return c;
}

static void arrive(struct mops_validator *v, struct v_server *s, uint64_t frame, uint32_t ifid, uint64_t ts,
                   const struct mops_packet *pkt, const struct mops_track_result *tr);

/* A packet to a node that has sent nothing yet, kept for its shadow. */
static void note_arrival(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                         const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    uint32_t len = pkt->caplen - pkt->link.ipff_off - pkt->link.trailer_len;
    if (len > sizeof v->arrivals[0].bytes || pkt->caplen < pkt->link.ipff_off + pkt->link.trailer_len)
        return;
    /* In arrival order: a server's first SYN-ACK may follow several SYNs. */
    struct v_arrival *a = &v->arrivals[v->arrivals_i++ % v->n_arrivals];
    a->used = true;
    a->ifid = ifid;
    a->dst = pkt->ip.dst;
    a->frame = frame;
    a->ts = ts;
    a->tr = *tr;
    a->len = len;
    memcpy(a->bytes, pkt->frame + pkt->link.ipff_off, len);
}

static void replay_arrivals(struct mops_validator *v, struct v_server *s)
{
    uint32_t link = v_link_of(v, s->addr);
    struct v_sess *cur = v->cur_sess;
    v->cur_sess = NULL; /* the current packet's session is not theirs */
    uint32_t used = v_ring_used(v->arrivals_i, v->n_arrivals);
    for (uint32_t i = 0; i < used; i++) { /* oldest first */
        struct v_arrival *a = &v->arrivals[(v->arrivals_i - used + i) % v->n_arrivals];
        if (!a->used || a->dst != s->addr || a->ifid != link)
            continue;
        a->used = false;
        struct mops_packet *pkt = &v->replay_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, a->bytes, a->len, a->len, pkt);
        if (pkt->status == MOPS_ST_OK)
            arrive(v, s, a->frame, a->ifid, a->ts, pkt, &a->tr);
    }
    v->cur_sess = cur;
}

static struct v_server *server_find(const struct mops_validator *v, mops_addr_t a)
{
    const struct v_addr_ix *x = vt_find(&v->server_ix, &a);
    return x ? v->servers[x->i] : NULL;
}

/* The shadow of a, made on first need. NULL when none can be. */
static struct v_server *server_get(struct mops_validator *v, mops_addr_t a)
{
    struct v_server *s = server_find(v, a);
    if (s)
        return s;
    if (v->n_servers == V_SHADOW_CAP) {
        v->servers_unshadowed++;
        return NULL;
    }
    s = calloc(1, sizeof *s);
    struct mops_model_caps caps = shadow_caps(v);
    char name[MOPS_ADDR_STRLEN];
    if (!s || mops_server_init(&s->m, &v->st, mops_addr_format(a, name), a, 0, 0, &caps) < 0) {
        free(s);
        v->servers_unshadowed++;
        return NULL;
    }
    s->m.partial_view = true;
    /* Its listeners and the Unique IDs its applications demand are
     * configuration the capture does not show: --topology names them;
     * otherwise every port listens and a Unique ID is unknown. */
    const struct mops_topology *t = v->o.topology;
    for (unsigned i = 0; t && i < t->n_servers; i++) {
        const struct mops_topology_server *ts = &t->servers[i];
        if (ts->addr != a)
            continue;
        s->m.seq_exact = ts->exact;
        for (unsigned k = 0; k < ts->n_ids && k + 2 < MOPS_SRV_LISTEN; k++) {
            struct mops_listen l = {.proto = ts->ids[k].proto,
                                    .port = ts->ids[k].port,
                                    .unique_required = true,
                                    .unique_id = ts->ids[k].id};
            mops_server_listen(&s->m, &l);
            s->topology = true;
        }
    }
    struct mops_listen any_tcp = {.proto = MOPS_PROTO_TCP, .unique_unknown = true};
    struct mops_listen any_udp = {.proto = MOPS_PROTO_UDPV5, .unique_unknown = true};
    mops_server_listen(&s->m, &any_tcp);
    mops_server_listen(&s->m, &any_udp);
    /* An anycast server's configuration is not shown either: the shadow
     * may send the ack for a SYN to its address, and the server need not. */
    s->m.anycast = a;
    s->addr = a;
    s->link = v_link_of(v, a);
    struct v_addr_ix *x = vt_add(&v->server_ix, &a);
    x->i = v->n_servers;
    v->servers[v->n_servers++] = s;
    replay_arrivals(v, s);
    return s;
}

void v_servers_free(struct mops_validator *v)
{
    for (unsigned i = 0; i < v->n_servers; i++) {
        mops_server_free(&v->servers[i]->m);
        free(v->servers[i]);
    }
    mops_recycled_free(v->expects, v->n_expects * sizeof *v->expects);
    mops_recycled_free(v->arrivals, v->n_arrivals * sizeof *v->arrivals);
    vt_free(&v->anycast_acks);
    vt_free(&v->synacks);
    mops_outbox_free(&v->shadow_out);
}

bool v_servers_init(struct mops_validator *v)
{
    v->n_expects = v_ring_size(v->o.capacity, V_EXPECTS);
    v->n_arrivals = v_ring_size(v->o.capacity, V_ARRIVALS);
    v->expects = mops_recycled_calloc(v->n_expects * sizeof *v->expects);
    v->arrivals = mops_recycled_calloc(v->n_arrivals * sizeof *v->arrivals);
    uint32_t small = v->o.capacity ? v->o.capacity : 16384;
    return v->expects && v->arrivals &&
           vt_init(&v->server_ix, sizeof(struct v_addr_ix), sizeof(mops_addr_t),
                   v_table_size(v->o.capacity, 4 * V_SHADOW_CAP), !v->o.lazy) &&
           vt_init(&v->anycast_acks, sizeof(struct v_anycast), sizeof(((struct v_anycast *)0)->k), small, !v->o.lazy) &&
           vt_init(&v->synacks, sizeof(struct v_synack), sizeof(((struct v_synack *)0)->k), small, !v->o.lazy);
}

static void flow_text(char *buf, size_t n, mops_addr_t prev, mops_addr_t mig, mops_addr_t server, uint16_t port)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN], c[MOPS_ADDR_STRLEN];
    snprintf(buf, n, "migrate %s -> %s at %s, port %u", mops_addr_format(prev, a), mops_addr_format(mig, b),
             mops_addr_format(server, c), port);
}

static void expect_flow(char *buf, size_t n, const struct v_expect *e)
{
    flow_text(buf, n, e->prev, e->mig, e->server, e->n ? e->ports[0].prev_sport : 0);
}

/* The sessions a Migrate names, as this link showed them, for a shadow that
 * did not see them start. A TCP session's RCV.NXT is what the client has
 * sent so far, its window what the server last advertised; a tuple a move
 * left is gone. */
static void adopt_ports(struct mops_validator *v, struct v_server *s, uint32_t ifid, const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    for (unsigned i = 0; i < g->n_decoded && i < MOPS_SRV_MIGRATE_PORTS; i++) {
        const struct mops_migrate_port *p = &pkt->pool.migrate[i];
        if (mops_server_find(&s->m, g->proto, g->prev_addr, p->prev_sport, p->prev_dport))
            continue;
        struct mops_sock_seen k;
        /* The shadow moved it there itself: the old tuple is gone, whatever
         * the capture's tracking (which waits for a matching reply) says. */
        if (mops_server_find(&s->m, g->proto, g->mig_addr, p->mig_sport, p->prev_dport)) {
            k = (struct mops_sock_seen){.proto = g->proto,
                                        .laddr = pkt->ip.dst,
                                        .raddr = g->prev_addr,
                                        .lport = p->prev_dport,
                                        .rport = p->prev_sport,
                                        .gone = true};
            if (!mops_server_gone(&s->m, g->proto, g->prev_addr, p->prev_sport, p->prev_dport))
                mops_server_adopt(&s->m, &k);
            continue;
        }
        if (g->proto != MOPS_PROTO_TCP) {
            uint64_t left_by;
            if (!v_flow_seen(v, ifid, g->proto, g->prev_addr, p->prev_sport, s->addr, p->prev_dport, &left_by))
                continue;
            k = (struct mops_sock_seen){.proto = g->proto,
                                        .laddr = pkt->ip.dst,
                                        .raddr = g->prev_addr,
                                        .lport = p->prev_dport,
                                        .rport = p->prev_sport,
                                        .mobile = true,
                                        .gone = left_by != 0};
            mops_server_adopt(&s->m, &k);
            continue;
        }
        struct v_sess_view view;
        if (!v_session_find(v, ifid, g->proto, g->prev_addr, p->prev_sport, s->addr, p->prev_dport, &view))
            continue;
        k = (struct mops_sock_seen){.proto = g->proto,
                                    .laddr = pkt->ip.dst,
                                    .raddr = g->prev_addr,
                                    .lport = p->prev_dport,
                                    .rport = p->prev_sport,
                                    .mobile = view.s->mc_syn || !view.s->syn,
                                    .rcv_known = view.s->c_nxt_known && view.s->s_wnd_known,
                                    .rcv_nxt = view.s->c_nxt,
                                    .rcv_wnd = view.s->s_wnd,
                                    .gone = view.left_by != 0};
        mops_server_adopt(&s->m, &k);
    }
}

/* What the shadow knew of a port before it judged it, to say why. */
struct port_state {
    bool found, gone;
    uint32_t rcv_nxt, rcv_wnd;
};

static void port_reason(char *buf, size_t n, const struct v_server *s, const struct mops_packet *pkt,
                        const struct mops_migrate_port *p, const struct port_state *ps)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    if (!mops_addr_valid(g->prev_addr) || !mops_addr_valid(g->mig_addr))
        snprintf(buf, n, "an address field above 999");
    else if (!ps->found)
        snprintf(buf, n, ps->gone ? "the session moved away" : "no such session");
    else {
        for (unsigned i = 0; i < s->m.n_listen; i++) {
            const struct mops_listen *l = &s->m.listen[i];
            if (l->proto == g->proto && l->port == p->prev_dport && l->unique_required) {
                snprintf(buf, n, "Unique ID %#llx, expected %#llx", (unsigned long long)p->seq,
                         (unsigned long long)l->unique_id);
                return;
            }
        }
        if (g->proto != MOPS_PROTO_TCP)
            snprintf(buf, n, "no Unique ID demanded");
        else if (p->seq >> 32)
            snprintf(buf, n, "sequence %#llx: the high 32 bits set (profile §5)", (unsigned long long)p->seq);
        else if (s->m.seq_exact)
            snprintf(buf, n, "sequence %u, RCV.NXT %u (exact check)", (uint32_t)p->seq, ps->rcv_nxt);
        else
            snprintf(buf, n, "sequence %u %s window [%u, %u)", (uint32_t)p->seq,
                     mops_seq_in_window((uint32_t)p->seq, ps->rcv_nxt, ps->rcv_wnd) ? "inside" : "outside", ps->rcv_nxt,
                     ps->rcv_nxt + ps->rcv_wnd);
    }
}

static struct v_expect *expect_new(struct mops_validator *v)
{
    struct v_expect *e = &v->expects[v->expects_i++ % v->n_expects];
    memset(e, 0, offsetof(struct v_expect, req));
    e->used = true;
    return e;
}

/* A Migrate request arrives at a server: the shadow judges it. */
static void migrate_arrives(struct mops_validator *v, struct v_server *s, uint64_t frame, uint32_t ifid, uint64_t ts,
                            const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    adopt_ports(v, s, ifid, pkt);
    struct port_state ps[V_KEPT_PORTS];
    unsigned kept = g->n_decoded < V_KEPT_PORTS ? g->n_decoded : V_KEPT_PORTS;
    for (unsigned i = 0; i < kept; i++) {
        const struct mops_migrate_port *p = &pkt->pool.migrate[i];
        struct mops_sock *k = mops_server_find(&s->m, g->proto, g->prev_addr, p->prev_sport, p->prev_dport);
        ps[i] = (struct port_state){k != NULL, false, k ? k->rcv_nxt : 0, k ? k->rcv_wnd : 0};
        ps[i].gone = !k && mops_server_gone(&s->m, g->proto, g->prev_addr, p->prev_sport, p->prev_dport);
    }
    unsigned flaps = s->m.flaps_discarded, cached = s->m.cached_replies, undecided = s->m.undecided;
    unsigned decided = s->m.accepted + s->m.refused;
    s->m.last.decided = false;
    mops_outbox_clear(&v->shadow_out);
    mops_server_input(&s->m, ts, pkt, &v->shadow_out);
    s->arrivals++;
    struct v_expect *e = expect_new(v);
    e->ifid = ifid;
    e->server = s->addr;
    e->client = pkt->ip.src;
    e->local = pkt->ip.dst;
    e->prev = g->prev_addr;
    e->mig = g->mig_addr;
    e->proto = g->proto;
    e->code = pkt->icmp.code;
    e->txn = tr->first_frame ? tr->first_frame : frame;
    e->frame = frame;
    e->ts = ts;
    e->n = (uint16_t)(g->n_decoded < MOPS_SRV_MIGRATE_PORTS ? g->n_decoded : MOPS_SRV_MIGRATE_PORTS);
    memcpy(e->ports, pkt->pool.migrate, e->n * sizeof e->ports[0]);
    if (pkt->icmp.len <= sizeof e->req) {
        e->req_len = pkt->icmp.len;
        memcpy(e->req, pkt->frame + pkt->icmp.off, e->req_len);
    }
    if (s->m.cached_replies != cached)
        e->why = VX_CACHED;
    else if (s->m.flaps_discarded != flaps)
        e->why = VX_FLAP;
    else if (s->m.undecided != undecided)
        e->why = VX_UNDECIDED;
    else if (s->m.accepted + s->m.refused != decided)
        e->why = VX_DECIDED;
    else
        e->why = VX_DROPPED;
    if (e->why == VX_DECIDED) {
        s->judged++;
        bool atomic = e->code == MOPS_MIGRATE_CODE_ATOMIC, all = true;
        for (unsigned i = 0; i < e->n; i++)
            all &= s->m.last.port[i] == MOPS_VERDICT_ACCEPT;
        for (unsigned i = 0; i < e->n; i++) {
            e->raw_accept[i] = s->m.last.port[i] == MOPS_VERDICT_ACCEPT;
            e->accept[i] = e->raw_accept[i] && (all || !atomic);
            if (i < kept && e->raw_accept[i] && !e->accept[i])
                snprintf(e->reason[i], sizeof e->reason[i], "atomic, and another port fails");
            else if (i < kept)
                port_reason(e->reason[i], sizeof e->reason[i], s, pkt, &pkt->pool.migrate[i], &ps[i]);
        }
    } else if (e->why == VX_UNDECIDED) {
        s->undecided++;
        bool shown = true;
        for (unsigned i = 0; i < kept; i++)
            shown &= ps[i].found || ps[i].gone;
        if (!shown)
            s->undecided_session++;
        else if (e->proto != MOPS_PROTO_TCP)
            s->undecided_udp++;
        else
            s->undecided_seq++;
    }
    /* What the shadow sent: its reply, to be compared with the server's. */
    for (unsigned i = 0; i < v->shadow_out.n; i++) {
        struct mops_packet *q = &v->shadow_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, v->shadow_out.v[i].data, v->shadow_out.v[i].len,
                          v->shadow_out.v[i].len, q);
        if (q->status != MOPS_ST_OK || !(q->layers & MOPS_L_MOPS) || q->icmp.kind != MOPS_ICMP_KIND_MIGRATE ||
            v->shadow_out.v[i].len > sizeof e->reply)
            continue;
        e->reply_len = v->shadow_out.v[i].len;
        memcpy(e->reply, v->shadow_out.v[i].data, e->reply_len);
        e->reply_code = q->icmp.code;
        /* Silence is judged when the mobile node's model resends: had the
         * server answered, it would not have to (MOPS §4.1). */
        e->due = ts + MOPS_MIGRATE_RETX_NS;
        if (!v->expect_next_due || e->due < v->expect_next_due)
            v->expect_next_due = e->due;
    }
}

/* The expectation a reply answers: the latest unanswered arrival of its
 * transaction, or (a reply the tracker could not tie to its request: its
 * fields changed) of the same server and client. */
static struct v_expect *expect_for(struct mops_validator *v, mops_addr_t server, mops_addr_t client, uint32_t ifid,
                                   const struct mops_track_result *tr, uint64_t ts)
{
    struct v_expect *best = NULL;
    for (uint32_t i = 0, used = v_ring_used(v->expects_i, v->n_expects); i < used; i++) {
        struct v_expect *e = &v->expects[i];
        if (!e->used || e->answered || e->server != server || e->client != client || e->ifid != ifid ||
            ts - e->ts > MOPS_MIGRATE_LIFE_NS)
            continue;
        if (tr->kind == MOPS_TRACK_REPLY && tr->first_frame && e->txn != tr->first_frame)
            continue;
        if (!best || e->ts > best->ts)
            best = e;
    }
    return best;
}

static bool listed(const struct mops_packet *reply, const struct mops_migrate_port *p)
{
    for (unsigned j = 0; j < reply->icmp.u.migrate.n_decoded; j++) {
        const struct mops_migrate_port *q = &reply->pool.migrate[j];
        if (q->prev_sport == p->prev_sport && q->prev_dport == p->prev_dport)
            return true;
    }
    return false;
}

/* Field by field (in the field vocabulary, docs/fields.md), what the reply
 * should have been and what it is. */
static bool reply_differs(const struct mops_packet *want, const struct mops_packet *got, char *exp, size_t en,
                          char *act, size_t an)
{
    const struct mops_migrate *w = &want->icmp.u.migrate, *g = &got->icmp.u.migrate;
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    if (want->icmp.code != got->icmp.code) {
        snprintf(exp, en, "icmpv5.code %u", want->icmp.code);
        snprintf(act, an, "icmpv5.code %u", got->icmp.code);
    } else if (w->proto != g->proto) {
        snprintf(exp, en, "mops.migrate.proto %u", w->proto);
        snprintf(act, an, "mops.migrate.proto %u", g->proto);
    } else if (w->prev_addr != g->prev_addr) {
        snprintf(exp, en, "mops.migrate.prev_addr %s", mops_addr_format(w->prev_addr, a));
        snprintf(act, an, "mops.migrate.prev_addr %s", mops_addr_format(g->prev_addr, b));
    } else if (w->mig_addr != g->mig_addr) {
        snprintf(exp, en, "mops.migrate.mig_addr %s", mops_addr_format(w->mig_addr, a));
        snprintf(act, an, "mops.migrate.mig_addr %s", mops_addr_format(g->mig_addr, b));
    } else if (w->n_decoded != g->n_decoded) {
        snprintf(exp, en, "mops.migrate.n_ports %u", w->n_decoded);
        snprintf(act, an, "mops.migrate.n_ports %u", g->n_decoded);
    } else {
        for (unsigned i = 0; i < w->n_decoded; i++) {
            const struct mops_migrate_port *p = &want->pool.migrate[i], *q = &got->pool.migrate[i];
            static const char *const names[] = {"prev_sport", "mig_sport", "prev_dport", "mig_dport"};
            const uint16_t x[] = {p->prev_sport, p->mig_sport, p->prev_dport, p->mig_dport};
            const uint16_t y[] = {q->prev_sport, q->mig_sport, q->prev_dport, q->mig_dport};
            for (unsigned f = 0; f < 4; f++)
                if (x[f] != y[f]) {
                    snprintf(exp, en, "port %u mops.migrate.ports.%s %u", i + 1, names[f], x[f]);
                    snprintf(act, an, "port %u mops.migrate.ports.%s %u", i + 1, names[f], y[f]);
                    return true;
                }
            if (p->seq != q->seq) {
                snprintf(exp, en, "port %u mops.migrate.ports.seq %llu", i + 1, (unsigned long long)p->seq);
                snprintf(act, an, "port %u mops.migrate.ports.seq %llu", i + 1, (unsigned long long)q->seq);
                return true;
            }
        }
        return false;
    }
    return true;
}

/* The server's reply against its shadow's. */
static void judge_reply(struct mops_validator *v, struct v_server *s, struct v_expect *e, uint64_t frame, uint64_t ts,
                        const struct mops_packet *pkt)
{
    v_judge(v, "server", s->addr);
    char flow[120], exp[160], act[160];
    expect_flow(flow, sizeof flow, e);
    bool success = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS, atomic = e->code == MOPS_MIGRATE_CODE_ATOMIC;
    bool actual[MOPS_SRV_MIGRATE_PORTS];
    unsigned n_listed = 0;
    for (unsigned i = 0; i < e->n; i++) {
        bool l = !success && listed(pkt, &e->ports[i]);
        n_listed += l;
        actual[i] = success || (!atomic && !l);
    }
    snprintf(act, sizeof act, "migration %s, frame %llu", success ? "success" : "failed", (unsigned long long)frame);
    bool differ = false;
    if (e->why == VX_FLAP) {
        v_emit(v, MOPS_R_MIG_FLAP_ANSWERED, frame, ts, flow, "discarded silently (flapping, < 5 s)", act,
               "the server answered Migrate #%llu, whose previous address and port it accepted less than 5 s before",
               (unsigned long long)e->txn);
        differ = true;
    } else if (e->why == VX_DROPPED) {
        v_emit(v, MOPS_P_MIG_REPLY_ORPHAN, frame, ts, flow, "no reply: the request is discarded", act,
               "the server answered frame %llu, a Migrate a server discards (%s)", (unsigned long long)e->frame,
               "its checksum or format is bad");
        differ = true;
    } else if (e->why == VX_DECIDED) {
        if (!success && atomic && n_listed < e->n) {
            snprintf(act, sizeof act, "migration failed listing %u of %u ports, frame %llu", n_listed, e->n,
                     (unsigned long long)frame);
            v_emit(v, MOPS_R_MIG_ATOMIC_PARTIAL, frame, ts, flow, "every port rolled back and listed as failed", act,
                   "a failed atomic Migrate #%llu keeps %u of its ports migrated", (unsigned long long)e->txn,
                   e->n - n_listed);
            differ = true;
        }
        for (unsigned i = 0; i < e->n && !differ; i++) {
            bool ok = success || (!listed(pkt, &e->ports[i]));
            if (ok == e->accept[i])
                continue;
            const struct mops_migrate_port *p = &e->ports[i];
            snprintf(exp, sizeof exp, "migration %s for port %u (%s)", e->accept[i] ? "success" : "failed",
                     p->prev_sport, i < V_KEPT_PORTS ? e->reason[i] : "beyond the ports kept");
            snprintf(act, sizeof act, "migration %s, frame %llu", ok ? "success" : "failed", (unsigned long long)frame);
            int rule = e->accept[i]                                            ? MOPS_R_MIG_SEQ_REJECTED
                       : e->raw_accept[i]                                      ? MOPS_R_MIG_ATOMIC_PARTIAL
                       : !mops_addr_valid(e->mig) || !mops_addr_valid(e->prev) ? MOPS_R_MIG_FIELD_LIMIT
                                                                               : MOPS_R_MIG_SEQ_ACCEPTED;
            v_emit(v, rule, frame, ts, flow, exp, act, "expected: %s; actual: %s", exp, act);
            differ = true;
        }
    }
    if (!differ && e->reply_len) {
        struct mops_packet *want = &v->shadow_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, e->reply, e->reply_len, e->reply_len, want);
        /* Once per transaction: a duplicate's cached copy repeats it. */
        if (reply_differs(want, pkt, exp, sizeof exp, act, sizeof act) && !v_mismatch_seen(v, e->server, e->prev, ts)) {
            v_emit(v, MOPS_P_MIG_REPLY_MISMATCH, frame, ts, flow, exp, act,
                   "expected %s, actual %s (the reply to #%llu%s)", exp, act, (unsigned long long)e->frame,
                   e->why == VX_CACHED ? ", a duplicate: its cached reply, E6" : "");
        }
    }
    s->replies++;
    /* From here on, the shadow is what the server did. */
    if (e->why != VX_CACHED && (differ || e->why != VX_DECIDED)) {
        struct mops_server_outcome o = {
            .at = e->ts,
            .client = e->client,
            .local = e->local,
            .g = &(struct mops_migrate){.proto = e->proto, .prev_addr = e->prev, .mig_addr = e->mig},
            .ports = e->ports,
            .n = e->n,
            .accepted = actual,
            .req = e->req,
            .req_len = e->req_len,
            .reply = pkt->frame + pkt->link.ipff_off,
            .reply_len = pkt->caplen - pkt->link.ipff_off - pkt->link.trailer_len};
        mops_server_adopt_outcome(&s->m, &o);
    }
}

/* A segment the server sent: what it advertises and has sent is what the
 * shadow's session takes (they are the server's, not the protocol's). */
/* Data the server sent on a tuple its shadow holds no session on: one a
 * migration it accepted took the session away from, or one it refused to
 * migrate to. The model sends on neither (MOPS §4.1). */
static void stale_data(struct mops_validator *v, struct v_server *s, uint64_t frame, uint32_t ifid, uint64_t ts,
                       const struct mops_packet *pkt)
{
    v_judge(v, "server", s->addr);
    const struct mops_tcp *t = &pkt->tcp;
    char flow[120], a[40];
    v_tcp_flow(flow, sizeof flow, pkt, false);
    v_tuple(a, sizeof a, pkt->ip.dst, t->dport);
    for (unsigned i = 0; i < V_RECENT; i++) {
        struct v_refused *r = &v->refused[i];
        if (!r->used || r->reported || r->ifid != ifid || r->server != pkt->ip.src || r->mig != pkt->ip.dst ||
            r->mig_sport != t->dport || ts <= r->ts)
            continue;
        r->reported = true;
        v_emit(v, r->atomic ? MOPS_R_MIG_ATOMIC_PARTIAL : MOPS_R_MIG_STALE_TUPLE, frame, ts, flow,
               "the session stays on its old tuple", "data to the refused tuple",
               "%u octets sent to %s, a migration that reply #%llu refused%s", t->payload_len, a,
               (unsigned long long)r->frame, r->atomic ? " (atomic: every port rolled back)" : "");
        return;
    }
    struct v_sess *sess = v->cur_sess;
    if (!mops_server_left(&s->m, MOPS_PROTO_TCP, pkt->ip.dst, t->dport) ||
        (sess && sess->stale_reported == v->cur_left_by + 1))
        return;
    if (sess)
        sess->stale_reported = v->cur_left_by + 1; /* once per move */
    char by[40] = "a migration the server accepted";
    if (v->cur_left_by)
        snprintf(by, sizeof by, "migration reply #%llu", (unsigned long long)v->cur_left_by);
    v_emit(v, MOPS_R_MIG_STALE_TUPLE, frame, ts, flow, "data to the migrated tuple", "data to the old tuple",
           "%u octets sent to %s, which %s moved away", t->payload_len, a, by);
}

static void segment_sent(struct mops_validator *v, struct v_server *s, uint64_t frame, uint32_t ifid, uint64_t ts,
                         const struct mops_packet *pkt)
{
    const struct mops_tcp *t = &pkt->tcp;
    struct mops_sock *hint = v->cur_sess ? v->cur_sess->srv_sock : NULL;
    struct mops_sock *k = mops_server_find_hinted(&s->m, MOPS_PROTO_TCP, pkt->ip.dst, t->dport, t->sport, hint);
    if (v->cur_sess)
        v->cur_sess->srv_sock = k;
    if (!k && t->payload_len)
        stale_data(v, s, frame, ifid, ts, pkt);
    if (!k)
        return;
    k->rcv_wnd = t->window;
    k->snd_nxt = t->seq + t->payload_len + ((t->flags & MOPS_TCP_SYN) ? 1 : 0) + ((t->flags & MOPS_TCP_FIN) ? 1 : 0);
    k->snd_known = true;
}

/* The keys of a SYN-ACK and of an anycast ack, the shadow's or the
 * server's (both sent by the server, to the client). */
static void synack_key(struct v_synack *k, const struct mops_packet *p)
{
    memset(k, 0, sizeof *k);
    k->k.server = p->ip.src;
    k->k.client = p->ip.dst;
    k->k.sport = p->tcp.sport;
    k->k.cport = p->tcp.dport;
}

static void anycast_key(struct v_anycast *k, const struct mops_packet *p)
{
    const struct mops_anycast_ack *a = &p->icmp.u.anycast;
    memset(k, 0, sizeof *k);
    k->k.anycast = a->anycast_addr;
    k->k.client = p->ip.dst;
    k->k.sport = a->sport;
    k->k.dport = a->dport;
    k->k.proto = a->proto;
}

static void arrive(struct mops_validator *v, struct v_server *s, uint64_t frame, uint32_t ifid, uint64_t ts,
                   const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE &&
        pkt->icmp.code <= MOPS_MIGRATE_CODE_ATOMIC) {
        migrate_arrives(v, s, frame, ifid, ts, pkt, tr);
        return;
    }
    if (!(pkt->layers & (MOPS_L_TCP | MOPS_L_UDP)))
        return;
    mops_outbox_clear(&v->shadow_out);
    /* The session's socket as last found, kept beside the tracker's
     * session: one lookup per packet, not two. */
    struct mops_sock *none = NULL, **hint = v->cur_sess ? &v->cur_sess->srv_sock : &none;
    mops_server_input_hinted(&s->m, ts, pkt, hint, &v->shadow_out);
    for (unsigned i = 0; i < v->shadow_out.n; i++) {
        struct mops_packet *q = &v->shadow_pkt;
        mops_decode_frame(&v->st, MOPS_LINKTYPE_USER0, v->shadow_out.v[i].data, v->shadow_out.v[i].len,
                          v->shadow_out.v[i].len, q);
        if (q->status == MOPS_ST_OK && (q->layers & MOPS_L_TCP) &&
            (q->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == (MOPS_TCP_SYN | MOPS_TCP_ACK)) {
            struct v_synack k;
            synack_key(&k, q);
            struct v_synack *x = vt_get(&v->synacks, &k.k, NULL);
            x->mobile = q->tcp.mobile_capable;
            x->rs = q->recv_src;
            continue;
        }
        if (q->status != MOPS_ST_OK || !(q->layers & MOPS_L_MOPS) || q->icmp.kind != MOPS_ICMP_KIND_ANYCAST_ACK)
            continue;
        struct v_anycast k;
        anycast_key(&k, q);
        vt_get(&v->anycast_acks, &k.k, NULL);
    }
}

/* The server's SYN-ACK against its shadow's, when the shadow saw the SYN. */
static void synack_sent(struct mops_validator *v, uint64_t frame, uint64_t ts, const struct mops_packet *pkt)
{
    v_judge(v, "server", pkt->ip.src);
    struct v_synack k;
    synack_key(&k, pkt);
    const struct v_synack *x = vt_find(&v->synacks, &k.k);
    if (!x)
        return;
    char flow[120], a[40], b[40], exp[96], act[96];
    v_tcp_flow(flow, sizeof flow, pkt, false);
    if (x->mobile != pkt->tcp.mobile_capable) {
        snprintf(exp, sizeof exp, "SYN-ACK %s MOBILE_CAPABLE", x->mobile ? "with" : "without");
        snprintf(act, sizeof act, "SYN-ACK %s MOBILE_CAPABLE", pkt->tcp.mobile_capable ? "with" : "without");
        v_emit(v, MOPS_R_MC_HANDSHAKE, frame, ts, flow, exp, act, "the server's %s, where its model echoes the SYN's",
               act);
    }
    const struct mops_recv_src *r = &pkt->recv_src;
    bool differs = r->present && (x->rs.addr != r->addr || x->rs.port != r->port) && v_unforwarded(pkt) &&
                   !v_translated_to(v, MOPS_PROTO_TCP, pkt->ip.dst, pkt->tcp.dport, r->addr, r->port);
    if (x->rs.present != r->present || differs) {
        snprintf(exp, sizeof exp, x->rs.present ? "received source %s" : "no received-source option",
                 v_tuple(a, sizeof a, x->rs.addr, x->rs.port));
        snprintf(act, sizeof act, r->present ? "received source %s" : "no received-source option",
                 v_tuple(b, sizeof b, r->addr, r->port));
        v_emit(v, MOPS_R_RSRC_MISMATCH, frame, ts, flow, exp, act,
               "the SYN-ACK carries %s, where the server's model tells the client %s (MOPS §3.2)", act, exp);
    }
}

/* An anycast ack the server sent: one its shadow would send too. The
 * unicast address it names is the same server (MOPS §4.2). */
static void anycast_sent(struct mops_validator *v, struct v_server *s, uint64_t frame, uint64_t ts,
                         const struct mops_packet *pkt)
{
    v_judge(v, "server", s->addr);
    const struct mops_anycast_ack *a = &pkt->icmp.u.anycast;
    struct v_anycast k;
    anycast_key(&k, pkt);
    char flow[120], x[MOPS_ADDR_STRLEN];
    if (!vt_find(&v->anycast_acks, &k.k)) {
        snprintf(flow, sizeof flow, "anycast %s", mops_addr_format(a->anycast_addr, x));
        v_emit(v, MOPS_R_ANYCAST_UNSOLICITED, frame, ts, flow,
               "an ack after a MOBILE_CAPABLE SYN to the anycast address", "no such SYN seen",
               "anycast acknowledgement for %s, to which no MOBILE_CAPABLE SYN was seen", x);
        return;
    }
    const struct v_addr_ix *self = vt_find(&v->server_ix, &a->anycast_addr);
    if (self && v->servers[self->i] == s && s->m.addr == a->anycast_addr && !server_find(v, a->unicast_addr)) {
        uint32_t i = self->i;
        s->m.addr = a->unicast_addr;
        struct v_addr_ix *ix = vt_add(&v->server_ix, &a->unicast_addr); /* one server at both addresses */
        ix->i = i;
    }
}

void v_server_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                     const struct mops_packet *pkt, const struct mops_track_result *tr, bool first)
{
    v_server_due(v, ts, false);
    bool mops = pkt->layers & MOPS_L_MOPS;
    bool request = mops && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE && pkt->icmp.code <= MOPS_MIGRATE_CODE_ATOMIC;
    bool reply = mops && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE && pkt->icmp.code >= MOPS_MIGRATE_CODE_SUCCESS;
    /* Arriving at a server: on its link, addressed to it. */
    uint32_t dst_link = v->dst_link;
    struct v_server *to = server_find(v, pkt->ip.dst);
    if (dst_link == UINT32_MAX && to)
        dst_link = to->link; /* an address it has sent nothing from yet (anycast's unicast) */
    if (dst_link == ifid) {
        if (!to && request)
            to = server_get(v, pkt->ip.dst);
        if (to)
            arrive(v, to, frame, ifid, ts, pkt, tr);
        else if ((pkt->layers & MOPS_L_TCP) && (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN)
            note_arrival(v, frame, ifid, ts, pkt, tr); /* its link shown by an anycast ack, its SYN-ACK lost */
    } else if (dst_link == UINT32_MAX && (request || (pkt->layers & (MOPS_L_TCP | MOPS_L_UDP)))) {
        note_arrival(v, frame, ifid, ts, pkt, tr);
    }
    /* Sent by a server, where it is first seen. */
    if (!first || v->src_link != ifid)
        return;
    bool synack =
        (pkt->layers & MOPS_L_TCP) && (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == (MOPS_TCP_SYN | MOPS_TCP_ACK);
    struct v_server *s = synack ? server_get(v, pkt->ip.src) : server_find(v, pkt->ip.src);
    if (!s)
        return;
    if (pkt->layers & MOPS_L_TCP) {
        if (synack && !mops_server_find(&s->m, MOPS_PROTO_TCP, pkt->ip.dst, pkt->tcp.dport, pkt->tcp.sport)) {
            /* A session whose SYN the shadow did not see arrive: open
             * once the client's ACK comes (a Migrate before is refused). */
            struct mops_sock_seen k = {.proto = MOPS_PROTO_TCP,
                                       .laddr = pkt->ip.src,
                                       .raddr = pkt->ip.dst,
                                       .lport = pkt->tcp.sport,
                                       .rport = pkt->tcp.dport,
                                       .mobile = pkt->tcp.mobile_capable,
                                       .rcv_known = pkt->tcp.flags & MOPS_TCP_ACK,
                                       .rcv_nxt = pkt->tcp.ack,
                                       .rcv_wnd = pkt->tcp.window,
                                       .half_open = true};
            mops_server_adopt(&s->m, &k);
        }
        if (synack)
            synack_sent(v, frame, ts, pkt);
        segment_sent(v, s, frame, ifid, ts, pkt);
        return;
    }
    if (mops && pkt->icmp.kind == MOPS_ICMP_KIND_ANYCAST_ACK) {
        anycast_sent(v, s, frame, ts, pkt);
        return;
    }
    if (!reply)
        return;
    struct v_expect *e = expect_for(v, s->addr, pkt->ip.dst, ifid, tr, ts);
    if (!e) {
        if (tr->kind == MOPS_TRACK_ORPHAN_REPLY) {
            char flow[120], a[MOPS_ADDR_STRLEN];
            const struct mops_migrate *g = &pkt->icmp.u.migrate;
            flow_text(flow, sizeof flow, g->prev_addr, g->mig_addr, s->addr,
                      g->n_decoded ? pkt->pool.migrate[0].prev_sport : 0);
            v_judge(v, "server", s->addr);
            v_emit(v, MOPS_P_MIG_REPLY_ORPHAN, frame, ts, flow, "a reply to a Migrate received", "no such Migrate",
                   "the server sent a Migrate reply to %s, which sent it no Migrate in this capture",
                   mops_addr_format(pkt->ip.dst, a));
        }
        return;
    }
    e->answered = true;
    for (uint32_t i = 0, used = v_ring_used(v->expects_i, v->n_expects); i < used;
         i++) /* one transaction, one verdict on its silence */
        if (v->expects[i].used && v->expects[i].txn == e->txn && v->expects[i].server == e->server)
            v->expects[i].txn_answered = true;
    judge_reply(v, s, e, frame, ts, pkt);
}

void v_server_due(struct mops_validator *v, uint64_t now, bool all)
{
    if (!all && (!v->expect_next_due || now < v->expect_next_due))
        return;
    v->expect_next_due = 0;
    for (uint32_t i = 0, used = v_ring_used(v->expects_i, v->n_expects); i < used; i++) {
        struct v_expect *e = &v->expects[i];
        if (!e->used || !e->due || e->answered || e->reported)
            continue;
        /* The resend is due by the mobile node's clock, not the capture's. */
        uint64_t due = e->due + V_CLOCK_SLACK_NS;
        if (now < due) {
            if (!v->expect_next_due || due < v->expect_next_due)
                v->expect_next_due = due;
            continue;
        }
        /* Once per transaction, by its last transmission seen: a resend
         * answered is the mobile node recovering from a reply lost. What
         * a later one still awaits is judged by it; the last waits out the
         * transaction's life (a resend may be lost before this link), or
         * the end of the capture. */
        bool told = e->txn_answered, later = false;
        for (uint32_t j = 0, used = v_ring_used(v->expects_i, v->n_expects); j < used && !told; j++) {
            const struct v_expect *x = &v->expects[j];
            if (!x->used || x->txn != e->txn || x->server != e->server || x == e)
                continue;
            told = x->silence_reported || x->txn_answered;
            later |= x->ts > e->ts && !x->reported;
        }
        uint64_t life = e->ts + MOPS_MIGRATE_LIFE_NS;
        if (!told && !all && (later || now < life)) {
            if (!later && (!v->expect_next_due || life < v->expect_next_due))
                v->expect_next_due = life;
            continue;
        }
        e->reported = true;
        if (told)
            continue;
        e->silence_reported = true;
        char flow[120], exp[96];
        expect_flow(flow, sizeof flow, e);
        snprintf(exp, sizeof exp, "migration %s", e->reply_code == MOPS_MIGRATE_CODE_SUCCESS ? "success" : "failed");
        v_judge(v, "server", e->server);
        v_emit(v, MOPS_R_MIG_NO_REPLY, e->txn, e->ts, flow, exp, "no reply",
               "Migrate #%llu reached the server's link and neither it nor a resend (every %.0f s, %u times) was "
               "answered",
               (unsigned long long)e->txn, (double)MOPS_MIGRATE_RETX_NS / MOPS_NS_PER_SEC, MOPS_MIGRATE_MAX_RESENDS);
    }
}

void v_server_finish(struct mops_validator *v, uint64_t end_ns)
{
    /* What fell due before the capture ended; the rest is not judged. */
    v_server_due(v, end_ns, true);
}
