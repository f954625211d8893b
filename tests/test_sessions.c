/* lib's session tracker (mops/track/session.h): a session keeps one index
 * across a NAT (the SYN's copy joins it by server port and client ISN) and
 * across a move (a success reply maps the new tuple; the mobile side's move
 * makes it current and counts it), is found by sequence where its old tuple
 * was not seen, and the oldest retires when the table is full. */
#include "mops/build/build.h"
#include "mops/decode/decode.h"
#include "mops/track/session.h"

#include "check.h"
#include "samples.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)
#define MN A(10, 2, 0, 0, 1)     /* the mobile node, inside */
#define NAT A(525, 8, 78, 2, 2)  /* its NAT's outside address */
#define NEW A(192, 168, 1, 1, 1) /* the mobile node after its move */
#define NAT2 A(775, 2, 23, 5, 5) /* the new NAT's outside address */
#define SERVER A(8, 8, 8, 8, 8)
#define ISN 1000u

static struct mops_builder b;
static struct mops_packet pkt;
static uint8_t frame[4096];

static void decode_built(void) { sample_decode_built(&b, frame, &pkt); }

static void tcp(mops_addr_t src, uint16_t sport, mops_addr_t dst, uint16_t dport, uint8_t flags, uint32_t seq,
                uint32_t ack, bool mc, uint32_t len)
{
    static const uint8_t data[512];
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = src, .dst = dst, .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_tcp t = {.sport = sport, .dport = dport, .seq = seq, .ack = ack, .flags = flags, .window = 1000};
    if (mc)
        t.opts[t.n_opts++].kind = 32;
    mops_build_tcp(&b, &t, data, len);
    decode_built();
}

/* A success reply for one port, as it crosses the link where the mobile
 * node is mig:mig_port and was prev:prev_port. */
static void reply(mops_addr_t prev, uint16_t prev_port, mops_addr_t mig, uint16_t mig_port, uint32_t seq)
{
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = SERVER, .dst = mig, .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_migrate g = {.version = 1, .proto = 6, .prev_addr = prev, .n_ports = 1, .mig_addr = mig};
    struct mops_migrate_port p = {prev_port, mig_port, 80, 80, seq};
    mops_build_migrate(&b, MOPS_MIGRATE_CODE_SUCCESS, &g, &p, 1);
    decode_built();
}

static struct mops_session_seen see(struct mops_session_tracker *t, uint64_t frame_no)
{
    struct mops_session_seen s;
    mops_sessions_packet(t, &pkt, 0, frame_no, frame_no * 1000, &s);
    return s;
}

