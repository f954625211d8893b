/* One line per frame in tcpdump's spirit; -v, -vv, -vvv add detail, -q takes
 * it away, -e shows the carrier, -x/-X add hex. Problems end the line as
 * bracketed flags: [|mops] for truncation, [bad crc 0x… != 0x…], … */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "mops/core/lara_mac.h"
#include "mops/core/timers.h"

#include "print.h"

static void addr(struct sbuf *sb, mops_addr_t a)
{
    char buf[MOPS_ADDR_STRLEN];
    sb_puts(sb, mops_addr_format(a, buf));
}

static void addr_port(struct sbuf *sb, mops_addr_t a, uint16_t port)
{
    addr(sb, a);
    sb_printf(sb, ".%u", port);
}

char *md_mac_format(const uint8_t m[6], char buf[MD_MAC_STRLEN])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        buf[3 * i] = hex[m[i] >> 4];
        buf[3 * i + 1] = hex[m[i] & 15];
        buf[3 * i + 2] = i < 5 ? ':' : 0;
    }
    return buf;
}

static void mac(struct sbuf *sb, const uint8_t m[6])
{
    char buf[MD_MAC_STRLEN];
    sb_add(sb, md_mac_format(m, buf), MD_MAC_STRLEN - 1);
}

static const char *proto_word(uint16_t proto)
{
    const char *s = mops_proto_short(proto);
    return s ? s : "proto";
}

static void ethertype(struct sbuf *sb, const struct mops_settings *s, uint16_t t)
{
    const char *name = t == s->ethertype ? "IPFF"
                       : t == 0x0800     ? "IPv4"
                       : t == 0x86dd     ? "IPv6"
                       : t == 0x0806     ? "ARP"
                       : t == 0x8100     ? "802.1Q"
                                         : NULL;
    if (name)
        sb_printf(sb, "ethertype %s (0x%04x)", name, t);
    else
        sb_printf(sb, "ethertype Unknown (0x%04x)", t);
}

static void ip_text(struct sbuf *sb, int version, const uint8_t *a)
{
    char buf[INET6_ADDRSTRLEN];
    sb_puts(sb, inet_ntop(version == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf) ? buf : "?");
}

/* -e: the carrier, as tcpdump prints link headers. */
static void link_header(struct md_printer *p, const struct mops_frame *f, const struct mops_packet *pkt)
{
    struct sbuf *sb = &p->sb;
    const struct mops_link *l = &pkt->link;
    const struct mops_settings *s = &p->o->settings;
    if (l->has_mac) {
        /* LARA's MACs named as tcpdump names an OUI (profile §9). */
        struct mops_lara_names ln;
        mops_lara_names(pkt, &ln);
        mac(sb, l->mac_src);
        if (ln.src[0])
            sb_printf(sb, " (%s)", ln.src);
        sb_puts(sb, " > ");
        mac(sb, l->mac_dst);
        if (ln.dst[0])
            sb_printf(sb, " (%s)", ln.dst);
        sb_puts(sb, ", ");
    } else if (l->carrier == MOPS_CARRIER_SLL || l->carrier == MOPS_CARRIER_SLL2) {
        static const char *const dir[] = {"In", "B", "M", "P", "Out"};
        if (l->carrier == MOPS_CARRIER_SLL2)
            sb_printf(sb, "ifindex %u ", l->sll_ifindex);
        sb_puts(sb, l->sll_pkttype < 5 ? dir[l->sll_pkttype] : "?");
        sb_puts(sb, " ");
        if (l->sll_addr_len == 6) {
            mac(sb, l->sll_addr);
            sb_puts(sb, " ");
        }
    }
    for (unsigned i = 0; i < l->n_vlan; i++)
        sb_printf(sb, "vlan %u, p %u, ", l->vlan_tci[i] & 0xfff, l->vlan_tci[i] >> 13);
    if (l->has_mac || l->carrier == MOPS_CARRIER_SLL || l->carrier == MOPS_CARRIER_SLL2) {
        ethertype(sb, s, l->ethertype);
        sb_printf(sb, ", length %u: ", f->wirelen);
    }
    if (pkt->layers & MOPS_L_OVERLAY) {
        sb_puts(sb, l->ip_version == 4 ? "IP " : "IP6 ");
        ip_text(sb, l->ip_version, l->ip_src);
        sb_printf(sb, ".%u > ", l->udp_sport);
        ip_text(sb, l->ip_version, l->ip_dst);
        sb_printf(sb, ".%u: UDP, length %u: ", l->udp_dport, l->udp_len >= 8 ? l->udp_len - 8u : 0u);
    }
}

