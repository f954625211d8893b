/* The mobile node of MOPS: mobile sockets, the NAT traversal table learned
 * from NAT acks (MOPS §4.3, Appendix B), and Migrate on an address change
 * with its retransmissions (MOPS §4.1). */
#ifndef MOPS_MODEL_MOBILE_H
#define MOPS_MODEL_MOBILE_H

#include "mops/model/lara.h"
#include "mops/model/socket.h"

#define MOPS_MN_PORTS 16 /* ports in one Migrate the node sends */

/* A row of a NAT traversal table: what one NAT level translates. */
struct mops_natt_entry {
    uint16_t proto;
    uint8_t level;
    mops_addr_t orig_addr, trans_addr;
    uint16_t orig_port, trans_port;
};

struct mops_mn_pending {
    bool used;
    mops_addr_t server;
    uint16_t proto;
    uint8_t code;
    mops_addr_t prev_addr, mig_addr;
    unsigned n;
    uint16_t sock[MOPS_MN_PORTS];                  /* socket index of each port entry */
    struct mops_migrate_port ports[MOPS_MN_PORTS]; /* the entries as sent */
    uint16_t mig_sport[MOPS_MN_PORTS];
    uint64_t sent_at;
    unsigned resends;
    uint32_t len;
    uint8_t bytes[1024]; /* the request as sent: resent identical */
};

struct mops_mobile {
    char name[MOPS_MODEL_NAME];
    const struct mops_settings *st;
    uint32_t bad; /* mops_misbehaviour bits */
    uint64_t rng;
    bool attached;
    mops_addr_t addr;
    bool atomic;                        /* send code 1 */
    uint16_t next_mig_port;             /* 0: keep each socket's port */
    unsigned n_socks, cap_natt, n_pend; /* capacities (mops_model_caps) */
    struct mops_sock *socks;
    unsigned n_natt;
    struct mops_natt_entry *natt;
    struct mops_mn_pending *pend;
    unsigned migrations_ok, migrations_failed, resends;
    /* LARA on Ethernet (profile §9): the move waits for DAD. */
    bool lara_on, move_waiting;
    struct mops_lara lara;
};

/* caps may be NULL (mops_model_caps_default). Returns 0, or -1 when its
 * tables could not be claimed (nothing to free then). */
int mops_mobile_init(struct mops_mobile *m, const struct mops_settings *st, const char *name, uint64_t seed,
                     uint32_t bad, const struct mops_model_caps *caps);
void mops_mobile_free(struct mops_mobile *m);
/* dst becomes a second instance in src's state (its own tables, of src's
 * capacities): the validator's shadow of a node seen at a new address,
 * while the old one goes on standing for the old address. 0, or -1. */
int mops_mobile_copy(struct mops_mobile *dst, const struct mops_mobile *src);
/* Runs LARA for its address, with this physical MAC and Session ID: an
 * attach to a new address sends a DAD request and the Migrates wait until
 * the address is usable. */
void mops_mobile_use_lara(struct mops_mobile *m, const uint8_t mac[6], uint32_t session_id);
/* Takes an address. With open mobile sockets, this is a move: Migrates go
 * out for them (with LARA, once the address is no longer tentative). */
void mops_mobile_attach(struct mops_mobile *m, uint64_t now, mops_addr_t addr, struct mops_outbox *out);
void mops_mobile_detach(struct mops_mobile *m);
/* Opens a socket (TCP: sends the SYN, with MOBILE_CAPABLE when `mobile`).
 * unique_id may be NULL. Returns its index, or -1. */
int mops_mobile_connect(struct mops_mobile *m, uint64_t now, uint16_t proto, mops_addr_t dst, uint16_t dport,
                        uint16_t sport, const uint64_t *unique_id, bool mobile, struct mops_outbox *out);
/* Sends a Migrate with the given fields, as an off-path attacker would. */
void mops_mobile_inject(struct mops_mobile *m, mops_addr_t dst, uint8_t code, const struct mops_migrate *g,
                        const struct mops_migrate_port *port, struct mops_outbox *out);
void mops_mobile_send(struct mops_mobile *m, int sock, uint32_t len, struct mops_outbox *out);
void mops_mobile_input(struct mops_mobile *m, uint64_t now, const struct mops_packet *pkt, struct mops_outbox *out);
void mops_mobile_tick(struct mops_mobile *m, uint64_t now, struct mops_outbox *out);
uint64_t mops_mobile_next_timer(const struct mops_mobile *m);
/* What a capture shows of a mobile node that the model did not see start:
 * an open socket (NULL when its table is full; a TCP socket whose SND.NXT
 * is unknown is not migrated, unless it has a Unique ID), and a row of its
 * NAT traversal table learned from a NAT ack (-1 when the table is full).
 * The NAT acks the model receives itself teach it rows the same way. */
struct mops_sock *mops_mobile_adopt(struct mops_mobile *m, const struct mops_sock_seen *k);
int mops_mobile_adopt_natt(struct mops_mobile *m, const struct mops_natt_entry *e);
/* The socket to raddr:rport from lport, or NULL. */
struct mops_sock *mops_mobile_find(struct mops_mobile *m, uint16_t proto, mops_addr_t raddr, uint16_t rport,
                                   uint16_t lport);
/* The socket a port of a Migrate to server names: previously prev:prev_sport
 * (its own address and port, or a translation of its NAT traversal table,
 * outermost or not), to server:prev_dport. NULL when none. */
struct mops_sock *mops_mobile_sock_for(const struct mops_mobile *m, mops_addr_t server, uint16_t proto,
                                       mops_addr_t prev, const struct mops_migrate_port *p);
/* A Migrate a capture shows the node sending at sent_at (bare or framed:
 * pkt as decoded), which the model did not make or made otherwise: from now
 * on it is the one awaiting its reply, resent as the model resends, having
 * been resent `resends` times already. The sockets its ports name are
 * found, or adopted as it shows them. -1 when full. */
int mops_mobile_adopt_migrate(struct mops_mobile *m, uint64_t sent_at, const struct mops_packet *pkt, unsigned resends);
/* A resend the capture shows at now, which the model's timer did not make:
 * the pending Migrate it repeats counts it. False when none is pending (the
 * model gave up on it, or never had it). */
bool mops_mobile_adopt_resend(struct mops_mobile *m, uint64_t now, const struct mops_packet *pkt);
/* Where a socket appears outside every NAT: the last row of its chain, or
 * its own address and port. */
void mops_mobile_outermost(const struct mops_mobile *m, const struct mops_sock *s, mops_addr_t *addr, uint16_t *port);

#endif
