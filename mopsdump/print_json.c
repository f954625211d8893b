/* -T json: one object per frame per line. Every key path is the field's name
 * in mops/fields.def, dots as nesting; groups are arrays of objects; 64-bit
 * sequence numbers / Unique IDs are decimal strings. */
#include <arpa/inet.h>
#include <time.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/fields.h"
#include "mops/core/lara_mac.h"
#include "mops/core/timers.h"

#include "json_tree.h"
#include "print.h"

/* The object at `path` (dots as nesting) below obj, made as needed. */
static struct jt *object_at(struct jt *obj, const char *path, size_t len)
{
    while (len) {
        const char *dot = memchr(path, '.', len);
        size_t k = dot ? (size_t)(dot - path) : len;
        char key[64];
        if (k >= sizeof key)
            k = sizeof key - 1;
        memcpy(key, path, k);
        key[k] = 0;
        struct jt *next = jt_get(obj, key);
        if (!next) {
            next = jt_obj();
            jt_set(obj, key, next);
        }
        obj = next;
        path += k;
        len -= k;
        if (dot)
            path++, len--;
    }
    return obj;
}

/* Sets field id. `scope` is the frame's root object, or for a group member
 * the group element it belongs to. */
static void set(struct jt *scope, enum mops_field_id id, struct jt *v)
{
    const struct mops_field_info *f = mops_field(id);
    if (f->group != MOPS_F_NONE) {
        jt_set(scope, mops_field_key(id), v);
        return;
    }
    const char *dot = strrchr(f->name, '.');
    struct jt *parent = dot ? object_at(scope, f->name, (size_t)(dot - f->name)) : scope;
    jt_set(parent, dot ? dot + 1 : f->name, v);
}

/* The array member key of parent, made as needed. */
static struct jt *array_at(struct jt *parent, const char *key)
{
    struct jt *arr = jt_get(parent, key);
    if (!arr) {
        arr = jt_arr();
        jt_set(parent, key, arr);
    }
    return arr;
}

/* A new element of group id, appended under scope (the root, or the element
 * of the group it nests in). */
static struct jt *element(struct jt *scope, enum mops_field_id id)
{
    const struct mops_field_info *f = mops_field(id);
    struct jt *arr;
    if (f->group != MOPS_F_NONE) {
        arr = array_at(scope, mops_field_key(id));
    } else {
        const char *dot = strrchr(f->name, '.');
        struct jt *parent = dot ? object_at(scope, f->name, (size_t)(dot - f->name)) : scope;
        arr = array_at(parent, dot ? dot + 1 : f->name);
    }
    struct jt *e = jt_obj();
    jt_append(arr, e);
    return e;
}

/* Appends to a MANY field. */
static void append(struct jt *scope, enum mops_field_id id, struct jt *v)
{
    const struct mops_field_info *f = mops_field(id);
    struct jt *parent = scope;
    const char *key = mops_field_key(id);
    if (f->group == MOPS_F_NONE) {
        const char *dot = strrchr(f->name, '.');
        parent = dot ? object_at(scope, f->name, (size_t)(dot - f->name)) : scope;
    }
    jt_append(array_at(parent, key), v);
}

static struct jt *jaddr(mops_addr_t a)
{
    char buf[MOPS_ADDR_STRLEN];
    return jt_str(mops_addr_format(a, buf));
}

static struct jt *jmac(const uint8_t m[6])
{
    char buf[MD_MAC_STRLEN];
    return jt_str(md_mac_format(m, buf));
}

static struct jt *jip(int version, const uint8_t *a)
{
    char buf[INET6_ADDRSTRLEN];
    return jt_str(inet_ntop(version == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf) ? buf : "?");
}

static struct jt *ju64(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return jt_str(buf);
}

