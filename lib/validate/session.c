/* TCP sessions as the validator follows them on each link: the handshake's
 * MOBILE_CAPABLE (MC-HANDSHAKE), the client's next sequence number and the
 * server's window (for the server's sequence check, MOPS §4.1), and the old
 * tuple after a move (MIG-STALE-TUPLE). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static bool seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

static struct v_sess_key key_of(uint32_t ifid, uint16_t proto, mops_addr_t c, uint16_t cport, mops_addr_t s,
                                uint16_t sport)
{
    struct v_sess_key k;
    memset(&k, 0, sizeof k);
    k.c = c;
    k.s = s;
    k.ifid = ifid;
    k.cport = cport;
    k.sport = sport;
    k.proto = proto;
    return k;
}

struct v_sess *v_session_find(struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t c, uint16_t cport,
                              mops_addr_t s, uint16_t sport)
{
    struct v_sess_key k = key_of(ifid, proto, c, cport, s, sport);
    return vt_find(&v->sessions, &k);
}

/* The key of the session a segment belongs to, with its source as the
 * client or (from_client false) its destination. */
static struct v_sess_key key_for(uint32_t ifid, const struct mops_packet *pkt, bool from_client)
{
    const struct mops_tcp *t = &pkt->tcp;
    return from_client ? key_of(ifid, MOPS_PROTO_TCP, pkt->ip.src, t->sport, pkt->ip.dst, t->dport)
                       : key_of(ifid, MOPS_PROTO_TCP, pkt->ip.dst, t->dport, pkt->ip.src, t->sport);
}

/* The side with the lower port usually serves: a segment from the other
 * side is looked up first as the client's. */
static bool likely_from_client(const struct mops_tcp *t) { return t->sport >= t->dport; }

/* The session a segment looks up first (see v_session_packet): the
 * client's key for a SYN, else by the ports. */
