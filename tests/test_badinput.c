/* Bad input: every prefix of every sample on every carrier, and each bad case
 * of issue 2 with the problem id and text it must produce. Frames are copied
 * into heap buffers of their exact length so that the sanitizer build proves
 * no read passes the end. */
#include "mops/decode/decode.h"

#include "check.h"
#include "samples.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static struct mops_packet pkt;
static struct mops_builder b;

/* Decodes a copy of exactly caplen octets. */
static void decode_exact(uint32_t lt, const uint8_t *p, uint32_t caplen, uint32_t wirelen)
{
    uint8_t *copy = malloc(caplen ? caplen : 1);
    memcpy(copy, p, caplen);
    mops_decode_frame(NULL, lt, copy, caplen, wirelen, &pkt);
    /* Everything a front end reads must stay within the copy. */
    for (unsigned i = 0; i < pkt.n_problems; i++)
        CHECK(pkt.problems[i].offset <= caplen);
    pkt.frame = NULL;
    free(copy);
}

static void decode_built(uint32_t lt)
{
    uint32_t n;
    const uint8_t *p = mops_build_data(&b, &n);
    decode_exact(lt, p, n, n);
}

static const struct mops_problem *expect(enum mops_problem_id id, const char *text)
{
    const struct mops_problem *p = mops_packet_first_problem(&pkt, id);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "  wanted %s; got:", mops_problem_info(id)->id);
        for (unsigned i = 0; i < pkt.n_problems; i++)
            fprintf(stderr, " [%s %s]", mops_problem_info(pkt.problems[i].id)->id, pkt.problems[i].text);
        fprintf(stderr, "\n");
        return NULL;
    }
    if (text)
        CHECK_STR(p->text, text);
    return p;
}

static void test_every_prefix(void)
{
    static uint8_t frame[70000];
    for (int c = 0; c < carrier_count(); c++) {
        for (int i = 0; i < sample_count(); i++) {
            sample_build(i, &b);
            uint32_t lt = carrier_wrap(c, &b), n;
            const uint8_t *p = mops_build_data(&b, &n);
            memcpy(frame, p, n);
            for (uint32_t len = 0; len < n; len++) {
                int before = check_failed;
                /* Cut by the capture (snaplen): truncated. */
                decode_exact(lt, frame, len, n);
                if (len == 0 && lt == MOPS_LINKTYPE_RAW)
                    CHECK_EQ(pkt.status, MOPS_ST_NOT_IPFF); /* nothing says it is IP */
                else
                    CHECK_EQ(pkt.status, MOPS_ST_TRUNCATED);
                if (pkt.status == MOPS_ST_TRUNCATED)
                    CHECK(strstr(pkt.problems[0].text, "truncated at offset") != NULL || mops_packet_truncated(&pkt));
                /* A frame that really is this short: something is wrong with it. */
                decode_exact(lt, frame, len, len);
                CHECK(pkt.status != MOPS_ST_OK);
                if (check_failed != before) {
                    fprintf(stderr, "  sample \"%s\" over %s cut at %u of %u: %s\n", sample_name(i), carrier_name(c),
                            len, n, mops_status_name(pkt.status));
                    return;
                }
            }
        }
    }
}

static void build_migrate(mops_addr_t src, uint16_t n_ports, unsigned n_entries)
{
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = src, .dst = A(8, 8, 8, 8, 8), .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_migrate g = {.version = 1,
                             .proto = 6,
                             .prev_addr = A(525, 8, 78, 3, 9),
                             .n_ports = n_ports,
                             .mig_addr = A(775, 2, 23, 6, 6)};
    struct mops_migrate_port p[2] = {{1027, 2098, 80, 80, 0x12345678}, {1028, 2099, 80, 80, 7}};
    mops_build_migrate(&b, 0, &g, p, n_entries);
    mops_build_finish(&b);
}

