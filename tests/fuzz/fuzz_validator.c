/* libFuzzer: the validator and the migrate tracker fed a stream of packets.
 * An input is records of [length:2][carrier:1][interface:1][gap in ms:1]
 * [frame]; each frame is decoded and handed on, then the capture ends and
 * the report is built. A second validator gets the same packets in batches
 * (mops_validator_packets, cut where the gap octet says) and must make the
 * same findings (an order-free hash of them) and summary; for a quarter of
 * the inputs the whole reports are compared, so that two reports a run do
 * not halve the inputs tried (issue 18: 5,000 a second), and for another
 * quarter the report is written as HTML and JUnit (lib/report), where no
 * text of the capture may open an element of its own. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "mops/track/migrate.h"
#include "mops/report/report.h"
#include "mops/validate/validate.h"

#define BATCH 16

/* FNV-1a over a finding's fields; summed, so order does not count. */
static void hash_finding(void *ctx, const struct mops_violation *x)
{
    uint64_t h = 0xcbf29ce484222325u;
    const void *parts[] = {&x->rule,  &x->frame, &x->ts_ns, x->message, x->expected,
                           x->actual, x->flow,   x->role,   &x->node};
    const size_t lens[] = {sizeof x->rule,    sizeof x->frame, sizeof x->ts_ns, strlen(x->message), strlen(x->expected),
                           strlen(x->actual), strlen(x->flow), strlen(x->role), sizeof x->node};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
        for (size_t i = 0; i < lens[k]; i++)
            h = (h ^ ((const uint8_t *)parts[k])[i]) * 0x100000001b3u;
    *(uint64_t *)ctx += h;
}

/* The HTML page and the JUnit file of the report: well formed as far as
 * a count of their markup can tell (one script; as many testcase ends as
 * testcases opened). */
static void rendered(struct mops_validator *v)
{
    json_t *r = mops_validator_report(v, "fuzz<script>", "0");
    char *page = NULL, *xml = NULL;
    size_t n = 0, m = 0;
    FILE *f = open_memstream(&page, &n), *g = open_memstream(&xml, &m);
    if (!f || !g || mops_report_html(f, r) != 0 || mops_report_junit(g, r) != 0)
        abort();
    fclose(f);
    fclose(g);
    unsigned scripts = 0, opened = 0, closed = 0;
    for (const char *p = page; (p = strstr(p, "<script")); p++)
        scripts++;
    for (const char *p = xml; (p = strstr(p, "<testcase ")); p++)
        opened++;
    for (const char *p = xml; (p = strstr(p, "</testcase>")); p++)
        closed++;
    unsigned empty = 0;
    for (const char *p = xml; (p = strstr(p, "time=\"0\"/>")); p++)
        empty++;
    if (scripts != 1 || opened != closed + empty)
        abort();
    free(page);
    free(xml);
    json_decref(r);
}

static char *report_of(struct mops_validator *v)
{
    json_t *r = mops_validator_report(v, "fuzz", "0");
    char *s = json_dumps(r, JSON_COMPACT);
    if (!s)
        abort();
    json_decref(r);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mops_packet pkts[BATCH];
    static struct mops_validator_input in[BATCH];
    static uint8_t *bufs[BATCH];
    unsigned n_in = 0;
    static struct mops_topology topo;
    struct mops_validate_opts o;
    mops_validate_opts_default(&o);
    o.max_per_flow = 3;
    o.capacity = 32; /* small tables: eviction is exercised, and each input is cheap */
    /* Half the inputs judge with a topology: exact checks and a Unique ID. */
    if (size && (data[0] & 1)) {
        topo.n_servers = 1;
        topo.servers[0].addr = mops_addr_make(8, 8, 8, 8, 8);
        topo.servers[0].exact = true;
        topo.servers[0].n_ids = 1;
        topo.servers[0].ids[0].proto = 17;
        topo.servers[0].ids[0].port = 5001;
        topo.servers[0].ids[0].id = 0xfee1dead;
        o.topology = &topo;
    }
    uint64_t ha = 0, hb = 0;
    struct mops_validator *v = mops_validator_new(&o, hash_finding, &ha),
                          *vb = mops_validator_new(&o, hash_finding, &hb);
    struct mops_migrate_tracker *t = mops_migrate_tracker_new(64);
    uint64_t ts = 1700000000ull * 1000000000ull, frame = 0;
    size_t off = size ? 1 : 0;
    while (off + 5 <= size) {
        size_t len = (size_t)data[off] << 8 | data[off + 1];
        uint32_t linktype = fuzz_linktype(data[off + 2]);
        uint32_t ifid = data[off + 3] % 8;
        ts += (uint64_t)data[off + 4] * 1000000u * (data[off + 4] > 200 ? 100 : 1);
        off += 5;
        if (len > size - off)
            len = size - off;
        uint8_t *buf = malloc(len ? len : 1);
        memcpy(buf, data + off, len);
        off += len;
        struct mops_packet *pkt = &pkts[n_in];
        mops_decode_frame(NULL, linktype, buf, (uint32_t)len, (uint32_t)len, pkt);
        struct mops_track_result tr;
        mops_migrate_track(t, pkt, ifid, ++frame, ts, &tr);
        mops_track_add_problem(pkt, &tr);
        mops_validator_packet(v, frame, ifid, ts, pkt);
        bufs[n_in] = buf;
        in[n_in++] = (struct mops_validator_input){.frame = frame, .ts_ns = ts, .ifid = ifid, .pkt = pkt};
        if (n_in == BATCH || (data[off - len - 1] & 7) == 0 || off + 5 > size) {
            mops_validator_packets(vb, in, n_in);
            while (n_in)
                free(bufs[--n_in]);
        }
    }
    mops_validator_finish(v, ts + 30ull * 1000000000ull);
    mops_validator_finish(vb, ts + 30ull * 1000000000ull);
    struct mops_validator_summary sa, sb;
    mops_validator_summarize(v, &sa);
    mops_validator_summarize(vb, &sb);
    if (ha != hb || sa.packets != sb.packets || sa.suppressed != sb.suppressed || sa.requested != sb.requested ||
        sa.succeeded != sb.succeeded || sa.failed != sb.failed || sa.unanswered != sb.unanswered ||
        memcmp(sa.by_sev, sb.by_sev, sizeof sa.by_sev) != 0 ||
        memcmp(sa.count, sb.count, MOPS_R_COUNT * sizeof *sa.count) != 0)
        abort(); /* batches must not change a finding */
    if (size % 4 == 1)
        rendered(v);
    char *a = report_of(v), *b = size % 4 == 0 ? report_of(vb) : NULL;
    if (b && strcmp(a, b) != 0)
        abort();
    free(a);
    free(b);
    mops_migrate_tracker_free(t);
    mops_validator_free(v);
    mops_validator_free(vb);
    return 0;
}
