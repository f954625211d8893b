/* LARA on Ethernet (LARA §3, §5; profile §9): what every node of an
 * Ethernet link does with its address. Its MAC for traffic is the logical
 * MAC of the address; a new address is tentative until one DAD request has
 * gone unanswered for 1 s, and sends nothing but DAD meanwhile; a reply
 * means a duplicate; a node that holds an address answers a request for it.
 * The mobile node's model runs one for its address; the simulator one per
 * other interface; the validator one per address the capture shows running
 * LARA, to judge the node by. */
#ifndef MOPS_MODEL_LARA_H
#define MOPS_MODEL_LARA_H

#include "mops/model/model.h"

enum mops_lara_state {
    MOPS_LARA_OFF,       /* no address, or LARA not run */
    MOPS_LARA_TENTATIVE, /* its DAD request is out */
    MOPS_LARA_PREFERRED, /* usable: DAD went unanswered, or it held the address before */
    MOPS_LARA_DUPLICATE, /* a reply came while tentative: unusable (LARA §5) */
};

/* What a DAD reply said about the address: the other node's MAC and
 * Session ID. */
struct mops_lara_dup {
    bool found, while_tentative;
    uint64_t at;
    uint8_t mac[6];
    uint32_t session_id;
    bool cloned_mac; /* the same physical MAC, another Session ID (LARA §3.1.3) */
};

struct mops_lara {
    const struct mops_settings *st;
    uint8_t mac[6]; /* its physical MAC */
    uint32_t session_id;
    mops_addr_t addr;
    enum mops_lara_state state;
    uint64_t started; /* when its DAD request went out */
    uint64_t since;   /* when the state began */
    uint32_t bad;     /* MOPS_BAD_MIGRATE_TENTATIVE, MOPS_BAD_IGNORE_DAD_REPLY */
    struct mops_lara_dup dup;
    bool went_ahead; /* ignore-dad-reply: it used the address all the same */
    unsigned requests_answered;
};

void mops_lara_init(struct mops_lara *l, const struct mops_settings *st, const uint8_t mac[6], uint32_t session_id,
                    uint32_t bad);
/* A new address, or its link came up: the DAD request (FastDAD: to the
 * address's logical MAC) goes out and the address is tentative. */
void mops_lara_start(struct mops_lara *l, uint64_t now, mops_addr_t addr, struct mops_outbox *out);
/* An address held since before (booted before the capture): usable at once. */
void mops_lara_hold(struct mops_lara *l, uint64_t now, mops_addr_t addr);
/* A LARA message for this node's address, from the wire (its Ethernet
 * source given as src_mac, NULL when unknown). A request for an address it
 * holds is answered; a reply while tentative makes it a duplicate, later
 * is reported only. True when the packet was LARA's. */
bool mops_lara_input(struct mops_lara *l, uint64_t now, const struct mops_packet *pkt, const uint8_t *src_mac,
                     struct mops_outbox *out);
/* Ends the tentative time when it is over. True when the address became
 * usable now (the mobile node migrates then). */
bool mops_lara_tick(struct mops_lara *l, uint64_t now);
uint64_t mops_lara_next_timer(const struct mops_lara *l);
/* Whether the node may send from its address now, its timer run to now
 * (mops_lara_tick): LARA §5, a tentative address sends nothing but DAD, one
 * found duplicate while tentative nothing at all. Its misbehaviours say yes
 * where the rule says no; the validator's instances have none. */
bool mops_lara_may_send(const struct mops_lara *l);
/* The broadcast advertisement (LARA §5.1), after a re-attach to the same subnet. */
void mops_lara_advertise(const struct mops_lara *l, struct mops_outbox *out);
/* The source MAC its frames carry (LARA §2: the logical MAC of the address). */
void mops_lara_frame_src(const struct mops_lara *l, uint8_t mac[6]);

#endif