/* Extension headers: always the received-source option; the rest with -v. */
static void ext_headers(struct md_printer *p, const struct mops_packet *pkt)
{
    struct sbuf *sb = &p->sb;
    int v = p->o->verbose;
    if (v < 1) {
        if (pkt->recv_src.present) {
            sb_puts(sb, "[recv-src ");
            addr_port(sb, pkt->recv_src.addr, pkt->recv_src.port);
            sb_puts(sb, "] ");
        }
        return;
    }
    for (unsigned i = 0; i < pkt->n_ext; i++) {
        const struct mops_ext *e = &pkt->ext[i];
        sb_printf(sb, "[%s", mops_proto_short(e->type));
        switch (e->type) {
            case MOPS_PROTO_HOPOPTS:
            case MOPS_PROTO_DSTOPTS:
                for (unsigned k = 0; k < e->u.opts.n_opts; k++) {
                    const struct mops_option *o = &pkt->options[e->u.opts.first_opt + k];
                    if (o->type == p->o->settings.recv_src_option && pkt->recv_src.present &&
                        pkt->recv_src.off == o->off) {
                        sb_puts(sb, " recv-src ");
                        addr_port(sb, pkt->recv_src.addr, pkt->recv_src.port);
                    } else if (o->type == MOPS_OPT_PAD1) {
                        if (v >= 3)
                            sb_puts(sb, " pad1");
                    } else if (o->type == MOPS_OPT_PADN) {
                        if (v >= 3)
                            sb_printf(sb, " padn(%u)", o->len);
                    } else {
                        sb_printf(sb, " opt 0x%02x(%u)", o->type, o->len);
                    }
                }
                break;
            case MOPS_PROTO_ROUTING:
                sb_printf(sb, " type %u segleft %u", e->u.routing.type, e->u.routing.segments_left);
                for (unsigned k = 0; k < e->u.routing.n_addrs; k++) {
                    sb_puts(sb, k ? "," : " ");
                    addr(sb, pkt->rt_addrs[e->u.routing.first_addr + k]);
                }
                break;
            case MOPS_PROTO_VRF1: sb_printf(sb, " label %u", e->u.vrf1.label); break;
            case MOPS_PROTO_VRF2:
                sb_puts(sb, " ");
                addr(sb, e->u.vrf2.encap);
                sb_puts(sb, " -> ");
                addr(sb, e->u.vrf2.decap);
                sb_printf(sb, " label %u", e->u.vrf2.label);
                break;
            case MOPS_PROTO_FLOW_LABEL: sb_printf(sb, " 0x%05x", e->u.flow.label); break;
        }
        sb_puts(sb, "] ");
    }
}

static void seq_or_uid(struct sbuf *sb, uint16_t proto, uint64_t seq)
{
    if (proto == MOPS_PROTO_TCP && seq >> 32 == 0)
        sb_printf(sb, "seq %" PRIu64, seq);
    else
        sb_printf(sb, "uid 0x%016" PRIx64, seq);
}

static void migrate_port(struct sbuf *sb, const struct mops_migrate_port *pt, uint16_t proto, bool with_seq)
{
    sb_printf(sb, "%u>%u dport %u", pt->prev_sport, pt->mig_sport, pt->prev_dport);
    if (pt->mig_dport != pt->prev_dport)
        sb_printf(sb, ">%u", pt->mig_dport);
    if (with_seq) {
        sb_puts(sb, " ");
        seq_or_uid(sb, proto, pt->seq);
    }
}

static void delta(struct sbuf *sb, uint64_t ns)
{
    if (ns < MOPS_NS_PER_SEC)
        sb_printf(sb, "%.1f ms", (double)ns / 1e6);
    else
        sb_printf(sb, "%.3f s", (double)ns / 1e9);
}

static void crc_word(struct md_printer *p, const struct mops_icmp *m)
{
    if (m->crc_check.state == MOPS_CHECK_GOOD) {
        if (p->o->verbose >= 1)
            sb_printf(&p->sb, ", crc 0x%08x ok", m->crc);
        else
            sb_puts(&p->sb, ", crc ok");
    }
}

