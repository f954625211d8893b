/* The validator's state, shared by its parts: validate.c (dispatch, first
 * sightings, findings), validate_session.c (TCP sessions), validate_migrate.c
 * (Migrate transactions and the server's judgement), validate_nat.c (NAT
 * crossings, NAT ack chains, received source, anycast), validate_report.c. */
#ifndef MOPS_VALIDATE_INTERNAL_H
#define MOPS_VALIDATE_INTERNAL_H

#include "mops/model/dnat.h"
#include "mops/model/mobile.h"
#include "mops/model/nat.h"
#include "mops/model/server.h"
#include "mops/track/migrate.h"
#include "mops/track/session.h"
#include "mops/validate/validate.h"
#include "mops/core/timers.h"
#include "mops/core/recycle.h"
#include "vcache.h"
#include "vtab.h"

#define V_KEPT_PORTS 16

/* The same packet on two links, as far apart as a capture's links are. */
#define V_SIGHT_WINDOW_NS (MOPS_NS_PER_SEC / 2)

/* Capture stamps against a node's own clock: a resend up to this much
 * before the model's timer is the node's, not early, and a silence is
 * judged this much after it. */
#define V_CLOCK_SLACK_NS (MOPS_NS_PER_SEC / 10)

enum { V_MC_UNKNOWN, V_MC_WITHOUT, V_MC_WITH }; /* v_sess.mc_model: no shadow ACK; without; with */

/* What the validator keeps of a TCP session on one link, beside lib's
 * tracker (by its slot). */
struct v_sess {
    bool syn, synack, mc_syn, mc_synack, mc_ack, mc_judged;
    bool c_nxt_known, s_wnd_known;
    uint32_t c_nxt;             /* the client's next sequence number, as seen here */
    uint32_t s_wnd;             /* the server's last advertised window */
    uint8_t mc_model;           /* the mobile shadow's handshake ACK: V_MC_* */
    uint64_t stale_reported;    /* 1 + the move (tracker) whose left tuple got data reported; 0: none */
    struct mops_sock *srv_sock; /* its socket in its server's shadow, as last found (a hint) */
};
/* A session found by its tuple, and whether a move left that tuple. */
struct v_sess_view {
    struct v_sess *s;
    uint64_t left_by; /* the reply whose move left it, 0 if none */
};

struct v_txn {
    struct vt_hdr h;
    struct {
        uint64_t first_frame;
        uint32_t ifid, pad;
    } k;
    mops_addr_t client, server, prev, mig;
    uint16_t proto, n_ports;
    uint8_t code;
    uint8_t n_kept;
    struct mops_migrate_port ports[V_KEPT_PORTS];
    bool server_link, client_link;
    unsigned sendings;
    uint32_t record; /* index in migrations + 1 (client link), or 0 */
};

/* One level of a NAT chain as a node learned it from a NAT ack. */
struct v_level {
    struct vt_hdr h;
    struct {
        mops_addr_t receiver, orig;
        uint16_t orig_port, proto;
        uint32_t pad;
    } k;
    mops_addr_t trans;
    uint16_t trans_port;
    uint8_t level;
    uint64_t frame, ts;
};

struct v_nat_addr {
    struct vt_hdr h;
    mops_addr_t addr;
};

/* A recent first sending, for pairing the same packet across a NAT. */
struct v_recent {
    bool used;
    uint32_t ifid;
    uint64_t ts, frame;
    mops_addr_t src, dst, prev, mig;
    uint16_t sport, dport, proto, n_ports, prev_sport, mig_sport, window;
    uint64_t seq;
    bool mc;
};

/* A tuple the server refused to migrate to: it must not send there. */
struct v_refused {
    bool used, atomic, reported;
    uint32_t ifid;
    mops_addr_t server, mig;
    uint16_t mig_sport;
    uint64_t frame, ts;
};

/* A server's shadow (validate/server.c). */
#define V_SHADOW_CAP 64 /* servers shadowed; more are counted, not judged */
struct v_server {
    mops_addr_t addr;
    uint32_t link; /* where it was first seen: its link for each address it has */
    struct mops_server m;
    bool topology; /* --topology named its Unique IDs */
    /* coverage: Migrates that arrived, were judged, were not (and why: a
     * session not shown, its RCV.NXT not shown, a Unique ID not known) */
    unsigned long arrivals, judged, undecided, undecided_session, undecided_seq, undecided_udp;
    unsigned long replies;
};
struct v_addr_ix {
    struct vt_hdr h;
    mops_addr_t addr;
    uint32_t i, pad;
};

