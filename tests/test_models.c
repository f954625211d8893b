/* The reference models, role by role, on crafted packets: the server's
 * window check at its edges, atomic rollback, the cached reply (E6) and the
 * flapping discard, the 999 limit, Unique IDs; the NAT's interception and
 * restoration; level learning across three NATs; the mobile node's
 * retransmissions and dead sockets; capacities set at init; and every
 * role told of state a capture shows (adopt), with "unknown" honoured. */
#include "mops/decode/decode.h"
#include "mops/model/dnat.h"
#include "mops/model/mobile.h"
#include "mops/model/nat.h"
#include "mops/model/server.h"
#include "mops/sim/scenario.h"

#include "check.h"
#include "samples.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)
#define MN A(525, 8, 78, 3, 9)
#define NEW A(775, 2, 23, 6, 6)
#define SRV A(8, 8, 8, 8, 8)
#define S(x) ((uint64_t)(x)*MOPS_NS_PER_SEC)

static const struct mops_settings *st = &mops_settings_default;
static struct mops_builder b;
static struct mops_packet pkt;
static struct mops_outbox out;
static uint8_t frame[4096];

static void decode_built(void) { sample_decode_built(&b, frame, &pkt); }

static void decode_out(unsigned i)
{
    memcpy(frame, out.v[i].data, out.v[i].len);
    mops_decode_frame(st, MOPS_LINKTYPE_USER0, frame, out.v[i].len, out.v[i].len, &pkt);
}

static void tcp(mops_addr_t src, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack, bool mc)
{
    mops_build_init(&b, st);
    struct mops_ipff_hdr h = {.src = src, .dst = SRV, .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_tcp t = {.sport = sport, .dport = 80, .seq = seq, .ack = ack, .flags = flags, .window = 1000};
    if (mc)
        t.opts[t.n_opts++].kind = 32;
    mops_build_tcp(&b, &t, NULL, 0);
    decode_built();
}

static void migrate(uint8_t code, mops_addr_t src, unsigned n, const uint16_t *sports, const uint64_t *seqs,
                    mops_addr_t prev, mops_addr_t mig)
{
    mops_build_init(&b, st);
    struct mops_ipff_hdr h = {.src = src, .dst = SRV, .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_migrate g = {.version = 1, .proto = 6, .prev_addr = prev, .n_ports = (uint16_t)n, .mig_addr = mig};
    struct mops_migrate_port p[8];
    for (unsigned i = 0; i < n; i++)
        p[i] = (struct mops_migrate_port){sports[i], (uint16_t)(sports[i] + 1000), 80, 80, seqs[i]};
    mops_build_migrate(&b, code, &g, p, n);
    decode_built();
}

/* A server with one established session from MN:sport; returns RCV.NXT. */
static uint32_t session(struct mops_server *s, uint16_t sport)
{
    tcp(MN, sport, MOPS_TCP_SYN, 1000, 0, true);
    mops_server_input(s, 0, &pkt, &out);
    CHECK_EQ(out.n, 1); /* SYN-ACK */
    decode_out(0);
    CHECK(pkt.tcp.mobile_capable);
    CHECK(pkt.recv_src.present); /* MOPS §3.2 */
    CHECK_EQ(pkt.recv_src.addr, MN);
    CHECK_EQ(pkt.recv_src.port, sport);
    uint32_t iss = pkt.tcp.seq;
    mops_outbox_clear(&out);
    tcp(MN, sport, MOPS_TCP_ACK, 1001, iss + 1, true);
    mops_server_input(s, 0, &pkt, &out);
    return 1001;
}

static void test_window_edges(void)
{
    struct {
        int64_t offset;
        bool ok;
    } cases[] = {{-1, false}, {0, true}, {99, true}, {100, false}};
    for (unsigned i = 0; i < 4; i++) {
        static struct mops_server s;
        CHECK_EQ(mops_server_init(&s, st, "server", SRV, 1, 0, NULL), 0);
        s.rcv_wnd = 100;
        struct mops_listen l = {.proto = 6, .port = 80};
        mops_server_listen(&s, &l);
        uint32_t nxt = session(&s, 1027);
        uint16_t sp = 1027;
        uint64_t seq = (uint32_t)(nxt + cases[i].offset);
        migrate(0, NEW, 1, &sp, &seq, MN, NEW);
        mops_outbox_clear(&out);
        mops_server_input(&s, S(1), &pkt, &out);
        CHECK_EQ(out.n, 1);
        decode_out(0);
        CHECK_EQ(pkt.icmp.code, cases[i].ok ? MOPS_MIGRATE_CODE_SUCCESS : MOPS_MIGRATE_CODE_FAILED);
        CHECK_EQ(pkt.ip.dst, NEW);
        CHECK_EQ(pkt.icmp.u.migrate.prev_addr, MN); /* the fields as received */
        CHECK_EQ(pkt.icmp.u.migrate.mig_addr, NEW);
        CHECK((mops_server_find(&s, 6, NEW, 2027, 80) != NULL) == cases[i].ok);
        CHECK((mops_server_find(&s, 6, MN, 1027, 80) != NULL) == !cases[i].ok);
        mops_outbox_clear(&out);
        mops_server_free(&s);
    }
}

static void test_atomic_and_partial(void)
{
    for (int atomic = 0; atomic <= 1; atomic++) {
        static struct mops_server s;
        CHECK_EQ(mops_server_init(&s, st, "server", SRV, 1, 0, NULL), 0);
        struct mops_listen l = {.proto = 6, .port = 80};
        mops_server_listen(&s, &l);
        uint16_t sp[3] = {1027, 1028, 1029};
        uint64_t seq[3];
        for (int i = 0; i < 3; i++)
            seq[i] = session(&s, sp[i]);
        seq[1] += 70000; /* outside the window */
        migrate(atomic ? 1 : 0, NEW, 3, sp, seq, MN, NEW);
        mops_outbox_clear(&out);
        mops_server_input(&s, S(1), &pkt, &out);
        decode_out(0);
        CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_FAILED);
        /* Failed lists the failed port; all of them when atomic (profile §7). */
        CHECK_EQ(pkt.icmp.u.migrate.n_ports, atomic ? 3 : 1);
        if (!atomic)
            CHECK_EQ(pkt.pool.migrate[0].prev_sport, 1028);
        CHECK((mops_server_find(&s, 6, NEW, 2027, 80) != NULL) == !atomic); /* rolled back */
        CHECK(mops_server_find(&s, 6, MN, 1028, 80) != NULL);
        mops_outbox_clear(&out);
        mops_server_free(&s);
    }
}

static void test_cached_reply_and_flapping(void)
{
    static struct mops_server s;
    CHECK_EQ(mops_server_init(&s, st, "server", SRV, 1, 0, NULL), 0);
    struct mops_listen l = {.proto = 6, .port = 80};
    mops_server_listen(&s, &l);
    uint16_t sp = 1027;
    uint64_t seq = session(&s, 1027);
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_outbox_clear(&out);
    mops_server_input(&s, S(10), &pkt, &out);
    CHECK_EQ(out.n, 1);
    uint8_t first[256];
    uint32_t first_len = out.v[0].len;
    memcpy(first, out.v[0].data, first_len);
    mops_outbox_clear(&out);
    /* E6: the same request 2 s later (its reply was lost): the same reply. */
    mops_server_input(&s, S(12), &pkt, &out);
    CHECK_EQ(out.n, 1);
    CHECK_MEM(out.v[0].data, out.v[0].len, first, first_len);
    CHECK_EQ(s.cached_replies, 1);
    mops_outbox_clear(&out);
    /* MOPS §4.1: another migrate naming the same previous address and port
     * within 5 s is dropped without a word. */
    migrate(0, A(1, 2, 3, 4, 5), 1, &sp, &seq, MN, A(1, 2, 3, 4, 5));
    mops_server_input(&s, S(13), &pkt, &out);
    CHECK_EQ(out.n, 0);
    CHECK_EQ(s.flaps_discarded, 1);
    /* After 5 s it is heard again (and fails: the session has moved). */
    mops_server_input(&s, S(16), &pkt, &out);
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_FAILED);
    mops_outbox_clear(&out);
    mops_server_free(&s);
}

