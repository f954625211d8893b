/* mopstop's capture thread (see source.h). */
#include "source.h"

#include <string.h>
#include <time.h>

#include "mops/decode/decode.h"
#include "mops/core/timers.h"

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

static void *run(void *arg)
{
    struct mt_source *src = arg;
    static struct mops_packet pkt; /* one source per process */
    struct mops_frame f;
    uint64_t n = 0, first_ts = 0, start = mono_ns(), paused_for = 0;
    while (!src->stop) {
        if (src->paused) {
            uint64_t t0 = mono_ns();
            sleep_ns(50000000);
            paused_for += mono_ns() - t0;
            continue;
        }
        int got = mops_cap_next(src->cap, &f);
        if (got == MOPS_CAP_TIMEOUT)
            continue;
        if (got != MOPS_CAP_FRAME) {
            pthread_mutex_lock(&src->state->lock);
            if (got == MOPS_CAP_ERROR)
                snprintf(src->state->error, sizeof src->state->error, "%s", mops_cap_error(src->cap));
            mt_state_finish(src->state);
            pthread_mutex_unlock(&src->state->lock);
            break;
        }
        n++;
        if (!src->live && src->speed > 0) {
            /* Recorded speed: frame k is due (ts_k - ts_1) / speed after the start. */
            if (n == 1)
                first_ts = f.ts_ns;
            uint64_t due = start + paused_for + (uint64_t)((double)(f.ts_ns - first_ts) / src->speed);
            while (!src->stop && !src->paused && mono_ns() < due) {
                uint64_t left = due - mono_ns();
                sleep_ns(left < 50000000 ? left : 50000000);
            }
        }
        mops_decode_frame(NULL, f.linktype, f.data, f.caplen, f.wirelen, &pkt);
        pthread_mutex_lock(&src->state->lock);
        mt_state_frame(src->state, n, f.ifid, f.ts_ns, f.wirelen, &pkt);
        if (src->live && n % 64 == 1) {
            struct mops_cap_stats st;
            mops_cap_stats(src->cap, &st);
            if (st.have_kernel)
                src->state->drops = st.dropped + st.if_dropped;
        }
        pthread_mutex_unlock(&src->state->lock);
    }
    return NULL;
}

int mt_source_start(struct mt_source *src, const struct mops_cap_opts *o, struct mt_state *state, double speed,
                    char *err, size_t errlen)
{
    char e[MOPS_CAP_ERRLEN];
    memset(src, 0, sizeof *src);
    src->state = state;
    src->speed = speed;
    src->live = o->iface != NULL;
    if (mops_cap_open(o, &src->cap, e) < 0) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    if (pthread_create(&src->thread, NULL, run, src) != 0) {
        snprintf(err, errlen, "cannot start the capture thread");
        mops_cap_close(src->cap);
        return -1;
    }
    return 0;
}

void mt_source_stop(struct mt_source *src)
{
    src->stop = true;
    if (src->live)
        mops_cap_break(src->cap);
    pthread_join(src->thread, NULL);
    mops_cap_close(src->cap);
}
