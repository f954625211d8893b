/* TCP sessions as the validator judges them on each link: the handshake's
 * MOBILE_CAPABLE (MC-HANDSHAKE), the client's next sequence number and the
 * server's window (for the server's sequence check, MOPS §4.1), and the old
 * tuple after a move (MIG-STALE-TUPLE). Which packets are one session, and
 * where a move takes it, is lib's session tracker (track/session.c), per
 * link; what the validator keeps of each session is beside it, by slot. */
#include <stdio.h>
#include <string.h>

#include "mops/core/claim.h"

#include "internal.h"

static bool seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

bool v_sessions_init(struct mops_validator *v, uint32_t capacity)
{
    v->n_sess = capacity;
    v->sessions = mops_sessions_new(capacity, MOPS_SESSIONS_PER_LINK);
    v->sess = mops_claim(0, (size_t)capacity * sizeof *v->sess);
    return v->sessions && v->sess;
}

void v_sessions_free(struct mops_validator *v)
{
    mops_sessions_free(v->sessions);
    free(v->sess);
}

bool v_session_find(const struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t c, uint16_t cport,
                    mops_addr_t s, uint16_t sport, struct v_sess_view *out)
{
    struct mops_session_seen seen;
    mops_sessions_find(v->sessions, ifid, proto, c, cport, s, sport, &seen);
    if (!seen.session || !seen.from_client)
        return false;
    out->s = &v->sess[seen.slot];
    out->left_by = seen.left_by;
    return true;
}

bool v_flow_seen(const struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t a, uint16_t aport,
                 mops_addr_t b, uint16_t bport, uint64_t *left_by)
{
    struct mops_session_seen seen;
    mops_sessions_find(v->sessions, ifid, proto, a, aport, b, bport, &seen);
    *left_by = seen.left_by;
    return seen.session != NULL;
}

void v_session_prefetch(const struct mops_validator *v, uint32_t ifid, const struct mops_packet *pkt, bool entry)
{
    if (pkt->layers & MOPS_L_TCP)
        mops_sessions_prefetch(v->sessions, pkt, ifid, entry);
}

void v_session_move(struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t server, mops_addr_t prev,
                    mops_addr_t mig, const struct mops_migrate_port *p, uint64_t ts, uint64_t frame)
{
    struct mops_migrate g = {.proto = proto, .prev_addr = prev, .mig_addr = mig};
    mops_sessions_migrated(v->sessions, &g, p, 1, server, ifid, frame, ts, true);
}

/* "tcp client:port <-> server:port" of a segment. */
static void flow_text(char *buf, size_t n, const struct mops_packet *pkt, bool from_client)
{
    char a[40], b[40];
    const struct mops_tcp *t = &pkt->tcp;
    snprintf(buf, n, "tcp %s <-> %s",
             v_tuple(a, sizeof a, from_client ? pkt->ip.src : pkt->ip.dst, from_client ? t->sport : t->dport),
             v_tuple(b, sizeof b, from_client ? pkt->ip.dst : pkt->ip.src, from_client ? t->dport : t->sport));
}

/* The handshake's third segment: judge MOBILE_CAPABLE once, on the mobile
 * node's own link (MOPS §3.1, E1: all three carry it). */
static void judge_handshake(struct mops_validator *v, struct v_sess *s, uint64_t frame, uint32_t ifid, uint64_t ts,
                            const struct mops_packet *pkt)
{
    s->mc_judged = true;
    s->mc_ack = pkt->tcp.mobile_capable;
    bool any = s->mc_syn || s->mc_synack || s->mc_ack, all = s->mc_syn && s->mc_synack && s->mc_ack;
    if (!any || all || v_link_of(v, pkt->ip.src) != ifid)
        return;
    char flow[120], act[160];
    flow_text(flow, sizeof flow, pkt, true);
    snprintf(act, sizeof act, "SYN %s, SYN-ACK %s, ACK %s", s->mc_syn ? "with" : "without",
             s->mc_synack ? "with" : "without", s->mc_ack ? "with" : "without");
    v_emit(v, MOPS_R_MC_HANDSHAKE, frame, ts, flow, "MOBILE_CAPABLE on SYN, SYN-ACK and ACK", act,
           "MOBILE_CAPABLE on some segments of the handshake only: %s", act);
}

