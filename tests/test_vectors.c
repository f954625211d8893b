/* Every vector of the wire profile, decoded field by field and encoded again
 * byte for byte, both from its decoded struct and from values written here. */
#include "mops/build/build.h"
#include "mops/decode/decode.h"

#include "mops/core/lara_mac.h"

#include "check.h"
#include "profile_vectors.h"
#include "samples.h"

static struct mops_packet pkt;
static struct mops_builder b;

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static size_t concat(uint8_t *out, const char *h1, const char *h2)
{
    size_t n = check_hex(h1, out, 2048);
    return n + check_hex(h2, out + n, 2048 - n);
}

static void decode(const uint8_t *p, size_t n)
{
    mops_decode_frame(NULL, MOPS_LINKTYPE_USER0, p, (uint32_t)n, (uint32_t)n, &pkt);
}

/* encode(decode(x)) == x */
static void check_reencode(const uint8_t *p, size_t n)
{
    mops_build_init(&b, NULL);
    CHECK_EQ(mops_build_packet(&b, &pkt), 0);
    uint32_t len;
    const uint8_t *out = mops_build_data(&b, &len);
    CHECK_MEM(out, len, p, n);
}

static void check_built(const uint8_t *p, size_t n)
{
    CHECK_EQ(mops_build_finish(&b), 0);
    uint32_t len;
    const uint8_t *out = mops_build_data(&b, &len);
    CHECK_MEM(out, len, p, n);
}

/* Finishes b. What follows its 20-octet IPFF header must be the vector (or,
 * with `prefix`, start with it); the packet, copied to `whole`, must decode
 * cleanly. Returns the packet's length. */
static uint32_t finish_check_decode(const char *vector, size_t vector_len, int prefix, uint8_t *whole)
{
    uint8_t v[128];
    size_t n = check_hex(vector, v, sizeof v);
    CHECK_EQ(n, vector_len);
    CHECK_EQ(mops_build_finish(&b), 0);
    uint32_t len;
    const uint8_t *out = mops_build_data(&b, &len);
    CHECK_MEM(out + 20, prefix ? n : len - 20, v, n);
    memcpy(whole, out, len);
    decode(whole, len);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    CHECK_EQ(pkt.n_problems, 0);
    return len;
}

static struct mops_ipff_hdr hdr(mops_addr_t src, mops_addr_t dst, uint8_t htl)
{
    return (struct mops_ipff_hdr){.src = src, .dst = dst, .htl = htl};
}

static void test_address(void)
{
    mops_addr_t a;
    CHECK_EQ(mops_addr_parse(PV_ADDR_TEXT, 0, &a, NULL), 0);
    CHECK_EQ(a, PV_ADDR_VALUE);
    CHECK_EQ(a, PV_ADDR_HEX);
    char buf[MOPS_ADDR_STRLEN];
    CHECK_STR(mops_addr_format(PV_ADDR_VALUE, buf), PV_ADDR_TEXT);
}