static void mops_line(struct md_printer *p, const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    struct sbuf *sb = &p->sb;
    const struct mops_icmp *m = &pkt->icmp;
    bool quiet = p->o->quiet;
    if (!(pkt->layers & MOPS_L_MOPS))
        return;
    if (m->kind == MOPS_ICMP_KIND_MIGRATE) {
        const struct mops_migrate *g = &m->u.migrate;
        const struct mops_migrate_port *pts = pkt->pool.migrate;
        unsigned n = g->n_decoded;
        sb_printf(sb, "%s ", proto_word(g->proto));
        if (g->proto != MOPS_PROTO_TCP && g->proto != MOPS_PROTO_UDPV5 && !mops_proto_short(g->proto))
            sb_printf(sb, "%u ", g->proto);
        if (quiet) {
            sb_printf(sb, "%u port%s", g->n_ports, g->n_ports == 1 ? "" : "s");
        } else {
            addr(sb, g->prev_addr);
            sb_puts(sb, " -> ");
            addr(sb, g->mig_addr);
            sb_printf(sb, ", %u port%s", g->n_ports, g->n_ports == 1 ? "" : "s");
            if (p->o->verbose < 2) {
                for (unsigned i = 0; i < n; i++) {
                    sb_puts(sb, " [");
                    migrate_port(sb, &pts[i], g->proto, n > 1);
                    sb_puts(sb, "]");
                }
                if (n == 1) {
                    sb_puts(sb, " ");
                    seq_or_uid(sb, g->proto, pts[0].seq);
                }
            }
        }
        switch (tr->kind) {
            case MOPS_TRACK_RETRANSMISSION:
                sb_printf(sb, ", retransmission %u of #%" PRIu64 ", ", tr->sendings - 1, tr->first_frame);
                delta(sb, tr->delta_ns);
                sb_puts(sb, " after the last");
                break;
            case MOPS_TRACK_REPLY:
                sb_printf(sb, ", reply to #%" PRIu64 ", ", tr->last_frame);
                delta(sb, tr->delta_ns);
                if (tr->replies > 1)
                    sb_printf(sb, ", reply %u", tr->replies);
                break;
            /* An orphan or mismatched reply is a problem (MIG-REPLY-*), flagged at the end. */
            default: break;
        }
    } else if (m->kind == MOPS_ICMP_KIND_NAT_ACK) {
        const struct mops_nat_ack *a = &m->u.natack;
        sb_printf(sb, "level %u, %s", a->level, proto_word(a->proto));
        if (!quiet) {
            sb_puts(sb, " ");
            addr(sb, a->orig_addr);
            sb_puts(sb, " -> ");
            addr(sb, a->trans_addr);
        }
        sb_printf(sb, ", %u port%s", a->n_ports, a->n_ports == 1 ? "" : "s");
        if (!quiet)
            for (unsigned i = 0; i < a->n_decoded; i++)
                sb_printf(sb, " [%u>%u]", pkt->pool.natack[i].orig_port, pkt->pool.natack[i].trans_port);
    } else if (m->kind == MOPS_ICMP_KIND_ANYCAST_ACK) {
        const struct mops_anycast_ack *a = &m->u.anycast;
        sb_printf(sb, "%s", proto_word(a->proto));
        if (!quiet) {
            sb_puts(sb, " anycast ");
            addr(sb, a->anycast_addr);
            sb_puts(sb, " -> unicast ");
            addr(sb, a->unicast_addr);
            sb_printf(sb, ", ports %u > %u", a->sport, a->dport);
        }
    }
    if (p->o->verbose >= 1 && !quiet)
        sb_printf(sb, ", version %u", m->byte7 >> 4);
}

/* -vv: the port entries of a Migrate, one line each. */
static void migrate_ports_block(struct md_printer *p, const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    for (unsigned i = 0; i < g->n_decoded; i++) {
        sb_printf(&p->sb, "\tport %u: ", i + 1);
        migrate_port(&p->sb, &pkt->pool.migrate[i], g->proto, true);
        sb_puts(&p->sb, "\n");
    }
}

static void invoking(struct sbuf *sb, const struct mops_invoking *v)
{
    if (!v->present)
        return;
    sb_puts(sb, ", invoking ");
    if (v->has_ports) {
        addr_port(sb, v->ip.src, v->sport);
        sb_puts(sb, " > ");
        addr_port(sb, v->ip.dst, v->dport);
    } else {
        addr(sb, v->ip.src);
        sb_puts(sb, " > ");
        addr(sb, v->ip.dst);
    }
    sb_printf(sb, " %s", proto_word(v->ip.proto));
    if (v->has_tcp_seq)
        sb_printf(sb, " seq %u", v->tcp_seq);
}

