/* Checksums of profile §5 and §6, over the IPFF pseudo-header (IPFF §7.1). */
#ifndef MOPS_CHECKSUM_H
#define MOPS_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "mops/core/addr.h"

#define MOPS_PSEUDO_HDR_LEN 20

/* `14 zero bits | Source | Protocol | Destination | 16 zero bits | Length`. */
void mops_pseudo_header(uint8_t out[MOPS_PSEUDO_HDR_LEN], mops_addr_t src, mops_addr_t dst, uint16_t proto,
                        uint16_t len);

/* CRC-32/ISO-HDLC, zlib convention: start with crc = 0. */
uint32_t mops_crc32(uint32_t crc, const uint8_t *data, size_t len);

/* The CRC an ICMPv5 message must carry: over the pseudo-header (Protocol 1,
 * E3) and the message with its first four octets taken as zero. */
uint32_t mops_icmpv5_crc(mops_addr_t src, mops_addr_t dst, const uint8_t *msg, size_t len);

/* The one's-complement checksum a TCP segment or UDPv5 datagram must carry,
 * the two octets at csum_off taken as zero. For UDPv5 the caller sends a
 * computed 0 as 0xFFFF (profile §6); mops_udpv5_checksum does so. */
uint16_t mops_inet_checksum(mops_addr_t src, mops_addr_t dst, uint16_t proto, const uint8_t *seg, size_t len,
                            size_t csum_off);
uint16_t mops_udpv5_checksum(mops_addr_t src, mops_addr_t dst, const uint8_t *dgram, size_t len);

#endif