static void test_header_and_migrate(void)
{
    uint8_t v[128];
    size_t n = concat(v, PV_IPFF_HDR, PV_MIGRATE);
    CHECK_EQ(n, 60);
    decode(v, n);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    CHECK_EQ(pkt.n_problems, 0);
    CHECK_EQ(pkt.link.carrier, MOPS_CARRIER_USER0);
    CHECK_EQ(pkt.ip.version, 5);
    CHECK_EQ(pkt.ip.reserved, 0);
    CHECK_EQ(pkt.ip.src, A(775, 2, 23, 6, 6));
    CHECK_EQ(pkt.ip.proto, MOPS_PROTO_ICMPV5);
    CHECK_EQ(pkt.ip.dst, A(8, 8, 8, 8, 8));
    CHECK_EQ(pkt.ip.htl, 64);
    CHECK_EQ(pkt.ip.tos, 0);
    CHECK_EQ(pkt.ip.plen, 40);
    CHECK_EQ(pkt.n_ext, 0);
    CHECK_EQ(pkt.l4_proto, MOPS_PROTO_ICMPV5);
    CHECK_EQ(pkt.l4_off, 20);
    CHECK_EQ(pkt.l4_len, 40);
    CHECK_EQ(pkt.link.trailer_len, 0);
    const struct mops_icmp *m = &pkt.icmp;
    CHECK_EQ(m->crc, 0x85c6a700);
    CHECK_EQ(m->crc_check.state, MOPS_CHECK_GOOD);
    CHECK_EQ(m->crc_check.expected, 0x85c6a700);
    CHECK_EQ(m->type, 100);
    CHECK_EQ(m->code, MOPS_MIGRATE_CODE_MIGRATE);
    CHECK_EQ(m->kind, MOPS_ICMP_KIND_MIGRATE);
    const struct mops_migrate *g = &m->u.migrate;
    CHECK_EQ(g->version, 1);
    CHECK_EQ(g->reserved, 0);
    CHECK_EQ(g->proto, MOPS_PROTO_TCP);
    CHECK_EQ(g->prev_addr, A(525, 8, 78, 3, 9));
    CHECK_EQ(g->n_ports, 1);
    CHECK_EQ(g->mig_addr, A(775, 2, 23, 6, 6));
    CHECK_EQ(g->n_decoded, 1);
    const struct mops_migrate_port *p = mops_migrate_ports(&pkt);
    CHECK_EQ(p[0].prev_sport, 1027);
    CHECK_EQ(p[0].mig_sport, 2098);
    CHECK_EQ(p[0].prev_dport, 80);
    CHECK_EQ(p[0].mig_dport, 80);
    CHECK_EQ(p[0].seq, 0x12345678);
    CHECK(pkt.layers & MOPS_L_MOPS);
    check_reencode(v, n);

    /* From values, not from the decode. */
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(A(775, 2, 23, 6, 6), A(8, 8, 8, 8, 8), 64);
    mops_build_ipff(&b, &h);
    struct mops_migrate mg = {.version = 1,
                              .proto = MOPS_PROTO_TCP,
                              .prev_addr = A(525, 8, 78, 3, 9),
                              .n_ports = 1,
                              .mig_addr = A(775, 2, 23, 6, 6)};
    struct mops_migrate_port mp = {1027, 2098, 80, 80, 0x12345678};
    mops_build_migrate(&b, MOPS_MIGRATE_CODE_MIGRATE, &mg, &mp, 1);
    check_built(v, n);
}

static void test_nat_ack(void)
{
    uint8_t frame[128];
    /* MOPS §4.3: Hops to Live 1. */
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(A(10, 2, 0, 0, 99), A(10, 2, 0, 0, 1), 1);
    mops_build_ipff(&b, &h);
    struct mops_nat_ack na = {.version = 1,
                              .level = 2,
                              .proto = MOPS_PROTO_TCP,
                              .orig_addr = A(10, 0, 0, 0, 1),
                              .n_ports = 1,
                              .trans_addr = A(525, 8, 78, 2, 2)};
    struct mops_nat_port np = {5050, 6050};
    mops_build_nat_ack(&b, &na, &np, 1);
    uint32_t len = finish_check_decode(PV_NAT_ACK, 28, 0, frame);
    CHECK_EQ(pkt.ip.htl, 1);
    const struct mops_icmp *m = &pkt.icmp;
    CHECK_EQ(m->crc, 0xd0460866);
    CHECK_EQ(m->crc_check.state, MOPS_CHECK_GOOD);
    CHECK_EQ(m->type, 102);
    CHECK_EQ(m->code, 0);
    CHECK_EQ(m->kind, MOPS_ICMP_KIND_NAT_ACK);
    const struct mops_nat_ack *a = &m->u.natack;
    CHECK_EQ(a->version, 1);
    CHECK_EQ(a->level, 2);
    CHECK_EQ(a->proto, MOPS_PROTO_TCP);
    CHECK_EQ(a->orig_addr, A(10, 0, 0, 0, 1));
    CHECK_EQ(a->n_ports, 1);
    CHECK_EQ(a->trans_addr, A(525, 8, 78, 2, 2));
    CHECK_EQ(a->n_decoded, 1);
    CHECK_EQ(mops_natack_ports(&pkt)[0].orig_port, 5050);
    CHECK_EQ(mops_natack_ports(&pkt)[0].trans_port, 6050);
    check_reencode(frame, len);
}

