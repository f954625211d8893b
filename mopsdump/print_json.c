/* -T json: one object per frame per line. Every key path is the field's name
 * in mops/fields.def, dots as nesting; groups are arrays of objects; 64-bit
 * sequence numbers / Unique IDs are decimal strings. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "mops/fields.h"

#include "print.h"

/* The object at `path` (dots as nesting) below obj, made as needed. */
static json_t *object_at(json_t *obj, const char *path, size_t len)
{
    while (len) {
        const char *dot = memchr(path, '.', len);
        size_t k = dot ? (size_t)(dot - path) : len;
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)k, path);
        json_t *next = json_object_get(obj, key);
        if (!next) {
            next = json_object();
            json_object_set_new(obj, key, next);
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
static void set(json_t *scope, enum mops_field_id id, json_t *v)
{
    const struct mops_field_info *f = mops_field(id);
    if (f->group != MOPS_F_NONE) {
        json_object_set_new(scope, mops_field_key(id), v);
        return;
    }
    const char *dot = strrchr(f->name, '.');
    json_t *parent = dot ? object_at(scope, f->name, (size_t)(dot - f->name)) : scope;
    json_object_set_new(parent, dot ? dot + 1 : f->name, v);
}

/* A new element of group id, appended under scope (the root, or the element
 * of the group it nests in). */
static json_t *element(json_t *scope, enum mops_field_id id)
{
    const struct mops_field_info *f = mops_field(id);
    json_t *arr;
    if (f->group != MOPS_F_NONE) {
        arr = json_object_get(scope, mops_field_key(id));
        if (!arr) {
            arr = json_array();
            json_object_set_new(scope, mops_field_key(id), arr);
        }
    } else {
        const char *dot = strrchr(f->name, '.');
        json_t *parent = dot ? object_at(scope, f->name, (size_t)(dot - f->name)) : scope;
        const char *key = dot ? dot + 1 : f->name;
        arr = json_object_get(parent, key);
        if (!arr) {
            arr = json_array();
            json_object_set_new(parent, key, arr);
        }
    }
    json_t *e = json_object();
    json_array_append_new(arr, e);
    return e;
}

/* Appends to a MANY field. */
static void append(json_t *scope, enum mops_field_id id, json_t *v)
{
    const struct mops_field_info *f = mops_field(id);
    json_t *parent = scope;
    const char *key = mops_field_key(id);
    if (f->group == MOPS_F_NONE) {
        const char *dot = strrchr(f->name, '.');
        parent = dot ? object_at(scope, f->name, (size_t)(dot - f->name)) : scope;
    }
    json_t *arr = json_object_get(parent, key);
    if (!arr) {
        arr = json_array();
        json_object_set_new(parent, key, arr);
    }
    json_array_append_new(arr, v);
}

static json_t *jaddr(mops_addr_t a)
{
    char buf[MOPS_ADDR_STRLEN];
    return json_string(mops_addr_format(a, buf));
}

static json_t *jmac(const uint8_t m[6])
{
    char buf[24];
    snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return json_string(buf);
}

static json_t *jip(int version, const uint8_t *a)
{
    char buf[INET6_ADDRSTRLEN];
    return json_string(inet_ntop(version == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf) ? buf : "?");
}

static json_t *ju64(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return json_string(buf);
}

static void link_fields(json_t *root, const struct mops_packet *pkt)
{
    const struct mops_link *l = &pkt->link;
    if (l->has_mac) {
        set(root, MOPS_F_ETH_SRC, jmac(l->mac_src));
        set(root, MOPS_F_ETH_DST, jmac(l->mac_dst));
    }
    if (l->has_mac || l->carrier == MOPS_CARRIER_SLL || l->carrier == MOPS_CARRIER_SLL2 ||
        (l->ethertype && !l->ip_version))
        set(root, MOPS_F_ETH_TYPE, json_integer(l->ethertype));
    for (unsigned i = 0; i < l->n_vlan; i++) {
        json_t *e = element(root, MOPS_F_VLAN);
        set(e, MOPS_F_VLAN_ID, json_integer(l->vlan_tci[i] & 0xfff));
        set(e, MOPS_F_VLAN_PRIORITY, json_integer(l->vlan_tci[i] >> 13));
    }
    if (l->carrier == MOPS_CARRIER_SLL || l->carrier == MOPS_CARRIER_SLL2)
        set(root, MOPS_F_SLL_PKTTYPE, json_integer(l->sll_pkttype));
    if (l->carrier == MOPS_CARRIER_SLL2)
        set(root, MOPS_F_SLL_IFINDEX, json_integer(l->sll_ifindex));
    if (pkt->layers & MOPS_L_OVERLAY) {
        bool v4 = l->ip_version == 4;
        set(root, v4 ? MOPS_F_IP_SRC : MOPS_F_IPV6_SRC, jip(l->ip_version, l->ip_src));
        set(root, v4 ? MOPS_F_IP_DST : MOPS_F_IPV6_DST, jip(l->ip_version, l->ip_dst));
        set(root, MOPS_F_UDP_SRCPORT, json_integer(l->udp_sport));
        set(root, MOPS_F_UDP_DSTPORT, json_integer(l->udp_dport));
    }
}

static void ipff_header(json_t *root, const struct mops_ipff_hdr *ip, bool full)
{
    set(root, MOPS_F_IPFF_VERSION, json_integer(ip->version));
    if (full)
        set(root, MOPS_F_IPFF_RESERVED, json_integer(ip->reserved));
    set(root, MOPS_F_IPFF_SRC, jaddr(ip->src));
    set(root, MOPS_F_IPFF_DST, jaddr(ip->dst));
    set(root, MOPS_F_IPFF_PROTO, json_integer(ip->proto));
    set(root, MOPS_F_IPFF_HTL, json_integer(ip->htl));
    set(root, MOPS_F_IPFF_TOS, json_integer(ip->tos));
    set(root, MOPS_F_IPFF_PLEN, json_integer(ip->plen));
}

static void ext_fields(json_t *root, const struct mops_packet *pkt)
{
    for (unsigned i = 0; i < pkt->n_ext; i++) {
        const struct mops_ext *x = &pkt->ext[i];
        json_t *e;
        switch (x->type) {
        case MOPS_PROTO_HOPOPTS:
        case MOPS_PROTO_DSTOPTS: {
            bool hop = x->type == MOPS_PROTO_HOPOPTS;
            e = element(root, hop ? MOPS_F_IPFF_HOPOPTS : MOPS_F_IPFF_DSTOPTS);
            set(e, hop ? MOPS_F_IPFF_HOPOPTS_NXT : MOPS_F_IPFF_DSTOPTS_NXT, json_integer(x->next));
            set(e, hop ? MOPS_F_IPFF_HOPOPTS_LEN : MOPS_F_IPFF_DSTOPTS_LEN, json_integer(x->len));
            for (unsigned k = 0; k < x->u.opts.n_opts; k++) {
                const struct mops_option *o = &pkt->options[x->u.opts.first_opt + k];
                json_t *oe = element(e, hop ? MOPS_F_IPFF_HOPOPTS_OPT : MOPS_F_IPFF_DSTOPTS_OPT);
                set(oe, hop ? MOPS_F_IPFF_HOPOPTS_OPT_TYPE : MOPS_F_IPFF_DSTOPTS_OPT_TYPE,
                    json_integer(o->type));
                set(oe, hop ? MOPS_F_IPFF_HOPOPTS_OPT_LENGTH : MOPS_F_IPFF_DSTOPTS_OPT_LENGTH,
                    json_integer(o->len));
            }
            break;
        }
        case MOPS_PROTO_ROUTING:
            e = element(root, MOPS_F_IPFF_ROUTING);
            set(e, MOPS_F_IPFF_ROUTING_NXT, json_integer(x->next));
            set(e, MOPS_F_IPFF_ROUTING_LEN, json_integer(x->len));
            set(e, MOPS_F_IPFF_ROUTING_TYPE, json_integer(x->u.routing.type));
            set(e, MOPS_F_IPFF_ROUTING_SEGLEFT, json_integer(x->u.routing.segments_left));
            for (unsigned k = 0; k < x->u.routing.n_addrs; k++)
                append(e, MOPS_F_IPFF_ROUTING_ADDR, jaddr(pkt->rt_addrs[x->u.routing.first_addr + k]));
            break;
        case MOPS_PROTO_VRF1:
            e = element(root, MOPS_F_IPFF_VRF1);
            set(e, MOPS_F_IPFF_VRF1_NXT, json_integer(x->next));
            set(e, MOPS_F_IPFF_VRF1_LABEL, json_integer(x->u.vrf1.label));
            break;
        case MOPS_PROTO_VRF2:
            e = element(root, MOPS_F_IPFF_VRF2);
            set(e, MOPS_F_IPFF_VRF2_NXT, json_integer(x->next));
            set(e, MOPS_F_IPFF_VRF2_ENCAP, jaddr(x->u.vrf2.encap));
            set(e, MOPS_F_IPFF_VRF2_DECAP, jaddr(x->u.vrf2.decap));
            set(e, MOPS_F_IPFF_VRF2_LABEL, json_integer(x->u.vrf2.label));
            break;
        case MOPS_PROTO_FLOW_LABEL:
            e = element(root, MOPS_F_IPFF_FLOWLABEL);
            set(e, MOPS_F_IPFF_FLOWLABEL_NXT, json_integer(x->next));
            set(e, MOPS_F_IPFF_FLOWLABEL_LABEL, json_integer(x->u.flow.label));
            break;
        }
    }
    if (pkt->recv_src.present) {
        set(root, MOPS_F_IPFF_RECV_SRC_PORT, json_integer(pkt->recv_src.port));
        set(root, MOPS_F_IPFF_RECV_SRC_ADDR, jaddr(pkt->recv_src.addr));
    }
}

static void icmp_fields(json_t *root, const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    const struct mops_icmp *m = &pkt->icmp;
    set(root, MOPS_F_ICMPV5_CRC, json_integer(m->crc));
    set(root, MOPS_F_ICMPV5_CRC_STATUS, json_string(mops_check_state_name(m->crc_check.state)));
    if (m->crc_check.state == MOPS_CHECK_BAD)
        set(root, MOPS_F_ICMPV5_CRC_EXPECTED, json_integer(m->crc_check.expected));
    set(root, MOPS_F_ICMPV5_TYPE, json_integer(m->type));
    set(root, MOPS_F_ICMPV5_CODE, json_integer(m->code));
    if (m->kind == MOPS_ICMP_KIND_ERROR) {
        if (m->type == MOPS_ICMP_PACKET_TOO_BIG)
            set(root, MOPS_F_ICMPV5_MTU, json_integer(m->u.error.param));
        if (m->type == MOPS_ICMP_PARAM_PROBLEM)
            set(root, MOPS_F_ICMPV5_POINTER, json_integer(m->u.error.param));
        if (m->type == MOPS_ICMP_REDIRECT)
            set(root, MOPS_F_ICMPV5_REDIRECT_ROUTER, jaddr(m->u.error.router));
        const struct mops_invoking *v = &m->u.error.inv;
        if (v->present) {
            json_t *inv = json_object();
            ipff_header(inv, &v->ip, false);
            if (v->has_ports && v->ip.proto == MOPS_PROTO_TCP) {
                set(inv, MOPS_F_TCP_SRCPORT, json_integer(v->sport));
                set(inv, MOPS_F_TCP_DSTPORT, json_integer(v->dport));
                if (v->has_tcp_seq)
                    set(inv, MOPS_F_TCP_SEQ_RAW, json_integer(v->tcp_seq));
            } else if (v->has_ports) {
                set(inv, MOPS_F_UDPV5_SRCPORT, json_integer(v->sport));
                set(inv, MOPS_F_UDPV5_DSTPORT, json_integer(v->dport));
            }
            set(root, MOPS_F_ICMPV5_INVOKING, inv);
        }
    } else if (m->kind == MOPS_ICMP_KIND_ECHO && m->u.echo.data_off) {
        set(root, MOPS_F_ICMPV5_ECHO_ID, json_integer(m->u.echo.id));
        set(root, MOPS_F_ICMPV5_ECHO_SEQ, json_integer(m->u.echo.seq));
        set(root, MOPS_F_ICMPV5_ECHO_DATA_LEN, json_integer(m->u.echo.data_len));
    }
    if (!(pkt->layers & MOPS_L_MOPS))
        return;
    set(root, MOPS_F_MOPS_VERSION, json_integer(m->byte7 >> 4));
    if (m->kind == MOPS_ICMP_KIND_MIGRATE) {
        const struct mops_migrate *g = &m->u.migrate;
        set(root, MOPS_F_MOPS_MIGRATE_PROTO, json_integer(g->proto));
        set(root, MOPS_F_MOPS_MIGRATE_PREV_ADDR, jaddr(g->prev_addr));
        set(root, MOPS_F_MOPS_MIGRATE_N_PORTS, json_integer(g->n_ports));
        set(root, MOPS_F_MOPS_MIGRATE_MIG_ADDR, jaddr(g->mig_addr));
        for (unsigned i = 0; i < g->n_decoded; i++) {
            const struct mops_migrate_port *p = &pkt->pool.migrate[i];
            json_t *e = element(root, MOPS_F_MOPS_MIGRATE_PORTS);
            set(e, MOPS_F_MOPS_MIGRATE_PREV_SPORT, json_integer(p->prev_sport));
            set(e, MOPS_F_MOPS_MIGRATE_MIG_SPORT, json_integer(p->mig_sport));
            set(e, MOPS_F_MOPS_MIGRATE_PREV_DPORT, json_integer(p->prev_dport));
            set(e, MOPS_F_MOPS_MIGRATE_MIG_DPORT, json_integer(p->mig_dport));
            set(e, MOPS_F_MOPS_MIGRATE_SEQ, ju64(p->seq));
        }
        if (tr->kind == MOPS_TRACK_REPLY) {
            set(root, MOPS_F_MOPS_MIGRATE_RESPONSE_TO, json_integer((json_int_t)tr->last_frame));
            set(root, MOPS_F_MOPS_MIGRATE_TIME, json_real((double)tr->delta_ns / 1e9));
        } else if (tr->kind == MOPS_TRACK_RETRANSMISSION) {
            set(root, MOPS_F_MOPS_MIGRATE_RETRANSMISSION, json_integer((json_int_t)tr->first_frame));
        }
    } else if (m->kind == MOPS_ICMP_KIND_ANYCAST_ACK) {
        const struct mops_anycast_ack *a = &m->u.anycast;
        set(root, MOPS_F_MOPS_ANYCAST_PROTO, json_integer(a->proto));
        set(root, MOPS_F_MOPS_ANYCAST_ANYCAST_ADDR, jaddr(a->anycast_addr));
        set(root, MOPS_F_MOPS_ANYCAST_UNICAST_ADDR, jaddr(a->unicast_addr));
        set(root, MOPS_F_MOPS_ANYCAST_SPORT, json_integer(a->sport));
        set(root, MOPS_F_MOPS_ANYCAST_DPORT, json_integer(a->dport));
    } else if (m->kind == MOPS_ICMP_KIND_NAT_ACK) {
        const struct mops_nat_ack *a = &m->u.natack;
        set(root, MOPS_F_MOPS_NATACK_LEVEL, json_integer(a->level));
        set(root, MOPS_F_MOPS_NATACK_PROTO, json_integer(a->proto));
        set(root, MOPS_F_MOPS_NATACK_ORIG_ADDR, jaddr(a->orig_addr));
        set(root, MOPS_F_MOPS_NATACK_N_PORTS, json_integer(a->n_ports));
        set(root, MOPS_F_MOPS_NATACK_TRANS_ADDR, jaddr(a->trans_addr));
        for (unsigned i = 0; i < a->n_decoded; i++) {
            json_t *e = element(root, MOPS_F_MOPS_NATACK_PORTS);
            set(e, MOPS_F_MOPS_NATACK_ORIG_PORT, json_integer(pkt->pool.natack[i].orig_port));
            set(e, MOPS_F_MOPS_NATACK_TRANS_PORT, json_integer(pkt->pool.natack[i].trans_port));
        }
    }
}

static void tcp_fields(json_t *root, const struct mops_tcp *t)
{
    set(root, MOPS_F_TCP_SRCPORT, json_integer(t->sport));
    set(root, MOPS_F_TCP_DSTPORT, json_integer(t->dport));
    set(root, MOPS_F_TCP_SEQ_RAW, json_integer(t->seq));
    set(root, MOPS_F_TCP_ACK_RAW, json_integer(t->ack));
    set(root, MOPS_F_TCP_HDR_LEN, json_integer(t->doff * 4));
    set(root, MOPS_F_TCP_FLAGS, json_integer(t->reserved << 8 | t->flags));
    char fl[MOPS_TCP_FLAGS_STRLEN];
    set(root, MOPS_F_TCP_FLAGS_STR, json_string(mops_tcp_flags_str(t->flags, fl)));
    set(root, MOPS_F_TCP_WINDOW, json_integer(t->window));
    set(root, MOPS_F_TCP_CHECKSUM, json_integer(t->csum));
    set(root, MOPS_F_TCP_CHECKSUM_STATUS, json_string(mops_check_state_name(t->csum_check.state)));
    if (t->csum_check.state == MOPS_CHECK_BAD)
        set(root, MOPS_F_TCP_CHECKSUM_EXPECTED, json_integer(t->csum_check.expected));
    set(root, MOPS_F_TCP_URGENT, json_integer(t->urg));
    set(root, MOPS_F_TCP_LEN, json_integer(t->payload_len));
    if (t->mobile_capable)
        set(root, MOPS_F_TCP_OPTION_MOBILE_CAPABLE, json_true());
    if (t->has_mss)
        set(root, MOPS_F_TCP_OPTIONS_MSS, json_integer(t->mss));
    if (t->has_ws)
        set(root, MOPS_F_TCP_OPTIONS_WSCALE, json_integer(t->ws));
    if (t->sack_perm)
        set(root, MOPS_F_TCP_OPTIONS_SACK_PERM, json_true());
    if (t->has_ts) {
        set(root, MOPS_F_TCP_OPTIONS_TSVAL, json_integer(t->ts_val));
        set(root, MOPS_F_TCP_OPTIONS_TSECR, json_integer(t->ts_ecr));
    }
    for (unsigned i = 0; i < t->n_sack; i++) {
        append(root, MOPS_F_TCP_OPTIONS_SACK_LE, json_integer(t->sack_left[i]));
        append(root, MOPS_F_TCP_OPTIONS_SACK_RE, json_integer(t->sack_right[i]));
    }
}

static void udp_fields(json_t *root, const struct mops_udp *u)
{
    set(root, MOPS_F_UDPV5_SRCPORT, json_integer(u->sport));
    set(root, MOPS_F_UDPV5_DSTPORT, json_integer(u->dport));
    set(root, MOPS_F_UDPV5_CHECKSUM, json_integer(u->csum));
    set(root, MOPS_F_UDPV5_CHECKSUM_STATUS, json_string(mops_check_state_name(u->csum_check.state)));
    if (u->csum_check.state == MOPS_CHECK_BAD)
        set(root, MOPS_F_UDPV5_CHECKSUM_EXPECTED, json_integer(u->csum_check.expected));
    set(root, MOPS_F_UDPV5_LENGTH, json_integer(u->payload_len));
}

void md_format_json(struct md_printer *p, uint64_t n, const struct mops_frame *f,
                    const struct mops_packet *pkt, const struct mops_track_result *tr)
{
    json_t *root = json_object();
    set(root, MOPS_F_FRAME, json_integer((json_int_t)n));
    char ts[40];
    const struct mops_cap_iface *i = p->cap ? mops_cap_iface(p->cap, f->ifid) : NULL;
    md_time_epoch(f->ts_ns, i ? i->ts_digits : 9, ts, sizeof ts);
    set(root, MOPS_F_TIME, json_string(ts));
    set(root, MOPS_F_CAPLEN, json_integer(f->caplen));
    set(root, MOPS_F_LEN, json_integer(f->wirelen));
    set(root, MOPS_F_INTERFACE, json_integer(f->ifid));
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
            json_t *e = element(root, MOPS_F_EXPERT);
            set(e, MOPS_F_EXPERT_SEVERITY, json_string(mops_severity_name(pi->severity)));
            set(e, MOPS_F_EXPERT_GROUP, json_string(pi->group));
            set(e, MOPS_F_EXPERT_RULE, json_string(pi->id));
            set(e, MOPS_F_EXPERT_MESSAGE, json_string(pkt->problems[k].text));
        }
    }
    sb_reset(&p->sb);
    char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s) {
        sb_puts(&p->sb, s);
        free(s);
    }
    sb_puts(&p->sb, "\n");
    json_decref(root);
}