static void icmp_base_line(struct md_printer *p, const struct mops_packet *pkt)
{
    struct sbuf *sb = &p->sb;
    const struct mops_icmp *m = &pkt->icmp;
    const char *name = mops_icmp_base_type_name(m->type);
    if (!name) {
        sb_printf(sb, "type %u, code %u", m->type, m->code);
        return;
    }
    char lower[48];
    size_t k = 0;
    for (; name[k] && k < sizeof lower - 1; k++)
        lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
    lower[k] = 0;
    sb_puts(sb, lower);
    const char *code = mops_icmp_base_code_name(m->type, m->code);
    if (m->kind == MOPS_ICMP_KIND_ECHO) {
        if (!(pkt->layers & MOPS_L_ICMP) || m->u.echo.data_off == 0)
            return;
        sb_printf(sb, ", id %u, seq %u", m->u.echo.id, m->u.echo.seq);
        return;
    }
    if (m->type == MOPS_ICMP_REDIRECT) {
        sb_printf(sb, " %s to ", code ? code : "?");
        addr(sb, m->u.error.router);
    } else if (code && *code) {
        sb_printf(sb, ", %s", code);
    } else if (!code) {
        sb_printf(sb, ", code %u", m->code);
    }
    if (m->type == MOPS_ICMP_PACKET_TOO_BIG)
        sb_printf(sb, ", mtu %u", m->u.error.param);
    if (m->type == MOPS_ICMP_PARAM_PROBLEM)
        sb_printf(sb, ", pointer %u", m->u.error.param);
    if (!p->o->quiet)
        invoking(sb, &m->u.error.inv);
}

static void tcp_line(struct md_printer *p, const struct mops_packet *pkt)
{
    struct sbuf *sb = &p->sb;
    const struct mops_tcp *t = &pkt->tcp;
    if (p->o->quiet) {
        sb_printf(sb, "tcp %u", t->payload_len);
        return;
    }
    char fl[MOPS_TCP_FLAGS_STRLEN];
    sb_printf(sb, "Flags [%s]", t->flags ? mops_tcp_flags_str(t->flags, fl) : "none");
    if (p->o->verbose >= 1 && t->csum_check.state == MOPS_CHECK_GOOD)
        sb_printf(sb, ", cksum 0x%04x (correct)", t->csum);
    if (t->payload_len)
        sb_printf(sb, ", seq %u:%u", t->seq, t->seq + t->payload_len);
    else if (t->flags & (MOPS_TCP_SYN | MOPS_TCP_FIN | MOPS_TCP_RST) || !(t->flags & MOPS_TCP_ACK))
        sb_printf(sb, ", seq %u", t->seq);
    if (t->flags & MOPS_TCP_ACK)
        sb_printf(sb, ", ack %u", t->ack);
    sb_printf(sb, ", win %u", t->window);
    if (t->n_opts) {
        sb_puts(sb, ", options [");
        unsigned sack = 0;
        for (unsigned i = 0; i < t->n_opts; i++) {
            uint8_t k = t->opts[i].kind;
            if (i)
                sb_puts(sb, ",");
            if (k == p->o->settings.mobile_capable_kind)
                sb_puts(sb, "mobile_capable");
            else if (k == MOPS_TCPOPT_NOP)
                sb_puts(sb, "nop");
            else if (k == MOPS_TCPOPT_EOL)
                sb_puts(sb, "eol");
            else if (k == MOPS_TCPOPT_MSS && t->has_mss)
                sb_printf(sb, "mss %u", t->mss);
            else if (k == MOPS_TCPOPT_WS && t->has_ws)
                sb_printf(sb, "wscale %u", t->ws);
            else if (k == MOPS_TCPOPT_SACK_PERM)
                sb_puts(sb, "sackOK");
            else if (k == MOPS_TCPOPT_TS && t->has_ts)
                sb_printf(sb, "TS val %u ecr %u", t->ts_val, t->ts_ecr);
            else if (k == MOPS_TCPOPT_SACK) {
                sb_printf(sb, "sack %u", t->n_sack - sack);
                for (; sack < t->n_sack; sack++)
                    sb_printf(sb, " {%u:%u}", t->sack_left[sack], t->sack_right[sack]);
            } else
                sb_printf(sb, "unknown-%u", k);
        }
        sb_puts(sb, "]");
    }
}