static void test_field_limit_and_unique_id(void)
{
    static struct mops_server s;
    CHECK_EQ(mops_server_init(&s, st, "server", SRV, 1, 0, NULL), 0);
    struct mops_listen l = {.proto = 6, .port = 80, .unique_required = true, .unique_id = 0xfeedface};
    mops_server_listen(&s, &l);
    uint16_t sp = 1027;
    session(&s, 1027);
    uint64_t seq = 0xfeedface;
    /* MOPS §4.1: the 999 limit, checked before anything else. */
    migrate(0, NEW, 1, &sp, &seq, MN, A(775, 2, 23, 6, 1006));
    mops_outbox_clear(&out);
    mops_server_input(&s, S(1), &pkt, &out);
    decode_out(0);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_FAILED);
    mops_outbox_clear(&out);
    /* The application demands its Unique ID: the sequence number no longer does. */
    uint64_t bad = 1002;
    migrate(0, NEW, 1, &sp, &bad, MN, NEW);
    mops_server_input(&s, S(2), &pkt, &out);
    decode_out(0);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_FAILED);
    mops_outbox_clear(&out);
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_server_input(&s, S(3), &pkt, &out);
    decode_out(0);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_SUCCESS);
    mops_outbox_clear(&out);
    mops_server_free(&s);
}

