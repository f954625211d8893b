/* Migrate transactions (MOPS §4.1, profile §7). On the server's link the
 * validator predicts, port by port, what a correct server answers (the
 * sequence number inside [RCV.NXT, RCV.NXT + RCV.WND), addresses with no
 * field above 999, atomic all-or-nothing, flapping discard) and compares the
 * reply; on the mobile node's link it judges the resends; at the end, what
 * reached the server and was never answered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/timers.h"

#include "internal.h"

#define RETX_MIN_NS (MOPS_MIGRATE_RETX_NS - MOPS_NS_PER_SEC / 10) /* less a margin for capture timing */

static struct v_txn *txn_find(struct mops_validator *v, uint64_t first_frame, uint32_t ifid)
{
    struct {
        uint64_t first_frame;
        uint32_t ifid, pad;
    } k = {first_frame, ifid, 0};
    return vt_find(&v->txns, &k);
}

static void flow_text(char *buf, size_t n, const struct v_txn *x)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN], c[MOPS_ADDR_STRLEN];
    snprintf(buf, n, "migrate %s -> %s at %s, port %u", mops_addr_format(x->prev, a), mops_addr_format(x->mig, b),
             mops_addr_format(x->server, c), x->n_kept ? x->ports[0].prev_sport : 0);
}

static const struct mops_topology_server *topology_server(const struct mops_validator *v, mops_addr_t a)
{
    const struct mops_topology *t = v->o.topology;
    for (unsigned i = 0; t && i < t->n_servers; i++)
        if (t->servers[i].addr == a)
            return &t->servers[i];
    return NULL;
}

/* The Unique ID a server demands on a port (--topology), or false. */
static bool unique_id(const struct mops_topology_server *ts, uint16_t proto, uint16_t port, uint64_t *id)
{
    for (unsigned i = 0; ts && i < ts->n_ids; i++)
        if (ts->ids[i].proto == proto && ts->ids[i].port == port) {
            *id = ts->ids[i].id;
            return true;
        }
    return false;
}

/* What a correct server does with each port (MOPS §4.1, profile §7). */
static void predict(struct mops_validator *v, struct v_txn *x, uint64_t frame, uint64_t ts)
{
    bool any_refuse = false;
    const struct mops_topology_server *srv = topology_server(v, x->server);
    for (unsigned i = 0; i < x->n_kept; i++) {
        const struct mops_migrate_port *p = &x->ports[i];
        x->expect[i] = -1;
        uint64_t id;
        if (!mops_addr_valid(x->mig)) {
            x->expect[i] = 0;
            snprintf(x->reason[i], sizeof x->reason[i], "an address field above 999");
        } else if (unique_id(srv, x->proto, p->prev_dport, &id)) {
            /* Only an exact Unique ID match succeeds (profile §7). */
            x->expect[i] = p->seq == id;
            snprintf(x->reason[i], sizeof x->reason[i], "Unique ID %#llx, expected %#llx", (unsigned long long)p->seq,
                     (unsigned long long)id);
        } else if (x->proto == MOPS_PROTO_TCP) {
            struct v_sess_view view;
            struct v_sess *s =
                v_session_find(v, x->k.ifid, x->proto, x->prev, p->prev_sport, x->server, p->prev_dport, &view) ? view.s
                                                                                                                : NULL;
            if (s && s->syn && !s->mc_syn) {
                /* The mobile node's fault; what the server does with it is left open. */
                char flow[120];
                flow_text(flow, sizeof flow, x);
                v_emit(v, MOPS_R_MIG_NOT_MOBILE, frame, ts, flow, "no Migrate for this session", "a Migrate for it",
                       "port %u: the session's SYN carried no MOBILE_CAPABLE", p->prev_sport);
            } else if (s && view.left_by) {
                x->expect[i] = 0;
                snprintf(x->reason[i], sizeof x->reason[i], "the session moved away at frame %llu",
                         (unsigned long long)view.left_by);
            } else if (s && s->c_nxt_known && s->s_wnd_known) {
                uint32_t seq = (uint32_t)p->seq, lo = s->c_nxt, hi = s->c_nxt + s->s_wnd;
                if (srv && srv->exact) {
                    x->expect[i] = seq == lo;
                    snprintf(x->reason[i], sizeof x->reason[i], "sequence %u, RCV.NXT %u (exact check)", seq, lo);
                } else {
                    bool in = (uint32_t)(seq - lo) < s->s_wnd;
                    x->expect[i] = in;
                    snprintf(x->reason[i], sizeof x->reason[i], "sequence %u %s window [%u, %u)", seq,
                             in ? "inside" : "outside", lo, hi);
                }
            }
        }
        if (x->expect[i] == 0)
            any_refuse = true;
    }
    /* Atomic: one failure fails them all. */
    if (x->code == MOPS_MIGRATE_CODE_ATOMIC && any_refuse)
        for (unsigned i = 0; i < x->n_kept; i++)
            if (x->expect[i] == 1) {
                x->expect[i] = 0;
                snprintf(x->reason[i], sizeof x->reason[i], "atomic, and another port fails");
            }
    for (unsigned i = 0; i < x->n_kept; i++) {
        struct {
            mops_addr_t server, prev;
            uint32_t ifid;
            uint16_t prev_sport, proto;
        } k;
        memset(&k, 0, sizeof k);
        k.server = x->server;
        k.prev = x->prev;
        k.ifid = x->k.ifid;
        k.prev_sport = x->ports[i].prev_sport;
        k.proto = x->proto;
        struct v_accepted *a = vt_find(&v->accepted, &k);
        if (a && ts - a->ts < MOPS_FLAP_NS)
            x->flap_since = a->ts;
    }
}

