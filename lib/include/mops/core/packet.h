/* The plain struct a frame decodes into, once, for every front end.
 *
 * Member names follow the field vocabulary of docs/fields.md: the Wireshark
 * filter `mops.migrate.prev_addr` is pkt->icmp.u.migrate.prev_addr here and
 * the JSON path mops.migrate.prev_addr in mopsdump. Offsets are frame
 * offsets. Variable-length lists (routing addresses, options, port entries)
 * live in pools at the end of the struct; reuse one struct per stream, since
 * decoding touches only what the frame needs. */
#ifndef MOPS_PACKET_H
#define MOPS_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "mops/core/addr.h"
#include "mops/core/problem.h"
#include "mops/core/proto.h"

#define MOPS_MAX_VLAN 4
#define MOPS_MAX_OPTIONS 64
#define MOPS_MAX_TCP_OPTIONS 40
#define MOPS_MAX_SACK 4
#define MOPS_MAX_PROBLEMS 16
/* Pools sized so that no IPFF packet (Payload Length <= 65535) overflows them. */
#define MOPS_MAX_RT_ADDRS 8192
#define MOPS_MAX_MIGRATE_PORTS 4096
#define MOPS_MAX_NATACK_PORTS 16384

enum mops_status {
    MOPS_ST_OK,        /* decoded; problems, if any, are wrong values */
    MOPS_ST_NOT_IPFF,  /* the frame carries no IPFF packet */
    MOPS_ST_TRUNCATED, /* the capture ended before the packet did */
    MOPS_ST_MALFORMED, /* the bytes contradict the format */
};

enum mops_carrier {
    MOPS_CARRIER_NONE,
    MOPS_CARRIER_ETHERNET, /* also 802.1Q / 802.1ad tagged */
    MOPS_CARRIER_SLL,
    MOPS_CARRIER_SLL2,
    MOPS_CARRIER_USER0, /* bare IPFF */
    MOPS_CARRIER_UDP4,  /* IPFF-in-UDP over IPv4 */
    MOPS_CARRIER_UDP6,  /* IPFF-in-UDP over IPv6 */
};

/* Layers present in the decode (bits of mops_packet.layers). */
enum {
    MOPS_L_LINK = 1u << 0,
    MOPS_L_OVERLAY = 1u << 1, /* outer IPv4/IPv6 + UDP */
    MOPS_L_IPFF = 1u << 2,
    MOPS_L_EXT = 1u << 3,
    MOPS_L_ICMP = 1u << 4,
    MOPS_L_MOPS = 1u << 5, /* a MOPS message inside ICMPv5 */
    MOPS_L_TCP = 1u << 6,
    MOPS_L_UDP = 1u << 7,
    MOPS_L_LARA = 1u << 8, /* a LARA message inside ICMPv5 (profile §9) */
};

struct mops_link {
    enum mops_carrier carrier;
    uint32_t linktype;
    bool has_mac;
    uint8_t mac_src[6], mac_dst[6];
    uint16_t ethertype; /* the innermost EtherType / SLL protocol */
    uint8_t n_vlan;
    uint16_t vlan_tci[MOPS_MAX_VLAN];
    uint16_t sll_pkttype, sll_hatype;
    uint32_t sll_ifindex; /* SLL2 only */
    uint8_t sll_addr_len, sll_addr[8];
    /* IPFF-in-UDP overlay */
    uint8_t ip_version; /* 4 or 6 */
    uint8_t ip_src[16], ip_dst[16];
    uint8_t ip_ttl;
    uint16_t udp_sport, udp_dport, udp_len, udp_csum;
    /* Where the IPFF packet sits: frame offset, and how many octets the
     * carrier gives it on the wire (UDP length, IPv4 total length, rest of
     * the frame). Octets past the IPFF Payload Length are a trailer. */
    uint32_t ipff_off;
    uint32_t ipff_wire;
    uint32_t trailer_len;
};

struct mops_ipff_hdr {
    uint8_t version;
    uint16_t reserved; /* 10 bits */
    mops_addr_t src;
    uint16_t proto; /* 14 bits */
    mops_addr_t dst;
    uint8_t htl, tos;
    uint16_t plen;
};

