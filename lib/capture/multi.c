/* Several capture files read as one (issue 17): frames merged by
 * timestamp as mergecap does, which for a series of rotated files (-C, -G,
 * -W, ring buffers) is one file after the other. Interfaces: a file that
 * starts once every file started before it has ended, with the same
 * interfaces as the last of them, continues that series (its interface ids
 * are those of the file before, so sessions and NAT chains carry over the
 * boundary); a file whose frames interleave with another's is another probe,
 * and its interfaces are kept apart. Frame numbers go on across files; the
 * origin of each (file, frame within it) is kept as runs. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct mops_multi_part {
    struct mops_cap *cap;
    struct mops_frame head; /* the next frame, valid while have_head */
    bool have_head, fetch;  /* fetch: head taken, the next not read yet */
    bool started, done;
    unsigned *map; /* the part's interface ids to the capture's */
    unsigned n_map;
    int series_of; /* the part whose interfaces it continues, or -1 */
    uint64_t delivered;
};

struct mops_multi_run {
    uint64_t first;       /* capture frame number (1-based) */
    uint64_t first_local; /* the same frame's number in its file */
    unsigned part;
};

struct mops_multi {
    struct mops_multi_part *parts;
    unsigned n;
    int last; /* part of the frame delivered last, or -1 */
    /* The earliest head of the other parts (UINT64_MAX: none): the last
     * part reads on without a scan while it comes first. */
    uint64_t bound_ts;
    unsigned bound_part;
    bool error; /* a part failed: c->err says how; reported by the next read */
    struct mops_multi_run *runs;
    unsigned n_runs, cap_runs;
};

static int same_ifaces(const struct mops_cap *a, const struct mops_cap *b)
{
    if (a->n_ifaces != b->n_ifaces)
        return 0;
    for (unsigned i = 0; i < a->n_ifaces; i++)
        if (a->ifaces[i].linktype != b->ifaces[i].linktype || strcmp(a->ifaces[i].name, b->ifaces[i].name) != 0)
            return 0;
    return 1;
}

/* The capture's interface id for the part's interface i, made on first use. */
static int map_iface(struct mops_cap *c, struct mops_multi_part *p, unsigned i)
{
    if (i < p->n_map && p->map[i] != UINT32_MAX)
        return (int)p->map[i];
    if (i >= p->n_map) {
        unsigned n = i + 8;
        unsigned *m = realloc(p->map, n * sizeof *m);
        if (!m)
            return -1;
        for (unsigned k = p->n_map; k < n; k++)
            m[k] = UINT32_MAX;
        p->map = m;
        p->n_map = n;
    }
    const struct mops_multi_part *prev = p->series_of >= 0 ? &c->multi->parts[p->series_of] : NULL;
    if (prev && i < prev->n_map && prev->map[i] != UINT32_MAX) {
        p->map[i] = prev->map[i];
    } else {
        const struct mops_cap_iface *f = &p->cap->ifaces[i];
        int id = mops_cap_add_iface(c, f->linktype, f->snaplen, f->name, f->ts_digits);
        if (id < 0)
            return -1;
        snprintf(c->ifaces[id].description, sizeof c->ifaces[id].description, "%s", f->description);
        p->map[i] = (unsigned)id;
    }
    return (int)p->map[i];
}

/* A part starts: it continues the series of the part that ended last if
 * every part started before has ended and the interfaces match. */
static int start(struct mops_cap *c, unsigned k)
{
    struct mops_multi *m = c->multi;
    struct mops_multi_part *p = &m->parts[k];
    p->started = true;
    p->series_of = -1;
    bool interleaved = false;
    for (unsigned j = 0; j < m->n; j++)
        interleaved |= j != k && m->parts[j].started && !m->parts[j].done;
    /* The part delivered last is the one that ended last. */
    if (!interleaved && m->last >= 0 && same_ifaces(m->parts[m->last].cap, p->cap)) {
        const struct mops_multi_part *prev = &m->parts[m->last];
        p->series_of = m->last;
        if (prev->n_map && !(p->map = malloc(prev->n_map * sizeof *p->map)))
            return -1;
        if (prev->n_map)
            memcpy(p->map, prev->map, prev->n_map * sizeof *p->map);
        p->n_map = prev->n_map;
        return 0;
    }
    /* A new probe's interfaces in its own order, so that one file read
     * alone keeps its ids. */
    for (unsigned i = 0; i < p->cap->n_ifaces; i++)
        if (map_iface(c, p, i) < 0)
            return -1;
    return 0;
}

