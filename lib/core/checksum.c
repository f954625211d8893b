/* CRC-32 for ICMPv5 (profile §5) and the one's-complement sum for TCP and
 * UDPv5 (profile §6), both over the IPFF pseudo-header. */
#include "mops/core/checksum.h"

#include <string.h>

#include "mops/core/proto.h"

#include "crc32_table.h"

/* The pseudo-header's two 64-bit words (profile §6); a 32-bit length follows. */
static void pseudo_words(mops_addr_t src, mops_addr_t dst, uint16_t proto, uint64_t *w0, uint64_t *w1)
{
    *w0 = src & MOPS_ADDR_MASK;
    *w1 = ((uint64_t)(proto & 0x3fff) << 50) | (dst & MOPS_ADDR_MASK);
}

void mops_pseudo_header(uint8_t out[MOPS_PSEUDO_HDR_LEN], mops_addr_t src, mops_addr_t dst, uint16_t proto,
                        uint16_t len)
{
    uint64_t w0, w1;
    pseudo_words(src, dst, proto, &w0, &w1);
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)(w0 >> (56 - 8 * i));
        out[8 + i] = (uint8_t)(w1 >> (56 - 8 * i));
    }
    out[16] = 0;
    out[17] = 0;
    out[18] = (uint8_t)(len >> 8);
    out[19] = (uint8_t)len;
}

uint32_t mops_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
    crc = ~crc;
    while (len >= 4) {
        crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        crc = crc_table[3][crc & 0xff] ^ crc_table[2][(crc >> 8) & 0xff] ^ crc_table[1][(crc >> 16) & 0xff] ^
              crc_table[0][crc >> 24];
        p += 4;
        len -= 4;
    }
    while (len--)
        crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint32_t mops_icmpv5_crc(mops_addr_t src, mops_addr_t dst, const uint8_t *msg, size_t len)
{
    uint8_t ph[MOPS_PSEUDO_HDR_LEN];
    static const uint8_t zero[4];
    mops_pseudo_header(ph, src, dst, MOPS_PROTO_ICMPV5, (uint16_t)len);
    uint32_t crc = mops_crc32(0, ph, sizeof ph);
    size_t head = len < 4 ? len : 4;
    crc = mops_crc32(crc, zero, head);
    return mops_crc32(crc, msg + head, len - head);
}

/* The one's complement sum in the host's byte order, eight octets a step
 * into two 64-bit accumulators (RFC 1071 §2: the sum is the same in either
 * order up to a final swap, and carries can wait until the fold); pieces
 * must start at even offsets. Octet pairs one at a time were a tenth of a
 * validator run (tests/bench). */
static uint64_t sum_host(uint64_t sum, const uint8_t *p, size_t len)
{
    uint64_t a = 0, b = 0, w, x;
    for (; len >= 16; p += 16, len -= 16) {
        memcpy(&w, p, 8);
        memcpy(&x, p + 8, 8);
        a += (w & 0xffffffffu) + (w >> 32);
        b += (x & 0xffffffffu) + (x >> 32);
    }
    sum += a + b;
    for (; len >= 2; p += 2, len -= 2) {
        uint16_t h;
        memcpy(&h, p, 2);
        sum += h;
    }
    if (len) {
        uint8_t last[2] = {p[0], 0};
        uint16_t h;
        memcpy(&h, last, 2);
        sum += h;
    }
    return sum;
}

/* A 16-bit sum between network order and sum_host's. */
static uint16_t swap_to_host(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap16(v);
#endif
    return v;
}

uint16_t mops_inet_checksum(mops_addr_t src, mops_addr_t dst, uint16_t proto, const uint8_t *seg, size_t len,
                            size_t csum_off)
{
    /* The pseudo-header summed from its two words and length as 16-bit
     * fields, then brought to the host's order like the rest. */
    uint64_t w0, w1;
    pseudo_words(src, dst, proto, &w0, &w1);
    uint32_t ph = (uint32_t)len;
    for (int i = 0; i < 64; i += 16)
        ph += (uint32_t)((w0 >> i) & 0xffff) + (uint32_t)((w1 >> i) & 0xffff);
    while (ph >> 16)
        ph = (ph & 0xffff) + (ph >> 16);
    uint64_t sum = swap_to_host((uint16_t)ph);
    /* csum_off is even for TCP (16) and UDPv5 (4), so the halves stay aligned. */
    if (csum_off + 2 <= len) {
        sum = sum_host(sum, seg, csum_off);
        sum = sum_host(sum, seg + csum_off + 2, len - csum_off - 2);
    } else {
        sum = sum_host(sum, seg, len);
    }
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~swap_to_host((uint16_t)sum);
}

uint16_t mops_udpv5_checksum(mops_addr_t src, mops_addr_t dst, const uint8_t *dgram, size_t len)
{
    uint16_t c = mops_inet_checksum(src, dst, MOPS_PROTO_UDPV5, dgram, len, 4);
    return c ? c : 0xFFFF;
}
