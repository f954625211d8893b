/* mopstop: a live dashboard of MOPS migrations, NAT chains, sessions and
 * rule violations, in the manner of iftop and htop; --batch prints
 * snapshots instead, as top -b does. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mops/capture/sandbox.h"
#include "mops/core/timers.h"

#include "source.h"
#include "state.h"
#include "ui.h"
#include "view.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: mopstop [-i interface | -r file] [-d seconds] [--speed X|max] [--batch [--json] [-n count]]\n"
               "               [-s snaplen] [-B KiB] [-p] [--immediate-mode] [expression]\n"
               "\n"
               "  -i IFACE      watch an interface live; -r FILE replays a capture (-r\n"
               "                again: several files as one, merged by time)\n"
               "  --speed X     replay at X times the recorded speed (default 1); max: as fast as it reads\n"
               "  -d SECONDS    refresh interval (default 1)\n"
               "  --batch       print plain-text snapshots every interval, no terminal needed\n"
               "  --json        with --batch: one JSON object per snapshot\n"
               "  -n COUNT      with --batch: stop after COUNT snapshots\n"
               "  -s, -B, -p, --immediate-mode, expression: as in mopsdump (a BPF filter)\n"
               "  --no-sandbox  no seccomp filter once the capture and the screen are open\n"
               "Keys: q quit, p pause, Tab or 1-4 panes, arrows/PgUp/PgDn scroll, Enter detail,\n"
               "      s sort, / filter by address, o freeze row order, h help\n");
}

static int bad(const char *msg, const char *arg)
{
    fprintf(stderr, "mopstop: %s%s%s\n(mopstop -h for help)\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

static double number(const char *s, double lo, double hi, bool *ok)
{
    char *end;
    double v = strtod(s, &end);
    *ok = *s && !*end && v >= lo && v <= hi;
    return v;
}

static uint64_t wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * MOPS_NS_PER_SEC + (uint64_t)t.tv_nsec;
}

static int batch(struct mt_state *st, struct mt_source *src, double interval, bool json, long count)
{
    long printed = 0;
    for (;;) {
        /* Until the interval is over or the capture ends, whichever is
         * first: the last snapshot as soon as the end is known. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        uint64_t ns = (uint64_t)until.tv_nsec + (uint64_t)(interval * 1e9);
        until.tv_sec += (time_t)(ns / MOPS_NS_PER_SEC);
        until.tv_nsec = (long)(ns % MOPS_NS_PER_SEC);
        pthread_mutex_lock(&st->lock);
        while (!st->ended && pthread_cond_timedwait(&st->ended_cv, &st->lock, &until) == 0)
            ;
        bool ended = st->ended;
        mt_state_tick(st, src->live ? wall_ns() : st->now_ns);
        json ? mt_view_json(st, stdout) : mt_view_text(st, stdout);
        if (!json)
            fputs(ended ? "== end of capture\n" : "==\n", stdout);
        fflush(stdout);
        pthread_mutex_unlock(&st->lock);
        if (ended || (count > 0 && ++printed >= count))
            break;
    }
    return 0;
}

#define MT_LIVE_BUFFER_KIB 32768

struct options {
    struct mops_cap_opts co;
    const char *files[256]; /* -r again: several files as one capture */
    double interval, speed;
    bool is_batch, json, no_sandbox;
    long count;
    char filter[4096];
};

/* Returns -1 to go on, else the exit status (after --help, --version or a
 * usage error). */