/* Where the decode stopped, tcpdump's way: [|layer]. */
static const char *cut_layer(const struct mops_packet *pkt, uint32_t off, const struct mops_settings *s)
{
    if (!(pkt->layers & MOPS_L_LINK) || off < pkt->link.ipff_off)
        return "link";
    if (!(pkt->layers & MOPS_L_IPFF) || off < pkt->l4_off || pkt->l4_off == 0)
        return "ipff";
    switch (pkt->l4_proto) {
        case MOPS_PROTO_ICMPV5:
            if ((pkt->layers & MOPS_L_ICMP) &&
                (pkt->icmp.type == s->type_migrate || pkt->icmp.type == s->type_anycast_ack ||
                 pkt->icmp.type == s->type_nat_ack))
                return "mops";
            if ((pkt->layers & MOPS_L_ICMP) && pkt->icmp.kind >= MOPS_ICMP_KIND_DAD_REQUEST)
                return "lara";
            return "icmpv5";
        case MOPS_PROTO_TCP: return "tcp";
        case MOPS_PROTO_UDPV5: return "udpv5";
    }
    return "ipff";
}

static void problem_flags(struct md_printer *p, const struct mops_packet *pkt)
{
    for (unsigned i = 0; i < pkt->n_problems; i++) {
        const struct mops_problem *pr = &pkt->problems[i];
        if (mops_problem_info(pr->id)->kind == MOPS_PK_TRUNCATED)
            sb_printf(&p->sb, " [|%s]", cut_layer(pkt, pr->offset, &p->o->settings));
        else
            sb_printf(&p->sb, " [%s]", pr->text);
    }
    if (pkt->n_problems_seen > pkt->n_problems)
        sb_printf(&p->sb, " [%u more problems]", pkt->n_problems_seen - pkt->n_problems);
}

static const char *label(const struct mops_packet *pkt)
{
    if (!(pkt->layers & MOPS_L_ICMP))
        return "IPFF";
    const struct mops_icmp *m = &pkt->icmp;
    switch (m->kind) {
        case MOPS_ICMP_KIND_MIGRATE:
            switch (m->code) {
                case MOPS_MIGRATE_CODE_MIGRATE: return "MIGRATE";
                case MOPS_MIGRATE_CODE_ATOMIC: return "MIGRATE-ATOMIC";
                case MOPS_MIGRATE_CODE_SUCCESS: return "MIGRATE-SUCCESS";
                case MOPS_MIGRATE_CODE_FAILED: return "MIGRATE-FAILED";
            }
            return "MIGRATE-?";
        case MOPS_ICMP_KIND_NAT_ACK: return "NATACK";
        case MOPS_ICMP_KIND_ANYCAST_ACK: return "ANYCAST-ACK";
        case MOPS_ICMP_KIND_DAD_REQUEST: return "DAD-REQUEST";
        case MOPS_ICMP_KIND_DAD_REPLY: return "DAD-REPLY";
        case MOPS_ICMP_KIND_LARA_ADVERT: return "LARA-ADVERT";
        default: return "ICMPv5";
    }
}

/* DAD request or reply: the sender's physical MAC and Session ID (LARA §3);
 * the advertisement is the header alone. */
static void lara_line(struct md_printer *p, const struct mops_packet *pkt)
{
    const struct mops_icmp *m = &pkt->icmp;
    if (m->kind == MOPS_ICMP_KIND_LARA_ADVERT) {
        sb_puts(&p->sb, "broadcast advertisement");
        return;
    }
    if (!(pkt->layers & MOPS_L_LARA) || p->o->quiet)
        return;
    sb_puts(&p->sb, "mac ");
    mac(&p->sb, m->u.dad.mac);
    sb_printf(&p->sb, " session 0x%08x", m->u.dad.session_id);
}