/* The transaction's migration record, unless the ring has reused it. */
static struct v_migration *v_record(struct mops_validator *v, const struct v_txn *x)
{
    struct v_migration *m = x->record ? &v->mig[x->record - 1] : NULL;
    return m && m->request_frame == x->k.first_frame ? m : NULL;
}

static void new_request(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                        const struct mops_packet *pkt, bool first, bool translated)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    struct {
        uint64_t first_frame;
        uint32_t ifid, pad;
    } k = {frame, ifid, 0};
    struct v_txn *x = vt_add(&v->txns, &k);
    x->client = pkt->ip.src;
    x->server = pkt->ip.dst;
    x->prev = g->prev_addr;
    x->mig = g->mig_addr;
    x->proto = g->proto;
    x->n_ports = g->n_ports;
    x->code = pkt->icmp.code;
    x->n_kept = (uint8_t)(g->n_decoded < V_KEPT_PORTS ? g->n_decoded : V_KEPT_PORTS);
    memcpy(x->ports, pkt->pool.migrate, x->n_kept * sizeof x->ports[0]);
    x->first_ts = x->last_ts = ts;
    x->sendings = 1;
    x->server_link = v_link_of(v, x->server) == ifid;
    x->client_link = first && !translated && v_link_of(v, x->client) == ifid;
    if (x->server_link)
        predict(v, x, frame, ts);
    if (x->client_link) {
        struct v_migration *m = &v->mig[v->n_mig++ % V_MIGRATIONS];
        memset(m, 0, sizeof *m);
        m->request_frame = frame;
        m->reply_code = -1;
        m->prev = x->prev;
        m->mig = x->mig;
        m->proto = x->proto;
        m->n_ports = x->n_ports;
        if (x->n_kept) {
            m->prev_sport = x->ports[0].prev_sport;
            m->mig_sport = x->ports[0].mig_sport;
            m->prev_dport = x->ports[0].prev_dport;
        }
        m->outcome = "unanswered";
        x->record = (uint32_t)((v->n_mig - 1) % V_MIGRATIONS + 1);
    }
}

static void resend(struct mops_validator *v, struct v_txn *x, uint64_t frame, uint64_t ts,
                   const struct mops_track_result *tr)
{
    x->sendings = tr->sendings;
    x->last_ts = ts;
    struct v_migration *m = v_record(v, x);
    if (m)
        m->retransmissions = x->sendings - 1;
    if (!x->client_link)
        return;
    char flow[120], act[64];
    flow_text(flow, sizeof flow, x);
    if (tr->delta_ns < RETX_MIN_NS) {
        snprintf(act, sizeof act, "resent after %.3f s", (double)tr->delta_ns / 1e9);
        v_emit(v, MOPS_R_MIG_RETX_EARLY, frame, ts, flow, "resend after 2 s without a reply", act,
               "retransmission %u of #%llu only %.3f s after the previous sending", tr->sendings - 1,
               (unsigned long long)tr->first_frame, (double)tr->delta_ns / 1e9);
    }
    if (tr->sendings > 4 && !x->excess_reported) {
        x->excess_reported = true;
        snprintf(act, sizeof act, "resend %u", tr->sendings - 1);
        v_emit(v, MOPS_R_MIG_RETX_EXCESS, frame, ts, flow, "at most 3 resends, then the socket is dead", act,
               "Migrate #%llu resent %u times", (unsigned long long)tr->first_frame, tr->sendings - 1);
    }
}

