/* Migrate transaction tracking: requests, exact retransmissions, replies
 * (success with every port, failed with a subset), orphan replies, a new
 * request after a reply, and forgetting the oldest when full. */
#include "mops/build/build.h"
#include "mops/decode/decode.h"
#include "mops/track/migrate.h"

#include "check.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static struct mops_builder b;
static struct mops_packet pkt;
static uint8_t frame[4096];

#define MN A(775, 2, 23, 6, 6)
#define SERVER A(8, 8, 8, 8, 8)

/* A Migrate with ports [first, first + n), from the mobile node (request) or
 * the server (reply), decoded into pkt. */
static void migrate(uint8_t code, uint16_t first, unsigned n, uint32_t seq0, mops_addr_t prev)
{
    bool reply = code >= MOPS_MIGRATE_CODE_SUCCESS;
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = reply ? SERVER : MN, .dst = reply ? MN : SERVER, .htl = 64};
    mops_build_ipff(&b, &h);
    struct mops_migrate g = {.version = 1, .proto = 6, .prev_addr = prev, .n_ports = (uint16_t)n, .mig_addr = MN};
    struct mops_migrate_port p[8];
    for (unsigned i = 0; i < n; i++)
        p[i] = (struct mops_migrate_port){(uint16_t)(first + i), (uint16_t)(2000 + first + i), 80, 80,
                                          seq0 + 100 * (first + i)};
    mops_build_migrate(&b, code, &g, p, n);
    mops_build_finish(&b);
    uint32_t len;
    const uint8_t *d = mops_build_data(&b, &len);
    memcpy(frame, d, len);
    mops_decode_frame(NULL, MOPS_LINKTYPE_USER0, frame, len, len, &pkt);
}

static void feed(struct mops_migrate_tracker *t, uint64_t n, uint64_t ms, struct mops_track_result *r)
{
    mops_migrate_track(t, &pkt, 0, n, ms * 1000000u, r);
}

