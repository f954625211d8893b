/* Entry point of the decoder, problem bookkeeping and status. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mops/core/claim.h"
#include "internal.h"

void mops_problem_add(struct mops_packet *pkt, enum mops_problem_id id, uint32_t off, const char *fmt, ...)
{
    pkt->n_problems_seen++;
    struct mops_problem *p = NULL;
    if (pkt->n_problems < MOPS_MAX_PROBLEMS) {
        p = &pkt->problems[pkt->n_problems++];
    } else if (mops_problem_info(id)->kind != MOPS_PK_VALUE) {
        /* Full: a problem that cuts the decode short (and so sets the
         * status) takes the place of the last wrong-value one, else a
         * packet with many bad address fields could hide that it is
         * malformed (found by fuzz_decode). */
        for (unsigned i = MOPS_MAX_PROBLEMS; i-- > 0 && !p;)
            if (mops_problem_info(pkt->problems[i].id)->kind == MOPS_PK_VALUE)
                p = &pkt->problems[i];
    }
    if (!p)
        return;
    p->id = id;
    p->offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
}

void mops_problem_short(struct mops_packet *pkt, const struct mops_rd *r, enum mops_problem_id malformed_id,
                        const char *what)
{
    if (r->capture_limited)
        mops_problem_add(pkt, malformed_id == MOPS_P_LINK_MALFORMED ? MOPS_P_LINK_TRUNCATED : MOPS_P_IPFF_TRUNCATED,
                         r->fail_off, "truncated at offset %u in %s", r->fail_off, what);
    else
        mops_problem_add(pkt, malformed_id, r->fail_off, "%s runs past its end at offset %u", what, r->fail_off);
}

void mops_check_addr(struct mops_packet *pkt, mops_addr_t addr, uint32_t off, const char *field)
{
    int i = mops_addr_invalid_field(addr);
    if (i >= 0) {
        char buf[MOPS_ADDR_STRLEN];
        mops_problem_add(pkt, MOPS_P_IPFF_ADDR_FIELD, off, "invalid address field %u in %s %s",
                         mops_addr_field(addr, i), field, mops_addr_format(addr, buf));
    }
}

bool mops_check_verified(struct mops_check *c, uint32_t got, uint32_t want)
{
    *c = (struct mops_check){got == want ? MOPS_CHECK_GOOD : MOPS_CHECK_BAD, got, want};
    return got == want;
}

void mops_check_unverified(struct mops_check *c, uint32_t got)
{
    *c = (struct mops_check){MOPS_CHECK_UNVERIFIED, got, 0};
}

static enum mops_status status_of(const struct mops_packet *pkt)
{
    if (mops_packet_truncated(pkt))
        return MOPS_ST_TRUNCATED;
    for (unsigned i = 0; i < pkt->n_problems; i++)
        if (mops_problem_info(pkt->problems[i].id)->kind == MOPS_PK_MALFORMED)
            return MOPS_ST_MALFORMED;
    return MOPS_ST_OK;
}

static void decode(const struct mops_settings *s, uint32_t linktype, const uint8_t *frame, uint32_t caplen,
                   uint32_t wirelen, const uint8_t *mac_dst, const uint8_t *mac_src, struct mops_packet *pkt)
{
    /* Reset only the scalar parts: the pools are valid up to their counts. */
    memset(pkt, 0, offsetof(struct mops_packet, ext));
    pkt->frame = frame;
    pkt->caplen = caplen;
    pkt->wirelen = wirelen < caplen ? caplen : wirelen;
    struct mops_dec d = {s ? s : &mops_settings_default, pkt};
    if (!mops_decode_link(&d, linktype)) {
        pkt->status = pkt->n_problems ? status_of(pkt) : MOPS_ST_NOT_IPFF;
        return;
    }
    if (mac_src && mac_dst) {
        pkt->link.has_mac = true;
        memcpy(pkt->link.mac_dst, mac_dst, 6);
        memcpy(pkt->link.mac_src, mac_src, 6);
    } else if (mac_src) { /* a Linux cooked capture's: the source alone */
        pkt->link.sll_addr_len = 6;
        memcpy(pkt->link.sll_addr, mac_src, 6);
    }
    mops_decode_ipff(&d);
    pkt->status = status_of(pkt);
}

void mops_decode_frame(const struct mops_settings *s, uint32_t linktype, const uint8_t *frame, uint32_t caplen,
                       uint32_t wirelen, struct mops_packet *pkt)
{
    decode(s, linktype, frame, caplen, wirelen, NULL, NULL, pkt);
}

void mops_decode_ipff_in_frame(const struct mops_settings *s, const uint8_t mac_dst[6], const uint8_t mac_src[6],
                               const uint8_t *ipff, uint32_t caplen, uint32_t wirelen, struct mops_packet *pkt)
{
    decode(s, MOPS_LINKTYPE_USER0, ipff, caplen, wirelen, mac_dst, mac_src, pkt);
}

const struct mops_problem *mops_packet_first_problem(const struct mops_packet *pkt, enum mops_problem_id id)
{
    for (unsigned i = 0; i < pkt->n_problems; i++)
        if (pkt->problems[i].id == id)
            return &pkt->problems[i];
    return NULL;
}

