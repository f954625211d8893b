/* Reading and decoding on a thread of their own (see mops/pipeline.h): a
 * ring of a few batches between the reading thread and the caller, under
 * one lock taken once per batch. */
#include "mops/capture/pipeline.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mops/decode/decode.h"

#define SLOTS 4
/* The reading thread, once it found the ring full, is woken when the
 * caller has emptied half of it, not at each batch: a wake-up is a futex
 * call on the caller's thread, the slower one (tests/bench: mopstop made
 * 7,420 futex calls on the million frames, 1,690 so, and 5% of its judging
 * thread's time was in waking the reader). */
#define WAKE_AT (SLOTS / 2)
/* Frame copies per slot: at least the largest frame a capture gives
 * (256 KiB); a slot ends early when the next frame does not fit. */
#define SLOT_DATA ((size_t)1 << 20)

struct slot {
    struct mops_pipe_batch b;
    uint8_t *data;
    int status; /* MOPS_CAP_FRAME: more follow; else the last */
};

struct mops_pipe {
    struct mops_cap *c;
    const struct mops_settings *s;
    uint64_t limit, taken; /* frames to read (0: all), read so far */
    bool keys;             /* content keys wanted */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    struct slot slots[SLOTS];
    uint64_t produced, consumed;
    bool holding; /* the caller has slot consumed % SLOTS */
    bool waiting; /* the reading thread waits for room */
    bool ended;   /* the caller was given the last batch */
    int end_status;
    bool quit;
    uint64_t frames, seen; /* published counts */
    /* Frames taken from the capture that did not fit their slot: still
     * valid, as the capture is not read again before they are copied. */
    struct mops_frame pending[MOPS_PIPE_BATCH];
    unsigned n_pending, next_pending;
};

/* Copies pending frames into the slot while they fit; false once it is full. */
static bool take_pending(struct mops_pipe *p, struct slot *sl, size_t *used)
{
    while (p->next_pending < p->n_pending) {
        const struct mops_frame *in = &p->pending[p->next_pending];
        size_t len = in->caplen < SLOT_DATA ? in->caplen : SLOT_DATA;
        size_t clen = in->comment_len < SLOT_DATA - len ? in->comment_len : SLOT_DATA - len;
        if (sl->b.n == MOPS_PIPE_BATCH || *used + len + clen > SLOT_DATA)
            return false;
        struct mops_frame *f = &sl->b.frames[sl->b.n];
        *f = *in;
        f->caplen = (uint32_t)len;
        f->data = sl->data + *used;
        memcpy(sl->data + *used, in->data, len);
        *used += len;
        f->comment = clen ? (const char *)sl->data + *used : NULL; /* the frame's comment goes with it */
        f->comment_len = (uint32_t)clen;
        if (clen)
            memcpy(sl->data + *used, in->comment, clen);
        *used += clen;
        struct mops_packet *pkt = &sl->b.pkts[sl->b.n];
        mops_decode_frame(p->s, f->linktype, f->data, f->caplen, f->wirelen, pkt);
        sl->b.keys[sl->b.n] = p->keys && (pkt->layers & MOPS_L_IPFF) ? mops_packet_content_key(pkt) : 0;
        sl->b.n++;
        p->next_pending++;
    }
    return true;
}

/* Fills one slot from the capture; returns the capture's status. */
static int fill_slot(struct mops_pipe *p, struct slot *sl)
{
    size_t used = 0;
    sl->b.n = 0;
    while (take_pending(p, sl, &used)) {
        unsigned want = MOPS_PIPE_BATCH, got;
        if (p->limit && p->limit - p->taken < want)
            want = (unsigned)(p->limit - p->taken);
        if (!want)
            return MOPS_CAP_END;
        int rc = mops_cap_next_batch(p->c, p->pending, want, &got);
        if (rc == MOPS_CAP_TIMEOUT)
            return MOPS_CAP_FRAME; /* hand over what there is */
        if (rc != MOPS_CAP_FRAME)
            return rc;
        p->n_pending = got;
        p->next_pending = 0;
        p->taken += got;
    }
    return MOPS_CAP_FRAME;
}

