/* encode(decode(x)): a decoded packet back to octets through the builders. */
#include "mops/decode/decode.h"

#include "internal.h"

static int build_ext(struct mops_builder *b, const struct mops_packet *pkt, const struct mops_ext *e)
{
    switch (e->type) {
        case MOPS_PROTO_HOPOPTS:
        case MOPS_PROTO_DSTOPTS: {
            struct mops_opt_spec specs[MOPS_MAX_OPTIONS];
            unsigned n = e->u.opts.n_opts;
            for (unsigned i = 0; i < n; i++) {
                const struct mops_option *o = &pkt->options[e->u.opts.first_opt + i];
                specs[i] = (struct mops_opt_spec){o->type, o->len, pkt->frame + o->off + 2};
            }
            mops_build_opts_header(b, e->type, specs, n);
            return 0;
        }
        case MOPS_PROTO_ROUTING:
            if (e->u.routing.type == 0)
                mops_build_routing0(b, e->u.routing.segments_left, pkt->rt_addrs + e->u.routing.first_addr,
                                    e->u.routing.n_addrs);
            else if ((uint64_t)e->off + e->len <= pkt->caplen)
                mops_build_ext_raw(b, e->type, pkt->frame + e->off, e->len);
            else
                return -1; /* not all captured: nothing to copy (the decode says malformed) */
            return 0;
        case MOPS_PROTO_VRF1: mops_build_vrf1(b, e->u.vrf1.label); return 0;
        case MOPS_PROTO_VRF2: mops_build_vrf2(b, e->u.vrf2.encap, e->u.vrf2.decap, e->u.vrf2.label); return 0;
        case MOPS_PROTO_FLOW_LABEL: mops_build_flow_label(b, e->u.flow.label); return 0;
    }
    return -1;
}

static void build_icmp(struct mops_builder *b, const struct mops_packet *pkt)
{
    const struct mops_icmp *m = &pkt->icmp;
    switch (m->kind) {
        case MOPS_ICMP_KIND_MIGRATE:
            mops_build_migrate(b, m->code, &m->u.migrate, pkt->pool.migrate, m->u.migrate.n_decoded);
            return;
        case MOPS_ICMP_KIND_ANYCAST_ACK: mops_build_anycast_ack(b, &m->u.anycast); return;
        case MOPS_ICMP_KIND_NAT_ACK:
            mops_build_nat_ack(b, &m->u.natack, pkt->pool.natack, m->u.natack.n_decoded);
            return;
        case MOPS_ICMP_KIND_DAD_REQUEST:
        case MOPS_ICMP_KIND_DAD_REPLY: mops_build_dad(b, m->kind == MOPS_ICMP_KIND_DAD_REPLY, &m->u.dad); return;
        case MOPS_ICMP_KIND_LARA_ADVERT: mops_build_lara_advert(b); return;
        case MOPS_ICMP_KIND_ERROR:
            mops_build_icmp_error(b, m->type, m->code, m->u.error.param, m->u.error.router,
                                  pkt->frame + m->u.error.inv.off, MOPS_ICMP_EXCERPT_LEN);
            return;
        case MOPS_ICMP_KIND_ECHO:
            mops_build_echo(b, m->type, m->u.echo.id, m->u.echo.seq, pkt->frame + m->u.echo.data_off,
                            m->u.echo.data_len);
            return;
        case MOPS_ICMP_KIND_UNKNOWN:
            mops_build_icmp(b, m->type, m->code, m->byte7, pkt->frame + m->off + MOPS_ICMP_HDR_LEN,
                            m->len - MOPS_ICMP_HDR_LEN);
            return;
    }
}

int mops_build_packet(struct mops_builder *b, const struct mops_packet *pkt)
{
    if (pkt->status != MOPS_ST_OK || !(pkt->layers & MOPS_L_IPFF) || pkt->n_options != pkt->n_options_seen)
        return -1;
    mops_build_ipff(b, &pkt->ip);
    for (unsigned i = 0; i < pkt->n_ext; i++)
        if (build_ext(b, pkt, &pkt->ext[i]) < 0)
            return -1;
    switch (pkt->l4_proto) {
        case MOPS_PROTO_ICMPV5: build_icmp(b, pkt); break;
        case MOPS_PROTO_TCP:
            mops_build_tcp(b, &pkt->tcp, pkt->frame + pkt->tcp.payload_off, pkt->tcp.payload_len);
            break;
        case MOPS_PROTO_UDPV5:
            mops_build_udpv5(b, pkt->udp.sport, pkt->udp.dport, pkt->frame + pkt->udp.payload_off,
                             pkt->udp.payload_len);
            break;
        default: mops_build_raw(b, pkt->l4_proto, pkt->frame + pkt->l4_off, pkt->l4_len); break;
    }
    return mops_build_finish(b);
}