static void test_anycast_ack(void)
{
    uint8_t whole[160];
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(A(8, 8, 8, 8, 8), A(525, 8, 78, 3, 9), 64);
    mops_build_ipff(&b, &h);
    struct mops_anycast_ack ac = {.version = 1,
                                  .proto = MOPS_PROTO_TCP,
                                  .anycast_addr = A(8, 8, 8, 8, 8),
                                  .unicast_addr = A(8, 8, 4, 4, 4),
                                  .sport = 1027,
                                  .dport = 80};
    mops_build_anycast_ack(&b, &ac);
    uint32_t len = finish_check_decode(PV_ANYCAST_ACK, 28, 0, whole);
    const struct mops_icmp *m = &pkt.icmp;
    CHECK_EQ(m->crc, 0x1dbf8567);
    CHECK_EQ(m->crc_check.state, MOPS_CHECK_GOOD);
    CHECK_EQ(m->type, 101);
    CHECK_EQ(m->kind, MOPS_ICMP_KIND_ANYCAST_ACK);
    CHECK_EQ(m->u.anycast.version, 1);
    CHECK_EQ(m->u.anycast.proto, MOPS_PROTO_TCP);
    CHECK_EQ(m->u.anycast.anycast_addr, A(8, 8, 8, 8, 8));
    CHECK_EQ(m->u.anycast.reserved2, 0);
    CHECK_EQ(m->u.anycast.unicast_addr, A(8, 8, 4, 4, 4));
    CHECK_EQ(m->u.anycast.sport, 1027);
    CHECK_EQ(m->u.anycast.dport, 80);
    check_reencode(whole, len);
}

static void test_tcp_syn(void)
{
    uint8_t whole[160];
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 64);
    mops_build_ipff(&b, &h);
    struct mops_tcp t = {
        .sport = 1027, .dport = 80, .seq = 0x0badcafe, .flags = MOPS_TCP_SYN, .window = 65535, .n_opts = 3};
    t.opts[0].kind = MOPS_DEFAULT_MOBILE_CAPABLE_KIND;
    t.opts[1].kind = MOPS_TCPOPT_NOP;
    t.opts[2].kind = MOPS_TCPOPT_NOP;
    mops_build_tcp(&b, &t, NULL, 0);
    uint32_t len = finish_check_decode(PV_TCP_SYN, 24, 0, whole);
    CHECK_EQ(pkt.ip.proto, MOPS_PROTO_TCP);
    const struct mops_tcp *d = &pkt.tcp;
    CHECK_EQ(d->sport, 1027);
    CHECK_EQ(d->dport, 80);
    CHECK_EQ(d->seq, 0x0badcafe);
    CHECK_EQ(d->ack, 0);
    CHECK_EQ(d->doff, 6);
    CHECK_EQ(d->flags, MOPS_TCP_SYN);
    CHECK_EQ(d->window, 65535);
    CHECK_EQ(d->csum, 0x5d54);
    CHECK_EQ(d->csum_check.state, MOPS_CHECK_GOOD);
    CHECK_EQ(d->n_opts, 3);
    CHECK_EQ(d->opts[0].kind, 32);
    CHECK_EQ(d->opts[0].len, 2);
    CHECK_EQ(d->opts[1].kind, MOPS_TCPOPT_NOP);
    CHECK_EQ(d->opts[2].kind, MOPS_TCPOPT_NOP);
    CHECK(d->mobile_capable);
    CHECK_EQ(d->payload_len, 0);
    check_reencode(whole, len);
}

static void test_udp(void)
{
    uint8_t whole[128];
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 64);
    mops_build_ipff(&b, &h);
    mops_build_udpv5(&b, 5000, 53, (const uint8_t *)"hello", 5);
    uint32_t len = finish_check_decode(PV_UDP, 11, 0, whole);
    CHECK_EQ(pkt.udp.sport, 5000);
    CHECK_EQ(pkt.udp.dport, 53);
    CHECK_EQ(pkt.udp.csum, 0x61aa);
    CHECK_EQ(pkt.udp.csum_check.state, MOPS_CHECK_GOOD);
    CHECK_EQ(pkt.udp.payload_len, 5);
    CHECK_MEM(whole + pkt.udp.payload_off, pkt.udp.payload_len, "hello", 5);
    check_reencode(whole, len);
}

