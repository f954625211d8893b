/* The sample catalogue: one entry per message type and variant. */
#include "samples.h"

#include <string.h>

#include "mops/core/lara_mac.h"
#include "mops/decode/decode.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
/* LARA §3.1's PC-"A" and PC-"B", and the address they test (profile §9). */
static const uint8_t mac_pc_a[6] = {0xb8, 0x6b, 0x23, 0x7b, 0xc3, 0x79};
static const uint8_t mac_pc_b[6] = {0xb8, 0x6b, 0x23, 0x7b, 0xc3, 0x80};
#define lara_addr A(382, 201, 769, 25, 133)

static void ipff(struct mops_builder *b, mops_addr_t src, mops_addr_t dst, uint8_t htl)
{
    struct mops_ipff_hdr h = {.src = src, .dst = dst, .htl = htl};
    mops_build_ipff(b, &h);
}

static void migrate(struct mops_builder *b, uint8_t code, uint16_t proto, unsigned n, int unique)
{
    bool reply = code >= MOPS_MIGRATE_CODE_SUCCESS; /* replies come from the server */
    mops_addr_t mn = A(775, 2, 23, 6, 6), server = A(8, 8, 8, 8, 8);
    ipff(b, reply ? server : mn, reply ? mn : server, 64);
    struct mops_migrate g = {.version = 1,
                             .proto = proto,
                             .prev_addr = A(525, 8, 78, 3, 9),
                             .n_ports = (uint16_t)n,
                             .mig_addr = A(775, 2, 23, 6, 6)};
    struct mops_migrate_port p[3];
    for (unsigned i = 0; i < n; i++)
        p[i] = (struct mops_migrate_port){(uint16_t)(1027 + i), (uint16_t)(2098 + i), 80, 80,
                                          unique ? UINT64_C(0xfeedface00c0ffee) + i : 0x12345678u + 1000u * i};
    mops_build_migrate(b, code, &g, p, n);
}

static void tcp_syn_all_options(struct mops_builder *b)
{
    ipff(b, A(10, 2, 0, 0, 1), A(8, 8, 8, 8, 8), 64);
    struct mops_tcp t = {.sport = 1027,
                         .dport = 80,
                         .seq = 1000,
                         .flags = MOPS_TCP_SYN,
                         .window = 64240,
                         .mss = 1400,
                         .ws = 7,
                         .ts_val = 12345,
                         .ts_ecr = 0};
    const uint8_t kinds[] = {MOPS_TCPOPT_MSS, MOPS_TCPOPT_SACK_PERM, MOPS_TCPOPT_TS,
                             MOPS_TCPOPT_NOP, MOPS_TCPOPT_WS,        32};
    t.n_opts = sizeof kinds;
    for (unsigned i = 0; i < t.n_opts; i++)
        t.opts[i].kind = kinds[i];
    mops_build_tcp(b, &t, NULL, 0);
}

static void tcp_data_sack(struct mops_builder *b)
{
    ipff(b, A(8, 8, 8, 8, 8), A(10, 2, 0, 0, 1), 64);
    struct mops_tcp t = {.sport = 80,
                         .dport = 1027,
                         .seq = 5000,
                         .ack = 1001,
                         .flags = MOPS_TCP_ACK | MOPS_TCP_PSH,
                         .window = 501,
                         .ts_val = 99,
                         .ts_ecr = 12345,
                         .n_sack = 2,
                         .sack_left = {2001, 4001},
                         .sack_right = {3001, 5001}};
    const uint8_t kinds[] = {MOPS_TCPOPT_NOP, MOPS_TCPOPT_NOP, MOPS_TCPOPT_TS,
                             MOPS_TCPOPT_NOP, MOPS_TCPOPT_NOP, MOPS_TCPOPT_SACK};
    t.n_opts = sizeof kinds;
    for (unsigned i = 0; i < t.n_opts; i++)
        t.opts[i].kind = kinds[i];
    mops_build_tcp(b, &t, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18);
}