static void test_lengths(void)
{
    /* Payload Length larger than the frame. */
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    mops_build_set_plen(&b, 100);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);
    expect(MOPS_P_IPFF_LENGTH, "Payload Length 100 but the frame carries 40 octets after the header");
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_UNVERIFIED);
    CHECK_EQ(pkt.icmp.u.migrate.n_decoded, 1); /* what is there is still decoded */

    /* Payload Length smaller than the message: the rest is a trailer. */
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    mops_build_set_plen(&b, 30);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);
    CHECK_EQ(pkt.link.trailer_len, 10);
    expect(MOPS_P_MOPS_LENGTH, "Migrate with Number of Ports 1 needs 40 octets, the message has 30");
    expect(MOPS_P_ICMP5_CRC, NULL);
    CHECK_EQ(pkt.icmp.u.migrate.n_decoded, 0);

    /* Number of Ports that does not match the length. */
    build_migrate(A(775, 2, 23, 6, 6), 3, 2);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);
    expect(MOPS_P_MOPS_LENGTH, "Migrate with Number of Ports 3 needs 72 octets, the message has 56");
    CHECK_EQ(pkt.icmp.u.migrate.n_ports, 3);
    CHECK_EQ(pkt.icmp.u.migrate.n_decoded, 2);
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_GOOD);
    build_migrate(A(775, 2, 23, 6, 6), 1, 2);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_MOPS_LENGTH, "Migrate with Number of Ports 1 needs 40 octets, the message has 56");
    CHECK_EQ(pkt.icmp.u.migrate.n_decoded, 1);

    /* N = 0. */
    build_migrate(A(775, 2, 23, 6, 6), 0, 0);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);
    expect(MOPS_P_MOPS_LENGTH, "Migrate with Number of Ports 0 (at least 1 is required)");
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = A(10, 2, 0, 0, 99), .dst = A(10, 2, 0, 0, 1), .htl = 1};
    mops_build_ipff(&b, &h);
    struct mops_nat_ack na = {.version = 1, .level = 1, .proto = 6, .n_ports = 0};
    mops_build_nat_ack(&b, &na, NULL, 0);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_MOPS_LENGTH, "NAT Acknowledgement with Number of Ports 0 (at least 1 is required)");
    /* A NAT ack whose entries run short of N. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    na.n_ports = 4;
    struct mops_nat_port np[1] = {{1027, 5050}};
    mops_build_nat_ack(&b, &na, np, 1);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_MOPS_LENGTH, "NAT Acknowledgement with Number of Ports 4 needs 40 octets, the message has 28");
    CHECK_EQ(pkt.icmp.u.natack.n_decoded, 1);

    /* Anycast ack of the wrong size. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    uint8_t body[24] = {0};
    mops_build_icmp(&b, MOPS_DEFAULT_TYPE_ANYCAST_ACK, 0, 0x10, body, 12);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_MOPS_LENGTH, "Anycast Server Acknowledgement of 20 octets, expected 28");
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);

    /* ICMPv5 error shorter than its excerpt. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_icmp(&b, MOPS_ICMP_HOPS_EXCEEDED, 0, 0, body, 20);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_ICMP5_LENGTH, "Hops Exceeded of 28 octets, expected 52");
}

static void test_values(void)
{
    /* Address fields above 999, in the header and in a MOPS message. */
    build_migrate(A(1003, 0, 0, 0, 1), 1, 1);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_OK); /* well-formed, wrong value */
    expect(MOPS_P_IPFF_ADDR_FIELD, "invalid address field 1003 in ipff.src 1003.0.0.0.1");
    CHECK_EQ(pkt.ip.src, A(1003, 0, 0, 0, 1));
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_GOOD);
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = A(775, 2, 23, 6, 6), .dst = A(8, 8, 8, 8, 8), .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_migrate g = {
        .version = 1, .proto = 6, .prev_addr = A(525, 8, 78, 3, 9), .n_ports = 1, .mig_addr = A(775, 1023, 23, 6, 6)};
    struct mops_migrate_port mp = {1027, 2098, 80, 80, 1};
    mops_build_migrate(&b, 0, &g, &mp, 1);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_IPFF_ADDR_FIELD, "invalid address field 1023 in mops.migrate.mig_addr 775.1023.23.6.6");

    /* IPFF version other than 5. */
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    b.buf[b.ipff] = (uint8_t)(4 << 4 | (b.buf[b.ipff] & 0xf));
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);
    expect(MOPS_P_IPFF_VERSION, "IPFF version 4, expected 5");
    CHECK_EQ(pkt.ip.version, 4);
    CHECK(!(pkt.layers & MOPS_L_IPFF));

    /* Reserved bits. */
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    b.buf[b.ipff + 1] |= 0x40;
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_IPFF_RESERVED, "reserved bits 0x010 set");

    /* Checksums. */
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    mops_build_set_checksum(&b, 0xdeadbeef);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    expect(MOPS_P_ICMP5_CRC, "bad crc 0xdeadbeef != 0x85c6a700");
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_BAD);
    CHECK_EQ(pkt.icmp.crc_check.expected, 0x85c6a700);

    sample_build(8, &b); /* TCP SYN */
    mops_build_set_checksum(&b, 0x1234);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_TCP_CHECKSUM, "bad tcp checksum 0x1234 != 0x5d54");
    CHECK_EQ(pkt.tcp.csum_check.state, MOPS_CHECK_BAD);
    sample_build(12, &b); /* UDPv5 */
    mops_build_set_checksum(&b, 0);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_UDP5_ZERO_CHECKSUM, "UDPv5 checksum 0 (the checksum is mandatory), should be 0x61aa");
    CHECK(!mops_packet_has_problem(&pkt, MOPS_P_UDP5_CHECKSUM));
    mops_build_set_checksum(&b, 0x61ab);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_UDP5_CHECKSUM, "bad udp checksum 0x61ab != 0x61aa");

    /* MOPS version, NAT ack Hops to Live, unknown codes. */
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    b.buf[b.l4 + 7] = 0x20;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_MOPS_VERSION, "MOPS version 2, expected 1");
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_GOOD);
    sample_build(5, &b);
    b.buf[b.ipff + 16] = 5;
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_MOPS_NATACK_HTL, "NAT Acknowledgement with Hops to Live 5, expected 1");
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    b.buf[b.l4 + 6] = 9;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_ICMP5_CODE_UNKNOWN, "unknown Migrate code 9");

    /* Unknown ICMPv5 type: noted, CRC still checked. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_icmp(&b, 77, 0, 0, (const uint8_t *)"abcd", 4);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    CHECK_EQ(pkt.icmp.kind, MOPS_ICMP_KIND_UNKNOWN);
    expect(MOPS_P_ICMP5_TYPE_UNKNOWN, "unknown ICMPv5 type 77");
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_GOOD);

    /* Custom MOPS type numbers (--mops-types): 100 is then unknown. */
    struct mops_settings s = mops_settings_default;
    const char *why;
    CHECK_EQ(mops_settings_parse_types(&s, "200,201,202", &why), 0);
    CHECK_EQ(mops_settings_parse_types(&s, "1,201,202", &why), -1);
    CHECK_STR(why, "a MOPS ICMPv5 type may not reuse a base ICMPv5 type (1-5, 128-130)");
    CHECK_EQ(mops_settings_parse_types(&s, "200,200,202", &why), -1);
    CHECK_STR(why, "the three MOPS ICMPv5 types must differ");
    CHECK_EQ(mops_settings_parse_types(&s, "200,201", &why), -1);
    build_migrate(A(775, 2, 23, 6, 6), 1, 1);
    uint32_t n;
    const uint8_t *p = mops_build_data(&b, &n);
    mops_decode_frame(&s, MOPS_LINKTYPE_USER0, p, n, n, &pkt);
    expect(MOPS_P_ICMP5_TYPE_UNKNOWN, "unknown ICMPv5 type 100");
}