static void link_fields(struct jt *root, const struct mops_packet *pkt)
{
    const struct mops_link *l = &pkt->link;
    if (l->has_mac) {
        set(root, MOPS_F_ETH_SRC, jmac(l->mac_src));
        set(root, MOPS_F_ETH_DST, jmac(l->mac_dst));
    }
    if (l->has_mac || l->carrier == MOPS_CARRIER_SLL || l->carrier == MOPS_CARRIER_SLL2 ||
        (l->ethertype && !l->ip_version))
        set(root, MOPS_F_ETH_TYPE, jt_int(l->ethertype));
    for (unsigned i = 0; i < l->n_vlan; i++) {
        struct jt *e = element(root, MOPS_F_VLAN);
        set(e, MOPS_F_VLAN_ID, jt_int(l->vlan_tci[i] & 0xfff));
        set(e, MOPS_F_VLAN_PRIORITY, jt_int(l->vlan_tci[i] >> 13));
    }
    struct mops_lara_names ln;
    mops_lara_names(pkt, &ln);
    if (ln.src_of_known)
        set(root, MOPS_F_LARA_ETH_SRC_OF, jaddr(ln.src_of));
    if (ln.src[0])
        set(root, MOPS_F_LARA_ETH_SRC_RESOLVED, jt_str(ln.src));
    if (ln.dst_of_known)
        set(root, MOPS_F_LARA_ETH_DST_OF, jaddr(ln.dst_of));
    if (ln.dst[0])
        set(root, MOPS_F_LARA_ETH_DST_RESOLVED, jt_str(ln.dst));
    if (l->carrier == MOPS_CARRIER_SLL || l->carrier == MOPS_CARRIER_SLL2)
        set(root, MOPS_F_SLL_PKTTYPE, jt_int(l->sll_pkttype));
    if (l->carrier == MOPS_CARRIER_SLL2)
        set(root, MOPS_F_SLL_IFINDEX, jt_int(l->sll_ifindex));
    if (pkt->layers & MOPS_L_OVERLAY) {
        bool v4 = l->ip_version == 4;
        set(root, v4 ? MOPS_F_IP_SRC : MOPS_F_IPV6_SRC, jip(l->ip_version, l->ip_src));
        set(root, v4 ? MOPS_F_IP_DST : MOPS_F_IPV6_DST, jip(l->ip_version, l->ip_dst));
        set(root, MOPS_F_UDP_SRCPORT, jt_int(l->udp_sport));
        set(root, MOPS_F_UDP_DSTPORT, jt_int(l->udp_dport));
    }
}

static void ipff_header(struct jt *root, const struct mops_ipff_hdr *ip, bool full)
{
    set(root, MOPS_F_IPFF_VERSION, jt_int(ip->version));
    if (full)
        set(root, MOPS_F_IPFF_RESERVED, jt_int(ip->reserved));
    set(root, MOPS_F_IPFF_SRC, jaddr(ip->src));
    set(root, MOPS_F_IPFF_DST, jaddr(ip->dst));
    set(root, MOPS_F_IPFF_PROTO, jt_int(ip->proto));
    set(root, MOPS_F_IPFF_HTL, jt_int(ip->htl));
    set(root, MOPS_F_IPFF_TOS, jt_int(ip->tos));
    set(root, MOPS_F_IPFF_PLEN, jt_int(ip->plen));
}

