/* Reentrant engine (issue 14): simulators, and a simulator beside a
 * validator, run at once on two threads and give byte for byte what each
 * gives alone. Every scenario of captures/scenarios is run alone first, then
 * on two threads going through the list in opposite orders (so that
 * different models run at the same moment), while a third validates a
 * reference capture and must write the findings it writes alone.
 *
 *     test_reentrant CAPTURES_DIR TMPDIR */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/capture/capture.h"
#include "mops/decode/decode.h"
#include "mops/sim/scenario.h"
#include "mops/validate/validate.h"

#include "check.h"

#define MAX_SCEN 64
#define ROUNDS 5

static const char *captures, *tmpdir;
static char *names[MAX_SCEN];
static unsigned n_names;

struct blob {
    char *data;
    size_t len;
};

static struct blob slurp(const char *path)
{
    struct blob b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return b;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc(n > 0 ? (size_t)n : 1);
    b.len = b.data ? fread(b.data, 1, (size_t)n, f) : 0;
    fclose(f);
    return b;
}

/* Runs scenario i into TMPDIR/NAME.TAG.pcapng; its bytes, or len 0. */
static struct blob run_scenario(unsigned i, const char *tag)
{
    char in[1024], out[1024], err[512];
    snprintf(in, sizeof in, "%s/scenarios/%s.json", captures, names[i]);
    snprintf(out, sizeof out, "%s/%s.%s.pcapng", tmpdir, names[i], tag);
    struct mops_sim *s = calloc(1, sizeof *s);
    struct mops_scenario_info info;
    struct blob b = {NULL, 0};
    if (s && mops_scenario_load(in, s, &info, err) == 0 && mops_sim_capture(s, out) == 0 &&
        mops_sim_run(s, info.duration_ns) == 0 && mops_sim_close_capture(s) == 0)
        b = slurp(out);
    else
        fprintf(stderr, "%s: %s\n", names[i], s ? (err[0] ? err : s->err) : "out of memory");
    if (s)
        mops_sim_free(s);
    free(s);
    remove(out);
    return b;
}

/* The validator's findings on a capture, one JSON line each. */
static void add_finding(void *ctx, const struct mops_violation *v)
{
    struct blob *b = ctx;
    json_t *o = mops_violation_json(v);
    char *line = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    size_t n = strlen(line);
    char *grown = realloc(b->data, b->len + n + 2);
    if (grown) {
        b->data = grown;
        memcpy(b->data + b->len, line, n);
        b->len += n;
        b->data[b->len++] = '\n';
        b->data[b->len] = 0;
    }
    free(line);
    json_decref(o);
}

static struct blob validate(const char *name)
{
    char path[1024], err[MOPS_CAP_ERRLEN];
    snprintf(path, sizeof path, "%s/%s.pcapng", captures, name);
    struct blob b = {NULL, 0};
    struct mops_cap_opts co = {.path = path};
    struct mops_cap *c;
    if (mops_cap_open(&co, &c, err) < 0) {
        fprintf(stderr, "%s\n", err);
        return b;
    }
    struct mops_validate_opts o;
    mops_validate_opts_default(&o);
    o.max_per_flow = 0;
    struct mops_validator *v = mops_validator_new(&o, add_finding, &b);
    struct mops_packet *pkt = malloc(sizeof *pkt);
    struct mops_frame f;
    uint64_t frame = 0, end = 0;
    while (v && pkt && mops_cap_next(c, &f) == 1) {
        mops_decode_frame(&mops_settings_default, f.linktype, f.data, f.caplen, f.wirelen, pkt);
        mops_validator_packet(v, ++frame, f.ifid, f.ts_ns, pkt);
        end = f.ts_ns;
    }
    if (v) {
        mops_validator_finish(v, end);
        struct mops_validator_summary s;
        mops_validator_summarize(v, &s);
        char line[160];
        int n = snprintf(line, sizeof line, "packets %llu requested %lu succeeded %lu failed %lu\n",
                         (unsigned long long)s.packets, s.requested, s.succeeded, s.failed);
        char *grown = realloc(b.data, b.len + (size_t)n + 1);
        if (grown) {
            b.data = grown;
            memcpy(b.data + b.len, line, (size_t)n + 1);
            b.len += (size_t)n;
        }
    }
    mops_validator_free(v);
    free(pkt);
    mops_cap_close(c);
    return b;
}

static struct blob alone[MAX_SCEN];
static struct blob alone_findings[2];
static const char *const validated[2] = {"bad-accept-wrong-seq", "appendix-b"};

struct job {
    int dir; /* +1: first to last; -1: last to first; 0: validator */
    unsigned differ, ran;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    char tag[16];
    snprintf(tag, sizeof tag, "t%+d", j->dir);
    for (unsigned r = 0; r < ROUNDS; r++)
        for (unsigned k = 0; k < n_names; k++) {
            if (j->dir == 0) {
                struct blob b = validate(validated[k % 2]);
                const struct blob *a = &alone_findings[k % 2];
                j->differ += b.len != a->len || memcmp(b.data, a->data, a->len) != 0;
                free(b.data);
            } else {
                unsigned i = j->dir > 0 ? k : n_names - 1 - k;
                struct blob b = run_scenario(i, tag);
                j->differ += b.len == 0 || b.len != alone[i].len || memcmp(b.data, alone[i].data, b.len) != 0;
                free(b.data);
            }
            j->ran++;
        }
    return NULL;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_reentrant CAPTURES_DIR TMPDIR\n");
        return 2;
    }
    captures = argv[1];
    tmpdir = argv[2];
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/scenarios", captures);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return check_report("test_reentrant");
    for (struct dirent *e; (e = readdir(d)) && n_names < MAX_SCEN;) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)
            names[n_names++] = strndup(e->d_name, n - 5);
    }
    closedir(d);
    qsort(names, n_names, sizeof names[0], by_name);
    CHECK(n_names >= 30);

    unsigned failed_alone = 0;
    for (unsigned i = 0; i < n_names; i++) {
        alone[i] = run_scenario(i, "alone");
        failed_alone += alone[i].len == 0;
    }
    CHECK_EQ(failed_alone, 0);
    for (unsigned k = 0; k < 2; k++) {
        alone_findings[k] = validate(validated[k]);
        CHECK(alone_findings[k].len > 0);
    }
    /* The findings themselves, so that a validator that found nothing
     * anywhere could not pass. */
    CHECK(alone_findings[0].data && strstr(alone_findings[0].data, "\"rule\":\"MIG-SEQ-ACCEPTED\""));
    CHECK(alone_findings[1].data && strstr(alone_findings[1].data, "packets 42 requested 1 succeeded 1 failed 0"));

    struct job jobs[3] = {{.dir = 1}, {.dir = -1}, {.dir = 0}};
    pthread_t t[3];
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    for (unsigned i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(jobs[i].ran, ROUNDS * n_names);
        CHECK_EQ(jobs[i].differ, 0);
    }
    printf("%u scenarios, %u rounds on two threads beside a validator: %u, %u, %u runs differed\n", n_names, ROUNDS,
           jobs[0].differ, jobs[1].differ, jobs[2].differ);
    for (unsigned i = 0; i < n_names; i++) {
        free(alone[i].data);
        free(names[i]);
    }
    free(alone_findings[0].data);
    free(alone_findings[1].data);
    return check_report("test_reentrant");
}