static bool listed(const struct mops_packet *pkt, const struct mops_migrate_port *p)
{
    for (unsigned j = 0; j < pkt->icmp.u.migrate.n_decoded; j++) {
        const struct mops_migrate_port *q = &pkt->pool.migrate[j];
        if (q->prev_sport == p->prev_sport && q->prev_dport == p->prev_dport)
            return true;
    }
    return false;
}

static void judge_reply(struct mops_validator *v, struct v_txn *x, uint64_t frame, uint64_t ts,
                        const struct mops_packet *pkt)
{
    char flow[120], exp[160], act[160];
    flow_text(flow, sizeof flow, x);
    bool success = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS;
    /* Discarded while the last sending is within 5 s of the acceptance;
     * a resend after that may be answered (MOPS §4.1). */
    if (x->flap_since && x->last_ts - x->flap_since < MOPS_FLAP_NS) {
        snprintf(act, sizeof act, "migration %s, frame %llu", success ? "success" : "failed",
                 (unsigned long long)frame);
        v_emit(v, MOPS_R_MIG_FLAP_ANSWERED, frame, ts, flow, "discarded silently (flapping, < 5 s)", act,
               "the server answered Migrate #%llu, whose previous address and port it accepted less than 5 s before",
               (unsigned long long)x->k.first_frame);
        return;
    }
    unsigned n_listed = 0;
    for (unsigned i = 0; i < x->n_kept; i++)
        n_listed += listed(pkt, &x->ports[i]);
    if (!success && x->code == MOPS_MIGRATE_CODE_ATOMIC && n_listed < x->n_kept) {
        snprintf(act, sizeof act, "migration failed listing %u of %u ports, frame %llu", n_listed, x->n_kept,
                 (unsigned long long)frame);
        v_emit(v, MOPS_R_MIG_ATOMIC_PARTIAL, frame, ts, flow, "every port rolled back and listed as failed", act,
               "a failed atomic Migrate #%llu keeps %u of its ports migrated", (unsigned long long)x->k.first_frame,
               x->n_kept - n_listed);
        return;
    }
    for (unsigned i = 0; i < x->n_kept; i++) {
        const struct mops_migrate_port *p = &x->ports[i];
        int accepted = success ? 1 : !listed(pkt, p);
        if (x->expect[i] < 0 || accepted == x->expect[i])
            continue;
        snprintf(exp, sizeof exp, "migration %s for port %u (%s)", x->expect[i] ? "success" : "failed", p->prev_sport,
                 x->reason[i]);
        snprintf(act, sizeof act, "migration %s, frame %llu", accepted ? "success" : "failed",
                 (unsigned long long)frame);
        int rule = x->expect[i]               ? MOPS_R_MIG_SEQ_REJECTED
                   : !mops_addr_valid(x->mig) ? MOPS_R_MIG_FIELD_LIMIT
                                              : MOPS_R_MIG_SEQ_ACCEPTED;
        v_emit(v, rule, frame, ts, flow, exp, act, "expected: %s; actual: %s", exp, act);
    }
}

