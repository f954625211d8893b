/* The validator on a thread of its own (see mops-plugin.h). Wireshark
 * dissects on one thread; in a first pass without a tree (tshark printing
 * its summary lines, the first pass of tshark -2) no finding is shown
 * until the capture's end, so the frames are judged beside the dissection
 * instead of inside it: each frame's IPFF octets (and MACs) are copied
 * into a batch, and a batch of 256 is decoded and judged on this thread
 * through mops_validator_packets, whose loads overlap as in mopsdump
 * (tests/bench row 5: the validator inline cost tshark a fifth of its
 * time). The batches are a ring of four: the dissection waits only when
 * all four are still being judged. */
#include "mops-plugin.h"

#include <string.h>

#include "mops/validate/validate.h"

#define BATCH 256 /* frames handed over at once: a wake-up of this thread each */
#define CHUNK 64  /* decoded and judged together */
#define SLOTS 4

struct rec {
    guint32 num, ifid;
    guint64 ts_ns;
    gsize off; /* its octets in the batch's data */
    struct mops_ws_frame f;
};

struct batch {
    unsigned n;
    struct rec r[BATCH];
    guint8 *data;
    gsize used, cap;
};

struct mops_findings_thread {
    struct mops_validator *v;
    struct mops_settings s; /* the decode's, as when the capture was opened */
    GThread *thread;
    GMutex lock;
    GCond filled, emptied;
    struct batch b[SLOTS];
    guint64 produced, consumed; /* batches handed over, and judged */
    gboolean quit;
    struct mops_packet *pkts; /* CHUNK of them, this thread's */
};

static void judge(struct mops_findings_thread *t, struct batch *b)
{
    struct mops_validator_input in[CHUNK];
    for (unsigned from = 0; from < b->n; from += CHUNK) {
        unsigned n = MIN(CHUNK, b->n - from);
        for (unsigned i = 0; i < n; i++) {
            struct rec *r = &b->r[from + i];
            r->f.ipff = b->data + r->off;
            mops_ws_decode(&t->s, &r->f, &t->pkts[i]);
            in[i] =
                (struct mops_validator_input){.frame = r->num, .ts_ns = r->ts_ns, .ifid = r->ifid, .pkt = &t->pkts[i]};
        }
        mops_validator_packets(t->v, in, n);
    }
}

static gpointer run(gpointer arg)
{
    struct mops_findings_thread *t = arg;
    g_mutex_lock(&t->lock);
    for (;;) {
        while (!t->quit && t->consumed == t->produced)
            g_cond_wait(&t->filled, &t->lock);
        if (t->quit)
            break;
        struct batch *b = &t->b[t->consumed % SLOTS];
        g_mutex_unlock(&t->lock);
        judge(t, b);
        g_mutex_lock(&t->lock);
        t->consumed++;
        g_cond_signal(&t->emptied);
    }
    g_mutex_unlock(&t->lock);
    return NULL;
}

struct mops_findings_thread *mops_findings_thread_new(struct mops_validator *v, const struct mops_settings *s)
{
    struct mops_findings_thread *t = g_try_new0(struct mops_findings_thread, 1);
    if (!t)
        return NULL;
    t->v = v;
    t->s = *s;
    /* 137 KB each, mostly pools a packet rarely fills: untouched, unclaimed. */
    t->pkts = g_try_malloc0(CHUNK * sizeof *t->pkts);
    g_mutex_init(&t->lock);
    g_cond_init(&t->filled);
    g_cond_init(&t->emptied);
    if (t->pkts)
        t->thread = g_thread_try_new("mops-validator", run, t, NULL);
    if (!t->thread) {
        mops_findings_thread_free(t);
        return NULL;
    }
    return t;
}

/* The batch being filled goes to the thread; the next one is the caller's
 * once the thread has judged it. */
static void hand_over(struct mops_findings_thread *t)
{
    g_mutex_lock(&t->lock);
    t->produced++;
    g_cond_signal(&t->filled);
    while (t->produced - t->consumed == SLOTS)
        g_cond_wait(&t->emptied, &t->lock);
    g_mutex_unlock(&t->lock);
    struct batch *b = &t->b[t->produced % SLOTS];
    b->n = 0;
    b->used = 0;
}

void mops_findings_thread_feed(struct mops_findings_thread *t, guint32 num, guint32 ifid, guint64 ts_ns,
                               const struct mops_ws_frame *f)
{
    struct batch *b = &t->b[t->produced % SLOTS];
    if (b->used + f->caplen > b->cap) {
        gsize cap = MAX(b->cap * 2, MAX(b->used + f->caplen, (gsize)BATCH * 2048));
        guint8 *d = g_try_realloc(b->data, cap);
        if (!d)
            return; /* the frame is not judged: as out of memory inline */
        b->data = d;
        b->cap = cap;
    }
    struct rec *r = &b->r[b->n++];
    *r = (struct rec){.num = num, .ifid = ifid, .ts_ns = ts_ns, .off = b->used, .f = *f};
    memcpy(b->data + b->used, f->ipff, f->caplen);
    b->used += f->caplen;
    if (b->n == BATCH)
        hand_over(t);
}

void mops_findings_thread_drain(struct mops_findings_thread *t)
{
    if (t->b[t->produced % SLOTS].n)
        hand_over(t);
    g_mutex_lock(&t->lock);
    while (t->consumed != t->produced)
        g_cond_wait(&t->emptied, &t->lock);
    g_mutex_unlock(&t->lock);
}

void mops_findings_thread_free(struct mops_findings_thread *t)
{
    if (!t)
        return;
    if (t->thread) {
        g_mutex_lock(&t->lock);
        t->quit = TRUE;
        g_cond_signal(&t->filled);
        g_mutex_unlock(&t->lock);
        g_thread_join(t->thread);
    }
    g_mutex_clear(&t->lock);
    g_cond_clear(&t->filled);
    g_cond_clear(&t->emptied);
    for (unsigned i = 0; i < SLOTS; i++)
        g_free(t->b[i].data);
    g_free(t->pkts);
    g_free(t);
}
