/* A destination NAT / load balancer in front of a server (MOPS §5.1): it
 * cannot judge a migrate itself, so it forwards it and remaps its own table
 * only for what the server's reply confirms. */
#ifndef MOPS_MODEL_DNAT_H
#define MOPS_MODEL_DNAT_H

#include "mops/model/mobile.h"

struct mops_dnat_session {
    bool used;
    uint16_t proto;
    mops_addr_t client;
    uint16_t cport, vport;
};

struct mops_dnat_pending {
    bool used;
    uint16_t proto;
    uint8_t code; /* as forwarded */
    mops_addr_t prev_addr, mig_addr;
    unsigned n;
    uint16_t prev_sport[MOPS_MN_PORTS], mig_sport[MOPS_MN_PORTS];
};

struct mops_dnat {
    char name[MOPS_MODEL_NAME];
    const struct mops_settings *st;
    uint32_t bad;
    mops_addr_t vip, backend;
    bool force_atomic;           /* §5.1: "for simplicity" forward as atomic */
    unsigned n_sessions, n_pend; /* capacities (mops_model_caps) */
    struct mops_dnat_session *sessions;
    struct mops_dnat_pending *pend;
    unsigned remapped, dropped;
    /* A shadow that did not see every session start: a client tuple it
     * does not know is one it never saw, let in as the capture shows it,
     * unless the server refused to migrate a session there. */
    bool partial_view;
    struct mops_dnat_refused {
        uint16_t proto, port;
        mops_addr_t addr;
    } refused[8];
    unsigned n_refused;
};

/* caps may be NULL (mops_model_caps_default). Returns 0, or -1 when its
 * tables could not be claimed (nothing to free then). */
int mops_dnat_init(struct mops_dnat *d, const struct mops_settings *st, const char *name, mops_addr_t vip,
                   mops_addr_t backend, bool force_atomic, uint32_t bad, const struct mops_model_caps *caps);
void mops_dnat_free(struct mops_dnat *d);
/* Returns true when the packet was the DNAT's to translate (or drop). */
bool mops_dnat_input(struct mops_dnat *d, uint64_t now, const struct mops_packet *pkt, struct mops_outbox *out);
/* A session client:cport -> vip:vport a capture shows, which the model did
 * not see start (its own new sessions are made the same way). NULL when
 * full. */
const struct mops_dnat_session *mops_dnat_adopt(struct mops_dnat *d, uint16_t proto, mops_addr_t client, uint16_t cport,
                                                uint16_t vport);
const struct mops_dnat_session *mops_dnat_session(const struct mops_dnat *d, uint16_t proto, mops_addr_t client,
                                                  uint16_t cport);
/* Whether the server refused to migrate a session to client:cport, as the
 * model saw its reply (so the tuple stays unmapped, MOPS §5.1). */
bool mops_dnat_refused(const struct mops_dnat *d, uint16_t proto, mops_addr_t client, uint16_t cport);

#endif