/* One option of a Hop-by-Hop or Destination Options header. */
struct mops_option {
    uint32_t off; /* the Type octet */
    uint8_t type;
    uint8_t len; /* data length; 0 for Pad1 */
    uint8_t ext; /* index of its extension header */
};

/* The received-source notification (MOPS §3.2, profile §4). */
struct mops_recv_src {
    bool present;
    uint32_t off;
    uint16_t port;
    uint16_t pad; /* the 14 bits before the address; 0 (E8) */
    mops_addr_t addr;
};

struct mops_ext {
    uint16_t type; /* Protocol value that named this header */
    uint16_t next; /* its own Protocol field */
    uint32_t off, len;
    union {
        struct {
            uint8_t pad_bits, hdr_ext_len;
            uint16_t first_opt, n_opts;
        } opts;
        struct {
            uint8_t pad_bits, hdr_ext_len, type, segments_left;
            uint32_t reserved;
            uint16_t first_addr, n_addrs;
        } routing;
        struct {
            uint32_t label;
        } vrf1; /* 18 bits */
        struct {
            mops_addr_t encap, decap;
            uint16_t reserved; /* 14 bits */
            uint32_t label;
        } vrf2;
        struct {
            uint32_t label;
        } flow; /* 18 bits */
    } u;
};

enum mops_check_state {
    MOPS_CHECK_NONE, /* no checksum here */
    MOPS_CHECK_GOOD,
    MOPS_CHECK_BAD,
    MOPS_CHECK_UNVERIFIED, /* the bytes it covers are not all captured */
};

struct mops_check {
    enum mops_check_state state;
    uint32_t got, expected;
};

/* The invoking packet excerpt of an ICMPv5 error (profile §5). */
struct mops_invoking {
    bool present;
    uint32_t off;
    struct mops_ipff_hdr ip;
    bool has_ports; /* TCP or UDPv5 directly after the header */
    uint16_t sport, dport;
    bool has_tcp_seq;
    uint32_t tcp_seq;
};

struct mops_migrate {
    uint8_t version, reserved;
    uint16_t proto;
    mops_addr_t prev_addr;
    uint16_t n_ports; /* as the message says */
    mops_addr_t mig_addr;
    uint16_t n_decoded; /* entries in mops_packet.pool.migrate */
};

struct mops_migrate_port {
    uint16_t prev_sport, mig_sport, prev_dport, mig_dport;
    uint64_t seq; /* TCP sequence in the low 32 bits, or a Unique ID */
};

struct mops_anycast_ack {
    uint8_t version, reserved;
    uint16_t proto;
    mops_addr_t anycast_addr;
    uint16_t reserved2; /* 14 bits */
    mops_addr_t unicast_addr;
    uint16_t sport, dport;
};

struct mops_nat_ack {
    uint8_t version, level;
    uint16_t proto;
    mops_addr_t orig_addr;
    uint16_t n_ports;
    mops_addr_t trans_addr;
    uint16_t n_decoded; /* entries in mops_packet.pool.natack */
};

struct mops_nat_port {
    uint16_t orig_port, trans_port;
};

/* A DAD request or reply (LARA §3, profile §9). */
struct mops_dad {
    uint16_t reserved;
    uint8_t mac[6]; /* the sender's physical MAC */
    uint32_t session_id;
};

enum mops_icmp_kind {
    MOPS_ICMP_KIND_UNKNOWN,
    MOPS_ICMP_KIND_ERROR, /* types 1-5: invoking excerpt */
    MOPS_ICMP_KIND_ECHO,  /* 128-130 */
    MOPS_ICMP_KIND_MIGRATE,
    MOPS_ICMP_KIND_ANYCAST_ACK,
    MOPS_ICMP_KIND_NAT_ACK,
    MOPS_ICMP_KIND_DAD_REQUEST, /* LARA §3 */
    MOPS_ICMP_KIND_DAD_REPLY,
    MOPS_ICMP_KIND_LARA_ADVERT, /* LARA §5.1: the header alone */
};