/* An invoking packet for the ICMPv5 errors: a TCP SYN of 44+ octets. */
static size_t invoking(uint8_t *out, uint16_t proto)
{
    static struct mops_builder inner;
    mops_build_init(&inner, NULL);
    ipff(&inner, A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 63);
    if (proto == MOPS_PROTO_UDPV5) {
        mops_build_udpv5(&inner, 5000, 53, (const uint8_t *)"query for the resolver", 22);
    } else {
        struct mops_tcp t = {
            .sport = 1027, .dport = 80, .seq = 0x0badcafe, .flags = MOPS_TCP_SYN, .window = 65535, .n_opts = 1};
        t.opts[0].kind = 32;
        mops_build_tcp(&inner, &t, (const uint8_t *)"0123456789", 10);
    }
    mops_build_finish(&inner);
    uint32_t n;
    const uint8_t *p = mops_build_data(&inner, &n);
    memcpy(out, p, n);
    return n;
}

static void ext_chain(struct mops_builder *b)
{
    ipff(b, A(192, 168, 1, 1, 1), A(8, 8, 8, 8, 8), 64);
    uint8_t pad[4] = {0};
    struct mops_opt_spec hop = {MOPS_OPT_PADN, 3, pad};
    mops_build_opts_header(b, MOPS_PROTO_HOPOPTS, &hop, 1);
    const mops_addr_t route[3] = {A(172, 16, 0, 0, 99), A(775, 2, 23, 5, 99), A(8, 8, 8, 8, 8)};
    mops_build_routing0(b, 2, route, 3);
    mops_build_vrf1(b, 0x2abcd);
    mops_build_vrf2(b, A(10, 0, 0, 0, 99), A(525, 8, 78, 2, 99), 0xdeadbeef);
    mops_build_flow_label(b, 0x12345);
    struct mops_opt_spec o;
    uint8_t od[10];
    mops_opt_recv_src(NULL, &o, od, 2038, A(172, 16, 0, 0, 1));
    mops_build_opts_header(b, MOPS_PROTO_DSTOPTS, &o, 1);
    mops_build_udpv5(b, 5000, 5001, (const uint8_t *)"through every header", 20);
}

static const char *const names[] = {
    "migrate (Appendix A)",
    "migrate atomic, 3 ports",
    "migration success, 3 ports",
    "migration failed, 2 ports",
    "migrate UDP by Unique ID",
    "NAT ack level 2 (Appendix B)",
    "NAT ack level 1, 3 ports",
    "anycast ack",
    "TCP SYN MOBILE_CAPABLE",
    "TCP SYN-ACK with received source",
    "TCP SYN with every option",
    "TCP data with SACK and TS",
    "UDPv5",
    "destination unreachable",
    "packet too big",
    "hops exceeded",
    "parameter problem",
    "redirect",
    "echo request",
    "echo reply (host)",
    "echo reply (gateway)",
    "every extension header",
    "no next header",
    "DAD request (profile §9)",
    "DAD reply (profile §9)",
    "broadcast advertisement (profile §9)",
};

int sample_count(void) { return (int)(sizeof names / sizeof names[0]); }
const char *sample_name(int i) { return names[i]; }

