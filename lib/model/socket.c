/* TCP segments and UDP datagrams of the models' sockets. */
#include "mops/model/socket.h"

#include <string.h>

static const uint8_t pattern[] = "MOPS reference application data, ";

static void payload(uint8_t *dst, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        dst[i] = pattern[i % (sizeof pattern - 1)];
}

static struct mops_builder *begin(const struct mops_settings *st, const struct mops_sock *s,
                                  const struct mops_recv_src *rs, struct mops_outbox *out)
{
    struct mops_builder *b = mops_outbox_builder(out, st);
    struct mops_ipff_hdr h = {.src = s->laddr, .dst = s->raddr, .htl = 64};
    mops_build_ipff(b, &h);
    if (rs) {
        struct mops_opt_spec o;
        uint8_t od[10];
        mops_opt_recv_src(st, &o, od, rs->port, rs->addr);
        mops_build_opts_header(b, MOPS_PROTO_DSTOPTS, &o, 1);
    }
    return b;
}

void mops_sock_send_tcp(const struct mops_settings *st, struct mops_sock *s, uint8_t flags, uint32_t payload_len,
                        bool mobile, const struct mops_recv_src *rs, struct mops_outbox *out)
{
    if (payload_len > MOPS_OUTBOX_PAYLOAD - 512)
        payload_len = MOPS_OUTBOX_PAYLOAD - 512;
    struct mops_builder *b = begin(st, s, rs, out);
    uint8_t *data = mops_outbox_payload(out);
    struct mops_tcp t = {.sport = s->lport,
                         .dport = s->rport,
                         .seq = s->snd_nxt,
                         .ack = (flags & MOPS_TCP_ACK) ? s->rcv_nxt : 0,
                         .flags = flags,
                         .window = (uint16_t)(s->rcv_wnd > 65535 ? 65535 : s->rcv_wnd)};
    if (mobile) {
        t.opts[t.n_opts++].kind = st->mobile_capable_kind;
        t.opts[t.n_opts++].kind = MOPS_TCPOPT_NOP;
        t.opts[t.n_opts++].kind = MOPS_TCPOPT_NOP;
    }
    payload(data, payload_len);
    mops_build_tcp(b, &t, data, payload_len);
    mops_outbox_add_built(out, b);
    s->snd_nxt += payload_len + ((flags & MOPS_TCP_SYN) ? 1 : 0) + ((flags & MOPS_TCP_FIN) ? 1 : 0);
    s->bytes_out += payload_len;
}

void mops_sock_send_udp(const struct mops_settings *st, struct mops_sock *s, uint32_t payload_len,
                        const struct mops_recv_src *rs, struct mops_outbox *out)
{
    if (payload_len > MOPS_OUTBOX_PAYLOAD - 512)
        payload_len = MOPS_OUTBOX_PAYLOAD - 512;
    struct mops_builder *b = begin(st, s, rs, out);
    uint8_t *data = mops_outbox_payload(out);
    payload(data, payload_len);
    mops_build_udpv5(b, s->lport, s->rport, data, payload_len);
    mops_outbox_add_built(out, b);
    s->bytes_out += payload_len;
}

uint32_t mops_sock_take_tcp(struct mops_sock *s, const struct mops_packet *pkt)
{
    const struct mops_tcp *t = &pkt->tcp;
    uint32_t n = t->payload_len;
    if ((t->flags & MOPS_TCP_SYN) && s->state != MOPS_SOCK_OPEN) {
        s->rcv_nxt = t->seq + 1;
    } else if (n && !s->rcv_known) {
        s->rcv_nxt = t->seq + n; /* what the capture now shows */
        s->rcv_known = true;
    } else if (n && t->seq == s->rcv_nxt)
        s->rcv_nxt += n;
    else if (n)
        return 0; /* out of order: the models send in order, so this is someone else's */
    s->bytes_in += n;
    return n;
}

struct mops_sock *mops_sock_alloc(struct mops_sock *socks, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (socks[i].state == MOPS_SOCK_FREE) {
            memset(&socks[i], 0, sizeof socks[i]);
            socks[i].rcv_known = socks[i].snd_known = true;
            return &socks[i];
        }
    return NULL;
}

void mops_sock_adopt(struct mops_sock *s, const struct mops_sock_seen *k)
{
    s->state = k->half_open ? MOPS_SOCK_SYN_RCVD : MOPS_SOCK_OPEN;
    s->proto = k->proto;
    s->mobile = k->mobile;
    s->laddr = k->laddr;
    s->raddr = k->raddr;
    s->lport = k->lport;
    s->rport = k->rport;
    s->rcv_known = k->rcv_known;
    s->rcv_nxt = k->rcv_known ? k->rcv_nxt : 0;
    s->rcv_wnd = k->rcv_wnd;
    s->snd_known = k->snd_known;
    s->snd_nxt = k->snd_known ? k->snd_nxt : 0;
    s->has_unique_id = k->has_unique_id;
    s->unique_id = k->unique_id;
}
