/* The validator's findings in Wireshark: lib's validator, the same replay
 * through the reference models as `mopsdump --validate`, is fed each frame
 * in Wireshark's first pass; what it finds is kept by frame and shown on
 * that frame as fields (mops.finding.*) and, for the protocol rules, as
 * expert infos (the decoder's own problems are experts already). A finding
 * decided after its frame (a reply never sent, judged at a deadline or at
 * the capture's end) shows once the frame is dissected again: in the GUI
 * when it is selected or the Expert Information dialog opens, in tshark
 * with -2. Preference mops.validate switches it off. */
#include "mops-plugin.h"

#include <epan/prefs.h>

#include "mops/core/timers.h"
#include "mops/validate/validate.h"

static mops_ws_bool pref_validate = TRUE;
static struct mops_validator *validator;
static struct mops_findings_thread *beside; /* judging the frames of a first pass without a tree */
static wmem_map_t *by_frame;                /* frame number -> wmem_array_t of struct mops_violation */
static guint32 fed;                         /* the last frame given to the validator */
static guint64 last_ts;                     /* its time */
static gboolean finished;                   /* the capture's end judged */
static expert_field ei_rule[MOPS_R_COUNT - MOPS_P_COUNT];

/* Findings as the validator makes them, on whichever thread judges: filed
 * by frame (in wmem, which is the dissection's) when a frame looks. */
static GMutex made_lock;
static GArray *made; /* struct mops_violation */
static gint n_made;

static void keep(void *ctx _U_, const struct mops_violation *x)
{
    g_mutex_lock(&made_lock);
    g_array_append_val(made, *x);
    g_atomic_int_set(&n_made, (gint)made->len);
    g_mutex_unlock(&made_lock);
}

static void file_made(void)
{
    if (!g_atomic_int_get(&n_made))
        return;
    g_mutex_lock(&made_lock);
    for (guint i = 0; i < made->len; i++) {
        const struct mops_violation *x = &g_array_index(made, struct mops_violation, i);
        gpointer key = GUINT_TO_POINTER((guint)x->frame);
        wmem_array_t *a = (wmem_array_t *)wmem_map_lookup(by_frame, key);
        if (!a) {
            a = wmem_array_new(wmem_file_scope(), sizeof *x);
            wmem_map_insert(by_frame, key, a);
        }
        wmem_array_append_one(a, *x);
    }
    g_array_set_size(made, 0);
    g_atomic_int_set(&n_made, 0);
    g_mutex_unlock(&made_lock);
}

static void init_findings(void)
{
    fed = 0;
    last_ts = 0;
    finished = FALSE;
    by_frame = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    if (!made)
        made = g_array_new(FALSE, FALSE, sizeof(struct mops_violation));
    if (!pref_validate)
        return;
    struct mops_validate_opts o;
    mops_validate_opts_default(&o);
    o.settings = &mops_prefs;
    o.lazy = true; /* Wireshark's memory grows with the capture: so may the tables */
    validator = mops_validator_new(&o, keep, NULL);
}

static void cleanup_findings(void)
{
    mops_findings_thread_free(beside); /* before the validator it judges with */
    beside = NULL;
    mops_validator_free(validator);
    validator = NULL;
    by_frame = NULL;
    if (made)
        g_array_set_size(made, 0);
    g_atomic_int_set(&n_made, 0);
}