static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"batch", no_argument, 0, 'b'},       {"json", no_argument, 0, 'j'},
        {"speed", required_argument, 0, 'S'}, {"immediate-mode", no_argument, 0, 'I'},
        {"help", no_argument, 0, 'h'},        {"version", no_argument, 0, 'V'},
        {"no-sandbox", no_argument, 0, 'Z'},  {0, 0, 0, 0},
    };
    o->interval = o->speed = 1;
    bool ok;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+i:r:d:n:s:B:ph", longs, NULL)) != -1) {
        switch (c) {
            case 'i': o->co.iface = optarg; break;
            case 'r':
                if (o->co.n_paths == sizeof o->files / sizeof o->files[0])
                    return bad("too many -r files", NULL);
                o->files[o->co.n_paths++] = optarg;
                o->co.paths = o->files;
                o->co.path = o->co.n_paths == 1 ? optarg : NULL;
                break;
            case 'd':
                o->interval = number(optarg, 0.1, 3600, &ok);
                if (!ok)
                    return bad("-d wants seconds from 0.1 to 3600", optarg);
                break;
            case 'n':
                o->count = (long)number(optarg, 1, 1e9, &ok);
                if (!ok)
                    return bad("-n wants a count of snapshots", optarg);
                break;
            case 's':
                o->co.snaplen = (int)number(optarg, 0, 262144, &ok);
                if (!ok)
                    return bad("-s wants a snapshot length from 0 to 262144", optarg);
                break;
            case 'B':
                o->co.buffer_kib = (int)number(optarg, 1, 4194304, &ok);
                if (!ok)
                    return bad("-B wants a buffer size in KiB", optarg);
                break;
            case 'p': o->co.no_promisc = true; break;
            case 'I': o->co.immediate = true; break;
            case 'b': o->is_batch = true; break;
            case 'Z': o->no_sandbox = true; break;
            case 'j': o->json = true; break;
            case 'S':
                if (strcmp(optarg, "max") == 0)
                    o->speed = 0;
                else if (o->speed = number(optarg, 0.001, 1e6, &ok), !ok)
                    return bad("--speed wants a factor (0.001 to 1000000) or max", optarg);
                break;
            case 'h': usage(stdout); return 0;
            case 'V': printf("mopstop %s\n", MOPS_VERSION_STRING); return 0;
            default: {
                char name[64];
                snprintf(name, sizeof name, "%s", argv[optind - 1]);
                return bad(c == ':' ? "option needs an argument" : "unknown option", name);
            }
        }
    }
    if (!!o->co.iface == !!o->co.n_paths)
        return bad("give one source: -i INTERFACE or -r FILE", NULL);
    if (o->json && !o->is_batch)
        return bad("--json goes with --batch", NULL);
    /* The rest is the filter expression, as tcpdump joins it. */
    for (int i = optind; i < argc; i++) {
        if (strlen(o->filter) + strlen(argv[i]) + 2 >= sizeof o->filter)
            return bad("the filter expression is too long", NULL);
        if (i > optind)
            strcat(o->filter, " ");
        strcat(o->filter, argv[i]);
    }
    o->co.filter = o->filter[0] ? o->filter : NULL;
    /* A dashboard must not lose frames while its screen is drawn (the
     * state's lock held): a kernel buffer of 32 MiB, not libpcap's 2 MiB,
     * took it from 0.3% lost at 367,000 pkt/s to none (tests/bench live). */
    if (o->co.iface && !o->co.buffer_kib)
        o->co.buffer_kib = MT_LIVE_BUFFER_KIB;
    if (!o->is_batch && !isatty(STDOUT_FILENO))
        return bad("standard output is not a terminal; use --batch for snapshots", NULL);
    return -1;
}

int main(int argc, char **argv)
{
    static struct options o;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    static struct mt_state st;
    struct mt_source src;
    char err[512];
    const char *source = o.co.iface ? o.co.iface : o.co.paths[0];
    if (mt_source_open(&src, &o.co, o.co.iface ? 0 : o.speed, err, sizeof err) < 0)
        return bad(err, NULL);
    if (mt_state_init(&st, source, src.one_link) < 0) {
        status = bad("out of memory", NULL);
    } else if (mt_source_start(&src, &o.co, &st, err, sizeof err) < 0) {
        status = bad(err, NULL);
    } else if (o.is_batch && !o.no_sandbox && mops_sandbox_enter(&(struct mops_sandbox_opts){.dir_fd = -1}, err) < 0) {
        status = bad(err, NULL); /* the filter: from here on nothing is opened (lib/capture/sandbox.c) */
    } else {
        status = o.is_batch ? batch(&st, &src, o.interval, o.json, o.count)
                            : mt_ui_run(&st, &src, o.interval, !o.no_sandbox);
    }
    mt_source_stop(&src);
    if (st.error[0]) {
        fprintf(stderr, "mopstop: %s\n", st.error);
        status = 2;
    }
    mt_state_free(&st); /* also after a partial init */
    return status;
}
