/* hf, ett and expert registration from lib's tables, so that filter names,
 * mopsdump's JSON and docs/fields.md are one vocabulary. */
#include "mops-plugin.h"

#include <epan/address_types.h>
#include <wsutil/pint.h>

#include "mops/decode/decode.h"

int mops_hf[MOPS_F_COUNT];
/* Each address field's NAME_net (MOPS_FIELD_NET_SUFFIX), or -1. */
static int mops_hf_net[MOPS_F_COUNT];
gint mops_ett[MOPS_F_COUNT];
gint ett_ipff = -1, ett_ext = -1, ett_icmpv5 = -1, ett_mops = -1, ett_invoking = -1, ett_udpv5 = -1, ett_mc = -1;
expert_field mops_ei[MOPS_P_COUNT];
int mops_at_ipff = -1;

/* Fields under these prefixes are ours; under tcp. only those Wireshark's
 * own TCP dissector does not have. */
static int owner(const char *name)
{
    if (g_str_has_prefix(name, "ipff."))
        return proto_ipff;
    if (g_str_has_prefix(name, "icmpv5."))
        return proto_icmpv5;
    if (g_str_has_prefix(name, "mops."))
        return proto_mops;
    if (g_str_has_prefix(name, "udpv5."))
        return proto_udpv5;
    if (g_str_has_prefix(name, "lara."))
        return proto_lara;
    if (g_str_has_prefix(name, "tcp.") && !proto_registrar_get_byname(name))
        return proto_ipff;
    return -1;
}

static enum ftenum ftype(enum mops_ftype t)
{
    switch (t) {
        case MOPS_FT_BOOL: return FT_BOOLEAN;
        case MOPS_FT_UINT8: return FT_UINT8;
        case MOPS_FT_UINT16: return FT_UINT16;
        case MOPS_FT_UINT32: return FT_UINT32;
        case MOPS_FT_UINT64: return FT_UINT64;
        case MOPS_FT_ADDR: return FT_STRING; /* dotted: ipff.src == 10.2.0.0.1 */
        case MOPS_FT_ETHER: return FT_ETHER;
        case MOPS_FT_STRING: return FT_STRING;
        case MOPS_FT_FRAMENUM: return FT_FRAMENUM;
        case MOPS_FT_RELTIME: return FT_RELATIVE_TIME;
        case MOPS_FT_NONE: return FT_NONE;
    }
    return FT_NONE;
}

static int display(const struct mops_field_info *f)
{
    switch (ftype(f->type)) {
        case FT_UINT8:
        case FT_UINT16:
        case FT_UINT32:
        case FT_UINT64: return f->base == MOPS_FB_HEX ? BASE_HEX : BASE_DEC;
        case FT_STRING: return BASE_NONE;
        case FT_FRAMENUM: return BASE_NONE;
        default: return BASE_NONE;
    }
}

/* IPFF addresses as an address type: columns, conversations, endpoints. */
static int ipff_to_str(const address *addr, gchar *buf, int buf_len)
{
    char tmp[MOPS_ADDR_STRLEN];
    mops_addr_format(pntohu64(addr->data), tmp);
    g_strlcpy(buf, tmp, buf_len);
    return (int)strlen(buf) + 1;
}

static int ipff_str_len(const address *addr _U_) { return MOPS_ADDR_STRLEN; }
static const char *ipff_col_filter(const address *addr _U_, mops_ws_bool is_src)
{
    return is_src ? "ipff.src" : "ipff.dst";
}
static int ipff_addr_len(void) { return 8; }

void mops_set_address(packet_info *pinfo, address *a, mops_addr_t v)
{
    guint8 *d = (guint8 *)wmem_alloc(pinfo->pool, 8);
    phtonu64(d, v);
    set_address(a, mops_at_ipff, 8, d);
}

/* The prefixes are added only when a display filter names NAME_net (which
 * marks it referenced), not for every printed or shown tree: 50 hidden items
 * per address would cost every dissection and fill tshark -T json. */
static void add_prefixes(proto_tree *tree, int hf, tvbuff_t *tvb, int off, int len, mops_addr_t v)
{
    if (!tree || hf < 0 || proto_registrar_get_nth(hf)->ref_type == HF_REF_TYPE_NONE)
        return;
    for (unsigned n = 1; n <= MOPS_ADDR_BITS; n++) {
        struct mops_prefix p = {v & mops_prefix_mask(n), n};
        char buf[MOPS_PREFIX_STRLEN];
        proto_item_set_hidden(proto_tree_add_string(tree, hf, tvb, off, len, mops_prefix_format(&p, buf)));
    }
}

proto_item *mops_add_addr(proto_tree *tree, enum mops_field_id id, tvbuff_t *tvb, int off, int len, mops_addr_t v)
{
    /* Without a tree (tshark's summary lines, a first pass) the text would
     * be made for nothing: six addresses a frame were 1% of tshark's time
     * (tests/bench row 5). */
    if (!tree)
        return NULL;
    char buf[MOPS_ADDR_STRLEN];
    proto_item *it = proto_tree_add_string(tree, mops_hf[id], tvb, off, len, mops_addr_format(v, buf));
    add_prefixes(tree, mops_hf_net[id], tvb, off, len, v);
    return it;
}