static void show(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct mops_violation *x)
{
    const struct mops_rule_info *r = mops_rule_info(x->rule);
    proto_item *fi = proto_tree_add_item(tree, mops_hf[MOPS_F_MOPS_FINDING], tvb, 0, 0, ENC_NA);
    proto_item_append_text(fi, ": %s (%s): %s", r->id, mops_severity_name(r->severity), x->message);
    proto_item_set_generated(fi);
    proto_tree *ft = proto_item_add_subtree(fi, mops_ett[MOPS_F_MOPS_FINDING]);
    char node[MOPS_ADDR_STRLEN];
    const struct {
        enum mops_field_id id;
        const char *value;
    } v[] = {{MOPS_F_MOPS_FINDING_RULE, r->id},
             {MOPS_F_MOPS_FINDING_SEVERITY, mops_severity_name(r->severity)},
             {MOPS_F_MOPS_FINDING_SPEC, r->spec},
             {MOPS_F_MOPS_FINDING_MESSAGE, x->message},
             {MOPS_F_MOPS_FINDING_EXPECTED, x->expected},
             {MOPS_F_MOPS_FINDING_ACTUAL, x->actual},
             {MOPS_F_MOPS_FINDING_FLOW, x->flow},
             {MOPS_F_MOPS_FINDING_ROLE, x->role},
             {MOPS_F_MOPS_FINDING_NODE, x->node ? mops_addr_format(x->node, node) : NULL}};
    for (unsigned i = 0; i < G_N_ELEMENTS(v); i++)
        if (v[i].value && v[i].value[0])
            proto_item_set_generated(proto_tree_add_string(ft, mops_hf[v[i].id], tvb, 0, 0, v[i].value));
    if (x->rule >= MOPS_P_COUNT) /* the message says expected and actual */
        expert_add_info_format(pinfo, fi, &ei_rule[x->rule - MOPS_P_COUNT], "%s: %s", r->id, x->message);
}

void mops_findings_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct mops_ws_frame *f,
                         const struct mops_packet *pkt)
{
    if (!by_frame || pinfo->flags.in_error_pkt)
        return;
    if (validator && !PINFO_FD_VISITED(pinfo) && pinfo->num > fed) {
        fed = pinfo->num;
        last_ts = (guint64)pinfo->abs_ts.secs * MOPS_NS_PER_SEC + (guint64)pinfo->abs_ts.nsecs;
        /* Without a tree nothing of this frame's findings shows now: it is
         * judged beside the dissection. With one (the GUI, tshark -V or
         * fields), here, once what went beside has been judged. */
        if (!tree && !beside)
            beside = mops_findings_thread_new(validator, &mops_prefs);
        if (!tree && beside) {
            mops_findings_thread_feed(beside, pinfo->num, mops_ws_interface(pinfo), last_ts, f);
        } else {
            if (beside)
                mops_findings_thread_drain(beside);
            mops_validator_packet(validator, pinfo->num, mops_ws_interface(pinfo), last_ts, pkt);
        }
    } else if (validator && PINFO_FD_VISITED(pinfo) && !finished) {
        /* Every frame was seen: what was due and never came is judged. */
        finished = TRUE;
        if (beside)
            mops_findings_thread_drain(beside);
        mops_validator_finish(validator, last_ts);
    }
    file_made();
    if (!wmem_map_size(by_frame))
        return; /* most captures' frames: no lookup a frame */
    wmem_array_t *a = (wmem_array_t *)wmem_map_lookup(by_frame, GUINT_TO_POINTER(pinfo->num));
    const char *proto = pinfo->current_proto;
    pinfo->current_proto = "MOPS"; /* what Expert Information lists as the finding's protocol */
    for (guint i = 0; a && i < wmem_array_get_count(a); i++)
        show(tree, tvb, pinfo, (const struct mops_violation *)wmem_array_index(a, i));
    pinfo->current_proto = proto;
}

void mops_register_findings(module_t *m)
{
    prefs_register_bool_preference(m, "validate", "Validate the capture",
                                   "Replay the capture through the reference models in the first pass, as mopsdump "
                                   "--validate does, and show each finding on its frame (mops.finding)",
                                   &pref_validate);
    /* One expert per protocol rule, its severity the rule's; the group is
     * Protocol for all (docs/validator-rules.md). */
    static ei_register_info ei[MOPS_R_COUNT - MOPS_P_COUNT];
    for (int id = MOPS_P_COUNT; id < MOPS_R_COUNT; id++) {
        const struct mops_rule_info *r = mops_rule_info(id);
        ei_register_info e = {&ei_rule[id - MOPS_P_COUNT],
                              {mops_expert_name("mops.finding.expert.", r->id), PI_PROTOCOL,
                               mops_expert_severity(r->severity), r->summary, EXPFILL}};
        ei[id - MOPS_P_COUNT] = e;
    }
    expert_register_field_array(expert_register_protocol(proto_mops), ei, array_length(ei));
    register_init_routine(init_findings);
    register_cleanup_routine(cleanup_findings);
}