static int fetch(struct mops_cap *c, struct mops_multi_part *p, bool refill)
{
    int rc = refill ? mops_cap_next(p->cap, &p->head) : mops_cap_next_buffered(p->cap, &p->head);
    if (rc == MOPS_CAP_FRAME) {
        p->have_head = true;
        p->fetch = false;
        return rc;
    }
    p->have_head = false;
    if (rc == MOPS_CAP_END && !refill)
        return rc; /* not read yet: fetched with refill on the next call */
    p->fetch = false;
    p->done = true;
    if (rc == MOPS_CAP_ERROR) {
        snprintf(c->err, sizeof c->err, "%s", mops_cap_error(p->cap));
        c->multi->error = true;
    }
    return rc;
}

static int note_run(struct mops_multi *m, uint64_t frame, unsigned k)
{
    if (m->last == (int)k)
        return 0;
    struct mops_multi_run *grown =
        m->n_runs < UINT32_MAX ? mops_grow(m->runs, &m->cap_runs, m->n_runs, sizeof *m->runs, 16) : NULL;
    if (!grown)
        return -1;
    m->runs = grown;
    m->runs[m->n_runs++] = (struct mops_multi_run){frame, m->parts[k].delivered, k};
    m->last = (int)k;
    return 0;
}

/* The earliest head (the first part on a tie, so that a series keeps its
 * order), or -1 when every part has ended; the bound set for it. */
static int earliest(struct mops_multi *m)
{
    int best = -1;
    for (unsigned k = 0; k < m->n; k++)
        if (m->parts[k].have_head && (best < 0 || m->parts[k].head.ts_ns < m->parts[best].head.ts_ns))
            best = (int)k;
    m->bound_ts = UINT64_MAX;
    m->bound_part = UINT32_MAX;
    for (unsigned k = 0; k < m->n; k++)
        if ((int)k != best && m->parts[k].have_head && m->parts[k].head.ts_ns < m->bound_ts) {
            m->bound_ts = m->parts[k].head.ts_ns;
            m->bound_part = k;
        }
    return best;
}

/* Part k's head still comes before every other part's. */
static bool still_first(const struct mops_multi *m, unsigned k)
{
    const struct mops_multi_part *p = &m->parts[k];
    return p->have_head && (p->head.ts_ns < m->bound_ts || (p->head.ts_ns == m->bound_ts && k < m->bound_part));
}

static int deliver(struct mops_cap *c, unsigned k, struct mops_frame *f)
{
    struct mops_multi *m = c->multi;
    struct mops_multi_part *p = &m->parts[k];
    if (!p->started && start(c, k) < 0) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return MOPS_CAP_ERROR;
    }
    int id = map_iface(c, p, p->head.ifid);
    if (id < 0 || note_run(m, c->frames + 1, k) < 0) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return MOPS_CAP_ERROR;
    }
    *f = p->head;
    f->ifid = (uint32_t)id;
    p->have_head = false;
    p->fetch = true;
    p->delivered++;
    c->frames++;
    return MOPS_CAP_FRAME;
}