static void *reader(void *arg)
{
    struct mops_pipe *p = arg;
    /* Signals are the caller's thread's to take (mops_cap_break ends this
     * one through the capture). */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    int status = MOPS_CAP_FRAME;
    while (status == MOPS_CAP_FRAME) {
        pthread_mutex_lock(&p->lock);
        while (!p->quit && p->produced - p->consumed == SLOTS) {
            p->waiting = true;
            pthread_cond_wait(&p->emptied, &p->lock);
        }
        p->waiting = false;
        bool quit = p->quit;
        pthread_mutex_unlock(&p->lock);
        if (quit)
            break;
        struct slot *sl = &p->slots[p->produced % SLOTS];
        status = fill_slot(p, sl);
        struct mops_cap_stats st;
        mops_cap_stats(p->c, &st);
        pthread_mutex_lock(&p->lock);
        sl->status = status;
        p->frames = st.frames;
        p->seen = st.seen;
        p->produced++;
        pthread_cond_signal(&p->filled);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

struct mops_pipe *mops_pipe_start(struct mops_cap *c, const struct mops_settings *s, uint64_t limit, bool keys)
{
    struct mops_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->c = c;
    p->s = s;
    p->limit = limit;
    p->keys = keys;
    bool ok = true;
    for (int i = 0; i < SLOTS && ok; i++) {
        p->slots[i].data = malloc(SLOT_DATA);
        p->slots[i].b.pkts = calloc(MOPS_PIPE_BATCH, sizeof *p->slots[i].b.pkts);
        ok = p->slots[i].data && p->slots[i].b.pkts;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->filled, NULL);
    pthread_cond_init(&p->emptied, NULL);
    if (!ok || pthread_create(&p->thread, NULL, reader, p) != 0) {
        p->quit = true; /* no thread to join */
        mops_pipe_stop(p);
        return NULL;
    }
    return p;
}

/* One slot given back (under the lock). */
static void emptied(struct mops_pipe *p)
{
    p->consumed++;
    if (p->waiting && p->produced - p->consumed <= WAKE_AT)
        pthread_cond_signal(&p->emptied);
}

const struct mops_pipe_batch *mops_pipe_next(struct mops_pipe *p, int *status)
{
    pthread_mutex_lock(&p->lock);
    if (p->holding) {
        p->holding = false;
        emptied(p);
    }
    for (;;) {
        while (!p->ended && p->produced == p->consumed)
            pthread_cond_wait(&p->filled, &p->lock);
        if (p->ended) {
            *status = p->end_status;
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        struct slot *sl = &p->slots[p->consumed % SLOTS];
        if (sl->status != MOPS_CAP_FRAME) {
            p->ended = true; /* after this batch, if it has frames */
            p->end_status = sl->status;
        }
        if (sl->b.n) {
            p->holding = true;
            *status = MOPS_CAP_FRAME;
            pthread_mutex_unlock(&p->lock);
            return &sl->b;
        }
        emptied(p);
    }
}

void mops_pipe_counts(struct mops_pipe *p, uint64_t *frames, uint64_t *seen)
{
    pthread_mutex_lock(&p->lock);
    *frames = p->frames;
    *seen = p->seen;
    pthread_mutex_unlock(&p->lock);
}

void mops_pipe_stop(struct mops_pipe *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    bool running = !p->quit;
    p->quit = true;
    pthread_cond_signal(&p->emptied);
    pthread_mutex_unlock(&p->lock);
    if (running)
        pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->filled);
    pthread_cond_destroy(&p->emptied);
    for (int i = 0; i < SLOTS; i++) {
        free(p->slots[i].data);
        free(p->slots[i].b.pkts);
    }
    free(p);
}
