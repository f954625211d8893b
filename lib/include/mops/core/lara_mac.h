/* Ethernet addresses derived from IPFF addresses (LARA §2, §8; profile §9):
 * no resolution protocol, the MAC is a function of the address. */
#ifndef MOPS_LARA_MAC_H
#define MOPS_LARA_MAC_H

#include <stdbool.h>
#include <stdint.h>

#include "mops/core/addr.h"
#include "mops/core/packet.h"

#define MOPS_LARA_MAC_PREFIX 0x0Au   /* LARA §2: first octet of a logical MAC */
#define MOPS_LARA_MCAST_PREFIX 0x55u /* LARA §8: 55:55 then 32 bits */
#define MOPS_LARA_MCAST_BITS 30      /* low bits of a multicast address kept */
#define MOPS_LARA_MAC_BITS 40        /* low bits (f2..f5) of a unicast address kept */
/* "logical MAC of 1023.1023.1023.1023.1023" and the like, with NUL. */
#define MOPS_LARA_RESOLVED_STRLEN 48

enum mops_mac_kind {
    MOPS_MAC_OTHER,     /* a MAC LARA does not make: a physical one */
    MOPS_MAC_LOGICAL,   /* 0a:..: the low 40 bits of some unicast address */
    MOPS_MAC_MULTICAST, /* 55:55:..: a Link Multicast Group */
    MOPS_MAC_BROADCAST,
};

extern const uint8_t mops_mac_broadcast[6];

/* The logical MAC of a unicast address: 0x0A, then f2..f5 big-endian. */
void mops_lara_mac(mops_addr_t a, uint8_t mac[6]);
/* The Link Multicast Group MAC of a multicast address (99.9.0.0.0/20). */
void mops_lara_mcast_mac(mops_addr_t a, uint8_t mac[6]);
/* The MAC a frame to a (as next hop or destination) goes to: broadcast
 * for 0.0.0.0.0, the group MAC for a multicast address, else the logical MAC. */
void mops_lara_dst_mac(mops_addr_t a, uint8_t mac[6]);

enum mops_mac_kind mops_mac_kind(const uint8_t mac[6]);
/* True when mac is the MAC LARA gives a (logical, or group for multicast). */
bool mops_lara_mac_of(const uint8_t mac[6], mops_addr_t a);
/* The low bits a LARA MAC carries (40 for logical, 30 for multicast). */
uint64_t mops_lara_mac_bits(const uint8_t mac[6]);

/* What a MAC says, as Wireshark resolves an OUI: "logical MAC of
 * 382.201.769.25.133" when it is the MAC of one of the candidates (n of
 * them), "logical MAC of *.201.769.25.133" when it is logical but of none of
 * them (the first field is not in it), "multicast MAC of 99.9.0.1.2",
 * "multicast MAC of *.*.0.1.2", "broadcast"; empty for other MACs. Returns
 * the candidate it matched, or -1. */
int mops_lara_mac_resolve(const uint8_t mac[6], const mops_addr_t *cand, unsigned n,
                          char buf[MOPS_LARA_RESOLVED_STRLEN]);

/* What the frame's MACs say, against the packet's IPFF source and
 * destination, for IPFF carried on Ethernet (the lara.eth.* fields). */
struct mops_lara_names {
    bool src_of_known, dst_of_known;
    mops_addr_t src_of, dst_of;
    char src[MOPS_LARA_RESOLVED_STRLEN], dst[MOPS_LARA_RESOLVED_STRLEN]; /* "" when nothing to say */
};
void mops_lara_names(const struct mops_packet *pkt, struct mops_lara_names *n);

#endif
