/* Shared between the per-layer decoders of lib/; not installed. */
#ifndef MOPS_DECODE_INTERNAL_H
#define MOPS_DECODE_INTERNAL_H

#include "mops/decode/decode.h"
#include "mops/core/reader.h"

struct mops_dec {
    const struct mops_settings *s;
    struct mops_packet *pkt;
};

/* A reader came up short: "truncated" when the capture ended, else the
 * given malformed id, naming what was being read. */
void mops_problem_short(struct mops_packet *pkt, const struct mops_rd *r, enum mops_problem_id malformed_id,
                        const char *what);
/* IPFF-ADDR-FIELD if a field of addr is above 999; field names the field
 * ("ipff.src", "mops.migrate.prev_addr"). */
void mops_check_addr(struct mops_packet *pkt, mops_addr_t addr, uint32_t off, const char *field);

/* Records a checksum the decoder could verify; true when it matched. */
bool mops_check_verified(struct mops_check *c, uint32_t got, uint32_t want);
/* Records one whose octets are not all captured. */
void mops_check_unverified(struct mops_check *c, uint32_t got);

/* Carrier -> IPFF start. Returns false if the frame carries no IPFF. */
bool mops_decode_link(struct mops_dec *d, uint32_t linktype);
void mops_decode_ipff(struct mops_dec *d);
/* Walks the extension headers from r; returns false if it had to stop. */
bool mops_decode_ext_chain(struct mops_dec *d, struct mops_rd *r);
/* l4 decoders. `complete`: every octet the Payload Length declares is
 * captured, so checksums can be verified. */
void mops_decode_icmpv5(struct mops_dec *d, struct mops_rd *r, bool complete);
void mops_decode_mops(struct mops_dec *d, struct mops_rd *r);
void mops_decode_migrate(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m);
void mops_decode_anycast_ack(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m);
void mops_decode_natack(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m);

/* What the MOPS bodies share (decode/mops.c). Every body opens with two
 * words, each a 14-bit field over an address (MOPS §4.1-4.3). */
struct mops_opening {
    uint16_t field0, field1;
    mops_addr_t addr0, addr1;
};
void mops_mops_check_version(struct mops_dec *d, const struct mops_icmp *m, uint8_t version);
bool mops_mops_read_opening(struct mops_dec *d, struct mops_rd *r, const struct mops_icmp *m, const char *what,
                            const char *addr0_name, const char *addr1_name, struct mops_opening *o);
uint32_t mops_mops_entries(struct mops_dec *d, const struct mops_icmp *m, uint32_t n_ports, uint32_t fixed,
                           uint32_t entry, const char *what);
/* LARA's DAD request and reply and its advertisement (decode/lara.c). */
bool mops_is_lara_type(const struct mops_settings *s, uint16_t t);
void mops_decode_lara(struct mops_dec *d, struct mops_rd *r);
void mops_decode_tcp(struct mops_dec *d, struct mops_rd *r, bool complete);
void mops_decode_udpv5(struct mops_dec *d, struct mops_rd *r, bool complete);

#endif
