/* Names of IPFF protocols, ICMPv5 types and codes, TCP options. */
#include "mops/core/proto.h"

#include <stddef.h>

const char *mops_proto_name(uint16_t proto)
{
    switch (proto) {
        case MOPS_PROTO_HOPOPTS: return "Hop-by-Hop Options";
        case MOPS_PROTO_ICMPV5: return "ICMPv5";
        case MOPS_PROTO_TCP: return "TCP";
        case MOPS_PROTO_UDPV5: return "UDPv5";
        case MOPS_PROTO_ROUTING: return "Routing";
        case MOPS_PROTO_NONE: return "No Next Header";
        case MOPS_PROTO_DSTOPTS: return "Destination Options";
        case MOPS_PROTO_VRF1: return "VRF type 1";
        case MOPS_PROTO_VRF2: return "VRF type 2";
        case MOPS_PROTO_FLOW_LABEL: return "Flow Label";
    }
    return 0;
}

const char *mops_proto_short(uint16_t proto)
{
    switch (proto) {
        case MOPS_PROTO_HOPOPTS: return "hopopts";
        case MOPS_PROTO_ICMPV5: return "icmpv5";
        case MOPS_PROTO_TCP: return "tcp";
        case MOPS_PROTO_UDPV5: return "udpv5";
        case MOPS_PROTO_ROUTING: return "routing";
        case MOPS_PROTO_NONE: return "none";
        case MOPS_PROTO_DSTOPTS: return "dstopts";
        case MOPS_PROTO_VRF1: return "vrf1";
        case MOPS_PROTO_VRF2: return "vrf2";
        case MOPS_PROTO_FLOW_LABEL: return "flowlabel";
    }
    return 0;
}

bool mops_proto_is_ext(uint16_t proto)
{
    switch (proto) {
        case MOPS_PROTO_HOPOPTS:
        case MOPS_PROTO_ROUTING:
        case MOPS_PROTO_DSTOPTS:
        case MOPS_PROTO_VRF1:
        case MOPS_PROTO_VRF2:
        case MOPS_PROTO_FLOW_LABEL: return true;
    }
    return false;
}

bool mops_icmp_base_type_known(uint16_t type) { return mops_icmp_base_type_name(type) != 0; }

const char *mops_icmp_base_type_name(uint16_t type)
{
    switch (type) {
        case MOPS_ICMP_DEST_UNREACH: return "Destination Unreachable";
        case MOPS_ICMP_PACKET_TOO_BIG: return "Packet Too Big";
        case MOPS_ICMP_HOPS_EXCEEDED: return "Hops Exceeded";
        case MOPS_ICMP_PARAM_PROBLEM: return "Parameter Problem";
        case MOPS_ICMP_REDIRECT: return "Redirect";
        case MOPS_ICMP_ECHO_REQUEST: return "Echo Request";
        case MOPS_ICMP_ECHO_REPLY_HOST: return "Echo Reply (host)";
        case MOPS_ICMP_ECHO_REPLY_GW: return "Echo Reply (gateway)";
    }
    return 0;
}

const char *mops_icmp_base_code_name(uint16_t type, uint8_t code)
{
    switch (type) {
        case MOPS_ICMP_DEST_UNREACH:
            switch (code) {
                case 0: return "network unreachable";
                case 1: return "host unreachable";
                case 2: return "protocol unreachable";
                case 3: return "port unreachable";
                case 4: return "VRF table unreachable";
                case 9: return "network administratively prohibited";
                case 10: return "host administratively prohibited";
                case 14: return "host precedence violation";
            }
            return 0;
        case MOPS_ICMP_PARAM_PROBLEM:
            switch (code) {
                case 0: return "erroneous header field";
                case 1: return "unrecognized protocol";
                case 2: return "unrecognized option";
            }
            return 0;
        case MOPS_ICMP_REDIRECT:
            switch (code) {
                case 0: return "network";
                case 1: return "host";
                case 2: return "type of service and network";
                case 3: return "type of service and host";
            }
            return 0;
        case MOPS_ICMP_PACKET_TOO_BIG:
        case MOPS_ICMP_HOPS_EXCEEDED:
        case MOPS_ICMP_ECHO_REQUEST:
        case MOPS_ICMP_ECHO_REPLY_HOST:
        case MOPS_ICMP_ECHO_REPLY_GW: return code == 0 ? "" : 0;
    }
    return 0;
}

const char *mops_migrate_code_name(uint8_t code)
{
    switch (code) {
        case MOPS_MIGRATE_CODE_MIGRATE: return "migrate";
        case MOPS_MIGRATE_CODE_ATOMIC: return "migrate atomic";
        case MOPS_MIGRATE_CODE_SUCCESS: return "migration success";
        case MOPS_MIGRATE_CODE_FAILED: return "migration failed";
    }
    return 0;
}

const char *mops_tcp_option_name(uint8_t kind, uint8_t mobile_capable_kind)
{
    if (kind == mobile_capable_kind)
        return "MOBILE_CAPABLE";
    switch (kind) {
        case MOPS_TCPOPT_EOL: return "EOL";
        case MOPS_TCPOPT_NOP: return "NOP";
        case MOPS_TCPOPT_MSS: return "MSS";
        case MOPS_TCPOPT_WS: return "WS";
        case MOPS_TCPOPT_SACK_PERM: return "SACK_PERM";
        case MOPS_TCPOPT_SACK: return "SACK";
        case MOPS_TCPOPT_TS: return "TS";
    }
    return 0;
}

const char *mops_option_action_name(uint8_t type)
{
    switch (type >> 6) {
        case 0: return "skip";
        case 1: return "discard";
        case 2: return "discard, send Parameter Problem";
        default: return "discard, send Parameter Problem unless multicast";
    }
}

const char *mops_tcp_flags_str(uint8_t flags, char out[MOPS_TCP_FLAGS_STRLEN])
{
    static const struct {
        uint8_t bit;
        char c;
    } letters[] = {{MOPS_TCP_SYN, 'S'}, {MOPS_TCP_FIN, 'F'}, {MOPS_TCP_PSH, 'P'}, {MOPS_TCP_RST, 'R'},
                   {MOPS_TCP_URG, 'U'}, {MOPS_TCP_ECE, 'E'}, {MOPS_TCP_CWR, 'W'}, {MOPS_TCP_ACK, '.'}};
    size_t k = 0;
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (flags & letters[i].bit)
            out[k++] = letters[i].c;
    out[k] = 0;
    return out;
}
