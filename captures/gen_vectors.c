/* Writes captures/vectors.pcapng: every sample message (tests/samples.c) on
 * every carrier of profile §1, one pcapng interface per carrier, then frames
 * with one known fault each; and captures/vectors-ethernet.pcap: the whole
 * Ethernet frames of it as classic pcap, for tcpreplay and older tools.
 * Timestamps are fixed, so the output is the same byte for byte on every run
 * (a test holds the committed files to that). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/decode/decode.h"
#include "mops/capture/dump.h"

#include "samples.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)
#define T0 UINT64_C(1767225600000000000) /* 2026-01-01 00:00:00 UTC */

static struct mops_builder b;
static struct mops_dump *out, *eth_out;
static uint64_t seq;

static void emit(uint32_t ifid, uint32_t linktype, uint32_t caplen_cut)
{
    struct mops_frame f = {.ts_ns = T0 + seq++ * 1000000u, .linktype = linktype, .ifid = ifid};
    f.data = mops_build_data(&b, &f.caplen);
    f.wirelen = f.caplen;
    if (caplen_cut && caplen_cut < f.caplen)
        f.caplen = caplen_cut;
    if (mops_dump_write(out, &f) < 0) {
        fprintf(stderr, "gen_vectors: %s\n", mops_dump_error(out));
        exit(1);
    }
    /* Interface 1 is plain Ethernet; a frame cut by the snaplen cannot be
     * replayed as it was on the wire. */
    if (ifid == 1 && f.caplen == f.wirelen && mops_dump_write(eth_out, &f) < 0) {
        fprintf(stderr, "gen_vectors: %s\n", mops_dump_error(eth_out));
        exit(1);
    }
}

static void ethernet(void)
{
    static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x0b}, src[6] = {0x02, 0, 0, 0, 0, 0x0a};
    mops_build_ethernet(&b, dst, src, NULL, 0);
}

/* The faults, each on Ethernet (interface 1). */
static void faults(void)
{
    const int migrate = 0, natack = 5, udp = 12;
    sample_build(migrate, &b); /* bad CRC */
    mops_build_set_checksum(&b, 0xdeadbeef);
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    sample_build(migrate, &b); /* cut by a 50-octet snaplen */
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 50);
    sample_build(migrate, &b); /* Payload Length larger than the frame */
    mops_build_set_plen(&b, 100);
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    sample_build(1, &b); /* Number of Ports 3, two entries */
    b.tail -= 16;
    mops_build_finish(&b);
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    sample_build(migrate, &b); /* IPFF version 4 */
    b.buf[b.ipff] = (uint8_t)(0x40 | (b.buf[b.ipff] & 0x0f));
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    mops_build_init(&b, NULL); /* an address field above 999 */
    struct mops_ipff_hdr h = {.src = A(1003, 0, 0, 0, 1), .dst = A(8, 8, 8, 8, 8), .htl = 64};
    mops_build_ipff(&b, &h);
    mops_build_udpv5(&b, 5000, 53, (const uint8_t *)"hello", 5);
    mops_build_finish(&b);
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    sample_build(udp, &b); /* UDPv5 checksum 0 */
    mops_build_set_checksum(&b, 0);
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    sample_build(natack, &b); /* NAT ack not sent with Hops to Live 1 */
    b.buf[b.ipff + 16] = 64;
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    sample_build(udp, &b); /* Ethernet padding: a trailer, and a clean packet */
    mops_build_trailer(&b, 15);
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    mops_build_init(&b, NULL); /* unknown ICMPv5 type */
    h.src = A(10, 2, 0, 0, 1);
    mops_build_ipff(&b, &h);
    mops_build_icmp(&b, 77, 0, 0, (const uint8_t *)"type seventy-seven", 18);
    mops_build_finish(&b);
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
    mops_build_init(&b, NULL); /* not IPFF at all: an ARP request */
    static const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
    b.inner_type = 0x0806;
    memcpy(b.buf + b.tail, arp, sizeof arp);
    b.tail += sizeof arp;
    ethernet(), emit(1, MOPS_LINKTYPE_ETHERNET, 0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_vectors OUT.pcapng OUT-ETHERNET.pcap\n");
        return 2;
    }
    struct mops_cap_iface ifs[16] = {0};
    int n = carrier_count();
    for (int c = 0; c < n; c++) {
        sample_build(0, &b);
        ifs[c].linktype = carrier_wrap(c, &b);
        ifs[c].snaplen = 262144;
        snprintf(ifs[c].name, sizeof ifs[c].name, "%s", carrier_name(c));
    }
    char err[MOPS_CAP_ERRLEN];
    if (mops_dump_open(argv[1], MOPS_DUMP_PCAPNG, ifs, (unsigned)n, &out, err) < 0 ||
        mops_dump_open(argv[2], MOPS_DUMP_PCAP, &ifs[1], 1, &eth_out, err) < 0) {
        fprintf(stderr, "gen_vectors: %s\n", err);
        return 1;
    }
    for (int c = 0; c < n; c++)
        for (int i = 0; i < sample_count(); i++) {
            sample_build(i, &b);
            uint32_t lt = carrier_wrap(c, &b);
            emit((uint32_t)c, lt, 0);
        }
    faults();
    if (mops_dump_close(out) < 0 || mops_dump_close(eth_out) < 0) {
        fprintf(stderr, "gen_vectors: writing the captures failed\n");
        return 1;
    }
    return 0;
}