/* A translation a mobile node's shadow learned from a NAT ack, to the
 * shadow: a Migrate naming it as previous is that node's (MOPS §4.1). */
struct v_natt_ix {
    struct vt_hdr h;
    mops_addr_t addr; /* key: the translated address, port and protocol */
    uint16_t port, proto;
    uint32_t pad;
    uint32_t i, pad2;
};

/* A mobile node's shadow (validate/mobile.c), indexed by each address it
 * had. */
struct v_mobile {
    struct mops_mobile m;
    mops_addr_t first_addr, from_addr; /* from: where it moved from (0: none seen) */
    unsigned long judged, unjudged;    /* Migrates from a new address compared; not (its old link unseen) */
    uint64_t excess_txn;               /* the transaction whose excess resends were reported */
    /* The Migrates its model sent at its last move, one per server: each
     * Migrate the node sends from there is compared with its own. */
    unsigned n_moves;
    uint32_t move_len[8];
    uint8_t move[8][1024];
};

/* A source NAT's shadow (validate/nat.c), by its outside address and its
 * inside address. */
struct v_nat {
    struct mops_nat m;
    uint32_t inside_link;
    bool replay_pending;   /* found by its NAT ack before its outside showed */
    uint64_t acks_seen[8]; /* its last NAT acks: receiver and port */
    unsigned acks_seen_i;
    unsigned long inputs, judged;
    unsigned expects_live; /* its entries of the expect ring not yet seen */
    uint64_t last_input;   /* the frame of the packet it took in last */
    uint64_t told[16];     /* faults reported, by rule and what they concern */
    unsigned told_i;
};
/* A SYN or Migrate that left a node's link for elsewhere, by the key a
 * NAT's copy of it shares: for finding the NAT, and replaying it there. */
struct v_crossing {
    bool used;
    uint32_t ifid, len;
    uint64_t key, frame, ts;
    uint8_t htl;
    mops_addr_t src;
    uint16_t sport, mig_sport;
    uint8_t bytes[1600];
};
/* A destination NAT (dnat.c): its shadow, its front link (the virtual
 * address's) and its back link (the server's), and the client packets the
 * shadow did not let in, to find the node's copy if it forwarded one. */
#define V_DNAT_CAP 8
#define V_DNAT_DROPS 16
struct v_dnat_drop {
    uint64_t key, frame, ts;
    bool used;
};
struct v_dnat {
    struct mops_dnat m;
    uint32_t front, back;
    unsigned long judged, faults;
    struct v_dnat_drop dropped[V_DNAT_DROPS];
    unsigned dropped_i;
};
/* A SYN or Migrate as last seen, for finding a DNAT by its copy. */
#define V_DNAT_SEEN 32
struct v_dnat_seen {
    uint64_t key, ts, frame;
    uint32_t ifid, len;
    mops_addr_t dst;
    uint8_t htl;
    uint8_t bytes[1600];
};

/* A packet a NAT's shadow sent: the NAT's own is compared with it. */
struct v_nat_expect {
    bool used, matched, reported, ack, inward, processed;
    bool from_inside; /* its input came over the inside link (else the outside) */
    struct v_nat *nat;
    uint64_t frame, ts, due; /* due: NAT acks only */
    uint64_t out_frame;      /* the NAT's translation of the same packet, 0 if not seen */
    mops_addr_t in_addr;
    uint16_t in_port, in_proto;
    uint32_t len, in_len; /* from here on, not cleared on reuse */
    uint8_t out[1600], in[1600];
};
#define V_NAT_EXPECTS 128

/* What the shadow made of one arrival of a Migrate, for the server's reply. */
enum v_expect_why {
    VX_DECIDED,   /* judged port by port: reply bytes and verdicts below */
    VX_CACHED,    /* a duplicate of one accepted: the cached reply (E6) */
    VX_FLAP,      /* discarded: flapping (MOPS §4.1) */
    VX_UNDECIDED, /* not known well enough to judge: no reply either way */
    VX_DROPPED,   /* discarded: its checksum or format */
};
struct v_expect {
    bool used, answered, reported, txn_answered, silence_reported;
    enum v_expect_why why;
    uint8_t code, reply_code;
    uint16_t proto, n;
    uint32_t ifid;
    mops_addr_t server, client, local, prev, mig;
    uint64_t txn, frame, ts, due;            /* due: 0 when no reply is expected */
    bool raw_accept[MOPS_SRV_MIGRATE_PORTS]; /* the port's own verdict */
    bool accept[MOPS_SRV_MIGRATE_PORTS];     /* after atomic rollback */
    struct mops_migrate_port ports[MOPS_SRV_MIGRATE_PORTS];
    char reason[V_KEPT_PORTS][80];
    uint32_t req_len, reply_len; /* from here on, not cleared on reuse */
    uint8_t req[1024], reply[1024];
};
#define V_EXPECTS 128