void sample_build(int i, struct mops_builder *b)
{
    uint8_t inv[128];
    size_t n;
    mops_build_init(b, NULL);
    switch (i) {
        case 0: migrate(b, 0, MOPS_PROTO_TCP, 1, 0); break;
        case 1: migrate(b, 1, MOPS_PROTO_TCP, 3, 0); break;
        case 2: migrate(b, 2, MOPS_PROTO_TCP, 3, 0); break;
        case 3: migrate(b, 3, MOPS_PROTO_TCP, 2, 0); break;
        case 4: migrate(b, 0, MOPS_PROTO_UDPV5, 1, 1); break;
        case 5:
        case 6: {
            ipff(b, A(10, 2, 0, 0, 99), A(10, 2, 0, 0, 1), 1);
            struct mops_nat_ack a = {.version = 1,
                                     .level = i == 5 ? 2 : 1,
                                     .proto = MOPS_PROTO_TCP,
                                     .orig_addr = i == 5 ? A(10, 0, 0, 0, 1) : A(10, 2, 0, 0, 1),
                                     .n_ports = i == 5 ? 1 : 3,
                                     .trans_addr = i == 5 ? A(525, 8, 78, 2, 2) : A(10, 0, 0, 0, 1)};
            struct mops_nat_port p[3] = {{5050, 6050}, {1028, 5051}, {1029, 5052}};
            if (i == 6)
                p[0] = (struct mops_nat_port){1027, 5050};
            mops_build_nat_ack(b, &a, p, a.n_ports);
            break;
        }
        case 7: {
            ipff(b, A(8, 8, 8, 8, 8), A(525, 8, 78, 3, 9), 64);
            struct mops_anycast_ack a = {.version = 1,
                                         .proto = MOPS_PROTO_TCP,
                                         .anycast_addr = A(8, 8, 8, 8, 8),
                                         .unicast_addr = A(8, 8, 4, 4, 4),
                                         .sport = 1027,
                                         .dport = 80};
            mops_build_anycast_ack(b, &a);
            break;
        }
        case 8:
        case 9: {
            struct mops_tcp t = {.n_opts = 3, .window = 65535};
            t.opts[0].kind = 32;
            t.opts[1].kind = t.opts[2].kind = MOPS_TCPOPT_NOP;
            if (i == 8) {
                ipff(b, A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 64);
                t.sport = 1027, t.dport = 80, t.seq = 0x0badcafe, t.flags = MOPS_TCP_SYN;
            } else {
                ipff(b, A(8, 8, 8, 8, 8), A(525, 8, 78, 2, 2), 64);
                struct mops_opt_spec o;
                uint8_t od[10];
                mops_opt_recv_src(NULL, &o, od, 6050, A(525, 8, 78, 2, 2));
                mops_build_opts_header(b, MOPS_PROTO_DSTOPTS, &o, 1);
                t.sport = 80, t.dport = 6050, t.seq = 0x11223344, t.ack = 0x0badcaff;
                t.flags = MOPS_TCP_SYN | MOPS_TCP_ACK;
            }
            mops_build_tcp(b, &t, NULL, 0);
            break;
        }
        case 10: tcp_syn_all_options(b); break;
        case 11: tcp_data_sack(b); break;
        case 12:
            ipff(b, A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 64);
            mops_build_udpv5(b, 5000, 53, (const uint8_t *)"hello", 5);
            break;
        case 13:
        case 14:
        case 15:
        case 16:
        case 17: {
            static const uint16_t types[] = {1, 2, 3, 4, 5};
            static const uint8_t codes[] = {3, 0, 0, 1, 1};
            static const uint32_t params[] = {0, 1280, 0, 40, 0};
            n = invoking(inv, i == 13 ? MOPS_PROTO_UDPV5 : MOPS_PROTO_TCP);
            ipff(b, A(775, 2, 23, 5, 99), A(525, 8, 78, 3, 9), 64);
            mops_build_icmp_error(b, types[i - 13], codes[i - 13], params[i - 13], A(525, 8, 78, 3, 98), inv, n);
            break;
        }
        case 18:
        case 19:
        case 20:
            ipff(b, i == 18 ? A(10, 2, 0, 0, 1) : A(8, 8, 8, 8, 8), i == 18 ? A(8, 8, 8, 8, 8) : A(10, 2, 0, 0, 1), 64);
            mops_build_echo(b, (uint16_t)(128 + (i - 18)), 0x00010203, 7, (const uint8_t *)"ping payload", 12);
            break;
        case 21: ext_chain(b); break;
        case 22:
            ipff(b, A(10, 2, 0, 0, 1), A(10, 2, 0, 0, 2), 64);
            mops_build_raw(b, MOPS_PROTO_NONE, (const uint8_t *)"opaque", 6);
            break;
        case 23:
        case 24: {
            ipff(b, lara_addr, lara_addr, 1);
            struct mops_dad d = {.session_id = i == 23 ? 0x5eed0001u : 0x5eed0002u};
            memcpy(d.mac, i == 23 ? mac_pc_a : mac_pc_b, 6);
            mops_build_dad(b, i == 24, &d);
            break;
        }
        case 25:
            ipff(b, lara_addr, 0, 1);
            mops_build_lara_advert(b);
            break;
    }
    mops_build_finish(b);
}

static const char *const carriers[] = {
    "user0",    "ethernet", "ethernet+802.1Q",    "ethernet+802.1ad+802.1Q",
    "sll",      "sll2",     "udp4 over ethernet", "udp6 over ethernet",
    "udp4 raw", "udp6 raw", "udp4 bsd loopback",
};

int carrier_count(void) { return (int)(sizeof carriers / sizeof carriers[0]); }
const char *carrier_name(int c) { return carriers[c]; }