/* Data from the server: to a tuple it refused to migrate to, or to the
 * tuple a move left (on the server's own link). */
static void judge_server_data(struct mops_validator *v, struct v_sess *s, const struct mops_session_seen *seen,
                              uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt)
{
    const struct mops_tcp *t = &pkt->tcp;
    for (unsigned i = 0; i < V_RECENT && t->payload_len; i++) {
        struct v_refused *r = &v->refused[i];
        if (!r->used || r->reported || r->ifid != ifid || r->server != pkt->ip.src || r->mig != pkt->ip.dst ||
            r->mig_sport != t->dport || ts <= r->ts)
            continue;
        r->reported = true;
        char flow[120], a[40];
        flow_text(flow, sizeof flow, pkt, false);
        v_tuple(a, sizeof a, r->mig, r->mig_sport);
        v_emit(v, r->atomic ? MOPS_R_MIG_ATOMIC_PARTIAL : MOPS_R_MIG_STALE_TUPLE, frame, ts, flow,
               "the session stays on its old tuple", "data to the refused tuple",
               "%u octets sent to %s, a migration that reply #%llu refused%s", t->payload_len, a,
               (unsigned long long)r->frame, r->atomic ? " (atomic: every port rolled back)" : "");
    }
    if (seen->left_by && ts > seen->left_ts_ns && t->payload_len > 0 && s->stale_reported != seen->left_by &&
        v_link_of(v, pkt->ip.src) == ifid) {
        s->stale_reported = seen->left_by;
        char flow[120], a[40];
        flow_text(flow, sizeof flow, pkt, false);
        v_tuple(a, sizeof a, pkt->ip.dst, t->dport);
        v_emit(v, MOPS_R_MIG_STALE_TUPLE, frame, ts, flow, "data to the migrated tuple", "data to the old tuple",
               "%u octets sent to %s, which migration reply #%llu moved away", t->payload_len, a,
               (unsigned long long)seen->left_by);
    }
}

void v_session_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                      const struct mops_packet *pkt, bool first)
{
    (void)first;
    v->cur_sess = NULL;
    struct mops_session_seen seen;
    if (pkt->layers & MOPS_L_UDP) /* for the servers' shadows: which UDP flows a Migrate may name */
        mops_sessions_packet(v->sessions, pkt, ifid, frame, ts, &seen);
    if (!(pkt->layers & MOPS_L_TCP))
        return;
    const struct mops_tcp *t = &pkt->tcp;
    bool syn = t->flags & MOPS_TCP_SYN, ack = t->flags & MOPS_TCP_ACK;
    uint32_t len = t->payload_len + (syn ? 1 : 0) + ((t->flags & MOPS_TCP_FIN) ? 1 : 0);
    mops_sessions_packet(v->sessions, pkt, ifid, frame, ts, &seen);
    if (!seen.session)
        return;
    struct v_sess *s = &v->sess[seen.slot];
    if (seen.created)
        memset(s, 0, sizeof *s);
    v->cur_sess = s;
    bool from_client = seen.from_client;
    if (syn && !ack) {
        s->syn = true;
        s->mc_syn = t->mobile_capable;
        from_client = true;
    }
    if (from_client) {
        /* The sequence is judged on the session's current tuple: what the
         * client sends on one a move left is not its next (MOPS §4.1). */
        if (seen.current) {
            uint32_t nxt = t->seq + len;
            if (!s->c_nxt_known || seq_after(nxt, s->c_nxt))
                s->c_nxt = nxt;
            s->c_nxt_known = true;
        }
        /* The handshake's ACK is a bare one; data first means it was lost
         * or not captured, and nothing is judged. */
        if (ack && !syn && s->synack && !s->mc_judged) {
            if (t->payload_len)
                s->mc_judged = true;
            else
                judge_handshake(v, s, frame, ifid, ts, pkt);
        }
    } else {
        if (seen.current) {
            s->s_wnd = t->window;
            s->s_wnd_known = true;
        }
        if (syn && ack) {
            s->synack = true;
            s->mc_synack = t->mobile_capable;
        }
        judge_server_data(v, s, &seen, frame, ifid, ts, pkt);
    }
}
