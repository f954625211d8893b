/* The extension-header chain (IPFF §4, profile §4), including the
 * received-source option of MOPS §3.2. */
#include <stdio.h>

#include "internal.h"

static void record_option(struct mops_packet *pkt, uint32_t off, uint8_t type, uint8_t len)
{
    pkt->n_options_seen++;
    if (pkt->n_options >= MOPS_MAX_OPTIONS)
        return;
    struct mops_option *o = &pkt->options[pkt->n_options++];
    o->off = off;
    o->type = type;
    o->len = len;
    o->ext = (uint8_t)(pkt->n_ext);
}

/* The TLV options of Hop-by-Hop and Destination Options (IPFF §4.2). */
static bool decode_options(struct mops_dec *d, struct mops_rd *r, struct mops_ext *e)
{
    struct mops_packet *pkt = d->pkt;
    bool ok = true;
    e->u.opts.first_opt = pkt->n_options;
    while (mops_rd_left(r) > 0) {
        uint32_t at = r->pos;
        uint8_t type = mops_rd_u8(r);
        if (type == MOPS_OPT_PAD1) {
            record_option(pkt, at, type, 0);
            continue;
        }
        uint8_t len = mops_rd_u8(r);
        if (!mops_rd_need(r, len)) {
            mops_problem_short(pkt, r, MOPS_P_IPFF_EXT_MALFORMED, "option");
            ok = false;
            break;
        }
        struct mops_rd data = mops_rd_sub(r, len);
        record_option(pkt, at, type, len);
        if (type == d->s->recv_src_option) {
            if (len != MOPS_RECV_SRC_OPT_LEN) {
                mops_problem_add(pkt, MOPS_P_IPFF_EXT_MALFORMED, at, "received-source option of length %u, expected %u",
                                 len, MOPS_RECV_SRC_OPT_LEN);
                continue;
            }
            struct mops_recv_src *rs = &pkt->recv_src;
            rs->present = true;
            rs->off = at;
            rs->port = mops_rd_u16(&data);
            uint64_t w = mops_rd_u64(&data);
            rs->pad = (uint16_t)(w >> 50); /* E8: the 14 zero bits come first */
            rs->addr = w & MOPS_ADDR_MASK;
            mops_check_addr(pkt, rs->addr, at + 4, "ipff.dstopts.recv_src.addr");
        } else if (type != MOPS_OPT_PADN && (type >> 6) != 0) {
            mops_problem_add(pkt, MOPS_P_IPFF_OPTION_UNKNOWN, at, "unknown option type 0x%02x (action: %s)", type,
                             mops_option_action_name(type));
        }
    }
    e->u.opts.n_opts = (uint16_t)(pkt->n_options - e->u.opts.first_opt);
    return ok;
}

/* Routing Type 0: E5, n = Hdr Ext Len addresses of 8 octets each. */
static void decode_routing(struct mops_dec *d, struct mops_rd *body, struct mops_ext *e)
{
    struct mops_packet *pkt = d->pkt;
    e->u.routing.type = mops_rd_u8(body);
    e->u.routing.segments_left = mops_rd_u8(body);
    uint32_t hi = mops_rd_u8(body);
    e->u.routing.reserved = hi << 16 | mops_rd_u16(body);
    e->u.routing.first_addr = pkt->n_rt_addrs;
    if (e->u.routing.type != 0) {
        mops_rd_skip(body, mops_rd_left(body));
        return;
    }
    for (unsigned i = 0; i < e->u.routing.hdr_ext_len; i++) {
        uint32_t at = body->pos;
        mops_addr_t a = mops_rd_u64(body) & MOPS_ADDR_MASK;
        if (mops_rd_failed(body) || pkt->n_rt_addrs >= MOPS_MAX_RT_ADDRS)
            break;
        pkt->rt_addrs[pkt->n_rt_addrs++] = a;
        mops_check_addr(pkt, a, at, "ipff.routing.addr");
    }
    e->u.routing.n_addrs = (uint16_t)(pkt->n_rt_addrs - e->u.routing.first_addr);
}

/* Hop-by-Hop (0), Routing (43), Destination Options (60):
 * `Protocol(14) | 00 | Hdr Ext Len(8) | ...`, 8·(Hdr Ext Len + 1) octets. */