static struct v_sess_key first_key(uint32_t ifid, const struct mops_packet *pkt)
{
    const struct mops_tcp *t = &pkt->tcp;
    bool syn_only = (t->flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN;
    return key_for(ifid, pkt, syn_only || likely_from_client(t));
}

void v_session_prefetch(const struct mops_validator *v, uint32_t ifid, const struct mops_packet *pkt, bool entry)
{
    if (!(pkt->layers & MOPS_L_TCP))
        return;
    struct v_sess_key k = first_key(ifid, pkt);
    vt_prefetch(&v->sessions, &k, entry);
}

void v_session_move(struct mops_validator *v, struct v_sess *old, mops_addr_t c, uint16_t cport, uint64_t ts,
                    uint64_t frame)
{
    struct v_sess_key k = key_of(old->k.ifid, old->k.proto, c, cport, old->k.s, old->k.sport);
    struct v_sess copy = *old;
    old->moved_ts = ts;
    old->moved_frame = frame;
    struct v_sess *n = vt_get(&v->sessions, &k, NULL);
    struct vt_hdr h = n->h;
    *n = copy;
    n->h = h;
    n->k = k;
    n->moved_ts = 0;
    n->stale_reported = false;
}

static void flow_text(char *buf, size_t n, const struct v_sess *s)
{
    char a[40], b[40];
    snprintf(buf, n, "tcp %s <-> %s", v_tuple(a, sizeof a, s->k.c, s->k.cport),
             v_tuple(b, sizeof b, s->k.s, s->k.sport));
}

void v_session_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                      const struct mops_packet *pkt, bool first)
{
    (void)first;
    if (!(pkt->layers & MOPS_L_TCP))
        return;
    const struct mops_tcp *t = &pkt->tcp;
    bool syn = t->flags & MOPS_TCP_SYN, ack = t->flags & MOPS_TCP_ACK;
    uint32_t len = t->payload_len + (syn ? 1 : 0) + ((t->flags & MOPS_TCP_FIN) ? 1 : 0);
    struct v_sess *s;
    bool from_client;
    if (syn && !ack) {
        bool created;
        struct v_sess_key k = key_for(ifid, pkt, true);
        s = vt_get(&v->sessions, &k, &created);
        s->syn = true;
        s->mc_syn = t->mobile_capable;
        from_client = true;
        if (t->mobile_capable && v->n_anycast_syn < 64)
            v->anycast_syn[v->n_anycast_syn++] = pkt->ip.dst;
    } else {
        /* The likely way first (one lookup instead of two for most). */
        s = NULL;
        for (int pass = 0; pass < 2 && !s; pass++) {
            from_client = (pass == 0) == likely_from_client(t);
            struct v_sess_key k = key_for(ifid, pkt, from_client);
            s = vt_find(&v->sessions, &k);
        }
        if (!s) {
            /* Joined mid-session: the side with the lower port serves. */
            from_client = t->dport < t->sport;
            struct v_sess_key k = key_for(ifid, pkt, from_client);
            s = vt_add(&v->sessions, &k);
        }
    }
    if (from_client) {
        uint32_t nxt = t->seq + len;
        if (!s->c_nxt_known || seq_after(nxt, s->c_nxt))
            s->c_nxt = nxt;
        s->c_nxt_known = true;
        /* The handshake's third segment: judge MOBILE_CAPABLE once, on the
         * mobile node's own link (MOPS §3.1, E1: all three carry it). */
        if (ack && !syn && s->synack && !s->mc_judged) {
            s->mc_judged = true;
            s->mc_ack = t->mobile_capable;
            bool any = s->mc_syn || s->mc_synack || s->mc_ack, all = s->mc_syn && s->mc_synack && s->mc_ack;
            if (any && !all && v_link_of(v, s->k.c) == ifid) {
                char flow[120], act[160];
                flow_text(flow, sizeof flow, s);
                snprintf(act, sizeof act, "SYN %s, SYN-ACK %s, ACK %s", s->mc_syn ? "with" : "without",
                         s->mc_synack ? "with" : "without", s->mc_ack ? "with" : "without");
                v_emit(v, MOPS_R_MC_HANDSHAKE, frame, ts, flow, "MOBILE_CAPABLE on SYN, SYN-ACK and ACK", act,
                       "MOBILE_CAPABLE on some segments of the handshake only: %s", act);
            }
        }
    } else {
        s->s_wnd = t->window;
        s->s_wnd_known = true;
        if (syn && ack) {
            s->synack = true;
            s->mc_synack = t->mobile_capable;
        }
        for (unsigned i = 0; i < V_RECENT && t->payload_len; i++) {
            struct v_refused *r = &v->refused[i];
            if (!r->used || r->reported || r->ifid != ifid || r->server != pkt->ip.src || r->mig != pkt->ip.dst ||
                r->mig_sport != t->dport || ts <= r->ts)
                continue;
            r->reported = true;
            char flow[120], a[40];
            flow_text(flow, sizeof flow, s);
            v_tuple(a, sizeof a, r->mig, r->mig_sport);
            v_emit(v, r->atomic ? MOPS_R_MIG_ATOMIC_PARTIAL : MOPS_R_MIG_STALE_TUPLE, frame, ts, flow,
                   "the session stays on its old tuple", "data to the refused tuple",
                   "%u octets sent to %s, a migration that reply #%llu refused%s", t->payload_len, a,
                   (unsigned long long)r->frame, r->atomic ? " (atomic: every port rolled back)" : "");
        }
        if (s->moved_ts && ts > s->moved_ts && t->payload_len > 0 && !s->stale_reported &&
            v_link_of(v, s->k.s) == ifid) {
            s->stale_reported = true;
            char flow[120], a[40];
            flow_text(flow, sizeof flow, s);
            v_tuple(a, sizeof a, s->k.c, s->k.cport);
            v_emit(v, MOPS_R_MIG_STALE_TUPLE, frame, ts, flow, "data to the migrated tuple", "data to the old tuple",
                   "%u octets sent to %s, which migration reply #%llu moved away", t->payload_len, a,
                   (unsigned long long)s->moved_frame);
        }
    }
}
