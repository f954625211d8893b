/* Frames read and decoded on a thread of their own and handed over in
 * batches, so that reading and decoding a capture file overlap with what
 * the caller does with the packets (the validator: each side is about half
 * of a run, tests/bench). The frames are copies, valid with their batch. */
#ifndef MOPS_PIPELINE_H
#define MOPS_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "mops/capture/capture.h"
#include "mops/core/packet.h"
#include "mops/core/settings.h"

#define MOPS_PIPE_BATCH 256

struct mops_pipe_batch {
    unsigned n;
    struct mops_frame frames[MOPS_PIPE_BATCH];
    struct mops_packet *pkts; /* [n], decoded from frames[] */
    /* [n], each packet's mops_packet_content_key when asked for (else 0):
     * the validator's one per-packet hash of a capture of several links,
     * made on the reading thread, which has time to spare (tests/bench). */
    uint64_t keys[MOPS_PIPE_BATCH];
};

struct mops_pipe;

/* Starts reading c (a file: a live capture should hand over each frame as
 * it comes, which mops_cap_next does) for up to limit frames (0: all), with
 * the packets' content keys if keys. NULL when out of memory or no thread
 * can be started. */
struct mops_pipe *mops_pipe_start(struct mops_cap *c, const struct mops_settings *s, uint64_t limit, bool keys);
/* The next batch, once read and decoded; the previous one is given back.
 * NULL at the end, with *status MOPS_CAP_END or MOPS_CAP_ERROR
 * (mops_cap_error then says why; frames before the error were handed over). */
const struct mops_pipe_batch *mops_pipe_next(struct mops_pipe *p, int *status);
/* Frames read and passed by the filter so far (mops_cap_stats' counts, as
 * the reading thread last published them). */
void mops_pipe_counts(struct mops_pipe *p, uint64_t *frames, uint64_t *seen);
/* Stops the thread (at once if the caller ends early) and frees it all. */
void mops_pipe_stop(struct mops_pipe *p);

#endif
