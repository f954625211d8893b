/* A source NAT router with port translation, MOPS-aware (MOPS §4.3, §7,
 * Appendix B): NAT acks, levels learned from the NATs beyond it, migrates
 * from inside intercepted and their replies restored. */
#ifndef MOPS_MODEL_NAT_H
#define MOPS_MODEL_NAT_H

#include "mops/model/mobile.h"

#define MOPS_NAT_LEVELS 8

struct mops_nat_map {
    bool used;
    uint16_t proto;
    mops_addr_t in_addr;
    uint16_t in_port, out_port;
    bool mobile; /* made for a MOBILE_CAPABLE SYN or a migrate */
    /* The NAT traversal table of this mapping: level 1 is the mapping itself,
     * deeper levels are learned from upstream NAT acks (Appendix B). */
    unsigned n_levels;
    struct mops_natt_entry levels[MOPS_NAT_LEVELS];
};

/* A migrate intercepted on its way out: what to restore in the reply. */
struct mops_nat_intercept {
    bool used;
    uint16_t proto;
    mops_addr_t prev_addr, in_mig_addr, client;
    unsigned n;
    uint16_t in_mig_sport[MOPS_MN_PORTS], out_mig_sport[MOPS_MN_PORTS];
};

struct mops_nat {
    char name[MOPS_MODEL_NAME];
    const struct mops_settings *st;
    uint32_t bad;
    mops_addr_t outside;       /* its outside address */
    mops_addr_t inside_addr;   /* its address on the inside: NAT acks come from it */
    struct mops_prefix inside; /* the inside network */
    uint16_t next_port;
    unsigned n_maps, n_icpt; /* capacities (mops_model_caps) */
    struct mops_nat_map *maps;
    /* The mappings by inside tuple and by outside port, as a validator's
     * shadow of a busy NAT holds thousands. */
    struct mops_index by_in, by_out;
    /* A shadow that sees only part of the NAT's life replaces its oldest
     * mapping when full (memory flat however long the capture). */
    bool partial_view;
    unsigned cursor;
    struct mops_nat_intercept *icpt;
    unsigned natacks_sent, migrates_intercepted;
};

/* caps may be NULL (mops_model_caps_default). Returns 0, or -1 when its
 * tables could not be claimed (nothing to free then). */
int mops_nat_init(struct mops_nat *n, const struct mops_settings *st, const char *name, mops_addr_t outside,
                  mops_addr_t inside_addr, const struct mops_prefix *inside, uint16_t first_port, uint32_t bad,
                  const struct mops_model_caps *caps);
void mops_nat_free(struct mops_nat *n);
/* A packet arriving at the NAT (from_inside: on its inside interface).
 * Returns true when the NAT handled it (translated into out, answered, or
 * dropped); false when it is plain transit for the router to forward. */
bool mops_nat_input(struct mops_nat *n, uint64_t now, bool from_inside, const struct mops_packet *pkt,
                    struct mops_outbox *out);
/* A mapping a capture shows (the same packet on both sides of the NAT,
 * translated), which the model did not see made or made with another port:
 * in_addr:in_port goes out as out_port (the port is the NAT's choice);
 * mobile as for a MOBILE_CAPABLE SYN. NULL when full. */
struct mops_nat_map *mops_nat_adopt(struct mops_nat *n, uint16_t proto, mops_addr_t in_addr, uint16_t in_port,
                                    uint16_t out_port, bool mobile);
const struct mops_nat_map *mops_nat_lookup(const struct mops_nat *n, uint16_t proto, mops_addr_t in_addr,
                                           uint16_t in_port);

#endif