static void across_nat_and_move(void)
{
    struct mops_session_tracker *t = mops_sessions_new(0, MOPS_SESSIONS_EVERY_FLOW);
    CHECK(t != NULL);
    tcp(MN, 1027, SERVER, 80, MOPS_TCP_SYN, ISN, 0, true, 0);
    struct mops_session_seen s = see(t, 1);
    CHECK(s.session && s.created && s.current && s.from_client);
    CHECK_EQ(s.session->index, 1);
    CHECK(s.session->mobile);
    CHECK_EQ(s.session->isn, ISN);
    CHECK_EQ(s.session->c_nxt, ISN + 1);
    /* The NAT's copy on its outside link: the same session, not its current tuple. */
    tcp(NAT, 6050, SERVER, 80, MOPS_TCP_SYN, ISN, 0, true, 0);
    s = see(t, 2);
    CHECK(s.session && !s.created && !s.current && s.from_client);
    CHECK_EQ(s.session->index, 1);
    /* The SYN-ACK there, found by its tuple, from the server. */
    tcp(SERVER, 80, NAT, 6050, MOPS_TCP_SYN | MOPS_TCP_ACK, 5000, ISN + 1, true, 0);
    s = see(t, 3);
    CHECK(s.session && !s.from_client && !s.current);
    CHECK_EQ(s.session->index, 1);
    /* Another flow is another session. */
    tcp(MN, 1028, SERVER, 80, MOPS_TCP_SYN, 77, 0, false, 0);
    s = see(t, 4);
    CHECK_EQ(s.session->index, 2);
    CHECK(!s.session->mobile);
    /* Data on the current tuple counts; the NAT's copy of it does not. */
    tcp(MN, 1027, SERVER, 80, MOPS_TCP_ACK | MOPS_TCP_PSH, ISN + 1, 5001, false, 100);
    s = see(t, 5);
    CHECK_EQ(s.session->bytes, 100);
    CHECK_EQ(s.session->c_nxt, ISN + 101);
    tcp(NAT, 6050, SERVER, 80, MOPS_TCP_ACK | MOPS_TCP_PSH, ISN + 1, 5001, false, 100);
    s = see(t, 6);
    CHECK_EQ(s.session->bytes, 100);

    /* The reply on the server's link: prev is the NAT's outside tuple, the
     * new one the new NAT's. Mapped there, not the mobile side's move. */
    reply(NAT, 6050, NAT2, 7050, ISN + 101);
    CHECK_EQ(mops_sessions_reply(t, &pkt, 0, 7), 1);
    tcp(NAT2, 7050, SERVER, 80, MOPS_TCP_ACK, ISN + 101, 5001, false, 0);
    s = see(t, 8);
    CHECK_EQ(s.session->index, 1);
    CHECK_EQ(s.moved_by, 7);
    CHECK(!s.current);
    CHECK_EQ(s.session->moves, 0);
    /* The mobile side: the move the mobile node makes, to its own new tuple. */
    struct mops_migrate g = {.proto = MOPS_PROTO_TCP, .prev_addr = NAT, .mig_addr = NEW};
    struct mops_migrate_port p = {6050, 1027, 80, 80, ISN + 101};
    CHECK_EQ(mops_sessions_migrated(t, &g, &p, 1, SERVER, 0, 9, 9000, true), 1);
    tcp(NEW, 1027, SERVER, 80, MOPS_TCP_ACK | MOPS_TCP_PSH, ISN + 101, 5001, false, 50);
    s = see(t, 10);
    CHECK(s.current && s.from_client);
    CHECK_EQ(s.session->index, 1);
    CHECK_EQ(s.moved_by, 9);
    CHECK_EQ(s.session->moves, 1);
    CHECK_EQ(s.session->moved_by, 9);
    CHECK_EQ(s.session->client, NEW);
    CHECK_EQ(s.session->cport, 1027);
    CHECK_EQ(s.session->bytes, 150);
    CHECK_EQ(s.session->bytes - s.session->bytes_at_move, 50);
    /* The old tuple is still the session's, but no longer current. */
    tcp(MN, 1027, SERVER, 80, MOPS_TCP_ACK, ISN + 101, 5001, false, 0);
    s = see(t, 11);
    CHECK_EQ(s.session->index, 1);
    CHECK(!s.current);
    /* A failed reply moves nothing. */
    reply(NEW, 1027, A(1, 1, 1, 1, 1), 9, ISN + 151);
    pkt.icmp.code = MOPS_MIGRATE_CODE_FAILED;
    CHECK_EQ(mops_sessions_reply(t, &pkt, 0, 12), 0);
    mops_sessions_free(t);
}

static void by_sequence_and_policy(void)
{
    struct mops_session_tracker *t = mops_sessions_new(16, MOPS_SESSIONS_MOBILE_SYN);
    /* Without MOBILE_CAPABLE, no session starts. */
    tcp(MN, 1028, SERVER, 80, MOPS_TCP_SYN, 5, 0, false, 0);
    CHECK(see(t, 1).session == NULL);
    tcp(MN, 1027, SERVER, 80, MOPS_TCP_SYN, ISN, 0, true, 0);
    CHECK(see(t, 2).created);
    /* A move whose old tuple (the outside one) was never seen: found by the
     * client's next sequence number at that server port. */
    struct mops_migrate g = {.proto = MOPS_PROTO_TCP, .prev_addr = NAT, .mig_addr = NEW};
    struct mops_migrate_port p = {6050, 2098, 80, 80, ISN + 2};
    CHECK_EQ(mops_sessions_migrated(t, &g, &p, 1, SERVER, 0, 3, 3000, true), 0); /* not its sequence */
    p.seq = ISN + 1;
    CHECK_EQ(mops_sessions_migrated(t, &g, &p, 1, SERVER, 0, 4, 4000, true), 1);
    tcp(NEW, 2098, SERVER, 80, MOPS_TCP_ACK, ISN + 1, 1, false, 0);
    struct mops_session_seen s = see(t, 5);
    CHECK(s.current);
    CHECK_EQ(s.session->moves, 1);
    mops_sessions_free(t);
}

