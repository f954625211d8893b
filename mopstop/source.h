/* mopstop's capture thread: frames from an interface or a file (replayed at
 * its recorded speed times --speed, or as fast as it reads) into the state.
 * A file is read and decoded on a thread of its own (mops/pipeline.h).
 * The UI never waits on it, and it never waits on the UI. */
#ifndef MOPSTOP_SOURCE_H
#define MOPSTOP_SOURCE_H

#include <pthread.h>
#include <stdbool.h>

#include "mops/capture/capture.h"
#include "mops/capture/pipeline.h"
#include "state.h"

struct mt_source {
    struct mops_cap *cap;
    struct mops_pipe *pipe; /* a file's reading thread, or NULL */
    struct mt_state *state;
    double speed; /* 0: as fast as possible */
    bool live;
    bool one_link; /* the capture holds one link (for mt_state_init) */
    volatile bool stop, paused;
    bool running;
    pthread_t thread;
};

/* Opens the capture (err filled on failure). */
int mt_source_open(struct mt_source *src, const struct mops_cap_opts *o, double speed, char *err, size_t errlen);
/* Starts the thread that feeds the state. */
int mt_source_start(struct mt_source *src, const struct mops_cap_opts *o, struct mt_state *state, char *err,
                    size_t errlen);
/* Stops the thread (if started) and closes the capture. */
void mt_source_stop(struct mt_source *src);

#endif
