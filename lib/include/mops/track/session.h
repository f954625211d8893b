/* TCP and UDPv5 sessions followed across Migrates and NATs: one index per
 * session whatever tuple it shows on whichever link. A NAT never changes a
 * TCP session's sequence numbers (MOPS §6), so its copy of a SYN or SYN-ACK
 * joins the session of the same server port and client ISN; a successful
 * Migrate reply (MOPS §4.1) moves a session to its new tuple. The Wireshark
 * plugin (mops.session, mops.moved_by), mopstop (its sessions pane) and the
 * validator (each link's view apart) ask this tracker; none keeps sessions
 * of its own. */
#ifndef MOPS_TRACK_SESSION_H
#define MOPS_TRACK_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "mops/core/packet.h"

struct mops_session {
    uint32_t index; /* 1, 2, ...: in the order first seen; kept across moves and NATs */
    uint16_t proto; /* MOPS_PROTO_TCP or MOPS_PROTO_UDPV5 */
    bool mobile;    /* its SYN carried MOBILE_CAPABLE */
    /* Its current tuple: as it was first seen, then as the last move made it. */
    mops_addr_t client, server;
    uint16_t cport, sport;
    uint32_t isn, c_nxt; /* TCP: the client's ISN, and its next sequence number on the current tuple */
    uint64_t first_frame, first_ts_ns, last_ts_ns;
    uint64_t bytes, bytes_at_move; /* payload octets on the current tuple, both directions */
    unsigned moves;
    uint64_t moved_by; /* frame of the reply that moved it last, 0 if none */
};

enum mops_session_create {
    MOPS_SESSIONS_EVERY_FLOW, /* every TCP or UDPv5 flow is a session (the plugin) */
    MOPS_SESSIONS_MOBILE_SYN, /* only a TCP SYN with MOBILE_CAPABLE starts one (mopstop) */
    /* Every flow, each capture link's view of it a session apart: no joining
     * by ISN, moves found by their old tuple only (the validator, which
     * judges what each link shows). */
    MOPS_SESSIONS_PER_LINK,
};

struct mops_session_tracker;
/* capacity: sessions held at once, the oldest retired first when a new one
 * comes; 0: as many as come (the table grows). NULL when out of memory. */
struct mops_session_tracker *mops_sessions_new(unsigned capacity, enum mops_session_create create);
void mops_sessions_free(struct mops_session_tracker *t);

/* What the tracker made of a packet. */
struct mops_session_seen {
    const struct mops_session *session; /* NULL: not TCP/UDPv5, or no session (create policy, no memory) */
    bool created;                       /* this packet started it */
    bool from_client;
    bool current;        /* on the session's current tuple: not a NAT's copy, not the tuple it moved from */
    uint64_t moved_by;   /* the reply whose move made this tuple, 0 if none */
    uint64_t left_by;    /* the reply whose move left this tuple, 0 if none ... */
    uint64_t left_ts_ns; /* ... and when */
    unsigned slot;       /* the session's (mops_sessions_at), for state a caller keeps beside it */
};
/* A decoded packet (layers TCP or UDPv5) seen on capture link ifid (which
 * only MOPS_SESSIONS_PER_LINK tells apart). Counters (last time, bytes, the
 * client's next sequence number) follow packets on the current tuple only.
 * The session pointer is valid until the next call on the tracker. */
void mops_sessions_packet(struct mops_session_tracker *t, const struct mops_packet *pkt, uint32_t ifid, uint64_t frame,
                          uint64_t ts_ns, struct mops_session_seen *out);
/* The session of a tuple (either direction), changing nothing; out->session
 * is NULL when there is none. */
void mops_sessions_find(const struct mops_session_tracker *t, uint32_t ifid, uint16_t proto, mops_addr_t x, uint16_t px,
                        mops_addr_t y, uint16_t py, struct mops_session_seen *out);
/* Starts loading what mops_sessions_packet will look up for pkt, a stage
 * at a time, each once the one before has loaded: 0 its bucket, 1 the
 * entry it leads to, 2 that entry's session, whose slot it returns (for
 * the state a caller keeps beside it) or MOPS_SESSIONS_NO_SLOT. */
#define MOPS_SESSIONS_NO_SLOT UINT32_MAX
uint32_t mops_sessions_prefetch(const struct mops_session_tracker *t, const struct mops_packet *pkt, uint32_t ifid,
                                int stage);
/* A migration the server accepted (a Migrate reply with code success): the
 * session of each port, found by its old tuple (Previous Source Address and
 * port <-> server and the port's destination), else (TCP, mobile side, not
 * per link) by its sequence (the client's next sequence number at that
 * server port), is reachable by its new tuple (Migrated Source Address and
 * port) from now on. g and ports name them as on one link: the reply's own
 * on that link (mops_sessions_reply), or the request as the mobile node sent
 * it. mobile_side: the move as the session's client makes it, so the new
 * tuple becomes the session's current one, the old one is left, and the
 * move is counted. Returns the sessions moved. */
unsigned mops_sessions_migrated(struct mops_session_tracker *t, const struct mops_migrate *g,
                                const struct mops_migrate_port *ports, unsigned n, mops_addr_t server, uint32_t ifid,
                                uint64_t frame, uint64_t ts_ns, bool mobile_side);
/* The same for a decoded reply as it crossed its link (nothing unless its
 * code is success), not the mobile side. */
unsigned mops_sessions_reply(struct mops_session_tracker *t, const struct mops_packet *reply, uint32_t ifid,
                             uint64_t frame);

/* The sessions held, by slot: for i below mops_sessions_slots, the session
 * in slot i or NULL. With a capacity, slots are reused oldest first. */
unsigned mops_sessions_slots(const struct mops_session_tracker *t);
/* Sessions retired early: a new one took the slot of one still held. */
uint64_t mops_sessions_retired(const struct mops_session_tracker *t);
const struct mops_session *mops_sessions_at(const struct mops_session_tracker *t, unsigned slot);

#endif