static void test_recv_src(void)
{
    uint8_t whole[160];
    /* The server's SYN-ACK to the NATed client of Appendix B. */
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(A(8, 8, 8, 8, 8), A(525, 8, 78, 2, 2), 64);
    mops_build_ipff(&b, &h);
    struct mops_opt_spec o;
    uint8_t od[10];
    mops_opt_recv_src(NULL, &o, od, 6050, A(525, 8, 78, 2, 2));
    mops_build_opts_header(&b, MOPS_PROTO_DSTOPTS, &o, 1);
    struct mops_tcp t = {.sport = 80,
                         .dport = 6050,
                         .seq = 0x11223344,
                         .ack = 0x0badcaff,
                         .flags = MOPS_TCP_SYN | MOPS_TCP_ACK,
                         .window = 65535,
                         .n_opts = 3};
    t.opts[0].kind = 32;
    t.opts[1].kind = MOPS_TCPOPT_NOP;
    t.opts[2].kind = MOPS_TCPOPT_NOP;
    mops_build_tcp(&b, &t, NULL, 0);
    uint32_t len = finish_check_decode(PV_RECV_SRC_DSTOPTS, 16, 1, whole);
    CHECK_EQ(pkt.ip.proto, MOPS_PROTO_DSTOPTS);
    CHECK_EQ(pkt.n_ext, 1);
    CHECK_EQ(pkt.ext[0].type, MOPS_PROTO_DSTOPTS);
    CHECK_EQ(pkt.ext[0].next, MOPS_PROTO_TCP);
    CHECK_EQ(pkt.ext[0].off, 20);
    CHECK_EQ(pkt.ext[0].len, 16);
    CHECK_EQ(pkt.ext[0].u.opts.hdr_ext_len, 1);
    CHECK_EQ(pkt.ext[0].u.opts.n_opts, 2);
    CHECK_EQ(pkt.options[0].type, 0x22);
    CHECK_EQ(pkt.options[0].len, 10);
    CHECK_EQ(pkt.options[1].type, MOPS_OPT_PAD1);
    CHECK(pkt.recv_src.present);
    CHECK_EQ(pkt.recv_src.port, 6050);
    CHECK_EQ(pkt.recv_src.pad, 0);
    CHECK_EQ(pkt.recv_src.addr, A(525, 8, 78, 2, 2));
    CHECK_EQ(pkt.l4_proto, MOPS_PROTO_TCP);
    CHECK_EQ(pkt.tcp.flags, MOPS_TCP_SYN | MOPS_TCP_ACK);
    CHECK_EQ(pkt.tcp.csum_check.state, MOPS_CHECK_GOOD);
    CHECK(pkt.tcp.mobile_capable);
    check_reencode(whole, len);
}