static void test_ext_headers(void)
{
    struct mops_ipff_hdr h = {.src = A(10, 2, 0, 0, 1), .dst = A(8, 8, 8, 8, 8), .htl = 64};
    /* Unknown protocol (an unknown extension header or transport). */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_raw(&b, 300, (const uint8_t *)"12345678", 8);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    CHECK_EQ(pkt.l4_proto, 300);
    expect(MOPS_P_IPFF_PROTO_UNKNOWN, "protocol 300 not decoded (8 octets)");

    /* 64 extension headers are decoded; the 65th is one too many. */
    for (unsigned count = 64; count <= 66; count += 2) {
        mops_build_init(&b, NULL);
        mops_build_ipff(&b, &h);
        for (unsigned i = 0; i < count; i++)
            mops_build_vrf1(&b, i);
        mops_build_udpv5(&b, 1, 2, NULL, 0);
        mops_build_finish(&b);
        decode_built(MOPS_LINKTYPE_USER0);
        if (count == 64) {
            CHECK_EQ(pkt.status, MOPS_ST_OK);
            CHECK_EQ(pkt.n_ext, 64);
            CHECK_EQ(pkt.ext[63].u.vrf1.label, 63);
        } else {
            CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);
            CHECK_EQ(pkt.n_ext, 64);
            expect(MOPS_P_IPFF_EXT_LIMIT, "more than 64 extension headers; the rest is not decoded");
        }
    }
    /* A loop of Destination Options headers naming each other. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    for (unsigned i = 0; i < 200; i++)
        mops_build_opts_header(&b, MOPS_PROTO_DSTOPTS, NULL, 0);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_IPFF_EXT_LIMIT, NULL);
    /* Hop-by-Hop anywhere but first. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_flow_label(&b, 1);
    mops_build_opts_header(&b, MOPS_PROTO_HOPOPTS, NULL, 0);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_IPFF_EXT_ORDER, "Hop-by-Hop Options header in position 2");
    /* Hdr Ext Len past the Payload Length. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_opts_header(&b, MOPS_PROTO_DSTOPTS, NULL, 0);
    b.buf[b.ipff + 22] = 9; /* 80 octets claimed, 8 there */
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED);
    expect(MOPS_P_IPFF_EXT_MALFORMED, "Destination Options runs past its end at offset 28");
    /* The same header cut by the capture instead. */
    uint32_t n;
    const uint8_t *p = mops_build_data(&b, &n);
    decode_exact(MOPS_LINKTYPE_USER0, p, n, n + 72);
    CHECK_EQ(pkt.status, MOPS_ST_MALFORMED); /* Payload Length still says 8 */
    /* An option running past its header; a received-source option of the wrong size. */
    uint8_t d[16] = {0};
    struct mops_opt_spec big = {MOPS_OPT_PADN, 9, d};
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_opts_header(&b, MOPS_PROTO_DSTOPTS, &big, 1);
    b.buf[b.ipff + 24] = 40;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_IPFF_EXT_MALFORMED, "option runs past its end at offset 25");
    struct mops_opt_spec rs = {MOPS_DEFAULT_RECV_SRC_OPTION, 8, d};
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_opts_header(&b, MOPS_PROTO_DSTOPTS, &rs, 1);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_IPFF_EXT_MALFORMED, "received-source option of length 8, expected 10");
    CHECK(!pkt.recv_src.present);
    /* Unknown options: skip quietly (00), note the ones that say discard. */
    struct mops_opt_spec unk[2] = {{0x3e, 2, d}, {0x9e, 2, d}};
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_opts_header(&b, MOPS_PROTO_DSTOPTS, unk, 2);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.n_problems, 1);
    expect(MOPS_P_IPFF_OPTION_UNKNOWN, "unknown option type 0x9e (action: discard, send Parameter Problem)");
    /* More problems than are kept: counted all the same. */
    mops_addr_t bad[30];
    for (unsigned i = 0; i < 30; i++)
        bad[i] = A(1000 + i % 24, 0, 0, 0, i);
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_routing0(&b, 1, bad, 30);
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    CHECK_EQ(pkt.n_problems, MOPS_MAX_PROBLEMS);
    CHECK_EQ(pkt.n_problems_seen, 30);
    CHECK_EQ(pkt.ext[0].u.routing.n_addrs, 30);
}

