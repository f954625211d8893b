/* What the reference models of MOPS share (MOPS §4, profile §7): packets
 * out through an outbox, a seeded random source, misbehaviours to switch on.
 * The models do no I/O: a packet in (decoded), packets out (encoded), a clock
 * in nanoseconds. The simulator (sim.h) and later the validator drive them. */
#ifndef MOPS_MODEL_H
#define MOPS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "mops/build/build.h"
#include "mops/core/packet.h"
#include "mops/core/settings.h"
#include "mops/core/timers.h"

#define MOPS_MODEL_NAME 32

/* How much state each model instance holds, set at init: a scenario's nodes
 * need a few dozen sessions, the validator's shadow of a busy server tens of
 * thousands. A table that is full refuses new entries (or, where said,
 * replaces its oldest). */
struct mops_model_caps {
    unsigned mobile_socks;   /* a mobile node's sockets */
    unsigned mobile_natt;    /* rows of its NAT traversal table */
    unsigned mobile_pending; /* its Migrates awaiting a reply */
    unsigned server_socks;   /* a server's sessions */
    unsigned server_history; /* migrations it accepted, kept 5 s (oldest replaced) */
    unsigned nat_maps;       /* a NAT's mappings */
    unsigned nat_intercepts; /* migrates it intercepted (oldest replaced) */
    unsigned dnat_sessions;  /* a destination NAT's sessions */
    unsigned dnat_pending;   /* migrates it forwarded, awaiting the reply */
    /* Tables written at init (mops_claim), not as calloc's pages are first
     * touched: a validator's shadow holds its peak memory from the start,
     * however long the capture. */
    bool claim;
};
/* What the simulator's scenarios use. */
extern const struct mops_model_caps mops_model_caps_default;
/* n zeroed elements (claimed when caps says so; caps may be NULL), or NULL;
 * n of 0 is one (so that NULL means failure). */
void *mops_model_table(const struct mops_model_caps *caps, unsigned n, size_t size);

/* A chained hash index over a model's table of n entries: a head per
 * bucket (a power of two of them, at least n) and the next of each entry,
 * -1 ending a chain. The model hashes its own keys (mops_index_bucket) and
 * compares entries itself; a busy shadow's tables hold tens of thousands. */
