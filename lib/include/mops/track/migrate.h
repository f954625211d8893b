/* Matching Migrate replies to their requests and spotting retransmissions
 * (MOPS §4.1), in one pass and bounded memory: for mopsdump's "reply to #12,
 * 35.2 ms", mopstop's transactions and the validator. */
#ifndef MOPS_MIGRATE_TRACK_H
#define MOPS_MIGRATE_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "mops/core/packet.h"
#include "mops/core/problem.h"

enum mops_track_kind {
    MOPS_TRACK_NONE,           /* not a Migrate (or not decoded) */
    MOPS_TRACK_REQUEST,        /* a new request (code 0 or 1) */
    MOPS_TRACK_RETRANSMISSION, /* an exact repeat of a request sent less than 10 s before */
    MOPS_TRACK_REPLY,          /* a reply (code 2 or 3) to a request seen earlier, fitting or not */
    MOPS_TRACK_ORPHAN_REPLY,   /* a reply to no request seen */
};

struct mops_track_result {
    enum mops_track_kind kind;
    uint64_t first_frame; /* retransmission: the first sending; reply: the request */
    uint64_t last_frame;  /* reply: the sending it answers (the latest retransmission) */
    uint64_t delta_ns;    /* since last_frame (reply) or the previous sending (retransmission) */
    unsigned sendings;    /* how many times the request has been sent, this one included */
    unsigned replies;     /* reply: how many replies to it so far, this one included */
    /* reply: empty when it fits its request (profile §7: a success echoes it
     * intact, a failed reply lists ports of it), else what differs. */
    char mismatch[MOPS_PROBLEM_TEXT];
};

/* Sets r to "not a Migrate". */
void mops_track_result_clear(struct mops_track_result *r);

struct mops_migrate_tracker;

/* Keeps up to `capacity` transactions; the oldest are forgotten first. */
struct mops_migrate_tracker *mops_migrate_tracker_new(size_t capacity);
void mops_migrate_tracker_free(struct mops_migrate_tracker *t);
/* Transactions dropped early: a new one took the slot of one still held. */
uint64_t mops_migrate_tracker_evicted(const struct mops_migrate_tracker *t);
/* Feeds one decoded packet seen on capture interface ifid; fills out (kind
 * NONE for anything not a Migrate). Transactions are per interface: the same
 * request seen on the next link of its path is not a retransmission. */
void mops_migrate_track(struct mops_migrate_tracker *t, const struct mops_packet *pkt, uint32_t ifid, uint64_t frame,
                        uint64_t ts_ns, struct mops_track_result *out);

/* The problem a tracking result names (MIG-REPLY-MISMATCH, MIG-REPLY-ORPHAN)
 * with its text, or MOPS_P_COUNT: these rules span packets, so the decoder
 * cannot find them. */
enum mops_problem_id mops_track_problem(const struct mops_track_result *r, char text[MOPS_PROBLEM_TEXT]);
/* The same, appended to the packet's problems (at the ICMPv5 message). */
void mops_track_add_problem(struct mops_packet *pkt, const struct mops_track_result *r);

#endif