static void test_nat_intercept_and_restore(void)
{
    static struct mops_nat n;
    struct mops_prefix inside = {A(192, 168, 1, 1, 0), 40};
    CHECK_EQ(mops_nat_init(&n, st, "nat", A(172, 16, 0, 0, 1), A(192, 168, 1, 1, 99), &inside, 2038, 0, NULL), 0);
    uint16_t sp = 6050;
    uint64_t seq = 0x12345678;
    mops_addr_t prev = A(525, 8, 78, 2, 2), in = A(192, 168, 1, 1, 1);
    migrate(0, in, 1, &sp, &seq, prev, in);
    pkt.pool.migrate[0].mig_sport = 1027;
    mops_build_init(&b, st);
    mops_build_packet(&b, &pkt);
    decode_built();
    CHECK(mops_nat_input(&n, 0, true, &pkt, &out));
    CHECK_EQ(out.n, 2); /* NAT ack to the inside, the migrate outside */
    decode_out(0);
    CHECK_EQ(pkt.icmp.kind, MOPS_ICMP_KIND_NAT_ACK);
    CHECK_EQ(pkt.ip.htl, 1);
    CHECK_EQ(pkt.ip.dst, in);
    CHECK_EQ(pkt.icmp.u.natack.level, 1);
    CHECK_EQ(pkt.icmp.u.natack.orig_addr, in);
    CHECK_EQ(pkt.pool.natack[0].orig_port, 1027);
    CHECK_EQ(pkt.pool.natack[0].trans_port, 2038); /* E7 */
    decode_out(1);
    CHECK_EQ(pkt.status, MOPS_ST_OK);
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_GOOD); /* recomputed */
    CHECK_EQ(pkt.ip.src, A(172, 16, 0, 0, 1));
    CHECK_EQ(pkt.icmp.u.migrate.prev_addr, prev); /* previous fields untouched */
    CHECK_EQ(pkt.pool.migrate[0].prev_sport, 6050);
    CHECK_EQ(pkt.pool.migrate[0].seq, 0x12345678);
    CHECK_EQ(pkt.icmp.u.migrate.mig_addr, A(172, 16, 0, 0, 1));
    CHECK_EQ(pkt.pool.migrate[0].mig_sport, 2038);
    /* The reply comes back to the NAT's outside address: restored. */
    static struct mops_packet reply;
    mops_packet_copy(&reply, &pkt);
    reply.icmp.code = MOPS_MIGRATE_CODE_SUCCESS;
    reply.ip.src = SRV;
    reply.ip.dst = A(172, 16, 0, 0, 1);
    mops_build_init(&b, st);
    mops_build_packet(&b, &reply);
    decode_built();
    mops_outbox_clear(&out);
    CHECK(mops_nat_input(&n, 0, false, &pkt, &out));
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.ip.dst, in);
    CHECK_EQ(pkt.icmp.u.migrate.mig_addr, in);
    CHECK_EQ(pkt.pool.migrate[0].mig_sport, 1027);
    CHECK_EQ(pkt.icmp.crc_check.state, MOPS_CHECK_GOOD);
    mops_outbox_clear(&out);
    mops_nat_free(&n);
}

/* Three NATs in a chain: the mobile node learns levels 1, 2 and 3. */
static void test_three_nats(void)
{
    static const char scenario[] =
        "{\"name\": \"three-nats\", \"duration\": 2, \"links\": ["
        "{\"name\": \"l0\"}, {\"name\": \"l1\"}, {\"name\": \"l2\"}, {\"name\": \"l3\"}, {\"name\": \"dc\"}],"
        "\"nodes\": ["
        "{\"name\": \"mobile\", \"role\": \"mobile\", \"link\": \"l0\", \"addr\": \"10.1.0.0.1/40\", \"gw\": "
        "\"10.1.0.0.99\"},"
        "{\"name\": \"nat1\", \"role\": \"nat\", \"first_port\": 1100, \"inside\": {\"link\": \"l0\", \"addr\": "
        "\"10.1.0.0.99/40\"},"
        " \"outside\": {\"link\": \"l1\", \"addr\": \"10.2.0.0.1/40\"}, \"gw\": \"10.2.0.0.99\"},"
        "{\"name\": \"nat2\", \"role\": \"nat\", \"first_port\": 2200, \"inside\": {\"link\": \"l1\", \"addr\": "
        "\"10.2.0.0.99/40\"},"
        " \"outside\": {\"link\": \"l2\", \"addr\": \"10.3.0.0.1/40\"}, \"gw\": \"10.3.0.0.99\"},"
        "{\"name\": \"nat3\", \"role\": \"nat\", \"first_port\": 3300, \"inside\": {\"link\": \"l2\", \"addr\": "
        "\"10.3.0.0.99/40\"},"
        " \"outside\": {\"link\": \"l3\", \"addr\": \"500.0.0.0.1/40\"}, \"gw\": \"500.0.0.0.99\"},"
        "{\"name\": \"internet\", \"role\": \"router\", \"interfaces\": [{\"link\": \"l3\", \"addr\": "
        "\"500.0.0.0.99/40\"},"
        " {\"link\": \"dc\", \"addr\": \"8.8.8.8.99/40\"}]},"
        "{\"name\": \"server\", \"role\": \"server\", \"interfaces\": [{\"link\": \"dc\", \"addr\": \"8.8.8.8.8/40\"}],"
        " \"gw\": \"8.8.8.8.99\", \"listen\": [{\"proto\": \"tcp\", \"port\": 80}]}],"
        "\"timeline\": [{\"at\": 0.1, \"node\": \"mobile\", \"connect\": {\"dst\": \"8.8.8.8.8\", \"dport\": 80,"
        " \"sport\": 1027, \"id\": \"s\"}}]}";
    static struct mops_sim sim;
    struct mops_scenario_info info;
    char err[512];
    CHECK_EQ(mops_scenario_load_text(scenario, sizeof scenario - 1, &sim, &info, err), 0);
    if (check_failed) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    mops_sim_run(&sim, info.duration_ns);
    const struct mops_mobile *m = sim.nodes[0].m.mobile;
    CHECK_EQ(m->n_natt, 3);
    const struct {
        uint8_t level;
        mops_addr_t orig;
        uint16_t op;
        mops_addr_t trans;
        uint16_t tp;
    } want[] = {{1, A(10, 1, 0, 0, 1), 1027, A(10, 2, 0, 0, 1), 1100},
                {2, A(10, 2, 0, 0, 1), 1100, A(10, 3, 0, 0, 1), 2200},
                {3, A(10, 3, 0, 0, 1), 2200, A(500, 0, 0, 0, 1), 3300}};
    for (unsigned i = 0; i < 3; i++) {
        bool found = false;
        for (unsigned k = 0; k < m->n_natt; k++) {
            const struct mops_natt_entry *e = &m->natt[k];
            if (e->level == want[i].level && e->orig_addr == want[i].orig && e->orig_port == want[i].op &&
                e->trans_addr == want[i].trans && e->trans_port == want[i].tp)
                found = true;
        }
        CHECK(found);
    }
    mops_addr_t oa;
    uint16_t op;
    mops_mobile_outermost(m, &m->socks[0], &oa, &op);
    CHECK_EQ(oa, A(500, 0, 0, 0, 1));
    CHECK_EQ(op, 3300);
    /* nat1 knows all three levels; nat2 two; nat3 its own. */
    const struct mops_nat *n1 = sim.nodes[1].m.nat, *n2 = sim.nodes[2].m.nat, *n3 = sim.nodes[3].m.nat;
    CHECK_EQ(n1->maps[0].n_levels, 3);
    CHECK_EQ(n2->maps[0].n_levels, 2);
    CHECK_EQ(n3->maps[0].n_levels, 1);
    mops_sim_free(&sim);
}

