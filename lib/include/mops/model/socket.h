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
};

/* Sends a TCP segment of s: seq = SND.NXT, ack = RCV.NXT, window RCV.WND,
 * payload_len octets of a fixed pattern; MOBILE_CAPABLE when `mobile`; a
 * received-source option (Destination Options) when rs is given. Advances
 * SND.NXT past the payload and SYN/FIN. */
void mops_sock_send_tcp(const struct mops_settings *st, struct mops_sock *s, uint8_t flags, uint32_t payload_len,
                        bool mobile, const struct mops_recv_src *rs, struct mops_outbox *out);
void mops_sock_send_udp(const struct mops_settings *st, struct mops_sock *s, uint32_t payload_len,
                        const struct mops_recv_src *rs, struct mops_outbox *out);
/* Takes in a TCP segment for s: in-order data advances RCV.NXT; an ACK
 * acknowledges. Returns the payload length taken. */
uint32_t mops_sock_take_tcp(struct mops_sock *s, const struct mops_packet *pkt);

/* A free slot of n (state FREE), or NULL. */
struct mops_sock *mops_sock_alloc(struct mops_sock *socks, unsigned n);

#endif
