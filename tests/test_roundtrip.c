/* encode -> decode -> encode for every sample message on every carrier: the
 * decode is clean, every checksum good, and the re-encoded packet identical.
 * Field checks for the multi-port messages, errors, echo, the extension
 * chain and TCP options. */
#include "mops/decode/decode.h"

#include "check.h"
#include "samples.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static struct mops_packet pkt;
static struct mops_builder b, re;
static uint8_t bare[70000], frame[70000];

static void decode_sample(int i, int c, uint32_t *ipff_len)
{
    sample_build(i, &b);
    uint32_t n;
    const uint8_t *p = mops_build_data(&b, &n);
    memcpy(bare, p, n);
    *ipff_len = n;
    uint32_t lt = carrier_wrap(c, &b);
    p = mops_build_data(&b, &n);
    memcpy(frame, p, n);
    mops_decode_frame(NULL, lt, frame, n, n, &pkt);
}

static void check_checksums(void)
{
    if (pkt.layers & MOPS_L_ICMP)
        CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_GOOD);
    if (pkt.layers & MOPS_L_TCP)
        CHECK_EQ(pkt.tcp.csum_check.state, MOPS_CHECK_GOOD);
    if (pkt.layers & MOPS_L_UDP)
        CHECK_EQ(pkt.udp.csum_check.state, MOPS_CHECK_GOOD);
}

static void test_all(void)
{
    static const enum mops_carrier want[] = {MOPS_CARRIER_USER0,    MOPS_CARRIER_ETHERNET, MOPS_CARRIER_ETHERNET,
                                             MOPS_CARRIER_ETHERNET, MOPS_CARRIER_SLL,      MOPS_CARRIER_SLL2,
                                             MOPS_CARRIER_UDP4,     MOPS_CARRIER_UDP6,     MOPS_CARRIER_UDP4,
                                             MOPS_CARRIER_UDP6,     MOPS_CARRIER_UDP4};
    static const uint32_t ipff_at[] = {0, 14, 18, 22, 16, 20, 42, 62, 28, 48, 32};
    CHECK_EQ(sizeof want / sizeof want[0], (size_t)carrier_count());
    for (int c = 0; c < carrier_count(); c++) {
        for (int i = 0; i < sample_count(); i++) {
            uint32_t n;
            int before = check_failed;
            decode_sample(i, c, &n);
            CHECK_EQ(pkt.status, MOPS_ST_OK);
            CHECK_EQ(pkt.n_problems, 0);
            CHECK_EQ(pkt.link.carrier, want[c]);
            CHECK_EQ(pkt.link.ipff_off, ipff_at[c]);
            CHECK_EQ(pkt.link.ipff_wire, n);
            CHECK_EQ(pkt.link.trailer_len, 0);
            CHECK(pkt.layers & MOPS_L_IPFF);
            check_checksums();
            mops_build_init(&re, NULL);
            CHECK_EQ(mops_build_packet(&re, &pkt), 0);
            uint32_t rn;
            const uint8_t *rp = mops_build_data(&re, &rn);
            CHECK_MEM(rp, rn, bare, n);
            if (check_failed != before) {
                fprintf(stderr, "  in sample \"%s\" over %s\n", sample_name(i), carrier_name(c));
                for (unsigned k = 0; k < pkt.n_problems; k++)
                    fprintf(stderr, "  problem %s: %s\n", mops_problem_info(pkt.problems[k].id)->id,
                            pkt.problems[k].text);
            }
        }
    }
}

static int find(const char *name)
{
    for (int i = 0; i < sample_count(); i++)
        if (strcmp(sample_name(i), name) == 0)
            return i;
    fprintf(stderr, "no sample \"%s\"\n", name);
    exit(2);
}