/* Random loss on a link: drawn from the seed, so the same frames every run,
 * and about the rate asked for. */
static void test_random_loss(void)
{
    static const char scenario[] =
        "{\"name\": \"lossy\", \"seed\": 7, \"duration\": 3, \"links\": [{\"name\": \"l\", \"loss\": 0.25}],"
        "\"nodes\": [{\"name\": \"mobile\", \"role\": \"mobile\", \"link\": \"l\", \"addr\": \"10.1.0.0.1/40\"},"
        "{\"name\": \"server\", \"role\": \"server\", \"interfaces\": [{\"link\": \"l\", \"addr\": \"10.1.0.0.2/40\"}],"
        " \"listen\": [{\"proto\": \"udp\", \"port\": 9}]}],"
        "\"timeline\": [{\"at\": 0.1, \"node\": \"mobile\", \"connect\": {\"proto\": \"udp\", \"dst\": \"10.1.0.0.2\","
        " \"dport\": 9, \"sport\": 9, \"id\": \"u\"}}";
    static char text[65536];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", scenario);
    for (int i = 0; i < 400 && n < sizeof text - 200; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              ", {\"at\": %.3f, \"node\": \"mobile\", \"send\": {\"socket\": \"u\", \"bytes\": 10}}",
                              0.2 + i * 0.005);
    n += (size_t)snprintf(text + n, sizeof text - n, "]}");
    CHECK(n < sizeof text - 1);
    uint64_t dropped[2];
    for (int run = 0; run < 2; run++) {
        static struct mops_sim sim;
        struct mops_scenario_info info;
        char err[512];
        CHECK_EQ(mops_scenario_load_text(text, n, &sim, &info, err), 0);
        mops_sim_run(&sim, info.duration_ns);
        dropped[run] = sim.frames_dropped;
        CHECK_EQ(sim.frames_sent, 400);
        mops_sim_free(&sim);
    }
    CHECK_EQ(dropped[0], dropped[1]);
    CHECK(dropped[0] > 70 && dropped[0] < 130); /* 25 % of 400, loosely */
}

