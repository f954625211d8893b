/* TCP sessions as the validator sees them on each link: the handshake's
 * MOBILE_CAPABLE (MC-HANDSHAKE, against the mobile node's shadow), the
 * client's next sequence number and the server's window (for the server's
 * shadow to adopt, MOPS §4.1). Which packets are one session, and
 * where a move takes it, is lib's session tracker (track/session.c), per
 * link; what the validator keeps of each session is beside it, by slot. */
#include <stdio.h>
#include <string.h>

#include "mops/core/claim.h"

#include "internal.h"

void v_tcp_flow(char *buf, size_t n, const struct mops_packet *pkt, bool from_client)
{
    char a[40], b[40];
    const struct mops_tcp *t = &pkt->tcp;
    snprintf(buf, n, "tcp %s <-> %s",
             v_tuple(a, sizeof a, from_client ? pkt->ip.src : pkt->ip.dst, from_client ? t->sport : t->dport),
             v_tuple(b, sizeof b, from_client ? pkt->ip.dst : pkt->ip.src, from_client ? t->dport : t->sport));
}

static bool seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

bool v_sessions_init(struct mops_validator *v, uint32_t capacity)
{
    v->n_sess = capacity;
    v->sessions = mops_sessions_new(capacity, MOPS_SESSIONS_PER_LINK);
    v->sess = mops_claim_as(0, (size_t)capacity * sizeof *v->sess, !v->o.lazy);
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

uint32_t v_session_prefetch(const struct mops_validator *v, uint32_t ifid, const struct mops_packet *pkt, int stage,
                            uint32_t slot)
{
    if (!(pkt->layers & MOPS_L_TCP))
        return MOPS_SESSIONS_NO_SLOT;
    if (stage < 3) {
        slot = mops_sessions_prefetch(v->sessions, pkt, ifid, stage);
        if (slot != MOPS_SESSIONS_NO_SLOT)
            __builtin_prefetch(&v->sess[slot]);
    } else if (slot != MOPS_SESSIONS_NO_SLOT && v->sess[slot].srv_sock)
        __builtin_prefetch(v->sess[slot].srv_sock); /* the server shadow's socket (segment_sent) */
    return slot;
}

void v_session_move(struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t server, mops_addr_t prev,
                    mops_addr_t mig, const struct mops_migrate_port *p, uint64_t ts, uint64_t frame)
{
    struct mops_migrate g = {.proto = proto, .prev_addr = prev, .mig_addr = mig};
    mops_sessions_migrated(v->sessions, &g, p, 1, server, ifid, frame, ts, true);
}

/* The handshake's third segment, on the mobile node's own link, against
 * the ACK its shadow sent on the SYN-ACK (MOPS §3.1, E1: all three carry
 * MOBILE_CAPABLE). A node without a shadow (its SYN not MOBILE_CAPABLE)
 * is not judged. */
static void judge_handshake(struct mops_validator *v, struct v_sess *s, uint64_t frame, uint32_t ifid, uint64_t ts,
                            const struct mops_packet *pkt)
{
    s->mc_judged = true;
    s->mc_ack = pkt->tcp.mobile_capable;
    if (!s->mc_model || s->mc_ack == (s->mc_model == V_MC_WITH) || v_link_of(v, pkt->ip.src) != ifid)
        return;
    char flow[120], exp[64], act[64];
    v_tcp_flow(flow, sizeof flow, pkt, true);
    snprintf(exp, sizeof exp, "ACK %s MOBILE_CAPABLE", s->mc_model == V_MC_WITH ? "with" : "without");
    snprintf(act, sizeof act, "ACK %s MOBILE_CAPABLE", s->mc_ack ? "with" : "without");
    v_judge(v, "client", pkt->ip.src);
    v_emit(v, MOPS_R_MC_HANDSHAKE, frame, ts, flow, exp, act,
           "the client's handshake %s, where its model's (SYN %s, SYN-ACK %s) %s", act, s->mc_syn ? "with" : "without",
           s->mc_synack ? "with" : "without", s->mc_model == V_MC_WITH ? "carries it" : "does not");
}

void v_session_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                      const struct mops_packet *pkt, bool first)
{
    (void)first;
    v->cur_sess = NULL;
    v->cur_left_by = 0;
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
    v->cur_left_by = seen.left_by;
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
    }
}
