/* Encoders: build IPFF frames from the same structs the decoder fills.
 *
 *   mops_build_init(b, settings);
 *   mops_build_ipff(b, &hdr);                  // Protocol/Payload Length patched
 *   mops_build_dstopts(b, opts, n);            // any extension headers, in order
 *   mops_build_migrate(b, code, &mig, ports, n);
 *   mops_build_finish(b);                      // lengths and checksums
 *   mops_build_ethernet(b, dst, src, NULL, 0); // optional carrier, outermost last
 *
 * Each layer writes the Protocol field of the one before it. After finish,
 * mops_build_set_* overwrite a field to make deliberately bad packets. */
#ifndef MOPS_BUILD_H
#define MOPS_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mops/core/packet.h"
#include "mops/core/settings.h"

#define MOPS_BUILD_HEADROOM 128
#define MOPS_BUILD_CAPACITY (MOPS_BUILD_HEADROOM + MOPS_IPFF_HDR_LEN + 65535 + 64)

struct mops_builder {
    const struct mops_settings *s;
    uint32_t head, tail; /* frame = buf[head, tail) */
    uint32_t ipff;       /* offset of the IPFF header */
    uint32_t proto_at;   /* where the next layer's Protocol value goes */
    uint32_t l4;         /* offset of the upper layer (0: none yet) */
    uint16_t l4_proto;
    uint16_t inner_type; /* EtherType of what the frame holds now */
    bool finished, overflow;
    mops_addr_t src, dst;
    uint8_t buf[MOPS_BUILD_CAPACITY];
};

/* A Hop-by-Hop / Destination option as type, length and data. */
struct mops_opt_spec {
    uint8_t type, len;
    const uint8_t *data;
};

void mops_build_init(struct mops_builder *b, const struct mops_settings *s);
void mops_build_ipff(struct mops_builder *b, const struct mops_ipff_hdr *h);

/* Extension headers (profile §4). Options are padded to a multiple of 8
 * octets with Pad1/PadN. */
void mops_build_opts_header(struct mops_builder *b, uint16_t type, const struct mops_opt_spec *opts, unsigned n);
/* Fills spec and data[10] with a received-source option (MOPS §3.2). */
void mops_opt_recv_src(const struct mops_settings *s, struct mops_opt_spec *spec, uint8_t data[10], uint16_t port,
                       mops_addr_t addr);
void mops_build_routing0(struct mops_builder *b, uint8_t segments_left, const mops_addr_t *addrs, unsigned n);
void mops_build_vrf1(struct mops_builder *b, uint32_t label);
void mops_build_vrf2(struct mops_builder *b, mops_addr_t encap, mops_addr_t decap, uint32_t label);
void mops_build_flow_label(struct mops_builder *b, uint32_t label);

/* Any extension header as raw octets (its first two octets are the
 * Protocol field, patched by the next layer). */
void mops_build_ext_raw(struct mops_builder *b, uint16_t type, const uint8_t *bytes, size_t len);

/* Upper layers. */
void mops_build_icmp(struct mops_builder *b, uint16_t type, uint8_t code, uint8_t byte7, const uint8_t *body,
                     size_t len);
void mops_build_icmp_error(struct mops_builder *b, uint16_t type, uint8_t code, uint32_t param, mops_addr_t router,
                           const uint8_t *invoking, size_t len);
void mops_build_echo(struct mops_builder *b, uint16_t type, uint32_t id, uint32_t seq, const uint8_t *data, size_t len);
void mops_build_migrate(struct mops_builder *b, uint8_t code, const struct mops_migrate *g,
                        const struct mops_migrate_port *ports, unsigned n);
void mops_build_anycast_ack(struct mops_builder *b, const struct mops_anycast_ack *a);
void mops_build_nat_ack(struct mops_builder *b, const struct mops_nat_ack *a, const struct mops_nat_port *ports,
                        unsigned n);
/* LARA (profile §9): a DAD request or reply, the broadcast advertisement. */
void mops_build_dad(struct mops_builder *b, bool reply, const struct mops_dad *d);
void mops_build_lara_advert(struct mops_builder *b);
/* TCP: the options are encoded from t->opts[] (kinds in order) with the
 * values in t (mss, ws, ts_*, sack_*); the header is padded with EOL. */
void mops_build_tcp(struct mops_builder *b, const struct mops_tcp *t, const uint8_t *payload, size_t len);
void mops_build_udpv5(struct mops_builder *b, uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len);
/* Any other protocol: raw octets after the chain, with Protocol `proto`. */
void mops_build_raw(struct mops_builder *b, uint16_t proto, const uint8_t *data, size_t len);

/* encode(decode(x)): rebuilds the IPFF packet of a decoded frame (pkt->frame
 * must still be valid) from its struct, so a model can decode, change a
 * field and re-encode. Finishes the builder. Returns -1 if the packet was
 * not decoded whole (truncated, malformed, too many options to keep). */
int mops_build_packet(struct mops_builder *b, const struct mops_packet *pkt);

/* Payload Length and the upper layer's checksum. Returns 0, or -1 if the
 * packet did not fit. */
int mops_build_finish(struct mops_builder *b);

/* Deliberate damage, after finish. */
void mops_build_set_checksum(struct mops_builder *b, uint32_t value);
void mops_build_set_plen(struct mops_builder *b, uint16_t plen);
/* Appends n octets after the packet (Ethernet padding; a trailer). */
void mops_build_trailer(struct mops_builder *b, size_t n);

/* Carriers (profile §1), after finish, innermost first. */
void mops_build_ethernet(struct mops_builder *b, const uint8_t dst[6], const uint8_t src[6], const uint16_t *vlan_tci,
                         unsigned n_vlan);
void mops_build_sll(struct mops_builder *b, uint16_t pkttype, const uint8_t *addr, uint8_t alen);
void mops_build_sll2(struct mops_builder *b, uint32_t ifindex, uint16_t pkttype, const uint8_t *addr, uint8_t alen);
void mops_build_udp4(struct mops_builder *b, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
                     uint16_t dport);
void mops_build_udp6(struct mops_builder *b, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
                     uint16_t dport);

static inline const uint8_t *mops_build_data(const struct mops_builder *b, uint32_t *len)
{
    *len = b->tail - b->head;
    return b->buf + b->head;
}

#endif