/* Requests, resends and replies of every kind. */
static void requests_and_replies(struct mops_migrate_tracker *t)
{
    struct mops_track_result r;
    const mops_addr_t prev = A(525, 8, 78, 3, 9);

    migrate(0, 1027, 3, 1000, prev);
    feed(t, 1, 0, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
    CHECK_EQ(r.first_frame, 1);
    CHECK_EQ(r.sendings, 1);

    /* MOPS §4.1: resent after 2 s, the same request. */
    feed(t, 5, 2000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_RETRANSMISSION);
    CHECK_EQ(r.first_frame, 1);
    CHECK_EQ(r.delta_ns, 2000000000u);
    CHECK_EQ(r.sendings, 2);
    feed(t, 9, 4000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_RETRANSMISSION);
    CHECK_EQ(r.sendings, 3);
    CHECK_EQ(r.last_frame, 5);

    /* The failed reply lists only the ports that failed: a subset matches,
     * timed from the latest sending. */
    migrate(3, 1028, 1, 1000, prev);
    feed(t, 10, 4035, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REPLY);
    CHECK_EQ(r.first_frame, 1);
    CHECK_EQ(r.last_frame, 9);
    CHECK_EQ(r.delta_ns, 35000000u);
    CHECK_EQ(r.replies, 1);
    /* E6: a cached reply sent again is a second reply to the same request. */
    feed(t, 11, 4100, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REPLY);
    CHECK_EQ(r.replies, 2);

    /* Soon after a reply, the same request is a resend (the reply was lost
     * beyond the capture point); 10 s later it is a new transaction. */
    migrate(0, 1027, 3, 1000, prev);
    feed(t, 12, 6000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_RETRANSMISSION);
    CHECK_EQ(r.first_frame, 1);
    feed(t, 12, 17000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
    CHECK_EQ(r.first_frame, 12);
    migrate(2, 1027, 3, 1000, prev);
    feed(t, 13, 17010, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REPLY);
    CHECK_EQ(r.first_frame, 12);

    CHECK_STR(r.mismatch, "");
    char why[MOPS_PROBLEM_TEXT];
    CHECK_EQ(mops_track_problem(&r, why), MOPS_P_COUNT);

    /* Profile §7: a success that does not echo its request is still its
     * reply, with what differs (MIG-REPLY-MISMATCH). */
    migrate(2, 1027, 3, 9999, prev);
    feed(t, 14, 17020, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REPLY);
    CHECK_EQ(r.last_frame, 12);
    CHECK_STR(r.mismatch, "port 1 mops.migrate.ports.seq 112699, request #12 had 103700");
    CHECK_EQ(mops_track_problem(&r, why), MOPS_P_MIG_REPLY_MISMATCH);
    CHECK_STR(why, "reply mismatch: port 1 mops.migrate.ports.seq 112699, request #12 had 103700");
    migrate(2, 1027, 2, 1000, prev);
    feed(t, 15, 17021, &r);
    CHECK_STR(r.mismatch, "success lists 2 ports, request #12 3");
    /* A failed reply may list fewer ports, but only the request's. */
    migrate(3, 1028, 2, 1000, prev);
    feed(t, 16, 17022, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REPLY);
    CHECK_STR(r.mismatch, "");
    migrate(3, 1029, 2, 1000, prev);
    feed(t, 17, 17023, &r);
    CHECK_STR(r.mismatch, "port 2 (1030>3030 dport 80>80 seq 104000) is not in request #12");
    /* A reply for a previous address no request named has no request. */
    migrate(2, 1027, 1, 1000, A(525, 8, 78, 3, 10));
    feed(t, 15, 17030, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_ORPHAN_REPLY);
    CHECK_EQ(mops_track_problem(&r, why), MOPS_P_MIG_REPLY_ORPHAN);
    CHECK_STR(why, "reply to a request not seen");
    /* A different sequence number is a different request, not a resend. */
    migrate(0, 1027, 1, 5000, A(1, 1, 1, 1, 1));
    feed(t, 16, 17040, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
    migrate(0, 1027, 1, 5001, A(1, 1, 1, 1, 1));
    feed(t, 17, 17050, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
}

/* What the tracker holds (the oldest forgotten), what counts as a resend
 * across links, and what it does not track. */
static void bounds_links_and_others(struct mops_migrate_tracker *t)
{
    struct mops_track_result r;
    /* Bounded: with room for 8, the oldest transactions are forgotten. */
    for (unsigned i = 0; i < 20; i++) {
        migrate(0, 1027, 1, 1000, A(2, 2, 2, 2, i));
        feed(t, 100 + i, 30000 + i * 1000, &r);
        CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
    }
    migrate(2, 1027, 1, 1000, A(2, 2, 2, 2, 0));
    feed(t, 200, 51000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_ORPHAN_REPLY); /* forgotten */
    migrate(2, 1027, 1, 1000, A(2, 2, 2, 2, 19));
    feed(t, 201, 51000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REPLY); /* kept */
    CHECK_EQ(r.first_frame, 119);

    /* The same request on another link of its path is not a resend. */
    migrate(0, 1027, 1, 7000, A(3, 3, 3, 3, 3));
    mops_migrate_track(t, &pkt, 0, 400, 20000000000u, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
    mops_migrate_track(t, &pkt, 1, 401, 20001000000u, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
    mops_migrate_track(t, &pkt, 0, 402, 22000000000u, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_RETRANSMISSION);
    CHECK_EQ(r.first_frame, 400);

    /* Anything else is not tracked. */
    mops_build_init(&b, NULL);
    struct mops_ipff_hdr h = {.src = MN, .dst = SERVER, .htl = 64};
    mops_build_ipff(&b, &h);
    mops_build_udpv5(&b, 1, 2, NULL, 0);
    mops_build_finish(&b);
    uint32_t len;
    const uint8_t *d = mops_build_data(&b, &len);
    mops_decode_frame(NULL, MOPS_LINKTYPE_USER0, d, len, len, &pkt);
    feed(t, 300, 12000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_NONE);

    /* High ports (here 0xaaaa) are matched like any: the tracker's key once
     * shifted a promoted int into its sign bit (found by fuzzing the plugin). */
    migrate(0, 0xaaaa, 2, 7, A(1, 2, 3, 4, 5));
    feed(t, 300, 900000, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REQUEST);
    migrate(2, 0xaaaa, 2, 7, A(1, 2, 3, 4, 5));
    feed(t, 301, 900010, &r);
    CHECK_EQ(r.kind, MOPS_TRACK_REPLY);
    CHECK_EQ(r.first_frame, 300);
}

int main(void)
{
    struct mops_migrate_tracker *t = mops_migrate_tracker_new(8);
    requests_and_replies(t);
    bounds_links_and_others(t);
    mops_migrate_tracker_free(t);
    return check_report("test_track");
}