static void ext_fields(struct jt *root, const struct mops_packet *pkt)
{
    for (unsigned i = 0; i < pkt->n_ext; i++) {
        const struct mops_ext *x = &pkt->ext[i];
        struct jt *e;
        switch (x->type) {
            case MOPS_PROTO_HOPOPTS:
            case MOPS_PROTO_DSTOPTS: {
                bool hop = x->type == MOPS_PROTO_HOPOPTS;
                e = element(root, hop ? MOPS_F_IPFF_HOPOPTS : MOPS_F_IPFF_DSTOPTS);
                set(e, hop ? MOPS_F_IPFF_HOPOPTS_NXT : MOPS_F_IPFF_DSTOPTS_NXT, jt_int(x->next));
                set(e, hop ? MOPS_F_IPFF_HOPOPTS_LEN : MOPS_F_IPFF_DSTOPTS_LEN, jt_int(x->len));
                for (unsigned k = 0; k < x->u.opts.n_opts; k++) {
                    const struct mops_option *o = &pkt->options[x->u.opts.first_opt + k];
                    struct jt *oe = element(e, hop ? MOPS_F_IPFF_HOPOPTS_OPT : MOPS_F_IPFF_DSTOPTS_OPT);
                    set(oe, hop ? MOPS_F_IPFF_HOPOPTS_OPT_TYPE : MOPS_F_IPFF_DSTOPTS_OPT_TYPE, jt_int(o->type));
                    set(oe, hop ? MOPS_F_IPFF_HOPOPTS_OPT_LENGTH : MOPS_F_IPFF_DSTOPTS_OPT_LENGTH, jt_int(o->len));
                }
                break;
            }
            case MOPS_PROTO_ROUTING:
                e = element(root, MOPS_F_IPFF_ROUTING);
                set(e, MOPS_F_IPFF_ROUTING_NXT, jt_int(x->next));
                set(e, MOPS_F_IPFF_ROUTING_LEN, jt_int(x->len));
                set(e, MOPS_F_IPFF_ROUTING_TYPE, jt_int(x->u.routing.type));
                set(e, MOPS_F_IPFF_ROUTING_SEGLEFT, jt_int(x->u.routing.segments_left));
                for (unsigned k = 0; k < x->u.routing.n_addrs; k++)
                    append(e, MOPS_F_IPFF_ROUTING_ADDR, jaddr(pkt->rt_addrs[x->u.routing.first_addr + k]));
                break;
            case MOPS_PROTO_VRF1:
                e = element(root, MOPS_F_IPFF_VRF1);
                set(e, MOPS_F_IPFF_VRF1_NXT, jt_int(x->next));
                set(e, MOPS_F_IPFF_VRF1_LABEL, jt_int(x->u.vrf1.label));
                break;
            case MOPS_PROTO_VRF2:
                e = element(root, MOPS_F_IPFF_VRF2);
                set(e, MOPS_F_IPFF_VRF2_NXT, jt_int(x->next));
                set(e, MOPS_F_IPFF_VRF2_ENCAP, jaddr(x->u.vrf2.encap));
                set(e, MOPS_F_IPFF_VRF2_DECAP, jaddr(x->u.vrf2.decap));
                set(e, MOPS_F_IPFF_VRF2_LABEL, jt_int(x->u.vrf2.label));
                break;
            case MOPS_PROTO_FLOW_LABEL:
                e = element(root, MOPS_F_IPFF_FLOWLABEL);
                set(e, MOPS_F_IPFF_FLOWLABEL_NXT, jt_int(x->next));
                set(e, MOPS_F_IPFF_FLOWLABEL_LABEL, jt_int(x->u.flow.label));
                break;
        }
    }
    if (pkt->recv_src.present) {
        set(root, MOPS_F_IPFF_RECV_SRC_PORT, jt_int(pkt->recv_src.port));
        set(root, MOPS_F_IPFF_RECV_SRC_ADDR, jaddr(pkt->recv_src.addr));
    }
}