static void test_lara_macs(void)
{
    mops_addr_t a, g;
    uint8_t mac[6], want[6];
    CHECK_EQ(mops_addr_parse(PV_LARA_ADDR_TEXT, 0, &a, NULL), 0);
    CHECK_EQ(mops_addr_parse(PV_LARA_MCAST_ADDR_TEXT, 0, &g, NULL), 0);
    check_hex(PV_LARA_MAC, want, 6);
    mops_lara_mac(a, mac);
    CHECK_MEM(mac, 6, want, 6);
    mops_lara_dst_mac(a, mac);
    CHECK_MEM(mac, 6, want, 6);
    CHECK_EQ(mops_mac_kind(mac), MOPS_MAC_LOGICAL);
    CHECK(mops_lara_mac_of(mac, a));
    /* f1 is not in the MAC: 1.201.769.25.133 has the same one. */
    CHECK(mops_lara_mac_of(mac, A(1, 201, 769, 25, 133)));
    CHECK(!mops_lara_mac_of(mac, A(382, 201, 769, 25, 134)));
    char buf[MOPS_LARA_RESOLVED_STRLEN];
    mops_addr_t cand[2] = {A(8, 8, 8, 8, 8), a};
    CHECK_EQ(mops_lara_mac_resolve(mac, cand, 2, buf), 1);
    CHECK_STR(buf, "logical MAC of 382.201.769.25.133");
    CHECK_EQ(mops_lara_mac_resolve(mac, cand, 1, buf), -1);
    CHECK_STR(buf, "logical MAC of *.201.769.25.133");

    check_hex(PV_LARA_MCAST_MAC, want, 6);
    mops_lara_mcast_mac(g, mac);
    CHECK_MEM(mac, 6, want, 6);
    mops_lara_dst_mac(g, mac);
    CHECK_MEM(mac, 6, want, 6);
    CHECK_EQ(mops_mac_kind(mac), MOPS_MAC_MULTICAST);
    CHECK_EQ(mops_lara_mac_resolve(mac, &g, 1, buf), 0);
    CHECK_STR(buf, "multicast MAC of 99.9.0.1.2");
    CHECK_EQ(mops_lara_mac_resolve(mac, NULL, 0, buf), -1);
    CHECK_STR(buf, "multicast MAC of *.*.0.1.2");
    /* LARA §8: the 2 bits above the 30 are zero; f1 and f2 are dropped. */
    mops_lara_mcast_mac(A(99, 9, 1023, 1023, 1023), mac);
    CHECK_EQ(mac[2], 0x3f);
    CHECK_EQ(mac[5], 0xff);

    mops_lara_dst_mac(0, mac);
    CHECK_MEM(mac, 6, mops_mac_broadcast, 6);
    CHECK_EQ(mops_mac_kind(mac), MOPS_MAC_BROADCAST);
    CHECK_EQ(mops_lara_mac_resolve(mac, NULL, 0, buf), -1);
    CHECK_STR(buf, "broadcast");
    const uint8_t phys[6] = {0xb8, 0x6b, 0x23, 0x7b, 0xc3, 0x79};
    CHECK_EQ(mops_mac_kind(phys), MOPS_MAC_OTHER);
    CHECK_EQ(mops_lara_mac_resolve(phys, cand, 2, buf), -1);
    CHECK_STR(buf, "");
}

/* A DAD request or reply as decoded, against the profile's values. */
static void check_dad_fields(bool reply)
{
    const struct mops_icmp *m = &pkt.icmp;
    const uint8_t mac_a[6] = {0xb8, 0x6b, 0x23, 0x7b, 0xc3, 0x79}, mac_b[6] = {0xb8, 0x6b, 0x23, 0x7b, 0xc3, 0x80};
    CHECK_EQ(pkt.ip.src, A(382, 201, 769, 25, 133));
    CHECK_EQ(pkt.ip.dst, A(382, 201, 769, 25, 133));
    CHECK_EQ(pkt.ip.htl, 1);
    CHECK_EQ(m->crc, reply ? 0x3cb32ff9u : 0x59659787u);
    CHECK_EQ(m->crc_check.state, MOPS_CHECK_GOOD);
    CHECK_EQ(m->type, reply ? 17 : 16);
    CHECK_EQ(m->code, 0);
    CHECK_EQ(m->kind, reply ? MOPS_ICMP_KIND_DAD_REPLY : MOPS_ICMP_KIND_DAD_REQUEST);
    CHECK(pkt.layers & MOPS_L_LARA);
    CHECK(!(pkt.layers & MOPS_L_MOPS));
    CHECK_EQ(m->u.dad.reserved, 0);
    CHECK_MEM(m->u.dad.mac, 6, reply ? mac_b : mac_a, 6);
    CHECK_EQ(m->u.dad.session_id, reply ? 0x5eed0002u : 0x5eed0001u);
}

