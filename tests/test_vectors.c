/* Every vector of the wire profile, decoded field by field and encoded again
 * byte for byte, both from its decoded struct and from values written here. */
#include "mops/build/build.h"
#include "mops/decode/decode.h"

#include "check.h"
#include "profile_vectors.h"

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

int main(void)
{
    test_address();
    test_header_and_migrate();
    test_nat_ack();
    test_anycast_ack();
    test_tcp_syn();
    test_udp();
    test_recv_src();
    return check_report("test_vectors");
}
