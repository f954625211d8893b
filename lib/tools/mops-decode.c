/* mops-decode: prints every field lib/ decodes from each frame of a capture,
 * one "name = value" per line (in the spirit of `tshark -V`), then the
 * problems found. A window onto the decoder for its developers and for the
 * README's first run; mopsdump is the tool for users. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mops/capture/capture.h"
#include "mops/decode/decode.h"
#include "mops/core/lara_mac.h"
#include "mops/core/timers.h"

static struct mops_packet pkt;

static void addr(const char *name, mops_addr_t a)
{
    char buf[MOPS_ADDR_STRLEN];
    printf("  %s = %s (%s)\n", name, mops_addr_format(a, buf), mops_addr_class_name(mops_addr_classify(a)));
}

static void print_ext(const struct mops_ext *e)
{
    const char *n = mops_proto_short(e->type);
    printf("  ipff.%s: offset %u, %u octets, next %u\n", n, e->off, e->len, e->next);
    switch (e->type) {
        case MOPS_PROTO_HOPOPTS:
        case MOPS_PROTO_DSTOPTS:
            for (unsigned i = 0; i < e->u.opts.n_opts; i++) {
                const struct mops_option *o = &pkt.options[e->u.opts.first_opt + i];
                printf("  ipff.%s.opt = type 0x%02x, length %u\n", n, o->type, o->len);
            }
            break;
        case MOPS_PROTO_ROUTING:
            printf("  ipff.routing.type = %u\n  ipff.routing.segments_left = %u\n", e->u.routing.type,
                   e->u.routing.segments_left);
            for (unsigned i = 0; i < e->u.routing.n_addrs; i++)
                addr("ipff.routing.addr", pkt.rt_addrs[e->u.routing.first_addr + i]);
            break;
        case MOPS_PROTO_VRF1: printf("  ipff.vrf1.label = %u\n", e->u.vrf1.label); break;
        case MOPS_PROTO_VRF2:
            addr("ipff.vrf2.encap", e->u.vrf2.encap);
            addr("ipff.vrf2.decap", e->u.vrf2.decap);
            printf("  ipff.vrf2.label = %u\n", e->u.vrf2.label);
            break;
        case MOPS_PROTO_FLOW_LABEL: printf("  ipff.flowlabel.label = %u\n", e->u.flow.label); break;
    }
}

static void print_icmp(void)
{
    const struct mops_icmp *m = &pkt.icmp;
    printf("  icmpv5.crc = 0x%08x [%s", m->crc, mops_check_state_name(m->crc_check.state));
    if (m->crc_check.state == MOPS_CHECK_BAD)
        printf(", expected 0x%08x", m->crc_check.expected);
    printf("]\n  icmpv5.type = %u\n  icmpv5.code = %u\n", m->type, m->code);
    switch (m->kind) {
        case MOPS_ICMP_KIND_MIGRATE: {
            if (!(pkt.layers & MOPS_L_MOPS)) /* cut before its fixed fields */
                break;
            const struct mops_migrate *g = &m->u.migrate;
            printf("  mops.migrate.code = %s\n  mops.version = %u\n  mops.migrate.proto = %u\n",
                   mops_migrate_code_name(m->code) ? mops_migrate_code_name(m->code) : "unknown", g->version, g->proto);
            addr("mops.migrate.prev_addr", g->prev_addr);
            printf("  mops.migrate.n_ports = %u\n", g->n_ports);
            addr("mops.migrate.mig_addr", g->mig_addr);
            for (unsigned i = 0; i < g->n_decoded; i++) {
                const struct mops_migrate_port *p = &pkt.pool.migrate[i];
                printf("  mops.migrate.port[%u] = %u>%u dport %u>%u seq 0x%016" PRIx64 "\n", i, p->prev_sport,
                       p->mig_sport, p->prev_dport, p->mig_dport, p->seq);
            }
            break;
        }
        case MOPS_ICMP_KIND_ANYCAST_ACK: {
            if (!(pkt.layers & MOPS_L_MOPS))
                break;
            const struct mops_anycast_ack *a = &m->u.anycast;
            printf("  mops.version = %u\n  mops.anycast.proto = %u\n", a->version, a->proto);
            addr("mops.anycast.anycast_addr", a->anycast_addr);
            addr("mops.anycast.unicast_addr", a->unicast_addr);
            printf("  mops.anycast.sport = %u\n  mops.anycast.dport = %u\n", a->sport, a->dport);
            break;
        }
        case MOPS_ICMP_KIND_NAT_ACK: {
            if (!(pkt.layers & MOPS_L_MOPS))
                break;
            const struct mops_nat_ack *a = &m->u.natack;
            printf("  mops.version = %u\n  mops.natack.level = %u\n  mops.natack.proto = %u\n", a->version, a->level,
                   a->proto);
            addr("mops.natack.orig_addr", a->orig_addr);
            printf("  mops.natack.n_ports = %u\n", a->n_ports);
            addr("mops.natack.trans_addr", a->trans_addr);
            for (unsigned i = 0; i < a->n_decoded; i++)
                printf("  mops.natack.port[%u] = %u -> %u\n", i, pkt.pool.natack[i].orig_port,
                       pkt.pool.natack[i].trans_port);
            break;
        }
        case MOPS_ICMP_KIND_DAD_REQUEST:
        case MOPS_ICMP_KIND_DAD_REPLY: {
            if (!(pkt.layers & MOPS_L_LARA))
                break;
            const struct mops_dad *d = &m->u.dad;
            printf("  lara.dad = %s\n  lara.dad.reserved = 0x%04x\n",
                   m->kind == MOPS_ICMP_KIND_DAD_REPLY ? "reply" : "request", d->reserved);
            printf("  lara.dad.mac = %02x:%02x:%02x:%02x:%02x:%02x\n", d->mac[0], d->mac[1], d->mac[2], d->mac[3],
                   d->mac[4], d->mac[5]);
            printf("  lara.dad.session_id = 0x%08x\n", d->session_id);
            break;
        }
        case MOPS_ICMP_KIND_LARA_ADVERT: printf("  lara.advert\n"); break;
        case MOPS_ICMP_KIND_ERROR: {
            const struct mops_invoking *v = &m->u.error.inv;
            const char *code = mops_icmp_base_code_name(m->type, m->code);
            printf("  icmpv5.name = %s%s%s\n", mops_icmp_base_type_name(m->type), !code || *code ? ", " : "",
                   code ? code : "unknown code");
            if (m->type == MOPS_ICMP_PACKET_TOO_BIG)
                printf("  icmpv5.mtu = %u\n", m->u.error.param);
            if (m->type == MOPS_ICMP_PARAM_PROBLEM)
                printf("  icmpv5.pointer = %u\n", m->u.error.param);
            if (m->type == MOPS_ICMP_REDIRECT)
                addr("icmpv5.redirect.router", m->u.error.router);
            if (v->present) {
                addr("icmpv5.invoking.src", v->ip.src);
                addr("icmpv5.invoking.dst", v->ip.dst);
                printf("  icmpv5.invoking.proto = %u\n", v->ip.proto);
                if (v->has_ports)
                    printf("  icmpv5.invoking.ports = %u > %u\n", v->sport, v->dport);
            }
            break;
        }
        case MOPS_ICMP_KIND_ECHO:
            printf("  icmpv5.name = %s\n  icmpv5.echo.id = %u\n  icmpv5.echo.seq = %u\n"
                   "  icmpv5.echo.data_len = %u\n",
                   mops_icmp_base_type_name(m->type), m->u.echo.id, m->u.echo.seq, m->u.echo.data_len);
            break;
        case MOPS_ICMP_KIND_UNKNOWN: break;
    }
}

