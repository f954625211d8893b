/* Migrate transactions as each link shows them (MOPS §4.1): the record of
 * each migration the mobile node's link shows (the report's migrations),
 * its resends, and what a reply tells the session tracker (a move) and the
 * server-data check (a refused tuple). Whether the server decided right is
 * its shadow's to say (server.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/timers.h"

#include "internal.h"

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
    x->sendings = 1;
    x->server_link = v_link_of(v, x->server) == ifid;
    x->client_link = first && !translated && v_link_of(v, x->client) == ifid;
    if (x->client_link) {
        struct v_migration *m = &v->mig[v->n_mig++ % v->n_records];
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
        x->record = (uint32_t)((v->n_mig - 1) % v->n_records + 1);
        v_story_open(v, m, ts);
    }
}

static void resend(struct mops_validator *v, struct v_txn *x, const struct mops_track_result *tr)
{
    x->sendings = tr->sendings;
    struct v_migration *m = v_record(v, x);
    if (m)
        m->retransmissions = x->sendings - 1;
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
        v_session_move(v, x->k.ifid, x->proto, x->server, x->prev, x->mig, p, ts, frame);
    }
}

bool v_mismatch_seen(struct mops_validator *v, mops_addr_t server, mops_addr_t prev, uint64_t ts)
{
    for (unsigned i = 0; i < V_RECENT; i++) {
        struct v_recent *r = &v->mismatches[i];
        if (r->used && r->dst == server && r->prev == prev && ts - r->ts < MOPS_MIGRATE_LIFE_NS) {
            r->ts = ts;
            return true;
        }
    }
    v->mismatches[v->mismatches_i++ % V_RECENT] =
        (struct v_recent){.used = true, .ts = ts, .dst = server, .prev = prev};
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
        resend(v, x, tr);
        return;
    }
    if (tr->kind != MOPS_TRACK_REPLY || !x)
        return;
    char flow[120];
    flow_text(flow, sizeof flow, x);
    /* On the server's link the shadow compares the reply (server.c); further
     * down, a reply that no longer fits its request is a NAT's that failed
     * to restore it: once per transaction, and not as the echo of a
     * NAT-REWRITE already reported. */
    v_judge(v, "nat", 0); /* the reply shows no NAT's address */
    if (tr->mismatch[0] && !x->server_link && !v_mismatch_seen(v, x->server, x->prev, ts))
        v_emit(v, MOPS_P_MIG_REPLY_MISMATCH, frame, ts, flow, "the request's fields echoed", tr->mismatch,
               "a NAT left the reply unrestored: %s", tr->mismatch);
    if (tr->replies != 1)
        return;
    if (x->record)
        pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS ? v->mig_ok++ : v->mig_failed++;
    struct v_migration *m = v_record(v, x);
    if (m) {
        m->reply_frame = frame;
        m->reply_code = pkt->icmp.code;
        m->latency_ns = tr->delta_ns;
        m->outcome = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS ? "succeeded" : "failed";
    }
    confirm(v, x, ts, frame, pkt);
}