/* What a user's broken scenario is told. */
static void test_scenario_errors(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"{", "line 1, column 1: "},
        {"[]", "scenario: the document is an object"},
        {"{\"name\": \"x\"}", "scenario: \"links\", \"nodes\" and \"timeline\" must be lists"},
        {"{\"name\": \"x\", \"links\": [], \"nodes\": [{\"name\": \"n\", \"role\": \"toaster\"}], \"timeline\": []}",
         "nodes[0]: \"role\" is mobile, server, nat, dnat or router, not \"toaster\""},
        {"{\"name\": \"x\", \"links\": [{\"name\": \"l\"}], \"nodes\": [{\"name\": \"m\", \"role\": \"mobile\","
         " \"link\": \"nowhere\", \"addr\": \"1.2.3.4.5/40\"}], \"timeline\": []}",
         "nodes[0]: no link named \"nowhere\""},
        {"{\"name\": \"x\", \"links\": [{\"name\": \"l\"}], \"nodes\": [{\"name\": \"m\", \"role\": \"mobile\","
         " \"link\": \"l\", \"addr\": \"1.2.3.4\"}], \"timeline\": []}",
         "nodes[0]: \"addr\": address has fewer than five fields"},
        {"{\"name\": \"x\", \"links\": [{\"name\": \"l\"}], \"nodes\": [{\"name\": \"m\", \"role\": \"mobile\","
         " \"link\": \"l\", \"addr\": \"1.2.3.4.5/40\", \"misbehave\": [\"be-nice\"]}], \"timeline\": []}",
         "nodes[0]: unknown misbehaviour be-nice"},
        {"{\"name\": \"x\", \"links\": [{\"name\": \"l\", \"delay_ms\": -1}], \"nodes\": [], \"timeline\": []}",
         "links[0]: \"delay_ms\" must be from 0 to 10000"},
        {"{\"name\": \"x\", \"links\": [{\"name\": \"l\"}], \"nodes\": [{\"name\": \"m\", \"role\": \"mobile\","
         " \"link\": \"l\", \"addr\": \"1.2.3.4.5/40\"}], \"timeline\": [{\"at\": 1, \"node\": \"m\","
         " \"send\": {\"socket\": \"s\"}}]}",
         "timeline[0]: no socket named \"s\" was connected before"},
        {"{\"name\": \"x\", \"links\": [{\"name\": \"l\"}], \"nodes\": [{\"name\": \"m\", \"role\": \"mobile\","
         " \"link\": \"l\", \"addr\": \"1.2.3.4.5/40\"}], \"timeline\": [{\"at\": 1, \"node\": \"m\", \"dance\": {}}]}",
         "timeline[0]: an event does one of connect, send, detach, attach, advertise, migrate, segment"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static struct mops_sim sim;
        struct mops_scenario_info info;
        char err[512] = "";
        CHECK_EQ(mops_scenario_load_text(cases[i].text, strlen(cases[i].text), &sim, &info, err), -1);
        CHECK(strncmp(err, cases[i].want, strlen(cases[i].want)) == 0);
        if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
            fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", err, cases[i].want);
        mops_sim_free(&sim);
    }
    char err[512];
    static struct mops_sim sim;
    struct mops_scenario_info info;
    CHECK_EQ(mops_scenario_load("/nonexistent.json", &sim, &info, err), -1);
    CHECK_STR(err, "/nonexistent.json: cannot open");
}

/* A mobile node with one open session from MN:1027, moved to NEW at 1 s:
 * its Migrate is in the outbox. Returns the socket. */
static int moved_mobile(struct mops_mobile *m)
{
    CHECK_EQ(mops_mobile_init(m, st, "mobile", 1, 0, NULL), 0);
    mops_mobile_attach(m, 0, MN, &out);
    int k = mops_mobile_connect(m, 0, 6, SRV, 80, 1027, NULL, true, &out);
    CHECK(k >= 0);
    m->socks[k].state = MOPS_SOCK_OPEN; /* as after its handshake */
    mops_outbox_clear(&out);
    mops_mobile_attach(m, S(1), NEW, &out);
    return k;
}

static void test_mobile_retransmits_then_dies(void)
{
    static struct mops_mobile m;
    int k = moved_mobile(&m);
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.icmp.u.migrate.prev_addr, MN);
    CHECK_EQ(pkt.pool.migrate[0].seq, m.socks[k].snd_nxt); /* SND.NXT */
    uint8_t first[128];
    uint32_t len = out.v[0].len;
    memcpy(first, out.v[0].data, len);
    mops_outbox_clear(&out);
    /* MOPS §4.1: after 2 s, the same request, up to three times ... */
    CHECK_EQ(mops_mobile_next_timer(&m), S(3));
    for (int i = 1; i <= 3; i++) {
        mops_mobile_tick(&m, S(1 + 2 * i) - 1, &out);
        CHECK_EQ(out.n, 0);
        mops_mobile_tick(&m, S(1 + 2 * i), &out);
        CHECK_EQ(out.n, 1);
        CHECK_MEM(out.v[0].data, out.v[0].len, first, len);
        mops_outbox_clear(&out);
    }
    /* ... then the socket is dead. */
    mops_mobile_tick(&m, S(9), &out);
    CHECK_EQ(out.n, 0);
    CHECK_EQ(m.socks[k].state, MOPS_SOCK_DEAD);
    CHECK_EQ(mops_mobile_next_timer(&m), UINT64_MAX);
    mops_mobile_free(&m);
}

/* Capacities come from init: a server told to hold 2 sessions answers 2 SYNs
 * and no third; one told 5,000 holds 5,000. */