int mops_multi_next(struct mops_cap *c, struct mops_frame *f, unsigned max, unsigned *n)
{
    struct mops_multi *m = c->multi;
    *n = 0;
    if (m->error || mops_cap_stopped(c))
        return m->error ? MOPS_CAP_ERROR : MOPS_CAP_END;
    /* The part whose head was taken last reads on, refilling: the frames it
     * gave before belong to the previous call. Only it can need to. */
    int k = m->last;
    if (k >= 0 && m->parts[k].fetch && fetch(c, &m->parts[k], true) == MOPS_CAP_ERROR)
        return MOPS_CAP_ERROR;
    if (k < 0 || !still_first(m, (unsigned)k))
        k = earliest(m);
    if (k < 0)
        return MOPS_CAP_END;
    if (deliver(c, (unsigned)k, &f[0]) != MOPS_CAP_FRAME)
        return MOPS_CAP_ERROR;
    *n = 1;
    /* More from the same part while they come before every other head and
     * are read already (so that the batch stays valid). */
    struct mops_multi_part *p = &m->parts[k];
    while (*n < max) {
        if (fetch(c, p, false) != MOPS_CAP_FRAME || !still_first(m, (unsigned)k))
            break; /* END: read with refill next time; ERROR: reported next time */
        if (deliver(c, (unsigned)k, &f[*n]) != MOPS_CAP_FRAME)
            return MOPS_CAP_ERROR;
        (*n)++;
    }
    return MOPS_CAP_FRAME;
}

int mops_multi_open(struct mops_cap *c, const struct mops_cap_opts *o, char err[MOPS_CAP_ERRLEN])
{
    struct mops_multi *m = calloc(1, sizeof *m);
    if (!m || !(m->parts = calloc(o->n_paths, sizeof *m->parts))) {
        free(m);
        snprintf(err, MOPS_CAP_ERRLEN, "out of memory");
        return -1;
    }
    c->multi = m;
    m->last = -1;
    snprintf(c->name, sizeof c->name, "%u files", o->n_paths);
    for (unsigned k = 0; k < o->n_paths; k++) {
        struct mops_cap_opts one = *o;
        one.path = o->paths[k];
        one.paths = NULL;
        one.n_paths = 0;
        if (strcmp(one.path, "-") == 0) {
            snprintf(err, MOPS_CAP_ERRLEN, "standard input cannot be one of several files");
            return -1;
        }
        if (mops_cap_open(&one, &m->parts[k].cap, err) < 0)
            return -1;
        m->n++;
        m->parts[k].series_of = -1;
        if (k == 0)
            snprintf(c->comment, sizeof c->comment, "%s", m->parts[0].cap->comment);
        c->pcapng |= m->parts[k].cap->pcapng || k > 0; /* several files: pcapng's interfaces */
        if (fetch(c, &m->parts[k], true) == MOPS_CAP_ERROR) {
            snprintf(err, MOPS_CAP_ERRLEN, "%s", c->err);
            return -1;
        }
    }
    return 0;
}

void mops_multi_close(struct mops_multi *m)
{
    if (!m)
        return;
    for (unsigned k = 0; k < m->n; k++) {
        mops_cap_close(m->parts[k].cap);
        free(m->parts[k].map);
    }
    free(m->parts);
    free(m->runs);
    free(m);
}

void mops_multi_break(struct mops_multi *m)
{
    for (unsigned k = 0; k < m->n; k++)
        mops_cap_break(m->parts[k].cap);
}

void mops_multi_seen(const struct mops_multi *m, uint64_t *seen)
{
    for (unsigned k = 0; k < m->n; k++)
        *seen += m->parts[k].cap->seen;
}

bool mops_cap_origin(const struct mops_cap *c, uint64_t frame, unsigned *file, uint64_t *file_frame)
{
    const struct mops_multi *m = c->multi;
    if (!m || frame == 0 || frame > c->frames || !m->n_runs)
        return false;
    unsigned lo = 0, hi = m->n_runs; /* the last run starting at or before frame */
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (m->runs[mid].first <= frame)
            lo = mid;
        else
            hi = mid;
    }
    *file = m->runs[lo].part;
    *file_frame = m->runs[lo].first_local + (frame - m->runs[lo].first) + 1;
    return true;
}

unsigned mops_cap_n_files(const struct mops_cap *c) { return c->multi ? c->multi->n : 1; }

const char *mops_cap_file_name(const struct mops_cap *c, unsigned file)
{
    if (!c->multi)
        return c->name;
    return file < c->multi->n ? c->multi->parts[file].cap->name : NULL;
}