static void test_carrier_fields(void)
{
    uint32_t n;
    decode_sample(0, 3, &n); /* 802.1ad + 802.1Q */
    CHECK_EQ(pkt.link.n_vlan, 2);
    CHECK_EQ(pkt.link.vlan_tci[0], 0x0fff);
    CHECK_EQ(pkt.link.vlan_tci[1], 0x2005);
    CHECK_EQ(pkt.link.ethertype, 0x88b5);
    CHECK(pkt.link.has_mac);
    CHECK_EQ(pkt.link.mac_src[5], 0x0a);
    CHECK_EQ(pkt.link.mac_dst[5], 0x0b);
    decode_sample(0, 5, &n); /* SLL2 */
    CHECK_EQ(pkt.link.sll_ifindex, 3);
    CHECK_EQ(pkt.link.sll_addr_len, 6);
    CHECK_EQ(pkt.link.ethertype, 0x88b5);
    decode_sample(0, 7, &n); /* UDP6 */
    CHECK_EQ(pkt.link.ip_version, 6);
    CHECK_EQ(pkt.link.udp_sport, 5505);
    CHECK_EQ(pkt.link.udp_dport, 40001);
    CHECK_EQ(pkt.link.udp_len, 8 + n);
    CHECK_EQ(pkt.link.ip_dst[15], 2);
    CHECK(pkt.layers & MOPS_L_OVERLAY);
    decode_sample(0, 8, &n); /* UDP4 raw */
    CHECK_EQ(pkt.link.ip_version, 4);
    CHECK_EQ(pkt.link.ip_ttl, 64);
    CHECK_EQ(pkt.link.udp_dport, 5505);
}

static void test_migrate_three(void)
{
    uint32_t n;
    decode_sample(find("migrate atomic, 3 ports"), 0, &n);
    CHECK_EQ(n, 20 + 24 + 3 * 16);
    const struct mops_migrate *g = &pkt.icmp.u.migrate;
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_ATOMIC);
    CHECK_EQ(g->n_ports, 3);
    CHECK_EQ(g->n_decoded, 3);
    for (unsigned i = 0; i < 3; i++) {
        const struct mops_migrate_port *p = &mops_migrate_ports(&pkt)[i];
        CHECK_EQ(p->prev_sport, 1027 + i);
        CHECK_EQ(p->mig_sport, 2098 + i);
        CHECK_EQ(p->prev_dport, 80);
        CHECK_EQ(p->mig_dport, 80);
        CHECK_EQ(p->seq, 0x12345678u + 1000u * i);
    }
    decode_sample(find("migration success, 3 ports"), 0, &n);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_SUCCESS);
    CHECK_EQ(pkt.ip.src, A(8, 8, 8, 8, 8));
    CHECK_EQ(pkt.icmp.u.migrate.n_decoded, 3);
    decode_sample(find("migrate UDP by Unique ID"), 0, &n);
    CHECK_EQ(pkt.icmp.u.migrate.proto, MOPS_PROTO_UDPV5);
    CHECK_EQ(mops_migrate_ports(&pkt)[0].seq, UINT64_C(0xfeedface00c0ffee));
}

static void test_natack_three(void)
{
    uint32_t n;
    decode_sample(find("NAT ack level 1, 3 ports"), 0, &n);
    CHECK_EQ(n, 20 + 24 + 3 * 4);
    const struct mops_nat_ack *a = &pkt.icmp.u.natack;
    CHECK_EQ(a->level, 1);
    CHECK_EQ(a->n_ports, 3);
    CHECK_EQ(a->n_decoded, 3);
    CHECK_EQ(a->orig_addr, A(10, 2, 0, 0, 1));
    CHECK_EQ(a->trans_addr, A(10, 0, 0, 0, 1));
    static const uint16_t o[3] = {1027, 1028, 1029}, t[3] = {5050, 5051, 5052};
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(mops_natack_ports(&pkt)[i].orig_port, o[i]);
        CHECK_EQ(mops_natack_ports(&pkt)[i].trans_port, t[i]);
    }
}

static void test_errors_and_echo(void)
{
    uint32_t n;
    decode_sample(find("destination unreachable"), 0, &n);
    const struct mops_icmp *m = &pkt.icmp;
    CHECK_EQ(m->kind, MOPS_ICMP_KIND_ERROR);
    CHECK_EQ(m->type, 1);
    CHECK_EQ(m->code, 3);
    CHECK_EQ(m->len, 8 + 44);
    CHECK(m->u.error.inv.present);
    CHECK_EQ(m->u.error.inv.ip.src, A(525, 8, 78, 3, 9));
    CHECK_EQ(m->u.error.inv.ip.dst, A(8, 8, 8, 8, 8));
    CHECK_EQ(m->u.error.inv.ip.proto, MOPS_PROTO_UDPV5);
    CHECK_EQ(m->u.error.inv.ip.htl, 63);
    CHECK(m->u.error.inv.has_ports);
    CHECK_EQ(m->u.error.inv.sport, 5000);
    CHECK_EQ(m->u.error.inv.dport, 53);
    CHECK(!m->u.error.inv.has_tcp_seq);
    decode_sample(find("packet too big"), 0, &n);
    CHECK_EQ(m->u.error.param, 1280);
    CHECK_EQ(m->len, 8 + 4 + 44);
    CHECK(m->u.error.inv.has_tcp_seq);
    CHECK_EQ(m->u.error.inv.tcp_seq, 0x0badcafe);
    decode_sample(find("parameter problem"), 0, &n);
    CHECK_EQ(m->code, 1);
    CHECK_EQ(m->u.error.param, 40);
    decode_sample(find("redirect"), 0, &n);
    CHECK_EQ(m->u.error.router, A(525, 8, 78, 3, 98));
    CHECK_EQ(m->len, 8 + 8 + 44);
    decode_sample(find("echo reply (gateway)"), 0, &n);
    CHECK_EQ(m->kind, MOPS_ICMP_KIND_ECHO);
    CHECK_EQ(m->type, 130);
    CHECK_EQ(m->u.echo.id, 0x00010203);
    CHECK_EQ(m->u.echo.seq, 7);
    CHECK_EQ(m->u.echo.data_len, 12);
    CHECK_MEM(frame + m->u.echo.data_off, m->u.echo.data_len, "ping payload", 12);
}