struct mops_icmp {
    uint32_t off, len;
    uint32_t crc;
    uint16_t type;
    uint8_t code, byte7;
    struct mops_check crc_check;
    enum mops_icmp_kind kind;
    union {
        struct {
            uint32_t param;      /* MTU (type 2), Pointer (type 4) */
            uint16_t router_pad; /* type 5 */
            mops_addr_t router;  /* type 5 */
            struct mops_invoking inv;
        } error;
        struct {
            uint32_t id, seq, data_off, data_len;
        } echo;
        struct mops_migrate migrate;
        struct mops_anycast_ack anycast;
        struct mops_nat_ack natack;
        struct mops_dad dad;
    } u;
};

struct mops_tcp_option {
    uint32_t off;
    uint8_t kind, len;
};

struct mops_tcp {
    uint32_t off;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t doff;     /* 32-bit words */
    uint8_t reserved; /* 4 bits */
    uint8_t flags;
    uint16_t window, csum, urg;
    uint8_t n_opts;
    struct mops_tcp_option opts[MOPS_MAX_TCP_OPTIONS];
    bool mobile_capable;
    bool has_mss, has_ws, sack_perm, has_ts;
    uint16_t mss;
    uint8_t ws;
    uint32_t ts_val, ts_ecr;
    uint8_t n_sack;
    uint32_t sack_left[MOPS_MAX_SACK], sack_right[MOPS_MAX_SACK];
    uint32_t payload_off, payload_len;
    struct mops_check csum_check;
};

struct mops_udp {
    uint32_t off;
    uint16_t sport, dport, csum;
    uint32_t payload_off, payload_len;
    struct mops_check csum_check;
};

struct mops_packet {
    const uint8_t *frame; /* the caller's bytes; valid while they are */
    uint32_t caplen, wirelen;
    enum mops_status status;
    uint32_t layers;

    struct mops_link link;
    struct mops_ipff_hdr ip;
    struct mops_recv_src recv_src;

    uint16_t l4_proto;       /* the Protocol after the extension chain */
    uint32_t l4_off, l4_len; /* l4_len: as the Payload Length declares it */

    struct mops_icmp icmp;
    struct mops_tcp tcp;
    struct mops_udp udp;

    /* The counts of the pools below. The decoder resets everything up to
     * here for each frame and the pools only up to their counts (a full
     * reset was most of decoding's cost: tests/bench). */
    uint8_t n_ext;
    uint16_t n_options;      /* stored */
    uint16_t n_options_seen; /* including any past MOPS_MAX_OPTIONS */
    uint8_t n_problems;
    uint16_t n_problems_seen;
    uint16_t n_rt_addrs;

    /* Pools: valid up to their counts. */
    struct mops_ext ext[MOPS_MAX_EXT_HDRS];
    struct mops_option options[MOPS_MAX_OPTIONS];
    struct mops_problem problems[MOPS_MAX_PROBLEMS];
    mops_addr_t rt_addrs[MOPS_MAX_RT_ADDRS];
    union {
        struct mops_migrate_port migrate[MOPS_MAX_MIGRATE_PORTS];
        struct mops_nat_port natack[MOPS_MAX_NATACK_PORTS];
    } pool;
};

/* The Ethernet addresses of IPFF carried on Ethernet itself (LARA's link),
 * or NULL: the overlay's MACs are the IP hosts', and a Linux cooked capture
 * keeps only the source. */
static inline const uint8_t *mops_packet_src_mac(const struct mops_packet *p)
{
    if (p->link.has_mac && !(p->layers & MOPS_L_OVERLAY))
        return p->link.mac_src;
    if (p->link.sll_addr_len == 6 && !(p->layers & MOPS_L_OVERLAY))
        return p->link.sll_addr;
    return 0;
}

static inline const uint8_t *mops_packet_dst_mac(const struct mops_packet *p)
{
    return p->link.has_mac && !(p->layers & MOPS_L_OVERLAY) ? p->link.mac_dst : 0;
}

#endif