static bool decode_var_header(struct mops_dec *d, struct mops_rd *r, struct mops_ext *e, const char *what)
{
    struct mops_packet *pkt = d->pkt;
    uint16_t w = mops_rd_u16(r);
    uint8_t hel = mops_rd_u8(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(pkt, r, MOPS_P_IPFF_EXT_MALFORMED, what);
        return false;
    }
    e->next = w >> 2;
    e->len = 8u * (hel + 1u);
    uint32_t body_len = e->len - 3;
    bool body_short = mops_rd_left(r) < body_len;
    struct mops_rd body = mops_rd_sub(r, body_len);
    bool ok = true;
    if (e->type == MOPS_PROTO_ROUTING) {
        e->u.routing.pad_bits = w & 3;
        e->u.routing.hdr_ext_len = hel;
        decode_routing(d, &body, e);
    } else {
        e->u.opts.pad_bits = w & 3;
        e->u.opts.hdr_ext_len = hel;
        ok = decode_options(d, &body, e);
    }
    if (!ok)
        return false;
    /* The header claims more octets than the packet (or capture) holds:
     * report where the bytes ran out. */
    if (body_short && !mops_rd_failed(&body))
        mops_rd_need(&body, body_len);
    if (mops_rd_failed(&body)) {
        mops_problem_short(pkt, &body, MOPS_P_IPFF_EXT_MALFORMED, what);
        return false;
    }
    return true;
}

bool mops_decode_ext_chain(struct mops_dec *d, struct mops_rd *r)
{
    struct mops_packet *pkt = d->pkt;
    uint16_t proto = pkt->ip.proto;
    while (mops_proto_is_ext(proto)) {
        if (pkt->n_ext >= MOPS_MAX_EXT_HDRS) {
            mops_problem_add(pkt, MOPS_P_IPFF_EXT_LIMIT, r->pos,
                             "more than %u extension headers; the rest is not decoded", MOPS_MAX_EXT_HDRS);
            pkt->l4_proto = proto;
            return false;
        }
        /* IPFF §4: Hop-by-Hop only directly after the IPFF header. */
        if (proto == MOPS_PROTO_HOPOPTS && pkt->n_ext > 0)
            mops_problem_add(pkt, MOPS_P_IPFF_EXT_ORDER, r->pos, "Hop-by-Hop Options header in position %u",
                             pkt->n_ext + 1);
        struct mops_ext *e = &pkt->ext[pkt->n_ext];
        *e = (struct mops_ext){.type = proto, .off = r->pos};
        const char *what = mops_proto_name(proto);
        bool ok = true;
        switch (proto) {
            case MOPS_PROTO_HOPOPTS:
            case MOPS_PROTO_ROUTING:
            case MOPS_PROTO_DSTOPTS: ok = decode_var_header(d, r, e, what); break;
            case MOPS_PROTO_VRF1:
            case MOPS_PROTO_FLOW_LABEL: {
                uint32_t w = mops_rd_u32(r);
                e->len = 4;
                e->next = (uint16_t)(w >> 18);
                if (proto == MOPS_PROTO_VRF1)
                    e->u.vrf1.label = w & 0x3ffff;
                else
                    e->u.flow.label = w & 0x3ffff;
                break;
            }
            case MOPS_PROTO_VRF2: {
                uint64_t a = mops_rd_u64(r);
                uint64_t b = mops_rd_u64(r);
                e->len = 20;
                e->next = (uint16_t)(a >> 50);
                e->u.vrf2.encap = a & MOPS_ADDR_MASK;
                e->u.vrf2.reserved = (uint16_t)(b >> 50);
                e->u.vrf2.decap = b & MOPS_ADDR_MASK;
                e->u.vrf2.label = mops_rd_u32(r);
                if (!mops_rd_failed(r)) {
                    mops_check_addr(pkt, e->u.vrf2.encap, e->off, "ipff.vrf2.encap");
                    mops_check_addr(pkt, e->u.vrf2.decap, e->off + 8, "ipff.vrf2.decap");
                }
                break;
            }
        }
        if (ok && mops_rd_failed(r)) {
            mops_problem_short(pkt, r, MOPS_P_IPFF_EXT_MALFORMED, what);
            ok = false;
        }
        pkt->n_ext++;
        pkt->layers |= MOPS_L_EXT;
        if (!ok) {
            pkt->l4_proto = e->next;
            return false;
        }
        proto = e->next;
    }
    pkt->l4_proto = proto;
    return true;
}