static void test_ext_chain(void)
{
    uint32_t n;
    decode_sample(find("every extension header"), 0, &n);
    static const uint16_t types[] = {0, 43, 258, 259, 270, 60};
    static const uint16_t lens[] = {8, 32, 4, 20, 4, 16};
    CHECK_EQ(pkt.n_ext, 6);
    uint32_t off = 20;
    for (unsigned i = 0; i < 6; i++) {
        CHECK_EQ(pkt.ext[i].type, types[i]);
        CHECK_EQ(pkt.ext[i].off, off);
        CHECK_EQ(pkt.ext[i].len, lens[i]);
        CHECK_EQ(pkt.ext[i].next, i < 5 ? types[i + 1] : MOPS_PROTO_UDPV5);
        off += lens[i];
    }
    CHECK_EQ(pkt.ext[1].u.routing.hdr_ext_len, 3); /* E5: n addresses, n = Hdr Ext Len */
    CHECK_EQ(pkt.ext[1].u.routing.segments_left, 2);
    CHECK_EQ(pkt.ext[1].u.routing.n_addrs, 3);
    CHECK_EQ(pkt.rt_addrs[pkt.ext[1].u.routing.first_addr + 1], A(775, 2, 23, 5, 99));
    CHECK_EQ(pkt.ext[2].u.vrf1.label, 0x2abcd);
    CHECK_EQ(pkt.ext[3].u.vrf2.encap, A(10, 0, 0, 0, 99));
    CHECK_EQ(pkt.ext[3].u.vrf2.decap, A(525, 8, 78, 2, 99));
    CHECK_EQ(pkt.ext[3].u.vrf2.label, 0xdeadbeef);
    CHECK_EQ(pkt.ext[4].u.flow.label, 0x12345);
    CHECK(pkt.recv_src.present);
    CHECK_EQ(pkt.recv_src.port, 2038);
    CHECK_EQ(pkt.recv_src.addr, A(172, 16, 0, 0, 1));
    CHECK_EQ(pkt.l4_off, off);
    CHECK_EQ(pkt.udp.payload_len, 20);
}

static void test_tcp_options(void)
{
    uint32_t n;
    decode_sample(find("TCP SYN with every option"), 0, &n);
    const struct mops_tcp *t = &pkt.tcp;
    CHECK(t->mobile_capable);
    CHECK(t->has_mss);
    CHECK_EQ(t->mss, 1400);
    CHECK(t->sack_perm);
    CHECK(t->has_ts);
    CHECK_EQ(t->ts_val, 12345);
    CHECK(t->has_ws);
    CHECK_EQ(t->ws, 7);
    CHECK_EQ(t->doff, 5 + 6); /* 4+2+10+1+3+2 = 22 octets, padded to 24 */
    decode_sample(find("TCP data with SACK and TS"), 0, &n);
    CHECK_EQ(t->n_sack, 2);
    CHECK_EQ(t->sack_left[1], 4001);
    CHECK_EQ(t->sack_right[1], 5001);
    CHECK_EQ(t->ts_ecr, 12345);
    CHECK(!t->mobile_capable);
    CHECK_EQ(t->payload_len, 18);
    CHECK_EQ(t->flags, MOPS_TCP_ACK | MOPS_TCP_PSH);
}

int main(void)
{
    test_all();
    test_carrier_fields();
    test_migrate_three();
    test_natack_three();
    test_errors_and_echo();
    test_ext_chain();
    test_tcp_options();
    return check_report("test_roundtrip");
}
