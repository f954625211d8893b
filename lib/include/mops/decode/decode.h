/* Frame -> struct mops_packet. The one decoder every front end uses. */
#ifndef MOPS_DECODE_H
#define MOPS_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "mops/core/packet.h"
#include "mops/core/settings.h"

/* Link types understood besides Ethernet, SLL, SLL2 and USER0 (for the UDP
 * overlay on captures of raw IP or BSD loopback). */
#define MOPS_LINKTYPE_NULL 0
#define MOPS_LINKTYPE_ETHERNET 1
#define MOPS_LINKTYPE_RAW 101
#define MOPS_LINKTYPE_LOOP 108
#define MOPS_LINKTYPE_SLL 113
#define MOPS_LINKTYPE_IPV4 228
#define MOPS_LINKTYPE_IPV6 229
#define MOPS_LINKTYPE_SLL2 276

bool mops_linktype_supported(uint32_t linktype);
const char *mops_linktype_name(uint32_t linktype);

/* Decodes one frame of the given link type. caplen octets are readable at
 * frame; wirelen is the frame's length on the wire (>= caplen). Never reads
 * past caplen. The packet keeps a pointer to frame. */
void mops_decode_frame(const struct mops_settings *s, uint32_t linktype, const uint8_t *frame, uint32_t caplen,
                       uint32_t wirelen, struct mops_packet *pkt);
/* A bare IPFF packet that came in an Ethernet frame with these MACs, or a
 * Linux cooked capture's with its source MAC alone (mac_dst NULL): the
 * plugin's case, Wireshark having dissected the frame, so that LARA's rules
 * on the MACs (profile §9) are checked as on a whole frame. */
void mops_decode_ipff_in_frame(const struct mops_settings *s, const uint8_t mac_dst[6], const uint8_t mac_src[6],
                               const uint8_t *ipff, uint32_t caplen, uint32_t wirelen, struct mops_packet *pkt);

const char *mops_status_name(enum mops_status st);
/* "none", "good", "bad", "unverified". */
const char *mops_check_state_name(enum mops_check_state s);
const char *mops_carrier_name(enum mops_carrier c);

#if defined(__GNUC__)
#define MOPS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MOPS_PRINTF(a, b)
#endif

/* Adds a problem to a decoded packet (the decoders; the tracker, whose
 * findings on a reply are the packet's problems too). */
void mops_problem_add(struct mops_packet *pkt, enum mops_problem_id id, uint32_t off, const char *fmt, ...)
    MOPS_PRINTF(4, 5);

/* The first problem with this id, or NULL. */
const struct mops_problem *mops_packet_first_problem(const struct mops_packet *pkt, enum mops_problem_id id);
bool mops_packet_has_problem(const struct mops_packet *pkt, enum mops_problem_id id);
/* An ICMPv5, TCP or UDPv5 checksum failed (or UDPv5's is 0): what a
 * receiving stack drops. */
bool mops_packet_checksum_bad(const struct mops_packet *pkt);
/* Its source or destination has a field above 999: traffic an end node
 * drops (ADDR §3; a server's model answered it, found by fuzz_models). */
bool mops_packet_addr_invalid(const struct mops_packet *pkt);
/* Some problem says the capture was cut short. */
bool mops_packet_truncated(const struct mops_packet *pkt);
/* A hash of an IPFF packet's content without what routers change (Hops to
 * Live): the same packet seen on the next link of its path has the same key.
 * It reads the header, the first 64 and last 16 octets after it and the
 * upper layer's checksum, not every octet (tests/bench: speed). */
uint64_t mops_packet_content_key(const struct mops_packet *pkt);

static inline const struct mops_migrate_port *mops_migrate_ports(const struct mops_packet *pkt)
{
    return pkt->pool.migrate;
}
static inline const struct mops_nat_port *mops_natack_ports(const struct mops_packet *pkt) { return pkt->pool.natack; }

#endif