static void test_capacities(void)
{
    struct mops_model_caps caps = mops_model_caps_default;
    caps.server_socks = 2;
    static struct mops_server s;
    CHECK_EQ(mops_server_init(&s, st, "server", SRV, 1, 0, &caps), 0);
    CHECK_EQ(s.n_socks, 2);
    struct mops_listen l = {.proto = 6, .port = 80};
    mops_server_listen(&s, &l);
    unsigned answered = 0;
    for (uint16_t sp = 1027; sp < 1030; sp++) {
        tcp(MN, sp, MOPS_TCP_SYN, 1000, 0, true);
        mops_server_input(&s, 0, &pkt, &out);
        answered += out.n;
        mops_outbox_clear(&out);
    }
    CHECK_EQ(answered, 2);
    mops_server_free(&s);

    caps.server_socks = 5000;
    CHECK_EQ(mops_server_init(&s, st, "server", SRV, 1, 0, &caps), 0);
    mops_server_listen(&s, &l);
    answered = 0;
    for (unsigned i = 0; i < 5000; i++) {
        tcp(MN, (uint16_t)(1024 + i), MOPS_TCP_SYN, 1000, 0, true);
        mops_server_input(&s, 0, &pkt, &out);
        answered += out.n;
        mops_outbox_clear(&out);
    }
    CHECK_EQ(answered, 5000);
    CHECK(mops_server_find(&s, 6, MN, 1024 + 4999, 80) != NULL);
    mops_server_free(&s);
}

/* Models told what a capture shows of sessions they did not see start. */
static void test_adopt_server(void)
{
    static struct mops_server s;
    CHECK_EQ(mops_server_init(&s, st, "server", SRV, 1, 0, NULL), 0);
    struct mops_listen l = {.proto = 6, .port = 80};
    mops_server_listen(&s, &l);
    /* RCV.NXT and the window known: judged as its own session would be. */
    struct mops_sock_seen k = {.proto = 6,
                               .laddr = SRV,
                               .lport = 80,
                               .raddr = MN,
                               .rport = 1027,
                               .mobile = true,
                               .rcv_known = true,
                               .rcv_nxt = 5000,
                               .rcv_wnd = 100};
    CHECK(mops_server_adopt(&s, &k) != NULL);
    uint16_t sp = 1027;
    uint64_t seq = 5200;
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_server_input(&s, S(1), &pkt, &out);
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_FAILED); /* outside [5000, 5100) */
    CHECK(s.last.decided);
    CHECK_EQ(s.last.port[0], MOPS_VERDICT_REFUSE);
    mops_outbox_clear(&out);
    seq = 5050;
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_server_input(&s, S(2), &pkt, &out);
    decode_out(0);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_SUCCESS);
    CHECK_EQ(s.last.port[0], MOPS_VERDICT_ACCEPT);
    CHECK(mops_server_find(&s, 6, NEW, 2027, 80) != NULL);
    mops_outbox_clear(&out);

    /* A caller's hint is taken while it holds the tuple, and a stale one
     * (another session's socket) is not. */
    struct mops_sock *moved = mops_server_find(&s, 6, NEW, 2027, 80);
    CHECK(mops_server_find_hinted(&s, 6, NEW, 2027, 80, moved) == moved);
    CHECK(mops_server_find_hinted(&s, 6, MN, 1027, 80, moved) == NULL);
    CHECK(mops_server_find_hinted(&s, 6, NEW, 2027, 80, &s.socks[s.n_socks - 1]) == moved);

    /* RCV.NXT unknown: the Migrate is left undecided, nothing sent... */
    k.rport = 1028;
    k.rcv_known = false;
    k.rcv_wnd = 100;
    CHECK(mops_server_adopt(&s, &k) != NULL);
    sp = 1028;
    seq = 7010;
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_server_input(&s, S(3), &pkt, &out);
    CHECK_EQ(out.n, 0);
    CHECK(!s.last.decided);
    CHECK_EQ(s.last.port[0], MOPS_VERDICT_UNKNOWN);
    CHECK_EQ(s.undecided, 1);
    CHECK(mops_server_find(&s, 6, MN, 1028, 80) != NULL); /* not moved */
    /* ... until the client's data teaches it. */
    mops_build_init(&b, st);
    struct mops_ipff_hdr h = {.src = MN, .dst = SRV, .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_tcp t = {.sport = 1028, .dport = 80, .seq = 7000, .ack = 1, .flags = MOPS_TCP_ACK, .window = 1000};
    static const uint8_t ten[10];
    mops_build_tcp(&b, &t, ten, sizeof ten);
    decode_built();
    mops_server_input(&s, S(4), &pkt, &out);
    mops_outbox_clear(&out);
    CHECK_EQ(mops_server_find(&s, 6, MN, 1028, 80)->rcv_nxt, 7010);
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_server_input(&s, S(5), &pkt, &out);
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.icmp.code, MOPS_MIGRATE_CODE_SUCCESS);
    mops_outbox_clear(&out);

    /* A handshake the capture shows unfinished (SYN-ACK, no ACK yet): a
     * Migrate for it is refused, even by a shadow with a partial view;
     * the client's ACK opens it. */
    s.partial_view = true;
    k.rport = 1029;
    k.rcv_known = true;
    k.rcv_nxt = 9001;
    k.half_open = true;
    CHECK_EQ(mops_server_adopt(&s, &k)->state, MOPS_SOCK_SYN_RCVD);
    sp = 1029;
    seq = 9001;
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_server_input(&s, S(6), &pkt, &out);
    CHECK_EQ(s.last.port[0], MOPS_VERDICT_REFUSE);
    mops_outbox_clear(&out);
    tcp(MN, 1029, MOPS_TCP_ACK, 9001, 1, true);
    mops_server_input(&s, S(7), &pkt, &out);
    CHECK_EQ(mops_server_find(&s, 6, MN, 1029, 80)->state, MOPS_SOCK_OPEN);
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    mops_server_input(&s, S(8), &pkt, &out);
    CHECK_EQ(s.last.port[0], MOPS_VERDICT_ACCEPT);
    mops_outbox_clear(&out);
    mops_server_free(&s);
}