static void icmp_fields(struct jt *root, const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    const struct mops_icmp *m = &pkt->icmp;
    set(root, MOPS_F_ICMPV5_CRC, jt_int(m->crc));
    set(root, MOPS_F_ICMPV5_CRC_STATUS, jt_str(mops_check_state_name(m->crc_check.state)));
    if (m->crc_check.state == MOPS_CHECK_BAD)
        set(root, MOPS_F_ICMPV5_CRC_EXPECTED, jt_int(m->crc_check.expected));
    set(root, MOPS_F_ICMPV5_TYPE, jt_int(m->type));
    set(root, MOPS_F_ICMPV5_CODE, jt_int(m->code));
    if (m->kind == MOPS_ICMP_KIND_ERROR) {
        if (m->type == MOPS_ICMP_PACKET_TOO_BIG)
            set(root, MOPS_F_ICMPV5_MTU, jt_int(m->u.error.param));
        if (m->type == MOPS_ICMP_PARAM_PROBLEM)
            set(root, MOPS_F_ICMPV5_POINTER, jt_int(m->u.error.param));
        if (m->type == MOPS_ICMP_REDIRECT)
            set(root, MOPS_F_ICMPV5_REDIRECT_ROUTER, jaddr(m->u.error.router));
        const struct mops_invoking *v = &m->u.error.inv;
        if (v->present) {
            struct jt *inv = jt_obj();
            ipff_header(inv, &v->ip, false);
            if (v->has_ports && v->ip.proto == MOPS_PROTO_TCP) {
                set(inv, MOPS_F_TCP_SRCPORT, jt_int(v->sport));
                set(inv, MOPS_F_TCP_DSTPORT, jt_int(v->dport));
                if (v->has_tcp_seq)
                    set(inv, MOPS_F_TCP_SEQ_RAW, jt_int(v->tcp_seq));
            } else if (v->has_ports) {
                set(inv, MOPS_F_UDPV5_SRCPORT, jt_int(v->sport));
                set(inv, MOPS_F_UDPV5_DSTPORT, jt_int(v->dport));
            }
            set(root, MOPS_F_ICMPV5_INVOKING, inv);
        }
    } else if (m->kind == MOPS_ICMP_KIND_ECHO && m->u.echo.data_off) {
        set(root, MOPS_F_ICMPV5_ECHO_ID, jt_int(m->u.echo.id));
        set(root, MOPS_F_ICMPV5_ECHO_SEQ, jt_int(m->u.echo.seq));
        set(root, MOPS_F_ICMPV5_ECHO_DATA_LEN, jt_int(m->u.echo.data_len));
    }
    if (m->kind == MOPS_ICMP_KIND_DAD_REQUEST || m->kind == MOPS_ICMP_KIND_DAD_REPLY) {
        if (pkt->layers & MOPS_L_LARA) {
            set(root, MOPS_F_LARA_DAD_RESERVED, jt_int(m->u.dad.reserved));
            set(root, MOPS_F_LARA_DAD_MAC, jmac(m->u.dad.mac));
            set(root, MOPS_F_LARA_DAD_SESSION_ID, jt_int(m->u.dad.session_id));
        }
    } else if (m->kind == MOPS_ICMP_KIND_LARA_ADVERT) {
        set(root, MOPS_F_LARA_ADVERT, jt_obj());
    }
    if (!(pkt->layers & MOPS_L_MOPS))
        return;
    set(root, MOPS_F_MOPS_VERSION, jt_int(m->byte7 >> 4));
    if (m->kind == MOPS_ICMP_KIND_MIGRATE) {
        const struct mops_migrate *g = &m->u.migrate;
        set(root, MOPS_F_MOPS_MIGRATE_PROTO, jt_int(g->proto));
        set(root, MOPS_F_MOPS_MIGRATE_PREV_ADDR, jaddr(g->prev_addr));
        set(root, MOPS_F_MOPS_MIGRATE_N_PORTS, jt_int(g->n_ports));
        set(root, MOPS_F_MOPS_MIGRATE_MIG_ADDR, jaddr(g->mig_addr));
        for (unsigned i = 0; i < g->n_decoded; i++) {
            const struct mops_migrate_port *p = &pkt->pool.migrate[i];
            struct jt *e = element(root, MOPS_F_MOPS_MIGRATE_PORTS);
            set(e, MOPS_F_MOPS_MIGRATE_PREV_SPORT, jt_int(p->prev_sport));
            set(e, MOPS_F_MOPS_MIGRATE_MIG_SPORT, jt_int(p->mig_sport));
            set(e, MOPS_F_MOPS_MIGRATE_PREV_DPORT, jt_int(p->prev_dport));
            set(e, MOPS_F_MOPS_MIGRATE_MIG_DPORT, jt_int(p->mig_dport));
            set(e, MOPS_F_MOPS_MIGRATE_SEQ, ju64(p->seq));
        }
        if (tr->kind == MOPS_TRACK_REPLY) {
            set(root, MOPS_F_MOPS_MIGRATE_RESPONSE_TO, jt_int((long long)tr->last_frame));
            set(root, MOPS_F_MOPS_MIGRATE_TIME, jt_real((double)tr->delta_ns / 1e9));
        } else if (tr->kind == MOPS_TRACK_RETRANSMISSION) {
            set(root, MOPS_F_MOPS_MIGRATE_RETRANSMISSION, jt_int((long long)tr->first_frame));
        }
    } else if (m->kind == MOPS_ICMP_KIND_ANYCAST_ACK) {
        const struct mops_anycast_ack *a = &m->u.anycast;
        set(root, MOPS_F_MOPS_ANYCAST_PROTO, jt_int(a->proto));
        set(root, MOPS_F_MOPS_ANYCAST_ANYCAST_ADDR, jaddr(a->anycast_addr));
        set(root, MOPS_F_MOPS_ANYCAST_UNICAST_ADDR, jaddr(a->unicast_addr));
        set(root, MOPS_F_MOPS_ANYCAST_SPORT, jt_int(a->sport));
        set(root, MOPS_F_MOPS_ANYCAST_DPORT, jt_int(a->dport));
    } else if (m->kind == MOPS_ICMP_KIND_NAT_ACK) {
        const struct mops_nat_ack *a = &m->u.natack;
        set(root, MOPS_F_MOPS_NATACK_LEVEL, jt_int(a->level));
        set(root, MOPS_F_MOPS_NATACK_PROTO, jt_int(a->proto));
        set(root, MOPS_F_MOPS_NATACK_ORIG_ADDR, jaddr(a->orig_addr));
        set(root, MOPS_F_MOPS_NATACK_N_PORTS, jt_int(a->n_ports));
        set(root, MOPS_F_MOPS_NATACK_TRANS_ADDR, jaddr(a->trans_addr));
        for (unsigned i = 0; i < a->n_decoded; i++) {
            struct jt *e = element(root, MOPS_F_MOPS_NATACK_PORTS);
            set(e, MOPS_F_MOPS_NATACK_ORIG_PORT, jt_int(pkt->pool.natack[i].orig_port));
            set(e, MOPS_F_MOPS_NATACK_TRANS_PORT, jt_int(pkt->pool.natack[i].trans_port));
        }
    }
}

