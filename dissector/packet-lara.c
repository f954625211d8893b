/* LARA on Ethernet (profile §9): the DAD request and reply and the broadcast
 * advertisement inside ICMPv5, and, for every IPFF frame on Ethernet, what
 * its MACs are the LARA MACs of (lara.eth.*), as Wireshark names an OUI. The
 * checks are lib's (decode/lara.c); this file shows them. */
#include "mops-plugin.h"

#include <epan/to_str.h>

#include "mops/core/lara_mac.h"

int proto_lara = -1;
gint ett_lara = -1;
static guint pref_types[3] = {MOPS_DEFAULT_TYPE_DAD_REQUEST, MOPS_DEFAULT_TYPE_DAD_REPLY,
                              MOPS_DEFAULT_TYPE_LARA_ADVERT};

gboolean mops_lara_type(guint16 type)
{
    return type == mops_prefs.type_dad_request || type == mops_prefs.type_dad_reply ||
           type == mops_prefs.type_lara_advert;
}

static void add_mac_names(proto_tree *t, tvbuff_t *tvb, const char *resolved, gboolean known, mops_addr_t of,
                          enum mops_field_id f_of, enum mops_field_id f_resolved)
{
    if (known)
        proto_item_set_generated(mops_add_addr(t, f_of, tvb, 0, 0, of));
    if (resolved[0])
        proto_item_set_generated(proto_tree_add_string(t, mops_hf[f_resolved], tvb, 0, 0, resolved));
}

void mops_lara_link_tree(tvbuff_t *tvb, proto_tree *tree, const struct mops_packet *pkt)
{
    struct mops_lara_names n;
    mops_lara_names(pkt, &n);
    if (!n.src[0] && !n.dst[0])
        return; /* physical MACs: nothing LARA says */
    proto_item *ti = proto_tree_add_item(tree, proto_lara, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    proto_item_append_text(ti, ", link addresses");
    if (n.src[0])
        proto_item_append_text(ti, ", Src: %s", n.src);
    if (n.dst[0])
        proto_item_append_text(ti, ", Dst: %s", n.dst);
    proto_tree *t = proto_item_add_subtree(ti, ett_lara);
    add_mac_names(t, tvb, n.src, n.src_of_known, n.src_of, MOPS_F_LARA_ETH_SRC_OF, MOPS_F_LARA_ETH_SRC_RESOLVED);
    add_mac_names(t, tvb, n.dst, n.dst_of_known, n.dst_of, MOPS_F_LARA_ETH_DST_OF, MOPS_F_LARA_ETH_DST_RESOLVED);
}

void mops_dissect_lara(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct mops_packet *pkt)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "LARA");
    char a[MOPS_ADDR_STRLEN];
    mops_addr_format(pkt->ip.src, a);
    proto_item *li = proto_tree_add_item(tree, proto_lara, tvb, 0, -1, ENC_NA);
    proto_tree *lt = proto_item_add_subtree(li, ett_lara);
    mops_add_problems(pinfo, li, pkt, pkt->l4_off + 4, G_MAXUINT32);
    if (pkt->icmp.kind == MOPS_ICMP_KIND_LARA_ADVERT) {
        proto_item_append_text(li, ", Broadcast Advertisement");
        proto_tree_add_item(lt, mops_hf[MOPS_F_LARA_ADVERT], tvb, 0, -1, ENC_NA);
        col_add_fstr(pinfo->cinfo, COL_INFO, "Broadcast advertisement from %s", a);
        return;
    }
    gboolean reply = pkt->icmp.kind == MOPS_ICMP_KIND_DAD_REPLY;
    proto_item_append_text(li, ", DAD %s", reply ? "reply" : "request");
    col_add_fstr(pinfo->cinfo, COL_INFO, "DAD %s for %s", reply ? "reply" : "request", a);
    if (!(pkt->layers & MOPS_L_LARA))
        return; /* too short to hold its body: ICMP5-LENGTH says so */
    proto_item *gi = proto_tree_add_item(lt, mops_hf[MOPS_F_LARA_DAD], tvb, 0, MOPS_DAD_LEN, ENC_NA);
    proto_item_append_text(gi, " %s", reply ? "reply" : "request");
    proto_tree *gt = proto_item_add_subtree(gi, mops_ett[MOPS_F_LARA_DAD]);
    proto_tree_add_item(gt, mops_hf[MOPS_F_LARA_DAD_RESERVED], tvb, 8, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(gt, mops_hf[MOPS_F_LARA_DAD_MAC], tvb, 10, 6, ENC_NA);
    proto_tree_add_item(gt, mops_hf[MOPS_F_LARA_DAD_SESSION_ID], tvb, 16, 4, ENC_BIG_ENDIAN);
    col_append_fstr(pinfo->cinfo, COL_INFO, " from %s, session 0x%08x", tvb_ether_to_str(pinfo->pool, tvb, 10),
                    tvb_get_ntohl(tvb, 16));
}

static void apply_prefs(void)
{
    mops_prefs.type_dad_request = (guint16)pref_types[0];
    mops_prefs.type_dad_reply = (guint16)pref_types[1];
    mops_prefs.type_lara_advert = (guint16)pref_types[2];
}

void mops_register_lara(void)
{
    proto_lara = proto_register_protocol("Link Address Resolution Algorithm", "LARA", "lara");
    module_t *m = prefs_register_protocol(proto_lara, apply_prefs);
    prefs_register_uint_preference(m, "type_dad_request", "DAD request type",
                                   "ICMPv5 type of the DAD request (LARA §3)", 10, &pref_types[0]);
    prefs_register_uint_preference(m, "type_dad_reply", "DAD reply type", "ICMPv5 type of the DAD reply (LARA §3)", 10,
                                   &pref_types[1]);
    prefs_register_uint_preference(m, "type_lara_advert", "Broadcast advertisement type",
                                   "ICMPv5 type of the broadcast advertisement (LARA §5.1)", 10, &pref_types[2]);
}

void mops_handoff_lara(void) { apply_prefs(); }