bool mops_packet_has_problem(const struct mops_packet *pkt, enum mops_problem_id id)
{
    return mops_packet_first_problem(pkt, id) != NULL;
}

bool mops_packet_checksum_bad(const struct mops_packet *pkt)
{
    return ((pkt->layers & MOPS_L_ICMP) && pkt->icmp.crc_check.state == MOPS_CHECK_BAD) ||
           ((pkt->layers & MOPS_L_TCP) && pkt->tcp.csum_check.state == MOPS_CHECK_BAD) ||
           ((pkt->layers & MOPS_L_UDP) && (pkt->udp.csum_check.state == MOPS_CHECK_BAD || pkt->udp.csum == 0));
}

bool mops_packet_addr_invalid(const struct mops_packet *pkt)
{
    return !mops_addr_valid(pkt->ip.src) || !mops_addr_valid(pkt->ip.dst);
}

bool mops_packet_truncated(const struct mops_packet *pkt)
{
    for (unsigned i = 0; i < pkt->n_problems; i++)
        if (mops_problem_info(pkt->problems[i].id)->kind == MOPS_PK_TRUNCATED)
            return true;
    return false;
}

const char *mops_status_name(enum mops_status st)
{
    switch (st) {
        case MOPS_ST_OK: return "ok";
        case MOPS_ST_NOT_IPFF: return "not-ipff";
        case MOPS_ST_TRUNCATED: return "truncated";
        case MOPS_ST_MALFORMED: return "malformed";
    }
    return "?";
}

const char *mops_check_state_name(enum mops_check_state s)
{
    switch (s) {
        case MOPS_CHECK_NONE: return "none";
        case MOPS_CHECK_GOOD: return "good";
        case MOPS_CHECK_BAD: return "bad";
        case MOPS_CHECK_UNVERIFIED: return "unverified";
    }
    return "?";
}

const char *mops_carrier_name(enum mops_carrier c)
{
    switch (c) {
        case MOPS_CARRIER_NONE: return "none";
        case MOPS_CARRIER_ETHERNET: return "ethernet";
        case MOPS_CARRIER_SLL: return "sll";
        case MOPS_CARRIER_SLL2: return "sll2";
        case MOPS_CARRIER_USER0: return "user0";
        case MOPS_CARRIER_UDP4: return "udp4";
        case MOPS_CARRIER_UDP6: return "udp6";
    }
    return "?";
}

/* Up to 8 octets of the frame at i (fewer before `to`), zero-padded. */
static uint64_t word_at(const struct mops_packet *pkt, uint32_t i, uint32_t to)
{
    uint64_t w = 0;
    memcpy(&w, pkt->frame + i, to - i < 8 ? to - i : 8);
    return w;
}

/* The frame's octets [from, to) as pairs of words, each pair folded with
 * its position *k: the folds are independent of each other, and summed
 * (tests/bench: a chain of mixes waited on each step). */
static uint64_t fold_range(const struct mops_packet *pkt, uint32_t from, uint32_t to, uint64_t *k)
{
    uint64_t h = 0;
    for (uint32_t i = from; i < to; i += 16, ++*k)
        h += mops_fold128(word_at(pkt, i, to), (i + 8 < to ? word_at(pkt, i + 8, to) : 0) ^ *k << 56);
    return h;
}

/* The header without Hops to Live, the first 64 octets after it and the
 * last 16, and the upper layer's checksum (which covers the rest): a key per
 * packet at a cost that does not grow with its length. */
uint64_t mops_packet_content_key(const struct mops_packet *pkt)
{
    uint32_t from = pkt->link.ipff_off + MOPS_IPFF_HDR_LEN;
    uint32_t to = from + pkt->ip.plen;
    if (to > pkt->caplen)
        to = pkt->caplen;
    if (to < from)
        to = from;
    uint32_t head_end = to - from > 64 ? from + 64 : to;
    uint32_t tail = to - head_end > 16 ? to - 16 : head_end;
    uint64_t h = mops_fold128(pkt->ip.src, pkt->ip.dst ^ 0x6d6f7073u);
    h += mops_fold128((uint64_t)pkt->ip.proto << 32 | (uint64_t)pkt->ip.tos << 16 | pkt->ip.plen, 1);
    uint64_t k = 2;
    h += fold_range(pkt, from, head_end, &k);
    h += fold_range(pkt, tail, to, &k);
    /* With whether it verifies: a copy damaged in the middle keeps the
     * checksum but fails it, and is another packet. */
    if (pkt->layers & MOPS_L_TCP)
        h = mops_mix64(h, (uint64_t)pkt->tcp.csum_check.state << 32 | pkt->tcp.csum);
    if (pkt->layers & MOPS_L_UDP)
        h = mops_mix64(h, (uint64_t)pkt->udp.csum_check.state << 32 | pkt->udp.csum);
    if (pkt->layers & MOPS_L_ICMP)
        h = mops_mix64(h, (uint64_t)pkt->icmp.crc_check.state << 32 | pkt->icmp.crc);
    return h;
}