static void tcp_fields(struct jt *root, const struct mops_tcp *t)
{
    set(root, MOPS_F_TCP_SRCPORT, jt_int(t->sport));
    set(root, MOPS_F_TCP_DSTPORT, jt_int(t->dport));
    set(root, MOPS_F_TCP_SEQ_RAW, jt_int(t->seq));
    set(root, MOPS_F_TCP_ACK_RAW, jt_int(t->ack));
    set(root, MOPS_F_TCP_HDR_LEN, jt_int(t->doff * 4));
    set(root, MOPS_F_TCP_FLAGS, jt_int(t->reserved << 8 | t->flags));
    char fl[MOPS_TCP_FLAGS_STRLEN];
    set(root, MOPS_F_TCP_FLAGS_STR, jt_str(mops_tcp_flags_str(t->flags, fl)));
    set(root, MOPS_F_TCP_WINDOW, jt_int(t->window));
    set(root, MOPS_F_TCP_CHECKSUM, jt_int(t->csum));
    set(root, MOPS_F_TCP_CHECKSUM_STATUS, jt_str(mops_check_state_name(t->csum_check.state)));
    if (t->csum_check.state == MOPS_CHECK_BAD)
        set(root, MOPS_F_TCP_CHECKSUM_EXPECTED, jt_int(t->csum_check.expected));
    set(root, MOPS_F_TCP_URGENT, jt_int(t->urg));
    set(root, MOPS_F_TCP_LEN, jt_int(t->payload_len));
    if (t->mobile_capable)
        set(root, MOPS_F_TCP_OPTION_MOBILE_CAPABLE, jt_true());
    if (t->has_mss)
        set(root, MOPS_F_TCP_OPTIONS_MSS, jt_int(t->mss));
    if (t->has_ws)
        set(root, MOPS_F_TCP_OPTIONS_WSCALE, jt_int(t->ws));
    if (t->sack_perm)
        set(root, MOPS_F_TCP_OPTIONS_SACK_PERM, jt_true());
    if (t->has_ts) {
        set(root, MOPS_F_TCP_OPTIONS_TSVAL, jt_int(t->ts_val));
        set(root, MOPS_F_TCP_OPTIONS_TSECR, jt_int(t->ts_ecr));
    }
    for (unsigned i = 0; i < t->n_sack; i++) {
        append(root, MOPS_F_TCP_OPTIONS_SACK_LE, jt_int(t->sack_left[i]));
        append(root, MOPS_F_TCP_OPTIONS_SACK_RE, jt_int(t->sack_right[i]));
    }
}