void mops_add_problems(packet_info *pinfo, proto_item *item, const struct mops_packet *pkt, guint32 from, guint32 to)
{
    for (unsigned i = 0; i < pkt->n_problems; i++) {
        const struct mops_problem *p = &pkt->problems[i];
        if (p->offset >= from && p->offset < to)
            expert_add_info_format(pinfo, item, &mops_ei[p->id], "%s", p->text);
    }
}

char *mops_expert_name(const char *prefix, const char *rule)
{
    gchar *name = g_strconcat(prefix, rule, NULL);
    for (gchar *c = name + strlen(prefix); *c; c++)
        *c = *c == '-' ? '_' : g_ascii_tolower(*c);
    return name;
}

int mops_expert_severity(enum mops_severity s)
{
    return s == MOPS_SEV_ERROR ? PI_ERROR : s == MOPS_SEV_WARNING ? PI_WARN : PI_NOTE;
}

void mops_register_fields(void)
{
    static ei_register_info *ei;
    enum { N_PROTOS = 5 };
    int n[N_PROTOS] = {0};
    int protos[N_PROTOS] = {proto_ipff, proto_icmpv5, proto_mops, proto_udpv5, proto_lara};
    hf_register_info *by_proto[N_PROTOS];
    for (int k = 0; k < N_PROTOS; k++)
        by_proto[k] = g_new0(hf_register_info, 2 * MOPS_F_COUNT); /* with the _net fields */
    static gint *etts[MOPS_F_COUNT + 16];
    int n_ett = 0;
    for (int id = 0; id < MOPS_F_COUNT; id++) {
        const struct mops_field_info *f = mops_field((enum mops_field_id)id);
        mops_hf[id] = -1;
        mops_hf_net[id] = -1;
        mops_ett[id] = -1;
        int p = owner(f->name);
        if (p < 0)
            continue;
        int k = 0;
        while (protos[k] != p)
            k++;
        hf_register_info r = {&mops_hf[id],
                              {f->label, f->name, ftype(f->type), display(f), NULL, 0x0,
                               f->description[0] ? f->description : NULL, HFILL}};
        by_proto[k][n[k]++] = r;
        if (f->type == MOPS_FT_ADDR) {
            hf_register_info net = {&mops_hf_net[id],
                                    {g_strconcat(f->label, " prefix", NULL),
                                     g_strconcat(f->name, MOPS_FIELD_NET_SUFFIX, NULL), FT_STRING, BASE_NONE, NULL, 0x0,
                                     "each prefix of the address, as net/len with host bits zero", HFILL}};
            by_proto[k][n[k]++] = net;
        }
        if (f->is_group || f->type == MOPS_FT_NONE)
            etts[n_ett++] = &mops_ett[id];
    }
    for (int k = 0; k < N_PROTOS; k++)
        proto_register_field_array(protos[k], by_proto[k], n[k]);
    static gint *fixed[] = {&ett_ipff, &ett_ext, &ett_icmpv5, &ett_mops, &ett_invoking, &ett_udpv5, &ett_mc, &ett_lara};
    for (unsigned i = 0; i < G_N_ELEMENTS(fixed); i++)
        etts[n_ett++] = fixed[i];
    proto_register_subtree_array(etts, n_ett);

    /* One expert info per problem, named after its rule id. */
    ei = g_new0(ei_register_info, MOPS_P_COUNT);
    for (int id = 0; id < MOPS_P_COUNT; id++) {
        const struct mops_problem_info *pi = mops_problem_info((enum mops_problem_id)id);
        int group = g_str_equal(pi->group, "checksum")    ? PI_CHECKSUM
                    : g_str_equal(pi->group, "malformed") ? PI_MALFORMED
                    : g_str_equal(pi->group, "undecoded") ? PI_UNDECODED
                    : g_str_equal(pi->group, "sequence")  ? PI_SEQUENCE
                                                          : PI_PROTOCOL;
        ei_register_info r = {&mops_ei[id],
                              {mops_expert_name("mops.expert.", pi->id), group, mops_expert_severity(pi->severity),
                               pi->summary, EXPFILL}};
        ei[id] = r;
    }
    expert_module_t *m = expert_register_protocol(proto_mops);
    expert_register_field_array(m, ei, MOPS_P_COUNT);

    mops_at_ipff = address_type_dissector_register("AT_IPFF", "IPFF address", ipff_to_str, ipff_str_len, NULL,
                                                   ipff_col_filter, ipff_addr_len, NULL, NULL);
}

void mops_add_check(proto_tree *tree, tvbuff_t *tvb, int off, int len, enum mops_field_id status,
                    enum mops_field_id expected, const struct mops_check *c)
{
    if (!mops_verify_checksums)
        return;
    proto_item *it = proto_tree_add_string(tree, mops_hf[status], tvb, off, len, mops_check_state_name(c->state));
    proto_item_set_generated(it);
    if (c->state == MOPS_CHECK_BAD) {
        it = proto_tree_add_uint(tree, mops_hf[expected], tvb, off, len, c->expected);
        proto_item_set_generated(it);
    }
}