static void test_dad(void)
{
    uint8_t whole[160];
    for (int reply = 0; reply < 2; reply++) {
        mops_build_init(&b, NULL);
        struct mops_ipff_hdr h = hdr(A(382, 201, 769, 25, 133), A(382, 201, 769, 25, 133), 1);
        mops_build_ipff(&b, &h);
        struct mops_dad d = {.mac = {0xb8, 0x6b, 0x23, 0x7b, 0xc3, reply ? 0x80 : 0x79},
                             .session_id = reply ? 0x5eed0002u : 0x5eed0001u};
        mops_build_dad(&b, reply, &d);
        uint32_t len = finish_check_decode(reply ? PV_DAD_REPLY : PV_DAD_REQUEST, 20, 0, whole);
        check_dad_fields(reply);
        check_reencode(whole, len);
    }
}

static void test_lara_advert(void)
{
    uint8_t whole[64];
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(A(382, 201, 769, 25, 133), 0, 1);
    mops_build_ipff(&b, &h);
    mops_build_lara_advert(&b);
    uint32_t len = finish_check_decode(PV_LARA_ADVERT, 8, 0, whole);
    CHECK_EQ(pkt.icmp.crc, 0x57e84278u);
    CHECK_EQ(pkt.icmp.type, 18);
    CHECK_EQ(pkt.icmp.kind, MOPS_ICMP_KIND_LARA_ADVERT);
    CHECK(pkt.layers & MOPS_L_LARA);
    check_reencode(whole, len);
}

/* The §9 vectors on every carrier of profile §1 (samples 23-25, with the
 * MACs LARA gives them): the same fields, no problem, and on Ethernet the
 * logical MACs named. */
static void test_lara_carriers(void)
{
    static uint8_t frame[512];
    for (int c = 0; c < carrier_count(); c++)
        for (int i = 23; i <= 25; i++) {
            sample_build(i, &b);
            uint32_t lt = carrier_wrap(c, &b), len;
            const uint8_t *d = mops_build_data(&b, &len);
            memcpy(frame, d, len);
            mops_decode_frame(NULL, lt, frame, len, len, &pkt);
            CHECK_EQ(pkt.status, MOPS_ST_OK);
            CHECK_EQ(pkt.n_problems, 0);
            if (i < 25)
                check_dad_fields(i == 24);
            else
                CHECK_EQ(pkt.icmp.kind, MOPS_ICMP_KIND_LARA_ADVERT);
            struct mops_lara_names n;
            mops_lara_names(&pkt, &n);
            if (pkt.link.carrier != MOPS_CARRIER_ETHERNET || (pkt.layers & MOPS_L_OVERLAY)) {
                if (pkt.link.carrier != MOPS_CARRIER_SLL && pkt.link.carrier != MOPS_CARRIER_SLL2)
                    CHECK_STR(n.src, "");
                CHECK_STR(n.dst, "");
                continue;
            }
            if (i == 23) {
                CHECK_STR(n.src, "");
                CHECK_STR(n.dst, "logical MAC of 382.201.769.25.133");
                CHECK(n.dst_of_known);
                CHECK_EQ(n.dst_of, A(382, 201, 769, 25, 133));
            } else if (i == 24) {
                CHECK_STR(n.src, "");
                CHECK_STR(n.dst, "");
            } else {
                CHECK_STR(n.src, "logical MAC of 382.201.769.25.133");
                CHECK(n.src_of_known);
                CHECK_STR(n.dst, "broadcast");
                CHECK(!n.dst_of_known);
            }
        }
}

/* What profile §9 requires of the messages, each fault its problem. */
static int has(enum mops_problem_id id)
{
    int k = 0;
    for (unsigned i = 0; i < pkt.n_problems; i++)
        k += pkt.problems[i].id == id;
    return k;
}

static void build_dad_frame(mops_addr_t src, mops_addr_t dst, uint8_t htl, const uint8_t eth_dst[6],
                            const uint8_t eth_src[6], const uint8_t body_mac[6], size_t extra)
{
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(src, dst, htl);
    mops_build_ipff(&b, &h);
    /* Reserved, Source MAC, Session ID 7, then `extra` octets. */
    uint8_t body[16] = {0};
    memcpy(body + 2, body_mac, 6);
    body[11] = 7;
    mops_build_icmp(&b, MOPS_DEFAULT_TYPE_DAD_REQUEST, 0, 0, body, 12 + extra);
    CHECK_EQ(mops_build_finish(&b), 0);
    mops_build_ethernet(&b, eth_dst, eth_src, NULL, 0);
}