static void udp_fields(struct jt *root, const struct mops_udp *u)
{
    set(root, MOPS_F_UDPV5_SRCPORT, jt_int(u->sport));
    set(root, MOPS_F_UDPV5_DSTPORT, jt_int(u->dport));
    set(root, MOPS_F_UDPV5_CHECKSUM, jt_int(u->csum));
    set(root, MOPS_F_UDPV5_CHECKSUM_STATUS, jt_str(mops_check_state_name(u->csum_check.state)));
    if (u->csum_check.state == MOPS_CHECK_BAD)
        set(root, MOPS_F_UDPV5_CHECKSUM_EXPECTED, jt_int(u->csum_check.expected));
    set(root, MOPS_F_UDPV5_LENGTH, jt_int(u->payload_len));
}

void md_format_json(struct md_printer *p, uint64_t n, const struct mops_frame *f, const struct mops_packet *pkt,
                    const struct mops_track_result *tr)
{
    struct jt *root = jt_obj();
    set(root, MOPS_F_FRAME, jt_int((long long)n));
    char ts[40];
    const struct mops_cap_iface *i = p->cap ? mops_cap_iface(p->cap, f->ifid) : NULL;
    md_time_epoch(f->ts_ns, i ? i->ts_digits : 9, ts, sizeof ts);
    set(root, MOPS_F_TIME, jt_str(ts));
    set(root, MOPS_F_CAPLEN, jt_int(f->caplen));
    set(root, MOPS_F_LEN, jt_int(f->wirelen));
    set(root, MOPS_F_INTERFACE, jt_int(f->ifid));
    if (i && i->name[0])
        set(root, MOPS_F_INTERFACE_NAME, jt_str(i->name));
    if (i && i->description[0])
        set(root, MOPS_F_INTERFACE_DESCRIPTION, jt_str(i->description));
    if (f->comment_len) {
        static char c[65536];
        size_t k = f->comment_len < sizeof c - 1 ? f->comment_len : sizeof c - 1;
        memcpy(c, f->comment, k);
        c[k] = 0;
        set(root, MOPS_F_COMMENT, jt_str(c));
    }
    link_fields(root, pkt);
    if (pkt->layers & MOPS_L_IPFF) {
        ipff_header(root, &pkt->ip, true);
        ext_fields(root, pkt);
    }
    if (pkt->layers & MOPS_L_ICMP)
        icmp_fields(root, pkt, tr);
    if (pkt->layers & MOPS_L_TCP)
        tcp_fields(root, &pkt->tcp);
    if (pkt->layers & MOPS_L_UDP)
        udp_fields(root, &pkt->udp);
    if (pkt->n_problems) {
        for (unsigned k = 0; k < pkt->n_problems; k++) {
            const struct mops_problem_info *pi = mops_problem_info(pkt->problems[k].id);
            struct jt *e = element(root, MOPS_F_EXPERT);
            set(e, MOPS_F_EXPERT_SEVERITY, jt_str(mops_severity_name(pi->severity)));
            set(e, MOPS_F_EXPERT_GROUP, jt_str(pi->group));
            set(e, MOPS_F_EXPERT_RULE, jt_str(pi->id));
            set(e, MOPS_F_EXPERT_MESSAGE, jt_str(pkt->problems[k].text));
        }
    }
    sb_reset(&p->sb);
    if (p->o->ek) {
        /* tshark -T ek's form: a bulk index action per packet, named by the
         * packet's UTC day, then the document (Elasticsearch 7+: no _type). */
        time_t sec = (time_t)(f->ts_ns / MOPS_NS_PER_SEC);
        struct tm tm;
        gmtime_r(&sec, &tm);
        sb_printf(&p->sb, "{\"index\":{\"_index\":\"packets-%04d-%02d-%02d\"}}\n{\"timestamp\":\"%llu\",\"layers\":",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, (unsigned long long)(f->ts_ns / 1000000u));
    }
    jt_dump(root, &p->sb);
    if (p->o->ek)
        sb_add(&p->sb, "}", 1);
    sb_add(&p->sb, "\n", 1);
}
