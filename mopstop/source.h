/* mopstop's capture thread: frames from an interface or a file (replayed at
 * its recorded speed times --speed, or as fast as it reads) into the state.
 * The UI never waits on it, and it never waits on the UI. */
#ifndef MOPSTOP_SOURCE_H
#define MOPSTOP_SOURCE_H

#include <pthread.h>
#include <stdbool.h>

#include "mops/capture/capture.h"
#include "state.h"

struct mt_source {
    struct mops_cap *cap;
    struct mt_state *state;
    double speed; /* 0: as fast as possible */
    bool live;
    volatile bool stop, paused;
    pthread_t thread;
};

/* Opens the capture (err filled on failure) and starts the thread. */
int mt_source_start(struct mt_source *src, const struct mops_cap_opts *o, struct mt_state *state, double speed,
                    char *err, size_t errlen);
void mt_source_stop(struct mt_source *src);

#endif