/* The SYN-ACK a server's shadow sent: the server's is compared with it
 * (MOBILE_CAPABLE echoed, the received-source option: MOPS §3.1, §3.2). */
struct v_synack {
    struct vt_hdr h;
    struct {
        mops_addr_t server, client;
        uint16_t sport, cport;
        uint32_t pad;
    } k;
    bool mobile;
    struct mops_recv_src rs;
};

/* A packet to a node whose link was not known yet (it had sent nothing):
 * replayed to its shadow once its first packet shows where it is (the SYNs
 * before the server's first SYN-ACK), the last V_ARRIVALS of them. */
struct v_arrival {
    bool used;
    uint32_t ifid, len;
    mops_addr_t dst;
    uint64_t frame, ts;
    struct mops_track_result tr;
    uint8_t bytes[1600];
};
#define V_ARRIVALS 64

/* An Anycast Server Acknowledgement a shadow sent: the server may send it
 * (whether it is an anycast server is configuration the capture does not
 * show), and must not send one the shadow did not. */
struct v_anycast {
    struct vt_hdr h;
    struct {
        mops_addr_t anycast, client;
        uint16_t sport, dport, proto, pad;
    } k;
};

#define V_RECENT 64
#define V_MIGRATIONS 4096 /* records in the report; the totals count all */
#define V_FINDINGS 16384  /* findings listed in the report, so that memory is bounded; the counts count all */

/* One packet of a migration's story (story.c): a Migrate or its reply as
 * one link showed it, or a NAT ack its new mappings caused. */
enum v_step_kind { V_STEP_MIGRATE, V_STEP_RESEND, V_STEP_REPLY, V_STEP_NAT_ACK };
struct v_step {
    uint64_t frame, ts;
    mops_addr_t src, dst;
    mops_addr_t a, b; /* Migrate, reply: migrated and previous address; NAT ack: original, translated */
    uint32_t ifid;
    uint16_t pa, pb; /* their first ports */
    uint8_t kind, code, level;
};
#define V_STORY_STEPS 24

struct v_migration { /* the report's migrations[] */
    uint64_t request_frame, reply_frame, request_ts;
    int reply_code; /* -1 none */
    mops_addr_t prev, mig;
    uint16_t proto, n_ports, prev_sport, mig_sport, prev_dport;
    unsigned retransmissions;
    uint64_t latency_ns;
    const char *outcome; /* succeeded, failed, unanswered */
    uint64_t story_ts;   /* its last step's time */
    uint16_t n_steps, steps_dropped;
    struct v_step steps[V_STORY_STEPS];
};

/* An address a link shows running LARA, and lib's model of it (lara.c). */
struct v_lara {
    uint32_t ifid;
    struct mops_lara m;
    bool reported;      /* its duplicate */
    uint64_t dad_frame; /* of its last DAD request; 0: held from before the capture */
    unsigned long judged;
};