static void ipff_line(struct md_printer *p, const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    struct sbuf *sb = &p->sb;
    const struct mops_ipff_hdr *ip = &pkt->ip;
    if (!(pkt->layers & MOPS_L_IPFF)) {
        sb_puts(sb, "IPFF");
        return;
    }
    sb_puts(sb, label(pkt));
    if (p->o->verbose >= 1)
        sb_printf(sb, " (htl %u, tos 0x%x, proto %s (%u), plen %u)", ip->htl, ip->tos,
                  mops_proto_name(ip->proto) ? mops_proto_name(ip->proto) : "unknown", ip->proto, ip->plen);
    sb_puts(sb, " ");
    bool tcp = pkt->layers & MOPS_L_TCP, udp = pkt->layers & MOPS_L_UDP;
    if (tcp || udp) {
        addr_port(sb, ip->src, tcp ? pkt->tcp.sport : pkt->udp.sport);
        sb_puts(sb, " > ");
        addr_port(sb, ip->dst, tcp ? pkt->tcp.dport : pkt->udp.dport);
    } else {
        addr(sb, ip->src);
        sb_puts(sb, " > ");
        addr(sb, ip->dst);
    }
    sb_puts(sb, ": ");
    ext_headers(p, pkt);
    uint32_t length = pkt->l4_len;
    if (tcp) {
        tcp_line(p, pkt);
        if (p->o->quiet) /* "tcp N" says it */
            return;
        length = pkt->tcp.payload_len;
    } else if (udp) {
        if (p->o->quiet) {
            sb_printf(sb, "udpv5 %u", pkt->udp.payload_len);
            return;
        }
        sb_puts(sb, "UDPv5");
        length = pkt->udp.payload_len;
    } else if (pkt->layers & MOPS_L_ICMP) {
        if (pkt->icmp.kind >= MOPS_ICMP_KIND_DAD_REQUEST)
            lara_line(p, pkt);
        else if (pkt->layers & MOPS_L_MOPS || pkt->icmp.kind >= MOPS_ICMP_KIND_MIGRATE)
            mops_line(p, pkt, tr);
        else
            icmp_base_line(p, pkt);
        if (!p->o->quiet)
            crc_word(p, &pkt->icmp);
    } else if (pkt->l4_proto == MOPS_PROTO_NONE) {
        sb_puts(sb, "no next header");
    } else if (pkt->l4_proto == MOPS_PROTO_ICMPV5 || pkt->l4_proto == MOPS_PROTO_TCP ||
               pkt->l4_proto == MOPS_PROTO_UDPV5) {
        sb_puts(sb, proto_word(pkt->l4_proto));
    } else {
        sb_printf(sb, "protocol %u", pkt->l4_proto);
    }
    sb_printf(sb, "%slength %u", sb->len && sb->s[sb->len - 1] == ' ' ? "" : ", ", length);
}

static void not_ipff_line(struct md_printer *p, const struct mops_frame *f, const struct mops_packet *pkt)
{
    struct sbuf *sb = &p->sb;
    const struct mops_link *l = &pkt->link;
    sb_puts(sb, "non-IPFF frame");
    if (l->ip_version)
        sb_printf(sb, ", IPv%u", l->ip_version);
    else if (l->has_mac || l->carrier == MOPS_CARRIER_SLL || l->carrier == MOPS_CARRIER_SLL2 || l->ethertype) {
        sb_puts(sb, ", ");
        ethertype(sb, &p->o->settings, l->ethertype);
    } else if (!mops_linktype_supported(f->linktype)) {
        sb_printf(sb, ", link type %u", f->linktype);
    }
    sb_printf(sb, ", length %u", f->wirelen);
}

/* A capture's own text (a comment), on a line of its own: control octets
 * escaped, so that a hostile file cannot move the terminal's cursor. */
void md_text_escaped(struct sbuf *sb, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f)
            sb_printf(sb, ch == '\n' ? "\\n" : "\\x%02x", ch);
        else
            sb_add(sb, s + i, 1);
    }
}

void md_format_text(struct md_printer *p, uint64_t n, const struct mops_frame *f, const struct mops_packet *pkt,
                    const struct mops_track_result *tr)
{
    struct sbuf *sb = &p->sb;
    sb_reset(sb);
    if (p->o->numbers)
        sb_printf(sb, "%5" PRIu64 "  ", n);
    char ts[64];
    md_time_format(&p->clock, f->ts_ns, ts, sizeof ts);
    sb_puts(sb, ts);
    if (p->o->link_header)
        link_header(p, f, pkt);
    if (pkt->status == MOPS_ST_NOT_IPFF)
        not_ipff_line(p, f, pkt);
    else
        ipff_line(p, pkt, tr);
    problem_flags(p, pkt);
    sb_puts(sb, "\n");
    if (p->o->verbose >= 1 && f->comment_len) { /* as Wireshark's Packet comments */
        sb_puts(sb, "    comment: ");
        md_text_escaped(sb, f->comment, f->comment_len);
        sb_puts(sb, "\n");
    }
    if (p->o->verbose >= 2 && (pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE && !p->o->quiet)
        migrate_ports_block(p, pkt);
    if (p->o->hex) {
        uint32_t from = p->o->hex >= 2 || !(pkt->layers & MOPS_L_LINK) ? 0 : pkt->link.ipff_off;
        if (from <= f->caplen)
            md_format_hex(sb, f->data + from, f->caplen - from, p->o->hex_ascii);
    }
}