static void confirm(struct mops_validator *v, struct v_txn *x, uint64_t ts, uint64_t frame,
                    const struct mops_packet *pkt)
{
    bool atomic_failed = x->code == MOPS_MIGRATE_CODE_ATOMIC && pkt->icmp.code == MOPS_MIGRATE_CODE_FAILED;
    for (unsigned i = 0; i < x->n_kept; i++) {
        const struct mops_migrate_port *p = &x->ports[i];
        if (atomic_failed || (pkt->icmp.code != MOPS_MIGRATE_CODE_SUCCESS && listed(pkt, p))) {
            if (x->server_link)
                v->refused[v->refused_i++ % V_RECENT] = (struct v_refused){
                    true, atomic_failed, false, x->k.ifid, x->server, x->mig, p->mig_sport, frame, ts};
            continue;
        }
        struct {
            mops_addr_t server, prev;
            uint32_t ifid;
            uint16_t prev_sport, proto;
        } k;
        memset(&k, 0, sizeof k);
        k.server = x->server;
        k.prev = x->prev;
        k.ifid = x->k.ifid;
        k.prev_sport = p->prev_sport;
        k.proto = x->proto;
        struct v_accepted *a = vt_get(&v->accepted, &k, NULL);
        a->ts = ts;
        v_session_move(v, x->k.ifid, x->proto, x->server, x->prev, x->mig, p, ts, frame);
    }
}

static bool mismatch_seen(struct mops_validator *v, const struct v_txn *x, uint64_t ts)
{
    for (unsigned i = 0; i < V_RECENT; i++) {
        struct v_recent *r = &v->mismatches[i];
        if (r->used && r->dst == x->server && r->prev == x->prev && ts - r->ts < MOPS_MIGRATE_LIFE_NS) {
            r->ts = ts;
            return true;
        }
    }
    v->mismatches[v->mismatches_i++ % V_RECENT] =
        (struct v_recent){.used = true, .ts = ts, .dst = x->server, .prev = x->prev};
    return false;
}

void v_migrate_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                      const struct mops_packet *pkt, const struct mops_track_result *tr, bool first)
{
    if (tr->kind == MOPS_TRACK_REQUEST) {
        new_request(v, frame, ifid, ts, pkt, first, v->translated);
        return;
    }
    struct v_txn *x = tr->first_frame ? txn_find(v, tr->first_frame, ifid) : NULL;
    if (tr->kind == MOPS_TRACK_RETRANSMISSION && x) {
        resend(v, x, frame, ts, tr);
        return;
    }
    if (tr->kind != MOPS_TRACK_REPLY || !x)
        return;
    char flow[120];
    flow_text(flow, sizeof flow, x);
    /* Judged where it first shows: on the server's link it is the server's
     * doing, further down a NAT's that failed to restore the reply; once per
     * transaction, and not as the echo of a NAT-REWRITE already reported. */
    if (tr->mismatch[0] && !mismatch_seen(v, x, ts) &&
        (!v->nat_rewrite_ts || ts - v->nat_rewrite_ts > MOPS_MIGRATE_LIFE_NS))
        v_emit(v, MOPS_P_MIG_REPLY_MISMATCH, frame, ts, flow, "the request's fields echoed", tr->mismatch, "%s%s",
               x->server_link ? "" : "a NAT left the reply unrestored: ", tr->mismatch);
    if (tr->replies != 1)
        return;
    x->replied = true;
    x->reply_frame = frame;
    x->reply_ts = ts;
    x->reply_code = pkt->icmp.code;
    if (x->record)
        pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS ? v->mig_ok++ : v->mig_failed++;
    struct v_migration *m = v_record(v, x);
    if (m) {
        m->reply_frame = frame;
        m->reply_code = pkt->icmp.code;
        m->latency_ns = tr->delta_ns;
        m->outcome = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS ? "succeeded" : "failed";
    }
    if (x->server_link)
        judge_reply(v, x, frame, ts, pkt);
    confirm(v, x, ts, frame, pkt);
}

void v_migrate_finish(struct mops_validator *v, uint64_t end_ns)
{
    for (uint32_t i = 0; i < v->txns.cap; i++) {
        struct v_txn *x = vt_at(&v->txns, i);
        if (!x || !x->server_link || x->replied || x->flap_since || x->judged ||
            end_ns - x->first_ts < MOPS_MIGRATE_RETX_NS)
            continue;
        x->judged = true;
        char flow[120], act[96];
        flow_text(flow, sizeof flow, x);
        snprintf(act, sizeof act, "no reply to %u sendings", x->sendings);
        v_emit(v, MOPS_R_MIG_NO_REPLY, x->k.first_frame, x->first_ts, flow, "a success or failed reply", act,
               "Migrate #%llu reached the server's link and was never answered (%u sendings)",
               (unsigned long long)x->k.first_frame, x->sendings);
    }
}