struct mops_index {
    int32_t *head, *next;
    uint32_t n_heads;
};
int mops_index_init(struct mops_index *x, const struct mops_model_caps *caps, unsigned n);
void mops_index_free(struct mops_index *x);
static inline uint32_t mops_index_bucket(const struct mops_index *x, uint64_t key)
{
    return (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (x->n_heads - 1);
}
void mops_index_add(struct mops_index *x, uint32_t bucket, int32_t i);
void mops_index_del(struct mops_index *x, uint32_t bucket, int32_t i);

/* Packets a model sends, bare IPFF. The outbox also holds the work space
 * the models build in (claimed on first use), so that the models keep no
 * state of their own outside their instances: one outbox per thread. */
struct mops_outbox_work;
struct mops_outbox {
    struct {
        uint8_t *data;
        uint32_t len;
        bool has_l2_dst; /* the Ethernet destination the model chose (a DAD reply) */
        uint8_t l2_dst[6];
    } * v;
    unsigned n, cap;
    struct mops_outbox_work *work;
};
/* The outbox's builder, initialised for st; the packet built is sent with
 * mops_outbox_add_built before the builder is asked for again. */
struct mops_builder *mops_outbox_builder(struct mops_outbox *o, const struct mops_settings *st);
/* A packet to copy a received one into and change (a NAT's rewrite). */
struct mops_packet *mops_outbox_scratch(struct mops_outbox *o);
/* MOPS_OUTBOX_PAYLOAD octets for a segment's data. */
#define MOPS_OUTBOX_PAYLOAD 65536
uint8_t *mops_outbox_payload(struct mops_outbox *o);
void mops_outbox_add(struct mops_outbox *o, const uint8_t *data, uint32_t len);
/* The Ethernet destination of the packet added last, where the model and
 * not the route decides it (LARA §3: a DAD reply goes to the requester's
 * physical MAC, or to broadcast). */
void mops_outbox_set_l2_dst(struct mops_outbox *o, const uint8_t mac[6]);
/* Finishes b (lengths, checksums) and adds its IPFF packet. */
void mops_outbox_add_built(struct mops_outbox *o, struct mops_builder *b);
/* Forwards a packet a model has rewritten (a NAT): one hop less, re-encoded
 * with every length and checksum recomputed, or keeping *old_crc as its
 * ICMPv5 CRC when given (a NAT that forgets to recompute). Dropped when its
 * Hops to Live runs out. */
void mops_outbox_forward(struct mops_outbox *o, const struct mops_settings *st, struct mops_packet *pkt,
                         const uint32_t *old_crc);
void mops_outbox_clear(struct mops_outbox *o);
void mops_outbox_free(struct mops_outbox *o);

/* What a model can be told to do wrong, so that captures with known
 * violations exist for the validator. */
enum mops_misbehaviour {
    MOPS_BAD_ACCEPT_WRONG_SEQ = 1u << 0,     /* server: accept a port outside the window */
    MOPS_BAD_REJECT_VALID_SEQ = 1u << 1,     /* server: refuse a valid port */
    MOPS_BAD_NO_ROLLBACK = 1u << 2,          /* server: keep the good ports of a failed atomic migrate */
    MOPS_BAD_ANSWER_FLAP = 1u << 3,          /* server: answer a migrate within the flapping window */
    MOPS_BAD_REPLY_MISMATCH = 1u << 4,       /* server: change a field in its reply */
    MOPS_BAD_ACCEPT_INVALID_ADDR = 1u << 5,  /* server: accept an address with a field above 999 */
    MOPS_BAD_NO_REPLY = 1u << 6,             /* server: never reply */
    MOPS_BAD_STALE_TUPLE = 1u << 7,          /* server: go on sending to the old tuple */
    MOPS_BAD_RETX_EARLY = 1u << 8,           /* mobile: resend after 0.5 s */
    MOPS_BAD_RETX_EXCESS = 1u << 9,          /* mobile: resend 6 times */
    MOPS_BAD_MIGRATE_NOT_MOBILE = 1u << 10,  /* mobile: migrate a socket without MOBILE_CAPABLE */
    MOPS_BAD_PREV_NOT_TRANSLATED = 1u << 11, /* mobile: previous = its own inside address behind NAT */
    MOPS_BAD_NO_NATACK = 1u << 12,           /* NAT: send no NAT ack */
    MOPS_BAD_REWRITE_PREV = 1u << 13,        /* NAT: rewrite the previous fields of a migrate */
    MOPS_BAD_REWRITE_SEQ = 1u << 14,         /* NAT: change the sequence number of a migrate's last port */
    MOPS_BAD_NO_RESTORE = 1u << 15,          /* NAT: leave the migrated fields of the reply translated */
    MOPS_BAD_WRONG_LEVEL = 1u << 16,         /* NAT: relay a learned level without adding 1 */
    MOPS_BAD_NATACK_HTL = 1u << 17,          /* NAT: send NAT acks with Hops to Live 64 */
    MOPS_BAD_TRANSLATE_TCP_SEQ = 1u << 18,   /* NAT: shift TCP sequence numbers (ISN randomisation) */
    MOPS_BAD_STALE_CRC = 1u << 19,           /* NAT: forward a rewritten migrate with its old CRC */
    MOPS_BAD_REMAP_UNCONFIRMED = 1u << 20,   /* destination NAT: remap ports the server refused */
    MOPS_BAD_NO_RECV_SRC = 1u << 21,         /* server: no received-source option on its SYN-ACK */
    MOPS_BAD_REJUDGE_DUPLICATE = 1u << 22,   /* server: judge a duplicate anew, not its cached reply (E6) */
    MOPS_BAD_REPLY_PREV = 1u << 23,          /* server: change the Previous Source Address in its reply */
    MOPS_BAD_ANSWER_CORRUPT = 1u << 24,      /* server: answer a migrate whose checksum is bad */
    MOPS_BAD_SHIFT_DATA_SEQ = 1u << 25,      /* NAT: shift the sequence of data segments, not of the SYN */
    MOPS_BAD_NO_RELAY = 1u << 26,            /* NAT: learn upstream levels but relay none */
    MOPS_BAD_PREV_INTERMEDIATE = 1u << 27,   /* mobile: previous = its level 1 translation, not the outermost */
    MOPS_BAD_MC_SYN_ONLY = 1u << 28,         /* mobile: MOBILE_CAPABLE on its SYN, not on the handshake's ACK */
    MOPS_BAD_NO_MC_ECHO = 1u << 29,          /* server: no MOBILE_CAPABLE on its SYN-ACK to a mobile SYN */
    MOPS_BAD_MIGRATE_TENTATIVE = 1u << 30,   /* LARA: use an address before its DAD has ended */
    MOPS_BAD_IGNORE_DAD_REPLY = 1u << 31,    /* LARA: use an address a DAD reply said is taken */
};
/* Returns the bit for a name ("accept-wrong-seq"), or 0. */
uint32_t mops_misbehaviour_parse(const char *name);

/* splitmix64: deterministic ports and ISNs from a scenario's seed. */
static inline uint64_t mops_rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A TCP sequence number lies in [rcv_nxt, rcv_nxt + wnd), modulo 2^32
 * (profile §7). */
static inline bool mops_seq_in_window(uint32_t seq, uint32_t rcv_nxt, uint32_t wnd)
{
    return (uint32_t)(seq - rcv_nxt) < wnd;
}

/* Copies a decoded packet (its scalars and the used part of its pools), so
 * that a model can change fields and re-encode it with mops_build_packet. */
void mops_packet_copy(struct mops_packet *dst, const struct mops_packet *src);

#endif