/* The outbox holds one Migrate of one port, naming prev:port as previous
 * with that sequence (or Unique ID); it is emptied. */
static void check_one_migrate(mops_addr_t prev, uint16_t port, uint64_t seq)
{
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.icmp.kind, MOPS_ICMP_KIND_MIGRATE);
    CHECK_EQ(pkt.icmp.u.migrate.prev_addr, prev);
    CHECK_EQ(pkt.icmp.u.migrate.n_ports, 1);
    CHECK_EQ(pkt.pool.migrate[0].prev_sport, port);
    CHECK_EQ(pkt.pool.migrate[0].seq, seq);
    mops_outbox_clear(&out);
}

static void test_adopt_nat_and_mobile(void)
{
    /* A NAT told of a mapping: a migrate from that inside tuple goes out
     * under the adopted port, not a new one. */
    static struct mops_nat n;
    struct mops_prefix inside = {A(192, 168, 1, 1, 0), 40};
    mops_addr_t in = A(192, 168, 1, 1, 1), outside = A(172, 16, 0, 0, 1);
    CHECK_EQ(mops_nat_init(&n, st, "nat", outside, A(192, 168, 1, 1, 99), &inside, 2038, 0, NULL), 0);
    CHECK(mops_nat_adopt(&n, 6, in, 1027, 4444, true) != NULL);
    CHECK_EQ(mops_nat_lookup(&n, 6, in, 1027)->out_port, 4444);
    uint16_t sp = 6050;
    uint64_t seq = 1;
    migrate(0, in, 1, &sp, &seq, A(525, 8, 78, 2, 2), in);
    pkt.pool.migrate[0].mig_sport = 1027;
    mops_build_init(&b, st);
    mops_build_packet(&b, &pkt);
    decode_built();
    CHECK(mops_nat_input(&n, 0, true, &pkt, &out));
    CHECK_EQ(out.n, 2);
    decode_out(1);
    CHECK_EQ(pkt.ip.src, outside);
    CHECK_EQ(pkt.pool.migrate[0].mig_sport, 4444);
    mops_outbox_clear(&out);
    mops_nat_free(&n);

    /* A mobile node told of two sessions and its NAT chain: on the move it
     * migrates the one whose SND.NXT it knows, naming the outermost
     * translation it was told (MOPS §4.1), and not the other. */
    static struct mops_mobile m;
    mops_addr_t mn = A(10, 2, 0, 0, 1);
    CHECK_EQ(mops_mobile_init(&m, st, "mobile", 1, 0, NULL), 0);
    mops_mobile_attach(&m, 0, mn, &out);
    struct mops_sock_seen k = {.proto = 6,
                               .laddr = mn,
                               .lport = 1027,
                               .raddr = SRV,
                               .rport = 80,
                               .mobile = true,
                               .snd_known = true,
                               .snd_nxt = 5000};
    CHECK(mops_mobile_adopt(&m, &k) != NULL);
    k.lport = 1028;
    k.snd_known = false;
    CHECK(mops_mobile_adopt(&m, &k) != NULL);
    struct mops_natt_entry rows[2] = {{6, 1, mn, A(10, 0, 0, 0, 1), 1027, 5050},
                                      {6, 2, A(10, 0, 0, 0, 1), A(525, 8, 78, 2, 2), 5050, 6050}};
    CHECK_EQ(mops_mobile_adopt_natt(&m, &rows[0]), 0);
    CHECK_EQ(mops_mobile_adopt_natt(&m, &rows[1]), 0);
    mops_outbox_clear(&out);
    mops_mobile_attach(&m, S(1), A(192, 168, 1, 1, 1), &out);
    check_one_migrate(A(525, 8, 78, 2, 2), 6050, 5000);
    mops_mobile_free(&m);
}

/* A UDP session behind a NAT gets no NAT ack (MOPS §4.3): the mobile node
 * learns where the server sees it from the received-source option of the
 * server's reply (MOPS §3.2) and names that as previous (MOPS §4.1). */
