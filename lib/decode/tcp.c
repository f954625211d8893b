/* TCP over IPFF (RFC 9293; checksum over the IPFF pseudo-header, profile §6)
 * with its options, MOBILE_CAPABLE among them (MOPS §3.1). */
#include "mops/core/checksum.h"

#include "internal.h"

static void option_value(struct mops_dec *d, struct mops_tcp *t, uint8_t kind, uint8_t len, struct mops_rd *data,
                         uint32_t at)
{
    struct mops_packet *pkt = d->pkt;
    uint8_t want = 0; /* 0: any length */
    if (kind == d->s->mobile_capable_kind) {
        want = MOPS_MOBILE_CAPABLE_LEN;
        t->mobile_capable = true;
    } else {
        switch (kind) {
            case MOPS_TCPOPT_MSS:
                want = 4;
                if (len == want) {
                    t->has_mss = true;
                    t->mss = mops_rd_u16(data);
                }
                break;
            case MOPS_TCPOPT_WS:
                want = 3;
                if (len == want) {
                    t->has_ws = true;
                    t->ws = mops_rd_u8(data);
                }
                break;
            case MOPS_TCPOPT_SACK_PERM:
                want = 2;
                t->sack_perm = len == want;
                break;
            case MOPS_TCPOPT_TS:
                want = 10;
                if (len == want) {
                    t->has_ts = true;
                    t->ts_val = mops_rd_u32(data);
                    t->ts_ecr = mops_rd_u32(data);
                }
                break;
            case MOPS_TCPOPT_SACK:
                if (len < 10 || (len - 2) % 8 != 0) {
                    mops_problem_add(pkt, MOPS_P_TCP_OPTION, at, "SACK option of length %u (2 + 8n expected)", len);
                    return;
                }
                for (unsigned i = 0; i < (len - 2u) / 8 && t->n_sack < MOPS_MAX_SACK; i++) {
                    t->sack_left[t->n_sack] = mops_rd_u32(data);
                    t->sack_right[t->n_sack] = mops_rd_u32(data);
                    t->n_sack++;
                }
                return;
            default: return;
        }
    }
    if (want && len != want)
        mops_problem_add(pkt, MOPS_P_TCP_OPTION, at, "%s option of length %u, expected %u",
                         mops_tcp_option_name(kind, d->s->mobile_capable_kind), len, want);
}

static void decode_options(struct mops_dec *d, struct mops_tcp *t, struct mops_rd *r)
{
    while (mops_rd_left(r) > 0) {
        uint32_t at = r->pos;
        uint8_t kind = mops_rd_u8(r);
        uint8_t len = 1;
        if (kind != MOPS_TCPOPT_EOL && kind != MOPS_TCPOPT_NOP) {
            len = mops_rd_u8(r);
            if (!mops_rd_failed(r) && len < 2) {
                mops_problem_add(d->pkt, MOPS_P_TCP_OPTION, at, "TCP option kind %u with length %u (at least 2)", kind,
                                 len);
                return;
            }
            if (mops_rd_failed(r) || !mops_rd_need(r, len - 2u)) {
                mops_problem_short(d->pkt, r, MOPS_P_TCP_OPTION, "TCP option");
                return;
            }
        }
        if (t->n_opts < MOPS_MAX_TCP_OPTIONS)
            t->opts[t->n_opts++] = (struct mops_tcp_option){at, kind, len};
        if (kind == MOPS_TCPOPT_EOL)
            return; /* the rest is padding */
        if (kind == MOPS_TCPOPT_NOP)
            continue;
        struct mops_rd data = mops_rd_sub(r, len - 2u);
        option_value(d, t, kind, len, &data, at);
    }
}

void mops_decode_tcp(struct mops_dec *d, struct mops_rd *r, bool complete)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_tcp *t = &pkt->tcp;
    t->off = r->pos;
    t->sport = mops_rd_u16(r);
    t->dport = mops_rd_u16(r);
    t->seq = mops_rd_u32(r);
    t->ack = mops_rd_u32(r);
    uint16_t w = mops_rd_u16(r);
    t->window = mops_rd_u16(r);
    t->csum = mops_rd_u16(r);
    t->urg = mops_rd_u16(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(pkt, r, MOPS_P_TCP_MALFORMED, "TCP header");
        return;
    }
    pkt->layers |= MOPS_L_TCP;
    t->doff = (uint8_t)(w >> 12);
    t->reserved = (w >> 8) & 0xf;
    t->flags = (uint8_t)w;
    uint32_t hlen = t->doff * 4u;
    if (hlen < 20 || hlen > pkt->l4_len) {
        mops_problem_add(pkt, MOPS_P_TCP_MALFORMED, t->off + 12, "TCP data offset %u (%u octets) in a %u-octet segment",
                         t->doff, hlen, pkt->l4_len);
        hlen = 20;
    } else {
        struct mops_rd opts = mops_rd_sub(r, hlen - 20);
        decode_options(d, t, &opts);
    }
    t->payload_off = t->off + hlen;
    t->payload_len = pkt->l4_len - hlen;

    if (!complete)
        mops_check_unverified(&t->csum_check, t->csum);
    else if (!mops_check_verified(
                 &t->csum_check, t->csum,
                 mops_inet_checksum(pkt->ip.src, pkt->ip.dst, MOPS_PROTO_TCP, pkt->frame + t->off, pkt->l4_len, 16)))
        mops_problem_add(pkt, MOPS_P_TCP_CHECKSUM, t->off + 16, "bad tcp checksum 0x%04x != 0x%04x", t->csum,
                         t->csum_check.expected);
}
