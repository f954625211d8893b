/* mopstop's capture thread (see source.h). */
#include "source.h"

#include <string.h>
#include <time.h>

#include "mops/decode/decode.h"
#include "mops/core/timers.h"

_Static_assert(MT_STATE_BATCH >= MOPS_PIPE_BATCH, "a pipeline batch goes to the state at once");

static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * MOPS_NS_PER_SEC + (uint64_t)t.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec t = {(time_t)(ns / MOPS_NS_PER_SEC), (long)(ns % MOPS_NS_PER_SEC)};
    nanosleep(&t, NULL);
}

/* The replay clock: a frame is due (ts - first ts) / speed after the start,
 * the time spent paused not counted. */
struct pacer {
    uint64_t start, paused_for, first_ts;
    bool started;
};

static uint64_t due(const struct mt_source *src, struct pacer *pc, uint64_t ts)
{
    if (!pc->started) {
        pc->started = true;
        pc->first_ts = ts;
    }
    return pc->start + pc->paused_for + (uint64_t)((double)(ts - pc->first_ts) / src->speed);
}

/* Waits out a pause and, replaying at a speed, until the frame of time ts
 * is due; false once the source is told to stop. */
static bool wait_turn(struct mt_source *src, struct pacer *pc, uint64_t ts)
{
    while (!src->stop) {
        if (src->paused) {
            uint64_t t0 = mono_ns();
            sleep_ns(50000000);
            pc->paused_for += mono_ns() - t0;
            continue;
        }
        if (src->live || src->speed <= 0)
            return true;
        uint64_t now = mono_ns(), at = due(src, pc, ts);
        if (now >= at)
            return true;
        sleep_ns(at - now < 50000000 ? at - now : 50000000);
    }
    return false;
}

/* The capture ended (or failed): what was due is judged. */
static void ended(struct mt_source *src, int status)
{
    pthread_mutex_lock(&src->state->lock);
    if (status == MOPS_CAP_ERROR)
        snprintf(src->state->error, sizeof src->state->error, "%s", mops_cap_error(src->cap));
    mt_state_finish(src->state);
    pthread_mutex_unlock(&src->state->lock);
}

/* A file: read and decoded on the pipeline's thread, handed to the state a
 * batch under one lock (as `mopsdump --validate` does, tests/bench); at a
 * replay speed, the frames of a batch that are due together. */
static void run_batches(struct mt_source *src, struct pacer *pc)
{
    const struct mops_pipe_batch *b;
    int status = MOPS_CAP_END;
    uint64_t n = 0;
    while (!src->stop && (b = mops_pipe_next(src->pipe, &status)) != NULL) {
        for (unsigned i = 0, j; i < b->n; i = j) {
            if (!wait_turn(src, pc, b->frames[i].ts_ns))
                return;
            j = i + 1;
            if (src->speed <= 0)
                j = b->n;
            else
                for (uint64_t now = mono_ns(); j < b->n && due(src, pc, b->frames[j].ts_ns) <= now;)
                    j++;
            pthread_mutex_lock(&src->state->lock);
            mt_state_frames(src->state, n + 1, &b->frames[i], &b->pkts[i], &b->keys[i], j - i);
            pthread_mutex_unlock(&src->state->lock);
            n += j - i;
        }
    }
    if (!src->stop)
        ended(src, status);
}

/* An interface or standard input: each frame as it comes. */
static void run_frames(struct mt_source *src, struct pacer *pc)
{
    static struct mops_packet pkt; /* one source per process */
    struct mops_frame f;
    uint64_t n = 0;
    while (!src->stop) {
        int got = mops_cap_next(src->cap, &f);
        if (got == MOPS_CAP_TIMEOUT)
            continue;
        if (got != MOPS_CAP_FRAME) {
            ended(src, got);
            break;
        }
        if (!wait_turn(src, pc, f.ts_ns))
            break;
        n++;
        mops_decode_frame(NULL, f.linktype, f.data, f.caplen, f.wirelen, &pkt);
        pthread_mutex_lock(&src->state->lock);
        mt_state_frames(src->state, n, &f, &pkt, NULL, 1);
        if (src->live && n % 64 == 1) {
            struct mops_cap_stats st;
            mops_cap_stats(src->cap, &st);
            if (st.have_kernel)
                src->state->drops = st.dropped + st.if_dropped;
        }
        pthread_mutex_unlock(&src->state->lock);
    }
}

static void *run(void *arg)
{
    struct mt_source *src = arg;
    struct pacer pc = {.start = mono_ns()};
    if (src->pipe)
        run_batches(src, &pc);
    else
        run_frames(src, &pc);
    return NULL;
}

int mt_source_open(struct mt_source *src, const struct mops_cap_opts *o, double speed, char *err, size_t errlen)
{
    char e[MOPS_CAP_ERRLEN];
    memset(src, 0, sizeof *src);
    src->speed = speed;
    src->live = o->iface != NULL;
    if (mops_cap_open(o, &src->cap, e) < 0) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    src->one_link = !mops_cap_is_pcapng(src->cap);
    return 0;
}

int mt_source_start(struct mt_source *src, const struct mops_cap_opts *o, struct mt_state *state, char *err,
                    size_t errlen)
{
    src->state = state;
    /* Not standard input, whose frames may come slowly from a live
     * capture: a batch would wait to fill. */
    bool file = !src->live && !(o->path && strcmp(o->path, "-") == 0);
    for (unsigned i = 0; file && i < o->n_paths; i++)
        file = strcmp(o->paths[i], "-") != 0;
    if (file && !(src->pipe = mops_pipe_start(src->cap, NULL, 0, !src->one_link))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (pthread_create(&src->thread, NULL, run, src) != 0) {
        snprintf(err, errlen, "cannot start the capture thread");
        mops_pipe_stop(src->pipe);
        src->pipe = NULL;
        return -1;
    }
    src->running = true;
    return 0;
}

void mt_source_stop(struct mt_source *src)
{
    src->stop = true;
    if (src->live)
        mops_cap_break(src->cap);
    if (src->running)
        pthread_join(src->thread, NULL);
    mops_pipe_stop(src->pipe); /* ends its own thread, if the capture did not */
    mops_cap_close(src->cap);
}