static void decode_built(uint32_t lt)
{
    static uint8_t frame[512];
    uint32_t len;
    const uint8_t *d = mops_build_data(&b, &len);
    memcpy(frame, d, len);
    mops_decode_frame(NULL, lt, frame, len, len, &pkt);
}

static void test_lara_problems(void)
{
    const mops_addr_t a = A(382, 201, 769, 25, 133);
    const uint8_t phys[6] = {0xb8, 0x6b, 0x23, 0x7b, 0xc3, 0x79}, other[6] = {2, 0, 0, 0, 0, 1};
    uint8_t logical[6];
    mops_lara_mac(a, logical);

    build_dad_frame(a, a, 1, logical, phys, phys, 0); /* FastDAD */
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.n_problems, 0);
    build_dad_frame(a, a, 1, mops_mac_broadcast, phys, phys, 0); /* PowerDAD */
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.n_problems, 0);

    build_dad_frame(a, a, 2, logical, phys, phys, 0);
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.n_problems, 1);
    CHECK_EQ(has(MOPS_P_LARA_HTL), 1);
    build_dad_frame(a, A(382, 201, 769, 25, 134), 1, logical, phys, phys, 0);
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(has(MOPS_P_LARA_ADDR), 1);
    build_dad_frame(a, a, 1, logical, phys, other, 0); /* Source MAC is not the frame's */
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.n_problems, 1);
    CHECK_EQ(has(MOPS_P_LARA_MAC), 1);
    build_dad_frame(a, a, 1, other, phys, phys, 0); /* neither FastDAD nor PowerDAD */
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.n_problems, 1);
    CHECK_EQ(has(MOPS_P_LARA_MAC), 1);
    build_dad_frame(a, a, 1, logical, phys, phys, 1); /* 21 octets */
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.n_problems, 1);
    CHECK_EQ(has(MOPS_P_ICMP5_LENGTH), 1);
    CHECK_EQ(pkt.icmp.u.dad.session_id, 7);

    /* 19 octets: too short to hold the body. */
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = hdr(a, a, 1);
    mops_build_ipff(&b, &h);
    const uint8_t body[11] = {0};
    mops_build_icmp(&b, MOPS_DEFAULT_TYPE_DAD_REQUEST, 0, 0, body, sizeof body);
    CHECK_EQ(mops_build_finish(&b), 0);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.n_problems, 1);
    CHECK_EQ(has(MOPS_P_ICMP5_LENGTH), 1);
    CHECK(!(pkt.layers & MOPS_L_LARA));

    /* The advertisement: to 0.0.0.0.0, from the logical MAC, to broadcast. */
    mops_build_init(&b, NULL);
    h = hdr(a, A(8, 8, 8, 8, 8), 1);
    mops_build_ipff(&b, &h);
    mops_build_lara_advert(&b);
    CHECK_EQ(mops_build_finish(&b), 0);
    mops_build_ethernet(&b, other, phys, NULL, 0);
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.n_problems, 3);
    CHECK_EQ(has(MOPS_P_LARA_ADDR), 1);
    CHECK_EQ(has(MOPS_P_LARA_MAC), 2);

    /* A code other than 0. */
    mops_build_init(&b, NULL);
    h = hdr(a, 0, 1);
    mops_build_ipff(&b, &h);
    mops_build_icmp(&b, MOPS_DEFAULT_TYPE_LARA_ADVERT, 3, 0, NULL, 0);
    CHECK_EQ(mops_build_finish(&b), 0);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.n_problems, 1);
    CHECK_EQ(has(MOPS_P_ICMP5_CODE_UNKNOWN), 1);
}

int main(void)
{
    test_address();
    test_header_and_migrate();
    test_nat_ack();
    test_anycast_ack();
    test_tcp_syn();
    test_udp();
    test_recv_src();
    test_lara_macs();
    test_dad();
    test_lara_advert();
    test_lara_carriers();
    test_lara_problems();
    return check_report("test_vectors");
}
