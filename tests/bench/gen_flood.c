/* mops-floodgen: a capture built to exhaust the tools' state (issue 18's
 * "state under attack"), N frames of each of four floods, interleaved:
 *   - sessions: MOBILE_CAPABLE SYNs from N distinct client tuples;
 *   - tuples: Migrates naming N distinct previous tuples (never answered);
 *   - levels: NAT acks teaching N distinct (node, port, level) rows;
 *   - flows: TCP segments with a bad checksum on N distinct flows (a
 *     finding each).
 * One Ethernet link; what a hostile or broken network sends a probe.
 *   mops-floodgen [-n N] OUT.pcap */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "mops/build/build.h"
#include "mops/capture/dump.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static const uint8_t mac_c[6] = {0x02, 0, 0, 0, 0, 0x0c}, mac_s[6] = {0x02, 0, 0, 0, 0, 0x05};
static struct mops_builder b;
static struct mops_dump *out;
static uint64_t ts = 1700000000ull * 1000000000ull;

/* Client i's address and port: a million distinct tuples. */
static mops_addr_t client(uint32_t i) { return A(10, 2, i / 1000000 % 1000, i / 1000 % 1000, i % 1000); }

static void frame(bool to_server, bool bad_csum)
{
    mops_build_finish(&b);
    if (bad_csum) /* the TCP checksum, wrong: TCP-CHECKSUM on this flow */
        b.buf[b.l4 + 16] ^= 0x5a;
    mops_build_ethernet(&b, to_server ? mac_s : mac_c, to_server ? mac_c : mac_s, NULL, 0);
    uint32_t n;
    const uint8_t *p = mops_build_data(&b, &n);
    struct mops_frame f = {.ts_ns = ts, .caplen = n, .wirelen = n, .linktype = 1, .data = p};
    ts += 10000; /* 100,000 frames a second */
    if (mops_dump_write(out, &f) < 0) {
        fprintf(stderr, "mops-floodgen: %s\n", mops_dump_error(out));
        exit(2);
    }
}

static void syn(uint32_t i, bool bad_csum)
{
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = client(i), .dst = A(8, 8, 8, 8, 8), .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_tcp t = {.sport = (uint16_t)(1024 + i % 60000),
                         .dport = 443,
                         .seq = i * 2654435761u,
                         .flags = bad_csum ? MOPS_TCP_ACK : MOPS_TCP_SYN,
                         .window = 65535};
    t.opts[t.n_opts++].kind = MOPS_DEFAULT_MOBILE_CAPABLE_KIND;
    mops_build_tcp(&b, &t, NULL, 0);
    frame(true, bad_csum);
}

static void migrate(uint32_t i)
{
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = A(12, 0, i / 1000 % 1000, i % 1000, 7), .dst = A(8, 8, 8, 8, 8), .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_migrate m = {
        .version = 1, .proto = MOPS_PROTO_TCP, .prev_addr = client(i + 7), .n_ports = 1, .mig_addr = h.src};
    struct mops_migrate_port p = {(uint16_t)(1024 + i % 60000), 2000, 443, 443, i};
    mops_build_migrate(&b, 0, &m, &p, 1);
    frame(true, false);
}

static void natack(uint32_t i)
{
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = A(10, 2, 0, 0, 99), .dst = client(i / 8), .htl = 1};
    mops_build_ipff(&b, &h);
    struct mops_nat_ack a = {.version = 1,
                             .level = (uint8_t)(1 + i % 8),
                             .proto = MOPS_PROTO_TCP,
                             .n_ports = 1,
                             .orig_addr = client(i / 8),
                             .trans_addr = A(525, 8, i / 1000 % 1000, i % 1000, 2)};
    struct mops_nat_port p = {(uint16_t)(1024 + i % 60000), (uint16_t)(5000 + i % 50000)};
    mops_build_nat_ack(&b, &a, &p, 1);
    frame(false, false);
}

int main(int argc, char **argv)
{
    uint32_t n = 1000000;
    int c;
    while ((c = getopt(argc, argv, "n:h")) != -1) {
        if (c == 'n')
            n = (uint32_t)strtoul(optarg, NULL, 10);
        else {
            fprintf(stderr, "usage: mops-floodgen [-n N] OUT.pcap\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: mops-floodgen [-n N] OUT.pcap\n");
        return 2;
    }
    struct mops_cap_iface ifc = {.linktype = 1, .snaplen = 262144};
    char err[MOPS_CAP_ERRLEN];
    if (mops_dump_open(argv[optind], MOPS_DUMP_PCAP, &ifc, 1, &out, err) < 0) {
        fprintf(stderr, "mops-floodgen: %s\n", err);
        return 2;
    }
    for (uint32_t i = 0; i < n; i++) {
        syn(i, false);
        migrate(i);
        natack(i);
        syn(n + i, true);
    }
    if (mops_dump_close(out) < 0) {
        fprintf(stderr, "mops-floodgen: %s: write failed\n", argv[optind]);
        return 2;
    }
    return 0;
}