static void retire_and_grow(void)
{
    /* Two held: the third retires the first, whose tuple is then unknown. */
    struct mops_session_tracker *t = mops_sessions_new(2, MOPS_SESSIONS_EVERY_FLOW);
    for (uint16_t i = 0; i < 3; i++) {
        tcp(MN, (uint16_t)(2000 + i), SERVER, 80, MOPS_TCP_SYN, 100u * i, 0, false, 0);
        CHECK_EQ(see(t, i + 1).session->index, i + 1);
    }
    CHECK_EQ(mops_sessions_slots(t), 2);
    CHECK_EQ(mops_sessions_at(t, 0)->index, 3); /* the ring's first slot, reused */
    CHECK_EQ(mops_sessions_at(t, 1)->index, 2);
    tcp(MN, 2000, SERVER, 80, MOPS_TCP_ACK, 1, 1, false, 0);
    struct mops_session_seen s = see(t, 9);
    CHECK(s.created);
    CHECK_EQ(s.session->index, 4);
    /* Its ISN retired with it: a NAT copy of the first SYN starts afresh. */
    tcp(NAT, 6000, SERVER, 80, MOPS_TCP_SYN, 0, 0, false, 0);
    CHECK_EQ(see(t, 10).session->index, 5);
    mops_sessions_free(t);

    /* Without a capacity the table grows: 3,000 sessions, each found again
     * by its tuple in either direction. */
    t = mops_sessions_new(0, MOPS_SESSIONS_EVERY_FLOW);
    unsigned wrong = 0;
    for (unsigned i = 0; i < 3000; i++) {
        tcp(A(10, 0, 0, i / 250, i % 250), (uint16_t)(1024 + i), SERVER, 80, MOPS_TCP_SYN, i, 0, false, 0);
        wrong += see(t, i + 1).session->index != i + 1;
    }
    for (unsigned i = 0; i < 3000; i += 7) {
        tcp(SERVER, 80, A(10, 0, 0, i / 250, i % 250), (uint16_t)(1024 + i), MOPS_TCP_ACK, 9, i + 1, false, 0);
        struct mops_session_seen x = see(t, 5000 + i);
        wrong += !x.session || x.session->index != i + 1 || x.from_client || x.created;
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(mops_sessions_slots(t), 3000);
    mops_sessions_free(t);
}

/* Per link (the validator's): each link's view of a flow is its own
 * session, nothing joins by ISN, and a move leaves its old tuple marked. */
static void per_link(void)
{
    struct mops_session_tracker *t = mops_sessions_new(64, MOPS_SESSIONS_PER_LINK);
    struct mops_session_seen s;
    tcp(MN, 1027, SERVER, 80, MOPS_TCP_SYN, ISN, 0, true, 0);
    mops_sessions_packet(t, &pkt, 0, 1, 1000, &s);
    CHECK_EQ(s.session->index, 1);
    mops_sessions_packet(t, &pkt, 1, 2, 2000, &s); /* the same packet on link 1 */
    CHECK(s.created);
    CHECK_EQ(s.session->index, 2);
    tcp(NAT, 6050, SERVER, 80, MOPS_TCP_SYN, ISN, 0, true, 0);
    mops_sessions_packet(t, &pkt, 1, 3, 3000, &s); /* a NAT's copy does not join */
    CHECK_EQ(s.session->index, 3);
    struct mops_migrate g = {.proto = MOPS_PROTO_TCP, .prev_addr = MN, .mig_addr = NEW};
    struct mops_migrate_port p = {1027, 2098, 80, 80, ISN + 99}; /* not by sequence per link */
    CHECK_EQ(mops_sessions_migrated(t, &g, &p, 1, SERVER, 0, 4, 4000, true), 1);
    mops_sessions_find(t, 0, MOPS_PROTO_TCP, MN, 1027, SERVER, 80, &s);
    CHECK(s.session && s.from_client && !s.current);
    CHECK_EQ(s.left_by, 4);
    CHECK_EQ(s.left_ts_ns, 4000);
    mops_sessions_find(t, 0, MOPS_PROTO_TCP, SERVER, 80, NEW, 2098, &s);
    CHECK(s.session && !s.from_client && s.current);
    CHECK_EQ(s.session->index, 1);
    CHECK_EQ(s.moved_by, 4);
    mops_sessions_find(t, 1, MOPS_PROTO_TCP, MN, 1027, SERVER, 80, &s);
    CHECK(s.session && s.current && !s.left_by); /* link 1's view did not move */
    CHECK_EQ(s.session->index, 2);
    mops_sessions_free(t);
}

int main(void)
{
    per_link();
    across_nat_and_move();
    by_sequence_and_policy();
    retire_and_grow();
    return check_report("test_sessions");
}