struct mops_validator {
    struct mops_validate_opts o;
    struct mops_settings st;
    mops_violation_cb cb;
    void *ctx;
    struct mops_migrate_tracker *tracker;
    struct mops_validator_seen last;
    /* The shadow judging now: what v_emit names as the node at fault. */
    struct {
        const char *role;
        mops_addr_t node;
    } judge;
    /* The links of the packet being judged's source and destination
     * (v_link_of), looked up once: nothing changes them until the next. */
    uint32_t src_link, dst_link;
    /* The first sighting of each packet (by content key: stamp, link) and the
     * link of each node (by address: last seen, link). */
    struct vcache sightings, where;
    struct mops_session_tracker *sessions; /* per link */
    struct v_sess *sess;                   /* by the tracker's slot */
    struct v_sess *cur_sess;               /* the packet being judged's TCP session, NULL if none */
    uint64_t cur_left_by;                  /* the reply whose move left its tuple (tracker), 0 if none */
    uint32_t n_sess;
    struct vt txns, levels, nat_addrs, flows;
    struct v_refused refused[V_RECENT];
    struct v_recent mismatches[V_RECENT]; /* reply mismatches reported, by server and previous address */
    unsigned mismatches_i;
    unsigned refused_i;
    uint64_t packets, first_ts, last_ts;
    bool translated; /* the current packet is a NAT's translation of one seen before */
    /* findings */
    struct mops_violation *found;
    size_t n_found, cap_found;
    size_t n_records_found;    /* found[] holds at most this many (V_FINDINGS) */
    uint64_t findings_dropped; /* findings beyond them: counted and shown, not in the report's list */
    unsigned long count[MOPS_R_COUNT], by_sev[3], suppressed;
    /* migrations seen from the mobile node's link: the last n_records
     * records in a ring claimed at the start (memory does not grow with the
     * capture), and totals over all of them */
    struct v_migration *mig;
    size_t n_mig; /* records made; slot = (n - 1) % n_records */
    /* The records whose story may still grow (story.c): record numbers
     * (n_mig when made), 0 for none. */
    size_t open_stories[16];
    unsigned open_stories_i;
    /* The rings' sizes: V_MIGRATIONS, V_EXPECTS... or fewer for a validator
     * asked to hold less (v_ring_size). */
    uint32_t n_records, n_expects, n_nat_expects, n_arrivals;
    unsigned long mig_ok, mig_failed;
    /* the servers' shadows */
    struct v_server *servers[V_SHADOW_CAP];
    unsigned n_servers;
    unsigned long servers_unshadowed;
    struct vt server_ix;
    struct v_expect *expects; /* a ring of n_expects */
    uint64_t expects_i;
    uint64_t expect_next_due;
    struct v_arrival *arrivals; /* a ring of n_arrivals */
    uint64_t arrivals_i;
    struct vt anycast_acks; /* struct v_anycast */
    struct vt synacks;      /* struct v_synack */
    struct mops_packet replay_pkt;
    struct v_nat *nats[V_SHADOW_CAP];
    unsigned n_nats;
    unsigned long nats_unshadowed;
    struct vt nat_ix, nat_inside_ix;
    struct v_crossing *crossings;     /* n_arrivals, by key */
    struct v_nat_expect *nat_expects; /* a ring of n_nat_expects */
    uint64_t nat_expects_i;
    uint64_t nat_next_due;
    struct v_mobile *mobiles[V_SHADOW_CAP];
    unsigned n_mobiles;
    unsigned long mobiles_unshadowed;
    struct vt mobile_ix;
    struct vt mobile_natt_ix; /* struct v_natt_ix */
    struct v_dnat *dnats[V_DNAT_CAP];
    unsigned n_dnats;
    struct v_dnat_seen *dnat_seen; /* V_DNAT_SEEN */
    unsigned dnat_seen_i;
    struct mops_outbox shadow_out;
    struct mops_packet shadow_pkt;
    /* LARA (lara.c): the addresses shown running it, by link */
    struct v_lara laras[V_SHADOW_CAP];
    unsigned n_laras;
    unsigned long laras_unshadowed, lara_not_ethernet, lara_not_running, lara_forwarded;
};

/* A ring's size: dflt, or for a validator asked to hold fewer entries
 * (opts.capacity: the fuzzer, unit tests) an eighth of its capacity, at
 * least 8, so that what it claims at the start, and what each packet's
 * scan of a ring costs, is in proportion to what it holds (tests/fuzz). */
static inline uint32_t v_ring_size(uint32_t capacity, uint32_t dflt)
{
    if (!capacity)
        return dflt;
    uint32_t n = capacity / 8 < 8 ? 8 : capacity / 8;
    return n < dflt ? n : dflt;
}
/* How many slots of a ring of size n hold something, once made have been. */
static inline uint32_t v_ring_used(uint64_t made, uint32_t n) { return made < n ? (uint32_t)made : n; }
/* A table's entries: dflt, or for a validator asked to hold fewer, its
 * capacity (at least 8, at most dflt). */
static inline uint32_t v_table_size(uint32_t capacity, uint32_t dflt)
{
    return !capacity ? dflt : capacity < 8 ? 8 : capacity < dflt ? capacity : dflt;
}

/* A migration's story: a record just made, then every Migrate, reply and
 * NAT ack that belongs to it (story.c). */
void v_story_open(struct mops_validator *v, struct v_migration *m, uint64_t ts);
void v_story_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                    const struct mops_track_result *tr);

/* LARA on Ethernet (profile §9), every packet. */
void v_lara_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt);

