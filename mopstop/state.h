/* What mopstop shows, built frame by frame from lib's decode and validator
 * (whose tracking, first sightings and NAT chains it reads rather than
 * redoing): rates, migrations, sessions, violations. Fixed-size
 * tables; the oldest rows age out, so memory stays bounded. The capture
 * thread feeds it and the UI reads it, both under the state's lock. */
#ifndef MOPSTOP_STATE_H
#define MOPSTOP_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "mops/capture/capture.h"
#include "mops/track/migrate.h"
#include "mops/core/packet.h"
#include "mops/validate/validate.h"
#include "mops/core/timers.h"
#include "mops/track/session.h"

#define MT_MIGRATIONS 1024
#define MT_SESSIONS 1024 /* lib's session tracker, oldest retired first */
#define MT_VIOLATIONS 512
#define MT_RATE_SLOTS 40
#define MT_KEPT_PORTS 16

enum mt_mig_state { MT_PENDING, MT_SUCCEEDED, MT_FAILED, MT_UNANSWERED };

struct mt_migration {
    bool used;
    uint64_t frame, ts_ns, last_ts_ns, reply_frame, latency_ns;
    uint32_t ifid;
    mops_addr_t mobile, prev, mig, server;
    uint16_t proto, n_ports, prev_sport, mig_sport;
    uint64_t seq0; /* first port's sequence: identifies the request across NATs */
    uint8_t code, n_kept;
    struct mops_migrate_port ports[MT_KEPT_PORTS];
    enum mt_mig_state state;
    unsigned retx;
};

struct mt_violation {
    bool used;
    struct mops_violation v;
};

struct mt_rate_slot {
    uint64_t sec, packets, ipff, bytes;
};

struct mt_state {
    pthread_mutex_t lock;
    struct mops_validator *validator;
    uint64_t packets, ipff, bytes, first_ts_ns, now_ns;
    uint64_t drops, kernel_received; /* pcap_stats */
    unsigned long outcome[4];        /* by enum mt_mig_state */
    unsigned long violations_total;
    struct mt_rate_slot rate[MT_RATE_SLOTS];
    struct mt_migration mig[MT_MIGRATIONS];
    uint64_t mig_key[MT_MIGRATIONS]; /* of each record, for finding it (state.c) */
    unsigned mig_next;
    struct mops_session_tracker *sessions; /* those a MOBILE_CAPABLE SYN started, across moves */
    struct mt_violation vio[MT_VIOLATIONS];
    unsigned vio_next;
    bool ended;              /* the source is exhausted */
    pthread_cond_t ended_cv; /* signalled (with lock) as ended is set */
    char source[256], error[256];
};

/* one_link: the capture holds one link for ever (a pcap file, an
 * interface), so no packet is seen twice (mops_validate_opts). */
int mt_state_init(struct mt_state *s, const char *source, bool one_link);
void mt_state_free(struct mt_state *s);
/* n (at most MT_STATE_BATCH) frames in capture order, the first numbered
 * frame, decoded as pkts, with their content keys if the reader made them
 * (else keys is NULL); call with the lock held. */
#define MT_STATE_BATCH 256
void mt_state_frames(struct mt_state *s, uint64_t frame, const struct mops_frame *f, const struct mops_packet *pkts,
                     const uint64_t *keys, unsigned n);
/* Ages pending migrations against the clock (lock held). */
void mt_state_tick(struct mt_state *s, uint64_t now_ns);
/* The source is exhausted (lock held): unanswered migrations, the
 * validator's end-of-capture rules. */
void mt_state_finish(struct mt_state *s);
/* Rate over the last `seconds` seconds ending at now: packets, IPFF, bytes per second. */
void mt_state_rate(const struct mt_state *s, unsigned seconds, double *pps, double *ipff_ps, double *bps);
const char *mt_mig_state_name(enum mt_mig_state st);

#endif