static void test_tcp(void)
{
    struct mops_ipff_hdr h = {.src = A(10, 2, 0, 0, 1), .dst = A(8, 8, 8, 8, 8), .htl = 64};
    struct mops_tcp t = {.sport = 1, .dport = 2, .flags = MOPS_TCP_SYN, .n_opts = 1};
    t.opts[0].kind = 32;
    /* Data offset below 5. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_tcp(&b, &t, NULL, 0);
    b.buf[b.l4 + 12] = 0x40;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_TCP_MALFORMED, "TCP data offset 4 (16 octets) in a 24-octet segment");
    /* Data offset past the segment. */
    b.buf[b.l4 + 12] = 0xf0;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_TCP_MALFORMED, "TCP data offset 15 (60 octets) in a 24-octet segment");
    /* MOBILE_CAPABLE with the wrong length; an option of length 1; one past the header. */
    mops_build_init(&b, NULL);
    mops_build_ipff(&b, &h);
    mops_build_tcp(&b, &t, NULL, 0);
    b.buf[b.l4 + 21] = 3;
    b.buf[b.l4 + 22] = 0;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_TCP_OPTION, "MOBILE_CAPABLE option of length 3, expected 2");
    CHECK(pkt.tcp.mobile_capable);
    b.buf[b.l4 + 21] = 1;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_TCP_OPTION, "TCP option kind 32 with length 1 (at least 2)");
    b.buf[b.l4 + 21] = 9;
    mops_build_finish(&b);
    decode_built(MOPS_LINKTYPE_USER0);
    expect(MOPS_P_TCP_OPTION, "TCP option runs past its end at offset 42");
    CHECK_EQ(pkt.tcp.csum_check.state, MOPS_CHECK_GOOD);
}

