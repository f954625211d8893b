/* CRC-32 (profile §5) and the one's-complement sums (profile §6). */
#include "mops/core/checksum.h"

#include "check.h"
#include "profile_vectors.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

/* The sum as RFC 1071 defines it, an octet pair at a time: what the
 * word-wide one in lib/core/checksum.c must equal for every length. */
static uint16_t reference_sum(mops_addr_t src, mops_addr_t dst, uint16_t proto, const uint8_t *seg, size_t len,
                              size_t csum_off)
{
    uint8_t ph[MOPS_PSEUDO_HDR_LEN];
    mops_pseudo_header(ph, src, dst, proto, (uint16_t)len);
    uint32_t sum = 0;
    for (size_t i = 0; i < sizeof ph; i += 2)
        sum += (uint32_t)(ph[i] << 8 | ph[i + 1]);
    for (size_t i = 0; i < len; i += 2) {
        if (i == csum_off && i + 2 <= len)
            continue;
        sum += (uint32_t)(seg[i] << 8 | (i + 1 < len ? seg[i + 1] : 0));
    }
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* CRC-32 a bit at a time: what the const slice-by-4 tables must give. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

/* Every octet value at each of the four positions of a word (each entry of
 * each table), after a prefix of 0..3 octets so the tail loop is covered. */
static void check_crc_tables(void)
{
    unsigned bad = 0;
    uint8_t buf[12];
    for (unsigned lead = 0; lead < 4; lead++)
        for (unsigned pos = 0; pos < 8; pos++)
            for (unsigned v = 0; v < 256; v++) {
                for (unsigned i = 0; i < sizeof buf; i++)
                    buf[i] = (uint8_t)(0x5a + 31 * i);
                buf[lead + pos] = (uint8_t)v;
                if (mops_crc32(0, buf, lead + 8) != crc32_bitwise(buf, lead + 8))
                    bad++;
            }
    CHECK_EQ(bad, 0);
}

int main(void)
{
    check_crc_tables();
    /* CRC-32/ISO-HDLC check value, and the split that slice-by-4 must not change. */
    CHECK_EQ(mops_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926);
    CHECK_EQ(mops_crc32(mops_crc32(0, (const uint8_t *)"12345", 5), (const uint8_t *)"6789", 4), 0xCBF43926);
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
    CHECK_EQ(mops_inet_checksum(0, 0, 0, (const uint8_t *)"\x01", 1, 99), (uint16_t) ~(0x0100 + 1));

    /* A datagram whose sum comes to 0 carries 0xFFFF (profile §6): solve for
     * two data octets that make the one's-complement sum 0xFFFF. */
    uint8_t d[8] = {0x13, 0x88, 0x00, 0x35, 0, 0, 0, 0};
    uint16_t c = mops_inet_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 17, d, sizeof d, 4);
    d[6] = (uint8_t)(c >> 8);
    d[7] = (uint8_t)c;
    CHECK_EQ(mops_inet_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), 17, d, sizeof d, 4), 0);
    CHECK_EQ(mops_udpv5_checksum(A(525, 8, 78, 3, 9), A(8, 8, 8, 8, 8), d, sizeof d), 0xFFFF);

    /* Every length up to 1,600 octets, all-ones data (carries on every
     * step) and pseudo-random data, at odd and even start addresses. */
    static uint8_t buf[1601 + 8];
    uint32_t x = 12345;
    unsigned diffs = 0;
    for (int fill = 0; fill < 2; fill++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = fill ? (uint8_t)(x >> 16) : 0xff;
        }
        for (size_t len = 0; len <= 1600; len++)
            for (size_t at = 0; at < 2; at++) {
                mops_addr_t a = A(999, 999, 999, 999, 999), b = A(1, 2, 3, 4, (unsigned)(len % 1000));
                diffs += mops_inet_checksum(a, b, 6, buf + at, len, 16) != reference_sum(a, b, 6, buf + at, len, 16);
                diffs += mops_inet_checksum(b, a, 17, buf + at, len, 4) != reference_sum(b, a, 17, buf + at, len, 4);
            }
    }
    CHECK_EQ(diffs, 0);
    return check_report("test_checksum");
}