static void test_mobile_learns_received_source(void)
{
    static struct mops_mobile m;
    mops_addr_t mn = A(10, 2, 0, 0, 1), outer = A(525, 8, 78, 2, 2);
    CHECK_EQ(mops_mobile_init(&m, st, "mobile", 1, 0, NULL), 0);
    mops_mobile_attach(&m, 0, mn, &out);
    struct mops_sock_seen k = {.proto = MOPS_PROTO_UDPV5,
                               .laddr = mn,
                               .lport = 1027,
                               .raddr = SRV,
                               .rport = 5001,
                               .mobile = true,
                               .has_unique_id = true,
                               .unique_id = 0xfee1dead};
    CHECK(mops_mobile_adopt(&m, &k) != NULL);
    struct mops_sock srv = {
        .state = MOPS_SOCK_OPEN, .proto = MOPS_PROTO_UDPV5, .laddr = SRV, .lport = 5001, .raddr = mn, .rport = 1027};
    struct mops_recv_src rs = {.present = true, .port = 45967, .addr = outer};
    mops_outbox_clear(&out);
    mops_sock_send_udp(st, &srv, 60, &rs, &out);
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK(pkt.recv_src.present);
    mops_outbox_clear(&out);
    mops_mobile_input(&m, S(1), &pkt, &out);
    mops_addr_t a;
    uint16_t port;
    mops_mobile_outermost(&m, &m.socks[0], &a, &port);
    CHECK_EQ(a, outer);
    CHECK_EQ(port, 45967);
    mops_mobile_attach(&m, S(2), A(192, 168, 1, 1, 1), &out);
    check_one_migrate(outer, 45967, 0xfee1dead);
    mops_mobile_free(&m);
}

/* Data sent while a move is unanswered does not leave from the address
 * the node no longer has; it goes from the new tuple once the move's
 * success comes back. */
static void test_mobile_holds_data_while_moving(void)
{
    static struct mops_mobile m;
    int k = moved_mobile(&m);
    CHECK_EQ(out.n, 1);
    decode_out(0);
    mops_outbox_clear(&out);
    uint32_t nxt = m.socks[k].snd_nxt;
    mops_mobile_send(&m, k, 100, &out);
    CHECK_EQ(out.n, 0);
    pkt.icmp.code = MOPS_MIGRATE_CODE_SUCCESS; /* the server's echo (profile §7) */
    pkt.ip.src = SRV;
    pkt.ip.dst = NEW;
    mops_build_init(&b, st);
    mops_build_packet(&b, &pkt);
    decode_built();
    uint16_t mig_sport = pkt.pool.migrate[0].mig_sport;
    mops_mobile_input(&m, S(1), &pkt, &out);
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.ip.src, NEW);
    CHECK_EQ(pkt.tcp.sport, mig_sport);
    CHECK_EQ(pkt.tcp.payload_len, 100);
    CHECK_EQ(pkt.tcp.seq, nxt);
    mops_outbox_clear(&out);
    mops_mobile_free(&m);
}

/* A load balancer (MOPS §5.1) lets in a moved client only once the server
 * confirms it; a shadow that did not see every session start lets in a
 * tuple it never saw, but not one the server refused to migrate to. */
static void test_dnat_confirms(void)
{
    static struct mops_dnat d;
    mops_addr_t backend = A(10, 9, 9, 9, 9);
    CHECK_EQ(mops_dnat_init(&d, st, "lb", SRV, backend, false, 0, NULL), 0);
    tcp(MN, 1027, MOPS_TCP_ACK, 1001, 1, false); /* no SYN seen: not let in */
    CHECK(mops_dnat_input(&d, 0, &pkt, &out));
    CHECK_EQ(out.n, 0);
    CHECK_EQ(d.dropped, 1);
    d.partial_view = true; /* a shadow: a session from before the capture */
    CHECK(mops_dnat_input(&d, 0, &pkt, &out));
    CHECK_EQ(out.n, 1);
    decode_out(0);
    CHECK_EQ(pkt.ip.dst, backend);
    mops_outbox_clear(&out);
    /* The Migrate of 1027 to NEW:2027, refused by the server. */
    uint16_t sp = 1027;
    uint64_t seq = 1001;
    migrate(0, NEW, 1, &sp, &seq, MN, NEW);
    CHECK(mops_dnat_input(&d, 0, &pkt, &out));
    mops_outbox_clear(&out);
    migrate(MOPS_MIGRATE_CODE_FAILED, backend, 1, &sp, &seq, MN, NEW);
    pkt.ip.dst = NEW;
    mops_build_init(&b, st);
    mops_build_packet(&b, &pkt);
    decode_built();
    CHECK(mops_dnat_input(&d, 0, &pkt, &out));
    mops_outbox_clear(&out);
    CHECK(mops_dnat_refused(&d, 6, NEW, 2027));
    CHECK_EQ(d.remapped, 0);
    tcp(NEW, 2027, MOPS_TCP_ACK, 1001, 1, false);
    CHECK(mops_dnat_input(&d, 0, &pkt, &out));
    CHECK_EQ(out.n, 0); /* refused: not let in, even by a shadow */
    mops_dnat_free(&d);
}

int main(void)
{
    test_capacities();
    test_adopt_server();
    test_adopt_nat_and_mobile();
    test_mobile_learns_received_source();
    test_window_edges();
    test_atomic_and_partial();
    test_cached_reply_and_flapping();
    test_field_limit_and_unique_id();
    test_nat_intercept_and_restore();
    test_three_nats();
    test_random_loss();
    test_scenario_errors();
    test_mobile_retransmits_then_dies();
    test_mobile_holds_data_while_moving();
    test_dnat_confirms();
    mops_outbox_free(&out);
    return check_report("test_models");
}