static void test_trailer_and_carriers(void)
{
    /* Ethernet padding to 60 octets is a trailer, not payload (profile §1). */
    sample_build(12, &b);
    mops_build_trailer(&b, 60 - 14 - 31);
    static const uint8_t m1[6] = {2, 0, 0, 0, 0, 1}, m2[6] = {2, 0, 0, 0, 0, 2};
    mops_build_ethernet(&b, m1, m2, NULL, 0);
    decode_built(MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    CHECK_EQ(pkt.n_problems, 0);
    CHECK_EQ(pkt.link.trailer_len, 15);
    CHECK_EQ(pkt.udp.payload_len, 5);
    CHECK_EQ(pkt.udp.csum_check.state, MOPS_CHECK_GOOD);
    /* Not IPFF: another EtherType, another UDP port, an 802.3 frame. */
    uint32_t n;
    const uint8_t *p = mops_build_data(&b, &n);
    uint8_t f[128];
    memcpy(f, p, n);
    f[12] = 0x08, f[13] = 0x06; /* ARP */
    decode_exact(MOPS_LINKTYPE_ETHERNET, f, n, n);
    CHECK_EQ(pkt.status, MOPS_ST_NOT_IPFF);
    CHECK_EQ(pkt.n_problems, 0);
    CHECK_EQ(pkt.link.ethertype, 0x0806);
    /* A different EtherType setting finds it again. */
    struct mops_settings s = mops_settings_default;
    s.ethertype = 0x0806;
    mops_decode_frame(&s, MOPS_LINKTYPE_ETHERNET, f, n, n, &pkt);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    sample_build(12, &b);
    static const uint8_t v4[4] = {127, 0, 0, 1};
    mops_build_udp4(&b, v4, v4, 1234, 53);
    decode_built(MOPS_LINKTYPE_RAW);
    CHECK_EQ(pkt.status, MOPS_ST_NOT_IPFF);
    s = mops_settings_default;
    s.udp_port = 53;
    p = mops_build_data(&b, &n);
    mops_decode_frame(&s, MOPS_LINKTYPE_RAW, p, n, n, &pkt);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    CHECK_EQ(pkt.link.carrier, MOPS_CARRIER_UDP4);
    /* UDP length that overruns its IPv4 datagram. */
    memcpy(f, p, n);
    f[24] = 0x7f;
    decode_exact(MOPS_LINKTYPE_RAW, f, n, n);
    mops_decode_frame(&s, MOPS_LINKTYPE_RAW, f, n, n, &pkt);
    expect(MOPS_P_LINK_MALFORMED, "UDP length 32551 does not fit the 39 octets of its IP payload");
    /* IPv4 header length below 20. */
    memcpy(f, p, n);
    f[0] = 0x44;
    mops_decode_frame(&s, MOPS_LINKTYPE_RAW, f, n, n, &pkt);
    expect(MOPS_P_LINK_MALFORMED, "IPv4 header with version 4 and header length 16");
    /* Unsupported link types are simply not IPFF. */
    decode_exact(9999, f, n, n);
    CHECK_EQ(pkt.status, MOPS_ST_NOT_IPFF);
    CHECK(!mops_linktype_supported(9999));
    CHECK_STR(mops_linktype_name(MOPS_LINKTYPE_USER0), "USER0");
}

/* Random damage to every sample on every carrier: whatever comes out, the
 * decoder returns a status and stays inside the frame (the sanitizers). */
static void test_mutations(void)
{
    static uint8_t f[70000];
    uint64_t x = 0x9e3779b97f4a7c15u;
    unsigned counts[4] = {0};
    for (int round = 0; round < 30; round++) {
        for (int c = 0; c < carrier_count(); c++) {
            for (int i = 0; i < sample_count(); i++) {
                sample_build(i, &b);
                uint32_t lt = carrier_wrap(c, &b), n;
                const uint8_t *p = mops_build_data(&b, &n);
                memcpy(f, p, n);
                int flips = 1 + (int)(x % 4);
                for (int k = 0; k < flips; k++) {
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    f[x % n] = (uint8_t)(x >> 24);
                }
                uint32_t len = (x >> 40) % 5 == 0 ? (uint32_t)((x >> 8) % (n + 1)) : n;
                decode_exact(lt, f, len, n);
                CHECK(pkt.status <= MOPS_ST_MALFORMED);
                counts[pkt.status]++;
            }
        }
    }
    /* The mutations reach every outcome. */
    for (int s = 0; s < 4; s++)
        CHECK(counts[s] > 0);
}

int main(void)
{
    test_every_prefix();
    test_lengths();
    test_values();
    test_ext_headers();
    test_tcp();
    test_trailer_and_carriers();
    test_mutations();
    return check_report("test_badinput");
}
