/* The server of MOPS: sessions with RCV.NXT / RCV.WND, the per-port check of
 * a Migrate (window or Unique ID, profile §7), replies, atomic rollback,
 * flapping suppression with cached replies (E6), and the received-source
 * option (MOPS §3.2). With an anycast address, the Anycast Server
 * Acknowledgement too (model_anycast.c, MOPS §4.2). */
#ifndef MOPS_MODEL_SERVER_H
#define MOPS_MODEL_SERVER_H

#include "mops/model/socket.h"

#define MOPS_SRV_LISTEN 8
#define MOPS_SRV_MIGRATE_PORTS 64 /* the most ports of one Migrate it judges */

struct mops_listen {
    uint16_t proto, port; /* port 0: every port (a shadow that does not know them) */
    bool unique_required; /* the application demands its Unique ID */
    uint64_t unique_id;
    /* Whether the application demands a Unique ID, and which, is not known
     * (the validator's shadow): what would take one (UDP) is UNKNOWN. */
    bool unique_unknown;
    uint32_t respond;       /* octets sent back for each request received */
    uint32_t push;          /* octets sent unasked on every open session ... */
    uint64_t push_every_ns; /* ... this often (0: never) */
};

/* A migrate the server accepted, kept 5 s: for flapping and E6. */
struct mops_srv_accepted {
    bool used;
    uint64_t at;
    uint16_t proto;
    mops_addr_t prev_addr, req_src;
    uint16_t prev_sport[MOPS_SRV_MIGRATE_PORTS];
    unsigned n;
    uint32_t req_len, reply_len;
    uint8_t req[1024], reply[1024];
};

/* What the server decided of each port of the last Migrate it judged port by port
 * (MOPS §4.1, profile §7): for the validator, which compares the model's
 * decision with the captured reply. */
enum mops_verdict { MOPS_VERDICT_ACCEPT, MOPS_VERDICT_REFUSE, MOPS_VERDICT_UNKNOWN };
struct mops_server_decision {
    bool decided; /* false: some port's session was not known well enough; nothing was sent */
    unsigned n;
    enum mops_verdict port[MOPS_SRV_MIGRATE_PORTS];
};

struct mops_server {
    char name[MOPS_MODEL_NAME];
    const struct mops_settings *st;
    uint32_t bad;
    uint64_t rng;
    mops_addr_t addr;
    mops_addr_t anycast; /* 0: none */
    uint32_t rcv_wnd;
    bool seq_exact; /* the sequence must be RCV.NXT itself, not within the window */
    /* A shadow that joined a server mid-life (the validator's): a session it
     * never saw may exist, so a Migrate for one is UNKNOWN, not refused; and
     * a full table replaces its oldest session. */
    bool partial_view;
    unsigned n_listen;
    struct mops_listen listen[MOPS_SRV_LISTEN];
    unsigned n_socks, n_hist; /* capacities (mops_model_caps) */
    struct mops_sock *socks;
    struct mops_index by_tuple; /* the sessions, by peer and local port */
    unsigned cursor;            /* where the search for a free slot goes on */
    struct mops_sock *stale;    /* misbehaviour stale-tuple: the old tuples, one per socket */
    struct mops_srv_accepted *hist;
    unsigned accepted, refused, flaps_discarded, cached_replies, undecided;
    struct mops_server_decision last;
    uint64_t next_push; /* UINT64_MAX: nothing to push */
};

/* caps may be NULL (mops_model_caps_default). Returns 0, or -1 when its
 * tables could not be claimed (nothing to free then). */
int mops_server_init(struct mops_server *s, const struct mops_settings *st, const char *name, mops_addr_t addr,
                     uint64_t seed, uint32_t bad, const struct mops_model_caps *caps);
void mops_server_free(struct mops_server *s);
int mops_server_listen(struct mops_server *s, const struct mops_listen *l);
void mops_server_input(struct mops_server *s, uint64_t now, const struct mops_packet *pkt, struct mops_outbox *out);
/* The same, for a caller that keeps each session's socket: *hint (may be
 * NULL) is tried first for a TCP segment, and is the socket it took in
 * after (NULL: none). */
void mops_server_input_hinted(struct mops_server *s, uint64_t now, const struct mops_packet *pkt,
                              struct mops_sock **hint, struct mops_outbox *out);
/* Server-initiated data (listeners with push): what the timer sends. */
void mops_server_tick(struct mops_server *s, uint64_t now, struct mops_outbox *out);
uint64_t mops_server_next_timer(const struct mops_server *s);
/* A session a capture shows, which the server did not see start: an open
 * socket from then on (the validator's shadow of a server joined
 * mid-session). NULL when its table is full. A Migrate for a TCP session
 * whose RCV.NXT is unknown is left undecided (no reply, last.decided
 * false) until data from the client teaches it. */
struct mops_sock *mops_server_adopt(struct mops_server *s, const struct mops_sock_seen *k);
/* Whether a tuple is known to be gone (adopted as gone: its session moved). */
bool mops_server_gone(const struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport, uint16_t lport);
/* Whether a migration it accepted (in its history) took a session away
 * from this remote tuple: the model sends nothing there after (MOPS §4.1). */
bool mops_server_left(const struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport);
/* What a capture shows a server deciding of a Migrate (its reply), which
 * a shadow adopts in place of its own decision so that what follows is
 * judged from what the server did: the ports accepted move to their
 * migrated tuple, the others stay (or return) where they were, and the
 * accepted ones enter the history (flapping, and the reply cached for E6). */
struct mops_server_outcome {
    uint64_t at; /* when the request arrived */
    mops_addr_t client, local;
    const struct mops_migrate *g;
    const struct mops_migrate_port *ports;
    unsigned n;
    const bool *accepted;
    const uint8_t *req, *reply; /* the ICMPv5 request as received, the reply packet as sent */
    uint32_t req_len, reply_len;
};
void mops_server_adopt_outcome(struct mops_server *s, const struct mops_server_outcome *o);
/* The session socket whose peer is raddr:rport on lport, or NULL. */
struct mops_sock *mops_server_find(struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport,
                                   uint16_t lport);
/* The same, trying hint first (a socket of s a caller kept for the
 * session): taken when it still holds that tuple, which saves the lookup. */
struct mops_sock *mops_server_find_hinted(struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport,
                                          uint16_t lport, struct mops_sock *hint);

/* model_anycast.c: the Anycast Server Acknowledgement for a MOBILE_CAPABLE
 * SYN to the anycast address. */
void mops_anycast_ack(const struct mops_settings *st, mops_addr_t anycast, mops_addr_t unicast,
                      const struct mops_packet *syn, struct mops_outbox *out);

#endif
