/* CRC-32 (profile §5) and the one's-complement sums (profile §6). */
#include "mops/checksum.h"

#include "check.h"
#include "profile_vectors.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

int main(void)
{
    /* CRC-32/ISO-HDLC check value, and the split that slice-by-4 must not change. */
    CHECK_EQ(mops_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926);
    CHECK_EQ(mops_crc32(mops_crc32(0, (const uint8_t *)"12345", 5), (const uint8_t *)"6789", 4),
             0xCBF43926);
    CHECK_EQ(mops_crc32(0, NULL, 0), 0);

    uint8_t ph[MOPS_PSEUDO_HDR_LEN], want[MOPS_PSEUDO_HDR_LEN];
    mops_pseudo_header(ph, A(775, 2, 23, 6, 6), A(8, 8, 8, 8, 8), 1, 40);
    check_hex("00 03 07 00 81 70 18 06 00 04 08 02 00 80 20 08 00 00 00 28", want, sizeof want);
    CHECK_MEM(ph, sizeof ph, want, sizeof want);

    uint8_t m[64];
    size_t n = check_hex(PV_MIGRATE, m, sizeof m);
    CHECK_EQ(mops_icmpv5_crc(A(775, 2, 23, 6, 6), A(8, 8, 8, 8, 8), m, n), 0x85c6a700);
    /* The CRC field itself is taken as zero. */
    m[0] ^= 0xff;
    CHECK_EQ(mops_icmpv5_crc(A(775, 2, 23, 6, 6), A(8, 8, 8, 8, 8), m, n), 0x85c6a700);
    /* Addresses are covered (a NAT that rewrites them must recompute, §5). */
    CHECK(mops_icmpv5_crc(A(775, 2, 23, 6, 7), A(8, 8, 8, 8, 8), m, n) != 0x85c6a700);

    n = check_hex(PV_NAT_ACK, m, sizeof m);
    CHECK_EQ(mops_icmpv5_crc(A(10, 2, 0, 0, 99), A(10, 2, 0, 0, 1), m, n), 0xd0460866);
    n = check_hex(PV_ANYCAST_ACK, m, sizeof m);
    CHECK_EQ(mops_icmpv5_crc(A(8, 8, 8, 8, 8), A(525, 8, 78, 3, 9), m, n), 0x1dbf8567);

    n = check_hex(PV_TCP_SYN, m, sizeof m);
    CHECK_EQ(mops_inet_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 6, m, n, 16), 0x5d54);
    n = check_hex(PV_UDP, m, sizeof m);
    CHECK_EQ(mops_udpv5_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), m, n), 0x61aa);
    /* Odd lengths pad with a zero octet. */
    CHECK_EQ(mops_inet_checksum(0, 0, 0, (const uint8_t *)"\x01", 1, 99),
             (uint16_t)~(0x0100 + 1));

    /* A datagram whose sum comes to 0 carries 0xFFFF (profile §6): solve for
     * two data octets that make the one's-complement sum 0xFFFF. */
    uint8_t d[8] = {0x13, 0x88, 0x00, 0x35, 0, 0, 0, 0};
    uint16_t c = mops_inet_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 17, d, sizeof d, 4);
    d[6] = (uint8_t)(c >> 8);
    d[7] = (uint8_t)c;
    CHECK_EQ(mops_inet_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 17, d, sizeof d, 4), 0);
    CHECK_EQ(mops_udpv5_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), d, sizeof d), 0xFFFF);
    return check_report("test_checksum");
}