/* Who judges the findings v_emit makes from here on (role, node). */
static inline void v_judge(struct mops_validator *v, const char *role, mops_addr_t node)
{
    v->judge.role = role;
    v->judge.node = node;
}

/* Reports a finding (filtered, rate-limited per rule and flow), naming the
 * node v_judge last named. */
void v_emit(struct mops_validator *v, int rule, uint64_t frame, uint64_t ts, const char *flow, const char *expected,
            const char *actual, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* The link of a node, or UINT32_MAX when none of its packets was seen. */
uint32_t v_link_of(const struct mops_validator *v, mops_addr_t a);
const char *v_tuple(char *buf, size_t n, mops_addr_t a, uint16_t port);
/* "tcp client:port <-> server:port" of a segment, sent by the client or not. */
void v_tcp_flow(char *buf, size_t n, const struct mops_packet *pkt, bool from_client);

bool v_sessions_init(struct mops_validator *v, uint32_t capacity);
void v_sessions_free(struct mops_validator *v);
/* Starts loading what judging pkt will touch of its session, in stages
 * 0..3 (mops_sessions_prefetch's, then the session's socket in its
 * server's shadow); stage 2 returns the slot that stage 3 takes. */
uint32_t v_session_prefetch(const struct mops_validator *v, uint32_t ifid, const struct mops_packet *pkt, int stage,
                            uint32_t slot);
void v_session_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                      const struct mops_packet *pkt, bool first);
/* The session c:cport -> s:sport on link ifid, with c its client. */
bool v_session_find(const struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t c, uint16_t cport,
                    mops_addr_t s, uint16_t sport, struct v_sess_view *out);
/* Whether link ifid showed a flow between a:aport and b:bport (either end
 * its client), and the reply whose move left that tuple (0: none). */
bool v_flow_seen(const struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t a, uint16_t aport,
                 mops_addr_t b, uint16_t bport, uint64_t *left_by);
/* A migration the server accepted for port p, as seen on link ifid. */
void v_session_move(struct mops_validator *v, uint32_t ifid, uint16_t proto, mops_addr_t server, mops_addr_t prev,
                    mops_addr_t mig, const struct mops_migrate_port *p, uint64_t ts, uint64_t frame);

/* Whether a reply mismatch of this server and previous address was reported
 * lately (its copies further down are its echo); notes it if not. */
bool v_mismatch_seen(struct mops_validator *v, mops_addr_t server, mops_addr_t prev, uint64_t ts);
void v_migrate_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                      const struct mops_packet *pkt, const struct mops_track_result *tr, bool first);

bool v_servers_init(struct mops_validator *v);
void v_servers_free(struct mops_validator *v);
/* What arrives at a server, and what it sends, against its shadow. */
void v_server_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                     const struct mops_packet *pkt, const struct mops_track_result *tr, bool first);
/* Replies the shadow sent and the server did not, once due (all: at the end). */
void v_server_due(struct mops_validator *v, uint64_t now, bool all);
void v_server_finish(struct mops_validator *v, uint64_t end_ns);

bool v_nats_init(struct mops_validator *v);
void v_nats_free(struct mops_validator *v);
/* Whether the capture shows both sides of a NAT (nat.c). */
bool v_nat_both_sides(const struct mops_validator *v, const struct v_nat *n);
/* Whether a is a NAT's outside address (its shadow's). */
bool v_is_nat_outside(const struct mops_validator *v, mops_addr_t a);
/* NAT acks the NATs' shadows sent and the NATs did not, once due. */
void v_nat_due(struct mops_validator *v, uint64_t now, bool all);
/* crossing.c: the chains NAT acks teach, and the received-source option. */
bool v_translated_to(const struct mops_validator *v, uint16_t proto, mops_addr_t a, uint16_t port, mops_addr_t b,
                     uint16_t bport);
bool v_unforwarded(const struct mops_packet *pkt);
void v_crossing_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                       const struct mops_packet *pkt, bool first);
bool v_mobiles_init(struct mops_validator *v);
void v_mobiles_free(struct mops_validator *v);
/* What arrives at a mobile node and what it sends, against its shadow. */
void v_mobile_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                     const struct mops_packet *pkt, const struct mops_track_result *tr, bool first);

/* dnat.c: destination NATs found by their copies, against their shadows. */
void v_dnat_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                   bool first);
void v_dnats_free(struct mops_validator *v);

void v_nat_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                  const struct mops_track_result *tr, bool first);
void v_nat_finish(struct mops_validator *v, uint64_t end_ns);

#endif
