/* Every test vector of ../shared/wire-profile.md, byte for byte, with the
 * IPFF packets that carry them. Shared by the unit tests and the generator
 * of captures/vectors.pcapng. */
#ifndef MOPS_PROFILE_VECTORS_H
#define MOPS_PROFILE_VECTORS_H

/* profile §2 */
#define PV_ADDR_TEXT "525.8.78.3.9"
#define PV_ADDR_VALUE UINT64_C(577252276309001)
#define PV_ADDR_HEX UINT64_C(0x20D0204E00C09)

/* profile §3: ICMPv5, 40-octet payload, 775.2.23.6.6 -> 8.8.8.8.8, HTL 64 */
#define PV_IPFF_HDR "50 03 07 00 81 70 18 06 00 04 08 02 00 80 20 08 40 00 00 28"

/* profile §4: Destination Options, next TCP, received source 525.8.78.2.2:6050, one Pad1 */
#define PV_RECV_SRC_DSTOPTS "00 18 01 22 0a 17 a2 00 02 0d 02 04 e0 08 02 00"

/* profile §5: Appendix A migrate, 775.2.23.6.6 -> 8.8.8.8.8 */
#define PV_MIGRATE                                                                                                     \
    "85 c6 a7 00 00 64 00 10 00 1a 0d 02 04 e0 0c 09 00 07 07 00 81 70 18 06 04 03 08 32 00 50 "                       \
    "00 50 00 00 00 00 12 34 56 78"
/* profile §5: Appendix B NAT ack level 2, 10.2.0.0.99 -> 10.2.0.0.1 */
#define PV_NAT_ACK "d0 46 08 66 00 66 00 12 00 18 0a 00 00 00 00 01 00 06 0d 02 04 e0 08 02 13 ba 17 a2"
/* profile §5: anycast ack, 8.8.8.8.8 -> 525.8.78.3.9 */
#define PV_ANYCAST_ACK "1d bf 85 67 00 65 00 10 00 18 08 02 00 80 20 08 00 00 08 02 00 40 10 04 04 03 00 50"
/* profile §6: SYN 525.8.78.3.9:1027 -> 8.8.8.8.8:80, MOBILE_CAPABLE + NOP NOP */
#define PV_TCP_SYN "04 03 00 50 0b ad ca fe 00 00 00 00 60 02 ff ff 5d 54 00 00 20 02 01 01"
/* profile §6: UDPv5 525.8.78.3.9:5000 -> 8.8.8.8.8:53, "hello" */
#define PV_UDP "13 88 00 35 61 aa 68 65 6c 6c 6f"

/* profile §9 (LARA): logical and group MACs */
#define PV_LARA_ADDR_TEXT "382.201.769.25.133"
#define PV_LARA_MAC "0a 32 70 10 64 85"
#define PV_LARA_MCAST_ADDR_TEXT "99.9.0.1.2"
#define PV_LARA_MCAST_MAC "55 55 00 00 04 02"
/* profile §9: DAD request from b8:6b:23:7b:c3:79, Session ID 0x5eed0001, and
 * the reply from b8:6b:23:7b:c3:80, 0x5eed0002, for 382.201.769.25.133 */
#define PV_DAD_REQUEST "59 65 97 87 00 10 00 00 00 00 b8 6b 23 7b c3 79 5e ed 00 01"
#define PV_DAD_REPLY "3c b3 2f f9 00 11 00 00 00 00 b8 6b 23 7b c3 80 5e ed 00 02"
/* profile §9: broadcast advertisement from 382.201.769.25.133 */
#define PV_LARA_ADVERT "57 e8 42 78 00 12 00 00"

#endif
