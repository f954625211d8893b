/* Transport endpoints of the reference models: just enough TCP (handshake
 * with MOBILE_CAPABLE, in-order data, SND.NXT / RCV.NXT / RCV.WND) and UDP for
 * the MOPS rules to act on (MOPS §3, §4.1). */
#ifndef MOPS_MODEL_SOCKET_H
#define MOPS_MODEL_SOCKET_H

#include "mops/model/model.h"
#include "mops/core/settings.h"

enum mops_sock_state {
    MOPS_SOCK_FREE,
    MOPS_SOCK_SYN_SENT,
    MOPS_SOCK_SYN_RCVD,
    MOPS_SOCK_OPEN, /* TCP established, or a UDP association */
    MOPS_SOCK_DEAD, /* the migration failed: as after a reset */
};

struct mops_sock {
    enum mops_sock_state state;
    uint16_t proto;
    bool mobile; /* MOBILE_CAPABLE on its handshake (or a mobile UDP socket) */
    mops_addr_t laddr, raddr;
    uint16_t lport, rport;
    uint32_t snd_nxt, rcv_nxt, rcv_wnd;
    uint64_t unique_id; /* the application's, when it has one */
    bool has_unique_id;
    mops_addr_t unicast; /* anycast: where to reconnect (MOPS §4.2), 0 if none */
    uint64_t bytes_in, bytes_out;
    unsigned moves;
    unsigned recv_src_left; /* UDP server: replies that still carry the received-source option */
    /* Mobile node: the tuple the server received it from, as its
     * received-source option said (MOPS §3.2), when one came. */
    bool rsrc_known;
    mops_addr_t rsrc_addr;
    uint16_t rsrc_port;
    uint32_t held; /* mobile node: octets sent while its move is unanswered */
    /* What the model knows of its sequence space: all of it for a socket it
     * opened itself; for one adopted from a capture (mops_*_adopt), what the
     * capture showed. Nothing is decided from what is not known. */
    bool rcv_known; /* RCV.NXT */
    bool snd_known; /* SND.NXT */
};

/* A session as a capture shows it, for a model that did not see it start
 * (a capture that begins mid-session): its tuple from the model's side,
 * and what is known of its sequence space. */
struct mops_sock_seen {
    uint16_t proto;
    mops_addr_t laddr, raddr;
    uint16_t lport, rport;
    bool mobile; /* MOBILE_CAPABLE on its handshake, or a mobile UDP socket */
    bool rcv_known;
    uint32_t rcv_nxt;
    uint32_t rcv_wnd; /* the window it advertises (its own segments show it) */
    bool snd_known;
    uint32_t snd_nxt;
    bool has_unique_id;
    uint64_t unique_id;
    bool gone;      /* the capture shows it left this tuple (a move): a Migrate naming it is refused */
    bool half_open; /* SYN and SYN-ACK seen, not the ACK: a handshake still open (SYN_RCVD) */
};
/* Fills an open socket from what was seen. */
void mops_sock_adopt(struct mops_sock *s, const struct mops_sock_seen *k);

/* Sends a TCP segment of s: seq = SND.NXT, ack = RCV.NXT, window RCV.WND,
 * payload_len octets of a fixed pattern; MOBILE_CAPABLE when `mobile`; a
 * received-source option (Destination Options) when rs is given. Advances
 * SND.NXT past the payload and SYN/FIN. */
void mops_sock_send_tcp(const struct mops_settings *st, struct mops_sock *s, uint8_t flags, uint32_t payload_len,
                        bool mobile, const struct mops_recv_src *rs, struct mops_outbox *out);
void mops_sock_send_udp(const struct mops_settings *st, struct mops_sock *s, uint32_t payload_len,
                        const struct mops_recv_src *rs, struct mops_outbox *out);
/* Takes in a TCP segment for s: in-order data advances RCV.NXT (the first
 * data of a socket whose RCV.NXT was unknown teaches it); an ACK
 * acknowledges. Returns the payload length taken. */
uint32_t mops_sock_take_tcp(struct mops_sock *s, const struct mops_packet *pkt);

/* A free slot of n (state FREE), zeroed and knowing its sequence space, or
 * NULL. */
struct mops_sock *mops_sock_alloc(struct mops_sock *socks, unsigned n);

#endif