static void print_tcp(void)
{
    const struct mops_tcp *t = &pkt.tcp;
    char flags[MOPS_TCP_FLAGS_STRLEN];
    mops_tcp_flags_str(t->flags, flags);
    printf("  tcp.srcport = %u\n  tcp.dstport = %u\n  tcp.seq = %u\n  tcp.ack = %u\n"
           "  tcp.flags = 0x%02x [%s]\n  tcp.window = %u\n  tcp.checksum = 0x%04x [%s",
           t->sport, t->dport, t->seq, t->ack, t->flags, flags, t->window, t->csum,
           mops_check_state_name(t->csum_check.state));
    if (t->csum_check.state == MOPS_CHECK_BAD)
        printf(", expected 0x%04x", t->csum_check.expected);
    printf("]\n");
    for (unsigned i = 0; i < t->n_opts; i++) {
        const char *n = mops_tcp_option_name(t->opts[i].kind, MOPS_DEFAULT_MOBILE_CAPABLE_KIND);
        printf("  tcp.option = %s (kind %u, length %u)\n", n ? n : "unknown", t->opts[i].kind, t->opts[i].len);
    }
    printf("  tcp.len = %u\n", t->payload_len);
}

static void print_packet(uint64_t n, const struct mops_frame *f)
{
    time_t sec = (time_t)(f->ts_ns / MOPS_NS_PER_SEC);
    struct tm tm;
    gmtime_r(&sec, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    printf("frame %" PRIu64 ": %s.%09u UTC, %u of %u octets, link type %s, interface %u: %s\n", n, ts,
           (unsigned)(f->ts_ns % MOPS_NS_PER_SEC), f->caplen, f->wirelen,
           mops_linktype_name(f->linktype) ? mops_linktype_name(f->linktype) : "unsupported", f->ifid,
           mops_status_name(pkt.status));
    if (pkt.layers & MOPS_L_LINK)
        printf("  link.carrier = %s\n  link.ipff_offset = %u\n  link.trailer = %u\n",
               mops_carrier_name(pkt.link.carrier), pkt.link.ipff_off, pkt.link.trailer_len);
    if (pkt.layers & MOPS_L_IPFF) {
        const struct mops_ipff_hdr *ip = &pkt.ip;
        printf("  ipff.version = %u\n", ip->version);
        addr("ipff.src", ip->src);
        addr("ipff.dst", ip->dst);
        printf("  ipff.proto = %u (%s)\n  ipff.htl = %u\n  ipff.tos = %u\n  ipff.plen = %u\n", ip->proto,
               mops_proto_name(ip->proto) ? mops_proto_name(ip->proto) : "unknown", ip->htl, ip->tos, ip->plen);
        struct mops_lara_names ln;
        mops_lara_names(&pkt, &ln);
        if (ln.src[0])
            printf("  lara.eth.src_resolved = %s\n", ln.src);
        if (ln.dst[0])
            printf("  lara.eth.dst_resolved = %s\n", ln.dst);
        for (unsigned i = 0; i < pkt.n_ext; i++)
            print_ext(&pkt.ext[i]);
        if (pkt.recv_src.present) {
            printf("  ipff.dstopts.recv_src.port = %u\n", pkt.recv_src.port);
            addr("ipff.dstopts.recv_src.addr", pkt.recv_src.addr);
        }
    }
    if (pkt.layers & MOPS_L_ICMP)
        print_icmp();
    if (pkt.layers & MOPS_L_TCP)
        print_tcp();
    if (pkt.layers & MOPS_L_UDP)
        printf("  udpv5.srcport = %u\n  udpv5.dstport = %u\n  udpv5.checksum = 0x%04x [%s]\n"
               "  udpv5.len = %u\n",
               pkt.udp.sport, pkt.udp.dport, pkt.udp.csum, mops_check_state_name(pkt.udp.csum_check.state),
               pkt.udp.payload_len);
    for (unsigned i = 0; i < pkt.n_problems; i++) {
        const struct mops_problem_info *pi = mops_problem_info(pkt.problems[i].id);
        printf("  problem %s (%s) at offset %u: %s\n", pi->id, mops_severity_name(pi->severity), pkt.problems[i].offset,
               pkt.problems[i].text);
    }
    if (pkt.n_problems_seen > pkt.n_problems)
        printf("  (%u more problems not kept)\n", pkt.n_problems_seen - pkt.n_problems);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fprintf(stderr, "usage: mops-decode FILE [BPF-FILTER]\n"
                        "  Prints every field lib/ decodes from each frame of FILE (pcap or\n"
                        "  pcapng, - for standard input).\n");
        return 2;
    }
    char err[MOPS_CAP_ERRLEN];
    struct mops_cap_opts o = {.path = argv[1], .filter = argc == 3 ? argv[2] : NULL};
    struct mops_cap *c;
    if (mops_cap_open(&o, &c, err) < 0) {
        fprintf(stderr, "mops-decode: %s\n", err);
        return 2;
    }
    struct mops_frame f;
    uint64_t n = 0, counts[4] = {0};
    int rc;
    while ((rc = mops_cap_next(c, &f)) == MOPS_CAP_FRAME) {
        mops_decode_frame(NULL, f.linktype, f.data, f.caplen, f.wirelen, &pkt);
        print_packet(++n, &f);
        counts[pkt.status]++;
    }
    if (mops_cap_warning(c))
        fprintf(stderr, "mops-decode: %s\n", mops_cap_warning(c));
    printf("%" PRIu64 " frames: %" PRIu64 " ok, %" PRIu64 " not IPFF, %" PRIu64 " truncated, %" PRIu64 " malformed\n",
           n, counts[MOPS_ST_OK], counts[MOPS_ST_NOT_IPFF], counts[MOPS_ST_TRUNCATED], counts[MOPS_ST_MALFORMED]);
    if (rc == MOPS_CAP_ERROR) {
        fprintf(stderr, "mops-decode: %s\n", mops_cap_error(c));
        mops_cap_close(c);
        return 2;
    }
    mops_cap_close(c);
    return 0;
}