/* The MACs a frame of the packet in b carries: LARA's messages the ones
 * profile §9 requires (FastDAD to the tested address's logical MAC, the reply
 * back to the requester, the advertisement from the logical MAC to
 * broadcast), every other packet two fixed MACs. */
static void frame_macs(const struct mops_builder *b, const uint8_t **dst, const uint8_t **src, uint8_t logical[6])
{
    uint32_t len;
    const uint8_t *p = mops_build_data(b, &len);
    *dst = mac_b, *src = mac_a;
    if (len < MOPS_IPFF_HDR_LEN + MOPS_ICMP_HDR_LEN || ((p[8] << 8 | p[9]) >> 2) != MOPS_PROTO_ICMPV5)
        return;
    uint16_t type = (uint16_t)(p[24] << 8 | p[25]);
    mops_lara_mac(lara_addr, logical);
    if (type == MOPS_DEFAULT_TYPE_DAD_REQUEST)
        *dst = logical, *src = mac_pc_a;
    else if (type == MOPS_DEFAULT_TYPE_DAD_REPLY)
        *dst = mac_pc_a, *src = mac_pc_b;
    else if (type == MOPS_DEFAULT_TYPE_LARA_ADVERT)
        *dst = mops_mac_broadcast, *src = logical;
}

uint32_t carrier_wrap(int c, struct mops_builder *b)
{
    const uint8_t *mac_d, *mac_s;
    uint8_t logical[6];
    frame_macs(b, &mac_d, &mac_s, logical);
    static const uint8_t v4a[4] = {127, 0, 0, 1}, v4b[4] = {127, 0, 0, 2};
    static const uint8_t v6a[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t v6b[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    const uint16_t vlan1[1] = {100}, vlan2[2] = {0x0fff, 0x2005};
    switch (c) {
        case 0: return MOPS_LINKTYPE_USER0;
        case 1: mops_build_ethernet(b, mac_d, mac_s, NULL, 0); return MOPS_LINKTYPE_ETHERNET;
        case 2: mops_build_ethernet(b, mac_d, mac_s, vlan1, 1); return MOPS_LINKTYPE_ETHERNET;
        case 3: mops_build_ethernet(b, mac_d, mac_s, vlan2, 2); return MOPS_LINKTYPE_ETHERNET;
        case 4: mops_build_sll(b, 4, mac_s, 6); return MOPS_LINKTYPE_SLL;
        case 5: mops_build_sll2(b, 3, 0, mac_s, 6); return MOPS_LINKTYPE_SLL2;
        case 6:
            mops_build_udp4(b, v4a, v4b, 40000, MOPS_DEFAULT_UDP_PORT);
            mops_build_ethernet(b, mac_d, mac_s, NULL, 0);
            return MOPS_LINKTYPE_ETHERNET;
        case 7:
            mops_build_udp6(b, v6a, v6b, MOPS_DEFAULT_UDP_PORT, 40001);
            mops_build_ethernet(b, mac_d, mac_s, NULL, 0);
            return MOPS_LINKTYPE_ETHERNET;
        case 8: mops_build_udp4(b, v4a, v4b, 40000, MOPS_DEFAULT_UDP_PORT); return MOPS_LINKTYPE_RAW;
        case 9: mops_build_udp6(b, v6a, v6b, 40000, MOPS_DEFAULT_UDP_PORT); return MOPS_LINKTYPE_IPV6;
        case 10: {
            mops_build_udp4(b, v4a, v4b, MOPS_DEFAULT_UDP_PORT, MOPS_DEFAULT_UDP_PORT);
            b->head -= 4; /* BSD loopback: AF_INET in host order */
            uint32_t af = 2;
            memcpy(b->buf + b->head, &af, 4);
            return MOPS_LINKTYPE_NULL;
        }
    }
    return MOPS_LINKTYPE_USER0;
}

void sample_decode_built(struct mops_builder *b, uint8_t *frame, struct mops_packet *pkt)
{
    mops_build_finish(b);
    uint32_t len;
    const uint8_t *d = mops_build_data(b, &len);
    memcpy(frame, d, len);
    mops_decode_frame(NULL, MOPS_LINKTYPE_USER0, frame, len, len, pkt);
}
