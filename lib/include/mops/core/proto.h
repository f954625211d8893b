/* Protocol numbers and the names of types and codes, shared by every front end
 * (mopsdump text, JSON, the Wireshark plugin's value_strings). */
#ifndef MOPS_PROTO_H
#define MOPS_PROTO_H

#include <stdbool.h>
#include <stdint.h>

/* IPFF Protocol field values (profile §3). */
enum {
    MOPS_PROTO_HOPOPTS = 0,
    MOPS_PROTO_ICMPV5 = 1,
    MOPS_PROTO_TCP = 6,
    MOPS_PROTO_UDPV5 = 17,
    MOPS_PROTO_ROUTING = 43,
    MOPS_PROTO_NONE = 59,
    MOPS_PROTO_DSTOPTS = 60,
    MOPS_PROTO_VRF1 = 258,
    MOPS_PROTO_VRF2 = 259,
    MOPS_PROTO_FLOW_LABEL = 270,
};

#define MOPS_IPFF_VERSION 5
#define MOPS_IPFF_HDR_LEN 20
#define MOPS_IPFF_MIN_MTU 1320 /* IPFF §5: every link carries 1320 octets */
/* The MSS a TCP sender assumes when the SYN names none: the minimum MTU
 * less the IPFF and TCP headers (as RFC 9293 §3.7.1 does for IPv4/IPv6). */
#define MOPS_TCP_DEFAULT_MSS (MOPS_IPFF_MIN_MTU - MOPS_IPFF_HDR_LEN - 20)
#define MOPS_MOPS_VERSION 1  /* MOPS §4: Version field of the MOPS messages */
#define MOPS_NATACK_HTL 1    /* MOPS §4.3: NAT acks are sent with Hops to Live 1 */
#define MOPS_LARA_HTL 1      /* LARA §3: DAD requests and replies too */
#define MOPS_MAX_EXT_HDRS 64 /* beyond this a chain is treated as hostile */

/* ICMPv5 (profile §5). */
#define MOPS_ICMP_HDR_LEN 8
#define MOPS_ICMP_EXCERPT_LEN 44  /* invoking IPFF header + 24 payload octets */
#define MOPS_MIGRATE_FIXED_LEN 24 /* whole message: 24 + 16·N (profile §5) */
#define MOPS_MIGRATE_PORT_LEN 16
#define MOPS_ANYCAST_ACK_LEN 28
#define MOPS_NATACK_FIXED_LEN 24 /* whole message: 24 + 4·N */
#define MOPS_NATACK_PORT_LEN 4
#define MOPS_DAD_LEN 20        /* LARA §3, profile §9: header + Reserved, Source MAC, Session ID */
#define MOPS_LARA_ADVERT_LEN 8 /* LARA §5.1: the common header alone */

enum {
    MOPS_ICMP_DEST_UNREACH = 1,
    MOPS_ICMP_PACKET_TOO_BIG = 2,
    MOPS_ICMP_HOPS_EXCEEDED = 3,
    MOPS_ICMP_PARAM_PROBLEM = 4,
    MOPS_ICMP_REDIRECT = 5,
    MOPS_ICMP_ECHO_REQUEST = 128,
    MOPS_ICMP_ECHO_REPLY_HOST = 129,
    MOPS_ICMP_ECHO_REPLY_GW = 130,
};

/* Migrate codes (MOPS §4.1). */
enum {
    MOPS_MIGRATE_CODE_MIGRATE = 0,
    MOPS_MIGRATE_CODE_ATOMIC = 1,
    MOPS_MIGRATE_CODE_SUCCESS = 2,
    MOPS_MIGRATE_CODE_FAILED = 3,
};

/* Received-source option (profile §4, MOPS §3.2). */
#define MOPS_RECV_SRC_OPT_LEN 10
#define MOPS_OPT_PAD1 0
#define MOPS_OPT_PADN 1

/* TCP option kinds parsed besides MOBILE_CAPABLE. */
enum {
    MOPS_TCPOPT_EOL = 0,
    MOPS_TCPOPT_NOP = 1,
    MOPS_TCPOPT_MSS = 2,
    MOPS_TCPOPT_WS = 3,
    MOPS_TCPOPT_SACK_PERM = 4,
    MOPS_TCPOPT_SACK = 5,
    MOPS_TCPOPT_TS = 8,
};
#define MOPS_MOBILE_CAPABLE_LEN 2

/* TCP flags, RFC 9293 (the four reserved bits sit above CWR). */
enum {
    MOPS_TCP_FIN = 0x01,
    MOPS_TCP_SYN = 0x02,
    MOPS_TCP_RST = 0x04,
    MOPS_TCP_PSH = 0x08,
    MOPS_TCP_ACK = 0x10,
    MOPS_TCP_URG = 0x20,
    MOPS_TCP_ECE = 0x40,
    MOPS_TCP_CWR = 0x80,
};

#define MOPS_UDPV5_HDR_LEN 6

/* Names; NULL when the number is not one we know. */
const char *mops_proto_name(uint16_t proto);  /* "TCP", "Routing", ... */
const char *mops_proto_short(uint16_t proto); /* "tcp", "routing", ... (JSON, text) */
bool mops_proto_is_ext(uint16_t proto);
bool mops_icmp_base_type_known(uint16_t type);
const char *mops_icmp_base_type_name(uint16_t type);
const char *mops_icmp_base_code_name(uint16_t type, uint8_t code);
const char *mops_migrate_code_name(uint8_t code); /* "migrate", "migrate atomic", ... */
const char *mops_tcp_option_name(uint8_t kind, uint8_t mobile_capable_kind);
/* TCP flags in tcpdump's letters: S F P R U E W, then "." for ACK ("S.",
 * "P.", "."); "" when none is set. */
#define MOPS_TCP_FLAGS_STRLEN 12
const char *mops_tcp_flags_str(uint8_t flags, char out[MOPS_TCP_FLAGS_STRLEN]);
/* Unknown-option action of an IPFF option type's two high bits (IPFF §4.2). */
const char *mops_option_action_name(uint8_t type);

#endif
